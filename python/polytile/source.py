"""Reading MLIR source: splitting on ``// -----`` and parsing a buffer so that
locations carry the real file name and line numbers."""
from __future__ import annotations

import dataclasses
import re

from mlir import ir

from polytile.diagnostics import Diagnostic, SourceLoc

SPLIT_MARKER = "// -----"


def split_buffer(text: str, marker: str) -> list[tuple[int, str]]:
    """(first line number, text) for each part between marker lines."""
    parts: list[tuple[int, str]] = []
    start = 1
    current: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip() == marker:
            parts.append((start, "\n".join(current)))
            start, current = number + 1, []
        else:
            current.append(line)
    parts.append((start, "\n".join(current)))
    return parts


_WRAP = "module {"
_NOT_ONE_OP = "source must contain a single top-level operation"


class SourceError(Exception):
    """A buffer failed to parse, or failed the verifier MLIR runs right after
    parsing; ``diagnostics`` carry the real file positions."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def _diagnostics(error: ir.MLIRError) -> list[Diagnostic]:
    return [Diagnostic.from_mlir(d) for d in error.error_diagnostics]


def parse_module(text: str, name: str, first_line: int, context: ir.Context) -> ir.Operation:
    """Parse one buffer whose first line is ``first_line`` of file ``name``.

    Locations carry the real file name, line and column numbers. Like mlir-opt,
    top-level ops other than a single ``builtin.module`` are wrapped in a module.
    Raises :class:`SourceError`.
    """
    _refuse_parser_aborts(text, name, first_line)
    padding = "\n" * (first_line - 1)  # keeps line numbers
    with context:
        # The usual case, one top-level op, parses as is.
        try:
            op = ir.Operation.parse(padding + text, source_name=name).operation
        except ir.MLIRError as e:
            if not any(_NOT_ONE_OP in d.message for d in e.error_diagnostics):
                raise SourceError(_diagnostics(e)) from None
        else:
            if op.name == "builtin.module":
                return op
            module = ir.Module.create(_implicit_module_loc(name)).operation
            module.regions[0].blocks[0].append(op)
            try:
                module.verify()  # symbol uses are checked at the module
            except ir.MLIRError as e:
                raise SourceError(_diagnostics(e)) from None
            return module
        # Several top-level ops (or none): parse them inside a wrapper module,
        # written on a padding line when there is one, else before line 1,
        # whose columns are then shifted.
        try:
            # A trailing `{-# dialect_resources #-}` section belongs to the file,
            # not to the wrapper: close the wrapper before it.
            body, trailer = _split_resources(text)
            # Attribute/type alias definitions must precede the wrapper: they
            # move onto its line (their own lines are left empty).
            aliases, body = _hoist_aliases(body)
            wrap = aliases + _WRAP
            module = ir.Operation.parse(wrap + padding + body + "\n}" + trailer,
                                        source_name=name).operation
        except ir.MLIRError as e:
            diags = _diagnostics(e)
            raise SourceError(_unshift_diagnostics(diags, name, len(wrap)) if not padding else diags) from None
        module.location = _implicit_module_loc(name)
        if not padding:
            _unshift_locations(module, name, len(wrap))
        return module


# Text that MLIR 22's parser aborts on (a failed assertion kills the process)
# instead of reporting: refused before parsing, with the message MLIR should give.
_PARSER_ABORTS = [
    # DenseArrayAttr of index: Type::getIntOrFloatBitWidth asserts.
    (re.compile(r"array\s*<\s*index\b"),
     "dense arrays of 'index' are not supported (use an integer element type such as i64)"),
    # The custom forms of linalg.transpose/broadcast/reduce: a malformed list after
    # `permutation =` / `dimensions =` makes the parser store a null attribute
    # (NamedAttrList::set asserts).
    (re.compile(r"\blinalg\.(?:transpose|broadcast|reduce)\b[^{}]{0,2000}?\b(?:permutation|dimensions)\s*="
                r"(?!\s*\[\s*(?:-?\d+\s*(?:,\s*-?\d+\s*)*)?\])"),
     "expected '[' and a list of integers, then ']' (e.g. permutation = [1, 0])"),
]
_COMMENT_OR_STRING = re.compile(r'//[^\n]*|"(?:[^"\\\n]|\\.)*"')


def _refuse_parser_aborts(text: str, name: str, first_line: int) -> None:
    """Raise SourceError at the first construct of :data:`_PARSER_ABORTS`
    (outside comments and string literals)."""
    if "array" not in text and "linalg." not in text:
        return
    code = _COMMENT_OR_STRING.sub(lambda m: " " * len(m.group()), text)
    for pattern, message in _PARSER_ABORTS:
        m = pattern.search(code)
        if m is not None:
            line = first_line + code.count("\n", 0, m.start())
            col = m.start() - (code.rfind("\n", 0, m.start()) + 1) + 1
            raise SourceError([Diagnostic("error", SourceLoc(name, line, col), message)])


_ALIAS = re.compile(r"^[#!][\w.$-]+\s*=.*$", re.MULTILINE)


def _hoist_aliases(text: str) -> tuple[str, str]:
    """(alias definitions on one line, text with those lines emptied)."""
    found = _ALIAS.findall(text)
    if not found:
        return "", text
    return " ".join(found) + " ", _ALIAS.sub("", text)


def _implicit_module_loc(name: str) -> ir.Location:
    """Where the module wrapping top-level ops is: nowhere in the text, which
    mlir-opt writes as line 0, column 0."""
    return ir.Location.file(name, 0, 0)


_RESOURCES = re.compile(r"^\{-#", re.MULTILINE)


def _split_resources(text: str) -> tuple[str, str]:
    """(ops, resource section) of a buffer; line breaks are kept in place."""
    m = _RESOURCES.search(text)
    return (text, "") if m is None else (text[:m.start()], "\n" + text[m.start():])


def _shifted(loc: ir.Location, name: str, shift: int) -> bool:
    return loc.is_a_file() and loc.filename == name and loc.start_line == 1 \
        and loc.start_col > shift


def _unshift_locations(root: ir.Operation, name: str, shift: int) -> None:
    """Undo the wrapper's column shift (``shift`` columns) in the locations of line 1."""

    def visit(op: ir.Operation) -> ir.WalkResult:
        if _shifted(op.location, name, shift):
            op.location = ir.Location.file(name, 1, op.location.start_col - shift)
        for region in op.regions:
            for block in region.blocks:
                for arg in block.arguments:
                    if _shifted(arg.location, name, shift):
                        arg.set_location(
                            ir.Location.file(name, 1, arg.location.start_col - shift))
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)


def _unshift_diagnostics(diags: list[Diagnostic], name: str, shift: int) -> list[Diagnostic]:
    """Undo the wrapper's column shift (``shift`` columns) in diagnostics on line 1."""

    def fix(d: Diagnostic) -> Diagnostic:
        loc = d.loc
        if loc.file == name and loc.line == 1 and loc.col > shift:
            loc = dataclasses.replace(loc, col=loc.col - shift)
        return dataclasses.replace(d, loc=loc, notes=tuple(fix(n) for n in d.notes))

    return [fix(d) for d in diags]

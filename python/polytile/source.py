"""Reading MLIR source: splitting on ``// -----`` and parsing a buffer so that
locations carry the real file name and line numbers."""
from __future__ import annotations

import dataclasses

from mlir import ir

from polytile.diagnostics import Diagnostic

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


def parse_module(text: str, name: str, first_line: int, context: ir.Context) -> ir.Operation:
    """Parse one buffer whose first line is ``first_line`` of file ``name``.

    Locations carry the real file name and line numbers. Like mlir-opt, top-level
    ops other than a single ``builtin.module`` are wrapped in a module.
    Raises ``ir.MLIRError`` on a parse error.
    """
    # Padding keeps line numbers; the wrapper module goes on a padding line when
    # there is one (otherwise at the start of line 1; see fix_line_one_columns).
    if first_line > 1:
        source = _WRAP + "\n" * (first_line - 1) + text + "\n}"
    else:
        source = _WRAP + text + "\n}"
    with context:
        outer = ir.Operation.parse(source, source_name=name).operation
    body = outer.regions[0].blocks[0]
    ops = list(body.operations)
    if len(ops) == 1 and ops[0].operation.name == "builtin.module":
        inner = ops[0].operation
        inner.detach_from_parent()
        return inner
    return outer


def fix_line_one_columns(diags: list[Diagnostic], name: str, first_line: int) -> list[Diagnostic]:
    """Undo the column shift of the wrapper on line 1 (only when the buffer starts there)."""
    if first_line > 1:
        return diags

    def fix(d: Diagnostic) -> Diagnostic:
        loc = d.loc
        if loc.file == name and loc.line == 1 and loc.col > len(_WRAP):
            loc = dataclasses.replace(loc, col=loc.col - len(_WRAP))
        return dataclasses.replace(d, loc=loc, notes=tuple(fix(n) for n in d.notes))

    return [fix(d) for d in diags]

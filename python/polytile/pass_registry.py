"""Writing passes in Python: the ``@register_pass`` decorator, pass options, and
the wrapper that turns a Python function into an MLIR pass.

A pass is a function ``run(root: ir.Operation, options) -> None`` that rewrites
everything under ``root`` in place. ``root`` is the op the pass is anchored on in
the pipeline: the module at top level, or each ``func.func`` when nested as
``func.func(my-pass)``. Options are a frozen dataclass; fields are spelled in
kebab-case on the command line (``tile_size`` -> ``tile-size=32``).

To report a problem with the IR, raise :class:`PassError` with the op: the
pass fails and the message becomes an MLIR error at that op's location.

Python passes are added to the pass manager without ``op_name`` (anchoring a
Python pass on an op aborts the process in MLIR 22); the wrapper walks to the
ops of its nesting path itself.
"""
from __future__ import annotations

import dataclasses
import re
import typing
from typing import Callable, Optional

from mlir import ir

from polytile.diagnostics import PassPipelineError


class PassError(Exception):
    """Raised by a pass to fail with an error at ``op``'s location."""

    def __init__(self, message: str, op: Optional[ir.Operation] = None):
        super().__init__(message)
        self.op = op


@dataclasses.dataclass(frozen=True)
class NoOptions:
    """Options of a pass that takes none."""


@dataclasses.dataclass(frozen=True)
class PassInfo:
    """A registered Python pass."""

    argument: str  # kebab-case name used in pipelines, e.g. "tg-dce"
    name: str  # display name in IR dumps and timing, e.g. "TgDce"
    description: str
    run: Callable[[ir.Operation, object], None]
    options_class: type = NoOptions
    doc: str = ""

    def parse_options(self, text: str):
        """Build the options dataclass from ``key=value`` text (as inside ``{...}``)."""
        return parse_options(self.options_class, text, self.argument)

    def option_help(self) -> list[tuple[str, str, str]]:
        """(kebab name, type name, help) per option, for --list-passes."""
        rows = []
        hints = typing.get_type_hints(self.options_class)
        for f in dataclasses.fields(self.options_class):
            rows.append((_kebab(f.name), _type_name(hints[f.name]), f.metadata.get("help", "")))
        return rows


_REGISTRY: dict[str, PassInfo] = {}


def register_pass(argument: str, *, options: type = NoOptions,
                  name: Optional[str] = None) -> Callable:
    """Decorator registering ``run(root, options)`` as the pass ``argument``.

    The function's docstring is the pass's documentation; its first line is the
    one-line description shown by ``--list-passes``.
    """

    def register(run: Callable) -> Callable:
        if argument in _REGISTRY:
            raise ValueError(f"pass '{argument}' is registered twice")
        doc = (run.__doc__ or "").strip()
        _REGISTRY[argument] = PassInfo(
            argument=argument,
            name=name or "".join(p.capitalize() for p in argument.split("-")),
            description=doc.splitlines()[0] if doc else "",
            run=run, options_class=options, doc=doc)
        return run

    return register


def lookup(argument: str) -> Optional[PassInfo]:
    _ensure_loaded()
    return _REGISTRY.get(argument)


def all_passes() -> list[PassInfo]:
    _ensure_loaded()
    return sorted(_REGISTRY.values(), key=lambda p: p.argument)


def _ensure_loaded() -> None:
    import polytile.passes  # noqa: F401  (importing registers every pass)


def option(default, help: str = ""):
    """A pass-option dataclass field with help text for --list-passes."""
    if isinstance(default, (list, dict, set)):
        raise TypeError("use a tuple for list-valued options")
    return dataclasses.field(default=default, metadata={"help": help})


# ----------------------------------------------------------------------------
# Options text <-> dataclass
# ----------------------------------------------------------------------------

def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _type_name(t) -> str:
    if typing.get_origin(t) is tuple:
        return f"list<{_type_name(typing.get_args(t)[0])}>"
    return getattr(t, "__name__", str(t))


_OPTION_TOKEN = re.compile(r"""\s*([A-Za-z0-9_.-]+)(?:=("[^"]*"|'[^']*'|\{[^}]*\}|[^\s]+))?""")


def split_options(text: str) -> list[tuple[str, Optional[str]]]:
    """``"a=1 b c='x y'"`` -> ``[("a", "1"), ("b", None), ("c", "x y")]``."""
    out = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _OPTION_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot parse options near '{text[pos:]}'")
        value = m.group(2)
        if value is not None and value[:1] in "\"'{" and value[-1:] in "\"'}":
            value = value[1:-1]
        out.append((m.group(1), value))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


def _convert(value: Optional[str], t, key: str):
    if typing.get_origin(t) is tuple:
        inner = typing.get_args(t)[0]
        if value is None or value == "":
            return ()
        return tuple(_convert(v.strip(), inner, key) for v in value.split(","))
    if t is bool:
        if value is None or value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        raise ValueError(f"option '{key}' expects true or false, got '{value}'")
    if value is None:
        raise ValueError(f"option '{key}' needs a value")
    try:
        return t(value)
    except ValueError:
        raise ValueError(f"option '{key}' expects {_type_name(t)}, got '{value}'") from None


def parse_options(options_class: type, text: str, pass_name: str = "pass"):
    fields = {_kebab(f.name): f for f in dataclasses.fields(options_class)}
    hints = typing.get_type_hints(options_class)
    values = {}
    try:
        for key, value in split_options(text or ""):
            field = fields.get(key)
            if field is None:
                known = ", ".join(fields) or "none"
                raise ValueError(f"no such option '{key}' (options: {known})")
            values[field.name] = _convert(value, hints[field.name], key)
    except ValueError as e:
        raise PassPipelineError(f"invalid options for pass '{pass_name}': {e}") from None
    return options_class(**values)


# ----------------------------------------------------------------------------
# Running a Python pass inside an MLIR pass manager
# ----------------------------------------------------------------------------

def _targets(root: ir.Operation, nest_path: tuple[str, ...]) -> list[ir.Operation]:
    ops = [root]
    for op_name in nest_path:
        nested = []
        for parent in ops:
            for region in parent.regions:
                for block in region.blocks:
                    nested.extend(o.operation for o in block.operations
                                  if o.operation.name == op_name)
        ops = nested
    return ops


def make_callable(info: PassInfo, options, nest_path: tuple[str, ...],
                  verify_each: bool) -> Callable:
    """The function handed to ``PassManager.add``: runs the pass on each op of
    ``nest_path`` under the root, reports :class:`PassError` as a diagnostic,
    then runs polytile's semantic verifiers (upstream verification already runs
    after every pass)."""
    from polytile import verifier

    def run(root, pass_) -> None:
        root = root.operation if hasattr(root, "operation") else root
        try:
            with root.context, root.location:
                for target in _targets(root, nest_path):
                    info.run(target, options)
            if verify_each and not verifier.verify_semantics(root):
                pass_.signal_pass_failure()
        except PassError as e:
            (e.op.operation if e.op is not None else root).location.emit_error(str(e))
            pass_.signal_pass_failure()
        except Exception as e:  # a bug in the pass, not in the user's IR
            root.location.emit_error(
                f"internal error in pass '{info.argument}': {type(e).__name__}: {e}")
            pass_.signal_pass_failure()

    run.__name__ = info.name
    return run

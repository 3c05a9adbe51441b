"""Python side of the `sched` (schedule) dialect.

A schedule says how to compile one kernel function (a ``func.func`` with a
``tg.kernel`` attribute). In the IR it is flat and handle-based, like the
transform dialect (IRDL ops cannot be terminators, so no regions)::

    %k = "sched.kernel"() {name = "matmul_0"} : () -> !sched.handle
    "sched.tile"(%k) {sizes = array<i64: 64, 256, 0>} : (!sched.handle) -> ()
    "sched.vectorize"(%k) {width = 16 : i64} : (!sched.handle) -> ()

In Python it is a :class:`Schedule`: a kernel name and a list of steps
(:class:`Tile`, :class:`Interchange`, :class:`Fuse`, :class:`Pack`,
:class:`Vectorize`, :class:`Unroll`, :class:`Parallel`, :class:`GpuMap`,
:class:`Polyhedral`), one dataclass per step op whose fields are the op's
attributes. This module converts between the two (:meth:`Schedule.build`,
:meth:`Schedule.to_text`, :func:`schedules_in`, :func:`load_schedules`,
:func:`remove_schedules`) and checks what IRDL cannot (dense arrays of i64,
where the ops are, which handle they use). The legality of a schedule for its
kernel's loops is in ``sched_rules`` (:func:`verify_schedule`,
:func:`kernel_iteration_space`), re-exported here.

The handle type is ``!sched.handle``: an IRDL type and an IRDL op cannot share
the name ``kernel``. Not supported yet: several handles per kernel (e.g. on
individual ops inside it), steps that take parameters from other steps.
"""
from __future__ import annotations

import dataclasses
import os
import typing
from typing import ClassVar, Iterable, Optional, Union

from mlir import ir

from polytile.diagnostics import Diagnostic, ParseError, PolytileError, resolve_location

from . import irdl_spec


SPEC, IRDL_PATH = irdl_spec.load_packaged_spec(__package__, "sched.irdl.mlir")
OPVIEWS = irdl_spec.register_opviews(SPEC, globals())
HANDLE_TYPE = "!sched.handle"

Problem = tuple[Optional[ir.Operation], str]  # (op to report at, or None; message)


def load(context: ir.Context) -> None:
    """Load the sched dialect into ``context``."""
    irdl_spec.load_into_context(SPEC, context)


class ScheduleError(PolytileError):
    """Schedules in the IR are malformed (see ``diagnostics`` for where)."""


def problems_to_diagnostics(problems: Iterable[Problem]) -> list[Diagnostic]:
    """Diagnostics (with file positions) for ``(op, message)`` problems."""
    out = []
    for op, message in problems:
        loc = resolve_location(op.location) if op is not None else resolve_location(ir.Location.unknown())
        out.append(Diagnostic("error", loc, message))
    return out


# ----------------------------------------------------------------------------
# Steps: one dataclass per step op; fields are the op's attributes
# ----------------------------------------------------------------------------

STEPS: dict[str, type] = {}  # op short name ("tile") -> step class


@dataclasses.dataclass
class Step:
    """Base of the step classes. ``op`` is the sched op the step was read from
    (for diagnostics); it does not take part in comparisons."""

    OP: ClassVar[str] = ""
    op: Optional[ir.Operation] = dataclasses.field(default=None, compare=False, repr=False,
                                                   kw_only=True)

    def __post_init__(self) -> None:
        for name, kind in self.attribute_kinds().items():
            value = getattr(self, name)
            if kind == "ints":
                value = tuple(int(v) for v in value)
            elif kind == "bool":
                value = bool(value)
            elif kind == "int":
                value = int(value)
            else:
                value = str(value)
            setattr(self, name, value)

    @classmethod
    def attribute_kinds(cls) -> dict[str, str]:
        """Attribute name -> "ints" | "int" | "bool" | "str", from the field types."""
        return cls._KINDS  # set by @_step

    def attributes(self) -> dict[str, ir.Attribute]:
        """The op's attributes (needs an active context)."""
        return {name: _to_attribute(kind, getattr(self, name))
                for name, kind in self.attribute_kinds().items()}

    def to_text(self, handle: str = "%k") -> str:
        """The op in generic form, e.g. ``"sched.unroll"(%k) {factor = 4 : i64} : (!sched.handle) -> ()``."""
        attrs = ", ".join(f"{name} = {_attr_text(kind, getattr(self, name))}"
                          for name, kind in self.attribute_kinds().items())
        return f'"sched.{self.OP}"({handle}) {{{attrs}}} : ({HANDLE_TYPE}) -> ()'


_KIND_OF_TYPE = {"tuple[int, ...]": "ints", "int": "int", "bool": "bool", "str": "str"}


def _step(op_name: str):
    """Make ``cls`` a step dataclass for ``sched.<op_name>``; its fields must be
    exactly the op's attributes in the IRDL file."""

    def register(cls):
        cls = dataclasses.dataclass(cls)
        cls.OP = op_name
        hints = typing.get_type_hints(cls)
        kinds = {f.name: _KIND_OF_TYPE[_type_text(hints[f.name])]
                 for f in dataclasses.fields(cls) if f.name != "op"}
        spec = SPEC.ops.get(op_name)
        if spec is None or set(kinds) != set(spec.attributes):
            raise TypeError(f"step {cls.__name__} does not match sched.{op_name} in sched.irdl.mlir")
        cls._KINDS = dict(sorted(kinds.items()))  # MLIR prints attributes sorted by name
        STEPS[op_name] = cls
        return cls

    return register


def _type_text(t) -> str:
    if typing.get_origin(t) is tuple:
        return "tuple[int, ...]"
    return t.__name__


@_step("tile")
class Tile(Step):
    """One tile level: a size per kernel loop, 0 = loop not tiled. Repeated
    tile steps are levels, outermost first."""

    sizes: tuple[int, ...]


@_step("interchange")
class Interchange(Step):
    """Order of the kernel's loops for the register tiles' tile loops, outermost first
    (reduction loops keep their place; cpu, packed kernels)."""

    permutation: tuple[int, ...]


@_step("fuse")
class Fuse(Step):
    """Fuse the element-wise consumers (``consumers``) and the producers of the
    listed anchor operands into the outermost tile loop."""

    consumers: bool = True
    producers: tuple[int, ...] = ()


@_step("pack")
class Pack(Step):
    """Pack anchor operand #``operand`` into tiles of its trailing dims."""

    operand: int
    tiles: tuple[int, ...]


@_step("vectorize")
class Vectorize(Step):
    """Vectorize the innermost tile with vectors of ``width`` elements."""

    width: int


@_step("unroll")
class Unroll(Step):
    """Unroll the innermost reduction step loop by ``factor`` (cpu, packed kernels)."""

    factor: int


@_step("parallel")
class Parallel(Step):
    """Run loops ``dims`` of the preceding tile level on ``threads`` threads (0: all cores)."""

    dims: tuple[int, ...]
    threads: int = 0


@_step("gpu_map")
class GpuMap(Step):
    """GPU grid (``blocks``) and block (``threads``) sizes, 1-3 dims each, over the
    innermost parallel loops of the anchor, x innermost (cuda)."""

    blocks: tuple[int, ...]
    threads: tuple[int, ...]


@_step("polyhedral")
class Polyhedral(Step):
    """Schedule the kernel's loop nests with affine-polyhedral-schedule ``options``."""

    options: str = ""


def _to_attribute(kind: str, value) -> ir.Attribute:
    if kind == "ints":
        return ir.DenseI64ArrayAttr.get(list(value))
    if kind == "bool":
        return ir.BoolAttr.get(value)
    if kind == "int":
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), value)
    return ir.StringAttr.get(value)


def _attr_text(kind: str, value) -> str:
    if kind == "ints":
        return f"array<i64: {', '.join(str(v) for v in value)}>" if value else "array<i64>"
    if kind == "bool":
        return "true" if value else "false"
    if kind == "int":
        return f"{value} : i64"
    return _quote(value)


def _quote(text: str) -> str:
    """A string literal as MLIR prints it: ``\\\\`` for a backslash, ``\\XX`` for
    a quote and for bytes outside printable ASCII."""
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch == "\\":
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F and ch != '"':
            out.append(ch)
        else:
            out.append(f"\\{byte:02X}")
    return '"' + "".join(out) + '"'


# ----------------------------------------------------------------------------
# Schedules
# ----------------------------------------------------------------------------

@dataclasses.dataclass
class Schedule:
    """The schedule of kernel function ``kernel``: its steps in order.

    ``op`` is the ``sched.kernel`` op it was read from and ``duplicates`` any
    further ``sched.kernel`` ops naming the same kernel (an error that
    :func:`verify_schedule` reports); neither takes part in comparisons."""

    kernel: str
    steps: list = dataclasses.field(default_factory=list)
    op: Optional[ir.Operation] = dataclasses.field(default=None, compare=False, repr=False)
    duplicates: list = dataclasses.field(default_factory=list, compare=False, repr=False)
    _owner: Optional[ir.Operation] = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def tile_levels(self) -> list[Tile]:
        """The tile steps, outermost level first."""
        return self.find_all(Tile)

    def find(self, step_class: type) -> Optional[Step]:
        """The first step of class ``step_class``, or None."""
        return next((s for s in self.steps if isinstance(s, step_class)), None)

    def find_all(self, step_class: type) -> list:
        """Every step of class ``step_class``, in order."""
        return [s for s in self.steps if isinstance(s, step_class)]

    def to_text(self, handle: str = "%k") -> str:
        """The schedule's ops in generic form, one per line."""
        lines = [f'{handle} = "sched.kernel"() {{name = {_quote(self.kernel)}}} : () -> {HANDLE_TYPE}']
        lines += [step.to_text(handle) for step in self.steps]
        return "\n".join(lines)

    def build(self, insertion_point: ir.InsertionPoint,
              loc: Optional[ir.Location] = None) -> list[ir.Operation]:
        """Emit the ``sched.kernel`` op and one op per step at ``insertion_point``;
        returns them. Each op gets ``loc`` if given, else the location of the op
        it was read from (when in the same context), else an unknown location."""
        owner = insertion_point.block.owner
        context = owner.context if owner is not None else ir.Context.current
        with context:
            handle_type = ir.Type.parse(HANDLE_TYPE)
            kernel = ir.Operation.create(
                "sched.kernel", results=[handle_type],
                attributes={"name": ir.StringAttr.get(self.kernel)},
                loc=_location(loc, self.op, context), ip=insertion_point)
            ops = [kernel]
            for step in self.steps:
                if not isinstance(step, Step):
                    raise TypeError(f"schedule steps must be sched step objects, got {step!r}")
                ops.append(ir.Operation.create(
                    f"sched.{step.OP}", operands=[kernel.result], attributes=step.attributes(),
                    loc=_location(loc, step.op, context), ip=insertion_point))
        return ops


def _location(loc: Optional[ir.Location], op: Optional[ir.Operation],
              context: ir.Context) -> ir.Location:
    if loc is not None:
        return loc
    try:
        if op is not None and op.context == context:
            return op.location
    except RuntimeError:  # the op was erased
        pass
    return ir.Location.unknown(context)


def format_schedules(schedules: Iterable[Schedule]) -> str:
    """Several schedules as one text (handles ``%k0``, ``%k1``, ...), e.g. for a schedule file."""
    return "\n".join(s.to_text(f"%k{i}") for i, s in enumerate(schedules)) + "\n"


# ----------------------------------------------------------------------------
# Reading schedules from IR
# ----------------------------------------------------------------------------

class _AttributeError(Exception):
    pass


def _read_attribute(op: ir.Operation, name: str, kind: str):
    if name not in op.attributes:
        raise _AttributeError(f"'{op.name}' op requires attribute '{name}'")
    what = {"ints": "array<i64: ...>", "bool": "true or false",
            "int": "an integer", "str": "a string"}[kind]
    try:
        attr = op.attributes[name]
    except TypeError:  # a kind the bindings cannot represent, e.g. array<ui8: ...>
        raise _AttributeError(f"'{op.name}' op attribute '{name}' must be {what}") from None
    try:
        if kind == "ints":
            return list(ir.DenseI64ArrayAttr(attr))
        if kind == "bool":
            return ir.BoolAttr(attr).value
        if kind == "int":
            return ir.IntegerAttr(attr).value
        return ir.StringAttr(attr).value
    except ValueError:
        raise _AttributeError(f"'{op.name}' op attribute '{name}' must be {what}, got {attr}") from None


def read_step(op: ir.Operation) -> Step:
    """The step a sched step op stands for; raises ValueError with a message."""
    cls = STEPS[op.name.split(".", 1)[1]]
    try:
        values = {name: _read_attribute(op, name, kind) for name, kind in cls.attribute_kinds().items()}
    except _AttributeError as e:
        raise ValueError(str(e)) from None
    return cls(**values, op=op)


def verify_op(op: ir.Operation) -> Optional[str]:
    """Semantic check of one sched op (what IRDL cannot say): dense arrays of i64."""
    short = op.name.split(".", 1)[1]
    if short not in STEPS:
        return None
    try:
        read_step(op)
    except ValueError as e:
        return str(e)
    return None


def read_schedules(root: ir.Operation) -> tuple[dict[str, Schedule], list[Problem]]:
    """Every schedule under ``root`` (a module) by kernel name, and the problems
    that keep sched ops from being read: ops not at ``root``'s top level, steps
    whose handle is not a ``sched.kernel`` result or that come before it,
    malformed attributes. A second ``sched.kernel`` for a kernel goes into
    ``duplicates`` of the first; its steps are checked but not kept."""
    root = root.operation
    problems: list[Problem] = []
    top_level: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name.startswith("sched."):
            parent = op.parent
            if parent is not None and parent == root:
                top_level.append(op)
            else:
                problems.append((op, f"'{op.name}' op must be at module top level"))
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)
    schedules: dict[str, Schedule] = {}
    kernel_ops: list[ir.Operation] = []
    for op in top_level:
        if op.name == "sched.kernel":
            name = ir.StringAttr(op.attributes["name"]).value
            kernel_ops.append(op)
            if name in schedules:
                schedules[name].duplicates.append(op)
            else:
                schedules[name] = Schedule(name, op=op, _owner=root)
    seen: list[ir.Operation] = []
    for op in top_level:
        if op.name == "sched.kernel":
            seen.append(op)
            continue
        handle = op.operands[0] if len(op.operands) == 1 else None
        owner = handle.owner if handle is not None else None
        if not isinstance(owner, ir.Operation) and not isinstance(owner, ir.OpView):
            problems.append((op, f"'{op.name}' op must take the result of a sched.kernel op"))
            continue
        owner = owner.operation
        if owner.name != "sched.kernel" or not any(owner == k for k in kernel_ops):
            problems.append((op, f"'{op.name}' op must take the result of a sched.kernel op"))
            continue
        if not any(owner == k for k in seen):
            problems.append((op, f"'{op.name}' op comes before the sched.kernel op it uses"))
            continue
        try:
            step = read_step(op)
        except ValueError as e:
            problems.append((op, str(e)))
            continue
        schedule = schedules[ir.StringAttr(owner.attributes["name"]).value]
        if owner == schedule.op:
            schedule.steps.append(step)
    return schedules, problems


def schedules_in(module: Union[ir.Module, ir.Operation]) -> dict[str, Schedule]:
    """Every schedule in ``module`` by kernel name (steps remember their ops).
    Raises :class:`ScheduleError` when sched ops cannot be read (see
    :func:`read_schedules`); legality is :func:`verify_schedule`'s job."""
    schedules, problems = read_schedules(module.operation)
    if problems:
        raise ScheduleError("malformed schedules", problems_to_diagnostics(problems))
    return schedules


def remove_schedules(module: Union[ir.Module, ir.Operation]) -> None:
    """Erase every sched op under ``module`` (steps first, then the kernel
    handles). Raises :class:`ScheduleError` if a handle is used by a non-sched op."""
    found: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name.startswith("sched."):
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    kernels = [op for op in found if op.name == "sched.kernel"]
    for op in kernels:
        users = [use.owner for use in op.result.uses]
        foreign = [u for u in users if not u.name.startswith("sched.")]
        if foreign:
            raise ScheduleError("cannot remove schedules", problems_to_diagnostics(
                [(foreign[0], f"'{foreign[0].name}' op uses a sched.kernel handle")]))
    for op in reversed(found):
        if op.name != "sched.kernel":
            op.erase()
    for op in reversed(kernels):
        op.erase()


def load_schedules(text_or_path: Union[str, os.PathLike], context: ir.Context) -> dict[str, Schedule]:
    """Schedules from a ``.mlir`` file (a path) or text holding only sched ops.

    Raises :class:`~polytile.diagnostics.ParseError`, with ``file:line:col``
    diagnostics, when the text does not parse or verify, holds other ops, or
    its sched ops cannot be read (see :func:`read_schedules`)."""
    from polytile.source import SourceError, parse_module

    if isinstance(text_or_path, os.PathLike) or _is_file(text_or_path):
        name = os.fspath(text_or_path)
        with open(name, encoding="utf-8") as f:
            text = f.read()
    else:
        name, text = "<schedule>", text_or_path
    load(context)
    try:
        module = parse_module(text, name, 1, context)
    except SourceError as e:
        raise ParseError(f"cannot parse schedules from {name}", e.diagnostics) from None
    problems: list[Problem] = [
        (op.operation, f"a schedule file holds only sched ops, found '{op.operation.name}'")
        for op in module.regions[0].blocks[0].operations
        if not op.operation.name.startswith("sched.")]
    if not problems:
        schedules, problems = read_schedules(module)
    if problems:
        raise ParseError(f"cannot read schedules from {name}", problems_to_diagnostics(problems))
    return schedules


def _is_file(text: str) -> bool:
    return "\n" not in text and len(text) < 4096 and os.path.isfile(text)


# Legality against the kernel's loops lives in sched_rules.
from .sched_rules import (  # noqa: E402,F401
    TARGETS, KernelFormatError, Loop, kernel_anchor, kernel_iteration_space, kernel_kind, verify_schedule,
    verify_schedules)

"""convert-tg-to-linalg: lower every tg op to linalg, tensor and arith ops.

Named linalg ops are used where they fit (2-d matmul, 2-d convolution,
transpose, fill), ``linalg.generic`` otherwise. Unsigned integer tensors
become signless (arith needs them); lowerings that care ask
``ctx.unsigned(i)``. Each lowering lives in the module of its op family and is
registered with ``@lowering("<op>")``; the helpers they build with (element
types, scalar conversions and comparisons, affine maps, tensors, linalg.generic
shapes) are in ``builders.py``, one copy each.

The anchor of a kernel whose schedule has ``sched.pack`` (see `tg-fuse-kernels`
and the sched dialect) is lowered to the packed form of ``packed.py``, tagged
for `sched-apply`; the ops of a kernel whose schedule has ``sched.polyhedral``
are tagged for `affine-polyhedral-schedule{tagged-only=true}`.

Dynamic dims (``?``, ranked tensors): a lowering registered with
``dynamic=True`` (or a check saying which cases it handles) builds its sizes
with ``tensor.dim`` (see builders.py; a ``?`` is never broadcast from 1 at run
time, so a broadcast result's ``?`` is the size of an operand's ``?``). Every
other op with a ``?`` in an operand or result type is rejected before anything
is rewritten, naming the op; so is the anchor of a kernel whose schedule packs
it (packed forms are static-only).

Fails, naming the op, when a tg op has no lowering yet.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Optional, Sequence, Union

from mlir import ir

from polytile.pass_registry import PassError, register_pass
from polytile.passes.common.walk import ops_in, replace_op, retype_values

from .builders import tensor_type
from .schedule_info import Packing, kernel_packings, mark_polyhedral, polyhedral_kernels


@dataclasses.dataclass
class LoweringContext:
    """What a lowering sees of one tg op (types already made signless)."""

    op: ir.Operation
    original_operand_types: list[ir.Type]
    original_result_types: list[ir.Type]
    # Set for the anchor of a kernel whose schedule packs its operands (see packed.py).
    packing: Optional[Packing] = None

    @property
    def operands(self) -> list[ir.Value]:
        return list(self.op.operands)

    def operand(self, i: int) -> ir.Value:
        return self.op.operands[i]

    def has_operand(self, i: int) -> bool:
        return len(self.op.operands) > i

    @property
    def result_type(self) -> ir.RankedTensorType:
        return tensor_type(self.op.results[0].type)

    @property
    def result_shape(self) -> list[int]:
        """The static shape of result 0 (DYNAMIC for each ``?``)."""
        return list(self.result_type.shape)

    @property
    def is_dynamic(self) -> bool:
        """Whether an operand or result type has a ``?`` dim."""
        return _has_dynamic_dims(self.op)

    @property
    def result_element_type(self) -> ir.Type:
        return self.result_type.element_type

    def attr(self, name: str):
        from polytile.dialects.tg import attribute_value
        return attribute_value(self.op.attributes[name])

    def unsigned(self, i: int) -> bool:
        """Whether operand ``i`` had an unsigned element type in tg."""
        return _is_unsigned(ir.RankedTensorType(self.original_operand_types[i]).element_type)

    def result_unsigned(self, i: int = 0) -> bool:
        return _is_unsigned(ir.RankedTensorType(self.original_result_types[i]).element_type)

    def fail(self, message: str) -> None:
        raise PassError(f"cannot lower '{self.op.name}': {message}", self.op)


Lowering = Callable[[LoweringContext], Sequence[ir.Value]]
LOWERINGS: dict[str, Lowering] = {}
# Whether each lowering handles dynamic dims: True, or a check returning why it cannot
# for one op (None when it can).
DynamicCheck = Callable[[LoweringContext], Optional[str]]
DYNAMIC_LOWERINGS: dict[str, Union[bool, DynamicCheck]] = {}


def lowering(op_name: str, dynamic: Union[bool, DynamicCheck] = False) -> Callable[[Lowering], Lowering]:
    """Register the lowering of ``tg.<op_name>``; it returns the replacement values.
    ``dynamic``: whether it handles ``?`` dims (True), or a check of an op with ``?``
    dims returning the reason it cannot (a message) or None."""

    def register(fn: Lowering) -> Lowering:
        LOWERINGS["tg." + op_name] = fn
        if dynamic:
            DYNAMIC_LOWERINGS["tg." + op_name] = dynamic
        return fn

    return register


# Anchors whose packed form takes some dynamic dims: the rows of A of a matrix
# product (packed.py pads them to the register tile), N/H/W of a channels-last
# convolution (its schedule tiles them by 1); the lowering checks the other dims.
DYNAMIC_PACKING = ("tg.matmul", "tg.gemm", "tg.conv", "tg.nhwc_conv")


def _has_dynamic_dims(op: ir.Operation) -> bool:
    return any(isinstance(v.type, ir.ShapedType) and not ir.ShapedType(v.type).has_static_shape
               for v in list(op.operands) + list(op.results))


def _check_dynamic(ctx: LoweringContext) -> None:
    """Fail, naming the op, when it has dynamic dims that its lowering cannot handle."""
    if not _has_dynamic_dims(ctx.op):
        return
    name = ctx.op.name
    if ctx.packing is not None and name not in DYNAMIC_PACKING:
        raise PassError(f"{name}: a packed schedule needs static shapes (the kernel has dynamic dims)",
                        ctx.op)
    support = DYNAMIC_LOWERINGS.get(name, False)
    reason = None if support is True else \
        "dynamic dims are not supported yet (pin the input shapes)" if not support else support(ctx)
    if reason is not None:  # a reason may name the op itself ("tg.reshape from ...")
        raise PassError(reason if reason.startswith(name + " ") else f"{name}: {reason}", ctx.op)


def _packing(op: ir.Operation) -> Optional[Packing]:
    if "sched.packing" not in op.attributes:
        return None
    kernel, mr, nr, form = str(ir.StringAttr(op.attributes["sched.packing"]).value).rsplit(":", 3)
    return Packing(kernel, int(mr), int(nr), form)


def _is_unsigned(t: ir.Type) -> bool:
    return isinstance(t, ir.IntegerType) and ir.IntegerType(t).is_unsigned or str(t).startswith("ui")


def signless(t: ir.Type) -> ir.Type:
    """``t`` with unsigned integer element types made signless (tensors, functions too)."""
    if _is_unsigned(t):
        return ir.IntegerType.get_signless(ir.IntegerType(t).width)
    if isinstance(t, ir.RankedTensorType) or str(t).startswith("tensor<"):
        rt = ir.RankedTensorType(t)
        et = signless(rt.element_type)
        return t if et == rt.element_type else ir.RankedTensorType.get(list(rt.shape), et)
    if isinstance(t, ir.FunctionType):
        return ir.FunctionType.get([signless(x) for x in t.inputs], [signless(x) for x in t.results])
    return t


def _scheduled_kernels(root: ir.Operation) -> dict:
    """First result of the tg anchor -> kernel name, for the kernels that have a schedule
    (keyed by value: an op's hash changes when it is modified)."""
    from polytile.passes.common.kernels import anchor_of, func_name, kernel_funcs
    if root.name != "builtin.module" or not any(op.name == "sched.kernel" for op in ops_in(root, "sched.")):
        return {}
    from polytile.dialects import sched
    schedules = sched.schedules_in(root)
    out = {}
    for fn in kernel_funcs(root):
        anchor = anchor_of(fn)
        if anchor is not None and func_name(fn) in schedules:
            out[anchor.results[0]] = func_name(fn)
    return out


def _cast_to(value: ir.Value, t: ir.Type) -> ir.Value:
    """``value`` as type ``t``: a ``tensor.cast`` where a lowering with dynamic dims built a
    result whose ``?`` and static sizes differ from the tg result type's."""
    if value.type == t or not str(t).startswith("tensor<"):
        return value
    from mlir.dialects import tensor
    return tensor.cast(t, value)


def _position(op: ir.Operation) -> int:
    return next(i for i, o in enumerate(op.parent.regions[0].blocks[0].operations) if o.operation == op) \
        if op.parent is not None and len(op.parent.regions) == 1 else 0


def _tag_plain_anchor(op: ir.Operation, before: int, kernel: str) -> None:
    """Tag the linalg op a scheduled kernel's anchor was lowered to in plain form (the last
    new one with a reduction loop, else the last new one) with the kernel's name; packed
    anchors carry ``sched.kernel`` instead (packed.py)."""
    from polytile.passes.common.kernels import KERNEL_TAG_ATTR, PLAIN_ANCHOR_ATTR
    block_ops = [o.operation for o in op.parent.regions[0].blocks[0].operations]
    new = block_ops[before:_position(op)]
    structured = [o for o in new if o.name.startswith("linalg.") and o.name != "linalg.fill"]
    if not structured or any(KERNEL_TAG_ATTR in o.attributes for o in new):
        return
    reducing = [o for o in structured if "iterator_types" in o.attributes and
                "reduction" in str(o.attributes["iterator_types"])] + \
        [o for o in structured if "iterator_types" not in o.attributes and
         any(w in o.name for w in ("matmul", "conv", "pooling", "reduce"))]
    reducing.sort(key=new.index)
    target = (reducing or structured)[-1]
    target.attributes[PLAIN_ANCHOR_ATTR] = ir.StringAttr.get(kernel)


@register_pass("convert-tg-to-linalg", name="ConvertTgToLinalg")
def run(root: ir.Operation, options) -> None:
    """Lower tg ops to linalg/tensor/arith (named ops where they fit, linalg.generic otherwise)."""
    tg_ops = ops_in(root, "tg.")
    for op in tg_ops:
        if op.name not in LOWERINGS:
            raise PassError(f"no lowering to linalg for '{op.name}' yet", op)
    kernel_packings(root)  # marks packed anchors with sched.packing
    polyhedral = polyhedral_kernels(root)
    contexts = [LoweringContext(op, [v.type for v in op.operands], [r.type for r in op.results],
                                _packing(op))
                for op in tg_ops]
    for ctx in contexts:
        _check_dynamic(ctx)
    retype_values(root, signless)
    scheduled = _scheduled_kernels(root)
    for ctx in contexts:
        anchor_of = scheduled.get(ctx.op.results[0]) if len(ctx.op.results) else None
        before = _position(ctx.op) if anchor_of is not None else 0
        with ir.InsertionPoint(ctx.op), ctx.op.location:
            values = [_cast_to(v, r.type) for v, r in zip(LOWERINGS[ctx.op.name](ctx), ctx.op.results)]
        if anchor_of is not None:
            _tag_plain_anchor(ctx.op, before, anchor_of)
        replace_op(ctx.op, values)
    if polyhedral:
        mark_polyhedral(root, polyhedral)


# Importing the op-family modules registers their lowerings.
from . import (attention, contraction, data_dependent, elementwise, graph, normalization,  # noqa: E402,F401
               pooling, reduction, resize, shape, unary)
from . import detection  # noqa: E402,F401
from . import recurrent  # noqa: E402,F401
from . import sampling  # noqa: E402,F401
from . import misc  # noqa: E402,F401
from . import layout  # noqa: E402,F401

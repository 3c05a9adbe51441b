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

Fails, naming the op, when a tg op has no lowering yet.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Optional, Sequence

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
        return list(self.result_type.shape)

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


def lowering(op_name: str) -> Callable[[Lowering], Lowering]:
    """Register the lowering of ``tg.<op_name>``; it returns the replacement values."""

    def register(fn: Lowering) -> Lowering:
        LOWERINGS["tg." + op_name] = fn
        return fn

    return register


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
    retype_values(root, signless)
    scheduled = _scheduled_kernels(root)
    for ctx in contexts:
        anchor_of = scheduled.get(ctx.op.results[0]) if len(ctx.op.results) else None
        before = _position(ctx.op) if anchor_of is not None else 0
        with ir.InsertionPoint(ctx.op), ctx.op.location:
            values = LOWERINGS[ctx.op.name](ctx)
        if anchor_of is not None:
            _tag_plain_anchor(ctx.op, before, anchor_of)
        replace_op(ctx.op, values)
    if polyhedral:
        mark_polyhedral(root, polyhedral)


# Importing the op-family modules registers their lowerings.
from . import (attention, contraction, elementwise, graph, normalization, pooling,  # noqa: E402,F401
               reduction, resize, shape, unary)

"""convert-tg-to-linalg: lower every tg op to linalg, tensor and arith ops.

Named linalg ops are used where they fit (2-d matmul, 2-d convolution,
transpose, fill), ``linalg.generic`` otherwise. Unsigned integer tensors
become signless (arith needs them); lowerings that care ask
``ctx.unsigned(i)``. Each lowering lives in the module of its op family and is
registered with ``@lowering("<op>")``.

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
    for ctx in contexts:
        with ir.InsertionPoint(ctx.op), ctx.op.location:
            values = LOWERINGS[ctx.op.name](ctx)
        replace_op(ctx.op, values)
    if polyhedral:
        mark_polyhedral(root, polyhedral)


# Importing the op-family modules registers their lowerings.
from . import elementwise, graph, nn, reduction, shape, unary  # noqa: E402,F401

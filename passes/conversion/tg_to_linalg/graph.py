"""Lowerings of tg graph-structure ops: identity and dropout forward their input
unchanged (dropout is inference-only), dynamic dims included; shape_of is a
``tensor.from_elements`` of the dims (``tensor.dim`` for a ``?``)."""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, tensor

from . import LoweringContext, lowering
from .builders import dim_of, scalar_constant


@lowering("identity", dynamic=True)
def _identity(ctx: LoweringContext):
    return [ctx.operand(0)]


@lowering("dropout", dynamic=True)
def _dropout(ctx: LoweringContext):
    return [ctx.operand(0)]


@lowering("shape_of", dynamic=True)
def _shape_of(ctx: LoweringContext):
    data = ctx.operand(0)
    i64 = ir.IntegerType.get_signless(64)
    dims = [dim_of(data, k) for k in range(ctx.attr("start"), ctx.attr("end"))]
    values = [arith.index_cast(i64, v) if isinstance(v, ir.Value) else scalar_constant(i64, v) for v in dims]
    return [tensor.from_elements(ctx.result_type, values)]

"""Lowerings of tg constants and data-movement ops."""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith

from . import LoweringContext, lowering
from .builders import PARALLEL, amap, d, empty, generic, reshape


@lowering("constant")
def _constant(ctx: LoweringContext):
    value = ctx.op.attributes["value"]
    result_type = ctx.result_type
    if value.type != result_type:  # unsigned -> signless: same bits, new type
        array = np.array(ir.DenseElementsAttr(value))
        signless_dtype = np.dtype(f"int{array.dtype.itemsize * 8}")
        value = ir.DenseElementsAttr.get(np.ascontiguousarray(array.view(signless_dtype)),
                                         type=result_type.element_type)
    return [arith.ConstantOp(result_type, value).result]


@lowering("reshape")
def _reshape(ctx: LoweringContext):
    return [reshape(ctx.operand(0), ctx.result_shape)]


lowering("flatten")(_reshape)


@lowering("transpose")
def _transpose(ctx: LoweringContext):
    perm = ctx.attr("perm")
    rank = len(perm)
    # out[i0..] = in[j..] with j[perm[i]] = i: index the input by the inverse map.
    in_map = amap(rank, [d(perm.index(k)) for k in range(rank)])
    init = empty(ctx.result_shape, ctx.result_element_type)
    return generic([ctx.operand(0)], [init], [in_map, ir.AffineMap.get_identity(rank)],
                   [PARALLEL] * rank, lambda x, _: x)

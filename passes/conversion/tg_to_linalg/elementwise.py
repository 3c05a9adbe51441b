"""Lowerings of tg element-wise ops: one broadcasting ``linalg.generic`` each."""
from __future__ import annotations

from mlir.dialects import arith

from . import LoweringContext, lowering
from .builders import elementwise, is_float, scalar_constant


def _binary(float_op, signed_op, unsigned_op=None):
    def lower(ctx: LoweringContext):
        a, b = ctx.operands
        et = ctx.result_element_type
        if is_float(et):
            op = float_op
        else:
            op = unsigned_op if unsigned_op is not None and ctx.unsigned(0) else signed_op
        return [elementwise([a, b], et, lambda s: op(s[0], s[1]))]

    return lower


lowering("add")(_binary(arith.addf, arith.addi))
lowering("sub")(_binary(arith.subf, arith.subi))
lowering("mul")(_binary(arith.mulf, arith.muli))
lowering("div")(_binary(arith.divf, arith.divsi, arith.divui))


@lowering("relu")
def _relu(ctx: LoweringContext):
    et = ctx.result_element_type

    def body(s):
        zero = scalar_constant(et, 0)
        return arith.maximumf(s[0], zero) if is_float(et) else arith.maxsi(s[0], zero)

    return [elementwise([ctx.operand(0)], et, body)]

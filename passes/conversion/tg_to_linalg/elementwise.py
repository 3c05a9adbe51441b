"""Lowerings of tg element-wise ops: one broadcasting ``linalg.generic`` each,
whose body is built from ``arith`` (and ``math.powf`` for pow).

Integer tensors are signless here; the tg operand's signedness (``ctx.unsigned``)
picks divui/remui/cmpi u*/maxui/uitofp/extui/shrui. Integer division and
remainder by zero give 0 (as numpy) instead of trapping, and INT_MIN / -1 wraps.

``tg.cast`` converts with ``small_types.convert`` (numpy's ``astype`` for one
scalar; float8/float4 and i2/i4 as ``ml_dtypes``, see ``small_types.py``), the
operands of ``tg.pow`` with ``builders.astype``.

Every op here takes dynamic dims (``?``): a ``?`` of the result has the size of
the first operand with a ``?`` there (``builders.broadcast_dims``; a ``?`` is
never broadcast from 1 at run time).
"""
from __future__ import annotations

from typing import Callable, Optional

from mlir import ir
from mlir.dialects import arith, math

from . import LoweringContext, lowering, small_types
from .builders import (Scalar, astype, cmpf, cmpi, compute_type, elementwise, etype_of, int_width,
                       is_float, scalar_constant)


# ---------------------------------------------------------------------------
# Scalar helpers
# ---------------------------------------------------------------------------

def _safe_divisor(a: Scalar, b: Scalar, signed: bool) -> tuple[Scalar, Scalar]:
    """(b, or 1 where dividing by b would trap; whether b is 0). Trapping cases:
    b == 0, and INT_MIN / -1 for signed integers (a / 1 = INT_MIN is then the
    wrapped quotient and a % 1 = 0 the remainder, as numpy gives)."""
    t = b.type
    zero = scalar_constant(t, 0)
    is_zero = cmpi("eq", b, zero)
    trap = is_zero
    if signed:
        width = int_width(t)
        int_min = scalar_constant(t, -(1 << (width - 1)))
        overflow = arith.andi(cmpi("eq", a, int_min), cmpi("eq", b, scalar_constant(t, -1)))
        trap = arith.ori(is_zero, overflow)
    return arith.select(trap, scalar_constant(t, 1), b), is_zero


# ---------------------------------------------------------------------------
# Lowering builders
# ---------------------------------------------------------------------------

BinaryFn = Callable[[Scalar, Scalar], Scalar]


def _pick(ctx: LoweringContext, float_op: Optional[BinaryFn], signed_op: BinaryFn,
          unsigned_op: Optional[BinaryFn] = None) -> BinaryFn:
    et = etype_of(ctx.operand(0))
    if is_float(et):
        if float_op is None:
            ctx.fail(f"no lowering for element type {et}")
        return float_op
    return unsigned_op if unsigned_op is not None and ctx.unsigned(0) else signed_op


def _binary(float_op: Optional[BinaryFn], signed_op: BinaryFn, unsigned_op: Optional[BinaryFn] = None):
    """Lowering of a broadcasting binary op, the scalar op chosen by the
    operands' element type (float, signed or unsigned integer)."""

    def lower(ctx: LoweringContext):
        op = _pick(ctx, float_op, signed_op, unsigned_op)
        return [elementwise(ctx.operands, ctx.result_element_type, lambda s: op(s[0], s[1]),
                            out_shape=ctx.result_shape)]

    return lower


def _compare(float_predicate: str, signed_predicate: str, unsigned_predicate: str):
    return _binary(lambda a, b: cmpf(float_predicate, a, b),
                   lambda a, b: cmpi(signed_predicate, a, b),
                   lambda a, b: cmpi(unsigned_predicate, a, b))


lowering("add", dynamic=True)(_binary(arith.addf, arith.addi))
lowering("sub", dynamic=True)(_binary(arith.subf, arith.subi))
lowering("mul", dynamic=True)(_binary(arith.mulf, arith.muli))
lowering("max", dynamic=True)(_binary(arith.maximumf, arith.maxsi, arith.maxui))
lowering("min", dynamic=True)(_binary(arith.minimumf, arith.minsi, arith.minui))
for _name, _op in (("and", arith.andi), ("or", arith.ori), ("xor", arith.xori)):
    lowering(_name, dynamic=True)(_binary(None, _op))
    lowering("bitwise_" + _name, dynamic=True)(_binary(None, _op))
lowering("equal", dynamic=True)(_compare("OEQ", "eq", "eq"))
lowering("greater", dynamic=True)(_compare("OGT", "sgt", "ugt"))
lowering("less", dynamic=True)(_compare("OLT", "slt", "ult"))
lowering("greater_or_equal", dynamic=True)(_compare("OGE", "sge", "uge"))
lowering("less_or_equal", dynamic=True)(_compare("OLE", "sle", "ule"))


def _int_div(signed: bool) -> BinaryFn:
    def div(a: Scalar, b: Scalar) -> Scalar:
        divisor, is_zero = _safe_divisor(a, b, signed)
        quotient = arith.divsi(a, divisor) if signed else arith.divui(a, divisor)
        return arith.select(is_zero, scalar_constant(a.type, 0), quotient)

    return div


lowering("div", dynamic=True)(_binary(arith.divf, _int_div(True), _int_div(False)))


def _int_rem(signed: bool, floor: bool) -> BinaryFn:
    """Integer remainder; ``floor`` gives it the divisor's sign (Python %)."""

    def rem(a: Scalar, b: Scalar) -> Scalar:
        divisor, _ = _safe_divisor(a, b, signed)
        if not signed:
            return arith.remui(a, divisor)
        r = arith.remsi(a, divisor)
        if not floor:
            return r
        zero = scalar_constant(a.type, 0)
        signs_differ = cmpi("slt", arith.xori(r, b), zero)
        fix = arith.andi(cmpi("ne", r, zero), signs_differ)
        return arith.select(fix, arith.addi(r, b), r)

    return rem


def _float_floor_rem(a: Scalar, b: Scalar) -> Scalar:
    """A - floor(A / B) * B on floats (ONNX Mod-28, fmod = 0): C's fmod moved to the
    divisor's sign; a zero result takes B's sign. fmod's own special cases give the
    rest (NaN for an infinite A or a zero B; A for an infinite B of A's sign, B
    itself -- A + B -- for one of the other sign)."""
    r = arith.remf(a, b)
    zero = scalar_constant(a.type, 0.0)
    nonzero = cmpf("ONE", r, zero)
    signs_differ = arith.xori(cmpf("OLT", r, zero), cmpf("OLT", b, zero))
    moved = arith.select(arith.andi(nonzero, signs_differ), arith.addf(r, b), r)
    return arith.select(cmpf("OEQ", r, zero), math.copysign(r, b), moved)


@lowering("mod", dynamic=True)
def _mod(ctx: LoweringContext):
    floor = ctx.attr("fmod") == 0
    return _binary(_float_floor_rem if floor else arith.remf,
                   _int_rem(True, floor), _int_rem(False, floor))(ctx)


@lowering("bit_shift", dynamic=True)
def _bit_shift(ctx: LoweringContext):
    """Shifts, logical on unsigned and arithmetic (right) on signed integers. An
    amount outside [0, bit width) gives the sign fill: -1 for a right shift of a
    negative signed X, else 0 (LLVM would give poison)."""
    left = ctx.attr("direction") == "LEFT"
    et = ctx.result_element_type
    signed = not ctx.unsigned(0)

    def body(s):
        x, y = s
        zero = scalar_constant(et, 0)
        in_range = cmpi("ult", y, scalar_constant(et, int_width(et)))  # unsigned: a negative y is huge
        amount = arith.select(in_range, y, zero)
        if left:
            shifted = arith.shli(x, amount)
        else:
            shifted = arith.shrsi(x, amount) if signed else arith.shrui(x, amount)
        fill = zero
        if signed and not left:
            fill = arith.select(cmpi("slt", x, zero), scalar_constant(et, -1), zero)
        return arith.select(in_range, shifted, fill)

    return [elementwise(ctx.operands, et, body, out_shape=ctx.result_shape)]


def _pow_compute_type(et: ir.Type) -> ir.Type:
    """f64 for integer bases (as onnxruntime's std::pow), else the float
    compute type (f32 for f16/bf16 bases, the base's own type otherwise)."""
    return compute_type(et) if is_float(et) else ir.F64Type.get()


@lowering("pow", dynamic=True)
def _pow(ctx: LoweringContext):
    x_type, y_type = etype_of(ctx.operand(0)), etype_of(ctx.operand(1))
    ct = _pow_compute_type(x_type)

    def body(s):
        x = astype(s[0], x_type, False, ct, False)
        y = astype(s[1], y_type, ctx.unsigned(1), ct, False)
        return astype(math.powf(x, y), ct, False, x_type, False)

    return [elementwise(ctx.operands, x_type, body, out_shape=ctx.result_shape)]


@lowering("where", dynamic=True)
def _where(ctx: LoweringContext):
    return [elementwise(ctx.operands, ctx.result_element_type,
                        lambda s: arith.select(s[0], s[1], s[2]), out_shape=ctx.result_shape)]


@lowering("cast", dynamic=True)
def _cast(ctx: LoweringContext):
    src, dst = etype_of(ctx.operand(0)), ctx.result_element_type
    if src == dst:  # same bits, e.g. i8 <-> ui8 (numpy wraps)
        return [ctx.operand(0)]
    src_unsigned, dst_unsigned = ctx.unsigned(0), ctx.result_unsigned()
    return [elementwise([ctx.operand(0)], dst,
                        lambda s: small_types.convert(s[0], src, src_unsigned, dst, dst_unsigned),
                        out_shape=ctx.result_shape)]


@lowering("relu", dynamic=True)
def _relu(ctx: LoweringContext):
    et = ctx.result_element_type

    def body(s):
        zero = scalar_constant(et, 0)
        return arith.maximumf(s[0], zero) if is_float(et) else arith.maxsi(s[0], zero)

    return [elementwise([ctx.operand(0)], et, body)]

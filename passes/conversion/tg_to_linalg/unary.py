"""Lowerings of tg unary element-wise math and activation ops.

Each op becomes one parallel ``linalg.generic`` whose body is built from
``arith`` and ``math`` ops (transcendental functions lower later through
``convert-math-to-llvm``/``convert-math-to-libm``). f16 and bf16 inputs are
computed in f32 and rounded back once, as onnxruntime does, except for ops that
are exact in the input type (abs, neg, sign, clip, predicates). Integer
``shrink`` computes in f64 and truncates toward zero like ONNX's reference.

Helper for unary-style lowerings: :func:`float_map` (promote, compute, round
back). Every op here takes dynamic dims (``?``), sized by ``tensor.dim`` of its
input (``builders.broadcast_dims`` for clip and prelu).
"""
from __future__ import annotations

import math as _pymath
from typing import Callable

from mlir import ir
from mlir.dialects import arith, math

from . import LoweringContext, lowering
from .builders import (Scalar, cmpf, cmpi, compute_type, convert_float, elementwise, i64, int_width, is_float,
                       reshape, scalar_constant)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def float_map(ctx: LoweringContext, fn: Callable[[Scalar, ir.Type], Scalar]) -> list[ir.Value]:
    """Lower a float op as ``fn(x, compute_type)`` per element, promoting
    f16/bf16 to f32 around ``fn``."""
    et = ctx.result_element_type
    ct = compute_type(et)

    def body(s):
        return convert_float(fn(convert_float(s[0], ct), ct), et)

    return [elementwise([ctx.operand(0)], et, body, out_shape=ctx.result_shape)]


def _native_map(ctx: LoweringContext, fn: Callable[[Scalar, ir.Type], Scalar]) -> list[ir.Value]:
    """Lower an op that is exact in the input type as ``fn(x, input_type)``."""
    et = ir.RankedTensorType(ctx.operand(0).type).element_type
    return [elementwise([ctx.operand(0)], ctx.result_element_type, lambda s: fn(s[0], et),
                        out_shape=ctx.result_shape)]


def _sigmoid(x: Scalar, t: ir.Type) -> Scalar:
    one = scalar_constant(t, 1.0)
    return arith.divf(one, arith.addf(one, math.exp(arith.negf(x))))


def _softplus(x: Scalar, t: ir.Type) -> Scalar:
    """log(1 + e^x) as max(x, 0) + log1p(e^-|x|): no overflow for large x."""
    tail = math.log1p(math.exp(arith.negf(math.absf(x))))
    return arith.addf(arith.maximumf(x, scalar_constant(t, 0.0)), tail)


def _clamp01(y: Scalar, t: ir.Type) -> Scalar:
    return arith.maximumf(scalar_constant(t, 0.0), arith.minimumf(scalar_constant(t, 1.0), y))


# ---------------------------------------------------------------------------
# Float math without attributes
# ---------------------------------------------------------------------------

_MATH = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "floor": math.floor, "ceil": math.ceil,
    "round": math.roundeven, "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin,
    "acos": math.acos, "atan": math.atan, "sinh": math.sinh, "cosh": math.cosh, "asinh": math.asinh,
    "acosh": math.acosh, "atanh": math.atanh, "erf": math.erf, "tanh": math.tanh,
}


def _math_lowering(fn):
    return lambda ctx: float_map(ctx, lambda x, t: fn(x))


for _name, _fn in _MATH.items():
    lowering(_name, dynamic=True)(_math_lowering(_fn))


@lowering("reciprocal", dynamic=True)
def _reciprocal(ctx: LoweringContext):
    return float_map(ctx, lambda x, t: arith.divf(scalar_constant(t, 1.0), x))


@lowering("sigmoid", dynamic=True)
def _sigmoid_lowering(ctx: LoweringContext):
    return float_map(ctx, _sigmoid)


@lowering("softplus", dynamic=True)
def _softplus_lowering(ctx: LoweringContext):
    return float_map(ctx, _softplus)


@lowering("softsign", dynamic=True)
def _softsign(ctx: LoweringContext):
    return float_map(ctx, lambda x, t: arith.divf(x, arith.addf(scalar_constant(t, 1.0), math.absf(x))))


@lowering("hard_swish", dynamic=True)
def _hard_swish(ctx: LoweringContext):
    def fn(x, t):
        scaled = arith.mulf(scalar_constant(t, 1.0 / 6.0), x)
        return arith.mulf(x, _clamp01(arith.addf(scaled, scalar_constant(t, 0.5)), t))

    return float_map(ctx, fn)


@lowering("mish", dynamic=True)
def _mish(ctx: LoweringContext):
    return float_map(ctx, lambda x, t: arith.mulf(x, math.tanh(_softplus(x, t))))


# ---------------------------------------------------------------------------
# Activations with attributes
# ---------------------------------------------------------------------------

def _expm1(x: Scalar, t: ir.Type) -> Scalar:
    return arith.subf(math.exp(x), scalar_constant(t, 1.0))


@lowering("elu", dynamic=True)
def _elu(ctx: LoweringContext):
    alpha = ctx.attr("alpha")

    def fn(x, t):
        negative = arith.mulf(scalar_constant(t, alpha), _expm1(x, t))
        return arith.select(cmpf("OGE", x, scalar_constant(t, 0.0)), x, negative)

    return float_map(ctx, fn)


@lowering("selu", dynamic=True)
def _selu(ctx: LoweringContext):
    alpha, gamma = ctx.attr("alpha"), ctx.attr("gamma")

    def fn(x, t):
        negative = arith.subf(arith.mulf(scalar_constant(t, alpha), math.exp(x)), scalar_constant(t, alpha))
        y = arith.select(cmpf("OGT", x, scalar_constant(t, 0.0)), x, negative)
        return arith.mulf(scalar_constant(t, gamma), y)

    return float_map(ctx, fn)


@lowering("celu", dynamic=True)
def _celu(ctx: LoweringContext):
    alpha = ctx.attr("alpha")

    def fn(x, t):
        zero = scalar_constant(t, 0.0)
        negative = arith.mulf(scalar_constant(t, alpha), _expm1(arith.divf(x, scalar_constant(t, alpha)), t))
        return arith.addf(arith.maximumf(zero, x), arith.minimumf(zero, negative))

    return float_map(ctx, fn)


@lowering("leaky_relu", dynamic=True)
def _leaky_relu(ctx: LoweringContext):
    alpha = ctx.attr("alpha")

    def fn(x, t):
        non_negative = cmpf("OGE", x, scalar_constant(t, 0.0))
        return arith.select(non_negative, x, arith.mulf(scalar_constant(t, alpha), x))

    return float_map(ctx, fn)


@lowering("hard_sigmoid", dynamic=True)
def _hard_sigmoid(ctx: LoweringContext):
    alpha, beta = ctx.attr("alpha"), ctx.attr("beta")

    def fn(x, t):
        scaled = arith.mulf(scalar_constant(t, alpha), x)
        return _clamp01(arith.addf(scaled, scalar_constant(t, beta)), t)

    return float_map(ctx, fn)


@lowering("thresholded_relu", dynamic=True)
def _thresholded_relu(ctx: LoweringContext):
    alpha = ctx.attr("alpha")

    def fn(x, t):
        above = cmpf("OGT", x, scalar_constant(t, alpha))
        return arith.select(above, x, scalar_constant(t, 0.0))

    return float_map(ctx, fn)


@lowering("swish", dynamic=True)
def _swish(ctx: LoweringContext):
    alpha = ctx.attr("alpha")
    return float_map(ctx, lambda x, t: arith.mulf(x, _sigmoid(arith.mulf(scalar_constant(t, alpha), x), t)))


@lowering("gelu", dynamic=True)
def _gelu(ctx: LoweringContext):
    tanh_form = ctx.attr("approximate") == "tanh"

    def fn(x, t):
        half_x = arith.mulf(scalar_constant(t, 0.5), x)
        if tanh_form:
            cube = arith.mulf(x, arith.mulf(x, x))
            inner = arith.mulf(scalar_constant(t, _pymath.sqrt(2.0 / _pymath.pi)),
                               arith.addf(x, arith.mulf(scalar_constant(t, 0.044715), cube)))
            core = math.tanh(inner)
        else:
            core = math.erf(arith.mulf(x, scalar_constant(t, 1.0 / _pymath.sqrt(2.0))))
        return arith.mulf(half_x, arith.addf(scalar_constant(t, 1.0), core))

    return float_map(ctx, fn)


@lowering("shrink", dynamic=True)
def _shrink(ctx: LoweringContext):
    bias, lambd = ctx.attr("bias"), ctx.attr("lambd")

    def shrink(x, t):
        below = cmpf("OLT", x, scalar_constant(t, -lambd))
        above = cmpf("OGT", x, scalar_constant(t, lambd))
        inner = arith.select(above, arith.subf(x, scalar_constant(t, bias)), scalar_constant(t, 0.0))
        return arith.select(below, arith.addf(x, scalar_constant(t, bias)), inner)

    et = ctx.result_element_type
    if is_float(et):
        return float_map(ctx, shrink)
    unsigned = ctx.unsigned(0)
    f64 = ir.F64Type.get()

    def body(s):
        x = (arith.uitofp if unsigned else arith.sitofp)(f64, s[0])
        return _float_to_int(shrink(x, f64), et, unsigned)

    return [elementwise([ctx.operand(0)], et, body, out_shape=ctx.result_shape)]


def _float_to_int(value: Scalar, et: ir.Type, unsigned: bool) -> Scalar:
    """Truncate toward zero; narrow results wrap like a C cast through int64."""
    width = int_width(et)
    if width == 64:
        return (arith.fptoui if unsigned else arith.fptosi)(et, value)
    wide = arith.fptosi(i64(), value)
    return arith.trunci(et, wide)


# ---------------------------------------------------------------------------
# Ops exact in the input type: abs, neg, sign, predicates, bitwise
# ---------------------------------------------------------------------------

@lowering("abs", dynamic=True)
def _abs(ctx: LoweringContext):
    if is_float(ctx.result_element_type):
        return _native_map(ctx, lambda x, t: math.absf(x))
    if ctx.unsigned(0):
        return [ctx.operand(0)]
    return _native_map(ctx, lambda x, t: math.absi(x))


@lowering("neg", dynamic=True)
def _neg(ctx: LoweringContext):
    if is_float(ctx.result_element_type):
        return _native_map(ctx, lambda x, t: arith.negf(x))
    return _native_map(ctx, lambda x, t: arith.subi(scalar_constant(t, 0), x))


@lowering("sign", dynamic=True)
def _sign(ctx: LoweringContext):
    if is_float(ctx.result_element_type):
        def fn(x, t):
            zero = scalar_constant(t, 0.0)
            negative_or_x = arith.select(cmpf("OLT", x, zero), scalar_constant(t, -1.0), x)  # keeps 0 and nan
            return arith.select(cmpf("OGT", x, zero), scalar_constant(t, 1.0), negative_or_x)
    elif ctx.unsigned(0):
        def fn(x, t):
            return arith.extui(t, cmpi("ne", x, scalar_constant(t, 0)))
    else:
        def fn(x, t):
            zero = scalar_constant(t, 0)
            negative_or_zero = arith.select(cmpi("slt", x, zero), scalar_constant(t, -1), zero)
            return arith.select(cmpi("sgt", x, zero), scalar_constant(t, 1), negative_or_zero)
    return _native_map(ctx, fn)


@lowering("is_nan", dynamic=True)
def _is_nan(ctx: LoweringContext):
    return _native_map(ctx, lambda x, t: cmpf("UNO", x, x))


@lowering("is_inf", dynamic=True)
def _is_inf(ctx: LoweringContext):
    negative, positive = ctx.attr("detect_negative"), ctx.attr("detect_positive")

    def fn(x, t):
        if negative and positive:
            return cmpf("OEQ", math.absf(x), scalar_constant(t, float("inf")))
        if positive:
            return cmpf("OEQ", x, scalar_constant(t, float("inf")))
        if negative:
            return cmpf("OEQ", x, scalar_constant(t, float("-inf")))
        return scalar_constant(ir.IntegerType.get_signless(1), 0)

    return _native_map(ctx, fn)


@lowering("not", dynamic=True)
def _not(ctx: LoweringContext):
    return _native_map(ctx, lambda x, t: arith.xori(x, scalar_constant(t, 1)))


@lowering("bitwise_not", dynamic=True)
def _bitwise_not(ctx: LoweringContext):
    return _native_map(ctx, lambda x, t: arith.xori(x, scalar_constant(t, -1)))


# ---------------------------------------------------------------------------
# Ops with tensor operands: clip, prelu
# ---------------------------------------------------------------------------

@lowering("clip", dynamic=True)
def _clip(ctx: LoweringContext):
    x, low, high = ctx.operands
    et = ctx.result_element_type
    low, high = reshape(low, []), reshape(high, [])
    if is_float(et):
        lower, upper = arith.maximumf, arith.minimumf
    elif ctx.unsigned(0):
        lower, upper = arith.maxui, arith.minui
    else:
        lower, upper = arith.maxsi, arith.minsi
    return [elementwise([x, low, high], et, lambda s: upper(lower(s[0], s[1]), s[2]),
                        out_shape=ctx.result_shape)]


@lowering("prelu", dynamic=True)
def _prelu(ctx: LoweringContext):
    x, slope = ctx.operands
    et = ctx.result_element_type
    if not is_float(et) and ctx.unsigned(0):
        return [x]  # never negative
    ct = compute_type(et)

    def body(s):
        v, a = s
        if is_float(et):
            v, a = convert_float(v, ct), convert_float(a, ct)
            y = arith.select(cmpf("OLT", v, scalar_constant(ct, 0.0)), arith.mulf(a, v), v)
            return convert_float(y, et)
        return arith.select(cmpi("slt", v, scalar_constant(et, 0)), arith.muli(a, v), v)

    return [elementwise([x, slope], et, body, out_shape=ctx.result_shape)]

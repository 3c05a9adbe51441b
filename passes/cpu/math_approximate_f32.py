"""math-approximate-f32: f32 ``math.exp``, ``math.erf`` and ``math.tanh`` as polynomials.

LLVM lowers these math ops to one libm call per element, which the loop
vectorizer cannot vectorize without a vector math library; softmax, GELU,
sigmoid and tanh then run one element at a time. This pass rewrites them (f32
scalars or vectors, e.g. in ``linalg.generic`` bodies) into ``arith`` code that
vectorizes:

* ``exp``: Cephes ``expf`` -- ``n = round(x log2 e)``, ``r = x - n ln 2`` (in two
  parts), a degree-6 polynomial for ``e^r`` and ``2^n`` built from the exponent
  bits (as two factors, so that one polynomial covers the whole range, subnormal
  results included); inputs above 88.72 give +inf, below -103.97 give 0, NaN stays
  NaN. Relative error below 2e-6 (measured over [-88, 88]).
* ``erf``: Abramowitz & Stegun 7.1.26 with the exp above; absolute error
  about 2.2e-7.
* ``tanh``: ``sign(x) (1 - 2 / (e^(2|x|) + 1))``, or ``x`` itself for
  ``|x| < 0.0004`` where that form would lose precision; absolute error below 3e-7.

Does not touch other element types (f16 goes through f32 in polytile's
lowerings, f64 keeps libm) or other math functions yet (log, sin, ...).
"""
from __future__ import annotations

import dataclasses

from mlir import ir
from mlir.dialects import arith, math

from polytile.pass_registry import register_pass

from polytile.passes.common.walk import ops_in

_OPS = ("math.exp", "math.erf", "math.tanh")


@dataclasses.dataclass(frozen=True)
class Options:
    pass


class _Builder:
    """Constants and arith ops of the f32 (scalar or vector) type of one value."""

    def __init__(self, t: ir.Type):
        self.t = t
        if isinstance(t, ir.VectorType) or str(t).startswith("vector<"):
            shape = list(ir.VectorType(t).shape)
            self.i32 = ir.VectorType.get(shape, ir.IntegerType.get_signless(32))
        else:
            self.i32 = ir.IntegerType.get_signless(32)

    def _const(self, t: ir.Type, value, elem: ir.Type) -> ir.Value:
        attr = ir.FloatAttr.get(elem, value) if isinstance(value, float) else ir.IntegerAttr.get(elem, value)
        if t == elem:
            return arith.ConstantOp(t, attr).result
        return arith.ConstantOp(t, ir.DenseElementsAttr.get_splat(t, attr)).result

    def f(self, value: float) -> ir.Value:
        return self._const(self.t, float(value), ir.F32Type.get())

    def i(self, value: int) -> ir.Value:
        return self._const(self.i32, int(value), ir.IntegerType.get_signless(32))

    def poly(self, x: ir.Value, coefficients) -> ir.Value:
        """Horner evaluation, highest degree first."""
        acc = self.f(coefficients[0])
        for c in coefficients[1:]:
            acc = math.fma(acc, x, self.f(c))
        return acc


def _exp(b: _Builder, x: ir.Value) -> ir.Value:
    """One polynomial for the whole range: 2^n is applied as 2^(n >> 1) * 2^(n - (n >> 1)),
    each factor a normal float for n in [-150, 128] (the same value as one 2^n factor where
    that is a normal float, and gradual underflow below)."""
    upper = 88.72283935546875  # above: +inf
    lower = -103.972084045410  # below: 0
    xc = arith.maximumf(arith.minimumf(x, b.f(upper)), b.f(lower))
    n = math.floor(math.fma(xc, b.f(1.44269504088896341), b.f(0.5)))
    y = _exp_polynomial(b, xc, n)
    k = arith.fptosi(b.i32, n)
    half = arith.shrsi(k, b.i(1))
    y = arith.mulf(y, _pow2(b, half))
    y = arith.mulf(y, _pow2(b, arith.subi(k, half)))
    y = arith.select(arith.cmpf(arith.CmpFPredicate.OGT, x, b.f(upper)), b.f(float("inf")), y)
    y = arith.select(arith.cmpf(arith.CmpFPredicate.OLT, x, b.f(lower)), b.f(0.0), y)
    return arith.select(arith.cmpf(arith.CmpFPredicate.UNO, x, x), x, y)


def _pow2(b: _Builder, k: ir.Value) -> ir.Value:
    """2^k from the exponent bits, for i32 k in [-126, 127]."""
    return arith.bitcast(b.t, arith.shli(arith.addi(k, b.i(127)), b.i(23)))


def _exp_polynomial(b: _Builder, x: ir.Value, n: ir.Value) -> ir.Value:
    """e^(x - n ln 2) for |x - n ln 2| <= ln 2 / 2 (Cephes' degree-6 polynomial)."""
    r = math.fma(n, b.f(-0.693359375), x)
    r = math.fma(n, b.f(2.12194440e-4), r)
    p = b.poly(r, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
                   1.6666665459e-1, 5.0000001201e-1])
    return arith.addf(math.fma(p, arith.mulf(r, r), r), b.f(1.0))


def _exp_small(b: _Builder, x: ir.Value) -> ir.Value:
    """The polynomial part of exp for x in [-88.4, 88.4] (no range checks)."""
    n = math.floor(math.fma(x, b.f(1.44269504088896341), b.f(0.5)))
    y = _exp_polynomial(b, x, n)
    return arith.mulf(y, _pow2(b, arith.fptosi(b.i32, n)))


def _erf(b: _Builder, x: ir.Value) -> ir.Value:
    ax = math.absf(x)
    t = arith.divf(b.f(1.0), math.fma(ax, b.f(0.3275911), b.f(1.0)))
    p = arith.mulf(b.poly(t, [1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592]), t)
    e = _exp_small(b, arith.maximumf(arith.negf(arith.mulf(ax, ax)), b.f(-88.0)))
    y = arith.subf(b.f(1.0), arith.mulf(p, e))
    return math.copysign(y, x)


def _tanh(b: _Builder, x: ir.Value) -> ir.Value:
    ax = math.absf(x)
    e = _exp_small(b, arith.minimumf(arith.mulf(ax, b.f(2.0)), b.f(88.0)))
    y = arith.subf(b.f(1.0), arith.divf(b.f(2.0), arith.addf(e, b.f(1.0))))
    y = math.copysign(y, x)
    small = arith.cmpf(arith.CmpFPredicate.OLT, ax, b.f(0.0004))
    return arith.select(small, x, y)


_REWRITES = {"math.exp": _exp, "math.erf": _erf, "math.tanh": _tanh}


def _is_f32(t: ir.Type) -> bool:
    text = str(t)
    return text == "f32" or (text.startswith("vector<") and text.endswith("xf32>"))


@register_pass("math-approximate-f32", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Rewrite f32 math.exp/erf/tanh into vectorizable polynomial arithmetic."""
    for op in ops_in(root, "math."):
        if op.name not in _REWRITES or not _is_f32(op.results[0].type):
            continue
        with ir.InsertionPoint(op), op.location:
            value = _REWRITES[op.name](_Builder(op.results[0].type), op.operands[0])
        op.results[0].replace_all_uses_with(value)
        op.erase()

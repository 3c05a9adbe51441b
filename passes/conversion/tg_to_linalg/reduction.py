"""Lowerings of tg reductions, arg-reductions, softmax, normalization and scan ops.

Everything is built from ``linalg.generic`` ops of two shapes: a *reduction*
(loops over the input, the dims in ``axes`` reduced, the result indexed by the
kept dims) and a *parallel map* whose inputs may be reduced tensors broadcast
back along the reduced dims. Keepdims results are reshaped at the end.

* f16/bf16 are computed (and accumulated) in f32 and rounded once at the end.
* Softmax and LogSoftmax subtract the max first; ReduceLogSumExp shifts by the
  max when it is finite.
* ArgMax/ArgMin and Hardmax break ties by index, independently of loop order.
* CumSum/CumProd are a masked reduction along the axis (O(n^2) per line) and
  TopK ranks every element against the others (O(n^2)) then gathers the first
  k ranks: both fine for the sizes seen in models, slow for very long axes.
* Normalizations compute mean and variance in two passes (mean, then the mean
  of squared deviations).

Helpers for other lowerings of this kind: :func:`reduction`, :func:`parallel`,
:func:`reduced_map`, :func:`moments`, :func:`loop_index`.
"""
from __future__ import annotations

from typing import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, linalg, math

from . import LoweringContext, lowering
from .builders import (PARALLEL, REDUCTION, amap, broadcast_map, d, elementwise, empty,
                       etype_of, filled, generic, int_width, is_float, pad, reshape,
                       scalar_constant, shape_of)

Scalar = ir.Value


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def i64() -> ir.Type:
    return ir.IntegerType.get_signless(64)


def compute_type(et: ir.Type) -> ir.Type:
    """The type a float element is computed in: f32 for f16/bf16, else itself."""
    return ir.F32Type.get() if str(et) in ("f16", "bf16") else et


def float_width(t: ir.Type) -> int:
    return {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}[str(t)]


def wider(a: ir.Type, b: ir.Type) -> ir.Type:
    return a if float_width(a) >= float_width(b) else b


def convert(v: Scalar, to: ir.Type) -> Scalar:
    """Float-to-float conversion (extf/truncf), a no-op for equal types."""
    src = v.type
    if src == to:
        return v
    return arith.extf(to, v) if float_width(to) > float_width(src) else arith.truncf(to, v)


def cmpf(predicate: str, a: Scalar, b: Scalar) -> Scalar:
    return arith.cmpf(getattr(arith.CmpFPredicate, predicate.upper()), a, b)


def cmpi(predicate: str, a: Scalar, b: Scalar) -> Scalar:
    return arith.cmpi(getattr(arith.CmpIPredicate, predicate), a, b)


def k(t: ir.Type, value) -> Scalar:
    return scalar_constant(t, value)


def loop_index(dim: int) -> Scalar:
    """The current iteration of loop ``dim`` of the enclosing linalg.generic (index type)."""
    return linalg.IndexOp(dim).result


def loop_index_i64(dim: int) -> Scalar:
    return arith.index_cast(i64(), loop_index(dim))


def kept(rank: int, axes: Sequence[int]) -> list[int]:
    return [i for i in range(rank) if i not in axes]


def reduced_map(rank: int, axes: Sequence[int]) -> ir.AffineMap:
    """Index a tensor of the kept dims from the loops over the full shape."""
    return amap(rank, [d(i) for i in kept(rank, axes)])


def identity(rank: int) -> ir.AffineMap:
    return ir.AffineMap.get_identity(rank)


def prod(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def reduction(inputs: Sequence[ir.Value], input_maps: Sequence[ir.AffineMap], shape: Sequence[int],
              axes: Sequence[int], inits: Sequence[ir.Value], body: Callable[..., object]) -> list[ir.Value]:
    """A ``linalg.generic`` over the loops of ``shape`` reducing ``axes``; the
    ``inits`` (and results) have the kept dims. ``body(*inputs, *accumulators)``."""
    rank = len(shape)
    out_map = reduced_map(rank, axes)
    iters = [REDUCTION if i in axes else PARALLEL for i in range(rank)]
    return generic(inputs, inits, list(input_maps) + [out_map] * len(inits), iters, body)


def reduce_into(x: ir.Value, axes: Sequence[int], acc_type: ir.Type, init_value,
                combine: Callable[[Scalar, Scalar], Scalar],
                pre: Callable[[Scalar], Scalar] = lambda v: v) -> ir.Value:
    """Fold ``combine(acc, pre(x))`` over ``axes`` of ``x``, starting from ``init_value``."""
    shape = shape_of(x)
    init = filled([shape[i] for i in kept(len(shape), axes)], acc_type, init_value)
    return reduction([x], [identity(len(shape))], shape, axes, [init],
                     lambda v, acc: combine(acc, pre(v)))[0]


def parallel(inputs: Sequence[ir.Value], input_maps: Sequence[ir.AffineMap], shape: Sequence[int],
             out_type: ir.Type, body: Callable[..., Scalar]) -> ir.Value:
    """A parallel ``linalg.generic`` producing a ``shape`` tensor; ``body(*inputs)``."""
    rank = len(shape)
    init = empty(shape, out_type)
    return generic(inputs, [init], list(input_maps) + [identity(rank)], [PARALLEL] * rank,
                   lambda *args: body(*args[:-1]))[0]


def moments(x: ir.Value, axes: Sequence[int], ct: ir.Type) -> tuple[ir.Value, ir.Value]:
    """Mean and (biased) variance of ``x`` over ``axes``, computed in ``ct``; both
    have the kept dims."""
    shape = shape_of(x)
    rank = len(shape)
    count = k(ct, prod([shape[a] for a in axes]))
    zero = 0.0
    total = reduce_into(x, axes, ct, zero, arith.addf, lambda v: convert(v, ct))
    mean = elementwise([total], ct, lambda s: arith.divf(s[0], count))
    init = filled(shape_of(mean), ct, zero)

    def squared_deviation(v, mu, acc):
        dev = arith.subf(convert(v, ct), mu)
        return arith.addf(acc, arith.mulf(dev, dev))

    sq = reduction([x, mean], [identity(rank), reduced_map(rank, axes)], shape, axes, [init],
                   squared_deviation)[0]
    var = elementwise([sq], ct, lambda s: arith.divf(s[0], count))
    return mean, var


def inverse_std(var: ir.Value, epsilon: float) -> ir.Value:
    ct = etype_of(var)
    return elementwise([var], ct, lambda s: math.rsqrt(arith.addf(s[0], k(ct, epsilon))))


def stash_result(value: ir.Value, stash: ir.Type, shape: Sequence[int]) -> ir.Value:
    """``value`` converted to the stash type and reshaped (LayerNormalization's Mean/InvStdDev)."""
    if etype_of(value) != stash:
        value = elementwise([value], stash, lambda s: convert(s[0], stash))
    return reshape(value, shape)


# ---------------------------------------------------------------------------
# Reduce*
# ---------------------------------------------------------------------------

def _max_min_parts(et: ir.Type, unsigned: bool, is_max: bool):
    """(initial value, combine) of a max or min reduction in element type ``et``."""
    if is_float(et):
        return (float("-inf") if is_max else float("inf")), (arith.maximumf if is_max else arith.minimumf)
    if int_width(et) == 1:
        return (0 if is_max else 1), (arith.ori if is_max else arith.andi)
    if unsigned:
        return (0 if is_max else -1), (arith.maxui if is_max else arith.minui)
    return (float("-inf") if is_max else float("inf")), (arith.maxsi if is_max else arith.minsi)


def _abs(v: Scalar, unsigned: bool) -> Scalar:
    if is_float(v.type):
        return math.absf(v)
    if unsigned:
        return v
    return arith.select(cmpi("slt", v, k(v.type, 0)), arith.subi(k(v.type, 0), v), v)


def _via_f64(fn: Callable[[Scalar], Scalar], unsigned: bool) -> Callable[[Scalar], Scalar]:
    """Apply a float function to an integer: convert to f64, apply, truncate back."""
    def apply(v: Scalar) -> Scalar:
        if is_float(v.type):
            return fn(v)
        f64 = ir.F64Type.get()
        as_float = arith.uitofp(f64, v) if unsigned else arith.sitofp(f64, v)
        return (arith.fptoui if unsigned else arith.fptosi)(v.type, fn(as_float))

    return apply


def _sum_like(ctx: LoweringContext, pre, finish=None, multiply: bool = False) -> list[ir.Value]:
    """Sum (or product) of ``pre(x)`` over the axes, then ``finish(acc, count)``
    element-wise; floats accumulate in their compute type."""
    x = ctx.operand(0)
    et = etype_of(x)
    axes = ctx.attr("axes")
    floating = is_float(et)
    acc_type = compute_type(et) if floating else et
    if floating:
        combine = arith.mulf if multiply else arith.addf
    else:
        combine = arith.muli if multiply else arith.addi
    r = reduce_into(x, axes, acc_type, 1 if multiply else 0, combine,
                    lambda v: pre(convert(v, acc_type) if floating else v))
    count = prod([shape_of(x)[a] for a in axes])
    out_et = ctx.result_element_type

    def body(s):
        v = s[0] if finish is None else finish(s[0], count)
        return convert(v, out_et) if floating else v

    if finish is not None or acc_type != out_et:
        r = elementwise([r], out_et, body)
    return [reshape(r, ctx.result_shape)]


@lowering("reduce_sum")
def _reduce_sum(ctx: LoweringContext):
    return _sum_like(ctx, lambda v: v)


@lowering("reduce_prod")
def _reduce_prod(ctx: LoweringContext):
    return _sum_like(ctx, lambda v: v, multiply=True)


@lowering("reduce_sum_square")
def _reduce_sum_square(ctx: LoweringContext):
    return _sum_like(ctx, lambda v: arith.mulf(v, v) if is_float(v.type) else arith.muli(v, v))


@lowering("reduce_l1")
def _reduce_l1(ctx: LoweringContext):
    unsigned = ctx.unsigned(0)
    return _sum_like(ctx, lambda v: _abs(v, unsigned))


@lowering("reduce_mean")
def _reduce_mean(ctx: LoweringContext):
    unsigned = ctx.unsigned(0)

    def mean(acc, count):
        if is_float(acc.type):
            return arith.divf(acc, k(acc.type, count))  # an empty set gives NaN
        if count == 0:
            return acc  # 0 for an empty set, rather than a division by zero
        return (arith.divui if unsigned else arith.divsi)(acc, k(acc.type, count))

    return _sum_like(ctx, lambda v: v, mean)


@lowering("reduce_l2")
def _reduce_l2(ctx: LoweringContext):
    root = _via_f64(math.sqrt, ctx.unsigned(0))
    return _sum_like(ctx, lambda v: arith.mulf(v, v) if is_float(v.type) else arith.muli(v, v),
                     lambda acc, _count: root(acc))


@lowering("reduce_log_sum")
def _reduce_log_sum(ctx: LoweringContext):
    log = _via_f64(math.log, ctx.unsigned(0))
    return _sum_like(ctx, lambda v: v, lambda acc, _count: log(acc))


def _reduce_max_min(is_max: bool):
    def lower(ctx: LoweringContext):
        x = ctx.operand(0)
        et = etype_of(x)
        acc_type = compute_type(et) if is_float(et) else et
        init, combine = _max_min_parts(acc_type, ctx.unsigned(0), is_max)
        pre = (lambda v: convert(v, acc_type)) if is_float(et) else (lambda v: v)
        r = reduce_into(x, ctx.attr("axes"), acc_type, init, combine, pre)
        if acc_type != et:
            r = elementwise([r], et, lambda s: convert(s[0], et))
        return [reshape(r, ctx.result_shape)]

    return lower


lowering("reduce_max")(_reduce_max_min(True))
lowering("reduce_min")(_reduce_max_min(False))


@lowering("reduce_log_sum_exp")
def _reduce_log_sum_exp(ctx: LoweringContext):
    """Floats: log(sum(exp(x - m))) + m with m the max when finite (else 0: all
    -inf gives -inf, any +inf gives +inf)."""
    x = ctx.operand(0)
    et = etype_of(x)
    if not is_float(et):
        return _integer_log_sum_exp(ctx)
    ct = compute_type(et)
    axes = ctx.attr("axes")
    shape = shape_of(x)
    rank = len(shape)
    m = reduce_into(x, axes, ct, float("-inf"), arith.maximumf, lambda v: convert(v, ct))
    shift = elementwise([m], ct, lambda s: arith.select(
        cmpf("one", math.absf(s[0]), k(ct, float("inf"))), s[0], k(ct, 0.0)))
    init = filled(shape_of(m), ct, 0.0)
    total = reduction([x, shift], [identity(rank), reduced_map(rank, axes)], shape, axes, [init],
                      lambda v, sh, acc: arith.addf(acc, math.exp(arith.subf(convert(v, ct), sh))))[0]
    out = elementwise([total, shift], et, lambda s: convert(arith.addf(math.log(s[0]), s[1]), et))
    return [reshape(out, ctx.result_shape)]


def _integer_log_sum_exp(ctx: LoweringContext):
    """Integers as onnxruntime computes them: the exp(x - max) terms are
    truncated to integers (so only the maxima count), then log(count) + max is
    truncated toward zero (the ONNX reference refuses integers)."""
    x = ctx.operand(0)
    et = etype_of(x)
    unsigned = ctx.unsigned(0)
    axes = ctx.attr("axes")
    shape = shape_of(x)
    rank = len(shape)
    init, combine = _max_min_parts(et, unsigned, True)
    m = reduce_into(x, axes, et, init, combine)
    count_init = filled(shape_of(m), i64(), 0)
    count = reduction([x, m], [identity(rank), reduced_map(rank, axes)], shape, axes, [count_init],
                      lambda v, mx, acc: arith.addi(acc, arith.extui(i64(), cmpi("eq", v, mx))))[0]
    f64 = ir.F64Type.get()

    def body(s):
        mx = arith.uitofp(f64, s[1]) if unsigned else arith.sitofp(f64, s[1])
        y = arith.addf(math.log(arith.sitofp(f64, s[0])), mx)
        return (arith.fptoui if unsigned else arith.fptosi)(et, y)

    return [reshape(elementwise([count, m], et, body), ctx.result_shape)]


# ---------------------------------------------------------------------------
# ArgMax / ArgMin
# ---------------------------------------------------------------------------

def _arg_reduction(is_max: bool):
    def lower(ctx: LoweringContext):
        x = ctx.operand(0)
        et = etype_of(x)
        axis = ctx.attr("axis")
        last = bool(ctx.attr("select_last_index"))
        shape = shape_of(x)
        out_shape = [shape[i] for i in kept(len(shape), [axis])]
        if is_float(et):
            # NaN counts as the extreme value, as in numpy (and onnx.reference):
            # the first NaN (the last with select_last_index) wins. The reductions
            # (maximumf/minimumf) propagate NaN the same way.
            start = float("-inf") if is_max else float("inf")
            better = lambda a, b: arith.ori(  # noqa: E731
                cmpf("ogt" if is_max else "olt", a, b),
                arith.andi(cmpf("uno", a, a), cmpf("ord", b, b)))
            same = lambda a, b: arith.ori(  # noqa: E731
                cmpf("oeq", a, b), arith.andi(cmpf("uno", a, a), cmpf("uno", b, b)))
        else:
            unsigned = ctx.unsigned(0)
            start = _max_min_parts(et, unsigned, is_max)[0]
            pred = ("u" if unsigned else "s") + ("gt" if is_max else "lt")
            better = lambda a, b: cmpi(pred, a, b)  # noqa: E731
            same = lambda a, b: cmpi("eq", a, b)  # noqa: E731

        def body(v, best, best_index):
            i = loop_index_i64(axis)
            tie = arith.andi(same(v, best), cmpi("sgt" if last else "slt", i, best_index))
            take = arith.ori(better(v, best), tie)
            return [arith.select(take, v, best), arith.select(take, i, best_index)]

        inits = [filled(out_shape, et, start), filled(out_shape, i64(), 0)]
        indices = reduction([x], [identity(len(shape))], shape, [axis], inits, body)[1]
        return [reshape(indices, ctx.result_shape)]

    return lower


lowering("arg_max")(_arg_reduction(True))
lowering("arg_min")(_arg_reduction(False))


# ---------------------------------------------------------------------------
# Softmax / LogSoftmax / Hardmax
# ---------------------------------------------------------------------------

def _softmax(log: bool):
    def lower(ctx: LoweringContext):
        x = ctx.operand(0)
        et = etype_of(x)
        ct = compute_type(et)
        axes = ctx.attr("axes")
        shape = shape_of(x)
        rank = len(shape)
        rmap = reduced_map(rank, axes)
        m = reduce_into(x, axes, ct, float("-inf"), arith.maximumf, lambda v: convert(v, ct))
        init = filled(shape_of(m), ct, 0.0)
        total = reduction([x, m], [identity(rank), rmap], shape, axes, [init],
                          lambda v, mx, acc: arith.addf(acc, math.exp(arith.subf(convert(v, ct), mx))))[0]

        def body(v, mx, s):
            shifted = arith.subf(convert(v, ct), mx)
            y = arith.subf(shifted, math.log(s)) if log else arith.divf(math.exp(shifted), s)
            return convert(y, et)

        return [parallel([x, m, total], [identity(rank), rmap, rmap], shape, et, body)]

    return lower


lowering("softmax")(_softmax(False))
lowering("log_softmax")(_softmax(True))


def _linear_index(axes: Sequence[int], shape: Sequence[int]) -> Scalar:
    """Row-major position (i64) of the current iteration within the ``axes`` dims."""
    index = ir.IndexType.get()
    lin = None
    for a in axes:
        term = loop_index(a)
        lin = term if lin is None else arith.addi(arith.muli(lin, k(index, shape[a])), term)
    return arith.index_cast(i64(), lin)


@lowering("hardmax")
def _hardmax(ctx: LoweringContext):
    """1 where x equals the max and is the first such position (row-major over axes)."""
    x = ctx.operand(0)
    et = etype_of(x)
    axes = ctx.attr("axes")
    shape = shape_of(x)
    rank = len(shape)
    rmap = reduced_map(rank, axes)
    m = reduce_into(x, axes, et, float("-inf"), arith.maximumf)
    none = prod([shape[a] for a in axes])

    def first_max(v, mx, acc):
        candidate = arith.select(cmpf("oeq", v, mx), _linear_index(axes, shape), k(i64(), none))
        return arith.minsi(acc, candidate)

    init = filled(shape_of(m), i64(), none)
    first = reduction([x, m], [identity(rank), rmap], shape, axes, [init], first_max)[0]

    def body(_v, f):
        return arith.select(cmpi("eq", _linear_index(axes, shape), f), k(et, 1.0), k(et, 0.0))

    return [parallel([x, first], [identity(rank), rmap], shape, et, body)]


# ---------------------------------------------------------------------------
# Normalizations
# ---------------------------------------------------------------------------

def _stash_type(ctx: LoweringContext) -> ir.Type:
    return ir.Type.parse({1: "f32", 10: "f16", 11: "f64", 16: "bf16"}[ctx.attr("stash_type")])


def _normalize(x: ir.Value, axes: Sequence[int], ct: ir.Type, epsilon: float,
               affine: Sequence[tuple[ir.Value, ir.AffineMap]]):
    """(x - mean) * rsqrt(var + eps) * scale [+ bias], in ``ct``, rounded to x's
    type; ``affine`` holds (scale, map) and optionally (bias, map).
    Returns (y, mean, inv_std)."""
    et = etype_of(x)
    shape = shape_of(x)
    rank = len(shape)
    rmap = reduced_map(rank, axes)
    mean, var = moments(x, axes, ct)
    inv = inverse_std(var, epsilon)

    def body(v, mu, r, *params):
        y = arith.mulf(arith.subf(convert(v, ct), mu), r)
        y = arith.mulf(y, convert(params[0], ct))
        if len(params) > 1:
            y = arith.addf(y, convert(params[1], ct))
        return convert(y, et)

    inputs = [x, mean, inv] + [p for p, _ in affine]
    maps = [identity(rank), rmap, rmap] + [m for _, m in affine]
    return parallel(inputs, maps, shape, et, body), mean, inv


@lowering("layer_normalization")
def _layer_normalization(ctx: LoweringContext):
    x = ctx.operand(0)
    shape = shape_of(x)
    rank = len(shape)
    axis = ctx.attr("axis")
    stash = _stash_type(ctx)
    ct = wider(compute_type(etype_of(x)), compute_type(stash))
    affine = [(ctx.operand(i), broadcast_map(shape_of(ctx.operand(i)), shape))
              for i in range(1, len(ctx.operands))]
    y, mean, inv = _normalize(x, list(range(axis, rank)), ct, ctx.attr("epsilon"), affine)
    stats_shape = list(ir.RankedTensorType(ctx.op.results[1].type).shape)
    return [y, stash_result(mean, stash, stats_shape), stash_result(inv, stash, stats_shape)]


@lowering("rms_normalization")
def _rms_normalization(ctx: LoweringContext):
    x, scale = ctx.operands
    et = etype_of(x)
    shape = shape_of(x)
    rank = len(shape)
    axes = list(range(ctx.attr("axis"), rank))
    ct = wider(compute_type(et), compute_type(_stash_type(ctx)))
    squares = reduce_into(x, axes, ct, 0.0, arith.addf,
                          lambda v: arith.mulf(convert(v, ct), convert(v, ct)))
    count, eps = prod([shape[a] for a in axes]), ctx.attr("epsilon")
    inv = elementwise([squares], ct, lambda s: math.rsqrt(
        arith.addf(arith.divf(s[0], k(ct, count)), k(ct, eps))))

    def body(v, r, sc):
        return convert(arith.mulf(arith.mulf(convert(v, ct), r), convert(sc, ct)), et)

    return [parallel([x, inv, scale], [identity(rank), reduced_map(rank, axes),
                                       broadcast_map(shape_of(scale), shape)], shape, et, body)]


@lowering("instance_normalization")
def _instance_normalization(ctx: LoweringContext):
    x, scale, bias = ctx.operands
    rank = len(shape_of(x))
    channel = amap(rank, [d(1)])
    y, _, _ = _normalize(x, list(range(2, rank)), compute_type(etype_of(x)), ctx.attr("epsilon"),
                         [(scale, channel), (bias, channel)])
    return [y]


@lowering("group_normalization")
def _group_normalization(ctx: LoweringContext):
    """Normalize x viewed as N x G x C/G x spatial; scale/bias per channel
    (viewed as G x C/G) or per group."""
    x, scale, bias = ctx.operands
    shape = shape_of(x)
    groups = ctx.attr("num_groups")
    n, channels = shape[0], shape[1]
    grouped = reshape(x, [n, groups, channels // groups] + shape[2:])
    rank = len(shape) + 1
    if shape_of(scale)[0] == channels:
        scale = reshape(scale, [groups, channels // groups])
        bias = reshape(bias, [groups, channels // groups])
        param_map = amap(rank, [d(1), d(2)])
    else:
        param_map = amap(rank, [d(1)])
    ct = wider(compute_type(etype_of(x)), compute_type(_stash_type(ctx)))
    y, _, _ = _normalize(grouped, list(range(2, rank)), ct, ctx.attr("epsilon"),
                         [(scale, param_map), (bias, param_map)])
    return [reshape(y, shape)]


@lowering("lp_normalization")
def _lp_normalization(ctx: LoweringContext):
    x = ctx.operand(0)
    et = etype_of(x)
    ct = compute_type(et)
    shape = shape_of(x)
    rank = len(shape)
    axis = ctx.attr("axis")
    p = ctx.attr("p")
    if p == 1:
        norm = reduce_into(x, [axis], ct, 0.0, arith.addf, lambda v: math.absf(convert(v, ct)))
    else:
        squares = reduce_into(x, [axis], ct, 0.0, arith.addf,
                              lambda v: arith.mulf(convert(v, ct), convert(v, ct)))
        norm = elementwise([squares], ct, lambda s: math.sqrt(s[0]))

    def body(v, nrm):
        zero = k(ct, 0.0)
        y = arith.select(cmpf("oeq", nrm, zero), zero, arith.divf(convert(v, ct), nrm))
        return convert(y, et)

    return [parallel([x, norm], [identity(rank), reduced_map(rank, [axis])], shape, et, body)]


@lowering("mean_variance_normalization")
def _mean_variance_normalization(ctx: LoweringContext):
    x = ctx.operand(0)
    et = etype_of(x)
    ct = compute_type(et)
    shape = shape_of(x)
    rank = len(shape)
    axes = ctx.attr("axes")
    rmap = reduced_map(rank, axes)
    mean, var = moments(x, axes, ct)

    def body(v, mu, var_):
        std = arith.addf(math.sqrt(var_), k(ct, 1e-9))
        return convert(arith.divf(arith.subf(convert(v, ct), mu), std), et)

    return [parallel([x, mean, var], [identity(rank), rmap, rmap], shape, et, body)]


@lowering("lrn")
def _lrn(ctx: LoweringContext):
    """Sum of squares over a channel window of ``size`` (zero-padded), then
    x / (bias + alpha / size * sum)^beta."""
    x = ctx.operand(0)
    et = etype_of(x)
    ct = compute_type(et)
    shape = shape_of(x)
    rank = len(shape)
    size = ctx.attr("size")
    before, after = (size - 1) // 2, size // 2  # floor and ceil of (size - 1) / 2
    zeros = [0] * rank
    padded = pad(x, zeros[:1] + [before] + zeros[2:], zeros[:1] + [after] + zeros[2:], k(et, 0.0))
    window = empty([size], et)
    loops = rank + 1
    x_map = amap(loops, [d(0), d(1) + d(rank)] + [d(i) for i in range(2, rank)])
    out_map = amap(loops, [d(i) for i in range(rank)])
    init = filled(shape, ct, 0.0)

    def square_sum(v, _w, acc):
        v = convert(v, ct)
        return arith.addf(acc, arith.mulf(v, v))

    sums = generic([padded, window], [init], [x_map, amap(loops, [d(rank)]), out_map],
                   [PARALLEL] * rank + [REDUCTION], square_sum)[0]
    alpha, beta, bias = ctx.attr("alpha"), ctx.attr("beta"), ctx.attr("bias")

    def body(s):
        base = arith.addf(k(ct, bias), arith.mulf(k(ct, alpha / size), s[1]))
        return convert(arith.divf(convert(s[0], ct), math.powf(base, k(ct, beta))), et)

    return [elementwise([x, sums], et, body)]


# ---------------------------------------------------------------------------
# CumSum / CumProd
# ---------------------------------------------------------------------------

def _scan(multiply: bool):
    def lower(ctx: LoweringContext):
        """y[i] = combine of x[j] along the axis for j <= i (< i if exclusive;
        >= / > if reversed): a reduction over a second loop j on the axis."""
        x = ctx.operand(0)
        et = etype_of(x)
        floating = is_float(et)
        acc_type = compute_type(et) if floating else et
        shape = shape_of(x)
        rank = len(shape)
        axis = ctx.attr("axis")
        exclusive, reverse = ctx.attr("exclusive"), ctx.attr("reverse")
        pred = ("sg" if reverse else "sl") + ("t" if exclusive else "e")  # j ? i
        if floating:
            combine = arith.mulf if multiply else arith.addf
        else:
            combine = arith.muli if multiply else arith.addi
        loops = rank + 1
        x_map = amap(loops, [d(rank) if i == axis else d(i) for i in range(rank)])
        out_map = amap(loops, [d(i) for i in range(rank)])

        def body(v, acc):
            inside = cmpi(pred, loop_index(rank), loop_index(axis))
            v = convert(v, acc_type) if floating else v
            return combine(acc, arith.select(inside, v, k(acc_type, 1 if multiply else 0)))

        init = filled(shape, acc_type, 1 if multiply else 0)
        y = generic([x], [init], [x_map, out_map], [PARALLEL] * rank + [REDUCTION], body)[0]
        if acc_type != et:
            y = elementwise([y], et, lambda s: convert(s[0], et))
        return [y]

    return lower


lowering("cum_sum")(_scan(False))
lowering("cum_prod")(_scan(True))


# ---------------------------------------------------------------------------
# TopK
# ---------------------------------------------------------------------------

@lowering("top_k")
def _top_k(ctx: LoweringContext):
    """rank[i] = how many elements come before x[i] (larger, or equal at a lower
    index; smaller for largest = 0); output slot j takes the element of rank j."""
    x = ctx.operand(0)
    et = etype_of(x)
    shape = shape_of(x)
    rank = len(shape)
    axis = ctx.attr("axis")
    largest = bool(ctx.attr("largest"))
    if is_float(et):
        before = lambda a, b: cmpf("ogt" if largest else "olt", a, b)  # noqa: E731
        same = lambda a, b: cmpf("oeq", a, b)  # noqa: E731
    else:
        pred = ("u" if ctx.unsigned(0) else "s") + ("gt" if largest else "lt")
        before = lambda a, b: cmpi(pred, a, b)  # noqa: E731
        same = lambda a, b: cmpi("eq", a, b)  # noqa: E731
    loops = rank + 1
    own_map = amap(loops, [d(i) for i in range(rank)])
    other_map = amap(loops, [d(rank) if i == axis else d(i) for i in range(rank)])

    def count_before(xi, xj, acc):
        earlier = cmpi("ult", loop_index(rank), loop_index(axis))
        ahead = arith.ori(before(xj, xi), arith.andi(same(xj, xi), earlier))
        return arith.addi(acc, arith.select(ahead, k(i64(), 1), k(i64(), 0)))

    ranks = generic([x, x], [filled(shape, i64(), 0)], [own_map, other_map, own_map],
                    [PARALLEL] * rank + [REDUCTION], count_before)[0]

    def gather(v, r, acc_v, acc_i):
        match = cmpi("eq", r, loop_index_i64(axis))
        return [arith.select(match, v, acc_v), arith.select(match, loop_index_i64(rank), acc_i)]

    out_shape = ctx.result_shape
    inits = [filled(out_shape, et, 0), filled(out_shape, i64(), 0)]
    return generic([x, ranks], inits, [other_map, other_map, own_map, own_map],
                   [PARALLEL] * rank + [REDUCTION], gather)

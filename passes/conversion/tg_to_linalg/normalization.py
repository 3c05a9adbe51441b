"""Lowerings of tg normalizations: BatchNormalization, LayerNormalization,
RMSNormalization, InstanceNormalization, GroupNormalization, LpNormalization,
MeanVarianceNormalization and LRN.

Built from the reduction and parallel ``linalg.generic`` shapes of builders.py.
Mean and variance are computed in two passes (the mean, then the mean of
squared deviations), in the compute type: f32 for f16/bf16 inputs, the wider of
that and ``stash_type`` for Layer/RMS/Group normalization; the result is rounded
once to the input type. LayerNormalization's Mean and InvStdDev results are in
``stash_type``. GroupNormalization takes scale/bias per channel or per group.

Not supported yet: BatchNormalization's training mode (tg carries the
inference form only; it computes in the input type, 16-bit floats included);
LpNormalization with p other than 1 and 2 (tg allows only those);
GroupNormalization with a dynamic channel dim. Every other dynamic dim (``?``)
is taken: sizes are ``tensor.dim`` of the input and the element count of a
dynamic reduced dim is computed at run time.
"""
from __future__ import annotations

from typing import Optional, Sequence

from mlir import ir
from mlir.dialects import arith, math

from . import LoweringContext, lowering
from .builders import (DYNAMIC, PARALLEL, REDUCTION, amap, broadcast_map, cmpf, compute_type, convert_float,
                       convert_tensor, d, dim_of, dims_of, dims_product, elementwise, empty, etype_of, filled,
                       generic, identity_map, index_to_scalar, keepdims_dims, keepdims_map, onnx_float_type,
                       pad, parallel, prod,
                       reduce_into, reduced_map, reduction, reshape, scalar_constant, shape_of, wider_float)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _count(x: ir.Value, axes: Sequence[int], ct: ir.Type) -> ir.Value:
    """The number of elements of ``x`` over ``axes``, a ``ct`` scalar (from the shape when a
    reduced dim is dynamic)."""
    shape = shape_of(x)
    if all(shape[a] != DYNAMIC for a in axes):
        return scalar_constant(ct, prod([shape[a] for a in axes]))
    return index_to_scalar(dims_product([dim_of(x, a) for a in axes]), ct)


def _moments(x: ir.Value, axes: Sequence[int], ct: ir.Type) -> tuple[ir.Value, ir.Value]:
    """Mean and (biased) variance of ``x`` over ``axes``, computed in ``ct``; both have
    ``x``'s rank with size 1 at ``axes`` (read them with ``keepdims_map``: a reduction over
    the last axis then stays along contiguous memory and vectorizes)."""
    shape = shape_of(x)
    rank = len(shape)
    count = _count(x, axes, ct)
    kmap = keepdims_map(rank, axes)
    iters = [REDUCTION if i in axes else PARALLEL for i in range(rank)]
    kdims = keepdims_dims(x, axes)
    total = generic([x], [filled(kdims, ct, 0.0)], [identity_map(rank), kmap], iters,
                    lambda v, acc: arith.addf(acc, convert_float(v, ct)))[0]
    mean = elementwise([total], ct, lambda s: arith.divf(s[0], count))

    def squared_deviation(v, mu, acc):
        dev = arith.subf(convert_float(v, ct), mu)
        return arith.addf(acc, arith.mulf(dev, dev))

    sq = generic([x, mean], [filled(kdims, ct, 0.0)], [identity_map(rank), kmap, kmap], iters,
                 squared_deviation)[0]
    var = elementwise([sq], ct, lambda s: arith.divf(s[0], count))
    return mean, var


def _inverse_std(var: ir.Value, epsilon: float) -> ir.Value:
    """``rsqrt(var + epsilon)`` element-wise, in the type of ``var``."""
    ct = etype_of(var)
    return elementwise([var], ct, lambda s: math.rsqrt(arith.addf(s[0], scalar_constant(ct, epsilon))))


def _stash_result(value: ir.Value, stash: ir.Type, shape: Sequence[int]) -> ir.Value:
    """``value`` converted to the stash type and reshaped (LayerNormalization's Mean/InvStdDev)."""
    return reshape(convert_tensor(value, stash), shape)


def _stash_type(ctx: LoweringContext) -> ir.Type:
    return onnx_float_type(ctx.attr("stash_type"))


def _normalize(x: ir.Value, axes: Sequence[int], ct: ir.Type, epsilon: float,
               affine: Sequence[tuple[ir.Value, ir.AffineMap]]):
    """(x - mean) * rsqrt(var + eps) * scale [+ bias], in ``ct``, rounded to x's
    type; ``affine`` holds (scale, map) and optionally (bias, map).
    Returns (y, mean, inv_std)."""
    et = etype_of(x)
    shape = shape_of(x)
    rank = len(shape)
    rmap = keepdims_map(rank, axes)
    mean, var = _moments(x, axes, ct)
    inv = _inverse_std(var, epsilon)

    def body(v, mu, r, *params):
        y = arith.mulf(arith.subf(convert_float(v, ct), mu), r)
        y = arith.mulf(y, convert_float(params[0], ct))
        if len(params) > 1:
            y = arith.addf(y, convert_float(params[1], ct))
        return convert_float(y, et)

    inputs = [x, mean, inv] + [p for p, _ in affine]
    maps = [identity_map(rank), rmap, rmap] + [m for _, m in affine]
    return parallel(inputs, maps, dims_of(x), et, body), mean, inv


# ---------------------------------------------------------------------------
# Normalizations over axes
# ---------------------------------------------------------------------------

def _channels_static(ctx: LoweringContext) -> Optional[str]:
    if shape_of(ctx.operand(0))[1] == DYNAMIC:
        return "a dynamic channel dim is not supported yet"
    return None


@lowering("layer_normalization", dynamic=True)
def _layer_normalization(ctx: LoweringContext):
    x = ctx.operand(0)
    shape = shape_of(x)
    rank = len(shape)
    axis = ctx.attr("axis")
    stash = _stash_type(ctx)
    ct = wider_float(compute_type(etype_of(x)), compute_type(stash))
    affine = [(ctx.operand(i), broadcast_map(shape_of(ctx.operand(i)), shape))
              for i in range(1, len(ctx.operands))]
    y, mean, inv = _normalize(x, list(range(axis, rank)), ct, ctx.attr("epsilon"), affine)
    stats_shape = list(ir.RankedTensorType(ctx.op.results[1].type).shape)
    return [y, _stash_result(mean, stash, stats_shape), _stash_result(inv, stash, stats_shape)]


@lowering("rms_normalization", dynamic=True)
def _rms_normalization(ctx: LoweringContext):
    x, scale = ctx.operands
    et = etype_of(x)
    shape = shape_of(x)
    rank = len(shape)
    axes = list(range(ctx.attr("axis"), rank))
    ct = wider_float(compute_type(et), compute_type(_stash_type(ctx)))
    squares = reduce_into(x, axes, ct, 0.0, arith.addf,
                          lambda v: arith.mulf(convert_float(v, ct), convert_float(v, ct)))
    eps = ctx.attr("epsilon")
    count = prod([shape[a] for a in axes]) if DYNAMIC not in shape[axes[0]:] else _count(x, axes, ct)
    inv = elementwise([squares], ct, lambda s: math.rsqrt(
        arith.addf(arith.divf(s[0], count if isinstance(count, ir.Value) else scalar_constant(ct, count)),
                   scalar_constant(ct, eps))))

    def body(v, r, sc):
        return convert_float(arith.mulf(arith.mulf(convert_float(v, ct), r), convert_float(sc, ct)), et)

    return [parallel([x, inv, scale], [identity_map(rank), reduced_map(rank, axes),
                                       broadcast_map(shape_of(scale), shape)], dims_of(x), et, body)]


@lowering("instance_normalization", dynamic=True)
def _instance_normalization(ctx: LoweringContext):
    x, scale, bias = ctx.operands
    rank = len(shape_of(x))
    channel = amap(rank, [d(1)])
    y, _, _ = _normalize(x, list(range(2, rank)), compute_type(etype_of(x)), ctx.attr("epsilon"),
                         [(scale, channel), (bias, channel)])
    return [y]


@lowering("group_normalization", dynamic=_channels_static)
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
    ct = wider_float(compute_type(etype_of(x)), compute_type(_stash_type(ctx)))
    y, _, _ = _normalize(grouped, list(range(2, rank)), ct, ctx.attr("epsilon"),
                         [(scale, param_map), (bias, param_map)])
    return [reshape(y, shape)]


@lowering("lp_normalization", dynamic=True)
def _lp_normalization(ctx: LoweringContext):
    x = ctx.operand(0)
    et = etype_of(x)
    ct = compute_type(et)
    shape = shape_of(x)
    rank = len(shape)
    axis = ctx.attr("axis")
    p = ctx.attr("p")
    if p == 1:
        norm = reduce_into(x, [axis], ct, 0.0, arith.addf, lambda v: math.absf(convert_float(v, ct)))
    else:
        squares = reduce_into(x, [axis], ct, 0.0, arith.addf,
                              lambda v: arith.mulf(convert_float(v, ct), convert_float(v, ct)))
        norm = elementwise([squares], ct, lambda s: math.sqrt(s[0]))

    def body(v, nrm):
        zero = scalar_constant(ct, 0.0)
        y = arith.select(cmpf("oeq", nrm, zero), zero, arith.divf(convert_float(v, ct), nrm))
        return convert_float(y, et)

    return [parallel([x, norm], [identity_map(rank), reduced_map(rank, [axis])], dims_of(x), et, body)]


@lowering("mean_variance_normalization", dynamic=True)
def _mean_variance_normalization(ctx: LoweringContext):
    x = ctx.operand(0)
    et = etype_of(x)
    ct = compute_type(et)
    shape = shape_of(x)
    rank = len(shape)
    axes = ctx.attr("axes")
    rmap = keepdims_map(rank, axes)
    mean, var = _moments(x, axes, ct)

    def body(v, mu, var_):
        std = arith.addf(math.sqrt(var_), scalar_constant(ct, 1e-9))
        return convert_float(arith.divf(arith.subf(convert_float(v, ct), mu), std), et)

    return [parallel([x, mean, var], [identity_map(rank), rmap, rmap], dims_of(x), et, body)]


@lowering("lrn", dynamic=True)
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
    padded = pad(x, zeros[:1] + [before] + zeros[2:], zeros[:1] + [after] + zeros[2:],
                 scalar_constant(et, 0.0))
    window = empty([size], et)
    loops = rank + 1
    x_map = amap(loops, [d(0), d(1) + d(rank)] + [d(i) for i in range(2, rank)])
    out_map = amap(loops, [d(i) for i in range(rank)])
    init = filled(dims_of(x), ct, 0.0)

    def square_sum(v, _w, acc):
        v = convert_float(v, ct)
        return arith.addf(acc, arith.mulf(v, v))

    sums = generic([padded, window], [init], [x_map, amap(loops, [d(rank)]), out_map],
                   [PARALLEL] * rank + [REDUCTION], square_sum)[0]
    alpha, beta, bias = ctx.attr("alpha"), ctx.attr("beta"), ctx.attr("bias")

    def body(s):
        base = arith.addf(scalar_constant(ct, bias), arith.mulf(scalar_constant(ct, alpha / size), s[1]))
        scale = math.powf(base, scalar_constant(ct, beta))
        return convert_float(arith.divf(convert_float(s[0], ct), scale), et)

    return [elementwise([x, sums], et, body)]


# ---------------------------------------------------------------------------
# BatchNormalization
# ---------------------------------------------------------------------------

@lowering("batch_normalization", dynamic=True)
def _batch_normalization(ctx: LoweringContext):
    """Inference form with the given statistics: (x - mean) * rsqrt(var + eps) * scale + b,
    computed in x's type; each parameter is converted to it first."""
    x, scale, bias, mean, var = ctx.operands
    et = ctx.result_element_type
    rank = len(shape_of(x))
    params = [reshape(p, [shape_of(p)[0]] + [1] * (rank - 2)) for p in (scale, bias, mean, var)]
    eps = ctx.attr("epsilon")

    def body(s):
        v, sc, b, mu, var_ = s
        sc, b, mu, var_ = (convert_float(t, et) for t in (sc, b, mu, var_))
        inv = math.rsqrt(arith.addf(var_, scalar_constant(et, eps)))
        return arith.addf(arith.mulf(arith.mulf(arith.subf(v, mu), inv), sc), b)

    return [elementwise([x] + params, et, body)]

"""Lowerings of tg neural-network ops: matrix products, convolution, pooling,
normalization. Written as ``linalg.generic`` so every rank, group count,
stride, dilation and padding takes the same path; 2-d float matmul uses the
named ``linalg.matmul`` that schedules target."""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg, math

from . import LoweringContext, lowering
from .builders import (PARALLEL, REDUCTION, amap, broadcast_map, broadcast_shape, d,
                       elementwise, empty, etype_of, filled, generic, is_float, pad, reshape,
                       scalar_constant, shape_of)


def _mul_add(et: ir.Type):
    if is_float(et):
        return lambda a, b, acc: arith.addf(acc, arith.mulf(a, b))
    return lambda a, b, acc: arith.addi(acc, arith.muli(a, b))


@lowering("matmul")
def _matmul(ctx: LoweringContext):
    a, b = ctx.operands
    et = ctx.result_element_type
    a_shape, b_shape = shape_of(a), shape_of(b)
    if len(a_shape) == 1:
        a = reshape(a, [1] + a_shape)
    if len(b_shape) == 1:
        b = reshape(b, b_shape + [1])
    a_shape, b_shape = shape_of(a), shape_of(b)
    m, n = a_shape[-2], b_shape[-1]
    if len(a_shape) == 2 and len(b_shape) == 2 and is_float(et):
        out = linalg.matmul(a, b, outs=[filled([m, n], et, 0)])
        return [reshape(out, ctx.result_shape)]
    batch = broadcast_shape([a_shape[:-2], b_shape[:-2]])
    nb = len(batch)
    loops = nb + 3  # batch..., m, n, k
    dm, dn, dk = d(nb), d(nb + 1), d(nb + 2)
    a_batch = broadcast_map(a_shape[:-2], batch).results
    b_batch = broadcast_map(b_shape[:-2], batch).results
    maps = [amap(loops, list(a_batch) + [dm, dk]), amap(loops, list(b_batch) + [dk, dn]),
            amap(loops, [d(i) for i in range(nb)] + [dm, dn])]
    init = filled(batch + [m, n], et, 0)
    out = generic([a, b], [init], maps, [PARALLEL] * (nb + 2) + [REDUCTION], _mul_add(et))[0]
    return [reshape(out, ctx.result_shape)]


@lowering("gemm")
def _gemm(ctx: LoweringContext):
    a, b = ctx.operand(0), ctx.operand(1)
    et = ctx.result_element_type
    m, n = ctx.result_shape
    a_map = amap(3, [d(2), d(0)] if ctx.attr("transA") else [d(0), d(2)])
    b_map = amap(3, [d(1), d(2)] if ctx.attr("transB") else [d(2), d(1)])
    init = filled([m, n], et, 0)
    ab = generic([a, b], [init], [a_map, b_map, amap(3, [d(0), d(1)])],
                 [PARALLEL, PARALLEL, REDUCTION], _mul_add(et))[0]
    alpha, beta = ctx.attr("alpha"), ctx.attr("beta")
    has_c = ctx.has_operand(2) and beta != 0.0
    if alpha == 1.0 and not has_c:
        return [ab]
    if not is_float(et):
        ctx.fail("alpha/beta scaling of integer gemm is not supported yet")
    inputs = [ab] + ([ctx.operand(2)] if has_c else [])

    def body(s):
        out = s[0] if alpha == 1.0 else arith.mulf(s[0], scalar_constant(et, alpha))
        if has_c:
            cval = s[1] if beta == 1.0 else arith.mulf(s[1], scalar_constant(et, beta))
            out = arith.addf(out, cval)
        return out

    return [elementwise(inputs, et, body, out_shape=[m, n])]


def _window_loops(spatial: int, strides, dilations, first_out: int, first_kernel: int):
    """Input index expressions ``o*stride + k*dilation`` per spatial dim."""
    return [d(first_out + i) * strides[i] + d(first_kernel + i) * dilations[i]
            for i in range(spatial)]


@lowering("conv")
def _conv(ctx: LoweringContext):
    x, w = ctx.operand(0), ctx.operand(1)
    et = ctx.result_element_type
    group = ctx.attr("group")
    strides, dilations, pads = ctx.attr("strides"), ctx.attr("dilations"), ctx.attr("pads")
    x_shape, w_shape = shape_of(x), shape_of(w)
    spatial = len(x_shape) - 2
    n, cin = x_shape[0], x_shape[1]
    cout, cin_g, kernel = w_shape[0], w_shape[1], w_shape[2:]
    out_spatial = ctx.result_shape[2:]
    x = pad(x, [0, 0] + pads[:spatial], [0, 0] + pads[spatial:], scalar_constant(et, 0))
    padded = shape_of(x)
    x = reshape(x, [n, group, cin // group] + padded[2:])
    w = reshape(w, [group, cout // group, cin_g] + kernel)
    # loops: n, g, oc, out spatial..., ic, kernel...
    o0, ic, k0 = 3, 3 + spatial, 4 + spatial
    loops = 4 + 2 * spatial
    x_map = amap(loops, [d(0), d(1), d(ic)] + _window_loops(spatial, strides, dilations, o0, k0))
    w_map = amap(loops, [d(1), d(2), d(ic)] + [d(k0 + i) for i in range(spatial)])
    out_map = amap(loops, [d(0), d(1), d(2)] + [d(o0 + i) for i in range(spatial)])
    init = filled([n, group, cout // group] + out_spatial, et, 0)
    iters = [PARALLEL] * (3 + spatial) + [REDUCTION] * (1 + spatial)
    out = generic([x, w], [init], [x_map, w_map, out_map], iters, _mul_add(et))[0]
    out = reshape(out, ctx.result_shape)
    if ctx.has_operand(2):
        bias = reshape(ctx.operand(2), [cout] + [1] * spatial)
        out = elementwise([out, bias], et, lambda s: arith.addf(s[0], s[1]))
    return [out]


def _ceil_extra(size: int, out: int, kernel: int, stride: int, dilation: int) -> int:
    """Extra high padding so that ``out`` windows fit (ceil_mode)."""
    needed = (out - 1) * stride + dilation * (kernel - 1) + 1
    return max(0, needed - size)


@lowering("max_pool")
def _max_pool(ctx: LoweringContext):
    x = ctx.operand(0)
    et = ctx.result_element_type
    kernel, strides = ctx.attr("kernel_shape"), ctx.attr("strides")
    dilations, pads = ctx.attr("dilations"), ctx.attr("pads")
    spatial = len(kernel)
    out_shape = ctx.result_shape
    lowest = scalar_constant(et, float("-inf")) if is_float(et) else \
        scalar_constant(et, 0 if ctx.unsigned(0) else float("-inf"))
    high = list(pads[spatial:])
    x_shape = shape_of(x)
    for i in range(spatial):
        padded = x_shape[2 + i] + pads[i] + high[i]
        high[i] += _ceil_extra(padded, out_shape[2 + i], kernel[i], strides[i], dilations[i])
    x = pad(x, [0, 0] + pads[:spatial], [0, 0] + high, lowest)
    window = empty(kernel, et)
    loops = 2 + 2 * spatial  # n, c, out spatial..., kernel...
    x_map = amap(loops, [d(0), d(1)] + _window_loops(spatial, strides, dilations, 2, 2 + spatial))
    k_map = amap(loops, [d(2 + spatial + i) for i in range(spatial)])
    out_map = amap(loops, [d(i) for i in range(2 + spatial)])
    init = linalg.fill(lowest, outs=[empty(out_shape, et)])
    if is_float(et):
        combine = arith.maximumf
    else:
        combine = arith.maxui if ctx.unsigned(0) else arith.maxsi
    iters = [PARALLEL] * (2 + spatial) + [REDUCTION] * spatial
    return generic([x, window], [init], [x_map, k_map, out_map], iters,
                   lambda v, _w, acc: combine(acc, v))


@lowering("global_average_pool")
def _global_average_pool(ctx: LoweringContext):
    x = ctx.operand(0)
    et = ctx.result_element_type
    shape = shape_of(x)
    rank = len(shape)
    count = 1
    for s in shape[2:]:
        count *= s
    init = filled(shape[:2], et, 0)
    sums = generic([x], [init], [ir.AffineMap.get_identity(rank), amap(rank, [d(0), d(1)])],
                   [PARALLEL, PARALLEL] + [REDUCTION] * (rank - 2),
                   lambda v, acc: arith.addf(acc, v))[0]
    mean = elementwise([sums], et, lambda s: arith.divf(s[0], scalar_constant(et, count)))
    return [reshape(mean, ctx.result_shape)]


@lowering("batch_normalization")
def _batch_normalization(ctx: LoweringContext):
    x, scale, bias, mean, var = ctx.operands
    et = ctx.result_element_type
    rank = len(shape_of(x))
    channels = shape_of(x)[1]
    params = [reshape(p, [channels] + [1] * (rank - 2)) for p in (scale, bias, mean, var)]
    eps = ctx.attr("epsilon")

    def body(s):
        v, sc, b, mu, var_ = s
        if etype_of(scale) != et:
            sc, b, mu, var_ = (arith.truncf(et, t) if _wider(etype_of(scale), et) else arith.extf(et, t)
                               for t in (sc, b, mu, var_))
        inv = math.rsqrt(arith.addf(var_, scalar_constant(et, eps)))
        return arith.addf(arith.mulf(arith.mulf(arith.subf(v, mu), inv), sc), b)

    return [elementwise([x] + params, et, body)]


def _wider(a: ir.Type, b: ir.Type) -> bool:
    return ir.FloatType(a).width > ir.FloatType(b).width

"""Lowerings of tg neural-network ops: matrix products (MatMul, Gemm, Einsum), convolution (plain
and transposed), pooling (Max with or without indices, Average, Lp, their Global forms),
normalization, Resize and Attention. Written as ``linalg.generic`` so every rank, group count,
stride, dilation and padding takes the same path; 2-d float matmul uses the named
``linalg.matmul`` that schedules target. Sums of products of 16-bit floats accumulate in f32.

Shape-dependent tables (average-pool divisors, Resize source indices and interpolation weights)
are computed at compile time with numpy and embedded as ``arith.constant`` tensors.

Helpers of general use defined here: ``index`` (linalg.index in a body), ``dense_constant``,
``compute_type``/``convert_float``/``convert_tensor`` (16-bit float widening), ``transpose``,
``concat``, ``insert_slice`` and ``reduce_last``.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, math, tensor

from . import LoweringContext, lowering, packed
from .builders import (PARALLEL, REDUCTION, amap, broadcast_map, broadcast_shape, c, d,
                       elementwise, empty, etype_of, filled, generic, is_float, pad, reshape,
                       scalar_constant, shape_of)


def _mul_add(et: ir.Type, acc_type: Optional[ir.Type] = None):
    """acc + a * b; float operands are first converted to ``acc_type`` (f32 for f16 sums)."""
    if is_float(et):
        acc_type = acc_type or et
        return lambda a, b, acc: arith.addf(acc, arith.mulf(convert_float(a, acc_type),
                                                            convert_float(b, acc_type)))
    return lambda a, b, acc: arith.addi(acc, arith.muli(a, b))


def _acc_type(et: ir.Type) -> ir.Type:
    """Accumulator type of sums of products: f32 for 16-bit floats, ``et`` otherwise."""
    return compute_type(et) if is_float(et) else et


def _packed_matmul(ctx: LoweringContext) -> Optional[ir.Value]:
    """The packed form (packed.py) when the kernel's schedule asks for it and the shapes fit."""
    p = ctx.packing
    a, b = ctx.operands
    a_shape, b_shape = shape_of(a), shape_of(b)
    if p is None or str(ctx.result_element_type) != "f32" or len(a_shape) < 2 or len(b_shape) < 2:
        return None
    rows_groups = None
    if len(b_shape) == 2 and len(a_shape) > 2:  # batch of rows times one matrix: one 2-d product
        rows_groups = [list(range(len(a_shape) - 1)), [len(a_shape) - 1]]
        a = packed.collapse(a, rows_groups)
        a_shape = shape_of(a)
    if a_shape[:-2] != b_shape[:-2] or a_shape[-2] % p.mr:
        return None
    out = packed.packed_matmul(a, b, p.mr, p.nr, p.kernel)
    if rows_groups is not None:
        out = packed.expand(out, rows_groups, ctx.result_shape)
    return out


@lowering("matmul")
def _matmul(ctx: LoweringContext):
    fast = _packed_matmul(ctx)
    if fast is not None:
        return [fast]
    a, b = ctx.operands
    et = ctx.result_element_type
    a_shape, b_shape = shape_of(a), shape_of(b)
    if len(a_shape) == 1:
        a = reshape(a, [1] + a_shape)
    if len(b_shape) == 1:
        b = reshape(b, b_shape + [1])
    a_shape, b_shape = shape_of(a), shape_of(b)
    m, n = a_shape[-2], b_shape[-1]
    acc_t = _acc_type(et)
    if len(a_shape) == 2 and len(b_shape) == 2 and is_float(et):
        out = linalg.matmul(a, b, outs=[filled([m, n], acc_t, 0)])
        return [reshape(convert_tensor(out, et), ctx.result_shape)]
    batch = broadcast_shape([a_shape[:-2], b_shape[:-2]])
    nb = len(batch)
    loops = nb + 3  # batch..., m, n, k
    dm, dn, dk = d(nb), d(nb + 1), d(nb + 2)
    a_batch = broadcast_map(a_shape[:-2], batch).results
    b_batch = broadcast_map(b_shape[:-2], batch).results
    maps = [amap(loops, list(a_batch) + [dm, dk]), amap(loops, list(b_batch) + [dk, dn]),
            amap(loops, [d(i) for i in range(nb)] + [dm, dn])]
    init = filled(batch + [m, n], acc_t, 0)
    out = generic([a, b], [init], maps, [PARALLEL] * (nb + 2) + [REDUCTION], _mul_add(et, acc_t))[0]
    return [reshape(convert_tensor(out, et) if is_float(et) else out, ctx.result_shape)]


def _gemm_product(ctx: LoweringContext) -> ir.Value:
    """``A' @ B'`` of a Gemm, packed when the kernel's schedule asks for it."""
    a, b = ctx.operand(0), ctx.operand(1)
    et = ctx.result_element_type
    m, n = ctx.result_shape
    p = ctx.packing
    if p is not None and str(et) == "f32" and m % p.mr == 0:
        if ctx.attr("transA"):
            a = packed.transpose(a, [1, 0])
        if ctx.attr("transB"):
            bp = packed.pack_rows_transposed(b, p.nr, p.kernel)
        else:
            bp = packed.pack_columns(b, p.nr, p.kernel)
        return packed.packed_contraction(a, bp, n, p.mr, p.kernel)
    a_map = amap(3, [d(2), d(0)] if ctx.attr("transA") else [d(0), d(2)])
    b_map = amap(3, [d(1), d(2)] if ctx.attr("transB") else [d(2), d(1)])
    acc_t = _acc_type(et)
    init = filled([m, n], acc_t, 0)
    return generic([a, b], [init], [a_map, b_map, amap(3, [d(0), d(1)])],
                   [PARALLEL, PARALLEL, REDUCTION], _mul_add(et, acc_t))[0]


@lowering("gemm")
def _gemm(ctx: LoweringContext):
    et = ctx.result_element_type
    m, n = ctx.result_shape
    acc_t = _acc_type(et)
    ab = _gemm_product(ctx)
    alpha, beta = ctx.attr("alpha"), ctx.attr("beta")
    has_c = ctx.has_operand(2) and beta != 0.0
    if alpha == 1.0 and not has_c:
        return [convert_tensor(ab, et) if is_float(et) else ab]
    if not is_float(et) and not (float(alpha).is_integer() and float(beta).is_integer()):
        ctx.fail("integer gemm needs integral alpha and beta")
    mul, add = (arith.mulf, arith.addf) if is_float(et) else (arith.muli, arith.addi)
    inputs = [ab] + ([ctx.operand(2)] if has_c else [])

    def scaled(v, factor):
        t = v.type
        return v if factor == 1.0 else mul(v, scalar_constant(t, factor if is_float(et) else int(factor)))

    def body(s):
        out = scaled(s[0], alpha)
        if has_c:
            out = add(out, scaled(convert_float(s[1], acc_t) if is_float(et) else s[1], beta))
        return convert_float(out, et) if is_float(et) else out

    return [elementwise(inputs, et, body, out_shape=[m, n])]


def _window_loops(spatial: int, strides, dilations, first_out: int, first_kernel: int):
    """Input index expressions ``o*stride + k*dilation`` per spatial dim."""
    return [d(first_out + i) * strides[i] + d(first_kernel + i) * dilations[i]
            for i in range(spatial)]


def _packed_conv(ctx: LoweringContext) -> Optional[ir.Value]:
    """The channels-last form (packed.py) when the kernel's schedule packs the weights."""
    x, w = ctx.operand(0), ctx.operand(1)
    if ctx.packing is None or str(ctx.result_element_type) != "f32" or len(shape_of(x)) != 4:
        return None
    group = ctx.attr("group")
    cin = shape_of(x)[1]
    depthwise = group == cin and shape_of(w)[1] == 1 and shape_of(w)[0] == cin
    if group != 1 and not depthwise:
        return None
    if ctx.packing.form == "conv1x1":
        n, c, h, wd = shape_of(x)
        f = shape_of(w)[0]
        if n != 1 or f % ctx.packing.mr or ctx.result_shape != [1, f, h, wd]:
            return None
        xp = packed.pack_columns(packed.collapse(x, [[0, 1], [2, 3]]), ctx.packing.nr, ctx.packing.kernel)
        w2 = packed.reshape_kernel_argument(w, [[0], [1, 2, 3]])  # [F, C], collapsed by the caller
        if w2 is not None:
            product = packed.packed_contraction(w2, xp, h * wd, ctx.packing.mr, ctx.packing.kernel)
        else:
            product = packed.packed_contraction(w, xp, h * wd, ctx.packing.mr, ctx.packing.kernel,
                                                a_unit_dims=2)
        out = packed.expand(product, [[0, 1], [2, 3]], ctx.result_shape)
        bias = reshape(ctx.operand(2), [f, 1, 1]) if ctx.has_operand(2) else None
        return _add_bias(out, bias, ctx.result_element_type)
    out = packed.channels_last_conv(x, w, ctx.result_shape, ctx.attr("strides"), ctx.attr("dilations"),
                                    ctx.attr("pads"), depthwise, ctx.packing.kernel)
    bias = reshape(ctx.operand(2), [shape_of(w)[0], 1, 1]) if ctx.has_operand(2) else None
    return _add_bias(out, bias, ctx.result_element_type)


@lowering("conv")
def _conv(ctx: LoweringContext):
    fast = _packed_conv(ctx)
    if fast is not None:
        return [fast]
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
    acc_t = _acc_type(et)
    init = filled([n, group, cout // group] + out_spatial, acc_t, 0)
    iters = [PARALLEL] * (3 + spatial) + [REDUCTION] * (1 + spatial)
    out = generic([x, w], [init], [x_map, w_map, out_map], iters, _mul_add(et, acc_t))[0]
    out = reshape(out, ctx.result_shape)
    bias = reshape(ctx.operand(2), [cout] + [1] * spatial) if ctx.has_operand(2) else None
    return [_add_bias(out, bias, et)]


def _add_bias(out: ir.Value, bias: Optional[ir.Value], et: ir.Type) -> ir.Value:
    """``out`` (accumulator type) plus the broadcast ``bias``, converted to ``et``."""
    acc_t = etype_of(out)
    if bias is None:
        return convert_tensor(out, et)
    return elementwise([out, bias], et, lambda s: convert_float(
        arith.addf(s[0], convert_float(s[1], acc_t)), et))


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
    ct = compute_type(et)  # 16-bit floats accumulate in f32
    init = filled(shape[:2], ct, 0)
    sums = generic([x], [init], [ir.AffineMap.get_identity(rank), amap(rank, [d(0), d(1)])],
                   [PARALLEL, PARALLEL] + [REDUCTION] * (rank - 2),
                   lambda v, acc: arith.addf(acc, convert_float(v, ct)))[0]
    mean = elementwise([sums], et, lambda s: convert_float(arith.divf(s[0], scalar_constant(ct, count)), et))
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


# ---------------------------------------------------------------------------
# nn family helpers (generally useful; local to this module)
# ---------------------------------------------------------------------------

def _i64() -> ir.Type:
    return ir.IntegerType.get_signless(64)


def index(dim: int) -> ir.Value:
    """``linalg.index`` of loop ``dim`` inside a generic body."""
    return linalg.IndexOp(ir.IntegerAttr.get(_i64(), dim)).result


def dense_constant(array: np.ndarray, element_type: ir.Type) -> ir.Value:
    """An ``arith.constant`` tensor holding ``array`` (f32/f64/i64 numpy data) as ``element_type``."""
    dtype = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "i32": np.int32}[str(element_type)]
    data = np.ascontiguousarray(np.asarray(array, dtype=dtype))
    ttype = ir.RankedTensorType.get(list(data.shape), element_type)
    attr = ir.DenseElementsAttr.get(data, type=ttype)
    return arith.ConstantOp(ttype, attr).result


def compute_type(et: ir.Type) -> ir.Type:
    """The type float arithmetic on ``et`` runs in: f32 for 16-bit floats, ``et`` otherwise."""
    return ir.F32Type.get() if str(et) in ("f16", "bf16") else et


def convert_float(v: ir.Value, dst: ir.Type) -> ir.Value:
    """Scalar float conversion (extf/truncf), identity when the types agree."""
    src = v.type
    if src == dst:
        return v
    return arith.extf(dst, v) if ir.FloatType(src).width < ir.FloatType(dst).width else arith.truncf(dst, v)


def convert_tensor(x: ir.Value, dst: ir.Type) -> ir.Value:
    """Element-wise float conversion of a tensor (identity when the types agree)."""
    if etype_of(x) == dst:
        return x
    return elementwise([x], dst, lambda s: convert_float(s[0], dst))


def transpose(x: ir.Value, perm: list[int]) -> ir.Value:
    shape = shape_of(x)
    if perm == list(range(len(perm))):
        return x
    init = empty([shape[p] for p in perm], etype_of(x))
    out = linalg.transpose(x, outs=[init], permutation=perm)
    return out if isinstance(out, ir.Value) else out.results[0]


def concat(values: list[ir.Value], axis: int) -> ir.Value:
    """Concatenate static tensors along ``axis`` with tensor.insert_slice."""
    if len(values) == 1:
        return values[0]
    shapes = [shape_of(v) for v in values]
    out_shape = list(shapes[0])
    out_shape[axis] = sum(s[axis] for s in shapes)
    out = empty(out_shape, etype_of(values[0]))
    offset = 0
    for v, s in zip(values, shapes):
        offsets = [0] * len(s)
        offsets[axis] = offset
        out = insert_slice(v, out, offsets, [1] * len(s))
        offset += s[axis]
    return out


def insert_slice(src: ir.Value, dest: ir.Value, offsets: list[int], strides: list[int]) -> ir.Value:
    """``tensor.insert_slice`` of all of ``src`` into ``dest`` at static offsets and strides."""
    return tensor.InsertSliceOp(src, dest, [], [], [], ir.DenseI64ArrayAttr.get(list(offsets)),
                                ir.DenseI64ArrayAttr.get(shape_of(src)),
                                ir.DenseI64ArrayAttr.get(list(strides))).result


def reduce_last(x: ir.Value, init, combine) -> ir.Value:
    """Reduce the last dim of ``x`` (kept as size 1) with ``combine(acc, v)`` from scalar ``init``."""
    shape = shape_of(x)
    rank = len(shape)
    et = etype_of(x)
    out = filled(shape[:-1] + [1], et, init)
    return generic([x], [out], [ir.AffineMap.get_identity(rank), amap(rank, [d(i) for i in range(rank - 1)] + [c(0)])],
                   [PARALLEL] * (rank - 1) + [REDUCTION], lambda v, acc: combine(acc, v))[0]


def _neg_inf(et: ir.Type) -> ir.Value:
    return scalar_constant(et, float("-inf"))


def _abs_pow(v: ir.Value, p: int) -> ir.Value:
    """|v|^p for a float scalar and an integer p >= 1."""
    if p == 1:
        return math.absf(v)
    if p == 2:
        return arith.mulf(v, v)
    return math.powf(math.absf(v), scalar_constant(v.type, float(p)))


def _root(v: ir.Value, p: int) -> ir.Value:
    """v^(1/p) for a float scalar."""
    if p == 1:
        return v
    if p == 2:
        return math.sqrt(v)
    return math.powf(v, scalar_constant(v.type, 1.0 / p))


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------

def _pool_input(ctx: LoweringContext, pad_value: ir.Value, x: Optional[ir.Value] = None) -> ir.Value:
    """The input padded by ``pads`` plus the extra high padding that ceil_mode windows need."""
    x = ctx.operand(0) if x is None else x
    kernel, strides = ctx.attr("kernel_shape"), ctx.attr("strides")
    dilations, pads = ctx.attr("dilations"), ctx.attr("pads")
    spatial = len(kernel)
    high = list(pads[spatial:])
    x_shape = shape_of(x)
    for i in range(spatial):
        padded = x_shape[2 + i] + pads[i] + high[i]
        high[i] += _ceil_extra(padded, ctx.result_shape[2 + i], kernel[i], strides[i], dilations[i])
    return pad(x, [0, 0] + pads[:spatial], [0, 0] + high, pad_value)


def _window_generic(ctx: LoweringContext, x: ir.Value, inits: list[ir.Value], body) -> list[ir.Value]:
    """A generic over (n, c, out spatial..., kernel...) reading the padded input ``x`` at
    ``o*stride + k*dilation``; ``body(v, *accs)`` combines one input value into the accumulators."""
    kernel, strides, dilations = ctx.attr("kernel_shape"), ctx.attr("strides"), ctx.attr("dilations")
    spatial = len(kernel)
    loops = 2 + 2 * spatial
    window = empty(kernel, etype_of(x))
    x_map = amap(loops, [d(0), d(1)] + _window_loops(spatial, strides, dilations, 2, 2 + spatial))
    k_map = amap(loops, [d(2 + spatial + i) for i in range(spatial)])
    out_map = amap(loops, [d(i) for i in range(2 + spatial)])
    iters = [PARALLEL] * (2 + spatial) + [REDUCTION] * spatial
    return generic([x, window], inits, [x_map, k_map] + [out_map] * len(inits), iters,
                   lambda v, _w, *accs: body(v, *accs))


def _window_counts(size: int, out: int, kernel: int, stride: int, dilation: int, pad_begin: int,
                   before: int, after: int) -> np.ndarray:
    """Per output position, how many window taps fall in [-before, size + after) of the input."""
    taps = np.arange(out)[:, None] * stride + np.arange(kernel)[None, :] * dilation - pad_begin
    return ((taps >= -before) & (taps < size + after)).sum(axis=1)


@lowering("average_pool")
def _average_pool(ctx: LoweringContext):
    """Window sums of the zero-padded input divided by a compile-time table of window counts:
    the taps inside the input (count_include_pad=0) or inside the padded input (1)."""
    et = ctx.result_element_type
    kernel, strides = ctx.attr("kernel_shape"), ctx.attr("strides")
    dilations, pads = ctx.attr("dilations"), ctx.attr("pads")
    spatial = len(kernel)
    x_shape, out_shape = shape_of(ctx.operand(0)), ctx.result_shape
    ct = compute_type(et)
    x = _pool_input(ctx, scalar_constant(et, 0))
    sums = _window_generic(ctx, x, [filled(out_shape, ct, 0)],
                           lambda v, acc: arith.addf(acc, convert_float(v, ct)))[0]
    include = ctx.attr("count_include_pad")
    divisor = np.ones([], dtype=np.float64)
    for i in range(spatial):
        before, after = (pads[i], pads[spatial + i]) if include else (0, 0)
        counts = _window_counts(x_shape[2 + i], out_shape[2 + i], kernel[i], strides[i], dilations[i],
                                pads[i], before, after)
        divisor = np.multiply.outer(divisor, counts)
    table = dense_constant(divisor.reshape([1, 1] + out_shape[2:]), ct)
    return [elementwise([sums, table], et, lambda s: convert_float(arith.divf(s[0], s[1]), et),
                        out_shape=out_shape)]


@lowering("lp_pool")
def _lp_pool(ctx: LoweringContext):
    et = ctx.result_element_type
    ct = compute_type(et)
    p = ctx.attr("p")
    powered = elementwise([ctx.operand(0)], ct, lambda s: _abs_pow(convert_float(s[0], ct), p))
    x = _pool_input(ctx, scalar_constant(ct, 0), powered)
    sums = _window_generic(ctx, x, [filled(ctx.result_shape, ct, 0)], lambda v, acc: arith.addf(acc, v))[0]
    return [elementwise([sums], et, lambda s: convert_float(_root(s[0], p), et))]


def _global_reduce(x: ir.Value, init, body, acc_type: Optional[ir.Type] = None) -> ir.Value:
    """Reduce all spatial dims of (N, C, spatial...) into (N, C, 1, ...), accumulating in
    ``acc_type`` (default: the element type)."""
    shape = shape_of(x)
    rank = len(shape)
    out = filled(shape[:2], acc_type or etype_of(x), init)
    red = generic([x], [out], [ir.AffineMap.get_identity(rank), amap(rank, [d(0), d(1)])],
                  [PARALLEL, PARALLEL] + [REDUCTION] * (rank - 2), body)[0]
    return reshape(red, shape[:2] + [1] * (rank - 2))


@lowering("global_max_pool")
def _global_max_pool(ctx: LoweringContext):
    return [_global_reduce(ctx.operand(0), float("-inf"), lambda v, acc: arith.maximumf(acc, v))]


@lowering("global_lp_pool")
def _global_lp_pool(ctx: LoweringContext):
    p = ctx.attr("p")
    et = ctx.result_element_type
    ct = compute_type(et)
    sums = _global_reduce(ctx.operand(0), 0, lambda v, acc: arith.addf(acc, _abs_pow(convert_float(v, ct), p)), ct)
    return [elementwise([sums], et, lambda s: convert_float(_root(s[0], p), et))]


@lowering("max_pool_with_indices")
def _max_pool_with_indices(ctx: LoweringContext):
    """Values as tg.max_pool; the index of the first maximum in row-major window order is
    tracked next to it (padding never wins), then re-linearized for storage_order 1."""
    et = ctx.result_element_type
    unsigned = ctx.unsigned(0)
    kernel, strides = ctx.attr("kernel_shape"), ctx.attr("strides")
    dilations, pads = ctx.attr("dilations"), ctx.attr("pads")
    spatial = len(kernel)
    x_shape, out_shape = shape_of(ctx.operand(0)), ctx.result_shape
    in_spatial = x_shape[2:]
    lowest = scalar_constant(et, float("-inf") if is_float(et) or not unsigned else 0)
    x = _pool_input(ctx, lowest)
    i64 = _i64()

    def greater(a, b):
        if is_float(et):
            return arith.cmpf(arith.CmpFPredicate.OGT, a, b)
        return arith.cmpi(arith.CmpIPredicate.ugt if unsigned else arith.CmpIPredicate.sgt, a, b)

    def body(v, acc, acc_idx):
        flat = arith.addi(arith.muli(arith.index_cast(i64, index(0)), scalar_constant(i64, x_shape[1])),
                          arith.index_cast(i64, index(1)))
        valid = None
        for i in range(spatial):
            pos = arith.index_cast(i64, index(2 + i))
            tap = arith.index_cast(i64, index(2 + spatial + i))
            h = arith.subi(arith.addi(arith.muli(pos, scalar_constant(i64, strides[i])),
                                      arith.muli(tap, scalar_constant(i64, dilations[i]))),
                           scalar_constant(i64, pads[i]))
            inside = arith.andi(arith.cmpi(arith.CmpIPredicate.sge, h, scalar_constant(i64, 0)),
                                arith.cmpi(arith.CmpIPredicate.slt, h, scalar_constant(i64, in_spatial[i])))
            valid = inside if valid is None else arith.andi(valid, inside)
            flat = arith.addi(arith.muli(flat, scalar_constant(i64, in_spatial[i])), h)
        first = arith.cmpi(arith.CmpIPredicate.slt, acc_idx, scalar_constant(i64, 0))
        take = arith.andi(valid, arith.ori(first, greater(v, acc)))
        return [arith.select(take, v, acc), arith.select(take, flat, acc_idx)]

    init_v = linalg.fill(lowest, outs=[empty(out_shape, et)])
    init_i = filled(out_shape, i64, -1)
    values, indices = _window_generic(ctx, x, [init_v, init_i], body)
    if ctx.attr("storage_order") == 1:
        indices = elementwise([indices], i64, lambda s: _column_major(s[0], x_shape))
    return [values, indices]


def _column_major(flat: ir.Value, shape: list[int]) -> ir.Value:
    """Turn a row-major flat index over (N, C, spatial...) into N*C*prod(spatial) + the
    column-major index over the spatial dims."""
    i64 = _i64()
    spatial = shape[2:]
    plane = 1
    for s in spatial:
        plane *= s
    base = arith.muli(arith.divsi(flat, scalar_constant(i64, plane)), scalar_constant(i64, plane))
    rest = arith.remsi(flat, scalar_constant(i64, plane))
    out = base
    stride_rm = plane
    stride_cm = 1
    for s in spatial:
        stride_rm //= s
        coord = arith.remsi(arith.divsi(rest, scalar_constant(i64, stride_rm)), scalar_constant(i64, s))
        out = arith.addi(out, arith.muli(coord, scalar_constant(i64, stride_cm)))
        stride_cm *= s
    return out


# ---------------------------------------------------------------------------
# ConvTranspose
# ---------------------------------------------------------------------------

@lowering("conv_transpose")
def _conv_transpose(ctx: LoweringContext):
    """Correlation of the stride-dilated, padded input with the flipped kernel:
    out[o] = sum_k z[o + k*dilation + offset] * w[K-1-k], z holding x at multiples of the stride."""
    x, w = ctx.operand(0), ctx.operand(1)
    et = ctx.result_element_type
    group = ctx.attr("group")
    strides, dilations, pads = ctx.attr("strides"), ctx.attr("dilations"), ctx.attr("pads")
    x_shape, w_shape = shape_of(x), shape_of(w)
    spatial = len(x_shape) - 2
    n, cin = x_shape[0], x_shape[1]
    cout_g, kernel = w_shape[1], w_shape[2:]
    out_spatial = ctx.result_shape[2:]
    low, offsets, z_spatial = [], [], []
    for i in range(spatial):
        lo = dilations[i] * (kernel[i] - 1) - pads[i]
        low.append(max(lo, 0))
        offsets.append(max(-lo, 0))
        dilated = (x_shape[2 + i] - 1) * strides[i] + 1
        needed = out_spatial[i] - 1 + dilations[i] * (kernel[i] - 1) + offsets[i] + 1
        z_spatial.append(max(needed, low[i] + dilated))
    z = filled([n, cin] + z_spatial, et, 0)
    z = insert_slice(x, z, [0, 0] + low, [1, 1] + list(strides))
    z = reshape(z, [n, group, cin // group] + z_spatial)
    w = reshape(w, [group, cin // group, cout_g] + kernel)
    # loops: n, g, oc, out spatial..., ic, kernel...
    o0, ic, k0 = 3, 3 + spatial, 4 + spatial
    loops = 4 + 2 * spatial
    z_map = amap(loops, [d(0), d(1), d(ic)] + [d(o0 + i) + d(k0 + i) * dilations[i] + offsets[i]
                                              for i in range(spatial)])
    w_map = amap(loops, [d(1), d(ic), d(2)] + [c(kernel[i] - 1) - d(k0 + i) for i in range(spatial)])
    out_map = amap(loops, [d(0), d(1), d(2)] + [d(o0 + i) for i in range(spatial)])
    # The flipped kernel index alone does not make the maps invertible: a shape-only window operand does.
    window = empty(kernel, et)
    k_map = amap(loops, [d(k0 + i) for i in range(spatial)])
    acc_t = _acc_type(et)
    init = filled([n, group, cout_g] + out_spatial, acc_t, 0)
    iters = [PARALLEL] * (3 + spatial) + [REDUCTION] * (1 + spatial)
    mul_add = _mul_add(et, acc_t)
    out = generic([z, w, window], [init], [z_map, w_map, k_map, out_map], iters,
                  lambda zv, wv, _k, acc: mul_add(zv, wv, acc))[0]
    out = reshape(out, ctx.result_shape)
    bias = reshape(ctx.operand(2), [group * cout_g] + [1] * spatial) if ctx.has_operand(2) else None
    return [_add_bias(out, bias, et)]


# ---------------------------------------------------------------------------
# Einsum
# ---------------------------------------------------------------------------

@lowering("einsum")
def _einsum(ctx: LoweringContext):
    """One generic: output letters are parallel loops, the other letters reduction loops; the body
    multiplies one element of each input into the accumulator (f32 for 16-bit floats)."""
    from polytile.dialects.tg_rules.nn import parse_einsum

    terms, out = parse_einsum(ctx.attr("equation"))
    inputs = ctx.operands
    shapes = [shape_of(v) for v in inputs]
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        for letter, dim in zip(term, shape):
            sizes[letter] = max(sizes.get(letter, 1), dim)
    letters = list(out) + sorted(set(sizes) - set(out))
    loop = {ch: i for i, ch in enumerate(letters)}
    maps = [amap(len(letters), [c(0) if dim == 1 and sizes[ch] != 1 else d(loop[ch])
                                for ch, dim in zip(term, shape)])
            for term, shape in zip(terms, shapes)]
    maps.append(amap(len(letters), [d(loop[ch]) for ch in out]))
    et = ctx.result_element_type
    acc_t = compute_type(et) if is_float(et) else et
    init = filled([sizes[ch] for ch in out], acc_t, 0)
    iters = [PARALLEL] * len(out) + [REDUCTION] * (len(letters) - len(out))

    def body(*args):
        *vals, acc = args
        if is_float(et):
            prod = convert_float(vals[0], acc_t)
            for v in vals[1:]:
                prod = arith.mulf(prod, convert_float(v, acc_t))
            return arith.addf(acc, prod)
        prod = vals[0]
        for v in vals[1:]:
            prod = arith.muli(prod, v)
        return arith.addi(acc, prod)

    result = generic(inputs, [init], maps, iters, body)[0]
    return [convert_tensor(result, et) if is_float(et) else result]


# ---------------------------------------------------------------------------
# Resize
# ---------------------------------------------------------------------------

def _source_coordinates(mode: str, out_size: int, in_size: int, scale: float,
                        roi: tuple[float, float]) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """Input coordinate of each output position along one axis (ONNX coordinate_transformation_mode),
    and for tf_crop_and_resize which positions fall outside the input (extrapolated)."""
    y = np.arange(out_size, dtype=np.float64)
    length = scale * in_size
    if mode == "align_corners":
        x = np.zeros(out_size) if length == 1 else y * (in_size - 1) / (length - 1)
    elif mode == "asymmetric":
        x = y / scale
    elif mode == "tf_crop_and_resize":
        start, end = roi
        if length == 1:
            x = np.full(out_size, (end - start) * (in_size - 1) / 2)
        else:
            x = y * (end - start) * (in_size - 1) / (length - 1)
        x = x + start * (in_size - 1)
        return x, (x < 0) | (x > in_size - 1)
    elif mode == "pytorch_half_pixel":
        x = np.full(out_size, -0.5) if length == 1 else (y + 0.5) / scale - 0.5
    elif mode == "half_pixel":
        x = (y + 0.5) / scale - 0.5
    elif mode == "half_pixel_symmetric":
        adjustment = out_size / length
        x = in_size / 2 * (1 - adjustment) + (y + 0.5) / scale - 0.5
    else:
        raise ValueError(mode)
    return x, None


def _nearest_indices(x: np.ndarray, in_size: int, nearest_mode: str) -> np.ndarray:
    floor = np.floor(x)
    frac = x - floor
    if nearest_mode == "round_prefer_floor":
        up = frac > 0.5
    elif nearest_mode == "round_prefer_ceil":
        up = frac >= 0.5
    elif nearest_mode == "floor":
        up = np.zeros_like(frac, dtype=bool)
    else:  # ceil
        up = frac > 0
    return np.clip(floor.astype(np.int64) + up, 0, in_size - 1)


def _cubic(ratio: float, a: float) -> list[float]:
    r = ratio
    return [((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
            ((a + 2) * r - (a + 3)) * r * r + 1,
            ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
            ((a * ((1 - r) + 1) - 5 * a) * ((1 - r) + 1) + 8 * a) * ((1 - r) + 1) - 4 * a]


def _cubic_antialias(ratio: float, scale: float, a: float) -> np.ndarray:
    scale = min(scale, 1.0)

    def coeff(x):
        x = abs(x)
        if x <= 1:
            return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1
        if x < 2:
            return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a
        return 0.0

    start = int(np.floor(-2 / scale) + 1)
    coeffs = np.array([coeff(scale * (i - ratio)) for i in range(start, 2 - start)])
    return coeffs / coeffs.sum()


def _linear_antialias(ratio: float, scale: float) -> np.ndarray:
    scale = min(scale, 1.0)
    start = int(np.floor(-1 / scale) + 1)
    args = (np.arange(start, start + 2 - 2 * start) - ratio) * scale
    coeffs = np.clip(1 - np.abs(args), 0, 1)
    return coeffs / coeffs.sum()


def _interpolation_taps(x: np.ndarray, in_size: int, scale: float, mode: str, a: float,
                        antialias: bool, exclude_outside: bool) -> tuple[np.ndarray, np.ndarray]:
    """Input indices (clamped to the edge) and weights of the taps of each output position,
    as the ONNX reference computes them: (out, n) arrays each."""
    floor = np.floor(x)
    ratios = np.where(x == floor, 1.0, x - floor)

    def coeffs_of(r):
        if mode == "linear":
            return _linear_antialias(r, scale) if antialias else np.array([1 - r, r])
        return _cubic_antialias(r, scale, a) if antialias else np.array(_cubic(r, a))

    coeffs = np.stack([coeffs_of(float(r)) for r in ratios])
    n = coeffs.shape[1]
    half = int(np.ceil(n / 2))
    padded = x + half
    p = np.floor(padded).astype(np.int64)
    frac = padded - p
    if n % 2 == 0:
        shift = np.where(frac == 0, -(n // 2), -(n // 2) + 1)
    else:
        shift = np.where(frac <= 0.5, -((n - 1) // 2), -((n - 1) // 2) + 1)
    taps = (p + shift)[:, None] + np.arange(n)[None, :] - half
    if exclude_outside:
        coeffs = np.where((taps < 0) | (taps >= in_size), 0.0, coeffs)
        total = coeffs.sum(axis=1, keepdims=True)
        coeffs = coeffs / np.where(total == 0, 1.0, total)
    return np.clip(taps, 0, in_size - 1), coeffs


def _gather_extract(source: ir.Value, rank: int, axis_index: dict) -> ir.Value:
    """tensor.extract from ``source`` at loop indices, with ``axis_index[dim]`` (i64 scalars)
    replacing the loop index of the resized dims."""
    idx = []
    for dim in range(rank):
        if dim in axis_index:
            idx.append(arith.index_cast(ir.IndexType.get(), axis_index[dim]))
        else:
            idx.append(index(dim))
    return tensor.extract(source, idx)


def _resize_axes(ctx: LoweringContext) -> list[int]:
    """The dims that actually change (the reference skips identity axes)."""
    x_shape, out_shape = shape_of(ctx.operand(0)), ctx.result_shape
    scales = list(ir.DenseF64ArrayAttr(ctx.attr("scales")))
    roi = list(ir.DenseF64ArrayAttr(ctx.attr("roi")))
    rank = len(x_shape)
    return [i for i in range(rank)
            if not (abs(scales[i] - 1.0) < 1e-9 and out_shape[i] == x_shape[i]
                    and abs(roi[i]) < 1e-9 and abs(roi[rank + i] - 1.0) < 1e-9)]


@lowering("resize")
def _resize(ctx: LoweringContext):
    """Coordinates, taps and weights are computed at compile time per resized axis (numpy, as the
    ONNX reference does); nearest is one gather, linear/cubic one weighted-tap generic per axis."""
    x = ctx.operand(0)
    et = ctx.result_element_type
    x_shape, out_shape = shape_of(x), ctx.result_shape
    rank = len(x_shape)
    scales = list(ir.DenseF64ArrayAttr(ctx.attr("scales")))
    roi = list(ir.DenseF64ArrayAttr(ctx.attr("roi")))
    mode, ctm = ctx.attr("mode"), ctx.attr("coordinate_transformation_mode")
    axes = _resize_axes(ctx)
    coords, extrapolated = {}, {}
    for i in axes:
        coords[i], mask = _source_coordinates(ctm, out_shape[i], x_shape[i], scales[i], (roi[i], roi[rank + i]))
        if mask is not None and mask.any():
            extrapolated[i] = mask
    if mode == "nearest":
        result = _resize_nearest(ctx, x, coords)
    else:
        result = _resize_interpolate(ctx, x, coords, scales)
    if extrapolated:
        result = _extrapolate(ctx, result, extrapolated)
    return [result]


def _resize_nearest(ctx: LoweringContext, x: ir.Value, coords: dict) -> ir.Value:
    x_shape, out_shape = shape_of(x), ctx.result_shape
    rank = len(out_shape)
    axes = sorted(coords)
    tables = [dense_constant(_nearest_indices(coords[i], x_shape[i], ctx.attr("nearest_mode")), _i64())
              for i in axes]
    maps = [amap(rank, [d(i)]) for i in axes] + [ir.AffineMap.get_identity(rank)]

    def body(*args):
        return _gather_extract(x, rank, dict(zip(axes, args[:len(axes)])))

    return generic(tables, [empty(out_shape, etype_of(x))], maps, [PARALLEL] * rank, body)[0]


def _resize_interpolate(ctx: LoweringContext, x: ir.Value, coords: dict, scales: list) -> ir.Value:
    et = ctx.result_element_type
    ct = compute_type(et)
    current = x
    shape = shape_of(x)
    rank = len(shape)
    for axis in sorted(coords):
        taps, weights = _interpolation_taps(coords[axis], shape[axis], scales[axis], ctx.attr("mode"),
                                            ctx.attr("cubic_coeff_a"), bool(ctx.attr("antialias")),
                                            bool(ctx.attr("exclude_outside")))
        shape = list(shape)
        shape[axis] = ctx.result_shape[axis]
        tap_map = amap(rank + 1, [d(axis), d(rank)])
        out_map = amap(rank + 1, [d(i) for i in range(rank)])
        source = current

        def body(tap, weight, acc, source=source, axis=axis):
            v = convert_float(_gather_extract(source, rank, {axis: tap}), ct)
            return arith.addf(acc, arith.mulf(v, weight))

        current = generic([dense_constant(taps, _i64()), dense_constant(weights, ct)],
                          [filled(shape, ct, 0)], [tap_map, tap_map, out_map],
                          [PARALLEL] * rank + [REDUCTION], body)[0]
    return convert_tensor(current, et)


def _extrapolate(ctx: LoweringContext, y: ir.Value, masks: dict) -> ir.Value:
    """tf_crop_and_resize: positions outside the input along any axis take extrapolation_value."""
    et = ctx.result_element_type
    rank = len(ctx.result_shape)
    axes = sorted(masks)
    tables = [dense_constant(masks[i].astype(np.int64), _i64()) for i in axes]
    maps = [ir.AffineMap.get_identity(rank)] + [amap(rank, [d(i)]) for i in axes] + \
        [ir.AffineMap.get_identity(rank)]
    value = ctx.attr("extrapolation_value")

    def body(v, *args):
        flags = args[:len(axes)]
        outside = arith.cmpi(arith.CmpIPredicate.ne, flags[0], scalar_constant(_i64(), 0))
        for f in flags[1:]:
            outside = arith.ori(outside, arith.cmpi(arith.CmpIPredicate.ne, f, scalar_constant(_i64(), 0)))
        fill_value = scalar_constant(et, value if is_float(et) else int(value))
        return arith.select(outside, fill_value, v)

    return generic([y] + tables, [empty(ctx.result_shape, et)], maps, [PARALLEL] * rank, body)[0]


# ---------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------

_PRECISION_TYPES = {1: "f32", 10: "f16", 11: "f64", 16: "bf16"}


def _heads_first(x: ir.Value, heads: int) -> ir.Value:
    """(B, S, heads*size) -> (B, heads, S, size)."""
    b, s, hidden = shape_of(x)
    return transpose(reshape(x, [b, s, heads, hidden // heads]), [0, 2, 1, 3])


def _head_group(rep: int) -> ir.AffineExpr:
    """The KV head of query head d1 when ``rep`` query heads share one (GQA)."""
    return ir.AffineFloorDivExpr.get(d(1), c(rep)) if rep > 1 else d(1)


def _attention_scores(q: ir.Value, k: ir.Value, rep: int, sqrt_scale: float, ct: ir.Type) -> ir.Value:
    """S[b,h,i,j] = sum_d (q[b,h,i,d] * s) * (k[b,h/rep,j,d] * s), s = sqrt(scale)."""
    b, h, sq, dsz = shape_of(q)
    skv = shape_of(k)[2]
    q_map = amap(5, [d(0), d(1), d(2), d(4)])
    k_map = amap(5, [d(0), _head_group(rep), d(3), d(4)])
    out_map = amap(5, [d(0), d(1), d(2), d(3)])

    def body(qv, kv, acc):
        s = scalar_constant(ct, sqrt_scale)
        return arith.addf(acc, arith.mulf(arith.mulf(qv, s), arith.mulf(kv, s)))

    return generic([q, k], [filled([b, h, sq, skv], ct, 0)], [q_map, k_map, out_map],
                   [PARALLEL] * 4 + [REDUCTION], body)[0]


def _attention_bias(mask: Optional[ir.Value], mask_bool: bool, causal: bool, sq: int, total: int,
                    past: int, ct: ir.Type) -> Optional[ir.Value]:
    """The additive bias: the mask (bool -> 0/-inf, padded with -inf up to ``total`` keys) plus,
    when causal, -inf where key j > query i + past."""
    if mask is None and not causal:
        return None
    inputs, maps = [], []
    if mask is not None:
        if mask_bool:
            mask = elementwise([mask], ct, lambda s: arith.select(
                s[0], scalar_constant(ct, 0), _neg_inf(ct)))
        else:
            mask = convert_tensor(mask, ct)
        m_shape = shape_of(mask)
        if m_shape[-1] < total:
            mask = pad(mask, [0] * len(m_shape), [0] * (len(m_shape) - 1) + [total - m_shape[-1]], _neg_inf(ct))
        inputs.append(mask)
    out_shape = broadcast_shape([shape_of(v) for v in inputs] + [[sq, total]])
    rank = len(out_shape)
    maps = [broadcast_map(shape_of(v), out_shape) for v in inputs] + [ir.AffineMap.get_identity(rank)]

    def body(*args):
        value = args[0] if mask is not None else scalar_constant(ct, 0)
        if causal:
            i64 = _i64()
            i = arith.index_cast(i64, index(rank - 2))
            j = arith.index_cast(i64, index(rank - 1))
            allowed = arith.cmpi(arith.CmpIPredicate.sle, j, arith.addi(i, scalar_constant(i64, past)))
            value = arith.addf(value, arith.select(allowed, scalar_constant(ct, 0), _neg_inf(ct)))
        return value

    return generic(inputs, [empty(out_shape, ct)], maps, [PARALLEL] * rank, body)[0]


def _softmax_last(x: ir.Value, row_masked: Optional[ir.Value]) -> ir.Value:
    """Softmax over the last dim; rows that are all -inf (or masked by ``row_masked``) give 0."""
    st = etype_of(x)
    zero, one = scalar_constant(st, 0), scalar_constant(st, 1)
    inf = _neg_inf(st)
    top = reduce_last(x, float("-inf"), arith.maximumf)
    top = elementwise([top], st, lambda s: arith.select(
        arith.cmpf(arith.CmpFPredicate.OEQ, s[0], inf), zero, s[0]))
    exps = elementwise([x, top], st, lambda s: math.exp(arith.subf(s[0], s[1])))
    sums = reduce_last(exps, 0, arith.addf)
    sums = elementwise([sums], st, lambda s: arith.select(
        arith.cmpf(arith.CmpFPredicate.OEQ, s[0], zero), one, s[0]))
    inputs = [exps, sums] + ([row_masked] if row_masked is not None else [])

    def body(s):
        p = arith.divf(s[0], s[1])
        if row_masked is not None:
            p = arith.select(arith.cmpf(arith.CmpFPredicate.OEQ, s[2], inf), zero, p)
        return p

    return elementwise(inputs, st, body, out_shape=shape_of(x))


@lowering("attention")
def _attention(ctx: LoweringContext):
    return _lower_attention(ctx, 3, None, None)


@lowering("attention_with_past")
def _attention_with_past(ctx: LoweringContext):
    return _lower_attention(ctx, 5, ctx.operand(3), ctx.operand(4))


def _lower_attention(ctx: LoweringContext, mask_index: int, past_k: Optional[ir.Value],
                     past_v: Optional[ir.Value]) -> list[ir.Value]:
    """Scores (scaled Q.K^T, GQA through the K/V head map), softcap, additive bias (mask and
    causal), softmax with fully-masked rows zeroed, then probs.V; 16-bit floats compute in f32."""
    q, k, v = ctx.operand(0), ctx.operand(1), ctx.operand(2)
    mask = ctx.operand(mask_index) if ctx.has_operand(mask_index) else None
    et = ctx.result_element_type
    ct = compute_type(et)
    rank = len(shape_of(q))
    if rank == 3:
        q = _heads_first(q, ctx.attr("q_num_heads"))
        k = _heads_first(k, ctx.attr("kv_num_heads"))
        v = _heads_first(v, ctx.attr("kv_num_heads"))
    present_k = concat([past_k, k], 2) if past_k is not None else k
    present_v = concat([past_v, v], 2) if past_v is not None else v
    b, hq, sq, _ = shape_of(q)
    hkv, total = shape_of(present_k)[1], shape_of(present_k)[2]
    rep = hq // hkv
    past = shape_of(past_k)[2] if past_k is not None else 0
    sqrt_scale = float(np.sqrt(np.float64(ctx.attr("scale"))))
    scores = _attention_scores(convert_tensor(q, ct), convert_tensor(present_k, ct), rep, sqrt_scale, ct)
    softcap = ctx.attr("softcap")
    if softcap > 0:
        scores = elementwise([scores], ct, lambda s: arith.mulf(
            math.tanh(arith.divf(s[0], scalar_constant(ct, softcap))), scalar_constant(ct, softcap)))
    mask_bool = mask is not None and \
        str(ir.RankedTensorType(ctx.original_operand_types[mask_index]).element_type) == "i1"
    bias = _attention_bias(mask, mask_bool, bool(ctx.attr("is_causal")), sq, total, past, ct)
    biased = scores
    row_masked = None
    if bias is not None:
        biased = elementwise([scores, bias], ct, lambda s: arith.addf(s[0], s[1]), out_shape=shape_of(scores))
        row_masked = reduce_last(bias, float("-inf"), arith.maximumf)
    st = ir.Type.parse(_PRECISION_TYPES[ctx.attr("softmax_precision")])
    if not is_float(st) or ir.FloatType(st).width <= ir.FloatType(ct).width:
        st = ct
    probs = _softmax_last(convert_tensor(biased, st),
                          convert_tensor(row_masked, st) if row_masked is not None else None)
    probs = convert_tensor(probs, ct)
    dv = shape_of(present_v)[3]
    p_map = amap(5, [d(0), d(1), d(2), d(4)])
    v_map = amap(5, [d(0), _head_group(rep), d(4), d(3)])
    y = generic([probs, convert_tensor(present_v, ct)], [filled([b, hq, sq, dv], ct, 0)],
                [p_map, v_map, amap(5, [d(0), d(1), d(2), d(3)])], [PARALLEL] * 4 + [REDUCTION],
                lambda pv, vv, acc: arith.addf(acc, arith.mulf(pv, vv)))[0]
    y = convert_tensor(y, et)
    if rank == 3:
        y = reshape(transpose(y, [0, 2, 1, 3]), [b, sq, hq * dv])
    mode = ctx.attr("qk_matmul_output_mode")
    qk = {0: scores, 1: scores, 2: biased, 3: probs}[mode]
    return [y, present_k, present_v, convert_tensor(qk, et)]

"""Lowerings of tg pooling ops: MaxPool (with or without indices), AveragePool,
LpPool and their Global forms.

A windowed pool is one ``linalg.generic`` over (n, c, output spatial...,
kernel...) reading the padded input at ``o * stride + k * dilation``; the window
sizes come from a shape-only ``tensor.empty`` operand. Padding is a
``tensor.pad`` with the pool's neutral value (-inf or the integer minimum for
max, 0 for sums); ceil_mode adds the high padding that the last windows need.
Global pools reduce all spatial dims. 16-bit floats are summed in f32.

* AveragePool divides by a compile-time table (numpy) of how many taps of each
  window fall inside the input (count_include_pad = 0) or the padded input (1).
* MaxPool with Indices tracks the row-major flat index of the first maximum
  (padding never wins), re-linearized for storage_order 1.

Dynamic dims (``?``): N and C of every pool, and the spatial dims of the
windowed pools (output size ``(padded - dilated kernel) / stride + 1`` in
index arithmetic) and of the Global pools (a run-time element count).

With a dynamic spatial dim, ceil_mode's window count and extra padding are index
arithmetic, and AveragePool's divisor (when windows can be partial) is counted
per output position in the loop body instead of read from a table.

Not supported yet: integer inputs of AveragePool, LpPool and the Global
pools (they lower float arithmetic only, as tg's verifier requires floats
there); MaxPool with Indices with dynamic dims other than N.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, math

from . import LoweringContext, lowering
from .builders import (DYNAMIC, PARALLEL, REDUCTION, Dim, amap, cmpf, cmpi, compute_type, convert_float, d,
                       dense_constant, dim_of, dims_product, elementwise, empty, etype_of, filled,
                       generic, i64, identity_map, index_constant, index_to_scalar, is_float, loop_index_i64,
                       pad, pad_dynamic, prod, reshape, scalar_constant, shape_of, window_count,
                       window_indices)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _ceil_extra(size: int, out: int, kernel: int, stride: int, dilation: int) -> int:
    """Extra high padding so that ``out`` windows fit (ceil_mode)."""
    needed = (out - 1) * stride + dilation * (kernel - 1) + 1
    return max(0, needed - size)


def _ceil_count(size: ir.Value, kernel: int, stride: int, dilation: int, pad_begin: int,
                pad_end: int) -> ir.Value:
    """ceil_mode's window count of a run-time ``size`` (index): ``ceil(span / stride) + 1``
    windows, less the last when it would start past the input and the leading padding;
    0 when the window does not fit."""
    effective = dilation * (kernel - 1) + 1
    span = arith.subi(arith.addi(size, index_constant(pad_begin + pad_end)), index_constant(effective))
    out = arith.addi(arith.ceildivsi(span, index_constant(stride)), index_constant(1))
    last_start = arith.muli(arith.subi(out, index_constant(1)), index_constant(stride))
    past = cmpi("sge", last_start, arith.addi(size, index_constant(pad_begin)))
    out = arith.select(past, arith.subi(out, index_constant(1)), out)
    fits = cmpi("sge", span, index_constant(0))
    return arith.select(fits, out, index_constant(0))


def _pool_input(ctx: LoweringContext, pad_value: ir.Value, x: Optional[ir.Value] = None) -> ir.Value:
    """The input padded by ``pads`` plus the extra high padding that ceil_mode windows need
    (computed at run time for a dynamic spatial dim)."""
    x = ctx.operand(0) if x is None else x
    kernel, strides = ctx.attr("kernel_shape"), ctx.attr("strides")
    dilations, pads = ctx.attr("dilations"), ctx.attr("pads")
    spatial = len(kernel)
    high: list[Dim] = list(pads[spatial:])
    x_shape = shape_of(x)
    for i in range(spatial):
        if x_shape[2 + i] == DYNAMIC:
            if ctx.attr("ceil_mode"):
                size = dim_of(x, 2 + i)
                out = _ceil_count(size, kernel[i], strides[i], dilations[i], pads[i], high[i])
                needed = arith.addi(arith.muli(arith.subi(out, index_constant(1)), index_constant(strides[i])),
                                    index_constant(dilations[i] * (kernel[i] - 1) + 1))
                padded = arith.addi(size, index_constant(pads[i] + high[i]))
                extra = arith.maxsi(arith.subi(needed, padded), index_constant(0))
                high[i] = arith.addi(extra, index_constant(high[i]))
            continue
        padded = x_shape[2 + i] + pads[i] + high[i]
        high[i] += _ceil_extra(padded, ctx.result_shape[2 + i], kernel[i], strides[i], dilations[i])
    if all(isinstance(h, int) for h in high):
        return pad(x, [0, 0] + pads[:spatial], [0, 0] + high, pad_value)
    return pad_dynamic(x, [0, 0] + pads[:spatial], [0, 0] + high, pad_value)


def _out_dims(ctx: LoweringContext, padded: ir.Value) -> list[Dim]:
    """The result dims of a windowed pool: N and C of the input, the window counts of the
    ``padded`` input (index values for a ``?``)."""
    out = ctx.result_shape
    if DYNAMIC not in out:
        return out
    kernel, strides, dilations = ctx.attr("kernel_shape"), ctx.attr("strides"), ctx.attr("dilations")
    dims: list[Dim] = [dim_of(ctx.operand(0), i) if out[i] == DYNAMIC else out[i] for i in range(2)]
    for i in range(len(kernel)):
        dims.append(out[2 + i] if out[2 + i] != DYNAMIC else
                    window_count(dim_of(padded, 2 + i), kernel[i], strides[i], dilations[i]))
    return dims




def _window_generic(ctx: LoweringContext, x: ir.Value, inits: list[ir.Value], body) -> list[ir.Value]:
    """A generic over (n, c, out spatial..., kernel...) reading the padded input ``x`` at
    ``o*stride + k*dilation``; ``body(v, *accs)`` combines one input value into the accumulators."""
    kernel, strides, dilations = ctx.attr("kernel_shape"), ctx.attr("strides"), ctx.attr("dilations")
    spatial = len(kernel)
    loops = 2 + 2 * spatial
    window = empty(kernel, etype_of(x))
    x_map = amap(loops, [d(0), d(1)] + window_indices(spatial, strides, dilations, 2, 2 + spatial))
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


def _lowest(ctx: LoweringContext) -> ir.Value:
    """The padding of a max pool, below every input value: -inf, or the integer minimum."""
    et = ctx.result_element_type
    return scalar_constant(et, float("-inf") if is_float(et) or not ctx.unsigned(0) else 0)


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


def _global_reduce(x: ir.Value, init, body, acc_type: Optional[ir.Type] = None) -> ir.Value:
    """Reduce all spatial dims of (N, C, spatial...) into (N, C, 1, ...), accumulating in
    ``acc_type`` (default: the element type)."""
    shape = shape_of(x)
    rank = len(shape)
    out = filled([dim_of(x, 0), dim_of(x, 1)], acc_type or etype_of(x), init)
    red = generic([x], [out], [identity_map(rank), amap(rank, [d(0), d(1)])],
                  [PARALLEL, PARALLEL] + [REDUCTION] * (rank - 2), body)[0]
    return reshape(red, shape[:2] + [1] * (rank - 2))


# ---------------------------------------------------------------------------
# MaxPool
# ---------------------------------------------------------------------------

@lowering("max_pool", dynamic=True)
def _max_pool(ctx: LoweringContext):
    et = ctx.result_element_type
    lowest = _lowest(ctx)
    x = _pool_input(ctx, lowest)
    init = linalg.fill(lowest, outs=[empty(_out_dims(ctx, x), et)])
    if is_float(et):
        combine = arith.maximumf
    else:
        combine = arith.maxui if ctx.unsigned(0) else arith.maxsi
    return _window_generic(ctx, x, [init], lambda v, acc: combine(acc, v))


def _only_batch_dynamic(ctx: LoweringContext) -> Optional[str]:
    if DYNAMIC in shape_of(ctx.operand(0))[1:]:
        return "dynamic dims other than the batch (N) are not supported yet"
    return None


@lowering("max_pool_with_indices", dynamic=_only_batch_dynamic)
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
    lowest = _lowest(ctx)
    x = _pool_input(ctx, lowest)
    int64 = i64()

    def greater(a, b):
        if is_float(et):
            return cmpf("ogt", a, b)
        return cmpi("ugt" if unsigned else "sgt", a, b)

    def body(v, acc, acc_idx):
        flat = arith.addi(arith.muli(loop_index_i64(0), scalar_constant(int64, x_shape[1])),
                          loop_index_i64(1))
        valid = None
        for i in range(spatial):
            pos = loop_index_i64(2 + i)
            tap = loop_index_i64(2 + spatial + i)
            h = arith.subi(arith.addi(arith.muli(pos, scalar_constant(int64, strides[i])),
                                      arith.muli(tap, scalar_constant(int64, dilations[i]))),
                           scalar_constant(int64, pads[i]))
            inside = arith.andi(cmpi("sge", h, scalar_constant(int64, 0)),
                                cmpi("slt", h, scalar_constant(int64, in_spatial[i])))
            valid = inside if valid is None else arith.andi(valid, inside)
            flat = arith.addi(arith.muli(flat, scalar_constant(int64, in_spatial[i])), h)
        first = cmpi("slt", acc_idx, scalar_constant(int64, 0))
        take = arith.andi(valid, arith.ori(first, greater(v, acc)))
        return [arith.select(take, v, acc), arith.select(take, flat, acc_idx)]

    out_dims = _out_dims(ctx, x)
    init_v = linalg.fill(lowest, outs=[empty(out_dims, et)])
    init_i = filled(out_dims, int64, -1)
    values, indices = _window_generic(ctx, x, [init_v, init_i], body)
    if ctx.attr("storage_order") == 1:
        indices = elementwise([indices], int64, lambda s: _column_major(s[0], x_shape))
    return [values, indices]


def _column_major(flat: ir.Value, shape: list[int]) -> ir.Value:
    """Turn a row-major flat index over (N, C, spatial...) into N*C*prod(spatial) + the
    column-major index over the spatial dims."""
    int64 = i64()
    spatial = shape[2:]
    plane = 1
    for s in spatial:
        plane *= s
    base = arith.muli(arith.divsi(flat, scalar_constant(int64, plane)), scalar_constant(int64, plane))
    rest = arith.remsi(flat, scalar_constant(int64, plane))
    out = base
    stride_rm = plane
    stride_cm = 1
    for s in spatial:
        stride_rm //= s
        coord = arith.remsi(arith.divsi(rest, scalar_constant(int64, stride_rm)), scalar_constant(int64, s))
        out = arith.addi(out, arith.muli(coord, scalar_constant(int64, stride_cm)))
        stride_cm *= s
    return out


# ---------------------------------------------------------------------------
# AveragePool, LpPool
# ---------------------------------------------------------------------------

def _run_time_divisor(ctx: LoweringContext, sums: ir.Value, et: ir.Type) -> ir.Value:
    """``sums`` divided, element-wise, by the number of taps of each window that fall in
    [-before, size + after) along every spatial dim (before/after: the pads with
    count_include_pad, else 0), counted in the loop body from the output position and
    the run-time input size: taps ``o*stride + k*dilation - pad_begin`` for k in [0, K)."""
    kernel, strides = ctx.attr("kernel_shape"), ctx.attr("strides")
    dilations, pads = ctx.attr("dilations"), ctx.attr("pads")
    spatial = len(kernel)
    include = ctx.attr("count_include_pad")
    x = ctx.operand(0)
    sizes = [dim_of(x, 2 + i) for i in range(spatial)]
    sizes = [v if isinstance(v, ir.Value) else index_constant(v) for v in sizes]
    ct = etype_of(sums)

    def body(s):
        total = index_constant(1)
        for i in range(spatial):
            before, after = (pads[i], pads[spatial + i]) if include else (0, 0)
            start = arith.subi(arith.muli(linalg.IndexOp(2 + i).result, index_constant(strides[i])),
                               index_constant(pads[i]))
            end = arith.addi(sizes[i], index_constant(after))
            count = index_constant(0)
            for k in range(kernel[i]):
                tap = arith.addi(start, index_constant(k * dilations[i]))
                inside = arith.andi(cmpi("sge", tap, index_constant(-before)), cmpi("slt", tap, end))
                count = arith.addi(count, arith.select(inside, index_constant(1), index_constant(0)))
            total = arith.muli(total, count)
        return convert_float(arith.divf(s[0], index_to_scalar(total, ct)), et)

    return elementwise([sums], et, body)


@lowering("average_pool", dynamic=True)
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
    sums = _window_generic(ctx, x, [filled(_out_dims(ctx, x), ct, 0)],
                           lambda v, acc: arith.addf(acc, convert_float(v, ct)))[0]
    include = ctx.attr("count_include_pad")
    if DYNAMIC in x_shape[2:]:
        if not ctx.attr("ceil_mode") and (include or not any(pads)):  # every window is whole
            taps = scalar_constant(ct, prod(kernel))
            return [elementwise([sums], et, lambda s: convert_float(arith.divf(s[0], taps), et))]
        return [_run_time_divisor(ctx, sums, et)]
    divisor = np.ones([], dtype=np.float64)
    for i in range(spatial):
        before, after = (pads[i], pads[spatial + i]) if include else (0, 0)
        counts = _window_counts(x_shape[2 + i], out_shape[2 + i], kernel[i], strides[i], dilations[i],
                                pads[i], before, after)
        divisor = np.multiply.outer(divisor, counts)
    table = dense_constant(divisor.reshape([1, 1] + out_shape[2:]), ct)
    return [elementwise([sums, table], et, lambda s: convert_float(arith.divf(s[0], s[1]), et),
                        out_shape=out_shape)]


@lowering("lp_pool", dynamic=True)
def _lp_pool(ctx: LoweringContext):
    et = ctx.result_element_type
    ct = compute_type(et)
    p = ctx.attr("p")
    powered = elementwise([ctx.operand(0)], ct, lambda s: _abs_pow(convert_float(s[0], ct), p))
    x = _pool_input(ctx, scalar_constant(ct, 0), powered)
    sums = _window_generic(ctx, x, [filled(_out_dims(ctx, x), ct, 0)], lambda v, acc: arith.addf(acc, v))[0]
    return [elementwise([sums], et, lambda s: convert_float(_root(s[0], p), et))]


# ---------------------------------------------------------------------------
# Global pools
# ---------------------------------------------------------------------------

@lowering("global_average_pool", dynamic=True)
def _global_average_pool(ctx: LoweringContext):
    x = ctx.operand(0)
    et = ctx.result_element_type
    shape = shape_of(x)
    rank = len(shape)
    ct = compute_type(et)  # 16-bit floats accumulate in f32
    count = prod(shape[2:]) if DYNAMIC not in shape[2:] else \
        index_to_scalar(dims_product([dim_of(x, i) for i in range(2, rank)]), ct)
    init = filled([dim_of(x, 0), dim_of(x, 1)], ct, 0)
    sums = generic([x], [init], [identity_map(rank), amap(rank, [d(0), d(1)])],
                   [PARALLEL, PARALLEL] + [REDUCTION] * (rank - 2),
                   lambda v, acc: arith.addf(acc, convert_float(v, ct)))[0]
    mean = elementwise([sums], et, lambda s: convert_float(arith.divf(
        s[0], count if isinstance(count, ir.Value) else scalar_constant(ct, count)), et))
    return [reshape(mean, ctx.result_shape)]


@lowering("global_max_pool", dynamic=True)
def _global_max_pool(ctx: LoweringContext):
    return [_global_reduce(ctx.operand(0), float("-inf"), lambda v, acc: arith.maximumf(acc, v))]


@lowering("global_lp_pool", dynamic=True)
def _global_lp_pool(ctx: LoweringContext):
    p = ctx.attr("p")
    et = ctx.result_element_type
    ct = compute_type(et)
    sums = _global_reduce(ctx.operand(0), 0,
                          lambda v, acc: arith.addf(acc, _abs_pow(convert_float(v, ct), p)), ct)
    return [elementwise([sums], et, lambda s: convert_float(_root(s[0], p), et))]

"""Lowerings of the sampling ops: grid_sample, roi_align, col2im, max_unpool.

* grid_sample: one parallel ``linalg.generic`` over the result (N x C x O...).
  Its body reads the grid point with ``tensor.extract``, computes per spatial dim
  the source coordinate (align_corners, nearest's round-half-to-even, border's
  clamp or reflection's fold, as the ONNX reference), the taps (1, 2 or 4) with
  their weights, and sums the taps' values read with ``tensor.extract`` at indices
  clamped into the input (zeros padding masks the taps outside), nested dim by dim
  as the reference interpolates. Computed in f32 for 16-bit floats.
* roi_align: a generic over the ROIs computes each ROI's start, bin size,
  sampling grid (``sampling_ratio``, or adaptive: ceil(roi size / output size))
  and clamped batch index; a reduction generic over R x C x PH x PW x gh x gw sums
  (avg) or maxes the samples' bilinear taps, gh x gw being ``sampling_ratio``
  squared or, adaptive, the largest grid of any ROI (computed at run time; smaller
  grids mask the extra samples); an element-wise generic divides by the sample
  count (avg) or gives 0 to ROIs without samples (max).
* col2im: a gather over the image, reducing over the block offsets: each image
  element sums, in block-offset order as the reference, the columns whose block
  covers it (``tensor.extract`` from the input).
* max_unpool: an ``scf.for`` nest over ``x`` carrying the flat result of the
  inferred shape (``tensor.insert`` at each index, in row-major order so the last
  duplicate wins; out-of-range indices write nothing), expanded to the inferred
  shape and placed at the origin of a zero ``output_shape`` tensor.

Every data-dependent index is clamped into its dim before it is read. Dynamic dims
(``?``): grid_sample and roi_align (an input dim read at data-dependent positions
that is ``?`` is padded by one zero first, so an empty dim never reads out of
bounds); col2im and max_unpool take static shapes (their type rules say so).
"""
from __future__ import annotations

from typing import Optional, Sequence

from mlir import ir
from mlir.dialects import arith, math, tensor

from . import LoweringContext, lowering
from .builders import (DYNAMIC, PARALLEL, REDUCTION, Dim, amap, as_index, c, cmpf, cmpi, compute_type,
                       convert_float, convert_tensor, d, dim_of, dims_of, empty, etype_of, filled,
                       generic, i64, identity_map, index_constant, index_to_scalar, insert_slice,
                       loop_index, pad_dynamic, prod, reshape, scalar_constant, shape_of)
from .shape import loop_nest


# ---------------------------------------------------------------------------
# Scalar helpers
# ---------------------------------------------------------------------------

def _f(t: ir.Type, value: float) -> ir.Value:
    return scalar_constant(t, value)


def _clamp_f(v: ir.Value, lo: ir.Value, hi: ir.Value) -> ir.Value:
    """``v`` clamped to [lo, hi]; NaN gives ``lo`` (ordered compares)."""
    v = arith.select(cmpf("oge", v, lo), v, lo)
    return arith.select(cmpf("ole", v, hi), v, hi)


def _to_index(v: ir.Value) -> ir.Value:
    """A float already clamped into [0, dim - 1] as an index."""
    return arith.index_cast(ir.IndexType.get(), arith.fptosi(i64(), v))


def _readable(x: ir.Value, dims: Sequence[int]) -> ir.Value:
    """``x`` padded by one zero at the end of each of ``dims`` that is ``?``: indices clamped
    into [0, max(size - 1, 0)] then never read out of bounds, even from an empty dim."""
    shape = shape_of(x)
    high = [1 if i in dims and shape[i] == DYNAMIC else 0 for i in range(len(shape))]
    if not any(high):
        return x
    return pad_dynamic(x, [0] * len(shape), high, scalar_constant(etype_of(x), 0))


def _last_index_f(size: Dim, t: ir.Type) -> ir.Value:
    """max(size - 1, 0) as a float of type ``t``."""
    if not isinstance(size, ir.Value):
        return _f(t, max(size - 1, 0))
    return arith.maximumf(arith.subf(index_to_scalar(size, t), _f(t, 1.0)), _f(t, 0.0))


# ---------------------------------------------------------------------------
# grid_sample
# ---------------------------------------------------------------------------

def _reflect(x: ir.Value, lo: ir.Value, hi: ir.Value, t: ir.Type) -> ir.Value:
    """The reference's _gs_reflect: fold ``x`` into [lo, hi] by reflecting at the nearer border
    (in float: the count of whole ranges' parity decides the border). A zero range gives lo."""
    rng = arith.subf(hi, lo)
    zero, two = _f(t, 0.0), _f(t, 2.0)

    def fold(dx, near, far):
        n = math.floor(arith.divf(dx, rng))
        r = arith.subf(dx, arith.mulf(n, rng))
        even = cmpf("oeq", arith.subf(n, arith.mulf(two, math.floor(arith.divf(n, two)))), zero)
        return even, r

    even_lo, r_lo = fold(arith.subf(lo, x), lo, hi)
    below = arith.select(even_lo, arith.addf(lo, r_lo), arith.subf(hi, r_lo))
    even_hi, r_hi = fold(arith.subf(x, hi), hi, lo)
    above = arith.select(even_hi, arith.subf(hi, r_hi), arith.addf(lo, r_hi))
    out = arith.select(cmpf("olt", x, lo), below, arith.select(cmpf("ogt", x, hi), above, x))
    return arith.select(cmpf("oeq", rng, zero), lo, out)


class _GridDim:
    """What the body needs of one spatial dim of x: its size (a float), the last index (float)
    and the reflection borders (x_min, x_max of the reference)."""

    def __init__(self, size: Dim, t: ir.Type, align_corners: bool):
        self.size = index_to_scalar(size, t) if isinstance(size, ir.Value) else _f(t, size)
        self.last = _last_index_f(size, t)
        if align_corners:
            self.lo, self.hi = _f(t, 0.0), arith.subf(self.size, _f(t, 1.0))
        else:
            self.lo, self.hi = _f(t, -0.5), arith.subf(self.size, _f(t, 0.5))


def _cubic_coeffs(s: ir.Value, t: ir.Type) -> list[ir.Value]:
    """Keys' cubic convolution weights (a = -0.75) of the taps floor-1 .. floor+2 at fraction s."""
    a = _f(t, -0.75)
    one, two = _f(t, 1.0), _f(t, 2.0)
    five, eight, four = _f(t, 5.0), _f(t, 8.0), _f(t, 4.0)

    def outer(u):  # ((a*u - 5a)*u + 8a)*u - 4a
        return arith.subf(arith.mulf(arith.addf(arith.mulf(arith.subf(arith.mulf(a, u), arith.mulf(five, a)), u),
                                                arith.mulf(eight, a)), u), arith.mulf(four, a))

    def inner(u):  # ((a+2)*u - (a+3))*u*u + 1
        return arith.addf(arith.mulf(arith.mulf(arith.subf(arith.mulf(arith.addf(a, two), u),
                                                           arith.addf(a, _f(t, 3.0))), u), u), one)

    return [outer(arith.addf(s, one)), inner(s), inner(arith.subf(one, s)), outer(arith.subf(two, s))]


def _pixel(tap: ir.Value, dim: _GridDim, padding: str, t: ir.Type) -> tuple[ir.Value, Optional[ir.Value]]:
    """The index read for integer tap ``tap`` (a float) of one dim, and for zeros padding the i1
    saying the tap is inside (the reference's _pixel_at_array)."""
    zero = _f(t, 0.0)
    if padding == "reflection":
        tap = math.trunc(_reflect(tap, dim.lo, dim.hi, t))
    index = _to_index(_clamp_f(tap, zero, dim.last))
    if padding != "zeros":
        return index, None
    inside = arith.andi(cmpf("oge", tap, zero), cmpf("olt", tap, dim.size))
    return index, inside


def _taps(coord: ir.Value, dim: _GridDim, mode: str, padding: str, t: ir.Type):
    """(index, inside flag or None, weight or None) of each tap of one dim at ``coord``."""
    if mode == "nearest":
        return [(*_pixel(math.trunc(coord), dim, padding, t), None)]
    base = math.floor(coord)
    s = arith.subf(coord, base)
    if mode == "linear":
        offsets, weights = [0.0, 1.0], [arith.subf(_f(t, 1.0), s), s]
    else:
        offsets, weights = [-1.0, 0.0, 1.0, 2.0], _cubic_coeffs(s, t)
    return [(*_pixel(arith.addf(base, _f(t, o)) if o else base, dim, padding, t), w)
            for o, w in zip(offsets, weights)]


def _source_coordinate(g: ir.Value, dim: _GridDim, align_corners: bool, mode: str, padding: str,
                       t: ir.Type) -> ir.Value:
    """Denormalize grid value ``g``, round (nearest), then bring it inside the borders for border
    and reflection padding, as the reference does."""
    one, half = _f(t, 1.0), _f(t, 0.5)
    if align_corners:
        x = arith.mulf(arith.mulf(arith.addf(g, one), half), arith.subf(dim.size, one))
    else:
        x = arith.mulf(arith.subf(arith.mulf(arith.addf(g, one), dim.size), one), half)
    if mode == "nearest":
        x = math.roundeven(x)
    if padding == "zeros":
        return x
    outside = arith.ori(cmpf("olt", x, dim.lo), cmpf("ogt", x, dim.hi))
    if padding == "border":
        x = arith.select(outside, _clamp_f(x, _f(t, 0.0), dim.last), x)
    elif padding == "reflection":
        x = arith.select(outside, _reflect(x, dim.lo, dim.hi, t), x)
    return x


def _grid_sample_dynamic(ctx: LoweringContext) -> Optional[str]:
    return None


@lowering("grid_sample", dynamic=_grid_sample_dynamic)
def _grid_sample(ctx: LoweringContext):
    """One parallel generic over N x C x O...: coordinates and taps per element, reads with
    tensor.extract at clamped indices."""
    x, grid = ctx.operand(0), ctx.operand(1)
    et = etype_of(x)
    t = compute_type(et)
    rank = len(shape_of(x))
    spatial = rank - 2
    mode, padding = ctx.attr("mode"), ctx.attr("padding_mode")
    align = bool(ctx.attr("align_corners"))
    x_dims, grid_dims = dims_of(x), dims_of(grid)
    batch = x_dims[0]
    if isinstance(batch, ir.Value) or isinstance(grid_dims[0], ir.Value):
        # a run-time mismatch reads nothing past either operand
        batch = arith.minsi(as_index(batch), as_index(grid_dims[0]))
    out_dims = [batch, x_dims[1]] + grid_dims[1:-1]
    source = _readable(x, list(range(2, rank)))
    dims = [_GridDim(x_dims[2 + i], t, align) for i in range(spatial)]

    def body(_out):
        n, ch = loop_index(0), loop_index(1)
        outs = [loop_index(2 + i) for i in range(spatial)]
        taps = []
        for i in range(spatial):  # grid's last dim holds the last spatial dim's coordinate first
            g = convert_float(tensor.extract(grid, [n] + outs + [index_constant(spatial - 1 - i)]), t)
            coord = _source_coordinate(g, dims[i], align, mode, padding, t)
            taps.append(_taps(coord, dims[i], mode, padding, t))

        def value(k: int, prefix: list) -> ir.Value:
            if k == spatial:
                return convert_float(tensor.extract(source, [n, ch] + prefix), t)
            total = None
            for index, inside, weight in taps[k]:
                v = value(k + 1, prefix + [index])
                if inside is not None:
                    v = arith.select(inside, v, _f(t, 0.0))
                term = v if weight is None else arith.mulf(weight, v)
                total = term if total is None else arith.addf(total, term)
            return total

        return convert_float(value(0, []), et)

    return generic([], [empty(out_dims, et)], [identity_map(len(out_dims))],
                   [PARALLEL] * len(out_dims), body)


# ---------------------------------------------------------------------------
# roi_align
# ---------------------------------------------------------------------------

def _roi_params(ctx: LoweringContext, t: ir.Type) -> list[ir.Value]:
    """Per ROI (1-d tensors of R): start_h, start_w, bin_h, bin_w (t), the sampling grid gh, gw
    (i64; adaptive: ceil(roi size / output size) as the reference, clamped to [0, 2^31)) and the
    batch index clamped into [0, N - 1] (index as i64)."""
    x, rois, batch_indices = ctx.operands
    count = dim_of(rois, 0)
    ph, pw = ctx.attr("output_height"), ctx.attr("output_width")
    ratio = ctx.attr("sampling_ratio")
    scale = _f(t, ctx.attr("spatial_scale"))
    offset = 0.5 if ctx.attr("coordinate_transformation_mode") == "half_pixel" else 0.0
    half_pixel = offset != 0.0
    last_batch = arith.maxsi(arith.subi(as_index(dim_of(x, 0)), index_constant(1)), index_constant(0))
    maps = [amap(1, [d(0), c(k)]) for k in range(4)] + [amap(1, [d(0)])]
    inits = [empty([count], t) for _ in range(4)] + [empty([count], i64()) for _ in range(3)]

    def grid_size(size, pooled):
        if ratio > 0:
            return scalar_constant(i64(), ratio)
        g = math.ceil(arith.divf(size, _f(t, pooled)))
        g = _clamp_f(g, _f(t, 0.0), _f(t, float(1 << 31)))
        return arith.fptosi(i64(), g)

    def body(x1, y1, x2, y2, b, *_):
        x1, y1, x2, y2 = (convert_float(v, t) for v in (x1, y1, x2, y2))
        start_w = arith.subf(arith.mulf(x1, scale), _f(t, offset))
        start_h = arith.subf(arith.mulf(y1, scale), _f(t, offset))
        end_w = arith.subf(arith.mulf(x2, scale), _f(t, offset))
        end_h = arith.subf(arith.mulf(y2, scale), _f(t, offset))
        width, height = arith.subf(end_w, start_w), arith.subf(end_h, start_h)
        if not half_pixel:  # malformed ROIs become 1 x 1 (the reference's max(size, 1.0))
            one = _f(t, 1.0)
            width = arith.select(cmpf("ogt", one, width), one, width)
            height = arith.select(cmpf("ogt", one, height), one, height)
        bin_h, bin_w = arith.divf(height, _f(t, ph)), arith.divf(width, _f(t, pw))
        batch = arith.index_cast(ir.IndexType.get(), b)
        batch = arith.minsi(arith.maxsi(batch, index_constant(0)), last_batch)
        return [start_h, start_w, bin_h, bin_w, grid_size(height, ph), grid_size(width, pw),
                arith.index_cast(i64(), batch)]

    return generic([rois] * 4 + [batch_indices], inits, maps + [amap(1, [d(0)])] * 7, [PARALLEL], body)


def _largest(values: ir.Value) -> ir.Value:
    """The largest entry of a 1-d i64 tensor (0 when empty) as an index."""
    init = filled([], i64(), 0)
    out = generic([values], [init], [amap(1, [d(0)]), amap(1, [])], [REDUCTION],
                  lambda v, acc: arith.maxsi(v, acc))[0]
    return arith.index_cast(ir.IndexType.get(), tensor.extract(out, []))


def _bilinear_sample(source: ir.Value, batch: ir.Value, ch: ir.Value, y: ir.Value, x: ir.Value,
                     height: _GridDim, width: _GridDim, mode: str, t: ir.Type) -> ir.Value:
    """One sample of the reference's pre_calc_for_bilinear_interpolate and roi_align_forward:
    avg: w1*v1 + w2*v2 + w3*v3 + w4*v4; max: the largest of the four products. A sample outside
    [-1, size] (or NaN) has zero weights at position 0."""
    one, zero = _f(t, 1.0), _f(t, 0.0)
    outside = arith.ori(arith.ori(cmpf("ult", y, _f(t, -1.0)), cmpf("ugt", y, height.size)),
                        arith.ori(cmpf("ult", x, _f(t, -1.0)), cmpf("ugt", x, width.size)))

    def axis(v, dim):
        v = arith.select(cmpf("olt", v, zero), zero, v)  # max(v, 0)
        v = arith.select(outside, zero, v)
        low = math.floor(v)
        at_end = cmpf("oge", low, dim.last)
        low = arith.select(at_end, dim.last, low)
        v = arith.select(at_end, low, v)
        high = arith.select(at_end, low, arith.addf(low, one))
        high = arith.select(outside, zero, high)  # outside: every position is 0
        frac = arith.subf(v, low)
        return _to_index(low), _to_index(_clamp_f(high, zero, dim.last)), frac, arith.subf(one, frac)

    y_low, y_high, ly, hy = axis(y, height)
    x_low, x_high, lx, hx = axis(x, width)
    weights = [arith.mulf(hy, hx), arith.mulf(hy, lx), arith.mulf(ly, hx), arith.mulf(ly, lx)]
    weights = [arith.select(outside, zero, w) for w in weights]
    positions = [(y_low, x_low), (y_low, x_high), (y_high, x_low), (y_high, x_high)]
    terms = [arith.mulf(w, convert_float(tensor.extract(source, [batch, ch, py, px]), t))
             for w, (py, px) in zip(weights, positions)]
    out = terms[0]
    for term in terms[1:]:
        out = arith.addf(out, term) if mode == "avg" else arith.select(cmpf("ogt", term, out), term, out)
    return out


def _roi_align_dynamic(ctx: LoweringContext) -> Optional[str]:
    return None


@lowering("roi_align", dynamic=_roi_align_dynamic)
def _roi_align(ctx: LoweringContext):
    """Per-ROI parameters, a reduction over each bin's sampling grid, then the average (or the
    max, 0 without samples)."""
    x = ctx.operand(0)
    et = etype_of(x)
    t = compute_type(et)
    mode = ctx.attr("mode")
    ph, pw = ctx.attr("output_height"), ctx.attr("output_width")
    ratio = ctx.attr("sampling_ratio")
    x_dims = dims_of(x)
    source = _readable(x, [0, 2, 3])
    height, width = _GridDim(x_dims[2], t, False), _GridDim(x_dims[3], t, False)
    start_h, start_w, bin_h, bin_w, grid_h, grid_w, batches = _roi_params(ctx, t)
    count = dim_of(ctx.operand(1), 0)
    out_dims = [count, x_dims[1], ph, pw]
    if ratio > 0:
        samples = empty([ratio, ratio], i64())
    else:
        samples = empty([_largest(grid_h), _largest(grid_w)], i64())
    roi_map = amap(6, [d(0)])
    init = filled(out_dims, t, 0.0 if mode == "avg" else float("-inf"))

    def body(sh, sw, bh, bw, gh, gw, b, _sample, acc):
        ch = loop_index(1)
        py, px = (arith.sitofp(t, arith.index_cast(i64(), loop_index(k))) for k in (2, 3))
        iy, ix = (arith.index_cast(i64(), loop_index(k)) for k in (4, 5))
        half = _f(t, 0.5)

        def coordinate(start, bin_size, pooled, i, g):
            step = arith.divf(arith.mulf(arith.addf(arith.sitofp(t, i), half), bin_size), arith.sitofp(t, g))
            return arith.addf(arith.addf(start, arith.mulf(pooled, bin_size)), step)

        y = coordinate(sh, bh, py, iy, gh)
        xx = coordinate(sw, bw, px, ix, gw)
        batch = arith.index_cast(ir.IndexType.get(), b)
        v = _bilinear_sample(source, batch, ch, y, xx, height, width, mode, t)
        combined = arith.addf(acc, v) if mode == "avg" else arith.select(cmpf("ogt", v, acc), v, acc)
        if ratio > 0:
            return combined
        inside = arith.andi(cmpi("slt", iy, gh), cmpi("slt", ix, gw))
        return arith.select(inside, combined, acc)

    total = generic([start_h, start_w, bin_h, bin_w, grid_h, grid_w, batches, samples], [init],
                    [roi_map] * 7 + [amap(6, [d(4), d(5)]), amap(6, [d(0), d(1), d(2), d(3)])],
                    [PARALLEL] * 4 + [REDUCTION] * 2, body)[0]

    def finish(v, gh, gw, _out):
        if mode == "avg":
            n = arith.muli(gh, gw)
            n = arith.select(cmpi("sgt", n, scalar_constant(i64(), 1)), n, scalar_constant(i64(), 1))
            return convert_float(arith.divf(v, arith.sitofp(t, n)), et)
        some = arith.andi(cmpi("sgt", gh, scalar_constant(i64(), 0)), cmpi("sgt", gw, scalar_constant(i64(), 0)))
        return convert_float(arith.select(some, v, _f(t, 0.0)), et)

    out_map = identity_map(4)
    return generic([total, grid_h, grid_w], [empty(out_dims, et)],
                   [out_map, amap(4, [d(0)]), amap(4, [d(0)]), out_map], [PARALLEL] * 4, finish)


# ---------------------------------------------------------------------------
# col2im
# ---------------------------------------------------------------------------

@lowering("col2im")
def _col2im(ctx: LoweringContext):
    """A gather over N x C x image reducing over the block offsets (in the reference's order)."""
    data = ctx.operand(0)
    et = etype_of(data)
    t = compute_type(et)
    image, block = ctx.attr("image_shape"), ctx.attr("block_shape")
    dilations, strides, pads = ctx.attr("dilations"), ctx.attr("strides"), ctx.attr("pads")
    spatial = len(image)
    blocks = [(image[i] + pads[i] + pads[spatial + i] - dilations[i] * (block[i] - 1) - 1) // strides[i] + 1
              for i in range(spatial)]
    kernel = prod(block)
    n, channels = shape_of(data)[0], shape_of(data)[1] // kernel
    out_shape = [n, channels] + list(image)
    loops = 2 + 2 * spatial

    def ic(v):
        return index_constant(v)

    def body(_shape, acc):
        valid = None
        block_flat, offset_flat = ic(0), ic(0)
        for i in range(spatial):
            pos, k = loop_index(2 + i), loop_index(2 + spatial + i)
            # the block position b whose offset k covers pos: b * stride = pos + pad - k * dilation
            span = arith.subi(arith.addi(pos, ic(pads[i])), arith.muli(k, ic(dilations[i])))
            nonneg = cmpi("sge", span, ic(0))
            span = arith.select(nonneg, span, ic(0))
            b = arith.divui(span, ic(strides[i]))
            ok = arith.andi(arith.andi(nonneg, cmpi("eq", arith.remui(span, ic(strides[i])), ic(0))),
                            cmpi("slt", b, ic(blocks[i])))
            b = arith.select(ok, b, ic(0))
            valid = ok if valid is None else arith.andi(valid, ok)
            block_flat = arith.addi(arith.muli(block_flat, ic(blocks[i])), b)
            offset_flat = arith.addi(arith.muli(offset_flat, ic(block[i])), k)
        channel = arith.addi(arith.muli(loop_index(1), ic(kernel)), offset_flat)
        v = convert_float(tensor.extract(data, [loop_index(0), channel, block_flat]), t)
        return arith.select(valid, arith.addf(acc, v), acc)

    shape_tensor = empty(list(block), i64())
    total = generic([shape_tensor], [filled(out_shape, t, 0.0)],
                    [amap(loops, [d(2 + spatial + i) for i in range(spatial)]),
                     amap(loops, [d(i) for i in range(2 + spatial)])],
                    [PARALLEL] * (2 + spatial) + [REDUCTION] * spatial, body)[0]
    return [convert_tensor(total, et)]


# ---------------------------------------------------------------------------
# max_unpool
# ---------------------------------------------------------------------------

@lowering("max_unpool")
def _max_unpool(ctx: LoweringContext):
    """An scf.for nest over x inserting each value at its flat index (out-of-range indices keep
    the old value), then the inferred shape placed at the origin of the output."""
    from polytile.dialects.tg_rules.sampling import max_unpool_inferred_shape

    x, indices = ctx.operand(0), ctx.operand(1)
    et = etype_of(x)
    x_shape = shape_of(x)
    inferred = max_unpool_inferred_shape(x_shape, ctx.attr("kernel_shape"), ctx.attr("strides"),
                                         ctx.attr("pads"))
    total = prod(inferred)
    flat = filled([total], et, 0.0)
    idx = ir.IndexType.get()

    def body(ivs, current):
        v = tensor.extract(x, ivs)
        j = tensor.extract(indices, ivs)
        inside = arith.andi(cmpi("sge", j, scalar_constant(i64(), 0)),
                            cmpi("slt", j, scalar_constant(i64(), total)))
        at = arith.index_cast(idx, arith.select(inside, j, scalar_constant(i64(), 0)))
        kept = tensor.extract(current, [at])
        return tensor.insert(arith.select(inside, v, kept), current, [at])

    flat = loop_nest(x_shape, flat, body)
    result = reshape(flat, inferred)
    out_shape = ctx.result_shape
    if out_shape != inferred:
        result = insert_slice(result, filled(out_shape, et, 0.0), [0] * len(out_shape))
    return [result]

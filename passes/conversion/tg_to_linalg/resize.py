"""Lowering of tg.resize (ONNX Resize, Upsample): nearest, linear and cubic
modes, every coordinate_transformation_mode, antialias and exclude_outside, and
tf_crop_and_resize's extrapolation_value.

Shape-dependent tables are computed at compile time with numpy, per resized
axis, as the ONNX reference computes them: the source coordinate of each output
position, then the nearest source index, or the interpolation taps (clamped to
the edge) and their weights; they are embedded as ``arith.constant`` tensors.
Nearest is one gathering ``linalg.generic`` (``tensor.extract`` at the table's
indices); linear and cubic are one weighted-tap reduction generic per resized
axis, computed in f32 for 16-bit floats and rounded once at the end. Axes whose
scale is 1 (and roi the whole axis) are skipped, as the reference does.

tg.resize (static shapes only) takes its sizes, scales and roi as attributes.
tg.resize_dynamic reads them from its operands at run time (and takes ``?``
input dims): output sizes are ``floor(in * scale)`` in f32 as above, or the
sizes given (then scale = size / in in f64), with keep_aspect_ratio_policy's
min/max over the ``axes`` and round-half-up; the same tables are then built by
small generics (one per resized axis; with antialias the number of taps per
position depends on the run-time scale, so the tap tables are ``out x ?``), and
the same gather or weighted-tap reductions run over them. Every dim of ``axes``
is interpolated (identity axes are not skipped: which they are is only known at
run time). Bad run-time values never read out of bounds: a negative, NaN or
zero size or scale gives a 0 dim, sizes are clamped to 2^31 - 1, an empty input
axis gives an empty output axis, an operand of run-time length is copied into a
buffer of the expected length first (missing values are the identity: scale 1,
size = input dim, roi 0..1; extra values are ignored), and when the output is
empty the tables and intermediate results are empty too (no allocation or loop
follows a huge dim that sits beside a 0). An output too large to allocate is
the caller's allocation failure (the runtime sizes outputs first).
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, math, tensor

from . import LoweringContext, lowering
from .builders import (DYNAMIC, PARALLEL, REDUCTION, Dim, amap, as_index, c, cmpf, cmpi, compute_type,
                       convert_float, convert_tensor, d, dense_constant, dims_of, empty, etype_of,
                       extract_slice, filled, generic, i64, identity_map, index_constant, insert_slice,
                       int_width, is_float, loop_index, loop_index_i64, scalar_constant, shape_of)


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
            idx.append(loop_index(dim))
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
    x_shape, out_shape = shape_of(x), ctx.result_shape
    rank = len(x_shape)
    scales = list(ir.DenseF64ArrayAttr(ctx.attr("scales")))
    roi = list(ir.DenseF64ArrayAttr(ctx.attr("roi")))
    mode, ctm = ctx.attr("mode"), ctx.attr("coordinate_transformation_mode")
    axes = _resize_axes(ctx)
    coords, extrapolated = {}, {}
    for i in axes:
        coords[i], mask = _source_coordinates(ctm, out_shape[i], x_shape[i], scales[i],
                                              (roi[i], roi[rank + i]))
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
    tables = [dense_constant(_nearest_indices(coords[i], x_shape[i], ctx.attr("nearest_mode")), i64())
              for i in axes]
    maps = [amap(rank, [d(i)]) for i in axes] + [identity_map(rank)]

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

        current = generic([dense_constant(taps, i64()), dense_constant(weights, ct)],
                          [filled(shape, ct, 0)], [tap_map, tap_map, out_map],
                          [PARALLEL] * rank + [REDUCTION], body)[0]
    return convert_tensor(current, et)


def _extrapolate(ctx: LoweringContext, y: ir.Value, masks: dict) -> ir.Value:
    """tf_crop_and_resize: positions outside the input along any axis take extrapolation_value."""
    et = ctx.result_element_type
    rank = len(ctx.result_shape)
    axes = sorted(masks)
    tables = [dense_constant(masks[i].astype(np.int64), i64()) for i in axes]
    maps = [identity_map(rank)] + [amap(rank, [d(i)]) for i in axes] + \
        [identity_map(rank)]
    value = ctx.attr("extrapolation_value")

    def body(v, *args):
        flags = args[:len(axes)]
        outside = cmpi("ne", flags[0], scalar_constant(i64(), 0))
        for f in flags[1:]:
            outside = arith.ori(outside, cmpi("ne", f, scalar_constant(i64(), 0)))
        fill_value = scalar_constant(et, value if is_float(et) else int(value))
        return arith.select(outside, fill_value, v)

    return generic([y] + tables, [empty(ctx.result_shape, et)], maps, [PARALLEL] * rank, body)[0]


# ---------------------------------------------------------------------------
# tg.resize_dynamic: scales or sizes (and roi) known only at run time
# ---------------------------------------------------------------------------

# Largest output dim a run-time scale or size may give (larger ones are clamped to it): keeps the
# float -> integer conversions defined.
_MAX_RUNTIME_SIZE = float((1 << 31) - 1)


def _f64() -> ir.Type:
    return ir.F64Type.get()


def _fconst(value: float, t: Optional[ir.Type] = None) -> ir.Value:
    return scalar_constant(t or _f64(), value)


def _index_to_f64(x: Dim) -> ir.Value:
    return _fconst(float(x)) if not isinstance(x, ir.Value) else \
        arith.sitofp(_f64(), arith.index_cast(i64(), x))


def _clamp_float(v: ir.Value, lo: ir.Value, hi: ir.Value) -> ir.Value:
    """``v`` clamped to [lo, hi]; NaN gives ``lo`` (ordered compares)."""
    v = arith.select(cmpf("oge", v, lo), v, lo)
    return arith.select(cmpf("ole", v, hi), v, hi)


def _float_to_index(v: ir.Value) -> ir.Value:
    """A float already clamped to [0, _MAX_RUNTIME_SIZE] as an index."""
    return arith.index_cast(ir.IndexType.get(), arith.fptosi(i64(), v))


def _runtime_values(t: ir.Value, count: int) -> list[tuple[ir.Value, Optional[ir.Value]]]:
    """The first ``count`` elements of the 1-d tensor ``t`` as scalars, each with an i1 saying
    whether ``t`` has it (None: it surely has). A ``t`` of run-time length is first copied into a
    ``count``-element tensor (at most its length), so nothing is read past its end."""
    length = shape_of(t)[0]
    if length != DYNAMIC:
        return [(tensor.extract(t, [index_constant(k)]), None) for k in range(count)]
    et = etype_of(t)
    n = tensor.dim(t, index_constant(0))
    taken = arith.minsi(n, index_constant(count))
    padded = insert_slice(extract_slice(t, [0], [taken]), filled([count], et, 0), [0])
    return [(tensor.extract(padded, [index_constant(k)]), cmpi("slt", index_constant(k), n))
            for k in range(count)]


def _or_default(value: ir.Value, present: Optional[ir.Value], default: ir.Value) -> ir.Value:
    return value if present is None else arith.select(present, value, default)


class _Axis:
    """What the coordinate transform of one resized axis needs, as run-time scalars: the input
    and output sizes (index, and f64), the scale (f64) and the roi start and end (f64). ``rows``
    (index) is the size the tables and intermediate results have along the axis: ``out``, or 0
    when the whole output is empty (so that a huge size beside a 0 allocates and loops nothing)."""

    def __init__(self, in_dim: Dim, out: ir.Value, scale: ir.Value, roi: tuple[ir.Value, ir.Value]):
        self.in_dim, self.out, self.rows = in_dim, out, out
        self.in_f, self.out_f = _index_to_f64(in_dim), _index_to_f64(out)
        self.scale, self.roi = scale, roi


def _runtime_axes(ctx: LoweringContext, in_dims: list) -> dict[int, _Axis]:
    """Output size, scale and roi of each dim of ``axes`` (``in_dims`` the input's dims), computed
    at run time as the ONNX reference does (see the module docstring for the guards against bad
    values)."""
    axes = list(ctx.attr("axes"))
    factors = ctx.operand(1)
    values = _runtime_values(factors, len(axes))
    zero, cap = _fconst(0.0), _fconst(_MAX_RUNTIME_SIZE)
    outs, scales = {}, {}
    if is_float(etype_of(factors)):  # scales: out = floor(in * scale) in f32, as tg.resize
        f32 = ir.F32Type.get()
        for a, (v, present) in zip(axes, values):
            s = _or_default(convert_float(v, f32), present, _fconst(1.0, f32))
            in_f32 = arith.sitofp(f32, arith.index_cast(i64(), as_index(in_dims[a])))
            out = arith.extf(_f64(), math.floor(arith.mulf(in_f32, s)))
            outs[a], scales[a] = _clamp_float(out, zero, cap), arith.extf(_f64(), s)
    else:  # sizes: scale = size / in
        for a, (v, present) in zip(axes, values):
            size = arith.sitofp(_f64(), v if int_width(v.type) == 64 else arith.extsi(i64(), v))
            size = _clamp_float(_or_default(size, present, _index_to_f64(in_dims[a])), zero, cap)
            outs[a], scales[a] = size, arith.divf(size, _index_to_f64(in_dims[a]))
        policy = ctx.attr("keep_aspect_ratio_policy")
        if policy != "stretch" and axes:
            pick = arith.minimumf if policy == "not_larger" else arith.maximumf
            scale = scales[axes[0]]
            for a in axes[1:]:
                scale = pick(scale, scales[a])
            for a in axes:  # round half up, as the reference's int(x + 0.5)
                out = math.floor(arith.addf(arith.mulf(scale, _index_to_f64(in_dims[a])), _fconst(0.5)))
                outs[a], scales[a] = _clamp_float(out, zero, cap), scale
    rois = {a: (_fconst(0.0), _fconst(1.0)) for a in axes}
    if ctx.attr("coordinate_transformation_mode") == "tf_crop_and_resize" and ctx.has_operand(2):
        roi = _runtime_values(ctx.operand(2), 2 * len(axes))
        for k, a in enumerate(axes):
            (start, has_start), (end, has_end) = roi[k], roi[len(axes) + k]
            rois[a] = (_or_default(convert_float(start, _f64()), has_start, _fconst(0.0)),
                       _or_default(convert_float(end, _f64()), has_end, _fconst(1.0)))
    out_axes = {}
    for a in axes:
        # An empty input axis gives an empty output axis: nothing is ever read from it.
        empty_in = cmpi("eq", as_index(in_dims[a]), index_constant(0))
        out = arith.select(empty_in, index_constant(0), _float_to_index(outs[a]))
        out_axes[a] = _Axis(in_dims[a], out, scales[a], rois[a])
    nonempty = None
    for i, dim in enumerate(in_dims):
        size = out_axes[i].out if i in out_axes else dim
        if isinstance(size, ir.Value):
            positive = cmpi("sgt", size, index_constant(0))
            nonempty = positive if nonempty is None else arith.andi(nonempty, positive)
    if nonempty is not None:
        for ax in out_axes.values():
            ax.rows = arith.select(nonempty, ax.out, index_constant(0))
    return out_axes


def _source_coordinate(mode: str, y: ir.Value, ax: _Axis) -> tuple[ir.Value, Optional[ir.Value]]:
    """:func:`_source_coordinates` for one output position ``y`` (f64) with run-time scalars (same
    operations in the same order, f64), and the i1 'extrapolated' flag of tf_crop_and_resize."""
    one, half = _fconst(1.0), _fconst(0.5)
    if mode == "asymmetric":
        return arith.divf(y, ax.scale), None
    if mode in ("half_pixel", "pytorch_half_pixel", "half_pixel_symmetric"):
        x = arith.subf(arith.divf(arith.addf(y, half), ax.scale), half)
        if mode == "half_pixel":
            return x, None
    length = arith.mulf(ax.scale, ax.in_f)
    if mode == "pytorch_half_pixel":
        return arith.select(cmpf("oeq", length, one), _fconst(-0.5), x), None
    if mode == "half_pixel_symmetric":
        adjustment = arith.divf(ax.out_f, length)
        offset = arith.mulf(arith.divf(ax.in_f, _fconst(2.0)), arith.subf(one, adjustment))
        return arith.subf(arith.addf(offset, arith.divf(arith.addf(y, half), ax.scale)), half), None
    in_m1 = arith.subf(ax.in_f, one)
    is_one = cmpf("oeq", length, one)
    if mode == "align_corners":
        return arith.select(is_one, _fconst(0.0),
                            arith.divf(arith.mulf(y, in_m1), arith.subf(length, one))), None
    if mode != "tf_crop_and_resize":
        raise ValueError(mode)
    start, end = ax.roi
    span = arith.subf(end, start)
    x = arith.select(is_one, arith.divf(arith.mulf(span, in_m1), _fconst(2.0)),
                     arith.divf(arith.mulf(arith.mulf(y, span), in_m1), arith.subf(length, one)))
    x = arith.addf(x, arith.mulf(start, in_m1))
    return x, arith.ori(cmpf("olt", x, _fconst(0.0)), cmpf("ogt", x, in_m1))


def _clamped_index(v: ir.Value, ax: _Axis) -> ir.Value:
    """A float position (f64) clamped to the input axis [0, in - 1] as an i64 (NaN -> 0)."""
    return arith.fptosi(i64(), _clamp_float(v, _fconst(0.0), arith.subf(ax.in_f, _fconst(1.0))))


def _position() -> ir.Value:
    """The current output position along the axis (loop 0 of a table generic) as an f64."""
    return arith.sitofp(_f64(), loop_index_i64(0))


def _nearest_table(ctx: LoweringContext, ax: _Axis) -> ir.Value:
    """The input index of each output position (i64, ``out``): :func:`_nearest_indices`."""
    nearest_mode = ctx.attr("nearest_mode")
    ctm = ctx.attr("coordinate_transformation_mode")

    def body(_):
        x, _flag = _source_coordinate(ctm, _position(), ax)
        floor = math.floor(x)
        frac = arith.subf(x, floor)
        if nearest_mode == "round_prefer_floor":
            up = cmpf("ogt", frac, _fconst(0.5))
        elif nearest_mode == "round_prefer_ceil":
            up = cmpf("oge", frac, _fconst(0.5))
        elif nearest_mode == "floor":
            up = None
        elif nearest_mode == "ceil":
            up = cmpf("ogt", frac, _fconst(0.0))
        else:  # simple: ceil when downsampling, floor otherwise
            up = arith.andi(cmpf("olt", ax.scale, _fconst(1.0)), cmpf("ogt", frac, _fconst(0.0)))
        if up is not None:
            floor = arith.addf(floor, arith.select(up, _fconst(1.0), _fconst(0.0)))
        return _clamped_index(floor, ax)

    return generic([], [empty([ax.rows], i64())], [identity_map(1)], [PARALLEL], body)[0]


def _tap_count(ctx: LoweringContext, ax: _Axis) -> tuple[Dim, Optional[ir.Value], Optional[ir.Value]]:
    """(taps per output position, first tap offset (f64), filter scale (f64)) of linear/cubic.
    Static 2 / 4 taps without antialias; with it the filter widens as the scale shrinks:
    2 - 2 * start taps from start = floor(-support / min(scale, 1)) + 1 (support 1 linear, 2
    cubic), clamped to [2, 8 * in + 8] (more than any output of at least one element needs)."""
    support = 1.0 if ctx.attr("mode") == "linear" else 2.0
    if not ctx.attr("antialias"):
        return (2 if support == 1.0 else 4), None, None
    one = _fconst(1.0)
    s = arith.select(cmpf("olt", ax.scale, one), ax.scale, one)  # min(scale, 1.0), as Python's min
    start = arith.addf(math.floor(arith.divf(_fconst(-support), s)), one)
    count = arith.subf(_fconst(2.0), arith.mulf(_fconst(2.0), start))
    bound = arith.addf(arith.mulf(_fconst(8.0), ax.in_f), _fconst(8.0))
    count = math.floor(_clamp_float(count, _fconst(2.0), bound))
    count = arith.subf(count, arith.remf(count, _fconst(2.0)))  # even, as 2 - 2 * start
    start = arith.subf(one, arith.divf(count, _fconst(2.0)))
    return _float_to_index(count), start, s


def _cubic_coefficient(x: ir.Value, a: float) -> ir.Value:
    """The cubic convolution kernel at ``x`` (the reference's antialias ``compute_coeff``)."""
    x = math.absf(x)
    x2 = arith.mulf(x, x)
    x3 = arith.mulf(x, x2)
    A = _fconst(a)
    near = arith.addf(arith.subf(arith.mulf(_fconst(a + 2), x3), arith.mulf(_fconst(a + 3), x2)),
                      _fconst(1.0))
    far = arith.subf(arith.addf(arith.subf(arith.mulf(A, x3), arith.mulf(_fconst(5 * a), x2)),
                                arith.mulf(_fconst(8 * a), x)), _fconst(4 * a))
    return arith.select(cmpf("ole", x, _fconst(1.0)), near,
                        arith.select(cmpf("olt", x, _fconst(2.0)), far, _fconst(0.0)))


def _interpolation_tables(ctx: LoweringContext, ax: _Axis, ct: ir.Type) -> tuple[ir.Value, ir.Value]:
    """The taps (i64, clamped to the input) and weights (``ct``) of each output position,
    ``out x taps`` each: :func:`_interpolation_taps` with run-time scalars."""
    mode, a = ctx.attr("mode"), ctx.attr("cubic_coeff_a")
    antialias, exclude = bool(ctx.attr("antialias")), bool(ctx.attr("exclude_outside"))
    ctm = ctx.attr("coordinate_transformation_mode")
    count, start, filter_scale = _tap_count(ctx, ax)
    n_f = _index_to_f64(count)
    one = _fconst(1.0)

    def body(_tap, _weight):
        x, _flag = _source_coordinate(ctm, _position(), ax)
        j = arith.sitofp(_f64(), loop_index_i64(1))
        floor = math.floor(x)
        ratio = arith.select(cmpf("oeq", x, floor), one, arith.subf(x, floor))
        if antialias:
            arg = arith.mulf(arith.subf(arith.addf(start, j), ratio), filter_scale)
            if mode == "linear":
                w = arith.subf(one, math.absf(arg))
                w = _clamp_float(w, _fconst(0.0), one)
            else:
                w = _cubic_coefficient(arg, a)
        elif mode == "linear":
            w = arith.select(cmpf("oeq", j, _fconst(0.0)), arith.subf(one, ratio), ratio)
        else:
            r, r1 = ratio, arith.subf(one, ratio)
            cubic = [_cubic_closed(k, r, r1, a) for k in range(4)]
            w = cubic[3]
            for k in (2, 1, 0):
                w = arith.select(cmpf("oeq", j, _fconst(float(k))), cubic[k], w)
        half = arith.divf(n_f, _fconst(2.0))
        padded = arith.addf(x, half)
        p = math.floor(padded)
        shift = arith.select(cmpf("oeq", arith.subf(padded, p), _fconst(0.0)),
                             arith.negf(half), arith.subf(one, half))
        tap = arith.subf(arith.addf(arith.addf(p, shift), j), half)
        if exclude:
            outside = arith.ori(cmpf("olt", tap, _fconst(0.0)),
                                cmpf("oge", tap, ax.in_f))
            w = arith.select(outside, _fconst(0.0), w)
        return [_clamped_index(tap, ax), w]

    taps, weights = generic([], [empty([ax.rows, count], i64()), empty([ax.rows, count], _f64())],
                            [identity_map(2)] * 2, [PARALLEL] * 2, body)
    if antialias or exclude:  # normalize each row (a row of zeros stays zeros)
        total = generic([weights], [filled([ax.rows], _f64(), 0.0)], [identity_map(2), amap(2, [d(0)])],
                        [PARALLEL, REDUCTION], lambda w, acc: arith.addf(acc, w))[0]
        weights = generic([weights, total], [empty([ax.rows, count], _f64())],
                          [identity_map(2), amap(2, [d(0)]), identity_map(2)], [PARALLEL] * 2,
                          lambda w, t, _o: arith.divf(w, arith.select(cmpf("oeq", t, _fconst(0.0)), one, t)))[0]
    return taps, convert_tensor(weights, ct)


def _cubic_closed(k: int, r: ir.Value, r1: ir.Value, a: float) -> ir.Value:
    """Coefficient ``k`` of :func:`_cubic` (ratio ``r``, ``r1`` = 1 - r), same operations."""
    A = _fconst(a)
    one = _fconst(1.0)
    if k in (0, 3):
        t = arith.addf(r if k == 0 else r1, one)
        v = arith.subf(arith.mulf(A, t), _fconst(5 * a))
        v = arith.addf(arith.mulf(v, t), _fconst(8 * a))
        return arith.subf(arith.mulf(v, t), _fconst(4 * a))
    t = r if k == 1 else r1
    v = arith.subf(arith.mulf(_fconst(a + 2), t), _fconst(a + 3))
    return arith.addf(arith.mulf(arith.mulf(v, t), t), one)


def _weighted_taps(source: ir.Value, dims: list, axis: int, taps: ir.Value, weights: ir.Value,
                   out: Dim, ct: ir.Type, guards: Sequence[tuple[int, ir.Value]] = ()) -> tuple[ir.Value, list]:
    """One resized axis of linear/cubic: each output element is the weighted sum of the taps of
    its position along ``axis`` (``dims`` the source's dims; returns the result and its dims).
    ``guards``: (axis, its taps table) of the axes resized before, unused inputs that give the
    loops over those axes the tables' (empty-guarded) sizes when ``dims`` are not those."""
    rank = len(dims)
    dims = list(dims)
    dims[axis] = out
    tap_map = amap(rank + 1, [d(axis), d(rank)])
    out_map = amap(rank + 1, [d(i) for i in range(rank)])
    guard_maps = [amap(rank + 1, [d(a), c(0)]) for a, _ in guards]

    def body(*args):
        tap, weight, acc = args[len(guards)], args[len(guards) + 1], args[-1]
        v = convert_float(_gather_extract(source, rank, {axis: tap}), ct)
        return arith.addf(acc, arith.mulf(v, weight))

    result = generic([t for _, t in guards] + [taps, weights], [filled(dims, ct, 0)],
                     guard_maps + [tap_map, tap_map, out_map], [PARALLEL] * rank + [REDUCTION], body)[0]
    return result, dims


@lowering("resize_dynamic", dynamic=True)
def _resize_dynamic(ctx: LoweringContext):
    """Output sizes, scales and roi are read from the operands at run time; per resized axis a
    small generic computes the table of source indices (nearest) or of taps and weights
    (linear/cubic) that tg.resize computes at compile time, then the same gather (one generic)
    or weighted-tap reductions (one generic per axis) run over them. Input dims may be ``?``."""
    x = ctx.operand(0)
    rank = len(shape_of(x))
    dims = dims_of(x)
    axes = _runtime_axes(ctx, dims)
    out_dims = [axes[i].out if i in axes else dims[i] for i in range(rank)]
    et = etype_of(x)
    order = sorted(axes)
    if ctx.attr("mode") == "nearest":
        tables = [_nearest_table(ctx, axes[i]) for i in order]
        maps = [amap(rank, [d(i)]) for i in order] + [identity_map(rank)]
        result = generic(tables, [empty(out_dims, et)], maps, [PARALLEL] * rank,
                         lambda *args: _gather_extract(x, rank, dict(zip(order, args[:len(order)]))))[0]
    else:
        ct = compute_type(ctx.result_element_type)
        current, current_dims, done = x, dims, []
        for k, axis in enumerate(order):
            taps, weights = _interpolation_tables(ctx, axes[axis], ct)
            last = k == len(order) - 1
            # intermediates have the guarded sizes; the last pass writes the output's dims
            current, current_dims = _weighted_taps(current, out_dims if last else current_dims, axis,
                                                   taps, weights,
                                                   axes[axis].out if last else axes[axis].rows, ct,
                                                   done if last else ())
            done.append((axis, taps))
        result = _convert_guarded(current, out_dims, ctx.result_element_type, done)
    if ctx.attr("coordinate_transformation_mode") == "tf_crop_and_resize" and order:
        result = _extrapolate_dynamic(ctx, result, out_dims, [axes[i] for i in order], order)
    return [result]


def _convert_guarded(y: ir.Value, out_dims: list, et: ir.Type, guards: Sequence[tuple[int, ir.Value]]) -> ir.Value:
    """:func:`convert_tensor` of the result (16-bit floats), its loops over the resized dims
    sized by their taps tables (see :func:`_weighted_taps`)."""
    if etype_of(y) == et:
        return y
    rank = len(out_dims)
    maps = [amap(rank, [d(a), c(0)]) for a, _ in guards] + [identity_map(rank)] * 2
    return generic([t for _, t in guards] + [y], [empty(out_dims, et)], maps, [PARALLEL] * rank,
                   lambda *args: convert_float(args[-2], et))[0]


def _extrapolate_dynamic(ctx: LoweringContext, y: ir.Value, out_dims: list, axes: list,
                         order: list) -> ir.Value:
    """tf_crop_and_resize: positions whose source coordinate is outside the input along any
    resized axis take extrapolation_value (flags computed per axis, i64 tables as tg.resize)."""
    et = ctx.result_element_type
    rank = len(out_dims)

    def flag_body(_):
        _x, outside = _source_coordinate("tf_crop_and_resize", _position(), ax)
        return arith.extui(i64(), outside)

    tables = []
    for ax in axes:
        tables.append(generic([], [empty([ax.rows], i64())], [identity_map(1)], [PARALLEL], flag_body)[0])
    # the tables first: the loops over the resized dims take their (empty-guarded) sizes
    maps = [amap(rank, [d(i)]) for i in order] + [identity_map(rank)] + [identity_map(rank)]
    value = ctx.attr("extrapolation_value")

    def body(*args):
        flags, v = args[:len(order)], args[len(order)]
        outside = cmpi("ne", flags[0], scalar_constant(i64(), 0))
        for f in flags[1:]:
            outside = arith.ori(outside, cmpi("ne", f, scalar_constant(i64(), 0)))
        return arith.select(outside, scalar_constant(et, value if is_float(et) else int(value)), v)

    return generic(tables + [y], [empty(out_dims, et)], maps, [PARALLEL] * rank, body)[0]

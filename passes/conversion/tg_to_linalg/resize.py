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

Not supported yet: sizes or scales known only at run time (tg.resize carries
them as attributes); dynamic shapes.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from mlir import ir
from mlir.dialects import arith, tensor

from . import LoweringContext, lowering
from .builders import (PARALLEL, REDUCTION, amap, cmpi, compute_type, convert_float, convert_tensor, d,
                       dense_constant, empty, etype_of, filled, generic, i64, identity_map, is_float,
                       loop_index, scalar_constant, shape_of)


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

"""Import rules for the signal ops: DFT, STFT and MelWeightMatrix.

No tg op of their own: a DFT along an axis of static length is a matrix product
with a constant DFT matrix (cos/sin computed in float64 with numpy at compile
time, stored in the compute type), so it runs as a scheduled ``tg.matmul``:
the axis is moved next to the complex dim (``tg.transpose``, unless it is there
already), the two are flattened into the contraction dim (``tg.reshape``), the
product gives the real and imaginary parts of every output bin side by side,
and the result is reshaped and transposed back. Truncation to ``dft_length``
is a ``tg.slice`` of the input; zero-padding is free (the matrix only has rows
for the input points that exist). STFT gathers the frames (``tg.gather`` with
constant indices), weights them by the window (a constant window is folded into
the matrix, a run-time one is a ``tg.mul``) and does the same product.
MelWeightMatrix has no run-time input in practice: it is computed with numpy
(usually the importer's constant folding already evaluated it).

float32 and float64 compute in their own type; float16 and bfloat16 are cast
to float32 around the product.

Not supported yet: a dynamic signal length (the DFT axis, STFT's signal
length), run-time ``dft_length``/``axis``/``frame_step``/``frame_length`` and
MelWeightMatrix inputs (they fix the result's shape), DFT matrices over
``MAX_DFT_MATRIX_BYTES`` (long transforms would need an FFT). Refused as the
spec (and ONNX shape inference) says: one-sided forward DFT (RFFT) of complex
input, one-sided inverse DFT (IRFFT) of real input. A one-sided STFT of a
complex signal (which the spec calls not possible) gives the first
frame_length // 2 + 1 bins of the full transform, as onnxruntime and ONNX's
reference implementation do.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import onnx
from mlir import ir

from polytile.importers.onnx import types
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule

# The largest DFT matrix built at compile time (bytes in the compute type): a
# 4096-point real transform of float32 (4096 x 2049 x 2 entries) fits.
MAX_DFT_MATRIX_BYTES = 96 << 20


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

def _scalar_int(node: NodeContext, i: int, what: str) -> Optional[int]:
    """Constant scalar (or one-element) integer input ``i``; None when absent."""
    if not node.has_input(i):
        return None
    value = np.asarray(node.require_const(i, what))
    if value.size != 1 or value.dtype.kind not in "iu":
        node.unsupported(f"{what} (input {i}) must be an integer scalar, got {value.dtype} "
                         f"of shape {list(value.shape)}")
    return int(value.reshape(-1)[0])


def _compute_type(node: NodeContext, element_type: ir.Type) -> ir.Type:
    """The float type the product runs in: f32/f64 as is, 16-bit floats in f32."""
    name = str(element_type)
    if name in ("f32", "f64"):
        return element_type
    if name in ("f16", "bf16"):
        return ir.F32Type.get()
    node.unsupported(f"input element type {name} is not supported (float16, bfloat16, float32, "
                     f"float64)")


def _cast(node: NodeContext, value: ir.Value, to: ir.Type) -> ir.Value:
    if ir.RankedTensorType(value.type).element_type == to:
        return value
    return node.tg("cast", value, to=ir.TypeAttr.get(to))


def _dft_matrix(rows: int, parts_in: int, length: int, bins: int, inverse: bool,
                real_output: bool, window: Optional[np.ndarray] = None) -> np.ndarray:
    """The float64 matrix [rows * parts_in, bins * parts_out] of a ``length``-point
    DFT on input points 0..rows-1 (fewer than ``length``: the rest are the zeros
    of the padding) giving output bins 0..bins-1; input and output entries are
    interleaved (real, imaginary) pairs, or real values alone (parts 1).

    ``real_output`` is ONNX's IRFFT: the input holds bins 0..length//2 of a
    Hermitian spectrum and the result is the real signal (numpy's ``irfft``:
    the imaginary parts of bin 0 and of bin length/2 are ignored). ``window``
    (length ``rows``) scales the input points."""
    j = np.arange(rows, dtype=np.int64)[:, None]
    k = np.arange(bins, dtype=np.int64)[None, :]
    theta = 2.0 * np.pi * ((j * k) % length).astype(np.float64) / length
    cos, sin = np.cos(theta), np.sin(theta)
    if real_output:
        # out[t] = 1/L sum_k w_k (Re X_k cos - Im X_k sin), over input bins k = rows index
        weight = np.full((rows, 1), 2.0)
        weight[0] = 1.0
        if length % 2 == 0 and length // 2 < rows:
            weight[length // 2] = 1.0
        matrix = np.zeros((rows, parts_in, bins))
        matrix[:, 0, :] = weight * cos / length
        if parts_in == 2:
            sin = sin.copy()
            sin[0, :] = 0.0
            if length % 2 == 0 and length // 2 < rows:
                sin[length // 2, :] = 0.0
            matrix[:, 1, :] = -weight * sin / length
        matrix = matrix.reshape(rows, parts_in, bins, 1)
    else:
        # forward: x * e^{-i theta}; inverse: x * e^{+i theta} / L
        sign = 1.0 if inverse else -1.0
        scale = 1.0 / length if inverse else 1.0
        matrix = np.zeros((rows, parts_in, bins, 2))
        matrix[:, 0, :, 0] = cos * scale
        matrix[:, 0, :, 1] = sign * sin * scale
        if parts_in == 2:
            matrix[:, 1, :, 0] = -sign * sin * scale
            matrix[:, 1, :, 1] = cos * scale
    if window is not None:
        matrix = matrix * np.asarray(window, np.float64).reshape(rows, 1, 1, 1)
    return matrix.reshape(rows * parts_in, -1)


def _check_matrix_size(node: NodeContext, rows: int, columns: int, compute: ir.Type) -> None:
    nbytes = rows * columns * (8 if str(compute) == "f64" else 4)
    if nbytes > MAX_DFT_MATRIX_BYTES:
        node.unsupported(f"a DFT this long needs a {rows} x {columns} DFT matrix ({nbytes} bytes, over "
                         f"{MAX_DFT_MATRIX_BYTES}); long transforms (an FFT) are not supported yet")


def _matrix_product(node: NodeContext, x: ir.Value, matrix: np.ndarray, compute: ir.Type,
                    out_tail: list[int]) -> ir.Value:
    """``x`` [..., m, c] flattened to rows [rows, m*c] (the leading dims collapsed
    into one, unless several are dynamic) times ``matrix`` [m*c, prod(out_tail)],
    reshaped to [..., *out_tail]."""
    dims = _dims(x)
    lead = [-1 if d is None else d for d in dims[:-2]]
    if lead.count(-1) <= 1:  # one 2-d product: all its rows in one (packed) matmul
        rows = [-1 if -1 in lead else int(np.prod(lead, dtype=np.int64))]
    else:
        rows = lead
    flat = node.tg("reshape", x, shape=rows + [dims[-2] * dims[-1]])
    dtype = np.float64 if str(compute) == "f64" else np.float32
    product = node.tg("matmul", flat, node.constant(matrix.astype(dtype)))
    return node.tg("reshape", product, shape=lead + list(out_tail))


def _dims(value: ir.Value) -> list[Optional[int]]:
    t = ir.RankedTensorType(value.type)
    return [None if t.is_dynamic_dim(k) else int(t.shape[k]) for k in range(t.rank)]


# ----------------------------------------------------------------------------
# DFT
# ----------------------------------------------------------------------------

def _dft(node: NodeContext, axis: int) -> list:
    """DFT of input 0 along ``axis`` (an ONNX axis, not yet normalized)."""
    dims = node.input_dims(0)
    rank = len(dims)
    if rank < 2:
        node.unsupported(f"the input must have rank >= 2 (signal dims, then the complex dim), "
                         f"got rank {rank}")
    parts = dims[-1]
    if parts is None:
        node.unsupported("a dynamic last dim (the complex parts, 1 or 2) is not supported yet")
    if parts not in (1, 2):
        node.unsupported(f"the last dim must be 1 (real) or 2 (complex), got {parts}")
    if not (-rank <= axis <= -2 or 0 <= axis <= rank - 2):
        node.unsupported(f"axis {axis} is out of range for rank {rank} (accepted: [-{rank}, -2] "
                         f"and [0, {rank - 2}]; the last dim holds the complex parts)")
    axis = axis + rank if axis < 0 else axis
    size = dims[axis]
    if size is None:
        node.unsupported(f"a DFT along a dynamic dim (axis {axis}) is not supported yet")
    inverse = node.attr("inverse", 0)
    onesided = node.attr("onesided", 0)
    if inverse not in (0, 1) or onesided not in (0, 1):
        node.unsupported(f"inverse and onesided must be 0 or 1, got {inverse} and {onesided}")
    irfft = bool(inverse and onesided)
    if onesided and not inverse and parts != 1:
        node.unsupported("a one-sided forward DFT (RFFT) needs real input (last dim 1)")
    if irfft and parts != 2:
        node.unsupported("a one-sided inverse DFT (IRFFT) needs complex input (last dim 2)")
    length = _scalar_int(node, 1, "dft_length")
    if length is None:
        length = 2 * (size - 1) if irfft else size
    if length < 1:
        node.unsupported(f"dft_length must be >= 1, got {length}")
    # input points read: the rest of the axis is cut, the missing ones are padding zeros
    rows = min(size, length // 2 + 1 if irfft else length)
    bins = length if irfft else (length // 2 + 1 if onesided else length)
    compute = _compute_type(node, node.input_type(0).element_type)
    _check_matrix_size(node, rows * parts, bins * (1 if irfft else 2), compute)
    matrix = _dft_matrix(rows, parts, length, bins, bool(inverse), irfft)

    element_type = node.input_type(0).element_type
    x = _cast(node, node.input(0), compute)
    if rows < size:
        x = node.tg("slice", x, starts=[0], ends=[rows], axes=[axis], steps=[1])
    last = rank - 2  # the axis the product works on: just before the complex dim
    if axis != last:
        x = node.tg("transpose", x, perm=[i for i in range(rank - 1) if i != axis] + [axis, rank - 1])
    y = _matrix_product(node, x, matrix, compute, [bins, 1 if irfft else 2])
    if axis != last:
        y = node.tg("transpose", y, perm=list(range(axis)) + [last] + list(range(axis, last)) + [rank - 1])
    return [_cast(node, y, element_type)]


@rule("DFT", since=17)
def dft_17(node: NodeContext):
    """DFT-17: ``axis`` is an attribute (default 1); ``dft_length`` a constant input."""
    return _dft(node, int(node.attr("axis", 1)))


@rule("DFT", since=20)
def dft_20(node: NodeContext):
    """DFT-20: ``axis`` is the optional constant input 2 (default -2)."""
    axis = _scalar_int(node, 2, "axis")
    return _dft(node, -2 if axis is None else axis)


# ----------------------------------------------------------------------------
# STFT
# ----------------------------------------------------------------------------

@rule("STFT", since=17)
def stft(node: NodeContext):
    """Frames ``signal`` [batch, length, 1|2] with constant ``frame_step``/``frame_length``
    (a tg.gather of constant indices), weights them by ``window`` and takes each frame's
    DFT as one matrix product: [batch, frames, bins, 2]. A constant window is folded
    into the DFT matrix."""
    dims = node.input_dims(0)
    if len(dims) != 3:
        node.unsupported(f"the signal must have rank 3 ([batch, length, 1|2]), got rank {len(dims)}")
    _, size, parts = dims
    if parts is None:
        node.unsupported("a dynamic last dim (the complex parts, 1 or 2) is not supported yet")
    if parts not in (1, 2):
        node.unsupported(f"the signal's last dim must be 1 (real) or 2 (complex), got {parts}")
    if size is None:
        node.unsupported("a signal of dynamic length is not supported yet (the frame count "
                         "depends on it)")
    step = _scalar_int(node, 1, "frame_step")
    if step is None:
        node.unsupported("missing required input frame_step")
    if step < 1:
        node.unsupported(f"frame_step must be >= 1, got {step}")
    window_dims = node.input_dims(2) if node.has_input(2) else None
    if window_dims is not None and (len(window_dims) != 1 or window_dims[0] is None):
        node.unsupported(f"the window must be 1-D of static length, got dims {window_dims}")
    frame_length = _scalar_int(node, 3, "frame_length")
    if frame_length is None:
        frame_length = window_dims[0] if window_dims is not None else size
    if window_dims is not None and window_dims[0] != frame_length:
        node.unsupported(f"the window's length ({window_dims[0]}) must equal frame_length "
                         f"({frame_length})")
    if frame_length < 1 or frame_length > size:
        node.unsupported(f"frame_length must be in [1, signal length {size}], got {frame_length}")
    onesided = node.attr("onesided", 1)
    if onesided not in (0, 1):
        node.unsupported(f"onesided must be 0 or 1, got {onesided}")
    frames = (size - frame_length) // step + 1
    bins = frame_length // 2 + 1 if onesided else frame_length
    element_type = node.input_type(0).element_type
    compute = _compute_type(node, element_type)
    _check_matrix_size(node, frame_length * parts, bins * 2, compute)
    window = node.const(2)
    matrix = _dft_matrix(frame_length, parts, frame_length, bins, False, False, window=window)

    x = _cast(node, node.input(0), compute)
    indices = (np.arange(frames, dtype=np.int64)[:, None] * step +
               np.arange(frame_length, dtype=np.int64)[None, :])
    x = node.tg("gather", x, node.constant(indices), axis=1)  # [batch, frames, frame_length, parts]
    if window_dims is not None and window is None:
        w = _cast(node, node.input(2), compute)
        w = node.tg("reshape", w, shape=[frame_length, 1])
        x = node.tg("mul", x, w)
    y = _matrix_product(node, x, matrix, compute, [bins, 2])
    return [_cast(node, y, element_type)]


# ----------------------------------------------------------------------------
# MelWeightMatrix
# ----------------------------------------------------------------------------

def mel_weight_matrix(num_mel_bins: int, dft_length: int, sample_rate, lower_edge_hertz,
                      upper_edge_hertz) -> np.ndarray:
    """The float64 [dft_length // 2 + 1, num_mel_bins] triangular filter bank, as ONNX's
    reference implementation computes it: num_mel_bins + 2 points evenly spaced on the
    mel scale (mel(f) = 2595 log10(1 + f / 700)) from lower_edge_hertz, in steps of
    (mel(upper) - mel(lower)) / (num_mel_bins + 2), each mapped to the spectrogram bin
    floor((dft_length + 1) * f / sample_rate); filter i rises from point i to point i + 1
    and falls to point i + 2, with a peak of 1. Raises ValueError when a point falls
    outside the spectrogram's bins."""
    spectrogram_bins = dft_length // 2 + 1
    points = np.arange(0, num_mel_bins + 2)
    low_mel = 2595 * np.log1p(lower_edge_hertz / 700) / np.log(10)
    high_mel = 2595 * np.log1p(upper_edge_hertz / 700) / np.log(10)
    mel_step = (high_mel - low_mel) / points.shape[0]
    hertz = 700 * np.expm1((points * mel_step + low_mel) / 2595 * np.log(10))
    bins = (((dft_length + 1) * hertz) // sample_rate).astype(int)
    if bins.min() < 0 or bins.max() >= spectrogram_bins:
        raise ValueError(f"the filter bank's edges fall on bins {bins.min()}..{bins.max()}, outside "
                         f"the {spectrogram_bins} spectrogram bins (0..{spectrogram_bins - 1})")
    output = np.zeros((spectrogram_bins, num_mel_bins))
    for i in range(num_mel_bins):
        lower, center, higher = int(bins[i]), int(bins[i + 1]), int(bins[i + 2])
        if center == lower:
            output[center, i] = 1
        else:
            for j in range(lower, center + 1):
                output[j, i] = float(j - lower) / float(center - lower)
        if higher > center:
            for j in range(center, higher):
                output[j, i] = float(higher - j) / float(higher - center)
    return output


_MEL_OUTPUT_TYPES = (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16,
                     onnx.TensorProto.BFLOAT16)


@rule("MelWeightMatrix", since=17)
def mel_weight_matrix_rule(node: NodeContext):
    """Computed at compile time from its five constant inputs (a numpy array result);
    ``output_datatype`` picks a float type."""
    from polytile.resources import ResourceError, format_bytes

    num_mel_bins = _scalar_int(node, 0, "num_mel_bins")
    dft_length = _scalar_int(node, 1, "dft_length")
    sample_rate = _scalar_int(node, 2, "sample_rate")
    edges = []
    for i, what in ((3, "lower_edge_hertz"), (4, "upper_edge_hertz")):
        value = np.asarray(node.require_const(i, what))
        if value.size != 1 or value.dtype.kind != "f":
            node.unsupported(f"{what} (input {i}) must be a float scalar, got {value.dtype} "
                             f"of shape {list(value.shape)}")
        edges.append(value.reshape(-1)[0])
    if num_mel_bins is None or dft_length is None or sample_rate is None:
        node.unsupported("MelWeightMatrix needs all five inputs")
    if num_mel_bins < 1 or dft_length < 1 or sample_rate < 1:
        node.unsupported(f"num_mel_bins, dft_length and sample_rate must be >= 1, got "
                         f"{num_mel_bins}, {dft_length}, {sample_rate}")
    code = int(node.attr("output_datatype", onnx.TensorProto.FLOAT))
    if code not in _MEL_OUTPUT_TYPES:
        node.unsupported(f"output_datatype {code} is not supported (FLOAT, DOUBLE, FLOAT16 or "
                         f"BFLOAT16)")
    dtype = types.numpy_dtype(code)
    nbytes = (dft_length // 2 + 1) * num_mel_bins * np.dtype(dtype).itemsize
    limit = node.importer.fold_limit_bytes
    if nbytes > limit:
        raise ResourceError(
            f"node '{node.name}': the MelWeightMatrix result of {nbytes} bytes ({format_bytes(nbytes)}) "
            f"would be computed at compile time, which is over the constant-folding budget of "
            f"{limit} bytes ({format_bytes(limit)}; fold_limit_bytes)", node=node.name, nbytes=nbytes)
    try:
        matrix = mel_weight_matrix(num_mel_bins, dft_length, sample_rate, *edges)
    except ValueError as e:
        node.unsupported(str(e))
    return [matrix.astype(dtype)]

"""Import rules for the integer and quantized linear-algebra ops: MatMulInteger, ConvInteger,
QLinearMatMul and QLinearConv.

No tg op of their own: each becomes existing tg ops, exactly.

* The integer product: both operands are widened to i32 (``tg.cast``), their zero points
  subtracted (``tg.sub``, broadcast per tensor, per row of A / per column of B, or per output
  channel of W), then one ``tg.matmul`` / ``tg.conv`` on i32 (exact, wrapping as onnxruntime's
  int32 accumulators do). Padding of the shifted input with 0 is padding of the quantized input
  with its zero point, as ONNX defines it. QLinearConv's int32 bias is added to the accumulator.
* Requantization (QLinear*): ``y = saturate(round_half_even(f32(acc) * m) + y_zero_point)`` with
  the multiplier ``m = a_scale * b_scale / y_scale`` computed in f32 in that order (scales of
  f16 are first widened to f32), as onnxruntime does (its MLAS requantization multiplies the
  accumulator converted to f32; the ONNX reference multiplies in f64, which rounds differently on
  rare near-half values). It is ``tg.cast`` to f32, ``tg.mul``, ``tg.round``, ``tg.add``,
  ``tg.clip`` to the output type's range and ``tg.cast`` back: every step after the rounding is on
  integral values, hence exact.

Per-row quantization of A (a_scale/a_zero_point/y_scale/y_zero_point of shape [M], as the ONNX
spec defines it; onnxruntime accepts only one element there) and per-column quantization of B
(shape [N], or [..., 1, N] as onnxruntime also accepts) are supported.

Not supported yet: float8 quantized tensors (QLinearMatMul-21), bfloat16 scales, quantization
parameters with dynamic dims, per-row (per-column) parameters when A's row (B's column) count is
dynamic; ConvInteger and QLinearConv take tg.conv's limits (static channels and weights).
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
from mlir import ir

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule
from polytile.importers.onnx.rules.common import window_attributes

QUANTIZED_TYPES = ("ui8", "i8")
SCALE_TYPES = ("f32", "f16")
_RANGES = {"ui8": (0, 255), "i8": (-128, 127)}

# accept(dims) -> the shape to reshape a parameter of shape ``dims`` to, or None.
Accept = Callable[[list], Optional[list]]


def _i32() -> ir.Type:
    return ir.Type.parse("i32")


def _f32() -> ir.Type:
    return ir.Type.parse("f32")


def _etype(node: NodeContext, i: int) -> str:
    return str(node.input_type(i).element_type)


def _cast(node: NodeContext, v: ir.Value, to: ir.Type) -> ir.Value:
    if ir.RankedTensorType(v.type).element_type == to:
        return v
    return node.tg("cast", v, to=ir.TypeAttr.get(to))


def _reshape(node: NodeContext, v: ir.Value, shape: list) -> ir.Value:
    if list(ir.RankedTensorType(v.type).shape) == list(shape):
        return v
    return node.tg("reshape", v, shape=list(shape))


def _quantized_type(node: NodeContext, i: int, what: str, like: Optional[int] = None) -> str:
    """The element type of input ``i`` (ui8 or i8), equal to input ``like``'s when given."""
    t = _etype(node, i)
    if t not in QUANTIZED_TYPES:
        node.unsupported(f"{what} of type {t} is not supported (uint8 and int8 are; "
                         f"float8 is not supported yet)")
    if like is not None and t != _etype(node, like):
        node.unsupported(f"{what} has type {t}, but input {like} has type {_etype(node, like)}")
    return t


def _param(node: NodeContext, i: int, what: str, accept: Accept, forms: str) -> Optional[ir.Value]:
    """Quantization parameter ``i`` (absent: None), reshaped to broadcast against the product:
    one element (per tensor) becomes rank 0; another shape must be one ``accept`` maps to its
    broadcast shape (``forms`` says which, for the error)."""
    if not node.has_input(i):
        return None
    dims = node.input_dims(i)
    if None in dims:
        shown = "x".join("?" if d is None else str(d) for d in dims)
        node.unsupported(f"{what} with dynamic dims ({shown}) is not supported yet")
    if all(d == 1 for d in dims):
        return _reshape(node, node.input(i), [])
    target = accept(dims)
    if target is None:
        node.unsupported(f"{what} of shape {dims} is neither one element (per tensor) nor {forms}")
    return _reshape(node, node.input(i), target)


def _is_zero(node: NodeContext, i: int) -> bool:
    value = node.const(i)
    return value is not None and not np.any(value)


def _shifted(node: NodeContext, i: int, zero_point: Optional[ir.Value], zp_index: int) -> ir.Value:
    """Input ``i`` widened to i32 minus its (broadcast) zero point."""
    x = _cast(node, node.input(i), _i32())
    if zero_point is None or _is_zero(node, zp_index):
        return x
    return node.tg("sub", x, _cast(node, zero_point, _i32()))


def _requantize(node: NodeContext, acc: ir.Value, multiplier: ir.Value, y_zero_point: Optional[ir.Value],
                y_type: str) -> ir.Value:
    """saturate(round_half_even(f32(acc) * multiplier) + y_zero_point) as ``y_type``."""
    f32 = _f32()
    y = node.tg("round", node.tg("mul", _cast(node, acc, f32), multiplier))
    if y_zero_point is not None:
        y = node.tg("add", y, _cast(node, y_zero_point, f32))
    low, high = _RANGES[y_type]
    y = node.tg("clip", y, node.constant(np.array(low, np.float32)), node.constant(np.array(high, np.float32)))
    return _cast(node, y, ir.Type.parse(y_type))


def _scales(node: NodeContext, indices: list[int]) -> None:
    """The scales share one type, f32 or f16."""
    types = [_etype(node, i) for i in indices]
    if types[0] not in SCALE_TYPES:
        node.unsupported(f"scales of type {types[0]} are not supported (float32 and float16 are; "
                         f"bfloat16 is not supported yet)")
    if len(set(types)) != 1:
        node.unsupported(f"the scales must share one type, got {', '.join(types)}")


def _multiplier(node: NodeContext, a_scale: ir.Value, b_scale: ir.Value, y_scale: ir.Value) -> ir.Value:
    """a_scale * b_scale / y_scale in f32, in that order (as onnxruntime computes it)."""
    f32 = _f32()
    return node.tg("div", node.tg("mul", _cast(node, a_scale, f32), _cast(node, b_scale, f32)),
                   _cast(node, y_scale, f32))


# ---------------------------------------------------------------------------
# Matrix products
# ---------------------------------------------------------------------------

def _per_row(node: NodeContext, a: int, n_d: bool) -> Accept:
    """Per-row parameters of A (input ``a``): [M] -> [M, 1]; with ``n_d`` also A's rank with a
    last dim of 1 and the others 1 or A's ([D1, ..., M, 1], as MatMulInteger defines it)."""
    a_dims = node.input_dims(a)

    def accept(dims):
        if len(a_dims) < 2:
            return None
        m = a_dims[-2]
        if len(dims) == 1 and dims[0] == m:
            return [m, 1]
        if len(dims) == 1 and m is None:
            node.unsupported("per-row quantization parameters when the row count of A is dynamic "
                             "are not supported yet")
        if n_d and len(dims) == len(a_dims) and dims[-1] == 1 and \
                all(d == 1 or d == ad for d, ad in zip(dims[:-1], a_dims[:-1])):
            return dims
        return None

    return accept


def _per_column(node: NodeContext, b: int) -> Accept:
    """Per-column parameters of B (input ``b``): [N], or B's rank with dim -2 of 1 and the
    others 1 or B's ([D1, ..., 1, N])."""
    b_dims = node.input_dims(b)

    def accept(dims):
        if len(b_dims) < 2:
            return None
        if len(dims) == 1 and dims[0] == b_dims[-1]:
            return dims
        if len(dims) == 1 and b_dims[-1] is None:
            node.unsupported("per-column quantization parameters when the column count of B is "
                             "dynamic are not supported yet")
        if len(dims) == len(b_dims) and dims[-2] == 1 and \
                all(d == 1 or d == bd for i, (d, bd) in enumerate(zip(dims, b_dims)) if i != len(dims) - 2):
            return dims
        return None

    return accept


_ROW_FORMS = "per row of A ([M])"
_ROW_FORMS_N_D = "per row of A ([M], or [..., M, 1])"
_COLUMN_FORMS = "per column of B ([N], or [..., 1, N])"


def _integer_checks(node: NodeContext, first: str, first_zp: str, second: str, second_zp: str) -> None:
    """The type checks MatMulInteger and ConvInteger share (inputs: first, second, and
    their optional zero points, each of its operand's type)."""
    _quantized_type(node, 0, first)
    _quantized_type(node, 1, second)
    for i, what, like in ((2, first_zp, 0), (3, second_zp, 1)):
        if node.has_input(i):
            _quantized_type(node, i, what, like=like)


@rule("MatMulInteger", since=10)
def matmul_integer(node: NodeContext):
    """(A - a_zero_point) x (B - b_zero_point) in int32; zero points optional, per tensor, per row
    of A or per column of B."""
    _integer_checks(node, "A", "a_zero_point", "B", "b_zero_point")
    a_zp = _param(node, 2, "a_zero_point", _per_row(node, 0, n_d=True), _ROW_FORMS_N_D)
    b_zp = _param(node, 3, "b_zero_point", _per_column(node, 1), _COLUMN_FORMS)
    return [node.tg("matmul", _shifted(node, 0, a_zp, 2), _shifted(node, 1, b_zp, 3))]


def _qlinear_checks(node: NodeContext, first: str, second: str) -> str:
    """The checks QLinearMatMul and QLinearConv share (inputs: first, its scale and zero
    point, second, its scale and zero point, y_scale, y_zero_point): the quantized
    types, the three scales present and valid; returns the output element type."""
    _quantized_type(node, 0, first)
    _quantized_type(node, 3, second)
    for i, what, like in ((2, f"{first}_zero_point", 0), (5, f"{second}_zero_point", 3)):
        if node.has_input(i):
            _quantized_type(node, i, what, like=like)
    for i in (1, 4, 6):
        if not node.has_input(i):
            node.unsupported(f"input {i} (a scale) is required")
    _scales(node, [1, 4, 6])
    return _quantized_type(node, 7, "y_zero_point") if node.has_input(7) else _etype(node, 0)


@rule("QLinearMatMul", since=10)
def qlinear_matmul(node: NodeContext):
    """The int32 product of the shifted operands, requantized with a_scale * b_scale / y_scale.
    Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point."""
    y_type = _qlinear_checks(node, "a", "b")
    rows, columns = _per_row(node, 0, n_d=False), _per_column(node, 3)
    a_zp = _param(node, 2, "a_zero_point", rows, _ROW_FORMS)
    b_zp = _param(node, 5, "b_zero_point", columns, _COLUMN_FORMS)
    acc = node.tg("matmul", _shifted(node, 0, a_zp, 2), _shifted(node, 3, b_zp, 5))
    multiplier = _multiplier(node, _param(node, 1, "a_scale", rows, _ROW_FORMS),
                             _param(node, 4, "b_scale", columns, _COLUMN_FORMS),
                             _param(node, 6, "y_scale", rows, _ROW_FORMS))
    y_zp = _param(node, 7, "y_zero_point", rows, _ROW_FORMS)
    return [_requantize(node, acc, multiplier, y_zp, y_type)]


# ---------------------------------------------------------------------------
# Convolutions
# ---------------------------------------------------------------------------

def _per_channel(node: NodeContext, w: int, of_weight: bool) -> Accept:
    """Per-output-channel parameters of W (input ``w``): [M] -> [M, 1, ...], broadcast against
    the weight (``of_weight``: one 1 per other weight dim) or against the result (one 1 per
    spatial dim)."""
    w_dims = node.input_dims(w)

    def accept(dims):
        if len(dims) == 1 and dims[0] == w_dims[0]:
            return [dims[0]] + [1] * (len(w_dims) - (1 if of_weight else 2))
        return None

    return accept


def _per_tensor(dims) -> None:
    return None


_CHANNEL_FORMS = "per output channel ([M])"
_TENSOR_FORMS = "(only per-tensor values are supported here)"


def _integer_conv(node: NodeContext, x: int, x_zp_index: int, w: int, w_zp_index: int) -> ir.Value:
    """The int32 convolution of (x - x_zero_point) and (w - w_zero_point) with the node's
    window attributes (pads, strides, dilations, group, auto_pad, kernel_shape)."""
    x_zp = _param(node, x_zp_index, "x_zero_point", _per_tensor, _TENSOR_FORMS)
    w_zp = _param(node, w_zp_index, "w_zero_point", _per_channel(node, w, of_weight=True), _CHANNEL_FORMS)
    w_shape = node.input_shape(w)
    if len(w_shape) < 3:
        node.unsupported(f"the weight must have rank >= 3, got shape {w_shape}")
    spatial = len(w_shape) - 2
    kernel = list(node.attr("kernel_shape", w_shape[2:]))
    window = window_attributes(node, spatial, kernel, node.input_dims(x)[2:])
    return node.tg("conv", _shifted(node, x, x_zp, x_zp_index), _shifted(node, w, w_zp, w_zp_index), None,
                   group=node.attr("group", 1), kernel_shape=kernel, **window)


@rule("ConvInteger", since=10)
def conv_integer(node: NodeContext):
    """conv(x - x_zero_point, w - w_zero_point) in int32; x_zero_point per tensor, w_zero_point
    per tensor or per output channel, both optional."""
    _integer_checks(node, "x", "x_zero_point", "w", "w_zero_point")
    return [_integer_conv(node, 0, 2, 1, 3)]


@rule("QLinearConv", since=10)
def qlinear_conv(node: NodeContext):
    """The int32 convolution (plus the optional int32 bias B), requantized with
    x_scale * w_scale / y_scale; w_scale and w_zero_point per tensor or per output channel.
    Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B."""
    y_type = _qlinear_checks(node, "x", "w")
    acc = _integer_conv(node, 0, 2, 3, 5)
    channel = _per_channel(node, 3, of_weight=False)
    if node.has_input(8):
        if _etype(node, 8) != "i32":
            node.unsupported(f"the bias B must be int32, got {_etype(node, 8)}")
        bias = _param(node, 8, "the bias B", channel, _CHANNEL_FORMS)
        if node.input_dims(8) != [node.input_shape(3)[0]]:
            node.unsupported(f"the bias B must have shape [{node.input_shape(3)[0]}], "
                             f"got {node.input_dims(8)}")
        acc = node.tg("add", acc, bias)
    multiplier = _multiplier(node, _param(node, 1, "x_scale", _per_tensor, _TENSOR_FORMS),
                             _param(node, 4, "w_scale", channel, _CHANNEL_FORMS),
                             _param(node, 6, "y_scale", _per_tensor, _TENSOR_FORMS))
    y_zp = _param(node, 7, "y_zero_point", _per_tensor, _TENSOR_FORMS)
    return [_requantize(node, acc, multiplier, y_zp, y_type)]

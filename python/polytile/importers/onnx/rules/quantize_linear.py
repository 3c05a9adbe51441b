"""Import rules of QuantizeLinear and DequantizeLinear (opsets 10 to 25), built
from existing tg element-wise ops (one fused kernel each), as the ONNX
reference implementation computes them:

* ``DequantizeLinear``: ``y = float(x - zero_point) * scale`` in f32 (the
  integer difference in i32), rounded once to the output type (``output_dtype``,
  else the scale's type). float8/float4 inputs take no zero point (it must be 0).
* ``QuantizeLinear``: ``q = x / scale`` in the type numpy gives the pair (the
  ``precision`` attribute's type when set): integer outputs ``clamp(rint(q) +
  zero_point)`` to the output's range (uint8 by default; also int16/uint16 and
  int4/uint4/int2/uint2), NaN giving the lowest value; float8 outputs
  ``Cast(q, saturate)``; float4e2m1 ``Cast(q + zero_point)``.

Scales and zero points are per tensor (0-d or one element), per axis (1-D
along ``axis``) or blocked (``block_size``: same rank as ``x``, each element
covering ``block_size`` consecutive elements along ``axis``; needs a static
``x`` dim there). Not supported yet: a non-zero float8 zero point, blocked
quantization along a dynamic dim, float8e8m0 outputs (Cast to it is not
written).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import onnx
from mlir import ir

from polytile.importers.onnx import types
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule
from polytile.importers.onnx.rules.elementwise import _SATURATED_FLOAT8

TP = onnx.TensorProto
_INTEGER_RANGES = {
    TP.UINT8: (0, 255), TP.INT8: (-128, 127), TP.UINT16: (0, 65535), TP.INT16: (-32768, 32767),
    TP.UINT4: (0, 15), TP.INT4: (-8, 7), TP.UINT2: (0, 3), TP.INT2: (-2, 1),
}
_FLOAT8 = set(_SATURATED_FLOAT8)
_FLOAT_TYPES = ("f16", "bf16", "f32", "f64")
# Beyond this |rint(x / scale)| every output saturates: clamped to it before
# the conversion to i32 (which would be undefined for larger values).
_ROUNDED_LIMIT = float(1 << 24)


def _etype(value: ir.Value) -> ir.Type:
    return ir.RankedTensorType(value.type).element_type


def _elem_code(t: ir.Type) -> int:
    from polytile.runtime.jit import numpy_dtype
    return types.onnx_elem_type(numpy_dtype(t)) or 0


def _cast(node: NodeContext, value: ir.Value, to: ir.Type) -> ir.Value:
    if _etype(value) == to:
        return value
    return node.tg("cast", value, to=ir.TypeAttr.get(to))


def _scalar(node: NodeContext, value: float, t: ir.Type) -> ir.Value:
    from polytile.runtime.jit import numpy_dtype
    return node.constant(np.array(value, numpy_dtype(t)))


def _axis(node: NodeContext, rank: int) -> int:
    axis = int(node.attr("axis", 1))
    if not -rank <= axis < max(rank, 1):
        node.unsupported(f"axis {axis} is out of range for an input of rank {rank}")
    return axis + rank if axis < 0 else axis


def _broadcastable(node: NodeContext, param: ir.Value, index: int, what: str) -> ir.Value:
    """Scale or zero point ``param`` (input ``index``) reshaped/replicated to
    broadcast against ``x``, as the reference's ``reshape_input``."""
    x_shape = node.input_dims(0)
    shape = node.input_dims(index)
    rank = len(x_shape)
    block_size = int(node.attr("block_size", 0)) if node.opset >= 21 else 0
    if block_size < 0:
        node.unsupported(f"block_size must be >= 0, got {block_size}")
    if len(shape) == 0:
        return param
    if len(shape) == 1 and shape[0] == 1:
        return node.tg("reshape", param, shape=[])
    axis = _axis(node, rank)
    if not block_size:
        if len(shape) != 1:
            node.unsupported(f"the {what} must be a scalar or 1-D without block_size, got rank {len(shape)}")
        size = shape[0]
        if size is not None and x_shape[axis] is not None and size != x_shape[axis]:
            node.unsupported(f"the {what} has {size} elements, expected {x_shape[axis]} (x's dim {axis})")
        dims = [1] * rank
        dims[axis] = -1 if size is None else size
        return node.tg("reshape", param, shape=dims)
    if len(shape) != rank:
        node.unsupported(f"blocked quantization needs a {what} of x's rank {rank}, got rank {len(shape)}")
    dim = x_shape[axis]
    if dim is None:
        node.unsupported("blocked quantization along a dynamic dim is not supported yet")
    blocks = -(-dim // block_size)
    if shape[axis] is not None and shape[axis] != blocks:
        node.unsupported(f"the {what} has {shape[axis]} blocks along axis {axis}, expected "
                         f"ceil({dim} / {block_size}) = {blocks}")
    indices = node.constant(np.arange(dim, dtype=np.int64) // block_size)
    return node.tg("gather", param, indices, axis=axis)


def _zero_point_is_zero(node: NodeContext, index: int, what: str) -> None:
    """A float8/float4 zero point must be 0 (the reference ignores it): refuse
    a constant one that is not; a run-time one is taken as the 0 it must be."""
    value = node.const(index)
    if value is not None and np.any(np.asarray(value).astype(np.float32) != 0):
        node.unsupported(f"a non-zero {what} zero point is not supported")


def _output_dtype(node: NodeContext) -> int:
    return int(node.attr("output_dtype", 0)) if node.opset >= 21 else 0


@rule("DequantizeLinear", since=10)
def dequantize_linear(node: NodeContext):
    """``(x - zero_point) * scale``: see the module docstring."""
    x = node.input(0)
    x_code = _elem_code(_etype(x))
    f32 = ir.F32Type.get()
    out_code = _output_dtype(node)
    if out_code:
        out_type = types.mlir_element_type(out_code)
        if str(out_type) not in ("f32", "f16", "bf16"):
            node.unsupported(f"output_dtype {types.onnx_type_name(out_code)} is not a float type")
    else:
        out_type = _etype(node.input(1))
        if str(out_type) not in ("f32", "f16", "bf16"):
            node.unsupported(f"a {out_type} scale needs output_dtype")
    scale = _cast(node, _broadcastable(node, node.input(1), 1, "scale"), f32)
    if x_code in _FLOAT8 or x_code == TP.FLOAT4E2M1:
        if node.has_input(2):
            _zero_point_is_zero(node, 2, "float8/float4")
        dx = _cast(node, x, f32)
    else:
        if str(_etype(x)) in _FLOAT_TYPES:
            node.unsupported(f"x of type {_etype(x)} is not a quantized type")
        i32 = ir.IntegerType.get_signless(32)
        dx = _cast(node, x, i32)
        if node.has_input(2):
            if _etype(node.input(2)) != _etype(x):
                node.unsupported(f"the zero point's type {_etype(node.input(2))} differs from x's {_etype(x)}")
            zero_point = _cast(node, _broadcastable(node, node.input(2), 2, "zero point"), i32)
            dx = node.tg("sub", dx, zero_point)
        dx = _cast(node, dx, f32)
    return [_cast(node, node.tg("mul", dx, scale), out_type)]


def _compute_type(node: NodeContext, x_type: ir.Type, scale_type: ir.Type) -> ir.Type:
    """The type ``x / scale`` is computed in: ``precision`` when set, else the
    type numpy gives the pair (f64 with an int32 x)."""
    precision = int(node.attr("precision", 0)) if node.opset >= 23 else 0
    if precision:
        t = types.mlir_element_type(precision)
        if t is None or str(t) not in _FLOAT_TYPES:
            node.unsupported(f"precision {types.onnx_type_name(precision)} is not supported")
        return t
    names = (str(x_type), str(scale_type))
    if not all(n in _FLOAT_TYPES for n in names):
        return ir.F64Type.get()
    if names[0] == names[1]:
        return x_type
    widths = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}
    wider = max(names, key=lambda n: widths[n])
    return ir.Type.parse(wider if widths[wider] > 16 else "f32")  # f16 with bf16: f32


@rule("QuantizeLinear", since=10)
def quantize_linear(node: NodeContext):
    """``saturate(rint(x / scale) + zero_point)``: see the module docstring."""
    x = node.input(0)
    scale_type = _etype(node.input(1))
    if str(scale_type) not in _FLOAT_TYPES + ("i32",):
        node.unsupported(f"a scale of type {scale_type} is not supported")
    out_code = _output_dtype(node)
    if node.has_input(2):
        zp_code = _elem_code(_etype(node.input(2)))
        if out_code and out_code != zp_code:
            node.unsupported(f"output_dtype {types.onnx_type_name(out_code)} differs from the zero point's "
                             f"type {types.onnx_type_name(zp_code)}")
        out_code = zp_code
    out_code = out_code or TP.UINT8
    out_type = types.mlir_element_type(out_code)
    if out_code not in _INTEGER_RANGES and out_code not in _FLOAT8 and out_code != TP.FLOAT4E2M1:
        node.unsupported(f"output type {types.onnx_type_name(out_code)} is not a quantized type")
    saturate = int(node.attr("saturate", 1)) if node.opset >= 19 else 1
    if saturate not in (0, 1):
        node.unsupported(f"saturate must be 0 or 1, got {saturate}")
    ct = _compute_type(node, _etype(x), scale_type)
    scale = _cast(node, _broadcastable(node, node.input(1), 1, "scale"), ct)
    q = node.tg("div", _cast(node, x, ct), scale)
    zero_point: Optional[ir.Value] = None
    if node.has_input(2):
        zero_point = _broadcastable(node, node.input(2), 2, "zero point")
    if out_code in _FLOAT8:
        if zero_point is not None:
            _zero_point_is_zero(node, 2, "float8")
        if saturate:
            limit = _SATURATED_FLOAT8[out_code]
            q = node.tg("min", node.tg("max", q, _scalar(node, -limit, ct)), _scalar(node, limit, ct))
        return [_cast(node, q, out_type)]
    if out_code == TP.FLOAT4E2M1:
        if zero_point is not None:
            q = node.tg("add", q, _cast(node, zero_point, ct))
        return [_cast(node, q, out_type)]
    low, high = _INTEGER_RANGES[out_code]
    rounded = node.tg("round", q)
    # NaN -> the lowest value (as the reference: rint(NaN) -> INT_MIN, then clipped)
    rounded = node.tg("where", node.tg("is_nan", rounded), _scalar(node, -_ROUNDED_LIMIT, ct), rounded)
    rounded = node.tg("min", node.tg("max", rounded, _scalar(node, -_ROUNDED_LIMIT, ct)),
                      _scalar(node, _ROUNDED_LIMIT, ct))
    i32 = ir.IntegerType.get_signless(32)
    y = _cast(node, rounded, i32)
    if zero_point is not None:
        y = node.tg("add", y, _cast(node, zero_point, i32))
    y = node.tg("min", node.tg("max", y, _scalar(node, low, i32)), _scalar(node, high, i32))
    return [_cast(node, y, out_type)]

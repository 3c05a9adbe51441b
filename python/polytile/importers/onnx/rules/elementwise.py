"""Import rules for element-wise ops: arithmetic, Pow, Mod, BitShift, bitwise and
logical ops, comparisons, Max/Min/Sum/Mean, Where, Cast and CastLike.

Binary ONNX ops map one-to-one onto the ``tg`` op of the same snake_case name
(all broadcast multidirectionally). The variadic ops (1..N inputs) become a
chain of binary ops: ``Max``/``Min`` of ``tg.max``/``tg.min``, ``Sum`` of
``tg.add``, ``Mean`` of ``tg.add`` followed by ``tg.div`` by N; IRDL forces the
operands of a variadic group to share one type, which would rule out
broadcasting. ``CastLike`` becomes ``tg.cast`` to its second input's element
type. ``Relu`` lives here with the core ops.
"""
from __future__ import annotations

import numpy as np
import onnx
from mlir import ir

from polytile.importers.onnx import types
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule

# ONNX op type -> (tg op, first opset that has it).
_BINARY = {
    "Add": ("add", 1), "Sub": ("sub", 1), "Mul": ("mul", 1), "Div": ("div", 1),
    "Pow": ("pow", 1),
    "BitwiseAnd": ("bitwise_and", 18), "BitwiseOr": ("bitwise_or", 18),
    "BitwiseXor": ("bitwise_xor", 18),
    "And": ("and", 1), "Or": ("or", 1), "Xor": ("xor", 1),
    "Equal": ("equal", 1), "Greater": ("greater", 1), "Less": ("less", 1),
    "GreaterOrEqual": ("greater_or_equal", 12), "LessOrEqual": ("less_or_equal", 12),
}

# Variadic ONNX op type -> the binary tg op they chain.
_VARIADIC = {"Max": "max", "Min": "min", "Sum": "add"}


def _binary(tg_name: str):
    def import_binary(node: NodeContext):
        if node.attr("broadcast", 0):
            node.unsupported("the legacy 'broadcast' attribute (opset < 7) is not supported")
        return [node.tg(tg_name, node.input(0), node.input(1))]

    return import_binary


for _op_type, (_tg_name, _since) in _BINARY.items():
    rule(_op_type, since=_since)(_binary(_tg_name))


# Variadic ops ------------------------------------------------------------------

def _chain(node: NodeContext, tg_name: str) -> ir.Value:
    """Fold the node's inputs left to right with the binary ``tg.<tg_name>``."""
    values = [node.input(i) for i in range(node.num_inputs) if node.has_input(i)]
    if not values:
        node.unsupported("needs at least one input")
    result = values[0]
    for value in values[1:]:
        result = node.tg(tg_name, result, value)
    return result


def _variadic(tg_name: str):
    def import_variadic(node: NodeContext):
        return [_chain(node, tg_name)]

    return import_variadic


for _op_type, _tg_name in _VARIADIC.items():
    rule(_op_type)(_variadic(_tg_name))


@rule("Mean")
def mean(node: NodeContext):
    """Sum of the inputs (broadcast) divided by their count."""
    from polytile.runtime.jit import numpy_dtype

    total = _chain(node, "add")
    count = sum(1 for i in range(node.num_inputs) if node.has_input(i))
    if count == 1:
        return [total]
    dtype = np.dtype(numpy_dtype(ir.RankedTensorType(total.type).element_type))
    if not np.issubdtype(dtype, np.floating):
        node.unsupported(f"Mean of {dtype} inputs is not supported (floating-point only)")
    return [node.tg("div", total, node.constant(np.asarray(count, dtype=dtype)))]


# Ops with attributes -------------------------------------------------------------

@rule("Mod", since=10)
def mod(node: NodeContext):
    fmod = int(node.attr("fmod", 0))
    element_type = str(node.input_type(0).element_type)
    if fmod == 0 and element_type.startswith(("f", "bf")):
        node.unsupported(f"fmod=0 on floating-point inputs ({element_type}) is not allowed "
                         f"by ONNX; use fmod=1")
    return [node.tg("mod", node.input(0), node.input(1), fmod=fmod)]


@rule("Mod", since=28)
def mod_28(node: NodeContext):
    """Mod-28 defines fmod = 0 on floats: A - floor(A / B) * B."""
    return [node.tg("mod", node.input(0), node.input(1), fmod=int(node.attr("fmod", 0)))]


@rule("BitShift", since=11)
def bit_shift(node: NodeContext):
    """BitShift-11: unsigned integers only."""
    if not str(node.input_type(0).element_type).startswith("ui"):
        node.unsupported(f"BitShift before opset 28 takes unsigned integers, "
                         f"not {node.input_type(0).element_type}")
    return bit_shift_28(node)


@rule("BitShift", since=28)
def bit_shift_28(node: NodeContext):
    """BitShift-28: also signed integers, whose right shift is arithmetic."""
    direction = node.attr("direction")
    if direction not in ("LEFT", "RIGHT"):
        node.unsupported(f"direction must be LEFT or RIGHT, got '{direction}'")
    return [node.tg("bit_shift", node.input(0), node.input(1), direction=direction)]


@rule("Where", since=9)
def where(node: NodeContext):
    return [node.tg("where", node.input(0), node.input(1), node.input(2))]


# Cast ------------------------------------------------------------------------------

# The float8 types ONNX's saturate attribute applies to, with their largest finite value.
_SATURATED_FLOAT8 = {
    onnx.TensorProto.FLOAT8E4M3FN: 448.0, onnx.TensorProto.FLOAT8E4M3FNUZ: 240.0,
    onnx.TensorProto.FLOAT8E5M2: 57344.0, onnx.TensorProto.FLOAT8E5M2FNUZ: 57344.0,
}
_FLOAT_NAMES = ("f16", "bf16", "f32", "f64")


def _saturate(node: NodeContext, x: ir.Value, limit: float) -> ir.Value:
    """``x`` clamped to [-limit, limit] (NaN stays NaN; +-inf become +-limit), in
    its own float type, or in f32 for other types (exact for the float8 limits)."""
    et = ir.RankedTensorType(x.type).element_type
    if str(et) not in _FLOAT_NAMES:
        et = ir.F32Type.get()
        x = node.tg("cast", x, to=ir.TypeAttr.get(et))
    from polytile.runtime.jit import numpy_dtype
    dtype = numpy_dtype(et)
    low, high = node.constant(np.array(-limit, dtype)), node.constant(np.array(limit, dtype))
    return node.tg("min", node.tg("max", x, low), high)


def _cast(node: NodeContext, to: ir.Type, to_code: int = 0) -> ir.Value:
    """``tg.cast`` of input 0 to ``to``, after checking the ``saturate`` and
    ``round_mode`` attributes (opsets 19 and 24): ``saturate=1`` (the default)
    to a float8 type clamps first (ONNX's table: +-inf and values beyond the
    largest give +-largest); ``tg.cast`` itself does not saturate."""
    saturate = int(node.attr("saturate", 1))
    if saturate not in (0, 1):
        node.unsupported(f"saturate must be 0 or 1, got {saturate}")
    round_mode = node.attr("round_mode", "up")
    round_mode = round_mode.decode() if isinstance(round_mode, bytes) else round_mode
    if round_mode not in ("up", "down", "nearest"):
        node.unsupported(f"round_mode must be 'up', 'down' or 'nearest', got '{round_mode}'")
    if str(to) == "f8E8M0FNU":
        node.unsupported("Cast to FLOAT8E8M0 is not supported yet (its round_mode encodings)")
    x = node.input(0)
    if node.input_type(0).element_type == to:
        return x
    if saturate and to_code in _SATURATED_FLOAT8:
        x = _saturate(node, x, _SATURATED_FLOAT8[to_code])
    return node.tg("cast", x, to=ir.TypeAttr.get(to))


def _supported_names() -> str:
    return ", ".join(name for name, code in onnx.TensorProto.DataType.items()
                     if types.numpy_dtype(code) is not None)


@rule("Cast")
def cast(node: NodeContext):
    """``tg.cast`` to ``to``: every numeric type, bool, bfloat16, the float8
    types, float4e2m1 and the 4- and 2-bit integers; ``saturate`` as ONNX's
    float8 tables. Not supported yet: strings, complex, float6, and casts to
    FLOAT8E8M0 (``round_mode``)."""
    to = int(node.attr("to"))
    element_type = types.mlir_element_type(to)
    if element_type is None:
        name = types.onnx_type_name(to) if to in onnx.TensorProto.DataType.values() else str(to)
        node.unsupported(f"Cast to {name} is not supported (supported: {_supported_names()})")
    return [_cast(node, element_type, to)]


@rule("CastLike", since=15)
def cast_like(node: NodeContext):
    """``tg.cast`` to the element type of input 1, as :func:`cast`."""
    target = node.const(1)
    if target is not None:
        element_type = types.element_type_of_dtype(target.dtype)
        if element_type is None:
            node.unsupported(f"CastLike to {target.dtype} is not supported "
                             f"(supported: {_supported_names()})")
        code = types.onnx_elem_type(target.dtype)
    else:
        element_type = node.input_type(1).element_type
        from polytile.runtime.jit import numpy_dtype
        try:
            code = types.onnx_elem_type(numpy_dtype(element_type)) or 0
        except TypeError:
            code = 0
    return [_cast(node, element_type, code)]


@rule("Relu")
def relu(node: NodeContext):
    return [node.tg("relu", node.input(0))]

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

def _cast(node: NodeContext, to: ir.Type) -> ir.Value:
    if node.input_type(0).element_type == to:
        return node.input(0)
    return node.tg("cast", node.input(0), to=ir.TypeAttr.get(to))


def _supported_names() -> str:
    return ", ".join(name for name, code in onnx.TensorProto.DataType.items()
                     if types.numpy_dtype(code) is not None)


@rule("Cast")
def cast(node: NodeContext):
    to = int(node.attr("to"))
    element_type = types.mlir_element_type(to)
    if element_type is None:
        name = types.onnx_type_name(to) if to in onnx.TensorProto.DataType.values() else str(to)
        node.unsupported(f"Cast to {name} is not supported (supported: {_supported_names()})")
    return [_cast(node, element_type)]


@rule("CastLike", since=15)
def cast_like(node: NodeContext):
    target = node.const(1)
    if target is not None:
        element_type = types.element_type_of_dtype(target.dtype)
        if element_type is None:
            node.unsupported(f"CastLike to {target.dtype} is not supported "
                             f"(supported: {_supported_names()})")
    else:
        element_type = node.input_type(1).element_type
    return [_cast(node, element_type)]


@rule("Relu")
def relu(node: NodeContext):
    return [node.tg("relu", node.input(0))]

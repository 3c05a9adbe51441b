"""Import rules for unary element-wise math and activation ops.

Each ONNX op maps to the ``tg`` op of the same (snake_case) name; attributes
are materialized with their ONNX defaults. ``Clip`` takes its bounds from
attributes before opset 11 and from optional inputs (constant or not) from
opset 11 on; absent bounds become the element type's lowest/highest value
(+-inf for floats, so that nothing is clipped). ``PRelu``'s slope is a second
operand broadcast unidirectionally to ``X``. ``Relu`` lives with the core ops.
"""
from __future__ import annotations

import numpy as np

from polytile.dialects import tg
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule

# ONNX op type -> (tg op, first opset that has it).
_PLAIN = {
    "Abs": ("abs", 1), "Neg": ("neg", 1), "Exp": ("exp", 1), "Log": ("log", 1),
    "Sqrt": ("sqrt", 1), "Reciprocal": ("reciprocal", 1), "Floor": ("floor", 1),
    "Ceil": ("ceil", 1), "Round": ("round", 11), "Sign": ("sign", 9),
    "Sin": ("sin", 7), "Cos": ("cos", 7), "Tan": ("tan", 7), "Asin": ("asin", 7),
    "Acos": ("acos", 7), "Atan": ("atan", 7), "Sinh": ("sinh", 9), "Cosh": ("cosh", 9),
    "Asinh": ("asinh", 9), "Acosh": ("acosh", 9), "Atanh": ("atanh", 9), "Erf": ("erf", 9),
    "Sigmoid": ("sigmoid", 1), "Tanh": ("tanh", 1), "Softplus": ("softplus", 1),
    "Softsign": ("softsign", 1), "IsNaN": ("is_nan", 9), "Not": ("not", 1),
    "BitwiseNot": ("bitwise_not", 18), "HardSwish": ("hard_swish", 14), "Mish": ("mish", 18),
}

# ONNX op type -> (tg op, first opset, {attribute: ONNX default}).
_WITH_ATTRIBUTES = {
    "Elu": ("elu", 1, {"alpha": 1.0}),
    "Selu": ("selu", 1, {"alpha": 1.67326319217681884765625, "gamma": 1.05070102214813232421875}),
    "Celu": ("celu", 12, {"alpha": 1.0}),
    "LeakyRelu": ("leaky_relu", 1, {"alpha": 0.01}),
    "HardSigmoid": ("hard_sigmoid", 1, {"alpha": 0.2, "beta": 0.5}),
    "ThresholdedRelu": ("thresholded_relu", 10, {"alpha": 1.0}),
    "Shrink": ("shrink", 9, {"bias": 0.0, "lambd": 0.5}),
    "IsInf": ("is_inf", 10, {"detect_negative": 1, "detect_positive": 1}),
    "Gelu": ("gelu", 20, {"approximate": "none"}),
    "Swish": ("swish", 24, {"alpha": 1.0}),
}


def _plain(tg_name: str):
    def import_unary(node: NodeContext):
        return [node.tg(tg_name, node.input(0))]

    return import_unary


def _with_attributes(tg_name: str, defaults: dict):
    def import_activation(node: NodeContext):
        attrs = {name: node.attr(name, default) for name, default in defaults.items()}
        return [node.tg(tg_name, node.input(0), **attrs)]

    return import_activation


for _op_type, (_tg_name, _since) in _PLAIN.items():
    rule(_op_type, since=_since)(_plain(_tg_name))

for _op_type, (_tg_name, _since, _defaults) in _WITH_ATTRIBUTES.items():
    rule(_op_type, since=_since)(_with_attributes(_tg_name, _defaults))


@rule("PRelu", since=7)
def prelu(node: NodeContext):
    return [node.tg("prelu", node.input(0), node.input(1))]


# Clip ------------------------------------------------------------------------

def _clip_dtype(node: NodeContext) -> np.dtype:
    from polytile.runtime.jit import numpy_dtype

    return np.dtype(numpy_dtype(node.input_type(0).element_type))


def _type_limit(dtype: np.dtype, upper: bool):
    """The value of ``dtype`` that clips nothing: +-inf for floats, else the integer range end."""
    if np.issubdtype(dtype, np.floating):
        return np.inf if upper else -np.inf
    info = np.iinfo(dtype)
    return info.max if upper else info.min


def _bound(node: NodeContext, dtype: np.dtype, value, upper: bool):
    """A 0-d constant bound (the type limit when ``value`` is None). Built with
    ``tg.constant`` rather than ``node.constant``, whose cache is keyed by
    ``id(array)`` and so may hand back the constant of a freed temporary."""
    if value is None:
        value = _type_limit(dtype, upper)
    with np.errstate(over="ignore"):  # float attributes beyond the f16 range become +-inf
        array = np.asarray(value).astype(dtype).reshape(())
    return tg.constant(array)


@rule("Clip", since=6)
def clip_attributes(node: NodeContext):
    """Clip-6: bounds are float attributes (defaults: the float range)."""
    dtype = _clip_dtype(node)
    finfo = np.finfo(np.float32)
    low = _bound(node, dtype, node.attr("min", float(finfo.min)), upper=False)
    high = _bound(node, dtype, node.attr("max", float(finfo.max)), upper=True)
    return [node.tg("clip", node.input(0), low, high)]


@rule("Clip", since=11)
def clip_inputs(node: NodeContext):
    """Clip-11+: bounds are optional one-element inputs, constant or computed."""
    dtype = _clip_dtype(node)
    bounds = []
    for i, upper in ((1, False), (2, True)):
        if not node.has_input(i):
            bounds.append(_bound(node, dtype, None, upper))
        elif node.const(i) is not None:
            value = node.const(i)
            if value.size != 1:
                node.unsupported(f"the {'max' if upper else 'min'} bound must have one element, "
                                 f"got shape {list(value.shape)}")
            bounds.append(_bound(node, dtype, value.reshape(()), upper))
        else:
            bounds.append(node.input(i))
    return [node.tg("clip", node.input(0), *bounds)]

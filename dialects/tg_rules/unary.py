"""Type rules of tg unary element-wise math and activation ops.

Every op here keeps the input's shape; most keep its element type too (the
predicates ``is_nan``/``is_inf`` return i1). ``clip`` also takes one-element
``min``/``max`` bounds and ``prelu`` a ``slope`` that broadcasts
unidirectionally to ``x``.
"""
from __future__ import annotations

from typing import Sequence

from mlir import ir

from polytile.dialects.tg import (DYNAMIC, FLOAT_TYPES, INT_TYPES, NUMERIC_TYPES, SIGNED_INT_TYPES, OpInfo,
                                  tensor, type_rule)

ELEMENTWISE = "elementwise"
from polytile.dialects.tg_rules.common import fmt_shape

# Float-only math and activations without attributes.
_FLOAT_UNARY = ("exp", "log", "sqrt", "reciprocal", "floor", "ceil", "round", "sin", "cos", "tan",
                "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "sigmoid",
                "tanh", "softplus", "softsign", "hard_swish", "mish")

# Float-only activations and the float attributes each requires.
_FLOAT_ACTIVATIONS = {
    "elu": ("alpha",),
    "selu": ("alpha", "gamma"),
    "celu": ("alpha",),
    "leaky_relu": ("alpha",),
    "hard_sigmoid": ("alpha", "beta"),
    "thresholded_relu": ("alpha",),
    "swish": ("alpha",),
}

GELU_APPROXIMATIONS = ("none", "tanh")


def _same_type(allowed: Sequence[str]):
    def rule(info: OpInfo) -> list[ir.Type]:
        info.element_type(0, allowed)
        return [info.operand(0)]

    return rule


for _name in _FLOAT_UNARY:
    type_rule(_name, kind=ELEMENTWISE)(_same_type(FLOAT_TYPES))

type_rule("abs", kind=ELEMENTWISE)(_same_type(NUMERIC_TYPES))
type_rule("sign", kind=ELEMENTWISE)(_same_type(NUMERIC_TYPES))
type_rule("neg", kind=ELEMENTWISE)(_same_type(FLOAT_TYPES + SIGNED_INT_TYPES))
type_rule("not", kind=ELEMENTWISE)(_same_type(("i1",)))
type_rule("bitwise_not", kind=ELEMENTWISE)(_same_type(INT_TYPES))


def _float_activation(attributes: Sequence[str]):
    def rule(info: OpInfo) -> list[ir.Type]:
        info.element_type(0, FLOAT_TYPES)
        for name in attributes:
            info.float(name)
        return [info.operand(0)]

    return rule


for _name, _attrs in _FLOAT_ACTIVATIONS.items():
    type_rule(_name, kind=ELEMENTWISE)(_float_activation(_attrs))


@type_rule("shrink", kind=ELEMENTWISE)
def _shrink(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, NUMERIC_TYPES)
    info.float("bias")
    info.float("lambd")
    return [info.operand(0)]


@type_rule("gelu", kind=ELEMENTWISE)
def _gelu(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    approximate = info.attr("approximate")
    if approximate not in GELU_APPROXIMATIONS:
        info.fail(f"approximate must be \"none\" or \"tanh\", got {approximate!r}")
    return [info.operand(0)]


def _bool_of_input(info: OpInfo) -> list[ir.Type]:
    x = info.operand(0)
    return [tensor(x.shape, ir.IntegerType.get_signless(1, context=x.context))]


@type_rule("is_nan", kind=ELEMENTWISE, fold="IsNaN")
def _is_nan(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    return _bool_of_input(info)


@type_rule("is_inf", kind=ELEMENTWISE)
def _is_inf(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    for name in ("detect_negative", "detect_positive"):
        if info.int(name) not in (0, 1):
            info.fail(f"{name} must be 0 or 1")
    return _bool_of_input(info)


@type_rule("clip", kind=ELEMENTWISE)
def _clip(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1, 2)
    for i, name in ((1, "min"), (2, "max")):
        shape = info.operand(i).shape
        if any(dim != 1 for dim in shape):
            info.fail(f"{name} must have exactly one element, got shape {fmt_shape(shape)}")
    return [info.operand(0)]


@type_rule("prelu", kind=ELEMENTWISE, fold="PRelu")
def _prelu(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1)
    x, slope = info.operand(0).shape, info.operand(1).shape
    if len(slope) > len(x):
        info.fail(f"slope of shape {fmt_shape(slope)} has a higher rank than x ({fmt_shape(x)})")
    for s, d in zip(reversed(slope), reversed(x)):
        if s != 1 and s != d and DYNAMIC not in (s, d):
            info.fail(f"slope of shape {fmt_shape(slope)} does not broadcast to x of shape {fmt_shape(x)}")
    return [info.operand(0)]

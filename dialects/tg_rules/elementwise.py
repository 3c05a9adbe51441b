"""Type rules of tg element-wise ops: arithmetic, pow/mod/shifts, bitwise and
logical ops, comparisons, max/min, where and cast. Binary ops broadcast their
operands multidirectionally (numpy)."""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import (ALL_TYPES, FLOAT_TYPES, INT_TYPES, NUMERIC_TYPES, SIGNED_INT_TYPES,
                                  OpInfo, tensor, type_rule)
from polytile.dialects.tg_rules.common import broadcast_shapes, type_attribute

BOOL_TYPES = ("i1",)
# Element types tg.cast converts between: every tg type, the float8 and float4
# types and the 4- and 2-bit integers (their lowering: tg_to_linalg/small_types.py).
SMALL_TYPES = ("f8E4M3FN", "f8E4M3FNUZ", "f8E5M2", "f8E5M2FNUZ", "f8E8M0FNU", "f4E2M1FN",
               "i4", "ui4", "i2", "ui2")
CAST_TYPES = ALL_TYPES + SMALL_TYPES
# Not a cast target yet: f8E8M0FNU (ONNX's round_mode; its encoding is not written).
CAST_RESULT_TYPES = tuple(t for t in CAST_TYPES if t != "f8E8M0FNU")

ELEMENTWISE = "elementwise"


def _broadcast(info: OpInfo, *indices: int) -> list[int]:
    shape = list(info.operand(indices[0]).shape)
    for i in indices[1:]:
        shape = broadcast_shapes(info, shape, info.operand(i).shape)
    return shape


def _same_type_binary(allowed, bool_result: bool = False):
    """Rule of a broadcasting binary op whose operands share one element type
    from ``allowed``; the result has that type, or bool (i1) if ``bool_result``."""

    def rule(info: OpInfo) -> list[ir.Type]:
        etype = info.element_type(0, allowed)
        info.same_element_types(0, 1)
        out = ir.IntegerType.get_signless(1, context=etype.context) if bool_result else etype
        return [tensor(_broadcast(info, 0, 1), out)]

    return rule


for _name in ("add", "sub", "mul", "div", "max", "min"):
    type_rule(_name, kind=ELEMENTWISE)(_same_type_binary(NUMERIC_TYPES))
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    type_rule(_name, kind=ELEMENTWISE)(_same_type_binary(INT_TYPES))
for _name in ("and", "or", "xor"):
    type_rule(_name, kind=ELEMENTWISE)(_same_type_binary(BOOL_TYPES))
type_rule("equal", kind=ELEMENTWISE)(_same_type_binary(NUMERIC_TYPES + BOOL_TYPES, bool_result=True))
for _name in ("greater", "less", "greater_or_equal", "less_or_equal"):
    type_rule(_name, kind=ELEMENTWISE)(_same_type_binary(NUMERIC_TYPES, bool_result=True))


@type_rule("pow", kind=ELEMENTWISE)
def _pow(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES + ("i32", "i64"))
    info.element_type(1, NUMERIC_TYPES)
    return [tensor(_broadcast(info, 0, 1), etype)]


@type_rule("mod", kind=ELEMENTWISE)
def _mod(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1)
    fmod = info.int("fmod")
    if fmod not in (0, 1):
        info.fail(f"attribute 'fmod' must be 0 or 1, got {fmod}")
    return [tensor(_broadcast(info, 0, 1), etype)]


@type_rule("bit_shift", kind=ELEMENTWISE)
def _bit_shift(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, INT_TYPES)
    info.same_element_types(0, 1)
    direction = info.attr("direction")
    if direction not in ("LEFT", "RIGHT"):
        info.fail(f"attribute 'direction' must be \"LEFT\" or \"RIGHT\", got {direction!r}")
    return [tensor(_broadcast(info, 0, 1), etype)]


@type_rule("where", kind=ELEMENTWISE)
def _where(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, BOOL_TYPES)
    etype = info.element_type(1, ALL_TYPES)
    info.same_element_types(1, 2)
    return [tensor(_broadcast(info, 0, 1, 2), etype)]


@type_rule("cast", kind=ELEMENTWISE)
def _cast(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, CAST_TYPES)
    to = type_attribute(info, "to")
    if str(to.value) not in CAST_RESULT_TYPES:
        info.fail(f"cannot cast to {to.value}, expected one of {', '.join(CAST_RESULT_TYPES)}")
    return [tensor(info.operand(0).shape, to.value)]


@type_rule("relu", kind=ELEMENTWISE)
def _relu(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES + SIGNED_INT_TYPES)
    return [info.operand(0)]

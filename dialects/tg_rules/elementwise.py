"""Type rules of tg element-wise ops (numpy broadcasting for binary ops)."""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import FLOAT_TYPES, NUMERIC_TYPES, SIGNED_INT_TYPES, OpInfo, tensor, type_rule
from polytile.dialects.tg_rules.common import broadcast_shapes


def _binary_elementwise(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1)
    return [tensor(broadcast_shapes(info, info.operand(0).shape, info.operand(1).shape), etype)]


for _name in ("add", "sub", "mul", "div"):
    type_rule(_name)(_binary_elementwise)


@type_rule("relu")
def _relu(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES + SIGNED_INT_TYPES)
    return [info.operand(0)]

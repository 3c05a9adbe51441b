"""Type rules of tg graph-structure ops (identity, dropout): the result has the
operand's type."""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import ALL_TYPES, FLOAT_TYPES, OpInfo, type_rule


@type_rule("identity")
def _identity(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, ALL_TYPES)
    return [info.operand(0)]


@type_rule("dropout")
def _dropout(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    return [info.operand(0)]

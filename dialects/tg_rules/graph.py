"""Type rules of tg graph-structure ops (identity, dropout): the result has the
operand's type."""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import ALL_TYPES, FLOAT_TYPES, SPLAT_SAME, OpInfo, type_rule


# Both only pass their operand on: free (no kernel), folded away by tg-remove-identity.
@type_rule("identity", kind="free", splat=SPLAT_SAME)
def _identity(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, ALL_TYPES)
    return [info.operand(0)]


@type_rule("dropout", kind="free")
def _dropout(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    return [info.operand(0)]

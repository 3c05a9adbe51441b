"""Type rules of tg graph-structure ops: identity and dropout (the result has the
operand's type), shape_of (the operand's dims as a 1-d i64 tensor)."""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import ALL_TYPES, FLOAT_TYPES, NO_FOLD, SPLAT_SAME, OpInfo, tensor, type_rule


# Both only pass their operand on: free (no kernel), folded away by tg-remove-identity.
@type_rule("identity", kind="free", splat=SPLAT_SAME)
def _identity(info: OpInfo) -> list[ir.Type]:
    from polytile.dialects.tg_rules.elementwise import SMALL_TYPES  # float8/float4, i4/i2
    info.element_type(0, ALL_TYPES + SMALL_TYPES)
    return [info.operand(0)]


@type_rule("dropout", kind="free")
def _dropout(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    return [info.operand(0)]


# A few index computations, no loops: free (it stays in the graph function). It never
# folds: its operand has a dynamic dim, else the importer makes a constant.
@type_rule("shape_of", kind="free", fold=NO_FOLD)
def _shape_of(info: OpInfo) -> list[ir.Type]:
    rank = info.operand(0).rank
    start, end = info.int("start"), info.int("end")
    if not 0 <= start <= end <= rank:
        info.fail(f"start {start} and end {end} must satisfy 0 <= start <= end <= rank ({rank})")
    return [tensor([end - start], ir.IntegerType.get_signless(64, context=info.operand(0).context))]

"""Lowerings of tg graph-structure ops (identity, dropout): both forward their
input unchanged (dropout is inference-only), dynamic dims included."""
from __future__ import annotations

from . import LoweringContext, lowering


@lowering("identity", dynamic=True)
def _identity(ctx: LoweringContext):
    return [ctx.operand(0)]


@lowering("dropout", dynamic=True)
def _dropout(ctx: LoweringContext):
    return [ctx.operand(0)]

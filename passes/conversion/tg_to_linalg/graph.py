"""Lowerings of tg graph-structure ops (identity, dropout): both forward their
input unchanged (dropout is inference-only)."""
from __future__ import annotations

from . import LoweringContext, lowering


@lowering("identity")
def _identity(ctx: LoweringContext):
    return [ctx.operand(0)]


@lowering("dropout")
def _dropout(ctx: LoweringContext):
    return [ctx.operand(0)]

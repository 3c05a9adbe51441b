"""Lowerings of tg graph-structure ops (identity, dropout)."""
from __future__ import annotations

from . import LoweringContext, lowering  # noqa: F401

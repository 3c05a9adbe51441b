"""Type rules of tg graph-structure ops (identity, dropout)."""
from __future__ import annotations

from mlir import ir  # noqa: F401

from polytile.dialects.tg import OpInfo, tensor, type_rule  # noqa: F401

"""Lowerings of tg reductions, arg-reductions, softmax and normalization ops."""
from __future__ import annotations

from . import LoweringContext, lowering  # noqa: F401

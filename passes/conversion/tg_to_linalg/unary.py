"""Lowerings of tg unary element-wise math and activation ops."""
from __future__ import annotations

from . import LoweringContext, lowering  # noqa: F401

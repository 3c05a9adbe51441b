"""Import rules for unary element-wise math and activation ops."""
from __future__ import annotations

from polytile.importers.onnx.graph import NodeContext  # noqa: F401
from polytile.importers.onnx.registry import rule  # noqa: F401

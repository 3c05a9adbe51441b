"""Import rules for reductions, arg-reductions, softmax and normalization ops."""
from __future__ import annotations

from polytile.importers.onnx.graph import NodeContext  # noqa: F401
from polytile.importers.onnx.registry import rule  # noqa: F401

"""Errors raised while importing an ONNX model."""
from __future__ import annotations

from polytile.diagnostics import PolytileError


class OnnxImportError(PolytileError):
    """The model cannot be imported: unreadable, invalid, unsupported, or an
    unpinned dynamic dimension. The message names the node when there is one."""


class UnsupportedNode(Exception):
    """Raised by an import rule: this node (op type, attribute, dtype, ...) is not
    supported yet. The walker adds the node's name and op type."""

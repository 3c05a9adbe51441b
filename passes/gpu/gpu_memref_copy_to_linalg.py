"""gpu-memref-copy-to-linalg: rewrite ``memref.copy`` as ``linalg.copy``.

Bufferization copies buffers with ``memref.copy``, which lowers to a call into
the CPU runtime (``memrefCopy``) that cannot run on device memory. As a
``linalg.copy`` the copy becomes a parallel loop nest and then a GPU kernel.

Does not yet: handle copies between different memory spaces (host <-> device);
those are ``gpu.memcpy`` and never come out of bufferization here.
"""
from __future__ import annotations

from mlir import ir

from polytile.pass_registry import register_pass

from polytile.passes.conversion.memref_copy_to_linalg import copies_to_linalg


@register_pass("gpu-memref-copy-to-linalg")
def run(root: ir.Operation, options) -> None:
    """Replace each memref.copy with an equivalent linalg.copy (memref-copy-to-linalg)."""
    copies_to_linalg(root)

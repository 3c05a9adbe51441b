"""memref-copy-to-linalg: rewrite ``memref.copy`` as ``linalg.copy``.

Bufferization copies buffers with ``memref.copy``, which lowers to a call into the
runtime's generic ``memrefCopy``: element by element through the strides when either
side is not contiguous (a padded buffer's interior, a strided subview). As a
``linalg.copy`` the copy becomes a loop nest like any other: on the CPU an outlined
kernel whose contiguous innermost loop LLVM vectorizes (and an aot library needs no
``memrefCopy``); on the GPU a parallel loop nest and then a kernel.

Does not yet: handle copies between different memory spaces (host <-> device); those
are ``gpu.memcpy`` and never come out of bufferization here.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import linalg

from polytile.pass_registry import register_pass

from polytile.passes.common.walk import ops_in


def copies_to_linalg(root: ir.Operation) -> None:
    """Replace each memref.copy under ``root`` with an equivalent linalg.copy."""
    for op in ops_in(root, "memref.copy"):
        source, target = op.operands
        with ir.InsertionPoint(op), op.location:
            linalg.copy(source, outs=[target])
        op.erase()


@register_pass("memref-copy-to-linalg")
def run(root: ir.Operation, options) -> None:
    """Replace each memref.copy with an equivalent linalg.copy."""
    copies_to_linalg(root)

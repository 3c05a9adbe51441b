"""Kernel functions as ``tg-fuse-kernels`` makes them: a ``func.func`` with a
``tg.kernel`` attribute whose anchor op (the contraction or reduction the
kernel is built around) carries ``tg.anchor``."""
from __future__ import annotations

from typing import Optional

from mlir import ir


def func_name(op: ir.Operation) -> str:
    """The symbol name of a function."""
    return ir.StringAttr(op.attributes["sym_name"]).value


def anchor_of(kernel_func: ir.Operation) -> Optional[ir.Operation]:
    """The op marked ``tg.anchor`` in a kernel function, if any."""
    for block in kernel_func.regions[0].blocks:
        for op in block.operations:
            if "tg.anchor" in op.operation.attributes:
                return op.operation
    return None


def kernel_funcs(module_op: ir.Operation) -> list[ir.Operation]:
    """The kernel functions at the top level of a module."""
    return [op.operation for op in module_op.regions[0].blocks[0].operations
            if op.operation.name == "func.func" and "tg.kernel" in op.operation.attributes]

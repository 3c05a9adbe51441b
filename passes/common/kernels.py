"""Kernel functions as ``tg-fuse-kernels`` makes them: a ``func.func`` with a
``tg.kernel`` attribute (its kind) whose anchor op (the contraction or reduction
the kernel is built around) carries ``tg.anchor``; and the attribute that tags
the linalg ops lowered from a scheduled kernel with that kernel's name.

The attribute names are declared here, once; passes import them.
"""
from __future__ import annotations

from typing import Optional

from mlir import ir

#: On a kernel function: its kind, a string attribute naming a kernel class
#: ("contraction", "reduction", "elementwise", "opaque"; see dialects/op_table.py).
KERNEL_KIND_ATTR = "tg.kernel"
#: On the op a kernel function is built around (a unit attribute).
ANCHOR_ATTR = "tg.anchor"
#: On linalg ops lowered from a scheduled kernel: a string attribute holding the
#: kernel function's name, which sched-apply matches to the kernel's schedule.
KERNEL_TAG_ATTR = "sched.kernel"
#: On the linalg op a scheduled kernel's anchor was lowered to in plain (not packed)
#: form: the kernel function's name (sched-apply{target=cuda} reads it for gpu_map).
PLAIN_ANCHOR_ATTR = "sched.plain_anchor"
#: On the linalg.generic of a packed grouped convolution (loops n, oh, ow, g, f, kh, kw,
#: c): sched-apply tiles it like a convolution and folds its unit dims into a matrix product.
GROUPED_CONV_ATTR = "sched.grouped_conv"


def func_name(op: ir.Operation) -> str:
    """The symbol name of a function."""
    return ir.StringAttr(op.attributes["sym_name"]).value


def anchor_of(kernel_func: ir.Operation) -> Optional[ir.Operation]:
    """The op marked ``tg.anchor`` in a kernel function, if any."""
    for block in kernel_func.regions[0].blocks:
        for op in block.operations:
            if ANCHOR_ATTR in op.operation.attributes:
                return op.operation
    return None


def kernel_funcs(module_op: ir.Operation) -> list[ir.Operation]:
    """The kernel functions at the top level of a module."""
    return [op.operation for op in module_op.regions[0].blocks[0].operations
            if op.operation.name == "func.func" and KERNEL_KIND_ATTR in op.operation.attributes]

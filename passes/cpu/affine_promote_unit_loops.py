"""affine-promote-unit-loops: replace an ``affine.for`` that runs exactly once by its body.

Linalg ops over tensors with a batch dim of 1 (``[1, 3, 197, 197]``, ``[1, 128, 384]``)
lower to nests whose outermost loop runs once. ``affine-parallelize`` makes the outermost
dependence-free loop of a nest parallel: that one-iteration loop, so the whole nest ran on
one thread inside an OpenMP region (a fork and a join for nothing) while the loop below it,
the one with the work, stayed serial. Promoting the unit loops first lets the threads
take the first loop that has iterations to share.

Promoted: an ``affine.for`` without results whose constant bounds and step give one
iteration (its induction variable becomes the constant lower bound). Does not yet: loops
with ``iter_args``, bounds with operands (a dynamic size of 1 is known only at run time), or
``affine.parallel`` ops.
"""
from __future__ import annotations

from typing import Optional

from mlir import ir
from mlir.dialects import arith

from polytile.passes.common.affine_maps import constant_result
from polytile.pass_registry import register_pass
from polytile.passes.common.walk import ops_in


def _single_iteration(loop: ir.Operation) -> Optional[int]:
    """The lower bound of ``loop`` when it runs exactly once, else None."""
    if loop.results:
        return None
    lower = constant_result(ir.AffineMapAttr(loop.attributes["lowerBoundMap"]).value)
    upper = constant_result(ir.AffineMapAttr(loop.attributes["upperBoundMap"]).value)
    step = ir.IntegerAttr(loop.attributes["step"]).value
    if lower is None or upper is None or not lower < upper <= lower + step:
        return None
    return lower


def promote(loop: ir.Operation) -> bool:
    """Splice the body of the one-iteration ``loop`` in its place (True), or leave it (False)."""
    lower = _single_iteration(loop)
    if lower is None:
        return False
    block = loop.regions[0].blocks[0]
    with ir.InsertionPoint(loop), loop.location:
        iv = arith.ConstantOp(ir.IndexType.get(), lower).result
    block.arguments[0].replace_all_uses_with(iv)
    for inner in list(block.operations):
        if inner.operation.name == "affine.yield":
            continue
        inner.operation.move_before(loop)
    loop.erase()
    return True


@register_pass("affine-promote-unit-loops")
def run(root: ir.Operation, options) -> None:
    """Replace every one-iteration affine.for (constant bounds, no results) by its body."""
    for loop in ops_in(root, "affine.for"):
        if loop.name == "affine.for":
            promote(loop)

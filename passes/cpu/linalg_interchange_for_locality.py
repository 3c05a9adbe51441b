"""linalg-interchange-for-locality: move a vectorizable parallel loop innermost.

For each ``linalg.generic`` whose innermost loop is a reduction (e.g. a
convolution's kernel loop, a matmul's k loop), find a parallel loop ``d`` that
indexes the fastest-varying dim of the output and of at least one input (e.g.
the output column of a convolution or matmul) and make it the innermost loop.
Loops then lower to code where the inner loop walks memory contiguously and has
no loop-carried float reduction, which LLVM vectorizes.

The op is rebuilt with permuted indexing maps and iterator types; ``linalg.index``
ops in its body are renumbered. Does not yet: use a cost model, tile, or touch
named ops (those are scheduled by the sched dialect).
"""
from __future__ import annotations

from typing import Optional

from mlir import ir

from polytile.pass_registry import register_pass

from polytile.passes.common.linalg_generic import indexing_maps, interchange, iterator_kinds
from polytile.passes.common.walk import ops_in


def _involves(expr: ir.AffineExpr, dim: int, num_dims: int) -> bool:
    """Whether ``expr`` changes when only loop ``dim`` changes."""
    probe = ir.AffineMap.get(num_dims, 0, [ir.AffineConstantExpr.get(0)] * num_dims)
    shifted = [ir.AffineConstantExpr.get(1 if i == dim else 0) for i in range(num_dims)]
    base = expr.compose(probe)
    moved = expr.compose(ir.AffineMap.get(num_dims, 0, shifted))
    return str(base) != str(moved)


def choose_innermost(op: ir.Operation) -> Optional[int]:
    """The parallel loop to move innermost, or None to leave the op as it is."""
    iterators = iterator_kinds(op)
    if not iterators or iterators[-1] != "reduction":
        return None
    maps = indexing_maps(op)
    n_inputs = len(op.operands) - len(op.results)
    outputs, inputs = maps[n_inputs:], maps[:n_inputs]
    if len(outputs) != 1 or not outputs[0].results:
        return None
    last = outputs[0].results[-1]
    num_dims = len(iterators)
    for dim, kind in enumerate(iterators):
        if kind != "parallel" or str(last) != f"d{dim}":
            continue
        if any(m.results and _involves(m.results[-1], dim, num_dims) for m in inputs):
            return dim
    return None


@register_pass("linalg-interchange-for-locality")
def run(root: ir.Operation, options) -> None:
    """Make a contiguous parallel loop innermost in reduction-innermost linalg.generic ops."""
    for op in ops_in(root, "linalg.generic"):
        dim = choose_innermost(op)
        if dim is None:
            continue
        order = [d for d in range(len(iterator_kinds(op))) if d != dim] + [dim]
        interchange(op, order)

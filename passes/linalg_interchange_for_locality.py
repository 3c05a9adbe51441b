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
from mlir.dialects import linalg

from polytile.pass_registry import register_pass

from .walk import ops_in


def _involves(expr: ir.AffineExpr, dim: int, num_dims: int) -> bool:
    """Whether ``expr`` changes when only loop ``dim`` changes."""
    probe = ir.AffineMap.get(num_dims, 0, [ir.AffineConstantExpr.get(0)] * num_dims)
    shifted = [ir.AffineConstantExpr.get(1 if i == dim else 0) for i in range(num_dims)]
    base = expr.compose(probe)
    moved = expr.compose(ir.AffineMap.get(num_dims, 0, shifted))
    return str(base) != str(moved)


def _iterators(op: ir.Operation) -> list[str]:
    return ["reduction" if "reduction" in str(a) else "parallel"
            for a in ir.ArrayAttr(op.attributes["iterator_types"])]


def _maps(op: ir.Operation) -> list[ir.AffineMap]:
    return [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]


def choose_innermost(op: ir.Operation) -> Optional[int]:
    """The parallel loop to move innermost, or None to leave the op as it is."""
    iterators = _iterators(op)
    if not iterators or iterators[-1] != "reduction":
        return None
    maps = _maps(op)
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


def interchange(op: ir.Operation, order: list[int]) -> ir.Operation:
    """Rebuild ``op`` so that new loop ``i`` is old loop ``order[i]``."""
    num_dims = len(order)
    new_position = {old: new for new, old in enumerate(order)}
    # old dim j is new dim new_position[j]
    to_new = ir.AffineMap.get(num_dims, 0, [ir.AffineDimExpr.get(new_position[j]) for j in range(num_dims)])
    maps = [ir.AffineMap.get(num_dims, 0, [e.compose(to_new) for e in m.results]) for m in _maps(op)]
    iterators = _iterators(op)
    n_inputs = len(op.operands) - len(op.results)
    with ir.InsertionPoint(op), op.location:
        new = linalg.GenericOp(
            [r.type for r in op.results], list(op.operands)[:n_inputs], list(op.operands)[n_inputs:],
            ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps]),
            ir.ArrayAttr.get([ir.Attribute.parse(f"#linalg.iterator_type<{iterators[o]}>") for o in order]))
    op.regions[0].blocks[0].append_to(new.regions[0])
    for inner in ops_in(new.operation, "linalg.index"):
        old_dim = ir.IntegerAttr(inner.attributes["dim"]).value
        inner.attributes["dim"] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), new_position[old_dim])
    for old, repl in zip(op.results, new.results):
        old.replace_all_uses_with(repl)
    op.erase()
    return new.operation


@register_pass("linalg-interchange-for-locality")
def run(root: ir.Operation, options) -> None:
    """Make a contiguous parallel loop innermost in reduction-innermost linalg.generic ops."""
    for op in ops_in(root, "linalg.generic"):
        dim = choose_innermost(op)
        if dim is None:
            continue
        order = [d for d in range(len(_iterators(op))) if d != dim] + [dim]
        interchange(op, order)

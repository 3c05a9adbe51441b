"""Reading and rebuilding ``linalg.generic`` ops: their iterator kinds, their
indexing maps, and a loop interchange that rebuilds the op with permuted loops.
Shared by the CPU locality interchange, the GPU parallel-outer interchange and
the GPU matmul kernels."""
from __future__ import annotations

from mlir import ir
from mlir.dialects import linalg

from polytile.passes.common.walk import ops_in


def iterator_kinds(op: ir.Operation) -> list[str]:
    """``"parallel"`` or ``"reduction"`` per loop of a ``linalg.generic``."""
    return ["reduction" if "reduction" in str(a) else "parallel"
            for a in ir.ArrayAttr(op.attributes["iterator_types"])]


def indexing_maps(op: ir.Operation) -> list[ir.AffineMap]:
    """The indexing map of every operand of a ``linalg.generic``, inputs first."""
    return [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]


def interchange(op: ir.Operation, order: list[int]) -> ir.Operation:
    """Rebuild ``op`` so that new loop ``i`` is old loop ``order[i]``."""
    num_dims = len(order)
    new_position = {old: new for new, old in enumerate(order)}
    # old dim j is new dim new_position[j]
    to_new = ir.AffineMap.get(num_dims, 0, [ir.AffineDimExpr.get(new_position[j]) for j in range(num_dims)])
    maps = [ir.AffineMap.get(num_dims, 0, [e.compose(to_new) for e in m.results]) for m in indexing_maps(op)]
    iterators = iterator_kinds(op)
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

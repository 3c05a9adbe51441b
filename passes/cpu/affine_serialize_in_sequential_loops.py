"""affine-serialize-in-sequential-loops: turn an ``affine.parallel`` that lies inside a
sequential loop (``scf.for``, ``scf.while``) back into an ``affine.for``.

Runs right after ``affine-parallelize``. A parallel loop inside a sequential one starts an
OpenMP parallel region (a fork and a join of every thread) per iteration of the sequential
loop: a recurrence's time loop (LSTM/GRU/RNN, Loop, Scan) holds a few small nests per step,
and hundreds of fork/joins per run cost far more than the threads gain (worse still on a
loaded machine, where a join waits for a thread that is not scheduled). Such loops run
serially; the parallel loops of the nests that are not inside a sequential loop keep their
threads.

Only ``affine.parallel`` ops of one dimension without reductions (what
``affine-parallelize`` makes by default) are turned back; others are left alone. Does not
yet: weigh the work of a step (a step large enough to pay for a fork/join would be worth
one parallel region per step), or look through ``affine.for`` loops that stayed sequential.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import affine

from polytile.pass_registry import register_pass
from polytile.passes.common.walk import ops_in

#: The ops whose body runs once per iteration, one iteration after the other.
SEQUENTIAL_LOOPS = ("scf.for", "scf.while")


def _inside_sequential_loop(op: ir.Operation) -> bool:
    parent = op.parent
    while parent is not None and parent.name != "func.func":
        if parent.name in SEQUENTIAL_LOOPS:
            return True
        parent = parent.parent
    return False


def parallel_as_for(op: ir.Operation) -> bool:
    """Rebuild the one-dimensional, result-free ``affine.parallel`` ``op`` as an ``affine.for``
    holding the same body; False (nothing changed) for any other kind."""
    if op.results or len(op.regions[0].blocks[0].arguments) != 1:
        return False
    steps = [ir.IntegerAttr(s).value for s in ir.ArrayAttr(op.attributes["steps"])]
    lower = ir.AffineMapAttr(op.attributes["lowerBoundsMap"]).value
    upper = ir.AffineMapAttr(op.attributes["upperBoundsMap"]).value
    operands = list(op.operands)
    lower_operands, upper_operands = operands[:lower.n_inputs], operands[lower.n_inputs:]
    with ir.InsertionPoint(op), op.location:
        loop = affine.AffineForOp(lower, upper, steps[0], lower_bound_operands=lower_operands,
                                  upper_bound_operands=upper_operands)
    old_block = op.regions[0].blocks[0]
    new_block = loop.body
    # the builder's own terminator goes: the moved body brings its affine.yield
    for existing in list(new_block.operations):
        existing.operation.erase()
    old_block.arguments[0].replace_all_uses_with(loop.induction_variable)
    for inner in list(old_block.operations):
        new_block.append(inner.operation)
    op.erase()
    return True


@register_pass("affine-serialize-in-sequential-loops")
def run(root: ir.Operation, options) -> None:
    """Turn every affine.parallel inside an scf.for/scf.while back into an affine.for."""
    for op in ops_in(root, "affine.parallel"):
        if op.name == "affine.parallel" and _inside_sequential_loop(op):
            parallel_as_for(op)

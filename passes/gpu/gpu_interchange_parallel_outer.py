"""gpu-interchange-parallel-outer: make every parallel loop of a linalg.generic
outer to every reduction loop.

``convert-linalg-to-parallel-loops`` turns each run of consecutive parallel
loops into one ``scf.parallel`` and each reduction loop into an ``scf.for``;
with all parallel loops first, a generic becomes a single ``scf.parallel`` over
its output whose body holds the sequential reduction loops, which
``gpu-launch-parallel-loops`` maps to GPU threads in one kernel. The relative
order of the parallel loops (and of the reduction loops) is kept, so the last
output dimension stays the fastest-varying thread index (coalesced accesses).

Does not yet: reorder loops for locality inside a thread, or touch named ops
(run ``linalg-generalize-named-ops`` first).
"""
from __future__ import annotations

from mlir import ir

from polytile.pass_registry import register_pass

from polytile.passes.common.linalg_generic import interchange, iterator_kinds
from polytile.passes.common.walk import ops_in


def parallel_outer_order(iterators: list[str]) -> list[int]:
    """Loop order with the parallel loops first, each group in its old order."""
    parallel = [d for d, kind in enumerate(iterators) if kind == "parallel"]
    reduction = [d for d, kind in enumerate(iterators) if kind != "parallel"]
    return parallel + reduction


@register_pass("gpu-interchange-parallel-outer")
def run(root: ir.Operation, options) -> None:
    """Move the parallel loops of every linalg.generic outside its reduction loops."""
    for op in ops_in(root, "linalg.generic"):
        order = parallel_outer_order(iterator_kinds(op))
        if order != sorted(order):
            interchange(op, order)

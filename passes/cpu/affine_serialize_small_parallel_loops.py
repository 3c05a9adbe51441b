"""affine-serialize-small-parallel-loops: turn an ``affine.parallel`` whose work is too small
to pay for a parallel region back into an ``affine.for``.

Runs right after ``affine-parallelize``, which makes the outermost dependence-free loop of
every nest parallel whatever its size. Each such loop becomes an OpenMP parallel region: a
fork and a join of every thread (microseconds on a quiet machine, a scheduler tick when a
thread is not running). A nest whose estimated work is below ``min-work`` element
operations stays serial, so the threads are spent on the kernels that are worth it. The
work of a nest is the sum over its operations of the elements each one computes (a vector
op counts its lanes) times the trip counts of the loops around it; a loop whose trip count
is not a constant makes the estimate unknown, and the loop stays parallel.

Only ``affine.parallel`` ops of one dimension without reductions (what
``affine-parallelize`` makes by default) are turned back. Does not yet: weigh memory
traffic (a copy moves bytes, not arithmetic) or the machine's measured fork/join cost.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Optional

from mlir import ir

from polytile.passes.common.affine_maps import constant_result
from polytile.pass_registry import option, register_pass
from polytile.passes.common.walk import ops_in
from polytile.passes.cpu.affine_serialize_in_sequential_loops import parallel_as_for

_LOOPS = ("affine.for", "affine.parallel")
_FREE = ("affine.yield", "affine.apply", "arith.constant", "memref.subview", "memref.expand_shape",
         "memref.collapse_shape", "memref.reinterpret_cast")


@dataclasses.dataclass(frozen=True)
class Options:
    min_work: int = option(1 << 16, "Element operations below which a parallel nest runs serially")


def _trips(op: ir.Operation) -> Optional[int]:
    """The iterations of an affine.for / affine.parallel with constant bounds, else None."""
    if op.name == "affine.for":
        lower = constant_result(ir.AffineMapAttr(op.attributes["lowerBoundMap"]).value)
        upper = constant_result(ir.AffineMapAttr(op.attributes["upperBoundMap"]).value)
        steps = [ir.IntegerAttr(op.attributes["step"]).value]
        bounds = [(lower, upper)]
    else:
        lowers = ir.AffineMapAttr(op.attributes["lowerBoundsMap"]).value
        uppers = ir.AffineMapAttr(op.attributes["upperBoundsMap"]).value
        if lowers.n_inputs or uppers.n_inputs or len(lowers.results) != len(uppers.results):
            return None
        bounds = [(ir.AffineConstantExpr(lo).value, ir.AffineConstantExpr(hi).value)
                  for lo, hi in zip(lowers.results, uppers.results)]
        steps = [ir.IntegerAttr(s).value for s in ir.ArrayAttr(op.attributes["steps"])]
    total = 1
    for (lower, upper), step in zip(bounds, steps):
        if lower is None or upper is None:
            return None
        total *= max(0, -(-(upper - lower) // step))
    return total


def _elements(op: ir.Operation) -> int:
    """Elements one execution of ``op`` computes: its widest vector result's lanes, else 1."""
    count = 1
    for result in op.results:
        if isinstance(result.type, ir.VectorType):
            count = max(count, math.prod(ir.VectorType(result.type).shape))
    return count


def work(op: ir.Operation) -> Optional[int]:
    """Element operations of ``op`` and everything nested in it (None: not a constant)."""
    inner = 0
    for region in op.regions:
        for block in region.blocks:
            for nested in block.operations:
                w = work(nested.operation)
                if w is None:
                    return None
                inner += w
    if op.name in _LOOPS:
        trips = _trips(op)
        return None if trips is None else trips * inner
    if op.name in _FREE:
        return inner
    return inner + _elements(op)


@register_pass("affine-serialize-small-parallel-loops", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Turn every affine.parallel with less than min-work element operations into an affine.for."""
    for op in ops_in(root, "affine.parallel"):
        if op.name != "affine.parallel":
            continue
        estimate = work(op)
        if estimate is not None and estimate < options.min_work:
            parallel_as_for(op)

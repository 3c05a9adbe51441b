"""sched-verify: check every schedule in the module against its kernel function.

Reads the sched ops at module top level (see ``polytile.dialects.sched``) and
checks each schedule with ``sched.verify_schedule`` against the ``func.func``
of the name its ``sched.kernel`` gives: the kernel exists and has one schedule,
tile levels have one size per loop within the loop extents (and divide them at
the innermost level when the schedule vectorizes), interchanges are
permutations that keep reduction loops inside parallel ones when consumers are
fused, consumers are not fused into a tile loop over a partial reduction,
parallel loops are not reduction loops, and pack, vectorize, unroll, gpu_map
and polyhedral steps have valid parameters. Every problem is an error at the
offending sched op; the IR is not changed.

Does not yet: check tile sizes against the target (caches, registers, GPU
limits beyond 1024 threads per block), or data dependences beyond the loop
kinds of the kernel's anchor.
"""
from __future__ import annotations

from mlir import ir

from polytile.dialects import sched
from polytile.pass_registry import PassError, register_pass


@register_pass("sched-verify", name="SchedVerify")
def run(root: ir.Operation, options) -> None:
    """Check every schedule (sched ops) against its kernel function's loops."""
    problems = sched.verify_schedules(root)
    if not problems:
        return
    # Every problem but the last is emitted here; the last fails the pass.
    for op, message in problems[:-1]:
        (op if op is not None else root).location.emit_error(message)
    op, message = problems[-1]
    raise PassError(message, op)

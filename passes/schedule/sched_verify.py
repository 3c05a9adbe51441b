"""sched-verify: check every schedule in the module against its kernel function.

Reads the sched ops at module top level (see ``polytile.dialects.sched``) and
checks each schedule with ``sched.verify_schedule`` against the ``func.func``
of the name its ``sched.kernel`` gives: the kernel exists and has one schedule,
tile levels have one size per loop within the loop extents (and divide them at
the innermost level when the schedule vectorizes), interchanges are
permutations that keep reduction loops in place, consumers are not fused into a
tile loop over a partial reduction, parallel loops are not reduction loops, and
pack, vectorize, unroll, gpu_map and polyhedral steps have valid parameters.
Then what the ``target`` (cpu or cuda) can carry out: on cpu, steps other than
polyhedral only on packed f32 matmul/gemm/conv kernels (pack and tile present),
an unroll only where a reduction step loop exists, no gpu_map; on cuda only
gpu_map, on matmul/gemm/conv kernels. Every problem is an error at the
offending sched op; the IR is not changed.

Does not yet: check tile sizes against the target (caches, registers, GPU
limits beyond 1024 threads per block), or data dependences beyond the loop
kinds of the kernel's anchor.
"""
from __future__ import annotations

import dataclasses

from mlir import ir

from polytile.dialects import sched
from polytile.pass_registry import PassError, option, register_pass


@dataclasses.dataclass(frozen=True)
class Options:
    target: str = option("cpu", "The target the schedules are for: cpu or cuda (steps the "
                                "target cannot carry out are errors)")


@register_pass("sched-verify", name="SchedVerify", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Check every schedule (sched ops) against its kernel function's loops."""
    if options.target not in sched.TARGETS:
        raise PassError(f"sched-verify: unknown target '{options.target}' "
                        f"(targets: {', '.join(sched.TARGETS)})", root)
    problems = sched.verify_schedules(root, target=options.target)
    if not problems:
        return
    # Every problem but the last is emitted here; the last fails the pass.
    for op, message in problems[:-1]:
        (op if op is not None else root).location.emit_error(message)
    op, message = problems[-1]
    raise PassError(message, op)

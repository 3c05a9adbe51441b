"""gpu-emulate-launch-on-cpu: run ``gpu.launch`` bodies as sequential loops on
the CPU (a testing aid, not a code generation path).

Each ``gpu.launch`` becomes six nested ``scf.for`` loops over block ids and
thread ids (x, y, z), with the body inside. This is exact for kernels whose
threads do not communicate (no barriers, no shared memory, no atomics), which
holds for everything ``gpu-launch-parallel-loops`` makes: the kernel code of
the GPU path can then be checked numerically on a machine without a GPU.

Does not yet: emulate barriers, shared memory, warp ops or async launches (an
error).
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, scf

from polytile.pass_registry import PassError, register_pass

from polytile.passes.common.walk import ops_in

_UNSUPPORTED = ("gpu.barrier", "gpu.shuffle", "gpu.subgroup_reduce", "gpu.all_reduce")


def emulate(launch: ir.Operation) -> None:
    """Replace one gpu.launch by a nest of scf.for loops."""
    body = launch.regions[0].blocks[0]
    if len(launch.regions[0].blocks) != 1 or len(launch.results):
        raise PassError("only synchronous single-block launches can be emulated", launch)
    for op in ops_in(launch):
        if op.name in _UNSUPPORTED or op.name.startswith("memref.alloca"):
            raise PassError(f"'{op.name}' cannot be emulated on the CPU", op)
    segments = list(ir.DenseI32ArrayAttr(launch.attributes["operandSegmentSizes"]))
    sizes = list(launch.operands)[segments[0]:segments[0] + 6]
    # Loop order: blocks z, y, x, then threads z, y, x.
    ivs = {}
    with ir.InsertionPoint(launch), launch.location:
        zero = arith.ConstantOp(ir.IndexType.get(), 0).result
        one = arith.ConstantOp(ir.IndexType.get(), 1).result
    point = ir.InsertionPoint(launch)
    for k in (2, 1, 0, 5, 4, 3):
        with point, launch.location:
            loop = scf.ForOp(zero, sizes[k], one)
            with ir.InsertionPoint(loop.body):
                scf.YieldOp([])
        ivs[k] = loop.induction_variable
        point = ir.InsertionPoint.at_block_begin(loop.body)
        innermost = loop.body
    anchor = innermost.operations[len(innermost.operations) - 1]
    for op in list(body.operations)[:-1]:  # all but gpu.terminator
        op.move_before(anchor)
    for k in range(6):
        body.arguments[k].replace_all_uses_with(ivs[k])
    for k in range(6):
        body.arguments[6 + k].replace_all_uses_with(sizes[k])
    launch.erase()


@register_pass("gpu-emulate-launch-on-cpu")
def run(root: ir.Operation, options) -> None:
    """Rewrite every gpu.launch into sequential loops over its blocks and threads."""
    for launch in ops_in(root, "gpu.launch"):
        if launch.name == "gpu.launch":
            emulate(launch)

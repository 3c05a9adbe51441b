"""gpu-launch-parallel-loops: turn the top-level loops of host functions into
``gpu.launch`` kernels, so that the host code itself never touches memory.

* Each top-level ``scf.parallel`` becomes a 1-D launch: its iteration space is
  linearized (last loop fastest), ``block-size`` threads per block, one thread
  per iteration, a bounds guard when the size is not a multiple of the block.
  Adjacent threads run adjacent iterations of the innermost parallel loop, so
  accesses along the last dimension are coalesced.
* Every maximal run of other top-level ops that may touch memory (``scf.for``
  nests of a full reduction, scalar ``memref.load``/``store``, ...) becomes a
  single-thread launch, which is correct but slow.

* A top-level ``scf.forall`` mapped to ``#gpu.block<x|y|z>`` (made by
  `sched-apply{target=cuda}` for a kernel whose schedule has ``sched.gpu_map``)
  becomes a launch whose grid is the forall's iteration counts; the
  ``scf.forall`` directly inside it mapped to ``#gpu.thread<x|y|z>`` gives the
  block size (1 without one). A top-level thread-mapped forall is a one-block
  launch. Each forall index becomes its block (thread) id, times the step,
  plus the lower bound; what the foralls' bodies loop over runs in each thread.

Ops that only compute on scalars or describe views (``arith``, ``index``,
``memref.subview``/``expand_shape``/``collapse_shape``, ...) stay on the host.

Does not yet: tile for shared memory, use more than one thread for a full
reduction (tree reduction), or launch loops with dynamic bounds (an error).
"""
from __future__ import annotations

import dataclasses
import math

from mlir import ir
from mlir.dialects import arith, gpu, scf

from polytile.pass_registry import PassError, option, register_pass

_HOST_SAFE_PREFIXES = ("arith.", "index.", "gpu.", "func.return", "affine.apply")
_HOST_SAFE_OPS = {
    "memref.subview", "memref.expand_shape", "memref.collapse_shape", "memref.cast",
    "memref.reinterpret_cast", "memref.view", "memref.assume_alignment",
    "memref.extract_strided_metadata", "memref.dim",
}


@dataclasses.dataclass(frozen=True)
class Options:
    block_size: int = option(256, "Threads per block of the 1-D launches")


def _constant_index(value: ir.Value, op: ir.Operation) -> int:
    owner = value.owner
    if isinstance(owner, ir.Operation) or hasattr(owner, "name"):
        owner = owner.operation if hasattr(owner, "operation") else owner
        if owner.name == "arith.constant":
            return ir.IntegerAttr(owner.attributes["value"]).value
    raise PassError("the GPU path needs parallel loops with constant bounds", op)


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def _host_safe(op: ir.Operation) -> bool:
    return op.name in _HOST_SAFE_OPS or op.name.startswith(_HOST_SAFE_PREFIXES)


def _launch(grid: int, block: int) -> tuple[gpu.LaunchOp, ir.Block]:
    launch = gpu.LaunchOp((_index(grid), _index(1), _index(1)), (_index(block), _index(1), _index(1)))
    body = launch.regions[0].blocks[0]
    with ir.InsertionPoint(body):
        gpu.TerminatorOp()
    return launch, body


def launch_parallel(loop: ir.Operation, block_size: int) -> None:
    """Replace the top-level scf.parallel ``loop`` by a 1-D gpu.launch."""
    if len(loop.results):
        raise PassError("the GPU path does not map scf.parallel reductions yet", loop)
    rank = len(loop.regions[0].blocks[0].arguments)
    lbs = [_constant_index(v, loop) for v in list(loop.operands)[0:rank]]
    ubs = [_constant_index(v, loop) for v in list(loop.operands)[rank:2 * rank]]
    steps = [_constant_index(v, loop) for v in list(loop.operands)[2 * rank:3 * rank]]
    counts = [max(0, -(-(ub - lb) // step)) for lb, ub, step in zip(lbs, ubs, steps)]
    total = math.prod(counts)
    old_body = loop.regions[0].blocks[0]
    if total == 0:
        loop.erase()
        return
    block = min(block_size, total)
    grid = -(-total // block)
    with ir.InsertionPoint(loop), loop.location:
        launch, body = _launch(grid, block)
        with ir.InsertionPoint.at_block_terminator(body):
            linear = arith.addi(arith.muli(body.arguments[0], _index(block)), body.arguments[3])
            if grid * block != total:
                inside = arith.cmpi(arith.CmpIPredicate.ult, linear, _index(total))
                guard = scf.IfOp(inside)
                target = guard.then_block
                with ir.InsertionPoint(target):
                    scf.YieldOp([])
            else:
                target = body
            with ir.InsertionPoint.at_block_terminator(target):
                ivs = _delinearize(linear, lbs, steps, counts)
    anchor = target.operations[len(target.operations) - 1]
    for op in list(old_body.operations)[:-1]:  # all but the scf.reduce terminator
        op.move_before(anchor)
    for arg, iv in zip(old_body.arguments, ivs):
        arg.replace_all_uses_with(iv)
    loop.erase()


def _delinearize(linear: ir.Value, lbs, steps, counts) -> list[ir.Value]:
    """Loop indices (last fastest) of a linear iteration number."""
    ivs: list[ir.Value] = [None] * len(counts)
    rest = linear
    for d in reversed(range(len(counts))):
        if d == 0:
            index = rest
        else:
            index = arith.remui(rest, _index(counts[d]))
            rest = arith.divui(rest, _index(counts[d]))
        if steps[d] != 1:
            index = arith.muli(index, _index(steps[d]))
        if lbs[d] != 0:
            index = arith.addi(index, _index(lbs[d]))
        ivs[d] = index
    return ivs


_DIMS = ("x", "y", "z")


def _forall_mapping(op: ir.Operation) -> tuple[str, list[int]]:
    """("block" | "thread" | "", the gpu dim (0 = x) of each forall index)."""
    if op.name != "scf.forall" or "mapping" not in op.attributes:
        return "", []
    kinds, dims = set(), []
    for attr in ir.ArrayAttr(op.attributes["mapping"]):
        text = str(attr)  # "#gpu.block<x>"
        kind = text.removeprefix("#gpu.").split("<")[0]
        dim = text.split("<")[-1].rstrip(">")
        if kind not in ("block", "thread") or dim not in _DIMS:
            return "", []
        kinds.add(kind)
        dims.append(_DIMS.index(dim))
    if len(kinds) != 1 or len(set(dims)) != len(dims):
        raise PassError("a mapped scf.forall needs distinct block (or thread) dims", op)
    return kinds.pop(), dims


def _forall_bounds(op: ir.Operation) -> tuple[list[int], list[int], list[int]]:
    lbs, ubs, steps = (list(ir.DenseI64ArrayAttr(op.attributes[n]))
                       for n in ("staticLowerBound", "staticUpperBound", "staticStep"))
    dynamic = ir.ShapedType.get_dynamic_size()
    if dynamic in lbs + ubs + steps or len(op.results):
        raise PassError("a mapped scf.forall needs constant bounds and no results (bufferize first)", op)
    return lbs, ubs, steps


def _sizes3(op: ir.Operation, dims: list[int]) -> list[int]:
    lbs, ubs, steps = _forall_bounds(op)
    sizes = [1, 1, 1]
    for dim, lb, ub, step in zip(dims, lbs, ubs, steps):
        sizes[dim] = max(0, -(-(ub - lb) // step))
    return sizes


def _inline_forall(op: ir.Operation, dims: list[int], ids: list[ir.Value]) -> None:
    """Move the forall's body before it (its indices: ``lb + ids[dim] * step``) and erase it."""
    lbs, _, steps = _forall_bounds(op)
    body = op.regions[0].blocks[0]
    with ir.InsertionPoint(op), op.location:
        for arg, dim, lb, step in zip(body.arguments, dims, lbs, steps):
            index = ids[dim]
            if step != 1:
                index = arith.muli(index, _index(step))
            if lb != 0:
                index = arith.addi(index, _index(lb))
            arg.replace_all_uses_with(index)
    for inner in list(body.operations)[:-1]:  # all but scf.forall.in_parallel (empty)
        inner.move_before(op)
    op.erase()


def launch_mapped_forall(op: ir.Operation, kind: str, dims: list[int]) -> None:
    """Replace a top-level block- (or thread-) mapped scf.forall by one gpu.launch."""
    grid, block = [1, 1, 1], [1, 1, 1]
    inner = None
    if kind == "block":
        grid = _sizes3(op, dims)
        nested = [o.operation for o in op.regions[0].blocks[0].operations
                  if _forall_mapping(o.operation)[0] == "thread"]
        if len(nested) > 1:
            raise PassError("a block-mapped scf.forall may hold one thread-mapped forall", op)
        if nested:
            inner = nested[0]
            block = _sizes3(inner, _forall_mapping(inner)[1])
    else:
        block = _sizes3(op, dims)
    if 0 in grid + block:
        op.erase()
        return
    if math.prod(block) > 1024:
        raise PassError(f"{math.prod(block)} threads per block, more than 1024", op)
    inner_dims = _forall_mapping(inner)[1] if inner is not None else []
    with ir.InsertionPoint(op), op.location:
        launch = gpu.LaunchOp(tuple(_index(v) for v in grid), tuple(_index(v) for v in block))
        body = launch.regions[0].blocks[0]
        with ir.InsertionPoint(body):
            terminator = gpu.TerminatorOp()
    op.move_before(terminator)
    block_ids, thread_ids = list(body.arguments)[0:3], list(body.arguments)[3:6]
    if kind == "block":
        if inner is not None:
            _inline_forall(inner, inner_dims, thread_ids)
        _inline_forall(op, dims, block_ids)
    else:
        _inline_forall(op, dims, thread_ids)


def launch_single_thread(group: list[ir.Operation]) -> None:
    """Move a run of host ops into a one-thread gpu.launch."""
    members = set()
    for op in group:
        members.add(op)
    for op in group:
        for result in op.results:
            for use in result.uses:
                if not any(_is_ancestor(m, use.owner) for m in group):
                    raise PassError("a value computed from device memory is used on the host", op)
    with ir.InsertionPoint(group[0]), group[0].location:
        launch, body = _launch(1, 1)
    anchor = body.operations[0]
    for op in group:
        op.move_before(anchor)


def _is_ancestor(ancestor: ir.Operation, op) -> bool:
    op = op.operation if hasattr(op, "operation") else op
    while op is not None:
        if op == ancestor:
            return True
        op = op.parent
    return False


def _host_functions(root: ir.Operation) -> list[ir.Operation]:
    return [op.operation for op in root.regions[0].blocks[0].operations
            if op.operation.name == "func.func" and len(op.operation.regions[0].blocks)]


@register_pass("gpu-launch-parallel-loops", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Map top-level scf.parallel loops, gpu-mapped scf.foralls (and stray memory ops) of host functions to gpu.launch."""
    if options.block_size < 1 or options.block_size > 1024:
        raise PassError("block-size must be in 1..1024", root)
    for function in _host_functions(root):
        if len(function.regions[0].blocks) != 1:
            raise PassError("the GPU path needs single-block host functions", function)
        block = function.regions[0].blocks[0]
        group: list[ir.Operation] = []
        for op in list(block.operations):
            op = op.operation
            kind, dims = _forall_mapping(op)
            if op.name == "scf.parallel" or kind or _host_safe(op):
                if group:
                    launch_single_thread(group)
                    group = []
                if op.name == "scf.parallel":
                    launch_parallel(op, options.block_size)
                elif kind:
                    launch_mapped_forall(op, kind, dims)
                continue
            group.append(op)
        if group:
            launch_single_thread(group)

"""sched-apply and sched-lower-vectors: carry out kernel schedules with the transform dialect.

`sched-apply` (on tensors, after lowering to linalg and inlining the kernels) finds
each kernel's anchor by its ``sched.kernel`` tag (set by convert-tg-to-linalg for
packed anchors), reads the kernel's schedule (the ``sched`` ops of the module),
and runs a transform script written for it (``polytile.schedules.transform_scripts``):
register tiles in an ``scf.forall`` (threads as an outer forall), the zero fill and
the element-wise epilogue (``sched.fuse consumers``) fused into it, a reduction
step loop, vectorization and hoisting of the accumulator; packing copies that are
not constants are tiled and vectorized too. ``sched.interchange`` orders the tile
loops (an interchanged generic, or one forall per tile loop for a convolution) and
``sched.unroll`` unrolls the innermost reduction step loop (see docs/Schedules.md).
A failing script leaves slower but right loops (an error with ``strict``, and
always when the schedule has an explicit interchange or unroll, which would
otherwise be dropped). The sched ops are then removed.

With ``target=cuda`` it tiles the anchor of each kernel whose schedule has a
``sched.gpu_map`` (the linalg op tagged ``sched.plain_anchor``) into an
``scf.forall`` mapped to GPU blocks holding one mapped to threads, which
`gpu-launch-parallel-loops` launches with those sizes, and removes the sched ops.

`sched-lower-vectors` (after bufferization) turns the register-tile foralls into
``scf.for`` loops and lowers the vector ops (contractions to outer products/FMAs).

Does not support yet: kernels that were not lowered in packed form on the CPU (they
keep the plain loops; sched-verify rejects steps for them), outer tile levels (the
register tiles cover the kernel), any CUDA step but gpu_map.
"""
from __future__ import annotations

import dataclasses
import sys
from typing import Optional

from mlir import ir
from mlir.dialects.transform import interpreter

from polytile.pass_registry import PassError, option, register_pass
from polytile.schedules import transform_scripts as scripts
from polytile.schedules.host import host_cpu

from polytile.passes.schedule.sched_default import largest_divisor
from polytile.passes.common.walk import ops_in

from polytile.dialects import op_table
from polytile.passes.common.kernels import GROUPED_CONV_ATTR, KERNEL_TAG_ATTR, PLAIN_ANCHOR_ATTR
EPILOGUE_ATTR = "sched.epilogue"
#: On the block forall of a kernel tiled for its gpu_map (target=cuda).
GPU_MAP_ATTR = "sched.gpu_map"
LAYOUT_ATTR = "sched.layout"


@dataclasses.dataclass(frozen=True)
class Options:
    threads: int = option(-1, "Override the thread count of every schedule (-1: keep, 0: all cores)")
    strict: bool = option(False, "Fail when a schedule cannot be applied (default: keep the "
                                 "kernel's loops as far as they were transformed, which stays correct)")
    remarks: bool = option(False, "Report kernels whose schedule could not be fully applied on stderr")
    target: str = option("cpu", "The target: cpu (transform scripts) or cuda (the anchors are "
                                "tagged with their gpu_map for gpu-launch-parallel-loops)")


def _str(op: ir.Operation, name: str) -> str:
    return ir.StringAttr(op.attributes[name]).value


def _iterators(op: ir.Operation) -> list[str]:
    return [str(a).split("<")[-1].rstrip(">") for a in ir.ArrayAttr(op.attributes["iterator_types"])]


def _single_user(value: ir.Value) -> Optional[ir.Operation]:
    users = [u.owner for u in value.uses]
    if len(users) != 1:
        return None
    user = users[0]
    return user if isinstance(user, ir.Operation) else user.operation


def _epilogue_of(anchor: ir.Operation) -> Optional[ir.Operation]:
    """The all-parallel generic consuming the anchor's result directly (after elementwise fusion)."""
    user = _single_user(anchor.results[0])
    if user is None or user.name != "linalg.generic":
        return None
    if any(k != "parallel" for k in _iterators(user)) or len(user.results) != 1:
        return None
    if ir.RankedTensorType(user.results[0].type).shape != ir.RankedTensorType(anchor.results[0].type).shape:
        return None
    return user


def _identity_on(op: ir.Operation, value: ir.Value) -> bool:
    """Whether the generic ``op`` reads ``value`` and writes its result through identity maps."""
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    operands = list(op.operands)
    inputs = operands[:len(operands) - len(op.results)]
    if value not in inputs:
        return False
    identity = ir.AffineMap.get_identity(maps[-1].n_dims)
    return maps[-1] == identity and maps[inputs.index(value)] == identity


def _threads(schedule, override: int) -> int:
    from polytile.dialects import sched
    requested = override
    if requested < 0:
        parallel = [s for s in schedule.steps if isinstance(s, sched.Parallel)]
        requested = parallel[0].threads if parallel else 1
    return host_cpu().cores if requested == 0 else max(1, requested)


def _without_full_steps(step: list[int], extents: dict[int, int]) -> list[int]:
    """``step`` without the steps that cover their whole loop (``extents``: loop -> trip
    extent). Such a step makes a one-iteration ``scf.for`` that the script's canonicalization
    folds away while the script still holds its handle (for LICM and hoisting): the script
    then fails and the kernel keeps half-transformed loops (no hoisted accumulator), e.g.
    every matmul with K equal to its k step (K = 1, 2, 4), every convolution whose channel
    block is all of C (C up to 16). Without the loop the vector op covers the loop
    (test_regressions.py)."""
    return [0 if v and i in extents and v >= extents[i] else v for i, v in enumerate(step)]


def plan_for(anchor: ir.Operation, schedule, threads_override: int = -1) -> scripts.KernelPlan:
    """The transform plan of a packed matmul anchor (loops batch..., n1, m1, k, m0, n0)."""
    from polytile.dialects import sched
    kernel = _str(anchor, KERNEL_TAG_ATTR)
    loops = len(_iterators(anchor))
    nb = loops - 5
    tiles = [s for s in schedule.steps if isinstance(s, sched.Tile)]
    sizes = list(tiles[-1].sizes) if tiles else [4]
    # the reduction step: k of (batch..., m, n, k); c of a pointwise conv's (n, f, oh, ow, c, kh, kw)
    kc = sizes[4] if len(sizes) == 7 and schedule.find(sched.Pack) is not None and \
        schedule.find(sched.Pack).operand == 0 else sizes[-1]
    fuse = [s for s in schedule.steps if isinstance(s, sched.Fuse)]
    epilogue = _epilogue_of(anchor) if fuse and fuse[0].consumers else None
    threads = _threads(schedule, threads_override)
    # Threads split the column strips (n1), else the row tiles (m1), else a batch dim
    # evenly, so that every thread's tiles keep static shapes (the vectorizer needs them).
    n_tiles = ir.RankedTensorType(anchor.operands[1].type).shape[-3]
    m_tiles = ir.RankedTensorType(anchor.operands[0].type).shape[-3]
    batch = list(ir.RankedTensorType(anchor.results[0].type).shape)[:nb]
    thread_dim = nb if n_tiles % threads == 0 else nb + 1 if m_tiles % threads == 0 else \
        next((i for i, size in enumerate(batch) if size > 0 and size % threads == 0), None)
    k_extent = ir.RankedTensorType(anchor.operands[1].type).shape[-2]  # BP[batch..., N/nr, K, nr]
    # The tile loops (batch..., n1, m1) in the order of the schedule's interchange:
    # kernel loop -> anchor dim (a pointwise convolution's f is m1, its oh and ow are n1)
    if len(sizes) == 7 and nb == 0:
        to_dim = {1: 1, 2: 0, 3: 0}
    else:
        to_dim = {i: i for i in range(nb)} | {nb: nb + 1, nb + 1: nb}
    order = tile_loop_order(schedule, to_dim) or list(range(nb + 2))
    plan = scripts.KernelPlan(kernel=kernel, anchor_op="linalg.generic",
                              tile=[1] * nb + [1, 1, 0, 0, 0],
                              step=_without_full_steps([0] * nb + [0, 0, max(kc, 1), 0, 0],
                                                       {nb + 2: k_extent}),
                              threads=threads if thread_dim is not None else 1,
                              thread_dim=order.index(thread_dim) if thread_dim is not None else 0,
                              unroll=_unroll(schedule))
    if order != list(range(nb + 2)):
        plan.root_interchange = order + [nb + 2, nb + 3, nb + 4]
    if epilogue is not None:
        epilogue.attributes[EPILOGUE_ATTR] = ir.StringAttr.get(kernel)
        # epilogue loops (batch..., m1, m0, n1, n0) -> (tile loops in order..., m0, n0),
        # by default (batch..., n1, m1, m0, n0)
        to_epilogue = {i: i for i in range(nb)} | {nb: nb + 2, nb + 1: nb}
        plan.epilogue_interchange = [to_epilogue[d] for d in order] + [nb + 1, nb + 3]
        plan.epilogue_tile = [1] * nb + [1, 1, 0, 0]
        plan.root_interchange = None
    return plan


def tile_loop_order(schedule, to_dim: dict[int, int]) -> Optional[list[int]]:
    """The anchor dims of the tile loops in the order the schedule's ``sched.interchange``
    gives the kernel loops (``to_dim``: kernel loop -> anchor dim of its tile loop; loops
    without one, e.g. reduction loops, are skipped), or None without an interchange."""
    from polytile.dialects import sched
    step = schedule.find(sched.Interchange)
    if step is None:
        return None
    order: list[int] = []
    for loop in step.permutation:
        dim = to_dim.get(loop)
        if dim is not None and dim not in order:
            order.append(dim)
    return order


def _unroll(schedule) -> int:
    from polytile.dialects import sched
    step = schedule.find(sched.Unroll)
    return step.factor if step is not None else 0


CONV_ANCHORS = op_table.linalg_anchors("conv")


def _copy_size(extent: int, limit: int) -> int:
    """A power-of-two divisor (>= 4) of ``extent`` up to ``limit`` (vector transposes of such
    shapes become shuffles), else the largest divisor up to ``limit``; 1 for a dynamic
    extent (a larger tile could be partial, which does not vectorize)."""
    if extent == ir.ShapedType.get_dynamic_size():
        return 1
    power = next((v for v in (16, 8, 4) if v <= limit and extent % v == 0), None)
    return power or largest_divisor(extent, limit)


def copy_tile(shape: list[int], perm: list[int]) -> list[int]:
    """Tile of a layout copy (transpose) that vectorizes: the output's innermost dim and
    the dim the input's innermost maps to, each by a divisor up to 16; others 1."""
    rank = len(shape)
    sizes = [1] * rank
    inner_out, inner_in = rank - 1, perm.index(rank - 1)
    sizes[inner_out] = _copy_size(shape[inner_out], 16)
    if inner_in != inner_out:
        sizes[inner_in] = _copy_size(shape[inner_in], 16)
    elif rank > 1:
        sizes[rank - 2] = _copy_size(shape[rank - 2], 8)
    return sizes


def _layout_copies(root: ir.Operation) -> dict[str, list]:
    copies: dict[str, list] = {}
    for op in ops_in(root, "linalg.transpose"):
        if LAYOUT_ATTR in op.attributes:
            shape = list(ir.RankedTensorType(op.results[0].type).shape)
            perm = list(ir.DenseI64ArrayAttr(op.attributes["permutation"]))
            kernel = _str(op, LAYOUT_ATTR)
            ident = f"{kernel}#{len(copies.get(kernel, []))}"
            op.attributes[scripts.LAYOUT_ID] = ir.StringAttr.get(ident)
            copies.setdefault(kernel, []).append(("linalg.transpose", ident, copy_tile(shape, perm)))
    return copies


def _permutation_of(op: ir.Operation) -> Optional[list[int]]:
    """``perm`` when ``op`` is an untagged generic copying a static f32 tensor through a
    permutation (``out[i...] = in[...]``: a lowered ``tg.transpose``), else None."""
    if op.name != "linalg.generic" or len(op.operands) != 2 or len(op.results) != 1 or \
            KERNEL_TAG_ATTR in op.attributes or scripts.LAYOUT_ID in op.attributes or \
            EPILOGUE_ATTR in op.attributes or any(k != "parallel" for k in _iterators(op)):
        return None
    t = op.operands[0].type
    if not isinstance(t, ir.RankedTensorType) or not ir.RankedTensorType(t).has_static_shape or \
            str(ir.RankedTensorType(t).element_type) != "f32":
        return None
    body = op.regions[0].blocks[0]
    ops = list(body.operations)
    if len(ops) != 1 or ops[0].operands[0] != body.arguments[0]:
        return None
    in_map, out_map = (ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"]))
    rank = out_map.n_dims
    if out_map != ir.AffineMap.get_identity(rank) or not in_map.is_permutation:
        return None
    # out[i] = in[j] with in's dim k indexed by i's dim in_map[k]: perm[i] = the input dim of i
    dims = [ir.AffineDimExpr(e).position for e in in_map.results]
    perm = [dims.index(i) for i in range(rank)]
    return None if perm == list(range(rank)) else perm


def _permutation_copies(root: ir.Operation) -> list:
    """(name, script, holder, explicit) of each permutation copy kernel: vectorized tiles."""
    found = []
    for op in ops_in(root, "linalg.generic"):
        perm = _permutation_of(op)
        if perm is None:
            continue
        ident = f"copy#{len(found)}"
        op.attributes[scripts.LAYOUT_ID] = ir.StringAttr.get(ident)
        shape = list(ir.RankedTensorType(op.results[0].type).shape)
        script = scripts.copy_script("linalg.generic", ident, copy_tile(shape, perm))
        found.append((ident, script, _enclosing_function(op), False))
    return found


def conv_plan_for(anchor: ir.Operation, schedule, threads_override: int = -1) -> scripts.KernelPlan:
    """The plan of a channels-last convolution anchor: loops (n, oh, ow, f, kh, kw, c) for
    conv_2d_nhwc_hwcf, (n, oh, ow, c, kh, kw) for the depthwise one. The schedule's
    innermost tile level is over the tg loops (n, f, oh, ow, c, kh, kw)."""
    kernel = _str(anchor, KERNEL_TAG_ATTR)
    sizes = list(schedule.tile_levels[-1].sizes)
    fb, owb, cb = sizes[1], sizes[3], sizes[4]
    if 0 in (fb, owb):
        # a register tile needs both: the script would make a loop nest with no loop
        # (the transform interpreter then aborts in C++)
        raise PassError(f"kernel '{kernel}': the innermost tile level must tile the output "
                        f"channels (f) and columns (ow) to make a register tile, got sizes {sizes}",
                        _enclosing_function(anchor))
    out = list(ir.RankedTensorType(anchor.results[0].type).shape)  # n, oh, ow, f
    threads = _threads(schedule, threads_override)
    # rows over the threads when each gets the same number; a dynamic OH too (each
    # thread's rows are tiled by one, so their count need not divide)
    thread_dim = 1 if out[1] == ir.ShapedType.get_dynamic_size() or out[1] % threads == 0 else None
    filt = list(ir.RankedTensorType(anchor.operands[1].type).shape)  # KH, KW, C (, F)
    if GROUPED_CONV_ATTR in anchor.attributes:
        return _grouped_conv_plan(anchor, kernel, fb, owb, cb, threads, thread_dim, schedule)
    if anchor.name == "linalg.depthwise_conv_2d_nhwc_hwc":
        tile, step = [1, 1, owb, fb, 0, 0], [0, 0, 0, 0, 1, 1]
    else:
        tile, step = [1, 1, owb, fb, 0, 0, 0], [0, 0, 0, 0, 1, 1, cb]
    step = _without_full_steps(step, {4: filt[0], 5: filt[1], 6: filt[2]})
    plan = scripts.KernelPlan(kernel=kernel, anchor_op=anchor.name, tile=tile, step=step,
                              threads=threads if thread_dim is not None else 1,
                              thread_dim=thread_dim or 0, decompose=True, unroll=_unroll(schedule))
    # kernel loops (n, f, oh, ow, ...) -> anchor dims (n, oh, ow, f, ...)
    order = tile_loop_order(schedule, {0: 0, 1: 3, 2: 1, 3: 2})
    if order is not None:
        # one serial forall per tile loop, outermost first, the last one the register tiles
        plan.pre_tiles = [[tile[i] if i == d else 0 for i in range(len(tile))] for d in order[:-1]]
        plan.tile = [tile[i] if i == order[-1] else 0 for i in range(len(tile))]
    elif anchor.name == "linalg.conv_2d_nhwc_hwcf" and out[3] > fb:
        # output-channel blocks outermost: each block's weights [KH, KW, C, fb] are read
        # from cache for every output position instead of streaming all weights per row
        plan.pre_tiles = [[0, 0, 0, fb, 0, 0, 0]]
    back = _single_user(anchor.results[0])
    epilogue = _epilogue_of(anchor)
    static = ir.RankedTensorType(anchor.results[0].type).has_static_shape
    if epilogue is not None and not plan.pre_tiles and static and _identity_on(epilogue, anchor.results[0]):
        # channels-last (tg.nhwc_conv): the element-wise epilogue (bias, activation,
        # residual) runs on each register tile before it is stored (static shapes only:
        # with dynamic ones the fused tile would need a buffer of run-time size per tile)
        epilogue.attributes[EPILOGUE_ATTR] = ir.StringAttr.get(kernel)
        plan.epilogue_tile = list(plan.tile[:4])
        return plan
    if back is not None and back.name == "linalg.generic" and \
            all(k == "parallel" for k in _iterators(back)):
        # the copy back to NCHW with the fused epilogue: (n, f, oh, ow) <- (n, oh, ow, f)
        ident = f"{kernel}#back"
        back.attributes[scripts.LAYOUT_ID] = ir.StringAttr.get(ident)
        shape = list(ir.RankedTensorType(back.results[0].type).shape)
        plan.layout_copies.append(("linalg.generic", ident, copy_tile(shape, [0, 3, 1, 2])))
    return plan


def _grouped_conv_plan(anchor: ir.Operation, kernel: str, fb: int, owb: int, cb: int, threads: int,
                       thread_dim: Optional[int], schedule) -> scripts.KernelPlan:
    """The plan of a grouped convolution's generic (packed.grouped_nhwc_conv; loops n, oh,
    ow, g, f, kh, kw, c): register tiles of ``owb`` columns x ``fb`` channels of one group,
    steps of one tap and ``cb`` channels, whose unit dims fold into a matrix product."""
    w = list(ir.RankedTensorType(anchor.operands[1].type).shape)  # G, KH, KW, Cg, Fg
    tile = [1, 1, owb, 1, fb, 0, 0, 0]
    step = _without_full_steps([0, 0, 0, 0, 0, 1, 1, cb], {5: w[1], 6: w[2], 7: w[3]})
    return scripts.KernelPlan(kernel=kernel, anchor_op=anchor.name, tile=tile, step=step,
                              threads=threads if thread_dim is not None else 1,
                              thread_dim=thread_dim or 0, fold_unit_dims=True, unroll=_unroll(schedule))


def _apply(root: ir.Operation, script: str, what: str, at: ir.Operation) -> None:
    transform = ir.Module.parse(script)
    try:
        interpreter.apply_named_sequence(root, transform.body.operations[0], transform)
    except ValueError as err:
        raise PassError(f"cannot apply the schedule of {what}: {err}", at) from None


def _enclosing_function(op: ir.Operation) -> ir.Operation:
    parent = op.parent
    while parent is not None and parent.operation.name != "func.func":
        parent = parent.parent
    return parent.operation if parent is not None else op


@register_pass("sched-apply", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Apply every kernel's schedule to its tagged linalg ops (transform dialect), then drop the sched ops."""
    from polytile.dialects import sched
    if options.target not in sched.TARGETS:
        raise PassError(f"sched-apply: unknown target '{options.target}' "
                        f"(targets: {', '.join(sched.TARGETS)})", root)
    schedules = sched.schedules_in(root)
    if options.target == "cuda":
        _apply_gpu_maps(root, schedules)
    else:
        _apply_cpu(root, schedules, options)
    for op in ops_in(root, "linalg."):
        if PLAIN_ANCHOR_ATTR in op.attributes:
            del op.attributes[PLAIN_ANCHOR_ATTR]
    sched.remove_schedules(root)


def _apply_cpu(root: ir.Operation, schedules: dict, options: Options) -> None:
    from polytile.dialects import sched
    copies = _layout_copies(root)
    anchors = [op for op in ops_in(root, "linalg.") if KERNEL_TAG_ATTR in op.attributes and
               (op.name == "linalg.generic" or op.name in CONV_ANCHORS)]
    found = {_str(op, KERNEL_TAG_ATTR) for op in anchors}
    for name, schedule in schedules.items():
        explicit = [s for s in schedule.steps if isinstance(s, (sched.Interchange, sched.Unroll))]
        if explicit and name not in found:
            plain = [op for op in ops_in(root, "linalg.") if PLAIN_ANCHOR_ATTR in op.attributes
                     and _str(op, PLAIN_ANCHOR_ATTR) == name]
            if plain or options.strict:
                # the packed lowering did not fit the shapes (e.g. M not a multiple of mr):
                # the plain loops cannot carry out the step
                raise PassError(f"kernel '{name}': 'sched.{explicit[0].OP}' applies to the packed form, "
                                f"but the kernel was lowered to plain loops (its shapes do not fit "
                                f"the schedule's packing)", plain[0] if plain else explicit[0].op)
    # Plan every kernel before transforming any: a script rewrites ops (its tiling and
    # scoped canonicalization replace them), so an op handle taken before an earlier
    # kernel's script ran may point to a freed op (reading the uses of such an anchor
    # crashed or raised). Plans and scripts name their ops by tags, never by handle.
    planned = []
    for anchor in anchors:
        kernel = _str(anchor, KERNEL_TAG_ATTR)
        schedule = schedules.get(kernel)
        if schedule is None:
            raise PassError(f"kernel '{kernel}' was lowered for a schedule, but none is attached", anchor)
        # a schedule's explicit interchange or unroll is carried out or is an error
        explicit = schedule.find(sched.Interchange) is not None or schedule.find(sched.Unroll) is not None
        if anchor.name in CONV_ANCHORS or GROUPED_CONV_ATTR in anchor.attributes:
            try:
                plan = conv_plan_for(anchor, schedule, options.threads)
            except PassError as err:
                if options.strict or explicit:
                    raise
                if options.remarks:
                    sys.stderr.write(f"remark: {err}\n")
                continue  # the plain loops: right, not fast
        else:
            plan = plan_for(anchor, schedule, options.threads)
        # Only one size (1 x 8 rows) fits every packing copy: tile rows of the K dim.
        plan.layout_copies = copies.get(kernel, []) + plan.layout_copies
        # The error goes to the function holding the anchor: a failing script may have
        # erased the anchor already (reporting at it crashed `sched-apply{strict=true}`).
        holder = _enclosing_function(anchor)
        try:
            script = scripts.kernel_script(plan)
        except ValueError as err:
            raise PassError(f"cannot apply the schedule of kernel '{kernel}': {err}", holder) from None
        planned.append((kernel, script, holder, explicit))
    del anchors
    planned += _permutation_copies(root)
    for kernel, script, holder, explicit in planned:
        try:
            _apply(root, script, f"kernel '{kernel}'", holder)
        except PassError as err:
            # Each transform keeps the IR correct: a failure (e.g. a tile shape the
            # vectorizer does not take) leaves slower but right loops.
            if options.strict or explicit:
                raise
            root.verify()
            if options.remarks:
                sys.stderr.write(f"remark: {err}\n")


GPU_BLOCK_DIMS = ("x", "y", "z")


def gpu_map_script(kernel: str, op_name: str, iterators: list[str], blocks: list[int],
                   threads: list[int]) -> str:
    """The script tiling a kernel's anchor (tagged ``sched.plain_anchor``) for ``gpu_map``:
    the innermost ``d`` parallel loops (x innermost) are split into ``blocks`` chunks, one per
    block (an ``scf.forall`` mapped to ``#gpu.block``), and each chunk into ``threads``
    pieces, one per thread (``#gpu.thread``); the rest of a piece, the other parallel
    loops and the reduction loops run in each thread."""
    d = max(len(blocks), len(threads))
    blocks = list(blocks) + [1] * (d - len(blocks))
    threads = list(threads) + [1] * (d - len(threads))
    parallel = [i for i, kind in enumerate(iterators) if kind == "parallel"]
    mapped = parallel[len(parallel) - d:]  # outermost first; the last one is x
    nb, nt = [0] * len(iterators), [0] * len(iterators)
    names = []
    for j, loop in enumerate(mapped):
        dim = d - 1 - j
        nb[loop], nt[loop] = blocks[dim], threads[dim]
        names.append(GPU_BLOCK_DIMS[dim])
    sizes = scripts._sizes
    s = (f'    %a = transform.structured.match ops{{["{op_name}"]}} attributes{{{PLAIN_ANCHOR_ATTR} = '
         f'"{kernel}"}} in %root : (!transform.any_op) -> !transform.any_op\n')
    if op_name != "linalg.generic":
        s += "    %g = transform.structured.generalize %a : (!transform.any_op) -> !transform.any_op\n"
    else:
        s += "    %g = transform.merge_handles %a : !transform.any_op\n"
    block_map = ", ".join(f"#gpu.block<{n}>" for n in names)
    thread_map = ", ".join(f"#gpu.thread<{n}>" for n in names)
    s += (f"    %tb, %lb = transform.structured.tile_using_forall %g num_threads {sizes(nb)} "
          f"(mapping = [{block_map}]) : (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
    s += (f"    %tt, %lt = transform.structured.tile_using_forall %tb num_threads {sizes(nt)} "
          f"(mapping = [{thread_map}]) : (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
    s += f'    transform.annotate %lb "{GPU_MAP_ATTR}" : !transform.any_op\n'
    return scripts._wrap(s)


def _apply_gpu_maps(root: ir.Operation, schedules: dict) -> None:
    """target=cuda: tile each gpu_map kernel's anchor into block and thread foralls (see
    ``gpu_map_script``); gpu-launch-parallel-loops launches them with those sizes."""
    from polytile.dialects import sched
    anchors = {_str(op, PLAIN_ANCHOR_ATTR): op for op in ops_in(root, "linalg.")
               if PLAIN_ANCHOR_ATTR in op.attributes}
    for name, schedule in schedules.items():
        step = schedule.find(sched.GpuMap)
        if step is None:
            continue
        anchor = anchors.get(name)
        if anchor is None:
            raise PassError(f"kernel '{name}' has a gpu_map, but its anchor was not found among the "
                            f"linalg ops (tagged '{PLAIN_ANCHOR_ATTR}')", step.op)
        iterators = _linalg_iterators(anchor)
        if sum(1 for k in iterators if k == "parallel") < max(len(step.blocks), len(step.threads)):
            raise PassError(f"kernel '{name}': gpu_map maps {max(len(step.blocks), len(step.threads))} "
                            f"loops, but its anchor has {iterators.count('parallel')} parallel loops", anchor)
        holder = _enclosing_function(anchor)
        _apply(root, gpu_map_script(name, anchor.name, iterators, list(step.blocks), list(step.threads)),
               f"kernel '{name}'", holder)


def _linalg_iterators(op: ir.Operation) -> list[str]:
    """The iterator kinds of a linalg op (named ops through the structured-op interface)."""
    if "iterator_types" in op.attributes:
        return _iterators(op)
    names = {"linalg.matmul": "ppr", "linalg.batch_matmul": "pppr", "linalg.matvec": "pr",
             "linalg.vecmat": "pr", "linalg.batch_matvec": "ppr",
             "linalg.conv_2d_nchw_fchw": "pppprrr", "linalg.conv_2d_nhwc_hwcf": "pppprrr",
             "linalg.depthwise_conv_2d_nhwc_hwc": "pppprr", "linalg.depthwise_conv_2d_nchw_chw": "pppprr",
             "linalg.conv_1d_ncw_fcw": "ppprr", "linalg.conv_3d_ncdhw_fcdhw": "pppppprrrr"}
    kinds = names.get(op.name)
    if kinds is None:
        raise PassError(f"gpu_map: unsupported anchor op '{op.name}'", op)
    return ["parallel" if k == "p" else "reduction" for k in kinds]


@register_pass("sched-lower-vectors")
def run_lower_vectors(root: ir.Operation, options) -> None:
    """After bufferization: register-tile foralls to loops, vector ops lowered to FMAs, shuffles, loads."""
    if not ops_in(root, "vector."):
        return
    for forall in ops_in(root, "scf.forall"):
        if scripts.INNER_TILE in forall.attributes:
            ivs = len(forall.regions[0].blocks[0].arguments) - len(forall.results)
            if not 1 <= ivs <= scripts.MAX_TILE_LOOPS:
                raise PassError(f"register-tile loop with {ivs} induction variables", forall)
            forall.attributes[scripts.iv_count_attr(ivs)] = ir.UnitAttr.get()
    _apply(root, scripts.post_bufferize_script(), "the vector lowering", root)

"""Legality of schedules: a kernel's iteration space and the rules a schedule
must follow on it.

The iteration space of a kernel function (``func.func`` with ``tg.kernel``) is
the loops of its anchor (the op with ``tg.anchor``), in this order:

* ``tg.matmul`` A[..., M, K] x B[..., K, N]: the result's batch dims, then m, n
  (parallel) and k (reduction); a 1-d A has no m loop, a 1-d B no n loop;
* ``tg.gemm``: m, n, k;
* ``tg.conv`` (NCHW, weights F x C/g x KH x KW): n, f, the output spatial dims
  (oh, ow), then c and the kernel dims (kh, kw) as reduction loops;
* other anchors of a ``reduction`` kernel: the dims of the first operand, those
  it reduces being reduction loops (``axes``; ``axis``, from ``axis`` on for
  layer/RMS normalization; the spatial dims of global pools and instance
  normalization, and the channels too for group normalization; all dims for
  an op with none of these); windowed pools, LRN and batch normalization keep
  their input dims parallel (window loops are not part of the space);
* ``elementwise`` and ``opaque`` kernels: the dims of the anchor's result, parallel.

Dynamic dims have extent None; rules that need an extent skip them or, where
skipping could hide a problem, assume the worst. Not checked yet: whether the
tile sizes suit the target (cache, registers), data dependences beyond the
loop kinds (the polyhedral pass checks its own).
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Union

from mlir import ir

from . import sched
from .sched import (Fuse, GpuMap, Interchange, Pack, Parallel, Polyhedral, Problem, Schedule,
                    Tile, Unroll, Vectorize)

PARALLEL = "parallel"
REDUCTION = "reduction"
KERNEL_KINDS = ("contraction", "reduction", "elementwise", "opaque")
MAX_GPU_THREADS = 1024
TARGETS = ("cpu", "cuda")


@dataclasses.dataclass(frozen=True)
class Loop:
    """One loop of a kernel's iteration space."""

    name: str
    extent: Optional[int]  # None when dynamic
    kind: str  # "parallel" | "reduction"

    @property
    def is_reduction(self) -> bool:
        return self.kind == REDUCTION


class KernelFormatError(ValueError):
    """The function is not a kernel in the format tg-fuse-kernels produces."""


def _shape(value: ir.Value) -> list[Optional[int]]:
    t = value.type
    if not isinstance(t, ir.RankedTensorType):
        try:
            t = ir.RankedTensorType(t)
        except ValueError:
            raise KernelFormatError(f"anchor operand or result has type {value.type}, "
                                    f"expected a ranked tensor") from None
    dyn = ir.ShapedType.get_dynamic_size()
    return [None if d == dyn else d for d in t.shape]


def _int_attr(op: ir.Operation, name: str, default=None):
    if name not in op.attributes:
        return default
    attr = op.attributes[name]
    try:
        return list(ir.DenseI64ArrayAttr(attr))
    except ValueError:
        pass
    try:
        return ir.IntegerAttr(attr).value
    except ValueError:
        raise KernelFormatError(f"attribute '{name}' of anchor '{op.name}' must be an "
                                f"integer or array<i64>, got {attr}") from None


def kernel_anchor(func: ir.Operation) -> ir.Operation:
    """The op with ``tg.anchor`` inside kernel function ``func``."""
    func = func.operation
    found: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if "tg.anchor" in op.attributes:
            found.append(op)
        return ir.WalkResult.ADVANCE

    func.walk(visit, ir.WalkOrder.PRE_ORDER)
    name = _func_name(func)
    if len(found) != 1:
        raise KernelFormatError(f"kernel function '{name}' must have exactly one op with "
                                f"tg.anchor, found {len(found)}")
    return found[0]


def _func_name(func: ir.Operation) -> str:
    return ir.StringAttr(func.attributes["sym_name"]).value if "sym_name" in func.attributes else "?"


def kernel_kind(func: ir.Operation) -> str:
    """The ``tg.kernel`` attribute of ``func``."""
    func = func.operation
    if func.name != "func.func" or "tg.kernel" not in func.attributes:
        raise KernelFormatError(f"'{_func_name(func)}' is not a kernel function "
                                f"(a func.func with a tg.kernel attribute)")
    try:
        kind = ir.StringAttr(func.attributes["tg.kernel"]).value
    except ValueError:
        raise KernelFormatError(f"tg.kernel of '{_func_name(func)}' must be a string") from None
    if kind not in KERNEL_KINDS:
        raise KernelFormatError(f"tg.kernel of '{_func_name(func)}' is '{kind}', expected one of "
                                f"{', '.join(KERNEL_KINDS)}")
    return kind


def kernel_iteration_space(func: ir.Operation) -> list[Loop]:
    """The loops of kernel function ``func`` (see the module docstring);
    raises :class:`KernelFormatError`."""
    kind = kernel_kind(func)
    anchor = kernel_anchor(func)
    name = anchor.name
    loops = kernel_loops_of_anchor(anchor)
    if loops is not None:
        return loops
    if kind == "reduction":
        return _reduction_loops(anchor)
    if len(anchor.results) == 0:
        raise KernelFormatError(f"anchor '{name}' has no result")
    return [Loop(f"d{i}", e, PARALLEL) for i, e in enumerate(_shape(anchor.results[0]))]


def kernel_loops_of_anchor(anchor: ir.Operation) -> Optional[list[Loop]]:
    """The loops of a matmul, gemm or convolution anchor; None for other ops."""
    if anchor.name == "tg.matmul":
        return _matmul_loops(anchor)
    if anchor.name == "tg.gemm":
        return _gemm_loops(anchor)
    if anchor.name in CONV_ANCHORS:
        return _conv_loops(anchor)
    return None


def _matmul_loops(op: ir.Operation) -> list[Loop]:
    a, b, y = _shape(op.operands[0]), _shape(op.operands[1]), _shape(op.results[0])
    batch = len(y) - (len(a) >= 2) - (len(b) >= 2)
    loops = [Loop(f"b{i}", y[i], PARALLEL) for i in range(max(batch, 0))]
    if len(a) >= 2:
        loops.append(Loop("m", a[-2], PARALLEL))
    if len(b) >= 2:
        loops.append(Loop("n", b[-1], PARALLEL))
    return loops + [Loop("k", a[-1], REDUCTION)]


def _gemm_loops(op: ir.Operation) -> list[Loop]:
    a, y = _shape(op.operands[0]), _shape(op.results[0])
    k = a[0] if _int_attr(op, "transA", 0) else a[1]
    return [Loop("m", y[0], PARALLEL), Loop("n", y[1], PARALLEL), Loop("k", k, REDUCTION)]


_SPATIAL_NAMES = {1: ("w",), 2: ("h", "w"), 3: ("d", "h", "w")}


def conv_shapes(op: ir.Operation, static_only: bool = True) -> tuple[list, list, list]:
    """(input, weights, result) shapes of a convolution anchor, the input and result in
    NC-spatial order whatever the op's layout (tg.nhwc_conv is N x H x W x C); a dynamic
    dim is None, or with ``static_only=False`` MLIR's dynamic size."""
    shape = _shape if static_only else (lambda v: list(ir.RankedTensorType(v.type).shape))
    x, w, y = shape(op.operands[0]), shape(op.operands[1]), shape(op.results[0])
    if op.name == "tg.nhwc_conv":
        x, y = ([s[0], s[-1]] + s[1:-1] for s in (x, y))
    return x, w, y


def _conv_loops(op: ir.Operation) -> list[Loop]:
    _, w, y = conv_shapes(op)
    spatial = len(y) - 2
    names = _SPATIAL_NAMES.get(spatial, tuple(str(i) for i in range(spatial)))
    loops = [Loop("n", y[0], PARALLEL), Loop("f", y[1], PARALLEL)]
    loops += [Loop(f"o{n}", e, PARALLEL) for n, e in zip(names, y[2:])]
    loops.append(Loop("c", w[1], REDUCTION))
    return loops + [Loop(f"k{n}", e, REDUCTION) for n, e in zip(names, w[2:])]


_GLOBAL_SPATIAL = ("tg.global_average_pool", "tg.global_max_pool", "tg.global_lp_pool",
                   "tg.instance_normalization")
# Ops whose output element depends on a window of the input, not on whole dims
# (inference batch normalization is per channel).
_WINDOWED = ("tg.max_pool", "tg.average_pool", "tg.lp_pool", "tg.max_pool_with_indices",
             "tg.lrn", "tg.batch_normalization")
_FROM_AXIS_ON = ("tg.layer_normalization", "tg.rms_normalization")


def reduced_dims(op: ir.Operation, rank: int) -> set[int]:
    """The dims of its first operand that the reduction-like ``op`` reduces."""
    if rank == 0:
        return set()
    if op.name in _GLOBAL_SPATIAL:
        return set(range(2, rank))
    if op.name in _WINDOWED:
        return set()
    if op.name == "tg.group_normalization":  # channel groups and spatial dims
        return set(range(1, rank))
    if op.name in _FROM_AXIS_ON:
        return set(range(_int_attr(op, "axis", -1) % rank, rank))
    axes = _int_attr(op, "axes")
    if isinstance(axes, list):  # empty for a reduce_* that reduces nothing
        return {a % rank for a in axes}
    axis = _int_attr(op, "axis")
    if isinstance(axis, int):
        return {axis % rank}
    return set(range(rank))


def _reduction_loops(op: ir.Operation) -> list[Loop]:
    if len(op.operands) == 0:
        raise KernelFormatError(f"reduction anchor '{op.name}' has no operand")
    shape = _shape(op.operands[0])
    reduced = reduced_dims(op, len(shape))
    return [Loop(f"d{i}", e, REDUCTION if i in reduced else PARALLEL) for i, e in enumerate(shape)]


# ----------------------------------------------------------------------------
# Legality
# ----------------------------------------------------------------------------

def _names(loops: list[Loop]) -> str:
    """``3 loops (m, n, k)``."""
    plural = "" if len(loops) == 1 else "s"
    return f"{len(loops)} loop{plural} (" + ", ".join(loop.name for loop in loops) + ")"


def _ints(values) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


def verify_schedule(schedule: Schedule, kernel_func: Optional[ir.Operation],
                    target: str = "cpu") -> list[Problem]:
    """Every rule ``schedule`` breaks, as ``(op, message)`` (op: the step's or
    the sched.kernel's op, None if unknown). ``kernel_func`` is the function
    the schedule names, None when there is none (an error); the checks that
    need no kernel still run."""
    problems: list[Problem] = []
    at = schedule.op

    for duplicate in schedule.duplicates:
        problems.append((duplicate, f"kernel '{schedule.kernel}' already has a schedule "
                                    f"(a kernel has one sched.kernel)"))
    loops: Optional[list[Loop]] = None
    anchor: Optional[ir.Operation] = None
    if kernel_func is None:
        problems.append((at, f"no kernel function named '{schedule.kernel}'"))
    else:
        try:
            loops = kernel_iteration_space(kernel_func)
            anchor = kernel_anchor(kernel_func)
        except KernelFormatError as e:
            problems.append((at, str(e)))
    context = _Context(schedule, loops, anchor, problems, target)
    for index, step in enumerate(schedule.steps):
        check = _CHECKS.get(type(step))
        if check is not None:
            before = len(problems)
            check(context, step, index)
            if len(problems) == before:
                _check_support(context, step)
    return problems


# What each target carries out (see docs/Schedules.md):
# * cpu: `sched-apply` runs the transform scripts on packed contraction kernels
#   (``sched.pack`` and ``sched.tile`` on a tg.matmul / tg.gemm / tg.conv anchor); other
#   kernels keep their plain loops, so only ``sched.polyhedral`` (the affine stage)
#   applies to them. gpu_map is for the cuda target.
# * cuda: `sched-apply{target=cuda}` tiles the anchor into block and thread foralls for
#   its gpu_map, which `gpu-launch-parallel-loops` launches; no other step is applied.
CUDA_STEPS = (GpuMap,)
CONV_ANCHORS = ("tg.conv", "tg.nhwc_conv")
CONTRACTION_ANCHORS = ("tg.matmul", "tg.gemm") + CONV_ANCHORS


def _check_support(c: _Context, step) -> None:
    """Steps that the target (or, on the CPU, the kernel's lowering) cannot honour."""
    if c.target == "cuda":
        if not isinstance(step, CUDA_STEPS):
            c.fail(step, f"'sched.{step.OP}' is not supported on target cuda (only sched.gpu_map "
                         f"is applied there)")
        elif c.anchor is not None and c.anchor.name not in CONTRACTION_ANCHORS:
            c.fail(step, f"'sched.gpu_map' is only applied to matmul, gemm and conv kernels, "
                         f"not to a '{c.anchor.name}' kernel")
        elif c.loops is not None:
            parallel = [loop for loop in c.loops if not loop.is_reduction]
            mapped = max(len(step.blocks), len(step.threads))
            if mapped > len(parallel):
                c.fail(step, f"gpu_map maps {mapped} loops, but kernel '{c.schedule.kernel}' has "
                             f"{len(parallel)} parallel loops")
        return
    if isinstance(step, Polyhedral):
        return  # carried out at the affine stage, on any kernel
    if isinstance(step, GpuMap):
        c.fail(step, "'sched.gpu_map' needs target cuda (the cpu target maps no GPU loops)")
        return
    if c.anchor is None:
        return  # no kernel (reported) or not one tg-fuse-kernels made
    if c.anchor.name not in CONTRACTION_ANCHORS:
        c.fail(step, f"'sched.{step.OP}' is only applied to matmul, gemm and conv kernels, "
                     f"not to a '{c.anchor.name}' kernel (only sched.polyhedral applies to every kernel)")
    elif isinstance(step, Pack):
        if not c.schedule.tile_levels:
            c.fail(step, "'sched.pack' needs a sched.tile (its innermost level is the register tile)")
        else:
            _check_packable(c, step)
    elif c.schedule.find(Pack) is None or not c.schedule.tile_levels:
        c.fail(step, f"'sched.{step.OP}' is only applied to packed kernels: the schedule needs "
                     f"a sched.pack and a sched.tile (without them the kernel keeps its plain loops)")
    elif isinstance(step, Unroll):
        _check_unroll_loop(c, step)


@dataclasses.dataclass
class _Context:
    schedule: Schedule
    loops: Optional[list[Loop]]
    anchor: Optional[ir.Operation]
    problems: list
    target: str = "cpu"

    def fail(self, step, message: str) -> None:
        self.problems.append((step.op if step.op is not None else self.schedule.op, message))

    @property
    def fuses_consumers(self) -> bool:
        return any(isinstance(s, Fuse) and s.consumers for s in self.schedule.steps)


def _check_tile(c: _Context, step: Tile, index: int) -> None:
    levels = c.schedule.tile_levels
    level = next(i for i, t in enumerate(levels) if t is step) + 1
    for size in step.sizes:
        if size < 0:
            c.fail(step, f"tile level {level}: sizes must be >= 0, got {_ints(step.sizes)}")
            return
    if c.loops is None:
        return
    if len(step.sizes) != len(c.loops):
        c.fail(step, f"tile level {level} has {len(step.sizes)} sizes, but kernel "
                     f"'{c.schedule.kernel}' has {_names(c.loops)}")
        return
    for size, loop in zip(step.sizes, c.loops):
        if _padded(c, loop):
            continue  # the packed lowering pads the rows / columns to the register tile
        if loop.extent is not None and size > loop.extent:
            c.fail(step, f"tile level {level}: size {size} of loop '{loop.name}' exceeds its extent {loop.extent}")
            return
    if step is levels[-1] and c.schedule.find(Vectorize) is not None:
        for size, loop in zip(step.sizes, c.loops):
            if _padded(c, loop):
                continue
            if loop.name == "ow" and _pads_conv_columns(c):
                continue  # the channels-last lowering pads the output columns to the register tile
            if size and loop.extent is not None and loop.extent % size:
                c.fail(step, f"innermost tile level: size {size} of loop '{loop.name}' does not divide "
                             f"its extent {loop.extent} (vectorized tiles must be full)")
                return


def _pads_conv_columns(c: "_Context") -> bool:
    """Whether the kernel is a 2-d convolution whose schedule packs its weights: its
    channels-last lowering computes output columns up to a multiple of the register
    tile (reading the zero padding of the input) and drops the extra ones."""
    return _packs_b(c) and c.anchor.name in CONV_ANCHORS and c.loops is not None and \
        [loop.name for loop in c.loops[2:4]] == ["oh", "ow"]


def pads_rows(anchor: ir.Operation) -> bool:
    """Whether the packed form of ``anchor`` pads the rows of A (M) to the register tile:
    a tg.matmul with a 2-d A and B, or 3-d+ ones (per batch: A ``[batch..., M, K]`` is
    padded to ``[batch..., ceil(M / mr) * mr, K]``; a 2-d B makes one 2-d product of all
    rows of A), and a tg.gemm (transA transposes A first). The padding rows are dropped
    from the result."""
    if anchor.name == "tg.gemm":
        return True
    return anchor.name == "tg.matmul" and len(_shape(anchor.operands[0])) >= 2 and \
        len(_shape(anchor.operands[1])) >= 2


def pads_columns(anchor: ir.Operation) -> bool:
    """Whether the packed form of ``anchor`` pads the columns of B (N) to the register
    tile: B of a tg.matmul or tg.gemm (a 2-d or 3-d+ B, transB too) is packed in strips
    of ``nr`` columns, the last one filled with zero columns, which are dropped from
    the result."""
    return anchor.name in ("tg.matmul", "tg.gemm")


def _packs_b(c: _Context) -> bool:
    pack = c.schedule.find(Pack)
    return c.anchor is not None and pack is not None and pack.operand == 1


def _pads_rows(c: _Context) -> bool:
    """Whether the kernel's schedule packs B of an anchor that pads A's rows."""
    return _packs_b(c) and pads_rows(c.anchor)


def _pads_columns(c: _Context) -> bool:
    """Whether the kernel's schedule packs B of an anchor that pads B's columns."""
    return _packs_b(c) and pads_columns(c.anchor)


def _padded(c: _Context, loop: Loop) -> bool:
    """Whether the packed lowering pads ``loop`` to the register tile, so that a tile of it
    may exceed or not divide its extent: the rows, and the columns when the register tile
    is one strip of the packed B wide (otherwise the kernel keeps its plain loops)."""
    if loop.name == "m":
        return _pads_rows(c)
    if loop.name != "n" or not _pads_columns(c) or c.loops is None:
        return False
    sizes, strip = c.schedule.tile_levels[-1].sizes, c.schedule.find(Pack).tiles
    names = [other.name for other in c.loops]
    return len(sizes) == len(c.loops) and bool(strip) and sizes[names.index("n")] == strip[-1]


def _check_interchange(c: _Context, step: Interchange, index: int) -> None:
    if c.loops is None:
        return
    n = len(c.loops)
    if sorted(step.permutation) != list(range(n)):
        c.fail(step, f"interchange {_ints(step.permutation)} is not a permutation of the "
                     f"{_names(c.loops)}")
        return
    order = step.permutation
    if c.fuses_consumers:
        for depth, outer in enumerate(order):
            for inner in order[depth + 1:]:
                if c.loops[outer].is_reduction and not c.loops[inner].is_reduction and outer > inner:
                    c.fail(step, f"interchange moves reduction loop '{c.loops[outer].name}' outside "
                                 f"parallel loop '{c.loops[inner].name}'; the fused consumers would "
                                 f"read partial results")
                    return
    for depth, loop in enumerate(order):
        if c.loops[loop].is_reduction and depth != loop:
            # the reduction step loops are made inside the register tile, in the kernel's order
            c.fail(step, f"interchange moves reduction loop '{c.loops[loop].name}': reduction loops "
                         f"keep their place (innermost); only parallel loops are reordered")
            return


def _check_fuse(c: _Context, step: Fuse, index: int) -> None:
    if c.anchor is not None:
        count = len(c.anchor.operands)
        for i in step.producers:
            if not 0 <= i < count:
                c.fail(step, f"producer operand #{i} is out of range: anchor '{c.anchor.name}' "
                             f"has {count} operands")
                return
    if len(set(step.producers)) != len(step.producers):
        c.fail(step, f"producer operands {_ints(step.producers)} list an operand twice")
        return
    levels = c.schedule.tile_levels
    if not step.consumers or not levels or c.loops is None or len(levels[0].sizes) != len(c.loops):
        return
    for size, loop in zip(levels[0].sizes, c.loops):
        if loop.is_reduction and size and (loop.extent is None or size < loop.extent):
            extent = "?" if loop.extent is None else loop.extent
            c.fail(step, f"cannot fuse consumers: the outermost tile level tiles reduction loop "
                         f"'{loop.name}' (size {size} of {extent}), so the consumers would see "
                         f"partial results")
            return


def _check_parallel(c: _Context, step: Parallel, index: int) -> None:
    if not any(isinstance(s, Tile) for s in c.schedule.steps[:index]):
        c.fail(step, "parallel needs a tile level before it")
    if step.threads < 0:
        c.fail(step, f"threads must be >= 0 (0: all cores), got {step.threads}")
    if len(set(step.dims)) != len(step.dims):
        c.fail(step, f"parallel dims {_ints(step.dims)} list a loop twice")
        return
    if c.loops is None:
        return
    for d in step.dims:
        if not 0 <= d < len(c.loops):
            c.fail(step, f"parallel dim {d} is out of range: kernel '{c.schedule.kernel}' has "
                         f"{_names(c.loops)}")
            return
        if c.loops[d].is_reduction:
            c.fail(step, f"loop '{c.loops[d].name}' is a reduction loop; running it in parallel races")
            return


def _check_pack(c: _Context, step: Pack, index: int) -> None:
    if not step.tiles or any(t <= 0 for t in step.tiles):
        c.fail(step, f"pack tiles must be one or more positive sizes, got {_ints(step.tiles)}")
        return
    if c.anchor is None:
        return
    count = len(c.anchor.operands)
    if not 0 <= step.operand < count:
        c.fail(step, f"pack operand #{step.operand} is out of range: anchor '{c.anchor.name}' "
                     f"has {count} operands")
        return
    try:
        rank = len(_shape(c.anchor.operands[step.operand]))
    except KernelFormatError as e:
        c.fail(step, str(e))
        return
    if len(step.tiles) > rank:
        c.fail(step, f"pack has {len(step.tiles)} tile sizes, but operand #{step.operand} has rank {rank}")


def _check_vectorize(c: _Context, step: Vectorize, index: int) -> None:
    w = step.width
    if w < 1 or w & (w - 1):
        c.fail(step, f"vector width must be a power of two, got {w}")


def _check_unroll(c: _Context, step: Unroll, index: int) -> None:
    if step.factor < 1:
        c.fail(step, f"unroll factor must be >= 1, got {step.factor}")


def _check_packable(c: _Context, step: Pack) -> None:
    """The packed forms (convert-tg-to-linalg, packed.py) are f32 products: B (operand 1) of
    a matmul or gemm; the weights (operand 1) of a convolution with groups 1, depthwise or
    grouped with stride 1, or the input (operand 0) of a pointwise one."""
    anchor = c.anchor
    try:
        etype = str(ir.RankedTensorType(anchor.results[0].type).element_type)
    except ValueError:
        return
    if etype != "f32":
        c.fail(step, f"'sched.pack': packed forms are f32 only, the kernel computes {etype}")
        return
    if anchor.name not in CONV_ANCHORS:
        if step.operand != 1:
            c.fail(step, f"'sched.pack' packs operand 1 (B) of a matrix product, not #{step.operand}")
        elif c.loops is not None and [loop.name for loop in c.loops[-3:]] != ["m", "n", "k"]:
            c.fail(step, "'sched.pack': a matrix-vector product has no packed form")
        return
    x, w, _ = conv_shapes(anchor)
    group = _int_attr(anchor, "group", 1)
    depthwise = len(x) > 1 and group == x[1] and w[1] == 1 and w[0] == x[1]
    strided = set(_int_attr(anchor, "strides", [1]) or [1]) != {1}
    if len(x) != 4 or (group != 1 and not depthwise and strided):
        c.fail(step, "'sched.pack': only 2-d convolutions with groups 1, depthwise, or grouped "
                     "with stride 1 have a packed form")
    elif group != 1 and not depthwise and c.schedule.tile_levels and \
            len(c.schedule.tile_levels[-1].sizes) == 7 and \
            (w[0] // group) % max(1, c.schedule.tile_levels[-1].sizes[1]):
        c.fail(step, f"'sched.pack': the register tile's {c.schedule.tile_levels[-1].sizes[1]} output "
                     f"channels must divide the {w[0] // group} of one group")
    elif anchor.name == "tg.nhwc_conv" and step.operand != 1:
        c.fail(step, f"'sched.pack' packs the weights (operand 1) of a channels-last "
                     f"convolution, not #{step.operand}")
    elif step.operand not in (0, 1):
        c.fail(step, f"'sched.pack' packs the weights (operand 1) or, for a pointwise "
                     f"convolution, the input (operand 0), not #{step.operand}")


def _check_unroll_loop(c: _Context, step: Unroll) -> None:
    """A packed kernel has a reduction step loop to unroll: ``k`` of a matrix product (or
    ``c`` of a pointwise convolution) when the innermost tile level steps it by less than
    its extent; for a convolution also the kernel taps ``kh``, ``kw`` (step 1)."""
    if c.loops is None or c.anchor is None:
        return
    sizes = c.schedule.tile_levels[-1].sizes
    if len(sizes) != len(c.loops):
        return  # reported by the tile check

    def stepped(i: int, size: int) -> bool:
        extent = c.loops[i].extent
        return size > 0 and (extent is None or size < extent)

    pack = c.schedule.find(Pack)
    if c.anchor.name in CONV_ANCHORS and len(c.loops) == 7 and pack is not None and pack.operand == 1:
        names = [c.loops[i].name for i in (5, 6, 4) if stepped(i, 1 if i != 4 else sizes[4])]
    else:
        i = 4 if c.anchor.name in CONV_ANCHORS else len(c.loops) - 1
        names = [c.loops[i].name] if stepped(i, sizes[i]) else []
    if not names:
        c.fail(step, f"nothing to unroll: kernel '{c.schedule.kernel}' has no reduction step loop "
                     f"(the innermost tile level steps no reduction loop by less than its extent)")


def _check_gpu_map(c: _Context, step: GpuMap, index: int) -> None:
    for what, sizes in (("blocks", step.blocks), ("threads", step.threads)):
        if not 1 <= len(sizes) <= 3 or any(s <= 0 for s in sizes):
            c.fail(step, f"gpu_map {what} must be 1 to 3 positive sizes, got {_ints(sizes)}")
            return
    total = 1
    for s in step.threads:
        total *= s
    if total > MAX_GPU_THREADS:
        c.fail(step, f"gpu_map uses {total} threads per block, more than {MAX_GPU_THREADS}")


def _check_polyhedral(c: _Context, step: Polyhedral, index: int) -> None:
    from polytile.diagnostics import PassPipelineError
    from polytile.pass_registry import parse_options
    from polytile.polyhedral.options import Options

    try:
        parse_options(Options, step.options, "affine-polyhedral-schedule")
    except PassPipelineError as e:
        c.fail(step, f"polyhedral options: {e}")


_CHECKS = {
    Tile: _check_tile, Interchange: _check_interchange, Fuse: _check_fuse,
    Parallel: _check_parallel, Pack: _check_pack, Vectorize: _check_vectorize,
    Unroll: _check_unroll, GpuMap: _check_gpu_map, Polyhedral: _check_polyhedral,
}


def _kernel_functions(module: ir.Operation) -> dict[str, ir.Operation]:
    out = {}
    for op in module.regions[0].blocks[0].operations:
        op = op.operation
        if op.name == "func.func" and "sym_name" in op.attributes:
            out[ir.StringAttr(op.attributes["sym_name"]).value] = op
    return out


def verify_schedules(module: Union[ir.Module, ir.Operation], target: str = "cpu") -> list[Problem]:
    """Every problem of every schedule in ``module``: the sched ops that cannot
    be read, then :func:`verify_schedule` against the function of each name."""
    module = module.operation
    schedules, problems = sched.read_schedules(module)
    functions = _kernel_functions(module)
    for name, schedule in schedules.items():
        problems += verify_schedule(schedule, functions.get(name), target)
    return problems

"""The compiler's stage pipelines, as plain recipes: one pass per line.

Stages (see DESIGN.md): ``tg`` (imported graph, after graph passes) ->
``sched`` (tg ops grouped into kernel functions, each with its schedule as
``sched`` ops) -> ``linalg`` (tensors, structured ops, schedules applied, with a
memref entry point) -> ``affine`` (bufferized loops) -> ``llvm`` (LLVM dialect,
ready for the JIT or AOT). The ``cpu`` target (``polytile.targets.cpu``) runs
these recipes through the one driver (``polytile.targets.driver``).

``threads`` (None: every core of the host) is the number of threads kernels
may use; with more than one, parallel loops become OpenMP parallel regions
(LLVM's libomp, from the cmeel-libomp wheel).
"""
from __future__ import annotations

from typing import Optional

STAGES = ("tg", "sched", "linalg", "affine", "llvm")

ENTRY_POINT = "polytile_entry"


def tg_graph_passes(fold_limit_bytes: Optional[int] = None) -> list[str]:
    """Graph-level cleanups on tg: forwarding ops go first so that folding sees
    through them; folding exposes conv+batchnorm pairs and simplifications; CSE
    merges what is left identical; DCE removes everything made dead.
    ``fold_limit_bytes`` (None: the pass's default) is the folding budget."""
    return [
        "tg-remove-identity",
        "tg-fold-constants" if fold_limit_bytes is None else f"tg-fold-constants{{max-bytes={fold_limit_bytes}}}",
        "tg-fold-batchnorm-into-conv",
        "tg-canonicalize",
        "tg-cse",
        "tg-dce",
    ]


def host_threads() -> int:
    from polytile.schedules.host import host_cpu
    return host_cpu().cores


def resolve_threads(threads: Optional[int]) -> int:
    """``threads`` as a count: None or 0 mean every core of the host."""
    if threads is not None and threads < 0:
        raise ValueError(f"threads must be >= 0, got {threads}")
    return host_threads() if not threads else threads


FUSE_KERNELS = "tg-fuse-kernels"


def tg_to_sched(threads: Optional[int] = None, dim_bounds: Optional[dict] = None) -> list[str]:
    """Group tg ops into kernels, give each without a schedule the default one (its tiles
    of dynamic dims sized from ``dim_bounds``, symbol -> (low, high), when given), check them all."""
    bounds = ",".join(f"{name}:{low}:{high}" for name, (low, high) in sorted((dim_bounds or {}).items()))
    default = f"sched-default{{threads={resolve_threads(threads)}" + (f" dim-bounds={bounds}" if bounds else "") + "}"
    # channels-last convolutions (their layout copies cancel between kernels); folding and
    # CSE clean up the transposed constants and the copies the propagation made twice
    layouts = ["tg-propagate-layouts", "tg-fold-constants", "tg-cse", "tg-dce"]
    return layouts + [FUSE_KERNELS, default, "sched-verify"]


def sched_to_linalg() -> list[str]:
    """Lower tg to linalg on tensors (packed layouts where schedules ask), expose a memref entry
    point, inline the kernels, fold constant packing, and apply the schedules."""
    # Element-wise fusion runs inside each kernel function, before inlining: the
    # grouping of tg-fuse-kernels is the fusion decision, and an anchor must not be
    # reshaped by fusion with its neighbours' reshapes (it would lose its schedule tag).
    return [
        "convert-tg-to-linalg",
        "func.func(linalg-fuse-elementwise-ops)",
        "math-approximate-f32",
        f"func-add-memref-entry{{entry-name={ENTRY_POINT}}}",
        "linalg-widen-bool-tensors",
        "inline",
        "symbol-dce",
        # the dynamic result dims of the shapes entry, as arithmetic on the input dims
        "resolve-ranked-shaped-type-result-dims",
        "canonicalize",
        "cse",
        "linalg-fold-constant-layouts",
        "sched-apply",
        "func.func(linalg-generalize-named-ops)",
        "linalg-interchange-for-locality",
    ]


def linalg_to_affine() -> list[str]:
    """Bufferize (writing results into the caller's buffers, freeing temporaries)
    and turn structured ops into affine loops."""
    return [
        # each output's destination chain private, or eliminate-empty-tensors may
        # hand one output's buffer to a value another output still reads
        "bufferization-unshare-output-chains",
        "tensor-unshare-insert-destinations",  # each padded operand its own buffer
        "eliminate-empty-tensors",
        # After the last tensor-level canonicalize, which would fold it back.
        "arith-flatten-tensor-constants",
        "one-shot-bufferize{bufferize-function-boundaries=false}",
        "canonicalize",
        "cse",
        "buffer-deallocation-pipeline",
        "sched-lower-vectors",
        # copies as loop nests (vectorized kernels), not the runtime's generic memrefCopy
        "memref-copy-to-linalg",
        "func.func(convert-linalg-to-affine-loops)",
        "convert-bufferization-to-memref",
        "canonicalize",
        # Intermediates live in one workspace buffer that the caller passes (no
        # malloc per call; each concurrent call gets its own: JitFunction's pool).
        f"memref-allocs-to-workspace{{entry={ENTRY_POINT} argument=true}}",
        "func-outline-loop-nests",
    ]


def parallel_loops(threads: int) -> list[str]:
    """``scf.forall``/``scf.parallel`` loops on ``threads`` threads (OpenMP), or serial."""
    if threads <= 1:
        return ["scf-forall-to-for"]
    return [
        "scf-forall-to-parallel",
        f"convert-scf-to-openmp{{num-threads={threads}}}",
        "canonicalize",
    ]


def affine_to_llvm(threads: Optional[int] = 1) -> list[str]:
    """Lower loops, vectors, memrefs, math and arith to the LLVM dialect (kernels whose
    schedule has ``sched.polyhedral`` get the polyhedral scheduler first)."""
    parallel = resolve_threads(threads) > 1
    return [
        "affine-polyhedral-schedule{tagged-only=true}",
        # one-iteration loops out of affine-parallelize's way; reduction accumulators in
        # registers, float sums reassociable, so that LLVM vectorizes them
        "func.func(affine-promote-unit-loops)",
        "func.func(affine-promote-reductions)",
        # and loads and arithmetic that do not change along a loop out of it (a softmax's
        # 1 / sum, a layer norm's mean and rsqrt: LLVM cannot prove the loop's stores leave them)
        "func.func(affine-loop-invariant-code-motion)",
        # the outermost dependence-free loop of every other nest (element-wise,
        # reductions' outer loops, copies) runs on the threads too
        *(["func.func(affine-parallelize{max-nested=1})"] if parallel else []),
        # but not the loops inside a time loop (one fork/join per step costs more than it gains)
        *(["func.func(affine-serialize-in-sequential-loops)"] if parallel else []),
        # and not the nests too small to pay for a fork and a join
        *(["func.func(affine-serialize-small-parallel-loops)"] if parallel else []),
        "lower-affine",
        "convert-vector-to-scf{full-unroll=true}",
        *parallel_loops(resolve_threads(threads)),
        "convert-scf-to-cf",
        "expand-strided-metadata",
        "lower-affine",
        "finalize-memref-to-llvm",
        "convert-math-to-llvm",
        "convert-math-to-libm",
        "convert-vector-to-llvm{reassociate-fp-reductions=true}",
        "convert-arith-to-llvm",
        "convert-ub-to-llvm",
        "convert-index-to-llvm",
        "convert-func-to-llvm",
        "convert-cf-to-llvm",
        *(["convert-openmp-to-llvm"] if parallel else []),
        "reconcile-unrealized-casts",
    ]


def polyhedral_step(options: str) -> list[str]:
    """Polyhedral scheduling of the affine loop nests (``options`` as for
    ``affine-polyhedral-schedule``), run at the start of the affine stage."""
    return [f"affine-polyhedral-schedule{{{options}}}" if options else "affine-polyhedral-schedule"]


def stage_passes(start: str, stop: str, polyhedral: Optional[str] = None,
                 threads: Optional[int] = None, dim_bounds: Optional[dict] = None) -> list[str]:
    """The passes that take IR from stage ``start`` to stage ``stop``;
    ``polyhedral`` (an options string, "" for the defaults) adds the
    polyhedral scheduler to the affine stage; ``threads`` as in the module doc;
    ``dim_bounds`` as in :func:`tg_to_sched`."""
    steps = {"tg": lambda: tg_to_sched(threads, dim_bounds), "sched": sched_to_linalg,
             "linalg": linalg_to_affine, "affine": lambda: affine_to_llvm(threads)}
    i, j = STAGES.index(start), STAGES.index(stop)
    passes: list[str] = []
    for stage in STAGES[i:j]:
        if stage == "affine" and polyhedral is not None:
            passes.extend(polyhedral_step(polyhedral))
        passes.extend(steps[stage]())
    return passes


def tg_to_linalg() -> list[str]:
    """Lower tg to linalg without kernels or schedules: the reference lowering the
    kernel-fusion tests compare the scheduled pipeline with (no target runs it)."""
    return [p for p in sched_to_linalg()
            if p not in ("linalg-fold-constant-layouts", "sched-apply", "math-approximate-f32")]

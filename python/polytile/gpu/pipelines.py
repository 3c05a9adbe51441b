"""The GPU stage pipelines, as plain recipes: one pass per line.

Stages for ``target="cuda"``: ``tg`` -> ``sched`` (tg ops grouped into kernel
functions; user schedules attached and checked for the GPU, kernels without one
get the default mapping) -> ``linalg`` (as on the CPU, schedules applied, with
every parallel loop outermost) -> ``gpu`` (bufferized; every buffer an argument
of the entry function; loops mapped to blocks and threads and outlined into a
``gpu.module``; matmuls get their own kernels: tensor cores for fp16, tiles
staged in shared memory otherwise) -> ``ptx`` (the ``gpu.module`` lowered to NVVM
and serialized to PTX in a ``gpu.binary``) -> ``llvm`` (host code lowered to
LLVM, calling the MLIR CUDA runtime).

With ``emulate_on_cpu`` (a testing aid) the launches become CPU loops at the
``gpu`` stage, the ``ptx`` step is empty and the CPU's LLVM lowering follows.
"""
from __future__ import annotations

import dataclasses

from polytile import pipelines
from polytile.targets.base import ATTACH_SCHEDULES_AFTER, TargetOptions

STAGES = ("tg", "sched", "linalg", "gpu", "ptx", "llvm")


@dataclasses.dataclass(frozen=True)
class GpuOptions(TargetOptions):
    """Options of the CUDA target: the chip and the mapping choices (besides the
    shared ones; ``opt_level`` is also the NVVM optimization level)."""

    chip: str = "sm_90"
    features: str = "+ptx80"
    block_size: int = 256
    entry: str = pipelines.ENTRY_POINT
    shared_tiles: bool = True  # matmuls: block tiles of A and B in shared memory
    tensor_cores: bool = True  # fp16 matmuls on mma.sync (when the chip is sm_80 or newer)
    tf32: bool = False  # f32 matmuls on mma.sync too, with TF32 inputs (needs tensor_cores)
    emulate_on_cpu: bool = False  # testing aid: run the launches as CPU loops over host memory
    binary_format: str = "isa"  # gpu.binary contents: isa (PTX, JIT-compiled by the driver), bin (cubin:
    # assembled by ptxas at compile time), fatbin

    @property
    def sm_version(self) -> int:
        """The chip's compute capability as a number (``sm_90a`` -> 90); 0 if unknown."""
        digits = "".join(ch for ch in self.chip.removeprefix("sm_") if ch.isdigit())
        return int(digits) if self.chip.startswith("sm_") and digits else 0

    @property
    def use_tensor_cores(self) -> bool:
        return self.tensor_cores and self.sm_version >= 80


def tg_to_sched() -> list[str]:
    """Group tg ops into kernels; user schedules are attached after
    ``tg-fuse-kernels`` (by the driver) and checked against what the GPU
    mapping can carry out. There is no default scheduler on the GPU: a kernel
    without a schedule gets the default mapping."""
    return [
        ATTACH_SCHEDULES_AFTER,
        "sched-verify{target=cuda}",
    ]


def sched_to_linalg(options: GpuOptions = GpuOptions()) -> list[str]:
    """Lower tg to linalg on tensors, expose a memref entry point, inline the
    kernels, apply the schedules (``sched-apply`` consumes the sched ops and tags
    the ops for the GPU mapping), and move parallel loops outermost (a thread
    then owns whole reductions)."""
    return [
        "convert-tg-to-linalg",
        "func.func(linalg-fuse-elementwise-ops)",
        f"func-add-memref-entry{{entry-name={options.entry}}}",
        "linalg-widen-bool-tensors",
        "inline",
        "symbol-dce",
        "canonicalize",
        "cse",
        "sched-apply{target=cuda}",
        "func.func(linalg-generalize-named-ops)",
        "gpu-interchange-parallel-outer",
    ]


def matmul_kernels(options: GpuOptions = GpuOptions()) -> list[str]:
    """Matmul-like generics to dedicated kernels: fp16 (and with ``tf32`` f32)
    on tensor cores, the rest with shared-memory tiles."""
    passes = []
    if options.use_tensor_cores:
        passes.append(f"gpu-matmul-mma-sync{{tf32={'true' if options.tf32 else 'false'}}}")
    if options.shared_tiles:
        passes.append("gpu-matmul-shared-tiles")
    return passes


def linalg_to_launches(options: GpuOptions = GpuOptions(), matmuls: bool = True) -> list[str]:
    """Bufferize, give matmuls their kernels (unless ``matmuls`` is False),
    hoist every buffer into the entry's arguments (allocated once by the
    caller) and map the other parallel loops to threads in gpu.launch ops."""
    return [
        # as on the CPU (pipelines.linalg_to_affine): each output's destination chain private
        "bufferization-unshare-output-chains",
        "tensor-unshare-insert-destinations",  # each padded operand its own buffer
        "eliminate-empty-tensors",
        "one-shot-bufferize{bufferize-function-boundaries=false}",
        "canonicalize",
        "cse",
        "gpu-memref-copy-to-linalg",
        *(matmul_kernels(options) if matmuls else []),
        "func.func(convert-linalg-to-parallel-loops)",
        "canonicalize",
        f"gpu-hoist-buffers{{entry-name={options.entry}}}",
        "symbol-dce",
        f"gpu-launch-parallel-loops{{block-size={options.block_size}}}",
    ]


def outline_kernels() -> list[str]:
    """Move each launch body into its own gpu.module kernel."""
    return [
        "gpu-launch-sink-index-computations",
        "gpu-kernel-outlining",
        "canonicalize",
        "cse",
    ]


def linalg_to_gpu(options: GpuOptions = GpuOptions()) -> list[str]:
    """From linalg on tensors to outlined kernels and a host entry function."""
    return linalg_to_launches(options) + outline_kernels()


def emulation_passes(options: GpuOptions = GpuOptions()) -> list[str]:
    """Testing aid: the GPU path's launches as CPU loops (no GPU needed); the
    CPU's ``affine_to_llvm()`` lowers the result. The matmul kernels use
    barriers, shared memory and warp-wide mma ops, which the emulation cannot
    run: matmuls keep the one-thread-per-output mapping here."""
    return linalg_to_launches(options, matmuls=False) + ["gpu-emulate-launch-on-cpu", "canonicalize"]


def gpu_to_ptx(options: GpuOptions = GpuOptions()) -> list[str]:
    """Lower the kernels to NVVM and serialize each gpu.module to PTX
    (``binary_format=isa`` needs no GPU and no ptxas; the driver JIT-compiles
    it; ``bin`` and ``fatbin`` run ptxas at compile time)."""
    return [
        f"nvvm-attach-target{{chip={options.chip} features={options.features} O={options.opt_level}}}",
        "gpu.module(convert-scf-to-cf)",
        "gpu.module(expand-strided-metadata)",
        "gpu.module(lower-affine)",
        "gpu.module(convert-nvgpu-to-nvvm)",
        "gpu.module(convert-gpu-to-nvvm)",
        "gpu.module(convert-nvvm-to-llvm)",
        "gpu.module(canonicalize)",
        "gpu.module(cse)",
        "gpu.module(reconcile-unrealized-casts)",
        f"gpu-module-to-binary{{format={options.binary_format}}}",
    ]


def host_to_llvm() -> list[str]:
    """Host code: launches made asynchronous on one stream (waited for at the
    end of the call), then everything to LLVM with runtime calls."""
    return [
        "func.func(gpu-async-region)",
        "convert-scf-to-cf",
        "expand-strided-metadata",
        "lower-affine",
        "finalize-memref-to-llvm",
        "convert-arith-to-llvm",
        "convert-index-to-llvm",
        "gpu-to-llvm",
        "convert-func-to-llvm",
        "convert-cf-to-llvm",
        "reconcile-unrealized-casts",
    ]


def stage_passes(start: str, stop: str, options: GpuOptions = GpuOptions()) -> list[str]:
    """The passes that take IR from stage ``start`` to stage ``stop``."""
    emulate = options.emulate_on_cpu
    steps = {
        "tg": tg_to_sched,
        "sched": lambda: sched_to_linalg(options),
        "linalg": lambda: emulation_passes(options) if emulate else linalg_to_gpu(options),
        "gpu": lambda: [] if emulate else gpu_to_ptx(options),
        "ptx": lambda: pipelines.affine_to_llvm() if emulate else host_to_llvm(),
    }
    i, j = STAGES.index(start), STAGES.index(stop)
    passes: list[str] = []
    for stage in STAGES[i:j]:
        passes.extend(steps[stage]())
    return passes

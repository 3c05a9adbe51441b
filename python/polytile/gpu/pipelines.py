"""The GPU stage pipelines, as plain recipes: one pass per line.

Stages for ``target="cuda"``: ``tg`` -> ``linalg`` (as on the CPU, but with
every parallel loop outermost) -> ``gpu`` (bufferized; every buffer an argument
of the entry function; loops mapped to blocks and threads and outlined into a
``gpu.module``) -> ``ptx`` (the ``gpu.module`` lowered to NVVM and serialized to
PTX in a ``gpu.binary``) -> ``llvm`` (host code lowered to LLVM, calling the
MLIR CUDA runtime).
"""
from __future__ import annotations

import dataclasses

from polytile import pipelines

STAGES = ("tg", "linalg", "gpu", "ptx", "llvm")


@dataclasses.dataclass(frozen=True)
class GpuOptions:
    """Target and mapping choices of the CUDA pipeline."""

    chip: str = "sm_90"
    features: str = "+ptx80"
    opt_level: int = 3
    block_size: int = 256
    entry: str = pipelines.ENTRY_POINT


def tg_to_linalg() -> list[str]:
    """The CPU recipe, with parallel loops moved outermost instead of the CPU's
    locality interchange (a thread then owns whole reductions)."""
    passes = [p for p in pipelines.tg_to_linalg() if p != "linalg-interchange-for-locality"]
    return passes + ["gpu-interchange-parallel-outer"]


def linalg_to_launches(options: GpuOptions = GpuOptions()) -> list[str]:
    """Bufferize, hoist every buffer into the entry's arguments (allocated once
    by the caller) and map the parallel loops to threads in gpu.launch ops."""
    return [
        "eliminate-empty-tensors",
        "one-shot-bufferize{bufferize-function-boundaries=false}",
        "canonicalize",
        "cse",
        "gpu-memref-copy-to-linalg",
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
    CPU's ``affine_to_llvm()`` lowers the result."""
    return linalg_to_launches(options) + ["gpu-emulate-launch-on-cpu", "canonicalize"]


def gpu_to_ptx(options: GpuOptions = GpuOptions()) -> list[str]:
    """Lower the kernels to NVVM and serialize each gpu.module to PTX
    (``format=isa`` needs no GPU and no ptxas; the driver JIT-compiles it)."""
    return [
        f"nvvm-attach-target{{chip={options.chip} features={options.features} O={options.opt_level}}}",
        "gpu.module(convert-scf-to-cf)",
        "gpu.module(expand-strided-metadata)",
        "gpu.module(lower-affine)",
        "gpu.module(convert-gpu-to-nvvm)",
        "gpu.module(convert-nvvm-to-llvm)",
        "gpu.module(canonicalize)",
        "gpu.module(cse)",
        "gpu.module(reconcile-unrealized-casts)",
        "gpu-module-to-binary{format=isa}",
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
    steps = {
        "tg": tg_to_linalg,
        "linalg": lambda: linalg_to_gpu(options),
        "gpu": lambda: gpu_to_ptx(options),
        "ptx": host_to_llvm,
    }
    i, j = STAGES.index(start), STAGES.index(stop)
    passes: list[str] = []
    for stage in STAGES[i:j]:
        passes.extend(steps[stage]())
    return passes

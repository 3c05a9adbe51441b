"""The ``cuda`` target: stages ``tg -> sched -> linalg -> gpu -> ptx -> llvm``
(the recipes of ``polytile.gpu.pipelines``), loaded as a
:class:`~polytile.gpu.runtime.GpuCompiledModel` running through the MLIR CUDA
runtime. ``emit("ptx")`` is the PTX assembly of every kernel, not MLIR, so a
compilation cannot resume from ``ptx``; loading reads the entry's buffers from
the ``gpu`` stage, so a model resumed from ``ptx`` or later cannot be loaded."""
from __future__ import annotations

import time

from polytile.gpu import pipelines
from polytile.gpu.pipelines import GpuOptions
from polytile.targets.base import target_error, Target, register_target

BUFFERS = "entry_buffers"  # Compilation.state key: the entry's buffers, read at the gpu stage


class CudaTarget(Target):
    name = "cuda"
    stages = pipelines.STAGES
    options_type = GpuOptions
    description = ("tg, sched (kernels; user schedules checked for the GPU), linalg, gpu (kernels "
                   "outlined, mapped to blocks and threads), ptx (printed as PTX assembly), llvm (host code)")

    def check_options(self, options: GpuOptions) -> None:
        super().check_options(options)
        if options.block_size <= 0:
            raise target_error(f"block_size must be positive, got {options.block_size}")
        if options.binary_format not in ("isa", "bin", "fatbin"):
            raise target_error(f"binary_format must be isa, bin or fatbin, got '{options.binary_format}'")

    def resumable(self, stage: str) -> bool:
        return stage != "ptx"

    def step_passes(self, stage: str, options: GpuOptions) -> list[str]:
        return pipelines.stage_passes(stage, self.next_stage(stage), options)

    def check_load(self, options: GpuOptions) -> None:
        if not options.emulate_on_cpu:
            from polytile.gpu.runtime import require_cuda_driver
            require_cuda_driver()  # before any compilation work

    hook_stages = ("tg", "gpu")

    def before_step(self, compilation, stage: str) -> None:
        if stage == "tg":
            _require_static_inputs(compilation.inputs or ())
            return
        if stage != "gpu":
            return
        # The entry's argument attributes describe its buffers (and hold the
        # weights): read them for loading, then drop them.
        from polytile.gpu.runtime import entry_buffers, strip_buffer_attrs
        entry = compilation.options.entry
        if compilation.loading:
            inputs, outputs = compilation.require_io()
            compilation.state[BUFFERS] = entry_buffers(compilation.module, entry, len(inputs), len(outputs))
        strip_buffer_attrs(compilation.module, entry)

    def emit(self, compilation, stage: str) -> str:
        if stage != "ptx":
            return str(compilation.module)
        if compilation.options.emulate_on_cpu:
            raise target_error("there is no PTX when the CUDA target emulates the kernels on the CPU")
        if compilation.options.binary_format != "isa":
            raise target_error(f"emit='ptx' prints PTX, which binary_format='{compilation.options.binary_format}' "
                               f"does not keep (emit='llvm' shows the gpu.binary ops)")
        from polytile.gpu.compiler import ptx_text
        return ptx_text(compilation.module)

    def load(self, compilation):
        from mlir import execution_engine
        from polytile.gpu.runtime import (CudaMemory, GpuCompiledModel, HostMemory, cuda_runtime_library,
                                          host_runtime_libraries)

        if BUFFERS not in compilation.state:
            raise target_error("target 'cuda' reads the entry's buffers at the 'gpu' stage: a model "
                                "resumed from a later stage cannot be loaded (resume from 'gpu' or earlier)")
        inputs, outputs = compilation.require_io()
        options, module, times = compilation.options, compilation.module, compilation.times
        start = time.perf_counter()
        if options.emulate_on_cpu:
            memory, libs = HostMemory(), host_runtime_libraries()
        else:
            memory, libs = CudaMemory(), [cuda_runtime_library()] + host_runtime_libraries()
        engine = execution_engine.ExecutionEngine(module, opt_level=options.opt_level, shared_libs=libs)
        engine.initialize()
        times.jit_s = time.perf_counter() - start
        return GpuCompiledModel(engine, options.entry, compilation.state[BUFFERS], memory, inputs, outputs,
                                times, lambda: str(module))


CUDA = register_target(CudaTarget())


def _require_static_inputs(inputs) -> None:
    """The GPU path needs statically shaped buffers: dynamic input dims are refused
    up front, naming the input (pinning them works)."""
    for info in inputs:
        if not info.is_static:
            shape = "x".join("?" if not isinstance(d, int) else str(d) for d in info.shape)
            raise target_error(f"the cuda target does not support dynamic dims yet: input '{info.name}' is "
                               f"{shape}; pin them with input_shapes= (or --input-shape {info.name}=...)")

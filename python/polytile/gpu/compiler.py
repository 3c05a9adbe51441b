"""``polytile.compile(model, target="cuda")``: ONNX model -> kernels for NVIDIA
GPUs, run through the MLIR CUDA runtime.

Stages (``pipelines.STAGES``): ``tg`` -> ``linalg`` -> ``gpu`` -> ``ptx`` ->
``llvm``; ``emit=<stage>`` returns the IR text of that stage, except
``emit="ptx"`` which returns the PTX assembly of every kernel. Running needs the
CUDA driver, checked before any compilation work; without it a
:class:`~polytile.gpu.runtime.CudaUnavailableError` is raised (``emit=`` works
everywhere).
"""
from __future__ import annotations

import time
from typing import Optional

from mlir import execution_engine, ir
from mlir.dialects import gpu as gpu_dialect

from polytile import pipelines as cpu_pipelines
from polytile.compiler import _run_passes, import_to_tg
from polytile.diagnostics import PolytileError
from polytile.gpu import pipelines
from polytile.gpu.runtime import (CudaMemory, GpuCompiledModel, HostMemory, cuda_runtime_library,
                                  entry_buffers, host_runtime_libraries, require_cuda_driver,
                                  strip_buffer_attrs)
from polytile.importers.onnx.graph import ModelSource


def ptx_text(module: ir.Module) -> str:
    """The PTX of every ``gpu.binary`` in ``module``, each under a comment line
    naming it."""
    parts = []
    for op in module.body.operations:
        op = op.operation
        if op.name != "gpu.binary":
            continue
        name = ir.StringAttr(op.attributes["sym_name"]).value
        for obj in ir.ArrayAttr(op.attributes["objects"]):
            obj = gpu_dialect.ObjectAttr(obj)
            parts.append(f"// gpu.binary @{name}\n" + obj.object.decode())
    return "\n".join(parts)


def compile_cuda(model: ModelSource, input_shapes: Optional[dict] = None, emit: Optional[str] = None,
                 opt_level: int = 3, options: pipelines.GpuOptions = pipelines.GpuOptions(),
                 emulate_on_cpu: bool = False, fold_limit_bytes: Optional[int] = None):
    """Compile for CUDA; see the module docstring. ``emulate_on_cpu`` (a testing
    aid) runs the GPU path's kernels as CPU loops over host memory instead.
    ``fold_limit_bytes`` is the constant-folding budget (as for the CPU)."""
    if emit is not None and emit not in pipelines.STAGES:
        raise PolytileError(f"unknown stage '{emit}' for target 'cuda' (stages: {', '.join(pipelines.STAGES)})")
    if emit is None and not emulate_on_cpu:
        require_cuda_driver()
    context, module, inputs, outputs, times = import_to_tg(model, input_shapes, fold_limit_bytes)
    with context, ir.Location.unknown():
        start = time.perf_counter()
        if emit == "tg":
            return str(module)
        _run_passes(module, pipelines.stage_passes("tg", "linalg", options))
        if emit == "linalg":
            return str(module)
        if emulate_on_cpu:
            _run_passes(module, pipelines.emulation_passes(options))
        else:
            _run_passes(module, pipelines.stage_passes("linalg", "gpu", options))
        if emit == "gpu":
            return str(module)
        buffers = entry_buffers(module, options.entry, len(inputs), len(outputs))
        strip_buffer_attrs(module, options.entry)
        if emulate_on_cpu:
            _run_passes(module, cpu_pipelines.affine_to_llvm())
        else:
            _run_passes(module, pipelines.stage_passes("gpu", "ptx", options))
            if emit == "ptx":
                return ptx_text(module)
            _run_passes(module, pipelines.stage_passes("ptx", "llvm", options))
        if emit == "llvm":
            return str(module)
        times.passes_s += time.perf_counter() - start
        start = time.perf_counter()
        if emulate_on_cpu:
            memory, libs = HostMemory(), host_runtime_libraries()
        else:
            memory, libs = CudaMemory(), [cuda_runtime_library()] + host_runtime_libraries()
        engine = execution_engine.ExecutionEngine(module, opt_level=opt_level, shared_libs=libs)
        engine.initialize()
        times.jit_s = time.perf_counter() - start
    return GpuCompiledModel(engine, options.entry, buffers, memory, inputs, outputs, times,
                            lambda: str(module))

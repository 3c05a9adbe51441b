"""``polytile.compile(model, target="cuda")``: ONNX model -> kernels for NVIDIA
GPUs, run through the MLIR CUDA runtime.

The ``cuda`` target (``polytile.targets.cuda``) has the stages
``tg`` -> ``sched`` -> ``linalg`` -> ``gpu`` -> ``ptx`` -> ``llvm``
(``polytile.gpu.pipelines``); ``emit=<stage>`` returns the IR text of that stage,
except ``emit="ptx"`` which returns the PTX assembly of every kernel. Running
needs the CUDA driver, checked before any compilation work; without it a
:class:`~polytile.gpu.runtime.CudaUnavailableError` is raised (``emit=`` works
everywhere).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from mlir import ir
from mlir.dialects import gpu as gpu_dialect

from polytile.gpu.pipelines import GpuOptions
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
                 options: GpuOptions = GpuOptions(), emulate_on_cpu: Optional[bool] = None):
    """``polytile.compile(model, target="cuda", options=options, emit=emit)``;
    ``emulate_on_cpu`` (a testing aid, overriding ``options.emulate_on_cpu``)
    runs the GPU path's kernels as CPU loops over host memory instead."""
    from polytile.targets.driver import drive

    if emulate_on_cpu is not None:
        options = dataclasses.replace(options, emulate_on_cpu=emulate_on_cpu)
    return drive(model, "cuda", options, emit=emit, input_shapes=input_shapes)

"""In-process execution of an LLVM-dialect module through MLIR's ExecutionEngine.

The module must expose the memref entry point made by `func-add-memref-entry`:
inputs first, then one caller-owned output buffer per result. Arguments are
passed as C memref descriptors built over numpy arrays (no copies).
"""
from __future__ import annotations

import ctypes
import os
from typing import Sequence

import numpy as np
from mlir import execution_engine, ir
from mlir.runtime import np_to_memref

from polytile import toolchain

_DTYPES = {
    "f16": np.float16, "f32": np.float32, "f64": np.float64,
    "i1": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
    "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64,
}


def numpy_dtype(element_type) -> np.dtype:
    """The numpy dtype of an MLIR element type (by its printed name)."""
    name = str(element_type)
    if name == "bf16":
        import ml_dtypes
        return np.dtype(ml_dtypes.bfloat16)
    if name not in _DTYPES:
        raise TypeError(f"element type {name} has no numpy equivalent")
    return np.dtype(_DTYPES[name])


def runtime_libraries() -> list[str]:
    """MLIR's C runner utilities, plus the f16/bf16 conversion helpers LLVM
    calls for half-precision arithmetic on CPUs without native support."""
    lib = toolchain.mlir_runtime_lib_dir()
    return [str(lib / "libmlir_c_runner_utils.so"), str(lib / "libmlir_float16_utils.so")]


def _descriptor(array: np.ndarray):
    if array.ndim == 0:
        desc = np_to_memref.make_zero_d_memref_descriptor(np_to_memref.as_ctype(array.dtype))()
        desc.allocated = array.ctypes.data
        desc.aligned = ctypes.cast(array.ctypes.data, ctypes.POINTER(np_to_memref.as_ctype(array.dtype)))
        desc.offset = ctypes.c_longlong(0)
        return desc
    return np_to_memref.get_ranked_memref_descriptor(array)


class JitFunction:
    """A compiled entry point; call it with input arrays and output arrays."""

    def __init__(self, module: ir.Module, entry: str, opt_level: int = 3, parallel: bool = False):
        libs = runtime_libraries()
        if parallel:
            # Idle OpenMP workers spin for 200 ms by default, stealing the core from
            # whatever runs next (numpy, onnxruntime, the next kernel's caller).
            os.environ.setdefault("KMP_BLOCKTIME", "1")
            libs.append(toolchain.libomp())
        self.engine = execution_engine.ExecutionEngine(module, opt_level=opt_level, shared_libs=libs)
        self.engine.initialize()
        self.entry = entry

    def __call__(self, arrays: Sequence[np.ndarray]) -> None:
        descriptors = [_descriptor(a) for a in arrays]
        args = [ctypes.pointer(ctypes.pointer(d)) for d in descriptors]
        self.engine.invoke(self.entry, *args)

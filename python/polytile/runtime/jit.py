"""In-process execution of an LLVM-dialect module through MLIR's ExecutionEngine.

The module must expose the memref entry point made by `func-add-memref-entry`:
inputs first, then one caller-owned output buffer per result, then (when
`memref-allocs-to-workspace{argument=true}` made one: module attribute
``polytile.workspace_argument``) the workspace buffer for the intermediates.
Arguments are passed as C memref descriptors built over numpy arrays (no copies).

Threads: a :class:`JitFunction` may be called from any number of threads at once.
Each call takes a workspace from a pool (or allocates a new one when all are in
use) and returns it when done, so the pool holds as many workspaces as calls have
ever run at the same time: memory is ``workspace_bytes`` times the peak number of
concurrent calls. The native call releases the GIL (ctypes), so Python threads
really compute in parallel; each call's own parallel loops use OpenMP threads.
"""
from __future__ import annotations

import ctypes
import functools
import os
import threading
from typing import Optional, Sequence

import numpy as np
from mlir import execution_engine, ir

from polytile import toolchain

_DTYPES = {
    "f16": np.float16, "f32": np.float32, "f64": np.float64,
    "i1": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
    "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64,
}


# The types numpy lacks: the ml_dtypes dtypes onnx uses, one element per byte
# (bf16: two), as MLIR lays them out in memory.
_ML_DTYPES = {
    "bf16": "bfloat16", "f8E4M3FN": "float8_e4m3fn", "f8E4M3FNUZ": "float8_e4m3fnuz",
    "f8E5M2": "float8_e5m2", "f8E5M2FNUZ": "float8_e5m2fnuz", "f8E8M0FNU": "float8_e8m0fnu",
    "f4E2M1FN": "float4_e2m1fn", "i4": "int4", "ui4": "uint4", "i2": "int2", "ui2": "uint2",
}


def numpy_dtype(element_type) -> np.dtype:
    """The numpy dtype of an MLIR element type (by its printed name); an
    ``ml_dtypes`` dtype for bf16, the float8/float4 types and i4/ui4/i2/ui2."""
    name = str(element_type)
    if name in _ML_DTYPES:
        import ml_dtypes
        return np.dtype(getattr(ml_dtypes, _ML_DTYPES[name]))
    if name not in _DTYPES:
        raise TypeError(f"element type {name} has no numpy equivalent")
    return np.dtype(_DTYPES[name])


def _ctypes_view(array: np.ndarray) -> np.ndarray:
    """``array`` itself, or for an ``ml_dtypes`` dtype (which ctypes cannot
    describe) a view of its bits as unsigned integers of the same size."""
    if array.dtype.type.__module__ == "numpy":
        return array
    return array.view({1: np.uint8, 2: np.uint16}[array.dtype.itemsize])


def runtime_libraries() -> list[str]:
    """MLIR's C runner utilities, plus the f16/bf16 conversion helpers LLVM
    calls for half-precision arithmetic on CPUs without native support."""
    lib = toolchain.mlir_runtime_lib_dir()
    return [str(lib / "libmlir_c_runner_utils.so"), str(lib / "libmlir_float16_utils.so")]


@functools.lru_cache(maxsize=None)
def _descriptor_class(rank: int) -> type:
    """The ctypes struct of a rank-``rank`` memref descriptor (MLIR's C interface:
    allocated and aligned pointers, offset, sizes, strides in elements). One class per
    rank, made once: building a class (and its pointer type) per call cost ~0.1 ms."""
    fields = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p), ("offset", ctypes.c_longlong)]
    if rank:
        fields += [("shape", ctypes.c_longlong * rank), ("strides", ctypes.c_longlong * rank)]
    return type(f"MemRef{rank}D", (ctypes.Structure,), {"_fields_": fields})


def _descriptor(array: np.ndarray):
    """The memref descriptor of ``array`` (which the caller keeps alive during the call)."""
    array = _ctypes_view(array)
    desc = _descriptor_class(array.ndim)()
    desc.allocated = desc.aligned = array.ctypes.data
    desc.offset = 0
    if array.ndim:
        desc.shape[:] = array.shape
        desc.strides[:] = [s // array.itemsize for s in array.strides]
    return desc


def call_with_descriptors(native, descriptors: Sequence) -> None:
    """Call an ``_mlir_ciface_`` entry (``ExecutionEngine.lookup``: a ctypes CFUNCTYPE, so
    the GIL is released during the call) with memref descriptors, packed as the
    ExecutionEngine's ``invoke`` packs them: an array of pointers to pointers to them."""
    holders = [ctypes.c_void_p(ctypes.addressof(d)) for d in descriptors]
    packed = (ctypes.c_void_p * len(holders))(*[ctypes.addressof(h) for h in holders])
    native(packed)


WORKSPACE_ARGUMENT_ATTR = "polytile.workspace_argument"
# (result, dim) pairs of the dynamic result dims, flattened (func-add-memref-entry)
DYNAMIC_RESULT_DIMS_ATTR = "polytile.dynamic_result_dims"
WORKSPACE_BYTES_ATTR = "polytile.workspace_bytes"
WORKSPACE_ALIGNMENT_ATTR = "polytile.workspace_alignment"


def _int_attr(module: ir.Module, name: str, default: int) -> int:
    attributes = module.operation.attributes
    return ir.IntegerAttr(attributes[name]).value if name in attributes else default


def aligned_bytes(nbytes: int, alignment: int) -> np.ndarray:
    """A zeroed uint8 array of ``nbytes`` whose data pointer is a multiple of ``alignment``."""
    raw = np.zeros(nbytes + alignment, np.uint8)
    start = (-raw.ctypes.data) % alignment
    return raw[start:start + nbytes]


class WorkspacePool:
    """Workspaces for concurrent calls: ``take`` one (a free one, else a new one), ``give`` it back."""

    def __init__(self, nbytes: int, alignment: int):
        self.nbytes = nbytes
        self.alignment = alignment
        self._free: list[np.ndarray] = []
        self._made = 0
        self._lock = threading.Lock()

    @property
    def allocated(self) -> int:
        """How many workspaces exist (the peak number of concurrent calls so far)."""
        return self._made

    def take(self) -> np.ndarray:
        with self._lock:
            if self._free:
                return self._free.pop()
            self._made += 1
        return aligned_bytes(self.nbytes, self.alignment)

    def give(self, workspace: np.ndarray) -> None:
        with self._lock:
            self._free.append(workspace)


class JitFunction:
    """A compiled entry point; call it with input arrays and output arrays (thread-safe,
    see the module docstring)."""

    def __init__(self, module: ir.Module, entry: str, opt_level: int = 3, parallel: bool = False,
                 shared_libs: Sequence[str] = ()):
        libs = runtime_libraries() + list(shared_libs)
        if parallel:
            # Idle OpenMP workers spin for 200 ms by default, stealing the core from
            # whatever runs next (numpy, onnxruntime, the next kernel's caller).
            os.environ.setdefault("KMP_BLOCKTIME", "1")
            libs.append(toolchain.libomp())
        self.workspace: Optional[WorkspacePool] = None
        if WORKSPACE_ARGUMENT_ATTR in module.operation.attributes:
            self.workspace = WorkspacePool(_int_attr(module, WORKSPACE_BYTES_ATTR, 0),
                                           _int_attr(module, WORKSPACE_ALIGNMENT_ATTR, 64))
        self.engine = execution_engine.ExecutionEngine(module, opt_level=opt_level, shared_libs=libs)
        self.engine.initialize()
        self.entry = entry
        self._native = self.engine.lookup(entry)  # a ctypes CFUNCTYPE: calls release the GIL
        # The (result, dim) pairs that are dynamic, and the entry computing their sizes
        # (func-add-memref-entry's ``<entry>_shapes``).
        flat = list(ir.DenseI64ArrayAttr(module.operation.attributes[DYNAMIC_RESULT_DIMS_ATTR])) \
            if DYNAMIC_RESULT_DIMS_ATTR in module.operation.attributes else []
        self.dynamic_result_dims: list[tuple[int, int]] = list(zip(flat[::2], flat[1::2]))
        self._shapes_native = self.engine.lookup(f"{entry}_shapes") if self.dynamic_result_dims else None

    def result_dims(self, arrays: Sequence[np.ndarray]) -> dict[tuple[int, int], int]:
        """(result, dim) -> size of every dynamic result dim for these inputs; empty
        when every result is static."""
        if not self.dynamic_result_dims:
            return {}
        sizes = np.zeros(len(self.dynamic_result_dims), np.int64)
        call_with_descriptors(self._shapes_native, [_descriptor(a) for a in arrays] + [_descriptor(sizes)])
        return {pair: int(size) for pair, size in zip(self.dynamic_result_dims, sizes)}

    @property
    def workspace_bytes(self) -> int:
        """Bytes of workspace each concurrent call needs (0: none)."""
        return self.workspace.nbytes if self.workspace is not None else 0

    def _invoke(self, arrays: Sequence[np.ndarray]) -> None:
        call_with_descriptors(self._native, [_descriptor(a) for a in arrays])

    def __call__(self, arrays: Sequence[np.ndarray]) -> None:
        if self.workspace is None:
            self._invoke(arrays)
            return
        workspace = self.workspace.take()
        try:
            self._invoke(list(arrays) + [workspace])
        finally:
            self.workspace.give(workspace)

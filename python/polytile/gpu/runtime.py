"""Running a model compiled for CUDA: device memory, the CUDA driver check, and
the compiled model object.

The entry function made by the GPU pipeline takes every buffer it uses as a
memref argument (inputs, outputs, then weights and scratch buffers, see
``gpu-hoist-buffers``). :class:`GpuCompiledModel` allocates all of them once,
uploads the weights once, and per call uploads the inputs, calls the entry
(which launches the kernels on its own stream and waits for them) and downloads
the outputs.

Device memory goes through the MLIR CUDA runtime wrappers
(``libmlir_cuda_runtime.so``: ``mgpuMemAlloc``, ``mgpuMemcpy``, ...), loaded
only after ``libcuda.so.1`` was found: loading the wrappers (or building an
ExecutionEngine with them) without the driver aborts the process.
:class:`HostMemory` stands in for the device when the kernels are emulated on
the CPU (tests on machines without a GPU).
"""
from __future__ import annotations

import ctypes
import dataclasses
import functools
import threading
from typing import Optional, Sequence

import numpy as np
from mlir import ir
from mlir.runtime import np_to_memref

from polytile import toolchain
from polytile.compiler import CompiledModel, CompileTimes
from polytile.diagnostics import PolytileError
from polytile.importers.onnx import TensorInfo
from polytile.runtime.jit import call_with_descriptors, numpy_dtype

CUDA_DRIVER = "libcuda.so.1"
BUFFER_ATTR = "polytile.gpu.buffer"
VALUE_ATTR = "polytile.gpu.value"


class CudaUnavailableError(PolytileError):
    """target="cuda" needs the CUDA driver (libcuda.so.1), which is not installed."""


@functools.lru_cache(maxsize=None)
def cuda_driver_available() -> bool:
    """Whether the CUDA driver library can be loaded (no GPU call is made)."""
    try:
        ctypes.CDLL(CUDA_DRIVER)
        return True
    except OSError:
        return False


def require_cuda_driver() -> None:
    """Raise CudaUnavailableError unless the CUDA driver can be loaded."""
    if not cuda_driver_available():
        raise CudaUnavailableError(
            f"target 'cuda' needs the NVIDIA driver ({CUDA_DRIVER}), which was not found; "
            "emit='gpu' or emit='ptx' still work without it")


def cuda_runtime_library() -> str:
    return str(toolchain.mlir_runtime_lib_dir() / "libmlir_cuda_runtime.so")


def host_runtime_libraries() -> list[str]:
    lib = toolchain.mlir_runtime_lib_dir()
    return [str(lib / "libmlir_c_runner_utils.so"), str(lib / "libmlir_float16_utils.so")]


# ----------------------------------------------------------------------------
# Device memory
# ----------------------------------------------------------------------------

class CudaMemory:
    """Device memory through the MLIR CUDA runtime wrappers, on one stream."""

    def __init__(self):
        require_cuda_driver()
        lib = ctypes.CDLL(cuda_runtime_library(), mode=ctypes.RTLD_GLOBAL)
        lib.mgpuStreamCreate.restype = ctypes.c_void_p
        lib.mgpuStreamCreate.argtypes = []
        lib.mgpuStreamSynchronize.argtypes = [ctypes.c_void_p]
        lib.mgpuMemAlloc.restype = ctypes.c_void_p
        lib.mgpuMemAlloc.argtypes = [ctypes.c_uint64, ctypes.c_void_p, ctypes.c_bool]
        lib.mgpuMemFree.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.mgpuMemcpy.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
        self._lib = lib
        self._stream = lib.mgpuStreamCreate()

    def alloc(self, nbytes: int) -> int:
        ptr = self._lib.mgpuMemAlloc(max(nbytes, 1), self._stream, False)
        if not ptr:
            raise PolytileError(f"cannot allocate {nbytes} bytes of device memory")
        return ptr

    def upload(self, ptr: int, array: np.ndarray) -> None:
        self._lib.mgpuMemcpy(ptr, array.ctypes.data, array.nbytes, self._stream)
        self._lib.mgpuStreamSynchronize(self._stream)

    def download(self, ptr: int, array: np.ndarray) -> None:
        self._lib.mgpuMemcpy(array.ctypes.data, ptr, array.nbytes, self._stream)
        self._lib.mgpuStreamSynchronize(self._stream)

    def free(self, ptr: int) -> None:
        self._lib.mgpuMemFree(ptr, self._stream)


class HostMemory:
    """Host memory with the same interface, for kernels emulated on the CPU."""

    def __init__(self):
        self._blocks: dict[int, np.ndarray] = {}

    def alloc(self, nbytes: int) -> int:
        block = np.zeros(max(nbytes, 1) + 64, dtype=np.uint8)
        ptr = (block.ctypes.data + 63) // 64 * 64
        self._blocks[ptr] = block
        return ptr

    def upload(self, ptr: int, array: np.ndarray) -> None:
        ctypes.memmove(ptr, array.ctypes.data, array.nbytes)

    def download(self, ptr: int, array: np.ndarray) -> None:
        ctypes.memmove(array.ctypes.data, ptr, array.nbytes)

    def free(self, ptr: int) -> None:
        self._blocks.pop(ptr, None)


# ----------------------------------------------------------------------------
# Buffers of the entry function
# ----------------------------------------------------------------------------

@dataclasses.dataclass
class BufferSpec:
    """One memref argument of the entry function."""

    role: str  # "input" | "output" | "weight" | "scratch"
    shape: tuple[int, ...]
    dtype: np.dtype
    value: Optional[np.ndarray] = None  # a weight's contents

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize


def _weight_value(attr: ir.Attribute, spec_shape, dtype) -> np.ndarray:
    try:
        value = np.array(ir.DenseElementsAttr(attr))
    except Exception as e:  # bf16 and other types without a numpy buffer
        raise PolytileError(f"cannot read a weight of type {ir.DenseElementsAttr(attr).type}: {e}") from None
    if value.dtype != dtype:
        value = value.astype(dtype)
    return np.ascontiguousarray(value.reshape(spec_shape))


def entry_buffers(module: ir.Module, entry: str, n_inputs: int, n_outputs: int) -> list[BufferSpec]:
    """The buffers the entry function takes, in argument order, read from its
    signature and ``gpu-hoist-buffers``' argument attributes."""
    function = None
    for op in module.body.operations:
        if op.operation.name == "func.func" and ir.StringAttr(op.operation.attributes["sym_name"]).value == entry:
            function = op.operation
    if function is None:
        raise PolytileError(f"no entry function '{entry}' in the GPU module")
    ftype = ir.FunctionType(ir.TypeAttr(function.attributes["function_type"]).value)
    arg_attrs = list(ir.ArrayAttr(function.attributes["arg_attrs"])) if "arg_attrs" in function.attributes \
        else [None] * len(ftype.inputs)
    specs = []
    for i, (t, attrs) in enumerate(zip(ftype.inputs, arg_attrs)):
        mt = ir.MemRefType(t)
        shape, dtype = tuple(mt.shape), numpy_dtype(mt.element_type)
        attrs = ir.DictAttr(attrs) if attrs is not None else None
        if i < n_inputs:
            specs.append(BufferSpec("input", shape, dtype))
        elif i < n_inputs + n_outputs:
            specs.append(BufferSpec("output", shape, dtype))
        else:
            if attrs is None or BUFFER_ATTR not in attrs:
                raise PolytileError(f"argument {i} of '{entry}' is neither an input, output nor hoisted buffer")
            role = ir.StringAttr(attrs[BUFFER_ATTR]).value
            value = _weight_value(attrs[VALUE_ATTR], shape, dtype) if role == "weight" else None
            specs.append(BufferSpec(role, shape, dtype, value))
    return specs


def strip_buffer_attrs(module: ir.Module, entry: str) -> None:
    """Drop the argument attributes (and the weights they hold) once read."""
    for op in module.body.operations:
        if op.operation.name == "func.func" and ir.StringAttr(op.operation.attributes["sym_name"]).value == entry:
            if "arg_attrs" in op.operation.attributes:
                del op.operation.attributes["arg_attrs"]


def _descriptor(ptr: int, shape: Sequence[int], dtype: np.dtype):
    """A ranked memref descriptor (identity layout) over memory at ``ptr``."""
    ctype = np_to_memref.as_ctype(dtype)
    if len(shape) == 0:
        desc = np_to_memref.make_zero_d_memref_descriptor(ctype)()
    else:
        desc = np_to_memref.make_nd_memref_descriptor(len(shape), ctype)()
        strides, stride = [], 1
        for size in reversed(shape):
            strides.insert(0, stride)
            stride *= size
        desc.shape = (ctypes.c_longlong * len(shape))(*shape)
        desc.strides = (ctypes.c_longlong * len(shape))(*strides)
    desc.allocated = ptr
    desc.aligned = ctypes.cast(ptr, ctypes.POINTER(ctype))
    desc.offset = ctypes.c_longlong(0)
    return desc


class GpuCompiledModel(CompiledModel):
    """A model compiled for CUDA (or emulated on the CPU); same interface as
    the CPU's CompiledModel. Device buffers live as long as this object.

    Thread safety: ``run`` may be called from several threads at once. The weights
    are uploaded once and shared; inputs, outputs and scratch buffers form a
    per-call set taken from a pool that grows to the peak number of concurrent
    calls (each set costs ``call_bytes`` of device memory, kept for later calls).
    Each call launches its kernels on a stream of its own (``gpu-async-region``) and
    waits for it, with the GIL released. ``launch`` reuses the buffers of the most
    recent call and is meant for timing from one thread.
    """

    def __init__(self, engine, entry: str, buffers: list[BufferSpec], memory,
                 inputs: Sequence[TensorInfo], outputs: Sequence[TensorInfo],
                 times: CompileTimes, module_text_fn):
        super().__init__(self._call, inputs, outputs, times, module_text_fn)
        self._engine = engine
        self._entry = entry
        self._native = engine.lookup(entry)
        self._memory = memory
        self.buffers = buffers
        self._pointers: list[int] = []  # every allocation, freed with the model
        self._weights = {i: self._alloc(b) for i, b in enumerate(buffers) if b.role == "weight"}
        for i, ptr in self._weights.items():
            memory.upload(ptr, buffers[i].value)
        self._free_sets: list[list[int]] = []
        self.call_sets = 0  # buffer sets made: the peak number of concurrent calls so far
        self._lock = threading.Lock()
        self._last: Optional[list[int]] = None

    def _alloc(self, spec: BufferSpec) -> int:
        ptr = self._memory.alloc(spec.nbytes)
        self._pointers.append(ptr)
        return ptr

    @property
    def device_bytes(self) -> int:
        """Device memory held: the weights plus one buffer set per concurrent call so far."""
        return sum(b.nbytes for b in self.buffers if b.role == "weight") + self.call_bytes * self.call_sets

    @property
    def call_bytes(self) -> int:
        """Device memory of one call's inputs, outputs and scratch buffers."""
        return sum(b.nbytes for b in self.buffers if b.role != "weight")

    def _take_set(self) -> list[int]:
        with self._lock:
            if self._free_sets:
                return self._free_sets.pop()
            self.call_sets += 1
            return [self._weights[i] if i in self._weights else self._alloc(b)
                    for i, b in enumerate(self.buffers)]

    def _invoke(self, pointers: list[int]) -> None:
        call_with_descriptors(self._native, [_descriptor(p, b.shape, b.dtype)
                                             for p, b in zip(pointers, self.buffers)])

    def launch(self) -> None:
        """Run the model on the inputs already in device memory (those of the
        last ``run``), without any copy; returns when the kernels are done.
        For timing the device work alone."""
        if self._last is None:
            raise PolytileError("launch() needs a run() first (it reuses that call's device buffers)")
        self._invoke(self._last)

    def _call(self, arrays: list[np.ndarray]) -> None:
        n_in = len(self.inputs)
        pointers = self._take_set()
        try:
            for ptr, array in zip(pointers[:n_in], arrays[:n_in]):
                self._memory.upload(ptr, array)
            self._invoke(pointers)
            for ptr, array in zip(pointers[n_in:n_in + len(self.outputs)], arrays[n_in:]):
                self._memory.download(ptr, array)
        finally:
            with self._lock:
                self._free_sets.append(pointers)
                self._last = pointers

    def __del__(self):
        memory = getattr(self, "_memory", None)
        for ptr in getattr(self, "_pointers", []):
            try:
                memory.free(ptr)
            except Exception:  # pragma: no cover - interpreter shutdown
                pass

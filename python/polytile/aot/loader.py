"""``polytile.load("libNAME.so")``: a model library back in Python, through its C API (ctypes).

The returned :class:`LibraryModel` has the ``run(feeds)``, ``inputs``, ``outputs``,
``input_names`` and ``output_names`` of :class:`polytile.CompiledModel`; feeds are
checked at the door the same way (unknown or missing names, dtypes, ranks,
static dims), and what the library itself rejects comes back as
:class:`polytile.InputError` with its ``NAME_last_error`` message.

Threads: ``run`` may be called from several Python threads at once. Each call
takes a session from a pool (a new ``NAME_create(threads)`` when all are busy),
so the pool holds as many sessions (each with its workspace) as calls have run
at the same time; ctypes releases the GIL during ``NAME_run``.

``NAME`` is read from the file name (``libNAME.so``) unless ``name=`` is given.
Does not yet: check the values of inputs read as axes or counts (see
``polytile.aot.wrapper``), or load an object file (link it into a shared
library first: ``cc -shared NAME.o -o libNAME.so``).
"""
from __future__ import annotations

import ctypes
import os
import threading
from typing import Optional, Sequence

import numpy as np

from polytile.compiler import InputError, ModelIO
from polytile.diagnostics import PolytileError


class PtTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


def _numpy_dtype(onnx_number: int) -> np.dtype:
    from polytile.aot.wrapper import ONNX_TO_NUMPY_NAME
    name = ONNX_TO_NUMPY_NAME.get(onnx_number)
    if name is None:
        raise PolytileError(f"the library declares dtype {onnx_number}, which polytile does not know")
    try:
        return np.dtype(name)
    except TypeError:
        import ml_dtypes
        return np.dtype(getattr(ml_dtypes, name))


class LibraryModel(ModelIO):
    """A model library loaded through its C API (see the module doc)."""

    def __init__(self, path: str, name: str, threads: int = 0):
        from polytile.importers.onnx import TensorInfo

        self.path = path
        self.name = name
        self.threads = threads
        _share_openmp_runtime(path)
        try:
            self._lib = ctypes.CDLL(os.path.abspath(path))
        except OSError as e:
            raise PolytileError(f"cannot load '{path}': {e}") from None
        lib = self._lib

        def fn(suffix, restype, *argtypes):
            try:
                f = getattr(lib, f"{name}_{suffix}")
            except AttributeError:
                raise PolytileError(f"'{path}' has no function {name}_{suffix}: is it a polytile model library "
                                    f"named '{name}'? (pass name= when the file is not lib<name>.so)") from None
            f.restype = restype
            f.argtypes = list(argtypes)
            return f

        i64p = ctypes.POINTER(ctypes.c_int64)
        num_inputs, num_outputs = fn("num_inputs", ctypes.c_int), fn("num_outputs", ctypes.c_int)
        self._create = fn("create", ctypes.c_void_p, ctypes.c_int)
        self._run = fn("run", ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(PtTensor), ctypes.POINTER(PtTensor))
        self._destroy = fn("destroy", None, ctypes.c_void_p)
        self._last_error = fn("last_error", ctypes.c_char_p, ctypes.c_void_p)

        def infos(kind, count):
            get_name = fn(f"{kind}_name", ctypes.c_char_p, ctypes.c_int)
            get_dtype = fn(f"{kind}_dtype", ctypes.c_int32, ctypes.c_int)
            get_rank = fn(f"{kind}_rank", ctypes.c_int32, ctypes.c_int)
            get_shape = fn(f"{kind}_shape", i64p, ctypes.c_int)
            out = []
            for i in range(count):
                rank = get_rank(i)
                shape = get_shape(i)
                dims = tuple(None if shape[k] < 0 else int(shape[k]) for k in range(rank))
                out.append(TensorInfo(get_name(i).decode("utf-8"), dims, _numpy_dtype(get_dtype(i))))
            return out

        self.inputs = infos("input", num_inputs())
        self.outputs = infos("output", num_outputs())
        self._sessions: list[int] = []
        self._made: list[int] = []
        self._lock = threading.Lock()
        self.dim_bounds: dict = {}

    def _take(self) -> int:
        with self._lock:
            if self._sessions:
                return self._sessions.pop()
        session = self._create(self.threads)
        if not session:
            raise PolytileError(f"{self.name}_create failed: {self._last_error(None).decode('utf-8', 'replace')}")
        with self._lock:
            self._made.append(session)
        return session

    def _give(self, session: int) -> None:
        with self._lock:
            self._sessions.append(session)

    def run(self, feeds: dict, output_names: Optional[Sequence[str]] = None) -> list[np.ndarray]:
        """Run on ``feeds`` (name -> array); the outputs in model order (or those named)."""
        arrays = self._check_feeds(feeds)  # the same checks as polytile.compile's model
        keep = []
        inputs = (PtTensor * max(1, len(arrays)))()
        for i, (info, array) in enumerate(zip(self.inputs, arrays)):
            shape = (ctypes.c_int64 * max(1, array.ndim))(*array.shape)
            keep.append(shape)
            inputs[i] = PtTensor(array.ctypes.data if array.size else None, _onnx(info.dtype), array.ndim,
                                 ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64)))
        outputs = (PtTensor * max(1, len(self.outputs)))()
        results: list[Optional[np.ndarray]] = []
        for r, info in enumerate(self.outputs):
            if all(isinstance(d, int) for d in info.shape):  # static: write into our own array
                array = np.empty(info.shape, info.dtype)
                shape = (ctypes.c_int64 * max(1, array.ndim))(*array.shape)
                keep.append(shape)
                outputs[r] = PtTensor(array.ctypes.data if array.size else None, _onnx(info.dtype), array.ndim,
                                      ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64)))
                results.append(array)
            else:  # dynamic: the session's buffer, copied out
                outputs[r] = PtTensor(None, 0, 0, None)
                results.append(None)
        session = self._take()
        try:
            code = self._run(session, inputs, outputs)
            if code != 0:
                raise InputError(f"{self.name}_run failed ({code}): "
                                 f"{self._last_error(session).decode('utf-8', 'replace')}")
            for r, info in enumerate(self.outputs):
                if results[r] is None:
                    t = outputs[r]
                    shape = tuple(int(t.shape[k]) for k in range(t.rank))
                    count = int(np.prod(shape)) if shape else 1
                    nbytes = count * np.dtype(info.dtype).itemsize
                    raw = ctypes.string_at(t.data, nbytes) if nbytes else b""
                    results[r] = np.frombuffer(raw, dtype=info.dtype, count=count).reshape(shape).copy()
        finally:
            self._give(session)
        return self._select_outputs(results, output_names)

    __call__ = run

    def close(self) -> None:
        """Destroy every session (the library stays loaded)."""
        with self._lock:
            made, self._made, self._sessions = self._made, [], []
        for session in made:
            self._destroy(session)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def _share_openmp_runtime(path: str) -> None:
    """Before loading a library that ships ``libomp.so`` beside it: load the
    ``cmeel-libomp`` runtime, which the JIT uses, so that the library's
    ``DT_NEEDED libomp.so`` binds to it (by its soname) and the process has one
    OpenMP runtime (two abort). Idle workers wait 1 ms (``KMP_BLOCKTIME``, as the JIT sets)."""
    if not os.path.exists(os.path.join(os.path.dirname(os.path.abspath(path)), "libomp.so")):
        return
    from polytile import toolchain
    try:
        runtime = toolchain.libomp()
    except FileNotFoundError:
        return
    os.environ.setdefault("KMP_BLOCKTIME", "1")
    ctypes.CDLL(runtime, mode=ctypes.RTLD_GLOBAL)


def _onnx(dtype) -> int:
    from polytile.aot.wrapper import onnx_dtype
    return onnx_dtype(dtype)


def library_name(path: str) -> str:
    """``NAME`` of ``.../libNAME.so`` (or ``NAME.so``)."""
    base = os.path.basename(path)
    for suffix in (".so",):
        if base.endswith(suffix):
            base = base[:-len(suffix)]
    if ".so." in base:
        base = base.split(".so.")[0]
    return base[3:] if base.startswith("lib") and len(base) > 3 else base


def load(path, name: Optional[str] = None, threads: int = 0) -> LibraryModel:
    """Load a model library built by ``polytile-compile --emit=lib``; ``threads``
    is what each session is created with (0: every core)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise PolytileError(f"no such file: {path}")
    return LibraryModel(path, name or library_name(path), threads)

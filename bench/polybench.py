"""PolyBench-style kernels (test/polybench/*.mlir) side by side, in one run:

* ``none``: the kernel as written;
* ``upstream``: ``affine-loop-fusion`` + ``affine-loop-tile{tile-size=32}``;
* ``poly``: ``affine-polyhedral-schedule{tile-sizes=32 fusion=smart}``;

at 1 thread and, with ``--threads 2``, at 2 threads (parallel loops through
``scf.parallel`` + ``async-parallel-for{num-workers=2 min-task-size=4096}``; ``none`` and
``upstream`` get their parallel loops from upstream ``affine-parallelize``,
``poly`` from its own ``affine.parallel``). Each time is the median of
``--repeats`` calls after one warm-up; every variant's output is compared with
the unoptimized kernel's and a mismatch is printed as WRONG instead of a time.

    python bench/polybench.py [--threads 1,2] [--repeats 5] [--scale 1.0] [kernel ...]
"""
from __future__ import annotations

import pathlib

import argparse
import statistics
import sys
import time

import numpy as np

from polytile import toolchain
from polytile.polyhedral import polybench as pb

pb.KERNEL_DIR = pathlib.Path(__file__).resolve().parents[1] / "test" / "polybench"

# Benchmark sizes (the kernels read them from the memref shapes).
SIZES = {"gemm": 256, "2mm": 200, "atax": 1500, "bicg": 1500, "mvt": 1500, "gesummv": 1200,
         "jacobi-2d": 500, "seidel-2d": 300, "heat-3d": 60, "covariance": 300}

VARIANTS = {
    "none": [],
    "upstream": ["func.func(affine-loop-fusion)", "func.func(affine-loop-tile{tile-size=32})"],
    "poly": ["affine-polyhedral-schedule{tile-sizes=32 fusion=smart}"],
}
PARALLELIZE = {"none": ["func.func(affine-parallelize)"],
               "upstream": ["func.func(affine-parallelize)"], "poly": []}


def async_passes(threads: int) -> list:
    return ["func.func(lower-affine)", f"async-parallel-for{{num-workers={threads} min-task-size=4096}}",
            "async-to-async-runtime", "async-runtime-ref-counting",
            "async-runtime-ref-counting-opt", "arith-expand", "convert-async-to-llvm"]


def measure(fn, arrays, repeats: int):
    copies = [a.copy() for a in arrays]
    fn(copies)  # warm-up; also the result we check
    times = []
    for _ in range(repeats):
        work = [a.copy() for a in arrays]
        start = time.perf_counter()
        fn(work)
        times.append(time.perf_counter() - start)
    return statistics.median(times), copies


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kernels", nargs="*", default=list(pb.KERNELS))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    args = parser.parse_args(argv)
    threads = [int(t) for t in args.threads.split(",")]
    lib = str(toolchain.mlir_runtime_lib_dir() / "libmlir_async_runtime.so")

    columns = [(v, t) for t in threads for v in VARIANTS]
    header = f"{'kernel':<11} {'size':>5} " + " ".join(f"{v + '/' + str(t) + 't':>12}" for v, t in columns)
    header += "   up/none  poly/none  poly/up" + ("  poly2t/none1t" if 2 in threads else "")
    print("times in ms (median of %d); ratios are speedups, >1 = faster" % args.repeats)
    print(header)
    for name in args.kernels:
        kernel = pb.KERNELS[name]
        size = max(3, int(SIZES[name] * args.scale))
        arrays = kernel.inputs(size, np.random.default_rng(0))
        times, reference = {}, None
        for variant, t in columns:
            passes = list(VARIANTS[variant])
            if t == 1:
                fn = pb.compile_kernel(kernel, passes)
            else:
                fn = pb.compile_kernel(kernel, passes + PARALLELIZE[variant],
                                       extra_llvm=async_passes(t), shared_libs=[lib])
            seconds, out = measure(fn, arrays, args.repeats)
            if reference is None:
                reference = out
            ok = all(np.allclose(a, b, rtol=1e-9, atol=1e-9) for a, b in zip(out, reference))
            times[(variant, t)] = seconds if ok else None
        cells = " ".join(f"{times[c] * 1e3:12.2f}" if times[c] is not None else f"{'WRONG':>12}"
                         for c in columns)

        def ratio(a, b):
            ta, tb = times.get(a), times.get(b)
            return f"{tb / ta:9.2f}" if ta and tb else f"{'-':>9}"

        line = f"{name:<11} {size:>5} {cells} {ratio(('upstream', 1), ('none', 1))} " \
               f"{ratio(('poly', 1), ('none', 1)):>10} {ratio(('poly', 1), ('upstream', 1))}"
        if 2 in threads:
            line += f" {ratio(('poly', 2), ('none', 1)):>14}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""JIT vs ahead-of-time library, side by side, in one process (issue 15, item 6).

For each model and thread count: ``polytile.compile`` (the JIT) and
``polytile-compile --emit=lib`` loaded with ``polytile.load`` (ctypes over the C
API), both for the same threads and the same CPU (the library's default
``-mcpu`` is the host's, as the JIT's). Runs are interleaved, JIT and library in
turn, and the median of ``--repeats`` is printed with the ratio library/JIT. Then
the load time of each library, measured in a fresh process (``dlopen`` and the
first ``NAME_create``, which for ``--weights`` reads the weights file), the median of
``--load-repeats`` processes; the issue asks under 100 ms for ResNet-50.

    python bench/bench_aot.py                          # mlp, convnet, resnet50 (light) at 1 and 2 threads
    python bench/bench_aot.py --models resnet50 --threads 2 --repeats 20
    python bench/bench_aot.py --models mobilenet --weights-file   # also a --weights build's load time

Models: ``mlp`` (512x1024 MatMul+Add+Relu twice), ``convnet`` (a small conv net with a dynamic batch, run at
batch 8), ``resnet50`` (onnx's light_resnet50.onnx), ``mobilenet`` (examples/mobilenet_v2.onnx).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[1]


def mlp() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array((rng.standard_normal((1024, 1024)) * 0.03).astype(np.float32), f"W{i}")
             for i in range(2)] + [numpy_helper.from_array(rng.standard_normal(1024).astype(np.float32), "B")]
    nodes = [helper.make_node("MatMul", ["X", "W0"], ["T0"]), helper.make_node("Add", ["T0", "B"], ["U0"]),
             helper.make_node("Relu", ["U0"], ["R0"]), helper.make_node("MatMul", ["R0", "W1"], ["T1"]),
             helper.make_node("Relu", ["T1"], ["Y"])]
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [512, 1024])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [512, 1024])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def convnet() -> onnx.ModelProto:
    sys.path.insert(0, str(ROOT / "test" / "python"))
    from aot_support import conv_model
    return conv_model()


def light(name: str):
    import onnx as package
    return str(Path(package.__file__).parent / "backend" / "test" / "data" / "light" / f"light_{name}.onnx")


MODELS = {
    "mlp": (mlp, {}),
    "convnet": (convnet, {"N": 8}),
    "resnet50": (lambda: light("resnet50"), {}),
    "mobilenet": (lambda: str(ROOT / "examples" / "mobilenet_v2.onnx"), {}),
}

LOAD_PROBE = r"""
import ctypes, sys, time
path, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
lib = ctypes.CDLL(path)
create = getattr(lib, name + "_create"); create.restype = ctypes.c_void_p
session = create(n)
elapsed = time.perf_counter() - start
assert session, "create failed"
print(elapsed)
"""


def load_time(path: str, name: str, threads: int, repeats: int) -> float:
    """Median seconds of dlopen + the first NAME_create, each in a fresh process."""
    env = dict(os.environ, KMP_BLOCKTIME="1")
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", LOAD_PROBE, path, name, str(threads)], capture_output=True,
                             text=True, check=True, env=env).stdout
        times.append(float(out.strip()))
    return statistics.median(times)


def feeds_for(model, dims: dict) -> dict:
    from polytile.run_main import random_feeds
    return random_feeds(model.inputs, 0, dims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["mlp", "convnet", "resnet50"], choices=sorted(MODELS))
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--load-repeats", type=int, default=5)
    parser.add_argument("--weights-file", action="store_true", help="also time a --weights build's load")
    args = parser.parse_args()
    import polytile
    from polytile.aot import build_library
    from polytile.targets.cpu import CpuOptions

    rows, loads = [], []
    with tempfile.TemporaryDirectory(prefix="bench-aot-") as scratch:
        for key in args.models:
            make, dims = MODELS[key]
            source = make()
            for threads in args.threads:
                name = f"{key}_t{threads}"
                folder = Path(scratch) / name
                folder.mkdir()
                start = time.perf_counter()
                jit = polytile.compile(source, threads=threads)
                jit_compile = time.perf_counter() - start
                start = time.perf_counter()
                built = build_library(source, name, str(folder / f"lib{name}.so"),
                                      options=CpuOptions(threads=threads), model_label=key)
                lib_build = time.perf_counter() - start
                lib = polytile.load(built.output, threads=threads)
                feeds = feeds_for(jit, dims)
                for _ in range(2):  # warm up both
                    jit.run(feeds)
                    lib.run(feeds)
                jit_times, lib_times = [], []
                for _ in range(args.repeats):
                    start = time.perf_counter()
                    jit.run(feeds)
                    jit_times.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    lib.run(feeds)
                    lib_times.append(time.perf_counter() - start)
                error = max(float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) if a.size else 0.0
                            for a, b in zip(jit.run(feeds), lib.run(feeds)))
                j, l = statistics.median(jit_times) * 1e3, statistics.median(lib_times) * 1e3
                rows.append((key, threads, j, l, l / j, error, jit_compile, lib_build))
                print(f"{key:<10} threads {threads}: JIT {j:9.3f} ms  lib {l:9.3f} ms  lib/JIT {l / j:5.2f}  "
                      f"max |diff| {error:.2e}  (compile: JIT {jit_compile:.1f} s, library {lib_build:.1f} s)",
                      flush=True)
                size = os.path.getsize(built.output)
                loads.append((key, threads, "embedded", size, load_time(built.output, name, threads,
                                                                         args.load_repeats)))
                if args.weights_file:
                    wname = name + "_w"
                    wbuilt = build_library(source, wname, str(folder / f"lib{wname}.so"),
                                           options=CpuOptions(threads=threads),
                                           weights_file=str(folder / f"{wname}.weights"))
                    loads.append((key, threads, "--weights", os.path.getsize(wbuilt.weights),
                                  load_time(wbuilt.output, wname, threads, args.load_repeats)))
                lib.close()
    print("\nmodel       threads   JIT ms    lib ms  lib/JIT")
    for key, threads, j, l, ratio, *_ in rows:
        print(f"{key:<10} {threads:>8} {j:9.3f} {l:9.3f} {ratio:8.2f}")
    if rows:
        print(f"geometric mean lib/JIT: {np.exp(np.mean(np.log([r[4] for r in rows]))):.3f}")
    print("\nload (dlopen + first NAME_create, fresh process, median)")
    for key, threads, kind, size, seconds in loads:
        print(f"{key:<10} threads {threads}  weights {kind:<9} {size / 2**20:8.1f} MiB  {seconds * 1e3:8.2f} ms")


if __name__ == "__main__":
    main()

"""The top convolution and matmul kernels of the benchmark models, in GFLOP/s
against this machine's FMA peak measured in the same run.

First a small C program (compiled at run time with ``cc -O3 -march=native
-fopenmp``) runs independent vector FMAs (12 accumulators of ``__m512`` where the
compiler targets AVX-512, else ``__m256``) on 1 and 2 threads: that is the peak,
per core and in all, for each thread count. Then each kernel shape, a
single-node ONNX model (weights and bias as initializers, the activation a graph
input), is compiled by polytile and opened in onnxruntime at the same thread
count; outputs are compared (a mismatch is printed, the run goes on); runs are
timed interleaved and the medians printed: ms, GFLOP/s and the fraction of the
peak of that thread count, for polytile and onnxruntime, and their ratio.

    python bench/bench_kernels.py [--threads 1 2] [--kernels pw56_24_144 mm1024 ...]
                                  [--repeats 30] [--time-budget 5] [--json out.json]
    python bench/bench_kernels.py --peak-only
    python bench/bench_kernels.py --list

FLOPs count 2 per multiply-add of the contraction (the bias and epilogue are
not counted). Times on a shared 2-core machine are noisy: compare rows of one
run, not runs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_models import measure, ort_session  # noqa: E402

OPSET = 17

FMA_SOURCE = r"""
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#define ISA "avx512"
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#define ISA "avx2"
#endif
#define ACC 12

int main(int argc, char **argv) {
    int threads = atoi(argv[1]);
    long iters = atol(argv[2]);
    float sink = 0.0f;
    omp_set_num_threads(threads);
    double start = omp_get_wtime();
#pragma omp parallel reduction(+ : sink)
    {
        float seed = (float)omp_get_thread_num() * 1e-3f;
        vec a = SET1(0.999999f), b = SET1(1e-7f);
        vec acc[ACC];
        for (int j = 0; j < ACC; j++) acc[j] = SET1(seed + (float)j);
        for (long i = 0; i < iters; i++) {
#pragma GCC unroll 12
            for (int j = 0; j < ACC; j++) acc[j] = FMA(acc[j], a, b);
        }
        vec total = acc[0];
        for (int j = 1; j < ACC; j++) total = ADD(total, acc[j]);
        float out[LANES];
        STORE(out, total);
        for (int l = 0; l < LANES; l++) sink += out[l];
    }
    double seconds = omp_get_wtime() - start;
    double flops = 2.0 * LANES * ACC * (double)iters * threads;
    printf("%s %d %.6f %.1f %g\n", ISA, threads, seconds, flops / seconds / 1e9, (double)sink);
    return 0;
}
"""


def measure_peak(thread_counts, tries: int = 5, iters: int = 50_000_000) -> dict:
    """``{threads: (isa, total GFLOP/s)}``: the best of ``tries`` runs of the FMA loop."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise RuntimeError("no C compiler (cc) to build the FMA peak loop")
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "fma.c"), os.path.join(tmp, "fma")
        with open(src, "w") as f:
            f.write(FMA_SOURCE)
        subprocess.run([cc, "-O3", "-march=native", "-fopenmp", src, "-o", exe], check=True)
        peaks = {}
        env = dict(os.environ, OMP_PROC_BIND="true", OMP_WAIT_POLICY="active")
        for threads in thread_counts:
            best, isa = 0.0, "?"
            for _ in range(tries):
                out = subprocess.run([exe, str(threads), str(iters)], check=True, env=env,
                                     capture_output=True, text=True).stdout.split()
                isa, best = out[0], max(best, float(out[3]))
            peaks[threads] = (isa, best)
    return peaks


# ---------------------------------------------------------------------------
# kernel shapes: name -> (description, builder args)
# conv: (N, C, H, W, K, kernel, stride, pad, group); matmul: (M, K, N, weight_is_constant)

CONVS = {
    # MobileNet-v2 pointwise (expand and project) convs
    "pw112_32_16": ("MobileNet-v2 1x1 32->16 @112x112", (1, 32, 112, 112, 16, 1, 1, 0, 1)),
    "pw56_24_144": ("MobileNet-v2 1x1 24->144 @56x56", (1, 24, 56, 56, 144, 1, 1, 0, 1)),
    "pw56_144_24": ("MobileNet-v2 1x1 144->24 @56x56", (1, 144, 56, 56, 24, 1, 1, 0, 1)),
    "pw28_32_192": ("MobileNet-v2 1x1 32->192 @28x28", (1, 32, 28, 28, 192, 1, 1, 0, 1)),
    "pw28_192_32": ("MobileNet-v2 1x1 192->32 @28x28", (1, 192, 28, 28, 32, 1, 1, 0, 1)),
    "pw14_64_384": ("MobileNet-v2 1x1 64->384 @14x14", (1, 64, 14, 14, 384, 1, 1, 0, 1)),
    "pw14_384_64": ("MobileNet-v2 1x1 384->64 @14x14", (1, 384, 14, 14, 64, 1, 1, 0, 1)),
    "pw7_160_960": ("MobileNet-v2 1x1 160->960 @7x7", (1, 160, 7, 7, 960, 1, 1, 0, 1)),
    "pw7_960_160": ("MobileNet-v2 1x1 960->160 @7x7", (1, 960, 7, 7, 160, 1, 1, 0, 1)),
    "pw7_320_1280": ("MobileNet-v2 1x1 320->1280 @7x7", (1, 320, 7, 7, 1280, 1, 1, 0, 1)),
    # MobileNet-v2 depthwise 3x3
    "dw112_96_s2": ("MobileNet-v2 dw3x3 96 s2 @112x112", (1, 96, 112, 112, 96, 3, 2, 1, 96)),
    "dw56_144_s1": ("MobileNet-v2 dw3x3 144 s1 @56x56", (1, 144, 56, 56, 144, 3, 1, 1, 144)),
    "dw56_144_s2": ("MobileNet-v2 dw3x3 144 s2 @56x56", (1, 144, 56, 56, 144, 3, 2, 1, 144)),
    "dw28_192_s1": ("MobileNet-v2 dw3x3 192 s1 @28x28", (1, 192, 28, 28, 192, 3, 1, 1, 192)),
    "dw14_384_s1": ("MobileNet-v2 dw3x3 384 s1 @14x14", (1, 384, 14, 14, 384, 3, 1, 1, 384)),
    "dw7_960_s1": ("MobileNet-v2 dw3x3 960 s1 @7x7", (1, 960, 7, 7, 960, 3, 1, 1, 960)),
    # ResNet-50
    "stem7x7_s2": ("ResNet-50 stem 7x7 3->64 s2 @224x224", (1, 3, 224, 224, 64, 7, 2, 3, 1)),
    "c3_56_64": ("ResNet-50 3x3 64->64 @56x56", (1, 64, 56, 56, 64, 3, 1, 1, 1)),
    "c3_28_128": ("ResNet-50 3x3 128->128 @28x28", (1, 128, 28, 28, 128, 3, 1, 1, 1)),
    "c3_14_256": ("ResNet-50 3x3 256->256 @14x14", (1, 256, 14, 14, 256, 3, 1, 1, 1)),
    "c3_7_512": ("ResNet-50 3x3 512->512 @7x7", (1, 512, 7, 7, 512, 3, 1, 1, 1)),
    "c1_56_64_256": ("ResNet-50 1x1 64->256 @56x56", (1, 64, 56, 56, 256, 1, 1, 0, 1)),
    "c1_56_256_64": ("ResNet-50 1x1 256->64 @56x56", (1, 256, 56, 56, 64, 1, 1, 0, 1)),
    "c1_14_1024_256": ("ResNet-50 1x1 1024->256 @14x14", (1, 1024, 14, 14, 256, 1, 1, 0, 1)),
}

MATMULS = {
    "mm1024": ("MatMul 1024x1024x1024 (both inputs)", (1024, 1024, 1024, False)),
    "bert_ffn1": ("BERT-384 FFN up 128x384 @ 384x1536", (128, 384, 1536, True)),
    "bert_ffn2": ("BERT-384 FFN down 128x1536 @ 1536x384", (128, 1536, 384, True)),
    "bert_qkv": ("BERT-384 projection 128x384 @ 384x384", (128, 384, 384, True)),
}

KERNELS = {**{k: ("conv",) + v for k, v in CONVS.items()}, **{k: ("matmul",) + v for k, v in MATMULS.items()}}


def _model(nodes, inputs, outputs, inits, name):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def conv_model(n, c, h, w, k, kernel, stride, pad, group, seed=0):
    """``(model, feeds, flops)`` of one Conv with bias."""
    rng = np.random.default_rng(seed)
    fan_in = c // group * kernel * kernel
    weight = (rng.standard_normal((k, c // group, kernel, kernel)) / np.sqrt(fan_in)).astype(np.float32)
    bias = (0.1 * rng.standard_normal(k)).astype(np.float32)
    ho, wo = (h + 2 * pad - kernel) // stride + 1, (w + 2 * pad - kernel) // stride + 1
    node = helper.make_node("Conv", ["X", "W", "B"], ["Y"], name="conv", kernel_shape=[kernel, kernel],
                            strides=[stride, stride], pads=[pad] * 4, group=group)
    model = _model([node], [helper.make_tensor_value_info("X", TensorProto.FLOAT, [n, c, h, w])],
                   [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [n, k, ho, wo])],
                   [numpy_helper.from_array(weight, "W"), numpy_helper.from_array(bias, "B")], "conv")
    feeds = {"X": rng.standard_normal((n, c, h, w)).astype(np.float32)}
    return model, feeds, 2.0 * n * k * ho * wo * fan_in


def matmul_model(m, k, n, constant_weight, seed=0):
    """``(model, feeds, flops)`` of one MatMul; a constant weight as in nn.Linear exports."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    node = helper.make_node("MatMul", ["A", "B"], ["C"], name="matmul")
    inputs = [helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k])]
    inits, feeds = [], {"A": a}
    if constant_weight:
        inits.append(numpy_helper.from_array(b, "B"))
    else:
        inputs.append(helper.make_tensor_value_info("B", TensorProto.FLOAT, [k, n]))
        feeds["B"] = b
    model = _model([node], inputs, [helper.make_tensor_value_info("C", TensorProto.FLOAT, [m, n])],
                   inits, "matmul")
    return model, feeds, 2.0 * m * k * n


def build(name: str):
    kind, _, shape = KERNELS[name]
    return conv_model(*shape) if kind == "conv" else matmul_model(*shape)


def bench_kernel(name: str, threads: int, peak: float, args) -> dict:
    model, feeds, flops = build(name)
    row = {"kernel": name, "what": KERNELS[name][1], "threads": threads, "gflop": flops / 1e9, "status": "ok"}
    session = ort_session(model, threads)
    expected = session.run(None, feeds)
    measure(row, model, feeds, session, expected, threads, args)
    if "polytile_ms" not in row:
        return row
    row.update(polytile_gflops=flops / row["polytile_ms"] * 1e-6, ort_gflops=flops / row["ort_ms"] * 1e-6)
    row["polytile_peak"] = row["polytile_gflops"] / peak if peak else float("nan")
    row["ort_peak"] = row["ort_gflops"] / peak if peak else float("nan")
    return row


def format_row(row: dict) -> str:
    head = f"{row['kernel']:<15} {row['threads']:>2} {row['gflop']:7.3f}"
    if "polytile_ms" not in row:
        return f"{head}  {row['status']}"
    line = (f"{head} {row['polytile_ms']:9.3f} {row['polytile_gflops']:8.1f} {row['polytile_peak']:6.0%}"
            f" {row['ort_ms']:9.3f} {row['ort_gflops']:8.1f} {row['ort_peak']:6.0%} {row['ratio']:6.2f}"
            f" {row['compile_s']:7.2f} {row['repeats']:4d}  {row['what']}")
    if row["status"] != "ok":
        line += f"  <== {row['status']} (max abs err {row['max_abs_err']:.2e}, rel {row['max_rel_err']:.2e}) !!!"
    return line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", nargs="+", default=list(KERNELS), choices=list(KERNELS))
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per side (median)")
    parser.add_argument("--time-budget", type=float, default=5.0,
                        help="seconds of timed runs per kernel and thread count (caps --repeats, min 3)")
    parser.add_argument("--peak-only", action="store_true", help="measure the FMA peak and stop")
    parser.add_argument("--list", action="store_true", help="list the kernels and stop")
    parser.add_argument("--json", help="also write the peak and rows here")
    args = parser.parse_args(argv)
    if args.list:
        for name, (kind, what, shape) in KERNELS.items():
            print(f"{name:<15} {kind:<6} {what}  {shape}")
        return 0

    peaks = measure_peak(args.threads)
    for threads, (isa, gflops) in peaks.items():
        print(f"FMA peak ({isa}, 12 independent accumulators), {threads} thread(s): "
              f"{gflops:.1f} GFLOP/s in all, {gflops / threads:.1f} per core", flush=True)
    if args.peak_only:
        return 0
    print("\ntimes: median ms per run, interleaved; GFLOP/s = 2*MACs / time; %peak = of the FMA peak at "
          "that thread count; ratio = polytile / onnxruntime (lower is better)")
    print(f"{'kernel':<15} {'T':>2} {'GFLOP':>7} {'pt ms':>9} {'pt GF/s':>8} {'%peak':>6}"
          f" {'ORT ms':>9} {'ORT GF/s':>8} {'%peak':>6} {'ratio':>6} {'comp s':>7} {'reps':>4}  shape", flush=True)
    rows = []
    for threads in args.threads:
        for name in args.kernels:
            row = bench_kernel(name, threads, peaks[threads][1], args)
            rows.append(row)
            print(format_row(row), flush=True)
    after = measure_peak(args.threads, tries=3)
    print("FMA peak again after the kernels (a busy machine lowers both): " +
          ", ".join(f"{t} thread(s) {g:.1f} GFLOP/s" for t, (_, g) in after.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"peak_gflops": {str(t): g for t, (_, g) in peaks.items()},
                       "peak_gflops_after": {str(t): g for t, (_, g) in after.items()},
                       "isa": next(iter(peaks.values()))[0], "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Softmax, LayerNormalization and the erf-GELU chain of transformers, polytile
against onnxruntime, one single-node (or single-chain) ONNX model per shape.

Each case (the activation a graph input; LayerNormalization's scale and bias
initializers) is compiled by polytile and opened in onnxruntime at the same
thread count; outputs are compared (a mismatch is printed, the run goes on);
runs are timed interleaved and the medians printed (ms), with the ratio
polytile / onnxruntime (lower is better) and GB/s of polytile (input + output
bytes once over the time: these kernels are memory-bound at best).

    python bench/bench_norms.py [--threads 1 2] [--cases softmax_deit ln_bert384 ...]
                                [--repeats 200] [--time-budget 3] [--no-ort-spinning] [--json out.json]
    python bench/bench_norms.py --list

Times include each side's call overhead (polytile's numpy I/O, onnxruntime's
session.run): compare rows of one run, not runs, on a shared machine.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_models import measure, ort_session  # noqa: E402

OPSET = 17

# name -> (kind, shape, what)
CASES = {
    "softmax_deit": ("softmax", (1, 3, 197, 197), "DeiT-tiny attention Softmax, axis -1"),
    "softmax_bert": ("softmax", (1, 12, 128, 128), "BERT attention Softmax, axis -1"),
    "softmax_1000": ("softmax", (64, 1000), "classifier Softmax 64x1000, axis -1"),
    "ln_deit": ("layernorm", (1, 197, 192), "DeiT-tiny LayerNormalization, axis -1"),
    "ln_bert384": ("layernorm", (1, 128, 384), "BERT-384 LayerNormalization, axis -1"),
    "ln_bert768": ("layernorm", (1, 128, 768), "BERT-base LayerNormalization, axis -1"),
    "gelu_deit": ("gelu", (1, 197, 768), "DeiT-tiny erf-GELU Div/Erf/Add/Mul/Mul"),
}


def _model(nodes, shape, inits, name):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, list(shape))],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, list(shape))], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def build(name: str, seed: int = 0):
    """``(model, feeds)`` of one case."""
    kind, shape, _ = CASES[name]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(np.float32)
    if kind == "softmax":
        model = _model([helper.make_node("Softmax", ["X"], ["Y"], axis=-1)], shape, [], name)
        x *= 4.0
    elif kind == "layernorm":
        width = shape[-1]
        scale = (1.0 + 0.1 * rng.standard_normal(width)).astype(np.float32)
        bias = (0.1 * rng.standard_normal(width)).astype(np.float32)
        node = helper.make_node("LayerNormalization", ["X", "S", "B"], ["Y"], axis=-1, epsilon=1e-5)
        model = _model([node], shape, [numpy_helper.from_array(scale, "S"), numpy_helper.from_array(bias, "B")],
                       name)
    else:  # x * 0.5 * (1 + erf(x / sqrt(2))), as torch exports nn.GELU()
        consts = [numpy_helper.from_array(np.array(v, np.float32), n)
                  for n, v in (("sqrt2", 1.4142135381698608), ("one", 1.0), ("half", 0.5))]
        nodes = [helper.make_node("Div", ["X", "sqrt2"], ["d"]), helper.make_node("Erf", ["d"], ["e"]),
                 helper.make_node("Add", ["e", "one"], ["a"]), helper.make_node("Mul", ["X", "a"], ["m"]),
                 helper.make_node("Mul", ["m", "half"], ["Y"])]
        model = _model(nodes, shape, consts, name)
    return model, {"X": x}


def bench_case(name: str, threads: int, args) -> dict:
    model, feeds = build(name)
    row = {"case": name, "what": CASES[name][2], "threads": threads, "status": "ok"}
    session = ort_session(model, threads, spinning=not args.no_ort_spinning)
    expected = session.run(None, feeds)
    measure(row, model, feeds, session, expected, threads, args)
    if "polytile_ms" in row:
        row["polytile_gbs"] = 2 * feeds["X"].nbytes / row["polytile_ms"] * 1e-6
    return row


def format_row(row: dict) -> str:
    head = f"{row['case']:<14} {row['threads']:>2}"
    if "polytile_ms" not in row:
        return f"{head}  {row['status']}"
    line = (f"{head} {row['polytile_ms']:9.4f} {row['ort_ms']:9.4f} {row['ratio']:6.2f} {row['polytile_gbs']:7.1f}"
            f" {row['compile_s']:7.2f} {row['repeats']:5d}  {row['what']}")
    if row["status"] != "ok":
        line += f"  <== {row['status']} (max abs err {row['max_abs_err']:.2e}, rel {row['max_rel_err']:.2e}) !!!"
    return line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeats", type=int, default=200, help="timed runs per side (median)")
    parser.add_argument("--time-budget", type=float, default=3.0,
                        help="seconds of timed runs per case and thread count (caps --repeats, min 3)")
    parser.add_argument("--no-ort-spinning", action="store_true",
                        help="onnxruntime's idle threads sleep instead of spinning (fairer on few cores)")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args(argv)
    if args.list:
        for name, (kind, shape, what) in CASES.items():
            print(f"{name:<14} {kind:<10} {shape}  {what}")
        return 0
    print("times: median ms per run, interleaved; ratio = polytile / onnxruntime (lower is better); "
          "GB/s = polytile's input + output bytes / time")
    print(f"{'case':<14} {'T':>2} {'pt ms':>9} {'ORT ms':>9} {'ratio':>6} {'GB/s':>7} {'comp s':>7} {'reps':>5}  what",
          flush=True)
    rows = []
    for threads in args.threads:
        for name in args.cases:
            row = bench_case(name, threads, args)
            rows.append(row)
            print(format_row(row), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

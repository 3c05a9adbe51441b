"""Recurrent layers, polytile against onnxruntime, side by side in one process.

Models: a 2-layer LSTM (two LSTM nodes stacked: seq 100, batch 1, input 256, hidden 256,
constant weights) and a GRU of the same sizes (two GRU nodes, default attributes). For each
thread count: compile with ``polytile.compile(model, threads=T)``, open an onnxruntime session
with ``intra_op_num_threads=T``, check the outputs match, warm up, time interleaved runs and
print the medians, their ratio (polytile / onnxruntime, lower is better) and the compile time.

    python bench/bench_recurrent.py [--threads 1 2] [--repeats 20] [--seq 100] [--hidden 256]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import onnx
from onnx import helper, numpy_helper


def stacked(op: str, seq: int, batch: int, input_size: int, hidden: int, layers: int = 2,
            seed: int = 0) -> onnx.ModelProto:
    """``layers`` ``op`` nodes (LSTM or GRU), each feeding its Y (squeezed) to the next."""
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
    rng = np.random.default_rng(seed)
    nodes, inits = [], []
    x = "X"
    size = input_size
    scale = 1.0 / np.sqrt(hidden)
    for k in range(layers):
        w = (rng.standard_normal((1, gates * hidden, size)) * scale).astype(np.float32)
        r = (rng.standard_normal((1, gates * hidden, hidden)) * scale).astype(np.float32)
        b = (rng.standard_normal((1, 2 * gates * hidden)) * scale).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"W{k}"), numpy_helper.from_array(r, f"R{k}"),
                  numpy_helper.from_array(b, f"B{k}")]
        nodes.append(helper.make_node(op, [x, f"W{k}", f"R{k}", f"B{k}"], [f"Y{k}", f"H{k}"],
                                      hidden_size=hidden, name=f"{op.lower()}{k}"))
        inits.append(numpy_helper.from_array(np.array([1], np.int64), f"axes{k}"))
        nodes.append(helper.make_node("Squeeze", [f"Y{k}", f"axes{k}"], [f"S{k}"]))
        x, size = f"S{k}", hidden
    graph = helper.make_graph(
        nodes, f"{op.lower()}_stack",
        [helper.make_tensor_value_info("X", onnx.TensorProto.FLOAT, [seq, batch, input_size])],
        [helper.make_tensor_value_info(x, onnx.TensorProto.FLOAT, [seq, batch, hidden])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], ir_version=8)


def ort_session(model, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def bench(name: str, model, feeds: dict, threads: int, repeats: int) -> float:
    import polytile

    start = time.perf_counter()
    compiled = polytile.compile(model, threads=threads)
    compile_s = time.perf_counter() - start
    session = ort_session(model, threads)
    ours = compiled.run(feeds)[0]
    ref = session.run(None, feeds)[0]
    ok = np.allclose(ours, ref, rtol=1e-3, atol=1e-4)
    for _ in range(3):
        compiled.run(feeds)
        session.run(None, feeds)
    t_ours, t_ort = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        compiled.run(feeds)
        t1 = time.perf_counter()
        session.run(None, feeds)
        t2 = time.perf_counter()
        t_ours.append(t1 - t0)
        t_ort.append(t2 - t1)
    ours_ms, ort_ms = statistics.median(t_ours) * 1e3, statistics.median(t_ort) * 1e3
    ratio = ours_ms / ort_ms
    print(f"{name:6s} threads={threads}  polytile {ours_ms:8.3f} ms  onnxruntime {ort_ms:8.3f} ms  "
          f"ratio {ratio:5.2f}x  compile {compile_s:5.1f} s{'' if ok else '  MISMATCH'}", flush=True)
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seq", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--input", type=int, default=256)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--ops", nargs="+", default=["LSTM", "GRU"])
    args = parser.parse_args()
    x = np.random.default_rng(1).standard_normal((args.seq, args.batch, args.input)).astype(np.float32)
    for threads in args.threads:
        for op in args.ops:
            model = stacked(op, args.seq, args.batch, args.input, args.hidden)
            bench(op, model, {"X": x}, threads, args.repeats)


if __name__ == "__main__":
    main()

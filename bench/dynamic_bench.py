"""Dynamic shapes: one compile for every size, against pinned compiles and onnxruntime.

For each model: compile it once with its dynamic dims left dynamic; then for
each shape compile it again with the shape pinned (static code, as before
dynamic shapes), check that both match onnxruntime, and time the three side by
side (interleaved, median after a warm-up). Prints, per shape, the medians and
the ratios dynamic / pinned (goal: <= 1.3) and dynamic / onnxruntime.

* ``bert``: a BERT encoder (``models.bert``, hidden 768, 12 heads) exported with
  dynamic batch and sequence (its head reshapes read them at run time), at
  (batch, seq) = (1, 16), (1, 128), (4, 77), (8, 256);
* ``mobilenet_v2``: ``examples/mobilenet_v2.onnx`` with its input made
  ``[N, 3, H, W]``, at 1x3x224x224 and 2x3x160x320.

    python bench/dynamic_bench.py [--models bert mobilenet_v2] [--bert-layers 2]
                                  [--threads 1] [--repeats 10] [--time-budget 20]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402
from bench_models import compare, ort_session  # noqa: E402

BERT_SHAPES = [(1, 16), (1, 128), (4, 77), (8, 256)]
MOBILENET_SHAPES = [(1, 3, 224, 224), (2, 3, 160, 320)]


def dynamic_mobilenet() -> onnx.ModelProto:
    """MobileNet-v2 whose input (and output batch) dims are named, not fixed."""
    model = onnx.load(str(models.REPO / "examples" / "mobilenet_v2.onnx"))
    for dim, name in zip(model.graph.input[0].type.tensor_type.shape.dim, ["N", None, "H", "W"]):
        if name:
            dim.dim_param = name
    model.graph.output[0].type.tensor_type.shape.dim[0].dim_param = "N"
    return model


def workloads(args):
    """(name, dynamic model, [(label, feeds)])."""
    rng = np.random.default_rng(0)
    if "bert" in args.models:
        model, _ = models.bert(bert_layers=args.bert_layers, dynamic=True)
        cases = [(f"{b}x{s}", {"hidden_states": rng.standard_normal((b, s, 768)).astype(np.float32)})
                 for b, s in BERT_SHAPES]
        yield f"bert-{args.bert_layers}L", model, cases
    if "mobilenet_v2" in args.models:
        model = dynamic_mobilenet()
        name = model.graph.input[0].name
        cases = [("x".join(map(str, s)), {name: rng.standard_normal(s).astype(np.float32)})
                 for s in MOBILENET_SHAPES]
        yield "mobilenet_v2", model, cases


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(runs: list, repeats: int, budget_s: float) -> list[float]:
    """Medians (seconds) of the callables in ``runs``, timed in turn."""
    for run in runs:  # warm-up
        run()
    first = [_time(r) for r in runs]
    n = max(3, min(repeats, int(budget_s / max(sum(first), 1e-9))))
    times = [[t] for t in first]
    for _ in range(n - 1):
        for i, run in enumerate(runs):
            times[i].append(_time(run))
    return [statistics.median(t) for t in times]


def main(argv=None) -> int:
    import polytile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["bert", "mobilenet_v2"], choices=["bert", "mobilenet_v2"])
    parser.add_argument("--bert-layers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--time-budget", type=float, default=20.0, help="seconds of timed runs per shape")
    args = parser.parse_args(argv)
    print(f"{'model':<14} {'shape':<12} {'dynamic ms':>10} {'pinned ms':>10} {'ort ms':>9} "
          f"{'dyn/pinned':>10} {'dyn/ort':>8}  check")
    for name, model, cases in workloads(args):
        start = time.perf_counter()
        try:
            dynamic = polytile.compile(model, threads=args.threads)
        except Exception as e:  # a benchmark reports, it does not stop
            print(f"{name:<14} dynamic compile failed: {type(e).__name__}: {str(e).splitlines()[0]}")
            continue
        print(f"{name:<14} dynamic compile {time.perf_counter() - start:.1f} s; inputs "
              f"{[i.shape for i in dynamic.inputs]}")
        session = ort_session(model, args.threads)
        for label, feeds in cases:
            shapes = {k: v.shape for k, v in feeds.items()}
            pinned = polytile.compile(model, threads=args.threads, input_shapes=shapes)
            expected = session.run(None, feeds)
            ok = compare(dynamic.run(feeds), expected)[0] and compare(pinned.run(feeds), expected)[0]
            t_dyn, t_pin, t_ort = interleaved([lambda: dynamic.run(feeds), lambda: pinned.run(feeds),
                                               lambda: session.run(None, feeds)], args.repeats, args.time_budget)
            print(f"{name:<14} {label:<12} {t_dyn * 1e3:>10.2f} {t_pin * 1e3:>10.2f} {t_ort * 1e3:>9.2f} "
                  f"{t_dyn / t_pin:>10.2f} {t_dyn / t_ort:>8.2f}  {'ok' if ok else 'MISMATCH'}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Whole models, polytile against onnxruntime, side by side in one process.

For each thread count and model (``bench/models.py``): compile with
``polytile.compile(model, threads=T)`` and open an onnxruntime session with
``intra_op_num_threads=T``, ``inter_op_num_threads=1``, sequential execution and
all graph optimizations; check that the outputs match (a mismatch is printed as
MISMATCH, the run goes on); warm up, then time polytile and onnxruntime runs
interleaved and print the median of each, their ratio (polytile / ORT, lower is
better) and polytile's compile time; last, the geometric mean of the ratios per
thread count.

    python bench/bench_models.py [--models matmul mlp ...] [--threads 1 2] [--repeats 10]
                                 [--bert-layers 12] [--time-budget 60] [--json out.json]

``--time-budget`` caps the timed runs of one model at one thread count to about
that many seconds (at least 3 repeats each), so that BERT-base stays affordable
on a small machine.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

RTOL = 1e-3
ATOL = 1e-4  # scaled by the magnitude of the reference output


def ort_session(model, threads: int, spinning: bool = True):
    import onnxruntime as ort

    ort.set_default_logger_severity(3)  # no warnings about unused initializers
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def compile_polytile(model, threads: int):
    """``(compiled, seconds)``."""
    import polytile

    start = time.perf_counter()
    compiled = polytile.compile(model, threads=threads)
    return compiled, time.perf_counter() - start


def compare(actual: list, expected: list) -> tuple[bool, float, float]:
    """(match, max abs error, max abs error / max |reference|) over all outputs."""
    ok, max_abs, max_rel = len(actual) == len(expected), 0.0, 0.0
    for a, e in zip(actual, expected):
        if a.shape != e.shape:
            return False, math.inf, math.inf
        a64, e64 = a.astype(np.float64), e.astype(np.float64)
        err = float(np.max(np.abs(a64 - e64))) if a.size else 0.0
        scale = float(np.max(np.abs(e64))) if e.size else 0.0
        max_abs = max(max_abs, err)
        max_rel = max(max_rel, err / scale if scale else err)
        ok = ok and bool(np.all(np.isfinite(a64))) and \
            np.allclose(a64, e64, rtol=RTOL, atol=ATOL * max(1.0, scale))
    return ok, max_abs, max_rel


def timed_runs(polytile_run, ort_run, repeats: int, budget_s: float) -> tuple[float, float, int]:
    """Medians (seconds) of interleaved runs; the repeat count is cut so that
    the runs take about ``budget_s`` (at least 3 each)."""
    first_pt, first_ort = _time(polytile_run), _time(ort_run)
    n = max(3, min(repeats, int(budget_s / max(first_pt + first_ort, 1e-9))))
    pt, ort = [first_pt], [first_ort]
    for _ in range(n - 1):
        pt.append(_time(polytile_run))
        ort.append(_time(ort_run))
    return statistics.median(pt), statistics.median(ort), n


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_one(name: str, model, feeds: dict, threads: int, args) -> dict:
    """One table row (a dict); errors become a 'status' instead of a crash."""
    row = {"model": name, "threads": threads, "status": "ok"}
    session = ort_session(model, threads, spinning=not args.no_ort_spinning)
    expected = session.run(None, feeds)
    try:
        compiled, row["compile_s"] = compile_polytile(model, threads)
        actual = compiled.run(feeds)
    except Exception as e:  # report and go on with the next model
        row["status"] = f"FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        return row
    ok, row["max_abs_err"], row["max_rel_err"] = compare(actual, expected)
    if not ok:
        row["status"] = "MISMATCH"
    pt, ort, n = timed_runs(lambda: compiled.run(feeds), lambda: session.run(None, feeds),
                            args.repeats, args.time_budget)
    row.update(polytile_ms=pt * 1e3, ort_ms=ort * 1e3, ratio=pt / ort, repeats=n)
    return row


def format_row(row: dict) -> str:
    head = f"{row['model']:<13} {row['threads']:>2}"
    if "polytile_ms" not in row:
        return f"{head}  {row['status']}"
    line = (f"{head} {row['polytile_ms']:12.2f} {row['ort_ms']:10.2f} {row['ratio']:8.2f} "
            f"{row['compile_s']:9.2f} {row['repeats']:4d}  {row['max_abs_err']:9.2e} {row['max_rel_err']:9.2e}")
    if row["status"] != "ok":
        line += f"  <== {row['status']} !!!"
    return line


def geomeans(rows: list) -> dict:
    out = {}
    for t in sorted({r["threads"] for r in rows}):
        ratios = [r["ratio"] for r in rows if r["threads"] == t and "ratio" in r]
        if ratios:
            out[t] = math.exp(statistics.fmean(math.log(x) for x in ratios))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(models.MODELS), choices=list(models.MODELS))
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeats", type=int, default=10, help="timed runs per side (median)")
    parser.add_argument("--bert-layers", type=int, default=12)
    parser.add_argument("--time-budget", type=float, default=60.0,
                        help="seconds of timed runs per model and thread count (caps --repeats, min 3)")
    parser.add_argument("--no-ort-spinning", action="store_true",
                        help="onnxruntime threads block instead of spinning between runs")
    parser.add_argument("--json", help="also write the rows and geometric means here")
    args = parser.parse_args(argv)

    print("times: median ms per run; ratio = polytile / onnxruntime (lower is better); "
          "errors: max |polytile - ort|, and divided by max |ort|")
    print(f"{'model':<13} {'T':>2} {'polytile ms':>12} {'ORT ms':>10} {'ratio':>8} {'compile s':>9} "
          f"{'reps':>4}  {'abs err':>9} {'rel err':>9}", flush=True)
    rows = []
    for name in args.models:
        model, feeds = models.build(name, bert_layers=args.bert_layers)
        for threads in args.threads:
            row = bench_one(name, model, feeds, threads, args)
            rows.append(row)
            print(format_row(row), flush=True)
        del model, feeds
    means = geomeans(rows)
    for t, g in means.items():
        n = sum(1 for r in rows if r["threads"] == t and "ratio" in r)
        print(f"geometric mean of ratios, {t} thread(s), {n} model(s): {g:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "geomean_ratio": {str(t): g for t, g in means.items()},
                       "bert_layers": args.bert_layers}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

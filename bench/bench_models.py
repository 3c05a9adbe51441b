"""Whole models, polytile against onnxruntime, side by side in one process.

For each thread count and model (``bench/models.py``): compile with
``polytile.compile(model, threads=T)`` and open an onnxruntime session with
``intra_op_num_threads=T``, ``inter_op_num_threads=1``, sequential execution and
all graph optimizations; check that the outputs match (a mismatch is printed as
MISMATCH, the run goes on); warm up, then time polytile and onnxruntime runs
interleaved and print the median of each, their ratio (polytile / ORT, lower is
better) and polytile's compile time. Last, a summary with a row per model: the
ratios at each thread count, the 2-thread/1-thread speedup (ms at 1 thread / ms
at 2 threads) of polytile and of onnxruntime, the compile time and any error;
then the geometric mean of the ratios per thread count, and of the speedups.

    python bench/bench_models.py [--set default|wide|all] [--models matmul mlp ...]
                                 [--threads 1 2] [--repeats 10] [--time-budget 60]
                                 [--bert-layers 4] [--bert-hidden 384] [--bert-heads 12]
                                 [--bert-ffn 1536] [--isolate] [--json out.json]

Sets (``models.SETS``): ``default`` is issue 14's benchmark set: matmul 1024,
the BERT-style encoder (4 layers, hidden 384, 12 heads, FFN 1536, seq 128), the
MLP, the light ResNet-50, MobileNet-v2, and the exported ShuffleNet-v2 x1.0,
SqueezeNet-1.1, EfficientNet-B0, RegNet-Y-400MF, ConvNeXt-Tiny and DeiT-tiny;
``wide`` the other exported torchvision/timm classifiers; ``all`` both. The
exported models are files written by ``scripts/export_models.py --bench`` /
``--wide`` (see ``bench/models.py``); a missing one is reported as a row
(MISSING) and the run goes on. ``--bert-layers 12 --bert-hidden 768`` gives
BERT-base.

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


def compile_polytile(model, threads: int, isolate: bool = False):
    """``(compiled, seconds)``; ``isolate`` compiles in a child process, so that
    a compiler crash becomes an exception (polytile.compile's ``isolate``)."""
    import polytile

    start = time.perf_counter()
    compiled = polytile.compile(model, threads=threads, isolate=True) if isolate else \
        polytile.compile(model, threads=threads)
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
    try:
        session = ort_session(model, threads, spinning=not args.no_ort_spinning)
        expected = session.run(None, feeds)
    except Exception as e:
        row["status"] = f"ORT FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        return row
    return measure(row, model, feeds, session, expected, threads, args)


def measure(row: dict, model, feeds: dict, session, expected: list, threads: int, args) -> dict:
    """Compile with polytile, check against ``expected`` (onnxruntime's outputs) and time both
    side by side; fills ``row`` (compile_s, errors, polytile_ms, ort_ms, ratio, repeats) or
    its 'status' when polytile fails (the run goes on)."""
    try:
        compiled, row["compile_s"] = compile_polytile(model, threads, isolate=getattr(args, "isolate", False))
        actual = compiled.run(feeds)
    except Exception as e:  # report and go on with the next model
        row["status"] = f"FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        row["error"] = str(e)[:4000]  # the whole message, for --json
        return row
    ok, row["max_abs_err"], row["max_rel_err"] = compare(actual, expected)
    if not ok:
        row["status"] = "MISMATCH"
    pt, ort, n = timed_runs(lambda: compiled.run(feeds), lambda: session.run(None, feeds),
                            args.repeats, args.time_budget)
    row.update(polytile_ms=pt * 1e3, ort_ms=ort * 1e3, ratio=pt / ort, repeats=n)
    return row


NAME_WIDTH = 20


def format_row(row: dict) -> str:
    head = f"{row['model']:<{NAME_WIDTH}} {row['threads']:>2}"
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
            out[t] = _geomean(ratios)
    return out


def _geomean(values: list) -> float:
    return math.exp(statistics.fmean(math.log(x) for x in values))


def summary(rows: list, threads: list) -> list:
    """One dict per model: ratio per thread count, speedups from the lowest to
    the highest thread count (ms at low / ms at high) of polytile and ORT,
    compile time (at the lowest thread count) and the statuses that are not ok."""
    out = []
    low, high = min(threads), max(threads)
    for name in dict.fromkeys(r["model"] for r in rows):
        by_t = {r["threads"]: r for r in rows if r["model"] == name}
        entry = {"model": name, "ratio": {t: by_t[t].get("ratio") for t in threads if t in by_t}}
        if high != low and "polytile_ms" in by_t.get(low, {}) and "polytile_ms" in by_t.get(high, {}):
            entry["polytile_speedup"] = by_t[low]["polytile_ms"] / by_t[high]["polytile_ms"]
            entry["ort_speedup"] = by_t[low]["ort_ms"] / by_t[high]["ort_ms"]
        entry["compile_s"] = next((by_t[t]["compile_s"] for t in sorted(by_t) if "compile_s" in by_t[t]), None)
        statuses = {t: r["status"].split(":")[0] if r["status"].startswith("MISSING") else r["status"]
                    for t, r in by_t.items() if r["status"] != "ok"}
        if len(set(statuses.values())) == 1 and len(statuses) == len(by_t):
            entry["errors"] = list(set(statuses.values()))  # the same at every thread count
        else:
            entry["errors"] = [f"{t}T: {status}" for t, status in statuses.items()]
        out.append(entry)
    return out


def print_summary(entries: list, threads: list) -> None:
    low, high = min(threads), max(threads)
    cols = " ".join(f"{f'ratio {t}T':>9}" for t in threads)
    speed = f" {f'pt {high}T/{low}T':>9} {f'ORT {high}T/{low}T':>10}" if high != low else ""
    print("\nsummary: ratio = polytile ms / ORT ms" +
          (f"; speedup = ms at {low} thread(s) / ms at {high} threads" if high != low else ""))
    print(f"{'model':<{NAME_WIDTH}} {cols}{speed} {'compile s':>9}  errors")
    fmt = lambda v, w, spec: f"{v:{w}{spec}}" if v is not None else f"{'-':>{w}}"  # noqa: E731
    for e in entries:
        line = f"{e['model']:<{NAME_WIDTH}} " + " ".join(fmt(e["ratio"].get(t), 9, ".2f") for t in threads)
        if high != low:
            line += f" {fmt(e.get('polytile_speedup'), 9, '.2f')} {fmt(e.get('ort_speedup'), 10, '.2f')}"
        line += f" {fmt(e['compile_s'], 9, '.1f')}"
        if e["errors"]:
            line += "  " + "; ".join(e["errors"])
        print(line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=list(models.SETS), default="default",
                        help="the models to run (default: issue 14's benchmark set); --models overrides")
    parser.add_argument("--models", nargs="+", default=None, choices=list(models.MODELS))
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeats", type=int, default=10, help="timed runs per side (median)")
    parser.add_argument("--bert-layers", type=int, default=4)
    parser.add_argument("--bert-hidden", type=int, default=384)
    parser.add_argument("--bert-heads", type=int, default=12)
    parser.add_argument("--bert-ffn", type=int, default=None, help="default: 4 x hidden")
    parser.add_argument("--time-budget", type=float, default=60.0,
                        help="seconds of timed runs per model and thread count (caps --repeats, min 3)")
    parser.add_argument("--no-ort-spinning", action="store_true",
                        help="onnxruntime threads block instead of spinning between runs")
    parser.add_argument("--isolate", action="store_true",
                        help="compile in a child process: a compiler crash becomes a FAILED row")
    parser.add_argument("--json", help="also write the rows and geometric means here")
    args = parser.parse_args(argv)
    names = args.models or models.SETS[args.set]
    bert_options = dict(hidden=args.bert_hidden, heads=args.bert_heads,
                        ffn=args.bert_ffn or 4 * args.bert_hidden)

    print("times: median ms per run; ratio = polytile / onnxruntime (lower is better); "
          "errors: max |polytile - ort|, and divided by max |ort|")
    if "bert" in names:
        print(f"bert: {args.bert_layers} layers, hidden {bert_options['hidden']}, {bert_options['heads']} heads, "
              f"FFN {bert_options['ffn']}, seq 128")
    print(f"{'model':<{NAME_WIDTH}} {'T':>2} {'polytile ms':>12} {'ORT ms':>10} {'ratio':>8} {'compile s':>9} "
          f"{'reps':>4}  {'abs err':>9} {'rel err':>9}", flush=True)
    rows = []
    for name in names:
        try:
            model, feeds = models.build(name, bert_layers=args.bert_layers, **bert_options)
        except FileNotFoundError as e:
            for threads in args.threads:
                rows.append({"model": name, "threads": threads, "status": f"MISSING: {e}"})
            print(f"{name:<{NAME_WIDTH}}     MISSING: {e}", flush=True)
            continue
        for threads in args.threads:
            row = bench_one(name, model, feeds, threads, args)
            rows.append(row)
            print(format_row(row), flush=True)
        del model, feeds
    entries = summary(rows, args.threads)
    print_summary(entries, args.threads)
    means = geomeans(rows)
    print()
    for t, g in means.items():
        n = sum(1 for r in rows if r["threads"] == t and "ratio" in r)
        print(f"geometric mean of ratios, {t} thread(s), {n} model(s): {g:.2f}")
    speedups = {}
    for side in ("polytile", "ort"):
        values = [e[f"{side}_speedup"] for e in entries if f"{side}_speedup" in e]
        if values:
            speedups[side] = _geomean(values)
            print(f"geometric mean of the {max(args.threads)}T/{min(args.threads)}T speedup, "
                  f"{'onnxruntime' if side == 'ort' else side}, {len(values)} model(s): {speedups[side]:.2f}")
    failed = {}  # (model, status) -> thread counts
    for r in rows:
        if r["status"] != "ok":
            failed.setdefault((r["model"], r["status"]), []).append(r["threads"])
    if failed:
        print(f"\nnot ok ({len(failed)}):")
        for (name, status), ts in failed.items():
            print(f"  {name} {','.join(map(str, ts))}T: {status}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "summary": entries,
                       "geomean_ratio": {str(t): g for t, g in means.items()},
                       "geomean_speedup": speedups,
                       "bert_layers": args.bert_layers, "bert": bert_options}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

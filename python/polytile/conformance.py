"""`polytile-conformance`: score polytile on the ONNX backend node tests.

    polytile-conformance [-k PATTERN ...] [-j N] [-v] [--timeout S]
                         [--include-expanded] [--dynamic] [--json out.json]
                         [--write-docs docs/SupportedOps.md]

The tests are those of the installed ``onnx`` package
(``onnx.backend.test.loader.load_model_tests(kind="node")``: an in-memory model
and a list of (inputs, expected outputs) per test). By default only the plain
tests run (names without ``_expanded``, one ONNX node each).

Each test runs in its own child process (forked from a forkserver that has
polytile preloaded), so a crash (an MLIR assertion aborts the process) or a
timeout is recorded as an ``error`` and never stops the run. The parent loads
the tests, schedules, and reports; it does no MLIR work.

Outcomes:

* ``pass``: every output has the expected shape and dtype and values within
  the test's rtol/atol (integers and bools exactly; NaNs where expected).
  When compiling fails because an input must be a compile-time constant
  (shape, axes, pads, scales, ... fed as graph inputs in the node tests), the
  test is retried with its integer inputs, and the input the error names,
  turned into initializers holding the test's values (again while another
  named input remains); such a pass is reported as ``pass (constant inputs)``.
* ``fail``: wrong shape, dtype or values (max abs/rel error reported).
* ``unsupported``: the importer says an op, opset, attribute or type is not
  supported (an ``OnnxImportError`` saying so), or needs as a constant an
  input that is not a graph input.
* ``error``: anything else, including crashes and timeouts.

With ``--dynamic`` each test also runs a second time as a *dynamic* test (as
onnx-mlir's ``IMPORTER_FORCE_DYNAMIC``): every dim of every graph input except
those of size 1 becomes a named dynamic dim, the outputs lose their declared
shapes, and the model is compiled once and run on the test's data. Size-1 dims
stay static because polytile never broadcasts a dynamic dim from 1 (see
``importers/onnx/graph.py``). Its outcome is reported beside the static one
(the ``dyn`` column); a dynamic ``fail`` (a wrong answer) makes the exit code 1
too.

The report's headline counts the passes without the constant-input retry
first, then with it. The last line of the report reads ``N passed, N failed`` (failed = fail +
error) followed by ``, N skipped`` when tests were unsupported. The exit code
is 0 when nothing failed, 1 otherwise, 2 on a usage error.
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import json
import os
import re
import shlex
import signal
import sys
import tempfile
import time
import traceback
from typing import Callable, Optional, Sequence

import numpy as np

from polytile.testing import Comparison, compare_arrays

TOOL = "polytile-conformance"
CONSTANT_INPUT_MARK = "must be a compile-time constant"
# Import errors that state a limitation (not a bug): an op, opset, attribute or
# type polytile does not handle, or an input it needs as a constant.
_UNSUPPORTED = re.compile(r"not supported|unsupported|only tensor inputs are supported|"
                          r"compile-time constant")
# How a pass says it does not handle a case yet (its diagnostic, not the headline).
_PASS_REFUSAL = re.compile(r"not supported yet")
OUTCOMES = ("pass", "fail", "error", "unsupported")


# --------------------------------------------------------------------------
# Tests (parent side: onnx only, no MLIR)
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Job:
    """One node test, as handed to a child process."""

    name: str
    op: str
    model: bytes
    data_sets: list
    rtol: float
    atol: float
    # the dynamic form of the test: every input dim (but size-1 dims) dynamic (--dynamic)
    dynamic: bool = False


# Tests whose expected data is further from the op's exact result than the test's own
# tolerance: each is compared with (at least) the tolerance given here, for the reason given.
# ``--write-docs`` lists them.
TOLERANCE_EXCEPTIONS = {
    r"^test_attention_.*_bf16$": (
        2.0 ** -7, 2.0 ** -8,
        "bfloat16 results are compared at bfloat16 resolution (rtol 2^-7, atol 2^-8: 2 ulps, and 1 ulp of "
        "a value near 1): the expected values come from the "
        "reference computing step by step in bfloat16, polytile computes in float32 and rounds once, and "
        "the test's rtol (1e-3) is below bfloat16's resolution (2^-8)"),
    r"^test_dft_inverse(_opset19)?$": (
        0.0, 1e-6,
        "atol 1e-6: the expected values hold float32 FFT noise (1.9e-7) where the exact result is 0 "
        "(polytile gives 3e-15); the test's atol is 1e-7, and onnxruntime fails these tests too"),
}


def _tolerance(name: str, rtol: float, atol: float) -> tuple[float, float]:
    for pattern, (min_rtol, min_atol, _) in TOLERANCE_EXCEPTIONS.items():
        if re.search(pattern, name):
            return max(rtol, min_rtol), max(atol, min_atol)
    return rtol, atol


def _op_of(model) -> str:
    node = model.graph.node[0] if model.graph.node else None
    if node is None:
        return "(empty)"
    return node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"


def load_jobs(include_expanded: bool = False, patterns: Sequence[str] = (), dynamic: bool = False) -> list[Job]:
    """The node tests, filtered: plain tests (and ``_expanded`` ones if asked)
    whose name matches one of ``patterns`` (regular expressions, searched)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test generators warn about overflows
        from onnx.backend.test.loader import load_model_tests

        tests = load_model_tests(kind="node")
    plain_ops = {t.name: _op_of(t.model) for t in tests if "_expanded" not in t.name}
    regexes = [re.compile(p) for p in patterns]
    jobs = []
    for t in sorted(tests, key=lambda t: t.name):
        expanded = "_expanded" in t.name
        if expanded and not include_expanded:
            continue
        if regexes and not any(r.search(t.name) for r in regexes):
            continue
        op = plain_ops.get(t.name.split("_expanded")[0], _op_of(t.model)) if expanded else plain_ops[t.name]
        rtol, atol = _tolerance(t.name, float(t.rtol), float(t.atol))
        jobs.append(Job(t.name, op, t.model.SerializeToString(), list(t.data_sets), rtol, atol))
    if dynamic:  # each in a child of its own, as the static tests
        jobs += [dataclasses.replace(j, dynamic=True) for j in list(jobs)]
    return jobs


# --------------------------------------------------------------------------
# One test (child side)
# --------------------------------------------------------------------------
def _graph_input_names(model) -> list[str]:
    initializers = {i.name for i in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in initializers]


def _integer_inputs(model) -> list[str]:
    import onnx

    initializers = {i.name for i in model.graph.initializer}
    names = []
    for value in model.graph.input:
        elem = value.type.tensor_type.elem_type if value.type.HasField("tensor_type") else 0
        if value.name in initializers or not elem:
            continue
        dtype = onnx.helper.tensor_dtype_to_np_dtype(elem)
        if np.issubdtype(dtype, np.integer):
            names.append(value.name)
    return names


def make_dynamic(model):
    """A copy of ``model`` whose graph-input dims (but those of size 1) are named
    dynamic dims ``<input>_<index>`` and whose graph outputs have no declared shape."""
    import onnx

    dynamic = onnx.ModelProto()
    dynamic.CopyFrom(model)
    initializers = {i.name for i in dynamic.graph.initializer}
    for value in dynamic.graph.input:
        if value.name in initializers or not value.type.tensor_type.HasField("shape"):
            continue
        for k, dim in enumerate(value.type.tensor_type.shape.dim):
            if not (dim.HasField("dim_value") and dim.dim_value == 1):
                dim.dim_param = f"{value.name}_{k}"
    for value in dynamic.graph.output:
        if value.type.HasField("tensor_type"):
            value.type.tensor_type.ClearField("shape")
    return dynamic


def fold_inputs(model, values: dict):
    """A copy of ``model`` where the graph inputs named in ``values`` are
    initializers holding those values."""
    import onnx

    folded = onnx.ModelProto()
    folded.CopyFrom(model)
    kept = [i for i in folded.graph.input if i.name not in values]
    del folded.graph.input[:]
    folded.graph.input.extend(kept)
    for name, value in values.items():
        folded.graph.initializer.append(onnx.numpy_helper.from_array(np.asarray(value), name))
    return folded


def _first_line(text: str, limit: int = 400) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[:limit] + "..."


def _classify(exc: BaseException) -> tuple[str, str]:
    """(outcome, message) for an exception raised by compiling or running."""
    from polytile import OnnxImportError, PolytileError

    if isinstance(exc, OnnxImportError):
        message = str(exc)
        return ("unsupported" if _UNSUPPORTED.search(_first_line(message)) else "error"), _first_line(message)
    if isinstance(exc, PolytileError):
        # The first diagnostic says more than the headline ("pass X failed"). A pass that
        # refuses a case it does not handle yet ("... is not supported yet") names an
        # unsupported case, not a failure.
        lines = [_first_line(str(exc))] + [_first_line(d.message) for d in exc.diagnostics[:1]]
        refused = any(_PASS_REFUSAL.search(line) for line in lines[1:]) or \
            (type(exc).__name__ == "InputError" and _PASS_REFUSAL.search(lines[0]) is not None)
        return ("unsupported" if refused else "error"), f"{type(exc).__name__}: " + ": ".join(lines)
    return "error", f"{type(exc).__name__}: {_first_line(str(exc)) or '(no message)'}"


def _compile_all(job: Job, model, folded: list[str]) -> list:
    """A compiled model per data set. When an input must be a compile-time
    constant, the test is retried with its integer inputs (and the input the
    error names, whatever its type) folded into initializers holding the
    test's values; their names are added to ``folded``."""
    import polytile

    try:
        compiled = polytile.compile(model)
        return [compiled] * len(job.data_sets)
    except polytile.OnnxImportError as e:
        error = e
    order = _graph_input_names(model)
    while CONSTANT_INPUT_MARK in str(error):
        first_retry = not folded
        names = (_integer_inputs(model) if first_retry else []) + _named_input(model, str(error))
        names = [n for n in dict.fromkeys(names) if n in order and n not in folded]
        if not names:
            break
        folded.extend(names)
        try:
            return _compile_folded(job, model, order, folded)
        except polytile.OnnxImportError as e:
            error = e
    raise error


def _named_input(model, message: str) -> list[str]:
    """The graph input behind "node 'N' (Op): ... (input I) must be a
    compile-time constant", if the node is found and input I is a graph input."""
    m = re.search(r"node '([^']*)' \(.*\(input (\d+)\) " + CONSTANT_INPUT_MARK, message)
    if not m:
        return []
    name, index = m.group(1), int(m.group(2))
    for i, node in enumerate(model.graph.node):
        if (node.name or f"{node.op_type}_{i}") == name and index < len(node.input):
            return [node.input[index]]
    return []


def _compile_folded(job: Job, model, order: list[str], folded: list[str]) -> list:
    import polytile

    cache: dict[bytes, object] = {}
    per_set = []
    for inputs, _ in job.data_sets:
        feeds = dict(zip(order, inputs))
        values = {n: np.asarray(_array(feeds[n])) for n in folded if n in feeds}
        key = b"".join(v.tobytes() + str(v.shape).encode() for v in values.values())
        if key not in cache:
            cache[key] = polytile.compile(fold_inputs(model, values))
        per_set.append(cache[key])
    return per_set


def run_job(job: Job) -> dict:
    """Compile and run one test (its dynamic form with ``job.dynamic``); the
    result as a JSON-able dict."""
    import onnx

    model = onnx.load_from_string(job.model)
    result = _run_model(job, make_dynamic(model) if job.dynamic else model)
    if job.dynamic:
        result["dynamic"] = True
    return result


def _run_model(job: Job, model) -> dict:
    result = {"name": job.name, "op": job.op, "outcome": "error", "message": "",
              "constant_inputs": [], "max_abs": None, "max_rel": None,
              "compile_s": None, "run_s": None}
    start = time.perf_counter()
    folded: list[str] = []
    result["constant_inputs"] = folded
    try:
        compiled_sets = _compile_all(job, model, folded)
    except Exception as e:  # noqa: BLE001 - every failure is an outcome
        result["outcome"], result["message"] = _classify(e)
        return result
    result["compile_s"] = time.perf_counter() - start
    order = _graph_input_names(model)
    start = time.perf_counter()
    try:
        comparisons = _run_data_sets(job, compiled_sets, order, folded)
    except Exception as e:  # noqa: BLE001
        result["outcome"], result["message"] = _classify(e)
        return result
    result["run_s"] = time.perf_counter() - start
    finite = [c for c in comparisons if c.max_abs == c.max_abs]
    result["max_abs"] = max((c.max_abs for c in finite), default=None)
    result["max_rel"] = max((c.max_rel for c in finite), default=None)
    bad = [c.reason for c in comparisons if not c.ok]
    result["outcome"] = "fail" if bad else "pass"
    result["message"] = "; ".join(dict.fromkeys(bad))
    return result


def _run_data_sets(job: Job, compiled_sets, order: list[str], folded: list[str]) -> list[Comparison]:
    comparisons = []
    for compiled, (inputs, expected) in zip(compiled_sets, job.data_sets):
        feeds = {n: _array(v) for n, v in zip(order, inputs) if n not in folded}
        outputs = compiled.run(feeds)
        if len(outputs) != len(expected):
            raise RuntimeError(f"the model has {len(outputs)} outputs, the test expects {len(expected)}")
        for name, got, want in zip(compiled.output_names, outputs, expected):
            c = compare_arrays(got, _array(want), job.rtol, job.atol)
            if not c.ok:
                c.reason = f"output '{name}': {c.reason}"
            comparisons.append(c)
    return comparisons


def _array(value):
    """numpy scalars (some tests give them for 0-d values) as 0-d arrays, and
    TensorProtos (the tests of bfloat16, float8, int4, ... give them) as arrays
    (``numpy_helper.to_array``: ``ml_dtypes`` dtypes, 4- and 2-bit types unpacked)."""
    import onnx

    if isinstance(value, onnx.TensorProto):
        return onnx.numpy_helper.to_array(value)
    return np.asarray(value) if isinstance(value, np.generic) else value


def _child_main(job: Job, result_path: str, log_path: str) -> None:
    """Entry point of a child process: output goes to ``log_path`` (read back
    after a crash), the result to ``result_path`` as JSON."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        result = run_job(job)
    except BaseException as e:  # noqa: BLE001 - report, never lose the test
        traceback.print_exc()
        result = {"name": job.name, "op": job.op, "outcome": "error",
                  "message": f"internal: {type(e).__name__}: {_first_line(str(e))}",
                  "constant_inputs": [], "max_abs": None, "max_rel": None}
    tmp = result_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, result_path)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown: the result is written


# --------------------------------------------------------------------------
# Scheduling (parent side)
# --------------------------------------------------------------------------
_PRELOAD = ["numpy", "onnx", "onnx.reference", "polytile", "polytile.compiler",
            "polytile.importers.onnx.rules", "polytile.runtime.jit", "polytile.passes",
            "polytile.passes.conversion.tg_to_linalg", "polytile.conformance"]


def _context():
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
    except ValueError:
        ctx = multiprocessing.get_context("spawn")
    return ctx


@dataclasses.dataclass
class _Running:
    job: Job
    process: object
    deadline: float
    start: float
    result_path: str
    log_path: str


def run_jobs(jobs: Sequence[Job], workers: int, timeout: float,
             on_result: Callable[[dict, int, int], None] = lambda r, i, n: None,
             target: Callable = None) -> list[dict]:
    """Run every job in its own child process, ``workers`` at a time. A job
    that crashes or outlives ``timeout`` seconds becomes an ``error`` result."""
    from multiprocessing.connection import wait

    ctx = _context()
    target = target or _child_main
    pending = collections.deque(jobs)
    running: dict[int, _Running] = {}
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="polytile-conformance-") as tmp:
        while pending or running:
            while pending and len(running) < workers:
                job = pending.popleft()
                index = len(results) + len(running)
                paths = (os.path.join(tmp, f"{index}.json"), os.path.join(tmp, f"{index}.log"))
                process = ctx.Process(target=target, args=(job, *paths), daemon=True)
                with _main_as_module(needed=getattr(target, "__module__", None) == "__main__"):
                    process.start()
                now = time.monotonic()
                running[process.sentinel] = _Running(job, process, now + timeout, now, *paths)
            soonest = min(r.deadline for r in running.values())
            ready = wait(list(running), timeout=max(0.0, soonest - time.monotonic()))
            now = time.monotonic()
            for sentinel in list(running):
                entry = running[sentinel]
                if sentinel in ready:
                    entry.process.join()
                    result = _collect(entry, timed_out=False)
                elif now >= entry.deadline:
                    entry.process.kill()
                    entry.process.join()
                    result = _collect(entry, timed_out=True, timeout=timeout)
                else:
                    continue
                del running[sentinel]
                result["wall_s"] = round(now - entry.start, 3)
                results.append(result)
                on_result(result, len(results), len(jobs))
    return results


@contextlib.contextmanager
def _main_as_module(needed: bool = False):
    """Children set up ``__main__`` like the parent's: re-running the console
    script (or this module, under ``python -m``) in every child. They need
    nothing from ``__main__`` (jobs and the entry point are pickled by their
    module's real name), so tell them there is nothing to set up."""
    import importlib.machinery

    main = sys.modules.get("__main__")
    if main is None or needed:  # a target defined in a script needs its __main__
        yield
        return
    saved = getattr(main, "__spec__", None)
    main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = saved


def _collect(entry: _Running, timed_out: bool, timeout: float = 0.0) -> dict:
    base = {"name": entry.job.name, "op": entry.job.op, "outcome": "error",
            "constant_inputs": [], "max_abs": None, "max_rel": None}
    if timed_out:
        return {**base, "message": f"timeout after {timeout:g} s"}
    if os.path.exists(entry.result_path):
        with open(entry.result_path) as f:
            return json.load(f)
    code = entry.process.exitcode
    what = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
    if not os.path.exists(entry.log_path):
        return {**base, "message": f"crashed ({what}) before the test started (see the runner's stderr)"}
    tail = _log_tail(entry.log_path)
    return {**base, "message": f"crashed ({what})" + (f": {tail}" if tail else "")}


def _log_tail(path: str) -> str:
    """The most telling line a crashed child left: an assertion or the last line."""
    try:
        with open(path, errors="replace") as f:
            lines = [line.strip() for line in f.read().splitlines() if line.strip()]
    except OSError:
        return ""
    for line in reversed(lines):
        if "Assertion" in line or "LLVM ERROR" in line or "error:" in line:
            return _first_line(line, 300)
    return _first_line(lines[-1], 300) if lines else ""


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------
def outcome_label(result: dict) -> str:
    label = result["outcome"]
    if result["outcome"] == "pass" and result.get("constant_inputs"):
        label = "pass (constant inputs)"
    return f"{label} [dynamic]" if result.get("dynamic") else label


def cause(result: dict) -> str:
    """A message with the test-specific bits (node names, numbers, types)
    blanked, so that failures with the same cause group together."""
    text = result.get("message") or result["outcome"]
    text = re.sub(r"node '[^']*' \(", "node (", text)
    text = re.sub(r"input '[^']*'", "input '?'", text)
    text = re.sub(r"output '[^']*'", "output '?'", text)
    text = re.sub(r"tensor<[^>]*>", "tensor<...>", text)
    text = re.sub(r"input_shapes=\{'[^']*'", "input_shapes={'?'", text)
    text = re.sub(r"--input-shape \S+=", "--input-shape ?=", text)
    text = re.sub(r"\(\d[\d, ]*\)|\[\d[\d, ]*\]", "(...)", text)
    text = re.sub(r"\b\d+(\.\d+)?(e[-+]?\d+)?\b", "N", text)
    return text


@dataclasses.dataclass
class OpSummary:
    op: str
    counts: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    constant: int = 0
    causes: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    examples: dict = dataclasses.field(default_factory=dict)  # cause -> one message with it
    dynamic_passed: int = 0  # of the dynamic forms (--dynamic)

    def main_issue(self) -> str:
        """A real message of the most common cause among tests that did not pass."""
        if not self.causes:
            return ""
        text = self.examples[self.causes.most_common(1)[0][0]]
        return re.sub(r"^node '[^']*' \([^)]*\): ", "", text)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def status(self) -> str:
        passed = self.counts["pass"]
        if passed == self.total:
            return "supported"
        return "partial" if passed else "unsupported"


def split_dynamic(results: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """(the static tests' results, the dynamic forms' results) of a run."""
    return [r for r in results if not r.get("dynamic")], [r for r in results if r.get("dynamic")]


def per_op(results: Sequence[dict]) -> list[OpSummary]:
    results, dynamic = split_dynamic(results)
    table: dict[str, OpSummary] = {}
    for r in dynamic:
        table.setdefault(r["op"], OpSummary(r["op"])).dynamic_passed += r["outcome"] == "pass"
    for r in results:
        s = table.setdefault(r["op"], OpSummary(r["op"]))
        s.counts[r["outcome"]] += 1
        if r["outcome"] == "pass" and r.get("constant_inputs"):
            s.constant += 1
        if r["outcome"] != "pass":
            key = cause(r)
            s.causes[key] += 1
            s.examples.setdefault(key, r.get("message") or r["outcome"])
    return sorted(table.values(), key=lambda s: s.op.lower())


def totals(results: Sequence[dict]) -> dict:
    """Counts of the static tests' outcomes (and, under ``dynamic``, of the dynamic forms')."""
    results, dynamic = split_dynamic(results)
    counts = collections.Counter(r["outcome"] for r in results)
    out = {"tests": len(results), **{o: counts[o] for o in OUTCOMES},
           "pass_constant_inputs": sum(1 for r in results if r["outcome"] == "pass" and r.get("constant_inputs"))}
    if dynamic:
        out["dynamic"] = {"tests": len(dynamic),
                          **collections.Counter(r["outcome"] for r in dynamic)}
        out["dynamic"].update({o: out["dynamic"].get(o, 0) for o in OUTCOMES})
    return out


def headline(results: Sequence[dict]) -> str:
    """The passes without the constant-input retry first, then with it (and the dynamic sweep's)."""
    t = totals(results)
    line = (f"{t['pass'] - t['pass_constant_inputs']} pass as given, {t['pass']} with constant inputs "
            f"folded ({t['pass_constant_inputs']} needed it) of {t['tests']} tests")
    if "dynamic" in t:
        d = t["dynamic"]
        line += (f"; dynamic forms: {d['pass']} pass, {d['fail']} fail, {d['error']} error, "
                 f"{d['unsupported']} unsupported")
    return line


def final_line(results: Sequence[dict]) -> str:
    t = totals(results)
    line = f"{t['pass']} passed, {t['fail'] + t['error']} failed"
    if t["unsupported"]:
        line += f", {t['unsupported']} skipped"
    return line


def format_report(results: Sequence[dict], max_examples: int = 6) -> str:
    out = []
    summaries = per_op(results)
    width = max([len(s.op) for s in summaries] + [2])
    has_dynamic = bool(split_dynamic(results)[1])
    out.append("per-op summary:")
    out.append(f"  {'op':<{width}}  tests  pass  (const)  fail  error  unsupp  status" +
               ("       dyn" if has_dynamic else ""))
    for s in summaries:
        c = s.counts
        out.append(f"  {s.op:<{width}}  {s.total:5d}  {c['pass']:4d}  {s.constant:7d}  {c['fail']:4d}  "
                   f"{c['error']:5d}  {c['unsupported']:6d}  {s.status:<11}" +
                   (f"  {s.dynamic_passed:4d}" if has_dynamic else "").rstrip())
    static, dynamic = split_dynamic(results)
    for title, outcomes, members in (("failures by cause", ("fail", "error"), static),
                                     ("unsupported by cause", ("unsupported",), static),
                                     ("dynamic forms: failures by cause", ("fail", "error"), dynamic),
                                     ("dynamic forms: unsupported by cause", ("unsupported",), dynamic)):
        groups = _groups([r for r in members if r["outcome"] in outcomes])
        if not groups:
            continue
        out.append("")
        out.append(f"{title}:")
        for key, members in groups:
            names = ", ".join(r["name"] for r in members[:max_examples])
            more = f", ... (+{len(members) - max_examples})" if len(members) > max_examples else ""
            out.append(f"  [{len(members)}] {key}")
            out.append(f"      {names}{more}")
    constant = [r for r in static if r["outcome"] == "pass" and r.get("constant_inputs")]
    if constant:
        out.append("")
        out.append(f"passed with constant inputs ({len(constant)}; graph inputs folded into initializers):")
        out.append("  " + ", ".join(r["name"] for r in constant))
    t = totals(results)
    out.append("")
    out.append(headline(results))
    out.append(f"outcomes: {t['pass']} pass ({t['pass_constant_inputs']} with constant inputs), "
               f"{t['fail']} fail, {t['error']} error, {t['unsupported']} unsupported")
    out.append(final_line(results))
    return "\n".join(out) + "\n"


def _groups(results: Sequence[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = collections.defaultdict(list)
    for r in results:
        groups[f"{r['outcome']}: {cause(r)}"].append(r)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def format_docs(results: Sequence[dict], command: str, onnx_version: str, expanded: bool) -> str:
    t = totals(results)
    kind = "plain and `_expanded`" if expanded else "plain (not `_expanded`)"
    lines = [
        "# Supported ONNX ops",
        "",
        f"Generated by `{command}` from the {t['tests']} {kind} ONNX backend node tests of",
        f"onnx {onnx_version}. Do not edit by hand: rerun the command.",
        "",
        f"**Totals:** {t['pass'] - t['pass_constant_inputs']} passed as given; "
        f"{t['pass']} passed with the constant-input retry ({t['pass_constant_inputs']} needed it), "
        f"{t['fail']} failed, {t['error']} with errors, {t['unsupported']} unsupported." +
        (f" Dynamic forms: {t['dynamic']['pass']} passed, {t['dynamic']['fail']} failed, "
         f"{t['dynamic']['error']} with errors, {t['dynamic']['unsupported']} unsupported." if "dynamic" in t else ""),
        "",
        "- *passed*: outputs match the test's expected values (shape and dtype exactly, values within",
        "  the test's rtol/atol). *const*: of those, tests that passed only once their integer inputs",
        "  and the inputs the importer asked for (shapes, axes, pads, scales, ... given as graph",
        "  inputs in the tests) were folded into initializers: polytile needs them as compile-time",
        "  constants.",
        "- *failed*: wrong values, shape or dtype. *errors*: the compiler or the run failed otherwise",
        "  (including crashes and timeouts). *unsupported*: the importer rejects the node (op, opset,",
        "  attribute or type not supported yet), or a pass or the run's input check refuses a case",
        "  it says it does not handle yet (\"... is not supported yet\", e.g. a dynamic dim in the",
        "  dynamic sweep, Dropout's training mode).",
        "- Tests compared with more than their own tolerance, and why:",
        *[f"  - `{pattern}`: {reason}." for pattern, (_, _, reason) in TOLERANCE_EXCEPTIONS.items()],
        "- *status*: supported = every test passes; partial = some pass; unsupported = none pass.",
        "- *main issue*: the most common reason among the tests that did not pass.",
    ]
    dyn = "dynamic" in t
    if dyn:
        lines += ["- *dynamic*: of the same tests with every input dim except size-1 dims made dynamic",
                  "  (compiled once, run on the test's data; `--dynamic`), how many passed."]
    lines += [
        "",
        "| op | tests | passed | const | failed | errors | unsupported | status |" + (" dynamic |" if dyn else "") +
        " main issue |",
        "|---|---:|---:|---:|---:|---:|---:|---|" + ("---:|" if dyn else "") + "---|",
    ]
    for s in per_op(results):
        c = s.counts
        issue = s.main_issue()
        issue = issue if len(issue) <= 110 else issue[:107] + "..."
        issue = issue.replace("|", "\\|").replace("`", "'")
        lines.append(f"| {s.op} | {s.total} | {c['pass']} | {s.constant} | {c['fail']} | {c['error']} | "
                     f"{c['unsupported']} | {s.status} |" + (f" {s.dynamic_passed} |" if dyn else "") +
                     f" {issue} |")
    ops = per_op(results)
    status = collections.Counter(s.status for s in ops)
    lines += ["", f"{len(ops)} op types: {status['supported']} supported, {status['partial']} partial, "
                  f"{status['unsupported']} unsupported.", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=TOOL, description="Run the ONNX backend node tests through polytile.")
    parser.add_argument("-k", dest="patterns", action="append", default=[], metavar="PATTERN",
                        help="only tests whose name matches this regular expression (repeatable: any)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="tests run in parallel (default: number of cores)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="S",
                        help="seconds per test before it is killed (default: 60)")
    parser.add_argument("--include-expanded", action="store_true",
                        help="also run the *_expanded tests (function bodies)")
    parser.add_argument("--dynamic", action="store_true",
                        help="also run each test with every input dim (but size-1 dims) dynamic")
    parser.add_argument("-v", "--verbose", action="store_true", help="print one line per test")
    parser.add_argument("--json", metavar="FILE", help="write every test's outcome to FILE")
    parser.add_argument("--write-docs", metavar="FILE", help="write the supported-ops markdown table to FILE")
    parser.add_argument("--list", action="store_true", help="list the selected tests and exit")
    parser.add_argument("--from-json", metavar="FILE",
                        help="report (and --write-docs) from the results of an earlier --json run instead of running")
    return parser


def _progress(verbose: bool, stream) -> Callable[[dict, int, int], None]:
    def report(result: dict, done: int, total: int) -> None:
        if verbose:
            extra = ""
            if result["outcome"] != "pass" and result.get("message"):
                extra = f"  {result['message']}"
            elif result.get("max_abs") is not None:
                extra = f"  max abs {result['max_abs']:.2g}"
            stream.write(f"[{done}/{total}] {outcome_label(result):<22} {result['name']} ({result['op']}){extra}\n")
        elif done == total or done % max(1, total // 20) == 0:
            stream.write(f"[{done}/{total}]\n")
        stream.flush()
    return report


def _run_options(args: argparse.Namespace) -> dict:
    """The options that decide what ran and how (recorded in --json)."""
    return {"patterns": list(args.patterns), "jobs": args.jobs, "timeout": args.timeout,
            "include_expanded": bool(args.include_expanded), "dynamic": bool(args.dynamic)}


def docs_command(options: dict, docs_path: str) -> str:
    """The command that regenerates the docs, without output-only options."""
    parts = [TOOL]
    for p in options.get("patterns", []):
        parts += ["-k", p]
    parts += ["-j", str(options.get("jobs", 1))]
    if options.get("timeout", 60.0) != 60.0:
        parts += ["--timeout", f"{options['timeout']:g}"]
    if options.get("include_expanded"):
        parts.append("--include-expanded")
    if options.get("dynamic"):
        parts.append("--dynamic")
    parts += ["--write-docs", docs_path]
    return " ".join(shlex.quote(p) for p in parts)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.jobs < 1:
        raise _UsageError("-j must be at least 1")
    if args.timeout <= 0:
        raise _UsageError("--timeout must be positive")
    for p in args.patterns:
        try:
            re.compile(p)
        except re.error as e:
            raise _UsageError(f"-k '{p}' is not a valid regular expression: {e}") from None
    return args


def _load_previous(path: str) -> dict:
    try:
        with open(path) as f:
            data = json.load(f)
        if "options" not in data:  # written before options were recorded
            data["options"] = _run_options(_parse_args(shlex.split(data["command"])[1:]))
        data["results"]  # noqa: B018 - must be there
        return data
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise _UsageError(f"--from-json '{path}' is not a results file written by --json "
                          f"({type(e).__name__}: {e})") from None


def _run(args: argparse.Namespace) -> tuple[list[dict], dict, float]:
    """Run the selected tests: (results, run options, seconds)."""
    jobs = load_jobs(args.include_expanded, args.patterns, args.dynamic)
    if not jobs:
        raise _UsageError(f"no test matches {args.patterns}")
    if args.list:
        for job in jobs:
            print(f"{job.name} ({job.op})")
        return [], {}, 0.0
    sys.stderr.write(f"{TOOL}: {len(jobs)} tests, {args.jobs} at a time\n")
    start = time.monotonic()
    stream = sys.stdout if args.verbose else sys.stderr
    results = run_jobs(jobs, args.jobs, args.timeout, _progress(args.verbose, stream))
    return results, _run_options(args), time.monotonic() - start


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = _parse_args(argv)
        if args.from_json:
            previous = _load_previous(args.from_json)
            results, options, elapsed = previous["results"], previous["options"], previous.get("elapsed_s", 0.0)
            onnx_version = previous.get("onnx_version", "?")
        else:
            results, options, elapsed = _run(args)
            if args.list:
                return 0
            import onnx

            onnx_version = onnx.__version__
    except _UsageError as e:
        sys.stderr.write(f"{TOOL}: error: {e}\n")
        return 2
    results = sorted(results, key=lambda r: r["name"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"options": options, "onnx_version": onnx_version, "elapsed_s": round(elapsed, 1),
                       "totals": totals(results), "results": results}, f, indent=1)
    if args.write_docs:
        with open(args.write_docs, "w") as f:
            f.write(format_docs(results, docs_command(options, args.write_docs), onnx_version,
                                options.get("include_expanded", False)))
    sys.stdout.write(format_report(results))
    sys.stderr.write(f"{TOOL}: {elapsed:.0f} s\n")
    t = totals(results)
    return 1 if t["fail"] or t["error"] or t.get("dynamic", {}).get("fail") else 0


if __name__ == "__main__":
    # Run the imported module's main, so that what the children unpickle
    # (Job, _child_main) is named polytile.conformance, not __main__.
    from polytile.conformance import main as _main

    sys.exit(_main())

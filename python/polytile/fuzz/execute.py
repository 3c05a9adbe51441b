"""Running one fuzz case (child side) and classifying its outcome.

A case is a dict whose ``family`` says what to do with it:

* ``onnx``: compile ``model`` (bytes) with ``polytile.compile`` and run it on
  seeded random feeds (``mode="api"``), or run ``polytile-run --check`` on it
  in-process (``mode="cli"``); compare with onnxruntime;
* ``ir``: run ``polytile-opt`` in-process (``polytile.opt_main.run``) with
  ``args`` on ``text``;
* ``sched``: compile ``model`` with the schedules of ``schedules`` (text of
  sched ops) or, with ``gen_seed``, with random schedules drawn per kernel by
  :mod:`polytile.fuzz.sched_gen` (the schedules made are returned in the
  result, so the case can be replayed as text); compare with onnxruntime;
* ``feeds``: compile ``model`` and run it on feeds mutated as ``mutations``
  say (:mod:`polytile.fuzz.feeds`); compare with onnxruntime.

Outcomes (:data:`OUTCOMES`): ``ok``; ``clean-error`` (a PolytileError, or a
CLI exit 1 with an ``error:`` message and no traceback); ``traceback`` (any
other exception, or "internal error"/"Traceback" in CLI output); ``crash``
(the child died by a signal); ``hang`` (it ran past the timeout);
``wrong-answer`` (polytile and onnxruntime both accept, and the outputs differ
beyond tolerance, NaN and infinities compared by position). onnxruntime
rejecting what polytile accepts is ``ok`` (with a note). The last two, plus
crashes and hangs, are decided by the parent from the child's exit status.

Before it calls onnxruntime, a case writes a partial result (polytile's part
is done and fine): a child that then dies or hangs inside onnxruntime is not
polytile's crash, and the parent reports ``ok`` with a note.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import traceback
from typing import Optional

import numpy as np

OUTCOMES = ("ok", "clean-error", "traceback", "crash", "hang", "wrong-answer")
BAD = ("traceback", "crash", "hang", "wrong-answer")
RTOL = 1e-3
ATOL = 1e-4
# Feeds and outputs above this many elements are not run (compile only): the
# fuzzer looks for bugs, not for the memory limit.
MAX_ELEMENTS = 4_000_000


def write_result(path: str, result: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, default=str)
    os.replace(tmp, path)


def first_line(text: str, limit: int = 300) -> str:
    text = str(text).strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[:limit] + "..."


def result(outcome: str, message: str = "", signature: str = "", **extra) -> dict:
    return {"outcome": outcome, "message": message, "signature": signature or outcome, **extra}


def _innermost_polytile_frame(tb) -> str:
    frames = traceback.extract_tb(tb)
    for frame in reversed(frames):
        path = frame.filename.replace(os.sep, "/")
        ours = ("/polytile/" in path and "/polytile/fuzz/" not in path) or "/dialects/" in path \
            or "/passes/" in path
        if ours and "/site-packages/mlir/" not in path:
            tail = "/".join(path.split("/")[-2:])
            return f"{tail}:{frame.name}"
    if frames:
        frame = frames[-1]
        return f"{os.path.basename(frame.filename)}:{frame.name}"
    return "?"


def _callback_exception(text: str):
    """(exception type, innermost polytile frame, message) of the traceback the
    bindings put in the message of "Exception raised in callback", or None."""
    import re

    if "Exception raised in callback" not in text:
        return None
    frames = re.findall(r'File "([^"]+)", line \d+, in (\S+)', text)
    lines = [l for l in text.strip().splitlines() if l.strip()]
    last = lines[-1].strip() if lines else ""
    m = re.match(r"([A-Za-z_][\w.]*(?:Error|Exception|Warning|Interrupt|Exit))(?::\s*(.*))?$", last)
    if not m:
        return None
    where = "?"
    for path, func in reversed(frames):
        path = path.replace(os.sep, "/")
        if ("/polytile/" in path and "/polytile/fuzz/" not in path) or "/dialects/" in path or "/passes/" in path:
            where = "/".join(path.split("/")[-2:]) + ":" + func
            break
    return m.group(1).split(".")[-1], where, first_line(m.group(2) or "")


def exception_result(exc: BaseException, phase: str) -> dict:
    """clean-error for a PolytileError (InputError included), traceback otherwise."""
    from polytile.diagnostics import PolytileError

    if type(exc).__name__ == "CompilerCrash":  # polytile.isolation caught a crash in its child
        return result("crash", f"{type(exc).__name__}: {first_line(exc)}", "crash:isolated:" + first_line(exc, 120),
                      phase=phase)
    if isinstance(exc, PolytileError):
        # The first diagnostic says more than the headline ("pass pipeline failed").
        lines = [first_line(exc)] + [first_line(d.message) for d in getattr(exc, "diagnostics", [])[:1]]
        return result("clean-error", f"{type(exc).__name__}: " + ": ".join(l for l in lines if l), phase=phase)
    where = _innermost_polytile_frame(exc.__traceback__)
    kind, message = type(exc).__name__, first_line(exc) or "(no message)"
    inner = _callback_exception(str(exc))
    if inner is not None:  # raised inside a walk/pattern callback: name the real one
        kind, where, message = inner
    return result("traceback", f"{kind}: {message}",
                  f"traceback:{kind}@{where}", phase=phase,
                  traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-4000:])


# --------------------------------------------------------------------------
# Warm-up (in the fork server, before any case)
# --------------------------------------------------------------------------
def warm_up() -> None:
    """One small single-threaded compile + JIT + run, one onnxruntime session
    and one polytile-opt run, so that lazy imports and one-time setup (LLVM
    targets, runtime libraries) are done once for all children. Nothing of it
    stays alive (gc) and no OpenMP thread starts, so forking stays safe."""
    import gc

    import polytile
    from polytile import opt_main
    from polytile.fuzz import seeds

    model = seeds.mlp().SerializeToString()
    compiled = polytile.compile(model, threads=1)
    feeds = random_feeds(compiled.inputs, 0)
    compiled.run(feeds)
    del compiled
    reference(model, feeds)
    text = '"func.func"() ({}) {function_type = () -> (), sym_name = "f", sym_visibility = "private"} : () -> ()\n'
    opt_main.run(["--tg-dce", "-"], _Stdin(text), io.StringIO(), io.StringIO())
    gc.collect()


class _Stdin(io.StringIO):
    @property
    def buffer(self):
        return io.BytesIO(self.getvalue().encode())


# --------------------------------------------------------------------------
# Feeds, reference, comparison
# --------------------------------------------------------------------------
def random_feeds(infos, seed: int) -> dict:
    """Seeded random values (as polytile-run draws them): normal floats,
    integers in [0, 4), fair bools."""
    rng = np.random.default_rng(seed)
    feeds = {}
    for info in infos:
        dtype = np.dtype(info.dtype)
        shape = tuple(info.shape)
        if dtype == np.bool_:
            feeds[info.name] = rng.random(shape) < 0.5
        elif np.issubdtype(dtype, np.integer):
            feeds[info.name] = rng.integers(0, 4, size=shape).astype(dtype)
        else:
            feeds[info.name] = rng.standard_normal(shape).astype(dtype)
    return feeds


def too_big(compiled) -> bool:
    for info in list(compiled.inputs) + list(compiled.outputs):
        if int(np.prod(info.shape, dtype=np.float64)) > MAX_ELEMENTS:
            return True
    return False


def reference(model_bytes: bytes, feeds: dict, output_names=None):
    """onnxruntime's outputs (a list, or a dict by name when ``output_names``
    is given) or (None, why it could not run)."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None, "onnxruntime is not installed"
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 4
    # No graph rewrites: onnxruntime's fusions have bugs of their own (1.32 fuses
    # Add + LayerNormalization(axis=-2) into SkipLayerNormalization, which
    # normalizes over the last axis only).
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    data = model_bytes
    for attempt in range(2):
        try:
            session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
            names = [o.name for o in session.get_outputs()]
            outputs = session.run(None, feeds)
            return (names, outputs), ""
        except Exception as e:  # noqa: BLE001 - any rejection is a note
            message = str(e)
            if attempt == 0 and "Unsupported model IR version" in message:
                import onnx
                import re

                m = re.search(r"max supported IR version: (\d+)", message)
                try:
                    model = onnx.load_from_string(model_bytes)
                except Exception:  # noqa: BLE001
                    return None, first_line(message)
                if m:
                    model.ir_version = int(m.group(1))
                    data = model.SerializeToString()
                    continue
            return None, f"onnxruntime rejects: {first_line(message, 200)}"
    return None, "onnxruntime rejects"


def reference_outputs(model_bytes: bytes, feeds: dict) -> Optional[dict]:
    """ONNX's reference implementation (onnx.reference): output name -> value,
    or None when it cannot run the model."""
    try:
        import warnings

        import onnx
        from onnx.reference import ReferenceEvaluator

        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            model = onnx.load_from_string(model_bytes)
            values = ReferenceEvaluator(model).run(None, feeds)
        return dict(zip([o.name for o in model.graph.output], values))
    except Exception:  # noqa: BLE001 - no second opinion
        return None


def compare_outputs(names, outputs, ref) -> Optional[str]:
    """None when ``outputs`` (polytile's, named ``names``) match onnxruntime's
    ``ref`` = (names, outputs); else what differs."""
    from polytile.conformance import compare_arrays

    ref_names, ref_outputs = ref
    if len(outputs) != len(ref_outputs):
        return f"{len(outputs)} outputs, onnxruntime gives {len(ref_outputs)}"
    if list(names) != list(ref_names):
        return f"output names {list(names)}, onnxruntime gives {list(ref_names)}"
    for name, got, want in zip(names, outputs, ref_outputs):
        want = np.asarray(want)
        c = compare_arrays(got, want, RTOL, ATOL)
        if not c.ok:
            return f"output '{name}': {c.reason} (max abs err {c.max_abs:.3g}, max rel err {c.max_rel:.3g})"
    return None


def _check_returned(compiled, outputs) -> Optional[str]:
    if not isinstance(outputs, list) or len(outputs) != len(compiled.outputs):
        return f"run returned {type(outputs).__name__} of {len(outputs) if hasattr(outputs, '__len__') else '?'}"
    for info, out in zip(compiled.outputs, outputs):
        if not isinstance(out, np.ndarray) or out.dtype != info.dtype or tuple(out.shape) != tuple(info.shape):
            return f"output '{info.name}' is not a {info.dtype}{list(info.shape)} array"
    return None


def _partial(result_path: Optional[str], note: str) -> None:
    if result_path:
        write_result(result_path, result("ok", note, phase="reference", partial=True))


def compile_run_compare(model_bytes: bytes, threads: int, input_shapes, feeds_seed: int,
                        result_path: Optional[str], schedules=None) -> dict:
    import polytile

    try:
        compiled = polytile.compile(model_bytes, threads=threads, input_shapes=input_shapes or None,
                                    schedules=schedules)
    except Exception as e:  # noqa: BLE001 - every failure is an outcome
        return exception_result(e, "compile")
    return run_compare(compiled, model_bytes, random_feeds(compiled.inputs, feeds_seed), result_path)


def run_compare(compiled, model_bytes: bytes, feeds: dict, result_path: Optional[str],
                reference_feeds: Optional[dict] = None, output_names=None) -> dict:
    if too_big(compiled):
        return result("ok", "compiled; not run (inputs or outputs too large)")
    try:
        outputs = compiled.run(feeds, output_names) if output_names is not None else compiled.run(feeds)
    except Exception as e:  # noqa: BLE001
        return exception_result(e, "run")
    if output_names is None:
        bad = _check_returned(compiled, outputs)
        if bad:
            return result("wrong-answer", bad, "wrong-answer:outputs")
        names = compiled.output_names
    else:
        names = list(output_names)
    _partial(result_path, "polytile ran; onnxruntime did not finish")
    ref, note = reference(model_bytes, reference_feeds if reference_feeds is not None else feeds)
    if ref is None:
        return result("ok", note)
    if output_names is not None:
        by_name = dict(zip(*ref))
        if any(n not in by_name for n in names):
            return result("ok", "onnxruntime has no output of a requested name")
        ref = (names, [by_name[n] for n in names])
    return _verdict(model_bytes, reference_feeds if reference_feeds is not None else feeds, names, outputs, ref)


OVERFLOW_INPUT = 1e15  # feeds this large (and finite) overflow float32 on the way


def _overflowing(feeds: dict) -> bool:
    for value in feeds.values():
        a = np.asarray(value)
        if a.dtype.kind == "f" and a.size:
            with np.errstate(all="ignore"):
                big = np.isfinite(a) & (np.abs(a.astype(np.float64)) >= OVERFLOW_INPUT)
            if big.any():
                return True
    return False


def _finite_part_matches(got, want) -> bool:
    """Same shape and dtype, and values within tolerance where both are finite."""
    want = np.asarray(want)
    if not isinstance(got, np.ndarray) or got.shape != want.shape or got.dtype != want.dtype:
        return False
    if got.dtype.kind not in "fc":
        return False
    a, e = got.astype(np.float64), want.astype(np.float64)
    both = np.isfinite(a) & np.isfinite(e)
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(a[both] - e[both]) <= ATOL + RTOL * np.abs(e[both])))


def _matches_one_of(got, first, second) -> bool:
    """Every element of ``got`` matches ``first`` or ``second`` (where the two
    references disagree, e.g. ArgMax over NaN, either value is accepted)."""
    from polytile.conformance import compare_arrays

    first, second = np.asarray(first), np.asarray(second)
    if compare_arrays(got, second, RTOL, ATOL).ok:
        return True
    if not isinstance(got, np.ndarray) or got.shape != first.shape or got.shape != second.shape \
            or got.dtype != first.dtype:
        return False
    flat_got, flat_a, flat_b = got.reshape(-1), first.reshape(-1), second.reshape(-1)
    for i in range(flat_got.size):
        g = flat_got[i:i + 1]
        if not (compare_arrays(g, flat_a[i:i + 1], RTOL, ATOL).ok or
                compare_arrays(g, flat_b[i:i + 1].astype(g.dtype), RTOL, ATOL).ok):
            return False
    return True


def _wrong_signature(diff: str) -> str:
    for word in ("shape", "dtype", "values differ", "outputs", "names"):
        if word in diff:
            return "wrong-answer:" + word.split()[0]
    return "wrong-answer"


def _verdict(model_bytes: bytes, feeds: dict, names, outputs, ref) -> dict:
    """ok when every output matches onnxruntime or, where it does not, ONNX's
    reference implementation (the two disagree where ONNX leaves a case open,
    e.g. NaN in ReduceMax or ArgMax: either answer is accepted). When the feeds
    hold values so large that float32 overflows along the way, where NaN and
    infinities come out depends on the order of evaluation: then only the
    values both sides find finite are compared."""
    diff = compare_outputs(names, outputs, ref)
    if not diff:
        return result("ok")
    if _overflowing(feeds) and len(outputs) == len(ref[1]) and \
            all(_finite_part_matches(g, w) for g, w in zip(outputs, ref[1])):
        return result("ok", f"non-finite values differ where float32 overflows ({diff})")
    ref_names, ref_values = ref
    if len(outputs) != len(ref_values) or list(names) != list(ref_names):
        return result("wrong-answer", diff, _wrong_signature(diff))
    second = None
    disputed = []
    for name, got, want in zip(names, outputs, ref_values):
        if compare_outputs([name], [got], ([name], [want])) is None:
            continue
        if second is None:
            second = reference_outputs(model_bytes, feeds) or {}
        if name not in second or not _matches_one_of(got, want, second[name]):
            why = compare_outputs([name], [got], ([name], [want]))
            return result("wrong-answer", why, _wrong_signature(why))
        disputed.append(name)
    return result("ok", f"onnxruntime differs from onnx.reference, which agrees with polytile, on {disputed} ({diff})")


# --------------------------------------------------------------------------
# Families
# --------------------------------------------------------------------------
def run_case(case: dict, result_path: Optional[str] = None) -> dict:
    family = case["family"]
    runner = {"onnx": run_onnx, "ir": run_ir, "sched": run_sched, "feeds": run_feeds}[family]
    return runner(case, result_path)


def run_onnx(case: dict, result_path: Optional[str]) -> dict:
    if case.get("mode") == "cli":
        return run_onnx_cli(case)
    return compile_run_compare(case["model"], case.get("threads", 1), case.get("input_shapes"),
                               case.get("feeds_seed", 0), result_path)


def run_onnx_cli(case: dict) -> dict:
    from polytile import run_main

    tmp = tempfile.mkdtemp(prefix="polytile-fuzz-")
    try:
        path = os.path.join(tmp, "model.onnx")
        with open(path, "wb") as f:
            f.write(case["model"])
        argv = [path, "--check", "--repeat", "1", "--threads", str(case.get("threads", 1)),
                "--seed", str(case.get("feeds_seed", 0))]
        for name, shape in (case.get("input_shapes") or {}).items():
            argv += ["--input-shape", f"{name}={'x'.join(str(d) for d in shape)}"]
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            code = run_main.run(argv, _Stdin(""), stdout, stderr)
        except BaseException as e:  # noqa: BLE001 - the tool must not raise
            return exception_result(e, "polytile-run")
        out = classify_cli("polytile-run", code, stdout.getvalue(), stderr.getvalue())
        if out["outcome"] == "wrong-answer":
            # polytile-run --check uses onnxruntime with its graph rewrites: ask
            # again through the API (the same feeds: polytile-run draws them the
            # same way from the same seed), which has a second opinion.
            again = compile_run_compare(case["model"], case.get("threads", 1), case.get("input_shapes"),
                                        case.get("feeds_seed", 0), None)
            if again["outcome"] == "ok":
                return result("ok", "polytile-run --check FAIL, but the outputs match onnxruntime without "
                                    "graph rewrites or onnx.reference: " + again.get("message", ""))
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def classify_cli(tool: str, code: int, out: str, err: str) -> dict:
    text = out + err
    if code == 0:
        return result("ok")
    if "Traceback (most recent call last)" in text or "internal error" in text:
        line = next((l for l in text.splitlines() if "internal error" in l), "") or first_line(text[-400:])
        return result("traceback", first_line(line), f"cli-traceback:{tool}:" + _error_kind(line))
    if tool == "polytile-run" and code == 1 and "\nFAIL\n" in "\n" + out:
        fails = [l.strip() for l in out.splitlines() if "FAIL" in l and "max abs err" in l]
        return result("wrong-answer", "; ".join(fails)[:300] or "FAIL", "wrong-answer:cli")
    if tool == "polytile-run" and code == 2:
        return result("ok", "onnxruntime cannot run the model: " + first_line(err))
    if "crashed with SIG" in err or "crashed (exit code" in err:  # polytile.isolation's report
        line = next(l for l in err.splitlines() if "crashed" in l)
        return result("crash", first_line(line), "crash:isolated:" + first_line(line, 120))
    if code == 1 and "error:" in err:
        return result("clean-error", first_line(next(l for l in err.splitlines() if "error:" in l)))
    if code == 1 and tool == "polytile-opt" and err.strip():
        return result("clean-error", first_line(err))
    return result("traceback", f"{tool} exited {code} without an error message: {first_line(err or out)}",
                  f"cli-exit:{tool}:{code}")


def _error_kind(line: str) -> str:
    import re

    m = re.search(r"internal error: (\w+)", line)
    return m.group(1) if m else "Traceback"


def run_ir(case: dict, result_path: Optional[str]) -> dict:
    from polytile import opt_main

    tmp = tempfile.mkdtemp(prefix="polytile-fuzz-")
    try:
        path = os.path.join(tmp, "input.mlir")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(case["text"])
        argv = list(case["args"]) + [path]
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            code = opt_main.run(argv, _Stdin(""), stdout, stderr)
        except BaseException as e:  # noqa: BLE001 - the tool must not raise
            return exception_result(e, "polytile-opt")
        return classify_cli("polytile-opt", code, stdout.getvalue(), stderr.getvalue())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_sched(case: dict, result_path: Optional[str]) -> dict:
    if case.get("schedules") is not None:
        return compile_run_compare(case["model"], case.get("threads", 1), None, case.get("feeds_seed", 0),
                                   result_path, schedules=case["schedules"])
    from polytile.dialects import sched
    from polytile.fuzz import sched_gen

    made = []
    generator = sched_gen.Generator(case["gen_seed"])
    harness_errors = []

    def hook(name, func):
        try:
            schedule = generator.schedule(name, func)
        except Exception as e:  # noqa: BLE001 - a fuzzer bug, reported as such below
            harness_errors.append(e)
            return None
        if schedule is not None:
            made.append(schedule)
            if result_path:  # kept by the parent even if the compile then crashes or hangs
                write_result(result_path + ".extra", {"schedules": sched.format_schedules(made)})
        return schedule

    out = compile_run_compare(case["model"], case.get("threads", 1), None, case.get("feeds_seed", 0),
                              result_path, schedules=hook)
    if harness_errors:
        e = harness_errors[0]
        out = result("traceback", f"fuzzer: {type(e).__name__}: {first_line(e)}", "fuzzer-error")
    out["schedules"] = sched.format_schedules(made) if made else ""
    return out


def run_feeds(case: dict, result_path: Optional[str]) -> dict:
    import polytile
    from polytile.fuzz import feeds as feed_mutations

    try:
        compiled = polytile.compile(case["model"], threads=case.get("threads", 1))
    except Exception as e:  # noqa: BLE001
        out = exception_result(e, "compile")
        out["message"] = "seed model does not compile: " + out["message"]
        return out
    base = random_feeds(compiled.inputs, case.get("feeds_seed", 0))
    try:
        fed, ref_feeds, output_names, invalid = feed_mutations.apply(case["mutations"], base, compiled)
    except Exception as e:  # noqa: BLE001
        return result("traceback", f"fuzzer: {type(e).__name__}: {first_line(e)}", "fuzzer-error")
    if too_big(compiled):
        return result("ok", "not run (too large)")
    try:
        outputs = compiled.run(fed, output_names) if output_names is not None else compiled.run(fed)
    except Exception as e:  # noqa: BLE001
        return exception_result(e, "run")
    if invalid:
        # polytile ran on feeds that do not match its inputs: it must refuse them.
        return result("wrong-answer", f"accepted invalid feeds ({invalid}) instead of raising InputError",
                      "wrong-answer:accepted-invalid-feeds")
    names = list(output_names) if output_names is not None else compiled.output_names
    _partial(result_path, "polytile ran; onnxruntime did not finish")
    ref, note = reference(case["model"], ref_feeds)
    if ref is None:
        return result("ok", note)
    if output_names is not None:
        by_name = dict(zip(*ref))
        ref = (names, [by_name[n] for n in names])
    return _verdict(case["model"], ref_feeds, names, outputs, ref)

"""Crash isolation: the risky part of a compilation runs in a child process.

The LLVM build has assertions on, and some invalid IR handed to a C++ pass
aborts the whole process (SIGABRT) instead of raising. With isolation the
import and every pass run in a child; a child that dies becomes a
:class:`CompilerCrash` (a :class:`~polytile.PolytileError`) naming the stage,
the pass and the signal, with a crash reproducer, and the caller survives.

Mechanism (measured on the 2-core development machine, MLIR 22):

* ``os.fork()`` of the already-imported process: the child needs no imports,
  takes the model, the options and even a schedule hook as they are (nothing is
  pickled on the way in); a fork and exit cost 15-25 ms. Spawning a fresh
  interpreter would pay the imports again (``import polytile.compiler`` + MLIR:
  1.3-1.7 s, 15-50% of these models' compile times) and could not take a Python
  hook. The parent imports what a compile imports lazily once (:func:`_preload`),
  so that children do not each pay it. Before the fork, :func:`gc.freeze` keeps the child's
  garbage collector off the parent's objects (it must not destroy the parent's
  MLIR contexts, whose thread pools do not exist in the child). Fork with other
  threads running is as safe as their locks allow: the CLIs are single-threaded;
  from a multi-threaded program prefer ``isolate=False``.
* The child hands back the LLVM-dialect module as MLIR bytecode
  (``write_bytecode``), which the parent parses and JITs. For MobileNet-v2's
  LLVM module: bytecode 14.6 MB, written in 0.10 s, parsed in 0.08 s; text
  32 MB, printed in 0.52 s, parsed in 0.46 s. The bytes go through a pipe
  (14.6 MB in ~25 ms) together with the model's inputs/outputs and the compile
  times. ``CompiledModel``'s IR text is printed from the bytecode on demand.
* Progress through the same pipe: the child says which step it is in and which
  pass pipeline it runs (:class:`polytile.pipeline.PassObserver`: one message per
  pipeline run, nothing per pass, so a successful compile pays nothing for it).
  When the child dies inside a pipeline, a second child replays the same work
  with that pipeline run one pass at a time, announcing each pass and writing the
  IR before it as bytecode; it dies at the same pass, and a third child prints
  that IR and the pipeline from that pass on as the reproducer, in MLIR's format
  (IR, then ``{-# external_resources: { mlir_reproducer: { pipeline: ...,
  disable_threading: ..., verify_each: ... } } #-}``, the pipeline in
  polytile-opt's syntax), replayed by ``polytile-opt --run-reproducer FILE``.

Measured cost (2-core machine shared with other jobs, load 3-5; medians of 5-15
interleaved runs; nothing touches the disk when nothing crashes):

* ``polytile.compile`` in a warm process, isolate False vs True:
  examples/mobilenet_v2.onnx 8.82 s vs 8.32 s wall, 8.16 s vs 8.31 s CPU (+1.8%);
  test/models/bert_encoder.onnx 2.97 s vs 2.98 s wall (+0.3%);
  a MatMul+Relu model 0.26 s vs 0.33 s (+75 ms: fork, copy-on-write faults in the
  child, a second MLIR context); its first compile in a fresh process (what the
  CLIs do) 0.54 s vs 0.64 s (+0.1 s, ~4% of the whole command).
* ``polytile-opt`` (``opt_main.run`` in a fresh process) on four lit inputs:
  5.06 s vs 5.15 s in all (+1.9%).

Messages are length-prefixed pickles of tuples:
``("stage", text)``, ``("run", n, pipeline_text, verify_each)`` and
``("done", n)`` around pipeline run ``n``, ``("pass", n, k)`` before pass ``k``
(replays only), then ``("result", value)`` or ``("error", pickled exception,
type name, text, is a PolytileError, traceback)``.
"""
from __future__ import annotations

import contextlib
import dataclasses
import faulthandler
import gc
import io
import os
import pickle
import re
import resource
import signal
import struct
import sys
import tempfile
import threading
import time
import traceback
from typing import Callable, Optional

from polytile.diagnostics import PolytileError
from polytile.pipeline import PassObserver


class CompilerCrash(PolytileError):
    """The compiler died in an isolated child process (a signal such as SIGABRT
    from a failed LLVM assertion, or an abnormal exit). ``stage`` and
    ``pass_name`` say where (None when unknown), ``signal_name`` how (or
    ``exit_code``), ``reproducer`` is the path of the crash reproducer (None when
    the crash happened outside a pass pipeline or could not be replayed)."""

    def __init__(self, message: str, *, stage: Optional[str] = None, pass_name: Optional[str] = None,
                 signal_name: Optional[str] = None, exit_code: Optional[int] = None,
                 reproducer: Optional[str] = None):
        super().__init__(message)
        self.stage = stage
        self.pass_name = pass_name
        self.signal_name = signal_name
        self.exit_code = exit_code
        self.reproducer = reproducer


# ----------------------------------------------------------------------------
# The pipe
# ----------------------------------------------------------------------------

_HEADER = struct.Struct(">Q")


class _Channel:
    """The child's end of the pipe."""

    def __init__(self, fd: int):
        self.fd = fd

    def send(self, message: tuple) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.fd, view):]


_CHANNEL: Optional[_Channel] = None  # set in a child only
_FORK_LOCK = threading.Lock()


def in_child() -> bool:
    """Whether this process is an isolated compile child."""
    return _CHANNEL is not None


def report_stage(text: str) -> None:
    """Tell the parent which step (not a pass pipeline) the child is in; no-op
    outside an isolated child."""
    if _CHANNEL is not None:
        _CHANNEL.send(("stage", text))


@dataclasses.dataclass
class _Outcome:
    """What the parent heard from a child, and how it ended."""

    value: object = None
    has_value: bool = False
    error: Optional[tuple] = None
    stage: Optional[str] = None
    runs: dict = dataclasses.field(default_factory=dict)  # n -> (pipeline text, verify_each)
    open_runs: list = dataclasses.field(default_factory=list)
    last_pass: Optional[tuple[int, int]] = None
    last_done: Optional[int] = None  # the last run that finished after the last stage message
    status: int = 0
    wall_s: float = 0.0

    def absorb(self, message: tuple) -> None:
        kind = message[0]
        if kind == "stage":
            self.stage = message[1]
            self.last_done = None
        elif kind == "run":
            _, n, text, verify_each = message
            self.runs[n] = (text, verify_each)
            self.open_runs.append(n)
        elif kind == "done":
            if message[1] in self.open_runs:
                self.open_runs.remove(message[1])
            self.last_done = message[1]
        elif kind == "pass":
            self.last_pass = (message[1], message[2])
        elif kind == "result":
            self.value, self.has_value = message[1], True
        elif kind == "error":
            self.error = message[1:]

    @property
    def crashed(self) -> bool:
        return not self.has_value and self.error is None

    def how(self) -> tuple[Optional[str], Optional[int]]:
        """(signal name, exit code) of a crashed child."""
        if os.WIFSIGNALED(self.status):
            number = os.WTERMSIG(self.status)
            try:
                return signal.Signals(number).name, None
            except ValueError:
                return f"signal {number}", None
        return None, os.waitstatus_to_exitcode(self.status)


def has_fd(stream) -> bool:
    try:
        stream.fileno()
        return True
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False


def _flush_std() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _child_setup(quiet: bool) -> None:
    # A crash is expected to happen here: no core dump (slow, and litter).
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
    if quiet:
        # A replay: its output (and the crash's messages) were seen once already.
        faulthandler.disable()  # it may write to a descriptor of its own
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)


def _error_message(e: BaseException) -> tuple:
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    try:
        pickled = pickle.dumps(e, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(pickled)
    except Exception:
        pickled = None
    return ("error", pickled, type(e).__name__, str(e), isinstance(e, PolytileError), tb)


def run_in_child(body: Callable[[], object], *, quiet: bool = False,
                 observer: Optional["_ChildObserver"] = None) -> _Outcome:
    """Run ``body()`` in a forked child; returns what the parent heard and the wait
    status. ``quiet`` sends the child's fds 1 and 2 to /dev/null."""
    global _CHANNEL
    _flush_std()
    read_fd, write_fd = os.pipe()
    start = time.perf_counter()
    with _FORK_LOCK:  # gc.freeze is process-wide
        gc.freeze()
        try:
            pid = os.fork()
        except BaseException:
            gc.unfreeze()
            os.close(read_fd)
            os.close(write_fd)
            raise
        if pid != 0:
            gc.unfreeze()  # the child keeps the parent's objects frozen
    if pid == 0:  # the child
        code = 70
        try:
            os.close(read_fd)
            _child_setup(quiet)
            _CHANNEL = _Channel(write_fd)
            from polytile import pipeline
            try:
                with pipeline.observe(observer or _ChildObserver()):
                    value = body()
                message = ("result", value)
            except BaseException as e:  # reported to the parent, which re-raises it
                message = _error_message(e)
            _flush_std()
            try:
                _CHANNEL.send(message)
            except Exception as e:  # a result that does not pickle
                _CHANNEL.send(_error_message(e))
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    outcome = _Outcome()
    try:
        with os.fdopen(read_fd, "rb", buffering=1 << 16) as pipe:
            while True:
                header = pipe.read(_HEADER.size)
                if len(header) < _HEADER.size:
                    break
                (size,) = _HEADER.unpack(header)
                data = pipe.read(size)
                if len(data) < size:
                    break
                outcome.absorb(pickle.loads(data))
    except BaseException:  # KeyboardInterrupt: the child goes too
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    _, outcome.status = os.waitpid(pid, 0)
    outcome.wall_s = time.perf_counter() - start
    return outcome


def raise_child_error(outcome: _Outcome) -> None:
    """Re-raise, in the parent, the exception the child reported."""
    pickled, type_name, text, is_polytile, tb = outcome.error
    error = None
    if pickled is not None:
        with contextlib.suppress(Exception):
            error = pickle.loads(pickled)
    if error is None:
        error = (PolytileError if is_polytile else RuntimeError)(f"{type_name}: {text}" if not is_polytile
                                                                   else text)
    if not isinstance(error, (PolytileError, KeyboardInterrupt, SystemExit)) and hasattr(error, "add_note"):
        # A bug: keep where it happened (user mistakes carry their diagnostics).
        error.add_note("raised in the isolated compile child process:\n" + tb.rstrip())
    raise error


# ----------------------------------------------------------------------------
# The child's observer: progress, and the replay that finds the pass
# ----------------------------------------------------------------------------

SNAPSHOT = "before-pass.mlirbc"
START_SNAPSHOT = "before-pipeline.mlirbc"


class _ChildObserver(PassObserver):
    """Reports every pipeline run; in a replay (``step_run`` set), runs that one
    pass by pass, writing the IR before each pass to ``snapshot_dir``."""

    def __init__(self, step_run: Optional[int] = None, snapshot_dir: Optional[str] = None):
        self.runs = 0
        self.step_run = step_run
        self.snapshot_dir = snapshot_dir
        self.current: list[int] = []

    def run_started(self, pipeline, op) -> bool:
        n = self.runs
        self.runs += 1
        self.current.append(n)
        _CHANNEL.send(("run", n, str(pipeline), pipeline.verify_each))
        if n != self.step_run:
            return False
        self._snapshot(op, START_SNAPSHOT)
        return True

    def before_pass(self, pipeline, index, op) -> None:
        n = self.current[-1]
        if n == self.step_run:
            self._snapshot(op, SNAPSHOT)
            _CHANNEL.send(("pass", n, index))

    def run_finished(self, pipeline, op) -> None:
        _CHANNEL.send(("done", self.current.pop()))

    def _snapshot(self, op, name: str) -> None:
        path = os.path.join(self.snapshot_dir, name)
        with open(path + ".tmp", "wb") as f:
            op.write_bytecode(f)
        os.replace(path + ".tmp", path)


# ----------------------------------------------------------------------------
# Crash reports and reproducers
# ----------------------------------------------------------------------------

@dataclasses.dataclass
class CrashSite:
    """Where a child died: ``stage`` always, the pipeline run and pass when known."""

    stage: Optional[str]
    run: Optional[int] = None
    pipeline_text: Optional[str] = None
    verify_each: bool = True
    pass_index: Optional[int] = None

    def pass_names(self) -> list[str]:
        from polytile.pipeline import Pipeline
        return Pipeline.parse(self.pipeline_text).pass_names() if self.pipeline_text else []

    @property
    def pass_name(self) -> Optional[str]:
        if self.pass_index is None:
            return None
        return self.pass_names()[self.pass_index]


def _reproducer_trailer(pipeline_text: str, disable_threading: bool, verify_each: bool) -> str:
    quoted = pipeline_text.replace("\\", "\\\\").replace('"', '\\"')
    return ("\n{-#\n  external_resources: {\n    mlir_reproducer: {\n"
            f'      pipeline: "{quoted}",\n'
            f"      disable_threading: {'true' if disable_threading else 'false'},\n"
            f"      verify_each: {'true' if verify_each else 'false'}\n"
            "    }\n  }\n#-}\n")


def _write_reproducer(snapshot: str, pipeline_text: str, path: str, *, disable_threading: bool,
                      verify_each: bool, allow_unregistered: bool) -> Optional[str]:
    """Print the bytecode ``snapshot`` and the pipeline as a reproducer at ``path``
    (in a child: printing IR is C++ too). Returns None, or why it failed."""

    def body():
        from mlir import ir
        from polytile.context import create_context
        context = create_context(allow_unregistered_dialects=allow_unregistered)
        with open(snapshot, "rb") as f:
            module = ir.Module.parse(f.read(), context)
        text = io.StringIO()
        # Locations: errors in a replay point at the original source.
        module.operation.print(file=text, enable_debug_info=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.getvalue())
            f.write(_reproducer_trailer(pipeline_text, disable_threading, verify_each))
        return None

    outcome = run_in_child(body, quiet=True)
    if outcome.has_value:
        return None
    if outcome.error is not None:
        return f"{outcome.error[1]}: {outcome.error[2]}"
    sig, code = outcome.how()
    return f"the reproducer writer died ({sig or f'exit code {code}'})"


def _reproducer_path(requested: Optional[str]) -> str:
    if requested:
        return os.fspath(requested)
    fd, path = tempfile.mkstemp(prefix="polytile-crash-", suffix=".mlir")
    os.close(fd)
    return path


def diagnose(outcome: _Outcome, replay: Callable[[], object], *, what: str = "the compiler",
             stage_of: Callable[[CrashSite], Optional[str]] = lambda site: None,
             reproducer: Optional[str] = None, disable_threading: bool = False,
             allow_unregistered: bool = False) -> CompilerCrash:
    """The :class:`CompilerCrash` for a crashed child: when it died in a pass
    pipeline, ``replay()`` runs again (quietly, in a child) to find the pass and
    write the reproducer (at ``reproducer``, or a new temporary file).
    ``stage_of`` names the stage of a pass; ``what`` says what crashed."""
    signal_name, exit_code = outcome.how()
    how = f"with {signal_name}" if signal_name else f"(exit code {exit_code}, no result)"
    if not outcome.open_runs:
        if outcome.last_done is not None:  # between pipelines: after the last pass of one
            text, verify_each = outcome.runs[outcome.last_done]
            last = CrashSite(outcome.stage, outcome.last_done, text, verify_each)
            names = last.pass_names()
            last.pass_index = len(names) - 1 if names else None
            stage = stage_of(last) or outcome.stage
            where = f"after pass '{last.pass_name}'" + (f" ({stage})" if stage else "") + ", outside a pass"
        else:
            stage = outcome.stage or "starting"
            where = f"while {stage}"
        return CompilerCrash(f"{what} crashed {how} {where}, in a child process",
                             stage=stage, signal_name=signal_name, exit_code=exit_code)
    n = outcome.open_runs[-1]
    text, verify_each = outcome.runs[n]
    site = CrashSite(outcome.stage, n, text, verify_each)
    with tempfile.TemporaryDirectory(prefix="polytile-replay-") as scratch:
        again = run_in_child(replay, quiet=True, observer=_ChildObserver(step_run=n, snapshot_dir=scratch))
        reproduced = again.crashed and again.open_runs[-1:] == [n] and again.last_pass is not None \
            and again.last_pass[0] == n
        if reproduced:
            site.pass_index = again.last_pass[1]
            snapshot = os.path.join(scratch, SNAPSHOT)
            from polytile.pipeline import Pipeline
            tail = str(Pipeline.parse(text).tail(site.pass_index))
        else:
            snapshot, tail = os.path.join(scratch, START_SNAPSHOT), text
        path = None
        problem = None
        if os.path.isfile(snapshot):
            path = _reproducer_path(reproducer)
            problem = _write_reproducer(snapshot, tail, path, disable_threading=disable_threading,
                                        verify_each=verify_each, allow_unregistered=allow_unregistered)
            if problem is not None:
                with contextlib.suppress(OSError):
                    os.remove(path)
                path = None
        else:
            problem = "the replay did not reach the pipeline"
    stage = stage_of(site) or site.stage
    pass_name = site.pass_name
    where = f"in pass '{pass_name}'" if pass_name else "in the pass pipeline"
    if stage:
        where += f" ({stage})"
    note = ""
    if path is not None and not reproduced:
        note = " (the crash did not happen again in a replay: the reproducer runs the whole pipeline)"
    tail_text = f"; reproducer: {path}{note}" if path else f"; no reproducer: {problem}"
    return CompilerCrash(f"{what} crashed {how} {where}, in a child process{tail_text}",
                         stage=stage, pass_name=pass_name, signal_name=signal_name, exit_code=exit_code,
                         reproducer=path)


# ----------------------------------------------------------------------------
# Reading a reproducer back (polytile-opt --run-reproducer)
# ----------------------------------------------------------------------------

_METADATA = re.compile(r"\{-#(.*?)#-\}", re.DOTALL)
_STRING = r'"((?:[^"\\]|\\.)*)"'


@dataclasses.dataclass(frozen=True)
class ReproducerConfig:
    pipeline: str
    disable_threading: bool = False
    verify_each: bool = True


def read_reproducer(text: str) -> tuple[str, Optional[ReproducerConfig]]:
    """The IR of a reproducer without its ``mlir_reproducer`` entry (the lines of
    that ``{-# ... #-}`` block are left empty, so line numbers stay), and the
    entry; None when there is none. Raises ValueError for a malformed entry."""
    for m in _METADATA.finditer(text):
        body = m.group(1)
        if "mlir_reproducer" not in body:
            continue
        entry = body[body.index("mlir_reproducer"):]
        pipeline = re.search(r"\bpipeline\s*:\s*" + _STRING, entry)
        if pipeline is None:
            raise ValueError("the mlir_reproducer entry has no pipeline")
        flags = {}
        for key in ("disable_threading", "verify_each"):
            found = re.search(rf"\b{key}\s*:\s*(true|false)\b", entry)
            if found:
                flags[key] = found.group(1) == "true"
        config = ReproducerConfig(re.sub(r"\\(.)", r"\1", pipeline.group(1)), **flags)
        stripped = text[:m.start()] + "\n" * m.group(0).count("\n") + text[m.end():]
        return stripped, config
    return text, None


# ----------------------------------------------------------------------------
# polytile.compile(..., isolate=True)
# ----------------------------------------------------------------------------

_HANDING_OFF = False  # set in a compile child: compile() hands the LLVM module back


def handing_off() -> bool:
    """Whether compile() runs in an isolated child and must hand the LLVM-dialect
    module back (:func:`hand_off`) instead of JIT-compiling it."""
    return _HANDING_OFF


@dataclasses.dataclass
class HandOff:
    """What the compile child sends back: the LLVM-dialect module as bytecode."""

    bytecode: bytes
    inputs: list
    outputs: list
    times: object


def module_bytecode(module) -> bytes:
    buffer = io.BytesIO()
    module.operation.write_bytecode(buffer)
    return buffer.getvalue()


def text_from_bytecode(data: bytes) -> str:
    """The text of a module given as bytecode (LLVM dialect: no polytile dialect needed)."""
    from mlir import ir
    return str(ir.Module.parse(data, ir.Context()))


def lazy_text(data: bytes) -> Callable[[], str]:
    """A function printing the bytecode ``data`` as text once, on first call."""
    cache: list[str] = []

    def text() -> str:
        if not cache:
            cache.append(text_from_bytecode(data))
        return cache[0]

    return text


def hand_off(module, inputs, outputs, times) -> HandOff:
    report_stage("writing the LLVM-dialect module")
    return HandOff(module_bytecode(module), list(inputs), list(outputs), times)


def _stage_labels(target, options, start: Optional[str], emit: Optional[str]) -> list[tuple[str, str]]:
    """(pass, stage label) of every lowering pass from ``start`` (tg) to ``emit``."""
    stages = target.stages
    first = stages.index(start or "tg")
    stop = stages.index(emit or target.final_stage)
    labels = []
    for i in range(first, stop):
        begin, end = stages[i], stages[i + 1]
        for p in target.step_passes(begin, options):
            labels.append((p, f"stage {begin} -> {end}"))
    return labels


def _compile_stage_of(target, options, start, emit, outcome: _Outcome):
    """Names the stage of a crashed pass: the tg graph passes after the import, or
    the lowering stage whose pass list holds it."""

    def stage_of(site: CrashSite) -> Optional[str]:
        from polytile import pipelines
        from polytile.pipeline import Pipeline
        try:
            names = Pipeline.parse(site.pipeline_text).pass_names()
            graph = [Pipeline.parse(p).pass_names()[0] for p in pipelines.tg_graph_passes()]
            if names == graph:
                return "stage onnx -> tg (graph passes)"
            labels = _stage_labels(target, options, start, emit)
            flat = [Pipeline.parse(p).pass_names()[0] for p, _ in labels]
            # Lowering runs are consecutive slices of the stage passes.
            end = 0
            for n in sorted(outcome.runs):
                run_names = Pipeline.parse(outcome.runs[n][0]).pass_names()
                for offset in range(end, len(flat) - len(run_names) + 1):
                    if flat[offset:offset + len(run_names)] == run_names:
                        break
                else:
                    continue
                end = offset + len(run_names)
                if n == site.run:
                    return labels[offset + (site.pass_index or 0)][1]
        except Exception:  # labels are a courtesy
            return None
        return None

    return stage_of


_PRELOADED = False


def _preload() -> None:
    """Import (once, in the parent) what every compilation imports lazily, so that
    each child does not pay it again: ~0.7 s, as the first in-process compile pays."""
    global _PRELOADED
    if _PRELOADED:
        return
    import polytile.importers.onnx.rules  # noqa: F401
    import polytile.passes  # noqa: F401
    import polytile.resources  # noqa: F401
    import polytile.runtime.jit  # noqa: F401
    from polytile import pipelines
    from polytile.targets import all_targets
    all_targets()
    pipelines.host_threads()
    _PRELOADED = True


def compile_in_child(source, *, target: str, options, input_shapes=None, emit: Optional[str] = None,
                     start: Optional[str] = None, source_name: Optional[str] = None,
                     crash_reproducer: Optional[str] = None):
    """``polytile.compile`` with import and passes in a child process (the driver,
    ``polytile.targets.driver.drive``, runs there); for a model, the parent
    JIT-compiles the LLVM-dialect module the child hands back. Raises
    CompilerCrash if the child dies; the child's own errors (e.g.
    OnnxImportError) are re-raised."""
    from polytile.targets import driver, get_target

    target_obj = get_target(target)
    if target != "cpu" and emit is None:
        raise PolytileError(f"isolate=True needs target 'cpu', or emit= (target '{target}' "
                            f"JIT-compiles in the compiling process)")

    def body():
        global _HANDING_OFF
        _HANDING_OFF = emit is None
        report_stage("importing the ONNX model" if start is None else f"parsing the IR of stage {start}")
        return driver.drive(source, target, options, start=start, emit=emit, input_shapes=input_shapes,
                            source_name=source_name)

    _preload()
    outcome = run_in_child(body)
    if outcome.error is not None:
        raise_child_error(outcome)
    if outcome.crashed:
        raise diagnose(outcome, body,
                       stage_of=_compile_stage_of(target_obj, options, start, emit, outcome),
                       reproducer=crash_reproducer)
    result = outcome.value
    if not isinstance(result, HandOff):
        return result  # emit=: the IR text
    # As the CPU target's load does after the passes, in the parent.
    from mlir import ir
    from polytile import compiler, pipelines
    from polytile.runtime.jit import JitFunction
    from polytile.targets.cpu import CpuTarget
    times = result.times
    start_time = time.perf_counter()
    context = ir.Context()
    module = ir.Module.parse(result.bytecode, context)
    function = JitFunction(module, pipelines.ENTRY_POINT, opt_level=options.opt_level,
                           parallel=CpuTarget.parallel(module, options))
    times.jit_s = time.perf_counter() - start_time  # parsing the bytecode included
    model = compiler.CompiledModel(function, result.inputs, result.outputs, times, lazy_text(result.bytecode))
    model.dim_bounds = dict(getattr(options, "dim_bounds", None) or {})
    return model

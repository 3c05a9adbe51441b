"""Crash isolation (``polytile.isolation``): a compiler crash in a child process
becomes a CompilerCrash / one error line with a reproducer, and the caller
survives; without a crash, isolation changes nothing but the process.

Crashes are injected with the test-only passes of ``polytile.testing_passes``
(``test-abort``: os.abort(); ``test-abort-in-cpp``: a real assertion in an upstream
C++ pass), loaded by ``--load-pass-module`` or, for ``polytile.compile``, by the
``testing_passes`` fixture plus a monkeypatched stage pipeline (explicit, test-only).
"""
from __future__ import annotations

import faulthandler
import io
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from onnx import TensorProto, helper

import polytile
from polytile import compile_main, opt_main, pass_registry, pipelines
from polytile.isolation import CompilerCrash, read_reproducer
from polytile.pipeline import PassObserver, Pipeline, observe

OPT = os.path.join(os.path.dirname(sys.executable), "polytile-opt")
TEST_PASSES = "--load-pass-module=polytile.testing_passes"

IR = """func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
"""


def _model():
    """Y = relu(X @ W + B) with constant W, B."""
    rng = np.random.default_rng(0)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["T"], name="mm"),
         helper.make_node("Add", ["T", "B"], ["S"], name="add"),
         helper.make_node("Relu", ["S"], ["Y"], name="relu")],
        "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 8])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [3, 5])],
        [helper.make_tensor("W", TensorProto.FLOAT, [8, 5], rng.standard_normal(40).astype(np.float32)),
         helper.make_tensor("B", TensorProto.FLOAT, [5], rng.standard_normal(5).astype(np.float32))])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


@pytest.fixture(scope="module")
def model():
    return _model()


@pytest.fixture
def quiet_crashes():
    """pytest's faulthandler would print the Python stack of each child that aborts."""
    was_enabled = faulthandler.is_enabled()
    faulthandler.disable()
    yield
    if was_enabled:
        faulthandler.enable(file=sys.__stderr__)


@pytest.fixture
def testing_passes(quiet_crashes):
    """The test-only passes, registered for this test only."""
    pass_registry.all_passes()  # the normal registry, loaded first
    before = set(pass_registry._REGISTRY)
    import polytile.testing_passes  # noqa: F401
    yield
    for name in set(pass_registry._REGISTRY) - before:
        del pass_registry._REGISTRY[name]
    sys.modules.pop("polytile.testing_passes", None)


def _append_pass(monkeypatch, stage_function: str, pass_text: str) -> None:
    real = getattr(pipelines, stage_function)
    monkeypatch.setattr(pipelines, stage_function, lambda *a, **k: real(*a, **k) + [pass_text])


def _opt(*args, input_text: str = IR) -> subprocess.CompletedProcess:
    return subprocess.run([OPT, *map(str, args)], input=input_text, capture_output=True, text=True,
                          timeout=300)


# ----------------------------------------------------------------------------
# polytile-opt
# ----------------------------------------------------------------------------

def test_opt_isolate_crash_is_one_error_line_with_reproducer(tmp_path):
    repro = tmp_path / "repro.mlir"
    r = _opt("-", "--isolate", TEST_PASSES, "--tg-canonicalize", "--test-abort", "--tg-dce",
             f"--mlir-pass-pipeline-crash-reproducer={repro}")
    assert r.returncode == 1, r.stderr
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        "polytile-opt: error: the compiler crashed with SIGABRT in pass 'test-abort' (input <stdin>), "
        f"in a child process; reproducer: {repro}"]
    ir_text, config = read_reproducer(repro.read_text())
    assert config.pipeline == "builtin.module(test-abort,tg-dce)"
    assert (config.disable_threading, config.verify_each) == (False, True)
    # The IR before the pass: tg-canonicalize ran (the transposes cancelled).
    assert "func.func @f" in ir_text and "mlir_reproducer" not in ir_text
    assert polytile.parse(ir_text) is not None


def test_reproducer_replays_and_crashes_the_same_way(tmp_path):
    repro, again = tmp_path / "repro.mlir", tmp_path / "again.mlir"
    r = _opt("-", TEST_PASSES, "--pass-pipeline=builtin.module(func.func(cse),test-abort-in-cpp,tg-dce)",
             f"--mlir-pass-pipeline-crash-reproducer={repro}")
    assert r.returncode == 1
    assert "Assertion `integralElementType.getWidth() >= 8' failed." in r.stderr  # the C++ assertion
    assert r.stderr.splitlines()[-1].startswith(
        "polytile-opt: error: the compiler crashed with SIGABRT in pass 'test-abort-in-cpp'")
    replay = _opt(repro, "--run-reproducer", TEST_PASSES, f"--mlir-pass-pipeline-crash-reproducer={again}")
    assert replay.returncode == 1
    assert replay.stderr.splitlines()[-1] == (
        f"polytile-opt: error: the compiler crashed with SIGABRT in pass 'test-abort-in-cpp' (input {repro}), "
        f"in a child process; reproducer: {again}")
    assert read_reproducer(again.read_text())[1].pipeline == "builtin.module(test-abort-in-cpp,tg-dce)"
    # Without isolation the replay takes the process down.
    direct = _opt(repro, "--run-reproducer", TEST_PASSES, "--no-isolate")
    assert direct.returncode == -signal.SIGABRT


def test_run_reproducer_without_crash_runs_the_stored_pipeline(tmp_path):
    path = tmp_path / "r.mlir"
    path.write_text(IR + '{-#\n  external_resources: {\n    mlir_reproducer: {\n'
                    '      pipeline: "builtin.module(tg-canonicalize,tg-dce)",\n'
                    '      disable_threading: true,\n      verify_each: true\n    }\n  }\n#-}\n')
    out, err = io.StringIO(), io.StringIO()
    assert opt_main.run([str(path), "--run-reproducer"], io.StringIO(), out, err) == 0, err.getvalue()
    assert "tg.transpose" not in out.getvalue() and "return %arg0" in out.getvalue()
    # Not a reproducer, or a pipeline given too: errors.
    plain = tmp_path / "plain.mlir"
    plain.write_text(IR)
    err = io.StringIO()
    assert opt_main.run([str(plain), "--run-reproducer"], io.StringIO(), io.StringIO(), err) == 1
    assert "is not a reproducer" in err.getvalue()
    err = io.StringIO()
    assert opt_main.run([str(path), "--run-reproducer", "--cse"], io.StringIO(), io.StringIO(), err) == 1
    assert "'--run-reproducer' runs the reproducer's pipeline" in err.getvalue()


@pytest.mark.parametrize("args", [
    ["--tg-canonicalize", "--cse", "--tg-dce"],
    ["--split-input-file", "--tg-dce"],
    ["--tg-canonicalize=max-iterations=0"],  # a pass failure: diagnostics, exit code 1
])
def test_opt_isolated_matches_in_process(args):
    """In-process run() with StringIO streams: output, diagnostics and exit code
    are the same with and without isolation."""
    text = IR + "// -----\n" + IR.replace("@f", "@g")

    def call(flag):
        out, err = io.StringIO(), io.StringIO()
        code = opt_main.run(["-", flag, *args], _Stdin(text), out, err)
        return code, out.getvalue(), err.getvalue()

    assert call("--isolate") == call("--no-isolate")


class _Stdin(io.StringIO):
    def __init__(self, text: str):
        super().__init__(text)
        self.buffer = io.BytesIO(text.encode())


# ----------------------------------------------------------------------------
# polytile.compile(..., isolate=True)
# ----------------------------------------------------------------------------

def test_compile_isolated_gives_the_same_model(model):
    feeds = {"X": np.random.default_rng(1).standard_normal((3, 8)).astype(np.float32)}
    direct = polytile.compile(model, threads=1)
    isolated = polytile.compile(model, threads=1, isolate=True)
    assert type(isolated) is type(direct)
    assert isolated.inputs == direct.inputs and isolated.outputs == direct.outputs
    np.testing.assert_array_equal(isolated.run(feeds)[0], direct.run(feeds)[0])
    assert isolated._module_text_fn() == direct._module_text_fn()
    assert isolated.compile_times.passes_s > 0 and isolated.compile_times.jit_s > 0
    assert isolated.workspace_bytes == direct.workspace_bytes
    for stage in ("tg", "affine"):
        assert polytile.compile(model, emit=stage, isolate=True) == polytile.compile(model, emit=stage)


def test_compile_crash_in_a_pass_raises_compiler_crash(model, testing_passes, monkeypatch, tmp_path):
    _append_pass(monkeypatch, "affine_to_llvm", "test-abort-in-cpp")
    repro = tmp_path / "repro.mlir"
    with pytest.raises(CompilerCrash) as info:
        polytile.compile(model, threads=1, isolate=True, crash_reproducer=str(repro))
    crash = info.value
    assert isinstance(crash, polytile.PolytileError)
    assert (crash.pass_name, crash.stage, crash.signal_name) == ("test-abort-in-cpp", "stage affine -> llvm",
                                                                 "SIGABRT")
    assert crash.reproducer == str(repro)
    assert str(crash) == ("the compiler crashed with SIGABRT in pass 'test-abort-in-cpp' (stage affine -> llvm), "
                          f"in a child process; reproducer: {repro}")
    ir_text, config = read_reproducer(repro.read_text())
    assert config.pipeline == "builtin.module(test-abort-in-cpp)"  # the last pass of the last stage
    assert "llvm.func" in ir_text and "polytile.workspace_argument" in ir_text
    # The caller survived and compiles on.
    monkeypatch.undo()
    feeds = {"X": np.ones((3, 8), np.float32)}
    assert polytile.compile(model, threads=1, isolate=True).run(feeds)[0].shape == (3, 5)


def test_compile_crash_in_a_middle_stage_names_it(model, testing_passes, monkeypatch, tmp_path):
    _append_pass(monkeypatch, "tg_to_sched", "test-abort")
    with pytest.raises(CompilerCrash) as info:
        polytile.compile(model, threads=1, isolate=True, crash_reproducer=str(tmp_path / "r.mlir"))
    assert (info.value.pass_name, info.value.stage) == ("test-abort", "stage tg -> sched")
    _, config = read_reproducer((tmp_path / "r.mlir").read_text())
    assert config.pipeline.startswith("builtin.module(test-abort,convert-tg-to-linalg,")


def test_compile_crash_outside_a_pass(model, quiet_crashes):
    def hook(kernel, func):
        os.abort()

    with pytest.raises(CompilerCrash) as info:
        polytile.compile(model, threads=1, isolate=True, schedules=hook)
    assert info.value.pass_name is None and info.value.reproducer is None
    assert "after pass 'tg-fuse-kernels' (stage tg -> sched), outside a pass" in str(info.value)


def test_compile_isolated_errors_keep_their_type(model):
    with pytest.raises(polytile.OnnxImportError, match="not a valid ONNX model"):
        polytile.compile(b"not a model", isolate=True)
    with pytest.raises(polytile.PolytileError, match="unknown stage 'nope'"):
        polytile.compile(model, emit="nope", isolate=True)
    with pytest.raises(polytile.PolytileError, match="isolate=True needs target 'cpu', or emit="):
        polytile.compile(model, target="cuda", isolate=True)


def test_compile_cli_crash_is_one_error_line(model, testing_passes, monkeypatch, tmp_path):
    import onnx

    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    _append_pass(monkeypatch, "sched_to_linalg", "test-abort")
    repro = tmp_path / "repro.mlir"
    out, err = io.StringIO(), io.StringIO()
    code = compile_main.run([str(path), "--isolate", "--crash-reproducer", str(repro)], io.StringIO(), out, err)
    assert code == 1
    assert err.getvalue().splitlines() == [
        "polytile-compile: error: the compiler crashed with SIGABRT in pass 'test-abort' (stage sched -> linalg), "
        f"in a child process; reproducer: {repro}"]
    err = io.StringIO()
    assert compile_main.run([str(path), "--no-isolate", "--crash-reproducer", str(repro)],
                            io.StringIO(), out, err) == 1
    assert "--crash-reproducer needs --isolate" in err.getvalue()


# ----------------------------------------------------------------------------
# The progress hooks of Pipeline
# ----------------------------------------------------------------------------

def test_pipeline_observer_pass_by_pass_gives_the_same_ir():
    text = "builtin.module(tg-canonicalize,func.func(cse,canonicalize),tg-dce)"

    class Stepper(PassObserver):
        def __init__(self):
            self.seen = []

        def run_started(self, pipeline, op):
            return True

        def before_pass(self, pipeline, index, op):
            self.seen.append(pipeline.pass_names()[index])

    plain = polytile.parse(IR)
    Pipeline.parse(text).run(plain)
    stepped = polytile.parse(IR)
    with observe(Stepper()) as stepper:
        Pipeline.parse(text).run(stepped)
    assert stepper.seen == ["tg-canonicalize", "cse", "canonicalize", "tg-dce"]
    assert str(stepped) == str(plain)


def test_pipeline_tail_keeps_nesting_and_options():
    p = Pipeline.parse("builtin.module(tg-canonicalize{max-iterations=2},func.func(cse,canonicalize),tg-dce)")
    assert str(p.tail(0)) == str(p)
    assert str(p.tail(2)) == "builtin.module(func.func(canonicalize),tg-dce)"
    assert str(p.tail(4)) == "builtin.module()"

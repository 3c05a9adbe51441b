"""Targets and the one driver: the registry, the options dataclasses, options a
target cannot honour, resuming from every stage (``start=`` / ``--from``) with
numerics checked, ``--print-pipeline`` for every target, the stages in
``--help``, the clean errors, and the release of the compilation's context
(memory stays flat over many CUDA compiles; released on errors too)."""
from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from onnx import TensorProto, helper

import polytile
from polytile import compile_main
from polytile.gpu.pipelines import GpuOptions
from polytile.targets import CpuOptions, TargetOptions, all_targets, get_target, target_names

RNG = np.random.default_rng(11)
W = RNG.standard_normal((4, 3)).astype(np.float32)


def _model():
    """Y = relu(X @ W) + 1 with a constant W."""
    nodes = [helper.make_node("MatMul", ["X", "W"], ["m"], name="mm"),
             helper.make_node("Relu", ["m"], ["r"], name="relu"),
             helper.make_node("Add", ["r", "one"], ["Y"], name="add")]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor("W", TensorProto.FLOAT, [4, 3], W.ravel().tolist()),
         helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _expected(x):
    return np.maximum(x @ W, 0) + 1


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    import onnx
    path = tmp_path_factory.mktemp("targets") / "model.onnx"
    onnx.save(_model(), str(path))
    return str(path)


def _cli(*args, stdin: str = ""):
    out, err = io.StringIO(), io.StringIO()
    code = compile_main.run([str(a) for a in args], io.StringIO(stdin), out, err)
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------
# Registry and options
# --------------------------------------------------------------------------
def test_registry_has_cpu_and_cuda_with_their_stages():
    assert target_names()[:2] == ["cpu", "cuda"]
    assert get_target("cpu").stages == ("tg", "sched", "linalg", "affine", "llvm")
    assert get_target("cuda").stages == ("tg", "sched", "linalg", "gpu", "ptx", "llvm")
    for target in all_targets():
        assert issubclass(target.options_type, TargetOptions)
        for stage in target.stages[:-1]:
            assert all(isinstance(p, str) and p for p in target.step_passes(stage, target.make_options()))
    with pytest.raises(polytile.PolytileError, match="target 'tpu' is not supported"):
        get_target("tpu")


def test_options_are_frozen_dataclasses_with_the_shared_fields():
    for options_type in (CpuOptions, GpuOptions):
        options = options_type()
        assert {"opt_level", "fold_limit_bytes", "schedules"} <= {f.name for f in dataclasses.fields(options)}
        with pytest.raises(dataclasses.FrozenInstanceError):
            options.opt_level = 1
    assert CpuOptions(threads=2).threads == 2 and GpuOptions(chip="sm_80").sm_version == 80
    assert get_target("cpu").make_options(CpuOptions(threads=2), opt_level=1) == CpuOptions(threads=2, opt_level=1)


@pytest.mark.parametrize("kwargs, option", [({"threads": 2}, "threads"), ({"polyhedral": ""}, "polyhedral")])
def test_cuda_rejects_cpu_options_naming_option_and_target(kwargs, option):
    with pytest.raises(polytile.PolytileError, match=f"target 'cuda' does not support the option '{option}'"):
        polytile.compile(_model(), target="cuda", emit="tg", **kwargs)


def test_options_of_another_target_and_bad_values_are_errors():
    with pytest.raises(polytile.PolytileError, match="CpuOptions given for target 'cuda'"):
        polytile.compile(_model(), target="cuda", emit="tg", options=CpuOptions())
    with pytest.raises(polytile.PolytileError, match="target 'cpu' does not support the option 'chip'"):
        get_target("cpu").make_options(chip="sm_80")
    with pytest.raises(polytile.PolytileError, match="binary_format must be"):
        get_target("cuda").make_options(binary_format="elf")


def test_cuda_recipe_has_the_sched_stage_and_schedules_are_accepted():
    cuda = get_target("cuda")
    assert cuda.step_passes("tg", GpuOptions()) == ["tg-fuse-kernels", "sched-verify{target=cuda}"]
    assert "sched-apply{target=cuda}" in cuda.step_passes("sched", GpuOptions())
    assert cuda.make_options(schedules="s.mlir").schedules == "s.mlir"


# --------------------------------------------------------------------------
# Resuming (Python API)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("stage", ["tg", "sched", "linalg", "affine", "llvm"])
def test_cpu_resumes_from_every_stage_to_a_runnable_model(stage):
    text = polytile.compile(_model(), emit=stage, threads=1)
    assert "polytile.inputs" in text and "polytile.outputs" in text
    compiled = polytile.compile(text, start=stage, threads=1)
    x = RNG.standard_normal((2, 4)).astype(np.float32)
    assert compiled.input_names == ["X"] and compiled.output_names == ["Y"]
    np.testing.assert_allclose(compiled.run({"X": x})[0], _expected(x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("stage", ["tg", "sched", "linalg", "gpu"])
def test_cuda_resumes_to_a_runnable_model_emulated_on_cpu(stage):
    options = GpuOptions(emulate_on_cpu=True)
    text = polytile.compile(_model(), target="cuda", emit=stage, options=options)
    compiled = polytile.compile(text, target="cuda", start=stage, options=options)
    x = RNG.standard_normal((2, 4)).astype(np.float32)
    np.testing.assert_allclose(compiled.run({"X": x})[0], _expected(x), rtol=1e-5, atol=1e-5)


def test_cuda_cannot_resume_from_ptx_nor_load_after_gpu():
    with pytest.raises(polytile.PolytileError, match="stage 'ptx' of target 'cuda' is not printed as MLIR"):
        polytile.compile("module {}", target="cuda", start="ptx", emit="llvm")
    llvm = polytile.compile(_model(), target="cuda", emit="llvm", options=GpuOptions(emulate_on_cpu=True))
    with pytest.raises(polytile.PolytileError, match="resumed from a later stage cannot be loaded"):
        polytile.compile(llvm, target="cuda", start="llvm", options=GpuOptions(emulate_on_cpu=True))


def test_resumed_schedules_are_an_error():
    text = polytile.compile(_model(), emit="sched", threads=1)
    with pytest.raises(polytile.PolytileError, match="resumed from stage 'sched' cannot take them"):
        polytile.compile(text, start="sched", emit="linalg", schedules="x.mlir")


# --------------------------------------------------------------------------
# polytile-compile --from / --print-pipeline / --help
# --------------------------------------------------------------------------
@pytest.mark.parametrize("start, emit, marker", [
    ("tg", "affine", "affine.for"), ("linalg", "llvm", "llvm.func @polytile_entry"),
    ("sched", "linalg", "linalg.generic")])
def test_cli_from_a_stage_to_a_later_emit(model_path, tmp_path, start, emit, marker):
    stage_file = tmp_path / f"{start}.mlir"
    code, _, err = _cli(model_path, f"--emit={start}", "-o", stage_file, "--threads", "1", "--no-isolate")
    assert code == 0, err
    code, out, err = _cli(f"--from={start}", f"--emit={emit}", stage_file, "--threads", "1")
    assert code == 0, err
    assert marker in out and '"tg.' not in out
    # the result resumes again, to a model that computes the right values
    compiled = polytile.compile(out, start=emit, threads=1)
    x = RNG.standard_normal((2, 4)).astype(np.float32)
    np.testing.assert_allclose(compiled.run({"X": x})[0], _expected(x), rtol=1e-5, atol=1e-5)


def test_cli_from_a_hand_edited_schedule(model_path, tmp_path):
    code, text, err = _cli(model_path, "--emit=sched", "--threads", "1", "--no-isolate")
    assert code == 0, err
    assert "tg.kernel" in text
    edited = tmp_path / "edited.mlir"
    edited.write_text("// edited by hand\n" + text)
    code, out, err = _cli("--from=sched", edited, "--threads", "1", "--no-isolate")
    assert code == 0, err
    assert "llvm.func @polytile_entry" in out


def test_cli_cuda_from_tg_to_ptx(model_path, tmp_path):
    tg = tmp_path / "tg.mlir"
    assert _cli(model_path, "--target", "cuda", "--emit=tg", "-o", tg)[0] == 0
    code, out, err = _cli("--target", "cuda", "--from=tg", "--emit=ptx", tg)
    assert code == 0, err
    assert ".visible .entry polytile_entry_kernel" in out


@pytest.mark.parametrize("target, start, stop", [("cpu", "tg", "llvm"), ("cpu", "linalg", "affine"),
                                                 ("cuda", "tg", "llvm"), ("cuda", "sched", "ptx")])
def test_print_pipeline_is_the_targets(target, start, stop):
    code, out, err = _cli("--target", target, f"--from={start}", f"--emit={stop}", "--print-pipeline")
    assert code == 0, err
    t = get_target(target)
    assert out == "builtin.module(" + ",".join(t.passes(start, stop, t.make_options())) + ")\n"


def test_print_pipeline_defaults_to_tg_through_the_last_stage():
    code, out, err = _cli("--target", "cuda", "--print-pipeline", "--target-option", "chip=sm_80")
    assert code == 0, err
    t = get_target("cuda")
    assert out == "builtin.module(" + ",".join(t.passes("tg", "llvm", GpuOptions(chip="sm_80"))) + ")\n"
    assert "chip=sm_80" in out


def test_help_lists_the_stages_of_every_target(capsys):
    code, _, _ = _cli("--help")  # argparse prints help on sys.stdout
    assert code == 0
    out = capsys.readouterr().out
    for target in all_targets():
        assert f"--target {target.name}: " + " -> ".join(target.stages) in out


@pytest.mark.parametrize("args, message", [
    (["--from=linalg2", "X.mlir"], "unknown stage 'linalg2' for target 'cpu'"),
    (["--emit=gpu", "X.mlir"], "unknown stage 'gpu' for target 'cpu'"),
    (["--from=affine", "--emit=linalg", "X.mlir"], "stage 'affine' does not come before stage 'linalg'"),
    (["--from=llvm", "X.mlir"], "stage 'llvm' does not come before stage 'llvm'"),
    (["--target", "cuda", "--threads", "2", "--print-pipeline"], "target 'cuda' does not support the option 'threads'"),
    (["--target", "cuda", "--target-option", "tf32=maybe", "--print-pipeline"], "takes true or false"),
])
def test_cli_errors_are_one_line(tmp_path, args, message):
    (tmp_path / "X.mlir").write_text("module {}\n")
    code, out, err = _cli(*[str(tmp_path / a) if a == "X.mlir" else a for a in args])
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and message in err, err


def test_cli_from_a_file_that_is_not_mlir(model_path, tmp_path):
    code, _, err = _cli("--from=tg", model_path)
    assert code == 1 and len(err.splitlines()) == 1 and "is not MLIR text" in err, err
    bad = tmp_path / "bad.mlir"
    bad.write_text("this is not mlir\n")
    code, _, err = _cli("--from=tg", bad)
    assert code == 1 and len(err.splitlines()) == 1, err
    assert f"{bad} is not valid MLIR of stage 'tg': {bad}:1:1: error:" in err


# --------------------------------------------------------------------------
# The context is released
# --------------------------------------------------------------------------
def test_context_is_released_on_the_error_path(monkeypatch):
    from polytile.dialects import irdl_spec
    released = []
    real = irdl_spec.release_dialects
    monkeypatch.setattr(irdl_spec, "release_dialects", lambda c: (released.append(c), real(c)))
    with pytest.raises(polytile.PolytileError):
        polytile.compile('func.func @main() { "tg.nope"() : () -> () return }', target="cuda",
                         start="tg", emit="ptx")
    with pytest.raises(polytile.PolytileError):  # an error in the passes (the entry function is not there)
        polytile.compile("module {}", target="cuda", start="gpu", options=GpuOptions(emulate_on_cpu=True))
    assert polytile.compile(_model(), target="cuda", emit="ptx")
    assert len(released) == 3


def test_cuda_emit_ptx_memory_stays_flat():
    """30 CUDA compiles (emit="ptx") of a model with 1 MiB of weights in one
    process: the RSS after the last is within 24 MiB of the RSS after the 5th
    (each leaked context would keep at least its 1 MiB of weights, and the IR)."""
    code = textwrap.dedent("""
        import gc, sys
        import numpy as np
        from onnx import TensorProto, helper
        import polytile

        w = np.random.default_rng(0).standard_normal((512, 512)).astype(np.float32)
        graph = helper.make_graph(
            [helper.make_node("Add", ["X", "W"], ["Y"])], "g",
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, [512, 512])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [512, 512])],
            [helper.make_tensor("W", TensorProto.FLOAT, [512, 512], w.tobytes(), raw=True)])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])

        def rss():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * 4096

        for i in range(30):
            assert ".entry" in polytile.compile(model, target="cuda", emit="ptx")
            gc.collect()
            if i == 4:
                base = rss()
        print(base, rss())
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    base, end = map(int, proc.stdout.split()[-2:])
    assert end - base < 24 << 20, (base, end)

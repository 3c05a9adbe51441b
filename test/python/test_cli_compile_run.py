"""polytile-compile and polytile-run: outputs, stage IR through polytile-opt,
and one message + exit code 1 (never a traceback) per user mistake.

Most cases call the tools' ``run(argv, stdin, stdout, stderr)`` in process;
a few run the installed entry points in a subprocess (pipes, stdin).
"""
from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from polytile import compile_main, run_main
from polytile.pipelines import STAGES, stage_passes


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------
def _save(model: onnx.ModelProto, path) -> str:
    onnx.save(model, str(path))
    return str(path)


def _model(nodes, inputs, outputs, opset=17, opsets=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset), *opsets], ir_version=8)


@pytest.fixture
def matmul_relu(tmp_path) -> str:
    """Y = relu(X @ W) with a dynamic batch dim N."""
    return _save(_model(
        [helper.make_node("MatMul", ["X", "W"], ["T"], name="mm"), helper.make_node("Relu", ["T"], ["Y"])],
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 4]),
         helper.make_tensor_value_info("W", TensorProto.FLOAT, [4, 3])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 3])]), tmp_path / "mm.onnx")


@pytest.fixture
def int_add(tmp_path) -> str:
    """An int32 Add: random small integer inputs."""
    return _save(_model(
        [helper.make_node("Add", ["A", "B"], ["S"])],
        [helper.make_tensor_value_info("A", TensorProto.INT32, [2, 3]),
         helper.make_tensor_value_info("B", TensorProto.INT32, [2, 3])],
        [helper.make_tensor_value_info("S", TensorProto.INT32, [2, 3])]), tmp_path / "add.onnx")


@pytest.fixture
def bool_not(tmp_path) -> str:
    return _save(_model(
        [helper.make_node("Not", ["P"], ["Q"])],
        [helper.make_tensor_value_info("P", TensorProto.BOOL, [5])],
        [helper.make_tensor_value_info("Q", TensorProto.BOOL, [5])]), tmp_path / "not.onnx")


@pytest.fixture
def unsupported_op(tmp_path) -> str:
    return _save(_model(
        [helper.make_node("FooBar", ["X"], ["Y"], name="weird_node", domain="com.example")],
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])],
        opsets=[helper.make_opsetid("com.example", 1)]), tmp_path / "foo.onnx")


class _Stdin(io.StringIO):
    """A text stdin whose ``buffer`` holds bytes, like sys.stdin."""

    def __init__(self, data: bytes = b""):
        super().__init__()
        self.buffer = io.BytesIO(data)


def _call(main_module, argv, stdin_bytes: bytes = b""):
    out, err = io.StringIO(), io.StringIO()
    code = main_module.run([str(a) for a in argv], _Stdin(stdin_bytes), out, err)
    return code, out.getvalue(), err.getvalue()


def compile_cli(*argv, stdin_bytes=b""):
    return _call(compile_main, argv, stdin_bytes)


def run_cli(*argv):
    return _call(run_main, argv)


def assert_error(result, tool: str, *fragments: str):
    code, _, err = result
    assert code == 1, err
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"{tool}: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


def _opt(text: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "polytile.opt_main", *args], input=text,
                          capture_output=True, text=True, timeout=300)


# --------------------------------------------------------------------------
# polytile-compile
# --------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_compile_each_stage_parses_in_polytile_opt(matmul_relu, tmp_path, stage):
    out = tmp_path / f"{stage}.mlir"
    code, stdout, err = compile_cli(matmul_relu, f"--emit={stage}", "-o", out, "--input-shape", "X=2x4")
    assert code == 0, err
    assert stdout == ""
    text = out.read_text()
    assert "func.func" in text or "llvm.func" in text
    if stage == "tg":
        assert '"tg.matmul"' in text and "tensor<2x4xf32>" in text
    if stage == "llvm":
        assert "llvm.func @polytile_entry" in text
    result = _opt(text)
    assert result.returncode == 0, result.stderr


def test_compile_tg_continues_through_polytile_opt(matmul_relu):
    code, tg_text, err = compile_cli(matmul_relu, "--emit=tg", "--input-shape", "X=2x4")
    assert code == 0, err
    code, pipeline, err = compile_cli("--print-pipeline")  # from tg (default) to llvm (default)
    assert code == 0, err
    assert pipeline.strip() == "builtin.module(" + ",".join(stage_passes("tg", "llvm")) + ")"
    assert compile_cli("--from=tg", "--emit=llvm", "--print-pipeline")[1] == pipeline
    lowered = _opt(tg_text, f"--pass-pipeline={pipeline.strip()}")
    assert lowered.returncode == 0, lowered.stderr
    assert "llvm.func @polytile_entry" in lowered.stdout
    assert '"tg.' not in lowered.stdout


def test_compile_reads_stdin_and_writes_stdout(matmul_relu):
    with open(matmul_relu, "rb") as f:
        data = f.read()
    code, out, err = compile_cli("-", "--emit=tg", "--input-shape", "X=3x4", stdin_bytes=data)
    assert code == 0, err
    assert "tensor<3x4xf32>" in out and out.endswith("\n")


def test_compile_installed_script_pipes_into_polytile_opt(matmul_relu):
    with open(matmul_relu, "rb") as f:
        data = f.read()
    emitted = subprocess.run([sys.executable, "-m", "polytile.compile_main", "-", "--emit=linalg",
                              "--input-shape", "X=1x4"], input=data, capture_output=True, timeout=300)
    assert emitted.returncode == 0, emitted.stderr
    result = _opt(emitted.stdout.decode())
    assert result.returncode == 0, result.stderr


def test_compile_missing_file(tmp_path):
    assert_error(compile_cli(tmp_path / "nope.onnx", "--emit=tg"), "polytile-compile", "nope.onnx: no such file")


def test_compile_truncated_file(matmul_relu, tmp_path):
    data = open(matmul_relu, "rb").read()
    bad = tmp_path / "truncated.onnx"
    bad.write_bytes(data[: len(data) // 2])
    assert_error(compile_cli(bad), "polytile-compile", "truncated.onnx: not a valid ONNX model")


def test_compile_non_onnx_file(tmp_path):
    bad = tmp_path / "notes.onnx"
    bad.write_text("this is not a model\n")
    assert_error(compile_cli(bad), "polytile-compile", "notes.onnx: not a valid ONNX model")


def test_compile_empty_stdin():
    assert_error(compile_cli("-"), "polytile-compile", "no model on standard input")


def test_compile_unsupported_op_names_node_and_op(unsupported_op):
    assert_error(compile_cli(unsupported_op, "--emit=tg"), "polytile-compile",
                 "node 'weird_node'", "FooBar", "not supported")


def test_compile_unpinned_dynamic_dim_stays_dynamic(matmul_relu):
    """An unpinned dim_param is a dynamic dim (`?`), named in the recorded inputs."""
    code, out, err = compile_cli(matmul_relu, "--emit=tg")
    assert code == 0, err
    assert 'shape = ["N", 4]' in out and "(tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>" in out
    code, out, err = compile_cli(matmul_relu, "--emit=tg", "--input-shape", "X=5x4")
    assert code == 0, err
    assert "tensor<5x3xf32>" in out and "?" not in out


@pytest.mark.parametrize("spec, fragment", [
    ("X=2xa", "'a' is not a positive integer"),
    ("X", "expected NAME=DIMxDIMx..."),
    ("=2x4", "expected NAME=DIMxDIMx..."),
    ("X=0x4", "'0' is not a positive integer"),
    ("X=2x", "'' is not a positive integer"),
])
def test_compile_bad_input_shape_syntax(matmul_relu, spec, fragment):
    assert_error(compile_cli(matmul_relu, "--input-shape", spec), "polytile-compile",
                 f"invalid --input-shape '{spec}'", fragment)


def test_compile_input_shape_given_twice(matmul_relu):
    assert_error(compile_cli(matmul_relu, "--input-shape", "X=1x4", "--input-shape", "X=2x4"),
                 "polytile-compile", "given twice for 'X'")


def test_compile_input_shape_for_unknown_input(matmul_relu):
    assert_error(compile_cli(matmul_relu, "--input-shape", "N=2"), "polytile-compile",
                 "'N', which is not a model input")


def test_compile_bad_options(matmul_relu):
    assert_error(compile_cli(matmul_relu, "--emit=sched2", "--input-shape", "X=1x4"),
                 "polytile-compile", "unknown stage 'sched2'")
    assert_error(compile_cli("--emit=sched2", "--print-pipeline"), "polytile-compile", "unknown stage 'sched2'")
    assert_error(compile_cli(matmul_relu, "--target", "tpu", "--input-shape", "X=1x4"),
                 "polytile-compile", "target 'tpu' is not supported")
    assert_error(compile_cli(), "polytile-compile", "required: model")


def test_compile_unwritable_output(matmul_relu, tmp_path):
    assert_error(compile_cli(matmul_relu, "--input-shape", "X=1x4", "--emit=tg", "-o",
                             tmp_path / "no" / "dir" / "out.mlir"),
                 "polytile-compile", "could not write output file")


def test_internal_error_is_one_line_unless_debug(matmul_relu, monkeypatch):
    import polytile

    def broken(*args, **kwargs):
        raise RuntimeError("something inside broke\nsecond line")

    monkeypatch.setattr(polytile, "compile", broken)
    code, _, err = compile_cli(matmul_relu, "--input-shape", "X=1x4")
    assert code == 1
    assert err.strip().splitlines() == [
        "polytile-compile: internal error: RuntimeError: something inside broke "
        "(this is a bug in polytile; rerun with --debug for the traceback)"]
    code, _, err = compile_cli(matmul_relu, "--input-shape", "X=1x4", "--debug")
    assert code == 1
    assert "Traceback" in err and "polytile-compile: internal error: RuntimeError" in err


# --------------------------------------------------------------------------
# polytile-run
# --------------------------------------------------------------------------
def test_run_random_inputs_summary_and_check(matmul_relu):
    code, out, err = run_cli(matmul_relu, "--input-shape", "X=5x4", "--repeat", "2", "--check")
    assert code == 0, err
    assert "inputs (random, seed 0):" in out
    assert "  Y  float32[5,3]  min 0  max " in out
    assert "compile: " in out and "(import " in out and ", passes " in out and ", JIT " in out
    assert "median of 2 run(s)" in out
    assert "max abs err" in out and "max rel err" in out and "PASS" in out
    assert out.strip().splitlines()[-1] == "PASS"


def _info(name, shape, dtype):
    from polytile.importers.onnx import TensorInfo
    return TensorInfo(name, shape, np.dtype(dtype))


def test_random_feeds_per_dtype_are_seeded():
    infos = [_info("F", (50,), np.float16), _info("I", (50,), np.int64), _info("U", (50,), np.uint8),
             _info("B", (50,), np.bool_), _info("S", (), np.float32)]
    feeds = run_main.random_feeds(infos, seed=3)
    assert [feeds[i.name].dtype for i in infos] == [i.dtype for i in infos]
    assert feeds["S"].shape == ()
    for name in "IU":
        assert feeds[name].min() >= 0 and feeds[name].max() < 4
    assert 0 < feeds["B"].sum() < 50
    assert feeds["F"].std() > 0.5
    again = run_main.random_feeds(infos, seed=3)
    assert all(np.array_equal(feeds[k], again[k]) for k in feeds)
    other = run_main.random_feeds(infos, seed=4)
    assert not np.array_equal(feeds["F"], other["F"])


def test_run_random_int_inputs(int_add, tmp_path):
    saved = tmp_path / "out.npz"
    code, out, err = run_cli(int_add, "--seed", "7", "--save-outputs", saved, "--check")
    assert code == 0, err
    assert "A  int32[2,3]" in out and "S  int32[2,3]" in out
    feeds = run_main.random_feeds([_info("A", (2, 3), np.int32), _info("B", (2, 3), np.int32)], seed=7)
    np.testing.assert_array_equal(np.load(saved)["S"], feeds["A"] + feeds["B"])


def test_run_random_bool_inputs(bool_not):
    # In a subprocess: lowering i1 memrefs used to abort the process (an MLIR
    # assertion in MemRefToLLVM), which must not take the test session down.
    result = subprocess.run([sys.executable, "-m", "polytile.run_main", bool_not, "--check"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "P  bool[5]" in result.stdout and result.stdout.strip().splitlines()[-1] == "PASS"


def test_run_inputs_from_npz_pin_dynamic_dims(matmul_relu, tmp_path):
    x = np.arange(8, dtype=np.float32).reshape(2, 4) - 3
    w = np.eye(4, 3, dtype=np.float32)
    feeds = tmp_path / "feeds.npz"
    np.savez(feeds, X=x, W=w)
    saved = tmp_path / "out.npz"
    code, out, err = run_cli(matmul_relu, "--inputs", feeds, "--save-outputs", saved, "--repeat", "1")
    assert code == 0, err
    assert f"inputs (from {feeds}):" in out
    np.testing.assert_array_equal(np.load(saved)["Y"], np.maximum(x @ w, 0))


def test_run_check_fail_exits_1(matmul_relu, monkeypatch):
    real = run_main.run_onnxruntime

    def perturbed(model, feeds, stdout):
        return [o + 1.0 for o in real(model, feeds, stdout)]

    monkeypatch.setattr(run_main, "run_onnxruntime", perturbed)
    code, out, err = run_cli(matmul_relu, "--input-shape", "X=2x4", "--check")
    assert code == 1, err
    assert "FAIL" in out and out.strip().splitlines()[-1] == "FAIL"
    # Loose enough tolerances accept the same difference.
    code, out, _ = run_cli(matmul_relu, "--input-shape", "X=2x4", "--check", "--atol", "1.5")
    assert code == 0 and out.strip().splitlines()[-1] == "PASS"


def test_run_check_without_onnxruntime_exits_2(matmul_relu, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import raises ImportError
    code, out, err = run_cli(matmul_relu, "--input-shape", "X=2x4", "--check")
    assert code == 2
    assert err.strip() == ("polytile-run: error: --check needs onnxruntime, which is not installed "
                           "(pip install onnxruntime)")


def test_run_missing_file(tmp_path):
    assert_error(run_cli(tmp_path / "nope.onnx"), "polytile-run", "no such file")


def test_run_non_onnx_file(tmp_path):
    bad = tmp_path / "x.onnx"
    bad.write_bytes(b"\x00\x01garbage\xff" * 10)
    assert_error(run_cli(bad), "polytile-run", "not a valid ONNX model")


def test_run_unsupported_op(unsupported_op):
    assert_error(run_cli(unsupported_op), "polytile-run", "node 'weird_node' (FooBar", "not supported")


def test_run_dynamic_dim_sizes(matmul_relu):
    """A dynamic dim gets size 1 in the random inputs, or the size --dim gives it;
    the outputs match onnxruntime either way."""
    code, out, err = run_cli(matmul_relu, "--check")
    assert code == 0, err
    assert "float32[1,4]" in out and "float32[1,3]" in out and "PASS" in out
    code, out, err = run_cli(matmul_relu, "--check", "--dim", "N=7")
    assert code == 0, err
    assert "float32[7,4]" in out and "float32[7,3]" in out and "PASS" in out


@pytest.mark.parametrize("spec, fragment", [
    ("M=3", "--dim names ['M'], which are not dynamic dims of the compiled model (its dynamic dims: ['N'])"),
    ("N", "expected NAME=SIZE"),
    ("N=x", "'x' is not a size"),
])
def test_run_bad_dim(matmul_relu, spec, fragment):
    assert_error(run_cli(matmul_relu, "--dim", spec), "polytile-run", fragment)


def test_run_bad_input_shape(matmul_relu):
    assert_error(run_cli(matmul_relu, "--input-shape", "X:2x4"), "polytile-run",
                 "invalid --input-shape 'X:2x4'")


@pytest.mark.parametrize("feeds, fragment", [
    ({"X": np.ones((2, 4), np.float32), "Q": np.ones((4, 3), np.float32)},
     "array(s) ['Q'] that are not model inputs"),
    ({"X": np.ones((2, 4), np.float64), "W": np.ones((4, 3), np.float32)},
     "input 'X' has dtype float64, expected float32"),
    ({"X": np.ones((2, 4), np.float32), "W": np.ones((4, 2), np.float32)},
     "input 'W' has shape (4, 2), expected (4, 3)"),
    ({"X": np.ones((2, 4), np.float32)}, "missing input 'W'"),
])
def test_run_wrong_feeds(matmul_relu, tmp_path, feeds, fragment):
    path = tmp_path / "feeds.npz"
    np.savez(path, **feeds)
    assert_error(run_cli(matmul_relu, "--inputs", path), "polytile-run", fragment)


def test_run_unreadable_feeds(matmul_relu, tmp_path):
    assert_error(run_cli(matmul_relu, "--inputs", tmp_path / "none.npz"), "polytile-run", "no such file")
    npy = tmp_path / "one.npy"
    np.save(npy, np.ones(3))
    assert_error(run_cli(matmul_relu, "--inputs", npy), "polytile-run", "single array (.npy)")
    assert_error(run_cli(matmul_relu, "--inputs", matmul_relu), "polytile-run", "is not an .npz archive")


def test_run_bad_repeat(matmul_relu):
    assert_error(run_cli(matmul_relu, "--repeat", "0"), "polytile-run", "must be at least 1")


def test_run_installed_entry_point_errors_cleanly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "polytile.run_main", str(tmp_path / "missing.onnx")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.startswith("polytile-run: error: ")
    assert "Traceback" not in result.stderr

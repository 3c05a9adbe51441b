"""Helpers of the ahead-of-time library tests (test_aot*.py): small models, the
tensor files of examples/c, building libraries through polytile-compile, and
running the C example."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from polytile import compile_main
from polytile.aot.wrapper import ONNX_TO_NUMPY_NAME, onnx_dtype

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "c"


def mlp_model() -> onnx.ModelProto:
    """X[8,64] -> MatMul, Add -> (Relu, Sigmoid): two static outputs."""
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((64, 32)) * 0.2).astype(np.float32)
    b = rng.standard_normal((32,)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["X", "W"], ["T"]), helper.make_node("Add", ["T", "B"], ["U"]),
             helper.make_node("Relu", ["U"], ["Y"]), helper.make_node("Sigmoid", ["U"], ["Z"])]
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [8, 64])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [8, 32]),
                               helper.make_tensor_value_info("Z", TensorProto.FLOAT, [8, 32])],
                              [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    return _finish(graph)


def conv_model() -> onnx.ModelProto:
    """A small convnet, X[N,3,12,12] -> Y[N,8]: a dynamic batch and output."""
    rng = np.random.default_rng(1)
    w = (rng.standard_normal((8, 3, 3, 3)) * 0.3).astype(np.float32)
    b = rng.standard_normal((8,)).astype(np.float32)
    w2 = (rng.standard_normal((8, 8, 3, 3)) * 0.2).astype(np.float32)
    nodes = [helper.make_node("Conv", ["X", "W", "B"], ["C"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["C"], ["R"]),
             helper.make_node("Conv", ["R", "W2"], ["C2"], strides=[2, 2]),
             helper.make_node("Relu", ["C2"], ["R2"]),
             helper.make_node("GlobalAveragePool", ["R2"], ["P"]),
             helper.make_node("Flatten", ["P"], ["Y"])]
    graph = helper.make_graph(nodes, "convnet",
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 3, 12, 12])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 8])],
                              [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B"),
                               numpy_helper.from_array(w2, "W2")])
    return _finish(graph)


def _finish(graph) -> onnx.ModelProto:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def onnxruntime_outputs(model: onnx.ModelProto, feeds: dict) -> list[np.ndarray]:
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def polytile_compile(*argv: str) -> tuple[int, str]:
    """polytile-compile in this process (isolated compile as the command does):
    (exit code, stderr)."""
    err = io.StringIO()
    code = compile_main.run(list(argv), io.StringIO(), io.StringIO(), err,
                            isolate_default=compile_main.ISOLATE_BY_DEFAULT)
    return code, err.getvalue()


def build(model_path, name: str, out_dir: Path, *extra: str, emit: str = "lib") -> Path:
    out = out_dir / (f"lib{name}.so" if emit == "lib" else f"{name}.o")
    code, err = polytile_compile(str(model_path), f"--emit={emit}", f"--name={name}", "-o", str(out), *extra)
    assert code == 0, err
    return out


def write_tensor(path, array: np.ndarray) -> None:
    """The tensor file format of examples/c/main.c."""
    with open(path, "wb") as f:
        f.write(np.array([onnx_dtype(array.dtype), array.ndim], "<i4").tobytes())
        f.write(np.array(array.shape, "<i8").tobytes())
        f.write(np.ascontiguousarray(array).tobytes())


def read_tensor(path) -> np.ndarray:
    data = Path(path).read_bytes()
    dtype, rank = (int(v) for v in np.frombuffer(data[:8], "<i4"))
    shape = tuple(int(d) for d in np.frombuffer(data[8:8 + 8 * rank], "<i8"))
    return np.frombuffer(data[8 + 8 * rank:], ONNX_TO_NUMPY_NAME[dtype]).reshape(shape)


def example_feeds(seed: int = 0) -> dict:
    """The inputs of model_a (mlp_model) and model_b (conv_model, batch 3)."""
    rng = np.random.default_rng(seed)
    return {"model_a": {"X": rng.standard_normal((8, 64)).astype(np.float32)},
            "model_b": {"X": rng.standard_normal((3, 3, 12, 12)).astype(np.float32)}}


def run_example(command: list[str], work: Path, models: dict, feeds: dict, timeout: float = 120) -> str:
    """Write the inputs, run the C example (``command`` + IN_DIR OUT_DIR ...), check
    its outputs against onnxruntime; returns its stdout."""
    io_dir = work / "io"
    io_dir.mkdir(exist_ok=True)
    for name, named in feeds.items():
        for i, array in enumerate(named.values()):
            write_tensor(io_dir / f"{name}.in{i}.bin", array)
    result = subprocess.run(command + [str(io_dir), str(io_dir), "2", "5"], capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    for name, model in models.items():
        expected = onnxruntime_outputs(model, feeds[name])
        for i, want in enumerate(expected):
            got = read_tensor(io_dir / f"{name}.out{i}.bin")
            assert got.shape == want.shape, (name, i)
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"{name} output {i}")
    return result.stdout


def have(*programs: str) -> bool:
    return all(shutil.which(p) for p in programs)


def cc_env() -> dict:
    env = dict(os.environ)
    env.setdefault("KMP_BLOCKTIME", "1")
    return env

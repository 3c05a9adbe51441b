"""``dim_bounds``: bounds of dynamic input dims by name. The default scheduler sizes the
register tile of a product's dynamic rows from them (the rows are padded to it), the
compiled model refuses feeds outside them, and bad bounds are errors naming them."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import polytile
from polytile.compiler import InputError

W = np.random.default_rng(0).standard_normal((64, 48)).astype(np.float32)


def _model() -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["P"]), helper.make_node("Relu", ["P"], ["Y"])], "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", "seq", 64])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)], [onnx.numpy_helper.from_array(W, "W")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def _register_rows(sched_text: str) -> int:
    tiles = [line for line in sched_text.splitlines() if '"sched.tile"' in line]
    return int(tiles[-1].split("array<i64:")[1].split(",")[1])


def test_bounds_size_the_register_tile_of_dynamic_rows():
    model = _model()
    from polytile.passes.schedule.sched_default import MR_CHOICES, register_rows
    # typical: many rows, the tallest register tile of 2-vector rows that fits the registers
    # (8 with AVX-512's 32, 6 with AVX2's 16)
    tallest = next(r for r in MR_CHOICES if r <= register_rows(2))
    assert _register_rows(polytile.compile(model, emit="sched")) == tallest
    bounded = polytile.compile(model, emit="sched", dim_bounds={"batch": (1, 3), "seq": (1, 1)})
    assert _register_rows(bounded) == 3
    assert 'tg.dim_symbols = ["batch", "seq", ""]' in polytile.compile(model, emit="tg")


@pytest.mark.parametrize("threads", [1, 2])
def test_bounded_model_is_right_at_every_size_within_the_bounds(threads):
    compiled = polytile.compile(_model(), threads=threads, dim_bounds={"batch": (1, 3), "seq": (1, 2)})
    rng = np.random.default_rng(1)
    for batch, seq in ((1, 1), (2, 1), (3, 2), (1, 2)):
        x = rng.standard_normal((batch, seq, 64)).astype(np.float32)
        np.testing.assert_allclose(compiled.run({"X": x})[0], np.maximum(x @ W, 0), rtol=1e-5, atol=1e-5)


def test_feeds_outside_the_bounds_are_input_errors():
    compiled = polytile.compile(_model(), dim_bounds={"seq": (2, 4)})
    with pytest.raises(InputError, match=r"input 'X' dim 1 \('seq'\) is 5, outside the bounds \[2, 4\]"):
        compiled.run({"X": np.zeros((1, 5, 64), np.float32)})
    with pytest.raises(InputError, match=r"is 1, outside the bounds \[2, 4\]"):
        compiled.run({"X": np.zeros((1, 1, 64), np.float32)})


@pytest.mark.parametrize("bounds, message", [
    ({"length": (1, 2)}, r"dim_bounds names 'length', which is no dynamic dim of the model's inputs \(batch, seq\)"),
    ({"seq": (4, 2)}, r"dim_bounds maps a dim name to \(low, high\) with 0 <= low <= high"),
    ({"seq": 3}, r"dim_bounds maps a dim name to \(low, high\)"),
])
def test_bad_bounds_are_errors(bounds, message):
    with pytest.raises(polytile.PolytileError, match=message):
        polytile.compile(_model(), dim_bounds=bounds)


def test_cuda_target_refuses_dim_bounds():
    with pytest.raises(polytile.PolytileError, match="dim_bounds"):
        polytile.compile(_model(), target="cuda", emit="gpu", input_shapes={"X": (1, 2, 64)},
                         dim_bounds={"seq": (1, 2)})


def test_cli_dim_bound(tmp_path):
    path = tmp_path / "m.onnx"
    onnx.save(_model(), str(path))
    run = subprocess.run([sys.executable, "-m", "polytile.compile_main", str(path), "--emit=sched",
                          "--dim-bound", "batch=1:3", "--dim-bound", "seq=1:1"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert _register_rows(run.stdout) == 3
    bad = subprocess.run([sys.executable, "-m", "polytile.compile_main", str(path), "--emit=sched",
                          "--dim-bound", "seq=4"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1
    assert "--dim-bound 'seq=4': expected NAME=LOW:HIGH with 0 <= LOW <= HIGH" in bad.stderr

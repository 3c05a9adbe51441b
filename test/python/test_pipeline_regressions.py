"""Regression tests for bugs of the shared pipeline (not of one op), each on the
smallest models that showed it and their siblings, checked against numpy or
onnxruntime.

* Same-shaped outputs: ``cse`` merged the zero fills of two same-shaped
  contractions' accumulators; ``eliminate-empty-tensors`` then gave that fill
  the first output's buffer and one-shot bufferization copied the results in the
  wrong order, so the second output came back equal to the first
  (``bufferization-unshare-output-chains`` now makes each output's chain private).
* Dynamic batch with static rows not a multiple of the row tile: the default
  matmul schedule tiled a static extent by a size that does not divide it and
  failed its own verification.
"""
from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import polytile
from onnx_check import assert_close, make_model, run_onnxruntime

_DTYPES = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE, np.int32: TensorProto.INT32}


def _data(rng, shape, dtype):
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-4, 5, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _check(model, feeds, threads, expected=None, rtol=1e-4, atol=1e-5):
    actual = polytile.compile(model, threads=threads).run(feeds)
    assert_close(actual, expected if expected is not None else run_onnxruntime(model, feeds), rtol, atol)


# ---------------------------------------------------------------------------
# Same-shaped outputs
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype,m,k,n", [(np.float32, 13, 21, 19), (np.float64, 13, 21, 19),
                                         (np.int32, 13, 21, 19), (np.float32, 64, 40, 48)])
def test_two_same_shaped_matmul_outputs(dtype, m, k, n, threads):
    """Y0 = A@B and Y1 = C@D, both graph outputs: Y1 came back as A@B (13x21x19: the
    plain lowering; 64x40x48: the packed, scheduled one)."""
    rng = np.random.default_rng(0)
    feeds = {"A": _data(rng, (m, k), dtype), "B": _data(rng, (k, n), dtype),
             "C": _data(rng, (m, k), dtype), "D": _data(rng, (k, n), dtype)}
    nodes = [helper.make_node("MatMul", ["A", "B"], ["Y0"]), helper.make_node("MatMul", ["C", "D"], ["Y1"])]
    model = make_model(nodes, feeds, ["Y0", "Y1"])
    _check(model, feeds, threads, [feeds["A"] @ feeds["B"], feeds["C"] @ feeds["D"]])


@pytest.mark.parametrize("threads", [1, 2])
def test_two_same_shaped_conv_outputs(threads):
    rng = np.random.default_rng(1)
    feeds = {"X0": _data(rng, (1, 3, 9, 11), np.float32), "X1": _data(rng, (1, 3, 9, 11), np.float32)}
    inits = {"W0": _data(rng, (5, 3, 3, 3), np.float32), "W1": _data(rng, (5, 3, 3, 3), np.float32)}
    nodes = [helper.make_node("Conv", ["X0", "W0"], ["Y0"], pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["X1", "W1"], ["Y1"], pads=[1, 1, 1, 1])]
    _check(make_model(nodes, feeds, ["Y0", "Y1"], initializers=inits), feeds, threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_two_same_shaped_reduction_outputs(threads):
    rng = np.random.default_rng(2)
    feeds = {"X0": _data(rng, (6, 17), np.float32), "X1": _data(rng, (6, 17), np.float32)}
    nodes = [helper.make_node("ReduceSum", ["X0", "axes"], ["Y0"], keepdims=0),
             helper.make_node("ReduceMax", ["X1"], ["Y1"], axes=[1], keepdims=0)]
    model = make_model(nodes, feeds, ["Y0", "Y1"], initializers={"axes": np.array([1], np.int64)}, opset=17)
    _check(model, feeds, threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_two_gemms_sharing_a_bias(threads):
    """The broadcast bias is the accumulators' initial value, merged by CSE as the fill was."""
    rng = np.random.default_rng(3)
    feeds = {"A": _data(rng, (13, 21), np.float32), "C": _data(rng, (13, 21), np.float32)}
    inits = {"B": _data(rng, (21, 19), np.float32), "D": _data(rng, (21, 19), np.float32),
             "bias": _data(rng, (19,), np.float32)}
    nodes = [helper.make_node("Gemm", ["A", "B", "bias"], ["Y0"]),
             helper.make_node("Gemm", ["C", "D", "bias"], ["Y1"])]
    _check(make_model(nodes, feeds, ["Y0", "Y1"], initializers=inits), feeds, threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_matmul_output_also_fed_to_other_ops(threads):
    """Y0 = A@B is an output and the input of Relu (Y1) and of another product (Y2)."""
    rng = np.random.default_rng(4)
    feeds = {"A": _data(rng, (13, 19), np.float32), "B": _data(rng, (19, 19), np.float32)}
    nodes = [helper.make_node("MatMul", ["A", "B"], ["Y0"]), helper.make_node("Relu", ["Y0"], ["Y1"]),
             helper.make_node("MatMul", ["Y0", "B"], ["Y2"]), helper.make_node("MatMul", ["A", "B"], ["Y3"])]
    _check(make_model(nodes, feeds, ["Y0", "Y1", "Y2", "Y3"]), feeds, threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_same_value_and_input_returned_as_outputs(threads):
    """One value returned twice, and an input returned directly, next to a product."""
    rng = np.random.default_rng(5)
    feeds = {"A": _data(rng, (13, 21), np.float32), "B": _data(rng, (21, 13), np.float32)}
    nodes = [helper.make_node("MatMul", ["A", "B"], ["P"]),
             helper.make_node("Identity", ["P"], ["Y0"]), helper.make_node("Identity", ["P"], ["Y1"]),
             helper.make_node("MatMul", ["B", "A"], ["Y2"])]
    graph = helper.make_graph(nodes, "outputs",
                              [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape) for n, a in feeds.items()],
                              [helper.make_tensor_value_info("Y0", TensorProto.FLOAT, [13, 13]),
                               helper.make_tensor_value_info("A", TensorProto.FLOAT, [13, 21]),
                               helper.make_tensor_value_info("Y1", TensorProto.FLOAT, [13, 13]),
                               helper.make_tensor_value_info("Y2", TensorProto.FLOAT, [21, 21]),
                               helper.make_tensor_value_info("P", TensorProto.FLOAT, [13, 13])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    p = feeds["A"] @ feeds["B"]
    _check(model, feeds, threads, [p, feeds["A"], p, feeds["B"] @ feeds["A"], p])


def test_two_same_shaped_matmul_outputs_dynamic_batch():
    """The same, with a dynamic batch: one compile, several batches."""
    rng = np.random.default_rng(6)
    inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 13, 21]) for n in ("A", "C")]
    inits = [onnx.numpy_helper.from_array(_data(rng, (21, 19), np.float32), n) for n in ("B", "D")]
    nodes = [helper.make_node("MatMul", ["A", "B"], ["Y0"]), helper.make_node("MatMul", ["C", "D"], ["Y1"])]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 13, 19]) for n in ("Y0", "Y1")]
    model = helper.make_model(helper.make_graph(nodes, "dyn", inputs, outputs, inits),
                              opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    compiled = polytile.compile(model, threads=1)
    for batch in (1, 3):
        feeds = {n: _data(rng, (batch, 13, 21), np.float32) for n in ("A", "C")}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds))


# ---------------------------------------------------------------------------
# Dynamic batch, static rows: the default schedule must pass its own verification
# ---------------------------------------------------------------------------

def _batched_rows_model(a_dims, k, n, b_constant, rng):
    """MatMul of A[a_dims..., k] (a dim a name: dynamic) by B[k, n], then Relu (an epilogue)."""
    b = rng.standard_normal((k, n)).astype(np.float32)
    inputs = [helper.make_tensor_value_info("A", TensorProto.FLOAT, list(a_dims) + [k])]
    inits = [onnx.numpy_helper.from_array(b, "B")] if b_constant else []
    if not b_constant:
        inputs.append(helper.make_tensor_value_info("B", TensorProto.FLOAT, [k, n]))
    nodes = [helper.make_node("MatMul", ["A", "B"], ["P"]), helper.make_node("Relu", ["P"], ["Y"])]
    outputs = [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in ("P", "Y")]
    model = helper.make_model(helper.make_graph(nodes, "rows", inputs, outputs, inits),
                              opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return model, b


def _run_batches(model, b, a_dims, k, b_constant, threads, rng, batches=(1, 3)):
    compiled = polytile.compile(model, threads=threads)
    for batch in batches:
        shape = [batch if isinstance(d, str) else d for d in a_dims] + [k]
        a = rng.standard_normal(shape).astype(np.float32)
        feeds = {"A": a} if b_constant else {"A": a, "B": b}
        p = a @ b
        assert_close(compiled.run(feeds), [p, np.maximum(p, 0)], rtol=1e-4, atol=1e-5 * max(k, 1))


@pytest.mark.parametrize("a_dims,k,n", [(["N", 15], 3, 4), (["N", 15], 3, 32), (["N", 2], 40, 32),
                                        (["N", 3, 5], 7, 16), (["N", "M"], 5, 16)])
def test_dynamic_batch_static_rows(a_dims, k, n):
    """The reported cases: [N, 15, 3] x [3, 4] ('size 8 of loop m does not divide its
    extent 15') and a 3-d projection [N, 2, 40] x [40, 32] ('tile size 8 exceeds extent 2')."""
    rng = np.random.default_rng(7)
    model, b = _batched_rows_model(a_dims, k, n, True, rng)
    _run_batches(model, b, a_dims, k, True, 1, rng)


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_BATCH = st.sampled_from(["N", 1, 2, 3])
_ROWS = st.sampled_from([1, 2, 3, 5, 7, 8, 15, 16, 17, "M"])
_DEPTH = st.sampled_from([1, 3, 4, 8, 13, 16, 17])
_COLS = st.sampled_from([4, 8, 12, 16, 24, 32, 33])


@settings(max_examples=14)
@given(batch=_BATCH, rows=_ROWS, k=_DEPTH, n=_COLS, b_constant=st.booleans(),
       threads=st.sampled_from([1, 2]), seed=st.integers(0, 2 ** 16))
def test_batched_rows_sweep(batch, rows, k, n, b_constant, threads, seed):
    """[batch, rows, k] @ [k, n] with a static or dynamic batch and rows, compiled once per
    shape pattern and run at two batches (one when all dims are static), against numpy."""
    a_dims = [batch, rows]
    rng = np.random.default_rng(seed)
    model, b = _batched_rows_model(a_dims, k, n, b_constant, rng)
    dynamic = any(isinstance(d, str) for d in a_dims)
    _run_batches(model, b, a_dims, k, b_constant, threads, rng, batches=(1, 3) if dynamic else (1,))

"""Reduce* with run-time ``axes``, CumSum/CumProd with a run-time ``axis`` and TopK
with a run-time ``K`` (graph inputs, not constants): each model is compiled once
and run with several operand values, against onnxruntime (the ONNX reference
for CumProd, which onnxruntime lacks). Shapes are chosen so that every dim has
its own size (a wrong dim shows) and include a dynamic dim."""
import numpy as np
import onnx
import pytest
from hypothesis import given, settings, strategies as st
from onnx import TensorProto, helper

from onnx_check import assert_close, run_onnxruntime

import polytile

rng = np.random.default_rng(7)

REDUCE_OPS = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
              "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]


def one_node(op_type, x_dims, operand, operand_dims, outputs=("Y",), x_type=TensorProto.FLOAT,
             opset=18, **attrs):
    """A model ``op_type(X, <operand>)`` with the operand a graph input; outputs without shapes."""
    node = helper.make_node(op_type, ["X", operand], list(outputs), **attrs)
    graph = helper.make_graph(
        [node], "runtime_operand",
        [helper.make_tensor_value_info("X", x_type, x_dims),
         helper.make_tensor_value_info(operand, TensorProto.INT64, operand_dims)],
        [helper.make_tensor_value_info(o, TensorProto.INT64 if o == "Indices" else x_type, None)
         for o in outputs])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def positive(*shape):
    return (rng.random(shape) + 0.5).astype(np.float32)  # logs and products stay tame


def compare(model, feeds_list, rtol=1e-5, atol=1e-5):
    compiled = polytile.compile(model)
    for feeds in feeds_list:
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), rtol, atol)


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("keepdims", [0, 1])
def test_reduce_runtime_axes(op, keepdims):
    model = one_node(op, [2, 3, 5], "axes", [2], keepdims=keepdims)
    x = positive(2, 3, 5)
    compare(model, [{"X": x, "axes": np.array(a, np.int64)} for a in ([0, 2], [-1, 1], [1, 0], [0, -2])])


@pytest.mark.parametrize("keepdims", [0, 1])
def test_reduce_runtime_axes_with_dynamic_dim(keepdims):
    model = one_node("ReduceMean", ["n", 3, 4], "axes", [1], keepdims=keepdims)
    compiled = polytile.compile(model)
    for n, axes in ((1, [0]), (5, [1]), (2, [-1]), (7, [0])):
        feeds = {"X": positive(n, 3, 4), "axes": np.array(axes, np.int64)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 1e-5, 1e-6)


def test_reduce_runtime_axes_all_dims_and_integers():
    model = one_node("ReduceSum", [3, 4], "axes", [2], x_type=TensorProto.INT32, keepdims=0)
    x = rng.integers(-9, 9, (3, 4)).astype(np.int32)
    compare(model, [{"X": x, "axes": np.array(a, np.int64)} for a in ([0, 1], [1, -2])])


def test_reduce_empty_runtime_axes_is_the_default():
    """An axes input of length 0 (known from its type) means all dims, or none with
    noop_with_empty_axes, as a constant empty axes does."""
    x = positive(3, 4)
    for noop in (0, 1):
        model = one_node("ReduceSum", [3, 4], "axes", [0], noop_with_empty_axes=noop)
        compare(model, [{"X": x, "axes": np.zeros(0, np.int64)}])


@settings(max_examples=25, deadline=None)
@given(dims=st.lists(st.integers(1, 5), min_size=1, max_size=4), data=st.data())
def test_reduce_runtime_axes_sweep(dims, data):
    """Any rank, any subset of axes (in any order, negative or not), keepdims or not."""
    rank = len(dims)
    chosen = data.draw(st.lists(st.integers(0, rank - 1), min_size=1, max_size=rank, unique=True))
    signed = [a - rank if data.draw(st.booleans()) else a for a in chosen]
    keepdims = data.draw(st.sampled_from([0, 1]))
    model = one_node("ReduceSum", dims, "axes", [len(signed)], keepdims=keepdims)
    x = positive(*dims)
    got = polytile.compile(model).run({"X": x, "axes": np.array(signed, np.int64)})[0]
    want = np.sum(x, axis=tuple(chosen), keepdims=bool(keepdims))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert got.shape == want.shape


@pytest.mark.parametrize("op", ["CumSum", "CumProd"])
@pytest.mark.parametrize("exclusive,reverse", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_scan_runtime_axis(op, exclusive, reverse):
    opset = 26 if op == "CumProd" else 14
    node = helper.make_node(op, ["X", "axis"], ["Y"], exclusive=exclusive, reverse=reverse)
    graph = helper.make_graph(
        [node], "scan", [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["a", 3, 4]),
                         helper.make_tensor_value_info("axis", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    compiled = polytile.compile(model)
    for n, axis in ((2, 0), (2, 1), (5, 2), (1, -1), (3, -3)):
        x = positive(n, 3, 4)
        feeds = {"X": x, "axis": np.array(axis, np.int64)}
        combine = np.cumprod if op == "CumProd" else np.cumsum
        y = np.flip(x, axis) if reverse else x
        want = combine(y, axis=axis)
        if exclusive:
            identity = np.ones_like if op == "CumProd" else np.zeros_like
            first = identity(np.take(want, [0], axis=axis))
            want = np.concatenate([first, np.delete(want, -1, axis=axis)], axis=axis)
        want = np.flip(want, axis) if reverse else want
        np.testing.assert_allclose(compiled.run(feeds)[0], want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("largest", [0, 1])
def test_top_k_runtime_k(largest):
    model = one_node("TopK", ["b", 7], "K", [1], outputs=("Values", "Indices"), opset=11,
                     axis=1, largest=largest)
    compiled = polytile.compile(model)
    for b, k in ((2, 3), (3, 1), (1, 7), (4, 0)):
        feeds = {"X": rng.standard_normal((b, 7)).astype(np.float32), "K": np.array([k], np.int64)}
        got = compiled.run(feeds)
        assert got[0].shape == (b, k) and got[1].dtype == np.int64
        assert_close(got, run_onnxruntime(model, feeds), 1e-6, 1e-6)


@pytest.mark.parametrize("model,feeds,message", [
    (one_node("ReduceSum", [2, 3], "axes", [1]), {"axes": [2]}, r"holds 2, outside \[-2, 1\]"),
    (one_node("ReduceSum", [2, 3], "axes", [2]), {"axes": [1, -1]}, "naming a dim twice"),
    (one_node("CumSum", [2, 3], "axis", [], opset=14), {"axis": -3}, r"holds -3, outside \[-2, 1\]"),
    (one_node("TopK", [2, 3], "K", [1], outputs=("Values", "Indices"), opset=11), {"K": [4]},
     r"holds 4, outside \[0, 3\]"),
    (one_node("TopK", [2, 3], "K", [1], outputs=("Values", "Indices"), opset=11), {"K": [-1]},
     r"holds -1, outside \[0, 3\]"),
])
def test_forbidden_operand_values_are_input_errors(model, feeds, message):
    """Values ONNX forbids are refused at the door, naming the input and the node."""
    compiled = polytile.compile(model)
    feeds = {"X": positive(2, 3), **{k: np.array(v, np.int64) for k, v in feeds.items()}}
    with pytest.raises(polytile.InputError, match=message):
        compiled.run(feeds)


def test_value_rules_survive_a_resume(tmp_path):
    """The rules travel with the module's inputs (polytile.inputs), so a model resumed
    from the tg stage checks them too."""
    model = one_node("ReduceSum", [2, 3], "axes", [1])
    text = polytile.compile(model, emit="tg")
    compiled = polytile.compile(text, start="tg")
    with pytest.raises(polytile.InputError, match="outside"):
        compiled.run({"X": positive(2, 3), "axes": np.array([5], np.int64)})

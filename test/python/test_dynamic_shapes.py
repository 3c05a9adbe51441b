"""Models with dynamic dims: compiled once, run at any size, checked at the door.

Unknown input dims (``dim_param``, a missing ``dim_value``, ``-1``) stay dynamic;
a model is compiled once and run at several sizes, each compared with
onnxruntime; pinned shapes give static code with the same answers; inputs that
break what the model requires get an ``InputError`` naming the dims.
"""
from __future__ import annotations

import os
import sys
import threading

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import polytile
from onnx_check import assert_close, run_onnxruntime
from polytile.compiler import InputError
from polytile.importers.onnx import OnnxImportError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
from models import bert  # noqa: E402


def _model(nodes, inputs, outputs, inits=None, opset=17):
    graph = helper.make_graph(nodes, "dyn", inputs, outputs,
                              [onnx.numpy_helper.from_array(v, k) for k, v in (inits or {}).items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def _mlp(batch_dim) -> onnx.ModelProto:
    """X[batch, 20] -> Gemm(24)+Relu -> MatMul(10) -> Softmax; ``batch_dim`` as written in the model."""
    rng = np.random.default_rng(0)
    inits = {"W1": rng.standard_normal((24, 20)).astype(np.float32) * 0.2,
             "B1": rng.standard_normal(24).astype(np.float32),
             "W2": rng.standard_normal((24, 10)).astype(np.float32) * 0.2}
    nodes = [helper.make_node("Gemm", ["X", "W1", "B1"], ["h"], transB=1),
             helper.make_node("Relu", ["h"], ["r"]), helper.make_node("MatMul", ["r", "W2"], ["l"]),
             helper.make_node("Softmax", ["l"], ["Y"], axis=-1)]
    model = _model(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 20])],
                   [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 10])], inits)
    dim = model.graph.input[0].type.tensor_type.shape.dim[0]
    if batch_dim == "-1":
        dim.dim_value = -1
    elif batch_dim == "missing":
        dim.Clear()
    return model


def _feeds(model, shapes, seed=0):
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal(shape).astype(np.float32) for name, shape in shapes.items()}


@pytest.mark.parametrize("batch_dim", ["dim_param", "-1", "missing"])
def test_unknown_dims_are_dynamic(batch_dim):
    """dim_param, -1 and a missing dim_value all compile to one model that runs at any batch."""
    model = _mlp(batch_dim)
    compiled = polytile.compile(model, threads=1)
    name = compiled.inputs[0].shape[0]
    assert isinstance(name, str) and compiled.inputs[0].shape[1:] == (20,)
    assert name == ("batch" if batch_dim == "dim_param" else "X:0")
    for batch in (1, 2, 7, 33, 0):
        feeds = _feeds(model, {"X": (batch, 20)}, seed=batch)
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds))


@pytest.mark.parametrize("batch_dim", ["dim_param", "-1"])
def test_pinned_dims_give_static_code(batch_dim):
    """Pinning works for every kind of unknown dim, and gives the same numbers."""
    model = _mlp(batch_dim)
    pinned = polytile.compile(model, input_shapes={"X": (5, 20)}, threads=1)
    assert pinned.inputs[0].shape == (5, 20) and pinned.outputs[0].shape == (5, 10)
    assert "?" not in polytile.compile(model, input_shapes={"X": (5, 20)}, emit="linalg")
    feeds = _feeds(model, {"X": (5, 20)})
    assert_close(pinned.run(feeds), run_onnxruntime(model, feeds))
    with pytest.raises(InputError, match=r"dim 0 is 6 but the model requires 5"):
        pinned.run(_feeds(model, {"X": (6, 20)}))


def test_shapeless_graph_output_gets_its_shape_from_inference():
    model = _mlp("dim_param")
    model.graph.output[0].type.tensor_type.ClearField("shape")
    compiled = polytile.compile(model, threads=1)
    assert compiled.outputs[0].shape[1] == 10
    feeds = _feeds(model, {"X": (3, 20)})
    assert_close(compiled.run(feeds), run_onnxruntime(model, feeds))


BERT_SHAPES = [(1, 5), (2, 16), (3, 7), (1, 1), (4, 33)]


@pytest.mark.parametrize("threads", [1, 2])
def test_bert_compiled_once_runs_at_every_shape(threads):
    """A BERT-style encoder with dynamic batch and sequence, whose head reshapes
    read them at run time (Shape -> Gather -> Unsqueeze -> Concat -> Reshape)."""
    model, _ = bert(bert_layers=2, hidden=64, heads=4, ffn=128, dynamic=True)
    compiled = polytile.compile(model, threads=threads)
    assert compiled.inputs[0].shape == ("batch", "seq", 64)
    assert compiled.outputs[0].shape == ("batch", "seq", 64)
    for batch, seq in BERT_SHAPES:
        feeds = _feeds(model, {"hidden_states": (batch, seq, 64)}, seed=batch * 100 + seq)
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), rtol=1e-4, atol=1e-4)


def test_concurrent_callers_with_different_shapes():
    """Threads calling one dynamic model at different sizes each get their own answer."""
    model, _ = bert(bert_layers=1, hidden=32, heads=2, ffn=64, dynamic=True)
    compiled = polytile.compile(model, threads=1)
    cases = [_feeds(model, {"hidden_states": shape}, seed=i)
             for i, shape in enumerate([(1, 3, 32), (2, 9, 32), (3, 17, 32), (1, 40, 32)])]
    expected = [run_onnxruntime(model, feeds)[0] for feeds in cases]
    failures = []

    def work(i):
        for _ in range(20):
            got = compiled.run(cases[i])[0]
            if got.shape != expected[i].shape or not np.allclose(got, expected[i], rtol=1e-4, atol=1e-4):
                failures.append(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(cases))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def _two_inputs(nodes, x_dims, y_dims, out_dims):
    return _model(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, x_dims),
                          helper.make_tensor_value_info("Y", TensorProto.FLOAT, y_dims)],
                  [helper.make_tensor_value_info("Z", TensorProto.FLOAT, out_dims)])


def test_shared_dim_names_are_checked():
    model = _two_inputs([helper.make_node("Add", ["X", "Y"], ["Z"])], ["n", "seq"], ["n", "seq"], ["n", "seq"])
    compiled = polytile.compile(model, threads=1)
    feeds = _feeds(model, {"X": (2, 5), "Y": (2, 5)})
    assert_close(compiled.run(feeds), run_onnxruntime(model, feeds))
    with pytest.raises(InputError, match=r"Y dim 1 is 4 but X dim 1 is 5; the model requires them equal "
                                         r"\(both are 'seq'\)"):
        compiled.run(_feeds(model, {"X": (2, 5), "Y": (2, 4)}))


def test_broadcast_makes_dims_equal():
    """Two differently named dims that an Add aligns must be equal at run time (a
    dynamic dim is never broadcast from 1): the model's inputs say so."""
    model = _two_inputs([helper.make_node("Add", ["X", "Y"], ["Z"])], ["a", 3], ["b", 3], [None, 3])
    compiled = polytile.compile(model, threads=1)
    assert compiled.inputs[0].shape[0] == compiled.inputs[1].shape[0]
    feeds = _feeds(model, {"X": (4, 3), "Y": (4, 3)})
    assert_close(compiled.run(feeds), run_onnxruntime(model, feeds))
    with pytest.raises(InputError, match="the model requires them equal"):
        compiled.run(_feeds(model, {"X": (4, 3), "Y": (1, 3)}))


def test_broadcast_against_a_static_dim_fixes_its_size():
    rng = np.random.default_rng(0)
    model = _model([helper.make_node("Add", ["X", "B"], ["Z"])],
                   [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", "k"])],
                   [helper.make_tensor_value_info("Z", TensorProto.FLOAT, ["n", 8])],
                   {"B": rng.standard_normal(8).astype(np.float32)})
    compiled = polytile.compile(model, threads=1)
    assert compiled.inputs[0].shape == ("n", 8)
    feeds = _feeds(model, {"X": (3, 8)})
    assert_close(compiled.run(feeds), run_onnxruntime(model, feeds))
    with pytest.raises(InputError, match=r"dim 1 is 5 but the model requires 8"):
        compiled.run(_feeds(model, {"X": (3, 5)}))


def test_matmul_inner_dims_are_equal():
    model = _two_inputs([helper.make_node("MatMul", ["X", "Y"], ["Z"])], ["m", "k"], ["k2", "n"], ["m", "n"])
    compiled = polytile.compile(model, threads=1)
    for m, k, n in [(1, 1, 1), (3, 5, 7), (17, 9, 2)]:
        feeds = _feeds(model, {"X": (m, k), "Y": (k, n)})
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), rtol=1e-4, atol=1e-5)
    with pytest.raises(InputError, match="the model requires them equal"):
        compiled.run(_feeds(model, {"X": (3, 5), "Y": (4, 2)}))


@pytest.mark.parametrize("feeds, message", [
    ({"X": np.zeros((2, 20, 1), np.float32)}, r"input 'X' has shape \(2, 20, 1\) \(rank 3\), expected rank 2"),
    ({"X": np.zeros((2, 21), np.float32)}, r"dim 1 is 21 but the model requires 20"),
    ({"X": np.zeros((2, 20), np.float64)}, r"input 'X' has dtype float64, expected float32"),
])
def test_bad_shapes_are_input_errors(feeds, message):
    compiled = polytile.compile(_mlp("dim_param"), threads=1)
    with pytest.raises(InputError, match=message):
        compiled.run(feeds)


def test_constant_of_a_shape_known_at_run_time():
    """ConstantOfShape(Shape(x)) of a dynamic x (attention masks are made so): the shape
    becomes a run-time tensor and the fill a tg.expand of the value to it."""
    nodes = [helper.make_node("Shape", ["X"], ["s"]),
             helper.make_node("ConstantOfShape", ["s"], ["Z"], name="fill",
                              value=onnx.numpy_helper.from_array(np.array([2.5], np.float32)))]
    model = _model(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", 3])],
                   [helper.make_tensor_value_info("Z", TensorProto.FLOAT, None)])
    compiled = polytile.compile(model)
    for n in (1, 4):
        feeds = {"X": np.zeros((n, 3), np.float32)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 0, 0)


def test_reshape_that_reorders_dynamic_dims():
    """x.view(s, b, ...) of an [b, s, ...] input is no expand/collapse of the symbolic
    dims: the target becomes a run-time tensor (tg.reshape_dynamic), resolved and
    applied by the compiled code."""
    shape_nodes = [helper.make_node("Shape", ["X"], ["s"]),
                   helper.make_node("Gather", ["s", "i1"], ["d1"], axis=0),
                   helper.make_node("Gather", ["s", "i0"], ["d0"], axis=0),
                   helper.make_node("Concat", ["d1", "d0", "tail"], ["target"], axis=0),
                   helper.make_node("Reshape", ["X", "target"], ["Z"], name="swap")]
    model = _model(shape_nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["b", "s", 4])],
                   [helper.make_tensor_value_info("Z", TensorProto.FLOAT, None)],
                   {"i0": np.array([0], np.int64), "i1": np.array([1], np.int64),
                    "tail": np.array([4], np.int64)})
    compiled = polytile.compile(model)
    for b, s in ((2, 3), (1, 5), (4, 1)):
        feeds = {"X": np.arange(b * s * 4, dtype=np.float32).reshape(b, s, 4)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 0, 0)


@pytest.mark.parametrize("allowzero", [0, 1])
def test_reshape_to_a_run_time_target(allowzero):
    """A Reshape target fed at run time: 0 copies the input dim (or is an empty dim with
    allowzero), -1 is inferred; a target that breaks the element count is refused at
    the door."""
    model = _model([helper.make_node("Reshape", ["X", "S"], ["Z"], allowzero=allowzero)],
                   [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", 4]),
                    helper.make_tensor_value_info("S", TensorProto.INT64, [3])],
                   [helper.make_tensor_value_info("Z", TensorProto.FLOAT, None)])
    compiled = polytile.compile(model)
    cases = [(3, [2, -1, 3]), (2, [-1, 1, 1]), (5, [5, 2, 2])] + ([] if allowzero else [(6, [0, 2, 2])])
    for n, target in cases:
        feeds = {"X": np.arange(n * 4, dtype=np.float32).reshape(n, 4), "S": np.array(target, np.int64)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 0, 0)
    with pytest.raises(InputError, match=r"input 'S' holds \[5, 5, 5\], which cannot reshape 'X'"):
        compiled.run({"X": np.zeros((3, 4), np.float32), "S": np.array([5, 5, 5], np.int64)})


@pytest.mark.parametrize("k, n, trans_b", [(7, 40, 0), (16, 32, 1), (33, 24, 0)])
@pytest.mark.parametrize("threads", [1, 2])
def test_packed_product_with_dynamic_rows(k, n, trans_b, threads):
    """The packed (register-tiled) product with a dynamic number of rows pads them
    to the register tile at run time: every row count is right, including those
    the tile does not divide, for MatMul (3-d A: the rows of every batch) and Gemm."""
    rng = np.random.default_rng(k * n)
    w = rng.standard_normal((n, k) if trans_b else (k, n)).astype(np.float32)
    gemm = _model([helper.make_node("Gemm", ["X", "W"], ["Y"], transB=trans_b)],
                  [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["m", k])],
                  [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["m", n])], {"W": w})
    matmul = _model([helper.make_node("MatMul", ["X", "W"], ["Y"])],
                    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["b", "s", k])],
                    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["b", "s", n])],
                    {"W": w.T.copy() if trans_b else w})
    for model, shapes in ((gemm, [(m, k) for m in (1, 2, 3, 5, 7, 8, 9, 15, 17, 64, 65)]),
                          (matmul, [(b, s, k) for b, s in ((1, 1), (1, 7), (2, 5), (3, 8), (4, 17))])):
        compiled = polytile.compile(model, threads=threads)
        assert "tensor.pad" in polytile.compile(model, threads=threads, emit="linalg")  # the packed form
        for shape in shapes:
            feeds = {"X": rng.standard_normal(shape).astype(np.float32)}
            assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), rtol=1e-4, atol=1e-4)


def test_scalar_inputs_are_checked_as_scalars():
    """A 0-d feed stays 0-d through the door check (regression: made 1-d by
    np.ascontiguousarray, every model with a scalar input was refused)."""
    model = _model([helper.make_node("Clip", ["X", "lo", "hi"], ["Y"])],
                   [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n"]),
                    helper.make_tensor_value_info("lo", TensorProto.FLOAT, []),
                    helper.make_tensor_value_info("hi", TensorProto.FLOAT, [])],
                   [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["n"])])
    compiled = polytile.compile(model, threads=1)
    feeds = {"X": np.linspace(-2, 2, 9, dtype=np.float32), "lo": np.array(-1, np.float32), "hi": np.array(0.5, np.float32)}
    assert_close(compiled.run(feeds), run_onnxruntime(model, feeds))
    with pytest.raises(InputError, match=r"input 'lo' has shape \(1,\) \(rank 1\), expected rank 0"):
        compiled.run(dict(feeds, lo=np.zeros(1, np.float32)))


def test_convnet_with_dynamic_batch_and_image_size():
    rng = np.random.default_rng(5)
    inits = {"W": rng.standard_normal((8, 3, 3, 3)).astype(np.float32) * 0.3,
             "B": rng.standard_normal(8).astype(np.float32),
             "D": rng.standard_normal((8, 1, 3, 3)).astype(np.float32) * 0.3}
    nodes = [helper.make_node("Conv", ["X", "W", "B"], ["c"], pads=[1, 1, 1, 1], strides=[2, 2]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("Conv", ["r", "D"], ["d"], group=8, pads=[1, 1, 1, 1]),
             helper.make_node("MaxPool", ["d"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("GlobalAveragePool", ["p"], ["Y"])]
    model = _model(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", 3, "h", "w"])],
                   [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["n", 8, 1, 1])], inits)
    compiled = polytile.compile(model, threads=2)
    for shape in [(1, 3, 8, 8), (2, 3, 13, 7), (3, 3, 16, 21)]:
        feeds = _feeds(model, {"X": shape}, seed=sum(shape))
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), rtol=1e-4, atol=1e-5)


def test_mobilenet_v2_compiled_once_runs_at_every_shape():
    """examples/mobilenet_v2.onnx with its input made [N, 3, H, W] (bench/dynamic_bench.py):
    one compile, the benchmark's shapes, onnxruntime's answers (test_models.py tolerances)."""
    model = onnx.load(os.path.join(REPO, "examples", "mobilenet_v2.onnx"))
    for dim, name in zip(model.graph.input[0].type.tensor_type.shape.dim, ["N", None, "H", "W"]):
        if name:
            dim.dim_param = name
    model.graph.output[0].type.tensor_type.shape.dim[0].dim_param = "N"
    compiled = polytile.compile(model, threads=2)
    name = model.graph.input[0].name
    for shape in ((1, 3, 224, 224), (2, 3, 160, 320)):
        feeds = {name: np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)}
        (actual,), (expected,) = compiled.run(feeds), run_onnxruntime(model, feeds)
        assert actual.shape == expected.shape
        np.testing.assert_allclose(actual, expected, rtol=1e-3, atol=1e-4 * float(np.abs(expected).max()))


def test_image_smaller_than_the_window_gives_no_windows():
    """A run-time size smaller than a (padded) window gives an empty result, never a
    negative size (which would read out of bounds)."""
    rng = np.random.default_rng(6)
    model = _model([helper.make_node("Conv", ["X", "W"], ["Y"])],
                   [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 2, "h", 6])],
                   [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)],
                   {"W": rng.standard_normal((4, 2, 3, 3)).astype(np.float32)})
    compiled = polytile.compile(model, threads=1)
    (y,) = compiled.run({"X": np.ones((1, 2, 2, 6), np.float32)})
    assert y.shape == (1, 4, 0, 4)
    feeds = {"X": rng.standard_normal((1, 2, 5, 6)).astype(np.float32)}
    assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), rtol=1e-4, atol=1e-5)


def test_cuda_target_refuses_dynamic_dims_and_takes_pinned_ones():
    """No GPU needed: the refusal comes before any GPU work, naming the input."""
    model = _mlp("dim_param")
    with pytest.raises(polytile.PolytileError, match=r"cuda target does not support dynamic dims yet: "
                                                     r"input 'X' is \?x20; pin them"):
        polytile.compile(model, target="cuda", emit="gpu")
    assert "gpu.launch" in polytile.compile(model, target="cuda", emit="gpu", input_shapes={"X": (4, 20)})


def _one_node(node, x_dims, inits=None, out="Z"):
    return _model([node], [helper.make_tensor_value_info("X", TensorProto.FLOAT, x_dims)],
                  [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)], inits)


@pytest.mark.parametrize("model, message", [
    (lambda: _one_node(helper.make_node("Conv", ["X", "W"], ["Z"], name="c", auto_pad="SAME_UPPER"),
                       [1, 2, "h", 5], {"W": np.ones((3, 2, 3, 3), np.float32)}),
     r"node 'c' \(Conv\): auto_pad 'SAME_UPPER' over a dynamic spatial dim"),
    (lambda: _one_node(helper.make_node("Squeeze", ["X"], ["Z"], name="sq"), ["n", 1]),
     r"node 'sq' \(Squeeze\): Squeeze without axes of an input with dynamic dims"),
])
def test_unsupported_dynamic_imports_name_the_node(model, message):
    with pytest.raises(OnnxImportError, match=message):
        polytile.compile(model())


@pytest.mark.parametrize("nodes, extra_inputs", [
    # a shape as a graph output
    ([helper.make_node("Shape", ["X"], ["Z"])], []),
    # a shape mixed with a run-time tensor
    ([helper.make_node("Shape", ["X"], ["s"]), helper.make_node("Add", ["s", "K"], ["Z"])],
     [helper.make_tensor_value_info("K", TensorProto.INT64, [2])]),
    # a product of dims (no single symbol), concatenated with a dim and sliced
    ([helper.make_node("Shape", ["X"], ["s1"], start=-1), helper.make_node("Shape", ["X"], ["s0"], end=1),
      helper.make_node("Shape", ["X"], ["s"]), helper.make_node("Mul", ["s1", "s0"], ["p"]),
      helper.make_node("Concat", ["s0", "p", "s"], ["Z"], axis=0)], []),
])
def test_shapes_known_at_run_time_become_tensors(nodes, extra_inputs):
    """A shape with dynamic dims that is needed as a tensor (an output, an operand of an
    op that shape_values cannot follow) is computed at run time (tg.shape_of and the
    ops of its chain)."""
    model = _model(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", "m"])] + extra_inputs,
                   [helper.make_tensor_value_info("Z", TensorProto.INT64, None)])
    compiled = polytile.compile(model)
    for n, m in ((1, 3), (5, 2)):
        feeds = {"X": np.zeros((n, m), np.float32)}
        if extra_inputs:
            feeds["K"] = np.array([7, -1], np.int64)
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 0, 0)


def test_negative_pinned_size_is_refused():
    with pytest.raises(OnnxImportError, match=r"input_shapes pins input 'X' dim 0 to -2; sizes must be >= 0"):
        polytile.compile(_mlp("dim_param"), input_shapes={"X": (-2, 20)})


@pytest.mark.parametrize("op,kernel,stride,pad,ceil,include", [
    ("MaxPool", 2, 2, 0, 1, 0), ("MaxPool", 3, 2, 1, 1, 0), ("MaxPool", 3, 1, 1, 0, 0),
    ("AveragePool", 2, 2, 0, 1, 0), ("AveragePool", 3, 2, 1, 1, 0), ("AveragePool", 3, 2, 1, 1, 1),
    ("AveragePool", 3, 1, 1, 0, 0), ("AveragePool", 2, 1, 1, 0, 1), ("AveragePool", 2, 2, 1, 1, 1),
    ("AveragePool", 3, 2, 0, 0, 0)])
def test_pools_with_dynamic_spatial_dims(op, kernel, stride, pad, ceil, include):
    """ceil_mode and AveragePool's count_include_pad = 0 with pads over dynamic H/W: the
    window count, the extra padding and the divisor are computed at run time."""
    attrs = dict(kernel_shape=[kernel] * 2, strides=[stride] * 2, pads=[pad, pad, 0, pad], ceil_mode=ceil)
    if op == "AveragePool":
        attrs["count_include_pad"] = include
    graph = onnx.helper.make_graph(
        [onnx.helper.make_node(op, ["x"], ["y"], **attrs)], "pool",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["n", 2, "h", "w"])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)])
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 19)])
    compiled = polytile.compile(model)
    rng = np.random.default_rng(0)
    for shape in ((1, 2, 5, 6), (2, 2, 8, 7), (1, 2, 3, 4)):
        feeds = {"x": rng.standard_normal(shape).astype(np.float32)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 1e-5, 1e-5)


@pytest.mark.parametrize("mode, pads", [
    ("constant", [1, 2, 0, 3]), ("constant", [-1, 1, 1, -1]), ("reflect", [1, 2, 0, 3]),
    ("edge", [0, 1, 2, 0]), ("wrap", [1, 2, 0, 3])])
def test_pad_with_dynamic_dims(mode, pads):
    """Pad of dynamic dims (constant pads): crop, fill, or gather (edge/reflect/wrap) with
    run-time sizes."""
    model = _model([helper.make_node("Pad", ["X", "P"], ["Z"], mode=mode)],
                   [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", "m"])],
                   [helper.make_tensor_value_info("Z", TensorProto.FLOAT, None)],
                   {"P": np.array(pads, np.int64)})
    compiled = polytile.compile(model)
    rng = np.random.default_rng(1)
    for shape in ((4, 5), (6, 4), (5, 7)):
        feeds = {"X": rng.standard_normal(shape).astype(np.float32)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 0, 0)

"""Graph-family ops (Identity, Dropout) and the tg graph passes (tg-remove-identity,
tg-fold-constants, tg-fold-batchnorm-into-conv, tg-cse): numerics of small ONNX
models against onnxruntime after the passes, and the tg IR they leave."""
import re
from collections import Counter

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import polytile
from onnx_check import assert_close, check_model, check_node, make_model, run_onnxruntime
from polytile import pipelines
from polytile.importers.onnx import graph as onnx_graph

rng = np.random.default_rng(0)

ALL_DTYPES = [np.float32, np.float64, np.float16, np.int8, np.int16, np.int32, np.int64,
              np.uint8, np.bool_]
FLOAT_DTYPES = [np.float32, np.float64, np.float16]


def sample(shape, dtype=np.float32):
    if dtype == np.bool_:
        return rng.random(shape) > 0.5
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -100), min(info.max, 100), shape, endpoint=True).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def tg_ops(model, **kwargs) -> Counter:
    """How many of each tg op the model has after the graph passes."""
    return Counter(re.findall(r'"tg\.(\w+)"', polytile.compile(model, emit="tg", **kwargs)))


@pytest.fixture
def no_graph_passes(monkeypatch):
    """Compile without graph passes, so that the lowerings of the forwarding ops run."""
    monkeypatch.setattr(pipelines, "tg_graph_passes", lambda: [])


@pytest.fixture
def no_import_folding(monkeypatch):
    """Import ops on constant inputs as tg ops instead of folding them in the importer,
    so that tg-fold-constants has to fold them."""
    monkeypatch.setattr(onnx_graph, "FOLD_LIMIT", 0)


def model_of(nodes, inputs, outputs, initializers=None, opset=17, output_types=None):
    return make_model(nodes, inputs, outputs, initializers, opset, output_types)


# ----------------------------------------------------------------------------
# Identity and Dropout
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_identity_dtypes(dtype):
    check_node("Identity", {"X": sample((2, 3, 4), dtype)})


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8, np.bool_], ids=lambda d: np.dtype(d).name)
def test_identity_lowering(no_graph_passes, dtype):
    model = model_of([helper.make_node("Identity", ["X"], ["Y"])], {"X": sample((3, 5), dtype)}, ["Y"])
    assert tg_ops(model) == {"identity": 1}
    check_model(model, {"X": sample((3, 5), dtype)})


@pytest.mark.parametrize("opset", [7, 13, 14, 16, 19, 21, 23, 24, 25])
def test_identity_opsets(opset):
    x = sample((4,))
    graph = helper.make_graph([helper.make_node("Identity", ["X"], ["Y"])], "g",
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    # onnxruntime reads neither this IR version nor opsets past 23: Identity is exact.
    (y,) = polytile.compile(model).run({"X": x})
    np.testing.assert_array_equal(y, x)


def test_identity_of_initializer():
    check_node("Identity", {}, initializers={"C": sample((2, 2))})


def _dropout_model(dtype, opset, with_mask, ratio=None, training=None, attrs=None):
    """Dropout of X; ``ratio``/``training`` become initializers (opset >= 12)."""
    etype = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    inputs, inits = ["X"], []
    for name, value in (("R", ratio), ("T", training)):
        if value is not None:
            inputs.append(name)
            inits.append(onnx.numpy_helper.from_array(np.asarray(value), name))
        elif name == "R" and training is not None:
            inputs.append("")
    outputs = ["Y", "M"] if with_mask else ["Y"]
    node = helper.make_node("Dropout", inputs, outputs, **(attrs or {}))
    mask_type = TensorProto.BOOL if opset >= 10 else etype
    graph_outputs = [helper.make_tensor_value_info("Y", etype, [2, 3, 4])]
    if with_mask:
        graph_outputs.append(helper.make_tensor_value_info("M", mask_type, [2, 3, 4]))
    graph = helper.make_graph([node], "dropout", [helper.make_tensor_value_info("X", etype, [2, 3, 4])],
                              graph_outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    onnx.checker.check_model(model)
    return model


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("opset", [7, 10, 12, 13, 22])
@pytest.mark.parametrize("with_mask", [False, True], ids=["y", "y_mask"])
def test_dropout(dtype, opset, with_mask):
    attrs = {"ratio": 0.3} if opset < 12 else {}
    model = _dropout_model(dtype, opset, with_mask, attrs=attrs)
    check_model(model, {"X": sample((2, 3, 4), dtype)})


@pytest.mark.parametrize("ratio,training", [
    (np.float32(0.4), None), (np.float32(0.4), np.bool_(False)), (None, np.bool_(False)),
    (np.float32(0.0), np.bool_(True)),  # training with ratio 0 keeps every element
])
def test_dropout_ratio_and_training_mode(ratio, training):
    model = _dropout_model(np.float32, 13, True, ratio=ratio, training=training)
    check_model(model, {"X": sample((2, 3, 4))})


def test_dropout_lowering(no_graph_passes):
    model = _dropout_model(np.float32, 13, False)
    assert tg_ops(model) == {"dropout": 1}
    check_model(model, {"X": sample((2, 3, 4))})


def test_dropout_of_initializer():
    node = helper.make_node("Dropout", ["C"], ["Y", "M"])
    model = model_of([node], {}, ["Y", "M"], initializers={"C": sample((3,))}, opset=13)
    check_model(model, {})


@pytest.mark.parametrize("ratio", [np.float32(0.5), None])
def test_dropout_training_is_unsupported(ratio):
    model = _dropout_model(np.float32, 13, False, ratio=ratio, training=np.bool_(True))
    with pytest.raises(polytile.OnnxImportError, match="training_mode=true with a non-zero ratio"):
        polytile.compile(model)


def test_dropout_run_time_training_mode():
    """A run-time training_mode (a graph input) is checked when the model runs: false
    is the identity; true with the default ratio would need random numbers: InputError."""
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [3])
    t = helper.make_tensor_value_info("T", TensorProto.BOOL, [])
    node = helper.make_node("Dropout", ["X", "", "T"], ["Y"])
    graph = helper.make_graph([node], "g", [x, t], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    compiled = polytile.compile(model)
    x = sample((3,))
    np.testing.assert_array_equal(compiled.run({"X": x, "T": np.array(False)})[0], x)
    with pytest.raises(polytile.InputError, match=r"input 'T' holds \[True\]: .* training mode"):
        compiled.run({"X": x, "T": np.array(True)})


def test_dropout_training_run_time_ratio():
    """training_mode true and a run-time ratio: the identity for a ratio of 0, else InputError."""
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [3])
    r = helper.make_tensor_value_info("R", TensorProto.FLOAT, [])
    t = onnx.numpy_helper.from_array(np.array(True), "T")
    node = helper.make_node("Dropout", ["X", "R", "T"], ["Y"])
    graph = helper.make_graph([node], "g", [x, r], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [3])], [t])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    compiled = polytile.compile(model)
    x = sample((3,))
    np.testing.assert_array_equal(compiled.run({"X": x, "R": np.array(0.0, np.float32)})[0], x)
    with pytest.raises(polytile.InputError, match=r"input 'R' holds \[0.5\]"):
        compiled.run({"X": x, "R": np.array(0.5, np.float32)})


def test_identity_dropout_chain_is_removed():
    nodes = [helper.make_node("Identity", ["X"], ["a"]),
             helper.make_node("Dropout", ["a"], ["b"]),
             helper.make_node("Relu", ["b"], ["c"]),
             helper.make_node("Identity", ["c"], ["d"]),
             helper.make_node("Dropout", ["d"], ["e"]),
             helper.make_node("Add", ["e", "a"], ["Y"])]
    x = sample((2, 5))
    model = model_of(nodes, {"X": x}, ["Y"], opset=13)
    assert tg_ops(model) == {"relu": 1, "add": 1}
    check_model(model, {"X": x})


# ----------------------------------------------------------------------------
# tg-fold-batchnorm-into-conv
# ----------------------------------------------------------------------------

def _conv_bn_model(x_shape, w_shape, conv_attrs, conv_bias, epsilon=1e-5, extra_use=False):
    channels = w_shape[0]
    inits = {"W": sample(w_shape), "scale": sample((channels,)), "bn_b": sample((channels,)),
             "mean": sample((channels,)), "var": rng.random(channels).astype(np.float32) + 0.5}
    conv_inputs = ["X", "W"]
    if conv_bias:
        inits["B"] = sample((channels,))
        conv_inputs.append("B")
    nodes = [helper.make_node("Conv", conv_inputs, ["c"], **conv_attrs),
             helper.make_node("BatchNormalization", ["c", "scale", "bn_b", "mean", "var"], ["Y"],
                              epsilon=epsilon)]
    outputs = ["Y"]
    if extra_use:
        nodes.append(helper.make_node("Relu", ["c"], ["Z"]))
        outputs.append("Z")
    x = sample(x_shape)
    return model_of(nodes, {"X": x}, outputs, initializers=inits), x


@pytest.mark.parametrize("conv_bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("x_shape,w_shape,attrs", [
    ((1, 3, 8, 8), (4, 3, 3, 3), {}),
    ((2, 4, 7, 7), (6, 2, 3, 3), {"group": 2, "strides": [2, 2], "pads": [1, 1, 1, 1]}),
    ((1, 4, 6, 6), (4, 1, 3, 3), {"group": 4, "dilations": [2, 2]}),
    ((1, 2, 9), (3, 2, 3), {"strides": [2]}),
], ids=["plain", "grouped_strided_padded", "depthwise_dilated", "conv1d"])
def test_conv_batchnorm_folded(x_shape, w_shape, attrs, conv_bias):
    model, x = _conv_bn_model(x_shape, w_shape, attrs, conv_bias, epsilon=1e-3)
    assert tg_ops(model) == {"conv": 1, "constant": 2}
    check_model(model, {"X": x}, rtol=1e-4, atol=1e-5)


def test_conv_batchnorm_second_use_not_folded():
    model, x = _conv_bn_model((1, 2, 5, 5), (3, 2, 3, 3), {}, True, extra_use=True)
    ops = tg_ops(model)
    assert ops["conv"] == 1 and ops["batch_normalization"] == 1
    check_model(model, {"X": x})


def test_conv_batchnorm_runtime_weights_not_folded():
    x, w = sample((1, 2, 5, 5)), sample((3, 2, 3, 3))
    inits = {"scale": sample((3,)), "bn_b": sample((3,)), "mean": sample((3,)), "var": np.ones(3, np.float32)}
    nodes = [helper.make_node("Conv", ["X", "W"], ["c"]),
             helper.make_node("BatchNormalization", ["c", "scale", "bn_b", "mean", "var"], ["Y"])]
    model = model_of(nodes, {"X": x, "W": w}, ["Y"], initializers=inits)
    assert tg_ops(model)["batch_normalization"] == 1
    check_model(model, {"X": x, "W": w})


def test_resnet_block_folds_every_batchnorm():
    """conv-bn-relu-conv-bn + skip, the ResNet basic block."""
    c = 4
    inits = {}
    for i in (1, 2):
        inits.update({f"W{i}": sample((c, c, 3, 3)) * 0.3, f"s{i}": sample((c,)), f"b{i}": sample((c,)),
                      f"m{i}": sample((c,)), f"v{i}": rng.random(c).astype(np.float32) + 0.5})
    nodes = [helper.make_node("Conv", ["X", "W1"], ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c1", "s1", "b1", "m1", "v1"], ["n1"]),
             helper.make_node("Relu", ["n1"], ["r1"]),
             helper.make_node("Conv", ["r1", "W2"], ["c2"], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c2", "s2", "b2", "m2", "v2"], ["n2"]),
             helper.make_node("Add", ["n2", "X"], ["a"]),
             helper.make_node("Relu", ["a"], ["Y"])]
    x = sample((1, c, 6, 6))
    model = model_of(nodes, {"X": x}, ["Y"], initializers=inits)
    ops = tg_ops(model)
    assert "batch_normalization" not in ops and ops["conv"] == 2
    check_model(model, {"X": x}, rtol=1e-4, atol=1e-4)


# ----------------------------------------------------------------------------
# tg-fold-constants
# ----------------------------------------------------------------------------

def test_constant_subgraph_folded_by_the_pass(no_import_folding):
    """W -> Transpose -> Mul(2) -> Reshape -> MatMul(X, .): only the MatMul is left."""
    inits = {"W": sample((4, 3)), "two": np.float32(2.0), "shape": np.array([3, 4], np.int64)}
    nodes = [helper.make_node("Transpose", ["W"], ["wt"], perm=[1, 0]),
             helper.make_node("Mul", ["wt", "two"], ["w2"]),
             helper.make_node("Reshape", ["w2", "shape"], ["w3"]),
             helper.make_node("Relu", ["w3"], ["w4"]),
             helper.make_node("MatMul", ["X", "w4"], ["Y"])]
    x = sample((2, 3))
    model = model_of(nodes, {"X": x}, ["Y"], initializers=inits)
    assert tg_ops(model) == {"matmul": 1, "constant": 1}
    check_model(model, {"X": x})


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int8, np.int32, np.int64, np.uint8],
                         ids=lambda d: np.dtype(d).name)
def test_constant_arithmetic_dtypes(no_import_folding, dtype):
    a, b = sample((2, 3), dtype), sample((3,), dtype)
    nodes = [helper.make_node("Mul", ["A", "B"], ["ab"]),
             helper.make_node("Sub", ["ab", "A"], ["c"]),
             helper.make_node("Add", ["X", "c"], ["Y"])]
    x = sample((2, 3), dtype)
    model = model_of(nodes, {"X": x}, ["Y"], initializers={"A": a, "B": b})
    assert tg_ops(model) == {"add": 1, "constant": 1}
    check_model(model, {"X": x}, rtol=1e-3, atol=1e-3)


def test_constant_bool_subgraph(no_import_folding):
    """Not -> Cast folds to a float constant; Not alone to a bool one feeding Where."""
    a = np.array([True, False, True, True, False])
    nodes = [helper.make_node("Not", ["A"], ["na"]),
             helper.make_node("Cast", ["na"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["X", "f"], ["m"]),
             helper.make_node("Where", ["na", "X", "m"], ["Y"])]
    x = sample((5,))
    model = model_of(nodes, {"X": x}, ["Y"], initializers={"A": a})
    assert tg_ops(model) == {"mul": 1, "where": 1, "constant": 2}
    check_model(model, {"X": x})


def test_splat_result_stays_splat(no_import_folding):
    nodes = [helper.make_node("Add", ["A", "B"], ["c"]),
             helper.make_node("Mul", ["X", "c"], ["Y"])]
    x = sample((64, 64))
    model = model_of(nodes, {"X": x}, ["Y"], initializers={"A": np.full((64, 64), 1.5, np.float32),
                                                          "B": np.float32(0.5)})
    text = polytile.compile(model, emit="tg")
    assert "dense<2.000000e+00> : tensor<64x64xf32>" in text
    check_model(model, {"X": x})


@pytest.mark.parametrize("node,inits", [
    (helper.make_node("ReduceSum", ["C", "axes"], ["k"], keepdims=0), {"axes": np.array([1], np.int64)}),
    (helper.make_node("Slice", ["C", "starts", "ends"], ["k"]),
     {"starts": np.array([0, 1], np.int64), "ends": np.array([4, 3], np.int64)}),
    (helper.make_node("Softmax", ["C"], ["k"], axis=1), {}),
    (helper.make_node("Cast", ["C"], ["k"], to=TensorProto.INT32), {}),
    (helper.make_node("Transpose", ["C"], ["k"], perm=[1, 0]), {}),
    (helper.make_node("Gemm", ["C", "C"], ["k"], transB=1, alpha=0.5), {}),
], ids=["reduce_sum_axes_input", "slice_inputs", "softmax", "cast_type_attribute", "transpose", "gemm"])
def test_fold_through_other_families(no_import_folding, node, inits):
    """Attributes that are ONNX inputs (axes, starts, ends) or types (Cast's `to`)
    map back; the result feeds an op on the model input."""
    c = sample((4, 4))
    inits = {"C": c, **inits}
    probe = model_of([node], {}, ["k"], initializers=inits)
    folded = run_onnxruntime(probe, {})[0]
    x = sample(folded.shape, folded.dtype.type)
    nodes = [node, helper.make_node("Add", ["X", "k"], ["Y"])]
    model = model_of(nodes, {"X": x}, ["Y"], initializers=inits)
    assert tg_ops(model) == {"add": 1, "constant": 1}
    check_model(model, {"X": x})


def _folded_outputs(model) -> list:
    """Import (nothing folded by the importer), run the graph passes and return
    the numpy value of each function result, None where it is not a constant."""
    from mlir import ir
    from polytile.targets.driver import run_passes
    from polytile.passes.graph.tg_fold_constants import constant_array

    module, _, _ = onnx_graph.import_graph(model)
    with module.context, ir.Location.unknown():
        run_passes(module, pipelines.tg_graph_passes())
        block = module.body.operations[0].regions[0].blocks[0]
        ret = list(block.operations)[-1]
        return [constant_array(v) for v in ret.operands]


I64 = lambda *v: np.array(v, np.int64)  # noqa: E731

FOLD_CASES = {
    # tg attributes that are ONNX inputs, ONNX attributes, variadic and optional operands
    "reduce_sum_noop_empty_axes": (helper.make_node("ReduceSum", ["C", "axes"], ["Y"], noop_with_empty_axes=1),
                                   {"axes": I64()}),
    "reduce_max_keepdims": (helper.make_node("ReduceMax", ["C", "axes"], ["Y"]), {"axes": I64(-1)}),
    "arg_min": (helper.make_node("ArgMin", ["C"], ["Y"], axis=1, keepdims=0), {}),
    "pad_constant_value": (helper.make_node("Pad", ["C", "pads", "v"], ["Y"]),
                           {"pads": I64(1, 0, 0, 2), "v": np.float32(7.0)}),
    "pad_reflect": (helper.make_node("Pad", ["C", "pads"], ["Y"], mode="reflect"), {"pads": I64(0, 1, 0, 1)}),
    "concat": (helper.make_node("Concat", ["C", "C"], ["Y"], axis=0), {}),
    "max_variadic": (helper.make_node("Max", ["C", "D"], ["Y"]), {"D": np.float32(0.1)}),
    "clip_min_only": (helper.make_node("Clip", ["C", "lo"], ["Y"]), {"lo": np.float32(-0.2)}),
    "tile": (helper.make_node("Tile", ["C", "r"], ["Y"]), {"r": I64(2, 1)}),
    "expand": (helper.make_node("Expand", ["C", "s"], ["Y"]), {"s": I64(2, 4, 4)}),
    "slice_steps": (helper.make_node("Slice", ["C", "b", "e", "a", "st"], ["Y"]),
                    {"b": I64(3), "e": I64(0), "a": I64(1), "st": I64(-2)}),
    "gather": (helper.make_node("Gather", ["C", "i"], ["Y"], axis=1), {"i": I64(3, 0, 0)}),
    "cumsum_reverse": (helper.make_node("CumSum", ["C", "ax"], ["Y"], reverse=1), {"ax": np.int64(1)}),
    "trilu_k": (helper.make_node("Trilu", ["C", "k"], ["Y"], upper=0), {"k": np.int64(1)}),
    "topk_smallest": (helper.make_node("TopK", ["C", "K"], ["Y", "I"], largest=0), {"K": I64(2)}),
    "softmax_axis0": (helper.make_node("Softmax", ["C"], ["Y"], axis=0), {}),
    "cast_to_int64": (helper.make_node("Cast", ["C"], ["Y"], to=TensorProto.INT64), {}),
    "leaky_relu_alpha": (helper.make_node("LeakyRelu", ["C"], ["Y"], alpha=0.3), {}),
    "flatten": (helper.make_node("Flatten", ["C"], ["Y"], axis=0), {}),
    "where": (helper.make_node("Where", ["m", "C", "D"], ["Y"]),
              {"m": np.array([True, False, False, True]), "D": np.float32(-1.0)}),
    "resize_scales": (helper.make_node("Resize", ["C", "", "sc"], ["Y"], mode="linear"),
                      {"sc": np.array([1.0, 1.5], np.float32)}),
    "resize_sizes_nearest": (helper.make_node("Resize", ["C", "", "", "sz"], ["Y"]), {"sz": I64(3, 6)}),
}


@pytest.mark.parametrize("case", list(FOLD_CASES))
def test_fold_matches_onnxruntime(no_import_folding, case):
    """Ops of every family on constant inputs fold to what onnxruntime computes."""
    node, inits = FOLD_CASES[case]
    inits = {"C": sample((4, 4)), **inits}
    outputs = [o for o in node.output]
    model = model_of([node], {}, outputs, initializers=inits, opset=18)
    expected = run_onnxruntime(model, {})
    folded = _folded_outputs(model)
    assert all(f is not None for f in folded), "not folded"
    assert_close(folded, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("node,outputs", [
    (helper.make_node("Split", ["C", "split"], ["k0", "k1"], axis=1), ["k0", "k1"]),
    (helper.make_node("TopK", ["C", "K"], ["k0", "k1"], axis=1), ["k0", "k1"]),
], ids=["split", "topk"])
def test_fold_multiple_results(no_import_folding, node, outputs):
    inits = {"C": sample((3, 4)), "split": np.array([1, 3], np.int64), "K": np.array([2], np.int64)}
    inits = {k: v for k, v in inits.items() if k in node.input}
    model = model_of([node], {}, outputs, initializers=inits)
    assert set(tg_ops(model)) == {"constant"}
    check_model(model, {})


def test_attention_with_past_folds(no_import_folding):
    """tg.attention_with_past on constants folds (as ONNX Attention with its past
    inputs, its fold fact); the result matches onnxruntime."""
    q, k, v = sample((1, 2, 3, 4)), sample((1, 2, 2, 4)), sample((1, 2, 2, 4))
    past_k, past_v = sample((1, 2, 1, 4)), sample((1, 2, 1, 4))
    nodes = [helper.make_node("Attention", ["Q", "K", "V", "", "PK", "PV"], ["att", "present_k", "present_v"],
                              is_causal=1),
             helper.make_node("Add", ["X", "att"], ["Y"])]
    x = sample((1, 2, 3, 4))
    model = model_of(nodes, {"X": x}, ["Y"], opset=23,
                     initializers={"Q": q, "K": k, "V": v, "PK": past_k, "PV": past_v})
    assert tg_ops(model) == {"add": 1, "constant": 1}
    check_model(model, {"X": x}, rtol=1e-4, atol=1e-5)


def test_fold_size_limit_respected(no_import_folding, monkeypatch):
    """A result over the pass's size limit stays an op (and still computes right)."""
    from polytile.passes.graph import tg_fold_constants
    monkeypatch.setattr(pipelines, "tg_graph_passes", lambda: ["tg-fold-constants{size-limit=8}", "tg-dce"])
    nodes = [helper.make_node("Relu", ["A"], ["small"]), helper.make_node("Relu", ["B"], ["big"]),
             helper.make_node("Add", ["X", "small"], ["s"]), helper.make_node("Add", ["s", "big"], ["Y"])]
    x = sample((4, 4))
    model = model_of(nodes, {"X": x}, ["Y"], initializers={"A": sample((4,)), "B": sample((4, 4))})
    assert tg_ops(model)["relu"] == 1
    check_model(model, {"X": x})
    assert tg_fold_constants.onnx_op_type("matmul") == "MatMul"


# ----------------------------------------------------------------------------
# tg-cse
# ----------------------------------------------------------------------------

def test_duplicated_subexpressions_merge():
    nodes = [helper.make_node("Relu", ["X"], ["r1"]), helper.make_node("Relu", ["X"], ["r2"]),
             helper.make_node("Mul", ["r1", "C1"], ["m1"]), helper.make_node("Mul", ["r2", "C2"], ["m2"]),
             helper.make_node("Add", ["m1", "m2"], ["Y"])]
    x, c = sample((3, 4)), sample((4,))
    model = model_of(nodes, {"X": x}, ["Y"], initializers={"C1": c, "C2": c.copy()})
    assert tg_ops(model) == {"relu": 1, "mul": 1, "add": 1, "constant": 1}
    check_model(model, {"X": x})


def test_distinct_subexpressions_kept():
    nodes = [helper.make_node("Sub", ["X", "Z"], ["a"]), helper.make_node("Sub", ["Z", "X"], ["b"]),
             helper.make_node("Transpose", ["a"], ["t1"], perm=[1, 0]),
             helper.make_node("Transpose", ["b"], ["t2"], perm=[1, 0]),
             helper.make_node("Add", ["t1", "t2"], ["Y"])]
    x, z = sample((3, 4)), sample((3, 4))
    model = model_of(nodes, {"X": x, "Z": z}, ["Y"])
    assert tg_ops(model) == {"sub": 2, "transpose": 2, "add": 1}
    check_model(model, {"X": x, "Z": z})


def test_all_graph_passes_together(no_import_folding):
    """Identity chains, a constant subgraph feeding conv weights, conv+bn, and a
    duplicated branch: one conv, one relu and one add are left."""
    inits = {"W0": sample((3, 2, 3, 3)), "half": np.float32(0.5), "scale": sample((3,)),
             "b": sample((3,)), "mean": sample((3,)), "var": rng.random(3).astype(np.float32) + 0.5}
    nodes = [helper.make_node("Identity", ["X"], ["x1"]),
             helper.make_node("Mul", ["W0", "half"], ["W"]),
             helper.make_node("Conv", ["x1", "W"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "scale", "b", "mean", "var"], ["n"]),
             helper.make_node("Dropout", ["n"], ["d"]),
             helper.make_node("Relu", ["d"], ["r1"]),
             helper.make_node("Relu", ["n"], ["r2"]),
             helper.make_node("Add", ["r1", "r2"], ["Y"])]
    x = sample((1, 2, 5, 5))
    model = model_of(nodes, {"X": x}, ["Y"], initializers=inits, opset=13)
    assert tg_ops(model) == {"conv": 1, "relu": 1, "add": 1, "constant": 2}
    check_model(model, {"X": x}, rtol=1e-4, atol=1e-4)

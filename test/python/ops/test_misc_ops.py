"""Numerics of BitCast, ReverseSequence, TensorScatter, DeformConv, the training
optimizers (ai.onnx.preview.training Adagrad, Adam, Momentum) and the ai.onnx.ml
ops Binarizer, ArrayFeatureExtractor and TreeEnsemble, against onnxruntime, or
ONNX's reference implementation where onnxruntime has no kernel (the training
ops, TreeEnsemble). Small shapes with remainder sizes; each compile runs on
several inputs where the inputs are run-time values (T, sequence_lens, ...).
"""
from __future__ import annotations

import ml_dtypes
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import polytile
from onnx_check import assert_close, run_onnxruntime

rng = np.random.default_rng(11)
TRAINING = "ai.onnx.preview.training"
ML = "ai.onnx.ml"


def randn(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def model_of(node, inputs: dict, outputs, opset: int = 17, domains: dict = None) -> onnx.ModelProto:
    """A one-node model; ``outputs`` are names (types from shape inference)."""
    graph_inputs = [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
                    for n, a in inputs.items()]
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in (domains or {}).items()]
    probe = helper.make_model(helper.make_graph([node], "probe", graph_inputs,
                                                [helper.make_empty_tensor_value_info(o) for o in outputs]),
                              opset_imports=opsets, ir_version=10)
    inferred = onnx.shape_inference.infer_shapes(probe)
    known = {vi.name: vi for vi in inferred.graph.output}
    graph = helper.make_graph([node], "misc", graph_inputs, [known[o] for o in outputs])
    return helper.make_model(graph, opset_imports=opsets, ir_version=10)


def check(model, feeds_list, reference=False, threads=None, rtol=1e-5, atol=1e-6):
    """Compile once, run on each feeds dict, compare with onnxruntime or the reference."""
    compiled = polytile.compile(model, threads=threads)
    # the reference computes some outputs in float64: compare in the declared output types
    declared = [helper.tensor_dtype_to_np_dtype(o.type.tensor_type.elem_type) for o in model.graph.output]
    for feeds in feeds_list:
        expected = ReferenceEvaluator(model).run(None, feeds) if reference else run_onnxruntime(model, feeds)
        if reference:
            expected = [np.asarray(e).astype(t) for e, t in zip(expected, declared)]
        assert_close(compiled.run(feeds), expected, rtol, atol)


def refused(model, match):
    with pytest.raises(Exception, match=match):
        polytile.compile(model)


# ---------------------------------------------------------------------------
# BitCast
# ---------------------------------------------------------------------------

BIT_CASTS = [
    (np.float32, TensorProto.INT32), (np.int64, TensorProto.DOUBLE), (np.uint16, TensorProto.FLOAT16),
    (ml_dtypes.bfloat16, TensorProto.INT16), (np.bool_, TensorProto.UINT8), (np.uint8, TensorProto.BOOL),
    (np.int8, TensorProto.FLOAT8E4M3FN), (np.uint32, TensorProto.INT32),
]


@pytest.mark.parametrize("dtype,to", BIT_CASTS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_bit_cast(dtype, to):
    if dtype is np.bool_:
        x = rng.random((3, 5)) < 0.5
    elif np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max, (3, 5), endpoint=True, dtype=np.int64).astype(dtype)
        if to == TensorProto.BOOL:  # 0/1 bytes: other values are not valid bools
            x = (x % 2).astype(dtype)
    else:
        x = randn(3, 5).astype(dtype)
    model = model_of(helper.make_node("BitCast", ["X"], ["Y"], to=to), {"X": x}, ["Y"], opset=26)
    actual = polytile.compile(model).run({"X": x})[0]
    expected = x.view(helper.tensor_dtype_to_np_dtype(to))
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes()


def test_bit_cast_threads_and_refusal():
    x = randn(67, 9)
    model = model_of(helper.make_node("BitCast", ["X"], ["Y"], to=TensorProto.UINT32), {"X": x}, ["Y"], 26)
    assert (polytile.compile(model, threads=2).run({"X": x})[0] == x.view(np.uint32)).all()
    wider = helper.make_model(helper.make_graph(
        [helper.make_node("BitCast", ["X"], ["Y"], to=TensorProto.DOUBLE)], "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("Y", TensorProto.DOUBLE, [4])]),
        opset_imports=[helper.make_opsetid("", 26)], ir_version=10)
    refused(wider, "same bit width")


# ---------------------------------------------------------------------------
# ReverseSequence
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("batch_axis,time_axis,dtype", [(1, 0, np.float32), (0, 1, np.int64)])
def test_reverse_sequence(batch_axis, time_axis, dtype):
    shape = [5, 3, 7] if time_axis == 0 else [3, 5, 7]
    x = (randn(*shape) * 10).astype(dtype)
    node = helper.make_node("ReverseSequence", ["X", "L"], ["Y"], batch_axis=batch_axis, time_axis=time_axis)
    feeds = [{"X": x, "L": np.array(lens, np.int64)} for lens in ([5, 1, 3], [0, 5, 2])]
    check(model_of(node, feeds[0], ["Y"], opset=10), feeds)


# ---------------------------------------------------------------------------
# TensorScatter
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode,axis,with_indices", [("linear", -2, True), ("circular", 2, True),
                                                    ("linear", 1, False), ("circular", -2, False)])
def test_tensor_scatter(mode, axis, with_indices):
    past = randn(3, 4, 7, 5)
    shape = list(past.shape)
    shape[axis] = 3
    update = randn(*shape)
    axis_len = past.shape[axis]
    inputs = {"P": past, "U": update}
    cases = [[0, 4, 2], [1, 3, 4]] if mode == "linear" else [[6, 5, 0], [2, 13, 7]]
    if axis % 4 == 1:
        cases = [[0, 1, 0]]
    node = helper.make_node("TensorScatter", ["P", "U"] + (["W"] if with_indices else []), ["Y"],
                            mode=mode, axis=axis)
    feeds = [dict(inputs, W=np.array(c, np.int64)) if with_indices else inputs for c in cases]
    assert mode == "circular" or all(max(f.get("W", [0])) + 3 <= axis_len for f in feeds)
    check(model_of(node, feeds[0], ["Y"], opset=24), feeds)


# ---------------------------------------------------------------------------
# DeformConv
# ---------------------------------------------------------------------------

DEFORM_CASES = [  # group, offset_group, strides, dilations, pads, mask, bias, dtype
    (1, 1, [1, 1], [1, 1], [0, 0, 0, 0], False, False, np.float32),
    (2, 2, [2, 1], [1, 2], [1, 0, 2, 1], True, True, np.float32),
    (1, 3, [1, 2], [2, 1], [1, 1, 1, 1], True, False, np.float64),
]


@pytest.mark.parametrize("case", DEFORM_CASES)
def test_deform_conv(case):
    group, offset_group, strides, dilations, pads, with_mask, with_bias, dtype = case
    channels, kernel = 6, [3, 2]
    x = randn(2, channels, 9, 7, dtype=dtype)
    w = randn(4, channels // group, *kernel, dtype=dtype)
    out = [(x.shape[2 + i] + pads[i] + pads[2 + i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i] + 1
           for i in range(2)]
    taps = offset_group * kernel[0] * kernel[1]
    inputs = {"X": x, "W": w, "O": (randn(2, 2 * taps, *out, dtype=dtype) * 2.5)}
    names = ["X", "W", "O", "B" if with_bias else "", "M" if with_mask else ""]
    if with_bias:
        inputs["B"] = randn(4, dtype=dtype)
    if with_mask:
        inputs["M"] = rng.random((2, taps, *out)).astype(dtype)
    node = helper.make_node("DeformConv", names[:5 if with_mask else 4 if with_bias else 3], ["Y"],
                            group=group, offset_group=offset_group, strides=strides, dilations=dilations,
                            pads=pads, kernel_shape=kernel)
    check(model_of(node, inputs, ["Y"], opset=19), [inputs], threads=2 if with_bias else 1,
          rtol=1e-4, atol=1e-5)


def test_deform_conv_refusals():
    x = randn(1, 2, 5)
    node = helper.make_node("DeformConv", ["X", "W", "O"], ["Y"])
    refused(model_of(node, {"X": x, "W": randn(2, 2, 3), "O": randn(1, 6, 3)}, ["Y"], opset=19),
            "only 2-d DeformConv")


# ---------------------------------------------------------------------------
# Training optimizers (reference: onnxruntime has no kernels for them)
# ---------------------------------------------------------------------------

def _training_feeds(count, groups, t_values, shapes=((3, 5), (17,))):
    feeds = []
    for t in t_values:
        f = {"R": np.array(0.1, np.float32), "T": np.array(t, np.int64)}
        for g in range(groups):
            for k in range(count):
                data = randn(*shapes[k])
                f[f"I{g}_{k}"] = np.abs(data) if g == groups - 1 else data  # H (squares) >= 0
        feeds.append(f)
    return feeds


def _training_check(op, groups, outputs, attrs, count):
    feeds = _training_feeds(count, groups, [0, 3])
    names = ["R", "T"] + [f"I{g}_{k}" for g in range(groups) for k in range(count)]
    outs = [f"{o}{k}" for o in outputs for k in range(count)]
    node = helper.make_node(op, names, outs, domain=TRAINING, **attrs)
    model = model_of(node, feeds[0], outs, opset=17, domains={TRAINING: 1})
    check(model, feeds, reference=True, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("count", [1, 2])
def test_adagrad(count):
    _training_check("Adagrad", 3, ["X", "H"],
                    {"decay_factor": 0.1, "epsilon": 1e-5, "norm_coefficient": 0.01 * count}, count)


@pytest.mark.parametrize("count,post", [(1, 0.0), (2, 0.05)])
def test_adam(count, post):
    _training_check("Adam", 4, ["X", "V", "H"], {"alpha": 0.8, "beta": 0.95, "epsilon": 1e-4,
                                                  "norm_coefficient": 0.02, "norm_coefficient_post": post},
                    count)


@pytest.mark.parametrize("mode,count", [("standard", 2), ("nesterov", 1)])
def test_momentum(mode, count):
    _training_check("Momentum", 3, ["X", "V"],
                    {"alpha": 0.9, "beta": 0.7, "mode": mode, "norm_coefficient": 0.001}, count)


def test_momentum_refuses_unknown_mode():
    feeds = _training_feeds(1, 3, [1])[0]
    node = helper.make_node("Momentum", list(feeds), ["X", "V"], domain=TRAINING, alpha=0.9, beta=1.0,
                            mode="fancy", norm_coefficient=0.0)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info(
        n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape) for n, a in feeds.items()],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, [3, 5]) for o in ("X", "V")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid(TRAINING, 1)], ir_version=10)
    refused(model, "mode 'fancy' is not supported")


# ---------------------------------------------------------------------------
# ai.onnx.ml
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype,threshold", [(np.float32, 0.25), (np.int64, 1.5), (np.float64, -0.5)])
def test_binarizer(dtype, threshold):
    x = (randn(4, 9) * 3).astype(dtype)
    x[0, :3] = threshold if dtype != np.int64 else [1, 2, 0]
    node = helper.make_node("Binarizer", ["X"], ["Y"], domain=ML, threshold=threshold)
    # onnxruntime's Binarizer takes float32 only
    check(model_of(node, {"X": x}, ["Y"], domains={ML: 1}), [{"X": x}], reference=dtype != np.float32)


@pytest.mark.parametrize("x_shape,indices", [((3, 11), [[0, 10, 4]]), ((2, 3, 5), [4, 4, 0, 1]),
                                             ((7,), [6, 2])])
def test_array_feature_extractor(x_shape, indices):
    x = randn(*x_shape)
    feeds = {"X": x, "I": np.array(indices, np.int64)}
    node = helper.make_node("ArrayFeatureExtractor", ["X", "I"], ["Y"], domain=ML)
    check(model_of(node, feeds, ["Y"], domains={ML: 1}), [feeds])


def _tree_node(aggregate, post=0, dtype=np.float32):
    """Two trees over 4 features using every node mode; tree 1's root is a MEMBER node."""
    # node: mode, feature, split, true (id, leaf?), false (id, leaf?), missing_tracks_true
    nodes = [
        (0, 0, 0.0, (1, 0), (2, 0), 1),   # tree 0 root: x0 <= 0
        (1, 1, 0.5, (0, 1), (1, 1), 0),   # x1 < 0.5
        (2, 2, -0.2, (3, 0), (2, 1), 1),  # x2 >= -0.2
        (3, 3, 0.1, (3, 1), (4, 1), 0),   # x3 > 0.1
        (6, 0, 0.0, (5, 0), (5, 1), 0),   # tree 1 root: x0 in {1, 2}
        (4, 1, 3.0, (6, 1), (6, 0), 1),   # x1 == 3
        (5, 2, 1.0, (7, 1), (8, 1), 0),   # x2 != 1
    ]
    leaf_weights = np.array([1.5, -2.0, 0.25, 3.0, -1.0, 0.75, 2.5, -0.5, 4.0], dtype)
    leaf_targets = [0, 1, 2, 0, 1, 2, 0, 1, 2]
    return helper.make_node(
        "TreeEnsemble", ["X"], ["Y"], domain=ML,
        nodes_modes=helper.make_tensor("m", TensorProto.UINT8, [len(nodes)], [n[0] for n in nodes]),
        nodes_featureids=[n[1] for n in nodes],
        nodes_splits=onnx.numpy_helper.from_array(np.array([n[2] for n in nodes], dtype)),
        nodes_truenodeids=[n[3][0] for n in nodes], nodes_trueleafs=[n[3][1] for n in nodes],
        nodes_falsenodeids=[n[4][0] for n in nodes], nodes_falseleafs=[n[4][1] for n in nodes],
        nodes_missing_value_tracks_true=[n[5] for n in nodes],
        membership_values=onnx.numpy_helper.from_array(np.array([1.0, 2.0, np.nan], dtype)),
        leaf_targetids=leaf_targets, leaf_weights=onnx.numpy_helper.from_array(leaf_weights),
        tree_roots=[0, 4], n_targets=3, aggregate_function=aggregate, post_transform=post)


def _tree_inputs(dtype=np.float32):
    x = rng.choice(np.array([-1.0, 0.0, 0.5, 1.0, 2.0, 3.0, -0.2, 0.1, np.nan]), (13, 4)).astype(dtype)
    return {"X": x}


@pytest.mark.parametrize("aggregate,dtype", [(0, np.float32), (1, np.float64), (2, np.float32),
                                             (3, np.float32)])
def test_tree_ensemble(aggregate, dtype):
    feeds = _tree_inputs(dtype)
    model = model_of(_tree_node(aggregate, dtype=dtype), feeds, ["Y"], opset=21, domains={ML: 5})
    check(model, [feeds, _tree_inputs(dtype)], reference=True)


def test_tree_ensemble_refuses_post_transform():
    feeds = _tree_inputs()
    refused(model_of(_tree_node(1, post=2), feeds, ["Y"], opset=21, domains={ML: 5}),
            "post_transform 2 is not supported yet")

"""Numerics of the detection family (NonMaxSuppression, Det) against onnxruntime.

NonMaxSuppression: each model is compiled once and run on several feeds (its
output row count depends on the data: the module's ``_shapes`` entry computes
it); the model with every input at run time has dynamic B, C and N, so one
compile covers ties in scores, overlapping, disjoint and identical boxes,
flipped corners, signed zeros and infinite scores, several batches and classes,
max_output 0 / negative, empty results and random boxes of sizes that are not
multiples of 8. The thresholds are also given as constants, omitted, and all
inputs constant (folded by the import rule). Det: 1x1, 2x2, 3x3, 5x5 and 7x7
matrices (batched, singular, zero pivots) at run time in one dynamic model, 0-d
and 2-d batch results, float16 (onnxruntime), float64 and bfloat16 (numpy:
onnxruntime has no kernel for them), 1 and 2 threads.
"""
from __future__ import annotations

from typing import Optional, Sequence

import ml_dtypes
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import polytile
from onnx_check import assert_close, run_onnxruntime

vi = helper.make_tensor_value_info
RNG = np.random.default_rng(0)
F32, I64 = TensorProto.FLOAT, TensorProto.INT64


def _model(node: onnx.NodeProto, inputs: Sequence[onnx.ValueInfoProto], inits: Optional[dict] = None,
           opset: int = 11, output: Optional[onnx.ValueInfoProto] = None) -> onnx.ModelProto:
    """A one-node model whose output type is ``output`` or comes from ONNX shape inference."""
    graph = helper.make_graph([node], "detection", list(inputs),
                              [output or helper.make_value_info(node.output[0], onnx.TypeProto())],
                              [onnx.numpy_helper.from_array(np.asarray(v), k) for k, v in (inits or {}).items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    if output is None:
        model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    onnx.checker.check_model(model)
    return model


def _run_all(model: onnx.ModelProto, feeds_list: Sequence[dict], threads: int = 1, **tolerance) -> list:
    """Compile once, compare each run with onnxruntime; the outputs."""
    compiled = polytile.compile(model, threads=threads)
    outs = []
    for feeds in feeds_list:
        got = compiled.run(feeds)
        assert_close(got, run_onnxruntime(model, feeds), **tolerance)
        outs.append(got[0])
    return outs


# ----------------------------------------------------------------------------
# NonMaxSuppression
# ----------------------------------------------------------------------------

def _params(max_output: int, iou: float, score: float) -> dict:
    return {"max_output": np.array([max_output], np.int64), "iou": np.array([iou], np.float32),
            "score": np.array([score], np.float32)}


# [y1, x1, y2, x2]: boxes 0-2 overlap (IoU of 0 and 1 ~0.82, of 0 and 2 ~0.82), 3 and 4
# overlap away from them, 5 is disjoint from all; box 1 has flipped corners.
CORNERS = np.array([[0, 0, 1, 1], [1, 1.1, 0, 0.1], [0, -0.1, 1, 0.9],
                    [0, 10, 1, 11], [0, 10.1, 1, 11.1], [0, 100, 1, 101]], np.float32)


def _random_case(b: int, c: int, n: int, max_output: int, iou: float, score: float) -> dict:
    """Boxes on a coarse grid (many overlaps, some identical) and scores with ties."""
    boxes = (RNG.integers(0, 8, (b, n, 4)) * 0.5).astype(np.float32)
    scores = (RNG.integers(0, 5, (b, c, n)) * 0.25).astype(np.float32)
    return {"boxes": boxes, "scores": scores, **_params(max_output, iou, score)}


def test_nms_runtime_inputs_dynamic():
    """Every input at run time, B/C/N dynamic: one compile, many shapes and thresholds."""
    inputs = [vi("boxes", F32, ["b", "n", 4]), vi("scores", F32, ["b", "c", "n"]),
              vi("max_output", I64, [1]), vi("iou", F32, [1]), vi("score", F32, [1])]
    node = helper.make_node("NonMaxSuppression", ["boxes", "scores", "max_output", "iou", "score"], ["y"])
    model = _model(node, inputs)
    scores = np.array([[[0.9, 0.75, 0.6, 0.95, 0.5, 0.3],
                        [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]], np.float32)  # class 1: all tied
    two_batches = {"boxes": np.stack([CORNERS, CORNERS[::-1]]),
                   "scores": np.concatenate([scores, scores[:, ::-1]]), **_params(2, 0.5, 0.0)}
    feeds = [
        {"boxes": CORNERS[None], "scores": scores, **_params(3, 0.5, 0.0)},
        {"boxes": CORNERS[None], "scores": scores, **_params(10, 0.0, 0.55)},  # iou 0: any overlap
        {"boxes": CORNERS[None], "scores": scores, **_params(10, 1.0, 0.5)},  # score > 0.5 strictly
        two_batches,
        {"boxes": CORNERS[None], "scores": scores, **_params(0, 0.5, 0.0)},  # max 0: empty
        {"boxes": CORNERS[None], "scores": scores, **_params(-3, 0.5, 0.0)},  # negative: empty
        {"boxes": CORNERS[None], "scores": scores, **_params(5, 0.5, 0.99)},  # all below: empty
        {"boxes": np.repeat(CORNERS[None, :1], 5, axis=1), "scores": np.full((1, 1, 5), 0.5, np.float32),
         **_params(5, 0.5, 0.0)},  # identical boxes and scores: box 0 only
        {"boxes": np.zeros((2, 0, 4), np.float32), "scores": np.zeros((2, 3, 0), np.float32),
         **_params(5, 0.5, 0.0)},  # no boxes
        {"boxes": np.array([[[0, k, 1, k + 1] for k in range(0, 20, 2)]], np.float32),  # disjoint boxes
         "scores": np.array([[[-0.0, 0.0, -0.0, 0.0, 1, -1, -np.inf, np.inf, 0.5, 0.5]]], np.float32),
         **_params(10, 0.9, -np.inf)},  # -0 ties with 0; -inf is not > -inf
        _random_case(3, 2, 13, 4, 0.3, 0.2),
        _random_case(1, 5, 17, 100, 0.5, -1.0),
        _random_case(2, 1, 9, 2, 0.0, 0.5),
    ]
    outs = _run_all(model, feeds)
    assert [o.shape[0] for o in outs[4:9]] == [0, 0, 0, 1, 0]


@pytest.mark.parametrize("threads", [1, 2])
def test_nms_center_point_box_constant_thresholds(threads):
    """[xc, yc, w, h] boxes (negative sizes too), thresholds as constants, static shapes."""
    inputs = [vi("boxes", F32, [2, 11, 4]), vi("scores", F32, [2, 3, 11])]
    inits = {"max_output": np.array([3], np.int64), "iou": np.array([0.4], np.float32),
             "score": np.array([0.1], np.float32)}
    node = helper.make_node("NonMaxSuppression", ["boxes", "scores", "max_output", "iou", "score"], ["y"],
                            center_point_box=1)
    model = _model(node, inputs, inits)
    feeds = []
    for _ in range(3):
        boxes = (RNG.integers(-4, 8, (2, 11, 4)) * 0.5).astype(np.float32)
        feeds.append({"boxes": boxes, "scores": (RNG.integers(0, 5, (2, 3, 11)) * 0.25).astype(np.float32)})
    _run_all(model, feeds, threads=threads)


@pytest.mark.parametrize("names,inits", [
    (["boxes", "scores", "max_output"], {"max_output": np.array([2], np.int64)}),  # iou 0, no score
    (["boxes", "scores", "max_output", "iou"], {"iou": np.array([0.5], np.float32)}),  # max at run time
    (["boxes", "scores", "max_output", "", "score"], {"max_output": np.array(4, np.int64),
                                                      "score": np.array([0.3], np.float32)}),
], ids=["iou_and_score_omitted", "score_omitted", "iou_omitted"])
def test_nms_omitted_thresholds(names, inits):
    inputs = [vi("boxes", F32, [1, 6, 4]), vi("scores", F32, [1, 2, 6])]
    if "max_output" not in inits:
        inputs.append(vi("max_output", I64, [1]))
    model = _model(helper.make_node("NonMaxSuppression", names, ["y"]), inputs, inits, opset=10,
                   output=vi("y", I64, [None, 3]))  # no shape inference for NonMaxSuppression-10
    scores = np.array([[[0.9, 0.75, 0.6, 0.95, 0.5, 0.3], [0.1, 0.4, 0.2, 0.4, 0.6, 0.0]]], np.float32)
    feeds = [{"boxes": CORNERS[None], "scores": scores}, {"boxes": CORNERS[None, ::-1], "scores": scores}]
    if "max_output" not in inits:
        feeds = [{**f, "max_output": np.array([k], np.int64)} for f, k in zip(feeds, (1, 3))]
    _run_all(model, feeds)


@pytest.mark.parametrize("names,inits", [
    (["boxes", "scores"], {}),
    (["boxes", "scores", "max_output", "iou"], {"max_output": np.array([0], np.int64),
                                                "iou": np.array([0.5], np.float32)}),
], ids=["max_output_omitted", "max_output_0"])
def test_nms_no_output_is_a_constant(names, inits):
    inputs = [vi("boxes", F32, [1, 6, 4]), vi("scores", F32, [1, 1, 6])]
    model = _model(helper.make_node("NonMaxSuppression", names, ["y"]), inputs, inits)
    assert "non_max_suppression" not in polytile.compile(model, emit="tg")
    _run_all(model, [{"boxes": CORNERS[None], "scores": np.ones((1, 1, 6), np.float32)}])


def test_nms_constant_inputs_fold():
    """All inputs constant: the import rule computes the output (no tg op)."""
    scores = np.array([[[0.9, 0.75, 0.6, 0.95, 0.5, 0.3]]], np.float32)
    inits = {"boxes": CORNERS[None], "scores": scores, **_params(2, 0.5, 0.4)}
    node = helper.make_node("NonMaxSuppression", list(inits), ["y"])
    model = _model(node, [], inits)
    assert "non_max_suppression" not in polytile.compile(model, emit="tg")
    out = _run_all(model, [{}])[0]
    assert out.tolist() == [[0, 0, 3], [0, 0, 0]]


@pytest.mark.parametrize("attrs,inits,match", [
    ({"center_point_box": 2}, {"max_output": np.array([1], np.int64)}, "center_point_box' must be 0 or 1"),
    ({}, {"max_output": np.array([1], np.int64), "iou": np.array([1.5], np.float32)},
     r"iou_threshold must be in \[0, 1\]"),
    ({}, {"max_output": np.array([1, 2], np.int64)}, "must hold one element"),
])
def test_nms_rejected(attrs, inits, match):
    inputs = [vi("boxes", F32, [1, 6, 4]), vi("scores", F32, [1, 1, 6])]
    node = helper.make_node("NonMaxSuppression", ["boxes", "scores"] + list(inits), ["y"], **attrs)
    model = _model(node, inputs, inits)
    with pytest.raises(polytile.OnnxImportError, match=match):
        polytile.compile(model, emit="tg")


# ----------------------------------------------------------------------------
# Det
# ----------------------------------------------------------------------------

SINGULAR = {2: [[1, 2], [2, 4]], 3: [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
            5: [[1, 2, 3, 4, 5], [0, 0, 0, 0, 0], [5, 4, 3, 2, 1], [1, 1, 1, 1, 1], [2, 0, 2, 0, 2]]}


def _matrices(batch: int, m: int, dtype=np.float32) -> np.ndarray:
    x = RNG.standard_normal((batch, m, m)).astype(dtype)
    if m in SINGULAR:
        x[0] = SINGULAR[m]
    if m >= 2 and batch > 1:
        x[1] = np.eye(m)[::-1]  # a permutation: pivoting swaps rows
        x[1, 0, 0] = 0.0
    return x


def test_det_dynamic_sizes():
    """1x1 .. 5x5 matrices (a singular one and a zero-pivot one in each batch)."""
    model = _model(helper.make_node("Det", ["x"], ["y"]), [vi("x", F32, ["b", "m", "m"])])
    feeds = [{"x": _matrices(batch, m)} for batch, m in [(3, 1), (4, 2), (3, 3), (5, 5), (2, 7)]]
    outs = _run_all(model, feeds, rtol=1e-4, atol=1e-4)
    assert outs[2][0] == pytest.approx(0.0, abs=1e-5) and outs[3][0] == 0.0


@pytest.mark.parametrize("shape,threads", [((3, 3), 1), ((2, 3, 4, 4), 2)])
def test_det_static_batches(shape, threads):
    """A 0-d result (one matrix) and a 2-d batch."""
    model = _model(helper.make_node("Det", ["x"], ["y"]), [vi("x", F32, list(shape))])
    x = RNG.standard_normal(shape).astype(np.float32)
    _run_all(model, [{"x": x}, {"x": 2 * x}], threads=threads, rtol=1e-4, atol=1e-5)


def test_det_float16():
    model = _model(helper.make_node("Det", ["x"], ["y"]), [vi("x", TensorProto.FLOAT16, [3, 3, 3])])
    x = (RNG.standard_normal((3, 3, 3)) * 0.5).astype(np.float16)
    _run_all(model, [{"x": x}], rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("elem_type,dtype,tolerance", [(TensorProto.DOUBLE, np.float64, 1e-12),
                                                       (TensorProto.BFLOAT16, ml_dtypes.bfloat16, 5e-2)])
def test_det_against_numpy(elem_type, dtype, tolerance):
    """Types onnxruntime has no Det kernel for (bfloat16 is computed in f32, then rounded)."""
    model = _model(helper.make_node("Det", ["x"], ["y"]), [vi("x", elem_type, [4, 5, 5])], opset=22)
    x = _matrices(4, 5, np.float64).astype(dtype)
    got = polytile.compile(model).run({"x": x})[0]
    assert got.dtype == dtype and got.shape == (4,)
    expected = np.linalg.det(x.astype(np.float64))
    np.testing.assert_allclose(got.astype(np.float64), expected, rtol=tolerance, atol=tolerance)


def test_det_not_square_rejected():
    model = _model(helper.make_node("Det", ["x"], ["y"]), [vi("x", F32, [2, 3])], output=vi("y", F32, []))
    with pytest.raises(polytile.OnnxImportError, match="square"):
        polytile.compile(model, emit="tg")

"""Numerics of the reduction family against onnxruntime: Reduce*, ArgMax/ArgMin,
Softmax/LogSoftmax/Hardmax, the normalizations, LRN, CumSum/CumProd and TopK.

Where onnxruntime has no kernel for a type (int8/int16/uint* reductions, CumSum
on unsigned types, f64 LRN/InstanceNormalization) or an op (CumProd, opset 26),
ONNX's reference implementation is the oracle (``oracle="reference"``).
"""
import numpy as np
import onnx
import pytest

from onnx_check import assert_close, make_model, run_onnxruntime

import polytile

rng = np.random.default_rng(0)

FLOAT = [np.float32, np.float64, np.float16]
SIGNED = [np.int8, np.int16, np.int32, np.int64]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]
# Integer types onnxruntime implements for most Reduce* ops.
ORT_INTS = {np.int32, np.int64}


def randn(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def data(dtype, *shape, low=None, high=None):
    """Random values of ``dtype``: normal floats, small integers (so that
    products and squares do not overflow)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return randn(*shape, dtype=dtype)
    if low is None:
        low = 0 if dtype.kind == "u" else -4
    high = 5 if high is None else high
    return rng.integers(low, high, size=shape).astype(dtype)


def tolerances(dtype):
    return (1e-2, 1e-2) if np.dtype(dtype) == np.float16 else (1e-4, 1e-5)


def build_model(op_type, inputs, attrs, initializers, opset, outputs, output_shapes=None):
    """A one-node model. With ``output_shapes`` (name -> (shape, dtype)) the
    outputs are declared as given, for ops ONNX shape inference cannot type
    (function ops, non-constant axes) or rejects (to test our own errors)."""
    attrs = dict(attrs or {})
    order = attrs.pop("_inputs", None) or list(inputs) + list(initializers or {})
    node = onnx.helper.make_node(op_type, order, list(outputs), **attrs)
    if output_shapes is None:
        return make_model([node], inputs, outputs, initializers, opset)
    helper = onnx.helper
    graph = helper.make_graph(
        [node], "test",
        [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
         for n, a in inputs.items()],
        [helper.make_tensor_value_info(o, helper.np_dtype_to_tensor_dtype(np.dtype(dt)), shape)
         for o, (shape, dt) in output_shapes.items()],
        [onnx.numpy_helper.from_array(np.asarray(a), n) for n, a in (initializers or {}).items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def declared_dtypes(model):
    return [onnx.helper.tensor_dtype_to_np_dtype(o.type.tensor_type.elem_type) for o in model.graph.output]


def check(op_type, inputs, attrs=None, initializers=None, opset=18, outputs=("Y",),
          oracle="ort", rtol=1e-4, atol=1e-5, output_shapes=None):
    """Compile a one-node model with polytile and compare with ``oracle``:
    onnxruntime, ONNX's reference implementation ("reference"; its results are
    cast to the declared output types, which numpy's promotions sometimes
    widen), or a function of the inputs returning the expected outputs."""
    model = build_model(op_type, inputs, attrs, initializers, opset, outputs, output_shapes)
    actual = polytile.compile(model).run(inputs)
    if oracle == "ort":
        expected = run_onnxruntime(model, inputs)
    elif oracle == "reference":
        from onnx.reference import ReferenceEvaluator

        expected = [np.asarray(e).astype(dt) for e, dt in
                    zip(ReferenceEvaluator(model).run(None, inputs), declared_dtypes(model))]
    else:
        expected = oracle(**inputs, **(initializers or {}))
    assert_close(actual, expected, rtol, atol)
    return actual


def int_oracle(dtype):
    return "ort" if dtype in ORT_INTS else "reference"


# ---------------------------------------------------------------------------
# Reduce*
# ---------------------------------------------------------------------------

REDUCE_OPS = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
              "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]


def reduce_input(op, dtype, *shape):
    x = data(dtype, *shape)
    if op == "ReduceLogSum":  # keep the sums positive
        x = np.abs(x) + (1 if np.dtype(dtype).kind in "iu" else 0.1)
    return x.astype(dtype)


@pytest.mark.parametrize("axes,keepdims", [(None, 1), ([1], 0), ([-1, 0], 1), ([2, 0], 0)])
@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce_axes_input(op, axes, keepdims):
    inits = {} if axes is None else {"axes": np.array(axes, np.int64)}
    check(op, {"X": reduce_input(op, np.float32, 3, 4, 5)}, {"keepdims": keepdims},
          initializers=inits)


@pytest.mark.parametrize("op,opset,attrs", [
    ("ReduceSum", 11, {"axes": [1], "keepdims": 0}),
    ("ReduceSum", 11, {}),
    ("ReduceMean", 13, {"axes": [-1, 0]}),
    ("ReduceMax", 13, {"axes": [0, 2], "keepdims": 0}),
    ("ReduceLogSumExp", 13, {"axes": [1]}),
    ("ReduceL2", 11, {"keepdims": 0}),
])
def test_reduce_axes_attribute(op, opset, attrs):
    check(op, {"X": reduce_input(op, np.float32, 3, 4, 5)}, attrs, opset=opset)


@pytest.mark.parametrize("op", REDUCE_OPS)
def test_reduce_noop_with_empty_axes(op):
    """noop_with_empty_axes: no dim is reduced, each element is transformed alone."""
    check(op, {"X": reduce_input(op, np.float32, 2, 3)}, {"noop_with_empty_axes": 1},
          initializers={"axes": np.array([], np.int64)})


def test_reduce_empty_axes_means_all():
    check("ReduceSum", {"X": randn(2, 3, 4)}, {"keepdims": 0},
          initializers={"axes": np.array([], np.int64)})


def test_reduce_scalar_result_and_rank0():
    check("ReduceMean", {"X": randn(7)}, {"keepdims": 0})
    check("ReduceMax", {"X": np.array(2.5, np.float32)}, {"keepdims": 0})


@pytest.mark.parametrize("op", REDUCE_OPS)
@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.int64])
def test_reduce_dtypes(op, dtype):
    rtol, atol = tolerances(dtype)
    check(op, {"X": reduce_input(op, dtype, 3, 4)}, {"keepdims": 0},
          initializers={"axes": np.array([1], np.int64)}, rtol=rtol, atol=atol)


@pytest.mark.parametrize("op", ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"])
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.uint8, np.uint16, np.uint32, np.uint64])
def test_reduce_small_and_unsigned_ints(op, dtype):
    x = data(dtype, 3, 4, low=0 if np.dtype(dtype).kind == "u" else -100, high=100)
    if np.dtype(dtype).kind == "u":
        x[0, 0] = np.iinfo(dtype).max  # unsigned order and division
    oracle = "ort" if op in ("ReduceMax", "ReduceMin") and dtype in (np.int8, np.uint8) else "reference"
    check(op, {"X": x}, {"keepdims": 1}, initializers={"axes": np.array([1], np.int64)},
          opset=20, oracle=oracle)


@pytest.mark.parametrize("op", ["ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare"])
def test_reduce_unsigned(op):
    check(op, {"X": data(np.uint32, 3, 4)}, {"keepdims": 0},
          initializers={"axes": np.array([0], np.int64)}, oracle="reference")


def test_reduce_integer_means_truncate():
    check("ReduceMean", {"X": np.array([[1, 2, 4], [-1, -2, 2], [-7, 0, 0]], np.int32)},
          {"keepdims": 0}, initializers={"axes": np.array([1], np.int64)})


def test_reduce_max_min_nan_and_inf():
    """NaN propagates as in numpy and ONNX's reference (onnxruntime drops a NaN
    unless it comes first, so it is not the oracle here)."""
    x = np.array([[1.0, np.nan, 3.0], [-np.inf, -np.inf, -np.inf], [np.inf, 0.0, 1.0]], np.float32)
    for op in ("ReduceMax", "ReduceMin"):
        check(op, {"X": x}, {"keepdims": 0}, initializers={"axes": np.array([1], np.int64)},
              oracle="reference")


def test_reduce_log_sum_exp_is_stable():
    """Large values do not overflow; all -inf gives -inf (the reference says NaN)."""
    x = np.array([[1000.0, 1000.5, 999.0], [-1000.0, -1001.0, -999.0],
                  [-np.inf, -np.inf, -np.inf], [np.inf, 1.0, 2.0], [np.inf, -np.inf, 1.0]], np.float32)
    check("ReduceLogSumExp", {"X": x}, {"keepdims": 0}, initializers={"axes": np.array([1], np.int64)})


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint32, np.uint64])
def test_reduce_log_sum_exp_integers(dtype):
    """Integer inputs follow onnxruntime: only the maxima count, then truncation."""
    x = np.array([[-2, -2, -5], [1, 1, 1], [3, 3, 3], [-2, -3, -5], [0, -1, -1], [7, 2, 7]])
    if np.dtype(dtype).kind == "u":
        x = x + 5
    check("ReduceLogSumExp", {"X": x.astype(dtype)}, {"keepdims": 0},
          initializers={"axes": np.array([1], np.int64)})


# ---------------------------------------------------------------------------
# ArgMax / ArgMin
# ---------------------------------------------------------------------------

def with_ties(dtype, *shape):
    """Small integers as ``dtype``: many ties, so first/last index matters."""
    return data(dtype, *shape, low=0, high=3)


@pytest.mark.parametrize("attrs", [
    {}, {"axis": 1, "keepdims": 0}, {"axis": -1, "select_last_index": 1},
    {"axis": 0, "keepdims": 0, "select_last_index": 1},
])
@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
def test_arg_reduction_attributes(op, attrs):
    check(op, {"X": with_ties(np.float32, 3, 4, 5)}, attrs, opset=13)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int8, np.int32, np.int64, np.uint8])
@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
def test_arg_reduction_dtypes(op, dtype):
    x = with_ties(dtype, 4, 5) if dtype != np.float64 else randn(4, 5, dtype=dtype)
    if dtype == np.uint8:
        x[1, 2] = 255
    check(op, {"X": x}, {"axis": 1, "select_last_index": 1}, opset=13)


@pytest.mark.parametrize("dtype", [np.int16, np.uint16, np.uint32, np.uint64])
def test_arg_reduction_more_ints(dtype):
    x = with_ties(dtype, 4, 5)
    x[0, 3] = np.iinfo(dtype).max
    check("ArgMax", {"X": x}, {"axis": 1}, opset=13, oracle="reference")
    check("ArgMin", {"X": x}, {"axis": 0, "keepdims": 0}, opset=13, oracle="reference")


def test_arg_reduction_extremes():
    x = np.array([[-np.inf, -np.inf], [np.inf, np.inf], [3.0, np.inf]], np.float32)
    check("ArgMax", {"X": x}, {"axis": 1}, opset=13)
    check("ArgMin", {"X": x}, {"axis": 1, "select_last_index": 1}, opset=13)


# ---------------------------------------------------------------------------
# Softmax / LogSoftmax / Hardmax
# ---------------------------------------------------------------------------

SOFTMAX_OPS = ["Softmax", "LogSoftmax", "Hardmax"]


@pytest.mark.parametrize("opset,attrs", [
    (11, {}), (11, {"axis": 0}), (11, {"axis": -1}),  # coerced to 2-D at axis
    (13, {}), (13, {"axis": 0}), (13, {"axis": 1}),  # one axis
])
@pytest.mark.parametrize("op", SOFTMAX_OPS)
def test_softmax_family_axes(op, opset, attrs):
    x = with_ties(np.float32, 2, 3, 4) if op == "Hardmax" else randn(2, 3, 4)
    check(op, {"X": x}, attrs, opset=opset)


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
def test_softmax_large_values_are_stable(op):
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1e4]], np.float32)
    check(op, {"X": x}, {}, opset=13)


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
@pytest.mark.parametrize("op", SOFTMAX_OPS)
def test_softmax_family_dtypes(op, dtype):
    rtol, atol = tolerances(dtype)
    oracle = "reference" if (op, dtype) == ("Hardmax", np.float64) else "ort"
    x = with_ties(dtype, 3, 5) if op == "Hardmax" else randn(3, 5, dtype=dtype)
    check(op, {"X": x}, {"axis": 1}, opset=13, oracle=oracle, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------
# Normalizations
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("axis,param_shape,bias", [
    (-1, (5,), True), (1, (4, 5), True), (0, (3, 4, 5), False), (-2, (1, 5), True),
])
def test_layer_normalization(axis, param_shape, bias):
    inits = {"W": randn(*param_shape)}
    if bias:
        inits["B"] = randn(*param_shape)
    check("LayerNormalization", {"X": randn(3, 4, 5)}, {"axis": axis, "epsilon": 1e-3},
          initializers=inits, opset=17, outputs=("Y", "Mean", "InvStdDev"))


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
def test_layer_normalization_dtypes(dtype):
    rtol, atol = tolerances(dtype)
    check("LayerNormalization", {"X": randn(2, 3, 8, dtype=dtype)}, {},
          initializers={"W": randn(8, dtype=dtype), "B": randn(8, dtype=dtype)}, opset=17,
          outputs=("Y", "Mean", "InvStdDev"), rtol=rtol, atol=atol)


def test_layer_normalization_y_only():
    check("LayerNormalization", {"X": randn(4, 6)}, {}, initializers={"W": randn(6)}, opset=17)


@pytest.mark.parametrize("axis,dtype", [(-1, np.float32), (1, np.float32), (0, np.float64),
                                        (-1, np.float16)])
def test_rms_normalization(axis, dtype):
    rtol, atol = tolerances(dtype)
    x = randn(2, 3, 4, dtype=dtype)
    check("RMSNormalization", {"X": x}, {"axis": axis, "epsilon": 1e-4},
          initializers={"W": randn(*x.shape[axis:], dtype=dtype)}, opset=23, rtol=rtol, atol=atol)


@pytest.mark.parametrize("shape,dtype,oracle", [
    ((2, 3, 5), np.float32, "ort"), ((2, 3, 4, 5), np.float32, "ort"),
    ((1, 2, 3, 2, 2), np.float32, "ort"), ((2, 3, 4), np.float16, "ort"),
    ((2, 3, 4), np.float64, "reference"),
])
def test_instance_normalization(shape, dtype, oracle):
    rtol, atol = tolerances(dtype)
    c = shape[1]
    check("InstanceNormalization", {"X": randn(*shape, dtype=dtype)}, {"epsilon": 1e-3},
          initializers={"S": randn(c, dtype=dtype), "B": randn(c, dtype=dtype)}, opset=17,
          oracle=oracle, rtol=rtol, atol=atol)


@pytest.fixture
def unchecked(monkeypatch):
    """Skip onnx.checker: it rejects GroupNormalization-18 as deprecated, which
    onnxruntime still runs (and so do we)."""
    monkeypatch.setattr(onnx.checker, "check_model", lambda *args, **kwargs: None)


@pytest.mark.parametrize("opset,groups,dtype", [
    (18, 2, np.float32), (18, 4, np.float32), (21, 2, np.float32), (21, 1, np.float64),
    (21, 2, np.float16),
])
def test_group_normalization(unchecked, opset, groups, dtype):
    rtol, atol = tolerances(dtype)
    params = groups if opset == 18 else 4
    x = randn(2, 4, 3, 3, dtype=dtype)
    check("GroupNormalization", {"X": x}, {"num_groups": groups, "epsilon": 1e-3},
          initializers={"S": randn(params, dtype=dtype), "B": randn(params, dtype=dtype)},
          opset=opset, rtol=rtol, atol=atol, output_shapes={"Y": (x.shape, dtype)})


@pytest.mark.parametrize("attrs", [{}, {"p": 1}, {"axis": 0}, {"axis": 1, "p": 1}])
def test_lp_normalization(attrs):
    x = randn(3, 4)
    x[1] = 0.0  # a zero norm along axis -1 gives zeros
    check("LpNormalization", {"X": x}, attrs, opset=17)


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
def test_lp_normalization_dtypes(dtype):
    rtol, atol = tolerances(dtype)
    check("LpNormalization", {"X": randn(3, 4, dtype=dtype)}, {"p": 2}, opset=17, rtol=rtol, atol=atol)


def mvn_oracle(axes=(0, 2, 3)):
    def mvn(X):
        x = X.astype(np.float64)
        mean = x.mean(axis=tuple(axes), keepdims=True)
        std = np.sqrt(((x - mean) ** 2).mean(axis=tuple(axes), keepdims=True))
        return [((x - mean) / (std + 1e-9)).astype(X.dtype)]

    return mvn


@pytest.mark.parametrize("attrs,dtype", [({}, np.float32), ({"axes": [1, -1]}, np.float32),
                                         ({}, np.float16)])
def test_mean_variance_normalization(attrs, dtype):
    """onnxruntime expands MeanVarianceNormalization-13 into a function that
    does not type-check for f16: numpy is the oracle there."""
    rtol, atol = tolerances(dtype)
    x = randn(2, 3, 4, 5, dtype=dtype)
    oracle = "ort" if dtype == np.float32 else mvn_oracle(**attrs)
    check("MeanVarianceNormalization", {"X": x}, attrs, opset=13, rtol=rtol, atol=atol,
          oracle=oracle, output_shapes={"Y": (x.shape, dtype)})


def lrn_oracle(size, alpha=1e-4, beta=0.75, bias=1.0):
    """numpy LRN (the ONNX reference only sums the first N channels)."""
    def lrn(X):
        c = X.shape[1]
        sq = np.zeros_like(X, dtype=np.float64)
        for ch in range(c):
            lo, hi = max(0, ch - (size - 1) // 2), min(c, ch + size // 2 + 1)
            sq[:, ch] = (X[:, lo:hi].astype(np.float64) ** 2).sum(axis=1)
        return [(X / (bias + alpha / size * sq) ** beta).astype(X.dtype)]

    return lrn


@pytest.mark.parametrize("attrs,dtype", [
    ({"size": 3}, np.float32), ({"size": 5, "alpha": 0.01, "beta": 0.5, "bias": 2.0}, np.float32),
    ({"size": 1}, np.float32), ({"size": 5}, np.float16),
])
def test_lrn(attrs, dtype):
    rtol, atol = tolerances(dtype)
    check("LRN", {"X": randn(2, 5, 3, 3, dtype=dtype)}, attrs, opset=13, rtol=rtol, atol=atol)


@pytest.mark.parametrize("shape,dtype,attrs", [
    ((2, 5, 3, 3), np.float64, {"size": 3}),  # onnxruntime: no f64 kernel
    ((1, 6, 2, 2), np.float32, {"size": 4, "alpha": 0.1}),  # onnxruntime: odd sizes only
    ((2, 5, 6), np.float32, {"size": 3}),  # onnxruntime: 4-D only
    ((1, 4, 2, 2, 2), np.float32, {"size": 2, "beta": 1.0}),
])
def test_lrn_beyond_onnxruntime(shape, dtype, attrs):
    check("LRN", {"X": randn(*shape, dtype=dtype)}, attrs, opset=13, oracle=lrn_oracle(**attrs))


# ---------------------------------------------------------------------------
# CumSum / CumProd
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("exclusive,reverse", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_cumsum(axis, exclusive, reverse):
    check("CumSum", {"X": randn(3, 4)}, {"exclusive": exclusive, "reverse": reverse},
          initializers={"axis": np.array(axis, np.int64)}, opset=14)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.int64, np.uint32, np.uint64])
def test_cumsum_dtypes(dtype):
    rtol, atol = tolerances(dtype)
    oracle = "reference" if np.dtype(dtype).kind == "u" else "ort"
    check("CumSum", {"X": data(dtype, 2, 5)}, {"reverse": 1},
          initializers={"axis": np.array(1, np.int32)}, opset=14, oracle=oracle, rtol=rtol, atol=atol)


@pytest.mark.parametrize("exclusive,reverse,dtype", [
    (0, 0, np.float32), (1, 0, np.float32), (0, 1, np.float64), (1, 1, np.float32),
    (0, 0, np.int32), (1, 1, np.int64), (0, 1, np.uint64),
])
def test_cumprod(exclusive, reverse, dtype):
    x = data(dtype, 3, 4, low=1, high=4) if np.dtype(dtype).kind in "iu" else randn(3, 4, dtype=dtype)
    check("CumProd", {"X": x}, {"exclusive": exclusive, "reverse": reverse},
          initializers={"axis": np.array(1, np.int64)}, opset=26, oracle="reference")


# ---------------------------------------------------------------------------
# TopK
# ---------------------------------------------------------------------------

TOPK_OUT = ("Values", "Indices")


@pytest.mark.parametrize("axis,largest,k", [(-1, 1, 3), (-1, 0, 2), (0, 1, 1), (1, 0, 4), (1, 1, 4)])
def test_top_k(axis, largest, k):
    check("TopK", {"X": with_ties(np.float32, 3, 4, 5) + randn(3, 4, 5) * 0.1},
          {"axis": axis, "largest": largest}, initializers={"K": np.array([k], np.int64)},
          opset=11, outputs=TOPK_OUT)


def test_top_k_ties_go_to_lower_index():
    x = np.array([[1, 3, 3, 2, 3, 1], [0, 0, 0, 0, 0, 0]], np.float32)
    check("TopK", {"X": x}, {}, initializers={"K": np.array([4], np.int64)}, opset=11, outputs=TOPK_OUT)
    check("TopK", {"X": x}, {"largest": 0}, initializers={"K": np.array([3], np.int64)}, opset=11,
          outputs=TOPK_OUT)


def test_top_k_older_opsets():
    x = randn(3, 5)
    check("TopK", {"X": x}, {"k": 2}, opset=9, outputs=TOPK_OUT)
    check("TopK", {"X": x}, {"axis": 0}, initializers={"K": np.array([2], np.int64)}, opset=10,
          outputs=TOPK_OUT)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int8, np.int16, np.int32, np.int64,
                                   np.uint8, np.uint64])
def test_top_k_dtypes(dtype):
    x = with_ties(dtype, 3, 6)
    if np.dtype(dtype).kind == "u":
        x[0, 4] = np.iinfo(dtype).max
    oracle = "reference" if dtype == np.uint64 else "ort"
    check("TopK", {"X": x}, {"largest": 1}, initializers={"K": np.array([3], np.int64)}, opset=11,
          outputs=TOPK_OUT, oracle=oracle)


def test_top_k_unsorted_returns_sorted():
    """sorted = 0 leaves the order to the implementation; ours is sorted."""
    x = randn(2, 6)
    node = onnx.helper.make_node("TopK", ["X", "K"], list(TOPK_OUT), sorted=0)
    model = make_model([node], {"X": x}, TOPK_OUT, {"K": np.array([3], np.int64)}, opset=11)
    values, indices = polytile.compile(model).run({"X": x})
    order = np.argsort(-x, axis=1, kind="stable")[:, :3]
    np.testing.assert_array_equal(indices, order)
    np.testing.assert_array_equal(values, np.take_along_axis(x, order, axis=1))


# ---------------------------------------------------------------------------
# What the importer refuses
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("op,inputs,attrs,inits,opset,message", [
    ("ReduceSum", {"X": randn(2, 3), "axes": np.array([[1]], np.int64)}, {}, None, 13,
     "must be 1-d, got dims"),
    ("LpNormalization", {"X": randn(2, 3)}, {"p": 3}, None, 17, "p must be 1 or 2"),
    ("ReduceMean", {"X": randn(2, 3)}, {"axes": [0, -2]}, None, 13, "more than once"),
    ("Softmax", {"X": randn(2, 3)}, {"axis": 2}, None, 13, "out of range"),
    ("GroupNormalization", {"X": randn(1, 4, 3)}, {"num_groups": 2},
     {"S": randn(4), "B": randn(4)}, 18, "one entry per group"),
])
def test_import_rejects(unchecked, op, inputs, attrs, inits, opset, message):
    outputs = list(TOPK_OUT) if op == "TopK" else ["Y"]
    shapes = {o: (None, np.float32 if o != "Indices" else np.int64) for o in outputs}
    model = build_model(op, inputs, attrs, inits, opset, outputs, shapes)
    with pytest.raises(polytile.OnnxImportError, match=message):
        polytile.compile(model)

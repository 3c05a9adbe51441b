"""Ops whose output sizes depend on the input's values: NonZero, Compress, Unique.

Each model is compiled once and run on several inputs whose outputs have
different sizes (the compiled module's ``_shapes`` entry computes them from the
data), against onnxruntime; the outputs are numpy arrays of the right shape and
dtype. Inputs cover all-zero / all-true / empty results, float and integer
types, ranks 0 to 3 and dynamic input dims (``dim_param``). Element types
onnxruntime has no Unique kernel for (int32, uint8, bool) are checked against
numpy's ``unique``.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np
import onnx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper

import polytile
from onnx_check import assert_close, run_onnxruntime

vi = helper.make_tensor_value_info


def _model(nodes, inputs: Sequence[onnx.ValueInfoProto], outputs: Sequence[str],
           inits: Optional[dict] = None, opset: int = 17) -> onnx.ModelProto:
    """A model whose output types come from ONNX shape inference."""
    if not isinstance(nodes, list):
        nodes = [nodes]
    graph = helper.make_graph(nodes, "data_dependent", list(inputs),
                              [helper.make_value_info(o, onnx.TypeProto()) for o in outputs],
                              [onnx.numpy_helper.from_array(v, k) for k, v in (inits or {}).items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    onnx.checker.check_model(model)
    return model


def _check(model: onnx.ModelProto, feeds_list: Sequence[dict],
           reference: Callable[[dict], list] = None) -> list[list[np.ndarray]]:
    """Compile ``model`` once, run it on each feed dict, compare with ``reference``
    (onnxruntime by default); the output shapes must differ between the runs."""
    compiled = polytile.compile(model)
    reference = reference or (lambda feeds: run_onnxruntime(model, feeds))
    results = []
    for feeds in feeds_list:
        got = compiled.run(feeds)
        expected = reference(feeds)
        for g in got:
            assert isinstance(g, np.ndarray)
        assert_close(got, expected)
        for g, e in zip(got, expected):  # bit-exact: -0.0 stays -0.0
            assert np.array_equal(np.signbit(g), np.signbit(np.asarray(e))) or g.dtype.kind not in "f"
        results.append(got)
    shapes = {tuple(r.shape for r in got) for got in results}
    assert len(shapes) > 1, f"every run gave the same output shapes {shapes}"
    return results


RNG = np.random.default_rng(0)


def _sparse(shape, dtype, density=0.4, rng=RNG):
    """Random values of ``dtype`` with about ``1 - density`` of them zero."""
    values = rng.integers(1, 9, size=shape) * np.where(rng.random(shape) < density, 1, 0)
    if np.dtype(dtype).kind == "f":
        values = values * rng.choice([-1.5, 0.5, 2.25], size=shape)
    return values.astype(dtype)


# ----------------------------------------------------------------------------
# NonZero
# ----------------------------------------------------------------------------

def test_non_zero_1d_float_dynamic():
    model = _model(helper.make_node("NonZero", ["x"], ["y"]), [vi("x", TensorProto.FLOAT, ["n"])], ["y"])
    _check(model, [{"x": np.array([0, 1.5, 0, -2, np.nan, -0.0], np.float32)},
                   {"x": np.zeros(7, np.float32)},  # empty result
                   {"x": _sparse(33, np.float32)},
                   {"x": np.ones(3, np.float32)},
                   {"x": np.zeros(0, np.float32)}])  # empty input


def test_non_zero_2d_int_static():
    """A static input: one compiled model, outputs of different sizes."""
    model = _model(helper.make_node("NonZero", ["x"], ["y"]), [vi("x", TensorProto.INT32, [3, 5])], ["y"])
    _check(model, [{"x": _sparse((3, 5), np.int32)}, {"x": np.zeros((3, 5), np.int32)},
                   {"x": np.full((3, 5), -7, np.int32)}])


@pytest.mark.parametrize("elem_type,dtype", [(TensorProto.BOOL, np.bool_), (TensorProto.INT64, np.int64),
                                             (TensorProto.UINT8, np.uint8), (TensorProto.FLOAT, np.float32)])
def test_non_zero_3d_dynamic(elem_type, dtype):
    model = _model(helper.make_node("NonZero", ["x"], ["y"]), [vi("x", elem_type, [2, "h", 3])], ["y"])
    _check(model, [{"x": _sparse((2, 4, 3), dtype)}, {"x": _sparse((2, 7, 3), dtype, density=0.8)},
                   {"x": np.zeros((2, 1, 3), dtype)}])


def test_non_zero_scalar():
    """A 0-d input gives a 1 x nnz result, as onnxruntime does."""
    model = _model(helper.make_node("NonZero", ["x"], ["y"]), [vi("x", TensorProto.FLOAT, [])], ["y"])
    first, second = _check(model, [{"x": np.array(3.0, np.float32)}, {"x": np.array(0.0, np.float32)}])
    assert first[0].shape == (1, 1) and second[0].shape == (1, 0)


def test_non_zero_feeds_a_transpose():
    """The usual export pattern: NonZero, then Transpose to one row per element."""
    nodes = [helper.make_node("NonZero", ["x"], ["nz"]), helper.make_node("Transpose", ["nz"], ["y"])]
    model = _model(nodes, [vi("x", TensorProto.FLOAT, ["a", "b"])], ["y"])
    (y,), _ = _check(model, [{"x": _sparse((4, 6), np.float32)}, {"x": _sparse((9, 2), np.float32)}])
    assert y.dtype == np.int64 and y.ndim == 2 and y.shape[1] == 2


# ----------------------------------------------------------------------------
# Compress
# ----------------------------------------------------------------------------

def _compress(axis=None, data=(TensorProto.FLOAT, [3, 4]), condition=("n",)):
    attrs = {} if axis is None else {"axis": axis}
    node = helper.make_node("Compress", ["x", "c"], ["y"], **attrs)
    return _model(node, [vi("x", data[0], data[1]), vi("c", TensorProto.BOOL, list(condition))], ["y"])


def test_compress_axis_condition_lengths():
    """Conditions shorter than the axis (the rest dropped), longer (the extra entries
    ignored, as onnxruntime does), all false, all true."""
    model = _compress(axis=1)
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    _check(model, [{"x": x, "c": np.array([1, 0, 1], bool)},
                   {"x": x, "c": np.array([0, 1, 1, 0, 1, 1], bool)},
                   {"x": x, "c": np.zeros(4, bool)},
                   {"x": x, "c": np.ones(4, bool)},
                   {"x": x, "c": np.zeros(0, bool)}])


def test_compress_flattened_dynamic_int():
    """Without axis: the flattened input; the input has a dynamic dim."""
    model = _compress(data=(TensorProto.INT64, [2, "h", 2]), condition=(9,))
    c = np.array([1, 0, 1, 1, 0, 0, 1, 1, 1], bool)
    _check(model, [{"x": RNG.integers(-5, 5, (2, 3, 2)), "c": c},
                   {"x": RNG.integers(-5, 5, (2, 1, 2)), "c": c},
                   {"x": RNG.integers(-5, 5, (2, 5, 2)), "c": ~c}])


@pytest.mark.parametrize("axis", [0, -1, 2])
def test_compress_3d_axes(axis):
    model = _compress(axis=axis, data=(TensorProto.INT32, ["a", 3, 4]))
    x = RNG.integers(-9, 9, (2, 3, 4)).astype(np.int32)
    _check(model, [{"x": x, "c": np.array([1, 0, 1], bool)}, {"x": x, "c": np.array([0, 1], bool)},
                   {"x": np.concatenate([x, x]), "c": np.array([0, 1, 1, 1], bool)}])


def test_compress_bool_data_constant():
    """Bool data held in an initializer, the condition given at run time."""
    data = RNG.random((4, 3)) < 0.5
    node = helper.make_node("Compress", ["x", "c"], ["y"], axis=0)
    model = _model(node, [vi("c", TensorProto.BOOL, ["n"])], ["y"], inits={"x": data})
    _check(model, [{"c": np.array([1, 1, 0, 1], bool)}, {"c": np.array([0, 1], bool)}])


# ----------------------------------------------------------------------------
# Unique
# ----------------------------------------------------------------------------

UNIQUE_OUTPUTS = ["y", "indices", "inverse_indices", "counts"]


def _unique(data, outputs=UNIQUE_OUTPUTS, node_outputs=None, **attrs):
    node = helper.make_node("Unique", ["x"], node_outputs or outputs, **attrs)
    return _model(node, [vi("x", data[0], data[1])], outputs, opset=11)


def _numpy_unique(axis=None, sorted=1):
    """The ONNX Unique of numpy's unique (first occurrences in order when not sorted)."""
    def run(feeds):
        x = feeds["x"]
        y, indices, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                                return_counts=True, axis=axis)
        inverse = inverse.reshape(-1)
        if not sorted:
            order = np.argsort(indices, kind="stable")
            position = np.empty_like(order)
            position[order] = np.arange(len(order))
            y = np.take(x.reshape(-1) if axis is None else x, indices[order], axis=0 if axis is None else axis)
            indices, counts, inverse = indices[order], counts[order], position[inverse]
        return [y, indices.astype(np.int64), inverse.astype(np.int64), counts.astype(np.int64)]
    return run


@pytest.mark.parametrize("sorted_", [1, 0])
def test_unique_1d_float_dynamic(sorted_):
    model = _unique((TensorProto.FLOAT, ["n"]), sorted=sorted_)
    _check(model, [{"x": np.array([2, 1, 1, 3, 4, 3], np.float32)},
                   {"x": np.array([5, 5, -0.0, 0.0, 5, -1.5], np.float32)},  # -0.0 is kept (first)
                   {"x": np.full(4, 7.0, np.float32)},
                   {"x": RNG.integers(-4, 4, 40).astype(np.float32)},
                   {"x": np.zeros(0, np.float32)}])


@pytest.mark.parametrize("sorted_", [1, 0])
@pytest.mark.parametrize("elem_type,dtype", [(TensorProto.INT64, np.int64), (TensorProto.INT8, np.int8),
                                             (TensorProto.DOUBLE, np.float64)])
def test_unique_flattened_2d(sorted_, elem_type, dtype):
    """Without axis: over the flattened input."""
    model = _unique((elem_type, ["a", 4]), sorted=sorted_)
    _check(model, [{"x": RNG.integers(-3, 3, (3, 4)).astype(dtype)},
                   {"x": RNG.integers(-100, 100, (5, 4)).astype(dtype)},
                   {"x": np.zeros((2, 4), dtype)}])


@pytest.mark.parametrize("sorted_", [1, 0])
def test_unique_axis0_rows(sorted_):
    model = _unique((TensorProto.FLOAT, ["n", 3]), axis=0, sorted=sorted_)
    _check(model, [{"x": np.array([[1, 0, 0], [1, 0, 0], [2, 3, 4], [0, 5, 5], [1, 0, -1]], np.float32)},
                   {"x": np.array([[1, 0, 0], [1, 0, 0]], np.float32)},
                   {"x": RNG.integers(0, 2, (12, 3)).astype(np.float32)}])


@pytest.mark.parametrize("axis", [1, -1])
@pytest.mark.parametrize("sorted_", [1, 0])
def test_unique_3d_axis(axis, sorted_):
    """Slices along a middle or last axis, compared lexicographically (row-major)."""
    model = _unique((TensorProto.INT64, [2, "n", 2]), axis=axis, sorted=sorted_)
    _check(model, [{"x": RNG.integers(0, 2, (2, 5, 2))}, {"x": RNG.integers(0, 2, (2, 9, 2))},
                   {"x": np.zeros((2, 3, 2), np.int64)}])


def test_unique_some_outputs():
    """Any subset of the outputs (Y is required by ONNX, but need not be a graph output)."""
    model = _unique((TensorProto.FLOAT, ["n"]), outputs=["indices", "counts"],
                    node_outputs=["y", "indices", "", "counts"], sorted=0)
    _check(model, [{"x": np.array([3, 1, 3, 2], np.float32)}, {"x": np.array([1, 1], np.float32)}])
    model = _unique((TensorProto.INT64, [6]), outputs=["y"])
    _check(model, [{"x": np.array([3, 1, 3, 2, 1, 0])}, {"x": np.array([4, 4, 4, 4, 4, 4])}])


@pytest.mark.parametrize("sorted_", [1, 0])
@pytest.mark.parametrize("elem_type,dtype", [(TensorProto.INT32, np.int32), (TensorProto.UINT8, np.uint8),
                                             (TensorProto.BOOL, np.bool_)])
def test_unique_types_onnxruntime_lacks(sorted_, elem_type, dtype):
    """onnxruntime has no Unique kernel for these: checked against numpy (uint8 above 127
    must order after small values: compared unsigned)."""
    model = _unique((elem_type, ["n"]), sorted=sorted_)
    _check(model, [{"x": np.array([200, 3, 0, 255, 3, 1], dtype)}, {"x": np.array([1, 1, 1], dtype)}],
           reference=_numpy_unique(sorted=sorted_))
    model = _unique((elem_type, ["n", 2]), axis=0, sorted=sorted_)
    _check(model, [{"x": np.array([[200, 3], [0, 255], [200, 3], [0, 1]], dtype)},
                   {"x": np.array([[1, 1], [1, 1]], dtype)}],
           reference=_numpy_unique(axis=0, sorted=sorted_))


# ----------------------------------------------------------------------------
# Constant inputs: folded at import
# ----------------------------------------------------------------------------

_ROWS = np.array([[1, 0, 0], [1, 0, 0], [2, 3, 4], [0, 5, 5], [1, 0, -1]], np.float32)


@pytest.mark.parametrize("op,inits,outputs,attrs", [
    ("NonZero", {"w": np.array([[0, 1.5], [2, 0]], np.float32)}, ["y"], {}),
    ("NonZero", {"w": np.array(2, np.int64)}, ["y"], {}),
    ("Compress", {"w": np.arange(12, dtype=np.float32).reshape(3, 4), "c": np.array([1, 0, 1, 1, 1, 1], bool)},
     ["y"], {"axis": 1}),
    ("Compress", {"w": np.arange(12, dtype=np.int64).reshape(3, 4), "c": np.array([1, 0, 1], bool)}, ["y"], {}),
    ("Unique", {"w": np.array([5, 5, -0.0, 0.0, 5, -1.5], np.float32)}, UNIQUE_OUTPUTS, {"sorted": 0}),
    ("Unique", {"w": _ROWS}, UNIQUE_OUTPUTS, {"axis": 0}),
    ("Unique", {"w": _ROWS}, UNIQUE_OUTPUTS, {"axis": -1, "sorted": 0}),
], ids=lambda v: v if isinstance(v, str) else None)
def test_constant_inputs_fold(op, inits, outputs, attrs):
    """On constants the outputs are computed at import (their sizes are unknown before
    evaluating, so the graph walker's fold does not take them): no run-time op is left."""
    model = _model(helper.make_node(op, list(inits), outputs, **attrs), [], outputs, inits=inits, opset=11)
    tg_ir = polytile.compile(model, emit="tg")
    assert "tg.non_zero" not in tg_ir and "tg.compress" not in tg_ir and "tg.unique" not in tg_ir
    got, expected = polytile.compile(model).run({}), run_onnxruntime(model, {})
    assert_close(got, expected)
    for g, e in zip(got, expected):  # -0.0 kept (the first occurrence)
        assert g.dtype.kind != "f" or np.array_equal(np.signbit(g), np.signbit(e))


# ----------------------------------------------------------------------------
# Sweep: one dynamic model per op, compiled once, run on drawn shapes and data
# ----------------------------------------------------------------------------

_SWEEP_MODELS = {
    "nonzero": lambda: _model(helper.make_node("NonZero", ["x"], ["y"]),
                              [vi("x", TensorProto.FLOAT, ["a", "b"])], ["y"]),
    "compress": lambda: _compress(axis=1, data=(TensorProto.FLOAT, ["a", "b"])),
    "unique_sorted": lambda: _unique((TensorProto.FLOAT, ["a", "b"]), sorted=1),
    "unique_rows": lambda: _unique((TensorProto.FLOAT, ["a", "b"]), axis=0, sorted=0),
}
_SWEEP_COMPILED: dict = {}


@settings(max_examples=max(1, settings.default.max_examples // 2))
@given(st.data())
def test_sweep_against_onnxruntime(data):
    """Drawn sizes (0 included), densities and few distinct values (so that rows repeat)."""
    which = data.draw(st.sampled_from(sorted(_SWEEP_MODELS)), label="op")
    if which not in _SWEEP_COMPILED:
        model = _SWEEP_MODELS[which]()
        _SWEEP_COMPILED[which] = (model, polytile.compile(model))
    model, compiled = _SWEEP_COMPILED[which]
    a, b = data.draw(st.integers(0, 9), label="a"), data.draw(st.integers(0, 9), label="b")
    if which == "unique_rows":
        b = max(b, 1)  # onnxruntime aborts on Unique of empty slices
    seed = data.draw(st.integers(0, 2**31 - 1), label="seed")
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, (a, b)).astype(np.float32) * rng.choice([0.0, 1.0], (a, b), p=[0.3, 0.7])
    feeds = {"x": x.astype(np.float32)}
    if which == "compress":
        feeds["c"] = rng.random(data.draw(st.integers(0, 12), label="len(c)")) < 0.5
    assert_close(compiled.run(feeds), run_onnxruntime(model, feeds))

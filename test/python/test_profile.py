"""polytile.profile: per-kernel times of a compiled model (func-profile-calls).

No timing assertions: the profile must name the kernels the compiler makes,
count one call per call site per run, and leave the model's results unchanged.
"""
import re

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import polytile
from onnx_check import run_onnxruntime
from polytile.profile import profile

REPEATS = 3


def conv_relu_matmul() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w"),
             numpy_helper.from_array(np.array([1, 4 * 6 * 6], np.int64), "shape"),
             numpy_helper.from_array(rng.standard_normal((4 * 6 * 6, 5)).astype(np.float32), "m")]
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv0"),
             helper.make_node("Relu", ["c"], ["r"], name="relu0"),
             helper.make_node("Reshape", ["r", "shape"], ["f"], name="flatten0"),
             helper.make_node("MatMul", ["f", "m"], ["y"], name="matmul0")]
    graph = helper.make_graph(nodes, "conv_relu_matmul",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def entry_call_sites(affine_ir: str) -> dict:
    """Callee -> number of calls in the entry function of the affine-stage IR."""
    body = affine_ir[affine_ir.index("func.func @polytile_entry"):]
    sites = {}
    for callee in re.findall(r"call @(\w+)\(", body):
        sites[callee] = sites.get(callee, 0) + 1
    return sites


@pytest.fixture(scope="module")
def model_and_profile():
    model = conv_relu_matmul()
    return model, profile(model, repeats=REPEATS)


def test_rows_name_the_kernels_of_the_entry(model_and_profile):
    model, result = model_and_profile
    sites = entry_call_sites(polytile.compile(model, emit="affine"))
    assert result.rows and sites
    assert sorted(r.name for r in result.rows) == sorted(sites)
    for row in result.rows:
        assert row.calls == REPEATS * sites[row.name], row
        assert row.calls_per_run == sites[row.name]
        assert row.ms_per_run >= 0.0 and 0.0 <= row.share


def test_rows_are_sorted_and_carry_onnx_node_names(model_and_profile):
    _, result = model_and_profile
    times = [r.ms_per_run for r in result.rows]
    assert times == sorted(times, reverse=True)
    nodes = {n for r in result.rows for n in r.nodes}
    assert {"conv0", "matmul0"} <= nodes
    assert result.total_ms > 0.0 and result.uninstrumented_ms > 0.0
    table = result.table(top=2)
    assert "other (%d kernels)" % (len(result.rows) - 2) in table
    assert result.rows[0].name in table


def test_instrumented_outputs_match_onnxruntime(model_and_profile):
    model, result = model_and_profile
    expected = run_onnxruntime(model, result.feeds)
    assert len(result.outputs) == len(expected)
    for actual, reference in zip(result.outputs, expected):
        np.testing.assert_allclose(actual, reference, rtol=1e-4, atol=1e-4)


def test_given_feeds_are_used():
    model = conv_relu_matmul()
    feeds = {"x": np.full((1, 3, 8, 8), 0.5, np.float32)}
    result = profile(model, repeats=1, feeds=feeds)
    np.testing.assert_allclose(result.outputs[0], run_onnxruntime(model, feeds)[0], rtol=1e-4, atol=1e-4)
    assert all(r.calls == r.calls_per_run for r in result.rows)


@pytest.mark.parametrize("kwargs, message", [
    ({"repeats": 0}, "repeats must be at least 1"),
    ({"tile_size": 4}, "target 'cpu' does not support the option 'tile_size'"),
])
def test_bad_arguments_are_reported(kwargs, message):
    with pytest.raises(polytile.PolytileError, match=re.escape(message)):
        profile(conv_relu_matmul(), **kwargs)

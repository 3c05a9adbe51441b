"""Softmax, LogSoftmax, LayerNormalization, the erf-GELU chain and last-axis reductions
against onnxruntime, at 1 and 2 threads: the row kernels that ``affine-promote-reductions``
vectorizes (reassociated sums), ``affine-promote-unit-loops`` parallelizes and
``math-approximate-f32`` computes exp/erf for.

Shape sweeps put several nodes in one model (one compile per thread count): last dims
1, 3, 7, 8, 17, 197 and 1000 (remainders of every vector width and interleave), several
leading dims, axes that are not the last, LayerNormalization over one or several
trailing axes with and without bias, and symbolic input dims. Extreme logits (large,
-1e9 masks, -inf entries) must give no overflow or NaN.
"""
from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import polytile
from onnx_check import assert_close, run_onnxruntime

OPSET = 17
LAST_DIMS = [1, 3, 7, 8, 17, 197, 1000]
LEADING = [(1,), (3,), (2, 3), (1, 2, 5), (4, 1, 2)]


def _rng(seed: int = 0):
    return np.random.default_rng(seed)


def _model(nodes, inputs: dict, outputs: list, initializers: dict = None, symbolic: dict = None):
    """A model of ``nodes``; ``symbolic`` maps an input name to its dims with names for
    the dynamic ones (e.g. ["N", 17])."""
    symbolic = symbolic or {}
    graph_inputs = [helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(a.dtype),
                                                  symbolic.get(name, list(a.shape)))
                    for name, a in inputs.items()]
    inits = [onnx.numpy_helper.from_array(a, name) for name, a in (initializers or {}).items()]
    probe = helper.make_model(
        helper.make_graph(nodes, "probe", graph_inputs, [helper.make_empty_tensor_value_info(o) for o in outputs],
                          inits), opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)
    known = {vi.name: vi for vi in onnx.shape_inference.infer_shapes(probe, strict_mode=True).graph.value_info}
    graph = helper.make_graph(nodes, "norm_kernels", graph_inputs, [known[o] for o in outputs], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def _check(model, feeds_list, threads: int, rtol: float = 1e-4, atol: float = 1e-5):
    compiled = polytile.compile(model, threads=threads)
    for feeds in feeds_list:
        actual = compiled.run(feeds)
        assert_close(actual, run_onnxruntime(model, feeds), rtol, atol)
        for a in actual:
            assert not np.isnan(a).any()
    return compiled


def _shapes():
    """(leading, last) pairs covering every last dim and leading dims of every rank."""
    return [(lead, last) for i, last in enumerate(LAST_DIMS) for lead in LEADING[i % len(LEADING):][:2]]


@pytest.mark.parametrize("threads", [1, 2])
def test_softmax_shape_sweep(threads):
    """Softmax/LogSoftmax over the last axis, and over earlier axes, of many shapes."""
    rng = _rng(1)
    nodes, feeds, outputs = [], {}, []
    for k, (lead, last) in enumerate(_shapes()):
        x = (3 * rng.standard_normal(lead + (last,))).astype(np.float32)
        feeds[f"x{k}"] = x
        op = "LogSoftmax" if k % 3 == 2 else "Softmax"
        nodes.append(helper.make_node(op, [f"x{k}"], [f"y{k}"], axis=-1))
        outputs.append(f"y{k}")
        if len(lead) >= 2 and last <= 197:  # an axis that is not the last one (strided reduction)
            nodes.append(helper.make_node("Softmax", [f"x{k}"], [f"z{k}"], axis=k % (len(lead))))
            outputs.append(f"z{k}")
    _check(_model(nodes, feeds, outputs), [feeds], threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_layer_normalization_shape_sweep(threads):
    """LayerNormalization over the last axis and over several trailing axes, with and without
    bias, with the Mean and InvStdDev outputs on some."""
    rng = _rng(2)
    nodes, feeds, inits, outputs = [], {}, {}, []
    for k, (lead, last) in enumerate(_shapes()):
        shape = lead + (last,)
        feeds[f"x{k}"] = (rng.standard_normal(shape) * 2 + 0.5).astype(np.float32)
        axis = -1 if k % 3 else -min(2, len(shape))
        params = shape[axis:]
        inits[f"s{k}"] = (1 + 0.2 * rng.standard_normal(params)).astype(np.float32)
        names = [f"x{k}", f"s{k}"]
        if k % 2 == 0:
            inits[f"b{k}"] = (0.3 * rng.standard_normal(params)).astype(np.float32)
            names.append(f"b{k}")
        outs = [f"y{k}", f"m{k}", f"v{k}"] if k % 4 == 1 else [f"y{k}"]
        nodes.append(helper.make_node("LayerNormalization", names, outs, axis=axis, epsilon=1e-5))
        outputs += outs
    _check(_model(nodes, feeds, outputs, inits), [feeds], threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_gelu_and_last_axis_reductions(threads):
    """The erf-GELU chain x * 0.5 * (1 + erf(x / sqrt 2)), and ReduceSum/ReduceMean/ReduceMax/
    ArgMax over the last axis (accumulators promoted to registers, sums reassociated)."""
    rng = _rng(3)
    nodes, feeds, outputs = [], {}, []
    inits = {"sqrt2": np.array(1.4142135, np.float32), "one": np.array(1.0, np.float32),
             "half": np.array(0.5, np.float32)}
    for k, (lead, last) in enumerate(_shapes()):
        feeds[f"x{k}"] = (2 * rng.standard_normal(lead + (last,))).astype(np.float32)
        x = f"x{k}"
        nodes += [helper.make_node("Div", [x, "sqrt2"], [f"d{k}"]), helper.make_node("Erf", [f"d{k}"], [f"e{k}"]),
                  helper.make_node("Add", [f"e{k}", "one"], [f"a{k}"]), helper.make_node("Mul", [x, f"a{k}"], [f"p{k}"]),
                  helper.make_node("Mul", [f"p{k}", "half"], [f"g{k}"])]
        reduce = ["ReduceSum", "ReduceMean", "ReduceMax"][k % 3]
        if reduce == "ReduceSum":
            nodes.append(helper.make_node("Constant", [], [f"ax{k}"], value=onnx.numpy_helper.from_array(
                np.array([-1], np.int64), f"ax{k}")))
            nodes.append(helper.make_node(reduce, [x, f"ax{k}"], [f"r{k}"], keepdims=k % 2))
        else:
            nodes.append(helper.make_node(reduce, [x], [f"r{k}"], axes=[-1], keepdims=k % 2))
        nodes.append(helper.make_node("ArgMax", [x], [f"i{k}"], axis=-1))
        nodes.append(helper.make_node("Cast", [f"i{k}"], [f"c{k}"], to=TensorProto.FLOAT))
        outputs += [f"g{k}", f"r{k}", f"c{k}"]
    _check(_model(nodes, feeds, outputs, inits), [feeds], threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_dynamic_dims(threads):
    """Softmax and LayerNormalization on inputs with symbolic dims, run at two sizes."""
    rng = _rng(4)
    width = 197
    nodes = [helper.make_node("Softmax", ["a"], ["ya"], axis=-1),
             helper.make_node("LayerNormalization", ["b", "s", "bias"], ["yb"], axis=-1, epsilon=1e-5),
             helper.make_node("Softmax", ["c"], ["yc"], axis=-1)]
    inits = {"s": (1 + 0.1 * rng.standard_normal(width)).astype(np.float32),
             "bias": (0.1 * rng.standard_normal(width)).astype(np.float32)}
    symbolic = {"a": ["N", 2, 17], "b": [1, "S", width], "c": [3, "L"]}
    examples = {"a": np.zeros((1, 2, 17), np.float32), "b": np.zeros((1, 1, width), np.float32),
                "c": np.zeros((3, 1), np.float32)}
    model = _model(nodes, examples, ["ya", "yb", "yc"], inits, symbolic)
    feeds_list = [{"a": rng.standard_normal((n, 2, 17)).astype(np.float32),
                   "b": rng.standard_normal((1, s, width)).astype(np.float32),
                   "c": (5 * rng.standard_normal((3, l))).astype(np.float32)}
                  for n, s, l in [(1, 3, 1), (5, 128, 1001)]]
    _check(model, feeds_list, threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_softmax_extreme_values(threads):
    """Large logits, -1e9 attention masks and -inf entries: no overflow, no NaN, and the
    masked entries exactly 0."""
    rng = _rng(5)
    x = (rng.standard_normal((2, 3, 197)) * 4).astype(np.float32)
    x[0, 0, :] += 1e4  # every logit huge: exp(x) overflows without the max shift
    x[0, 1, 100:] = -1e9  # masked tail
    x[0, 2, ::3] = -np.inf
    x[1, 0, 5] = 3e38  # one logit near the float max
    x[1, 1, :] = -1e30
    x[1, 2, :] = np.linspace(-200, 200, 197)
    nodes = [helper.make_node("Softmax", ["x"], ["y"], axis=-1),
             helper.make_node("LogSoftmax", ["x"], ["z"], axis=-1)]
    model = _model(nodes, {"x": x}, ["y", "z"])
    compiled = polytile.compile(model, threads=threads)
    y, z = compiled.run({"x": x})
    ey, ez = run_onnxruntime(model, {"x": x})
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y, ey, rtol=1e-4, atol=1e-6)
    assert (y[0, 1, 100:] == 0).all() and (y[0, 2, ::3] == 0).all()
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-5)
    finite = np.isfinite(ez)
    assert (np.isfinite(z) == finite).all()
    np.testing.assert_allclose(z[finite], ez[finite], rtol=1e-4, atol=1e-4)

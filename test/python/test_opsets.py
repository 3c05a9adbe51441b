"""Models of ONNX opsets 24-28 and ops imported through their ONNX function body.

The opset rules (importers/onnx/opsets.py): a newer node is read by the opset-23
rule when its versions after 23 change only element types; the versions that
change semantics have rules of their own (signed BitShift and float Mod at 28,
tested here against the ONNX reference implementation, which onnxruntime 1.32
lacks at opset 28); ops ONNX defines as functions (the losses, the windows,
CenterCropPad, ...) are imported through their bodies (functions.py), checked
against onnxruntime's own kernels."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import polytile
from polytile.importers.onnx import OnnxImportError, functions, opsets
from onnx_check import assert_close, check_node, make_model


def _reference(model, feeds):
    return [np.asarray(r) for r in ReferenceEvaluator(model).run(None, feeds)]


def _compiled(model, feeds, threads=1):
    return polytile.compile(model, threads=threads).run(feeds)


# The opset table ----------------------------------------------------------------

def test_type_only_changes_are_accepted():
    # Cast 25 and 28 add int2/uint2 and float6; Shape 24/25 add types only
    assert opsets.changes_after_base("Cast", 28) is None
    assert opsets.changes_after_base("Shape", 25) is None
    assert opsets.changes_after_base("ReduceLogSumExp", 28) is None  # drops the int types


def test_semantic_changes_are_named():
    assert "version 28" in opsets.changes_after_base("Mod", 28)
    assert "version 28" in opsets.changes_after_base("BitShift", 28)
    assert "attributes" in opsets.changes_after_base("SpaceToDepth", 28)
    assert "inputs" in opsets.changes_after_base("Attention", 24)


def test_relu_and_cast_at_opset_28():
    x = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    nodes = [helper.make_node("Relu", ["x"], ["r"]),
             helper.make_node("Cast", ["r"], ["y"], to=TensorProto.INT32)]
    model = make_model(nodes, {"x": x}, ["y"], opset=28)
    assert_close(_compiled(model, {"x": x}), _reference(model, {"x": x}))


def test_unchanged_error_for_a_changed_version_without_rule(monkeypatch):
    """A newer version whose semantics changed, with no rule and no function body,
    is refused naming the version and what changed."""
    from polytile.importers.onnx import graph, registry
    real = registry.rule_since
    monkeypatch.setattr(registry, "rule_since",
                        lambda op, opset, domain="": -1 if (op, opset) == ("Mod", 28) else real(op, opset, domain))
    x = np.ones((2, 3), np.int32)
    model = make_model([helper.make_node("Mod", ["a", "b"], ["y"])], {"a": x, "b": x}, ["y"], opset=28)
    with pytest.raises(OnnxImportError, match=r"opset 28 version of Mod \(since opset 28\).*version 28 changes"):
        polytile.compile(model)
    assert graph.BASE_OPSET == 23


# Signed BitShift (opset 28) -------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32])
@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
def test_bit_shift_28(dtype, direction):
    bits = np.iinfo(dtype).bits
    info = np.iinfo(dtype)
    x = np.array([info.min, info.max, -5 if info.min else 5, 0, 1, 7, info.min // 2, 3, 100], dtype)
    y = np.array([1, 3, 1, 0, bits - 1, bits, 2, bits + 5, 1], dtype)
    if info.min < 0:
        y[3] = -1  # a negative amount: the sign fill
        y[8] = -3
    model = make_model([helper.make_node("BitShift", ["x", "y"], ["z"], direction=direction)],
                       {"x": x, "y": y}, ["z"], opset=28)
    assert_close(_compiled(model, {"x": x, "y": y}), _reference(model, {"x": x, "y": y}))


def test_bit_shift_11_refuses_signed():
    x = np.ones(4, np.int32)
    model = make_model([helper.make_node("BitShift", ["x", "y"], ["z"], direction="LEFT")],
                       {"x": x, "y": x}, ["z"], opset=11)
    with pytest.raises(OnnxImportError, match="unsigned"):
        polytile.compile(model)


# Float Mod with fmod = 0 (opset 28) ------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_mod_28(dtype):
    specials = [0.0, -0.0, 5.5, -5.5, np.inf, -np.inf, np.nan, 3.0, -3.0, 1e-30]
    a = np.array([x for x in specials for _ in specials], dtype)
    b = np.array([y for _ in specials for y in specials], dtype)
    a = np.concatenate([a, np.linspace(-7, 7, 37, dtype=dtype)])
    b = np.concatenate([b, np.full(37, 2.5, dtype)])
    model = make_model([helper.make_node("Mod", ["a", "b"], ["y"])], {"a": a, "b": b}, ["y"], opset=28)
    got = _compiled(model, {"a": a, "b": b})[0]
    expected = _reference(model, {"a": a, "b": b})[0]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    finite = ~np.isnan(expected)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-6)
    np.testing.assert_array_equal(np.signbit(got[finite]), np.signbit(expected[finite]))


def test_float_mod_before_28_is_refused():
    x = np.ones(3, np.float32)
    model = make_model([helper.make_node("Mod", ["a", "b"], ["y"])], {"a": x, "b": x}, ["y"], opset=13)
    with pytest.raises(OnnxImportError, match="fmod=0 on floating-point"):
        polytile.compile(model)


# Ops imported through their function bodies ---------------------------------------

def test_function_body_names_the_inner_node(monkeypatch):
    """A body node that polytile cannot import is reported under the outer node."""
    from polytile.importers.onnx import registry
    real = registry.lookup
    monkeypatch.setattr(registry, "lookup",
                        lambda op, opset, domain="": None if op == "Pad" else real(op, opset, domain))
    x = np.ones((4, 5), np.float32)
    model = make_model([helper.make_node("CenterCropPad", ["x", "s"], ["y"], name="crop")], {"x": x}, ["y"],
                       initializers={"s": np.array([6, 3], np.int64)}, opset=18)
    with pytest.raises(OnnxImportError, match=r"node 'crop' \(CenterCropPad\), imported through its ONNX "
                                              r"function body: node 'crop/.*' \(Pad\): op type 'Pad' is not"):
        polytile.compile(model)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [None, 1])
def test_softmax_cross_entropy_loss(reduction, weighted, ignore_index):
    rng = np.random.default_rng(0)
    scores = rng.standard_normal((5, 7, 3)).astype(np.float32)  # N, C, d1
    labels = rng.integers(0, 7, size=(5, 3)).astype(np.int64)
    labels[0, 0] = 1
    inits = {"w": rng.uniform(0.2, 2, 7).astype(np.float32)} if weighted else {}
    attrs = {"reduction": reduction}
    if ignore_index is not None:
        attrs["ignore_index"] = ignore_index
    check_node("SoftmaxCrossEntropyLoss", {"x": scores, "labels": labels}, attrs,
               outputs=("loss", "log_prob"), initializers=inits, opset=13)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("ignore_index", [None, 2])
def test_negative_log_likelihood_loss(reduction, ignore_index):
    rng = np.random.default_rng(1)
    log_probs = np.log(rng.uniform(0.05, 1, (4, 5, 2, 3))).astype(np.float32)
    target = rng.integers(0, 5, size=(4, 2, 3)).astype(np.int64)
    target[1, 1, 1] = 2
    attrs = {"reduction": reduction}
    if ignore_index is not None:
        attrs["ignore_index"] = ignore_index
    check_node("NegativeLogLikelihoodLoss", {"x": log_probs, "target": target}, attrs,
               outputs=("loss",), initializers={"w": rng.uniform(0.5, 1.5, 5).astype(np.float32)},
               opset=13)


@pytest.mark.parametrize("op", ["HannWindow", "HammingWindow", "BlackmanWindow"])
@pytest.mark.parametrize("periodic", [0, 1])
def test_window_functions(op, periodic):
    model = make_model([helper.make_node(op, ["n"], ["w"], periodic=periodic)], {}, ["w"],
                       initializers={"n": np.array(13, np.int64)}, opset=17)
    assert_close(_compiled(model, {}), _reference(model, {}), rtol=1e-5, atol=1e-6)


def test_center_crop_pad():
    x = np.arange(5 * 6 * 3, dtype=np.float32).reshape(5, 6, 3)
    check_node("CenterCropPad", {"x": x}, {"axes": [0, 1]}, initializers={"shape": np.array([3, 9], np.int64)},
               opset=18)


def test_celu_and_swish_bodies_two_threads():
    x = np.linspace(-4, 4, 40, dtype=np.float32).reshape(5, 8)
    nodes = [helper.make_node("Celu", ["x"], ["c"], alpha=0.7),
             helper.make_node("Swish", ["c"], ["y"], alpha=1.3)]
    model = make_model(nodes, {"x": x}, ["y"], opset=24)
    assert_close(_compiled(model, {"x": x}, threads=2), _reference(model, {"x": x}), rtol=1e-5, atol=1e-6)


def test_expansion_renames_apart():
    node = helper.make_node("Celu", ["x"], ["y"], name="c", alpha=2.0)
    expansion = functions.expand(node, 13, lambda name: None)
    assert expansion is not None and expansion.opsets[""] == 12  # Celu's body is written for opset 12
    names = {o for n in expansion.nodes for o in n.output}
    assert "y" in names and all(o == "y" or o.startswith("c/") for o in names)
    alphas = [float(onnx.numpy_helper.to_array(a.t).reshape(-1)[0]) if a.HasField("t") else a.f
              for n in expansion.nodes if n.op_type == "Constant" for a in n.attribute]
    assert alphas == [2.0]  # the reference to the node's attribute is bound
    assert functions.expand(helper.make_node("Conv", ["x", "w"], ["y"]), 14, lambda n: None) is None
    assert isinstance(onnx.helper.printable_node(expansion.nodes[0]), str)


def test_size_of_a_dynamic_input_at_opset_25():
    """Size-25 (types only) of an input with a dynamic dim, as a graph output: the
    product of the run-time shape."""
    graph = helper.make_graph([helper.make_node("Size", ["x"], ["n"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", 3])],
                              [helper.make_tensor_value_info("n", TensorProto.INT64, [])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 25)])
    compiled = polytile.compile(model)
    for rows in (1, 4):
        x = np.zeros((rows, 3), np.float32)
        assert_close(compiled.run({"x": x}), [np.array(rows * 3, np.int64)])

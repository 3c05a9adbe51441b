"""Numerics of the shape family (data movement, indexing, generators) against
onnxruntime.

Expected values come from onnxruntime, node by node; where onnxruntime has no
kernel for a type (e.g. Trilu on int8) ONNX's reference evaluator stands in
for that node. ``test_dtype_sweep`` runs every op of the family on each
element type in one model; the other tests cover attribute combinations and
opset variants on small float/int tensors.
"""
import numpy as np
import onnx
import pytest
from onnx import helper

import polytile
from onnx_check import assert_close, make_model, run_onnxruntime

rng = np.random.default_rng(0)
I64_MAX = np.iinfo(np.int64).max
I64_MIN = np.iinfo(np.int64).min


NUMERIC_DTYPES = [np.float32, np.float64, np.float16, np.int8, np.int16, np.int32, np.int64, np.uint8]
ALL_DTYPES = NUMERIC_DTYPES + [np.bool_]


def values(shape, dtype, low=-5, high=6):
    """Small distinct-ish values of ``dtype`` (0/1 for bool, non-negative for uint8)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind == "u":
        return rng.integers(0, high + 5, shape).astype(dtype)
    if dtype.kind == "i":
        return rng.integers(low, high, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _node_expected(node, feeds: dict, initializers: dict, opset: int) -> list:
    """``node``'s outputs from onnxruntime, or from the reference evaluator
    where onnxruntime has no kernel for these types."""
    ins = {n: feeds[n] for n in node.input if n in feeds}
    inits = {n: initializers[n] for n in node.input if n in initializers}
    model = make_model([node], ins, list(node.output), inits, opset)
    try:
        return run_onnxruntime(model, ins)
    except Exception as e:  # noqa: BLE001 - only "no kernel for this type" falls back
        if not any(m in str(e) for m in ("NOT_IMPLEMENTED", "Could not find an implementation",
                                         "is not supported")):
            raise
    from onnx.reference import ReferenceEvaluator
    return [np.asarray(v) for v in ReferenceEvaluator(model).run(None, ins)]


def check_graph(nodes, inputs: dict, initializers=None, opset: int = 19, rtol=1e-4, atol=1e-5):
    """Compile a model of ``nodes`` (each reading graph inputs/initializers only)
    and compare every output with the per-node expected values."""
    initializers = initializers or {}
    outputs = [o for n in nodes for o in n.output]
    model = make_model(nodes, inputs, outputs, initializers, opset)
    actual = polytile.compile(model).run(inputs)
    expected = []
    for node in nodes:
        expected += _node_expected(node, inputs, initializers, opset)
    assert_close(actual, expected, rtol, atol)
    return actual


def check(op_type, inputs: dict, attrs=None, initializers=None, opset: int = 19,
          outputs=("Y",), input_names=None, **kw):
    """One-node check; inputs in the order of ``input_names`` (default: inputs,
    then initializers; "" for an absent optional input)."""
    order = input_names or list(inputs) + list(initializers or {})
    node = helper.make_node(op_type, order, list(outputs), **(attrs or {}))
    return check_graph([node], inputs, initializers, opset, **kw)


def i64(*v):
    return np.array(v, np.int64)


# ----------------------------------------------------------------------------
# Every op on every element type
# ----------------------------------------------------------------------------

def _sweep_nodes():
    n = helper.make_node
    return [
        n("Concat", ["X", "X"], ["concat"], axis=1),
        n("Split", ["X"], ["split0", "split1"], axis=1, num_outputs=2),
        n("Slice", ["X", "sl_starts", "sl_ends", "sl_axes", "sl_steps"], ["slice"]),
        n("Gather", ["X", "g_idx"], ["gather"], axis=1),
        n("GatherElements", ["X", "ge_idx"], ["gather_elements"], axis=2),
        n("GatherND", ["X", "gn_idx"], ["gather_nd"]),
        n("ScatterElements", ["X", "se_idx", "se_upd"], ["scatter_elements"], axis=1),
        n("ScatterND", ["X", "sn_idx", "sn_upd"], ["scatter_nd"]),
        n("Unsqueeze", ["X", "uq_axes"], ["unsqueeze"]),
        n("Squeeze", ["Z", "sq_axes"], ["squeeze"]),
        n("Expand", ["Z", "ex_shape"], ["expand"]),
        n("Tile", ["X", "ti_repeats"], ["tile"]),
        n("Pad", ["X", "pads", "pad_value"], ["pad_constant"]),
        n("Pad", ["X", "pads"], ["pad_reflect"], mode="reflect"),
        n("Pad", ["X", "pads"], ["pad_edge"], mode="edge"),
        n("Pad", ["X", "pads"], ["pad_wrap"], mode="wrap"),
        n("Trilu", ["X"], ["triu"]),
        n("Trilu", ["X", "k"], ["tril"], upper=0),
        n("Transpose", ["X"], ["transpose"], perm=[1, 0, 2]),
        n("Flatten", ["X"], ["flatten"], axis=2),
        n("Reshape", ["X", "rs_shape"], ["reshape"]),
        n("DepthToSpace", ["W"], ["depth_to_space"], blocksize=2),
        n("SpaceToDepth", ["V"], ["space_to_depth"], blocksize=2),
        n("OneHot", ["oh_idx", "oh_depth", "oh_values"], ["one_hot"], axis=1),
    ]


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda t: np.dtype(t).name)
def test_dtype_sweep(dtype):
    inputs = {
        "X": values((2, 3, 4), dtype), "Z": values((3, 1, 4), dtype),
        "W": values((1, 4, 2, 3), dtype), "V": values((1, 2, 4, 4), dtype),
        "g_idx": i64([0, -1], [2, 1]).reshape(2, 2),
        "ge_idx": rng.integers(-4, 4, (2, 3, 2)).astype(np.int64),
        "gn_idx": i64([0, 1], [1, 2]).reshape(2, 2),
        "se_idx": np.array([[[0, -1, 2, 1]], [[2, 0, -2, 0]]], np.int64),
        "oh_idx": i64([0, 3, -1], [2, 5, 1]).reshape(2, 3),
    }
    initializers = {
        "sl_starts": i64(0, -1), "sl_ends": i64(2, -5), "sl_axes": i64(1, 2), "sl_steps": i64(1, -2),
        "se_upd": values((2, 1, 4), dtype),
        "sn_idx": i64(1, 2).reshape(1, 2), "sn_upd": values((1, 4), dtype),
        "uq_axes": i64(0, -1), "sq_axes": i64(1), "ex_shape": i64(2, 1, 3, 4),
        "ti_repeats": i64(1, 2, 1), "pads": i64(0, 1, 2, 1, 0, 1),
        "pad_value": np.array(1, dtype), "k": i64(-1), "rs_shape": i64(4, -1),
        "oh_depth": np.array(4, np.int64), "oh_values": np.array([0, 1], dtype),
    }
    nodes = _sweep_nodes()
    if dtype is np.bool_:  # neither onnxruntime nor the reference do OneHot on bool values
        nodes = [n for n in nodes if n.op_type != "OneHot"]
    check_graph(nodes, inputs, initializers, opset=19)


# ----------------------------------------------------------------------------
# Concat, Split, Slice
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat_three_inputs(axis):
    shapes = {0: [(1, 3, 2), (2, 3, 2), (3, 3, 2)], 1: [(2, 1, 2), (2, 4, 2), (2, 2, 2)],
              -1: [(2, 3, 1), (2, 3, 3), (2, 3, 2)]}[axis]
    check("Concat", {f"X{i}": values(s, np.float32) for i, s in enumerate(shapes)}, {"axis": axis})


def test_concat_single_input_and_constant_operand():
    check("Concat", {"A": values((2, 3), np.int32)}, {"axis": 0})
    check("Concat", {"A": values((2, 3), np.int64)}, {"axis": 1},
          initializers={"B": values((2, 2), np.int64)})


def test_concat_opset7():
    check("Concat", {"A": values((2, 3), np.float32), "B": values((1, 3), np.float32)}, {"axis": 0},
          opset=7)


@pytest.mark.parametrize("opset,dim,attrs,inits,n_out", [
    (11, 6, {"axis": 1, "split": [1, 3, 2]}, {}, 3),
    (11, 6, {"axis": -1}, {}, 2),
    (13, 6, {"axis": 1}, {"split": i64(4, 2)}, 2),
    (13, 6, {}, {}, 2),
    (18, 7, {"axis": 1, "num_outputs": 4}, {}, 4),  # ceil(7 / 4) = 2: pieces 2, 2, 2, 1
    (18, 6, {"axis": 2, "num_outputs": 3}, {}, 3),
])
def test_split(opset, dim, attrs, inits, n_out):
    x = values((2, dim, 6), np.float32)
    check("Split", {"X": x}, attrs, inits, opset=opset, input_names=["X"] + list(inits),
          outputs=[f"Y{i}" for i in range(n_out)])


SLICES = [  # starts, ends, axes, steps (None: input left out)
    ([1], [3], None, None),
    ([0, 1], [I64_MAX, -1], [0, 2], None),
    ([-1], [I64_MIN], [1], [-1]),
    ([4, 10], [0, -20], [2, 1], [-2, -3]),
    ([0, 1, 0], [2, 5, 5], [0, 1, -1], [1, 2, 3]),
    ([-100], [100], [-2], [4]),
]


def test_slice_bounds_axes_steps():
    nodes, inits = [], {}
    for i, (starts, ends, axes, steps) in enumerate(SLICES):
        names = [f"s{i}", f"e{i}", f"a{i}" if axes else "", f"st{i}" if steps else ""]
        for name, v in zip(names, (starts, ends, axes, steps)):
            if name:
                inits[name] = i64(*v)
        while names[-1] == "":
            names.pop()
        nodes.append(helper.make_node("Slice", ["X"] + names, [f"Y{i}"]))
    check_graph(nodes, {"X": values((3, 6, 5), np.float32)}, inits)


def test_slice_negative_step_without_axes_input():
    check("Slice", {"X": values((4, 5), np.int64)}, input_names=["X", "s", "e", "", "st"],
          initializers={"s": i64(3, 4), "e": i64(0, 0), "st": i64(-1, -2)})


def test_slice_opset9_attributes():
    check("Slice", {"X": values((3, 6, 5), np.float32)},
          {"starts": [0, -3], "ends": [2, 1000], "axes": [0, 1]}, opset=9)
    check("Slice", {"X": values((3, 6), np.float32)}, {"starts": [1, 2], "ends": [3, 5]}, opset=9)


def test_slice_empty_result():
    check("Slice", {"X": values((3, 4), np.float32)},
          initializers={"starts": i64(5), "ends": i64(10), "axes": i64(1)})


# ----------------------------------------------------------------------------
# Gathers
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("axis,indices", [
    (0, np.array([2, 0, -1], np.int64)),
    (1, np.array([[0, -4], [3, 1]], np.int64)),
    (-1, np.array(-2, np.int64)),
    (2, np.array([[1], [0]], np.int32)),
])
def test_gather(axis, indices):
    check("Gather", {"X": values((3, 4, 5), np.float32), "I": indices}, {"axis": axis})


def test_gather_constant_indices():
    check("Gather", {"X": values((5, 3), np.int32)}, {"axis": 0},
          initializers={"I": np.array([[4, 0], [-1, 2]], np.int64)})


def test_gather_opset7():
    check("Gather", {"X": values((5, 3), np.float32), "I": np.array([4, 0, 1], np.int64)}, opset=7)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather_elements(axis):
    data = values((3, 4), np.float32)
    dim = data.shape[axis]
    idx = rng.integers(-dim, dim, (2, 3)).astype(np.int64)  # smaller than data off the axis
    check("GatherElements", {"X": data, "I": idx}, {"axis": axis})


def test_gather_elements_int32_indices_3d():
    check("GatherElements", {"X": values((2, 3, 4), np.int64),
                             "I": rng.integers(0, 3, (2, 3, 4)).astype(np.int32)}, {"axis": 1})


@pytest.mark.parametrize("data_shape,idx,batch_dims", [
    ((2, 2), [[0, 0], [1, 1]], 0),
    ((2, 2), [[1], [0]], 0),
    ((2, 3, 4), [[[0, 1]], [[1, -1]]], 0),
    ((2, 3, 4), [[1], [0]], 1),
    ((2, 3, 4), [[[1, 2], [0, -1]], [[2, 0], [1, 3]]], 1),
    ((2, 3, 4, 2), [[[1], [0], [3]], [[2], [1], [-1]]], 2),
])
def test_gather_nd(data_shape, idx, batch_dims):
    check("GatherND", {"X": values(data_shape, np.float32), "I": np.array(idx, np.int64)},
          {"batch_dims": batch_dims}, opset=13)


def test_gather_nd_opset11():
    check("GatherND", {"X": values((3, 4), np.int32), "I": np.array([[2], [0]], np.int64)}, opset=11)


# ----------------------------------------------------------------------------
# Scatters
# ----------------------------------------------------------------------------

REDUCTIONS = ["none", "add", "mul", "max", "min"]


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.uint8])
def test_scatter_elements_reductions(dtype):
    # Duplicate indices combine under a reduction; with "none" they are avoided
    # (onnxruntime leaves their order unspecified).
    unique = np.array([[1, 0, 2, 0], [0, 2, 1, 1]], np.int64)
    duplicates = np.array([[1, 1, -1, 0], [1, 2, 2, 0]], np.int64)
    nodes = [helper.make_node("ScatterElements", ["X", "I_" + r, "U"], ["Y_" + r], axis=0, reduction=r)
             for r in REDUCTIONS]
    inputs = {"X": values((3, 4), dtype), "I_none": unique,
              **{"I_" + r: duplicates for r in REDUCTIONS[1:]}}
    check_graph(nodes, inputs, {"U": values((2, 4), dtype)}, opset=18)


def test_scatter_elements_axes():
    check("ScatterElements", {"X": values((2, 3, 4), np.float32),
                              "I": np.array([[[0, -1], [3, 1], [2, 0]]] * 2, np.int64),
                              "U": values((2, 3, 2), np.float32)}, {"axis": -1}, opset=13)
    check("ScatterElements", {"X": values((2, 3, 4), np.float32),
                              "I": np.array([[[0, 2, 1, -1]], [[1, 0, -3, 2]]], np.int64),
                              "U": values((2, 1, 4), np.float32)}, {"axis": 1}, opset=11)


def test_scatter_deprecated_opset10():
    check("Scatter", {"X": values((3, 3), np.float32), "I": np.array([[1, 0, 2]], np.int64),
                      "U": values((1, 3), np.float32)}, {"axis": 0}, opset=10)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.float16])
def test_scatter_nd_reductions(dtype):
    nodes = [helper.make_node("ScatterND", ["X", "I_" + r, "U_" + r], ["Y_" + r], reduction=r)
             for r in REDUCTIONS]
    inputs = {"X": values((4, 3, 2), dtype)}
    for r in REDUCTIONS:
        idx = np.array([[1], [3]], np.int64) if r == "none" else np.array([[1], [-3], [3]], np.int64)
        inputs["I_" + r], inputs["U_" + r] = idx, values((idx.shape[0], 3, 2), dtype)
    check_graph(nodes, inputs, opset=18, rtol=1e-3, atol=1e-3)


def test_scatter_nd_element_indices():
    check("ScatterND", {"X": values((3, 4), np.float32), "I": np.array([[0, 1], [2, 3], [1, 0]], np.int64),
                        "U": values((3,), np.float32)}, opset=11)


def test_scatter_nd_full_slices_3d():
    check("ScatterND", {"X": values((2, 3, 4), np.int32), "I": np.array([[[1, 2]], [[0, 0]]], np.int64),
                        "U": values((2, 1, 4), np.int32)}, opset=16)


# ----------------------------------------------------------------------------
# Squeeze, Unsqueeze, Reshape, Flatten, Transpose, DepthToSpace, SpaceToDepth
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("opset,axes", [(11, [1, -1]), (11, None), (13, [3]), (13, None)])
def test_squeeze(opset, axes):
    x = values((2, 1, 3, 1), np.float32)
    if opset < 13:
        check("Squeeze", {"X": x}, {} if axes is None else {"axes": axes}, opset=opset)
    else:
        check("Squeeze", {"X": x}, initializers={} if axes is None else {"axes": i64(*axes)}, opset=opset)


@pytest.mark.parametrize("opset,axes", [(11, [0, 3]), (11, [-1]), (13, [4, 0, -3]), (21, [1])])
def test_unsqueeze(opset, axes):
    x = values((2, 3), np.int32)
    if opset < 13:
        check("Unsqueeze", {"X": x}, {"axes": axes}, opset=opset)
    else:
        check("Unsqueeze", {"X": x}, initializers={"axes": i64(*axes)}, opset=opset)


@pytest.mark.parametrize("shape,allowzero", [
    ([0, -1], 0), ([4, 0, 2], 0), ([2, 3, 4], 1), ([-1], 0), ([4, 1, 6], 1),
])
def test_reshape(shape, allowzero):
    check("Reshape", {"X": values((2, 3, 4), np.float32)}, {"allowzero": allowzero},
          initializers={"shape": i64(*shape)}, opset=14)


def test_reshape_attribute_form_registered_for_old_opsets():
    """Reshape-1 (shape attribute) predates the lowest opset polytile imports
    (7); its rule is registered for opsets 1-4 and Reshape-5 from 5 on."""
    from polytile.importers.onnx import registry
    from polytile.importers.onnx.rules import shape as rules

    assert registry.lookup("Reshape", 4) is rules.reshape_attribute
    assert registry.lookup("Reshape", 7) is rules.reshape


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int8, np.uint8, np.int64])
def test_transpose_flatten_dtypes(dtype):
    n = helper.make_node
    check_graph([n("Transpose", ["X"], ["T"], perm=[2, 0, 1]), n("Transpose", ["X"], ["D"]),
                 n("Flatten", ["X"], ["F0"], axis=0), n("Flatten", ["X"], ["F"], axis=-1)],
                {"X": values((2, 3, 4), dtype)}, opset=13)


@pytest.mark.parametrize("mode", ["DCR", "CRD"])
def test_depth_to_space(mode):
    check("DepthToSpace", {"X": values((2, 8, 3, 2), np.float32)}, {"blocksize": 2, "mode": mode},
          opset=13)


def test_depth_to_space_opset7_and_space_to_depth():
    check("DepthToSpace", {"X": values((1, 9, 2, 2), np.float32)}, {"blocksize": 3}, opset=7)
    check("SpaceToDepth", {"X": values((2, 3, 4, 6), np.float32)}, {"blocksize": 2}, opset=13)


# ----------------------------------------------------------------------------
# Expand, Tile, Pad
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("in_shape,shape", [
    ((3, 1), (2, 1, 4)), ((2, 3), (3,)), ((4,), (2, 1, 1)), ((2, 1, 3), (1, 4, 1)),
])
def test_expand(in_shape, shape):
    check("Expand", {"X": values(in_shape, np.float32)}, initializers={"shape": i64(*shape)}, opset=13)


@pytest.mark.parametrize("repeats", [(2, 1, 3), (1, 1, 1), (3, 2, 1)])
def test_tile(repeats):
    check("Tile", {"X": values((2, 1, 3), np.int64)}, initializers={"repeats": i64(*repeats)}, opset=13)


@pytest.mark.parametrize("pads", [(1, 0, 2, 0, 2, 1), (0, -1, 2, 1, 1, -2), (2, 3, 0, 0, 3, 4)])
def test_pad_modes(pads):
    nodes = [helper.make_node("Pad", ["X", "pads"], [f"Y_{m}"], mode=m)
             for m in ("constant", "reflect", "edge", "wrap")]
    check_graph(nodes, {"X": values((3, 4, 5), np.float32)}, {"pads": i64(*pads)}, opset=19)


def test_pad_constant_value_runtime_and_axes():
    check("Pad", {"X": values((2, 3, 4), np.float32), "v": np.array(2.5, np.float32)},
          input_names=["X", "pads", "v", "axes"],
          initializers={"pads": i64(1, 2, 0, 1), "axes": i64(-1, 0)}, opset=18)


def test_pad_int_constant_value():
    check("Pad", {"X": values((2, 3), np.int32)},
          initializers={"pads": i64(1, 1, 0, 2), "v": np.array(-7, np.int32)}, opset=13)


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge"])
def test_pad_opset7_attributes(mode):
    attrs = {"mode": mode, "pads": [0, 2, 1, 0]}
    if mode == "constant":
        attrs["value"] = 1.5
    check("Pad", {"X": values((3, 4), np.float32)}, attrs, opset=7)


# ----------------------------------------------------------------------------
# Trilu, OneHot, EyeLike and compile-time outputs
# ----------------------------------------------------------------------------

def test_trilu_upper_lower_k():
    nodes, inits = [], {}
    for upper in (0, 1):
        nodes.append(helper.make_node("Trilu", ["X"], [f"Y{upper}"], upper=upper))
        for k in (-1, 2, 5, -4):
            name = f"k{k}".replace("-", "m")
            inits[name] = i64(k)
            nodes.append(helper.make_node("Trilu", ["X", name], [f"Y{upper}_{name}"], upper=upper))
    check_graph(nodes, {"X": values((2, 3, 5), np.float32)}, inits, opset=14)


def test_one_hot_axes():
    nodes = [helper.make_node("OneHot", ["I", "depth", "values"], [f"Y{a}"], axis=a) for a in (-1, 0, 1, -3)]
    check_graph(nodes, {"I": np.array([[1, -3, 5], [0, 2, -1]], np.int64)},
                {"depth": np.array([3], np.int64), "values": np.array([-1.0, 2.0], np.float32)}, opset=11)


@pytest.mark.parametrize("idx_dtype", [np.int32, np.float32, np.uint8])
def test_one_hot_index_types(idx_dtype):
    idx = np.array([0, 3, 1, 9], idx_dtype)
    check("OneHot", {"I": idx}, initializers={"depth": np.array(4.0, np.float32),
                                                "values": np.array([0, 7], np.int64)}, opset=9)


def test_one_hot_bool_values():
    """No oracle computes OneHot with bool values: numpy stands in."""
    idx = np.array([[0, -1], [3, 1]], np.int64)
    node = helper.make_node("OneHot", ["I", "depth", "values"], ["Y"], axis=1)
    model = make_model([node], {"I": idx}, ["Y"], {"depth": np.array(3, np.int64),
                                                   "values": np.array([True, False])}, 11)
    expected = np.arange(3)[None, :, None] != np.where(idx < 0, idx + 3, idx)[:, None, :]
    assert_close(polytile.compile(model).run({"I": idx}), [expected])


@pytest.mark.parametrize("k,dtype", [(0, None), (1, onnx.TensorProto.INT32), (-2, onnx.TensorProto.DOUBLE)])
def test_eye_like(k, dtype):
    attrs = {"k": k}
    if dtype is not None:
        attrs["dtype"] = dtype
    check("EyeLike", {"X": values((3, 5), np.float32)}, attrs, opset=9)


def test_compile_time_shape_ops():
    n = helper.make_node
    x = values((2, 3, 4), np.float32)
    value = helper.make_tensor("v", onnx.TensorProto.INT32, [1], [7])
    check_graph([n("Shape", ["X"], ["S"]), n("Shape", ["X"], ["S1"], start=1),
                 n("Shape", ["X"], ["S2"], start=-2, end=-1), n("Shape", ["X"], ["S3"], start=-10, end=10),
                 n("ConstantOfShape", ["cs"], ["C"], value=value), n("ConstantOfShape", ["cs"], ["C0"]),
                 n("Range", ["r0", "r1", "r2"], ["R"])],
                {"X": x}, {"cs": i64(2, 3), "r0": np.array(10, np.int32), "r1": np.array(-2, np.int32),
                           "r2": np.array(-3, np.int32)}, opset=19)


def test_size_output():
    check("Size", {"X": values((2, 3, 4), np.float32)}, opset=19)


def test_size_feeding_an_op():
    n = helper.make_node
    nodes = [n("Size", ["X"], ["S"]), n("Unsqueeze", ["S", "zero"], ["U"]),
             n("Concat", ["U", "U"], ["Y"], axis=0)]
    x = values((2, 3), np.float32)
    model = make_model(nodes, {"X": x}, ["Y"], {"zero": i64(0)}, 19)
    assert_close(polytile.compile(model).run({"X": x}), run_onnxruntime(model, {"X": x}))


# ----------------------------------------------------------------------------
# Rejections
# ----------------------------------------------------------------------------

def test_runtime_shape_of_unknown_length_is_rejected():
    """Expand's shape may be a run-time tensor (test_shape_runtime_operands.py), but its
    length, the result's rank, must be static."""
    node = helper.make_node("Expand", ["X", "S"], ["Y"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", onnx.TensorProto.FLOAT, [2, 3]),
                                            helper.make_tensor_value_info("S", onnx.TensorProto.INT64, ["k"])],
                              [helper.make_tensor_value_info("Y", onnx.TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    with pytest.raises(polytile.OnnxImportError,
                       match=r"the shape \(input 1\) must be a compile-time constant or a 1-d tensor of static length"):
        polytile.compile(model)


def test_range_with_runtime_inputs_is_rejected():
    node = helper.make_node("Range", ["a", "b", "c"], ["Y"])
    model = make_model([node], {"a": np.array(0, np.int64), "b": np.array(5, np.int64),
                                "c": np.array(1, np.int64)}, ["Y"], opset=13)
    with pytest.raises(polytile.OnnxImportError, match="must be a compile-time constant"):
        polytile.compile(model)

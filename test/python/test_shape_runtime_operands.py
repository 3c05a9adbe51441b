"""Slice, Split, Tile, Expand, Trilu and Dropout with their bounds, sizes, repeats,
shape, k, ratio or training_mode given as graph inputs (run-time tensors, not
constants): each model is compiled once and run with several operand values,
against onnxruntime (or numpy, which is ONNX's reference for Slice, where
onnxruntime rejects the values). Shapes give every dim its own size, so that a
wrong dim shows; some cases have a dynamic data dim (``dim_param``)."""
import functools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from onnx import TensorProto, helper, numpy_helper

from onnx_check import assert_close, run_onnxruntime

import polytile

rng = np.random.default_rng(11)
F, I64, I32, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32, TensorProto.BOOL


def model(op_type, inputs, outputs, initializers=None, opset=18, **attrs):
    """A one-node model; ``inputs`` are (name, elem type, dims) graph inputs, a name
    of "" leaves an optional input out, names in ``initializers`` are constants.
    Outputs are float ("Z", Dropout's mask: bool), without shapes."""
    initializers = initializers or {}
    names = [name for name, *_ in inputs]
    node = helper.make_node(op_type, names, list(outputs), **attrs)
    graph = helper.make_graph(
        [node], "runtime_operands",
        [helper.make_tensor_value_info(name, elem, dims) for name, elem, dims in inputs
         if name and name not in initializers],
        [helper.make_tensor_value_info(o, B if o == "Z" else F, None) for o in outputs],
        [numpy_helper.from_array(np.asarray(v), name) for name, v in initializers.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def compare(m, feeds_list):
    """Compile ``m`` once, run it on every feeds dict against onnxruntime."""
    compiled = polytile.compile(m)
    for feeds in feeds_list:
        assert_close(compiled.run(feeds), run_onnxruntime(m, feeds), 0, 0)
    return compiled


def values(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def ints(*v, dtype=np.int64):
    return np.array(v, dtype=dtype)


# --------------------------------------------------------------------------
# Slice
# --------------------------------------------------------------------------
SLICE_INPUTS = [("X", F, [4, 5, 6]), ("starts", I64, [2]), ("ends", I64, [2]), ("axes", I64, [2]),
                ("steps", I64, [2])]


def slice_feeds(x, starts, ends, axes, steps, dtype=np.int64):
    return {"X": x, "starts": ints(*starts, dtype=dtype), "ends": ints(*ends, dtype=dtype),
            "axes": ints(*axes, dtype=dtype), "steps": ints(*steps, dtype=dtype)}


def test_slice_every_bound_at_run_time():
    """Negative starts/ends, out-of-range bounds (clamped), negative steps, axes
    chosen at run time (negative ones too) and an empty result, one compile."""
    x = values(4, 5, 6)
    compiled = compare(model("Slice", SLICE_INPUTS, ["Y"]), [
        slice_feeds(x, [0, 1], [2, 4], [0, 1], [1, 1]),
        slice_feeds(x, [-1, 10], [-100, -20], [2, 1], [-1, -2]),  # walks down, clamped
        slice_feeds(x, [-3, -9], [100, 4], [-1, 0], [2, 1]),  # ends clamp to the dim
        slice_feeds(x, [1, 5], [3, 5], [-1, 0], [2, 1]),  # an empty result (start = end)
        slice_feeds(x, [3, 0], [1, 9], [1, 2], [1, 3]),  # start past end: empty too
        slice_feeds(x, [np.iinfo(np.int64).min, 2], [np.iinfo(np.int64).max, -1], [0, 2], [1, -1]),
    ])
    out = compiled.run(slice_feeds(x, [1, 5], [3, 5], [-1, 0], [2, 1]))[0]
    assert out.shape == (0, 5, 1)


def test_slice_run_time_ends_keeps_the_other_dims_static():
    """``x[:, 1:n]``: only ``ends`` is a graph input; the dims no entry slices stay static
    in the compiled function's type (the sliced one is ``?``)."""
    m = model("Slice", [("X", F, [3, 7, 2]), ("starts", I64, [1]), ("ends", I64, [1]),
                        ("axes", I64, [1]), ("steps", I64, [1])], ["Y"],
              initializers={"starts": ints(1), "axes": ints(1), "steps": ints(1)})
    x = values(3, 7, 2)
    compare(m, [{"X": x, "ends": ints(n)} for n in (4, 7, 100, -2, 0)])
    tg = polytile.compile(m, emit="tg")
    assert "tensor<3x?x2xf32>" in tg


def test_slice_of_a_constant_by_run_time_ends():
    """A weight sliced to a run-time length (positional embeddings cut to the sequence)."""
    table = values(16, 4)
    m = model("Slice", [("table", F, [16, 4]), ("starts", I64, [1]), ("ends", I64, [1]), ("axes", I64, [1])],
              ["Y"], initializers={"table": table, "starts": ints(0), "axes": ints(0)})
    compare(m, [{"ends": ints(n)} for n in (5, 16, 1)])


def test_slice_int32_bounds_and_default_axes_and_steps():
    x = values(4, 5, 6)
    m = model("Slice", [("X", F, [4, 5, 6]), ("starts", I32, [2]), ("ends", I32, [2])], ["Y"])
    compare(m, [{"X": x, "starts": ints(*s, dtype=np.int32), "ends": ints(*e, dtype=np.int32)}
                for s, e in (([0, 1], [3, 4]), ([-2, -100], [100, -1]), ([2, 2], [1, 2]))])


def test_slice_dynamic_data_dim():
    """A dynamic dim of the data, sliced at run time and by constants."""
    m = model("Slice", [("X", F, ["n", 6]), ("starts", I64, [2]), ("ends", I64, [2]),
                        ("axes", I64, [2]), ("steps", I64, [2])], ["Y"])
    compare(m, [slice_feeds(values(n, 6), s, e, a, t) for n, s, e, a, t in (
        (3, [0, 1], [2, 5], [0, 1], [1, 2]),
        (7, [-1, -1], [-8, 0], [0, 1], [-2, -1]),
        (1, [1, 0], [5, 6], [0, 1], [1, 1]))])
    constant = model("Slice", [("X", F, ["n", 6]), ("starts", I64, [1]), ("ends", I64, [1]),
                               ("axes", I64, [1])], ["Y"],
                     initializers={"starts": ints(1), "ends": ints(-1), "axes": ints(0)})
    compare(constant, [{"X": values(n, 6)} for n in (5, 2, 1)])


def test_slice_run_time_entry_count():
    """Bounds of a dynamic length (``dim_param``): any number of entries, each read
    only if it is there; without axes entry j slices dim j."""
    m = model("Slice", [("X", F, [4, 5, 6]), ("starts", I64, ["k"]), ("ends", I64, ["k"])], ["Y"])
    x = values(4, 5, 6)
    compare(m, [{"X": x, "starts": ints(*s), "ends": ints(*e)} for s, e in (
        ([1], [3]), ([0, 2], [-1, 4]), ([1, 1, -2], [2, 100, 6]), ([], []))])
    m = model("Slice", SLICE_INPUTS[:1] + [(n, I64, ["k"]) for n in ("starts", "ends", "axes", "steps")],
              ["Y"])
    compare(m, [slice_feeds(x, s, e, a, t) for s, e, a, t in (
        ([4], [0], [-1], [-2]), ([0, 1, 2], [9, 9, 9], [2, 0, 1], [3, 2, 1]))])


def _onnx_slice(x, starts, ends, axes, steps):
    """ONNX Slice as its specification says (and onnxruntime computes; the reference
    implementation's numpy slicing differs for a start before the beginning with a
    negative step); a step of 0 is 1 and an axis out of range slices nothing
    (polytile's reading of values ONNX forbids)."""
    for s, e, a, t in zip(starts, ends, axes, steps):
        if not -x.ndim <= a < x.ndim:
            continue
        n, t = x.shape[a], int(t) or 1
        s, e = int(s) + n if s < 0 else int(s), int(e) + n if e < 0 else int(e)
        if t > 0:
            s, e = min(max(s, 0), n), min(max(e, 0), n)
        else:
            s, e = min(max(s, 0), n - 1), min(max(e, -1), n - 1)
        x = np.take(x, np.array(range(s, e, t), dtype=np.int64), axis=a)
    return x


def test_slice_bad_run_time_values_read_nothing_out_of_bounds():
    """Values ONNX forbids (onnxruntime rejects them) are refused at the door when the
    bounds are graph inputs; the compiled code itself (called past the door here, as
    when the bounds are computed inside a model) gives the documented reading: a step
    of 0 is 1, an out-of-range axis slices nothing, a repeated axis: the later entry wins."""
    compiled = polytile.compile(model("Slice", SLICE_INPUTS, ["Y"]))
    x = values(4, 5, 6)
    for s, e, a, t in (([1, 0], [3, 4], [0, 1], [0, 1]), ([1, 2], [3, 4], [7, -9], [1, 1]),
                       ([1, 2], [3, 5], [1, 1], [1, 1])):
        feeds = slice_feeds(x, s, e, a, t)
        with pytest.raises(polytile.InputError):
            compiled.run(feeds)
        arrays = [np.require(feeds[name], requirements="C") for name in compiled.input_names]
        outputs = compiled._outputs_for(arrays)
        compiled._function(arrays + outputs)
        expected = x[:, 2:5] if a == [1, 1] else _onnx_slice(x, s, e, a, t)
        np.testing.assert_array_equal(outputs[0], expected)


@functools.lru_cache(maxsize=None)
def _slice_sweep_model():
    inputs = [("X", F, [3, 4, 5])] + [(n, I64, [3]) for n in ("starts", "ends", "axes", "steps")]
    m = model("Slice", inputs, ["Y"])
    return m, polytile.compile(m)


_bound = st.one_of(st.integers(-8, 8), st.sampled_from([np.iinfo(np.int64).min, np.iinfo(np.int64).max,
                                                         np.iinfo(np.int32).max, -(1 << 40)]))


@settings(max_examples=60, deadline=None)
@given(starts=st.lists(_bound, min_size=3, max_size=3), ends=st.lists(_bound, min_size=3, max_size=3),
       axes=st.permutations([0, 1, 2]), negative=st.lists(st.booleans(), min_size=3, max_size=3),
       steps=st.lists(st.sampled_from([1, 1, 2, 3, 7, np.iinfo(np.int64).max, -1, -2, -5,
                                       -np.iinfo(np.int64).max]), min_size=3, max_size=3))
def test_slice_sweep(starts, ends, axes, negative, steps):
    """One compiled model, any run-time bounds: equal to ONNX's specification, and to
    onnxruntime but where it reads an end of INT32_MAX/INT64_MAX with a negative step as
    "down to the first element" (the specification clamps it to the last one)."""
    x = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
    axes = [a - 3 if neg else a for a, neg in zip(axes, negative)]
    m, compiled = _slice_sweep_model()
    feeds = slice_feeds(x, starts, ends, axes, steps)
    got = compiled.run(feeds)[0]
    np.testing.assert_array_equal(got, _onnx_slice(x, starts, ends, axes, steps))
    int_max = (np.iinfo(np.int32).max, np.iinfo(np.int64).max)
    if not any(t < 0 and e in int_max for e, t in zip(ends, steps)):
        np.testing.assert_array_equal(got, run_onnxruntime(m, feeds)[0])


# --------------------------------------------------------------------------
# Split
# --------------------------------------------------------------------------
def test_split_run_time_sizes():
    m = model("Split", [("X", F, [3, 7]), ("split", I64, [3])], ["A", "B", "C"], axis=1)
    x = values(3, 7)
    compare(m, [{"X": x, "split": ints(*s)} for s in ([1, 2, 4], [0, 7, 0], [3, 3, 1])])


def test_split_run_time_sizes_of_a_dynamic_dim():
    m = model("Split", [("X", F, ["n", 2]), ("split", I64, [2])], ["A", "B"], axis=0, opset=13)
    compare(m, [{"X": values(n, 2), "split": ints(*s)} for n, s in ((5, [2, 3]), (3, [0, 3]), (1, [1, 0]))])


def test_split_constant_sizes_of_a_dynamic_dim():
    m = model("Split", [("X", F, [2, "n"]), ("split", I64, [2])], ["A", "B"], axis=1,
              initializers={"split": ints(1, 3)})
    compare(m, [{"X": values(2, 4)}])


# --------------------------------------------------------------------------
# Tile, Expand
# --------------------------------------------------------------------------
def test_tile_run_time_repeats():
    m = model("Tile", [("X", F, [2, 3, 1]), ("repeats", I64, [3])], ["Y"])
    x = values(2, 3, 1)
    compare(m, [{"X": x, "repeats": ints(*r)} for r in ([1, 2, 3], [3, 1, 1], [0, 2, 1], [2, 2, 5])])


def test_tile_dynamic_dim():
    m = model("Tile", [("X", F, ["n", 3]), ("repeats", I64, [2])], ["Y"])
    compare(m, [{"X": values(n, 3), "repeats": ints(*r)} for n, r in ((2, [2, 1]), (5, [1, 3]), (3, [0, 2]))])
    constant = model("Tile", [("X", F, ["n", 3]), ("repeats", I64, [2])], ["Y"],
                     initializers={"repeats": ints(3, 2)})
    compare(constant, [{"X": values(n, 3)} for n in (1, 4)])


def test_tile_negative_run_time_repeats_give_nothing():
    compiled = polytile.compile(model("Tile", [("X", F, [2, 3]), ("repeats", I64, [2])], ["Y"]))
    assert compiled.run({"X": values(2, 3), "repeats": ints(-4, 2)})[0].shape == (0, 6)


def test_expand_run_time_shape_both_directions():
    """The input broadcast up to the shape (new leading dims, 1 -> n) and the shape's
    1s broadcast up to the input's dims."""
    m = model("Expand", [("X", F, [3, 1]), ("shape", I64, [3])], ["Y"])
    x = values(3, 1)
    compare(m, [{"X": x, "shape": ints(*s)} for s in ([2, 1, 6], [1, 3, 1], [2, 3, 4], [1, 1, 1])])
    m = model("Expand", [("X", F, [2, 1, 4]), ("shape", I64, [2])], ["Y"])
    x = values(2, 1, 4)
    compare(m, [{"X": x, "shape": ints(*s)} for s in ([3, 4], [1, 1], [5, 1])])


def test_expand_dynamic_dim():
    m = model("Expand", [("X", F, ["n", 1]), ("shape", I64, [2])], ["Y"])
    compare(m, [{"X": values(n, 1), "shape": ints(*s)} for n, s in ((3, [1, 4]), (1, [5, 2]), (2, [2, 1]))])


def test_expand_shape_that_does_not_broadcast_keeps_the_input_dim():
    compiled = polytile.compile(model("Expand", [("X", F, [3, 2]), ("shape", I64, [2])], ["Y"]))
    x = values(3, 2)
    np.testing.assert_array_equal(compiled.run({"X": x, "shape": ints(7, -1)})[0], x)


# --------------------------------------------------------------------------
# Trilu, Dropout
# --------------------------------------------------------------------------
@pytest.mark.parametrize("upper", [0, 1])
def test_trilu_run_time_k(upper):
    m = model("Trilu", [("X", F, [2, 4, 5]), ("k", I64, [])], ["Y"], upper=upper)
    x = values(2, 4, 5)
    compare(m, [{"X": x, "k": np.array(k, np.int64)} for k in (0, 2, -1, 9, -9, np.iinfo(np.int64).min)])


def test_trilu_dynamic_dims():
    m = model("Trilu", [("X", F, ["n", "m"]), ("k", I64, [1])], ["Y"], upper=0)
    compare(m, [{"X": values(n, c), "k": ints(k)} for n, c, k in ((3, 5, 1), (6, 2, -2))])


def test_dropout_run_time_training_mode_and_ratio():
    """Inference (training_mode false) or a ratio of 0: the output is the input and the
    mask all true; training with a non-zero ratio would need random numbers: the run
    is refused at the door with InputError (documented in rules/graph.py)."""
    m = model("Dropout", [("X", F, [3, 4]), ("ratio", F, []), ("training_mode", B, [])], ["Y", "Z"])
    x = values(3, 4)
    feeds = [{"X": x, "ratio": np.array(r, np.float32), "training_mode": np.array(t)}
             for r, t in ((0.5, False), (0.0, True), (0.9, False))]
    compiled = compare(m, feeds)
    with pytest.raises(polytile.InputError, match="training mode with a non-zero ratio is not supported"):
        compiled.run({"X": x, "ratio": np.array(0.5, np.float32), "training_mode": np.array(True)})


def test_dropout_run_time_training_mode_dynamic_dims():
    m = model("Dropout", [("X", F, ["n", 4]), ("ratio", F, []), ("training_mode", B, [])], ["Y", "Z"],
              initializers={"ratio": np.float32(0.25)})
    compare(m, [{"X": values(n, 4), "training_mode": np.array(False)} for n in (2, 5)])


def test_slice_bounds_onnx_forbids_are_input_errors():
    """Run-time axes out of range or repeated, or a zero step, are refused at the door
    (the compiled code would stay in bounds, but ONNX has no answer for them)."""
    m = model("Slice", [("X", F, [4, 5]), ("starts", I64, [1]), ("ends", I64, [1]), ("axes", I64, [1]),
                        ("steps", I64, [1])], ["Y"])
    compiled = polytile.compile(m)
    feeds = {"X": values(4, 5), "starts": ints(0), "ends": ints(3), "axes": ints(1), "steps": ints(1)}
    compare(m, [feeds])
    with pytest.raises(polytile.InputError, match=r"input 'axes' holds 2, outside \[-2, 1\]"):
        compiled.run({**feeds, "axes": ints(2)})
    with pytest.raises(polytile.InputError, match=r"input 'steps' holds \[0\]: the steps of Slice node"):
        compiled.run({**feeds, "steps": ints(0)})

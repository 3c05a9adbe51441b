"""Resize and Upsample whose scales, sizes or roi are graph inputs (known only at run time):
imported as tg.resize_dynamic, compiled once and run with several values, against onnxruntime.

Value choices follow test/python/ops/test_nn.py: sizes x scales are integers where align_corners
is used (onnxruntime divides by the output size, the spec by scale x input size), and nearest
uses scales exact in binary (a tie in the reference's f64 may not be one in onnxruntime's f32).
"""
from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import polytile
from onnx_check import assert_close, run_onnxruntime

RNG = np.random.default_rng(7)
COORDINATE_MODES = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"]
NP_TO_ONNX = {np.float32: TensorProto.FLOAT, np.float16: TensorProto.FLOAT16, np.uint8: TensorProto.UINT8,
              np.int32: TensorProto.INT32}


def randn(*shape, dtype=np.float32):
    if np.issubdtype(dtype, np.integer):
        return RNG.integers(0, 100, size=shape).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def resize_model(x_dims, attrs=None, *, roi=None, scales=None, sizes=None, opset=19, dtype=np.float32,
                 initializers=None, op="Resize"):
    """A one-node model whose X (dims may be dim_param names) and the named inputs are graph
    inputs: ``roi``/``scales``/``sizes`` give each one's length (an int, or a dim_param name)."""
    inputs = [helper.make_tensor_value_info("X", NP_TO_ONNX[dtype], list(x_dims))]
    order = ["X"]
    for name, length, elem in (("roi", roi, TensorProto.FLOAT), ("scales", scales, TensorProto.FLOAT),
                               ("sizes", sizes, TensorProto.INT64)):
        if op == "Upsample" or opset == 10:  # (X, scales), scales an attribute before opset 9
            if name == "scales" and length is not None:
                order.append("scales")
                inputs.append(helper.make_tensor_value_info("scales", elem, [length]))
            continue
        order.append(name if length is not None or name in (initializers or {}) else "")
        if length is not None:
            inputs.append(helper.make_tensor_value_info(name, elem, [length]))
    while order[-1] == "":
        order.pop()
    node = helper.make_node(op, order, ["Y"], **(attrs or {}))
    inits = [numpy_helper.from_array(np.asarray(v), k) for k, v in (initializers or {}).items()]
    graph = helper.make_graph([node], "g", inputs, [helper.make_tensor_value_info("Y", NP_TO_ONNX[dtype], None)],
                              inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def feeds_of(x, roi=None, scales=None, sizes=None):
    feeds = {"X": x}
    if roi is not None:
        feeds["roi"] = np.asarray(roi, np.float32)
    if scales is not None:
        feeds["scales"] = np.asarray(scales, np.float32)
    if sizes is not None:
        feeds["sizes"] = np.asarray(sizes, np.int64)
    return feeds


def check_runs(model, runs, rtol=1e-4, atol=1e-5):
    """Compile ``model`` once; each of ``runs`` (feeds) matches onnxruntime."""
    compiled = polytile.compile(model)
    shapes = []
    for feeds in runs:
        actual = compiled.run(feeds)
        assert_close(actual, run_onnxruntime(model, feeds), rtol, atol)
        shapes.append(actual[0].shape)
    return shapes


def tg_ops(model) -> str:
    return str(polytile.compile(model, emit="tg"))


# ---------------------------------------------------------------------------
# Run-time scales and sizes, every mode
# ---------------------------------------------------------------------------

def test_runtime_scales_import_as_resize_dynamic_and_constants_stay_static():
    text = tg_ops(resize_model([1, 2, 4, 8], {"mode": "linear"}, scales=4))
    assert "tg.resize_dynamic" in text and "-> tensor<?x?x?x?xf32>" in text
    constant = resize_model([1, 2, 4, 8], {"mode": "linear"},
                            initializers={"scales": np.array([1, 1, 2, 0.5], np.float32)})
    text = tg_ops(constant)
    assert '"tg.resize"' in text and "tg.resize_dynamic" not in text and "tensor<1x2x8x4xf32>" in text


@pytest.mark.parametrize("nearest_mode", ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
@pytest.mark.parametrize("ctm", COORDINATE_MODES)
def test_nearest_scales(ctm, nearest_mode):
    model = resize_model([1, 2, 4, 8], {"mode": "nearest", "coordinate_transformation_mode": ctm,
                                        "nearest_mode": nearest_mode}, scales=4)
    x = randn(1, 2, 4, 8)
    shapes = check_runs(model, [feeds_of(x, scales=[1, 1, 1.75, 0.75]), feeds_of(x, scales=[1, 1, 0.5, 2.0])])
    assert shapes == [(1, 2, 7, 6), (1, 2, 2, 16)]


@pytest.mark.parametrize("mode", ["linear", "cubic"])
@pytest.mark.parametrize("ctm", COORDINATE_MODES)
def test_interpolate_scales_up_then_down(ctm, mode):
    model = resize_model([1, 2, 5, 6], {"mode": mode, "coordinate_transformation_mode": ctm}, scales=4)
    x = randn(1, 2, 5, 6)
    shapes = check_runs(model, [feeds_of(x, scales=[1, 1, 2.0, 1.5]), feeds_of(x, scales=[1, 1, 0.6, 0.5])])
    assert shapes == [(1, 2, 10, 9), (1, 2, 3, 3)]


@pytest.mark.parametrize("mode", ["nearest", "linear", "cubic"])
def test_sizes(mode):
    attrs = {"mode": mode, "coordinate_transformation_mode": "pytorch_half_pixel"}
    if mode == "cubic":
        attrs.update(cubic_coeff_a=-0.5, exclude_outside=1)
    model = resize_model([2, 3, 5, 6], attrs, sizes=4)
    x = randn(2, 3, 5, 6)
    shapes = check_runs(model, [feeds_of(x, sizes=[2, 3, 7, 4]), feeds_of(x, sizes=[2, 3, 2, 13])])
    assert shapes == [(2, 3, 7, 4), (2, 3, 2, 13)]


@pytest.mark.parametrize("scales", [[1, 1, 0.6, 0.5], [1, 1, 2.0, 1.5]])
def test_cubic_exclude_outside(scales):
    model = resize_model([1, 1, 5, 6], {"mode": "cubic", "cubic_coeff_a": -0.5, "exclude_outside": 1}, scales=4)
    check_runs(model, [feeds_of(randn(1, 1, 5, 6), scales=scales)])


# ---------------------------------------------------------------------------
# axes, keep_aspect_ratio_policy, antialias, roi
# ---------------------------------------------------------------------------

# (onnxruntime ignores negative axes under not_larger/not_smaller; the reference rejects them)
@pytest.mark.parametrize("axes", [[2, 3], [3, 2]])
@pytest.mark.parametrize("policy", ["stretch", "not_larger", "not_smaller"])
@pytest.mark.parametrize("mode", ["nearest", "linear"])
def test_axes_and_policy(mode, policy, axes):
    model = resize_model([1, 2, 4, 6], {"mode": mode, "axes": axes, "keep_aspect_ratio_policy": policy},
                         sizes=2)
    x = randn(1, 2, 4, 6)
    check_runs(model, [feeds_of(x, sizes=[9, 5]), feeds_of(x, sizes=[2, 12])])


@pytest.mark.parametrize("axes", [[2, 3], [3, 2], [-1, -2]])
def test_axes_with_scales(axes):
    model = resize_model([1, 2, 4, 6], {"mode": "nearest", "axes": axes}, scales=2)
    x = randn(1, 2, 4, 6)
    check_runs(model, [feeds_of(x, scales=[2.0, 0.5]), feeds_of(x, scales=[0.75, 1.5])])


@pytest.mark.parametrize("mode", ["linear", "cubic"])
def test_antialias_scales(mode):
    """The filter widens as the run-time scale shrinks: 0.5 and 0.25 need more taps than 0.7."""
    model = resize_model([1, 1, 8, 12], {"mode": mode, "antialias": 1}, scales=4)
    x = randn(1, 1, 8, 12)
    check_runs(model, [feeds_of(x, scales=[1, 1, 0.5, 0.7]), feeds_of(x, scales=[1, 1, 0.25, 0.3]),
                       feeds_of(x, scales=[1, 1, 2.0, 1.5])], atol=1e-4)


@pytest.mark.parametrize("mode", ["linear", "cubic"])
def test_antialias_sizes_with_axes(mode):
    model = resize_model([1, 2, 9, 12], {"mode": mode, "antialias": 1, "axes": [2, 3]}, sizes=2)
    x = randn(1, 2, 9, 12)
    check_runs(model, [feeds_of(x, sizes=[3, 5]), feeds_of(x, sizes=[4, 2])], atol=1e-4)


@pytest.mark.parametrize("mode", ["nearest", "linear", "cubic"])
def test_tf_crop_and_resize_runtime_roi(mode):
    attrs = {"mode": mode, "coordinate_transformation_mode": "tf_crop_and_resize", "extrapolation_value": 2.5}
    model = resize_model([1, 1, 5, 5], attrs, roi=8, sizes=4)
    x = randn(1, 1, 5, 5)
    check_runs(model, [feeds_of(x, roi=[0, 0, -0.2, 0.3, 1, 1, 0.8, 1.3], sizes=[1, 1, 4, 6]),
                       feeds_of(x, roi=[0, 0, 0.4, 0.6, 1, 1, 0.6, 1.0], sizes=[1, 1, 3, 3])])


def test_tf_crop_and_resize_axes_runtime_roi_and_scales():
    attrs = {"mode": "linear", "coordinate_transformation_mode": "tf_crop_and_resize", "axes": [3, 2]}
    model = resize_model([1, 2, 5, 5], attrs, roi=4, scales=2)
    x = randn(1, 2, 5, 5)
    check_runs(model, [feeds_of(x, roi=[0.1, 0.2, 0.9, 0.7], scales=[1.2, 0.8]),
                       feeds_of(x, roi=[-0.3, 0.0, 1.4, 1.0], scales=[2.0, 2.0])])


# ---------------------------------------------------------------------------
# Upsample and Resize-10, element types, dynamic input dims
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["nearest", "linear"])
def test_upsample_9_runtime_scales(mode):
    model = resize_model([1, 2, 3, 4], {"mode": mode}, scales=4, op="Upsample", opset=9)
    x = randn(1, 2, 3, 4)
    check_runs(model, [feeds_of(x, scales=[1, 1, 2, 3]), feeds_of(x, scales=[1, 1, 1.5, 2.5])])


@pytest.mark.parametrize("mode", ["nearest", "linear"])
def test_resize_10_runtime_scales_up_and_down(mode):
    """Resize-10 nearest rounds down where an axis upsamples and up where it downsamples, axis by
    axis at run time (onnxruntime's rule)."""
    model = resize_model([1, 2, 4, 6], {"mode": mode}, scales=4, opset=10)
    x = randn(1, 2, 4, 6)
    check_runs(model, [feeds_of(x, scales=[1, 1, 2, 0.5]), feeds_of(x, scales=[1, 1, 0.6, 2.5])])


@pytest.mark.parametrize("dtype", [np.uint8, np.int32])
def test_nearest_integer_types(dtype):
    model = resize_model([1, 2, 4, 4], {"mode": "nearest"}, scales=4, dtype=dtype)
    x = randn(1, 2, 4, 4, dtype=dtype)
    check_runs(model, [feeds_of(x, scales=[1, 1, 2.5, 0.5]), feeds_of(x, scales=[1, 2, 1, 1])])


def test_linear_f16():
    model = resize_model([1, 2, 4, 4], {"mode": "linear"}, scales=4, dtype=np.float16)
    x = randn(1, 2, 4, 4, dtype=np.float16)
    check_runs(model, [feeds_of(x, scales=[1, 1, 1.5, 2]), feeds_of(x, scales=[1, 1, 0.5, 0.75])],
               rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("mode", ["nearest", "linear", "cubic"])
def test_dynamic_input_dims_runtime_scales(mode):
    model = resize_model(["n", 2, "h", "w"], {"mode": mode}, scales=4)
    runs = [feeds_of(randn(1, 2, 4, 5), scales=[1, 1, 2, 1.5]), feeds_of(randn(3, 2, 6, 3), scales=[1, 1, 0.5, 2])]
    assert check_runs(model, runs) == [(1, 2, 8, 7), (3, 2, 3, 6)]


def test_dynamic_input_dims_constant_sizes_and_policy():
    """Constant sizes with dynamic input dims: tg.resize_dynamic on a constant."""
    attrs = {"mode": "linear", "axes": [2, 3], "keep_aspect_ratio_policy": "not_larger"}
    model = resize_model(["n", 3, "h", "w"], attrs, initializers={"sizes": np.array([6, 6], np.int64)})
    assert "tg.resize_dynamic" in tg_ops(model)
    runs = [feeds_of(randn(2, 3, 4, 8)), feeds_of(randn(1, 3, 9, 3))]
    assert check_runs(model, runs) == [(2, 3, 3, 6), (1, 3, 6, 2)]


def test_dynamic_input_dims_upsample_7():
    model = resize_model(["n", 2, "h", "w"], {"mode": "nearest", "scales": [1.0, 1.0, 2.0, 3.0]},
                         op="Upsample", opset=7)
    runs = [feeds_of(randn(1, 2, 3, 4)), feeds_of(randn(2, 2, 2, 5))]
    assert check_runs(model, runs) == [(1, 2, 6, 12), (2, 2, 4, 15)]


# ---------------------------------------------------------------------------
# Bad run-time values: never a crash nor a read out of bounds
# ---------------------------------------------------------------------------

def test_bad_sizes_and_scales_give_empty_dims():
    x = randn(1, 2, 4, 6)
    sizes = polytile.compile(resize_model([1, 2, 4, 6], {"mode": "linear"}, sizes=4))
    assert sizes.run(feeds_of(x, sizes=[1, 2, -3, 5]))[0].shape == (1, 2, 0, 5)
    assert sizes.run(feeds_of(x, sizes=[0, 2, 3, 5]))[0].shape == (0, 2, 3, 5)
    scales = polytile.compile(resize_model([1, 2, 4, 6], {"mode": "cubic", "antialias": 1}, scales=4))
    for bad in (0.0, -2.0, np.nan, 1e-30):
        assert scales.run(feeds_of(x, scales=[1, 1, bad, 1]))[0].shape == (1, 2, 0, 6)
    # a huge dim beside an empty one allocates and loops nothing
    y = scales.run(feeds_of(x, scales=[1, np.inf, 0, 1]))[0]
    assert y.shape == (1, 2**31 - 1, 0, 6)
    # and the model still computes right afterwards
    good = feeds_of(x, scales=[1, 1, 0.5, 0.5])
    assert_close(scales.run(good), run_onnxruntime(resize_model([1, 2, 4, 6], {"mode": "cubic", "antialias": 1},
                                                                scales=4), good), 1e-4, 1e-4)


def test_scales_of_run_time_length_are_read_safely():
    """A scales tensor whose length is only known at run time: missing values are 1 (the
    identity), extra values are ignored."""
    model = resize_model([1, 2, 4, 6], {"mode": "nearest"}, scales="n")
    compiled = polytile.compile(model)
    x = randn(1, 2, 4, 6)
    expected = run_onnxruntime(model, feeds_of(x, scales=[1, 1, 2, 2]))
    assert_close(compiled.run(feeds_of(x, scales=[1, 1, 2, 2])), expected)
    assert compiled.run(feeds_of(x, scales=[1, 1]))[0].shape == (1, 2, 4, 6)
    assert compiled.run(feeds_of(x, scales=[]))[0].shape == (1, 2, 4, 6)
    assert_close(compiled.run(feeds_of(x, scales=[1, 1, 2, 2, 7, 9])), expected)


def test_static_length_mismatch_is_an_import_error():
    with pytest.raises(polytile.OnnxImportError, match=r"scales must hold one value per resized axis \(2\)"):
        polytile.compile(resize_model([1, 2, 4, 6], {"mode": "nearest", "axes": [2, 3]}, scales=4))


@pytest.mark.parametrize("antialias", [0, 1])
@pytest.mark.parametrize("mode", ["linear", "cubic"])
def test_one_compile_many_sizes(mode, antialias):
    """One compiled model, random output sizes (up- and downsampling, a size of 1) and input
    sizes: each run matches onnxruntime."""
    model = resize_model([1, 2, "h", "w"], {"mode": mode, "antialias": antialias, "axes": [2, 3]}, sizes=2)
    rng = np.random.default_rng(11)
    runs = [feeds_of(randn(1, 2, *rng.integers(1, 9, size=2)), sizes=rng.integers(1, 17, size=2))
            for _ in range(8)]
    check_runs(model, runs, atol=1e-4)

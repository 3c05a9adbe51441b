"""Numerics of the nn family against onnxruntime: pooling (Average, Lp, Max with Indices, Global
Max/Lp), Conv and ConvTranspose, MatMul, Gemm, Einsum, Resize/Upsample and Attention."""
import numpy as np
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import polytile
from onnx_check import assert_close, check_node, make_model

rng = np.random.default_rng(0)

FLOATS = [np.float32, np.float64, np.float16]


def randn(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def tol(dtype):
    """(rtol, atol) per element type: f16 results are compared loosely."""
    return {"rtol": 1e-2, "atol": 1e-2} if dtype == np.float16 else {"rtol": 1e-4, "atol": 1e-5}


def check_reference(op_type, inputs, attrs=None, outputs=("Y",), initializers=None, opset=17,
                    rtol=1e-4, atol=1e-5):
    """Like check_node, against ONNX's reference implementation: for what onnxruntime lacks
    (f64 kernels, masks shorter than the key sequence) or computes differently from the spec."""
    attrs = dict(attrs or {})
    order = attrs.pop("_inputs", None) or list(inputs) + list(initializers or {})
    node = helper.make_node(op_type, list(order), list(outputs), **attrs)
    model = make_model([node], inputs, [o for o in outputs if o], initializers, opset)
    actual = polytile.compile(model).run(inputs)
    expected = ReferenceEvaluator(model).run(None, inputs)
    assert_close(actual, expected, rtol, atol)


def check(op_type, inputs, attrs=None, reference=False, **kw):
    """check_node against onnxruntime, or check_reference when ``reference``."""
    return (check_reference if reference else check_node)(op_type, inputs, attrs, **kw)


# onnxruntime has no f64 kernel for these ops: compare with the ONNX reference instead.
def no_ort_f64(dtype):
    return dtype == np.float64


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------

POOL_WINDOWS = [
    {"kernel_shape": [3, 3]},
    {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]},
    {"kernel_shape": [3, 2], "strides": [2, 1], "pads": [1, 0, 0, 1]},
    {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1},
    {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1},
    {"kernel_shape": [2, 2], "dilations": [2, 2]},
    {"kernel_shape": [3, 3], "auto_pad": "SAME_UPPER", "strides": [2, 2]},
    {"kernel_shape": [2, 3], "auto_pad": "SAME_LOWER"},
    {"kernel_shape": [3, 3], "auto_pad": "VALID", "strides": [2, 2]},
]


@pytest.mark.parametrize("count_include_pad", [0, 1])
@pytest.mark.parametrize("window", POOL_WINDOWS)
def test_average_pool(window, count_include_pad):
    check_node("AveragePool", {"X": randn(1, 2, 7, 8)}, {**window, "count_include_pad": count_include_pad},
               opset=19)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,kernel", [((1, 3, 9), [3]), ((1, 2, 5, 6, 4), [2, 3, 2])])
def test_average_pool_ranks_dtypes(shape, kernel, dtype):
    check("AveragePool", {"X": randn(*shape, dtype=dtype)}, {"kernel_shape": kernel},
          reference=no_ort_f64(dtype), **tol(dtype))


@pytest.mark.parametrize("opset", [7, 10, 11])
def test_average_pool_old_opsets(opset):
    attrs = {"kernel_shape": [2, 2], "pads": [1, 1, 0, 0], "strides": [2, 2]}
    if opset >= 10:
        attrs["ceil_mode"] = 1
    check_node("AveragePool", {"X": randn(1, 1, 5, 5)}, attrs, opset=opset)


@pytest.mark.parametrize("p", [1, 2, 3])
@pytest.mark.parametrize("window", POOL_WINDOWS[:3] + POOL_WINDOWS[5:8])
def test_lp_pool(window, p):
    check_node("LpPool", {"X": randn(1, 2, 7, 8)}, {**window, "p": p}, opset=18)


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
def test_lp_pool_dtypes_1d(dtype):
    check("LpPool", {"X": randn(2, 3, 9, dtype=dtype)}, {"kernel_shape": [3], "strides": [2]},
          reference=no_ort_f64(dtype), opset=11, **tol(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize("shape", [(2, 3, 7), (1, 2, 4, 5), (1, 2, 3, 4, 2)])
def test_global_max_pool(shape, dtype):
    check_node("GlobalMaxPool", {"X": randn(*shape, dtype=dtype)}, **tol(dtype))


def test_global_max_pool_f64():
    # onnxruntime has no f64 kernel; the reference handles 2-d spatial dims only.
    check_reference("GlobalMaxPool", {"X": randn(2, 3, 4, 5, dtype=np.float64)})


def test_global_lp_pool():
    check_node("GlobalLpPool", {"X": randn(2, 3, 4, 5)}, {"p": 3}, opset=2)


@pytest.mark.parametrize("p", [1, 2, 3])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 3, 4, 5)])
def test_global_lp_pool_numpy(shape, dtype, p):
    # onnxruntime implements GlobalLpPool for f32 only, the reference not at all: numpy it is.
    x = randn(*shape, dtype=dtype)
    model = make_model([helper.make_node("GlobalLpPool", ["X"], ["Y"], p=p)], {"X": x}, ["Y"], opset=2)
    axes = tuple(range(2, x.ndim))
    want = (np.sum(np.abs(x.astype(np.float64)) ** p, axis=axes, keepdims=True) ** (1.0 / p)).astype(dtype)
    assert_close(polytile.compile(model).run({"X": x}), [want], **tol(dtype))


@pytest.mark.parametrize("window", POOL_WINDOWS)
def test_max_pool_windows(window):
    check_node("MaxPool", {"X": randn(1, 2, 7, 8)}, window, opset=12)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int8, np.uint8])
def test_max_pool_dtypes(dtype):
    x = rng.integers(-100 if dtype == np.int8 else 0, 100, (1, 2, 6, 6)).astype(dtype)
    check_node("MaxPool", {"X": x}, {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "strides": [2, 2]},
               opset=12)


@pytest.mark.parametrize("storage_order", [0, 1])
@pytest.mark.parametrize("window", [
    {"kernel_shape": [3, 3]}, {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "strides": [2, 2]},
    {"kernel_shape": [2, 3], "strides": [2, 2], "ceil_mode": 1},
])
def test_max_pool_indices(window, storage_order):
    check_node("MaxPool", {"X": randn(2, 3, 7, 6)}, {**window, "storage_order": storage_order},
               outputs=["Y", "Indices"], opset=12)


@pytest.mark.parametrize("dtype", [np.float16, np.float64, np.int8, np.uint8])
def test_max_pool_indices_dtypes(dtype):
    # Distinct values: the index of a tie is implementation-defined in onnxruntime.
    x = rng.permutation(100).reshape(1, 4, 5, 5)[:, :, :, :5].astype(dtype)
    check_node("MaxPool", {"X": x}, {"kernel_shape": [2, 2], "pads": [1, 1, 0, 0]},
               outputs=["Y", "Indices"], opset=12)


def test_max_pool_indices_1d_3d():
    check_node("MaxPool", {"X": randn(2, 3, 9)}, {"kernel_shape": [3], "strides": [2]},
               outputs=["Y", "Indices"], opset=12)
    check_node("MaxPool", {"X": randn(1, 2, 4, 5, 3)}, {"kernel_shape": [2, 2, 2]},
               outputs=["Y", "Indices"], opset=12)


# ---------------------------------------------------------------------------
# Conv and ConvTranspose
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float16])
def test_conv_dtypes(dtype):
    check("Conv", {"X": randn(1, 4, 6, 6, dtype=dtype)}, {"pads": [1, 1, 1, 1], "group": 2},
          initializers={"W": randn(6, 2, 3, 3, dtype=dtype), "B": randn(6, dtype=dtype)},
          reference=no_ort_f64(dtype), **tol(dtype))


@pytest.mark.parametrize("attrs", [
    {"auto_pad": "SAME_LOWER", "strides": [2, 1, 2]}, {"dilations": [1, 2, 1], "pads": [0, 1, 1, 1, 0, 0]},
])
def test_conv3d(attrs):
    check_node("Conv", {"X": randn(1, 2, 5, 6, 5)}, attrs, initializers={"W": randn(3, 2, 2, 3, 2)})


def test_conv_depthwise_valid():
    check_node("Conv", {"X": randn(2, 3, 7, 7)}, {"group": 3, "auto_pad": "VALID", "strides": [2, 2]},
               initializers={"W": randn(6, 1, 3, 3)})


CONV_TRANSPOSE_CASES = [
    {},
    {"strides": [2, 2]},
    {"strides": [3, 2], "pads": [1, 0, 2, 1]},
    {"strides": [2, 2], "output_padding": [1, 0]},
    {"dilations": [2, 1], "pads": [1, 1, 1, 1]},
    {"strides": [2, 2], "dilations": [2, 2], "output_padding": [1, 1]},
    {"strides": [2, 2], "auto_pad": "SAME_UPPER"},
    {"strides": [2, 3], "auto_pad": "SAME_LOWER"},
    {"strides": [2, 2], "output_shape": [9, 10]},
    {"strides": [3, 2], "output_shape": [10, 8]},
    {"group": 2, "strides": [2, 1]},
]


@pytest.mark.parametrize("attrs", CONV_TRANSPOSE_CASES)
def test_conv_transpose(attrs):
    group = attrs.get("group", 1)
    check_node("ConvTranspose", {"X": randn(1, 4, 4, 5)}, attrs,
               initializers={"W": randn(4, 6 // group, 3, 3), "B": randn(6)})


@pytest.mark.parametrize("dtype", FLOATS)
def test_conv_transpose_1d_dtypes(dtype):
    check("ConvTranspose", {"X": randn(2, 3, 6, dtype=dtype)}, {"strides": [2], "pads": [1, 0]},
          initializers={"W": randn(3, 2, 4, dtype=dtype)}, reference=no_ort_f64(dtype), **tol(dtype))


def test_conv_transpose_3d():
    check_node("ConvTranspose", {"X": randn(1, 2, 3, 4, 3)}, {"strides": [2, 1, 2], "group": 2},
               initializers={"W": randn(2, 2, 2, 3, 2)})


# ---------------------------------------------------------------------------
# Matrix products
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.int64, np.uint32, np.uint64])
@pytest.mark.parametrize("a,b", [((3, 4), (4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((4,), (2, 4, 3))])
def test_matmul_dtypes(a, b, dtype):
    if np.issubdtype(dtype, np.integer):
        lo = 0 if np.issubdtype(dtype, np.unsignedinteger) else -5
        x, y = rng.integers(lo, 5, a).astype(dtype), rng.integers(lo, 5, b).astype(dtype)
    else:
        x, y = randn(*a, dtype=dtype), randn(*b, dtype=dtype)
    check_node("MatMul", {"A": x, "B": y}, **tol(dtype))


@pytest.mark.parametrize("c_shape", [None, (), (1,), (5,), (3, 1), (1, 5), (3, 5)])
def test_gemm_c_broadcast(c_shape):
    inits = {"B": randn(4, 5)}
    attrs = {"beta": 0.5}
    if c_shape is not None:
        inits["C"] = randn(*c_shape)
    check_node("Gemm", {"A": randn(3, 4)}, attrs, initializers=inits, opset=13)


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
def test_gemm_dtypes(dtype):
    check_node("Gemm", {"A": randn(4, 3, dtype=dtype), "B": randn(5, 4, dtype=dtype)},
               {"transA": 1, "transB": 1, "alpha": 2.0},
               initializers={"C": randn(5, dtype=dtype)}, **tol(dtype))


EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->ji", [(3, 4)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("ij->", [(3, 4)]),
    ("i,i", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij,kj", [(3, 4), (5, 4)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (1, 4, 5)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("b...,b...", [(2, 3, 1), (2, 1, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("abc,cd,da->b", [(2, 3, 4), (4, 5), (5, 2)]),
]


@pytest.mark.parametrize("equation,shapes", EINSUM_CASES)
def test_einsum(equation, shapes):
    inputs = {f"x{i}": randn(*s) for i, s in enumerate(shapes)}
    check_node("Einsum", inputs, {"equation": equation}, opset=12)


def test_einsum_sum_out_ellipsis():
    # numpy semantics (the reference); onnxruntime wants "..." in an explicit output.
    check_reference("Einsum", {"A": randn(2, 3, 1), "B": randn(2, 1, 4)}, {"equation": "b...,b...->b"},
                    opset=12)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.int64])
def test_einsum_dtypes(dtype):
    if np.issubdtype(dtype, np.integer):
        a, b = rng.integers(-5, 5, (2, 3, 4)).astype(dtype), rng.integers(-5, 5, (2, 4, 3)).astype(dtype)
    else:
        a, b = randn(2, 3, 4, dtype=dtype), randn(2, 4, 3, dtype=dtype)
    check("Einsum", {"A": a, "B": b}, {"equation": "bij,bjk->bik"}, opset=12, reference=no_ort_f64(dtype),
          **tol(dtype))


# ---------------------------------------------------------------------------
# Resize and Upsample
# ---------------------------------------------------------------------------

def resize(x, attrs, scales=None, sizes=None, roi=None, opset=19, reference=False, **kw):
    inits, order = {}, ["X", "", "", ""]
    if roi is not None:
        inits["roi"] = np.asarray(roi, np.float32)
        order[1] = "roi"
    if scales is not None:
        inits["scales"] = np.asarray(scales, np.float32)
        order[2] = "scales"
    if sizes is not None:
        inits["sizes"] = np.asarray(sizes, np.int64)
        order[3] = "sizes"
    while order[-1] == "":
        order.pop()
    check("Resize", {"X": x}, {**attrs, "_inputs": order}, initializers=inits, opset=opset, reference=reference,
          **kw)


COORDINATE_MODES = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"]

# Sizes * scales are integers here: otherwise align_corners differs between onnxruntime (which
# divides by the output size) and the spec and reference (which divide by scale * input size).
# Nearest uses exact binary scales: coordinates that are integers or ties in the reference's f64
# may not be in onnxruntime's f32 (0.6 is not exact), and then the picked pixel differs.


@pytest.mark.parametrize("nearest_mode", ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
@pytest.mark.parametrize("ctm", COORDINATE_MODES)
def test_resize_nearest(ctm, nearest_mode):
    attrs = {"mode": "nearest", "coordinate_transformation_mode": ctm, "nearest_mode": nearest_mode}
    resize(randn(1, 2, 4, 8), attrs, scales=[1, 1, 1.75, 0.75])


@pytest.mark.parametrize("mode", ["linear", "cubic"])
@pytest.mark.parametrize("ctm", COORDINATE_MODES)
@pytest.mark.parametrize("scales", [[1, 1, 2.0, 1.5], [1, 1, 0.6, 0.5]])
def test_resize_interpolate(ctm, mode, scales):
    resize(randn(1, 2, 5, 6), {"mode": mode, "coordinate_transformation_mode": ctm}, scales=scales)


def test_resize_cubic_options_sizes():
    attrs = {"mode": "cubic", "cubic_coeff_a": -0.5, "exclude_outside": 1}
    resize(randn(2, 3, 5, 6), attrs, sizes=[2, 3, 7, 4])


def test_resize_align_corners_fractional_length():
    # The spec divides by scale * input size - 1 (6 * 0.8 - 1), not by output size - 1.
    resize(randn(1, 1, 5, 6), {"mode": "linear", "coordinate_transformation_mode": "align_corners"},
           scales=[1, 1, 0.6, 0.8], reference=True)


@pytest.mark.parametrize("mode", ["linear", "cubic"])
def test_resize_antialias(mode):
    resize(randn(1, 1, 8, 9), {"mode": mode, "antialias": 1}, scales=[1, 1, 0.5, 0.7], atol=1e-4)


@pytest.mark.parametrize("mode", ["nearest", "linear"])
def test_resize_tf_crop_and_resize(mode):
    attrs = {"mode": mode, "coordinate_transformation_mode": "tf_crop_and_resize", "extrapolation_value": 2.5}
    resize(randn(1, 1, 5, 5), attrs, sizes=[1, 1, 4, 6], roi=[0, 0, -0.2, 0.3, 1, 1, 0.8, 1.3])


@pytest.mark.parametrize("policy", ["stretch", "not_larger", "not_smaller"])
def test_resize_axes_and_policy(policy):
    attrs = {"mode": "nearest", "axes": [3, 2], "keep_aspect_ratio_policy": policy}
    resize(randn(1, 2, 4, 6), attrs, sizes=[9, 5])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.int64, np.uint16])
def test_resize_nearest_integers(dtype):
    x = rng.integers(0, 100, (1, 2, 3, 4)).astype(dtype)
    resize(x, {"mode": "nearest"}, scales=[1, 1, 2.5, 0.5], reference=dtype in (np.int64, np.uint16))


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
def test_resize_linear_dtypes(dtype):
    resize(randn(1, 2, 4, 4, dtype=dtype), {"mode": "linear"}, scales=[1, 1, 1.5, 2],
           reference=no_ort_f64(dtype), **tol(dtype))


def test_resize_3d_linear_and_1d_nearest():
    resize(randn(1, 1, 3, 4, 5), {"mode": "linear"}, sizes=[1, 1, 5, 3, 7])
    resize(randn(2, 7), {"mode": "nearest"}, scales=[1.0, 2.0])


@pytest.mark.parametrize("opset", [11, 13])
def test_resize_opsets_11_13(opset):
    roi = [] if opset == 11 else None
    resize(randn(1, 2, 4, 4), {"mode": "linear", "coordinate_transformation_mode": "align_corners"},
           scales=[1, 1, 2, 2], roi=roi, opset=opset)


@pytest.mark.parametrize("mode,scales", [("nearest", [1, 1, 2, 3]), ("nearest", [1, 1, 0.5, 0.5]),
                                         ("linear", [1, 1, 2, 1.5])])
def test_resize_10(mode, scales):
    check_node("Resize", {"X": randn(1, 2, 4, 6)}, {"mode": mode},
               initializers={"scales": np.asarray(scales, np.float32)}, opset=10)


@pytest.mark.parametrize("mode", ["nearest", "linear"])
@pytest.mark.parametrize("opset", [7, 9])
def test_upsample(opset, mode):
    scales = [1.0, 1.0, 2.0, 3.0]
    if opset == 7:
        check_node("Upsample", {"X": randn(1, 2, 3, 4)}, {"mode": mode, "scales": scales}, opset=7)
    else:
        check_node("Upsample", {"X": randn(1, 2, 3, 4)}, {"mode": mode},
                   initializers={"scales": np.asarray(scales, np.float32)}, opset=9)


# ---------------------------------------------------------------------------
# Attention (opset 23)
# ---------------------------------------------------------------------------

def attention(q, k, v, attrs=None, mask=None, past=None, outputs=("Y",), reference=False, **kw):
    inputs = {"Q": q, "K": k, "V": v}
    order = ["Q", "K", "V"]
    if mask is not None:
        inputs["attn_mask"] = mask
    order.append("attn_mask" if mask is not None else "")
    if past is not None:
        inputs["past_key"], inputs["past_value"] = past
        order += ["past_key", "past_value"]
    while order[-1] == "":
        order.pop()
    check("Attention", inputs, {**(attrs or {}), "_inputs": order}, outputs=list(outputs), opset=23,
          reference=reference, **kw)


ALL_OUTPUTS = ("Y", "present_key", "present_value", "qk_matmul_output")


@pytest.mark.parametrize("heads", [(4, 4), (4, 2), (6, 1)])
@pytest.mark.parametrize("attrs", [{}, {"is_causal": 1}, {"scale": 0.3}, {"softcap": 2.0}])
def test_attention_4d(heads, attrs):
    hq, hkv = heads
    attention(randn(2, hq, 3, 8), randn(2, hkv, 5, 8), randn(2, hkv, 5, 6), attrs)


@pytest.mark.parametrize("heads", [(4, 4), (4, 2)])
@pytest.mark.parametrize("attrs", [{}, {"is_causal": 1}])
def test_attention_3d(heads, attrs):
    hq, hkv = heads
    attention(randn(2, 3, hq * 8), randn(2, 5, hkv * 8), randn(2, 5, hkv * 6),
              {**attrs, "q_num_heads": hq, "kv_num_heads": hkv})


# onnxruntime rejects masks of rank 1 or shorter than the key sequence (padded with -inf by the spec).
@pytest.mark.parametrize("mask_shape,reference", [((3, 5), False), ((2, 1, 3, 5), False), ((4, 3, 5), False),
                                                  ((3, 4), True), ((5,), True)])
@pytest.mark.parametrize("is_causal", [0, 1])
def test_attention_float_mask(mask_shape, reference, is_causal):
    if len(mask_shape) == 1 and is_causal:
        pytest.skip("the reference cannot combine a rank-1 mask with is_causal")
    mask = randn(*mask_shape)
    attention(randn(2, 4, 3, 8), randn(2, 4, 5, 8), randn(2, 4, 5, 8), {"is_causal": is_causal}, mask=mask,
              reference=reference)


@pytest.mark.parametrize("mask_shape", [(3, 5), (2, 4, 3, 5)])
@pytest.mark.parametrize("is_causal", [0, 1])
def test_attention_bool_mask(mask_shape, is_causal):
    mask = rng.random(mask_shape) > 0.3
    mask[..., 0] = True  # no fully masked rows: onnxruntime gives NaN where the spec gives 0
    attention(randn(2, 4, 3, 8), randn(2, 4, 5, 8), randn(2, 4, 5, 8), {"is_causal": is_causal}, mask=mask)


@pytest.mark.parametrize("mode", [0, 1, 2, 3])
def test_attention_past_and_outputs(mode):
    # The reference: onnxruntime's causal bias is the lowest float where the spec has -inf (mode 2).
    attrs = {"qk_matmul_output_mode": mode, "is_causal": 1, "softcap": 3.0}
    attention(randn(1, 4, 3, 8), randn(1, 2, 3, 8), randn(1, 2, 3, 8), attrs, mask=randn(3, 7),
              past=(randn(1, 2, 4, 8), randn(1, 2, 4, 8)), outputs=ALL_OUTPUTS, reference=True)


def test_attention_fully_masked_rows():
    mask = np.ones((3, 5), bool)
    mask[1] = False
    attention(randn(1, 2, 3, 4), randn(1, 2, 5, 4), randn(1, 2, 5, 4), {"qk_matmul_output_mode": 3},
              mask=mask, outputs=("Y", "", "", "qk_matmul_output"), reference=True)


def test_attention_3d_with_past():
    attention(randn(2, 3, 16), randn(2, 3, 8), randn(2, 3, 8), {"q_num_heads": 2, "kv_num_heads": 1},
              past=(randn(2, 1, 2, 8), randn(2, 1, 2, 8)), outputs=ALL_OUTPUTS)


@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_attention_dtypes(dtype):
    attention(randn(2, 2, 3, 8, dtype=dtype), randn(2, 2, 4, 8, dtype=dtype), randn(2, 2, 4, 8, dtype=dtype),
              {"is_causal": 1}, mask=randn(3, 4, dtype=dtype), reference=no_ort_f64(dtype), **tol(dtype))


def test_attention_softmax_precision():
    x = randn(1, 2, 3, 4, dtype=np.float16)
    attention(x, x, x, {"softmax_precision": TensorProto.FLOAT}, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint32, np.uint64])
def test_gemm_integers(dtype):
    # onnxruntime has no integer Gemm kernel: the reference it is.
    a, b, c = (rng.integers(0, 5, s).astype(dtype) for s in ((3, 4), (5, 4), (5,)))
    check_reference("Gemm", {"A": a, "B": b, "C": c}, {"transB": 1, "alpha": 2.0, "beta": 3.0}, opset=13)


def test_gemm_integer_fractional_alpha_is_unsupported():
    a = np.ones((2, 2), np.int32)
    model = make_model([helper.make_node("Gemm", ["A", "B"], ["Y"], alpha=0.5)], {"A": a, "B": a}, ["Y"], opset=13)
    with pytest.raises(polytile.OnnxImportError, match="non-integral alpha"):
        polytile.compile(model)

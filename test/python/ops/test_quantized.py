"""Numerics of the quantized family (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv),
bit-exact against onnxruntime; against the ONNX reference (or a numpy oracle that follows the
spec and onnxruntime's f32 requantization) where onnxruntime has no kernel for the case.

Each check compiles one model holding several nodes (one per case) to keep compiles few.

onnxruntime's uint8 x int8 kernels saturate on this CPU (AVX2 ``vpmaddubsw`` adds two
u8*s8 products in int16): with a uint8 operand (or its zero point, which pads the input)
of 128 or more its results are wrong. Where the other operand is int8 the uint8 values are
drawn below 128 for onnxruntime; the full range is checked against the reference.
"""
import zlib

import numpy as np
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import polytile
from onnx_check import assert_close, make_model, run_onnxruntime

rng = np.random.default_rng(0)
U8, I8 = np.uint8, np.int8


@pytest.fixture(autouse=True)
def _seed(request):
    """Each test draws the same values however the tests are selected."""
    global rng
    rng = np.random.default_rng(zlib.crc32(request.node.name.encode()))


def q(dtype, *shape, high=None):
    """Random quantized values of ``dtype``; uint8 below ``high`` when given."""
    info = np.iinfo(dtype)
    return rng.integers(info.min, (high or info.max + 1), shape).astype(dtype)


def scale(*shape, dtype=np.float32):
    return rng.uniform(0.002, 0.05, shape).astype(dtype)


def u8_high(other) -> int:
    """The bound of uint8 values paired with ``other`` for onnxruntime (see the module doc)."""
    return 128 if other == I8 else 256


# KNOWN_BUG (not of this family): two contractions of the same result shape that are both graph
# outputs give the first one's values for the second (the CSE'd zero fill of their accumulators,
# eliminate-empty-tensors and the restrict'ed output buffers). The cases of one model whose
# output is a contraction's (MatMulInteger, ConvInteger) have distinct shapes here.
def build(cases, opset, constants=()):
    """A model of one node per case ``(op_type, inputs, attrs)``; ``inputs`` maps names to
    arrays (None: an absent optional input). Inputs named in ``constants`` are initializers.
    Returns (model, feeds)."""
    nodes, feeds, inits, outputs = [], {}, {}, []
    for k, (op, inputs, attrs) in enumerate(cases):
        names = []
        for name, value in inputs.items():
            if value is None:
                names.append("")
                continue
            (inits if name in constants else feeds)[f"{name}{k}"] = value
            names.append(f"{name}{k}")
        nodes.append(helper.make_node(op, names, [f"Y{k}"], name=f"{op}_{k}", **attrs))
        outputs.append(f"Y{k}")
    return make_model(nodes, feeds, outputs, inits, opset), feeds


def check(cases, opset=10, expected="ort", constants=(), threads=None):
    """Compile and run the cases; compare (exactly) with onnxruntime (``"ort"``), the ONNX
    reference (``"reference"``) or a list of arrays."""
    model, feeds = build(cases, opset, constants)
    actual = polytile.compile(model, threads=threads).run(feeds)
    if expected == "ort":
        expected = run_onnxruntime(model, feeds)
    elif expected == "reference":
        expected = ReferenceEvaluator(model).run(None, feeds)
    assert_close(actual, expected)
    return actual


def requantize(acc, multiplier, zero_point, dtype):
    """onnxruntime's requantization: round_half_even(f32(acc) * multiplier) + zero point, saturated."""
    info = np.iinfo(dtype)
    y = np.rint(acc.astype(np.float32) * np.float32(multiplier)).astype(np.float64) + zero_point
    return np.clip(y, info.min, info.max).astype(dtype)


TYPE_PAIRS = [(U8, U8), (U8, I8), (I8, U8), (I8, I8)]
# onnxruntime's QLinear* kernels: (a, b) with y of a's type.
ORT_QLINEAR_PAIRS = [(U8, U8), (U8, I8), (I8, I8)]


# ---------------------------------------------------------------------------
# MatMulInteger
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("ta,tb", TYPE_PAIRS, ids=lambda t: np.dtype(t).name)
def test_matmul_integer(ta, tb):
    """Zero points absent, per tensor (0-d and [1]), only one of them, per column of B ([N] and
    [1, N]); M, K, N not multiples of 8/16; a batched product, broadcast batch, vector operands."""
    ha, hb = u8_high(tb) if ta == U8 else None, u8_high(ta) if tb == U8 else None
    b = q(tb, 21, 19, high=hb)

    def a(k):  # distinct row counts (see KNOWN_BUG)
        return q(ta, 9 + k, 21, high=ha)

    others = [
        ("MatMulInteger", {"A": a(0), "B": b}, {}),
        ("MatMulInteger", {"A": a(2), "B": b, "a_zp": q(ta, 1, high=ha)}, {}),
        ("MatMulInteger", {"A": a(3), "B": b, "a_zp": None, "b_zp": q(tb, high=hb)}, {}),
        ("MatMulInteger", {"A": a(4), "B": b, "a_zp": q(ta, high=ha), "b_zp": q(tb, 19, high=hb)}, {}),
        ("MatMulInteger", {"A": q(ta, 2, 3, 5, 17, high=ha), "B": q(tb, 3, 17, 9, high=hb),
                           "a_zp": q(ta, high=ha), "b_zp": q(tb, 3, 1, 9, high=hb)}, {}),
        ("MatMulInteger", {"A": q(ta, 17, high=ha), "B": q(tb, 2, 17, 3, high=hb),
                           "a_zp": q(ta, high=ha), "b_zp": q(tb, high=hb)}, {}),
        ("MatMulInteger", {"A": q(ta, 4, 17, high=ha), "B": q(tb, 17, high=hb)}, {}),
        ("MatMulInteger", {"A": a(5), "B": b, "a_zp": q(ta, high=ha), "b_zp": q(tb, 1, 19, high=hb)}, {}),
    ]
    # Each type pair takes a quarter of the shapes / zero-point forms (all of them over the four).
    pair = TYPE_PAIRS.index((ta, tb))
    check([("MatMulInteger", {"A": a(1), "B": b, "a_zp": q(ta, high=ha), "b_zp": q(tb, 1, high=hb)}, {})]
          + others[pair::4])


def test_matmul_integer_full_range_and_constants():
    """uint8 x int8 over the full ranges (against the reference, see the module doc); B and its
    zero points as initializers (folded at compile time)."""
    cases = [
        ("MatMulInteger", {"A": q(U8, 9, 33), "B": q(I8, 33, 10), "a_zp": np.array(200, U8),
                           "b_zp": q(I8, 10)}, {}),
        ("MatMulInteger", {"A": q(I8, 8, 33), "W": q(U8, 33, 10), "a_zp": q(I8), "w_zp": q(U8, 10)}, {}),
        ("MatMulInteger", {"A": q(U8, 7, 33), "W": q(U8, 33, 10), "a_zp": q(U8), "w_zp": np.array(0, U8)}, {}),
    ]
    check(cases, expected="reference", constants=("W", "w_zp"))


def test_matmul_integer_per_row():
    """a_zero_point per row of A: [M] (as the ONNX spec defines it; onnxruntime accepts one
    element only, and the reference broadcasts [M] as numpy does) and [..., M, 1]."""
    b, b_zp = q(I8, 11, 5), q(I8, 5)
    a2d, a_zp2d = q(U8, 6, 11), q(U8, 6)
    a, a_zp = q(U8, 2, 7, 11), q(U8, 7)
    a3, a_zp3 = q(U8, 3, 7, 11), q(U8, 3, 7, 1)
    cases = [("MatMulInteger", {"A": a2d, "B": b, "a_zp": a_zp2d, "b_zp": b_zp}, {}),
             ("MatMulInteger", {"A": a, "B": b, "a_zp": a_zp, "b_zp": b_zp}, {}),
             ("MatMulInteger", {"A": a3, "B": b, "a_zp": a_zp3, "b_zp": b_zp}, {})]
    shifted_b = b.astype(np.int32) - b_zp
    expected = [(a2d.astype(np.int32) - a_zp2d[:, None]) @ shifted_b,
                (a.astype(np.int32) - a_zp[:, None]) @ shifted_b,
                (a3.astype(np.int32) - a_zp3) @ shifted_b]
    check(cases, expected=expected)


@pytest.mark.parametrize("threads", [1, 2])
def test_matmul_integer_threads(threads):
    check([("MatMulInteger", {"A": q(U8, 37, 61), "B": q(U8, 61, 45), "a_zp": q(U8), "b_zp": q(U8, 45)}, {}),
           ("MatMulInteger", {"A": q(I8, 3, 19, 29), "B": q(I8, 29, 23), "a_zp": q(I8), "b_zp": q(I8)}, {})],
          threads=threads)


# ---------------------------------------------------------------------------
# QLinearMatMul
# ---------------------------------------------------------------------------

def qlinear_matmul_inputs(ta, tb, a_shape, b_shape, per_column=False, scale_type=np.float32, ty=None):
    ha, hb = u8_high(tb) if ta == U8 else None, u8_high(ta) if tb == U8 else None
    n = [b_shape[-1]] if per_column else []
    ty = ty or ta
    return {"a": q(ta, *a_shape, high=ha), "a_scale": scale(dtype=scale_type), "a_zp": q(ta, high=ha),
            "b": q(tb, *b_shape, high=hb), "b_scale": scale(*n, dtype=scale_type), "b_zp": q(tb, *n, high=hb),
            "y_scale": np.array(rng.uniform(0.05, 0.5), scale_type), "y_zp": q(ty)}


@pytest.mark.parametrize("opset", [10, 21])
@pytest.mark.parametrize("ta,tb", ORT_QLINEAR_PAIRS, ids=lambda t: np.dtype(t).name)
def test_qlinear_matmul(ta, tb, opset):
    """Per tensor and per column of B; 2-d, batched and broadcast products; f16 scales (21)."""
    if opset == 10:
        cases = [("QLinearMatMul", qlinear_matmul_inputs(ta, tb, (11, 21), (21, 13)), {}),
                 ("QLinearMatMul", qlinear_matmul_inputs(ta, tb, (3, 5, 17), (17, 9), per_column=True), {})]
    else:
        cases = [("QLinearMatMul", qlinear_matmul_inputs(ta, tb, (11, 21), (21, 13), per_column=True), {}),
                 ("QLinearMatMul", qlinear_matmul_inputs(ta, tb, (2, 5, 17), (2, 17, 9), scale_type=np.float16), {}),
                 ("QLinearMatMul", qlinear_matmul_inputs(ta, tb, (5, 17), (17, 9), per_column=True,
                                                         scale_type=np.float16), {})]
    check(cases, opset=opset)


def test_qlinear_matmul_types_without_ort_kernel():
    """int8 a with uint8 b, and an output type other than a's (the reference)."""
    check([("QLinearMatMul", qlinear_matmul_inputs(I8, U8, (7, 19), (19, 10)), {}),
           ("QLinearMatMul", qlinear_matmul_inputs(U8, U8, (7, 19), (19, 10), ty=I8), {}),
           ("QLinearMatMul", qlinear_matmul_inputs(I8, I8, (7, 19), (19, 10), ty=U8), {})],
          expected="reference")


def test_qlinear_matmul_per_row_and_batched_columns():
    """a_scale, a_zero_point, y_scale and y_zero_point per row of A ([M], the spec; onnxruntime
    takes one element only); b's per column as [N] with a 3-d B (onnxruntime wants
    [..., 1, N] there): against a numpy oracle of onnxruntime's arithmetic."""
    m, k, n = 6, 13, 7
    a, b = q(U8, 2, m, k), q(I8, 2, k, n)
    a_s, a_zp, b_s, b_zp = scale(m), q(U8, m), scale(n), q(I8, n)
    y_s, y_zp = rng.uniform(0.05, 0.5, m).astype(np.float32), q(U8, m)
    inputs = {"a": a, "a_scale": a_s, "a_zp": a_zp, "b": b, "b_scale": b_s, "b_zp": b_zp,
              "y_scale": y_s, "y_zp": y_zp}
    acc = (a.astype(np.int32) - a_zp[:, None]) @ (b.astype(np.int32) - b_zp)
    multiplier = a_s[:, None] * b_s / y_s[:, None]
    expected = requantize(acc, multiplier, y_zp[:, None], U8)
    check([("QLinearMatMul", inputs, {})], expected=[expected])


def _f32_f64_disagreements(count: int):
    """(multiplier, accumulators) where round(f32(acc) * m) and the exact round(acc * m) differ."""
    search = np.random.default_rng(7)
    acc = np.arange(1, 65281, dtype=np.int32)
    while True:
        m = np.float32(search.uniform(0.0005, 0.004))
        fits = acc * np.float64(m) < 250
        f32 = np.rint(acc[fits].astype(np.float32) * m)
        f64 = np.rint(acc[fits] * np.float64(m))
        hits = acc[fits][f32 != f64]
        if len(hits) >= count:
            return m, hits[:count]


def test_qlinear_matmul_rounding():
    """Ties round half to even, saturation at both ends, accumulators beyond 2^24 (rounded to
    f32 first), and accumulators where onnxruntime's f32 product rounds otherwise than the
    exact one (the reference's f64)."""
    m, hits = _f32_f64_disagreements(6)
    # acc = 255 * q + r with K = 2
    a = np.stack([hits // 255, hits % 255], axis=1).astype(U8)
    b = np.array([[255], [1]], U8)
    one, zero = np.array(1, np.float32), np.array(0, U8)
    disagree = {"a": a, "a_scale": np.array(m), "a_zp": zero, "b": b, "b_scale": one, "b_zp": zero,
                "y_scale": one, "y_zp": zero}
    ties = {"a": np.arange(256, dtype=U8).reshape(64, 4), "a_scale": np.array(0.5, np.float32),
            "a_zp": np.array(127, U8), "b": np.ones((4, 2), U8), "b_scale": np.array([0.25, 1.0], np.float32),
            "b_zp": np.array([0, 1], U8), "y_scale": np.array(0.125, np.float32), "y_zp": np.array(128, U8)}
    big_k = 300  # 255 * 255 * 300 > 2^24
    big = {"a": np.full((3, big_k), 255, U8), "a_scale": np.array(0.0001, np.float32), "a_zp": zero,
           "b": np.concatenate([np.full((big_k, 2), 255, U8), q(U8, big_k, 3)], axis=1),
           "b_scale": np.array(0.01, np.float32), "b_zp": zero, "y_scale": np.array(0.07, np.float32),
           "y_zp": np.array(3, U8)}
    signed = {"a": q(I8, 9, 40), "a_scale": np.array(0.5, np.float32), "a_zp": np.array(-128, I8),
              "b": q(I8, 40, 5), "b_scale": np.array(0.5, np.float32), "b_zp": np.array(3, I8),
              "y_scale": np.array(2.0, np.float32), "y_zp": np.array(-3, I8)}
    results = check([("QLinearMatMul", disagree, {}), ("QLinearMatMul", ties, {}),
                     ("QLinearMatMul", big, {}), ("QLinearMatMul", signed, {})])
    assert np.array_equal(results[0].ravel(), np.rint(hits.astype(np.float32) * m))
    assert results[3].min() == -128 and results[3].max() == 127


# ---------------------------------------------------------------------------
# ConvInteger, QLinearConv
# ---------------------------------------------------------------------------

# (x shape, w shape, attributes)
CONV_CASES = [
    ((1, 3, 7, 9), (5, 3, 3, 3), {}),
    ((2, 3, 7, 9), (5, 3, 3, 2), {"pads": [1, 0, 2, 1], "strides": [2, 1]}),
    ((1, 4, 9, 8), (6, 2, 3, 3), {"group": 2, "dilations": [2, 1], "pads": [1, 1, 1, 1]}),
    ((1, 6, 7, 7), (6, 1, 3, 3), {"group": 6, "strides": [2, 2], "auto_pad": "SAME_UPPER"}),
    ((1, 3, 8, 7), (4, 3, 2, 3), {"auto_pad": "SAME_LOWER", "kernel_shape": [2, 3]}),
    ((1, 3, 8, 7), (4, 3, 3, 3), {"auto_pad": "VALID", "strides": [3, 2]}),
    ((1, 17, 5, 6), (9, 17, 1, 1), {}),
    ((2, 3, 11), (4, 3, 3), {"pads": [2, 1], "strides": [2], "dilations": [2]}),
    ((1, 2, 4, 5, 6), (3, 2, 2, 3, 2), {"pads": [1, 0, 1, 0, 1, 1], "strides": [1, 2, 1]}),
]


def conv_integer_cases(tx, tw, with_w_zp=True):
    hx, hw = u8_high(tw) if tx == U8 else None, u8_high(tx) if tw == U8 else None
    cases = []
    for k, (xs, ws, attrs) in enumerate(CONV_CASES):
        inputs = {"x": q(tx, *xs, high=hx), "w": q(tw, *ws, high=hw), "x_zp": q(tx, high=hx)}
        if with_w_zp and k % 3 != 2:
            inputs["w_zp"] = q(tw, *([1] if k % 2 else []), high=hw)
        elif k % 3 == 2:
            inputs = {"x": inputs["x"], "w": inputs["w"]} if k % 2 else \
                {"x": inputs["x"], "w": inputs["w"], "x_zp": None, "w_zp": q(tw, high=hw)}
        cases.append(("ConvInteger", inputs, attrs))
    return cases


@pytest.mark.parametrize("tx,tw", TYPE_PAIRS, ids=lambda t: np.dtype(t).name)
def test_conv_integer(tx, tw):
    """Every window attribute (pads, strides, dilations, group, depthwise, auto_pad, explicit
    kernel_shape), 1-d/2-d/3-d, zero points given, omitted, one of them: each type pair takes a
    quarter of the cases (all of them over the four)."""
    check(conv_integer_cases(tx, tw)[TYPE_PAIRS.index((tx, tw))::4])


def test_conv_integer_per_channel_and_full_range():
    """w_zero_point per output channel (onnxruntime takes one element only), full uint8 range
    with int8 weights, weights as initializers: against the reference."""
    cases = [("ConvInteger", {"x": q(U8, 1, 3, 6, 7), "w": q(I8, 4, 3, 3, 3), "x_zp": np.array(250, U8),
                              "w_zp": q(I8, 4)}, {"pads": [1, 1, 1, 1]}),
             ("ConvInteger", {"x": q(I8, 2, 4, 6, 5), "W": q(U8, 6, 2, 2, 3), "x_zp": q(I8),
                              "W_zp": q(U8, 6)}, {"group": 2, "strides": [2, 1], "pads": [0, 1, 1, 0]})]
    check(cases, expected="reference", constants=("W", "W_zp"))


def qlinear_conv_inputs(tx, tw, xs, ws, per_channel=False, bias=False):
    hx, hw = u8_high(tw) if tx == U8 else None, u8_high(tx) if tw == U8 else None
    m = [ws[0]] if per_channel else []
    inputs = {"x": q(tx, *xs, high=hx), "x_scale": scale(), "x_zp": q(tx, high=hx),
              "w": q(tw, *ws, high=hw), "w_scale": scale(*m), "w_zp": q(tw, *m, high=hw),
              "y_scale": np.array(rng.uniform(0.05, 0.5), np.float32), "y_zp": q(tx)}
    if bias:
        inputs["B"] = rng.integers(-5000, 5000, ws[0]).astype(np.int32)
    return inputs


@pytest.mark.parametrize("tx,tw", ORT_QLINEAR_PAIRS, ids=lambda t: np.dtype(t).name)
def test_qlinear_conv(tx, tw):
    """Every window attribute, per-tensor and per-channel w_scale/w_zero_point, with and
    without the int32 bias: each type pair takes a third of the cases (all over the three)."""
    cases = [("QLinearConv", qlinear_conv_inputs(tx, tw, xs, ws, per_channel=k % 2 == 1, bias=k % 4 != 1),
              attrs) for k, (xs, ws, attrs) in enumerate(CONV_CASES)]
    check(cases[ORT_QLINEAR_PAIRS.index((tx, tw))::3])


def test_qlinear_conv_constant_weights():
    """Weights, their parameters and the bias as initializers (onnxruntime prepacks them,
    and takes its symmetric-weight kernels for int8 weights of zero point 0)."""
    cases = []
    for (tx, tw), k in [((U8, U8), 0), ((U8, I8), 3), ((U8, I8), 6), ((I8, I8), 0), ((I8, I8), 3)]:
        xs, ws, attrs = CONV_CASES[k]
        inputs = qlinear_conv_inputs(tx, tw, xs, ws, per_channel=True, bias=True)
        inputs["w_zp"] = np.zeros_like(inputs["w_zp"])
        cases.append(("QLinearConv", inputs, attrs))
    check(cases, constants=("w", "w_scale", "w_zp", "B"))


def test_qlinear_conv_without_ort_kernel():
    """int8 x with uint8 w, and a per-channel w_zero_point of distinct values (the reference)."""
    inputs = qlinear_conv_inputs(I8, U8, (1, 3, 6, 7), (4, 3, 3, 3), per_channel=True, bias=True)
    check([("QLinearConv", inputs, {"pads": [1, 1, 1, 1]}),
           ("QLinearConv", qlinear_conv_inputs(U8, U8, (1, 4, 5, 5), (4, 1, 3, 3), per_channel=True),
            {"group": 4})],
          expected="reference")


def test_qlinear_conv_rounding():
    """A 1x1 convolution whose accumulators hit onnxruntime's f32 rounding (see
    test_qlinear_matmul_rounding), and ties."""
    m, hits = _f32_f64_disagreements(6)
    x = np.stack([hits // 255, hits % 255]).astype(U8).reshape(1, 2, 2, 3)
    one, zero = np.array(1, np.float32), np.array(0, U8)
    disagree = {"x": x, "x_scale": np.array(m), "x_zp": zero, "w": np.array([255, 1], U8).reshape(1, 2, 1, 1),
                "w_scale": one, "w_zp": zero, "y_scale": one, "y_zp": zero}
    ties = {"x": np.arange(256, dtype=U8).reshape(1, 1, 16, 16), "x_scale": np.array(0.5, np.float32),
            "x_zp": np.array(127, U8), "w": np.array([1, 3], U8).reshape(2, 1, 1, 1),
            "w_scale": np.array([1.0, 0.25], np.float32), "w_zp": zero, "y_scale": np.array(1.0, np.float32),
            "y_zp": np.array(128, U8), "B": np.array([-1, 1], np.int32)}
    results = check([("QLinearConv", disagree, {}), ("QLinearConv", ties, {})])
    assert np.array_equal(results[0].ravel(), np.rint(hits.astype(np.float32) * m))


@pytest.mark.parametrize("threads", [1, 2])
def test_quantized_conv_threads(threads):
    check([("ConvInteger", {"x": q(U8, 2, 5, 13, 11), "w": q(U8, 7, 5, 3, 3), "x_zp": q(U8), "w_zp": q(U8)},
            {"pads": [1, 1, 1, 1]}),
           ("QLinearConv", qlinear_conv_inputs(I8, I8, (1, 8, 12, 9), (8, 1, 3, 3), per_channel=True, bias=True),
            {"group": 8, "strides": [2, 1]})],
          threads=threads)


# ---------------------------------------------------------------------------
# What is refused
# ---------------------------------------------------------------------------

def _refused(op, inputs, match, opset=10, attrs=None):
    model, _ = build([(op, inputs, attrs or {})], opset)
    with pytest.raises(polytile.OnnxImportError, match=match):
        polytile.compile(model, emit="tg")


def test_refused():
    a, b = q(U8, 4, 5), q(U8, 5, 3)
    _refused("MatMulInteger", {"A": a, "B": b, "a_zp": q(U8, 5)}, r"a_zero_point of shape \[5\] is neither")
    _refused("MatMulInteger", {"A": a, "B": b, "a_zp": None, "b_zp": q(U8, 5)},
             r"b_zero_point of shape \[5\] is neither")
    _refused("MatMulInteger", {"A": a, "B": b, "a_zp": q(U8, 4, 5)}, r"a_zero_point of shape \[4, 5\]")
    qlmm = qlinear_matmul_inputs(U8, U8, (4, 5), (5, 3))
    _refused("QLinearMatMul", dict(qlmm, y_scale=scale(3)), r"y_scale of shape \[3\] is neither")
    _refused("QLinearMatMul", dict(qlmm, a_scale=scale(4).astype(np.float16)),
             "the scales must share one type", opset=21)
    bf16 = helper.make_tensor("s", TensorProto.BFLOAT16, [], [0.5])
    import onnx.numpy_helper
    _refused("QLinearMatMul", dict(qlmm, a_scale=onnx.numpy_helper.to_array(bf16),
                                   b_scale=onnx.numpy_helper.to_array(bf16),
                                   y_scale=onnx.numpy_helper.to_array(bf16)),
             "bfloat16 is not supported yet", opset=21)
    x, w = q(U8, 1, 3, 5, 5), q(U8, 4, 3, 3, 3)
    _refused("ConvInteger", {"x": x, "w": w, "x_zp": q(U8, 3)}, r"x_zero_point of shape \[3\]")
    _refused("ConvInteger", {"x": x, "w": w, "x_zp": q(U8), "w_zp": q(U8, 3)}, r"w_zero_point of shape \[3\]")
    qlc = qlinear_conv_inputs(U8, U8, (1, 3, 5, 5), (4, 3, 3, 3), bias=True)
    _refused("QLinearConv", dict(qlc, B=qlc["B"].astype(np.int64)), "the bias B must be int32")
    _refused("QLinearConv", dict(qlc, B=qlc["B"][:3]), r"the bias B of shape \[3\] is neither")
    _refused("QLinearConv", dict(qlc, y_scale=scale(4)), r"y_scale of shape \[4\] is neither")
    _refused("ConvInteger", {"x": x, "w": w}, "auto_pad 'BAD'", attrs={"auto_pad": "BAD"})


def test_refused_float8():
    """QLinearMatMul-21 also takes float8 tensors: not supported yet."""
    import ml_dtypes
    f8 = np.array([[0.5, 1.0], [2.0, -1.0]], ml_dtypes.float8_e4m3fn)
    one = np.array(1.0, np.float32)
    _refused("QLinearMatMul", {"a": f8, "a_scale": one, "a_zp": np.zeros((), f8.dtype), "b": f8, "b_scale": one,
                               "b_zp": np.zeros((), f8.dtype), "y_scale": one, "y_zp": np.zeros((), f8.dtype)},
             "float8 is not supported yet", opset=21)


def test_dynamic_dims():
    """Quantization parameters with dynamic dims are refused; the data may have dynamic dims
    (a product's rows and inner dim, a convolution's batch and spatial dims)."""
    a, b = q(U8, 4, 5), q(U8, 5, 3)
    model, feeds = build([("MatMulInteger", {"A": a, "B": b, "a_zp": None, "b_zp": q(U8, 3)}, {})], 10)
    model.graph.input[2].type.tensor_type.shape.dim[0].dim_param = "n"
    with pytest.raises(polytile.OnnxImportError, match="b_zero_point with dynamic dims"):
        polytile.compile(model, emit="tg")
    model, feeds = build([("MatMulInteger", {"A": a, "B": b, "a_zp": q(U8), "b_zp": q(U8, 3)}, {})], 10)
    for i in (0, 1):
        model.graph.input[i].type.tensor_type.shape.dim[0].dim_param = f"d{i}"
    out = polytile.compile(model).run(feeds)
    assert_close(out, run_onnxruntime(model, feeds))
    conv = qlinear_conv_inputs(U8, U8, (2, 3, 7, 6), (4, 3, 3, 3), per_channel=True, bias=True)
    model, feeds = build([("QLinearConv", conv, {"pads": [1, 0, 1, 2], "strides": [2, 1]})], 10)
    for i in (0, 2, 3):  # x: N x 3 x H x W
        model.graph.input[0].type.tensor_type.shape.dim[i].dim_param = f"x{i}"
    out = polytile.compile(model).run(feeds)
    assert_close(out, run_onnxruntime(model, feeds))

"""Element types numpy lacks: bfloat16, the float8 types, float4e2m1 and the
4- and 2-bit integers, at the model boundary (ml_dtypes arrays), in constants
and initializers (ONNX packs int4 two to a byte), through Cast/CastLike,
QuantizeLinear/DequantizeLinear and data movement, and bf16 compute.

Casts are compared bit for bit (NaN payloads aside) with onnxruntime where it
has the kernel, and with ONNX's reference implementation (``ml_dtypes``) for
every pair of types. onnxruntime 1.2x differs from the reference, and polytile
follows the reference and the ONNX spec, in places the tests avoid: float
-> int4 (onnxruntime rounds half away from zero and wraps; the reference
truncates and gives 0 out of range, ONNX says undefined), and saturate=0 just
beyond the largest float8 (E4M3FN 470 and 480 -> onnxruntime 448, the spec's table and
the reference NaN; E5M2 61440 -> onnxruntime NaN, the spec and reference +inf). onnxruntime has no CPU kernel for bf16 Add/MatMul/Relu/Softmax:
those are compared with f32 arithmetic on the same inputs rounded once to bf16.
To keep compile time down each test compiles one model with many outputs.
"""
import ml_dtypes
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto as TP
from onnx import helper
from onnx.reference import ReferenceEvaluator

import polytile
from onnx_check import make_model

rng = np.random.default_rng(0)
BF16 = ml_dtypes.bfloat16
FLOAT8 = [TP.FLOAT8E4M3FN, TP.FLOAT8E4M3FNUZ, TP.FLOAT8E5M2, TP.FLOAT8E5M2FNUZ]
SMALL = FLOAT8 + [TP.FLOAT4E2M1, TP.INT4, TP.UINT4, TP.INT2, TP.UINT2]
WIDE = [TP.FLOAT, TP.FLOAT16, TP.BFLOAT16, TP.DOUBLE, TP.INT8, TP.UINT8, TP.INT16, TP.INT32,
        TP.INT64, TP.UINT32, TP.BOOL]
# Special f32 values: zeros, NaN, infinities, float8/float4 maxima and beyond,
# ties at the rounding points, subnormals of every small type and of f32/bf16.
SPECIAL = np.array([0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 1.0, -1.5, 0.1, -0.3, 0.25, 0.75,
                    2.5, 3.5, 5.0, 6.5, 7.0, 240.0, 248.0, 256.0, 448.0, 464.0, 470.0, 480.0, 500.0,
                    -464.0, 57344.0, 61439.0, 1e6, -1e6, 2.0 ** -6, 2.0 ** -9, 2.0 ** -10, 3 * 2.0 ** -10,
                    2.0 ** -16, 2.0 ** -17, 2.0 ** -18, 3 * 2.0 ** -18, 1e-9, 1e-39, -3e-40, 1.00390625,
                    1.01171875, 3.4e38, -8.6, -8.0, 7.9, 15.2, 16.0, -2.0, 1.2], np.float32)


def _dtype(code: int) -> np.dtype:
    return np.dtype(helper.tensor_dtype_to_np_dtype(code))


def _same_bits(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Element-wise equality of values and of the sign of zeros, NaN equal to NaN."""
    if got.dtype == np.bool_:
        return got == want
    g, w = got.astype(np.float64), want.astype(np.float64)
    return ((g == w) & (np.signbit(g) == np.signbit(w))) | (np.isnan(g) & np.isnan(w))


def _source_values(code: int) -> np.ndarray:
    """Test values of type ``code``: SPECIAL converted for floats, the whole range
    (and wrapping values) for integers."""
    dtype = _dtype(code)
    if code == TP.BOOL:
        return np.array([True, False, True], np.bool_)
    if code in (TP.INT4, TP.UINT4, TP.INT2, TP.UINT2) or np.issubdtype(dtype, np.integer):
        info = ml_dtypes.iinfo(dtype) if dtype.type.__module__ == "ml_dtypes" else np.iinfo(dtype)
        values = np.array([info.min, info.max, 0, 1, -1, 2, 7, -8, 100, -100, 3000, 70000], np.int64)
        values = values[(values >= info.min) & (values <= info.max)]
        return values.astype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        return SPECIAL.astype(dtype)


def _expected_defined(x: np.ndarray, to: int) -> np.ndarray:
    """Where ONNX defines a cast's result: float -> integer of 8 bits or more
    is undefined out of range (and for NaN); NaN -> float4e2m1 (no NaN) too
    (ml_dtypes gives -0 from f32 but +0 from a float8 NaN; polytile -0)."""
    dtype = _dtype(to)
    if to == TP.FLOAT4E2M1 and x.dtype.kind not in "biu" and x.dtype.name not in ("int4", "uint4", "int2", "uint2"):
        return ~np.isnan(x.astype(np.float32))
    if x.dtype.kind != "f" and x.dtype.name not in ("bfloat16",) and not x.dtype.name.startswith("float"):
        return np.ones(x.shape, bool)
    if to in (TP.INT4, TP.UINT4, TP.INT2, TP.UINT2, TP.BOOL) or not np.issubdtype(dtype, np.integer):
        return np.ones(x.shape, bool)
    info = np.iinfo(dtype)
    with np.errstate(invalid="ignore"):
        t = np.trunc(x.astype(np.float64))
        return np.isfinite(t) & (t >= info.min) & (t <= info.max)


def _cast_model(src: int, targets, saturate: int, opset: int = 23) -> onnx.ModelProto:
    nodes, outputs = [], []
    for i, to in enumerate(targets):
        attrs = {"to": to}
        if to in FLOAT8:
            attrs["saturate"] = saturate
        nodes.append(helper.make_node("Cast", ["X"], [f"Y{i}"], **attrs))
        outputs.append(helper.make_tensor_value_info(f"Y{i}", to, None))
    x = _source_values(src)
    graph = helper.make_graph(nodes, "casts", [helper.make_tensor_value_info("X", src, list(x.shape))], outputs)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=11)


@pytest.mark.parametrize("src", SMALL + WIDE, ids=lambda c: TP.DataType.Name(c))
def test_cast_every_pair_against_reference(src):
    """Cast from ``src`` to every type (float8 with saturate 0 and 1) in one
    model, bit for bit against the ONNX reference (ml_dtypes)."""
    targets = [t for t in SMALL + WIDE if t != src]
    x = _source_values(src)
    for saturate in (1, 0) if src != TP.BOOL else (1,):
        model = _cast_model(src, targets if saturate else FLOAT8, saturate)
        got = polytile.compile(model).run({"X": x})
        with np.errstate(all="ignore"):
            want = ReferenceEvaluator(model).run(None, {"X": x})
        for to, g, w in zip(targets if saturate else FLOAT8, got, want):
            assert g.dtype == w.dtype, (TP.DataType.Name(to), g.dtype, w.dtype)
            ok = _same_bits(g, w) | ~_expected_defined(x, to)
            bad = [(float(a), g_, w_) for a, g_, w_, k in zip(x.astype(np.float64), g, w, ok) if not k]
            assert not bad, f"{TP.DataType.Name(src)} -> {TP.DataType.Name(to)} saturate={saturate}: {bad[:6]}"


def _ort_run(model: onnx.ModelProto, feeds: dict) -> list:
    """onnxruntime's outputs, as float32 for the types its Python API cannot
    return (each such output goes through an exact Cast to FLOAT), with
    ml_dtypes feeds passed as raw bits."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    casts = []
    for out in model.graph.output:
        elem = out.type.tensor_type.elem_type
        if elem in SMALL + [TP.BFLOAT16]:
            model.graph.node.append(helper.make_node("Cast", [out.name], [out.name + "_f32"], to=TP.FLOAT))
            casts.append(out.name)
    for name in casts:
        out = next(o for o in model.graph.output if o.name == name)
        out.name = name + "_f32"
        out.type.tensor_type.elem_type = TP.FLOAT
    for value in model.graph.input:  # 4-bit feeds: as 8-bit integers, cast in the model
        elem = value.type.tensor_type.elem_type
        if elem in (TP.INT4, TP.UINT4) and value.name in feeds:
            wide = TP.INT8 if elem == TP.INT4 else TP.UINT8
            value.type.tensor_type.elem_type = wide
            for node in model.graph.node:
                node.input[:] = [value.name + "_4" if i == value.name else i for i in node.input]
            model.graph.node.insert(0, helper.make_node("Cast", [value.name], [value.name + "_4"], to=elem))
            feeds = {**feeds, value.name: feeds[value.name].astype(_dtype(wide))}
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    values = {}
    for name, array in feeds.items():
        if array.dtype.type.__module__ == "ml_dtypes":
            code = helper.np_dtype_to_tensor_dtype(array.dtype)
            bits = array.view({1: np.uint8, 2: np.uint16}[array.dtype.itemsize])
            values[name] = ort.OrtValue.ortvalue_from_numpy_with_onnx_type(bits, code)
        else:
            values[name] = ort.OrtValue.ortvalue_from_numpy(array)
    return [v.numpy() for v in session.run_with_ort_values(None, values)]


def _check_against_ort(model, feeds, threads=None):
    got = polytile.compile(model, threads=threads).run(feeds)
    want = _ort_run(model, feeds)
    for out, g, w in zip(model.graph.output, got, want):
        g32 = g.astype(np.float32) if g.dtype.type.__module__ == "ml_dtypes" else g
        assert g32.shape == w.shape, out.name
        ok = _same_bits(g32, w.astype(g32.dtype))
        assert ok.all(), f"{out.name}: {[(a, b) for a, b in zip(g32.ravel()[~ok.ravel()], w.ravel()[~ok.ravel()])][:6]}"


@pytest.mark.parametrize("src", [TP.FLOAT, TP.FLOAT16])
def test_cast_to_float8_bf16_against_onnxruntime(src):
    """f32/f16 -> each float8 type (saturate 0 and 1) and bf16, and the way
    back (all exact), bit for bit against onnxruntime at opset 21."""
    # without 61439 (61440 in f16: E5M2's tie to +inf, see the module docstring),
    # 470 and 480 (E4M3FN saturate=0: 480 is beyond the largest 448: the
    # spec's table and the reference give NaN, onnxruntime 448)
    x = SPECIAL[(SPECIAL != 470.0) & (SPECIAL != 480.0) & (SPECIAL != 61439.0)].astype(_dtype(src))
    nodes = []
    for i, to in enumerate(FLOAT8 + [TP.BFLOAT16]):
        for saturate in ((0, 1) if to in FLOAT8 else (None,)):
            attrs = {"to": to} if saturate is None else {"to": to, "saturate": saturate}
            name = f"Y{i}_{saturate}"
            nodes.append(helper.make_node("Cast", ["X"], [name], **attrs))
            nodes.append(helper.make_node("Cast", [name], [name + "_back"], to=src))
    outputs = [o for n in nodes for o in n.output]
    model = make_model(nodes, {"X": x}, outputs, opset=21)
    _check_against_ort(model, {"X": x})


def test_small_types_to_float_against_onnxruntime():
    """Every code of each float8 type, bf16 values and every int4/uint4 value,
    fed as model inputs and cast to f32 and f16, against onnxruntime."""
    feeds = {f"X{code}": np.arange(256, dtype=np.uint8).view(_dtype(code)) for code in FLOAT8}
    feeds["B"] = rng.standard_normal(37).astype(BF16)
    feeds["I4"] = np.arange(-8, 8).astype(ml_dtypes.int4)
    feeds["U4"] = np.arange(16).astype(ml_dtypes.uint4)
    nodes = []
    for name in feeds:
        for to in (TP.FLOAT, TP.FLOAT16):
            nodes.append(helper.make_node("Cast", [name], [f"{name}_{to}"], to=to))
    model = make_model(nodes, feeds, [o for n in nodes for o in n.output], opset=21)
    _check_against_ort(model, feeds)


def test_cast_threads_and_remainders():
    """A long cast chain f32 -> e4m3fn -> bf16 -> int4 -> f32 over 1037 elements
    (vector remainders) with 2 threads, against onnxruntime."""
    x = (rng.standard_normal(1037) * 6).round().astype(np.float32)
    nodes = [helper.make_node("Cast", ["X"], ["A"], to=TP.FLOAT8E4M3FN),
             helper.make_node("Cast", ["A"], ["B"], to=TP.BFLOAT16),
             helper.make_node("Cast", ["B"], ["C"], to=TP.UINT8),
             helper.make_node("Cast", ["X"], ["D"], to=TP.FLOAT8E5M2FNUZ, saturate=0),
             helper.make_node("CastLike", ["D", "X"], ["E"])]
    model = make_model(nodes, {"X": x}, ["A", "B", "E"], opset=21)
    _check_against_ort(model, {"X": x}, threads=2)


def _ort_feeds_check(op, feeds, inits, attrs, opset=21, outputs=("Y",)):
    node = helper.make_node(op, list(feeds) + list(inits), list(outputs), **attrs)
    model = make_model([node], feeds, list(outputs), inits, opset=opset)
    _check_against_ort(model, feeds)


QUANT_ZERO_POINTS = [np.array(3, np.uint8), np.array(-2, np.int8), np.array(-300, np.int16),
                     np.array(7, np.uint16), np.array(1, ml_dtypes.int4), np.array(9, ml_dtypes.uint4)]


def test_quantize_linear_per_tensor_against_onnxruntime():
    """QuantizeLinear to uint8/int8/int16/uint16/int4/uint4 and the float8 types
    (saturate 0 and 1), per tensor, on 3x7 values with ties, NaN and +-inf."""
    x = (rng.standard_normal((3, 7)) * 40).astype(np.float32)
    x[0, :7] = [np.nan, np.inf, -np.inf, 0.35, 1.05, -1.05, 1e9]
    scale = np.array(0.7, np.float32)
    nodes, inits = [], {"S": scale}
    for i, zp in enumerate(QUANT_ZERO_POINTS):
        inits[f"Z{i}"] = zp
        nodes.append(helper.make_node("QuantizeLinear", ["X", "S", f"Z{i}"], [f"Y{i}"]))
    for code in FLOAT8:
        for saturate in (0, 1):
            inits[f"F{code}"] = np.array(0, _dtype(code))
            nodes.append(helper.make_node("QuantizeLinear", ["X", "S", f"F{code}"], [f"F{code}_{saturate}"],
                                          saturate=saturate))
    nodes.append(helper.make_node("QuantizeLinear", ["X", "S"], ["U"]))  # no zero point: uint8
    model = make_model(nodes, {"X": x}, [o for n in nodes for o in n.output], inits, opset=21)
    _check_against_ort(model, {"X": x})


@pytest.mark.parametrize("case", ["axis", "blocked"])
def test_quantize_dequantize_axis_and_blocks_against_onnxruntime(case):
    """Per-axis (axis 0 and -1) and blocked (block_size 2 and 4 over an odd dim
    of 5: a partial last block) QuantizeLinear/DequantizeLinear with int8, uint8
    and int4 zero points, against onnxruntime."""
    x = (rng.standard_normal((3, 5)) * 20).astype(np.float32)
    q = rng.integers(-8, 8, (3, 5))
    feeds = {"X": x, "Q8": q.astype(np.int8), "Q4": q.astype(ml_dtypes.int4)}
    nodes, inits = [], {}
    if case == "axis":
        for axis, n in ((0, 3), (-1, 5)):
            inits[f"S{axis}"] = (rng.random(n) + 0.2).astype(np.float32)
            inits[f"Z{axis}"] = rng.integers(-3, 3, n).astype(np.int8)
            inits[f"U{axis}"] = rng.integers(0, 200, n).astype(np.uint8)
            nodes += [helper.make_node("QuantizeLinear", ["X", f"S{axis}", f"Z{axis}"], [f"q{axis}"], axis=axis),
                      helper.make_node("QuantizeLinear", ["X", f"S{axis}", f"U{axis}"], [f"u{axis}"], axis=axis),
                      helper.make_node("DequantizeLinear", ["Q8", f"S{axis}", f"Z{axis}"], [f"d{axis}"], axis=axis)]
    else:
        for block in (2, 4):
            inits[f"S{block}"] = (rng.random((3, -(-5 // block))) + 0.2).astype(np.float32)
            inits[f"Z{block}"] = rng.integers(-3, 3, (3, -(-5 // block))).astype(ml_dtypes.int4)
            nodes += [helper.make_node("QuantizeLinear", ["X", f"S{block}", f"Z{block}"], [f"q{block}"],
                                       axis=1, block_size=block),
                      helper.make_node("DequantizeLinear", ["Q4", f"S{block}", f"Z{block}"], [f"d{block}"],
                                       axis=1, block_size=block)]
    model = make_model(nodes, feeds, [o for n in nodes for o in n.output], inits, opset=21)
    _check_against_ort(model, feeds)


def test_dequantize_linear_against_onnxruntime():
    """DequantizeLinear of int8/uint8/int16/uint16/int32/int4/uint4 (with zero
    points) and of every float8 type, f32 and f16 scales, and int4/uint4
    initializers with an odd element count (packed two to a byte by ONNX)."""
    feeds = {"Q8": rng.integers(-128, 128, (3, 7)).astype(np.int8)}
    feeds["U8"] = feeds["Q8"].view(np.uint8)
    feeds["Q16"] = rng.integers(-30000, 30000, (3, 7)).astype(np.int16)
    feeds["U16"] = feeds["Q16"].view(np.uint16)
    feeds["Q32"] = rng.integers(-100000, 100000, (3, 7)).astype(np.int32)
    feeds["Q4"] = rng.integers(-8, 8, (3, 7)).astype(ml_dtypes.int4)
    feeds["U4"] = rng.integers(0, 16, (3, 7)).astype(ml_dtypes.uint4)
    for code in FLOAT8:
        feeds[f"F{code}"] = rng.integers(0, 256, (3, 7)).astype(np.uint8).view(_dtype(code))
    inits = {"S": np.array(0.37, np.float32), "H": np.array(0.37, np.float16),
             "C4": np.arange(-7, 8, dtype=np.int64)[:13].astype(ml_dtypes.int4).reshape(13),
             "C4U": np.arange(13).astype(ml_dtypes.uint4), "Z4": np.array(-3, ml_dtypes.int4)}
    nodes = []
    zero_points = {"Q8": np.int8(-5), "U8": np.uint8(130), "Q16": np.int16(-7), "U16": np.uint16(9),
                   "Q32": np.int32(11), "Q4": ml_dtypes.int4(2), "U4": ml_dtypes.uint4(5)}
    for name in feeds:
        if name in zero_points:
            inits[f"z{name}"] = np.array(zero_points[name])
            nodes.append(helper.make_node("DequantizeLinear", [name, "S", f"z{name}"], [f"{name}_s"]))
        else:
            nodes.append(helper.make_node("DequantizeLinear", [name, "S"], [f"{name}_s"]))
    nodes.append(helper.make_node("DequantizeLinear", ["Q8", "H"], ["Q8_h"]))
    nodes.append(helper.make_node("DequantizeLinear", ["C4", "S", "Z4"], ["C4_s"]))
    nodes.append(helper.make_node("DequantizeLinear", ["C4U", "S"], ["C4U_s"]))
    nodes.append(helper.make_node("Identity", ["C4"], ["C4_id"]))
    model = make_model(nodes, feeds, [o for n in nodes for o in n.output], inits, opset=21)
    _check_against_ort(model, feeds)


def test_data_movement_of_small_types():
    """Identity, Reshape, Transpose, Slice and Concat of float8, int4/uint4,
    float4e2m1 and bf16 tensors with odd sizes: the exact bits come back."""
    arrays = {
        "E": rng.integers(0, 256, (3, 5, 7)).astype(np.uint8).view(ml_dtypes.float8_e4m3fn),
        "I": rng.integers(-8, 8, (3, 5, 7)).astype(ml_dtypes.int4),
        "U": rng.integers(0, 16, (3, 5, 7)).astype(ml_dtypes.uint4),
        "F": rng.integers(0, 16, (3, 5, 7)).astype(np.uint8).view(ml_dtypes.float4_e2m1fn),
        "B": rng.standard_normal((3, 5, 7)).astype(BF16),
    }
    nodes, inits, expected = [], {"shape": np.array([15, 7], np.int64), "starts": np.array([1], np.int64),
                                  "ends": np.array([6], np.int64), "axes": np.array([2], np.int64)}, []
    for name, a in arrays.items():
        nodes += [helper.make_node("Identity", [name], [f"{name}_id"]),
                  helper.make_node("Reshape", [name, "shape"], [f"{name}_r"]),
                  helper.make_node("Transpose", [name], [f"{name}_t"], perm=[2, 0, 1]),
                  helper.make_node("Slice", [name, "starts", "ends", "axes"], [f"{name}_s"]),
                  helper.make_node("Concat", [name, name], [f"{name}_c"], axis=1)]
        expected += [a, a.reshape(15, 7), a.transpose(2, 0, 1), a[:, :, 1:6], np.concatenate([a, a], 1)]
    model = make_model(nodes, arrays, [o for n in nodes for o in n.output], inits, opset=23)
    got = polytile.compile(model).run(arrays)
    for out, g, w in zip(model.graph.output, got, expected):
        assert g.dtype == w.dtype and g.shape == w.shape, out.name
        np.testing.assert_array_equal(_bits(g), _bits(w), err_msg=out.name)


def _bits(a: np.ndarray) -> np.ndarray:
    """The bits of each element (the low nibble for the 4-bit types)."""
    bits = a.view(np.uint8 if a.itemsize == 1 else np.uint16).astype(np.uint16)
    return bits & 0xF if a.dtype.name in ("int4", "uint4", "float4_e2m1fn") else bits


def _bf16(*shape):
    return rng.standard_normal(shape).astype(np.float32).astype(BF16)


def _f32(a):
    return a.astype(np.float32)


@pytest.mark.parametrize("threads", [1, 2])
def test_bf16_compute(threads):
    """bf16 Add (with a bf16 initializer), MatMul (K = 19), Relu and Softmax,
    model inputs and outputs in bf16, computed in f32 and rounded once to bf16
    (onnxruntime has no CPU bf16 kernel for these): bit for bit, MatMul and
    Softmax within one bf16 ulp (summation order)."""
    a, b, c = _bf16(5, 19), _bf16(19, 13), _bf16(5, 13)
    w = _bf16(13)
    nodes = [helper.make_node("MatMul", ["A", "B"], ["M"]),
             helper.make_node("Add", ["C", "W"], ["S"]),
             helper.make_node("Relu", ["C"], ["R"]),
             helper.make_node("Softmax", ["C"], ["P"], axis=-1)]
    model = make_model(nodes, {"A": a, "B": b, "C": c}, ["M", "S", "R", "P"], {"W": w}, opset=21)
    got = polytile.compile(model, threads=threads).run({"A": a, "B": b, "C": c})
    e = np.exp(_f32(c) - _f32(c).max(-1, keepdims=True))
    want = [(_f32(a) @ _f32(b)).astype(BF16), (_f32(c) + _f32(w)).astype(BF16),
            np.maximum(_f32(c), 0).astype(BF16), (e / e.sum(-1, keepdims=True)).astype(BF16)]
    for name, g, wnt, exact in zip("MSRP", got, want, (False, True, True, False)):
        assert g.dtype == BF16, name
        if exact:
            np.testing.assert_array_equal(g.view(np.uint16), wnt.view(np.uint16), err_msg=name)
        else:
            np.testing.assert_allclose(_f32(g), _f32(wnt), rtol=2.0 ** -8, atol=1e-6, err_msg=name)


def test_bad_inputs_are_clear_errors():
    """Cast to FLOAT8E8M0 (not supported yet) and a non-zero float8 zero point
    are refused with the reason."""
    x = np.ones(3, np.float32)
    model = make_model([helper.make_node("Cast", ["X"], ["Y"], to=TP.FLOAT8E8M0)], {"X": x}, ["Y"], opset=24)
    with pytest.raises(polytile.OnnxImportError, match="FLOAT8E8M0 is not supported yet"):
        polytile.compile(model)
    model = make_model([helper.make_node("QuantizeLinear", ["X", "S", "Z"], ["Y"])], {"X": x}, ["Y"],
                       {"S": np.array(1.0, np.float32), "Z": np.array(2, ml_dtypes.float8_e4m3fn)}, opset=21)
    with pytest.raises(polytile.OnnxImportError, match="non-zero float8"):
        polytile.compile(model)

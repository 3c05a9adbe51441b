"""Numerics of the element-wise family against onnxruntime (or ONNX's reference
implementation where onnxruntime has no CPU kernel for a dtype, noted per case):
Add/Sub/Mul/Div, Pow, Mod, BitShift, BitwiseAnd/Or/Xor, And/Or/Xor, the
comparisons, Max/Min/Sum/Mean, Where, Cast and CastLike.

Several ops of one dtype share a model (one node and one output per op) to keep
the number of compilations down. Inputs avoid what ONNX leaves undefined
(integer division by zero, signed overflow, out-of-range float -> int).
"""
import numpy as np
import pytest
from onnx import TensorProto, helper

import polytile
from onnx_check import assert_close, check_model, check_node, make_model

rng = np.random.default_rng(0)

FLOATS = [np.float32, np.float64, np.float16]
SIGNED = [np.int8, np.int16, np.int32, np.int64]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]
INTS = SIGNED + UNSIGNED
NUMERIC = FLOATS + INTS


def name(dtype) -> str:
    return np.dtype(dtype).name


def tolerances(dtype):
    if dtype == np.float16:
        return {"rtol": 2e-3, "atol": 2e-3}
    if dtype == np.float64:
        return {"rtol": 1e-9, "atol": 1e-12}
    return {"rtol": 1e-5, "atol": 1e-6}


def sample(dtype, shape, low=None, high=None):
    """Random values of ``dtype``: floats in [-5, 5), signed integers in
    [-10, 10], unsigned integers over their whole range (so that values with
    the top bit set exercise the unsigned lowerings), unless bounds are given."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        lo, hi = (-5.0, 5.0) if low is None else (low, high)
        return rng.uniform(lo, hi, shape).astype(dtype)
    if dtype.kind == "u" and low is None:
        info = np.iinfo(dtype)
        return rng.integers(0, info.max, shape, dtype=dtype, endpoint=True)
    lo, hi = (-10, 10) if low is None else (low, high)
    return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)


def nonzero(dtype, shape):
    """Divisors: no zeros (integer division by zero is undefined in ONNX)."""
    x = sample(dtype, shape)
    if np.dtype(dtype).kind == "f":
        return np.where(np.abs(x) < 0.5, x + np.float32(1.5).astype(dtype), x).astype(dtype)
    return np.where(x == 0, np.ones_like(x), x)


def graph(nodes, inputs, outputs, opset=17, initializers=None):
    return make_model(nodes, inputs, outputs, initializers, opset)


def check_against_reference(model, feeds, rtol=1e-9, atol=1e-12):
    """Compare with onnx.reference where onnxruntime lacks a kernel."""
    from onnx.reference import ReferenceEvaluator

    actual = polytile.compile(model).run(feeds)
    expected = ReferenceEvaluator(model).run(None, feeds)
    assert_close(actual, [np.asarray(e) for e in expected], rtol, atol)


def binary_ops(ops, a, b, opset=17, attrs=None, reference=False, **tol):
    """One model applying each op of ``ops`` to (A, B); outputs Y_<op>."""
    nodes = [helper.make_node(op, ["A", "B"], [f"Y_{i}"], **(attrs or {})) for i, op in enumerate(ops)]
    model = graph(nodes, {"A": a, "B": b}, [f"Y_{i}" for i in range(len(ops))], opset)
    feeds = {"A": a, "B": b}
    if reference:
        check_against_reference(model, feeds, **tol)
    else:
        check_model(model, feeds, **tol)


# ---------------------------------------------------------------------------
# Add, Sub, Mul, Div
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", NUMERIC, ids=name)
def test_arithmetic(dtype):
    a = sample(dtype, (2, 3, 4))
    b = nonzero(dtype, (3, 1))
    binary_ops(["Add", "Sub", "Mul", "Div"], a, b, **tolerances(dtype))


@pytest.mark.parametrize("dtype", SIGNED, ids=name)
def test_integer_div_truncates_toward_zero(dtype):
    a = np.array([7, -7, 7, -7, 0, 9, -9], dtype)
    b = np.array([2, 2, -2, -2, 3, 10, 10], dtype)
    check_node("Div", {"A": a, "B": b})


@pytest.mark.parametrize("opset", [7, 13, 14])
def test_add_opsets(opset):
    check_node("Add", {"A": sample(np.float32, (2, 3)), "B": sample(np.float32, (3,))}, opset=opset)


def test_integer_division_by_zero_gives_zero():
    """Undefined in ONNX (onnxruntime traps); polytile gives 0 like numpy and
    wraps INT_MIN / -1, instead of aborting the process."""
    a = np.array([5, -5, 0, -128, -128, 7], np.int8)
    b = np.array([0, 0, 0, -1, 0, -1], np.int8)
    model = graph([helper.make_node("Div", ["A", "B"], ["Q"]),
                   helper.make_node("Mod", ["A", "B"], ["R"]),
                   helper.make_node("Mod", ["A", "B"], ["F"], fmod=1)], {"A": a, "B": b}, ["Q", "R", "F"])
    q, r, f = polytile.compile(model).run({"A": a, "B": b})
    np.testing.assert_array_equal(q, [0, 0, 0, -128, 0, -7])
    np.testing.assert_array_equal(r, [0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(f, [0, 0, 0, 0, 0, 0])


# ---------------------------------------------------------------------------
# Pow
# ---------------------------------------------------------------------------

# (base, exponent) dtypes onnxruntime has kernels for.
POW_ORT = [(np.float32, np.float32), (np.float64, np.float64), (np.float16, np.float16),
           (np.float32, np.int64), (np.float32, np.int32), (np.float64, np.float32),
           (np.int32, np.int32), (np.int64, np.int64), (np.int64, np.float32),
           (np.int32, np.float64), (np.float16, np.int64)]
# Exponent dtypes ONNX allows but onnxruntime lacks: checked against onnx.reference.
POW_REFERENCE = [(np.float32, np.uint64), (np.float32, np.uint32), (np.float32, np.int8),
                 (np.float64, np.uint8), (np.int64, np.int16)]


def _pow_inputs(base, exponent):
    if np.dtype(base).kind == "f":
        x = sample(base, (2, 3, 4), 0.5, 3.0)
    else:
        x = sample(base, (2, 3, 4), -6, 6)
    if np.dtype(exponent).kind == "f":
        y = sample(exponent, (3, 1), -2.0, 3.0)
    else:
        y = sample(exponent, (3, 1), 0, 4)
    return x, y


@pytest.mark.parametrize("base,exponent", POW_ORT, ids=lambda t: name(t))
def test_pow(base, exponent):
    x, y = _pow_inputs(base, exponent)
    check_node("Pow", {"X": x, "Y": y}, outputs=["Z"], opset=15, **tolerances(base))


@pytest.mark.parametrize("base,exponent", POW_REFERENCE, ids=lambda t: name(t))
def test_pow_reference(base, exponent):
    x, y = _pow_inputs(base, exponent)
    model = graph([helper.make_node("Pow", ["X", "Y"], ["Z"])], {"X": x, "Y": y}, ["Z"], opset=15)
    tol = {"rtol": 1e-5, "atol": 1e-6} if np.dtype(base).kind == "f" else {}
    check_against_reference(model, {"X": x, "Y": y}, **tol)


def test_pow_integer_negative_exponent_truncates():
    x = np.array([2, -2, 1, -1, 3], np.int64)
    y = np.array([-1, -1, -2, -3, 2], np.int64)
    check_node("Pow", {"X": x, "Y": y}, outputs=["Z"])


def test_pow_opset_7():
    x, y = _pow_inputs(np.float32, np.float32)
    check_node("Pow", {"X": x, "Y": y}, outputs=["Z"], opset=7)


# ---------------------------------------------------------------------------
# Mod
# ---------------------------------------------------------------------------

def _mod_model(dtype):
    a = sample(dtype, (2, 3, 4)) if np.dtype(dtype).kind == "u" else sample(dtype, (2, 3, 4), -50, 50)
    b = nonzero(dtype, (3, 4))
    nodes = [helper.make_node("Mod", ["A", "B"], ["R"]),
             helper.make_node("Mod", ["A", "B"], ["F"], fmod=1)]
    return graph(nodes, {"A": a, "B": b}, ["R", "F"]), {"A": a, "B": b}


@pytest.mark.parametrize("dtype", [t for t in INTS if t is not np.uint64], ids=name)
def test_mod_integers(dtype):
    """fmod=0 (sign of the divisor) and fmod=1 (sign of the dividend), mixed signs."""
    check_model(*_mod_model(dtype))


def test_mod_uint64_reference():
    """onnxruntime computes integer fmod=1 through double (inexact above 2**53)."""
    check_against_reference(*_mod_model(np.uint64))


@pytest.mark.parametrize("dtype", FLOATS, ids=name)
def test_mod_float_fmod(dtype):
    a = sample(dtype, (2, 3, 4), -20, 20)
    b = nonzero(dtype, (4,))
    check_node("Mod", {"A": a, "B": b}, {"fmod": 1}, outputs=["C"], **tolerances(dtype))


def test_mod_float_without_fmod_is_rejected():
    a = sample(np.float32, (3,))
    model = graph([helper.make_node("Mod", ["A", "B"], ["C"])], {"A": a, "B": a}, ["C"])
    with pytest.raises(polytile.OnnxImportError, match="fmod=0 on floating-point inputs"):
        polytile.compile(model)


def test_mod_opset_10():
    a, b = sample(np.int32, (6,), -30, 30), nonzero(np.int32, (6,))
    check_node("Mod", {"A": a, "B": b}, outputs=["C"], opset=10)


# ---------------------------------------------------------------------------
# BitShift and BitwiseAnd/Or/Xor
# ---------------------------------------------------------------------------

def _shift_inputs(dtype, high):
    x = sample(dtype, (2, 3, 4))
    y = sample(dtype, (4,), 0, high)
    return x, y


@pytest.mark.parametrize("dtype", [np.uint8, np.uint32, np.uint64], ids=name)
def test_bit_shift(dtype):
    x, y = _shift_inputs(dtype, np.dtype(dtype).itemsize * 8 - 1)
    nodes = [helper.make_node("BitShift", ["X", "Y"], ["L"], direction="LEFT"),
             helper.make_node("BitShift", ["X", "Y"], ["R"], direction="RIGHT")]
    check_model(graph(nodes, {"X": x, "Y": y}, ["L", "R"], opset=11), {"X": x, "Y": y})


@pytest.mark.parametrize("dtype", UNSIGNED, ids=name)
def test_bit_shift_reference(dtype):
    """uint16 (no onnxruntime kernel), and amounts >= the bit width (0 in ONNX's
    reference; undefined in onnxruntime's C++ shifts)."""
    x, y = _shift_inputs(dtype, np.dtype(dtype).itemsize * 8 + 3)
    nodes = [helper.make_node("BitShift", ["X", "Y"], ["L"], direction="LEFT"),
             helper.make_node("BitShift", ["X", "Y"], ["R"], direction="RIGHT")]
    check_against_reference(graph(nodes, {"X": x, "Y": y}, ["L", "R"], opset=11), {"X": x, "Y": y})


@pytest.mark.parametrize("dtype", INTS, ids=name)
def test_bitwise(dtype):
    a = sample(dtype, (2, 3, 4), *((None, None) if np.dtype(dtype).kind == "u" else (-100, 100)))
    b = sample(dtype, (3, 1), *((None, None) if np.dtype(dtype).kind == "u" else (-100, 100)))
    binary_ops(["BitwiseAnd", "BitwiseOr", "BitwiseXor"], a, b, opset=18)


# ---------------------------------------------------------------------------
# Comparisons and logical ops (bool results and inputs)
# ---------------------------------------------------------------------------

def _to_int32(name_in: str, name_out: str):
    return helper.make_node("Cast", [name_in], [name_out], to=TensorProto.INT32)


def _to_bool(name_in: str, name_out: str):
    return helper.make_node("Cast", [name_in], [name_out], to=TensorProto.BOOL)


COMPARISONS = ["Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual"]


def _comparison_inputs(dtype):
    """Some equal pairs; floats include NaN and infinities."""
    a = sample(dtype, (2, 3, 4), 0, 5) if np.dtype(dtype).kind != "u" else sample(dtype, (2, 3, 4))
    b = sample(dtype, (3, 1), 0, 5) if np.dtype(dtype).kind != "u" else sample(dtype, (3, 1))
    if np.dtype(dtype).kind == "f":
        a, b = np.round(a), np.round(b)
        a.flat[:3] = [np.nan, np.inf, -np.inf]
        b.flat[0] = np.nan
    else:
        a.flat[:3] = b.flat[:3]
    return a, b


@pytest.mark.parametrize("dtype", NUMERIC, ids=name)
def test_comparisons(dtype):
    binary_ops(COMPARISONS, *_comparison_inputs(dtype))


@pytest.mark.parametrize("opset", [7, 11])
def test_comparisons_old_opsets(opset):
    """Before opset 9 Greater/Less take floats only, before 11 Equal integers and bools only."""
    feeds = {"A": sample(np.int32, (3, 4), 0, 3), "B": sample(np.int32, (4,), 0, 3),
             "C": np.round(sample(np.float32, (3, 4))), "D": np.round(sample(np.float32, (4,)))}
    nodes = [helper.make_node("Equal", ["A", "B"], ["E"]), helper.make_node("Greater", ["C", "D"], ["G"]),
             helper.make_node("Less", ["C", "D"], ["L"])]
    check_model(graph(nodes, feeds, ["E", "G", "L"], opset=opset), feeds)


def _bools(*shape):
    return rng.random(shape) < 0.5


@pytest.mark.parametrize("opset", [7, 17])
def test_logical_and_bool_equal(opset):
    binary_ops(["And", "Or", "Xor", "Equal"], _bools(2, 3, 4), _bools(3, 1), opset=opset)


def test_comparison_and_logic_fused_between_casts():
    """Bool intermediates only: int -> bool casts, And of a comparison, bool -> int cast
    (all fuse into one loop nest)."""
    feeds = {"A": sample(np.float32, (3, 4)), "B": sample(np.float32, (4,)),
             "C": sample(np.int32, (3, 1), 0, 1)}
    nodes = [helper.make_node("Less", ["A", "B"], ["L"]), _to_bool("C", "P"),
             helper.make_node("And", ["L", "P"], ["R"]), _to_int32("R", "Y")]
    check_model(graph(nodes, feeds, ["Y"]), feeds)


# ---------------------------------------------------------------------------
# Max, Min, Sum, Mean (variadic: chains of binary ops)
# ---------------------------------------------------------------------------

def _variadic_inputs(dtype, count=3, special=False):
    shapes = [(2, 3, 4), (3, 1), (4,), (1, 1, 1)][:count]
    inputs = {f"X{i}": sample(dtype, s) for i, s in enumerate(shapes)}
    if special:
        inputs["X0"].flat[:2] = [np.nan, np.inf]
        inputs["X1"].flat[1] = np.nan
    return inputs


def _variadic_model(ops, inputs, opset=13):
    names = list(inputs)
    nodes = [helper.make_node(op, names, [f"Y_{op}"]) for op in ops]
    return graph(nodes, inputs, [f"Y_{op}" for op in ops], opset)


@pytest.mark.parametrize("dtype", [t for t in NUMERIC if t not in (np.int16, np.uint16)], ids=name)
def test_max_min(dtype):
    inputs = _variadic_inputs(dtype, special=np.dtype(dtype).kind == "f")
    check_model(_variadic_model(["Max", "Min"], inputs), inputs, **tolerances(dtype))


@pytest.mark.parametrize("dtype", [np.int16, np.uint16], ids=name)
def test_max_min_reference(dtype):
    """int16/uint16: no onnxruntime kernel."""
    inputs = _variadic_inputs(dtype)
    check_against_reference(_variadic_model(["Max", "Min"], inputs), inputs)


@pytest.mark.parametrize("dtype", [np.float32, np.float16], ids=name)
@pytest.mark.parametrize("count", [1, 2, 4])
def test_sum_mean(dtype, count):
    inputs = _variadic_inputs(dtype, count)
    check_model(_variadic_model(["Sum", "Mean", "Max", "Min"], inputs), inputs, **tolerances(dtype))


def test_sum_mean_f64():
    """Mean f64: no onnxruntime kernel, so Sum and Mean against onnx.reference."""
    inputs = _variadic_inputs(np.float64, 3)
    check_against_reference(_variadic_model(["Sum", "Mean"], inputs), inputs)


@pytest.mark.parametrize("opset", [7, 8, 12])
def test_variadic_old_opsets(opset):
    inputs = _variadic_inputs(np.float32, 3) if opset >= 8 else \
        {f"X{i}": sample(np.float32, (3, 4)) for i in range(3)}
    check_model(_variadic_model(["Sum", "Mean", "Max", "Min"], inputs, opset), inputs)


# ---------------------------------------------------------------------------
# Where
# ---------------------------------------------------------------------------

def _where_model(x, y, opset=16):
    c = _bools(2, 1, 4)
    return (graph([helper.make_node("Where", ["C", "X", "Y"], ["Z"])], {"C": c, "X": x, "Y": y}, ["Z"], opset),
            {"C": c, "X": x, "Y": y})


@pytest.mark.parametrize("dtype", [t for t in NUMERIC if t not in (np.int16, np.uint16, np.uint64)], ids=name)
def test_where(dtype):
    model, feeds = _where_model(sample(dtype, (3, 1)), sample(dtype, (2, 3, 4)))
    check_model(model, feeds)


@pytest.mark.parametrize("dtype", [np.int16, np.uint16, np.uint64], ids=name)
def test_where_reference(dtype):
    """No onnxruntime kernel for these dtypes."""
    model, feeds = _where_model(sample(dtype, (3, 1)), sample(dtype, (2, 3, 4)))
    check_against_reference(model, feeds)


def test_where_bool_branches():
    """onnxruntime has no bool Where kernel: against onnx.reference."""
    check_against_reference(*_where_model(_bools(3, 1), _bools(4)))


def test_where_opset_9():
    model, feeds = _where_model(sample(np.float32, (3, 1)), sample(np.float32, (4,)), opset=9)
    check_model(model, feeds)


# ---------------------------------------------------------------------------
# Cast and CastLike
# ---------------------------------------------------------------------------

TYPES = {np.bool_: TensorProto.BOOL, np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE, np.float16: TensorProto.FLOAT16,
         np.int8: TensorProto.INT8, np.int16: TensorProto.INT16, np.int32: TensorProto.INT32,
         np.int64: TensorProto.INT64, np.uint8: TensorProto.UINT8, np.uint16: TensorProto.UINT16,
         np.uint32: TensorProto.UINT32, np.uint64: TensorProto.UINT64}


def _cast_source(dtype, unsigned_targets: bool):
    """Values every target of the group represents: floats with fractions in
    [-100, 100] (or [0, 200] for unsigned targets) plus 0 and -0.0; integers
    over the whole range (narrowing wraps); 0 and 1 for bools."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        low, high = (0.0, 200.0) if unsigned_targets else (-100.0, 100.0)
        x = rng.uniform(low, high, (3, 8)).astype(dtype)
        x.flat[:4] = [0.0, -0.0, 0.75, 1.0]
        return x
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max, (3, 8), dtype=dtype, endpoint=True)
        x.flat[:4] = [0, 1, info.max, info.min]
        return x
    return rng.random((3, 8)) < 0.5


def _cast_group(src, targets, unsigned_targets):
    x = _cast_source(src, unsigned_targets)
    nodes = [helper.make_node("Cast", ["X"], [f"Y{i}"], to=TYPES[dst]) for i, dst in enumerate(targets)]
    return graph(nodes, {"X": x}, [f"Y{i}" for i in range(len(targets))], opset=13), {"X": x}


# Float sources are cast to signed and float targets from [-100, 100], to
# unsigned ones from [0, 200] (negative float -> unsigned is undefined).
@pytest.mark.parametrize("src", list(TYPES), ids=name)
def test_cast_to_bool_signed_float(src):
    targets = [t for t in TYPES if np.dtype(t).kind != "u" and t is not src]
    model, feeds = _cast_group(src, targets, unsigned_targets=False)
    check_model(model, feeds, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("src", list(TYPES), ids=name)
def test_cast_to_unsigned(src):
    targets = [t for t in TYPES if np.dtype(t).kind == "u" and t is not src]
    model, feeds = _cast_group(src, targets, unsigned_targets=True)
    check_model(model, feeds)


def test_cast_float_special_values():
    """NaN and inf survive float conversions; NaN -> bool is true."""
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, 70000.0, -3.5], np.float32)
    nodes = [helper.make_node("Cast", ["X"], ["H"], to=TensorProto.FLOAT16),
             helper.make_node("Cast", ["X"], ["D"], to=TensorProto.DOUBLE), _to_bool("X", "B")]
    check_model(graph(nodes, {"X": x}, ["H", "D", "B"]), {"X": x})


@pytest.mark.parametrize("opset", [7, 9, 19, 21])
def test_cast_opsets(opset):
    x = _cast_source(np.float32, False)
    nodes = [helper.make_node("Cast", ["X"], ["Y"], to=TensorProto.INT32),
             helper.make_node("Cast", ["X"], ["Z"], to=TensorProto.FLOAT16)]
    check_model(graph(nodes, {"X": x}, ["Y", "Z"], opset=opset), {"X": x}, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("src,like", [(np.float32, np.int64), (np.int32, np.float16),
                                      (np.float64, np.uint8), (np.uint16, np.float32)], ids=name)
def test_cast_like(src, like):
    x = _cast_source(src, np.dtype(like).kind == "u")
    target = np.zeros((2,), like)
    check_node("CastLike", {"X": x, "T": target}, rtol=1e-3, atol=1e-3, opset=15)


def test_cast_like_constant_target():
    x = _cast_source(np.float32, False)
    check_node("CastLike", {"X": x}, initializers={"T": np.zeros((1,), np.int16)}, opset=19)


# bfloat16, float8 and int4 casts: test_element_types.py
@pytest.mark.parametrize("to,label", [(TensorProto.STRING, "STRING"), (TensorProto.COMPLEX64, "COMPLEX64")])
def test_cast_to_unsupported_type(to, label):
    node = helper.make_node("Cast", ["X"], ["Y"], to=to)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3])],
                          [helper.make_tensor_value_info("Y", to, [3])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)], ir_version=10)
    with pytest.raises(polytile.OnnxImportError, match=f"Cast to {label} is not supported"):
        polytile.compile(model)

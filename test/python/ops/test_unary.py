"""Numerics of the unary family (element-wise math and activations, Clip, PRelu).

Expected values come from onnxruntime, or from ONNX's reference implementation
where onnxruntime has no CPU kernel for a case (noted where it happens). To
keep compile time down, one test usually compiles one model holding several
independent one-node cases (e.g. an op on every dtype); each case's output is
compared with the expected value of that node alone, and a mismatch names the
case.

Bool outputs and inputs (IsNaN, IsInf, Not) are checked through a Cast to/from
int32 next to the op, and also directly once the pipeline can pass bool tensors
through the entry point (probed once in a subprocess, since a failure there
aborts the process).
"""
import dataclasses
import math
import os
import subprocess
import sys
import textwrap
from typing import Optional

import numpy as np
import pytest
from onnx import TensorProto, helper

import polytile
from onnx_check import assert_close, check_model, check_node, make_model, run_onnxruntime

rng = np.random.default_rng(0)

FLOATS = [np.float32, np.float64, np.float16]
SIGNED = [np.int8, np.int16, np.int32, np.int64]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]
INTS = SIGNED + UNSIGNED

# Float ops whose float64 kernel onnxruntime (CPU) lacks.
NO_ORT_F64 = {"Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Erf",
              "Softplus", "Softsign", "Elu", "Selu", "HardSigmoid", "HardSwish", "ThresholdedRelu",
              "Gelu"}
# onnx.reference computes some float64 ops in float32 (Erf, Gelu, HardSwish's 1/6, ...):
# compare with it at float32 accuracy; test_float64_accuracy checks float64 results exactly.
REFERENCE_F64 = {"rtol": 1e-6, "atol": 1e-7}


def name_of(dtype) -> str:
    return np.dtype(dtype).name


def attr_id(attrs) -> str:
    return "-".join(f"{k}={v}" for k, v in attrs.items()) or "default"


def tolerances(dtype) -> dict:
    if dtype == np.float16:
        return {"rtol": 2e-3, "atol": 2e-3}
    if dtype == np.float64:
        return {"rtol": 1e-9, "atol": 1e-12}
    return {"rtol": 1e-4, "atol": 1e-5}


def sample(dtype, low=-3.0, high=3.0, shape=(2, 3, 4)):
    return rng.uniform(low, high, shape).astype(dtype)


# ---------------------------------------------------------------------------
# Several one-node cases in one compiled model
# ---------------------------------------------------------------------------

@dataclasses.dataclass
class Case:
    """One ONNX node: ``inputs`` are graph inputs, ``initializers`` constant inputs
    (in that order unless ``order`` names them, "" for an absent input)."""

    op: str
    inputs: dict
    attrs: dict = dataclasses.field(default_factory=dict)
    initializers: dict = dataclasses.field(default_factory=dict)
    order: Optional[list] = None
    reference: bool = False  # expected values from onnx.reference instead of onnxruntime
    rtol: float = 1e-4
    atol: float = 1e-5

    def label(self) -> str:
        dtypes = ",".join(sorted({name_of(v.dtype) for v in self.inputs.values()}))
        return f"{self.op}[{dtypes}; {attr_id(self.attrs)}]"

    def node(self, prefix: str = ""):
        order = self.order if self.order is not None else list(self.inputs) + list(self.initializers)
        return helper.make_node(self.op, [prefix + n if n else "" for n in order], [prefix + "Y"],
                                **self.attrs)

    def expected(self, opset: int) -> np.ndarray:
        model = make_model([self.node()], self.inputs, ["Y"], self.initializers, opset)
        if self.reference:
            from onnx.reference import ReferenceEvaluator

            return ReferenceEvaluator(model).run(None, self.inputs)[0]
        return run_onnxruntime(model, self.inputs)[0]


def float_case(op, x, attrs=None, **kw) -> Case:
    """``op`` on float ``x`` with the dtype's tolerances (onnx.reference where
    onnxruntime has no float64 kernel)."""
    if x.dtype == np.float64 and op in NO_ORT_F64:
        return Case(op, {"X": x}, attrs or {}, reference=True, **REFERENCE_F64, **kw)
    return Case(op, {"X": x}, attrs or {}, **tolerances(x.dtype), **kw)


def check_cases(cases, opset=17):
    """Compile all ``cases`` as one model and compare each output with its case."""
    nodes, inputs, outputs, inits = [], {}, [], {}
    for i, case in enumerate(cases):
        prefix = f"c{i}_"
        nodes.append(case.node(prefix))
        inputs.update({prefix + k: v for k, v in case.inputs.items()})
        inits.update({prefix + k: v for k, v in case.initializers.items()})
        outputs.append(prefix + "Y")
    actual = polytile.compile(make_model(nodes, inputs, outputs, inits, opset)).run(inputs)
    for case, got in zip(cases, actual):
        try:
            assert_close([got], [case.expected(opset)], case.rtol, case.atol)
        except AssertionError as e:
            raise AssertionError(f"{case.label()}: {e}") from None


# ---------------------------------------------------------------------------
# Float math without attributes: every float dtype
# ---------------------------------------------------------------------------

# op -> input range (low, high) inside the op's domain.
FLOAT_MATH = {
    "Exp": (-4, 4), "Log": (0.01, 10), "Sqrt": (0, 10), "Floor": (-5, 5), "Ceil": (-5, 5),
    "Sin": (-4, 4), "Cos": (-4, 4), "Tan": (-1.4, 1.4), "Asin": (-0.99, 0.99),
    "Acos": (-0.99, 0.99), "Atan": (-5, 5), "Sinh": (-3, 3), "Cosh": (-3, 3), "Asinh": (-5, 5),
    "Acosh": (1, 6), "Atanh": (-0.95, 0.95), "Erf": (-3, 3), "Sigmoid": (-8, 8), "Tanh": (-4, 4),
    "Softplus": (-8, 8), "Softsign": (-8, 8), "HardSwish": (-5, 5), "Mish": (-6, 6),
}
OPSET = {"HardSwish": 14, "Mish": 18}


@pytest.mark.parametrize("op", sorted(FLOAT_MATH))
def test_float_math(op):
    low, high = FLOAT_MATH[op]
    check_cases([float_case(op, sample(t, low, high)) for t in FLOATS], OPSET.get(op, 17))


def test_reciprocal():
    def x(t):
        return sample(t, 0.2, 4.0) * np.where(rng.random((2, 3, 4)) < 0.5, -1, 1).astype(t)

    check_cases([float_case("Reciprocal", x(t)) for t in FLOATS])


def test_round_half_to_even():
    halves = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.49, -0.51, 7.0, -0.0, 1e3 + 0.5]
    check_cases([float_case("Round", np.array(halves, t)) for t in FLOATS] +
                [float_case("Round", sample(t, -10, 10)) for t in FLOATS])


def test_special_values():
    """inf, nan, signed zeros, large magnitudes and out-of-domain inputs."""
    x = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 100.0, -100.0, 0.5], np.float32)
    ops = ("Exp", "Log", "Sqrt", "Reciprocal", "Sigmoid", "Tanh", "Softplus", "Softsign", "Floor",
           "Ceil", "Round", "Abs", "Neg", "Sign", "Erf", "Asin", "Acosh", "Atanh", "Sin", "Cos")
    check_cases([Case(op, {"X": x}) for op in ops])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


_ERF = np.vectorize(math.erf)
# float64 definitions, evaluated in float64 (attributes at their float32 values).
F64_EXACT = [
    ("Exp", {}, np.exp),
    ("Tanh", {}, np.tanh),
    ("Sigmoid", {}, _sigmoid),
    ("Erf", {}, _ERF),
    ("Softplus", {}, lambda x: np.logaddexp(0.0, x)),
    ("HardSwish", {}, lambda x: x * np.clip(x / 6.0 + 0.5, 0.0, 1.0)),
    ("Mish", {}, lambda x: x * np.tanh(np.logaddexp(0.0, x))),
    ("Gelu", {}, lambda x: 0.5 * x * (1.0 + _ERF(x / math.sqrt(2.0)))),
    ("Gelu", {"approximate": "tanh"},
     lambda x: 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))),
    ("Elu", {"alpha": 0.5}, lambda x: np.where(x >= 0, x, 0.5 * np.expm1(x))),
]


def test_float64_accuracy():
    """float64 ops compute in float64, not through float32."""
    x = sample(np.float64, -5, 5)
    nodes = [helper.make_node(op, ["X"], [f"Y{i}"], **attrs) for i, (op, attrs, _) in enumerate(F64_EXACT)]
    model = make_model(nodes, {"X": x}, [f"Y{i}" for i in range(len(nodes))], opset=20)
    for (op, attrs, expected), got in zip(F64_EXACT, polytile.compile(model).run({"X": x})):
        np.testing.assert_allclose(got, expected(x), rtol=1e-12, atol=1e-14, err_msg=f"{op} {attrs}")


# ---------------------------------------------------------------------------
# Abs, Neg, Sign, BitwiseNot: floats and integers
# ---------------------------------------------------------------------------

def int_sample(dtype, shape=(3, 5)):
    info = np.iinfo(dtype)
    low = max(info.min + 1, -1000)  # -min is not representable
    x = rng.integers(low, min(info.max, 1000), shape, dtype=dtype, endpoint=True)
    x.flat[0] = 0
    return x


def _numeric_case(op, dtype) -> Case:
    if np.issubdtype(dtype, np.floating):
        x = sample(dtype)
        x.flat[0] = 0
        return float_case(op, x)
    return Case(op, {"X": int_sample(dtype)})


@pytest.mark.parametrize("op", ["Abs", "Sign"])
def test_abs_sign(op):
    high = np.array([0, 1, 127, 128, 200, 255], np.uint8)  # unsigned values above the signed range
    check_cases([_numeric_case(op, t) for t in FLOATS + INTS] + [Case(op, {"X": high})])


def test_neg():
    check_cases([_numeric_case("Neg", t) for t in FLOATS + SIGNED])


def test_bitwise_not():
    def x(t):
        info = np.iinfo(t)
        return rng.integers(info.min, info.max, (3, 4), dtype=t, endpoint=True)

    check_cases([Case("BitwiseNot", {"X": x(t)}) for t in INTS], opset=18)


# ---------------------------------------------------------------------------
# Activations with attributes
# ---------------------------------------------------------------------------

ACTIVATIONS = [
    ("Elu", {}, 7), ("Elu", {"alpha": 0.5}, 7),
    ("Selu", {}, 7), ("Selu", {"alpha": 2.0, "gamma": 3.0}, 7),
    ("Celu", {}, 12), ("Celu", {"alpha": 2.0}, 12),
    ("LeakyRelu", {}, 16), ("LeakyRelu", {"alpha": 0.2}, 16),
    ("HardSigmoid", {}, 7), ("HardSigmoid", {"alpha": 0.5, "beta": 0.6}, 17),
    ("ThresholdedRelu", {}, 10), ("ThresholdedRelu", {"alpha": 0.5}, 10),
    ("Gelu", {}, 20), ("Gelu", {"approximate": "tanh"}, 20),
]


@pytest.mark.parametrize("op,attrs,opset", ACTIVATIONS,
                         ids=[f"{op}-{attr_id(a)}" for op, a, _ in ACTIVATIONS])
def test_activation(op, attrs, opset):
    cases = []
    for t in FLOATS if op != "Celu" else [np.float32]:  # ONNX defines Celu for float32 only
        x = sample(t, -4, 4)
        alpha = attrs.get("alpha", 1.0)
        x.flat[:3] = [0.0, alpha, -alpha]  # boundaries of the piecewise definitions
        cases.append(float_case(op, x, attrs))
    check_cases(cases, opset)


def test_activations_opset_7():
    """Float32 kernels of the older opsets in onnxruntime."""
    x = sample(np.float32, -4, 4)
    check_cases([Case("LeakyRelu", {"X": x}, {"alpha": 0.3}), Case("Elu", {"X": x}),
                 Case("HardSigmoid", {"X": x}), Case("Selu", {"X": x})], opset=7)


SHRINK_ATTRS = [{}, {"lambd": 1.5}, {"lambd": 1.5, "bias": 1.5}, {"lambd": 0.0, "bias": -0.7}]


def _shrink_case(attrs, dtype) -> Case:
    if np.issubdtype(dtype, np.floating):
        x = sample(dtype, -4, 4)
        x.flat[:2] = [1.5, -1.5]  # exactly +-lambd
        # onnxruntime's float64 Shrink rounds through float32: compare with onnx.reference.
        return Case("Shrink", {"X": x}, attrs, reference=dtype == np.float64, **tolerances(dtype))
    low = 0 if np.issubdtype(dtype, np.unsignedinteger) else -6
    return Case("Shrink", {"X": np.arange(low, low + 12, dtype=dtype).reshape(3, 4)}, attrs)


def test_shrink():
    """Every attribute combination on float32 and int32, every dtype on one
    combination (integer results truncate toward zero)."""
    cases = [_shrink_case(a, t) for a in SHRINK_ATTRS for t in (np.float32, np.int32)]
    cases += [_shrink_case(SHRINK_ATTRS[2], t) for t in FLOATS + INTS if t not in (np.float32, np.int32)]
    check_cases(cases, opset=9)


# ---------------------------------------------------------------------------
# Clip
# ---------------------------------------------------------------------------

CLIP_ATTRS = [{}, {"min": -1.0}, {"max": 0.5}, {"min": -0.5, "max": 0.5}, {"min": 1.0, "max": -1.0}]


def test_clip_attributes_opset_7():
    """Clip-6 (bounds as attributes). onnxruntime's Clip-6 has a float32 kernel
    only and rejects min > max: those cases use onnx.reference."""
    cases = []
    for attrs in CLIP_ATTRS:
        for t in FLOATS:
            reference = t != np.float32 or attrs.get("min", -1) > attrs.get("max", 1)
            cases.append(Case("Clip", {"X": sample(t)}, attrs, reference=reference, **tolerances(t)))
    check_cases(cases, opset=7)


def _clip_bounds(dtype, which):
    if np.issubdtype(dtype, np.floating):
        low, high = -1.5, 1.25
    else:
        low, high = (3 if np.issubdtype(dtype, np.unsignedinteger) else -5), 7
    low, high = np.array(low, dtype), np.array(high, dtype)
    return {"both": [low, high], "min": [low, None], "max": [None, high], "none": [None, None],
            "swapped": [high, low]}[which]


def _clip_input(dtype):
    if np.issubdtype(dtype, np.floating):
        return sample(dtype, -4, 4)
    info = np.iinfo(dtype)
    x = rng.integers(max(info.min, -20), min(info.max, 20), (3, 5), dtype=dtype, endpoint=True)
    x.flat[:2] = [info.min, info.max]
    return x


def _clip_case(dtype, which) -> Case:
    low, high = _clip_bounds(dtype, which)
    order = ["X", "min" if low is not None else "", "max" if high is not None else ""]
    while order[-1] == "":
        order.pop()
    inits = {n: v for n, v in (("min", low), ("max", high)) if v is not None}
    # onnxruntime has no 16-bit integer Clip kernels.
    return Case("Clip", {"X": _clip_input(dtype)}, initializers=inits, order=order,
                reference=dtype in (np.int16, np.uint16), **tolerances(dtype))


CLIP_BOUNDS = ["both", "min", "max", "none", "swapped"]


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.uint8], ids=name_of)
def test_clip_constant_bounds(dtype):
    """Each bound combination (absent bounds clip nothing; min > max gives max)."""
    check_cases([_clip_case(dtype, which) for which in CLIP_BOUNDS], opset=13)


def test_clip_every_dtype():
    check_cases([_clip_case(t, "both") for t in FLOATS + INTS], opset=13)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8], ids=name_of)
def test_clip_runtime_bounds(dtype):
    """Bounds fed as graph inputs (not constants), both or only max."""
    low, high = _clip_bounds(dtype, "both")
    tol = tolerances(dtype)
    check_cases([Case("Clip", {"X": _clip_input(dtype), "min": low, "max": high}, **tol),
                 Case("Clip", {"X": _clip_input(dtype), "max": high}, order=["X", "", "max"], **tol)],
                opset=13)


def test_clip_opset_11_one_element_bound():
    check_node("Clip", {"X": sample(np.float32)}, initializers={"min": np.array([-0.5], np.float32)},
               opset=11)


def test_clip_nan_passes_through():
    x = np.array([np.nan, -np.inf, np.inf, 0.3], np.float32)
    check_node("Clip", {"X": x}, initializers={"min": np.array(-1, np.float32),
                                                "max": np.array(1, np.float32)}, opset=13)


# ---------------------------------------------------------------------------
# PRelu
# ---------------------------------------------------------------------------

SLOPE_SHAPES = [(2, 3, 4, 5), (3, 1, 1), (5,), (1,), (1, 3, 4, 1)]


def test_prelu_slope_shapes():
    """Unidirectional broadcasting of the slope, float32."""
    x = sample(np.float32, shape=(2, 3, 4, 5))
    check_cases([Case("PRelu", {"X": x}, initializers={"slope": sample(np.float32, -1, 1, shape=s)})
                 for s in SLOPE_SHAPES], opset=16)


def test_prelu_every_dtype():
    cases = [Case("PRelu", {"X": sample(t, shape=(2, 3, 4))},
                  initializers={"slope": sample(t, -1, 1, shape=(3, 1))}, **tolerances(t))
             for t in FLOATS]
    for t in (np.int32, np.int64, np.uint32, np.uint64):
        low = 0 if np.issubdtype(t, np.unsignedinteger) else -50
        cases.append(Case("PRelu", {"X": rng.integers(low, 50, (2, 3, 4), dtype=t)},
                          initializers={"slope": rng.integers(0, 5, (3, 1), dtype=t)},
                          reference=t == np.uint64))  # onnxruntime has no uint64 PRelu kernel
    check_cases(cases, opset=16)


def test_prelu_runtime_slope_opset_7():
    check_node("PRelu", {"X": sample(np.float32), "slope": sample(np.float32, shape=(4,))}, opset=7)


# ---------------------------------------------------------------------------
# Swish (ONNX opset 24)
# ---------------------------------------------------------------------------

def test_swish_opset_24():
    check_cases([Case("Swish", {"X": sample(t, -6, 6)}, {"alpha": alpha}, reference=True, **REFERENCE_F64)
                 for t in (np.float32, np.float64) for alpha in (1.0, 0.5)], opset=24)


# ---------------------------------------------------------------------------
# Bool results and inputs: IsNaN, IsInf, Not
# ---------------------------------------------------------------------------

SPECIALS = [0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan, -np.nan, 65504.0, -1e-8]
ISINF_ATTRS = [{}, {"detect_negative": 0}, {"detect_positive": 0},
               {"detect_negative": 0, "detect_positive": 0}]


def _special_values(dtype):
    return np.array(SPECIALS * 2, dtype).reshape(4, 5)


def _then_cast_to_int(cases, opset):
    """Each (op, x, attrs) followed by a Cast to int32, all in one model."""
    nodes, inputs, outputs = [], {}, []
    for i, (op, x, attrs) in enumerate(cases):
        nodes += [helper.make_node(op, [f"X{i}"], [f"B{i}"], **attrs),
                  helper.make_node("Cast", [f"B{i}"], [f"Y{i}"], to=TensorProto.INT32)]
        inputs[f"X{i}"] = x
        outputs.append(f"Y{i}")
    check_model(make_model(nodes, inputs, outputs, opset=opset), inputs)


def test_is_nan_is_inf_via_cast():
    cases = [("IsNaN", _special_values(t), {}) for t in FLOATS]
    cases += [("IsInf", _special_values(t), attrs) for t in (np.float32, np.float64) for attrs in ISINF_ATTRS]
    cases += [("IsInf", _special_values(np.float16), {})]
    _then_cast_to_int(cases, opset=20)


def test_not_via_cast():
    x = np.array([[0, 1, 1], [1, 0, 0]], np.int32)
    nodes = [helper.make_node("Cast", ["X"], ["B"], to=TensorProto.BOOL),
             helper.make_node("Not", ["B"], ["C"]),
             helper.make_node("Cast", ["C"], ["Y"], to=TensorProto.INT32)]
    check_model(make_model(nodes, {"X": x}, ["Y"]), {"X": x})


_BOOL_IO_PROBE = textwrap.dedent("""
    import numpy as np, polytile
    from onnx import helper
    from onnx_check import make_model
    x = np.array([1.0, np.nan], np.float32)
    m = make_model([helper.make_node("IsNaN", ["X"], ["Y"])], {"X": x}, ["Y"])
    assert polytile.compile(m).run({"X": x})[0].tolist() == [False, True]
""")


@pytest.fixture(scope="module")
def bool_io():
    test_python = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    probe = subprocess.run([sys.executable, "-c", _BOOL_IO_PROBE], cwd=test_python,
                           capture_output=True, timeout=120)
    if probe.returncode != 0:
        pytest.xfail("bool tensors at the entry point do not lower yet (memref<...xi1> store "
                     "asserts in MemRefToLLVM); covered by the *_via_cast tests meanwhile")


def test_is_nan_is_inf_bool_output(bool_io):
    check_cases([Case("IsNaN", {"X": _special_values(t)}) for t in FLOATS] +
                [Case("IsInf", {"X": _special_values(np.float32)}, a) for a in ISINF_ATTRS], opset=20)


def test_not_bool_io(bool_io):
    check_node("Not", {"X": rng.random((3, 4)) < 0.5})

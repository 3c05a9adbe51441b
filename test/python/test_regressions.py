"""Named regression tests: one per wrong answer found (by a sweep, a fuzz run or a
user), each on the smallest case that showed it, checked against onnxruntime."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import helper

import polytile
from onnx_check import make_model, run_onnxruntime


def _matmul_model(a_shape, b_shape, b_constant: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(a_shape).astype(np.float32)
    b = rng.standard_normal(b_shape).astype(np.float32)
    node = helper.make_node("MatMul", ["A", "B"], ["Y"])
    if b_constant:
        return make_model([node], {"A": a}, ["Y"], initializers={"B": b}), {"A": a}
    return make_model([node], {"A": a, "B": b}, ["Y"]), {"A": a, "B": b}


# MLIR 22's canonicalization folds shape_cast(broadcast(x: <mr x 1>)) to <nr x mr> into
# broadcast(x) to <nr x mr>, a different value when mr == nr. The kernel scripts made
# exactly that IR (through cast_away_vector_leading_one_dim) for a reduction step of 1
# (K odd) with square register tiles (M = N = 40: mr = nr = 8): errors up to 30.
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("m,k,n", [(40, 3, 40), (40, 15, 40), (40, 17, 40), (64, 7, 40),
                                   (8, 3, 8), (40, 1, 40), (40, 3, 24)])
def test_matmul_odd_k_square_register_tile(m, k, n, threads):
    model, feeds = _matmul_model((m, k), (k, n), b_constant=True)
    (actual,) = polytile.compile(model, threads=threads).run(feeds)
    np.testing.assert_allclose(actual, feeds["A"] @ model_b(model), rtol=1e-5, atol=1e-5)


def model_b(model) -> np.ndarray:
    from onnx import numpy_helper
    return numpy_helper.to_array(model.graph.initializer[0])


@pytest.mark.parametrize("b_constant", [True, False])
def test_attention_scores_head_size_15(b_constant):
    """The text-recognition model's attention scores: [1,8,40,15] @ [1,8,15,40]."""
    model, feeds = _matmul_model((1, 8, 40, 15), (1, 8, 15, 40), b_constant)
    (actual,) = polytile.compile(model, threads=1).run(feeds)
    (expected,) = run_onnxruntime(model, feeds)
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("trans_b", [0, 1])
@pytest.mark.parametrize("m,k", [(40, 7), (64, 15), (40, 15)])
def test_gemm_odd_k_n40(m, k, trans_b):
    rng = np.random.default_rng(1)
    n = 40
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((n, k) if trans_b else (k, n)).astype(np.float32)
    c = rng.standard_normal(n).astype(np.float32)
    node = helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transB=trans_b, alpha=0.5, beta=2.0)
    model = make_model([node], {"A": a}, ["Y"], initializers={"B": b, "C": c})
    for threads in (1, 2):
        (actual,) = polytile.compile(model, threads=threads).run({"A": a})
        (expected,) = run_onnxruntime(model, {"A": a})
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)

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


# --------------------------------------------------------------------------
# Found by the shape sweeps (test_sweeps.py, run with `sched-apply{remarks=true}`)
# --------------------------------------------------------------------------
def _schedules_applied_strictly(model, threads: int) -> str:
    """The model's sched stage (checked to schedule its kernel), then the linalg stage
    with `sched-apply{strict=true}`, which fails where a kernel script cannot be applied."""
    from polytile import pipelines
    from polytile.pipeline import Pipeline
    sched_text = polytile.compile(model, emit="sched", threads=threads)
    assert '"sched.pack"' in sched_text, "the case no longer gets a packed schedule"
    module = polytile.parse(sched_text)
    pipeline = Pipeline()
    for p in pipelines.stage_passes("sched", "linalg"):
        pipeline.add("sched-apply{strict=true}" if p == "sched-apply" else p)
    pipeline.run(module)
    return str(module)


def _conv_model(x_shape, w_shape, seed: int = 0, **attrs):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    node = helper.make_node("Conv", ["X", "W"], ["Y"], kernel_shape=list(w_shape[2:]), **attrs)
    return make_model([node], {"X": x}, ["Y"], initializers={"W": w}), {"X": x}


# A reduction step covering its whole loop (a matmul's K equal to its k step: K = 1, 2, 4;
# a convolution's C up to 16, where the channel block is all of C) made a
# one-iteration scf.for whose handle the kernel script still used after its
# canonicalization folded the loop away: the script failed, and the kernel silently kept
# half-transformed loops (no accumulator hoisted out of the reduction). sched-apply now
# makes no loop for such steps.
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("m,k,n", [(8, 4, 8), (16, 4, 64), (6, 2, 32), (3, 1, 16), (40, 4, 40)])
def test_matmul_k_equal_to_k_step_schedule_applies(m, k, n, threads):
    for b_constant in (True, False):
        model, feeds = _matmul_model((m, k), (k, n), b_constant)
        _schedules_applied_strictly(model, threads)
        actual = polytile.compile(model, threads=threads).run(feeds)
        np.testing.assert_allclose(actual[0], run_onnxruntime(model, feeds)[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("x_shape,w_shape,attrs", [
    ((1, 16, 9, 9), (32, 16, 3, 3), {"pads": [1, 1, 1, 1]}),
    ((2, 5, 7, 9), (16, 5, 1, 3), {}),
    ((2, 13, 7, 7), (16, 13, 3, 3), {"dilations": [2, 1]}),
    ((1, 3, 9, 9), (8, 3, 1, 1), {"strides": [2, 2]}),
])
def test_conv_full_reduction_step_schedule_applies(x_shape, w_shape, attrs, threads):
    model, feeds = _conv_model(x_shape, w_shape, **attrs)
    _schedules_applied_strictly(model, threads)
    actual = polytile.compile(model, threads=threads).run(feeds)
    np.testing.assert_allclose(actual[0], run_onnxruntime(model, feeds)[0], rtol=1e-4, atol=1e-4)


# Output widths with no register-tile divisor from 4 up (13, 7, 27, 11 with stride 2) are
# computed rounded up to the tile, the extra columns reading extra zero padding, and
# dropped (OW = 8 needs none). The schedule must apply and the result stay exact.
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("x_shape,w_shape,attrs,columns_padded", [
    ((1, 16, 13, 13), (32, 16, 3, 3), {"pads": [1, 1, 1, 1]}, True),
    ((1, 8, 7, 7), (16, 8, 3, 3), {"pads": [1, 0, 1, 2]}, True),
    ((1, 8, 29, 29), (16, 8, 3, 3), {"pads": [1, 1, 1, 1], "dilations": [1, 2]}, True),  # OW 27
    ((1, 4, 23, 23), (16, 4, 3, 3), {"strides": [2, 2]}, True),  # OW 11
    ((1, 64, 7, 8), (32, 64, 3, 3), {"pads": [1, 1, 1, 1]}, False),
])
def test_conv_padded_columns(x_shape, w_shape, attrs, columns_padded, threads):
    import re
    model, feeds = _conv_model(x_shape, w_shape, **attrs)
    linalg_text = _schedules_applied_strictly(model, threads)
    expected = run_onnxruntime(model, feeds)[0]
    oh, ow, f = expected.shape[2], expected.shape[3], expected.shape[1]
    sched_text = polytile.compile(model, emit="sched", threads=threads)
    owb = int(re.findall(r'"sched.tile"\(%\w+\) \{sizes = array<i64: 1, \d+, 1, (\d+),', sched_text)[-1])
    rounded = -(-ow // owb) * owb
    from polytile.passes.schedule.sched_default import register_rows
    if register_rows(2) == 6:  # AVX2 (16 vector registers): the cases are chosen for it
        assert (rounded != ow) == columns_padded, (ow, owb)
    # the convolution computes the rounded-up columns (one tensor of them), then drops them
    assert f"tensor<1x{oh}x{rounded}x{f}xf32>" in linalg_text
    actual = polytile.compile(model, threads=threads).run(feeds)
    np.testing.assert_allclose(actual[0], run_onnxruntime(model, feeds)[0], rtol=1e-4, atol=1e-4)


# Grouped convolutions (neither groups 1 nor depthwise) with stride 1 get the packed
# channels-last form: one generic over (n, oh, ow, g, f, kh, kw, c) whose register tiles
# fold into matrix products (RegNet-Y's group width 8, ResNeXt's 4..). Strided ones keep
# the plain loops (no sched.pack).
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("x_shape,w_shape,attrs", [
    ((1, 48, 14, 14), (48, 8, 3, 3), {"group": 6, "pads": [1, 1, 1, 1]}),
    ((2, 24, 13, 11), (48, 8, 3, 3), {"group": 3, "pads": [1, 0, 2, 1], "dilations": [2, 1]}),
    ((1, 32, 9, 9), (64, 16, 1, 3), {"group": 2, "pads": [0, 1, 0, 1]}),
    ((1, 64, 7, 7), (64, 4, 3, 3), {"group": 16, "pads": [1, 1, 1, 1]}),
])
def test_grouped_conv_packed(x_shape, w_shape, attrs, threads):
    model, feeds = _conv_model(x_shape, w_shape, **attrs)
    fg = w_shape[0] // attrs["group"]
    if fg % 4:
        pytest.skip("no vector width divides the group's output channels")
    linalg_text = _schedules_applied_strictly(model, threads)
    assert "vector.contract" in linalg_text
    actual = polytile.compile(model, threads=threads).run(feeds)
    np.testing.assert_allclose(actual[0], run_onnxruntime(model, feeds)[0], rtol=1e-4, atol=1e-4)


def test_strided_grouped_conv_keeps_plain_loops():
    model, feeds = _conv_model((1, 16, 9, 9), (16, 8, 3, 3), group=2, strides=[2, 2], pads=[1, 1, 1, 1])
    assert '"sched.pack"' not in polytile.compile(model, emit="sched", threads=1)
    actual = polytile.compile(model, threads=2).run(feeds)
    np.testing.assert_allclose(actual[0], run_onnxruntime(model, feeds)[0], rtol=1e-4, atol=1e-4)


# `sched-apply{strict=true}` reported a kernel script's failure at the kernel's anchor op,
# which the failing script had already erased: a segmentation fault instead of an error.
# Reproduced with the scripts of the bug above (one-iteration reduction loops), run in a
# subprocess so that a crash fails the test instead of ending the test run.
_STRICT_FAILURE_SCRIPT = r'''
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from onnx import helper
from onnx_check import make_model
import polytile
from polytile import pipelines
from polytile.passes.schedule import sched_apply
from polytile.pipeline import Pipeline
sched_apply._without_full_steps = lambda step, extents: step  # scripts that fail to apply
a = np.ones((8, 4), np.float32)
model = make_model([helper.make_node("MatMul", ["A", "B"], ["Y"])], {"A": a}, ["Y"],
                   initializers={"B": np.ones((4, 8), np.float32)})
module = polytile.parse(polytile.compile(model, emit="sched", threads=1))
pipeline = Pipeline()
for p in pipelines.stage_passes("sched", "linalg"):
    pipeline.add("sched-apply{strict=true}" if p == "sched-apply" else p)
try:
    pipeline.run(module)
except polytile.PassFailure as err:
    print("PassFailure:", err)
'''


def test_sched_apply_strict_failure_is_an_error_not_a_crash():
    import os
    import subprocess
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    done = subprocess.run([sys.executable, "-c", _STRICT_FAILURE_SCRIPT, here],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-2000:]}"
    assert "PassFailure:" in done.stdout, done.stdout + done.stderr[-2000:]
    assert "cannot apply the schedule of kernel 'matmul_0'" in done.stdout + done.stderr


def test_signed_zeros_are_not_a_splat():
    """tg.constant made [0.0, -0.0] a splat of 0.0 (== treats them as equal): 1/x differs."""
    from polytile.context import create_context
    from polytile.dialects import tg
    from mlir import ir
    with create_context(), ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            value = tg.constant(np.array([0.0, -0.0], np.float32))
        attr = ir.DenseElementsAttr(value.owner.attributes["value"])
        assert not attr.is_splat
    x = np.ones((2,), np.float32)
    model = make_model([helper.make_node("Div", ["X", "Z"], ["Y"])], {"X": x}, ["Y"],
                       initializers={"Z": np.array([0.0, -0.0], np.float32)})
    (actual,) = polytile.compile(model, threads=1).run({"X": x})
    assert actual.tolist() == [np.inf, -np.inf]

"""Packed matrix products whose rows (M) or columns (N) the register tile does not divide.

The packed lowering (passes/conversion/tg_to_linalg/packed.py) pads B with zero columns
to whole column strips (``nr``) and A with zero rows to whole register tiles (``mr``,
per batch for a batched product), computes full tiles and slices the ``[M, N]`` result
out of the padded one; the epilogue (bias, activation, residual) then runs after the
product. These are the shapes of attention with 197/50/49 tokens (ViT, DeiT, Swin):
``Q @ K^T`` pads N, ``P @ V`` pads M in every batch.

Every case compiles with the default schedules, runs at 1 and 2 threads and is compared
with onnxruntime (``test_sweeps.check``, which also lowers the model once more with
``sched-apply{strict=true}`` so a transform script that does not apply fails), and the
cases meant for the packed path assert that they got a packed schedule and that it pads.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onnx_check import assert_close, make_model, run_onnxruntime
from test_sweeps import SEEDS, Run, applies_strictly, examples, f32_atol, node, uniform

import polytile
from polytile.dialects import sched
from polytile.passes.schedule.sched_default import column_strip, default_schedule, matmul_schedule

#: Sizes no register tile (mr of 8/7/6/4, nr of 32/16/8/4) divides: 1, primes, 49, 197 tokens.
SIZES = (1, 3, 7, 17, 49, 197)
DEPTHS = (1, 3, 5, 17, 64)
EPILOGUES = ("none", "bias_relu", "gelu")


def epilogue(kind: str, src: str, out: str, n: int, rng, inits: dict) -> list:
    """Element-wise ops after the product: none, ``Add`` of a [N] bias then ``Relu``, or the
    Erf form of GELU (``x * 0.5 * (1 + erf(x / sqrt 2))``, as exported from PyTorch)."""
    if kind == "none":
        return [node("Identity", [src], [out])]
    if kind == "bias_relu":
        inits["bias"] = uniform(rng, [n])
        return [node("Add", [src, "bias"], ["biased"]), node("Relu", ["biased"], [out])]
    assert kind == "gelu"
    inits.update(sqrt2=np.array(np.sqrt(2.0), np.float32), one=np.array(1.0, np.float32),
                 half=np.array(0.5, np.float32))
    return [node("Div", [src, "sqrt2"], ["scaled"]), node("Erf", ["scaled"], ["erf"]),
            node("Add", ["erf", "one"], ["erf1"]), node("Mul", [src, "erf1"], ["xe"]),
            node("Mul", ["xe", "half"], [out])]


def check(model, feeds: dict, threads: int, vector_bits: int = 0, atol: float = 1e-5) -> Run:
    """Compile ``model`` with the default schedules planned for ``vector_bits`` (0: the
    host's) on ``threads`` threads, compare with onnxruntime, and lower it once more with
    ``sched-apply{strict=true}`` (test_sweeps.check, without Hypothesis' notes: the named
    cases run outside Hypothesis)."""
    run = Run()

    def hook(name, fn):
        run.schedules[name] = default_schedule(fn, threads, vector_bits)
        return run.schedules[name]

    actual = polytile.compile(model, threads=threads, schedules=hook).run(feeds)
    assert_close(actual, run_onnxruntime(model, feeds), rtol=1e-4, atol=atol)
    if run.scheduled():
        applies_strictly(model, threads, hook)
    return run


def matmul_case(a_shape, b_shape, b_const: bool, kind: str, threads: int, vector_bits: int = 0,
                seed: int = 0):
    """Compile and compare ``MatMul(A, B)`` followed by the ``kind`` epilogue; returns the run."""
    rng = np.random.default_rng(seed)
    a, b = uniform(rng, a_shape), uniform(rng, b_shape)
    inputs, inits = {"A": a}, {}
    (inits if b_const else inputs)["B"] = b
    nodes = [node("MatMul", ["A", "B"], ["P"])] + epilogue(kind, "P", "Y", b_shape[-1], rng, inits)
    model = make_model(nodes, inputs, ["Y"], inits)
    return check(model, inputs, threads, vector_bits, atol=f32_atol(a_shape[-1]))


def packed_tile(run) -> tuple[int, int, bool]:
    """(mr, nr, fused) of the one packed schedule of a run."""
    (schedule,) = run.scheduled()
    tile = schedule.tile_levels[-1].sizes
    assert schedule.find(sched.Pack).tiles[-1] == tile[-2]
    return tile[-3], tile[-2], schedule.find(sched.Fuse) is not None


# --------------------------------------------------------------------------
# Named cases: the attention products and each padding path, at 1 and 2 threads
# --------------------------------------------------------------------------
CASES = {
    # DeiT-tiny attention: Q @ K^T pads N (and M), P @ V pads M in each of the 3 heads
    "scores [3,197,64]@[3,64,197]": ([3, 197, 64], [3, 64, 197], False, "none"),
    "values [3,197,197]@[3,197,64]": ([3, 197, 197], [3, 197, 64], False, "none"),
    # Swin window (49 tokens) with a constant B and a GELU epilogue on the padded result
    "batched const [2,49,17]@[2,17,49] gelu": ([2, 49, 17], [2, 17, 49], True, "gelu"),
    # one 2-d product of a batch of rows: 2 x 49 rows, N = 197 padded, bias + Relu
    "rows [2,49,64]@[64,197] bias_relu": ([2, 49, 64], [64, 197], False, "bias_relu"),
    "2-d const [197,17]@[17,9] bias_relu": ([197, 17], [17, 9], True, "bias_relu"),
    "2-d [17,3]@[3,11]": ([17, 3], [3, 11], False, "none"),
}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("name", list(CASES))
def test_padded_matmul(name, threads):
    a_shape, b_shape, b_const, kind = CASES[name]
    run = matmul_case(a_shape, b_shape, b_const, kind, threads)
    m, n = a_shape[-2], b_shape[-1]
    mr, nr, fused = packed_tile(run)
    padded = (m * int(np.prod(a_shape[:-2])) if len(b_shape) == 2 else m) % mr != 0 or n % nr != 0
    assert padded and not fused, f"{name}: expected a padded tile without a fused epilogue, got {mr}x{nr}"


def test_batches_split_over_threads():
    """Odd column strips (3 of 16) and one row tile (7 rows): the 2 threads split the batch
    dim (an outer forall of 2, each thread one batch) rather than leave one thread idle."""
    run = matmul_case([2, 7, 2000], [2, 2000, 48], False, "none", 2, vector_bits=256)
    assert packed_tile(run)[:2] == (7, 16)
    a, b = np.zeros([2, 7, 2000], np.float32), np.zeros([2, 2000, 48], np.float32)
    model = make_model([node("MatMul", ["A", "B"], ["Y"])], {"A": a, "B": b}, ["Y"])
    text = polytile.compile(model, threads=2, emit="linalg",
                            schedules=lambda name, fn: default_schedule(fn, 2, 256))
    threads = [line for line in text.splitlines() if "scf.forall" in line and ") in (2) " in line]
    assert threads and "tensor<2x1x7x3x16xf32>" in threads[0], text


@pytest.mark.parametrize("trans_a,trans_b", [(0, 1), (1, 0)])
def test_padded_gemm(trans_a, trans_b):
    """Gemm with 197 rows (padded) and N = 10 (padded to one strip), C broadcast from [N]."""
    rng = np.random.default_rng(3)
    m, k, n = 197, 24, 10
    a = uniform(rng, [k, m] if trans_a else [m, k])
    b = uniform(rng, [n, k] if trans_b else [k, n])
    c = uniform(rng, [n])
    model = make_model([node("Gemm", ["A", "B", "C"], ["Y"], transA=trans_a, transB=trans_b, alpha=0.5,
                             beta=2.0)], {"A": a}, ["Y"], {"B": b, "C": c})
    run = check(model, {"A": a}, 2, atol=f32_atol(k))
    mr, nr, fused = packed_tile(run)
    assert m % mr and n % nr and not fused


# --------------------------------------------------------------------------
# Sweep: sizes no tile divides, every form, constant or run-time B, epilogues, threads
# --------------------------------------------------------------------------
FORMS = ("2-d", "batched", "rows")


@settings(max_examples=examples(0.3))
@given(st.data())
def test_padded_matmul_sweep(data):
    """M, N from SIZES, K from DEPTHS; 2-d, batched ([B, M, K] @ [B, K, N]) or a batch of
    rows times a matrix; B an initializer or an input; no epilogue, bias + Relu or GELU;
    1 or 2 threads; the host's, AVX2's or SSE's vector width."""
    m = data.draw(st.sampled_from(SIZES), label="M")
    n = data.draw(st.sampled_from(SIZES), label="N")
    k = data.draw(st.sampled_from(DEPTHS), label="K")
    form = data.draw(st.sampled_from(FORMS), label="form")
    batch = data.draw(st.sampled_from((2, 3)), label="batch")
    a_shape = [m, k] if form == "2-d" else [batch, m, k]
    b_shape = [batch, k, n] if form == "batched" else [k, n]
    run = matmul_case(a_shape, b_shape, data.draw(st.booleans(), label="B is an initializer"),
                      data.draw(st.sampled_from(EPILOGUES), label="epilogue"),
                      data.draw(st.sampled_from((1, 2)), label="threads"),
                      vector_bits := data.draw(st.sampled_from((0, 256, 128)), label="vector_bits"),
                      data.draw(SEEDS, label="seed"))
    from polytile.schedules.host import host_cpu
    lanes = (vector_bits or host_cpu().vector_bits) // 32
    if n >= lanes or n % 4 == 0:  # (narrower than a vector: padded strips would be mostly zeros)
        assert run.scheduled(), f"{a_shape} @ {b_shape} should get the packed schedule"


# --------------------------------------------------------------------------
# The choice of the register tile (no compile)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("lanes,n,expected", [
    (8, 197, 16), (8, 64, 16), (8, 24, 8), (8, 40, 8), (8, 100, 16), (8, 7, 8), (8, 3, 4),
    (16, 197, 32), (16, 8, 8), (16, 24, 32), (4, 197, 8), (4, 12, 4),
])
def test_column_strip(lanes, n, expected):
    """Padded strips of two vectors unless a strip dividing N does about as well."""
    assert column_strip(n, lanes, pad=True) == expected


def test_column_strip_without_padding_needs_a_divisor():
    assert column_strip(197, 8) is None and column_strip(100, 8) == 4


def test_attention_schedules():
    """DeiT's attention at AVX2: 6 x 16 tiles (198 rows, 208 columns), no fused epilogue;
    at 2 threads with 13 column strips, 4-row tiles (50 row tiles) for an even split."""
    s1 = matmul_schedule("k", [3], 197, 197, 64, 1, 256, pad_rows=True, pad_columns=True)
    assert s1.tile_levels[-1].sizes == (1, 6, 16, 4) and s1.find(sched.Fuse) is None
    s2 = matmul_schedule("k", [3], 197, 197, 64, 2, 256, pad_rows=True, pad_columns=True)
    assert s2.tile_levels[-1].sizes == (1, 4, 16, 4)
    s3 = matmul_schedule("k", [3], 197, 64, 197, 2, 256, pad_rows=True, pad_columns=True)
    assert s3.tile_levels[-1].sizes == (1, 6, 16, 1)
    unpadded = matmul_schedule("k", [], 96, 64, 64, 1, 256, pad_rows=True, pad_columns=True)
    assert unpadded.find(sched.Fuse) is not None
    assert matmul_schedule("k", [], 96, 197, 64, 1, 256) is None  # no padding asked: no strip

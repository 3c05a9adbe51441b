"""Differential shape sweeps: every scheduled kernel kind against onnxruntime.

Each test is a Hypothesis property: it draws one small ONNX model (shapes, attributes,
whether weights are initializers or graph inputs, an element-wise epilogue, ...), the
thread count (1 or 2) and the vector width the default scheduler plans for (the host's,
256 bits as on AVX2, 128 bits as on SSE/NEON), compiles the model with ``polytile.compile``
and compares the outputs with onnxruntime within explicit tolerances (f32: ``rtol`` 1e-4,
``atol`` growing with the reduction length).

The sizes are drawn so that every remainder path of the schedules is hit (see
``passes/sched_default.py``): dims that the register tile (``mr`` of 8/6/4/3/2/1,
``nr``/``fb`` of 32/16/8/4), the reduction step (4/2/1), the vector width (16, 8 or 4
f32 lanes) or the thread split (2) divide and do not divide, 1, primes, and values around
8/16/32/64. The default schedules are attached through a ``schedules=`` hook that calls
``default_schedule`` itself (with the drawn vector width), so that each case also
records which schedule it ran (``hypothesis.event``: see ``--hypothesis-show-statistics``)
and the matrix-product sweeps assert that shapes meant for the packed path got it.
A case with a default schedule is also lowered with ``sched-apply{strict=true}``, so a
transform script that does not apply (the kernel would quietly keep slow loops) fails.

Profiles (``conftest.py``, ``docs/Testing.md``): ``ci`` (default, derandomized) and
``long`` (``--hypothesis-profile=long``). A bug found here becomes a named regression
test in ``test_regressions.py``.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import onnx
from hypothesis import event, given, note, settings
from hypothesis import strategies as st
from onnx import helper

import polytile
from onnx_check import assert_close, make_model, run_onnxruntime
from polytile.passes.schedule.sched_default import default_schedule
from polytile.pipelines import resolve_threads


def examples(weight: float) -> int:
    """This test's share of the current profile's ``max_examples``."""
    return max(1, round(settings.default.max_examples * weight))


# --------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------
#: M (rows) by the register tile's mr (the largest of 8, 6, 4, 3, 2, 1 dividing M), with
#: an even and an odd number of row tiles (the thread split falls back to rows).
ROW_CLASSES = ((8, 16, 24, 40, 48, 64), (6, 12, 18, 30), (4, 20, 28, 44), (3, 9, 15, 21, 33),
               (2, 10, 14, 22, 34), (1, 5, 7, 13, 17, 31))
#: N (columns) by the column strip nr: 32 (AVX-512) or 16 (AVX2) with 1-4 strips, 16, 8 or
#: 4 with an odd number of strips, and N no vector multiple divides (plain loops).
COL_CLASSES = ((32, 64, 96, 128), (16, 48, 80), (8, 24, 40, 56), (4, 12, 20, 28),
               (1, 2, 3, 5, 7, 9, 13, 15, 17, 31, 33))
#: K (reduction) by the k step: 4, 2, 1.
DEPTH_CLASSES = ((4, 8, 16, 32, 64), (2, 6, 10, 18, 34), (1, 3, 5, 7, 9, 13, 17, 31, 33))
BATCH = (1, 2, 3)
#: Convolution output channels F by the register tile fb (32/16/8/4 or none).
FILTER_CLASSES = ((32, 64), (16, 48), (8, 24, 40), (4, 12, 20), (1, 2, 3, 5, 7, 9, 13, 17, 33))
#: Input channels C (the reduction block cb is the largest divisor of C up to 16).
CHANNELS = (1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 24, 32, 33)
#: Spatial sizes (output columns: owb is the largest divisor up to 8).
SPATIAL = (1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17)
#: Sizes of the dims of reductions / normalizations / pools (vector width 16 or 8 and
#: not, 1, primes).
DIMS = (1, 2, 3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 31, 32, 33, 40, 48, 64)


def by_class(classes) -> st.SearchStrategy[int]:
    """A class (uniformly), then a size of it."""
    return st.sampled_from(classes).flatmap(st.sampled_from)


ROWS, COLS, DEPTH, FILTERS = (by_class(c) for c in (ROW_CLASSES, COL_CLASSES, DEPTH_CLASSES,
                                                    FILTER_CLASSES))

THREADS = st.sampled_from((1, 2))
#: 0: the host's vector width; 256: AVX2's; 128: SSE/NEON's.
VECTOR_BITS = st.sampled_from((0, 256, 128))
SEEDS = st.integers(0, 2**32 - 1)

F32_RTOL = 1e-4


def f32_atol(reduction: int) -> float:
    """Absolute tolerance of f32 sums of ``reduction`` products of values in [-1, 1]
    (their rounding error grows with the length; a wrong result is off by O(1))."""
    return 1e-5 + 2e-6 * reduction


def uniform(rng: np.random.Generator, shape, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    return rng.uniform(low, high, size=tuple(shape)).astype(np.float32)


def shape_with_total(data, rank: int, limit: int, label: str) -> list[int]:
    """A shape of ``rank`` dims from ``DIMS`` whose product stays under ``limit``
    (the dims drawn last shrink to fit)."""
    shape = []
    for i in range(rank):
        room = limit // int(np.prod(shape, dtype=np.int64)) if shape else limit
        room = max(1, room // (4 ** (rank - i - 1)))
        shape.append(data.draw(st.sampled_from([v for v in DIMS if v <= room] or [1]),
                               label=f"{label}[{i}]"))
    return shape


# --------------------------------------------------------------------------
# Compile, run, compare
# --------------------------------------------------------------------------
class Run:
    """The schedules the default scheduler gave the kernels of one compiled case."""

    def __init__(self):
        self.schedules: dict = {}

    def scheduled(self) -> list:
        return [s for s in self.schedules.values() if s is not None]


def check(model: onnx.ModelProto, feeds: dict, threads: int, vector_bits: int = 0,
          rtol: float = F32_RTOL, atol: float = 1e-5, label: str = "",
          reference: Optional[onnx.ModelProto] = None) -> Run:
    """Compile ``model`` with the default schedules (planned for ``vector_bits``, 0: the
    host's) on ``threads`` threads, run it on ``feeds`` and compare with onnxruntime
    (running ``reference``, an equivalent model, when given). When a kernel got a
    schedule, also check that its transform script applies whole (``applies_strictly``)."""
    run = Run()

    def hook(name, fn):
        schedule = default_schedule(fn, resolve_threads(threads), vector_bits)
        run.schedules[name] = schedule
        return schedule

    compiled = polytile.compile(model, threads=threads, schedules=hook)
    actual = compiled.run(feeds)
    expected = run_onnxruntime(reference or model, feeds)
    for name, schedule in run.schedules.items():
        note(f"kernel {name}: {schedule}")
    kinds = sorted(_kind(s) for s in run.schedules.values())
    event(f"{label}: {', '.join(kinds) or 'no kernel'}")
    assert_close(actual, expected, rtol=rtol, atol=atol)
    if run.scheduled():
        applies_strictly(model, threads, hook)
    return run


def applies_strictly(model: onnx.ModelProto, threads: int, hook) -> None:
    """Lower ``model`` to linalg with `sched-apply{strict=true}`: a default schedule whose
    transform script fails is an error here. (`polytile.compile` keeps the kernel's
    partly transformed loops instead, right but slow, and says nothing.)"""
    from polytile import pipelines
    from polytile.pipeline import Pipeline
    module = polytile.parse(polytile.compile(model, emit="sched", threads=threads, schedules=hook))
    pipeline = Pipeline()
    for p in pipelines.stage_passes("sched", "linalg"):
        pipeline.add("sched-apply{strict=true}" if p == "sched-apply" else p)
    pipeline.run(module)


def _kind(schedule) -> str:
    """A short name of a schedule: packing, register tile, reduction step."""
    if schedule is None:
        return "loops"
    from polytile.dialects import sched
    pack = schedule.find(sched.Pack)
    tiles = [s.sizes for s in schedule.steps if isinstance(s, sched.Tile)]
    inner = list(tiles[-1]) if tiles else []
    if pack is not None and pack.operand == 0:
        return f"pointwise conv nr={pack.tiles[-1]} mr={inner[1]} kc={inner[4]}"
    if len(inner) == 7:
        return f"conv fb={inner[1]} owb={inner[3]} cb={inner[4]}"
    return f"matmul mr={inner[-3]} nr={inner[-2]} kc={inner[-1]}"


def packed_lanes(vector_bits: int) -> int:
    """The narrowest column strip the default scheduler uses at ``vector_bits`` (0: host's)."""
    from polytile.schedules.host import host_cpu
    lanes = (vector_bits or host_cpu().vector_bits) // 32
    return max(4, lanes // 2)


def node(op: str, inputs, outputs, **attrs):
    return helper.make_node(op, list(inputs), list(outputs), name=f"{op.lower()}_{outputs[0]}", **attrs)


def epilogue_nodes(kind: str, src: str, out: str, rng, shape, inputs: dict, clip=(-0.5, 0.5)):
    """Element-wise ops after ``src`` (the fused epilogue of a contraction kernel):
    ``none``, ``relu``, ``add`` (a residual graph input), ``clip``, ``add_relu``."""
    if kind == "none":
        return [node("Identity", [src], [out])]
    if kind == "relu":
        return [node("Relu", [src], [out])]
    if kind == "clip":
        return [node("Clip", [src, "clip_lo", "clip_hi"], [out])], \
            {"clip_lo": np.array(clip[0], np.float32), "clip_hi": np.array(clip[1], np.float32)}
    inputs["R"] = uniform(rng, shape)
    if kind == "add":
        return [node("Add", [src, "R"], [out])]
    assert kind == "add_relu"
    return [node("Add", [src, "R"], ["sum"]), node("Relu", ["sum"], [out])]


def split_epilogue(result):
    return result if isinstance(result, tuple) else (result, {})


EPILOGUES = st.sampled_from(("none", "relu", "add", "clip", "add_relu"))


def draw_matmul_dims(data):
    """(M, N, K), each drawn by its remainder class."""
    return (data.draw(ROWS, label="M"), data.draw(COLS, label="N"), data.draw(DEPTH, label="K"))


# --------------------------------------------------------------------------
# MatMul
# --------------------------------------------------------------------------
def _matmul_case(data, a_shape, b_shape, label):
    threads = data.draw(THREADS, label="threads")
    vector_bits = data.draw(VECTOR_BITS, label="vector_bits")
    b_const = data.draw(st.booleans(), label="B is an initializer")
    epilogue = data.draw(EPILOGUES, label="epilogue")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    a, b = uniform(rng, a_shape), uniform(rng, b_shape)
    inputs = {"A": a}
    inits = {"B": b} if b_const else {}
    if not b_const:
        inputs["B"] = b
    out_shape = list(np.broadcast_shapes(a_shape[:-2], b_shape[:-2])) + [a_shape[-2], b_shape[-1]]
    nodes = [node("MatMul", ["A", "B"], ["P"])]
    epi, extra = split_epilogue(epilogue_nodes(epilogue, "P", "Y", rng, out_shape, inputs))
    model = make_model(nodes + epi, inputs, ["Y"], {**inits, **extra})
    k = a_shape[-1]
    run = check(model, inputs, threads, vector_bits, atol=f32_atol(k), label=label)
    return run, vector_bits


@settings(max_examples=examples(2.0))
@given(st.data())
def test_matmul_2d(data):
    """[M, K] @ [K, N], B an initializer (packed at compile time) or an input (packed at run time)."""
    m, n, k = draw_matmul_dims(data)
    run, vector_bits = _matmul_case(data, [m, k], [k, n], "matmul 2-d")
    if n % packed_lanes(vector_bits) == 0:
        assert run.scheduled(), f"[{m},{k}] @ [{k},{n}] should get the packed schedule"


@settings(max_examples=examples(1.0))
@given(st.data())
def test_matmul_batched(data):
    """[batch..., M, K] @ [batch..., K, N] with equal batch dims (3-d and 4-d): the packed
    product has batch loops."""
    rank = data.draw(st.sampled_from((3, 4)), label="rank")
    batch = [data.draw(st.sampled_from(BATCH), label=f"batch[{i}]") for i in range(rank - 2)]
    m, n, k = draw_matmul_dims(data)
    run, vector_bits = _matmul_case(data, batch + [m, k], batch + [k, n], "matmul batched")
    if n % packed_lanes(vector_bits) == 0:
        assert run.scheduled(), f"{batch + [m, k]} @ {batch + [k, n]} should get the packed schedule"


BROADCASTS = (
    # (A shape, B shape) in terms of B0, B1, M, K, N; the first is one 2-d product of all rows
    ("[B0,M,K]@[K,N]", lambda b0, b1, m, k, n: ([b0, m, k], [k, n])),
    ("[B0,B1,M,K]@[K,N]", lambda b0, b1, m, k, n: ([b0, b1, m, k], [k, n])),
    ("[M,K]@[B0,K,N]", lambda b0, b1, m, k, n: ([m, k], [b0, k, n])),
    ("[1,M,K]@[B0,K,N]", lambda b0, b1, m, k, n: ([1, m, k], [b0, k, n])),
    ("[B0,1,M,K]@[B1,K,N]", lambda b0, b1, m, k, n: ([b0, 1, m, k], [b1, k, n])),
    ("[B0,M,K]@[1,K,N]", lambda b0, b1, m, k, n: ([b0, m, k], [1, k, n])),
    ("[1,B1,M,K]@[B0,1,K,N]", lambda b0, b1, m, k, n: ([1, b1, m, k], [b0, 1, k, n])),
)


@settings(max_examples=examples(1.0))
@given(st.data())
def test_matmul_broadcast_batch(data):
    """Batch dims that broadcast: a batch of rows times one matrix (one packed 2-d
    product of B*M rows), one matrix times a batch, size-1 batch dims on either side."""
    name, shapes = data.draw(st.sampled_from(BROADCASTS), label="form")
    b0 = data.draw(st.sampled_from((2, 3)), label="B0")
    b1 = data.draw(st.sampled_from((2, 3)), label="B1")
    m, n, k = draw_matmul_dims(data)
    a_shape, b_shape = shapes(b0, b1, m, k, n)
    run, vector_bits = _matmul_case(data, a_shape, b_shape, f"matmul {name}")
    if name.endswith("@[K,N]") and n % packed_lanes(vector_bits) == 0:
        assert run.scheduled(), f"{a_shape} @ {b_shape} should get the packed schedule"


# --------------------------------------------------------------------------
# Gemm
# --------------------------------------------------------------------------
BIAS_FORMS = ("none", "[N]", "[M,N]", "[1,N]", "[M,1]", "scalar")


@settings(max_examples=examples(1.5))
@given(st.data())
def test_gemm(data):
    """alpha * A' @ B' + beta * C with transA/transB, C absent or broadcast from [N],
    [M, N], [1, N], [M, 1] or a scalar, sometimes followed by Relu (fused epilogue)."""
    m, n, k = draw_matmul_dims(data)
    trans_a = data.draw(st.booleans(), label="transA")
    trans_b = data.draw(st.booleans(), label="transB")
    alpha = data.draw(st.sampled_from((1.0, 0.5, -2.0)), label="alpha")
    beta = data.draw(st.sampled_from((1.0, 0.0, 0.25)), label="beta")
    bias = data.draw(st.sampled_from(BIAS_FORMS), label="C")
    relu = data.draw(st.booleans(), label="relu")
    b_const = data.draw(st.booleans(), label="B is an initializer")
    c_const = data.draw(st.booleans(), label="C is an initializer")
    threads = data.draw(THREADS, label="threads")
    vector_bits = data.draw(VECTOR_BITS, label="vector_bits")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    a = uniform(rng, [k, m] if trans_a else [m, k])
    b = uniform(rng, [n, k] if trans_b else [k, n])
    inputs, inits = {"A": a}, {}
    (inits if b_const else inputs)["B"] = b
    names = ["A", "B"]
    if bias != "none":
        c_shape = {"[N]": [n], "[M,N]": [m, n], "[1,N]": [1, n], "[M,1]": [m, 1], "scalar": []}[bias]
        (inits if c_const else inputs)["C"] = uniform(rng, c_shape)
        names.append("C")
    gemm_out = "Y" if not relu else "G"
    nodes = [node("Gemm", names, [gemm_out], alpha=alpha, beta=beta, transA=int(trans_a),
                  transB=int(trans_b))]
    if relu:
        nodes.append(node("Relu", ["G"], ["Y"]))
    model = make_model(nodes, inputs, ["Y"], inits)
    run = check(model, inputs, threads, vector_bits, atol=f32_atol(k) * abs(alpha) + 1e-5,
                label=f"gemm{' relu' if relu else ''}")
    if n % packed_lanes(vector_bits) == 0:
        assert run.scheduled(), f"Gemm M={m} N={n} K={k} should get the packed schedule"


# --------------------------------------------------------------------------
# Conv
# --------------------------------------------------------------------------
def _conv_out(size: int, kernel: int, stride: int, dilation: int, pad_total: int) -> int:
    return (size + pad_total - dilation * (kernel - 1) - 1) // stride + 1


def same_pads(auto_pad: str, sizes, kernel, strides, dilations) -> list[int]:
    """The explicit pads (begins..., ends...) of ``auto_pad`` SAME_UPPER / SAME_LOWER (the
    ONNX spec: output ceil(size / stride), the odd pad at the end for UPPER)."""
    begins, ends = [], []
    for size, k, s, d in zip(sizes, kernel, strides, dilations):
        out = -(-size // s)
        total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
        small, large = total // 2, total - total // 2
        begins.append(small if auto_pad == "SAME_UPPER" else large)
        ends.append(large if auto_pad == "SAME_UPPER" else small)
    return begins + ends


def explicit_pads_reference(nodes, index: int, attrs: dict, sizes, inputs, outputs, inits):
    """``nodes`` with the auto_pad of ``nodes[index]`` (SAME_*) replaced by its explicit
    pads, for the cases onnxruntime gets wrong (``needs_explicit_pads``): it runs this
    equivalent model instead."""
    ref_attrs = {k: v for k, v in attrs.items() if k != "auto_pad"}
    ref_attrs["pads"] = same_pads(attrs["auto_pad"], sizes, attrs["kernel_shape"],
                                  attrs.get("strides", [1] * len(sizes)),
                                  attrs.get("dilations", [1] * len(sizes)))
    old = nodes[index]
    ref = list(nodes)
    ref[index] = helper.make_node(old.op_type, list(old.input), list(old.output), name=old.name,
                                  **ref_attrs)
    return make_model(ref, inputs, outputs, inits)


def needs_explicit_pads(attrs: dict, sizes) -> bool:
    """SAME padding that onnxruntime does not take: with dilations (Conv: an error; pools:
    pads that ignore the dilation), or where the window and stride need less than the
    input (the spec's pad total is negative, i.e. 0; onnxruntime: "padding values must be
    non-negative", or with 16 channels wrong values)."""
    if not str(attrs.get("auto_pad", "")).startswith("SAME"):
        return False
    dilations = attrs.get("dilations", [1] * len(sizes))
    strides = attrs.get("strides", [1] * len(sizes))
    negative = any((-(-size // s) - 1) * s + (k - 1) * d + 1 < size
                   for size, k, s, d in zip(sizes, attrs["kernel_shape"], strides, dilations))
    return max(dilations) > 1 or negative


def _draw_conv(data):
    form = data.draw(st.sampled_from(("groups 1", "depthwise", "grouped", "depthwise x2")),
                     label="form")
    if form == "groups 1":
        c = data.draw(st.sampled_from(CHANNELS), label="C")
        f = data.draw(FILTERS, label="F")
        group = 1
    elif form == "depthwise":
        c = f = group = data.draw(FILTERS, label="C")
    elif form == "depthwise x2":  # channel multiplier 2: groups == C, F == 2C
        c = group = data.draw(st.sampled_from(CHANNELS[:10]), label="C")
        f = 2 * c
    else:
        group = data.draw(st.sampled_from((2, 3, 4)), label="group")
        c = group * data.draw(st.sampled_from((1, 2, 3, 5, 8)), label="C per group")
        f = group * data.draw(st.sampled_from((1, 2, 3, 8)), label="F per group")
    batch = data.draw(st.sampled_from((1, 1, 2)), label="N")
    h = data.draw(st.sampled_from(SPATIAL), label="H")
    w = data.draw(st.sampled_from(SPATIAL), label="W")
    kh = data.draw(st.sampled_from((1, 2, 3, 5)), label="KH")
    kw = data.draw(st.sampled_from((1, 2, 3, 5)), label="KW")
    strides = [data.draw(st.sampled_from((1, 1, 2, 3)), label=f"stride[{i}]") for i in range(2)]
    dilations = [data.draw(st.sampled_from((1, 1, 2)), label=f"dilation[{i}]") for i in range(2)]
    padding = data.draw(st.sampled_from(("pads", "pads", "SAME_UPPER", "SAME_LOWER", "VALID")),
                        label="padding")
    pads = [data.draw(st.integers(0, 2), label=f"pad[{i}]") for i in range(4)] \
        if padding == "pads" else [0, 0, 0, 0]
    # shrink the window to fit the (padded) input
    for i, (size, kernel) in enumerate(((h, kh), (w, kw))):
        room = size + (pads[i] + pads[i + 2] if padding == "pads" else 0)
        if padding.startswith("SAME"):
            room = size  # keep SAME's padding below the window
        while dilations[i] * ((kh, kw)[i] - 1) + 1 > room:
            if dilations[i] > 1:
                dilations[i] = 1
            elif i == 0:
                kh -= 1
            else:
                kw -= 1
    return form, batch, c, f, group, h, w, kh, kw, strides, dilations, padding, pads


def _conv_operands(data, x_shape, w_shape):
    """The draws every convolution sweep shares: bias or not, W an initializer or an
    input, the epilogue, threads, vector width and the data. Returns (inputs, initializers,
    the Conv's input names, epilogue, threads, vector_bits, rng)."""
    bias = data.draw(st.booleans(), label="bias")
    w_const = data.draw(st.sampled_from((True, True, False)), label="W is an initializer")
    epilogue = data.draw(EPILOGUES, label="epilogue")
    threads = data.draw(THREADS, label="threads")
    vector_bits = data.draw(VECTOR_BITS, label="vector_bits")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    inputs, inits = {"X": uniform(rng, x_shape)}, {}
    (inits if w_const else inputs)["W"] = uniform(rng, w_shape)
    names = ["X", "W"]
    if bias:
        inits["Bias"] = uniform(rng, [w_shape[0]])
        names.append("Bias")
    return inputs, inits, names, epilogue, threads, vector_bits, rng


@settings(max_examples=examples(2.0))
@given(st.data())
def test_conv(data):
    """2-d convolutions, groups 1 and depthwise (channels-last schedule, fb x owb register
    tiles) and other groups (loops), with strides, dilations, asymmetric pads or auto_pad,
    bias, and a fused Relu / residual Add / Clip epilogue."""
    form, batch, c, f, group, h, w, kh, kw, strides, dilations, padding, pads = _draw_conv(data)
    inputs, inits, names, epilogue, threads, vector_bits, rng = _conv_operands(
        data, [batch, c, h, w], [f, c // group, kh, kw])
    attrs = dict(kernel_shape=[kh, kw], strides=strides, dilations=dilations, group=group)
    if padding == "pads":
        attrs["pads"] = pads
    else:
        attrs["auto_pad"] = padding
    if padding.startswith("SAME"):
        out_hw = [-(-h // strides[0]), -(-w // strides[1])]
    else:
        out_hw = [_conv_out(h, kh, strides[0], dilations[0], pads[0] + pads[2]),
                  _conv_out(w, kw, strides[1], dilations[1], pads[1] + pads[3])]
    out_shape = [batch, f] + out_hw
    nodes = [node("Conv", names, ["Z"], **attrs)]
    epi, extra = split_epilogue(epilogue_nodes(epilogue, "Z", "Y", rng, out_shape, inputs))
    model = make_model(nodes + epi, inputs, ["Y"], {**inits, **extra})
    reference = explicit_pads_reference(nodes + epi, 0, attrs, [h, w], inputs, ["Y"], {**inits, **extra}) \
        if needs_explicit_pads(attrs, [h, w]) else None
    check(model, inputs, threads, vector_bits, atol=f32_atol(c // group * kh * kw),
          label=f"conv {form}", reference=reference)


@settings(max_examples=examples(0.5))
@given(st.data())
def test_conv_dynamic_dims(data):
    """2-d convolutions whose N, H and W are dynamic (``[N, C, H, W]`` in the model):
    compiled once, run at two drawn sizes (one-column register tiles, so no tile is
    partial), with explicit pads, strides, dilations and an element-wise epilogue."""
    form, batch, c, f, group, h, w, kh, kw, strides, dilations, padding, pads = _draw_conv(data)
    if padding != "pads":  # SAME over a dynamic dim is refused at import
        pads = [0, 0, 0, 0]
    inputs, inits, names, _, threads, vector_bits, rng = _conv_operands(
        data, [batch, c, h, w], [f, c // group, kh, kw])
    epilogue = data.draw(st.sampled_from(("none", "relu", "clip")), label="epilogue")
    attrs = dict(kernel_shape=[kh, kw], strides=strides, dilations=dilations, group=group, pads=pads)
    nodes = [node("Conv", names, ["Z"], **attrs)]
    epi, extra = split_epilogue(epilogue_nodes(epilogue, "Z", "Y", rng, None, inputs))
    model = make_model(nodes + epi, inputs, ["Y"], {**inits, **extra})
    for k, symbol in ((0, "N"), (2, "H"), (3, "W")):
        model.graph.input[0].type.tensor_type.shape.dim[k].dim_param = symbol
    model.graph.output[0].type.tensor_type.ClearField("shape")
    run = Run()

    def hook(name, fn):
        run.schedules[name] = default_schedule(fn, resolve_threads(threads), vector_bits)
        return run.schedules[name]

    compiled = polytile.compile(model, threads=threads, schedules=hook)
    kinds = sorted(_kind(s) for s in run.schedules.values())
    event(f"dynamic conv {form}: {', '.join(kinds) or 'no kernel'}")
    second = [data.draw(st.sampled_from((1, 2, 3)), label="N2"), c,
              h + data.draw(st.integers(0, 9), label="H2 - H"),
              w + data.draw(st.integers(0, 9), label="W2 - W")]
    for x_shape in ([batch, c, h, w], second):
        feeds = {**inputs, "X": uniform(rng, x_shape)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), rtol=F32_RTOL,
                     atol=f32_atol(c // group * kh * kw))
    if run.scheduled():
        applies_strictly(model, threads, hook)


@settings(max_examples=examples(1.0))
@given(st.data())
def test_conv_pointwise(data):
    """1x1 convolutions of stride 1 without padding: one image is the packed product
    W[F, C] @ X[C, H*W] (strips of H*W padded when no strip width divides it); a batch
    of images takes the channels-last path."""
    batch = data.draw(st.sampled_from((1, 1, 1, 2)), label="N")
    c = data.draw(st.sampled_from(CHANNELS), label="C")
    f = data.draw(FILTERS, label="F")
    h = data.draw(st.sampled_from(SPATIAL), label="H")
    w = data.draw(st.sampled_from(SPATIAL), label="W")
    inputs, inits, names, epilogue, threads, vector_bits, rng = _conv_operands(
        data, [batch, c, h, w], [f, c, 1, 1])
    nodes = [node("Conv", names, ["Z"], kernel_shape=[1, 1])]
    epi, extra = split_epilogue(epilogue_nodes(epilogue, "Z", "Y", rng, [batch, f, h, w], inputs))
    model = make_model(nodes + epi, inputs, ["Y"], {**inits, **extra})
    run = check(model, inputs, threads, vector_bits, atol=f32_atol(c), label="conv 1x1")
    assert run.scheduled() or batch > 1, f"the 1x1 convolution C={c} F={f} {h}x{w} should be scheduled"


# --------------------------------------------------------------------------
# Pools
# --------------------------------------------------------------------------
def _draw_pool(data, with_dilation: bool):
    batch = data.draw(st.sampled_from((1, 2)), label="N")
    c = data.draw(st.sampled_from((1, 3, 8, 16, 17)), label="C")
    h = data.draw(st.sampled_from(SPATIAL), label="H")
    w = data.draw(st.sampled_from(SPATIAL), label="W")
    kernel = [data.draw(st.sampled_from((1, 2, 3, 5)), label=f"kernel[{i}]") for i in range(2)]
    strides = [data.draw(st.sampled_from((1, 2, 3)), label=f"stride[{i}]") for i in range(2)]
    dilations = [data.draw(st.sampled_from((1, 1, 2)), label=f"dilation[{i}]") for i in range(2)] \
        if with_dilation else [1, 1]
    padding = data.draw(st.sampled_from(("pads", "pads", "SAME_UPPER", "SAME_LOWER", "VALID")),
                        label="padding")
    pads = [0, 0, 0, 0]
    for i, size in enumerate((h, w)):
        while dilations[i] * (kernel[i] - 1) + 1 > size:
            if dilations[i] > 1:
                dilations[i] = 1
            else:
                kernel[i] -= 1
    if padding == "pads":
        # ONNX: a pad must be smaller than the window
        pads = [data.draw(st.integers(0, kernel[i % 2] - 1), label=f"pad[{i}]") for i in range(4)]
    ceil_mode = data.draw(st.booleans(), label="ceil_mode") if padding in ("pads", "VALID") else False
    attrs = dict(kernel_shape=kernel, strides=strides, ceil_mode=int(ceil_mode))
    if with_dilation:
        attrs["dilations"] = dilations
    if padding == "pads":
        attrs["pads"] = pads
    else:
        attrs["auto_pad"] = padding
    return [batch, c, h, w], attrs


def _pool_case(data, op: str, with_dilation: bool, extra_attrs: dict):
    shape, attrs = _draw_pool(data, with_dilation)
    attrs.update(extra_attrs)
    threads = data.draw(THREADS, label="threads")
    relu = data.draw(st.booleans(), label="relu epilogue")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    inputs = {"X": uniform(rng, shape)}
    nodes = [node(op, ["X"], ["P" if relu else "Y"], **attrs)]
    if relu:
        nodes.append(node("Relu", ["P"], ["Y"]))
    model = make_model(nodes, inputs, ["Y"])
    reference = explicit_pads_reference(nodes, 0, attrs, shape[2:], inputs, ["Y"], {}) \
        if needs_explicit_pads(attrs, shape[2:]) else None
    window = int(np.prod(attrs["kernel_shape"]))
    check(model, inputs, threads, atol=f32_atol(window), label=op, reference=reference)


@settings(max_examples=examples(0.75))
@given(st.data())
def test_max_pool(data):
    """MaxPool: windows, strides, dilations, pads (or auto_pad), ceil_mode."""
    _pool_case(data, "MaxPool", True, {})


@settings(max_examples=examples(0.75))
@given(st.data())
def test_average_pool(data):
    """AveragePool: windows, strides, pads (or auto_pad), ceil_mode, count_include_pad."""
    include = data.draw(st.booleans(), label="count_include_pad")
    _pool_case(data, "AveragePool", False, {"count_include_pad": int(include)})


@settings(max_examples=examples(0.4))
@given(st.data())
def test_global_average_pool(data):
    """GlobalAveragePool of [N, C, H, W] (and of [N, C, L])."""
    rank = data.draw(st.sampled_from((3, 4, 4)), label="rank")
    shape = [data.draw(st.sampled_from((1, 2)), label="N"), data.draw(st.sampled_from(CHANNELS), label="C")]
    shape += [data.draw(st.sampled_from(SPATIAL + (31, 32, 33)), label=f"spatial[{i}]")
              for i in range(rank - 2)]
    threads = data.draw(THREADS, label="threads")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    inputs = {"X": uniform(rng, shape)}
    model = make_model([node("GlobalAveragePool", ["X"], ["Y"])], inputs, ["Y"])
    check(model, inputs, threads, atol=f32_atol(int(np.prod(shape[2:]))), label="GlobalAveragePool")


# --------------------------------------------------------------------------
# Softmax, LayerNormalization, reductions
# --------------------------------------------------------------------------
def _prologue(data, rng, shape, inputs: dict, src: str = "X") -> tuple[list, str]:
    """Sometimes an element-wise producer of the reduction's input (fused into its kernel)."""
    if not data.draw(st.booleans(), label="element-wise prologue"):
        return [], src
    inputs["X2"] = uniform(rng, shape)
    return [node("Mul", [src, "X2"], ["XM"])], "XM"


@settings(max_examples=examples(0.75))
@given(st.data())
def test_softmax(data):
    """Softmax along every axis (negative ones too) of tensors of rank 1 to 4."""
    rank = data.draw(st.integers(1, 4), label="rank")
    shape = shape_with_total(data, rank, 16384, "shape")
    axis = data.draw(st.integers(-rank, rank - 1), label="axis")
    threads = data.draw(THREADS, label="threads")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    inputs = {"X": uniform(rng, shape, -4.0, 4.0)}
    pre, src = _prologue(data, rng, shape, inputs)
    model = make_model(pre + [node("Softmax", [src], ["Y"], axis=axis)], inputs, ["Y"])
    check(model, inputs, threads, atol=1e-6, label="Softmax")


@settings(max_examples=examples(0.75))
@given(st.data())
def test_layer_normalization(data):
    """LayerNormalization along every axis (negative ones too), with or without bias."""
    rank = data.draw(st.integers(1, 4), label="rank")
    shape = shape_with_total(data, rank, 16384, "shape")
    axis = data.draw(st.integers(-rank, rank - 1), label="axis")
    with_bias = data.draw(st.booleans(), label="bias")
    epsilon = data.draw(st.sampled_from((1e-5, 1e-2)), label="epsilon")
    threads = data.draw(THREADS, label="threads")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    inputs = {"X": uniform(rng, shape, -3.0, 3.0)}
    norm_shape = shape[axis:]
    inits = {"Scale": uniform(rng, norm_shape)}
    names = ["X", "Scale"]
    if with_bias:
        inits["B"] = uniform(rng, norm_shape)
        names.append("B")
    pre, src = _prologue(data, rng, shape, inputs)
    names[0] = src
    model = make_model(pre + [node("LayerNormalization", names, ["Y"], axis=axis, epsilon=epsilon)],
                       inputs, ["Y"], inits)
    length = int(np.prod(norm_shape))
    check(model, inputs, threads, atol=1e-4 + 1e-6 * length, label="LayerNormalization")


@settings(max_examples=examples(1.0))
@given(st.data())
def test_reduce(data):
    """ReduceSum / ReduceMean / ReduceMax over every axis and every subset of axes (and
    the default: all), keepdims 0 and 1, negative axes."""
    op = data.draw(st.sampled_from(("ReduceSum", "ReduceMean", "ReduceMax")), label="op")
    rank = data.draw(st.integers(1, 4), label="rank")
    shape = shape_with_total(data, rank, 16384, "shape")
    axes = data.draw(st.lists(st.integers(0, rank - 1), unique=True, max_size=rank), label="axes")
    axes = [a - rank if data.draw(st.booleans(), label=f"axis {a} negative") else a for a in axes]
    keepdims = data.draw(st.booleans(), label="keepdims")
    threads = data.draw(THREADS, label="threads")
    rng = np.random.default_rng(data.draw(SEEDS, label="seed"))
    inputs = {"X": uniform(rng, shape)}
    pre, src = _prologue(data, rng, shape, inputs)
    inits = {}
    if op == "ReduceSum":  # opset 13+: axes is an input
        names = [src]
        if axes:
            inits["axes"] = np.array(axes, np.int64)
            names.append("axes")
        nodes = [node(op, names, ["Y"], keepdims=int(keepdims))]
    else:  # opset 17: axes is an attribute
        attrs = dict(keepdims=int(keepdims))
        if axes:
            attrs["axes"] = axes
        nodes = [node(op, [src], ["Y"], **attrs)]
    model = make_model(pre + nodes, inputs, ["Y"], inits)
    length = int(np.prod([shape[a] for a in axes])) if axes else int(np.prod(shape))
    check(model, inputs, threads, atol=f32_atol(length), label=op)

"""Schedule overrides: ``polytile.compile(model, threads=N, schedules=...)`` and
``--schedule FILE.mlir`` of polytile-compile / polytile-run.

Two models with matrix-product kernels: the MLP of ``examples/schedules``
(kernels ``gemm_relu_0`` and ``matmul_add_1``) and a batched MatMul
[4,16,32] x [4,32,64] (one kernel with a batch loop). Each is compiled with
the default schedules and with a hand-written one (register tile 4 x 16,
reduction step 2, one thread) given as a file, as text, as a dict and through a
hook; every output must match onnxruntime and the others. The hand-written tile
must show in ``emit="sched"`` and ``emit="linalg"``. Illegal schedules are
errors at the offending sched op (``file:line:col``), never tracebacks.
"""
from __future__ import annotations

import functools
import importlib.util
import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper

import polytile
from onnx_check import make_model, run_onnxruntime
from polytile import compile_main, run_main
from polytile.diagnostics import PolytileError
from polytile.dialects import sched
from polytile.dialects.sched import Fuse, Interchange, Pack, Parallel, Schedule, Tile, Vectorize

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "schedules"
EXAMPLE_SCHEDULE = EXAMPLES / "mlp.sched.mlir"

MR, NR, KC = 4, 16, 2  # the hand-written register tile and reduction step
ORT_TOL = 1e-4  # polytile vs onnxruntime
SAME_TOL = 1e-5  # polytile with one schedule vs another


# --------------------------------------------------------------------------
# Models and schedules
# --------------------------------------------------------------------------
def _make_mlp_module():
    spec = importlib.util.spec_from_file_location("make_mlp", EXAMPLES / "make_mlp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=None)
def case(name: str):
    """(model, feeds, onnxruntime outputs) of test model ``name``."""
    rng = np.random.default_rng(7)
    if name == "mlp":
        model = _make_mlp_module().build_mlp()
        feeds = {"X": rng.standard_normal((32, 64)).astype(np.float32)}
    else:
        a = rng.standard_normal((4, 16, 32)).astype(np.float32)
        b = rng.standard_normal((4, 32, 64)).astype(np.float32)
        model = make_model([helper.make_node("MatMul", ["A", "B"], ["Y"], name="bmm")],
                           {"A": a, "B": b}, ["Y"])
        feeds = {"A": a, "B": b}
    return model, feeds, run_onnxruntime(model, feeds)


CASES = ["mlp", "batched_matmul"]
# Loops of the kernels: batch dims, then (m, n, k); every kernel of both models has
# M a multiple of 4, N a multiple of 16 and K a multiple of 2.
KERNELS = {"mlp": {"gemm_relu_0": 0, "matmul_add_1": 0}, "batched_matmul": {"matmul_0": 1}}


def hand_schedule(kernel: str, batch_dims: int, threads: int = 1) -> Schedule:
    """Register tiles MR x NR with reduction step KC, B packed into NR-wide strips,
    column strips outermost and run on ``threads`` threads, epilogue fused."""
    ones = [1] * batch_dims
    nb = batch_dims
    return Schedule(kernel, [
        Pack(operand=1, tiles=(NR,)),
        Interchange(permutation=tuple(range(nb)) + (nb + 1, nb, nb + 2)),
        Tile(sizes=ones + [MR, NR, 0]),
        Parallel(dims=(nb + 1,), threads=threads),
        Tile(sizes=ones + [MR, NR, KC]),
        Fuse(consumers=True),
        Vectorize(width=16),
    ])


def hand_schedules(name: str, threads: int = 1) -> dict[str, Schedule]:
    return {k: hand_schedule(k, nb, threads) for k, nb in KERNELS[name].items()}


def hand_hook(kernel_name: str, kernel_func) -> Schedule:
    """The hook form: the batch dims come from the kernel's iteration space."""
    loops = sched.kernel_iteration_space(kernel_func)
    assert [loop.kind for loop in loops[-3:]] == ["parallel", "parallel", "reduction"]
    return hand_schedule(kernel_name, len(loops) - 3)


def schedule_source(name: str, form: str, tmp_path: Path):
    """The hand-written schedules of model ``name`` in one of the accepted forms."""
    schedules = hand_schedules(name)
    if form == "dict":
        return schedules
    if form == "hook":
        return hand_hook
    text = sched.format_schedules(schedules.values())
    if form == "text":
        return text
    path = tmp_path / f"{name}.sched.mlir"
    path.write_text(text)
    return str(path)


@functools.lru_cache(maxsize=None)
def default_outputs(name: str, threads: int) -> list[np.ndarray]:
    model, feeds, _ = case(name)
    return polytile.compile(model, threads=threads).run(feeds)


def parse_schedules(module_text: str) -> dict[str, Schedule]:
    """The schedules in the text of an ``emit="sched"`` module."""
    return sched.schedules_in(polytile.parse(module_text))


def assert_close(actual, expected, tol):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.shape == e.shape and a.dtype == e.dtype
        np.testing.assert_allclose(a, e, rtol=tol, atol=tol)


# --------------------------------------------------------------------------
# Kernel names, default schedules, threads
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_hook_sees_every_kernel_that_emit_sched_lists(name):
    model, _, _ = case(name)
    seen = []

    def record(kernel_name, kernel_func):
        seen.append(kernel_name)
        assert kernel_func.name == "func.func"
        assert str(kernel_func.attributes["sym_name"]) == f'"{kernel_name}"'
        return None  # None: keep the default schedule

    text = polytile.compile(model, emit="sched", schedules=record)
    assert sorted(seen) == sorted(KERNELS[name])
    # Every kernel got the default schedule (none was overridden).
    assert sorted(parse_schedules(text)) == sorted(KERNELS[name])
    assert parse_schedules(text) == parse_schedules(polytile.compile(model, emit="sched"))


@pytest.mark.parametrize("name", CASES)
def test_default_schedule_matches_onnxruntime_on_one_and_two_threads(name):
    _, _, expected = case(name)
    one, two = default_outputs(name, 1), default_outputs(name, 2)
    assert_close(one, expected, ORT_TOL)
    assert_close(two, expected, ORT_TOL)
    for a, b in zip(one, two):  # threads split whole tiles: the same sums in the same order
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------
# Hand-written schedules: numerics
# --------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["file", "text", "dict", "hook"])
@pytest.mark.parametrize("name", CASES)
def test_hand_schedule_matches_onnxruntime_and_default(name, form, tmp_path):
    model, feeds, expected = case(name)
    compiled = polytile.compile(model, threads=1, schedules=schedule_source(name, form, tmp_path))
    actual = compiled.run(feeds)
    assert_close(actual, expected, ORT_TOL)
    assert_close(actual, default_outputs(name, 1), SAME_TOL)


@pytest.mark.parametrize("name", CASES)
def test_hand_schedule_on_two_threads_gives_the_same_numbers(name):
    model, feeds, expected = case(name)
    one = polytile.compile(model, threads=1, schedules=hand_schedules(name, threads=1)).run(feeds)
    two = polytile.compile(model, threads=2, schedules=hand_schedules(name, threads=2)).run(feeds)
    assert_close(two, expected, ORT_TOL)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)


def test_example_schedule_file_is_the_hand_schedule_of_the_mlp():
    with polytile.create_context() as context:
        loaded = sched.load_schedules(str(EXAMPLE_SCHEDULE), context)
    assert loaded == hand_schedules("mlp")


def test_schedules_override_only_the_kernels_they_name():
    model, feeds, expected = case("mlp")
    mine = {"matmul_add_1": hand_schedules("mlp")["matmul_add_1"]}
    text = polytile.compile(model, emit="sched", threads=1, schedules=mine)
    found = parse_schedules(text)
    assert found["matmul_add_1"] == mine["matmul_add_1"]
    assert found["gemm_relu_0"] == parse_schedules(
        polytile.compile(model, emit="sched", threads=1))["gemm_relu_0"]
    actual = polytile.compile(model, threads=1, schedules=mine).run(feeds)
    assert_close(actual, expected, ORT_TOL)


# --------------------------------------------------------------------------
# Hand-written schedules: the IR shows them
# --------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["file", "text", "dict", "hook"])
@pytest.mark.parametrize("name", CASES)
def test_emit_sched_shows_the_hand_schedule(name, form, tmp_path):
    model, _, _ = case(name)
    text = polytile.compile(model, emit="sched", threads=1,
                            schedules=schedule_source(name, form, tmp_path))
    assert parse_schedules(text) == hand_schedules(name)


def _forall_extents(linalg_text: str) -> list[tuple[int, ...]]:
    return [tuple(int(v) for v in m.split(","))
            for m in re.findall(r"scf\.forall \([^)]*\) in \(([0-9, ]+)\)", linalg_text)]


# The register-tile forall of the hand schedule: (batch..., N / NR, M / MR), one thread.
HAND_FORALL = {"mlp": (128 // NR, 32 // MR), "batched_matmul": (4, 64 // NR, 16 // MR)}


@pytest.mark.parametrize("name", CASES)
def test_emit_linalg_shows_the_hand_register_tile(name):
    model, _, _ = case(name)
    hand = polytile.compile(model, emit="linalg", threads=1, schedules=hand_schedules(name))
    default = polytile.compile(model, emit="linalg", threads=1)
    # Accumulators MR x NR; per k step an MR x KC tile of A and a KC x NR strip of packed B.
    # (the vectors keep the unit dims of the packed loops: vector<1x4x2xf32> is a 4x2 tile)
    def has_tile(text: str, *dims: int) -> bool:
        return re.search(r"vector<(1x)*" + "x(1x)*".join(map(str, dims)) + r"xf32>", text) is not None
    for dims in ((MR, NR), (MR, KC), (KC, NR)):
        assert has_tile(hand, *dims), dims
    assert not has_tile(default, MR, KC)  # the default's reduction step differs (kc 4)
    # (its register tile may be the same 4 x 16: with AVX2, 6 rows do not divide M)
    assert HAND_FORALL[name] in _forall_extents(hand)


# Each kernel's register tiles form one forall (the MLP's epilogues must not fuse
# across kernels: that would drop the second kernel's schedule tag).
@pytest.mark.parametrize("name", CASES)
def test_every_kernel_schedule_reaches_its_linalg_ops(name):
    model, _, _ = case(name)
    hand = polytile.compile(model, emit="linalg", threads=1, schedules=hand_schedules(name))
    assert hand.count("{sched.inner_tile}") == len(KERNELS[name])


# --------------------------------------------------------------------------
# Illegal schedules
# --------------------------------------------------------------------------
def _replace_step(schedule: Schedule, index: int, step) -> Schedule:
    steps = list(schedule.steps)
    steps[index] = step
    return Schedule(schedule.kernel, steps)


# What is wrong -> (index of the broken op in gemm_relu_0's schedule, 0 = sched.kernel,
# the broken schedule (loops m, n, k of extents 32, 128, 64), the message).
BAD = {
    "tile_sizes_count": (3, lambda s: _replace_step(s, 2, Tile(sizes=(MR, NR))),
                         "tile level 1 has 2 sizes, but kernel 'gemm_relu_0' has 3 loops (m, n, k)"),
    "parallel_reduction_loop": (4, lambda s: _replace_step(s, 3, Parallel(dims=(2,), threads=1)),
                                "loop 'k' is a reduction loop; running it in parallel races"),
    # (not m or n: the packed product pads them to the register tile)
    "vector_tile_not_dividing": (5, lambda s: _replace_step(s, 4, Tile(sizes=(MR, NR, 5))),
                                 "innermost tile level: size 5 of loop 'k' does not divide its extent 64"),
    "unknown_kernel": (0, lambda s: Schedule("no_such_kernel_7", s.steps),
                       "no kernel function named 'no_such_kernel_7'"),
}


def write_bad_schedule(what: str, tmp_path: Path) -> tuple[Path, str, str]:
    """A schedule file for the MLP whose first schedule breaks one rule; returns
    (path, ``path:line:col`` of the offending op, expected message)."""
    index, breaks, message = BAD[what]
    schedules = hand_schedules("mlp")
    text = sched.format_schedules([breaks(schedules["gemm_relu_0"]), schedules["matmul_add_1"]])
    path = tmp_path / f"{what}.mlir"
    path.write_text(text)
    col = text.splitlines()[index].index('"sched.') + 1  # one op per line, the broken schedule first
    return path, f"{path}:{index + 1}:{col}", message


@pytest.mark.parametrize("what", sorted(BAD))
def test_illegal_schedule_file_is_an_error_at_the_sched_op(what, tmp_path):
    model, _, _ = case("mlp")
    path, where, message = write_bad_schedule(what, tmp_path)
    with pytest.raises(PolytileError) as info:
        polytile.compile(model, threads=1, schedules=str(path))
    assert f"{where}: error: {message}" in str(info.value)
    assert str(info.value).count(": error: ") == 1  # the other kernel's schedule is fine


@pytest.mark.parametrize("what", ["parallel_reduction_loop", "unknown_kernel"])
def test_illegal_schedule_in_python_is_an_error_naming_the_problem(what):
    model, _, _ = case("mlp")
    _, breaks, message = BAD[what]
    schedules = hand_schedules("mlp")
    broken = breaks(schedules.pop("gemm_relu_0"))
    schedules[broken.kernel] = broken
    with pytest.raises(PolytileError, match=re.escape(message)):
        polytile.compile(model, threads=1, schedules=schedules)


def test_schedule_dict_keyed_by_another_kernel_is_an_error():
    model, _, _ = case("mlp")
    schedules = hand_schedules("mlp")
    schedules["gemm_relu_0"] = schedules["matmul_add_1"]
    with pytest.raises(PolytileError, match=re.escape(
            "schedules['gemm_relu_0'] is the schedule of kernel 'matmul_add_1'")):
        polytile.compile(model, threads=1, schedules=schedules)


def test_missing_schedule_path_in_python_is_an_error(tmp_path):
    model, _, _ = case("mlp")
    with pytest.raises(PolytileError, match="no such schedule file"):
        polytile.compile(model, threads=1, schedules=str(tmp_path / "missing.mlir"))
    with pytest.raises(PolytileError, match="no such schedule file"):
        polytile.compile(model, threads=1, schedules=tmp_path / "missing.mlir")


def test_unparsable_schedule_text_is_a_parse_error():
    model, _, _ = case("mlp")
    with pytest.raises(polytile.ParseError, match=r"<schedule>:1:\d+: error: "):
        polytile.compile(model, schedules='%k = "sched.kernel"() {name = 3} : () -> !sched.handle\n')


# --------------------------------------------------------------------------
# The command-line tools
# --------------------------------------------------------------------------
class _Stdin(io.StringIO):
    def __init__(self):
        super().__init__()
        self.buffer = io.BytesIO(b"")


def _call(main_module, *argv):
    out, err = io.StringIO(), io.StringIO()
    code = main_module.run([str(a) for a in argv], _Stdin(), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def mlp_onnx(tmp_path) -> Path:
    path = tmp_path / "mlp.onnx"
    onnx.save(case("mlp")[0], str(path))
    return path


@pytest.mark.parametrize("what", ["parallel_reduction_loop", "vector_tile_not_dividing"])
def test_compile_cli_reports_an_illegal_schedule_at_its_op(what, mlp_onnx, tmp_path):
    path, where, message = write_bad_schedule(what, tmp_path)
    code, out, err = _call(compile_main, mlp_onnx, "--schedule", path, "--threads", "1")
    assert code == 1
    assert out == ""
    assert err.startswith("polytile-compile: error: "), err
    assert f"{where}: error: {message}" in err
    assert "Traceback" not in err


def test_compile_cli_process_exits_1_without_traceback(mlp_onnx, tmp_path):
    path, where, message = write_bad_schedule("tile_sizes_count", tmp_path)
    result = subprocess.run([sys.executable, "-m", "polytile.compile_main", str(mlp_onnx),
                             "--schedule", str(path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert f"{where}: error: {message}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("tool", [compile_main, run_main])
def test_missing_schedule_file_is_a_one_line_usage_error(tool, mlp_onnx, tmp_path):
    missing = tmp_path / "missing.sched.mlir"
    code, out, err = _call(tool, mlp_onnx, "--schedule", missing)
    assert code == 1
    assert err.splitlines() == [f"{tool.TOOL}: error: no such schedule file: {missing}"]


def test_run_cli_with_the_example_schedule_passes_check(mlp_onnx):
    result = subprocess.run([sys.executable, "-m", "polytile.run_main", str(mlp_onnx), "--threads", "1",
                             "--schedule", str(EXAMPLE_SCHEDULE), "--check", "--repeat", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("PASS")


def test_run_cli_with_a_batched_matmul_schedule_passes_check(tmp_path):
    model_path = tmp_path / "bmm.onnx"
    onnx.save(case("batched_matmul")[0], str(model_path))
    schedule_path = schedule_source("batched_matmul", "file", tmp_path)
    code, out, err = _call(run_main, model_path, "--threads", "2", "--schedule", schedule_path,
                           "--check", "--repeat", "1")
    assert code == 0, out + err
    assert "FAIL" not in out


# --------------------------------------------------------------------------
# Interchange and unroll (packed kernels): the right numbers, remainders included
# --------------------------------------------------------------------------
from polytile.dialects.sched import Unroll  # noqa: E402


def _conv_node(group: int = 1, pads=(1, 1, 1, 1)):
    return helper.make_node("Conv", ["X", "W"], ["C"], name="conv", group=group, pads=list(pads))


@functools.lru_cache(maxsize=None)
def order_case(name: str):
    """(model, feeds, onnxruntime outputs): shapes with remainders for the unroll factors."""
    rng = np.random.default_rng(11)

    def r(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    relu = helper.make_node("Relu", ["C"], ["Y"], name="relu")
    if name == "matmul":  # M 24, K 36 (9 steps of 4, unrolled by 4), N 48 (3 strips of 16)
        a, b, bias = r(24, 36), r(36, 48), r(48)
        nodes = [helper.make_node("MatMul", ["A", "B"], ["P"], name="mm"),
                 helper.make_node("Add", ["P", "Bias"], ["C"], name="add"), relu]
        model = make_model(nodes, {"A": a}, ["Y"], initializers={"B": b, "Bias": bias})
        feeds = {"A": a}
    elif name == "batched_matmul":  # batch 3, M 8, K 10 (steps of 1 unrolled by 4), N 32
        a, b = r(3, 8, 10), r(3, 10, 32)
        model = make_model([helper.make_node("MatMul", ["A", "B"], ["Y"], name="bmm")], {"A": a, "B": b}, ["Y"])
        feeds = {"A": a, "B": b}
    elif name == "conv":  # 3x3, C 8 (steps of 1 unrolled by 3), 7 x 9 outputs, F 16
        x, w = r(1, 8, 7, 9), r(16, 8, 3, 3)
        model = make_model([_conv_node(), relu], {"X": x}, ["Y"], initializers={"W": w})
        feeds = {"X": x}
    elif name == "depthwise":  # 3x3 taps (kw unrolled by 2: one left over), 16 channels
        x, w = r(1, 16, 6, 10), r(16, 1, 3, 3)
        model = make_model([_conv_node(group=16), relu], {"X": x}, ["Y"], initializers={"W": w})
        feeds = {"X": x}
    else:  # pointwise: 1x1, C 12 (steps of 1 unrolled by 5), F 16, 4 x 8 positions
        x, w = r(1, 12, 4, 8), r(16, 12, 1, 1)
        model = make_model([_conv_node(pads=(0, 0, 0, 0)), relu], {"X": x}, ["Y"], initializers={"W": w})
        feeds = {"X": x}
    return model, feeds, run_onnxruntime(model, feeds)


def order_schedule(name: str, kernel: str, loops, threads: int) -> Schedule:
    """Register tiles, an interchange that changes the default loop order, an unroll."""
    n = len(loops)
    if name in ("matmul", "batched_matmul", "pointwise"):  # (batch..., m, n, k)
        # (a pointwise convolution is channels-last: the product X[N, H, W, C] @ W[C, F])
        nb = n - 3
        kc = 4 if name == "matmul" else 1
        order = (nb,) + tuple(range(nb)) + (nb + 1, nb + 2)  # m outermost, then batch, n
        tile = [1] * nb + [8, 16]
        par = (nb,)
        steps = [Pack(operand=1, tiles=(16,)), Interchange(permutation=order),
                 Tile(sizes=tuple(tile + [0]))]
        if threads > 1:
            steps.append(Parallel(dims=par, threads=threads))
        unroll = 5 if name == "pointwise" else 4  # 12 steps of 1: two left over
        steps += [Tile(sizes=tuple(tile + [kc])), Fuse(consumers=True), Vectorize(width=16), Unroll(factor=unroll)]
        return Schedule(kernel, steps)
    # (n, f, oh, ow, c, kh, kw)
    if name == "depthwise":
        pack, tile, order, factor = Pack(operand=1, tiles=(16,)), (1, 16, 1, 5), (0, 3, 2, 1), 2
    else:
        pack, tile, order, factor = Pack(operand=1, tiles=(16,)), (1, 16, 1, 3), (2, 0, 3, 1), 3
    steps = [pack, Interchange(permutation=order + (4, 5, 6)), Tile(sizes=tile + (0, 0, 0))]
    if threads > 1:
        steps.append(Parallel(dims=(2,), threads=threads))
    steps += [Tile(sizes=tile + (1, 1, 1)), Vectorize(width=8), Unroll(factor=factor)]
    return Schedule(kernel, steps)


ORDER_CASES = ["matmul", "batched_matmul", "conv", "depthwise", "pointwise"]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("name", ORDER_CASES)
def test_interchange_and_unroll_match_onnxruntime(name, threads):
    model, feeds, expected = order_case(name)
    made = []

    def hook(kernel, func):
        loops = sched.kernel_iteration_space(func)
        if not any(loop.is_reduction for loop in loops):
            return None
        made.append(kernel)
        return order_schedule(name, kernel, loops, threads)

    compiled = polytile.compile(model, threads=threads, schedules=hook)
    assert made, "no contraction kernel"
    assert_close(compiled.run(feeds), expected, ORT_TOL)


def test_interchange_and_unroll_show_in_emit_linalg():
    model, _, _ = order_case("matmul")

    def hook(kernel, func):
        return order_schedule("matmul", kernel, sched.kernel_iteration_space(func), 1)

    text = polytile.compile(model, emit="linalg", threads=1, schedules=hook)
    plain = polytile.compile(model, emit="linalg", threads=1, schedules={})
    # m (3 row tiles of 8) outside n (3 strips of 16): the forall is (3, 3) either way, but the
    # k loop is unrolled: 9 steps of 4 -> a loop stepping by 16 with four contractions
    # (vector.contract over vector<1x8x4xf32> rows), then the last step.
    assert re.search(r"scf\.for %\S+ = %\S+ to %\S+ step %c16\S* iter_args", text), text
    assert text.count("vector.contract") == 5
    assert plain.count("vector.contract") < text.count("vector.contract")


def test_unroll_of_a_plain_kernel_is_an_error_at_the_step():
    model, _, _ = order_case("matmul")
    bad = 'sched.kernel"() {name = "matmul_add_relu_0"} : () -> !sched.handle\n'
    text = ('%k = "' + bad + '"sched.unroll"(%k) {factor = 2 : i64} : (!sched.handle) -> ()\n')
    with pytest.raises(PolytileError, match=re.escape(
            "'sched.unroll' is only applied to packed kernels: the schedule needs a sched.pack and a sched.tile")):
        polytile.compile(model, threads=1, schedules=text)


# --------------------------------------------------------------------------
# gpu_map on the CUDA target (kernels emulated on the CPU: no GPU needed)
# --------------------------------------------------------------------------
def _gpu_map_hook(blocks=(3, 2), threads=(16, 4)):
    def hook(kernel, func):
        loops = sched.kernel_iteration_space(func)
        if not any(loop.is_reduction for loop in loops):
            return None
        return Schedule(kernel, [sched.GpuMap(blocks=blocks, threads=threads)])
    return hook


# n (x) in 3 block chunks of 16 threads, m (y) in 2 chunks of 4: sizes that do not divide
# the loops (chunks and pieces of unequal sizes, some threads idle); and sizes that do
# (static tiles, which the GPU matmul kernels must leave to the gpu_map).
@pytest.mark.parametrize("name, blocks", [("mlp", (3, 2)), ("mlp", (2, 2)), ("conv", (3, 2))])
def test_gpu_map_drives_the_launch_and_keeps_the_numbers(name, blocks):
    from polytile.gpu.compiler import compile_cuda
    from polytile.gpu.pipelines import GpuOptions

    model, feeds, expected = case("mlp") if name == "mlp" else order_case("conv")
    options = GpuOptions(schedules=_gpu_map_hook(blocks))
    text = compile_cuda(model, options=options, emit="gpu")
    launches = re.findall(r"gpu\.launch_func .* blocks in \((%\w+), (%\w+), (%\w+)\) "
                          r"threads in \((%\w+), (%\w+), (%\w+)\)", text)
    sizes = [tuple(int(re.sub(r"_\d+$", "", v).removeprefix("%c")) for v in launch) for launch in launches]
    kernels = 2 if name == "mlp" else 1
    assert sizes.count(blocks + (1, 16, 4, 1)) == kernels, sizes
    compiled = compile_cuda(model, options=options, emulate_on_cpu=True)
    assert_close(compiled.run(feeds), expected, ORT_TOL)


def test_gpu_map_on_the_cpu_is_an_error():
    model, _, _ = case("mlp")
    with pytest.raises(PolytileError, match=re.escape("'sched.gpu_map' needs target cuda")):
        polytile.compile(model, threads=1, schedules=_gpu_map_hook())

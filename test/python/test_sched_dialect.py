"""The sched dialect from Python: Schedule objects <-> sched ops (build, text,
parse back), schedule files, kernel iteration spaces and the legality rules."""
from __future__ import annotations

import pytest
from mlir import ir

import polytile
from polytile.diagnostics import ParseError
from polytile.dialects import sched
from polytile.dialects.sched import (Fuse, GpuMap, Interchange, Loop, Pack, Parallel, Polyhedral,
                                     Schedule, Tile, Unroll, Vectorize)

MATMUL_KERNEL = """
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
"""

CONV_KERNEL = """
func.func private @cv(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %0 : tensor<2x4x6x6xf32>
}
"""

GEMM_KERNEL = """
func.func private @gm(%a: tensor<16x8xf32>, %b: tensor<16x32xf32>) -> tensor<8x32xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.gemm"(%a, %b) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 1 : i64, transB = 0 : i64, tg.anchor} : (tensor<16x8xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}
"""

REDUCE_KERNEL = """
func.func private @rs(%x: tensor<4x?x5xf32>) -> tensor<4x5xf32> attributes {tg.kernel = "reduction"} {
  %0 = "tg.reduce_sum"(%x) {axes = array<i64: 1>, keepdims = 0 : i64, tg.anchor} : (tensor<4x?x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}
"""

BATCHED_MATMUL_KERNEL = """
func.func private @bmm(%a: tensor<2x3x8x16xf32>, %b: tensor<16x32xf32>) -> tensor<2x3x8x32xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<2x3x8x16xf32>, tensor<16x32xf32>) -> tensor<2x3x8x32xf32>
  return %0 : tensor<2x3x8x32xf32>
}
"""


@pytest.fixture
def ctx():
    context = polytile.create_context()
    with context, ir.Location.unknown():
        yield context


def full_schedule() -> Schedule:
    return Schedule("mm", [
        Tile([32, 64, 0]),
        Parallel([0, 1], threads=0),
        Tile([8, 32, 4]),
        Pack(1, [32]),
        Vectorize(16),
        Fuse(consumers=True, producers=[0]),
        Interchange([1, 0, 2]),
        Unroll(4),
        GpuMap([32, 32], [16, 16]),
        Polyhedral("fusion=smart tile-sizes=32"),
    ])


def parse(text: str) -> ir.Module:
    return ir.Module.parse(text)


def kernel(module: ir.Module, name: str) -> ir.Operation:
    for op in module.body.operations:
        if "sym_name" in op.operation.attributes and \
                ir.StringAttr(op.operation.attributes["sym_name"]).value == name:
            return op.operation
    raise KeyError(name)


def test_steps_normalize_their_fields():
    assert Tile([1, 2]) == Tile((1, 2))
    assert Tile([1, 2]).sizes == (1, 2)
    assert Fuse().consumers is True and Fuse().producers == ()
    assert Tile([1, 2]) != Tile([2, 1])
    assert Parallel([0]) == Parallel((0,), threads=0)


def test_build_print_parse_back_is_equal(ctx):
    schedule = full_schedule()
    module = ir.Module.create()
    ops = schedule.build(ir.InsertionPoint(module.body))
    assert len(ops) == 1 + len(schedule.steps)
    module.operation.verify()
    assert isinstance(ops[1].opview, sched.TileOp)
    printed = str(module)
    # to_text writes exactly what MLIR prints (the handle aside).
    body = [line.strip() for line in printed.splitlines()[1:-1]]
    assert body == schedule.to_text("%0").splitlines()
    parsed = sched.schedules_in(parse(printed))
    assert parsed == {"mm": schedule}
    # and back through the text form.
    assert sched.schedules_in(parse(schedule.to_text())) == {"mm": schedule}


def test_strings_are_quoted_as_mlir_prints_them(ctx):
    schedule = Schedule('k "1"', [Polyhedral('a "b" \\ \u00e9\n')])
    module = ir.Module.create()
    schedule.build(ir.InsertionPoint(module.body))
    body = [line.strip() for line in str(module).splitlines()[1:-1]]
    assert body == schedule.to_text("%0").splitlines()
    assert sched.schedules_in(parse(schedule.to_text())) == {'k "1"': schedule}


def test_built_ops_keep_locations(ctx):
    module = parse('%k = "sched.kernel"() {name = "a"} : () -> !sched.handle\n'
                   '"sched.unroll"(%k) {factor = 2 : i64} : (!sched.handle) -> ()')
    schedule = sched.schedules_in(module)["a"]
    target = ir.Module.create()
    ops = schedule.build(ir.InsertionPoint(target.body))
    assert str(ops[1].location) == str(schedule.steps[0].op.location)
    assert "2:1" in str(ops[1].location)
    here = ir.Location.file("x.mlir", 7, 3)
    ops = Schedule("b", [Unroll(2)]).build(ir.InsertionPoint(target.body), loc=here)
    assert all(str(op.location) == str(here) for op in ops)


def test_schedule_helpers():
    schedule = full_schedule()
    assert schedule.tile_levels == [Tile([32, 64, 0]), Tile([8, 32, 4])]
    assert schedule.find(Vectorize) == Vectorize(16)
    assert schedule.find(Tile) == Tile([32, 64, 0])
    assert Schedule("x").find(Tile) is None
    assert schedule.find_all(Unroll) == [Unroll(4)]


def test_schedules_in_reads_several_and_remembers_ops(ctx):
    text = sched.format_schedules([Schedule("a", [Unroll(2)]), Schedule("b", [Vectorize(8), Unroll(4)])])
    module = parse(text)
    found = sched.schedules_in(module)
    assert list(found) == ["a", "b"]
    assert found["b"].steps == [Vectorize(8), Unroll(4)]
    assert found["b"].steps[1].op.name == "sched.unroll"
    assert found["b"].op.name == "sched.kernel"


def test_schedules_in_rejects_malformed(ctx):
    module = parse('%k = "sched.kernel"() {name = "a"} : () -> !sched.handle\n'
                   '"sched.tile"(%k) {sizes = array<i32: 4>} : (!sched.handle) -> ()')
    with pytest.raises(sched.ScheduleError) as info:
        sched.schedules_in(module)
    assert "attribute 'sizes' must be array<i64: ...>" in str(info.value)
    assert info.value.location.line == 2


def test_remove_schedules(ctx):
    module = parse(MATMUL_KERNEL + full_schedule().to_text())
    sched.remove_schedules(module)
    names = [op.operation.name for op in module.body.operations]
    assert names == ["func.func"]
    module.operation.verify()


def test_load_schedules_from_file_path_and_text(ctx, tmp_path):
    path = tmp_path / "mm.sched.mlir"
    path.write_text(sched.format_schedules([full_schedule(), Schedule("other", [Unroll(8)])]))
    import gc

    for source, name in ((path, str(path)), (str(path), str(path)), (path.read_text(), "<schedule>")):
        loaded = sched.load_schedules(source, ctx)
        assert loaded == {"mm": full_schedule(), "other": Schedule("other", [Unroll(8)])}
        gc.collect()  # the ops stay valid: their module is kept alive
        assert str(loaded["mm"].steps[0].op.location) == f'loc("{name}":2:1)'


def test_load_schedules_parse_error_has_position(ctx, tmp_path):
    path = tmp_path / "bad.mlir"
    path.write_text('%k = "sched.kernel"() {name = "a"} : () -> !sched.handle\n'
                    '"sched.unroll"(%k) {factor = "two"} : (!sched.handle) -> ()\n')
    with pytest.raises(ParseError) as info:
        sched.load_schedules(path, ctx)
    assert f"{path}:2:1: error:" in str(info.value)
    assert info.value.location.line == 2


def test_load_schedules_rejects_other_ops(ctx):
    with pytest.raises(ParseError) as info:
        sched.load_schedules(MATMUL_KERNEL, ctx)
    assert "holds only sched ops, found 'func.func'" in str(info.value)
    assert "<schedule>:2:1: error:" in str(info.value)


def test_iteration_spaces(ctx):
    module = parse(MATMUL_KERNEL + CONV_KERNEL + GEMM_KERNEL + REDUCE_KERNEL + BATCHED_MATMUL_KERNEL)
    assert sched.kernel_iteration_space(kernel(module, "mm")) == [
        Loop("m", 64, "parallel"), Loop("n", 128, "parallel"), Loop("k", 32, "reduction")]
    assert [(l.name, l.extent, l.kind[0]) for l in sched.kernel_iteration_space(kernel(module, "cv"))] == [
        ("n", 2, "p"), ("f", 4, "p"), ("oh", 6, "p"), ("ow", 6, "p"),
        ("c", 3, "r"), ("kh", 3, "r"), ("kw", 3, "r")]
    assert sched.kernel_iteration_space(kernel(module, "gm")) == [
        Loop("m", 8, "parallel"), Loop("n", 32, "parallel"), Loop("k", 16, "reduction")]
    assert sched.kernel_iteration_space(kernel(module, "rs")) == [
        Loop("d0", 4, "parallel"), Loop("d1", None, "reduction"), Loop("d2", 5, "parallel")]
    assert [l.name for l in sched.kernel_iteration_space(kernel(module, "bmm"))] == ["b0", "b1", "m", "n", "k"]


def messages(problems) -> list[str]:
    return [message for _, message in problems]


def test_verify_schedule_legal(ctx):
    module = parse(MATMUL_KERNEL)
    cpu = Schedule("mm", [s for s in full_schedule().steps if not isinstance(s, GpuMap)])
    assert sched.verify_schedule(cpu, kernel(module, "mm")) == []
    cuda = Schedule("mm", [GpuMap([4, 2], [32, 8])])
    assert sched.verify_schedule(cuda, kernel(module, "mm"), "cuda") == []


@pytest.mark.parametrize("steps, target, expected", [
    ([GpuMap([2], [32])], "cpu", "'sched.gpu_map' needs target cuda"),
    ([Pack(1, [32]), GpuMap([2], [32])], "cuda", "'sched.pack' is not supported on target cuda"),
    ([Vectorize(16)], "cuda", "'sched.vectorize' is not supported on target cuda"),
    ([GpuMap([2, 2, 2], [4, 4, 4])], "cuda", "gpu_map maps 3 loops, but kernel 'mm' has 2 parallel loops"),
    ([Interchange([1, 0, 2])], "cpu", "'sched.interchange' is only applied to packed kernels"),
    ([Tile([8, 32, 4])], "cpu", "'sched.tile' is only applied to packed kernels"),
    ([Pack(1, [32])], "cpu", "'sched.pack' needs a sched.tile"),
    ([Pack(1, [32]), Tile([8, 32, 4]), Interchange([0, 2, 1])], "cpu",
     "interchange moves reduction loop 'k': reduction loops keep their place"),
    ([Pack(1, [32]), Tile([8, 32, 0]), Unroll(2)], "cpu", "nothing to unroll"),
    ([Pack(1, [32]), Tile([8, 32, 32]), Unroll(2)], "cpu", "nothing to unroll"),
])
def test_verify_schedule_target_rules(ctx, steps, target, expected):
    module = parse(MATMUL_KERNEL)
    found = messages(sched.verify_schedule(Schedule("mm", steps), kernel(module, "mm"), target))
    assert len(found) == 1 and expected in found[0], found


def test_verify_schedule_packed_interchange_and_unroll_are_legal(ctx):
    module = parse(MATMUL_KERNEL + CONV_KERNEL)
    assert sched.verify_schedule(Schedule("mm", [Pack(1, [32]), Interchange([1, 0, 2]),
                                                 Tile([8, 32, 4]), Unroll(3)]), kernel(module, "mm")) == []
    reductions = parse(REDUCE_KERNEL)  # keep the module alive while its ops are used
    reduce = Schedule("rs", [sched.Polyhedral("tile-sizes=8")])
    assert sched.verify_schedule(reduce, kernel(reductions, "rs")) == []
    found = messages(sched.verify_schedule(Schedule("rs", [Tile([1, 0, 1])]), kernel(reductions, "rs")))
    assert len(found) == 1 and "'sched.tile' is only applied to matmul, gemm and conv kernels" in found[0]
    conv = Schedule("cv", [Pack(1, [4]), Interchange([2, 3, 1, 0, 4, 5, 6]),
                           Tile([1, 4, 1, 6, 3, 1, 1]), Unroll(2)])
    assert sched.verify_schedule(conv, kernel(module, "cv")) == []


@pytest.mark.parametrize("steps, expected", [
    ([Tile([8, 8])], "tile level 1 has 2 sizes, but kernel 'mm' has 3 loops (m, n, k)"),
    ([Tile([8, 200, 0])], "size 200 of loop 'n' exceeds its extent 128"),
    ([Tile([8, 24, 0]), Vectorize(8)], "size 24 of loop 'n' does not divide its extent 128"),
    ([Interchange([0, 1])], "is not a permutation of the 3 loops"),
    ([Fuse(), Interchange([2, 0, 1])], "interchange moves reduction loop 'k' outside parallel loop 'm'"),
    ([Tile([8, 8, 8]), Fuse()], "cannot fuse consumers: the outermost tile level tiles reduction loop 'k'"),
    ([Fuse(producers=[5])], "producer operand #5 is out of range"),
    ([Tile([8, 8, 0]), Parallel([2])], "loop 'k' is a reduction loop; running it in parallel races"),
    ([Parallel([0]), Tile([8, 8, 0])], "parallel needs a tile level before it"),
    ([Tile([8, 8, 0]), Parallel([0], threads=-1)], "threads must be >= 0"),
    ([Pack(3, [32])], "pack operand #3 is out of range"),
    ([Pack(1, [-4])], "pack tiles must be one or more positive sizes"),
    ([Vectorize(6)], "vector width must be a power of two, got 6"),
    ([Vectorize(0)], "vector width must be a power of two, got 0"),
    ([Unroll(0)], "unroll factor must be >= 1"),
    ([GpuMap([], [32])], "gpu_map blocks must be 1 to 3 positive sizes"),
    ([GpuMap([1], [32, 64])], "gpu_map uses 2048 threads per block"),
    ([Polyhedral("fusion=smart nonsense=1")], "no such option 'nonsense'"),
])
def test_verify_schedule_illegal(ctx, steps, expected):
    module = parse(MATMUL_KERNEL)
    found = messages(sched.verify_schedule(Schedule("mm", steps), kernel(module, "mm")))
    # besides the expected problem, only steps of an unpacked schedule (not applied) are reported
    assert [m for m in found if expected in m], found
    assert all(expected in m or "is only applied to packed kernels" in m for m in found), found


def test_verify_schedule_without_kernel_still_checks_steps(ctx):
    found = messages(sched.verify_schedule(Schedule("gone", [Unroll(0), Tile([4])]), None))
    assert found == ["no kernel function named 'gone'", "unroll factor must be >= 1, got 0"]


def test_verify_schedules_reports_duplicates_and_unknown_kernels(ctx):
    module = parse(MATMUL_KERNEL + sched.format_schedules(
        [Schedule("mm", [Unroll(2)]), Schedule("mm", []), Schedule("zz", [])]))
    found = messages(sched.verify_schedules(module))
    assert any("kernel 'mm' already has a schedule" in m for m in found)
    assert "no kernel function named 'zz'" in found


def test_create_context_loads_sched_once():
    context = polytile.create_context()
    sched.load(context)  # idempotent
    assert context.is_registered_operation("sched.tile")
    assert context.is_registered_operation("tg.relu")

"""The polyhedral optimizer (affine-polyhedral-schedule / -deps) on PolyBench-style
kernels: results identical to the unoptimized kernel and close to numpy, for
every fusion strategy, with and without tiling, and when the parallel loops
run on two threads (async runtime)."""
from __future__ import annotations

import pathlib

import numpy as np
import pytest
from mlir import ir

from polytile import polyhedral, toolchain
from polytile.context import create_context
from polytile.polyhedral import polybench as pb

pb.KERNEL_DIR = pathlib.Path(__file__).resolve().parents[1] / "polybench"

# Sizes above one 32-tile and not multiples of it, so partial tiles run.
SIZES = {"heat-3d": 11, "seidel-2d": 35}
DEFAULT_SIZE = 37

VARIANTS = {
    "smart-tile32": ["affine-polyhedral-schedule{tile-sizes=32 fusion=smart}"],
    "max-tile8x16": ["affine-polyhedral-schedule{tile-sizes=8,16 fusion=max tile-inner=true}"],
    "smart-tile4": ["affine-polyhedral-schedule{tile-sizes=4 fusion=smart}"],
    "none-notile": ["affine-polyhedral-schedule{tile-sizes=0 fusion=none parallelize=false}"],
    "skewed-tile16": ["affine-polyhedral-schedule{tile-sizes=16 outer-parallel=false interchange=false}"],
}

ASYNC_2_THREADS = ["func.func(lower-affine)", "async-parallel-for{num-workers=2 min-task-size=1}",
                   "async-to-async-runtime", "async-runtime-ref-counting",
                   "async-runtime-ref-counting-opt", "arith-expand", "convert-async-to-llvm"]


def _inputs(name: str):
    kernel = pb.KERNELS[name]
    return kernel, kernel.inputs(SIZES.get(name, DEFAULT_SIZE), np.random.default_rng(7))


_BASELINE: dict = {}


def _baseline(name: str):
    """The unoptimized kernel's outputs, checked against numpy once."""
    if name not in _BASELINE:
        kernel, arrays = _inputs(name)
        out = pb.run(pb.compile_kernel(kernel, []), arrays)
        expected = kernel.reference([a.copy() for a in arrays])
        for got, want in zip(out, expected):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
        _BASELINE[name] = out
    return _BASELINE[name]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", sorted(pb.KERNELS))
def test_kernel_identical_to_unoptimized(name, variant):
    kernel, arrays = _inputs(name)
    expected = _baseline(name)
    out = pb.run(pb.compile_kernel(kernel, VARIANTS[variant]), arrays)
    # isl keeps every dependence, reductions included, so the loop order adds no
    # reassociation; the CPU lowering then vectorizes reduction sums
    # (affine-promote-reductions reassociates them), differently per loop structure:
    # the results agree to f64 rounding.
    for got, want in zip(out, expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["gemm", "2mm", "jacobi-2d", "covariance", "atax"])
def test_kernel_parallel_two_threads(name):
    kernel, arrays = _inputs(name)
    expected = _baseline(name)
    lib = str(toolchain.mlir_runtime_lib_dir() / "libmlir_async_runtime.so")
    fn = pb.compile_kernel(kernel, VARIANTS["smart-tile32"], extra_llvm=ASYNC_2_THREADS,
                           shared_libs=[lib])
    for got, want in zip(pb.run(fn, arrays), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)  # (reassociated sums, as above)


def test_kernels_get_tiled_and_parallel():
    """The optimized IR really is different: tiles and parallel loops appear."""
    text = pb.optimized_text(pb.KERNELS["gemm"], VARIANTS["smart-tile32"])
    assert "affine.parallel" in text and "step 32" in text
    # seidel-2d has no parallel loop as written: isl finds a tiled wavefront.
    text = pb.optimized_text(pb.KERNELS["seidel-2d"],
                             ["affine-polyhedral-schedule{tile-sizes=32 tile-inner=true}"])
    assert "step (32)" in text and "affine.parallel" in text
    text = pb.optimized_text(pb.KERNELS["seidel-2d"],
                             ["affine-polyhedral-schedule{outer-parallel=false tile-inner=true}"])
    assert "step 32" in text  # Pluto-style time-skewed tiling


SOURCE = """
func.func @f(%A: memref<16xf32>, %B: memref<16xf32>) {
  affine.for %i = 1 to 16 {
    %x = affine.load %A[%i - 1] : memref<16xf32>
    affine.store %x, %A[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 16 {
    %x = affine.load %A[%i] : memref<16xf32>
    affine.store %x, %B[%i] : memref<16xf32>
  }
  return
}
"""


def test_python_api_dependences():
    with create_context():
        module = ir.Module.parse(SOURCE)
        fn = module.body.operations[0].operation
        (scop, deps), = polyhedral.analyze(fn)
        assert [s.name for s in scop.statements] == ["S0", "S1"]
        assert not deps.flow.is_empty()
        assert polyhedral.deps.loop_carries(scop, deps) == [True]
        assert deps.anti.is_empty()


def test_python_api_optimize_reports_non_affine():
    source = SOURCE.replace("%x = affine.load %A[%i - 1] : memref<16xf32>",
                            "%k = arith.subi %i, %i : index\n"
                            "    %x = memref.load %A[%k] : memref<16xf32>")
    with create_context():
        module = ir.Module.parse(source)
        fn = module.body.operations[0].operation
        skipped = []
        assert polyhedral.optimize(fn, skipped=skipped) == 1  # only the second nest
        assert len(skipped) == 1 and "not supported" in skipped[0].reason
        assert "memref.load" in str(module)
        module.operation.verify()


def _compile_both(model, feeds, monkeypatch, options="remarks=false"):
    """Outputs of ``model`` compiled as usual and with the polyhedral pass at
    the start of the affine stage."""
    import polytile
    from polytile import pipelines

    base = polytile.compile(model).run(feeds)
    original = pipelines.affine_to_llvm
    monkeypatch.setattr(pipelines, "affine_to_llvm",
                        lambda threads=1: [f"affine-polyhedral-schedule{{{options}}}"] + original(threads))
    opt = polytile.compile(model).run(feeds)
    return base, opt


def test_onnx_elementwise_and_reduction_chain(monkeypatch):
    import onnx
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Mul", ["X", "X"], ["m"]),
             helper.make_node("Relu", ["m"], ["r"]),
             helper.make_node("ReduceSum", ["r", "axes"], ["s"], keepdims=1),
             helper.make_node("Sub", ["r", "s"], ["d"]),
             helper.make_node("Softmax", ["d"], ["sm"], axis=-1),
             helper.make_node("MatMul", ["sm", "W"], ["Y"])]
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [33, 40])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [33, 24])],
        initializer=[helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
                     onnx.numpy_helper.from_array(
                         np.random.default_rng(1).standard_normal((40, 24)).astype(np.float32), "W")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    x = np.random.default_rng(2).standard_normal((33, 40)).astype(np.float32)
    base, opt = _compile_both(model, {"X": x}, monkeypatch)
    for a, b in zip(base, opt):
        np.testing.assert_array_equal(a, b)


def test_onnx_bert_encoder_unchanged(monkeypatch):
    import onnx
    path = pathlib.Path(__file__).resolve().parents[1] / "models" / "bert_encoder.onnx"
    feeds = {"input_ids": np.random.default_rng(0).integers(0, 100, (1, 128)).astype(np.int64),
             "attention_mask": np.ones((1, 128), np.int64)}
    base, opt = _compile_both(onnx.load(str(path)), feeds, monkeypatch, "tile-sizes=32 fusion=max")
    for a, b in zip(base, opt):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)

"""The CUDA backend: PTX generation (everywhere), the GPU path's kernels run as
CPU loops against onnxruntime (everywhere), the clear error without a driver,
and execution on a GPU (skipped without one)."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from onnx import helper

import polytile
from onnx_check import assert_close, make_model, run_onnxruntime
from polytile.gpu.compiler import compile_cuda
from polytile.gpu.runtime import CudaUnavailableError, cuda_driver_available

RNG = np.random.default_rng(7)


def _f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _relu():
    x = _f32(3, 300)  # 900 threads: a partial last block
    return make_model([helper.make_node("Relu", ["X"], ["Y"])], {"X": x}, ["Y"]), {"X": x}


def _matmul():
    a, b = _f32(9, 17), _f32(17, 13)
    model = make_model([helper.make_node("MatMul", ["A", "B"], ["Y"])], {"A": a}, ["Y"], initializers={"B": b})
    return model, {"A": a}


def _conv():
    x, w, bias = _f32(1, 3, 9, 7), _f32(4, 3, 3, 3), _f32(4)
    model = make_model([helper.make_node("Conv", ["X", "W", "B"], ["Y"], pads=[1, 1, 1, 1], strides=[2, 1])],
                       {"X": x}, ["Y"], initializers={"W": w, "B": bias})
    return model, {"X": x}


def _reduce_sum():
    x = _f32(2, 3, 5)
    axes = np.array([1], np.int64)
    model = make_model([helper.make_node("ReduceSum", ["X", "A"], ["Y"], keepdims=0)], {"X": x}, ["Y"],
                       initializers={"A": axes}, opset=13)
    return model, {"X": x}


def _reduce_sum_all():
    x = _f32(2, 3, 5)
    return make_model([helper.make_node("ReduceSum", ["X"], ["Y"], keepdims=0)], {"X": x}, ["Y"], opset=13), \
        {"X": x}


def _mlp():
    x, w1, w2 = _f32(4, 8), _f32(8, 16), _f32(16, 3)
    nodes = [helper.make_node("MatMul", ["X", "W1"], ["H"]), helper.make_node("Tanh", ["H"], ["T"]),
             helper.make_node("MatMul", ["T", "W2"], ["L"]), helper.make_node("Softmax", ["L"], ["Y"], axis=1)]
    return make_model(nodes, {"X": x}, ["Y"], initializers={"W1": w1, "W2": w2}), {"X": x}


def _int_add():
    a = RNG.integers(-50, 50, (4, 5)).astype(np.int32)
    b = RNG.integers(-50, 50, (5,)).astype(np.int32)
    return make_model([helper.make_node("Add", ["A", "B"], ["Y"])], {"A": a, "B": b}, ["Y"]), {"A": a, "B": b}


def _pad_concat():
    x, y = _f32(2, 3), _f32(2, 4)
    pads = np.array([0, 1, 0, 0], np.int64)
    nodes = [helper.make_node("Pad", ["X", "P"], ["XP"]), helper.make_node("Concat", ["XP", "Y"], ["Z"], axis=1)]
    return make_model(nodes, {"X": x, "Y": y}, ["Z"], initializers={"P": pads}), {"X": x, "Y": y}


MODELS = {
    "relu": _relu, "matmul": _matmul, "conv": _conv, "reduce_sum": _reduce_sum,
    "reduce_sum_all": _reduce_sum_all, "mlp": _mlp, "int_add": _int_add, "pad_concat": _pad_concat,
}

PTX_MODELS = ["relu", "matmul", "conv", "reduce_sum"]


@pytest.mark.parametrize("name", PTX_MODELS)
def test_emit_ptx(name):
    model, _ = MODELS[name]()
    ptx = polytile.compile(model, target="cuda", emit="ptx")
    assert ".target sm_90" in ptx
    assert ".visible .entry" in ptx
    assert "ld.global" in ptx and "st.global" in ptx


def test_emit_gpu_outlines_kernels():
    model, _ = _matmul()
    text = polytile.compile(model, target="cuda", emit="gpu")
    assert "gpu.module @" in text and "gpu.launch_func" in text and "gpu.func" in text
    assert 'polytile.gpu.buffer = "weight"' in text


def test_chip_is_configurable():
    from polytile.gpu.pipelines import GpuOptions
    model, _ = _relu()
    ptx = compile_cuda(model, emit="ptx", options=GpuOptions(chip="sm_80", features="+ptx70"))
    assert ".target sm_80" in ptx and ".version 7.0" in ptx


def test_emit_llvm_has_runtime_calls():
    model, _ = _relu()
    text = polytile.compile(model, target="cuda", emit="llvm")
    assert "mgpuStreamCreate" in text and "gpu.binary" in text


def test_unknown_stage():
    model, _ = _relu()
    with pytest.raises(polytile.PolytileError, match="unknown stage 'affine' for target 'cuda'"):
        polytile.compile(model, target="cuda", emit="affine")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_kernels_emulated_on_cpu(name):
    """The GPU path's kernel code (mapping, guards, hoisted buffers) run as CPU
    loops, twice (buffers are reused across calls), against onnxruntime."""
    model, feeds = MODELS[name]()
    compiled = compile_cuda(model, emulate_on_cpu=True)
    expected = run_onnxruntime(model, feeds)
    assert_close(compiled.run(feeds), expected, rtol=1e-4, atol=1e-5)
    assert_close(compiled.run(feeds), expected, rtol=1e-4, atol=1e-5)


def _concurrent_calls_are_right(compiled, model) -> None:
    """The CPU stress test's threads, inputs and checks, plus: one buffer set per call at once."""
    from test_concurrency import THREADS, stress_concurrent_runs
    done, wrong, errors = stress_concurrent_runs(compiled, model, runs_per_thread=25)
    assert not errors, errors[0]
    assert wrong == 0, f"{wrong} of {done} concurrent results differ from onnxruntime"
    assert 1 <= compiled.call_sets <= THREADS


def test_concurrent_runs_emulated_on_cpu():
    """Each concurrent call gets its own input/output/scratch buffers (weights shared)."""
    model, _ = _conv()
    _concurrent_calls_are_right(compile_cuda(model, emulate_on_cpu=True), model)


@pytest.mark.skipif(not cuda_driver_available(), reason="no CUDA driver (libcuda.so.1)")
def test_concurrent_runs_on_the_gpu():
    model, _ = _conv()
    _concurrent_calls_are_right(polytile.compile(model, target="cuda"), model)


def test_buffers_are_hoisted_once():
    model, _ = _conv()
    compiled = compile_cuda(model, emulate_on_cpu=True)
    roles = [b.role for b in compiled.buffers]
    assert roles[:2] == ["input", "output"]
    assert roles.count("weight") == 2 and "scratch" in roles


@pytest.mark.skipif(cuda_driver_available(), reason="a CUDA driver is installed")
def test_cuda_without_driver_is_a_clear_error():
    model, _ = _relu()
    with pytest.raises(CudaUnavailableError, match="libcuda.so.1"):
        polytile.compile(model, target="cuda")


@pytest.mark.skipif(not cuda_driver_available(), reason="no CUDA driver (libcuda.so.1)")
@pytest.mark.parametrize("name", sorted(MODELS))
def test_run_on_gpu(name):
    model, feeds = MODELS[name]()
    compiled = polytile.compile(model, target="cuda")
    expected = run_onnxruntime(model, feeds)
    assert_close(compiled.run(feeds), expected, rtol=1e-4, atol=1e-5)
    assert_close(compiled.run(feeds), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(shutil.which("ptxas") is None, reason="ptxas not installed")
@pytest.mark.parametrize("name", sorted(MODELS))
def test_ptxas_assembles_every_kernel(name, tmp_path):
    model, _ = MODELS[name]()
    ptx = polytile.compile(model, target="cuda", emit="ptx")
    kernels = [k for k in ptx.split("// gpu.binary @") if k.strip()]
    assert kernels
    for i, kernel in enumerate(kernels):
        source = tmp_path / f"k{i}.ptx"
        source.write_text(kernel.split("\n", 1)[1])
        done = subprocess.run(["ptxas", "-arch=sm_90", str(source), "-o", str(tmp_path / f"k{i}.cubin")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


# ----------------------------------------------------------------------------
# Matmul kernels: shared-memory tiles and tensor cores (mma.sync)
# ----------------------------------------------------------------------------

def _matmul_fp16(m=130, k=70, n=90):
    a = RNG.standard_normal((m, k)).astype(np.float16)
    b = RNG.standard_normal((k, n)).astype(np.float16)
    model = make_model([helper.make_node("MatMul", ["A", "B"], ["Y"])], {"A": a}, ["Y"], initializers={"B": b})
    expected = (a.astype(np.float32) @ b.astype(np.float32)).astype(np.float16)
    return model, {"A": a}, expected


def _generic_text(m, n, k, element, batch=(), b_transposed=False):
    """A function with one matmul-like linalg.generic on memrefs (f16 inputs
    extended to f32, or all f32); B has no batch dims."""
    nb = len(batch)
    dims = [f"d{i}" for i in range(nb + 3)]
    bd = "".join(f"{d}, " for d in dims[:nb])
    dm, dn, dk = dims[nb:]
    b_map = f"({dn}, {dk})" if b_transposed else f"({dk}, {dn})"
    prefix = "".join(f"{s}x" for s in batch)
    ta, tb, tc = f"memref<{prefix}{m}x{k}x{element}>", \
        f"memref<{n}x{k}x{element}>" if b_transposed else f"memref<{k}x{n}x{element}>", f"memref<{prefix}{m}x{n}xf32>"
    iterators = ", ".join(['"parallel"'] * (nb + 2) + ['"reduction"'])
    if element == "f16":
        body = ("%p1 = arith.extf %p : f16 to f32\n    %q1 = arith.extf %q : f16 to f32\n"
                "    %m = arith.mulf %p1, %q1 : f32")
    else:
        body = "%m = arith.mulf %p, %q : f32"
    return f"""
func.func @f(%x: {ta}, %y: {tb}, %z: {tc}) {{
  linalg.generic {{indexing_maps = [affine_map<({', '.join(dims)}) -> ({bd}{dm}, {dk})>,
      affine_map<({', '.join(dims)}) -> {b_map}>, affine_map<({', '.join(dims)}) -> ({bd}{dm}, {dn})>],
      iterator_types = [{iterators}]}} ins(%x, %y : {ta}, {tb}) outs(%z : {tc}) {{
  ^bb0(%p: {element}, %q: {element}, %acc: f32):
    {body}
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }}
  return
}}"""


SIMULATED = [
    ("gpu-matmul-mma-sync", (70, 50, 20), "f16", (), False),  # ragged: guards
    ("gpu-matmul-mma-sync", (64, 128, 64), "f16", (), False),  # exact tiles, two k slices
    ("gpu-matmul-mma-sync", (17, 9, 40), "f16", (2, 3), False),  # batch over blocks.z
    ("gpu-matmul-mma-sync", (33, 40, 24), "f16", (), True),  # B read as B[n, k]
    ("gpu-matmul-mma-sync{tf32=true}", (70, 50, 20), "f32", (), False),
    ("gpu-matmul-shared-tiles", (70, 50, 20), "f32", (), False),
    ("gpu-matmul-shared-tiles", (128, 64, 32), "f32", (2,), True),
    ("gpu-matmul-shared-tiles", (64, 64, 48), "f16", (), False),
]


@pytest.mark.parametrize("pass_name,sizes,element,batch,b_transposed", SIMULATED)
def test_matmul_kernels_simulated(pass_name, sizes, element, batch, b_transposed):
    """The matmul kernels (shared memory, barriers, warp-wide mma.sync) run on
    the lockstep SIMT interpreter match C + A x B computed in float64."""
    from mlir import ir

    from polytile.targets.driver import run_passes
    from polytile.context import create_context
    from polytile.gpu import simulate

    m, n, k = sizes
    dtype = np.float16 if element == "f16" else np.float32
    a = RNG.standard_normal(batch + (m, k)).astype(dtype)
    b = RNG.standard_normal((n, k) if b_transposed else (k, n)).astype(dtype)
    c = RNG.standard_normal(batch + (m, n)).astype(np.float32)
    expected = c.astype(np.float64) + a.astype(np.float64) @ (b.T if b_transposed else b).astype(np.float64)
    with create_context(), ir.Location.unknown():
        module = ir.Module.parse(_generic_text(m, n, k, element, batch, b_transposed))
        run_passes(module, [pass_name])
        assert "linalg.generic" not in str(module)
        simulate.run_launches(module.body.operations[0], [a, b, c])
    np.testing.assert_allclose(c, expected, rtol=1e-5, atol=1e-4)


def test_simulated_mma_layout_is_checked():
    """The interpreter's mma.sync is not a plain matmul of the registers: a
    fragment gathered with another lane layout gives a wrong product."""
    from polytile.gpu.simulate import _mma_sync

    lanes = np.arange(32)
    a = np.zeros((32, 4, 2), np.float16)
    a[lanes // 4 == 0, 0, :] = 1  # row 0 of A, k columns 0..7
    b = np.ones((32, 2, 2), np.float16)
    d = _mma_sync(a, b, np.zeros((32, 2, 2), np.float32), k=16)
    row0 = d[lanes // 4 == 0, 0, :]  # C row 0 lives in lanes 0..3, register 0
    assert np.all(row0 == 8) and np.all(d[lanes // 4 != 0] == 0)


def test_fp16_matmul_uses_tensor_cores():
    model, _, _ = _matmul_fp16()
    ptx = polytile.compile(model, target="cuda", emit="ptx")
    assert "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32" in ptx and "bar.sync" in ptx


def test_tensor_cores_need_sm80():
    from polytile.gpu.pipelines import GpuOptions
    model, _, _ = _matmul_fp16()
    ptx = compile_cuda(model, emit="ptx", options=GpuOptions(chip="sm_75", features="+ptx70"))
    assert "mma.sync" not in ptx and "bar.sync" in ptx  # shared-memory tiles instead


def test_tf32_is_an_option():
    from polytile.gpu.pipelines import GpuOptions
    model, _ = _matmul()
    assert "mma.sync" not in polytile.compile(model, target="cuda", emit="ptx")
    ptx = compile_cuda(model, emit="ptx", options=GpuOptions(tf32=True))
    assert "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32" in ptx


def test_f32_matmul_uses_shared_memory():
    model, _ = _matmul()
    text = polytile.compile(model, target="cuda", emit="gpu")
    assert "workgroup(" in text and "gpu.barrier" in text


@pytest.mark.skipif(shutil.which("ptxas") is None, reason="ptxas not installed")
def test_ptxas_assembles_mma_kernel(tmp_path):
    model, _, _ = _matmul_fp16()
    ptx = polytile.compile(model, target="cuda", emit="ptx")
    for i, kernel in enumerate(k for k in ptx.split("// gpu.binary @") if k.strip()):
        source = tmp_path / f"k{i}.ptx"
        source.write_text(kernel.split("\n", 1)[1])
        done = subprocess.run(["ptxas", "-arch=sm_90", str(source), "-o", str(tmp_path / f"k{i}.cubin")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


@pytest.mark.skipif(not cuda_driver_available(), reason="no CUDA driver (libcuda.so.1)")
def test_fp16_matmul_on_tensor_cores():
    """fp16 inputs, f32 accumulation on tensor cores, fp16 output: within fp16
    rounding of the fp32 product."""
    model, feeds, expected = _matmul_fp16()
    compiled = polytile.compile(model, target="cuda")
    for _ in range(2):
        (result,) = compiled.run(feeds)
        np.testing.assert_allclose(result.astype(np.float32), expected.astype(np.float32), rtol=2e-3, atol=2e-2)


@pytest.mark.skipif(not cuda_driver_available(), reason="no CUDA driver (libcuda.so.1)")
def test_tf32_matmul_on_tensor_cores():
    from polytile.gpu.pipelines import GpuOptions
    a, b = _f32(130, 70), _f32(70, 90)
    model = make_model([helper.make_node("MatMul", ["A", "B"], ["Y"])], {"A": a}, ["Y"], initializers={"B": b})
    compiled = compile_cuda(model, options=GpuOptions(tf32=True))
    (result,) = compiled.run({"A": a})
    np.testing.assert_allclose(result, a @ b, rtol=1e-2, atol=5e-2)  # TF32: 10-bit mantissa inputs


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_gpu_stage_simulated(dtype):
    """A whole model at the launch stage of the CUDA pipeline (hoisted buffers,
    fill, matmul kernel, Relu) on the SIMT interpreter, against numpy."""
    from mlir import ir

    from polytile.compiler import import_to_tg
    from polytile.targets.driver import run_passes
    from polytile.gpu import pipelines, simulate
    from polytile.gpu.runtime import entry_buffers

    a = RNG.standard_normal((2, 70, 40)).astype(dtype)
    b = RNG.standard_normal((40, 90)).astype(dtype)
    model = make_model([helper.make_node("MatMul", ["A", "B"], ["Y"]), helper.make_node("Relu", ["Y"], ["Z"])],
                       {"A": a}, ["Z"], initializers={"B": b})
    context, module, _, _, _ = import_to_tg(model)
    with context, ir.Location.unknown():
        run_passes(module, pipelines.stage_passes("tg", "linalg"))
        run_passes(module, pipelines.linalg_to_launches(pipelines.GpuOptions()))
        kernel = "nvgpu.mma.sync" if dtype == np.float16 else "gpu.barrier"
        assert kernel in str(module)
        buffers = entry_buffers(module, pipelines.GpuOptions().entry, 1, 1)
        arrays = [np.zeros(s.shape, s.dtype) if s.value is None else s.value.copy() for s in buffers]
        arrays[0][...] = a
        entry = next(op.operation for op in module.body.operations if op.operation.name == "func.func")
        simulate.run_launches(entry, arrays)
    expected = np.maximum(a.astype(np.float32) @ b.astype(np.float32), 0)
    tolerance = 2e-2 if dtype == np.float16 else 1e-4
    np.testing.assert_allclose(arrays[1].astype(np.float32), expected, rtol=tolerance, atol=tolerance)

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

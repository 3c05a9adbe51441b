"""Compiled models called from many threads at once give the right answers.

``CompiledModel.run`` may be called concurrently, like onnxruntime's
``InferenceSession.run``: each call has its own outputs and its own workspace
(from the pool of ``polytile.runtime.jit.JitFunction``). The stress test runs
several models from 8 Python threads, thousands of runs in all, each thread with
its own inputs, and checks every result against onnxruntime; it does so for
models compiled for 1 and for 2 threads (OpenMP inside each call).
"""
from __future__ import annotations

import threading

import numpy as np
import pytest
from onnx import helper

import polytile
from onnx_check import make_model, run_onnxruntime
from polytile.runtime.jit import JitFunction

THREADS = 8
FEEDS_PER_THREAD = 2


def mlp():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 64)).astype(np.float32)
    inits = {"W1": rng.standard_normal((64, 96)).astype(np.float32) * 0.1,
             "B1": rng.standard_normal(96).astype(np.float32),
             "W2": rng.standard_normal((96, 10)).astype(np.float32) * 0.1}
    nodes = [helper.make_node("MatMul", ["X", "W1"], ["h"]), helper.make_node("Add", ["h", "B1"], ["hb"]),
             helper.make_node("Relu", ["hb"], ["r"]), helper.make_node("MatMul", ["r", "W2"], ["l"]),
             helper.make_node("Softmax", ["l"], ["Y"], axis=-1)]
    return make_model(nodes, {"X": x}, ["Y"], initializers=inits)


def convnet():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 3, 12, 12)).astype(np.float32)
    inits = {"W": rng.standard_normal((16, 3, 3, 3)).astype(np.float32) * 0.2,
             "B": rng.standard_normal(16).astype(np.float32),
             "D": rng.standard_normal((16, 1, 3, 3)).astype(np.float32) * 0.2}
    nodes = [helper.make_node("Conv", ["X", "W", "B"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("Conv", ["r", "D"], ["d"], group=16, pads=[1, 1, 1, 1], strides=[2, 2]),
             helper.make_node("MaxPool", ["d"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("GlobalAveragePool", ["p"], ["Y"])]
    return make_model(nodes, {"X": x}, ["Y"], initializers=inits)


def attention():
    rng = np.random.default_rng(3)
    q = rng.standard_normal((2, 40, 15)).astype(np.float32)
    k = rng.standard_normal((2, 15, 40)).astype(np.float32)
    v = rng.standard_normal((2, 40, 15)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["Q", "K"], ["s"]),
             helper.make_node("Softmax", ["s"], ["p"], axis=-1),
             helper.make_node("MatMul", ["p", "V"], ["o"]),
             helper.make_node("ReduceMean", ["o"], ["Y"], axes=[1], keepdims=0)]
    return make_model(nodes, {"Q": q, "K": k, "V": v}, ["Y", "p"], opset=17)


MODELS = {"mlp": mlp, "convnet": convnet, "attention": attention}


def _feeds(model, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    feeds = {}
    for value in model.graph.input:
        shape = [d.dim_value for d in value.type.tensor_type.shape.dim]
        feeds[value.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


def stress_concurrent_runs(compiled, model, runs_per_thread: int) -> tuple[int, int, list]:
    """Run ``compiled`` from THREADS threads; returns (runs, wrong results, errors)."""
    cases = [_feeds(model, seed) for seed in range(THREADS * FEEDS_PER_THREAD)]
    expected = [run_onnxruntime(model, feeds) for feeds in cases]
    wrong = [0] * THREADS
    errors: list = []
    start = threading.Barrier(THREADS)

    def worker(t: int) -> None:
        try:
            start.wait()
            for i in range(runs_per_thread):
                case = t * FEEDS_PER_THREAD + i % FEEDS_PER_THREAD
                outputs = compiled.run(cases[case])
                for actual, reference in zip(outputs, expected[case]):
                    if not np.allclose(actual, reference, rtol=1e-4, atol=1e-5):
                        wrong[t] += 1
        except Exception as e:  # reported by the test, not lost in the thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return THREADS * runs_per_thread, sum(wrong), errors


@pytest.mark.parametrize("compile_threads", [1, 2])
def test_concurrent_runs_are_right(compile_threads):
    runs = 0
    for name, build in MODELS.items():
        model = build()
        compiled = polytile.compile(model, threads=compile_threads)
        assert compiled.workspace_bytes > 0, f"{name}: no workspace, the test would prove nothing"
        done, wrong, errors = stress_concurrent_runs(compiled, model, runs_per_thread=150)
        assert not errors, f"{name}: {errors[0]!r}"
        assert wrong == 0, f"{name}: {wrong} of {done} concurrent results differ from onnxruntime"
        # one workspace per call that ran at the same time, never more than the callers
        assert 1 <= compiled._function.workspace.allocated <= THREADS
        runs += done
    assert runs >= 3000


def test_pool_reuses_workspaces_in_sequence():
    model = mlp()
    compiled = polytile.compile(model, threads=1)
    feeds = _feeds(model, 0)
    for _ in range(5):
        compiled.run(feeds)
    assert compiled._function.workspace.allocated == 1


def test_native_call_releases_the_gil():
    """ctypes releases the GIL around CFUNCTYPE calls (not PYFUNCTYPE ones)."""
    import ctypes
    compiled = polytile.compile(mlp(), threads=1)
    function = compiled._function
    assert isinstance(function, JitFunction)
    assert not (type(function._native)._flags_ & ctypes._FUNCFLAG_PYTHONAPI)

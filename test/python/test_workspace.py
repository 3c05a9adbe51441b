"""memref-allocs-to-workspace inside the CPU pipeline: whole models compiled with
the pass inserted just before func-outline-loop-nests match onnxruntime (rtol
1e-3, atol 1e-4) on two calls in a row, with no malloc left at the top level of
the entry function.

The pass is inserted here by hand; ``pipelines.linalg_to_affine`` does not list it yet.
"""
import os
import sys

import numpy as np
import onnx
import pytest
from mlir import ir

from onnx_check import run_onnxruntime
from polytile import pipelines
from polytile.compiler import CompiledModel, import_to_tg
from polytile.targets.driver import run_passes
from polytile.runtime.jit import JitFunction

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = [os.path.join(ROOT, "examples", "mobilenet_v2.onnx"),
          os.path.join(ROOT, "test", "models", "bert_encoder.onnx")]
PASS = "memref-allocs-to-workspace"


def workspace_passes(options: str = "") -> tuple[list[str], list[str]]:
    """The tg->llvm passes of the pipeline (which runs the workspace pass right before
    func-outline-loop-nests), with ``options`` for it, split right after it."""
    passes = pipelines.stage_passes("tg", "affine")
    cut = next(i for i, p in enumerate(passes) if p.startswith(PASS))
    assert passes[cut + 1] == "func-outline-loop-nests"
    step = f"{PASS}{{{options}}}" if options else passes[cut]
    return passes[:cut] + [step], passes[cut + 1:] + pipelines.stage_passes("affine", "llvm")


def top_level_ops(module: ir.Module, name: str) -> list[str]:
    for op in module.body.operations:
        op = op.operation
        if op.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == name:
            return [o.operation.name for o in op.regions[0].blocks[0].operations]
    raise AssertionError(f"no function @{name}")


def compile_with_workspace(path: str, options: str = ""):
    """Compile for the CPU like polytile.compile, with the workspace pass; returns
    the model and the module attribute polytile.workspace_bytes."""
    context, module, inputs, outputs, times = import_to_tg(path)
    with context, ir.Location.unknown():
        before, after = workspace_passes(options)
        run_passes(module, before)
        ops = top_level_ops(module, pipelines.ENTRY_POINT)
        assert "memref.alloc" not in ops and "memref.dealloc" not in ops
        workspace = ir.IntegerAttr(module.operation.attributes["polytile.workspace_bytes"]).value
        run_passes(module, after)
        function = JitFunction(module, pipelines.ENTRY_POINT, opt_level=3,
                               parallel=pipelines.resolve_threads(None) > 1)
    return CompiledModel(function, inputs, outputs, times, lambda: str(module)), workspace


def random_feeds(compiled: CompiledModel, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    feeds = {}
    for info in compiled.inputs:
        if np.issubdtype(info.dtype, np.floating):
            feeds[info.name] = rng.standard_normal(info.shape).astype(info.dtype)
        elif "mask" in info.name:
            feeds[info.name] = np.ones(info.shape, info.dtype)
        else:
            feeds[info.name] = rng.integers(0, 100, info.shape).astype(info.dtype)
    return feeds


def check(actual, expected) -> None:
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.shape == e.shape and a.dtype == e.dtype
        np.testing.assert_allclose(a, e, rtol=1e-3, atol=1e-4)
        np.testing.assert_allclose(a, e, rtol=1e-3, atol=1e-4 * float(np.abs(e).max()))


@pytest.mark.parametrize("options", ["", "reuse=false"], ids=["shared", "separate"])
@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-5] for p in MODELS])
def test_model_with_workspace_runs_twice(path, options):
    compiled, workspace = compile_with_workspace(path, options)
    assert workspace > 0
    model = onnx.load(path)
    # Different feeds per call: a result that depended on what the first call
    # left in the workspace would not match the second reference.
    for seed in (0, 1):
        feeds = random_feeds(compiled, seed)
        check(compiled.run(feeds), run_onnxruntime(model, feeds))


def test_reuse_makes_the_workspace_smaller():
    path = MODELS[0]
    sizes = {}
    for options in ("", "reuse=false"):
        context, module, *_ = import_to_tg(path)
        with context, ir.Location.unknown():
            run_passes(module, workspace_passes(options)[0])
            sizes[options] = ir.IntegerAttr(module.operation.attributes["polytile.workspace_bytes"]).value
    assert 0 < sizes[""] < sizes["reuse=false"]


def test_missing_entry_is_a_diagnostic(tmp_path):
    import subprocess
    source = tmp_path / "in.mlir"
    source.write_text("func.func @f() {\n  return\n}\n")
    tool = os.path.join(os.path.dirname(sys.executable), "polytile-opt")  # the venv's, PATH or not
    result = subprocess.run([tool, str(source), "--memref-allocs-to-workspace=entry=main"],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "error: no function '@main' in the module" in result.stderr
    assert "Traceback" not in result.stderr

"""examples/c built with CMake (polytile_add_model, --emit=obj) and cc: two models
compiled with --threads 2 under different names, linked statically into one
program, run from two threads at once, compared with onnxruntime. Skips without
cmake or cc."""
from __future__ import annotations

import os
import subprocess
import sys

import onnx
import pytest

from aot_support import EXAMPLE, conv_model, example_feeds, have, mlp_model, run_example

pytestmark = pytest.mark.skipif(not have("cmake", "cc"), reason="needs cmake and cc on PATH")


def configure_and_build(tmp_path, *extra: str):
    models = {"model_a": mlp_model(), "model_b": conv_model()}
    for name, model in models.items():
        onnx.save(model, tmp_path / f"{name}.onnx")
    build = tmp_path / "build"
    compile_tool = os.path.join(os.path.dirname(sys.executable), "polytile-compile")
    configure = ["cmake", "-S", str(EXAMPLE), "-B", str(build), f"-DPOLYTILE_COMPILE={compile_tool}",
                 f"-DMODEL_A={tmp_path / 'model_a.onnx'}", f"-DMODEL_B={tmp_path / 'model_b.onnx'}", *extra]
    for command in (configure, ["cmake", "--build", str(build), "-j", "2"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return build, models


def test_cmake_example_two_models_two_threads(tmp_path):
    build, models = configure_and_build(tmp_path, "-DTHREADS=2")
    assert (build / "polytile" / "model_a" / "libomp.so").exists()
    out = run_example([str(build / "two_models")], tmp_path, models, example_feeds(1))
    assert "model_b Y: dtype 1 shape [3, 8]" in out

"""Compile small ONNX models with target="cuda", run them on the GPU and compare
with onnxruntime on the CPU; prints one "OK <name>" line per model."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))

from onnx_check import assert_close, run_onnxruntime  # noqa: E402
import polytile  # noqa: E402
import test_gpu  # noqa: E402

for name in sorted(test_gpu.MODELS):
    model, feeds = test_gpu.MODELS[name]()
    compiled = polytile.compile(model, target="cuda")
    expected = run_onnxruntime(model, feeds)
    for _ in range(2):
        assert_close(compiled.run(feeds), expected, rtol=1e-4, atol=1e-5)
    print("OK", name)

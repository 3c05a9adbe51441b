"""Matmul kernels on the GPU against numpy: fp16 on tensor cores (m16n8k16),
f32 with TF32 tensor cores (m16n8k8), f32 with shared-memory tiles; ragged and
batched sizes. Prints one "OK <name>" line per case."""
import os
import sys

import numpy as np
from onnx import helper

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))

from onnx_check import make_model  # noqa: E402
from polytile.gpu.compiler import compile_cuda  # noqa: E402
from polytile.gpu.pipelines import GpuOptions  # noqa: E402

rng = np.random.default_rng(3)
CASES = [  # name, A shape, B shape, dtype, options, rtol, atol
    ("fp16_tensor_cores", (300, 200), (200, 150), np.float16, GpuOptions(), 2e-3, 3e-2),
    ("fp16_tensor_cores_batched", (3, 70, 40), (40, 90), np.float16, GpuOptions(), 2e-3, 3e-2),
    ("tf32_tensor_cores", (300, 200), (200, 150), np.float32, GpuOptions(tf32=True), 1e-2, 8e-2),
    ("f32_shared_tiles", (300, 200), (200, 150), np.float32, GpuOptions(), 1e-4, 1e-4),
    ("f32_shared_tiles_sm75", (2, 65, 33), (33, 129), np.float32, GpuOptions(chip="sm_75", features="+ptx70"),
     1e-4, 1e-4),
]
for name, a_shape, b_shape, dtype, options, rtol, atol in CASES:
    a = rng.standard_normal(a_shape).astype(dtype)
    b = rng.standard_normal(b_shape).astype(dtype)
    model = make_model([helper.make_node("MatMul", ["A", "B"], ["Y"])], {"A": a}, ["Y"], initializers={"B": b})
    compiled = compile_cuda(model, options=options)
    expected = a.astype(np.float32) @ b.astype(np.float32)
    for _ in range(2):
        (result,) = compiled.run({"A": a})
        np.testing.assert_allclose(result.astype(np.float32), expected, rtol=rtol, atol=atol)
    print("OK", name)

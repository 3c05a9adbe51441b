"""Write ``mlp.onnx``: the small MLP that ``mlp.sched.mlir`` schedules.

    python examples/schedules/make_mlp.py [OUT.onnx]

X[32, 64] -> Gemm(64 -> 128, transB=1) + Relu -> MatMul(128 -> 96) + Add(bias) -> Y[32, 96],
with fixed random weights (seed 0). polytile groups it into two kernels,
``gemm_relu_0`` and ``matmul_add_1`` (see ``polytile-compile mlp.onnx --emit=sched``).
"""
from __future__ import annotations

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build_mlp(seed: int = 0) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    weights = {
        "W1": rng.standard_normal((128, 64)).astype(np.float32) * 0.1,
        "b1": rng.standard_normal(128).astype(np.float32),
        "W2": rng.standard_normal((128, 96)).astype(np.float32) * 0.1,
        "b2": rng.standard_normal(96).astype(np.float32),
    }
    nodes = [helper.make_node("Gemm", ["X", "W1", "b1"], ["h"], transB=1, name="fc1"),
             helper.make_node("Relu", ["h"], ["r"], name="relu1"),
             helper.make_node("MatMul", ["r", "W2"], ["m"], name="fc2"),
             helper.make_node("Add", ["m", "b2"], ["Y"], name="bias2")]
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [32, 64])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [32, 96])],
        [numpy_helper.from_array(a, name) for name, a in weights.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    return model


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "mlp.onnx"
    onnx.save(build_mlp(), out)
    print(f"wrote {out}")

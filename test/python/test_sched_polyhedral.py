"""A kernel's schedule can ask for the polyhedral scheduler (sched.polyhedral):
its ops are tagged through the lowering, and affine-polyhedral-schedule
{tagged-only} reschedules exactly those loop nests; answers do not change."""
import numpy as np
import onnxruntime as ort
from mlir import ir
from onnx import TensorProto, helper

import polytile
from polytile.context import create_context
from polytile.dialects import sched
from polytile.pipeline import Pipeline


def _model():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 96])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 96])
    nodes = [helper.make_node("Softmax", ["x"], ["s"], axis=1),
             helper.make_node("Sigmoid", ["s"], ["t"]),
             helper.make_node("Mul", ["t", "x"], ["y"])]
    graph = helper.make_graph(nodes, "g", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def _hook(options):
    def hook(name, fn):
        return sched.Schedule(name, [sched.Polyhedral(options=options)])
    return hook


def test_polyhedral_step_tags_the_kernel_and_keeps_the_answers():
    model = _model()
    x = np.random.default_rng(0).standard_normal((64, 96)).astype(np.float32)
    ref = ort.InferenceSession(model.SerializeToString()).run(None, {"x": x})[0]
    plain = polytile.compile(model, threads=1).run({"x": x})[0]
    hooked = polytile.compile(model, threads=1, schedules=_hook("tile-sizes=16 fusion=smart")).run({"x": x})[0]
    np.testing.assert_allclose(plain, ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(hooked, ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(hooked, plain, rtol=1e-6, atol=1e-7)


def test_only_tagged_nests_are_rescheduled():
    model = _model()
    affine = polytile.compile(model, threads=1, emit="affine", schedules=_hook("tile-sizes=16 tile-inner"))
    assert 'sched.polyhedral = "tile-sizes=16 tile-inner"' in affine
    untagged = polytile.compile(model, threads=1, emit="affine")
    assert "sched.polyhedral" not in untagged
    with create_context(), ir.Location.unknown():
        tagged_module = ir.Module.parse(affine)
        plain_module = ir.Module.parse(untagged)
        for module in (tagged_module, plain_module):
            pipeline = Pipeline()
            pipeline.add("affine-polyhedral-schedule{tagged-only=true}")
            pipeline.run(module)
        # tiles of 16 appear only where the schedule asked for them
        assert "step 16" in str(tagged_module)
        assert "step 16" not in str(plain_module)

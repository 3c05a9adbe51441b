"""Test helpers: build small ONNX models inline and compare polytile with onnxruntime.

    from onnx_check import check_node
    check_node("Relu", {"X": x}, attrs={}, outputs=["Y"])

``check_node`` builds a one-node model (constant inputs given via ``initializers``
become initializers), compiles it with ``polytile.compile``, runs both polytile
and onnxruntime on the same feeds and asserts the outputs match within
``rtol``/``atol`` (exact for integer and bool outputs).
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import onnx
from onnx import helper

import polytile


DEFAULT_OPSET = 17


def make_model(nodes, inputs: dict, outputs: Sequence[str], initializers: Optional[dict] = None,
               opset: int = DEFAULT_OPSET, output_types: Optional[dict] = None) -> onnx.ModelProto:
    """A model from nodes; ``inputs``/``initializers`` map names to example arrays.
    Output types are left to shape inference unless given as name -> elem type."""
    initializers = initializers or {}
    graph_inputs = [helper.make_tensor_value_info(
        name, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape) for name, a in inputs.items()]
    inits = [onnx.numpy_helper.from_array(np.asarray(a), name) for name, a in initializers.items()]
    probe = helper.make_model(helper.make_graph(nodes, "probe", graph_inputs,
                                                [helper.make_empty_tensor_value_info(o) for o in outputs], inits),
                              opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    inferred = onnx.shape_inference.infer_shapes(probe, strict_mode=True)
    known = {vi.name: vi for vi in list(inferred.graph.value_info) + list(inferred.graph.output)}
    graph_outputs = []
    for o in outputs:
        vi = known.get(o)
        if vi is not None and vi.type.tensor_type.elem_type:
            graph_outputs.append(vi)
        else:
            et = (output_types or {}).get(o, onnx.TensorProto.FLOAT)
            graph_outputs.append(helper.make_tensor_value_info(o, et, None))
    graph = helper.make_graph(nodes, "test", graph_inputs, graph_outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def run_onnxruntime(model: onnx.ModelProto, feeds: dict) -> list[np.ndarray]:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def assert_close(actual: Sequence[np.ndarray], expected: Sequence[np.ndarray],
                 rtol: float = 1e-4, atol: float = 1e-5) -> None:
    assert len(actual) == len(expected)
    for i, (a, e) in enumerate(zip(actual, expected)):
        e = np.asarray(e)
        assert a.shape == e.shape, f"output {i}: shape {a.shape} != {e.shape}"
        assert a.dtype == e.dtype, f"output {i}: dtype {a.dtype} != {e.dtype}"
        if np.issubdtype(e.dtype, np.floating):
            np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"output {i}")
        else:
            np.testing.assert_array_equal(a, e, err_msg=f"output {i}")


def check_model(model: onnx.ModelProto, feeds: dict, rtol: float = 1e-4, atol: float = 1e-5,
                input_shapes: Optional[dict] = None) -> list[np.ndarray]:
    compiled = polytile.compile(model, input_shapes=input_shapes)
    actual = compiled.run(feeds)
    expected = run_onnxruntime(model, feeds)
    assert_close(actual, expected, rtol, atol)
    return actual


def check_node(op_type: str, inputs: dict, attrs: Optional[dict] = None,
               outputs: Sequence[str] = ("Y",), initializers: Optional[dict] = None,
               opset: int = DEFAULT_OPSET, rtol: float = 1e-4, atol: float = 1e-5,
               output_types: Optional[dict] = None) -> list[np.ndarray]:
    """One-node model check. Input order is ``inputs`` then ``initializers``
    unless ``input_order`` is given in attrs as ``_inputs`` (list of names, "" for absent)."""
    attrs = dict(attrs or {})
    order = attrs.pop("_inputs", None)
    if order is None:
        order = list(inputs) + list(initializers or {})
    node = helper.make_node(op_type, list(order), list(outputs), name=f"{op_type.lower()}_node", **attrs)
    model = make_model([node], inputs, outputs, initializers, opset, output_types)
    return check_model(model, inputs, rtol, atol)

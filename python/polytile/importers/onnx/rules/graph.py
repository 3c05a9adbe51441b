"""Import rules for graph-structure ops: Identity and Dropout (inference mode).

Both become ops that forward their input (``tg.identity``, ``tg.dropout``),
which `tg-remove-identity` later erases; constant inputs stay compile-time
constants. Dropout's optional mask output is a numpy constant: all true from
opset 12 on (the ONNX reference); before, where ONNX leaves the inference mask
unspecified, all zeros of the data's type (opset 7-9) or all false (opset
10-11), as onnxruntime gives. Not supported: Identity of sequences or
optionals, Dropout in training mode with a non-zero (or unknown) ratio, since
its output is random.
"""
from __future__ import annotations

import numpy as np

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


@rule("Identity")
def identity(node: NodeContext):
    value = node.const(0)
    if value is not None:
        return [value]
    return [node.tg("identity", node.input(0))]


# Identity-24 and -25 only add element types; tensors behave as before.
for _version in (24, 25):
    rule("Identity", since=_version)(identity)


@rule("Dropout", since=7)
def dropout(node: NodeContext):
    """Dropout-7/10: ``ratio`` is an attribute and the op is the identity at inference."""
    return _dropout_outputs(node)


@rule("Dropout", since=12)
def dropout_12(node: NodeContext):
    """Dropout-12+: ``ratio`` and ``training_mode`` are optional inputs."""
    if node.has_input(2):
        training = node.require_const(2, "training_mode")
        if bool(np.asarray(training).reshape(-1)[0]):
            ratio = (node.require_const(1, "ratio (with training_mode=true)")
                     if node.has_input(1) else np.float32(0.5))
            if float(np.asarray(ratio).reshape(-1)[0]) != 0.0:
                node.unsupported("training_mode=true with a non-zero ratio is not supported "
                                 "(its output is random; inference only)")
    return _dropout_outputs(node)


def _dropout_outputs(node: NodeContext) -> list:
    data = node.const(0)
    outputs = [data if data is not None else node.tg("dropout", node.input(0))]
    if len(node.node.output) > 1 and node.node.output[1]:
        # The mask is bool from opset 10 on, the data's type before.
        dtype = np.bool_ if node.opset >= 10 else _data_dtype(node)
        fill = 1 if node.opset >= 12 else 0
        # a read-only view with zero strides: no memory the size of the input (a splat constant)
        outputs.append(np.broadcast_to(np.array(fill, dtype=dtype), node.input_shape(0)))
    return outputs


def _data_dtype(node: NodeContext) -> np.dtype:
    data = node.const(0)
    if data is not None:
        return data.dtype
    from polytile.runtime.jit import numpy_dtype
    return numpy_dtype(node.input_type(0).element_type)

"""Import rules for graph-structure ops: Identity and Dropout (inference mode).

Both become ops that forward their input (``tg.identity``, ``tg.dropout``),
which `tg-remove-identity` later erases; constant inputs stay compile-time
constants. Dropout's optional mask output is a numpy constant: all true from
opset 12 on (the ONNX reference); before, where ONNX leaves the inference mask
unspecified, all zeros of the data's type (opset 7-9) or all false (opset
10-11), as onnxruntime gives.

Dropout-12+ with ``training_mode`` (or, in training mode, ``ratio``) a graph
input is the inference identity (mask all true), and the compiled model checks
at the door that training_mode is false or the ratio 0 (``InputError``
otherwise: training mode needs random numbers, which polytile has no op for).
Identity forwards sequences and optionals as they are (compile-time values,
see containers.py). Not supported: Dropout with training_mode
true and a non-zero constant ratio, and a training_mode or ratio computed inside
the model (not checkable at the door).
"""
from __future__ import annotations

import numpy as np

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


@rule("Identity")
def identity(node: NodeContext):
    """The input, forwarded (a sequence or optional as it is: rules/sequence.py)."""
    held = node.container(0)
    if held is not None:
        return [held]
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
    """Dropout-12+: ``ratio`` and ``training_mode`` are optional inputs (module docstring)."""
    if not node.has_input(2):
        return _dropout_outputs(node)
    training = node.const(2)
    if training is not None and not bool(np.asarray(training).reshape(-1)[0]):
        return _dropout_outputs(node)
    ratio = node.const(1) if node.has_input(1) else np.float32(0.5)
    if ratio is not None and float(np.asarray(ratio).reshape(-1)[0]) == 0.0:
        return _dropout_outputs(node)
    if training is not None and ratio is not None:
        node.unsupported("training_mode=true with a non-zero ratio is not supported "
                         "(its output is random; inference only)")
    # Decided when the model runs: the door checks (value_rules.py) that training_mode is
    # false or the ratio 0; the compiled code is the inference identity.
    if training is None:
        if not node.is_graph_input(2):
            node.unsupported("a training_mode computed in the model is not supported (inference only: "
                             "it must be a constant or a graph input, which is checked when the model runs)")
        if ratio is None and not node.is_graph_input(1):
            node.unsupported("a ratio computed in the model with a run-time training_mode is not supported")
        node.check_values(2, "inference", of=node.node.input[1] if ratio is None else "")
    else:
        if not node.is_graph_input(1):
            node.unsupported("a ratio computed in the model with training_mode=true is not supported "
                             "(inference only)")
        node.check_values(1, "zero")
    return _dropout_outputs(node)


def _dropout_outputs(node: NodeContext) -> list:
    data = node.const(0)
    outputs = [data if data is not None else node.tg("dropout", node.input(0))]
    if len(node.node.output) > 1 and node.node.output[1]:
        # The mask is bool from opset 10 on, the data's type before.
        dtype = np.bool_ if node.opset >= 10 else _data_dtype(node)
        fill = 1 if node.opset >= 12 else 0
        if None in node.input_dims(0):
            outputs.append(_filled_like_data(node, np.array(fill, dtype=dtype)))
        else:
            # a read-only view with zero strides: no memory the size of the input (a splat constant)
            outputs.append(np.broadcast_to(np.array(fill, dtype=dtype), node.input_shape(0)))
    return outputs


def _all_true_like_data(node: NodeContext):
    """A bool tensor of the data's dims (dynamic ones too: a splat constant cannot
    have them), all true: ``is_nan(x) or not is_nan(x)``."""
    is_nan = node.tg("is_nan", node.input(0))
    return node.tg("or", is_nan, node.tg("not", is_nan))


def _filled_like_data(node: NodeContext, fill: np.ndarray):
    """``fill`` (0-d) broadcast to the data's dims, dynamic ones included."""
    everywhere = _all_true_like_data(node)
    if fill.dtype == np.bool_:
        return everywhere if fill else node.tg("not", everywhere)
    value = node.constant(fill)
    return node.tg("where", everywhere, value, value)


def _data_dtype(node: NodeContext) -> np.dtype:
    data = node.const(0)
    if data is not None:
        return data.dtype
    from polytile.runtime.jit import numpy_dtype
    return numpy_dtype(node.input_type(0).element_type)

"""Import rules for graph-structure ops: Identity and Dropout (inference mode)."""
from __future__ import annotations

import numpy as np

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


@rule("Identity")
def identity(node: NodeContext):
    return [node.const(0) if node.const(0) is not None else node.input(0)]


@rule("Dropout")
def dropout(node: NodeContext):
    if node.const(2) is not None and bool(node.const(2)):
        node.unsupported("training_mode=true is not supported (inference only)")
    outputs = [node.input(0)]
    if len(node.node.output) > 1 and node.node.output[1]:
        outputs.append(np.ones(node.input_shape(0), dtype=np.bool_))
    return outputs

"""Import rules for neural-network ops: Conv, MatMul, Gemm, pooling, BatchNormalization."""
from __future__ import annotations

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule
from polytile.importers.onnx.rules.common import window_attributes


@rule("Conv")
def conv(node: NodeContext):
    x, w = node.input(0), node.input(1)
    w_shape = node.input_shape(1)
    spatial = len(w_shape) - 2
    kernel = list(node.attr("kernel_shape", w_shape[2:]))
    window = window_attributes(node, spatial, kernel, node.input_shape(0)[2:])
    return [node.tg("conv", x, w, node.input(2), group=node.attr("group", 1),
                    kernel_shape=kernel, **window)]


@rule("MatMul")
def matmul(node: NodeContext):
    return [node.tg("matmul", node.input(0), node.input(1))]


@rule("Gemm")
def gemm(node: NodeContext):
    return [node.tg("gemm", node.input(0), node.input(1), node.input(2),
                    alpha=node.attr("alpha", 1.0), beta=node.attr("beta", 1.0),
                    transA=node.attr("transA", 0), transB=node.attr("transB", 0))]


@rule("MaxPool")
def max_pool(node: NodeContext):
    if len(node.node.output) > 1 and node.node.output[1]:
        node.unsupported("the Indices output of MaxPool is not supported yet")
    kernel = list(node.attr("kernel_shape"))
    spatial = len(kernel)
    window = window_attributes(node, spatial, kernel, node.input_shape(0)[2:])
    if node.attr("auto_pad", "NOTSET") in ("SAME_UPPER", "SAME_LOWER") and node.attr("ceil_mode", 0):
        node.unsupported("ceil_mode with auto_pad SAME is not supported")
    return [node.tg("max_pool", node.input(0), kernel_shape=kernel,
                    ceil_mode=node.attr("ceil_mode", 0),
                    storage_order=node.attr("storage_order", 0), **window)]


@rule("GlobalAveragePool")
def global_average_pool(node: NodeContext):
    return [node.tg("global_average_pool", node.input(0))]


@rule("BatchNormalization")
def batch_normalization(node: NodeContext):
    if node.attr("training_mode", 0):
        node.unsupported("training_mode=1 is not supported (inference only)")
    if len([o for o in node.node.output if o]) > 1:
        node.unsupported("running mean/var outputs (training) are not supported")
    return [node.tg("batch_normalization", *node.inputs()[:5], epsilon=node.attr("epsilon", 1e-5))]

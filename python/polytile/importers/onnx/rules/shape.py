"""Import rules for shape and data-movement ops: Reshape, Flatten, Transpose,
Shape."""
from __future__ import annotations

import numpy as np

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


def resolve_reshape(node: NodeContext, in_shape: list[int], target: list[int], allowzero: bool) -> list[int]:
    """ONNX Reshape's target shape with 0 (copy) and -1 (infer) resolved."""
    out = []
    for i, dim in enumerate(target):
        if dim == 0 and not allowzero:
            if i >= len(in_shape):
                node.unsupported(f"shape entry {i} is 0 but the input has rank {len(in_shape)}")
            out.append(in_shape[i])
        else:
            out.append(int(dim))
    if out.count(-1) > 1:
        node.unsupported("more than one -1 in the target shape")
    if -1 in out:
        known = int(np.prod([d for d in out if d != -1]))
        total = int(np.prod(in_shape))
        if known == 0 or total % known:
            node.unsupported(f"cannot reshape {in_shape} into {target}")
        out[out.index(-1)] = total // known
    return out


@rule("Reshape", since=5)
def reshape(node: NodeContext):
    target = node.require_const(1, "the target shape").astype(np.int64).tolist()
    shape = resolve_reshape(node, node.input_shape(0), target, bool(node.attr("allowzero", 0)))
    return [node.tg("reshape", node.input(0), shape=shape)]


@rule("Flatten")
def flatten(node: NodeContext):
    return [node.tg("flatten", node.input(0), axis=node.attr("axis", 1))]


@rule("Transpose")
def transpose(node: NodeContext):
    rank = len(node.input_shape(0))
    perm = list(node.attr("perm", list(reversed(range(rank)))))
    return [node.tg("transpose", node.input(0), perm=perm)]


@rule("Shape")
def shape(node: NodeContext):
    dims = np.asarray(node.input_shape(0), dtype=np.int64)
    start = node.attr("start", 0)
    end = node.attr("end", None)
    return [dims[start:end]]

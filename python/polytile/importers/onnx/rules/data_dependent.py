"""Import rules for ops whose output sizes depend on the input's values:
NonZero, Compress and Unique (``tg.non_zero``, ``tg.compress``, ``tg.unique``).

Their data-dependent output dims are ``?`` (computed at run time, see
``dialects/tg_rules/data_dependent.py``); inputs may have dynamic dims too.

On constant inputs the rules compute the outputs with numpy (the graph walker
cannot fold them: their sizes are unknown before evaluating) when a bound on
their size fits the folding budget (``polytile.resources.fold_allowed``: NonZero
at most rank x n int64, Compress at most its input, Unique at most its input and
three int64 vectors of the slice count). Unique of float constants holding NaN is
left to run time, whose NaN rules (equal to each other, ordered last) numpy's
row comparison does not share.

* Compress and Unique without ``axis`` work on the flattened input: the rule
  reshapes it to 1-d (``tg.reshape``) and uses axis 0. A negative axis is
  normalized.
* The later versions (NonZero-13, Compress-28, Unique-28) only add element
  types (bfloat16, which polytile does not take yet): the same rules.
* Unique returns all four outputs (Y, indices, inverse_indices, counts); unused
  ones are dead code after lowering.

Not supported: string tensors (polytile has no string type).
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from polytile.dialects import tg
from polytile.importers.onnx.graph import FOLD_LIMIT, NodeContext
from polytile.importers.onnx.registry import rule
from polytile.resources import fold_allowed


def _axis(node: NodeContext, rank: int) -> Optional[int]:
    """ONNX's ``axis`` attribute as a dim in [0, rank), or None when absent."""
    axis = node.attr("axis", None)
    if axis is None:
        return None
    axis = int(axis)
    if not -rank <= axis < rank:
        node.unsupported(f"axis {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _flattened(node: NodeContext, i: int = 0):
    """Input ``i`` reshaped to 1-d (a dynamic size when any of its dims is dynamic)."""
    dims = node.input_dims(i)
    value = node.input(i)
    if len(dims) == 1:
        return value
    size = -1 if any(d is None for d in dims) else int(np.prod(dims, dtype=np.int64))
    return node.tg("reshape", value, shape=[size])


def _build(node: NodeContext, op: str, *operands, **attributes) -> list:
    """Build ``tg.<op>`` and return all its results (``node.tg`` returns the first)."""
    try:
        return list(tg.build(op, operands, attributes).results)
    except tg.TypeRuleError as e:
        node.unsupported(f"cannot build tg.{op}: {e}")


def _constant_inputs(node: NodeContext, bound_bytes: Callable[..., int]) -> Optional[list]:
    """The inputs' values when all are compile-time constants and the result, at most
    ``bound_bytes(*values)`` bytes, may be folded (the budget); None otherwise."""
    values = [node.const(i) for i in range(node.num_inputs) if node.has_input(i)]
    if any(v is None for v in values) or sum(v.size for v in values) > FOLD_LIMIT:
        return None
    stored = [v.itemsize if 0 in v.strides else v.nbytes for v in values]  # a splat holds one element
    if not fold_allowed([bound_bytes(*values)], stored, node.importer.fold_limit_bytes):
        return None
    return [np.asarray(v) for v in values]


@rule("NonZero", since=9)
@rule("NonZero", since=13)
def non_zero(node: NodeContext):
    values = _constant_inputs(node, lambda x: max(x.ndim, 1) * x.size * 8)
    if values is not None:
        x = np.atleast_1d(values[0])
        return [np.array(np.nonzero(x), dtype=np.int64).reshape(x.ndim, -1)]
    return [node.tg("non_zero", node.input(0))]


@rule("Compress", since=9)
@rule("Compress", since=28)
def compress(node: NodeContext):
    rank = node.input_rank(0)
    if node.input_rank(1) != 1:
        node.unsupported(f"condition must be 1-d, got rank {node.input_rank(1)}")
    axis = _axis(node, rank)
    values = _constant_inputs(node, lambda x, c: x.nbytes)
    if values is not None:
        x, condition = values
        if axis is None:
            x = x.reshape(-1)
        kept = np.flatnonzero(condition[:x.shape[axis or 0]])
        return [np.take(x, kept, axis=axis or 0)]
    data = node.input(0) if axis is not None else _flattened(node)
    return [node.tg("compress", data, node.input(1), axis=0 if axis is None else axis)]


@rule("Unique", since=11)
@rule("Unique", since=28)
def unique(node: NodeContext):
    sorted_ = node.attr("sorted", 1)
    if sorted_ not in (0, 1):
        node.unsupported(f"attribute 'sorted' must be 0 or 1, got {sorted_!r}")
    rank = node.input_rank(0)
    axis = _axis(node, rank) if rank else None
    values = _constant_inputs(node, lambda x: x.nbytes + 3 * 8 * (x.shape[axis] if axis is not None else x.size))
    if values is not None and not (values[0].dtype.kind == "f" and np.isnan(values[0]).any()):
        return _unique_of(values[0], axis, bool(sorted_))
    data = node.input(0) if axis is not None else _flattened(node)
    return _build(node, "unique", data, axis=0 if axis is None else axis, sorted=int(sorted_))


def _unique_of(x: np.ndarray, axis: Optional[int], sort: bool) -> list[np.ndarray]:
    """ONNX Unique of a constant as tg.unique computes it: first occurrences kept (their
    bits: -0.0 stays -0.0), in ascending order or in order of first occurrence."""
    if axis is None:
        x, axis = x.reshape(-1), 0
    rows = np.moveaxis(x, axis, 0).reshape(x.shape[axis], -1)
    if rows.shape[0] == 0:
        indices = inverse = counts = np.zeros(0, np.int64)
    elif rows.shape[1] == 0:  # empty slices: all equal
        indices, inverse, counts = np.zeros(1, np.int64), np.zeros(len(rows), np.int64), np.array([len(rows)])
    else:
        _, indices, inverse, counts = np.unique(rows, return_index=True, return_inverse=True,
                                                return_counts=True, axis=0)
        inverse = inverse.reshape(-1)
        if not sort:
            order = np.argsort(indices, kind="stable")
            position = np.empty_like(order)
            position[order] = np.arange(len(order))
            indices, counts, inverse = indices[order], counts[order], position[inverse]
    y = np.take(x, indices, axis=axis)
    return [y, indices.astype(np.int64), inverse.astype(np.int64), counts.astype(np.int64)]

"""tensor-unshare-insert-destinations: give each ``tensor.insert_slice`` its own cheap destination.

A padded operand is built as ``insert_slice %x into fill(0)``; after inlining, ``cse``
merges the identical zero fills of every padded operand of the same shape into one
value. One-shot bufferization must then keep that shared fill intact for its other
users: it writes the padded buffer once, and for every other user copies the whole
filled buffer and then the interior ``%x`` into the copy (two generic ``memref.copy``
per padded operand, outside any kernel). This pass runs before
``eliminate-empty-tensors``: wherever an ``insert_slice`` destination is a
``linalg.fill`` (or its generalized ``linalg.generic``) of a ``tensor.empty``, or a
``tensor.empty``, with more than one use,
the insert gets its own clone of it. Each padded operand then has a buffer of its own,
the producer of ``%x`` writes straight into its interior (``eliminate-empty-tensors``)
and no copy is left.

Does not yet: unshare destinations made by other ops (a copy would then cost what it
saves).
"""
from __future__ import annotations

from mlir import ir

from polytile.pass_registry import register_pass
from polytile.passes.common.walk import ops_in


def _producer(value: ir.Value):
    if not isinstance(value, ir.OpResult):
        return None
    op = value.owner
    return op.operation if hasattr(op, "operation") else op


def _clone_cheap(value: ir.Value, before: ir.Operation) -> ir.Value | None:
    """A fresh copy of ``value`` made by cloning its producer (and that of a fill's
    ``tensor.empty``) right before ``before``; None when the producer is not cheap."""
    op = _producer(value)
    if op is None:
        return None
    if op.name == "tensor.empty":
        clone = op.clone(ir.InsertionPoint(before))
        return clone.results[0]
    if _is_fill(op):
        init = _clone_cheap(op.operands[len(op.operands) - 1], before)
        if init is None:
            return None
        clone = op.clone(ir.InsertionPoint(before))
        clone.operands[len(op.operands) - 1] = init
        return clone.results[0]
    return None


def _is_fill(op: ir.Operation) -> bool:
    """A ``linalg.fill``, or its generalized form: a ``linalg.generic`` with only parallel
    loops, one tensor result and no tensor inputs."""
    if len(op.results) != 1:
        return False
    if op.name == "linalg.fill":
        return True
    if op.name != "linalg.generic":
        return False
    inputs = list(op.operands)[:-1]
    kinds = [str(a) for a in ir.ArrayAttr(op.attributes["iterator_types"])]
    return all("parallel" in k for k in kinds) and \
        not any(isinstance(v.type, (ir.RankedTensorType, ir.MemRefType)) for v in inputs)


@register_pass("tensor-unshare-insert-destinations")
def run(root: ir.Operation, options) -> None:
    """Clone shared fill/empty destinations of tensor.insert_slice, one per insert."""
    for insert in ops_in(root, "tensor.insert_slice"):
        if insert.name != "tensor.insert_slice":
            continue
        dest = insert.operands[1]
        if len(list(dest.uses)) < 2:
            continue
        fresh = _clone_cheap(dest, insert)
        if fresh is not None:
            insert.operands[1] = fresh

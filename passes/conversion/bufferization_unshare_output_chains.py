"""bufferization-unshare-output-chains: give each output its own destination chain.

``eliminate-empty-tensors`` starts at each ``bufferization.materialize_in_destination
%v in restrict writable %out`` whose ``%out`` is a memref (the caller's output
buffer, see ``func-add-memref-entry``), follows ``%v`` back along the tied
destination operands (a linalg op's ``outs``, an ``scf.for``/``scf.forall``
init, an ``insert_slice``/``transfer_write`` destination) to a ``tensor.empty``
and replaces that ``tensor.empty`` with ``bufferization.to_tensor %out restrict
writable``, dropping ``restrict`` from the materialize. That is only correct
when the chain bufferizes in place so that the materialize becomes a no-op: the
write of the materialize into the memref ``%out`` is invisible to one-shot
bufferization's tensor analysis. When a value on the chain has other users
(after inlining, ``cse`` merges the identical zero fills of two same-shaped
contractions' accumulators), one-shot bufferization may put the *other* user
in place in ``%out``'s buffer and copy this chain elsewhere; the materialize
then copies into ``%out`` and overwrites a tensor still to be read (two
same-shaped matmul outputs came back equal).

This pass runs right before ``eliminate-empty-tensors`` and makes every such
chain private: wherever a value on an output's chain has more than one use,
the chain op gets its own copy of it (uses that only read it, as a linalg op's
input or by ``tensor.dim``, do not count: they all come before the outputs are
written): a clone of the producer when that is a
cheap op (``tensor.empty``, or a linalg op with only parallel loops: fills,
broadcasts, element-wise ops; its own chain is then made private in turn), or
else a ``linalg.copy`` of the value into a fresh ``tensor.empty`` (so an
expensive producer is never recomputed). A chain whose values each have one
use is left as it is, so IR without shared chains does not change.

Does not yet: follow chains through ops other than linalg ops, ``scf.for``,
``scf.forall``, ``tensor.insert``/``insert_slice``/``cast`` and
``vector.transfer_write`` (the chain walk stops at any other op, e.g. ``scf.if``).
"""
from __future__ import annotations

from typing import Optional

from mlir import ir
from mlir.dialects import linalg, tensor

from polytile.pass_registry import register_pass

from polytile.passes.common.walk import ops_in

_DEST_OPERAND_1 = ("tensor.insert_slice", "tensor.insert", "vector.transfer_write",
                   "linalg.pack", "linalg.unpack")
_PARALLEL_NAMED = ("linalg.fill", "linalg.copy", "linalg.broadcast", "linalg.transpose", "linalg.map")


def _tied_operand(value: ir.Value) -> Optional[tuple[ir.Operation, int]]:
    """(op, operand index) of the destination operand ``value`` (an op result) is
    written into, or None where the chain ends (block argument, tensor.empty, an
    op that is not destination style)."""
    if not isinstance(value, ir.OpResult):
        return None
    op = value.owner
    op = op.operation if hasattr(op, "operation") else op
    name, index = op.name, value.result_number
    operands = list(op.operands)
    if name in _DEST_OPERAND_1:
        j = 1
    elif name == "tensor.cast":
        j = 0
    elif name == "scf.for":
        j = 3 + index
    elif name == "scf.forall" or (name.startswith("linalg.") and name not in ("linalg.yield", "linalg.index")):
        j = len(operands) - len(op.results) + index  # outs / shared_outs come last
    else:
        return None
    if not 0 <= j < len(operands) or not isinstance(operands[j].type, ir.RankedTensorType):
        return None
    return op, j


def _cheap(op: ir.Operation) -> bool:
    """Whether recomputing ``op`` costs about as much as copying its result."""
    if op.name == "tensor.empty" or op.name in _PARALLEL_NAMED:
        return True
    if op.name == "linalg.generic" and len(op.results) == 1:
        kinds = [str(a) for a in ir.ArrayAttr(op.attributes["iterator_types"])]
        return all("parallel" in k for k in kinds)
    return False


def _private_copy(value: ir.Value, before: ir.Operation) -> ir.Value:
    """A value equal to ``value`` that nothing else uses, built right before ``before``."""
    producer = value.owner if isinstance(value, ir.OpResult) else None
    producer = producer.operation if producer is not None and hasattr(producer, "operation") else producer
    with ir.InsertionPoint(before), before.location:
        if producer is not None and _cheap(producer):
            clone = producer.clone(ir.InsertionPoint(before))
            return clone.results[ir.OpResult(value).result_number]
        rt = ir.RankedTensorType(value.type)
        sizes = [tensor.dim(value, _index(k)) if rt.is_dynamic_dim(k) else rt.shape[k] for k in range(rt.rank)]
        empty = tensor.empty(sizes, rt.element_type)
        return linalg.copy(value, outs=[empty])


def _index(k: int) -> ir.Value:
    from mlir.dialects import arith
    return arith.constant(ir.IndexType.get(), k)


def _only_reads(use: ir.OpOperand) -> bool:
    """Whether ``use`` reads the value without writing it or making an alias of it:
    a linalg op's input (its results never alias its inputs) or ``tensor.dim``."""
    op = use.owner
    op = op.operation if hasattr(op, "operation") else op
    if op.name == "tensor.dim":
        return True
    if op.name.startswith("linalg.") and op.name not in _DEST_OPERAND_1 + ("linalg.yield", "linalg.index"):
        return use.operand_number < len(op.operands) - len(op.results)
    return False


def _shared(value: ir.Value) -> bool:
    """Whether ``value`` has a use besides its one place on a chain that could write
    it or alias it (reads, which all come before the outputs are written, are fine)."""
    return sum(1 for use in value.uses if not _only_reads(use)) > 1


def _unshare(source: ir.Value) -> int:
    """Make the destination chain ending in ``source`` private; returns the links changed."""
    changed = 0
    link = _tied_operand(source)
    while link is not None:
        op, j = link
        value = op.operands[j]
        if _shared(value):
            op.operands[j] = _private_copy(value, op)
            changed += 1
        link = _tied_operand(op.operands[j])
    return changed


@register_pass("bufferization-unshare-output-chains")
def run(root: ir.Operation, options) -> None:
    """Give the destination chain of each result written into a memref its own values (module doc)."""
    for op in ops_in(root, "bufferization.materialize_in_destination"):
        if isinstance(op.operands[1].type, ir.MemRefType):
            _unshare(op.operands[0])

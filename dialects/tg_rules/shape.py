"""Type rules of tg constants and data-movement ops (reshape, flatten, transpose)."""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import DYNAMIC, OpInfo, tensor, type_rule
from polytile.dialects.tg_rules.common import fmt_shape


@type_rule("constant")
def _constant(info: OpInfo) -> list[ir.Type]:
    # The result type is the value's type; checked in verify_op.
    return []


@type_rule("reshape")
def _reshape(info: OpInfo) -> list[ir.Type]:
    data = info.operand(0)
    shape = info.ints("shape")
    if any(d < 0 for d in shape):
        info.fail("shape entries must be non-negative (0 and -1 are resolved by the importer)")
    if data.has_static_shape:
        count = 1
        for d in data.shape:
            count *= d
        target = 1
        for d in shape:
            target *= d
        if count != target:
            info.fail(f"cannot reshape {count} elements ({fmt_shape(data.shape)}) into {fmt_shape(shape)}")
    return [tensor(shape, data.element_type)]


@type_rule("flatten")
def _flatten(info: OpInfo) -> list[ir.Type]:
    data = info.operand(0)
    axis = info.int("axis")
    if not -data.rank <= axis <= data.rank:
        info.fail(f"axis {axis} is out of range for rank {data.rank}")
    if axis < 0:
        axis += data.rank
    head = tail = 1
    for i, d in enumerate(data.shape):
        if i < axis:
            head = DYNAMIC if DYNAMIC in (head, d) else head * d
        else:
            tail = DYNAMIC if DYNAMIC in (tail, d) else tail * d
    return [tensor([head, tail], data.element_type)]


@type_rule("transpose")
def _transpose(info: OpInfo) -> list[ir.Type]:
    data = info.operand(0)
    perm = info.ints("perm")
    if sorted(perm) != list(range(data.rank)):
        info.fail(f"perm {perm} is not a permutation of 0..{data.rank - 1}")
    return [tensor([data.shape[p] for p in perm], data.element_type)]

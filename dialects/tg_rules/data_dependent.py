"""Type rules of the tg ops whose result sizes depend on the input's values
(non_zero, compress, unique).

Each such size is a ``?`` in the result type, whatever the operand shapes: the
lowering computes it from the data at run time. The ops are kernels of their
own (``opaque``) and do not fold (``NO_FOLD``): with a ``?`` result there is no
static type to fold into; their import rules compute them on constant inputs
instead (``importers/onnx/rules/data_dependent.py``). Axes are normalized by the
importer (non-negative).
"""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import ALL_TYPES, DYNAMIC, NO_FOLD, OpInfo, tensor, type_rule

# Data-dependent ops are one-op kernels: nothing fuses into their loops.
OPAQUE = "opaque"


def _i64(info: OpInfo) -> ir.Type:
    return ir.IntegerType.get_signless(64, context=info.operand(0).context)


def _axis(info: OpInfo, rank: int) -> int:
    axis = info.int("axis")
    if not 0 <= axis < rank:
        info.fail(f"attribute 'axis' is {axis}, outside [0, {rank})")
    return axis


@type_rule("non_zero", kind=OPAQUE, fold=NO_FOLD)
def _non_zero(info: OpInfo) -> list[ir.Type]:
    """i64 ``rank x ?`` (``1 x ?`` for a 0-d input, as onnxruntime gives)."""
    info.element_type(0, ALL_TYPES)
    return [tensor([max(info.operand(0).rank, 1), DYNAMIC], _i64(info))]


@type_rule("compress", kind=OPAQUE, fold=NO_FOLD)
def _compress(info: OpInfo) -> list[ir.Type]:
    """The input's type with a ``?`` at ``axis``; ``condition`` is 1-d i1 of any length."""
    data = info.operand(0)
    info.element_type(0, ALL_TYPES)
    if data.rank == 0:
        info.fail("operand #0 must have rank >= 1 (the importer flattens a 0-d input)")
    info.rank(1, 1)
    info.element_type(1, ("i1",))
    axis = _axis(info, data.rank)
    shape = list(data.shape)
    shape[axis] = DYNAMIC
    return [tensor(shape, data.element_type)]


@type_rule("unique", kind=OPAQUE, fold=NO_FOLD)
def _unique(info: OpInfo) -> list[ir.Type]:
    """y: the input's type with a ``?`` at ``axis``; indices and counts i64 ``?``;
    inverse_indices i64 of the size of ``axis``."""
    data = info.operand(0)
    etype = info.element_type(0, ALL_TYPES)
    if data.rank == 0:
        info.fail("operand #0 must have rank >= 1 (the importer flattens a 0-d input)")
    axis = _axis(info, data.rank)
    if info.int("sorted") not in (0, 1):
        info.fail(f"attribute 'sorted' must be 0 or 1, got {info.int('sorted')}")
    shape = list(data.shape)
    slices = shape[axis]
    shape[axis] = DYNAMIC
    i64 = _i64(info)
    return [tensor(shape, etype), tensor([DYNAMIC], i64), tensor([slices], i64), tensor([DYNAMIC], i64)]

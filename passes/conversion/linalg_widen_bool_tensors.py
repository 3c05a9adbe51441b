"""linalg-widen-bool-tensors: store booleans (and i2/i4) as bytes.

MLIR 22's memref-to-LLVM lowering asserts on loads and stores of ``i1``
memrefs, and numpy stores bools as bytes anyway. LLVM packs vectors of ``i4``
and ``i2`` into bits in memory while scalar loads take one byte per element,
and ``ml_dtypes.int4``/``int2`` (the numpy side) hold one element per byte. This
pass, run on tensor-level IR before bufferization, turns every tensor/memref of
``i1``, ``i2`` or ``i4`` into one of ``i8`` (the value zero-extended: 0 or 1 for
bools, the low bits for i2/i4) and fixes the places where scalars enter or leave
such tensors:

* ``linalg`` ops with a body: narrow block arguments of widened operands are
  read as ``i8`` and truncated; yielded narrow values are zero-extended;
* ``linalg.fill``, ``tensor.insert``, ``tensor.from_elements``, ``tensor.splat``
  and ``tensor.pad``'s yield zero-extend their ``i1`` scalar;
* ``tensor.extract`` of a widened tensor extracts an ``i8`` and truncates it;
* ``arith.constant`` tensors of ``i1``/``i2``/``i4`` become ``i8`` constants.

Function signatures follow (so entry points take numpy bool arrays as bytes).
Does not yet: handle vector types of i1 (none exist at this level), or the
sub-byte float ``f4E2M1FN`` (which polytile does not compute on).
"""
from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith

from polytile.pass_registry import register_pass

from polytile.passes.common.walk import ops_in, retype_values


# The sub-byte integer types stored as i8.
_NARROW = ("i1", "i2", "i4")


def _i8() -> ir.Type:
    return ir.IntegerType.get_signless(8)


def _is_i1(t: ir.Type) -> bool:
    """Whether ``t`` is a narrow (sub-byte) integer scalar type: i1, i2 or i4."""
    return str(t) in _NARROW


def _has_narrow_elements(s: str, kind: str) -> bool:
    return any(s.startswith(kind + "<") and (s.endswith("x" + n + ">") or s == f"{kind}<{n}>")
               for n in _NARROW)


def _widen_type(t: ir.Type) -> ir.Type:
    s = str(t)
    if _has_narrow_elements(s, "tensor"):
        rt = ir.RankedTensorType(t)
        return ir.RankedTensorType.get(list(rt.shape), _i8())
    if _has_narrow_elements(s, "memref"):
        mt = ir.MemRefType(t)
        return ir.MemRefType.get(list(mt.shape), _i8(), mt.layout, mt.memory_space)
    if isinstance(t, ir.FunctionType) or s.startswith("("):
        ft = ir.FunctionType(t)
        return ir.FunctionType.get([_widen_type(x) for x in ft.inputs], [_widen_type(x) for x in ft.results])
    return t


def _extui(value: ir.Value, before: ir.Operation) -> ir.Value:
    with ir.InsertionPoint(before), before.location:
        return arith.extui(_i8(), value)


def _widen_scalar_operand(op: ir.Operation, index: int) -> None:
    value = op.operands[index]
    if _is_i1(value.type):
        op.operands[index] = _extui(value, op)


def _element_type(t: ir.Type):
    s = str(t)
    if s.startswith("tensor<") or s.startswith("memref<"):
        return ir.ShapedType(t).element_type
    return None


def _fix_linalg_body(op: ir.Operation) -> None:
    if not op.regions or not op.regions[0].blocks:
        return
    block = op.regions[0].blocks[0]
    operands = list(op.operands)
    for arg, operand in zip(block.arguments, operands):
        et = _element_type(operand.type) or operand.type  # scalars (linalg.fill) as they are
        if _is_i1(arg.type) and str(et) == "i8":
            narrow = arg.type
            arg.set_type(_i8())
            first = block.operations[0]
            with ir.InsertionPoint(first), op.location:
                truncated = arith.trunci(narrow, arg)
            arg.replace_all_uses_except(truncated, truncated.owner.operation)
    terminator = block.operations[len(block.operations) - 1]
    if terminator.name == "linalg.yield":
        outputs = operands[len(operands) - len(op.results):] if op.results else operands[-1:]
        for i, out in enumerate(outputs):
            et = _element_type(out.type)
            if i < len(terminator.operands) and et is not None and str(et) == "i8":
                _widen_scalar_operand(terminator, i)


def _fix_constant(op: ir.Operation) -> None:
    value = op.attributes["value"]
    if not _has_narrow_elements(str(value.type), "tensor"):
        return
    dense = ir.DenseElementsAttr(value)
    rt = ir.RankedTensorType(value.type)
    new_type = ir.RankedTensorType.get(list(rt.shape), _i8())
    if str(rt.element_type) != "i1":
        _fix_int_constant(op, dense, rt, new_type)
        return
    if dense.is_splat:
        bit = 1 if str(dense.get_splat_value()) in ("true", "1 : i1", "-1 : i1") else 0
        attr = ir.DenseElementsAttr.get_splat(new_type, ir.IntegerAttr.get(_i8(), bit))
    else:
        array = np.array(dense).astype(np.int8).reshape(list(rt.shape))
        attr = ir.DenseElementsAttr.get(np.ascontiguousarray(array), type=_i8())
    op.attributes["value"] = attr


def _fix_int_constant(op: ir.Operation, dense: ir.DenseElementsAttr, rt: ir.RankedTensorType,
                      new_type: ir.Type) -> None:
    """An i2/i4 constant as i8 (each value zero-extended from its low bits)."""
    width = ir.IntegerType(rt.element_type).width
    if dense.is_splat:
        bits = ir.IntegerAttr(dense.get_splat_value()).value & ((1 << width) - 1)
        op.attributes["value"] = ir.DenseElementsAttr.get_splat(new_type, ir.IntegerAttr.get(_i8(), bits))
        return
    from polytile.passes.conversion.tg_to_linalg.small_types import narrow_int_values
    array = (narrow_int_values(dense) & ((1 << width) - 1)).astype(np.uint8)
    op.attributes["value"] = ir.DenseElementsAttr.get(np.ascontiguousarray(array), type=new_type)


def _fix_extract(op: ir.Operation) -> None:
    result = op.results[0]
    if not _is_i1(result.type):
        return
    if str(_element_type(op.operands[0].type)) != "i8":
        return
    narrow = result.type
    result.set_type(_i8())
    with ir.InsertionPoint.after(op), op.location:
        truncated = arith.trunci(narrow, result)
    result.replace_all_uses_except(truncated, truncated.owner.operation)


@register_pass("linalg-widen-bool-tensors")
def run(root: ir.Operation, options) -> None:
    """Store boolean tensors as i8 (0/1) instead of i1, and i2/i4 tensors as i8."""
    retype_values(root, _widen_type)
    for op in ops_in(root):
        name = op.name
        if name == "arith.constant":
            _fix_constant(op)
        elif name == "tensor.extract":
            _fix_extract(op)
        elif name == "linalg.fill":
            if str(_element_type(op.results[0].type)) == "i8":
                _widen_scalar_operand(op, 0)
                _fix_linalg_body(op)
        elif name == "tensor.insert":
            if str(_element_type(op.operands[1].type)) == "i8":
                _widen_scalar_operand(op, 0)
        elif name in ("tensor.from_elements", "tensor.splat"):
            if str(_element_type(op.results[0].type)) == "i8":
                for i in range(len(op.operands)):
                    if _is_i1(op.operands[i].type):
                        _widen_scalar_operand(op, i)
        elif name == "tensor.yield":
            parent = op.parent
            if parent is not None and parent.name == "tensor.pad" and \
                    str(_element_type(parent.results[0].type)) == "i8":
                _widen_scalar_operand(op, 0)
        elif name.startswith("linalg.") and op.regions:
            _fix_linalg_body(op)

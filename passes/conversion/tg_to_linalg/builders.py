"""Helpers for writing tg -> linalg lowerings: empty tensors, fills, and
``linalg.generic`` ops with broadcasting, built from a scalar body function.

Lowerings work on signless integer tensors (arith needs them); whether an
operand was unsigned in tg is asked of the :class:`LoweringContext`.
"""
from __future__ import annotations

import math as _pymath
from typing import Callable, Optional, Sequence

from mlir import ir
from mlir.dialects import arith, linalg, tensor

PARALLEL = "parallel"
REDUCTION = "reduction"


def iterator_attr(kinds: Sequence[str]) -> ir.ArrayAttr:
    return ir.ArrayAttr.get([ir.Attribute.parse(f"#linalg.iterator_type<{k}>") for k in kinds])


def maps_attr(maps: Sequence[ir.AffineMap]) -> ir.ArrayAttr:
    return ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps])


def d(i: int) -> ir.AffineExpr:
    return ir.AffineDimExpr.get(i)


def c(v: int) -> ir.AffineExpr:
    return ir.AffineConstantExpr.get(v)


def amap(num_dims: int, exprs: Sequence[ir.AffineExpr]) -> ir.AffineMap:
    return ir.AffineMap.get(num_dims, 0, list(exprs))


def tensor_type(value_or_type) -> ir.RankedTensorType:
    t = value_or_type.type if isinstance(value_or_type, ir.Value) else value_or_type
    return ir.RankedTensorType(t)


def shape_of(value: ir.Value) -> list[int]:
    return list(tensor_type(value).shape)


def etype_of(value: ir.Value) -> ir.Type:
    return tensor_type(value).element_type


def is_float(t: ir.Type) -> bool:
    return isinstance(t, (ir.F16Type, ir.BF16Type, ir.F32Type, ir.F64Type)) or \
        str(t) in ("f16", "bf16", "f32", "f64")


def int_width(t: ir.Type) -> int:
    return ir.IntegerType(t).width


def empty(shape: Sequence[int], element_type: ir.Type) -> ir.Value:
    return tensor.EmptyOp(list(shape), element_type).result


def scalar_constant(element_type: ir.Type, value) -> ir.Value:
    """An ``arith.constant`` scalar of ``element_type`` (floats may be +-inf)."""
    if is_float(element_type):
        return arith.ConstantOp(element_type, ir.FloatAttr.get(element_type, float(value))).result
    if isinstance(value, float) and _pymath.isinf(value):
        width = int_width(element_type)
        value = (1 << (width - 1)) - 1 if value > 0 else -(1 << (width - 1))
    return arith.ConstantOp(element_type, ir.IntegerAttr.get(element_type, int(value))).result


def fill(value: ir.Value, shape: Sequence[int], element_type: ir.Type) -> ir.Value:
    return linalg.fill(value, outs=[empty(shape, element_type)])


def filled(shape: Sequence[int], element_type: ir.Type, value) -> ir.Value:
    return fill(scalar_constant(element_type, value), shape, element_type)


Body = Callable[[Sequence[ir.Value]], ir.Value]


def generic(inputs: Sequence[ir.Value], inits: Sequence[ir.Value], maps: Sequence[ir.AffineMap],
            iterators: Sequence[str], body: Callable[..., object]) -> list[ir.Value]:
    """A ``linalg.generic``; ``body(*scalars)`` gets the input and init scalars
    and returns the value (or list of values) to yield."""
    result_types = [v.type for v in inits]
    op = linalg.GenericOp(result_types, list(inputs), list(inits), maps_attr(maps),
                          iterator_attr(iterators))
    arg_types = [etype_of(v) for v in list(inputs) + list(inits)]
    block = op.regions[0].blocks.append(*arg_types)
    with ir.InsertionPoint(block):
        out = body(*block.arguments)
        linalg.YieldOp(list(out) if isinstance(out, (list, tuple)) else [out])
    return list(op.results)


def broadcast_shape(shapes: Sequence[Sequence[int]]) -> list[int]:
    rank = max((len(s) for s in shapes), default=0)
    out = [1] * rank
    for s in shapes:
        for i, dim in enumerate(s):
            j = rank - len(s) + i
            if dim != 1:
                out[j] = dim
    return out


def broadcast_map(shape: Sequence[int], out_shape: Sequence[int]) -> ir.AffineMap:
    """Index an operand of ``shape`` from the loops of a numpy-broadcast result."""
    rank = len(out_shape)
    offset = rank - len(shape)
    exprs = [c(0) if dim == 1 and out_shape[offset + i] != 1 else d(offset + i)
             for i, dim in enumerate(shape)]
    return amap(rank, exprs)


def elementwise(inputs: Sequence[ir.Value], result_element_type: ir.Type, body: Body,
                out_shape: Optional[Sequence[int]] = None) -> ir.Value:
    """A parallel ``linalg.generic`` over the numpy-broadcast shape of ``inputs``;
    ``body(scalars)`` computes one output element."""
    shapes = [shape_of(v) for v in inputs]
    out_shape = list(out_shape) if out_shape is not None else broadcast_shape(shapes)
    rank = len(out_shape)
    maps = [broadcast_map(s, out_shape) for s in shapes] + [ir.AffineMap.get_identity(rank)]
    init = empty(out_shape, result_element_type)
    return generic(inputs, [init], maps, [PARALLEL] * rank, lambda *args: body(args[:-1]))[0]


def reshape(value: ir.Value, shape: Sequence[int]) -> ir.Value:
    """Reshape a static tensor (any ranks) with collapse/expand_shape."""
    src = shape_of(value)
    et = etype_of(value)
    if src == list(shape):
        return value
    out_type = ir.RankedTensorType.get(list(shape), et)
    if not src:  # rank 0 -> all-ones shape
        return tensor.ExpandShapeOp(out_type, value, _reassoc(0), [], list(shape)).result
    if not shape:  # all-ones shape -> rank 0
        return tensor.CollapseShapeOp(out_type, value, _reassoc(0)).result
    flat = value
    if len(src) != 1:
        flat_type = ir.RankedTensorType.get([_prod(src)], et)
        flat = tensor.CollapseShapeOp(flat_type, value, _reassoc(len(src))).result
    if len(shape) == 1:
        return flat
    return tensor.ExpandShapeOp(out_type, flat, _reassoc(len(shape)), [], list(shape)).result


def _reassoc(rank: int) -> ir.ArrayAttr:
    if rank == 0:
        return ir.ArrayAttr.get([])
    i64 = ir.IntegerType.get_signless(64)
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64, i) for i in range(rank)])])


def _prod(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def pad(value: ir.Value, low: Sequence[int], high: Sequence[int], pad_value: ir.Value) -> ir.Value:
    """``tensor.pad`` with a constant value; returns ``value`` when nothing to pad."""
    if not any(low) and not any(high):
        return value
    src = shape_of(value)
    out_shape = [s + lo + hi for s, lo, hi in zip(src, low, high)]
    out_type = ir.RankedTensorType.get(out_shape, etype_of(value))
    op = tensor.PadOp(out_type, value, [], [], ir.DenseI64ArrayAttr.get(list(low)),
                      ir.DenseI64ArrayAttr.get(list(high)))
    block = op.regions[0].blocks.append(*([ir.IndexType.get()] * len(src)))
    with ir.InsertionPoint(block):
        tensor.YieldOp(pad_value)
    return op.result

"""The helpers every tg -> linalg lowering builds with; the one copy of each.

* Element types: :func:`is_float`, :func:`int_width`, :func:`float_width`,
  :func:`i64`, :func:`compute_type` (f32 for f16/bf16), :func:`wider_float`,
  :func:`onnx_float_type`.
* Scalars (in a ``linalg.generic`` body): :func:`scalar_constant`,
  :func:`cmpf`/:func:`cmpi` (predicate by name, any case),
  :func:`convert_float` (extf/truncf), :func:`astype` (numpy's ``astype`` for
  one scalar, any types), :func:`mul_add`, :func:`loop_index`.
* Affine maps: :func:`d`, :func:`c`, :func:`amap`, :func:`identity_map`,
  :func:`broadcast_map`, :func:`reduced_map`, :func:`window_indices`.
* Tensors: :func:`empty`, :func:`fill`/:func:`filled`, :func:`dense_constant`,
  :func:`reshape`, :func:`pad`, :func:`transpose`, :func:`concat`,
  :func:`insert_slice`, :func:`convert_tensor`.
* ``linalg.generic`` builders: :func:`generic`, :func:`elementwise` (parallel,
  numpy broadcasting), :func:`parallel`, :func:`reduction`,
  :func:`reduce_into`, :func:`reduce_last`.

Lowerings work on signless integer tensors (arith needs them); whether an
operand was unsigned in tg is asked of the :class:`LoweringContext`.
"""
from __future__ import annotations

import math as _pymath
from typing import Callable, Optional, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, tensor

PARALLEL = "parallel"
REDUCTION = "reduction"

Scalar = ir.Value


# ---------------------------------------------------------------------------
# Element types
# ---------------------------------------------------------------------------

def is_float(t: ir.Type) -> bool:
    return isinstance(t, (ir.F16Type, ir.BF16Type, ir.F32Type, ir.F64Type)) or \
        str(t) in ("f16", "bf16", "f32", "f64")


def int_width(t: ir.Type) -> int:
    return ir.IntegerType(t).width


def float_width(t: ir.Type) -> int:
    """Bit width of a float type (16 for both f16 and bf16)."""
    return {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}[str(t)]


def i64() -> ir.Type:
    return ir.IntegerType.get_signless(64)


def compute_type(et: ir.Type) -> ir.Type:
    """The type arithmetic on elements of ``et`` runs (and accumulates) in: f32 for
    the 16-bit floats f16 and bf16, ``et`` itself for every other type (f32, f64,
    integers)."""
    return ir.F32Type.get() if str(et) in ("f16", "bf16") else et


def wider_float(a: ir.Type, b: ir.Type) -> ir.Type:
    """The wider of two float types; ``a`` when they have the same width."""
    return a if float_width(a) >= float_width(b) else b


_ONNX_FLOAT_TYPES = {1: "f32", 10: "f16", 11: "f64", 16: "bf16"}


def onnx_float_type(data_type: int) -> ir.Type:
    """The float type of an ONNX ``TensorProto`` data type code (attributes such as
    ``stash_type`` and ``softmax_precision``): 1 f32, 10 f16, 11 f64, 16 bf16."""
    return ir.Type.parse(_ONNX_FLOAT_TYPES[data_type])


# ---------------------------------------------------------------------------
# Scalars
# ---------------------------------------------------------------------------

def scalar_constant(element_type: ir.Type, value) -> ir.Value:
    """An ``arith.constant`` scalar of ``element_type`` (floats may be +-inf; an
    integer +-inf is the type's signed max/min)."""
    if is_float(element_type):
        return arith.ConstantOp(element_type, ir.FloatAttr.get(element_type, float(value))).result
    if isinstance(value, float) and _pymath.isinf(value):
        width = int_width(element_type)
        value = (1 << (width - 1)) - 1 if value > 0 else -(1 << (width - 1))
    return arith.ConstantOp(element_type, ir.IntegerAttr.get(element_type, int(value))).result


def cmpf(predicate: str, a: Scalar, b: Scalar) -> Scalar:
    """``arith.cmpf``; ``predicate`` names an ``arith.CmpFPredicate`` in any case
    ("oeq", "OGT", "une", "uno", ...)."""
    return arith.cmpf(getattr(arith.CmpFPredicate, predicate.upper()), a, b)


def cmpi(predicate: str, a: Scalar, b: Scalar) -> Scalar:
    """``arith.cmpi``; ``predicate`` names an ``arith.CmpIPredicate`` in any case
    ("eq", "slt", "ult", ...)."""
    return arith.cmpi(getattr(arith.CmpIPredicate, predicate.lower()), a, b)


def convert_float(v: Scalar, dst: ir.Type) -> Scalar:
    """Float-to-float conversion of a scalar: ``extf`` to a wider type, ``truncf``
    otherwise; ``v`` itself when the types agree."""
    src = v.type
    if src == dst:
        return v
    return arith.extf(dst, v) if float_width(src) < float_width(dst) else arith.truncf(dst, v)


def astype(value: Scalar, src: ir.Type, src_unsigned: bool, dst: ir.Type, dst_unsigned: bool) -> Scalar:
    """``value`` of (signless) type ``src`` converted to ``dst`` as numpy's
    ``astype`` does: float -> int truncates toward zero, -> i1 is ``!= 0``
    (NaN is true), i1 -> x is 0/1, integers extend by the source's signedness
    and narrow by wrapping. Out-of-range float -> int is undefined."""
    if src == dst:
        return value
    if str(dst) == "i1":
        if is_float(src):
            return cmpf("une", value, scalar_constant(src, 0.0))
        return cmpi("ne", value, scalar_constant(src, 0))
    if is_float(src) and is_float(dst):
        return convert_float(value, dst)
    if is_float(src):
        return arith.fptoui(dst, value) if dst_unsigned else arith.fptosi(dst, value)
    unsigned = src_unsigned or str(src) == "i1"
    if is_float(dst):
        return arith.uitofp(dst, value) if unsigned else arith.sitofp(dst, value)
    if int_width(src) < int_width(dst):
        return arith.extui(dst, value) if unsigned else arith.extsi(dst, value)
    if int_width(src) > int_width(dst):
        return arith.trunci(dst, value)
    return value


def mul_add(et: ir.Type, acc_type: Optional[ir.Type] = None) -> Callable[[Scalar, Scalar, Scalar], Scalar]:
    """The body ``(a, b, acc) -> acc + a * b`` of a sum of products of ``et``
    elements; float operands are first converted to ``acc_type`` (default ``et``;
    f32 for sums of 16-bit floats, see :func:`compute_type`)."""
    if is_float(et):
        acc_type = acc_type or et
        return lambda a, b, acc: arith.addf(acc, arith.mulf(convert_float(a, acc_type),
                                                            convert_float(b, acc_type)))
    return lambda a, b, acc: arith.addi(acc, arith.muli(a, b))


def loop_index(dim: int) -> Scalar:
    """The current iteration of loop ``dim`` of the enclosing linalg.generic (index type)."""
    return linalg.IndexOp(dim).result


def loop_index_i64(dim: int) -> Scalar:
    """:func:`loop_index` as an i64."""
    return arith.index_cast(i64(), loop_index(dim))


# ---------------------------------------------------------------------------
# Affine maps and iterators
# ---------------------------------------------------------------------------

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


def identity_map(rank: int) -> ir.AffineMap:
    return ir.AffineMap.get_identity(rank)


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


def kept_dims(rank: int, axes: Sequence[int]) -> list[int]:
    """The dims of a rank-``rank`` tensor that are not in ``axes``."""
    return [i for i in range(rank) if i not in axes]


def reduced_map(rank: int, axes: Sequence[int]) -> ir.AffineMap:
    """Index a tensor of the kept dims from the loops over the full shape."""
    return amap(rank, [d(i) for i in kept_dims(rank, axes)])


def window_indices(spatial: int, strides: Sequence[int], dilations: Sequence[int], first_out: int,
                   first_kernel: int) -> list[ir.AffineExpr]:
    """Input index expressions ``o * stride + k * dilation`` of a sliding window, one per
    spatial dim, ``o`` the loops from ``first_out`` and ``k`` those from ``first_kernel``."""
    return [d(first_out + i) * strides[i] + d(first_kernel + i) * dilations[i]
            for i in range(spatial)]


# ---------------------------------------------------------------------------
# Tensors
# ---------------------------------------------------------------------------

def tensor_type(value_or_type) -> ir.RankedTensorType:
    t = value_or_type.type if isinstance(value_or_type, ir.Value) else value_or_type
    return ir.RankedTensorType(t)


def shape_of(value: ir.Value) -> list[int]:
    return list(tensor_type(value).shape)


def etype_of(value: ir.Value) -> ir.Type:
    return tensor_type(value).element_type


def prod(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def empty(shape: Sequence[int], element_type: ir.Type) -> ir.Value:
    return tensor.EmptyOp(list(shape), element_type).result


def fill(value: ir.Value, shape: Sequence[int], element_type: ir.Type) -> ir.Value:
    return linalg.fill(value, outs=[empty(shape, element_type)])


def filled(shape: Sequence[int], element_type: ir.Type, value) -> ir.Value:
    return fill(scalar_constant(element_type, value), shape, element_type)


def dense_constant(array: np.ndarray, element_type: ir.Type) -> ir.Value:
    """An ``arith.constant`` tensor holding ``array`` as ``element_type`` (f32, f64, i32, i64)."""
    dtype = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "i32": np.int32}[str(element_type)]
    data = np.ascontiguousarray(np.asarray(array, dtype=dtype))
    ttype = ir.RankedTensorType.get(list(data.shape), element_type)
    attr = ir.DenseElementsAttr.get(data, type=ttype)
    return arith.ConstantOp(ttype, attr).result


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
        flat_type = ir.RankedTensorType.get([prod(src)], et)
        flat = tensor.CollapseShapeOp(flat_type, value, _reassoc(len(src))).result
    if len(shape) == 1:
        return flat
    return tensor.ExpandShapeOp(out_type, flat, _reassoc(len(shape)), [], list(shape)).result


def _reassoc(rank: int) -> ir.ArrayAttr:
    if rank == 0:
        return ir.ArrayAttr.get([])
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64(), i) for i in range(rank)])])


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


def transpose(value: ir.Value, perm: Sequence[int]) -> ir.Value:
    """A named ``linalg.transpose`` (``out[i] = value[perm[i]]`` dims); ``value`` itself
    for the identity permutation."""
    perm = list(perm)
    if perm == list(range(len(perm))):
        return value
    src = shape_of(value)
    init = empty([src[p] for p in perm], etype_of(value))
    out = linalg.transpose(value, outs=[init], permutation=perm)
    if isinstance(out, ir.Value):
        return out
    return out.operation.results[0] if hasattr(out, "operation") else out[0]


def insert_slice(source: ir.Value, dest: ir.Value, offsets: Sequence[int],
                 strides: Optional[Sequence[int]] = None) -> ir.Value:
    """A static ``tensor.insert_slice`` of all of ``source`` into ``dest`` at ``offsets``
    (unit strides unless given)."""
    sizes = shape_of(source)
    strides = list(strides) if strides is not None else [1] * len(sizes)
    return tensor.insert_slice(source, dest, [], [], [], list(offsets), sizes, strides)


def concat(values: Sequence[ir.Value], axis: int) -> ir.Value:
    """Concatenate static tensors along ``axis`` with ``tensor.insert_slice``."""
    if len(values) == 1:
        return values[0]
    shapes = [shape_of(v) for v in values]
    out_shape = list(shapes[0])
    out_shape[axis] = sum(s[axis] for s in shapes)
    out = empty(out_shape, etype_of(values[0]))
    offset = 0
    for v, s in zip(values, shapes):
        offsets = [0] * len(s)
        offsets[axis] = offset
        out = insert_slice(v, out, offsets)
        offset += s[axis]
    return out


# ---------------------------------------------------------------------------
# linalg.generic builders
# ---------------------------------------------------------------------------

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


def elementwise(inputs: Sequence[ir.Value], result_element_type: ir.Type, body: Body,
                out_shape: Optional[Sequence[int]] = None) -> ir.Value:
    """A parallel ``linalg.generic`` over the numpy-broadcast shape of ``inputs``;
    ``body(scalars)`` computes one output element."""
    shapes = [shape_of(v) for v in inputs]
    out_shape = list(out_shape) if out_shape is not None else broadcast_shape(shapes)
    rank = len(out_shape)
    maps = [broadcast_map(s, out_shape) for s in shapes] + [identity_map(rank)]
    init = empty(out_shape, result_element_type)
    return generic(inputs, [init], maps, [PARALLEL] * rank, lambda *args: body(args[:-1]))[0]


def convert_tensor(x: ir.Value, dst: ir.Type) -> ir.Value:
    """Element-wise float conversion of a tensor (:func:`convert_float`); ``x`` itself
    when the element types agree."""
    if etype_of(x) == dst:
        return x
    return elementwise([x], dst, lambda s: convert_float(s[0], dst))


def parallel(inputs: Sequence[ir.Value], input_maps: Sequence[ir.AffineMap], shape: Sequence[int],
             out_type: ir.Type, body: Callable[..., Scalar]) -> ir.Value:
    """A parallel ``linalg.generic`` producing a ``shape`` tensor; ``body(*inputs)``."""
    rank = len(shape)
    init = empty(shape, out_type)
    return generic(inputs, [init], list(input_maps) + [identity_map(rank)], [PARALLEL] * rank,
                   lambda *args: body(*args[:-1]))[0]


def reduction(inputs: Sequence[ir.Value], input_maps: Sequence[ir.AffineMap], shape: Sequence[int],
              axes: Sequence[int], inits: Sequence[ir.Value], body: Callable[..., object]) -> list[ir.Value]:
    """A ``linalg.generic`` over the loops of ``shape`` reducing ``axes``; the
    ``inits`` (and results) have the kept dims. ``body(*inputs, *accumulators)``."""
    rank = len(shape)
    out_map = reduced_map(rank, axes)
    iters = [REDUCTION if i in axes else PARALLEL for i in range(rank)]
    return generic(inputs, inits, list(input_maps) + [out_map] * len(inits), iters, body)


def reduce_into(x: ir.Value, axes: Sequence[int], acc_type: ir.Type, init_value,
                combine: Callable[[Scalar, Scalar], Scalar],
                pre: Callable[[Scalar], Scalar] = lambda v: v) -> ir.Value:
    """Fold ``combine(acc, pre(x))`` over ``axes`` of ``x``, starting from ``init_value``;
    the result has the kept dims."""
    shape = shape_of(x)
    init = filled([shape[i] for i in kept_dims(len(shape), axes)], acc_type, init_value)
    return reduction([x], [identity_map(len(shape))], shape, axes, [init],
                     lambda v, acc: combine(acc, pre(v)))[0]


def reduce_last(x: ir.Value, init, combine: Callable[[Scalar, Scalar], Scalar]) -> ir.Value:
    """Reduce the last dim of ``x`` (kept as size 1) with ``combine(acc, v)`` from scalar ``init``."""
    shape = shape_of(x)
    rank = len(shape)
    out = filled(shape[:-1] + [1], etype_of(x), init)
    return generic([x], [out], [identity_map(rank), amap(rank, [d(i) for i in range(rank - 1)] + [c(0)])],
                   [PARALLEL] * (rank - 1) + [REDUCTION], lambda v, acc: combine(acc, v))[0]

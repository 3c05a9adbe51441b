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
  :func:`reshape`, :func:`collapse`, :func:`pad`, :func:`transpose`,
  :func:`concat`, :func:`insert_slice`, :func:`extract_slice`,
  :func:`convert_tensor`.
* Dynamic dims (``?``): a *dim* is a static ``int`` or an ``index`` value
  (:data:`Dim`); :func:`dims_of` gives a tensor's dims (``tensor.dim`` for each
  ``?``), :func:`broadcast_dims`/:func:`result_dims` a broadcast result's dims
  (a ``?`` is never broadcast from 1 at run time: its size is that of the first
  operand with a ``?`` there), :func:`dims_product`, :func:`index_constant`,
  :func:`index_to_scalar`, :func:`reassociation`. The tensor builders take dims
  wherever they take sizes; with static shapes they build exactly what they
  built before dynamic dims existed.
* ``linalg.generic`` builders: :func:`generic`, :func:`elementwise` (parallel,
  numpy broadcasting), :func:`parallel`, :func:`reduction`,
  :func:`reduce_into`, :func:`reduce_last`.

Lowerings work on signless integer tensors (arith needs them); whether an
operand was unsigned in tg is asked of the :class:`LoweringContext`.
"""
from __future__ import annotations

import math as _pymath
from typing import Callable, Optional, Sequence, Union

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, tensor

PARALLEL = "parallel"
REDUCTION = "reduction"

Scalar = ir.Value

#: A ``?`` in a static shape (``ir.ShapedType.get_dynamic_size()``).
DYNAMIC = ir.ShapedType.get_dynamic_size()
#: One dim of a tensor being built: a static size or an ``index`` value.
Dim = Union[int, ir.Value]


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
    """The numpy-broadcast static shape of ``shapes``; a ``?`` (DYNAMIC) against a
    static size N != 1 is N, against 1 or ``?`` it stays ``?`` (dynamic dims are
    never broadcast from 1 at run time)."""
    rank = max((len(s) for s in shapes), default=0)
    out = [1] * rank
    for s in shapes:
        for i, dim in enumerate(s):
            j = rank - len(s) + i
            if dim != 1 and not (dim == DYNAMIC and out[j] != 1):
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


def keepdims_map(rank: int, axes: Sequence[int]) -> ir.AffineMap:
    """Index a tensor of ``x``'s rank with size 1 at ``axes`` (:func:`keepdims_dims`) from
    the loops over ``x``'s shape. Reductions whose accumulators are indexed this way keep
    their innermost reduced loop innermost (``linalg-interchange-for-locality`` moves a
    parallel loop inside only when the output's last index is that loop)."""
    return amap(rank, [c(0) if i in axes else d(i) for i in range(rank)])


def keepdims_dims(x: ir.Value, axes: Sequence[int]) -> list[Dim]:
    """The dims of ``x`` with 1 at ``axes``."""
    return [1 if i in axes else dim_of(x, i) for i in range(len(shape_of(x)))]


def window_count(size: Dim, kernel: int, stride: int, dilation: int) -> Dim:
    """How many windows of ``kernel`` taps (``stride``, ``dilation``) fit in ``size``
    (an already padded input dim): ``(size - dilation * (kernel - 1) - 1) / stride + 1``,
    an index value when ``size`` is one. A run-time size smaller than the window gives
    0 windows (floor division, clamped at 0), never a negative size."""
    effective = dilation * (kernel - 1) + 1
    if not isinstance(size, ir.Value):
        return (size - effective) // stride + 1
    span = arith.subi(size, index_constant(effective))
    if stride != 1:
        span = arith.floordivsi(span, index_constant(stride))
    return arith.maxsi(arith.addi(span, index_constant(1)), index_constant(0))


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


def index_constant(value: int) -> ir.Value:
    """An ``arith.constant`` of type ``index``."""
    return arith.ConstantOp(ir.IndexType.get(), ir.IntegerAttr.get(ir.IndexType.get(), int(value))).result


def dim_of(value: ir.Value, i: int) -> Dim:
    """Dim ``i`` of a tensor: its static size, or a ``tensor.dim`` (index) for a ``?``."""
    size = shape_of(value)[i]
    return size if size != DYNAMIC else tensor.dim(value, index_constant(i))


def dims_of(value: ir.Value) -> list[Dim]:
    """The dims of a tensor: static sizes as ints, each ``?`` as a ``tensor.dim``."""
    return [dim_of(value, i) for i in range(len(shape_of(value)))]


def static_sizes(dims: Sequence[Dim]) -> list[int]:
    """``dims`` as a static shape: each value (or DYNAMIC) is a ``?``."""
    return [DYNAMIC if isinstance(x, ir.Value) else int(x) for x in dims]


def is_dynamic_dim(x: Dim) -> bool:
    return isinstance(x, ir.Value) or x == DYNAMIC


def as_index(x: Dim) -> ir.Value:
    """A dim as an ``index`` value (a constant for a static size)."""
    return x if isinstance(x, ir.Value) else index_constant(x)


def dims_product(dims: Sequence[Dim]) -> Dim:
    """The product of ``dims``: an int when all are static, else an ``index`` value."""
    static = prod([x for x in dims if not isinstance(x, ir.Value)])
    dynamic = [x for x in dims if isinstance(x, ir.Value)]
    if not dynamic:
        return static
    out = dynamic[0]
    for x in dynamic[1:]:
        out = arith.muli(out, x)
    return out if static == 1 else arith.muli(out, index_constant(static))


def index_to_scalar(x: Dim, element_type: ir.Type) -> ir.Value:
    """A dim (e.g. an element count) as a scalar of ``element_type`` (float or integer)."""
    if not isinstance(x, ir.Value):
        return scalar_constant(element_type, x)
    if is_float(element_type):
        return arith.uitofp(element_type, arith.index_cast(i64(), x))
    return arith.index_cast(element_type, x)


def broadcast_dims(values: Sequence[ir.Value], out_shape: Optional[Sequence[Dim]] = None) -> list[Dim]:
    """The dims of the numpy-broadcast result of ``values`` (or of ``out_shape``, static
    sizes, DYNAMIC or values): a ``?`` takes the ``tensor.dim`` of the first operand with a
    ``?`` at that (right-aligned) position, as dynamic dims are never broadcast from 1."""
    shapes = [shape_of(v) for v in values]
    out = list(out_shape) if out_shape is not None else broadcast_shape(shapes)
    rank = len(out)
    for j, x in enumerate(out):
        if isinstance(x, ir.Value) or x != DYNAMIC:
            continue
        for v, s in zip(values, shapes):
            i = j - (rank - len(s))
            if i >= 0 and s[i] == DYNAMIC:
                out[j] = dim_of(v, i)
                break
        else:
            raise ValueError(f"no operand gives the size of the dynamic dim {j} of the result")
    return out


def result_dims(ctx, i: int = 0) -> list[Dim]:
    """The dims of result ``i`` of a broadcasting op (``ctx`` a LoweringContext): static
    sizes from its type, each ``?`` from the first operand with a ``?`` there."""
    shape = list(tensor_type(ctx.op.results[i]).shape)
    return broadcast_dims(ctx.operands, shape)


def empty(shape: Sequence[Dim], element_type: ir.Type) -> ir.Value:
    """A ``tensor.empty`` of ``shape`` (static sizes and index values)."""
    return tensor.EmptyOp(list(shape), element_type).result


def fill(value: ir.Value, shape: Sequence[Dim], element_type: ir.Type) -> ir.Value:
    return linalg.fill(value, outs=[empty(shape, element_type)])


def filled(shape: Sequence[Dim], element_type: ir.Type, value) -> ir.Value:
    return fill(scalar_constant(element_type, value), shape, element_type)


def dense_constant(array: np.ndarray, element_type: ir.Type) -> ir.Value:
    """An ``arith.constant`` tensor holding ``array`` as ``element_type`` (f32, f64, i32, i64)."""
    dtype = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "i32": np.int32}[str(element_type)]
    data = np.require(np.asarray(array, dtype=dtype), requirements="C")  # 0-d stays 0-d
    ttype = ir.RankedTensorType.get(list(data.shape), element_type)
    attr = ir.DenseElementsAttr.get(data, type=ttype)
    return arith.ConstantOp(ttype, attr).result


def reshape(value: ir.Value, shape: Sequence[Dim]) -> ir.Value:
    """Reshape a tensor (any ranks) with collapse/expand_shape. ``shape`` holds static
    sizes, DYNAMIC or index values. With dynamic dims: a pure collapse or expand whose
    ``?`` dims map one-to-one onto the input's (:func:`reassociation`) is one op; else the
    tensor is flattened and expanded, a single unknown ``?`` being the element count
    divided by the other dims (ValueError when several ``?`` have no given size)."""
    src = shape_of(value)
    et = etype_of(value)
    if DYNAMIC in src or any(is_dynamic_dim(x) for x in shape):
        return _reshape_dynamic(value, list(shape))
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


def _groups_attr(groups: Sequence[Sequence[int]]) -> ir.ArrayAttr:
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64(), i) for i in g]) for g in groups])


def reassociation(src: Sequence[int], dst: Sequence[int]) -> Optional[list[list[int]]]:
    """The groups of a pure collapse (``len(src) > len(dst)``) or expand (``<``) between
    static shapes with ``?`` (DYNAMIC): one contiguous group of the higher-rank shape per
    dim of the lower-rank one. A ``?`` maps onto a group of exactly one ``?`` (plus unit
    dims), a static size onto static dims of that product. None when there is none."""
    if len(src) == len(dst):
        return None
    coarse, fine = (dst, src) if len(src) > len(dst) else (src, dst)
    if not coarse:
        return [] if all(f == 1 for f in fine) else None
    groups: list[list[int]] = []
    j = 0
    for size in coarse:
        group: list[int] = []
        if size == DYNAMIC:
            while j < len(fine) and fine[j] == 1:
                group.append(j)
                j += 1
            if j == len(fine) or fine[j] != DYNAMIC:
                return None
            group.append(j)
            j += 1
        else:
            product = 1
            while j < len(fine) and fine[j] != DYNAMIC and (not group or product != size):
                product *= fine[j]
                group.append(j)
                j += 1
            if not group or product != size:
                return None
        groups.append(group)
    while j < len(fine):
        if fine[j] != 1:
            return None
        groups[-1].append(j)
        j += 1
    return groups


def _cast(value: ir.Value, shape: Sequence[int]) -> ir.Value:
    """``tensor.cast`` to the static shape ``shape`` (with ``?``); ``value`` when it has it."""
    if shape_of(value) == list(shape):
        return value
    return tensor.cast(ir.RankedTensorType.get(list(shape), etype_of(value)), value)


def collapse(value: ir.Value, groups: Sequence[Sequence[int]]) -> ir.Value:
    """``tensor.collapse_shape`` of ``value`` by ``groups`` (a group with a ``?`` is ``?``)."""
    src = shape_of(value)
    sizes = [DYNAMIC if any(src[i] == DYNAMIC for i in g) else prod([src[i] for i in g]) for g in groups]
    out_type = ir.RankedTensorType.get(sizes, etype_of(value))
    return tensor.CollapseShapeOp(out_type, value, _groups_attr(groups)).result


def expand(value: ir.Value, groups: Sequence[Sequence[int]], dims: Sequence[Dim]) -> ir.Value:
    """``tensor.expand_shape`` of ``value`` into ``dims`` (static sizes and index values).
    A group with more than one dynamic size becomes a ``tensor.reshape`` by a shape
    tensor instead: bufferized, such an expand_shape aborts ``expand-strided-metadata``
    (LLVM 22 asserts "at most one dynamic size per group")."""
    static = static_sizes(dims)
    out_type = ir.RankedTensorType.get(static, etype_of(value))
    if any(sum(1 for j in g if static[j] == DYNAMIC) > 1 for g in groups):
        i64_type = ir.IntegerType.get_signless(64)
        sizes = [arith.index_cast(i64_type, as_index(x)) for x in dims]
        shape = tensor.from_elements(ir.RankedTensorType.get([len(sizes)], i64_type), sizes)
        return tensor.ReshapeOp(out_type, value, shape).result
    dynamic = [x for x in dims if isinstance(x, ir.Value)]
    return tensor.ExpandShapeOp(out_type, value, _groups_attr(groups), dynamic, static).result


def _reshape_dynamic(value: ir.Value, shape: list[Dim]) -> ir.Value:
    src = shape_of(value)
    dst = static_sizes(shape)
    if src == dst:
        return value
    groups = reassociation(src, dst)
    if groups is not None and len(src) > len(dst):
        return collapse(value, groups)
    if groups is not None:  # each ``?`` of the result is the ``?`` of its group in the input
        dims = list(shape)
        for k, g in enumerate(groups):
            for j in g:
                if not isinstance(dims[j], ir.Value) and dims[j] == DYNAMIC:
                    dims[j] = dim_of(value, k)
        return expand(value, groups, dims)
    # Flatten, then expand into the result dims (one unknown ``?``: count / the others).
    flat = value
    if not src:
        flat = tensor.ExpandShapeOp(ir.RankedTensorType.get([1], etype_of(value)), value,
                                    _reassoc(0), [], [1]).result
    elif len(src) > 1:
        flat = collapse(value, [list(range(len(src)))])
    unknown = [j for j, x in enumerate(shape) if not isinstance(x, ir.Value) and x == DYNAMIC]
    if len(unknown) > 1:
        raise ValueError(f"cannot reshape {src} into {dst}: several dynamic dims of unknown size")
    dims = list(shape)
    if unknown:
        total = dim_of(flat, 0)
        others = dims_product([x for j, x in enumerate(dims) if j != unknown[0]])
        if isinstance(others, int):
            others = index_constant(max(others, 1))
        dims[unknown[0]] = arith.divui(as_index(total), others)
    if not dst:
        return tensor.CollapseShapeOp(ir.RankedTensorType.get([], etype_of(value)),
                                      _cast(flat, [1]), _reassoc(0)).result
    if len(dst) == 1:
        return _cast(flat, dst)
    flat = _cast(flat, [DYNAMIC if DYNAMIC in dst else prod(dst)])
    return expand(flat, [list(range(len(dst)))], dims)


def pad(value: ir.Value, low: Sequence[int], high: Sequence[int], pad_value: ir.Value) -> ir.Value:
    """``tensor.pad`` with a constant value; returns ``value`` when nothing to pad."""
    if not any(low) and not any(high):
        return value
    src = shape_of(value)
    out_shape = [s + lo + hi if s != DYNAMIC else DYNAMIC for s, lo, hi in zip(src, low, high)]
    out_type = ir.RankedTensorType.get(out_shape, etype_of(value))
    op = tensor.PadOp(out_type, value, [], [], ir.DenseI64ArrayAttr.get(list(low)),
                      ir.DenseI64ArrayAttr.get(list(high)))
    block = op.regions[0].blocks.append(*([ir.IndexType.get()] * len(src)))
    with ir.InsertionPoint(block):
        tensor.YieldOp(pad_value)
    return op.result


def pad_dynamic(value: ir.Value, low: Sequence[Dim], high: Sequence[Dim], pad_value: ir.Value) -> ir.Value:
    """``tensor.pad`` with a constant value and pads that may be index values."""
    dyn_low, static_low = _mixed(low, DYNAMIC)
    dyn_high, static_high = _mixed(high, DYNAMIC)
    src = shape_of(value)
    out_shape = [DYNAMIC if s == DYNAMIC or isinstance(lo, ir.Value) or isinstance(hi, ir.Value)
                 else s + lo + hi for s, lo, hi in zip(src, low, high)]
    out_type = ir.RankedTensorType.get(out_shape, etype_of(value))
    op = tensor.PadOp(out_type, value, dyn_low, dyn_high, ir.DenseI64ArrayAttr.get(static_low),
                      ir.DenseI64ArrayAttr.get(static_high))
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
    src = dims_of(value)
    init = empty([src[p] for p in perm], etype_of(value))
    out = linalg.transpose(value, outs=[init], permutation=perm)
    if isinstance(out, ir.Value):
        return out
    return out.operation.results[0] if hasattr(out, "operation") else out[0]


def _mixed(values: Sequence[Dim], marker: int) -> tuple[list[ir.Value], list[int]]:
    """(the index values, the static list with ``marker`` in their places) of the mixed
    static/dynamic offsets, sizes or strides of a slice op."""
    dynamic = [x for x in values if isinstance(x, ir.Value)]
    return dynamic, [marker if isinstance(x, ir.Value) else int(x) for x in values]


_DYNAMIC_OFFSET = ir.ShapedType.get_dynamic_stride_or_offset()


def insert_slice(source: ir.Value, dest: ir.Value, offsets: Sequence[Dim],
                 strides: Optional[Sequence[int]] = None) -> ir.Value:
    """A ``tensor.insert_slice`` of all of ``source`` into ``dest`` at ``offsets`` (static
    sizes or index values; unit strides unless given)."""
    sizes = dims_of(source)
    strides = list(strides) if strides is not None else [1] * len(sizes)
    dyn_offsets, offsets = _mixed(offsets, _DYNAMIC_OFFSET)
    dyn_sizes, sizes = _mixed(sizes, DYNAMIC)
    return tensor.insert_slice(source, dest, dyn_offsets, dyn_sizes, [], offsets, sizes, strides)


def extract_slice(value: ir.Value, offsets: Sequence[Dim], sizes: Sequence[Dim],
                  strides: Optional[Sequence[int]] = None) -> ir.Value:
    """A ``tensor.extract_slice`` (offsets and sizes static or index values, static
    strides, unit unless given); ``value`` itself for the whole tensor."""
    strides = list(strides) if strides is not None else [1] * len(sizes)
    if all(not isinstance(x, ir.Value) for x in list(offsets) + list(sizes)) and \
            list(sizes) == shape_of(value) and not any(offsets) and all(s == 1 for s in strides):
        return value
    dyn_offsets, offsets = _mixed(offsets, _DYNAMIC_OFFSET)
    dyn_sizes, static = _mixed(sizes, DYNAMIC)
    result = ir.RankedTensorType.get(static, etype_of(value))
    return tensor.extract_slice(result, value, dyn_offsets, dyn_sizes, [], offsets, static, strides)


def dims_sum(dims: Sequence[Dim]) -> Dim:
    """The sum of ``dims``: an int when all are static, else an ``index`` value."""
    static = sum(x for x in dims if not isinstance(x, ir.Value))
    out: Optional[ir.Value] = None
    for x in dims:
        if isinstance(x, ir.Value):
            out = x if out is None else arith.addi(out, x)
    if out is None:
        return static
    return out if static == 0 else arith.addi(out, index_constant(static))


def concat_dims(values: Sequence[ir.Value], axis: int) -> list[Dim]:
    """The dims of the concatenation of ``values`` along ``axis``: the sum there, and
    elsewhere a static size where any operand has one (``?`` equals it at run time)."""
    shapes = [shape_of(v) for v in values]
    out: list[Dim] = []
    for j in range(len(shapes[0])):
        if j == axis:
            out.append(dims_sum([dim_of(v, j) for v in values]))
        else:
            static = [s[j] for s in shapes if s[j] != DYNAMIC]
            out.append(static[0] if static else dim_of(values[0], j))
    return out


def concat(values: Sequence[ir.Value], axis: int, dims: Optional[Sequence[Dim]] = None,
           skip_empty: bool = False) -> ir.Value:
    """Concatenate tensors along ``axis`` with ``tensor.insert_slice`` into a result of
    ``dims`` (default :func:`concat_dims`); ``skip_empty``: no insert of operands of static
    size 0 there."""
    if len(values) == 1 and dims is None:
        return values[0]
    out = empty(list(dims) if dims is not None else concat_dims(values, axis), etype_of(values[0]))
    offset: Dim = 0
    for k, v in enumerate(values):
        size = dim_of(v, axis)
        if not skip_empty or isinstance(size, ir.Value) or size:
            offsets: list[Dim] = [0] * len(shape_of(v))
            offsets[axis] = offset
            out = insert_slice(v, out, offsets)
        if k + 1 < len(values):
            offset = dims_sum([offset, size])
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
                out_shape: Optional[Sequence[Dim]] = None) -> ir.Value:
    """A parallel ``linalg.generic`` over the numpy-broadcast shape of ``inputs`` (or
    ``out_shape``: static sizes, index values, or DYNAMIC for the size of an operand's
    ``?`` there, see :func:`broadcast_dims`); ``body(scalars)`` computes one output element."""
    shapes = [shape_of(v) for v in inputs]
    dims = broadcast_dims(inputs, out_shape)
    out_shape = static_sizes(dims)
    rank = len(out_shape)
    maps = [broadcast_map(s, out_shape) for s in shapes] + [identity_map(rank)]
    init = empty(dims, result_element_type)
    return generic(inputs, [init], maps, [PARALLEL] * rank, lambda *args: body(args[:-1]))[0]


def convert_tensor(x: ir.Value, dst: ir.Type) -> ir.Value:
    """Element-wise float conversion of a tensor (:func:`convert_float`); ``x`` itself
    when the element types agree."""
    if etype_of(x) == dst:
        return x
    return elementwise([x], dst, lambda s: convert_float(s[0], dst))


def parallel(inputs: Sequence[ir.Value], input_maps: Sequence[ir.AffineMap], shape: Sequence[Dim],
             out_type: ir.Type, body: Callable[..., Scalar]) -> ir.Value:
    """A parallel ``linalg.generic`` producing a ``shape`` tensor (static sizes and index
    values); ``body(*inputs)``."""
    rank = len(shape)
    init = empty(shape, out_type)
    return generic(inputs, [init], list(input_maps) + [identity_map(rank)], [PARALLEL] * rank,
                   lambda *args: body(*args[:-1]))[0]


def reduction(inputs: Sequence[ir.Value], input_maps: Sequence[ir.AffineMap], shape: Sequence[Dim],
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
    rank = len(shape_of(x))
    init = filled([dim_of(x, i) for i in kept_dims(rank, axes)], acc_type, init_value)
    return reduction([x], [identity_map(rank)], shape_of(x), axes, [init],
                     lambda v, acc: combine(acc, pre(v)))[0]


def reduce_last(x: ir.Value, init, combine: Callable[[Scalar, Scalar], Scalar]) -> ir.Value:
    """Reduce the last dim of ``x`` (kept as size 1) with ``combine(acc, v)`` from scalar ``init``."""
    rank = len(shape_of(x))
    out = filled([dim_of(x, i) for i in range(rank - 1)] + [1], etype_of(x), init)
    return generic([x], [out], [identity_map(rank), amap(rank, [d(i) for i in range(rank - 1)] + [c(0)])],
                   [PARALLEL] * (rank - 1) + [REDUCTION], lambda v, acc: combine(acc, v))[0]

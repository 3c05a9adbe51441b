"""Lowerings of tg constants and data-movement ops.

* concat/slice (positive steps) -> ``tensor.insert_slice`` /
  ``tensor.extract_slice``; slices with negative steps, expand, tile, trilu,
  one_hot and the non-constant pad modes -> ``linalg.generic``; constant pad
  -> ``tensor.pad`` (after an ``extract_slice`` for negative pads);
* gathers -> ``linalg.generic`` over the result whose body reads the data with
  ``tensor.extract`` at indices loaded from the runtime index tensor
  (``arith.index_cast``, negative indices wrapped);
* scatters -> an ``scf.for`` nest over the updates carrying the result tensor
  (``tensor.extract``/``tensor.insert``), so updates apply in row-major order.

Indices are not bounds-checked at runtime.

Dynamic dims (``?``): reshape (a pure collapse or expand whose ``?`` dims map
one-to-one onto the input's, else exactly one ``?`` in the result: the element
count divided by the other dims), flatten, transpose, concat (on any axis: the
offsets are ``tensor.dim`` sums), slice (any static axis; a dynamic axis only
whole: start 0, end INT_MAX style, step 1), gather, expand and trilu. Not
supported yet with dynamic dims (rejected, naming the op): a reshape with
several ``?`` that is not such a collapse or expand, gather_elements, gather_nd,
the scatters, tile, pad and one_hot.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, scf, tensor

from . import LoweringContext, lowering
from .builders import (DYNAMIC, PARALLEL, Dim, amap, astype, c, cmpi, collapse, concat, d, dim_of, dims_of,
                       elementwise, empty, etype_of, extract_slice, fill, generic, i64, identity_map,
                       index_constant, is_float, loop_index, loop_index_i64, pad, reassociation,
                       reshape, scalar_constant, shape_of)


@lowering("constant")
def _constant(ctx: LoweringContext):
    value = ctx.op.attributes["value"]
    result_type = ctx.result_type
    if _is_large_splat(value):
        # A big splat (e.g. ConstantOfShape weights) is filled at run time:
        # materializing it as a global would put every element in the binary.
        splat = ir.DenseElementsAttr(value).get_splat_value()
        scalar = arith.ConstantOp(result_type.element_type, _signless_scalar(splat, result_type.element_type))
        return [fill(scalar.result, ctx.result_shape, result_type.element_type)]
    if value.type != result_type:  # unsigned -> signless: same bits, new type
        array = np.array(ir.DenseElementsAttr(value))
        signless_dtype = np.dtype(f"int{array.dtype.itemsize * 8}")
        value = ir.DenseElementsAttr.get(np.require(array.view(signless_dtype), requirements="C"),
                                         type=result_type.element_type)
    return [arith.ConstantOp(result_type, value).result]


SPLAT_FILL_THRESHOLD = 4096


def _is_large_splat(value: ir.Attribute) -> bool:
    try:
        dense = ir.DenseElementsAttr(value)
    except (TypeError, ValueError):
        return False
    return dense.is_splat and len(dense) > SPLAT_FILL_THRESHOLD


def _signless_scalar(attr: ir.Attribute, element_type: ir.Type) -> ir.Attribute:
    if isinstance(attr, ir.IntegerAttr) and attr.type != element_type:
        return ir.IntegerAttr.get(element_type, ir.IntegerAttr(attr).value)
    return attr


def _fmt(shape) -> str:
    return "x".join("?" if s == DYNAMIC else str(s) for s in shape) or "scalar"


def _reshape_check(ctx: LoweringContext) -> Optional[str]:
    """tg.reshape with ``?`` dims: a pure collapse/expand mapping them one-to-one
    (builders.reassociation), or exactly one ``?`` in the result (count / the others)."""
    src, dst = shape_of(ctx.operand(0)), ctx.result_shape
    if src == dst or reassociation(src, dst) is not None or dst.count(DYNAMIC) <= 1:
        return None
    return f"{ctx.op.name} from {_fmt(src)} to {_fmt(dst)} with several dynamic dims is not supported yet"


@lowering("reshape", dynamic=_reshape_check)
def _reshape(ctx: LoweringContext):
    return [reshape(ctx.operand(0), ctx.result_shape)]


@lowering("flatten", dynamic=True)
def _flatten(ctx: LoweringContext):
    x = ctx.operand(0)
    src = shape_of(x)
    if DYNAMIC not in src:
        return [reshape(x, ctx.result_shape)]
    rank = len(src)
    axis = ctx.attr("axis")
    axis = axis + rank if axis < 0 else axis
    if 0 < axis < rank:
        return [collapse(x, [list(range(axis)), list(range(axis, rank))])]
    # [1, count] or [count, 1]: collapse everything, then add the unit dim.
    flat = collapse(x, [list(range(rank))]) if rank != 1 else x
    return [reshape(flat, ctx.result_shape)]


@lowering("transpose", dynamic=True)
def _transpose(ctx: LoweringContext):
    perm = ctx.attr("perm")
    rank = len(perm)
    # out[i0..] = in[j..] with j[perm[i]] = i: index the input by the inverse map.
    in_map = amap(rank, [d(perm.index(k)) for k in range(rank)])
    x_dims = dims_of(ctx.operand(0))
    init = empty([x_dims[p] for p in perm], ctx.result_element_type)
    return generic([ctx.operand(0)], [init], [in_map, identity_map(rank)],
                   [PARALLEL] * rank, lambda x, _: x)


# ----------------------------------------------------------------------------
# Index helpers (generally useful for lowerings that compute addresses)
# ----------------------------------------------------------------------------

def to_index(value: ir.Value, unsigned: bool = False) -> ir.Value:
    """An integer scalar as an ``index`` (zero-extended when ``unsigned``)."""
    cast = arith.index_castui if unsigned else arith.index_cast
    return cast(ir.IndexType.get(), value)


def wrap_negative(index: ir.Value, size: Dim) -> ir.Value:
    """``index + size`` where ``index < 0`` (ONNX negative indices), on ``index`` values
    (``size`` static or an index value)."""
    zero = index_constant(0)
    negative = cmpi("slt", index, zero)
    size = size if isinstance(size, ir.Value) else index_constant(size)
    return arith.select(negative, arith.addi(index, size), index)


def loop_indices(rank: int) -> list[ir.Value]:
    """``linalg.index`` of the first ``rank`` loops of the enclosing linalg.generic."""
    return [loop_index(i) for i in range(rank)]


def loop_nest(shape: Sequence[int], init: ir.Value,
              body: Callable[[list[ir.Value], ir.Value], ir.Value]) -> ir.Value:
    """``scf.for`` loops over ``shape`` carrying the tensor ``init``;
    ``body(ivs, tensor)`` returns the tensor for the next iteration."""
    if not shape:
        return body([], init)
    zero, one = index_constant(0), index_constant(1)
    loop = scf.ForOp(zero, index_constant(shape[0]), one, [init])
    with ir.InsertionPoint(loop.body):
        iv = loop.induction_variable
        inner = loop_nest(shape[1:], loop.inner_iter_args[0], lambda ivs, t: body([iv] + ivs, t))
        scf.YieldOp([inner])
    return loop.results[0]


def _normalized_axis(ctx: LoweringContext, rank: int) -> int:
    axis = ctx.attr("axis")
    return axis + rank if axis < 0 else axis


def _zero(et: ir.Type) -> ir.Value:
    return scalar_constant(et, 0)


# ----------------------------------------------------------------------------
# Joining, splitting, slicing
# ----------------------------------------------------------------------------

def _single_use(value: ir.Value) -> bool:
    uses = iter(value.uses)
    return next(uses, None) is not None and next(uses, None) is None


def _concat_pieces(value: ir.Value, axis: int) -> list[ir.Value]:
    """The pieces whose concatenation along ``axis`` is ``value``: the sources of
    an earlier concat's ``insert_slice`` chain when ``value`` is its single-use
    result (so ONNX's N-ary Concat, imported as a chain of binary tg.concat ops,
    copies each input once), else ``[value]``. The old chain is left dead."""
    chain, current = [], value
    while True:
        owner = current.owner
        if not _single_use(current) or not isinstance(owner, (ir.Operation, ir.OpView)):
            return [value]
        op = owner.operation
        if op.name == "tensor.empty":
            break
        if op.name != "tensor.insert_slice" or len(op.operands) != 2:
            return [value]
        source, dest = op.operands
        offsets = list(ir.DenseI64ArrayAttr(op.attributes["static_offsets"]))
        strides = list(ir.DenseI64ArrayAttr(op.attributes["static_strides"]))
        full = [s for i, s in enumerate(shape_of(source)) if i != axis] == \
            [s for i, s in enumerate(shape_of(dest)) if i != axis]
        if any(o for i, o in enumerate(offsets) if i != axis) or any(s != 1 for s in strides) or not full:
            return [value]
        chain.append((offsets[axis], source))
        current = dest
    chain.sort(key=lambda piece: piece[0])
    offset = 0
    for start, source in chain:  # the pieces must tile the axis from 0, in order
        if start != offset:
            return [value]
        offset += shape_of(source)[axis]
    return [source for _, source in chain] if offset == shape_of(value)[axis] else [value]


@lowering("concat", dynamic=True)
def _concat(ctx: LoweringContext):
    """Insert each piece into an empty result at its offset (a ``tensor.dim`` sum past
    a ``?`` on the axis); pieces of static size 0 there are skipped."""
    out_shape = ctx.result_shape
    axis = _normalized_axis(ctx, len(out_shape))
    pieces = _concat_pieces(ctx.operand(0), axis) + [ctx.operand(1)]
    return [concat(pieces, axis, None if DYNAMIC in out_shape else out_shape, skip_empty=True)]


# An end at or past this (INT32_MAX, INT64_MAX in ONNX models) means "to the end of the axis".
_TO_THE_END = (1 << 31) - 1


def _whole_axis(start: int, end: int, step: int) -> bool:
    return step == 1 and start == 0 and end >= _TO_THE_END


def _slice_check(ctx: LoweringContext) -> Optional[str]:
    """A dynamic axis can only be sliced whole (start 0, end INT_MAX style, step 1)."""
    shape = shape_of(ctx.operand(0))
    for axis, start, end, step in zip(ctx.attr("axes"), ctx.attr("starts"), ctx.attr("ends"),
                                      ctx.attr("steps")):
        axis = axis + len(shape) if axis < 0 else axis
        if shape[axis] == DYNAMIC and not _whole_axis(start, end, step):
            return (f"slicing the dynamic axis {axis} (starts {start}, ends {end}, steps {step}) is not "
                    f"supported yet: only a whole dynamic axis (0 to INT_MAX, step 1) is")
    return None


@lowering("slice", dynamic=_slice_check)
def _slice(ctx: LoweringContext):
    from polytile.dialects.tg_rules.shape import slice_bounds

    x = ctx.operand(0)
    shape = shape_of(x)
    rank = len(shape)
    offsets, sizes, strides = [0] * rank, list(shape), [1] * rank
    for axis, start, end, step in zip(ctx.attr("axes"), ctx.attr("starts"), ctx.attr("ends"),
                                      ctx.attr("steps")):
        axis = axis + rank if axis < 0 else axis
        if shape[axis] == DYNAMIC:  # sliced whole (_slice_check)
            continue
        offsets[axis], sizes[axis] = slice_bounds(shape[axis], start, end, step)
        strides[axis] = step
    if DYNAMIC in shape:
        if sizes == shape and not any(offsets) and all(s == 1 for s in strides):
            return [x]
        sizes = [n if n != DYNAMIC else dim_of(x, i) for i, n in enumerate(sizes)]
    if any(not isinstance(n, ir.Value) and n == 0 for n in sizes):
        return [empty(sizes, etype_of(x))]
    # A negative step walks down from the start: slice the same elements in
    # ascending order (from the last one reached), then reverse that dim.
    lows = [o if s > 0 else o + s * (n - 1) for o, s, n in zip(offsets, strides, sizes)]
    window = extract_slice(x, lows, sizes, [abs(s) for s in strides])
    if all(s > 0 for s in strides):
        return [window]
    in_map = amap(rank, [d(i) if strides[i] > 0 else c(sizes[i] - 1) - d(i) for i in range(rank)])
    init = empty(sizes, etype_of(x))
    return generic([window], [init], [in_map, identity_map(rank)], [PARALLEL] * rank,
                   lambda v, _: v)


# ----------------------------------------------------------------------------
# Gathers
# ----------------------------------------------------------------------------

@lowering("gather", dynamic=True)
def _gather(ctx: LoweringContext):
    data, indices = ctx.operands
    q = len(shape_of(indices))
    data_dims = dims_of(data)
    axis = _normalized_axis(ctx, len(data_dims))
    rank = len(ctx.result_shape)
    idx_map = amap(rank, [d(axis + i) for i in range(q)])

    def body(idx, _):
        ivs = loop_indices(rank)
        position = wrap_negative(to_index(idx, ctx.unsigned(1)), data_dims[axis])
        coords = ivs[:axis] + [position] + ivs[axis + q:]
        return tensor.extract(data, coords)

    init = empty(data_dims[:axis] + dims_of(indices) + data_dims[axis + 1:], ctx.result_element_type)
    return generic([indices], [init], [idx_map, identity_map(rank)],
                   [PARALLEL] * rank, body)


@lowering("gather_elements")
def _gather_elements(ctx: LoweringContext):
    data, indices = ctx.operands
    data_shape = shape_of(data)
    rank = len(data_shape)
    axis = _normalized_axis(ctx, rank)
    identity = identity_map(rank)

    def body(idx, _):
        coords = loop_indices(rank)
        coords[axis] = wrap_negative(to_index(idx, ctx.unsigned(1)), data_shape[axis])
        return tensor.extract(data, coords)

    init = empty(ctx.result_shape, ctx.result_element_type)
    return generic([indices], [init], [identity, identity], [PARALLEL] * rank, body)


@lowering("gather_nd")
def _gather_nd(ctx: LoweringContext):
    data, indices = ctx.operands
    data_shape, idx_shape = shape_of(data), shape_of(indices)
    batch, k, q = ctx.attr("batch_dims"), idx_shape[-1], len(idx_shape)
    out_shape = ctx.result_shape
    rank = len(out_shape)

    def body(_):
        ivs = loop_indices(rank)
        lead = ivs[:q - 1]
        coords = list(ivs[:batch])
        for j in range(k):
            raw = tensor.extract(indices, lead + [index_constant(j)])
            coords.append(wrap_negative(to_index(raw), data_shape[batch + j]))
        return tensor.extract(data, coords + ivs[q - 1:])

    init = empty(out_shape, ctx.result_element_type)
    return generic([], [init], [identity_map(rank)], [PARALLEL] * rank, body)


# ----------------------------------------------------------------------------
# Scatters
# ----------------------------------------------------------------------------

def _combiner(reduction: str, et: ir.Type, unsigned: bool):
    """``(old, new) -> value`` for a scatter reduction; None for ``none``."""
    if reduction == "none":
        return None
    if is_float(et):
        ops = {"add": arith.addf, "mul": arith.mulf, "max": arith.maximumf, "min": arith.minimumf}
    else:
        ops = {"add": arith.addi, "mul": arith.muli,
               "max": arith.maxui if unsigned else arith.maxsi,
               "min": arith.minui if unsigned else arith.minsi}
    return ops[reduction]


def _scatter_update(result: ir.Value, coords: list[ir.Value], update: ir.Value, combine) -> ir.Value:
    if combine is not None:
        update = combine(tensor.extract(result, coords), update)
    return tensor.insert(update, result, coords)


@lowering("scatter_elements")
def _scatter_elements(ctx: LoweringContext):
    data, indices, updates = ctx.operands
    data_shape = shape_of(data)
    axis = _normalized_axis(ctx, len(data_shape))
    combine = _combiner(ctx.attr("reduction"), ctx.result_element_type, ctx.unsigned(0))

    def body(ivs, result):
        raw = tensor.extract(indices, ivs)
        coords = list(ivs)
        coords[axis] = wrap_negative(to_index(raw, ctx.unsigned(1)), data_shape[axis])
        return _scatter_update(result, coords, tensor.extract(updates, ivs), combine)

    return [loop_nest(shape_of(indices), data, body)]


@lowering("scatter_nd")
def _scatter_nd(ctx: LoweringContext):
    data, indices, updates = ctx.operands
    data_shape, idx_shape = shape_of(data), shape_of(indices)
    q, k = len(idx_shape), idx_shape[-1]
    combine = _combiner(ctx.attr("reduction"), ctx.result_element_type, ctx.unsigned(0))

    def body(ivs, result):
        lead = ivs[:q - 1]
        coords = []
        for j in range(k):
            raw = tensor.extract(indices, lead + [index_constant(j)])
            coords.append(wrap_negative(to_index(raw), data_shape[j]))
        coords += ivs[q - 1:]
        return _scatter_update(result, coords, tensor.extract(updates, ivs), combine)

    return [loop_nest(shape_of(updates), data, body)]


# ----------------------------------------------------------------------------
# Broadcasting, tiling, padding, triangles, one-hot
# ----------------------------------------------------------------------------

@lowering("expand", dynamic=True)
def _expand(ctx: LoweringContext):
    return [elementwise([ctx.operand(0)], ctx.result_element_type, lambda s: s[0],
                        out_shape=ctx.result_shape)]


@lowering("tile")
def _tile(ctx: LoweringContext):
    x = ctx.operand(0)
    shape = shape_of(x)
    rank = len(shape)
    if 0 in ctx.result_shape:
        return [empty(ctx.result_shape, ctx.result_element_type)]
    exprs = [d(i) % shape[i] if r > 1 and shape[i] > 1 else (c(0) if shape[i] == 1 else d(i))
             for i, r in enumerate(ctx.attr("repeats"))]
    init = empty(ctx.result_shape, ctx.result_element_type)
    return generic([x], [init], [amap(rank, exprs), identity_map(rank)],
                   [PARALLEL] * rank, lambda v, _: v)


def _crop(x: ir.Value, pads: Sequence[int]) -> tuple[ir.Value, list[int], list[int]]:
    """Apply the negative pads as a slice; returns the cropped value and the
    remaining (non-negative) begin and end pads."""
    shape = shape_of(x)
    rank = len(shape)
    begin, end = list(pads[:rank]), list(pads[rank:])
    offsets = [max(-b, 0) for b in begin]
    sizes = [s - max(-b, 0) - max(-e, 0) for s, b, e in zip(shape, begin, end)]
    cropped = extract_slice(x, offsets, sizes)
    return cropped, [max(b, 0) for b in begin], [max(e, 0) for e in end]


def _source_index(mode: str, j: ir.Value, size: int) -> ir.Value:
    """The input index that output position ``j`` (relative to the input start,
    may be out of [0, size)) reads in pad mode edge, reflect or wrap."""
    if size == 1:
        return index_constant(0)
    zero, last = index_constant(0), index_constant(size - 1)
    if mode == "edge":
        return arith.maxsi(arith.minsi(j, last), zero)
    period = size if mode == "wrap" else 2 * (size - 1)
    p = index_constant(period)
    m = arith.remsi(arith.addi(arith.remsi(j, p), p), p)  # j mod period, in [0, period)
    if mode == "wrap":
        return m
    beyond = cmpi("sge", m, index_constant(size))
    return arith.select(beyond, arith.subi(p, m), m)


@lowering("pad")
def _pad(ctx: LoweringContext):
    x, mode = ctx.operand(0), ctx.attr("mode")
    et = ctx.result_element_type
    if 0 in ctx.result_shape:
        return [empty(ctx.result_shape, et)]
    cropped, begin, end = _crop(x, ctx.attr("pads"))
    if mode == "constant":
        if ctx.has_operand(1):
            value = ctx.operand(1)
            fill = tensor.extract(value, [index_constant(0)] * len(shape_of(value)))
        else:
            fill = _zero(et)
        return [pad(cropped, begin, end, fill)]
    shape = shape_of(cropped)
    rank = len(shape)

    def body(_):
        coords = []
        for i, iv in enumerate(loop_indices(rank)):
            if begin[i] == 0 and end[i] == 0:
                coords.append(iv)
            else:
                j = arith.subi(iv, index_constant(begin[i]))
                coords.append(_source_index(mode, j, shape[i]))
        return tensor.extract(cropped, coords)

    init = empty(ctx.result_shape, et)
    return generic([], [init], [identity_map(rank)], [PARALLEL] * rank, body)


@lowering("trilu", dynamic=True)
def _trilu(ctx: LoweringContext):
    x = ctx.operand(0)
    rank = len(shape_of(x))
    et = ctx.result_element_type
    k, upper = ctx.attr("k"), ctx.attr("upper")

    def body(s):
        row, col = loop_indices(rank)[-2:]
        diag = arith.subi(col, row)  # keep col - row >= k (upper) or <= k (lower)
        keep = cmpi("sge" if upper else "sle", diag, index_constant(k))
        return arith.select(keep, s[0], _zero(et))

    return [elementwise([x], et, body)]


@lowering("one_hot")
def _one_hot(ctx: LoweringContext):
    indices, values = ctx.operands
    out_shape = ctx.result_shape
    rank = len(out_shape)
    axis = _normalized_axis(ctx, rank)
    depth = ctx.attr("depth")
    int64 = i64()
    off = tensor.extract(values, [index_constant(0)])
    on = tensor.extract(values, [index_constant(1)])
    idx_map = amap(rank, [d(i) for i in range(rank) if i != axis])
    idx_et = etype_of(indices)

    unsigned = ctx.unsigned(0)

    def body(idx, _):
        value = astype(idx, idx_et, unsigned, int64, False)  # floats truncate toward zero
        depth_c = scalar_constant(int64, depth)
        negative = cmpi("slt", value, scalar_constant(int64, 0))
        value = arith.select(negative, arith.addi(value, depth_c), value)
        position = loop_index_i64(axis)
        hot = cmpi("eq", value, position)
        return arith.select(hot, on, off)

    init = empty(out_shape, ctx.result_element_type)
    return generic([indices], [init], [idx_map, identity_map(rank)],
                   [PARALLEL] * rank, body)

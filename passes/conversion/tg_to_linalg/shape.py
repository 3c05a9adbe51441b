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

Run-time operands (slice ``bounds``, tile ``repeats_input``, expand
``shape_input``, trilu ``k_input``) are read with ``tensor.extract`` (under an
``scf.if`` past a ``?`` length) and ``arith.index_cast``; the result sizes are
computed from them with ONNX's clamping in i64 arithmetic (slice: negative
bounds wrap, clamp to [0, dim], or [-1, dim - 1] with a negative step, count =
max(0, ceil((end - start) / step)); tile: dim * max(repeats, 0)), so that bad
values never read out of bounds. A slice whose strides are known positive
numbers stays an ``extract_slice`` (dynamic offsets and sizes); others, and
tiles of ``?`` dims, are a ``linalg.generic`` gathering with ``tensor.extract``.
Their ``?`` result sizes reach the caller through func-add-memref-entry's
``_shapes`` entry, which reads the same operands.

Dynamic dims (``?``): reshape (a pure collapse or expand whose ``?`` dims map
one-to-one onto the input's, else exactly one ``?`` in the result: the element
count divided by the other dims), flatten, transpose, concat (on any axis: the
offsets are ``tensor.dim`` sums), slice (a sliced ``?`` dim gets its bounds at
run time), gather, expand, tile and trilu. Not supported yet with dynamic dims
(rejected, naming the op): a reshape with several ``?`` that is not such a
collapse or expand, gather_elements, gather_nd, the scatters, pad and one_hot.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence, Union

import numpy as np
from mlir import ir
from mlir.dialects import arith, scf, tensor

from . import LoweringContext, lowering
from .builders import (DYNAMIC, PARALLEL, Dim, amap, as_index, astype, c, cmpi, collapse, concat, d, dim_of,
                       dims_of, elementwise, empty, etype_of, extract_slice, fill, generic, i64, identity_map,
                       index_constant, int_width, is_float, loop_index, loop_index_i64, pad, reassociation,
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
    if value.type != result_type and ir.IntegerType(result_type.element_type).width < 8:  # ui4/ui2
        from .small_types import narrow_int_values
        array = narrow_int_values(value).astype(np.uint8)
        value = ir.DenseElementsAttr.get(np.ascontiguousarray(array), type=result_type)
    elif value.type != result_type:  # unsigned -> signless: same bits, new type
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


@lowering("reshape_dynamic", dynamic=True)
def _reshape_dynamic(ctx: LoweringContext):
    """ONNX's target resolved at run time (0 copies the input dim unless allowzero, -1 is
    the element count over the other entries), then a ``tensor.reshape``. A target
    that does not keep the element count (or has negative entries) becomes all zeros:
    an empty result rather than a view past the data."""
    x, target = ctx.operand(0), ctx.operand(1)
    i64 = ir.IntegerType.get_signless(64)
    dims = [as_i64(v) for v in dims_of(x)]
    total = i64_constant(1)
    for v in dims:
        total = arith.muli(total, v)
    zero, one, minus_one = i64_constant(0), i64_constant(1), i64_constant(-1)
    entries = []
    for i in range(shape_of(target)[0]):
        v = tensor.extract(target, [index_constant(i)])
        if not ctx.attr("allowzero") and i < len(dims):
            v = arith.select(cmpi("eq", v, zero), dims[i], v)
        entries.append(v)
    known = one
    for v in entries:
        known = arith.muli(known, arith.select(cmpi("eq", v, minus_one), one, v))
    inferred = arith.select(cmpi("eq", known, zero), zero, arith.divsi(total, _smax(known, one)))
    entries = [arith.select(cmpi("eq", v, minus_one), inferred, v) for v in entries]
    count, valid = one, cmpi("eq", one, one)
    for v in entries:
        count = arith.muli(count, v)
        valid = arith.andi(valid, cmpi("sge", v, zero))
    valid = arith.andi(valid, cmpi("eq", count, total))
    entries = [arith.select(valid, v, zero) for v in entries]
    shape = tensor.from_elements(ir.RankedTensorType.get([len(entries)], i64), entries)
    return [tensor.reshape(ctx.result_type, x, shape)]


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


# ----------------------------------------------------------------------------
# Run-time integers (bounds, repeats, shapes read with tensor.extract)
# ----------------------------------------------------------------------------

INT64_MAX = (1 << 63) - 1
#: The largest size a run-time dim is given (tg.MAX_DIM), so that products do not overflow.
MAX_DIM = (1 << 62) - 1


def i64_constant(value: int) -> ir.Value:
    return scalar_constant(i64(), value)


def as_i64(value) -> ir.Value:
    """An int, an ``index`` or an integer scalar of any width (sign-extended) as an i64."""
    if isinstance(value, int):
        return i64_constant(value)
    if isinstance(value.type, ir.IndexType) or str(value.type) == "index":
        return arith.index_cast(i64(), value)
    width = int_width(value.type)
    if width < 64:
        return arith.extsi(i64(), value)
    return value


def read_entry(values: ir.Value, j: int, default: int) -> tuple[ir.Value, Optional[ir.Value]]:
    """Entry ``j`` of a 1-d integer tensor as an i64, and whether it exists (an i1,
    None when its static length says so). With a ``?`` length the read is guarded
    (``scf.if``): a missing entry reads as ``default`` and nothing out of bounds."""
    if shape_of(values)[0] != DYNAMIC:
        return as_i64(tensor.extract(values, [index_constant(j)])), None
    present = cmpi("slt", index_constant(j), dim_of(values, 0))
    guard = scf.IfOp(present, [i64()], has_else=True)
    with ir.InsertionPoint(guard.then_block):
        scf.YieldOp([as_i64(tensor.extract(values, [index_constant(j)]))])
    with ir.InsertionPoint(guard.else_block):
        scf.YieldOp([i64_constant(default)])
    return guard.results[0], present


def _smax(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.maxsi(a, b)


def _smin(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.minsi(a, b)


def _index(value: ir.Value) -> ir.Value:
    return arith.index_cast(ir.IndexType.get(), value)


# ----------------------------------------------------------------------------
# Slice
# ----------------------------------------------------------------------------

# An end at or past this (INT32_MAX, INT64_MAX in ONNX models) means "to the end of the axis".
_TO_THE_END = (1 << 31) - 1


def _whole_axis(start: int, end: int, step: int) -> bool:
    return step == 1 and start == 0 and end >= _TO_THE_END


def _slice_check(ctx: LoweringContext) -> Optional[str]:
    """Every form handles dynamic dims: a sliced ``?`` dim gets its bounds at run time."""
    return None


@lowering("slice", dynamic=_slice_check)
def _slice(ctx: LoweringContext):
    """Static bounds on static dims: ``extract_slice`` (a reversing generic for negative
    steps). Run-time bounds, or a sliced ``?`` dim: :func:`_slice_runtime`."""
    from polytile.dialects.tg_rules.shape import slice_bounds

    x = ctx.operand(0)
    shape = shape_of(x)
    rank = len(shape)
    if len(ctx.operands) > 1:
        return [_slice_runtime(ctx, x)]
    entries = list(zip(ctx.attr("axes"), ctx.attr("starts"), ctx.attr("ends"), ctx.attr("steps")))
    entries = [(a + rank if a < 0 else a, start, end, step) for a, start, end, step in entries]
    # A dynamic axis sliced whole is left alone; one sliced otherwise gets its bounds at run time.
    entries = [e for e in entries if not (shape[e[0]] == DYNAMIC and _whole_axis(*e[1:]))]
    if any(shape[a] == DYNAMIC for a, *_ in entries):
        return [_slice_dims(x, [_SliceEntry(a, start, end, step) for a, start, end, step in entries])]
    offsets, sizes, strides = [0] * rank, list(shape), [1] * rank
    for axis, start, end, step in entries:
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


class _SliceEntry:
    """One entry of a slice: its ``axis`` (a dim, or an i64 value read at run time),
    ``start``, ``end``, ``step`` (ints or i64 values) and whether it is there
    (``present``: None for always, else an i1)."""

    def __init__(self, axis, start, end, step, present: Optional[ir.Value] = None):
        self.axis, self.start, self.end, self.step, self.present = axis, start, end, step, present

    def hits(self, dim: int) -> Union[bool, ir.Value]:
        """Whether the entry slices ``dim``: a Python bool, or an i1."""
        if isinstance(self.axis, int):
            if self.axis != dim:
                return False
            return True if self.present is None else self.present
        hit = cmpi("eq", self.axis, i64_constant(dim))
        return hit if self.present is None else arith.andi(hit, self.present)


def _slice_runtime(ctx: LoweringContext, x: ir.Value) -> ir.Value:
    """The run-time form (tg.irdl.mlir): the bounds of each entry from its attribute or
    its ``bounds`` operand (``tensor.extract``), then :func:`_slice_dims`."""
    from polytile.dialects.tg_rules.shape import SLICE_BOUNDS

    rank = len(shape_of(x))
    lists = {name: ctx.attr(name) for name in SLICE_BOUNDS}
    runtime = [name for name in SLICE_BOUNDS if not lists[name]]
    operands = dict(zip(runtime, ctx.operands[1:]))
    count = shape_of(ctx.operand(1))[0]
    if count == DYNAMIC:  # entries past the shortest compile-time list are ignored
        count = min([len(v) for v in lists.values() if v] or [rank])
    defaults = {"starts": 0, "ends": INT64_MAX, "axes": rank, "steps": 1}
    entries = []
    for j in range(count):
        values, present = {}, None
        for name in SLICE_BOUNDS:
            if name in operands:
                values[name], there = read_entry(operands[name], j, defaults[name])
                if there is not None:  # the entry exists where every run-time bound has it
                    present = there if present is None else arith.andi(present, there)
            else:
                values[name] = lists[name][j]
        axis = values["axes"]
        if not isinstance(axis, int):  # negative axes count from the end; out of range: no dim
            wrapped = arith.addi(axis, i64_constant(rank))
            axis = arith.select(cmpi("slt", axis, i64_constant(0)), wrapped, axis)
        entries.append(_SliceEntry(axis, values["starts"], values["ends"], values["steps"], present))
    return _slice_dims(x, entries)


def _slice_dims(x: ir.Value, entries: Sequence[_SliceEntry]) -> ir.Value:
    """Slice ``x`` by ``entries`` whose values may be known only at run time: ONNX's
    clamping in i64 arithmetic per dim (a later entry for a dim wins; a dim no entry
    hits is whole), then an ``extract_slice`` when every stride is a known positive
    number, else a ``linalg.generic`` reading ``x`` at ``start + i * step``."""
    rank = len(shape_of(x))
    dims = dims_of(x)
    offsets, sizes, strides = [], [], []
    for dim in range(rank):
        hits = [(e, e.hits(dim)) for e in entries]
        hits = [(e, h) for e, h in hits if h is not False]
        if not hits:
            offsets.append(0)
            sizes.append(dims[dim])
            strides.append(1)
            continue
        size = as_i64(dims[dim])
        start, end, step = i64_constant(0), size, i64_constant(1)
        static_step: Optional[int] = 1
        for e, hit in hits:
            if hit is True:
                start, end, step = as_i64(e.start), as_i64(e.end), as_i64(e.step)
                static_step = e.step if isinstance(e.step, int) else None
            else:
                start = arith.select(hit, as_i64(e.start), start)
                end = arith.select(hit, as_i64(e.end), end)
                step = arith.select(hit, as_i64(e.step), step)
                if not (isinstance(e.step, int) and e.step == static_step):
                    static_step = None
        offset, count, step = _slice_arithmetic(size, start, end, step, static_step)
        offsets.append(offset)
        sizes.append(count)
        strides.append(static_step if static_step is not None else step)
    if all(isinstance(s, int) and s > 0 for s in strides):
        return extract_slice(x, offsets, sizes, strides)
    rank_out = len(sizes)

    def body(_):
        coords = []
        for i, iv in enumerate(loop_indices(rank_out)):
            if isinstance(strides[i], int) and strides[i] == 1 and not isinstance(offsets[i], ir.Value) \
                    and offsets[i] == 0:
                coords.append(iv)
                continue
            stride = index_constant(strides[i]) if isinstance(strides[i], int) else strides[i]
            offset = as_index(offsets[i])
            coords.append(arith.addi(offset, arith.muli(iv, stride)))
        return tensor.extract(x, coords)

    init = empty(sizes, etype_of(x))
    return generic([], [init], [identity_map(rank_out)], [PARALLEL] * rank_out, body)[0]


def _slice_arithmetic(size: ir.Value, start: ir.Value, end: ir.Value, step: ir.Value,
                      static_step: Optional[int] = None) -> tuple[ir.Value, ir.Value, ir.Value]:
    """ONNX Slice on one dim of ``size`` (i64 values): the first index read, the
    element count and the step, as ``index`` values. Negative starts/ends count from
    the end; they clamp to [0, size] (positive steps) or start to [0, size - 1] and end
    to [-1, size - 1] (negative steps); count = max(0, ceil((end - start) / step)). A
    step of 0 is taken as 1 (ONNX forbids it) and INT64_MIN as -INT64_MAX, so that
    nothing divides by 0 or overflows."""
    zero, one = i64_constant(0), i64_constant(1)
    if static_step is None or static_step == 0 or static_step < -INT64_MAX:
        step = arith.select(cmpi("eq", step, zero), one, step)
        step = _smax(step, i64_constant(-INT64_MAX))
    negative = cmpi("slt", step, zero)
    start = arith.select(cmpi("slt", start, zero), arith.addi(start, size), start)
    end = arith.select(cmpi("slt", end, zero), arith.addi(end, size), end)
    last = arith.subi(size, one)
    high = arith.select(negative, last, size)
    start = _smin(_smax(start, zero), high)
    end = _smin(_smax(end, arith.select(negative, i64_constant(-1), zero)), high)
    span = arith.select(negative, arith.subi(start, end), arith.subi(end, start))
    magnitude = arith.select(negative, arith.subi(zero, step), step)
    count = arith.ceildivsi(_smax(span, zero), magnitude)
    return _index(start), _index(count), _index(step)


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
    if ctx.has_operand(1):
        return [_expand_runtime(ctx.operand(0), ctx.operand(1), ctx.result_element_type)]
    return [elementwise([ctx.operand(0)], ctx.result_element_type, lambda s: s[0],
                        out_shape=ctx.result_shape)]


def _expand_runtime(x: ir.Value, shape: ir.Value, et: ir.Type) -> ir.Value:
    """Broadcast ``x`` against the run-time ``shape`` (1-d i64, static length): a
    result dim is the input dim where that is not 1 (also when the entry does not
    broadcast: nothing is read out of bounds), else the entry (negative: 0). A
    static input dim other than 1 is read with an affine map; a ``?`` one (it may be
    1 at run time) with ``tensor.extract``."""
    in_dims = dims_of(x)
    rank_in, length = len(in_dims), shape_of(shape)[0]
    rank = max(rank_in, length)
    lead = rank - rank_in  # both shapes are aligned on the right
    zero, one = index_constant(0), index_constant(1)
    out, reads = [], []  # reads[a]: how input dim a is indexed ("loop", "zero" or an i1 "is one")
    for j in range(rank):
        k = j - (rank - length)
        entry = _index(_smax(read_entry(shape, k, 1)[0], i64_constant(0))) if k >= 0 else None
        a = j - lead
        if a < 0:
            out.append(entry)
            continue
        dim = in_dims[a]
        if entry is None:
            out.append(dim)
            reads.append("loop")
        elif isinstance(dim, int):
            out.append(entry if dim == 1 else dim)
            reads.append("zero" if dim == 1 else "loop")
        else:
            is_one = cmpi("eq", dim, one)
            out.append(arith.select(is_one, entry, dim))
            reads.append(is_one)
    init = empty(out, et)
    if all(isinstance(r, str) for r in reads):
        in_map = amap(rank, [c(0) if r == "zero" else d(lead + a) for a, r in enumerate(reads)])
        return generic([x], [init], [in_map, identity_map(rank)], [PARALLEL] * rank,
                       lambda v, _: v)[0]

    def body(_):
        ivs = loop_indices(rank)
        coords = []
        for a, r in enumerate(reads):
            iv = ivs[lead + a]
            coords.append(zero if r == "zero" else iv if r == "loop" else arith.select(r, zero, iv))
        return tensor.extract(x, coords)

    return generic([], [init], [identity_map(rank)], [PARALLEL] * rank, body)[0]


@lowering("tile", dynamic=True)
def _tile(ctx: LoweringContext):
    """``out[i] = in[i mod dim]``, out dim = dim * repeats: an affine ``mod`` map on
    static dims, ``tensor.extract`` at ``i mod dim`` on ``?`` ones. Run-time repeats
    (``repeats_input``; negative ones read as 0, and with a ``?`` length a missing
    entry as 1) are clamped so that dim * repeats cannot overflow."""
    x = ctx.operand(0)
    shape = shape_of(x)
    rank = len(shape)
    if not ctx.has_operand(1) and DYNAMIC not in shape:
        if 0 in ctx.result_shape:
            return [empty(ctx.result_shape, ctx.result_element_type)]
        exprs = [d(i) % shape[i] if r > 1 and shape[i] > 1 else (c(0) if shape[i] == 1 else d(i))
                 for i, r in enumerate(ctx.attr("repeats"))]
        init = empty(ctx.result_shape, ctx.result_element_type)
        return generic([x], [init], [amap(rank, exprs), identity_map(rank)],
                       [PARALLEL] * rank, lambda v, _: v)
    dims = dims_of(x)
    out = []
    for i in range(rank):
        size = as_i64(dims[i])
        if ctx.has_operand(1):  # clamped to [0, MAX_DIM / size]: the product cannot overflow
            repeat = _smax(read_entry(ctx.operand(1), i, 1)[0], i64_constant(0))
            repeat = _smin(repeat, arith.divsi(i64_constant(MAX_DIM), _smax(size, i64_constant(1))))
        else:
            repeat = i64_constant(ctx.attr("repeats")[i])
        out.append(_index(arith.muli(size, repeat)))
    init = empty(out, ctx.result_element_type)
    if DYNAMIC not in shape:  # static dims: an affine ``mod`` map
        exprs = [d(i) % n if n > 1 else (c(0) if n == 1 else d(i)) for i, n in enumerate(shape)]
        return generic([x], [init], [amap(rank, exprs), identity_map(rank)],
                       [PARALLEL] * rank, lambda v, _: v)

    def body(_):
        coords = []
        for i, iv in enumerate(loop_indices(rank)):
            coords.append(index_constant(0) if isinstance(dims[i], int) and dims[i] == 1
                          else arith.remui(iv, as_index(dims[i])))
        return tensor.extract(x, coords)

    return generic([], [init], [identity_map(rank)], [PARALLEL] * rank, body)


def _crop(x: ir.Value, pads: Sequence[int]) -> tuple[ir.Value, list[int], list[int]]:
    """Apply the negative pads as a slice; returns the cropped value and the
    remaining (non-negative) begin and end pads. A dynamic dim cropped below zero
    becomes empty (clamped at run time)."""
    dims = dims_of(x)
    rank = len(dims)
    begin, end = list(pads[:rank]), list(pads[rank:])
    if all(p >= 0 for p in pads):
        return x, begin, end
    offsets = [max(-b, 0) for b in begin]
    sizes = []
    for n, b, e in zip(dims, begin, end):
        cut = max(-b, 0) + max(-e, 0)
        if isinstance(n, ir.Value):
            # offsets past the end are clamped too, so the slice stays in bounds
            sizes.append(arith.maxsi(arith.subi(n, index_constant(cut)), index_constant(0)) if cut else n)
        else:
            sizes.append(n - cut)
    offsets = [arith.minsi(index_constant(o), n) if isinstance(n, ir.Value) and o else o
               for o, n in zip(offsets, dims)]
    cropped = extract_slice(x, offsets, sizes)
    return cropped, [max(b, 0) for b in begin], [max(e, 0) for e in end]


def _source_index(mode: str, j: ir.Value, size: Dim) -> ir.Value:
    """The input index that output position ``j`` (relative to the input start,
    may be out of [0, size)) reads in pad mode edge, reflect or wrap; ``size`` may
    be a run-time index (at least 1: the caller handles empty inputs)."""
    if isinstance(size, int) and size == 1:
        return index_constant(0)
    n = as_index(size)
    one = index_constant(1)
    zero, last = index_constant(0), arith.subi(n, one)
    if mode == "edge":
        return arith.maxsi(arith.minsi(j, last), zero)
    if mode == "wrap":
        p = n
    else:  # reflect: period 2 (size - 1), at least 1 (a size of 1 reads index 0)
        p = arith.maxsi(arith.muli(last, index_constant(2)), one)
    m = arith.remsi(arith.addi(arith.remsi(j, p), p), p)  # j mod period, in [0, period)
    if mode == "wrap":
        return m
    beyond = cmpi("sge", m, n)
    return arith.minsi(arith.select(beyond, arith.subi(p, m), m), last)


@lowering("pad", dynamic=True)
def _pad(ctx: LoweringContext):
    """Constant mode: the negative pads crop (extract_slice), the rest is a tensor.pad;
    edge/reflect/wrap: a gather of the cropped input. Dynamic dims: sizes from tensor.dim
    (a crop larger than a dynamic dim leaves it empty; edge/reflect/wrap of a dim that is
    empty at run time, which ONNX forbids, gives an empty result instead of reading)."""
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
    dims = dims_of(cropped)
    rank = len(dims)

    def body(_):
        coords = []
        for i, iv in enumerate(loop_indices(rank)):
            if begin[i] == 0 and end[i] == 0:
                coords.append(iv)
            else:
                j = arith.subi(iv, index_constant(begin[i]))
                coords.append(_source_index(mode, j, dims[i]))
        return tensor.extract(cropped, coords)

    out: list[Dim] = []
    for n, b, e in zip(dims, begin, end):
        if isinstance(n, int) or not b + e:
            out.append(n + b + e if isinstance(n, int) else n)
        else:  # nothing to repeat in an empty dim: an empty result
            padded = arith.addi(n, index_constant(b + e))
            out.append(arith.select(cmpi("eq", n, index_constant(0)), n, padded))
    init = empty(out, et)
    return generic([], [init], [identity_map(rank)], [PARALLEL] * rank, body)


@lowering("trilu", dynamic=True)
def _trilu(ctx: LoweringContext):
    """Keep ``col - row >= k`` (upper) or ``<= k`` (lower); a run-time k (``k_input``)
    is compared in i64, so any value works (out of range: all or nothing kept)."""
    x = ctx.operand(0)
    rank = len(shape_of(x))
    et = ctx.result_element_type
    upper = ctx.attr("upper")

    def body(s):
        row, col = loop_indices(rank)[-2:]
        diag = arith.subi(col, row)  # keep col - row >= k (upper) or <= k (lower)
        if not ctx.has_operand(1):
            keep = cmpi("sge" if upper else "sle", diag, index_constant(ctx.attr("k")))
        else:  # read in the body (hoisted on CPU), so that a GPU kernel reads it on the device
            k = tensor.extract(ctx.operand(1), [index_constant(0)] * len(shape_of(ctx.operand(1))))
            keep = cmpi("sge" if upper else "sle", as_i64(diag), k)
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

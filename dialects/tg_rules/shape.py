"""Type rules of tg constants and data-movement ops: reshape, flatten,
transpose (core) and the shape family (concat, slice, gathers,
scatters, expand, tile, pad, trilu, one_hot).

Slice, expand, tile and trilu also have a run-time form (tg.irdl.mlir) whose
bounds, shape, repeats or k are operands read at run time: every result dim
that depends on their values is ``?``."""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import DYNAMIC, NO_FOLD, NUMERIC_TYPES, SPLAT_SAME, OpInfo, tensor, type_rule

# Kernel classes: constants and the reshape-like views (reshape, flatten) are
# "free" (they stay in the graph function); every other op here moves data
# (copies, gathers, scatters, pads) and is an "opaque" kernel of its own: not
# element-wise (its result elements are not a function of the same-index operand
# elements) and not a reduction.
FREE, OPAQUE = "free", "opaque"
from polytile.dialects.tg_rules.common import broadcast_shapes, dims_compatible, fmt_dim, fmt_shape


@type_rule("constant", kind=FREE, fold=NO_FOLD)
def _constant(info: OpInfo) -> list[ir.Type]:
    # The result type is the value's type; checked in verify_op.
    return []


@type_rule("reshape_dynamic", kind=FREE, fold=NO_FOLD)
def _reshape_dynamic(info: OpInfo) -> list[ir.Type]:
    """``shape`` (operand 1): 1-d i64 of static length; all result dims ``?``. It never
    folds (a constant target makes tg.reshape)."""
    info.element_type(1, ("i64",))
    target = info.operand(1)
    if target.rank != 1 or target.shape[0] == DYNAMIC:
        info.fail(f"shape must be 1-d with a static length, got {fmt_shape(target.shape)}")
    if info.int("allowzero") not in (0, 1):
        info.fail("allowzero must be 0 or 1")
    return [tensor([DYNAMIC] * target.shape[0], info.operand(0).element_type)]


@type_rule("reshape", kind=FREE, splat=SPLAT_SAME)
def _reshape(info: OpInfo) -> list[ir.Type]:
    """``shape`` holds the result dims: sizes >= 0, and -1 exactly where the result has a
    ``?`` (only with a dynamic input: the importer resolves 0 and -1 of a static one). The
    element counts must agree where they are known: equal when both are static; a static
    result of a dynamic input must hold a multiple of the input's static dims."""
    data = info.operand(0)
    shape = info.ints("shape")
    if any(d < -1 for d in shape) or (data.has_static_shape and -1 in shape):
        info.fail("shape entries must be non-negative (0 and -1 are resolved by the importer), "
                  "or -1 for a dynamic dim of the result of a dynamic input")
    result = [DYNAMIC if d == -1 else d for d in shape]
    in_static = _count([d for d in data.shape if d != DYNAMIC])
    out_static = _count([d for d in result if d != DYNAMIC])
    if data.has_static_shape and DYNAMIC not in result:
        if in_static != out_static:
            info.fail(f"cannot reshape {in_static} elements ({fmt_shape(data.shape)}) into {fmt_shape(shape)}")
    elif DYNAMIC not in result and in_static and out_static % in_static:
        info.fail(f"cannot reshape {fmt_shape(data.shape)} into {out_static} elements "
                  f"({fmt_shape(result)}): not a multiple of {in_static}")
    return [tensor(result, data.element_type)]


@type_rule("flatten", kind=FREE, splat=SPLAT_SAME)
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


@type_rule("transpose", kind=OPAQUE, splat=SPLAT_SAME)
def _transpose(info: OpInfo) -> list[ir.Type]:
    data = info.operand(0)
    perm = info.ints("perm")
    if sorted(perm) != list(range(data.rank)):
        info.fail(f"perm {perm} is not a permutation of 0..{data.rank - 1}")
    return [tensor([data.shape[p] for p in perm], data.element_type)]


# ----------------------------------------------------------------------------
# The shape family: concat, slice, gathers, scatters, expand, tile, pad,
# trilu, one_hot.
# ----------------------------------------------------------------------------

INDEX_TYPES = ("i32", "i64")
REDUCTIONS = ("none", "add", "mul", "max", "min")
PAD_MODES = ("constant", "reflect", "edge", "wrap")


def normalize_axis(info: OpInfo, axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` in [-rank, rank) made non-negative; fails when out of range."""
    if not -rank <= axis < rank:
        info.fail(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _sum_dims(dims) -> int:
    return DYNAMIC if DYNAMIC in dims else sum(dims)


def _check_index_type(info: OpInfo, index: int) -> None:
    info.element_type(index, INDEX_TYPES)


@type_rule("concat", kind=OPAQUE)
def _concat(info: OpInfo) -> list[ir.Type]:
    etype = info.same_element_types(*range(len(info.operands)))
    first = info.operand(0)
    axis = normalize_axis(info, info.int("axis"), first.rank)
    out = list(first.shape)
    for i, x in enumerate(info.operands[1:], start=1):
        if x.rank != first.rank:
            info.fail(f"operand #{i} has rank {x.rank}, expected {first.rank}")
        for dim, (a, b) in enumerate(zip(out, x.shape)):
            if dim != axis and not dims_compatible(a, b):
                info.fail(f"operand #{i} has shape {fmt_shape(x.shape)}, incompatible with "
                          f"{fmt_shape(first.shape)} outside axis {axis}")
            if dim != axis and a == DYNAMIC:
                out[dim] = b
    out[axis] = _sum_dims([x.shape[axis] for x in info.operands])
    return [tensor(out, etype)]


def slice_bounds(dim: int, start: int, end: int, step: int) -> tuple[int, int]:
    """ONNX Slice on one dim: the effective first index and the element count."""
    if start < 0:
        start += dim
    if end < 0:
        end += dim
    if step > 0:
        start = min(max(start, 0), dim)
        end = min(max(end, 0), dim)
        count = max(0, -(-(end - start) // step))
    else:
        start = min(max(start, 0), dim - 1)
        end = min(max(end, -1), dim - 1)
        count = max(0, -(-(start - end) // -step))
    return start, count


#: The bounds of tg.slice, in the order their run-time operands come in.
SLICE_BOUNDS = ("starts", "ends", "axes", "steps")


@type_rule("slice", kind=OPAQUE, splat=SPLAT_SAME)
def _slice(info: OpInfo) -> list[ir.Type]:
    """Static bounds: one entry per sliced axis in each attribute. Run-time form
    (``bounds`` operands, see slice_layout): every dim an entry may slice is ``?``
    (a dim of size 0 stays 0)."""
    x = info.operand(0)
    if len(info.operands) > 1:
        layout = slice_layout(info)
        out = list(x.shape)
        axes = layout["axes"]
        for axis in (range(x.rank) if axes is None else axes):
            if out[axis] != 0:
                out[axis] = DYNAMIC
        return [tensor(out, x.element_type)]
    starts, ends = info.ints("starts"), info.ints("ends")
    axes, steps = info.ints("axes"), info.ints("steps")
    if not len(starts) == len(ends) == len(axes) == len(steps):
        info.fail("starts, ends, axes and steps must have the same length")
    norm = [normalize_axis(info, a, x.rank, "axes entry") for a in axes]
    if len(set(norm)) != len(norm):
        info.fail(f"axes {axes} repeat an axis")
    if 0 in steps:
        info.fail("steps must be non-zero")
    out = list(x.shape)
    for axis, start, end, step in zip(norm, starts, ends, steps):
        if x.shape[axis] != DYNAMIC:
            out[axis] = slice_bounds(x.shape[axis], start, end, step)[1]
    return [tensor(out, x.element_type)]


def slice_layout(info: OpInfo) -> dict:
    """The run-time form of tg.slice: bound name -> its operand index (an int) when
    it is a run-time ``bounds`` operand, else its compile-time list (``axes``
    normalized); ``"count"`` is the entry count (DYNAMIC for a ``?`` length). The
    run-time bounds are 1-d i32/i64 of one type (IRDL checks that they share it); a
    compile-time list has ``count`` entries, or at least one when ``count`` is
    ``?`` (entries past the shortest list are ignored); axes are in [0, rank) and
    distinct, steps non-zero. ``"axes"`` is None when the axes are run-time."""
    x = info.operand(0)
    operands = info.operands[1:]
    bound = operands[0]
    if bound.rank != 1:
        info.fail(f"run-time slice bounds must be 1-d, got shape {fmt_shape(bound.shape)}")
    info.element_type(1, INDEX_TYPES)
    runtime = [name for name in SLICE_BOUNDS if not info.ints(name)]
    if len(runtime) != len(operands):
        info.fail(f"{len(operands)} run-time bounds operands for the {len(runtime)} empty bounds "
                  f"attributes ({', '.join(runtime) or 'none'})")
    count = bound.shape[0]
    layout: dict = {"count": count}
    for name in SLICE_BOUNDS:
        if name in runtime:
            layout[name] = 1 + runtime.index(name)
            continue
        values = info.ints(name)
        if count != DYNAMIC and len(values) != count:
            info.fail(f"{name} has {len(values)} entries for {count} run-time entries")
        layout[name] = values
    if "axes" in runtime:
        layout["axes"] = None
    else:
        axes = layout["axes"]
        if any(not 0 <= a < x.rank for a in axes) or len(set(axes)) != len(axes):
            info.fail(f"axes {axes} must be distinct dims in [0, {x.rank})")
    if "steps" not in runtime and 0 in layout["steps"]:
        info.fail("steps must be non-zero")
    return layout


@type_rule("gather", kind=OPAQUE)
def _gather(info: OpInfo) -> list[ir.Type]:
    data, indices = info.operand(0), info.operand(1)
    _check_index_type(info, 1)
    if data.rank < 1:
        info.fail("data must have rank >= 1")
    axis = normalize_axis(info, info.int("axis"), data.rank)
    out = list(data.shape[:axis]) + list(indices.shape) + list(data.shape[axis + 1:])
    return [tensor(out, data.element_type)]


@type_rule("gather_elements", kind=OPAQUE)
def _gather_elements(info: OpInfo) -> list[ir.Type]:
    data, indices = info.operand(0), info.operand(1)
    _check_index_type(info, 1)
    if data.rank < 1 or indices.rank != data.rank:
        info.fail(f"data and indices must have the same rank >= 1, got {data.rank} and {indices.rank}")
    axis = normalize_axis(info, info.int("axis"), data.rank)
    for dim, (a, b) in enumerate(zip(data.shape, indices.shape)):
        if dim != axis and DYNAMIC not in (a, b) and b > a:
            info.fail(f"indices dim {dim} ({b}) exceeds the data dim ({a})")
    return [tensor(indices.shape, data.element_type)]


@type_rule("gather_nd", kind=OPAQUE, fold="GatherND")
def _gather_nd(info: OpInfo) -> list[ir.Type]:
    data, indices = info.operand(0), info.operand(1)
    info.element_type(1, ("i64",))
    batch = info.int("batch_dims")
    r, q = data.rank, indices.rank
    if r < 1 or q < 1:
        info.fail("data and indices must have rank >= 1")
    if not 0 <= batch < min(r, q):
        info.fail(f"batch_dims {batch} must be in [0, {min(r, q)})")
    k = indices.shape[-1]
    if k == DYNAMIC or not 1 <= k <= r - batch:
        info.fail(f"the last dim of indices ({fmt_dim(k)}) must be static and in [1, {r - batch}]")
    for dim in range(batch):
        if not dims_compatible(data.shape[dim], indices.shape[dim]):
            info.fail(f"batch dim {dim} differs: {data.shape[dim]} vs {indices.shape[dim]}")
    out = list(indices.shape[:-1]) + list(data.shape[batch + k:])
    return [tensor(out, data.element_type)]


def _check_reduction(info: OpInfo, etype: ir.Type) -> None:
    reduction = info.attr("reduction")
    if reduction not in REDUCTIONS:
        info.fail(f"reduction must be one of {', '.join(REDUCTIONS)}, got '{reduction}'")
    if reduction != "none" and str(etype) == "i1":
        info.fail(f"reduction '{reduction}' is not defined on i1")


@type_rule("scatter_elements", kind=OPAQUE)
def _scatter_elements(info: OpInfo) -> list[ir.Type]:
    data, indices, updates = info.operand(0), info.operand(1), info.operand(2)
    _check_index_type(info, 1)
    etype = info.same_element_types(0, 2)
    _check_reduction(info, etype)
    if not data.rank == indices.rank == updates.rank or data.rank < 1:
        info.fail("data, indices and updates must have the same rank >= 1")
    normalize_axis(info, info.int("axis"), data.rank)
    if not all(dims_compatible(a, b) for a, b in zip(indices.shape, updates.shape)):
        info.fail(f"indices ({fmt_shape(indices.shape)}) and updates ({fmt_shape(updates.shape)}) "
                  f"must have the same shape")
    return [data]


@type_rule("scatter_nd", kind=OPAQUE, fold="ScatterND")
def _scatter_nd(info: OpInfo) -> list[ir.Type]:
    data, indices, updates = info.operand(0), info.operand(1), info.operand(2)
    info.element_type(1, ("i64",))
    etype = info.same_element_types(0, 2)
    _check_reduction(info, etype)
    if data.rank < 1 or indices.rank < 1:
        info.fail("data and indices must have rank >= 1")
    k = indices.shape[-1]
    if k == DYNAMIC or not 1 <= k <= data.rank:
        info.fail(f"the last dim of indices ({fmt_dim(k)}) must be static and in [1, {data.rank}]")
    expected = list(indices.shape[:-1]) + list(data.shape[k:])
    if updates.rank != len(expected) or not all(
            dims_compatible(a, b) for a, b in zip(updates.shape, expected)):
        info.fail(f"updates must have shape {fmt_shape(expected)}, got {fmt_shape(updates.shape)}")
    return [data]


@type_rule("expand", kind=OPAQUE, splat=SPLAT_SAME)
def _expand(info: OpInfo) -> list[ir.Type]:
    """Static ``shape``, or the run-time ``shape_input`` (1-d i64 of static length,
    ``shape`` empty): then a result dim is the input's where that is static and not
    1, else ``?``."""
    x = info.operand(0)
    shape = info.ints("shape")
    if len(info.operands) > 1 and info.operand(1) is not None:
        shape_input = info.operand(1)
        info.element_type(1, ("i64",))
        if shape_input.rank != 1 or shape_input.shape[0] == DYNAMIC:
            info.fail(f"shape_input must be 1-d of static length (the result's rank), "
                      f"got {fmt_shape(shape_input.shape)}")
        if shape:
            info.fail("shape must be empty with shape_input")
        rank = max(x.rank, shape_input.shape[0])
        padded = [1] * (rank - x.rank) + list(x.shape)
        return [tensor([d if d not in (1, DYNAMIC) else DYNAMIC for d in padded], x.element_type)]
    if any(d < 1 for d in shape):
        info.fail(f"shape entries must be positive, got {shape}")
    return [tensor(broadcast_shapes(info, x.shape, shape), x.element_type)]


@type_rule("tile", kind=OPAQUE, splat=SPLAT_SAME)
def _tile(info: OpInfo) -> list[ir.Type]:
    """Static ``repeats``, or the run-time ``repeats_input`` (1-d i64, one entry per
    dim, ``repeats`` empty): then every result dim but those of size 0 is ``?``."""
    x = info.operand(0)
    if len(info.operands) > 1 and info.operand(1) is not None:
        repeats = info.operand(1)
        info.element_type(1, ("i64",))
        if repeats.rank != 1 or repeats.shape[0] not in (x.rank, DYNAMIC):
            info.fail(f"repeats_input must be 1-d with {x.rank} entries, got {fmt_shape(repeats.shape)}")
        if info.ints("repeats"):
            info.fail("repeats must be empty with repeats_input")
        return [tensor([0 if d == 0 else DYNAMIC for d in x.shape], x.element_type)]
    repeats = info.ints("repeats", x.rank)
    if any(r < 0 for r in repeats):
        info.fail(f"repeats must be non-negative, got {repeats}")
    out = [DYNAMIC if d == DYNAMIC else d * r for d, r in zip(x.shape, repeats)]
    return [tensor(out, x.element_type)]


@type_rule("pad", kind=OPAQUE)
def _pad(info: OpInfo) -> list[ir.Type]:
    x = info.operand(0)
    pads = info.ints("pads", 2 * x.rank)
    mode = info.attr("mode")
    if mode not in PAD_MODES:
        info.fail(f"mode must be one of {', '.join(PAD_MODES)}, got '{mode}'")
    value = info.operands[1] if len(info.operands) > 1 else None
    if value is not None:
        info.same_element_types(0, 1)
        if not value.has_static_shape or _count(value.shape) != 1:
            info.fail(f"constant_value must hold one element, got shape {fmt_shape(value.shape)}")
    out = []
    for i, d in enumerate(x.shape):
        size = d + pads[i] + pads[x.rank + i] if d != DYNAMIC else DYNAMIC
        if size != DYNAMIC and size < 0:
            info.fail(f"pads {pads} crop dim {i} of size {d} below zero")
        if mode != "constant" and d != DYNAMIC and size > 0 and \
                d + min(pads[i], 0) + min(pads[x.rank + i], 0) < 1:
            info.fail(f"mode '{mode}' cannot pad dim {i}: nothing is left after cropping")
        out.append(size)
    return [tensor(out, x.element_type)]


def _count(shape) -> int:
    count = 1
    for d in shape:
        count *= d
    return count


@type_rule("trilu", kind=OPAQUE)
def _trilu(info: OpInfo) -> list[ir.Type]:
    """``k`` static, or the run-time ``k_input`` (one i64 element; ``k`` then 0)."""
    x = info.operand(0)
    if x.rank < 2:
        info.fail(f"input must have rank >= 2, got {x.rank}")
    if info.int("upper") not in (0, 1):
        info.fail("upper must be 0 or 1")
    k = info.int("k")
    if len(info.operands) > 1 and info.operand(1) is not None:
        info.element_type(1, ("i64",))
        k_input = info.operand(1)
        if k_input.rank > 1 or (k_input.rank == 1 and k_input.shape[0] != 1):
            info.fail(f"k_input must hold one element, got shape {fmt_shape(k_input.shape)}")
        if k != 0:
            info.fail("k must be 0 with k_input")
    return [x]


@type_rule("one_hot", kind=OPAQUE)
def _one_hot(info: OpInfo) -> list[ir.Type]:
    indices, values = info.operand(0), info.operand(1)
    info.element_type(0, NUMERIC_TYPES)
    if values.rank != 1 or not dims_compatible(values.shape[0], 2):
        info.fail(f"values must be 1-d of size 2 (off, on), got {fmt_shape(values.shape)}")
    depth = info.int("depth")
    if depth < 1:
        info.fail(f"depth must be positive, got {depth}")
    axis = normalize_axis(info, info.int("axis"), indices.rank + 1)
    out = list(indices.shape)
    out.insert(axis, depth)
    return [tensor(out, values.element_type)]

"""Lowerings of the ops whose result sizes depend on the data: non_zero, compress,
unique.

Each data-dependent size is computed first (a counting ``linalg.generic``
reduction into a 0-d tensor, ``tensor.extract``, ``arith.index_cast``), and the
results are ``tensor.empty`` ops of that size, so the module's ``_shapes`` entry
(``func-add-memref-entry``) computes it before the caller allocates the outputs.

* non_zero: the count of non-zero elements, then one ``scf.for`` nest over the
  input (row-major) carrying the result and a column counter: each element
  writes its coordinates into the current column, which advances only past a
  non-zero one (branch-free: the result has one spare column, sliced off).
  O(n) for n input elements.
* compress: the same walk over the first min(len(condition), size of axis)
  condition entries gives the kept positions; the result is one gathering
  ``linalg.generic`` (``tensor.extract`` at the kept position). O(n + output).
* unique: the input is viewed as K slices of M elements (the axis moved first,
  the rest collapsed: ``[K, M]``). For each pair of slices, the first position
  p where they differ and which is smaller there (one min-reduction of
  ``2 p + less`` over M, so any loop order gives it; skipped when M is
  statically 1) gives equality and lexicographic order. Then, all as ``linalg.generic``
  reductions over pairs: the first slice equal to each (its representative),
  the output position of each first occurrence (the number of distinct slices
  ordered before it: smaller ones when sorted, earlier ones otherwise), the
  number U of distinct slices, inverse_indices (the position of each slice's
  representative), indices and counts (a reduction over [U, K]) and Y (a gather
  of the representatives). O(K^2 * M) time and, for M > 1, O(K^2) memory: fine
  for the slice counts models use, slow for very large flat inputs (no sort yet:
  20000 elements take ~2 s on one core).
  Floats compare as numbers (-0 == 0, the first occurrence's bits kept); NaNs
  equal each other and order after every number (numpy's order).

The CPU target only: the cuda target refuses them (its buffers must be static:
"the GPU path needs statically shaped buffers", located at the node).
"""
from __future__ import annotations

from typing import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, scf, tensor

from . import LoweringContext, lowering
from .builders import (PARALLEL, REDUCTION, Dim, amap, as_index, c, cmpf, cmpi, collapse, d, dim_of, dims_of,
                       empty, etype_of, expand, extract_slice, fill, filled, generic, i64, identity_map,
                       index_constant, is_float, loop_index, scalar_constant, shape_of, transpose)


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

def _is_true(v: ir.Value) -> ir.Value:
    """Whether a scalar is non-zero (NaN is non-zero), as an i1."""
    t = v.type
    if str(t) == "i1":
        return v
    if is_float(t):
        return cmpf("une", v, scalar_constant(t, 0.0))
    return cmpi("ne", v, scalar_constant(t, 0))


def _to_index(v: ir.Value) -> ir.Value:
    return arith.index_cast(ir.IndexType.get(), v)


def _to_i64(v: ir.Value) -> ir.Value:
    return arith.index_cast(i64(), v)


def _bool_to_i64(flag: ir.Value) -> ir.Value:
    return arith.extui(i64(), flag)


def _extract_scalar(t: ir.Value) -> ir.Value:
    """The element of a 0-d i64 tensor as an ``index``."""
    return _to_index(tensor.extract(t, []))


def _count(x: ir.Value, pred: Callable[[ir.Value], ir.Value]) -> ir.Value:
    """The number of elements of ``x`` (any rank) where ``pred`` holds, as an ``index``."""
    rank = len(shape_of(x))
    init = filled([], i64(), 0)
    total = generic([x], [init], [identity_map(rank), amap(rank, [])], [REDUCTION] * rank,
                    lambda v, acc: arith.addi(acc, _bool_to_i64(pred(v))))[0]
    return _extract_scalar(total)


def _loop_nest(bounds: Sequence[Dim], inits: Sequence[ir.Value],
               body: Callable[[list[ir.Value], list[ir.Value]], list[ir.Value]]) -> list[ir.Value]:
    """``scf.for`` loops over ``bounds`` (row-major) carrying ``inits``;
    ``body(ivs, carried)`` returns the values for the next iteration."""
    if not bounds:
        return list(body([], list(inits)))
    loop = scf.ForOp(index_constant(0), as_index(bounds[0]), index_constant(1), list(inits))
    with ir.InsertionPoint(loop.body):
        iv = loop.induction_variable
        inner = _loop_nest(bounds[1:], list(loop.inner_iter_args),
                           lambda ivs, carried: body([iv] + ivs, carried))
        scf.YieldOp(inner)
    return list(loop.results)


def _compact(x: ir.Value, count: ir.Value, rows: int,
             row_values: Callable[[list[ir.Value]], list[ir.Value]]) -> ir.Value:
    """i64 ``[rows, count]``: for each element of ``x`` (row-major) that is true
    (:func:`_is_true`), a column holding ``row_values(its indices)`` (i64), in order.
    Every element writes the current column, which advances past true ones only;
    the spare last column takes the writes after the last true element."""
    out = empty([rows, arith.addi(count, index_constant(1))], i64())
    one, zero = index_constant(1), index_constant(0)

    def body(ivs, carried):
        result, column = carried
        keep = _is_true(tensor.extract(x, ivs))
        for r, value in enumerate(row_values(ivs)):
            result = tensor.insert(value, result, [index_constant(r), column])
        return [result, arith.addi(column, arith.select(keep, one, zero))]

    result, _ = _loop_nest(dims_of(x), [out, zero], body)
    return extract_slice(result, [0, 0], [rows, count])


def _gather_along(x: ir.Value, axis: int, positions: ir.Value, count: ir.Value) -> ir.Value:
    """``x`` with dim ``axis`` replaced by ``count`` entries taken at the i64 ``positions``."""
    dims = dims_of(x)
    rank = len(dims)
    dims[axis] = count

    def body(position, _):
        ivs = [loop_index(i) for i in range(rank)]
        ivs[axis] = _to_index(position)
        return tensor.extract(x, ivs)

    return generic([positions], [empty(dims, etype_of(x))], [amap(rank, [d(axis)]), identity_map(rank)],
                   [PARALLEL] * rank, body)[0]


# ----------------------------------------------------------------------------
# non_zero, compress
# ----------------------------------------------------------------------------

@lowering("non_zero", dynamic=True)
def _non_zero(ctx: LoweringContext):
    x = ctx.operand(0)
    rank = len(shape_of(x))
    count = _count(x, _is_true)
    if rank == 0:  # one element, coordinate 0 (onnxruntime's 1 x nnz)
        zero = scalar_constant(i64(), 0)
        return [_compact(x, count, 1, lambda ivs: [zero])]
    return [_compact(x, count, rank, lambda ivs: [_to_i64(iv) for iv in ivs])]


@lowering("compress", dynamic=True)
def _compress(ctx: LoweringContext):
    x, condition = ctx.operands
    axis = ctx.attr("axis")
    size, length = dim_of(x, axis), dim_of(condition, 0)
    if isinstance(size, int) and isinstance(length, int):
        limit = min(size, length)
    else:
        limit = arith.minui(as_index(size), as_index(length))
    condition = extract_slice(condition, [0], [limit])
    count = _count(condition, _is_true)
    positions = _compact(condition, count, 1, lambda ivs: [_to_i64(ivs[0])])
    positions = collapse(positions, [[0, 1]])
    return [_gather_along(x, axis, positions, count)]


# ----------------------------------------------------------------------------
# unique
# ----------------------------------------------------------------------------

def _element_order(et: ir.Type, unsigned: bool):
    """(equal, less) on scalars of ``et``: floats as numbers with NaNs equal to each
    other and after every number; integers by their signedness (i1 unsigned)."""
    if is_float(et):
        def equal(a, b):
            return arith.ori(cmpf("oeq", a, b), arith.andi(cmpf("uno", a, a), cmpf("uno", b, b)))

        def less(a, b):
            return arith.ori(cmpf("olt", a, b), arith.andi(cmpf("ord", a, a), cmpf("uno", b, b)))
        return equal, less
    pred = "ult" if unsigned or str(et) == "i1" else "slt"
    return (lambda a, b: cmpi("eq", a, b)), (lambda a, b: cmpi(pred, a, b))


def _slices(x: ir.Value, axis: int) -> ir.Value:
    """``x`` as ``[K, M]``: the slices along ``axis``, each flattened row-major."""
    rank = len(shape_of(x))
    if rank == 1:
        return expand(x, [[0, 1]], [dim_of(x, 0), 1])
    moved = transpose(x, [axis] + [i for i in range(rank) if i != axis])
    return moved if rank == 2 else collapse(moved, [[0], list(range(1, rank))])


@lowering("unique", dynamic=True)
def _unique(ctx: LoweringContext):
    x = ctx.operand(0)
    axis, sort = ctx.attr("axis"), ctx.attr("sorted")
    equal, less = _element_order(etype_of(x), ctx.unsigned(0))
    slices = _slices(x, axis)
    k, m = dim_of(slices, 0), dim_of(slices, 1)
    k_i64 = _to_i64(as_index(k))

    # The pairs (i, j) of slices, as linalg.generic inputs over loops (i, j) and a
    # decoder of their scalars: (slice i == slice j, a builder of slice j < slice i).
    if m == 1:  # one element per slice: compare the elements
        pair_inputs = [slices, slices]
        pair_maps = [amap(2, [d(0), c(0)]), amap(2, [d(1), c(0)])]

        def compare(a_i, a_j):
            return equal(a_i, a_j), lambda: less(a_j, a_i)
    else:
        # first[i, j] = 2 p + (slice i < slice j at p) for the first position p where
        # they differ, 2 M where none: a min-reduction, so any loop order gives it.
        two_m = arith.muli(_to_i64(as_index(m)), scalar_constant(i64(), 2))

        def first_body(a, b, acc):
            code = arith.addi(arith.muli(_to_i64(loop_index(2)), scalar_constant(i64(), 2)),
                              _bool_to_i64(less(a, b)))
            return arith.select(equal(a, b), acc, arith.minsi(acc, code))

        first = generic([slices, slices], [fill(two_m, [k, k], i64())],
                        [amap(3, [d(0), d(2)]), amap(3, [d(1), d(2)]), amap(3, [d(0), d(1)])],
                        [PARALLEL, PARALLEL, REDUCTION], first_body)[0]
        pair_inputs = [first, first]
        pair_maps = [amap(2, [d(0), d(1)]), amap(2, [d(1), d(0)])]

        def compare(code_ij, code_ji):
            less_ji = lambda: arith.andi(cmpi("slt", code_ji, two_m),  # noqa: E731
                                         cmpi("ne", arith.andi(code_ji, scalar_constant(i64(), 1)),
                                              scalar_constant(i64(), 0)))
            return cmpi("eq", code_ij, two_m), less_ji

    n = len(pair_inputs)
    pair = [amap(2, [d(0)]), amap(2, [d(1)])]  # (i, j) -> i, (i, j) -> j

    # rep[i]: the first slice equal to slice i (i itself for a first occurrence)
    def rep_body(*args):
        same, _ = compare(*args[:n])
        acc = args[n]
        return arith.select(same, arith.minsi(acc, _to_i64(loop_index(1))), acc)

    rep = generic(pair_inputs, [fill(k_i64, [k], i64())], pair_maps + [pair[0]], [PARALLEL, REDUCTION],
                  rep_body)[0]

    # order[i], for a first occurrence i: the number of distinct slices placed before it
    # (smaller ones when sorted, earlier ones otherwise)
    def order_body(*args):
        _, less_ji = compare(*args[:n])
        rep_j, acc = args[n:]
        i, j = loop_index(0), loop_index(1)
        is_first = cmpi("eq", rep_j, _to_i64(j))
        before = less_ji() if sort else cmpi("ult", j, i)
        return arith.addi(acc, _bool_to_i64(arith.andi(is_first, before)))

    order = generic(pair_inputs + [rep], [filled([k], i64(), 0)], pair_maps + [pair[1], pair[0]],
                    [PARALLEL, REDUCTION], order_body)[0]

    # U: the number of first occurrences
    total = generic([rep], [filled([], i64(), 0)], [identity_map(1), amap(1, [])], [REDUCTION],
                    lambda r, acc: arith.addi(acc, _bool_to_i64(cmpi("eq", r, _to_i64(loop_index(0))))))[0]
    count = _extract_scalar(total)

    # inverse_indices[i] = order[rep[i]]
    inverse = generic([rep], [empty([k], i64())], [identity_map(1), identity_map(1)], [PARALLEL],
                      lambda r, _: tensor.extract(order, [_to_index(r)]))[0]

    # indices[u]: the first occurrence placed at u; counts[u]: the slices placed at u
    def place_body(rep_i, inv_i, first_acc, count_acc):
        u, i = _to_i64(loop_index(0)), _to_i64(loop_index(1))
        here = cmpi("eq", inv_i, u)
        is_first = cmpi("eq", rep_i, i)
        first = arith.select(arith.andi(here, is_first), arith.minsi(first_acc, i), first_acc)
        return [first, arith.addi(count_acc, _bool_to_i64(here))]

    indices, counts = generic([rep, inverse], [fill(k_i64, [count], i64()), filled([count], i64(), 0)],
                              [pair[1], pair[1], pair[0], pair[0]], [PARALLEL, REDUCTION], place_body)

    y = _gather_along(x, axis, indices, count)
    return [y, indices, inverse, counts]


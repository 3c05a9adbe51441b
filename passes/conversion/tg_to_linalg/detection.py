"""Lowerings of the detection ops: non_max_suppression and det, as sequential
``scf.for`` loop nests on tensors (``tensor.extract`` / ``tensor.insert``).

* non_max_suppression: one ``linalg.generic`` over [B, N] computes each box's
  x/y extent and area (``[y1, x1, y2, x2]`` corners in any order, or
  ``[xc, yc, w, h]``), exactly as onnxruntime does in float32. Then, for each
  batch and class: the candidates' order (each candidate's rank among the
  others: a higher score first, a lower box index on ties; O(N^2) compares per
  class, no sort yet) and a greedy walk over them carrying the result (capacity
  B x C x N rows) and its row count: a candidate is kept when fewer than
  ``max_output_boxes_per_class`` boxes of its class are kept and none of them
  overlaps it with IoU > ``iou_threshold`` (onnxruntime's SuppressByIOU,
  branch-free, same float32 operations). Every candidate writes its row at the
  current count, which advances only for kept ones; the result is the slice of
  the first ``count`` rows, so the module's ``_shapes`` entry runs the same
  computation to size it. Scores are ordered by their bits made into integers
  (-0 as +0), a total order: NaN scores get a fixed place (before every number)
  where onnxruntime's order is unspecified.
* det: for each matrix of a work copy (f32 for f16/bf16), LU decomposition
  with partial pivoting (the first row of largest magnitude, as LAPACK), rows
  swapped in place, the determinant the product of the pivots with the sign of
  the row swaps; a zero pivot leaves its column as it is (the determinant is
  0). O(M^3) per matrix.

Dynamic dims: both handle them (sizes from ``tensor.dim``). The cuda target
refuses non_max_suppression (a data-dependent result size).
"""
from __future__ import annotations

from typing import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, math, scf, tensor

from . import LoweringContext, lowering
from .builders import (PARALLEL, Dim, amap, as_index, c, cmpf, cmpi, compute_type, convert_float, d,
                       dim_of, dims_of, dims_product, empty, etype_of, extract_slice, generic, i64,
                       identity_map, index_constant, scalar_constant, shape_of)

Body = Callable[[ir.Value, list[ir.Value]], Sequence[ir.Value]]


# ----------------------------------------------------------------------------
# Loops
# ----------------------------------------------------------------------------

def _for(lower: Dim, upper: Dim, inits: Sequence[ir.Value], body: Body) -> list[ir.Value]:
    """One ``scf.for`` from ``lower`` to ``upper`` carrying ``inits``;
    ``body(iv, carried)`` returns the values for the next iteration."""
    loop = scf.ForOp(as_index(lower), as_index(upper), index_constant(1), list(inits))
    with ir.InsertionPoint(loop.body):
        scf.YieldOp(list(body(loop.induction_variable, list(loop.inner_iter_args))))
    return list(loop.results)


def _nest(bounds: Sequence[Dim], inits: Sequence[ir.Value],
          body: Callable[[list[ir.Value], list[ir.Value]], Sequence[ir.Value]]) -> list[ir.Value]:
    """``scf.for`` loops from 0 to each of ``bounds`` (outermost first) carrying ``inits``."""
    if not bounds:
        return list(body([], list(inits)))
    return _for(0, bounds[0], inits,
                lambda iv, carried: _nest(bounds[1:], carried, lambda ivs, inner: body([iv] + ivs, inner)))


def _index(v: ir.Value) -> ir.Value:
    return arith.index_cast(ir.IndexType.get(), v)


def _as_i64(v: ir.Value) -> ir.Value:
    return arith.index_cast(i64(), v)


def _flag(value: bool) -> ir.Value:
    """An i1 constant."""
    i1 = ir.IntegerType.get_signless(1)
    return arith.ConstantOp(i1, ir.IntegerAttr.get(i1, int(value))).result


def _scalar_of(x: ir.Value) -> ir.Value:
    """The element of a one-element (0-d or [1]) tensor."""
    return tensor.extract(x, [index_constant(0)] * len(shape_of(x)))


# ----------------------------------------------------------------------------
# non_max_suppression
# ----------------------------------------------------------------------------

def _min_max(a: ir.Value, b: ir.Value) -> tuple[ir.Value, ir.Value]:
    """onnxruntime's MaxMin: (b, a) when a >= b, else (a, b)."""
    ge = cmpf("oge", a, b)
    return arith.select(ge, b, a), arith.select(ge, a, b)


def _std_max(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.select(cmpf("olt", a, b), b, a)


def _std_min(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.select(cmpf("olt", b, a), b, a)


def _extents(boxes: ir.Value, b: Dim, n: Dim, center: int) -> list[ir.Value]:
    """f32 [B, N] tensors x_min, x_max, y_min, y_max, area of each box."""
    f32 = ir.F32Type.get()
    coords = [amap(2, [d(0), d(1), c(k)]) for k in range(4)]

    def body(p0, p1, p2, p3, *_):
        if center == 0:  # [y1, x1, y2, x2]
            x_min, x_max = _min_max(p1, p3)
            y_min, y_max = _min_max(p0, p2)
        else:  # [xc, yc, w, h]
            two = scalar_constant(f32, 2.0)
            half_w, half_h = arith.divf(p2, two), arith.divf(p3, two)
            x_min, x_max = arith.subf(p0, half_w), arith.addf(p0, half_w)
            y_min, y_max = arith.subf(p1, half_h), arith.addf(p1, half_h)
        area = arith.mulf(arith.subf(x_max, x_min), arith.subf(y_max, y_min))
        return [x_min, x_max, y_min, y_max, area]

    inits = [empty([b, n], f32) for _ in range(5)]
    return generic([boxes] * 4, inits, coords + [identity_map(2)] * 5, [PARALLEL, PARALLEL], body)


def _suppresses(extents: Sequence[ir.Value], b: ir.Value, i: ir.Value, j: ir.Value,
                threshold: ir.Value) -> ir.Value:
    """Whether boxes i and j of batch b overlap with IoU > threshold (onnxruntime's
    SuppressByIOU: each ``return false`` is a negated ``<=``, i.e. ``ugt``)."""
    x1_min, x1_max, y1_min, y1_max, area1 = (tensor.extract(e, [b, i]) for e in extents)
    x2_min, x2_max, y2_min, y2_max, area2 = (tensor.extract(e, [b, j]) for e in extents)
    zero = scalar_constant(ir.F32Type.get(), 0.0)
    ix_min, ix_max = _std_max(x1_min, x2_min), _std_min(x1_max, x2_max)
    iy_min, iy_max = _std_max(y1_min, y2_min), _std_min(y1_max, y2_max)
    inter = arith.mulf(arith.subf(ix_max, ix_min), arith.subf(iy_max, iy_min))
    union = arith.subf(arith.addf(area1, area2), inter)
    checks = [cmpf("ugt", ix_max, ix_min), cmpf("ugt", iy_max, iy_min), cmpf("ugt", inter, zero),
              cmpf("ugt", area1, zero), cmpf("ugt", area2, zero), cmpf("ugt", union, zero),
              cmpf("ogt", arith.divf(inter, union), threshold)]
    out = checks[0]
    for check in checks[1:]:
        out = arith.andi(out, check)
    return out


def _score_key(s: ir.Value) -> ir.Value:
    """An i32 whose signed order is the order of the f32 score ``s`` (-0 as +0; NaNs
    with the sign bit clear above +inf, with it set below -inf)."""
    i32 = ir.IntegerType.get_signless(32)
    s = arith.select(cmpf("oeq", s, scalar_constant(s.type, 0.0)), scalar_constant(s.type, 0.0), s)
    bits = arith.bitcast(i32, s)
    sign = arith.shrsi(bits, scalar_constant(i32, 31))
    return arith.xori(bits, arith.andi(sign, scalar_constant(i32, 0x7FFFFFFF)))


@lowering("non_max_suppression", dynamic=True)
def _non_max_suppression(ctx: LoweringContext):
    boxes, scores, max_output, iou = ctx.operands[:4]
    has_threshold = ctx.has_operand(4)
    center = ctx.attr("center_point_box")
    # B and N: static where either operand has them static.
    b_dim = dim_of(scores, 0) if shape_of(boxes)[0] < 0 else dim_of(boxes, 0)
    n_dim = dim_of(scores, 2) if shape_of(boxes)[1] < 0 else dim_of(boxes, 1)
    c_dim = dim_of(scores, 1)
    max_output, iou = _scalar_of(max_output), _scalar_of(iou)
    score_threshold = _scalar_of(ctx.operand(4)) if has_threshold else None
    extents = _extents(boxes, b_dim, n_dim, center)

    one, zero = index_constant(1), index_constant(0)
    capacity = dims_product([b_dim, c_dim, n_dim])
    out = empty([capacity, 3], i64())
    order = empty([n_dim + 1 if isinstance(n_dim, int) else arith.addi(n_dim, one)], i64())
    spare = as_index(n_dim)  # order's last slot: where non-candidates write

    def is_candidate(s):
        return cmpf("ogt", s, score_threshold) if has_threshold else _flag(True)

    def per_class(b, cls, carried):
        out, row, order = carried

        # order[r] = the r-th candidate (score descending, box index ascending on ties)
        def rank_of(i, carried):
            order, count = carried
            s_i = tensor.extract(scores, [b, cls, i])
            key_i, cand_i = _score_key(s_i), is_candidate(s_i)

            def before(j, carried):
                s_j = tensor.extract(scores, [b, cls, j])
                key_j = _score_key(s_j)
                first = arith.ori(cmpi("sgt", key_j, key_i),
                                  arith.andi(cmpi("eq", key_j, key_i), cmpi("ult", j, i)))
                counted = arith.andi(is_candidate(s_j), first)
                return [arith.addi(carried[0], arith.select(counted, one, zero))]

            rank = _for(0, n_dim, [zero], before)[0]
            slot = arith.select(cand_i, rank, spare)
            order = tensor.insert(_as_i64(i), order, [slot])
            return [order, arith.addi(count, arith.select(cand_i, one, zero))]

        order, count = _for(0, n_dim, [order, zero], rank_of)
        start = row

        def visit(r, carried):
            out, row = carried
            i = _index(tensor.extract(order, [r]))
            room = cmpi("slt", _as_i64(arith.subi(row, start)), max_output)

            def check(k, carried):
                j = _index(tensor.extract(out, [k, index_constant(2)]))
                return [arith.ori(carried[0], _suppresses(extents, b, i, j, iou))]

            suppressed = _for(start, row, [_flag(False)], check)[0]
            keep = arith.andi(room, arith.xori(suppressed, _flag(True)))
            for col, value in enumerate([_as_i64(b), _as_i64(cls), _as_i64(i)]):
                out = tensor.insert(value, out, [row, index_constant(col)])
            return [out, arith.addi(row, arith.select(keep, one, zero))]

        out, row = _for(0, count, [out, row], visit)
        return [out, row, order]

    out, row, _ = _nest([b_dim, c_dim], [out, zero, order], lambda ivs, carried: per_class(*ivs, carried))
    return [extract_slice(out, [0, 0], [row, 3])]


# ----------------------------------------------------------------------------
# det
# ----------------------------------------------------------------------------

@lowering("det", dynamic=True)
def _det(ctx: LoweringContext):
    x = ctx.operand(0)
    et = etype_of(x)
    ct = compute_type(et)
    dims = dims_of(x)
    batch, m = dims[:-2], dims[-1]
    work = generic([x], [empty(dims, ct)], [identity_map(len(dims))] * 2, [PARALLEL] * len(dims),
                   lambda v, _: convert_float(v, ct))[0]
    result = empty(batch, et)
    one_f, zero_f = scalar_constant(ct, 1.0), scalar_constant(ct, 0.0)

    def per_matrix(ivs, carried):
        work, result = carried

        def at(i, j):
            return ivs + [i, j]

        def column(k, carried):
            work, det = carried

            # the first row p >= k whose |a[p, k]| is largest
            def search(i, carried):
                p, best = carried
                v = math.absf(tensor.extract(work, at(i, k)))
                better = cmpf("ogt", v, best)
                return [arith.select(better, i, p), arith.select(better, v, best)]

            k1 = arith.addi(k, index_constant(1))
            p, _ = _for(k1, m, [k, math.absf(tensor.extract(work, at(k, k)))], search)

            def swap(j, carried):
                w = carried[0]
                a, b = tensor.extract(w, at(k, j)), tensor.extract(w, at(p, j))
                w = tensor.insert(b, w, at(k, j))
                return [tensor.insert(a, w, at(p, j))]

            work = _for(k, m, [work], swap)[0]  # columns < k of rows >= k are no longer read
            det = arith.select(cmpi("ne", p, k), arith.negf(det), det)
            pivot = tensor.extract(work, at(k, k))
            det = arith.mulf(det, pivot)
            singular = cmpf("oeq", pivot, zero_f)

            def eliminate(i, carried):
                w = carried[0]
                factor = arith.select(singular, zero_f, arith.divf(tensor.extract(w, at(i, k)), pivot))

                def update(j, carried):
                    w = carried[0]
                    v = arith.subf(tensor.extract(w, at(i, j)), arith.mulf(factor, tensor.extract(w, at(k, j))))
                    return [tensor.insert(v, w, at(i, j))]

                return _for(k1, m, [w], update)

            work = _for(k1, m, [work], eliminate)[0]
            return [work, det]

        work, det = _for(0, m, [work, one_f], column)
        return [work, tensor.insert(convert_float(det, et), result, ivs)]

    return [_nest(batch, [work, result], per_matrix)[1]]

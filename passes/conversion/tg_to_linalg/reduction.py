"""Lowerings of tg reductions and reduction-shaped ops: Reduce*, ArgMax/ArgMin,
Softmax/LogSoftmax/Hardmax, CumSum/CumProd and TopK (the normalizations are in
normalization.py).

Everything is built from ``linalg.generic`` ops of two shapes: a *reduction*
(loops over the input, the dims in ``axes`` reduced, the result indexed by the
kept dims) and a *parallel map* whose inputs may be reduced tensors broadcast
back along the reduced dims (``builders.reduction``/``parallel``/``reduce_into``).
Keepdims results are reshaped at the end.

* f16/bf16 are computed (and accumulated) in f32 and rounded once at the end.
* Softmax and LogSoftmax subtract the max first; ReduceLogSumExp shifts by the
  max when it is finite.
* ArgMax/ArgMin and Hardmax break ties by index, independently of loop order.
* Integer ReduceL2/ReduceLogSum apply the root/log in f64 and truncate back;
  integer ReduceLogSumExp follows onnxruntime (only the maxima count).

Not supported yet (slow rather than wrong): CumSum/CumProd are a masked
reduction along the axis (O(n^2) per line) and TopK ranks every element against
the others (O(n^2)) then gathers the first k ranks: both fine for the sizes seen
in models, slow for very long axes.

Axes, axis and k known only at run time (the ``axes_input``, ``axis_input`` and
``k_input`` operands): a Reduce* over run-time axes is one ``linalg.generic``
with two loops per dim (:class:`RuntimeAxes`), followed by a ``tensor.reshape``
without keepdims; a scan along a run-time axis reads ``x`` with
``tensor.extract``; a run-time k sizes TopK's results (clamped to [0, dim]).

Every op here takes dynamic dims (``?``), reduced or kept: sizes are
``tensor.dim`` of the input, a mean divides by the run-time element count, and
Hardmax's "no position" is INT64_MAX when a reduced dim is dynamic.
"""
from __future__ import annotations

from typing import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, math, tensor

from polytile.dialects.tg import DYNAMIC

from . import LoweringContext, lowering
from .shape import to_index, wrap_negative
from .builders import (PARALLEL, REDUCTION, Dim, Scalar, amap, cmpf, cmpi, compute_type, convert_float, d,
                       empty, index_constant,
                       dim_of, dims_of, dims_product, elementwise, etype_of, filled, generic, i64,
                       identity_map, index_to_scalar, int_width, is_float, keepdims_dims, keepdims_map,
                       kept_dims, loop_index,
                       loop_index_i64, parallel, prod, reduce_into, reduced_map, reduction, reshape,
                       scalar_constant, shape_of)


# ---------------------------------------------------------------------------
# Axes known at run time
# ---------------------------------------------------------------------------

def _as_index(x: Dim) -> ir.Value:
    return x if isinstance(x, ir.Value) else index_constant(x)


def _normalized(a: ir.Value, rank: int) -> ir.Value:
    """An integer axis, negative counted from the end, as an ``index``. Out of range
    stays out of range (callers compare it with each dim, so it matches none)."""
    return wrap_negative(to_index(a), rank)


def runtime_scalar(value: ir.Value) -> ir.Value:
    """The one element of a run-time tensor of rank 0 or 1 (size 1)."""
    return tensor.extract(value, [index_constant(0)] * len(shape_of(value)))


class RuntimeAxes:
    """The reduced dims of ``x`` given by a run-time axes tensor (``axes_input``).

    A reduction over them is one ``linalg.generic`` with two loops per dim of
    ``x``: ``j`` over the result's dims (keepdims shape: 1 where reduced) and ``t``
    over the reduced extents (1 where kept); ``x`` is read at ``j + t``, which is
    affine, so no division or gather is needed. An axis out of range or named twice
    reduces fewer dims than the type says: the values are then not ONNX's, but
    nothing is read or written out of bounds (the door checks graph inputs).
    """

    def __init__(self, x: ir.Value, axes_input: ir.Value):
        self.x = x
        self.rank = len(shape_of(x))
        self.count_given = shape_of(axes_input)[0]
        entries = [_normalized(tensor.extract(axes_input, [index_constant(k)]), self.rank)
                   for k in range(self.count_given)]
        self.dims = [_as_index(dim) for dim in dims_of(x)]
        self.mask = []
        for i in range(self.rank):
            hit = None
            for e in entries:
                eq = cmpi("eq", e, index_constant(i))
                hit = eq if hit is None else arith.ori(hit, eq)
            self.mask.append(hit)
        one = index_constant(1)
        self.out_dims = [arith.select(m, one, n) for m, n in zip(self.mask, self.dims)]
        self.red_dims = [arith.select(m, n, one) for m, n in zip(self.mask, self.dims)]

    def count(self) -> ir.Value:
        """The number of elements reduced into each result (index)."""
        return dims_product(self.red_dims)

    def reduce(self, full: Sequence[ir.Value], kept: Sequence[ir.Value], inits: Sequence[ir.Value],
               body: Callable[..., object]) -> list[ir.Value]:
        """``body(*full, *kept, *accumulators)`` folded over the reduced dims: ``full``
        tensors have x's shape, ``kept`` ones and the inits the keepdims shape."""
        r = self.rank
        loops = 2 * r
        at_sum = amap(loops, [d(i) + d(r + i) for i in range(r)])
        at_kept = amap(loops, [d(i) for i in range(r)])
        extents = empty(self.red_dims, i64())  # only bounds the t loops; never read
        maps = [at_sum] * len(full) + [at_kept] * len(kept) + [amap(loops, [d(r + i) for i in range(r)])] \
            + [at_kept] * len(inits)
        return generic(list(full) + list(kept) + [extents], list(inits), maps,
                       [PARALLEL] * r + [REDUCTION] * r,
                       lambda *a: body(*a[:len(full) + len(kept)], *a[len(full) + len(kept) + 1:]))

    def filled(self, element_type: ir.Type, value) -> ir.Value:
        return filled(self.out_dims, element_type, value)

    def result(self, r: ir.Value, keepdims: bool) -> ir.Value:
        """The keepdims-shaped ``r`` as the op's result: itself, or without the
        reduced dims (a ``tensor.reshape`` to the kept sizes, in order)."""
        if keepdims:
            return r
        kept = self.rank - self.count_given
        zero, one = index_constant(0), index_constant(1)
        sizes = [zero] * kept
        position = zero  # where dim i goes among the kept ones
        for i in range(self.rank):
            keep = arith.xori(self.mask[i], arith.constant(ir.IntegerType.get_signless(1), 1))
            for p in range(kept):
                here = arith.andi(keep, cmpi("eq", position, index_constant(p)))
                sizes[p] = arith.select(here, self.dims[i], sizes[p])
            position = arith.addi(position, arith.select(keep, one, zero))
        shape = tensor.from_elements(ir.RankedTensorType.get([kept], i64()),
                                     [arith.index_cast(i64(), x) for x in sizes])
        out_type = ir.RankedTensorType.get([DYNAMIC] * kept, etype_of(r))
        return tensor.reshape(out_type, r, shape)


def _runtime_axes(ctx: LoweringContext):
    """The RuntimeAxes of a Reduce* with an ``axes_input`` operand (built once per
    op), else None."""
    if not ctx.has_operand(1):
        return None
    if getattr(ctx, "runtime_axes", None) is None:
        ctx.runtime_axes = RuntimeAxes(ctx.operand(0), ctx.operand(1))
    return ctx.runtime_axes


def _reduce_into(ctx: LoweringContext, x: ir.Value, acc_type: ir.Type, init_value, combine,
                 pre=lambda v: v) -> ir.Value:
    """:func:`builders.reduce_into` over the op's axes, static or run-time (then the
    result has the keepdims shape)."""
    runtime = _runtime_axes(ctx)
    if runtime is None:
        return reduce_into(x, ctx.attr("axes"), acc_type, init_value, combine, pre)
    return runtime.reduce([x], [], [runtime.filled(acc_type, init_value)],
                          lambda v, acc: combine(acc, pre(v)))[0]


def _reduce_with_kept(ctx: LoweringContext, x: ir.Value, kept: ir.Value, acc_type: ir.Type,
                      init_value, body) -> ir.Value:
    """``body(v, k, acc)`` folded over the op's axes, ``k`` the element of ``kept``
    (a reduced tensor, as :func:`_reduce_into` returns) broadcast back along them."""
    runtime = _runtime_axes(ctx)
    if runtime is None:
        axes = ctx.attr("axes")
        rank = len(shape_of(x))
        init = filled(dims_of(kept), acc_type, init_value)
        return reduction([x, kept], [identity_map(rank), reduced_map(rank, axes)], shape_of(x), axes,
                         [init], body)[0]
    return runtime.reduce([x], [kept], [runtime.filled(acc_type, init_value)], body)[0]


def _reduced_count(ctx: LoweringContext) -> Dim:
    """How many elements go into each result: an int when static, else an index value."""
    runtime = _runtime_axes(ctx)
    if runtime is not None:
        return runtime.count()
    x = ctx.operand(0)
    axes = ctx.attr("axes")
    if any(shape_of(x)[a] < 0 for a in axes):
        return dims_product([dim_of(x, a) for a in axes])
    return prod([shape_of(x)[a] for a in axes])


def _result(ctx: LoweringContext, r: ir.Value) -> ir.Value:
    """A reduced tensor (:func:`_reduce_into`'s shape) as the op's result."""
    runtime = _runtime_axes(ctx)
    if runtime is None:
        return reshape(r, ctx.result_shape)
    return runtime.result(r, bool(ctx.attr("keepdims")))


# ---------------------------------------------------------------------------
# Reduce*
# ---------------------------------------------------------------------------

def _max_min_parts(et: ir.Type, unsigned: bool, is_max: bool):
    """(initial value, combine) of a max or min reduction in element type ``et``."""
    if is_float(et):
        return (float("-inf") if is_max else float("inf")), (arith.maximumf if is_max else arith.minimumf)
    if int_width(et) == 1:
        return (0 if is_max else 1), (arith.ori if is_max else arith.andi)
    if unsigned:
        return (0 if is_max else -1), (arith.maxui if is_max else arith.minui)
    return (float("-inf") if is_max else float("inf")), (arith.maxsi if is_max else arith.minsi)


def _abs(v: Scalar, unsigned: bool) -> Scalar:
    if is_float(v.type):
        return math.absf(v)
    if unsigned:
        return v
    negative = cmpi("slt", v, scalar_constant(v.type, 0))
    return arith.select(negative, arith.subi(scalar_constant(v.type, 0), v), v)


def _via_f64(fn: Callable[[Scalar], Scalar], unsigned: bool) -> Callable[[Scalar], Scalar]:
    """Apply a float function to an integer: convert to f64, apply, truncate back."""
    def apply(v: Scalar) -> Scalar:
        if is_float(v.type):
            return fn(v)
        f64 = ir.F64Type.get()
        as_float = arith.uitofp(f64, v) if unsigned else arith.sitofp(f64, v)
        return (arith.fptoui if unsigned else arith.fptosi)(v.type, fn(as_float))

    return apply


def _sum_like(ctx: LoweringContext, pre, finish=None, multiply: bool = False) -> list[ir.Value]:
    """Sum (or product) of ``pre(x)`` over the axes, then ``finish(acc, count)``
    element-wise; floats accumulate in their compute type."""
    x = ctx.operand(0)
    et = etype_of(x)
    floating = is_float(et)
    acc_type = compute_type(et)
    if floating:
        combine = arith.mulf if multiply else arith.addf
    else:
        combine = arith.muli if multiply else arith.addi
    r = _reduce_into(ctx, x, acc_type, 1 if multiply else 0, combine,
                     lambda v: pre(convert_float(v, acc_type) if floating else v))
    count = _reduced_count(ctx) if finish is not None else 0
    if isinstance(count, ir.Value):
        # not known at compile time: the count as an acc_type scalar
        count = index_to_scalar(count, acc_type)
    out_et = ctx.result_element_type

    def body(s):
        v = s[0] if finish is None else finish(s[0], count)
        return convert_float(v, out_et) if floating else v

    if finish is not None or acc_type != out_et:
        r = elementwise([r], out_et, body)
    return [_result(ctx, r)]


@lowering("reduce_sum", dynamic=True)
def _reduce_sum(ctx: LoweringContext):
    return _sum_like(ctx, lambda v: v)


@lowering("reduce_prod", dynamic=True)
def _reduce_prod(ctx: LoweringContext):
    return _sum_like(ctx, lambda v: v, multiply=True)


@lowering("reduce_sum_square", dynamic=True)
def _reduce_sum_square(ctx: LoweringContext):
    return _sum_like(ctx, lambda v: arith.mulf(v, v) if is_float(v.type) else arith.muli(v, v))


@lowering("reduce_l1", dynamic=True)
def _reduce_l1(ctx: LoweringContext):
    unsigned = ctx.unsigned(0)
    return _sum_like(ctx, lambda v: _abs(v, unsigned))


@lowering("reduce_mean", dynamic=True)
def _reduce_mean(ctx: LoweringContext):
    unsigned = ctx.unsigned(0)

    def mean(acc, count):
        if isinstance(count, ir.Value):  # a dynamic count, already a scalar of acc's type
            if is_float(acc.type):
                return arith.divf(acc, count)
            zero = scalar_constant(acc.type, 0)
            divisor = arith.select(cmpi("eq", count, zero), scalar_constant(acc.type, 1), count)
            return (arith.divui if unsigned else arith.divsi)(acc, divisor)
        if is_float(acc.type):
            return arith.divf(acc, scalar_constant(acc.type, count))  # an empty set gives NaN
        if count == 0:
            return acc  # 0 for an empty set, rather than a division by zero
        return (arith.divui if unsigned else arith.divsi)(acc, scalar_constant(acc.type, count))

    return _sum_like(ctx, lambda v: v, mean)


@lowering("reduce_l2", dynamic=True)
def _reduce_l2(ctx: LoweringContext):
    root = _via_f64(math.sqrt, ctx.unsigned(0))
    return _sum_like(ctx, lambda v: arith.mulf(v, v) if is_float(v.type) else arith.muli(v, v),
                     lambda acc, _count: root(acc))


@lowering("reduce_log_sum", dynamic=True)
def _reduce_log_sum(ctx: LoweringContext):
    log = _via_f64(math.log, ctx.unsigned(0))
    return _sum_like(ctx, lambda v: v, lambda acc, _count: log(acc))


def _reduce_max_min(is_max: bool):
    def lower(ctx: LoweringContext):
        x = ctx.operand(0)
        et = etype_of(x)
        acc_type = compute_type(et)
        init, combine = _max_min_parts(acc_type, ctx.unsigned(0), is_max)
        pre = (lambda v: convert_float(v, acc_type)) if is_float(et) else (lambda v: v)
        r = _reduce_into(ctx, x, acc_type, init, combine, pre)
        if acc_type != et:
            r = elementwise([r], et, lambda s: convert_float(s[0], et))
        return [_result(ctx, r)]

    return lower


lowering("reduce_max", dynamic=True)(_reduce_max_min(True))
lowering("reduce_min", dynamic=True)(_reduce_max_min(False))


@lowering("reduce_log_sum_exp", dynamic=True)
def _reduce_log_sum_exp(ctx: LoweringContext):
    """Floats: log(sum(exp(x - m))) + m with m the max when finite (else 0: all
    -inf gives -inf, any +inf gives +inf)."""
    x = ctx.operand(0)
    et = etype_of(x)
    if not is_float(et):
        return _integer_log_sum_exp(ctx)
    ct = compute_type(et)
    m = _reduce_into(ctx, x, ct, float("-inf"), arith.maximumf, lambda v: convert_float(v, ct))
    shift = elementwise([m], ct, lambda s: arith.select(
        cmpf("one", math.absf(s[0]), scalar_constant(ct, float("inf"))), s[0], scalar_constant(ct, 0.0)))
    total = _reduce_with_kept(ctx, x, shift, ct, 0.0, lambda v, sh, acc: arith.addf(
        acc, math.exp(arith.subf(convert_float(v, ct), sh))))
    out = elementwise([total, shift], et, lambda s: convert_float(arith.addf(math.log(s[0]), s[1]), et))
    return [_result(ctx, out)]


def _integer_log_sum_exp(ctx: LoweringContext):
    """Integers as onnxruntime computes them: the exp(x - max) terms are
    truncated to integers (so only the maxima count), then log(count) + max is
    truncated toward zero (the ONNX reference refuses integers)."""
    x = ctx.operand(0)
    et = etype_of(x)
    unsigned = ctx.unsigned(0)
    init, combine = _max_min_parts(et, unsigned, True)
    m = _reduce_into(ctx, x, et, init, combine)
    count = _reduce_with_kept(ctx, x, m, i64(), 0,
                              lambda v, mx, acc: arith.addi(acc, arith.extui(i64(), cmpi("eq", v, mx))))
    f64 = ir.F64Type.get()

    def body(s):
        mx = arith.uitofp(f64, s[1]) if unsigned else arith.sitofp(f64, s[1])
        y = arith.addf(math.log(arith.sitofp(f64, s[0])), mx)
        return (arith.fptoui if unsigned else arith.fptosi)(et, y)

    return [_result(ctx, elementwise([count, m], et, body))]


# ---------------------------------------------------------------------------
# ArgMax / ArgMin
# ---------------------------------------------------------------------------

def _arg_reduction(is_max: bool):
    def lower(ctx: LoweringContext):
        x = ctx.operand(0)
        et = etype_of(x)
        axis = ctx.attr("axis")
        last = bool(ctx.attr("select_last_index"))
        shape = shape_of(x)
        out_shape = [dim_of(x, i) for i in kept_dims(len(shape), [axis])]
        if is_float(et):
            # NaN counts as the extreme value, as in numpy (and onnx.reference):
            # the first NaN (the last with select_last_index) wins. The reductions
            # (maximumf/minimumf) propagate NaN the same way.
            start = float("-inf") if is_max else float("inf")
            better = lambda a, b: arith.ori(  # noqa: E731
                cmpf("ogt" if is_max else "olt", a, b),
                arith.andi(cmpf("uno", a, a), cmpf("ord", b, b)))
            same = lambda a, b: arith.ori(  # noqa: E731
                cmpf("oeq", a, b), arith.andi(cmpf("uno", a, a), cmpf("uno", b, b)))
        else:
            unsigned = ctx.unsigned(0)
            start = _max_min_parts(et, unsigned, is_max)[0]
            pred = ("u" if unsigned else "s") + ("gt" if is_max else "lt")
            better = lambda a, b: cmpi(pred, a, b)  # noqa: E731
            same = lambda a, b: cmpi("eq", a, b)  # noqa: E731

        def body(v, best, best_index):
            i = loop_index_i64(axis)
            tie = arith.andi(same(v, best), cmpi("sgt" if last else "slt", i, best_index))
            take = arith.ori(better(v, best), tie)
            return [arith.select(take, v, best), arith.select(take, i, best_index)]

        inits = [filled(out_shape, et, start), filled(out_shape, i64(), 0)]
        indices = reduction([x], [identity_map(len(shape))], shape, [axis], inits, body)[1]
        return [reshape(indices, ctx.result_shape)]

    return lower


lowering("arg_max", dynamic=True)(_arg_reduction(True))
lowering("arg_min", dynamic=True)(_arg_reduction(False))


# ---------------------------------------------------------------------------
# Softmax / LogSoftmax / Hardmax
# ---------------------------------------------------------------------------

def _softmax(log: bool):
    """Three loops over ``x``: the max along the axes, then ``exp(x - max)`` (kept, for
    Softmax) and its sum, then the normalization (Softmax multiplies by the reciprocal of
    the sum, LogSoftmax subtracts its log). The max and the sum are kept with size 1 at
    the axes, so that a reduction over the last axis runs along contiguous memory (and
    vectorizes, see ``affine-promote-reductions``)."""
    def lower(ctx: LoweringContext):
        x = ctx.operand(0)
        et = etype_of(x)
        ct = compute_type(et)
        axes = ctx.attr("axes")
        shape = shape_of(x)
        rank = len(shape)
        ident, kmap = identity_map(rank), keepdims_map(rank, axes)
        iters = [REDUCTION if i in axes else PARALLEL for i in range(rank)]
        kdims = keepdims_dims(x, axes)
        m = generic([x], [filled(kdims, ct, float("-inf"))], [ident, kmap], iters,
                    lambda v, acc: arith.maximumf(acc, convert_float(v, ct)))[0]
        zero = filled(kdims, ct, 0.0)
        if log:
            total = generic([x, m], [zero], [ident, kmap, kmap], iters,
                            lambda v, mx, acc: arith.addf(acc, math.exp(arith.subf(convert_float(v, ct), mx))))[0]

            def log_body(v, mx, s):
                return convert_float(arith.subf(arith.subf(convert_float(v, ct), mx), math.log(s)), et)

            return [parallel([x, m, total], [ident, kmap, kmap], dims_of(x), et, log_body)]

        def exp_sum(v, mx, _e, acc):
            e = math.exp(arith.subf(convert_float(v, ct), mx))
            return [e, arith.addf(acc, e)]

        e, total = generic([x, m], [empty(dims_of(x), ct), zero], [ident, kmap, ident, kmap], iters, exp_sum)

        def scale(s, ev, *_out):
            return convert_float(arith.mulf(ev, arith.divf(scalar_constant(ct, 1.0), s)), et)

        if et == ct:  # in place: the exponentials become the result
            return [generic([total], [e], [kmap, ident], [PARALLEL] * rank, scale)[0]]
        return [generic([total, e], [empty(dims_of(x), et)], [kmap, ident, ident], [PARALLEL] * rank, scale)[0]]

    return lower


lowering("softmax", dynamic=True)(_softmax(False))
lowering("log_softmax", dynamic=True)(_softmax(True))


def _linear_index(axes: Sequence[int], shape: Sequence) -> Scalar:
    """Row-major position (i64) of the current iteration within the ``axes`` dims
    (``shape``: static sizes or index values)."""
    index = ir.IndexType.get()
    lin = None
    for a in axes:
        term = loop_index(a)
        if lin is not None:
            size = shape[a] if isinstance(shape[a], ir.Value) else scalar_constant(index, shape[a])
            lin = arith.addi(arith.muli(lin, size), term)
        else:
            lin = term
    return arith.index_cast(i64(), lin)


@lowering("hardmax", dynamic=True)
def _hardmax(ctx: LoweringContext):
    """1 where x equals the max and is the first such position (row-major over axes)."""
    x = ctx.operand(0)
    et = etype_of(x)
    axes = ctx.attr("axes")
    rank = len(shape_of(x))
    rmap = reduced_map(rank, axes)
    m = reduce_into(x, axes, et, float("-inf"), arith.maximumf)
    shape = dims_of(x)
    none = prod([shape[a] for a in axes]) if all(isinstance(shape[a], int) for a in axes) \
        else (1 << 63) - 1  # past every position

    def first_max(v, mx, acc):
        candidate = arith.select(cmpf("oeq", v, mx), _linear_index(axes, shape), scalar_constant(i64(), none))
        return arith.minsi(acc, candidate)

    init = filled(dims_of(m), i64(), none)
    first = reduction([x, m], [identity_map(rank), rmap], shape, axes, [init], first_max)[0]

    def body(_v, f):
        first_max = cmpi("eq", _linear_index(axes, shape), f)
        return arith.select(first_max, scalar_constant(et, 1.0), scalar_constant(et, 0.0))

    return [parallel([x, first], [identity_map(rank), rmap], shape, et, body)]


# ---------------------------------------------------------------------------
# CumSum / CumProd
# ---------------------------------------------------------------------------

def _scan(multiply: bool):
    def lower(ctx: LoweringContext):
        """y[i] = combine of x[j] along the axis for j <= i (< i if exclusive;
        >= / > if reversed): a reduction over a second loop j on the axis."""
        x = ctx.operand(0)
        et = etype_of(x)
        floating = is_float(et)
        acc_type = compute_type(et)
        shape = shape_of(x)
        rank = len(shape)
        axis = ctx.attr("axis")
        exclusive, reverse = ctx.attr("exclusive"), ctx.attr("reverse")
        pred = ("sg" if reverse else "sl") + ("t" if exclusive else "e")  # j ? i
        if floating:
            combine = arith.mulf if multiply else arith.addf
        else:
            combine = arith.muli if multiply else arith.addi
        loops = rank + 1
        out_map = amap(loops, [d(i) for i in range(rank)])
        identity = scalar_constant(acc_type, 1 if multiply else 0)
        init = filled(dims_of(x), acc_type, 1 if multiply else 0)
        if ctx.has_operand(1):
            y = _scan_runtime_axis(ctx, pred, combine, identity, init, out_map)
        else:
            x_map = amap(loops, [d(rank) if i == axis else d(i) for i in range(rank)])

            def body(v, acc):
                inside = cmpi(pred, loop_index(rank), loop_index(axis))
                v = convert_float(v, acc_type) if floating else v
                return combine(acc, arith.select(inside, v, identity))

            y = generic([x], [init], [x_map, out_map], [PARALLEL] * rank + [REDUCTION], body)[0]
        if acc_type != et:
            y = elementwise([y], et, lambda s: convert_float(s[0], et))
        return [y]

    return lower


def _scan_runtime_axis(ctx: LoweringContext, pred: str, combine, identity: ir.Value, init: ir.Value,
                       out_map: ir.AffineMap) -> ir.Value:
    """The scan along an axis read at run time (``axis_input``): the second loop ``j``
    runs over the length of that axis (0 when it is out of range: the result is
    then the identity everywhere) and ``x`` is read with ``tensor.extract`` at the
    position with the axis coordinate replaced by ``j``."""
    x = ctx.operand(0)
    rank = len(shape_of(x))
    acc_type = etype_of(init)
    axis = _normalized(runtime_scalar(ctx.operand(1)), rank)
    dims = [_as_index(n) for n in dims_of(x)]
    on_axis = [cmpi("eq", axis, index_constant(i)) for i in range(rank)]
    length = index_constant(0)
    for hit, n in zip(on_axis, dims):
        length = arith.select(hit, n, length)
    loops = rank + 1
    extent = empty([length], i64())  # only bounds the j loop; never read

    def body(_unused, acc):
        j = loop_index(rank)
        coords = [arith.select(hit, j, loop_index(i)) for i, hit in enumerate(on_axis)]
        position = index_constant(0)
        for i, hit in enumerate(on_axis):
            position = arith.select(hit, loop_index(i), position)
        v = tensor.extract(x, coords)
        v = convert_float(v, acc_type) if is_float(v.type) else v
        return combine(acc, arith.select(cmpi(pred, j, position), v, identity))

    return generic([extent], [init], [amap(loops, [d(rank)]), out_map], [PARALLEL] * rank + [REDUCTION],
                   body)[0]


lowering("cum_sum", dynamic=True)(_scan(False))
lowering("cum_prod", dynamic=True)(_scan(True))


# ---------------------------------------------------------------------------
# TopK
# ---------------------------------------------------------------------------

@lowering("top_k", dynamic=True)
def _top_k(ctx: LoweringContext):
    """rank[i] = how many elements come before x[i] (larger, or equal at a lower
    index; smaller for largest = 0); output slot j takes the element of rank j."""
    x = ctx.operand(0)
    et = etype_of(x)
    shape = shape_of(x)
    rank = len(shape)
    axis = ctx.attr("axis")
    largest = bool(ctx.attr("largest"))
    if is_float(et):
        before = lambda a, b: cmpf("ogt" if largest else "olt", a, b)  # noqa: E731
        same = lambda a, b: cmpf("oeq", a, b)  # noqa: E731
    else:
        pred = ("u" if ctx.unsigned(0) else "s") + ("gt" if largest else "lt")
        before = lambda a, b: cmpi(pred, a, b)  # noqa: E731
        same = lambda a, b: cmpi("eq", a, b)  # noqa: E731
    loops = rank + 1
    own_map = amap(loops, [d(i) for i in range(rank)])
    other_map = amap(loops, [d(rank) if i == axis else d(i) for i in range(rank)])

    def count_before(xi, xj, acc):
        earlier = cmpi("ult", loop_index(rank), loop_index(axis))
        ahead = arith.ori(before(xj, xi), arith.andi(same(xj, xi), earlier))
        return arith.addi(acc, arith.select(ahead, scalar_constant(i64(), 1), scalar_constant(i64(), 0)))

    dims = dims_of(x)
    ranks = generic([x, x], [filled(dims, i64(), 0)], [own_map, other_map, own_map],
                    [PARALLEL] * rank + [REDUCTION], count_before)[0]

    def gather(v, r, acc_v, acc_i):
        match = cmpi("eq", r, loop_index_i64(axis))
        return [arith.select(match, v, acc_v), arith.select(match, loop_index_i64(rank), acc_i)]

    k = ctx.result_shape[axis]
    if ctx.has_operand(1):  # k read at run time (k_input), clamped to [0, dim]
        k_value = runtime_scalar(ctx.operand(1))
        k_value = arith.maxsi(k_value, scalar_constant(i64(), 0))
        k = arith.minui(arith.index_cast(ir.IndexType.get(), k_value), _as_index(dims[axis]))
    out_shape = dims[:axis] + [k] + dims[axis + 1:]
    inits = [filled(out_shape, et, 0), filled(out_shape, i64(), 0)]
    return generic([x, ranks], inits, [other_map, other_map, own_map, own_map],
                   [PARALLEL] * rank + [REDUCTION], gather)

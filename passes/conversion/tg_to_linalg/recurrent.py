"""Lowerings of the tg recurrent ops (tg.lstm, tg.gru, tg.rnn): one direction of an ONNX
recurrent layer whose input projection ``xw`` the importer already computed.

Each op becomes one ``scf.for`` over time (backwards for ``reverse``) carrying the states and
the ``y`` tensor. R is packed once before the loop (:func:`_pack`: gate rows padded to whole
vectors, blocks of BLOCK rows transposed so that a block is one contiguous stream; folded at
compile time for constant weights). A step is the matrix-vector product of the state with R
written with explicit vector ops (:func:`_matvec`: per block, a loop over k holding
ACCUMULATORS vectors of gate outputs in registers, each an FMA of the broadcast ``h[k]`` with
a contiguous vector of packed R; no horizontal sums), followed by one element-wise
``linalg.generic`` holding the whole gate epilogue (activations, clip, peepholes, the cell and
state updates, the ``sequence_lens`` mask), which LLVM vectorizes. GRU without
``linear_before_reset`` needs the reset gate before its h-gate product: its step is two
products (two groups of packed R), each with its epilogue. The step's loops stay serial at
any thread count (``affine-serialize-in-sequential-loops``: a parallel region per step costs
more than it gains). Seq may be dynamic (the trip count, ``tensor.dim``). Not supported yet:
a dynamic batch (refused naming the op), f16/bf16, a step split across threads.
"""
from __future__ import annotations

from typing import Optional

from mlir import ir
from mlir.dialects import arith, bufferization, math, scf, tensor, vector

from . import LoweringContext, lowering
from .builders import (PARALLEL, Dim, amap, as_index, c, cmpf, cmpi, collapse, d, dim_of,
                       empty, etype_of, expand, extract_slice, filled, generic, identity_map,
                       index_constant, insert_slice, pad, scalar_constant, shape_of, transpose)

#: Gates per op and the operand index of its optional sequence_lens.
_GATES = {"lstm": 4, "gru": 3, "rnn": 1}
_SEQ_LENS = {"lstm": 5, "gru": 4, "rnn": 3}


# ---------------------------------------------------------------------------
# Activations (one scalar each, as onnxruntime computes them)
# ---------------------------------------------------------------------------

def _sigmoid(x, t):
    one = scalar_constant(t, 1.0)
    return arith.divf(one, arith.addf(one, math.exp(arith.negf(x))))


def _activation(name: str, alpha: float, beta: float, x, t):
    k = lambda v: scalar_constant(t, v)  # noqa: E731
    zero = k(0.0)
    if name == "Relu":
        return arith.maximumf(x, zero)
    if name == "Tanh":
        return math.tanh(x)
    if name == "Sigmoid":
        return _sigmoid(x, t)
    if name == "Affine":
        return arith.addf(arith.mulf(k(alpha), x), k(beta))
    if name == "LeakyRelu":
        return arith.select(cmpf("oge", x, zero), x, arith.mulf(k(alpha), x))
    if name == "ThresholdedRelu":
        return arith.select(cmpf("ogt", x, k(alpha)), x, zero)
    if name == "ScaledTanh":
        return arith.mulf(k(alpha), math.tanh(arith.mulf(k(beta), x)))
    if name == "HardSigmoid":
        y = arith.addf(arith.mulf(k(alpha), x), k(beta))
        return arith.maximumf(zero, arith.minimumf(k(1.0), y))
    if name == "Elu":
        return arith.select(cmpf("oge", x, zero), x, arith.mulf(k(alpha), arith.subf(math.exp(x), k(1.0))))
    if name == "Softsign":
        return arith.divf(x, arith.addf(k(1.0), math.absf(x)))
    if name == "Softplus":
        return math.log(arith.addf(k(1.0), math.exp(x)))
    raise ValueError(f"unknown activation {name}")


class _Acts:
    """The op's activations (f, g, h in ONNX's order) with their clip."""

    def __init__(self, ctx: LoweringContext, et: ir.Type):
        self.names = ctx.attr("activations").split(",")
        self.alphas = [float(v) for v in ir.DenseF32ArrayAttr(ctx.op.attributes["activation_alpha"])]
        self.betas = [float(v) for v in ir.DenseF32ArrayAttr(ctx.op.attributes["activation_beta"])]
        self.clip = ctx.attr("clip")
        self.et = et

    def __call__(self, i: int, x):
        if self.clip > 0:
            x = arith.maximumf(scalar_constant(self.et, -self.clip),
                               arith.minimumf(scalar_constant(self.et, self.clip), x))
        return _activation(self.names[i], self.alphas[i], self.betas[i], x, self.et)


# ---------------------------------------------------------------------------
# Building blocks of a step
# ---------------------------------------------------------------------------

def _fresh(dims: list[Dim], et: ir.Type) -> ir.Value:
    """A new tensor for a step's temporary: ``bufferization.alloc_tensor``, which CSE does not
    merge with the ``tensor.empty`` of the loop's initial values (one buffer shared by the
    carried state and a temporary could not bufferize in place)."""
    dynamic = [x for x in dims if isinstance(x, ir.Value)]
    shape = [ir.ShapedType.get_dynamic_size() if isinstance(x, ir.Value) else x for x in dims]
    return bufferization.alloc_tensor(ir.RankedTensorType.get(shape, et), dynamic)


#: Lanes of the step's vectors, and accumulators (vectors of gate rows) held in registers per
#: block of the matrix-vector product: 8 of 8 f32 lanes fit AVX2's 16 registers with room for
#: the broadcast state entry and the row loads.
LANES = 8
ACCUMULATORS = 8
#: Gate rows per block of packed R (one contiguous stream per block and step).
BLOCK = LANES * ACCUMULATORS


def _round_up(n: int, m: int) -> int:
    return -(-n // m) * m


def _pack(r: ir.Value, gates: int, hidden: int, groups: int) -> ir.Value:
    """R (gates*hidden x hidden) packed once, outside the time loop, for :func:`_matvec`:
    each gate padded with zero rows to ``hp`` (hidden rounded up to LANES), the gates split
    into ``groups`` equal groups (the products of a step; a missing gate is zeros), each
    group's rows padded to whole blocks of BLOCK rows and every block transposed:
    ``[groups*blocks][hidden][BLOCK]``. A block is one contiguous stream along k. Only layout
    ops (expand/collapse_shape, pad, transpose): linalg-fold-constant-layouts does them at
    compile time for constant weights."""
    hp = _round_up(hidden, LANES)
    per_group = -(-gates // groups)
    rows = _round_up(per_group * hp, BLOCK)
    zero = scalar_constant(etype_of(r), 0.0)
    x = expand(r, [[0, 1], [2]], [gates, hidden, hidden])
    x = pad(x, [0, 0, 0], [groups * per_group - gates, hp - hidden, 0], zero)
    x = collapse(x, [[0, 1], [2]])
    x = expand(x, [[0, 1], [2]], [groups, per_group * hp, hidden])
    x = pad(x, [0, 0, 0], [0, rows - per_group * hp, 0], zero)
    x = expand(x, [[0], [1, 2], [3]], [groups, rows // BLOCK, BLOCK, hidden])
    x = transpose(x, [0, 1, 3, 2])
    return collapse(x, [[0, 1], [2], [3]])


def _block(out: ir.Value, h: ir.Value, packed: ir.Value, b: ir.Value, block: ir.Value, column: ir.Value,
           count: int, hidden: int, et: ir.Type) -> ir.Value:
    """The first ``count`` vectors of block ``block`` of ``h[b] @ r^T``, written into row ``b``
    of ``out`` from ``column``: a loop over k (the reduction, outermost) with the ``count``
    accumulators carried in registers, each an FMA of the broadcast ``h[b, k]`` with a vector
    of the block's contiguous row (an outer product: no horizontal sums)."""
    vt = ir.VectorType.get([LANES], et)
    zero = arith.constant(vt, ir.DenseElementsAttr.get_splat(vt, ir.FloatAttr.get(et, 0.0)))
    ok = ir.ArrayAttr.get([ir.BoolAttr.get(True)])
    row_map = ir.AffineMap.get_minor_identity(3, 1)
    pad_value = scalar_constant(et, 0.0)
    loop = scf.ForOp(index_constant(0), index_constant(hidden), index_constant(1), [zero] * count)
    with ir.InsertionPoint(loop.body):
        k = loop.induction_variable
        hk = vector.broadcast(vt, tensor.extract(h, [b, k]))
        accs = []
        for v, acc in enumerate(loop.inner_iter_args):
            row = vector.transfer_read(vt, packed, [block, k, index_constant(v * LANES)], row_map, pad_value, ok)
            accs.append(vector.fma(row, hk, acc))
        scf.YieldOp(accs)
    out_map = ir.AffineMap.get_minor_identity(2, 1)
    for v, acc in enumerate(loop.results):
        col = arith.addi(column, index_constant(v * LANES))
        out = vector.transfer_write(out.type, acc, out, [b, col], out_map, ok)
    return out


def _matvec(h: ir.Value, packed: ir.Value, groups: int, group: int, gates: int, batch: int) -> ir.Value:
    """``h @ r^T`` for the first ``gates`` gates of group ``group`` of ``packed`` (see
    :func:`_pack`): a fresh batch x gates*hp tensor (gate q at column q*hp). Its whole blocks,
    then the first vectors of the last one."""
    et = etype_of(h)
    hidden = shape_of(h)[1]
    n = gates * _round_up(hidden, LANES) // LANES
    per_block = BLOCK // LANES
    full, rest = divmod(n, per_block)
    first = group * (shape_of(packed)[0] // groups)
    out = _fresh([batch, n * LANES], et)

    def one_row(out: ir.Value, b: ir.Value) -> ir.Value:
        if full == 1:
            out = _block(out, h, packed, b, index_constant(first), index_constant(0), per_block, hidden, et)
        elif full > 1:
            blocks = scf.ForOp(index_constant(0), index_constant(full), index_constant(1), [out])
            with ir.InsertionPoint(blocks.body):
                i = blocks.induction_variable
                block = arith.addi(index_constant(first), i)
                column = arith.muli(i, index_constant(BLOCK))
                scf.YieldOp([_block(blocks.inner_iter_args[0], h, packed, b, block, column, per_block, hidden, et)])
            out = blocks.results[0]
        if rest:
            out = _block(out, h, packed, b, index_constant(first + full), index_constant(full * BLOCK), rest,
                         hidden, et)
        return out

    if batch == 1:
        return one_row(out, index_constant(0))
    rows = scf.ForOp(index_constant(0), index_constant(batch), index_constant(1), [out])
    with ir.InsertionPoint(rows.body):
        scf.YieldOp([one_row(rows.inner_iter_args[0], rows.induction_variable)])
    return rows.results[0]


def _gate(x: ir.Value, q: int, hidden: int, batch: Dim) -> tuple[ir.Value, ir.AffineMap]:
    """Gate ``q`` of a batch x gates*hidden tensor (a slice: a view once bufferized)."""
    return extract_slice(x, [0, q * hidden], [batch, hidden]), identity_map(2)


def _acc_gate(acc: ir.Value, q: int, hidden: int, batch: Dim) -> tuple[ir.Value, ir.AffineMap]:
    """Gate ``q`` of a product from :func:`_matvec` (its gates ``hp`` = hidden rounded up to
    LANES apart)."""
    return extract_slice(acc, [0, q * _round_up(hidden, LANES)], [batch, hidden]), identity_map(2)


def _vec(x: ir.Value, q: int, hidden: int) -> tuple[ir.Value, ir.AffineMap]:
    """Entry ``q`` of a gates*hidden vector, read along the hidden dim of the epilogue."""
    return extract_slice(x, [q * hidden], [hidden]), amap(2, [d(1)])


def _batch_map() -> ir.AffineMap:
    return amap(2, [d(0)])


def _epilogue(inputs: list[tuple[ir.Value, ir.AffineMap]], states: list[ir.Value], extra: int,
              batch: Dim, hidden: int, et: ir.Type, body) -> list[ir.Value]:
    """An element-wise generic over (batch, hidden) updating the carried ``states`` in place
    (their old values are the body's last arguments, so that the time loop's yields bufferize
    into the carried buffers), with ``extra`` more results of ``et``;
    ``body(*inputs, *old_states)``."""
    outs = list(states) + [_fresh([batch, hidden], et) for _ in range(extra)]
    maps = [m for _, m in inputs] + [identity_map(2)] * len(outs)
    n = len(inputs) + len(states)
    return generic([v for v, _ in inputs], outs, maps, [PARALLEL, PARALLEL], lambda *args: body(*args[:n]))


def _mask(active, new, old):
    return arith.select(active, new, old) if active is not None else new


def _broadcast_state(state: ir.Value, batch: Dim, want: ir.Type) -> ir.Value:
    """An initial state (batch x hidden or 1 x hidden) as ``want`` (batch x hidden)."""
    shape = shape_of(state)
    hidden = shape[1]
    if shape[0] == 1 and (isinstance(batch, ir.Value) or batch != 1):
        out = empty([batch, hidden], etype_of(state))
        state = generic([state], [out], [amap(2, [c(0), d(1)]), identity_map(2)], [PARALLEL, PARALLEL],
                        lambda s, _: s)[0]
    return state if state.type == want else tensor.cast(want, state)


# ---------------------------------------------------------------------------
# The time loop
# ---------------------------------------------------------------------------

def _recurrence(ctx: LoweringContext, kind: str) -> list[ir.Value]:
    xw, r = ctx.operand(0), ctx.operand(1)
    et = etype_of(xw)
    gates, hidden = _GATES[kind], shape_of(r)[1]
    seq, batch = dim_of(xw, 0), dim_of(xw, 1)
    acts = _Acts(ctx, et)
    reverse = ctx.attr("reverse") == 1
    lens_index = _SEQ_LENS[kind]
    seq_lens = ctx.operand(lens_index) if ctx.has_operand(lens_index) else None
    state_type = ctx.op.results[1].type
    n_states = 2 if kind == "lstm" else 1
    first_state = {"lstm": 3, "gru": 3, "rnn": 2}[kind]
    states = [_broadcast_state(ctx.operand(first_state + i), batch, state_type) for i in range(n_states)]
    # Without sequence_lens every entry of y is written; with it, the masked ones stay 0.
    y_type = ctx.op.results[0].type
    y0 = filled([seq, batch, hidden], et, 0.0) if seq_lens is not None else empty([seq, batch, hidden], et)
    if y0.type != y_type:
        y0 = tensor.cast(y_type, y0)
    groups = 2 if kind == "gru" and ctx.attr("linear_before_reset") == 0 else 1
    packed = _pack(r, gates, hidden, groups)
    loop = scf.ForOp(index_constant(0), as_index(seq), index_constant(1), [*states, y0])
    with ir.InsertionPoint(loop.body):
        i = loop.induction_variable
        t = arith.subi(arith.subi(as_index(seq), index_constant(1)), i) if reverse else i
        xw_t = collapse(extract_slice(xw, [t, 0, 0], [1, batch, gates * hidden]), [[0, 1], [2]])
        carried = list(loop.inner_iter_args)
        active = None
        if seq_lens is not None:
            t32 = arith.index_cast(ir.IntegerType.get_signless(32), t)
        step = {"lstm": _lstm_step, "gru": _gru_step, "rnn": _rnn_step}[kind]

        def is_active(length):
            return cmpi("slt", t32, length) if seq_lens is not None else None

        new_states, y_t = step(ctx, acts, xw_t, packed, carried[:n_states], seq_lens, is_active, batch,
                               hidden, et)
        # Written into the carried buffers (the loop's yields must bufferize in place); not
        # for a single step: canonicalize folds that loop away, and the stores would write
        # into the initial states (a constant or an input).
        same = [v if v.type == old.type else tensor.cast(old.type, v) for v, old in zip(new_states, carried)]
        single = isinstance(seq, int) and seq <= 1
        stored = same if single else [bufferization.materialize_in_destination(old.type, v, old)
                                      for v, old in zip(same, carried[:n_states])]
        if y_t == new_states[0]:  # y reads the stored state (reading the value before it is
            y_t = stored[0]       # stored makes a read-after-write conflict for bufferization)
        new_states = stored
        y_slice = expand(y_t, [[0, 1], [2]], [1, batch, hidden])
        y = insert_slice(y_slice, carried[n_states], [t, 0, 0])
        scf.YieldOp([*new_states, y])
    results = list(loop.results)
    return [results[n_states]] + results[:n_states]


def _lens_input(seq_lens: Optional[ir.Value]) -> list[tuple[ir.Value, ir.AffineMap]]:
    return [(seq_lens, _batch_map())] if seq_lens is not None else []


def _lstm_step(ctx, acts, xw_t, packed, states, seq_lens, is_active, batch, hidden, et):
    h, cell = states
    p = ctx.operand(2)
    acc = _matvec(h, packed, 1, 0, 4, batch)
    input_forget = ctx.attr("input_forget") == 1
    ins = [_gate(xw_t, q, hidden, batch) for q in range(4)] + [_acc_gate(acc, q, hidden, batch) for q in range(4)]
    ins += [_vec(p, q, hidden) for q in range(3)] + _lens_input(seq_lens)
    one = lambda: scalar_constant(et, 1.0)  # noqa: E731

    def body(xi, xo, xf, xc, ai, ao, af, ac, pi, po, pf, *rest):
        lens, (h_old, c_old) = rest[:-2], rest[-2:]
        gi = acts(0, arith.addf(arith.addf(xi, ai), arith.mulf(pi, c_old)))
        if input_forget:
            gf = arith.subf(one(), gi)
        else:
            gf = acts(0, arith.addf(arith.addf(xf, af), arith.mulf(pf, c_old)))
        gc = acts(1, arith.addf(xc, ac))
        c_new = arith.addf(arith.mulf(gf, c_old), arith.mulf(gi, gc))
        go = acts(0, arith.addf(arith.addf(xo, ao), arith.mulf(po, c_new)))
        h_new = arith.mulf(go, acts(2, c_new))
        active = is_active(lens[0]) if lens else None
        out = [_mask(active, h_new, h_old), _mask(active, c_new, c_old)]
        return out + ([_mask(active, h_new, scalar_constant(et, 0.0))] if lens else [])

    outs = _epilogue(ins, [h, cell], 1 if seq_lens is not None else 0, batch, hidden, et, body)
    return outs[:2], outs[2] if seq_lens is not None else outs[0]


def _gru_step(ctx, acts, xw_t, packed, states, seq_lens, is_active, batch, hidden, et):
    (h,) = states
    rbh = ctx.operand(2)
    lens = _lens_input(seq_lens)
    extra = 1 if seq_lens is not None else 0
    one = lambda: scalar_constant(et, 1.0)  # noqa: E731

    def update(z, hh, h_old, lens_v):
        h_new = arith.addf(arith.mulf(arith.subf(one(), z), hh), arith.mulf(z, h_old))
        active = is_active(lens_v[0]) if lens_v else None
        return [_mask(active, h_new, h_old)] + ([_mask(active, h_new, scalar_constant(et, 0.0))] if lens_v else [])

    if ctx.attr("linear_before_reset") == 1:
        acc = _matvec(h, packed, 1, 0, 3, batch)
        ins = [_gate(xw_t, q, hidden, batch) for q in range(3)] + [_acc_gate(acc, q, hidden, batch) for q in range(3)]
        ins += [_vec(rbh, 0, hidden)] + lens

        def body(xz, xr, xh, az, ar, ah, rb, *rest):
            lens_v, h_old = rest[:-1], rest[-1]
            z = acts(0, arith.addf(xz, az))
            rg = acts(0, arith.addf(xr, ar))
            hh = acts(1, arith.addf(xh, arith.mulf(rg, arith.addf(ah, rb))))
            return update(z, hh, h_old, lens_v)

        outs = _epilogue(ins, [h], extra, batch, hidden, et, body)
    else:
        acc = _matvec(h, packed, 2, 0, 2, batch)
        # The update gate comes out with r*h: a producer with two uses is not fused into the
        # product below (linalg-fuse-elementwise-ops would recompute the gate per product term).
        rh, z = _epilogue([_gate(xw_t, 1, hidden, batch), _acc_gate(acc, 1, hidden, batch),
                           _gate(xw_t, 0, hidden, batch), _acc_gate(acc, 0, hidden, batch), (h, identity_map(2))],
                          [], 2, batch, hidden, et,
                          lambda xr, ar, xz, az, h_old: [arith.mulf(acts(0, arith.addf(xr, ar)), h_old),
                                                         acts(0, arith.addf(xz, az))])
        acc_h = _matvec(rh, packed, 2, 1, 1, batch)
        ins = [(z, identity_map(2)), _gate(xw_t, 2, hidden, batch),
               _acc_gate(acc_h, 0, hidden, batch), _vec(rbh, 0, hidden)] + lens

        def body(z, xh, ah, rb, *rest):
            lens_v, h_old = rest[:-1], rest[-1]
            hh = acts(1, arith.addf(xh, arith.addf(ah, rb)))
            return update(z, hh, h_old, lens_v)

        outs = _epilogue(ins, [h], extra, batch, hidden, et, body)
    return outs[:1], outs[1] if seq_lens is not None else outs[0]


def _rnn_step(ctx, acts, xw_t, packed, states, seq_lens, is_active, batch, hidden, et):
    (h,) = states
    acc = _matvec(h, packed, 1, 0, 1, batch)
    ins = [(xw_t, identity_map(2)), _acc_gate(acc, 0, hidden, batch)] + _lens_input(seq_lens)

    def body(x, a, *rest):
        lens, h_old = rest[:-1], rest[-1]
        h_new = acts(0, arith.addf(x, a))
        active = is_active(lens[0]) if lens else None
        return [_mask(active, h_new, h_old)] + ([_mask(active, h_new, scalar_constant(et, 0.0))] if lens else [])

    outs = _epilogue(ins, [h], 1 if seq_lens is not None else 0, batch, hidden, et, body)
    return outs[:1], outs[1] if seq_lens is not None else outs[0]


def _dynamic_check(ctx: LoweringContext) -> Optional[str]:
    """A dynamic seq is handled (the loop's trip count); a dynamic batch is not yet (the step's
    loops would be bounded by a size defined inside the time loop, not an affine symbol)."""
    if shape_of(ctx.operand(0))[1] == ir.ShapedType.get_dynamic_size():
        return "a dynamic batch dim is not supported yet (pin the input shapes)"
    return None


@lowering("lstm", dynamic=_dynamic_check)
def _lstm(ctx: LoweringContext):
    """tg.lstm: the time loop of :func:`_recurrence` with the LSTM step (peepholes, input_forget)."""
    return _recurrence(ctx, "lstm")


@lowering("gru", dynamic=_dynamic_check)
def _gru(ctx: LoweringContext):
    """tg.gru: the time loop with the GRU step (linear_before_reset 0: two products per step)."""
    return _recurrence(ctx, "gru")


@lowering("rnn", dynamic=_dynamic_check)
def _rnn(ctx: LoweringContext):
    """tg.rnn: the time loop with the plain RNN step."""
    return _recurrence(ctx, "rnn")

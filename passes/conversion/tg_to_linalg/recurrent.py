"""Lowerings of the tg recurrent ops (tg.lstm, tg.gru, tg.rnn): one direction of an ONNX
recurrent layer whose input projection ``xw`` the importer already computed.

Each op becomes one ``scf.for`` over time (backwards for ``reverse``) carrying the states and
the ``y`` tensor. A step is the matrix-vector product of the state with R (a
``linalg.generic`` over (gate row, batch, k) with the reduction innermost along a contiguous
row of R, ONNX's layout, its adds marked reassociable so that LLVM vectorizes the dot
products; the gate-row loop is the outermost, the one the threads share) followed by one
element-wise ``linalg.generic`` holding the whole gate epilogue (activations, clip, peepholes,
the cell and state updates, the ``sequence_lens`` mask). GRU without ``linear_before_reset``
needs the reset gate before its h-gate product: its step is two products, each with its
epilogue. Seq may be dynamic (the trip count, ``tensor.dim``). Not supported yet: a dynamic
batch (refused naming the op), f16/bf16.
"""
from __future__ import annotations

from typing import Optional

from mlir import ir
from mlir.dialects import arith, bufferization, linalg, math, scf, tensor

from . import LoweringContext, lowering
from .builders import (PARALLEL, REDUCTION, Dim, amap, as_index, c, cmpf, cmpi, collapse, d, dim_of,
                       empty, etype_of, expand, extract_slice, filled, generic, identity_map,
                       index_constant, insert_slice, scalar_constant, shape_of)

#: Gates per op and the operand index of its optional sequence_lens.
_GATES = {"lstm": 4, "gru": 3, "rnn": 1}
_SEQ_LENS = {"lstm": 5, "gru": 4, "rnn": 3}


def _fast() -> ir.Attribute:
    return ir.Attribute.parse("#arith.fastmath<reassoc,contract>")


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


def _matvec(h: ir.Value, r: ir.Value, batch: Dim) -> ir.Value:
    """``h @ r^T`` (batch x rows), r rows x k: a generic over (row, batch, k), k innermost
    along a contiguous row of r, adds reassociable (LLVM vectorizes the dot products)."""
    rows = shape_of(r)[0]
    et = etype_of(h)
    out = linalg.fill(scalar_constant(et, 0.0), outs=[_fresh([batch, rows], et)])
    maps = [amap(3, [d(1), d(2)]), amap(3, [d(0), d(2)]), amap(3, [d(1), d(0)])]

    def body(hv, rv, acc):
        return arith.addf(acc, arith.mulf(hv, rv, fastmath=_fast()), fastmath=_fast())

    return generic([h, r], [out], maps, [PARALLEL, PARALLEL, REDUCTION], body)[0]


def _gate(x: ir.Value, q: int, hidden: int, batch: Dim) -> tuple[ir.Value, ir.AffineMap]:
    """Gate ``q`` of a batch x gates*hidden tensor (a slice: a view once bufferized)."""
    return extract_slice(x, [0, q * hidden], [batch, hidden]), identity_map(2)


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

        new_states, y_t = step(ctx, acts, xw_t, r, carried[:n_states], seq_lens, is_active, batch,
                               hidden, et)
        # Written into the carried buffers (the loop's yields must bufferize in place).
        stored = [bufferization.materialize_in_destination(old.type, v if v.type == old.type else
                                                           tensor.cast(old.type, v), old)
                  for v, old in zip(new_states, carried[:n_states])]
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


def _lstm_step(ctx, acts, xw_t, r, states, seq_lens, is_active, batch, hidden, et):
    h, cell = states
    p = ctx.operand(2)
    acc = _matvec(h, r, batch)
    input_forget = ctx.attr("input_forget") == 1
    ins = [_gate(xw_t, q, hidden, batch) for q in range(4)] + [_gate(acc, q, hidden, batch) for q in range(4)]
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


def _gru_step(ctx, acts, xw_t, r, states, seq_lens, is_active, batch, hidden, et):
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
        acc = _matvec(h, r, batch)
        ins = [_gate(xw_t, q, hidden, batch) for q in range(3)] + [_gate(acc, q, hidden, batch) for q in range(3)]
        ins += [_vec(rbh, 0, hidden)] + lens

        def body(xz, xr, xh, az, ar, ah, rb, *rest):
            lens_v, h_old = rest[:-1], rest[-1]
            z = acts(0, arith.addf(xz, az))
            rg = acts(0, arith.addf(xr, ar))
            hh = acts(1, arith.addf(xh, arith.mulf(rg, arith.addf(ah, rb))))
            return update(z, hh, h_old, lens_v)

        outs = _epilogue(ins, [h], extra, batch, hidden, et, body)
    else:
        r_zr = extract_slice(r, [0, 0], [2 * hidden, hidden])
        r_h = extract_slice(r, [2 * hidden, 0], [hidden, hidden])
        acc = _matvec(h, r_zr, batch)
        # The update gate comes out with r*h: a producer with two uses is not fused into the
        # product below (linalg-fuse-elementwise-ops would recompute the gate per product term).
        rh, z = _epilogue([_gate(xw_t, 1, hidden, batch), _gate(acc, 1, hidden, batch),
                           _gate(xw_t, 0, hidden, batch), _gate(acc, 0, hidden, batch), (h, identity_map(2))],
                          [], 2, batch, hidden, et,
                          lambda xr, ar, xz, az, h_old: [arith.mulf(acts(0, arith.addf(xr, ar)), h_old),
                                                         acts(0, arith.addf(xz, az))])
        acc_h = _matvec(rh, r_h, batch)
        ins = [(z, identity_map(2)), _gate(xw_t, 2, hidden, batch),
               (acc_h, identity_map(2)), _vec(rbh, 0, hidden)] + lens

        def body(z, xh, ah, rb, *rest):
            lens_v, h_old = rest[:-1], rest[-1]
            hh = acts(1, arith.addf(xh, arith.addf(ah, rb)))
            return update(z, hh, h_old, lens_v)

        outs = _epilogue(ins, [h], extra, batch, hidden, et, body)
    return outs[:1], outs[1] if seq_lens is not None else outs[0]


def _rnn_step(ctx, acts, xw_t, r, states, seq_lens, is_active, batch, hidden, et):
    (h,) = states
    acc = _matvec(h, r, batch)
    ins = [(xw_t, identity_map(2)), (acc, identity_map(2))] + _lens_input(seq_lens)

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

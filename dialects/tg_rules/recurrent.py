"""Type rules of the tg recurrent ops: the recurrence of one direction of ONNX LSTM, GRU and
RNN (tg.lstm, tg.gru, tg.rnn), whose input projection the importer computes as one tg.matmul.

Each is an "opaque" kernel of its own (a loop over time holding one matrix-vector product and
its gate epilogue per step). They do not fold: their operands are not ONNX's (the projection is
already applied), so no ONNX reference implementation evaluates them.
Not supported yet: f16/bf16 element types.
"""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import DYNAMIC, NO_FOLD, OpInfo, tensor, type_rule
from polytile.dialects.tg_rules.common import dims_compatible, fmt_shape

#: The activation names ONNX allows in LSTM/GRU/RNN, as tg spells them (the ONNX spelling).
ACTIVATIONS = ("Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh",
               "HardSigmoid", "Elu", "Softsign", "Softplus")
RECURRENT_TYPES = ("f32", "f64")


def _float_array(info: OpInfo, name: str, count: int) -> list[float]:
    value = info.attr(name)
    try:
        values = [float(v) for v in ir.DenseF32ArrayAttr(value)]
    except (TypeError, ValueError):
        info.fail(f"attribute '{name}' must be an array<f32>")
    if len(values) != count:
        info.fail(f"attribute '{name}' must have {count} entries (one per activation), got {len(values)}")
    return values


def _common(info: OpInfo, gates: int, n_activations: int, weights: list[int], states: list[int],
            seq_lens: int) -> tuple[ir.Type, list[int], int]:
    """Checks shared by the three ops (``weights``/``states``: the operand indices of the other
    float operands and of the initial states); returns (element type, [seq, batch], hidden)."""
    etype = info.element_type(0, RECURRENT_TYPES)
    info.same_element_types(0, 1, *weights, *states)
    xw, r = info.operand(0), info.operand(1)
    if xw.rank != 3:
        info.fail(f"xw must have rank 3 (seq x batch x {gates}*hidden), got rank {xw.rank}")
    if r.rank != 2:
        info.fail(f"r must have rank 2 ({gates}*hidden x hidden), got rank {r.rank}")
    hidden = r.shape[1]
    if hidden == DYNAMIC or r.shape[0] == DYNAMIC or xw.shape[2] == DYNAMIC:
        info.fail("the hidden size must be static")
    if hidden < 1 or r.shape[0] != gates * hidden:
        info.fail(f"r must be {gates}*hidden x hidden, got {fmt_shape(r.shape)}")
    if xw.shape[2] != gates * hidden:
        info.fail(f"xw must have {gates}*hidden = {gates * hidden} columns, got {xw.shape[2]}")
    seq, batch = xw.shape[0], xw.shape[1]
    for i in states:
        s = info.operand(i)
        if s.rank != 2 or s.shape[1] != hidden or not (s.shape[0] == 1 or dims_compatible(s.shape[0], batch)):
            info.fail(f"operand #{i} (an initial state) must be batch x hidden or 1 x hidden, "
                      f"got {fmt_shape(s.shape)}")
    if len(info.operands) > seq_lens and info.operands[seq_lens] is not None:
        lens = info.operand(seq_lens)
        if str(lens.element_type) != "i32" or lens.rank != 1 or not dims_compatible(lens.shape[0], batch):
            info.fail(f"sequence_lens must be a 1-d i32 tensor of the batch size, got "
                      f"{fmt_shape(lens.shape)}x{lens.element_type}")
    names = info.attr("activations")
    if not isinstance(names, str):
        info.fail("attribute 'activations' must be a string")
    names = names.split(",")
    if len(names) != n_activations:
        info.fail(f"attribute 'activations' must name {n_activations} functions, got {len(names)}")
    for name in names:
        if name not in ACTIVATIONS:
            info.fail(f"unknown activation '{name}' (expected one of {', '.join(ACTIVATIONS)})")
    _float_array(info, "activation_alpha", n_activations)
    _float_array(info, "activation_beta", n_activations)
    if info.float("clip") < 0:
        info.fail("attribute 'clip' must be >= 0 (0: no clipping)")
    if info.int("reverse") not in (0, 1):
        info.fail("attribute 'reverse' must be 0 or 1")
    return etype, [seq, batch], hidden


@type_rule("lstm", kind="opaque", fold=NO_FOLD)
def _lstm(info: OpInfo) -> list[ir.Type]:
    etype, (seq, batch), hidden = _common(info, 4, 3, [2], [3, 4], 5)
    p = info.operand(2)
    if p.rank != 1 or p.shape[0] != 3 * hidden:
        info.fail(f"p must be 1-d of 3*hidden = {3 * hidden} entries, got {fmt_shape(p.shape)}")
    if info.int("input_forget") not in (0, 1):
        info.fail("attribute 'input_forget' must be 0 or 1")
    return [tensor([seq, batch, hidden], etype), tensor([batch, hidden], etype), tensor([batch, hidden], etype)]


@type_rule("gru", kind="opaque", fold=NO_FOLD)
def _gru(info: OpInfo) -> list[ir.Type]:
    etype, (seq, batch), hidden = _common(info, 3, 2, [2], [3], 4)
    rbh = info.operand(2)
    if rbh.rank != 1 or rbh.shape[0] != hidden:
        info.fail(f"rbh must be 1-d of hidden = {hidden} entries, got {fmt_shape(rbh.shape)}")
    if info.int("linear_before_reset") not in (0, 1):
        info.fail("attribute 'linear_before_reset' must be 0 or 1")
    return [tensor([seq, batch, hidden], etype), tensor([batch, hidden], etype)]


@type_rule("rnn", kind="opaque", fold=NO_FOLD)
def _rnn(info: OpInfo) -> list[ir.Type]:
    etype, (seq, batch), hidden = _common(info, 1, 1, [], [2], 3)
    return [tensor([seq, batch, hidden], etype), tensor([batch, hidden], etype)]

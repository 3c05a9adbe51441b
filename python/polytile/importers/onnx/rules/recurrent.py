"""Import rules of the ONNX recurrent layers LSTM, GRU and RNN (opsets 7 and 14: layout).

Each node becomes:
* the input projection of every time step as ONE tg.matmul, X (seq x batch x input, layout 1
  transposed to layout 0) times the transposed W of all directions (input x
  directions*gates*hidden), plus the biases that do not depend on the state (Wb + Rb; for GRU
  the h gate's Rbh stays out: ``linear_before_reset`` puts it inside the reset product). With
  constant weights tg-fold-constants transposes them at compile time;
* per direction, one tg.lstm / tg.gru / tg.rnn (the recurrence, ``reverse`` for the backward
  one) on its slice of the projection, its R, peepholes and initial states (zeros, 1 x hidden,
  when absent);
* the ONNX outputs: the num_directions axis, the two directions concatenated, layout 1
  transposed back.

Activations follow onnxruntime: names are matched case-insensitively, and the
activation_alpha/activation_beta lists are consumed in order by the functions that take them
(LeakyRelu, ThresholdedRelu, Elu: alpha; Affine, ScaledTanh, HardSigmoid: alpha and beta),
with ONNX's defaults where the list runs out (LeakyRelu 0.01, ThresholdedRelu 1, Elu 1,
HardSigmoid 0.2/0.5).

Not supported yet (refused naming the reason): dynamic seq_length or batch_size (pin the
input shapes), opsets before 7, f16/bf16, a W or R whose
shape is not static, Affine or ScaledTanh without their alpha/beta (ONNX gives them no
defaults), a clip <= 0.
"""
from __future__ import annotations

import numpy as np
from mlir import ir

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule

#: ONNX's activation names; per name whether it takes alpha and beta, and their defaults
#: (None: ONNX gives none).
_ACTIVATIONS = {
    "Relu": (False, False, 0.0, 0.0), "Tanh": (False, False, 0.0, 0.0),
    "Sigmoid": (False, False, 0.0, 0.0), "Softsign": (False, False, 0.0, 0.0),
    "Softplus": (False, False, 0.0, 0.0), "LeakyRelu": (True, False, 0.01, 0.0),
    "ThresholdedRelu": (True, False, 1.0, 0.0), "Elu": (True, False, 1.0, 0.0),
    "HardSigmoid": (True, True, 0.2, 0.5), "Affine": (True, True, None, None),
    "ScaledTanh": (True, True, None, None),
}
_BY_LOWER = {name.lower(): name for name in _ACTIVATIONS}

#: Per op: gates, default activations of one direction.
_KINDS = {"lstm": (4, ["Sigmoid", "Tanh", "Tanh"]), "gru": (3, ["Sigmoid", "Tanh"]),
          "rnn": (1, ["Tanh"])}


def _activations(node: NodeContext, directions: int, defaults: list[str]):
    """Per direction: (names joined by commas, alphas, betas), as onnxruntime reads them."""
    names = list(node.attr("activations", defaults * directions))
    if len(names) != len(defaults) * directions:
        node.unsupported(f"'activations' must name {len(defaults) * directions} functions "
                         f"({len(defaults)} per direction), got {len(names)}")
    alphas = list(node.attr("activation_alpha", []))
    betas = list(node.attr("activation_beta", []))
    canonical, a_out, b_out = [], [], []
    for raw in names:
        name = _BY_LOWER.get(str(raw).lower())
        if name is None:
            node.unsupported(f"activation '{raw}' is not one ONNX allows in {node.op_type}")
        takes_alpha, takes_beta, alpha, beta = _ACTIVATIONS[name]
        if takes_alpha and alphas:
            alpha = float(alphas.pop(0))
        if takes_beta and betas:
            beta = float(betas.pop(0))
        if alpha is None or beta is None:
            node.unsupported(f"activation {name} needs its alpha and beta in activation_alpha/"
                             f"activation_beta (ONNX gives it no defaults)")
        canonical.append(name)
        a_out.append(alpha if takes_alpha else 0.0)
        b_out.append(beta if takes_beta else 0.0)
    if alphas or betas:
        node.unsupported("activation_alpha/activation_beta hold more values than the activations take")
    n = len(defaults)
    return [(",".join(canonical[d * n:(d + 1) * n]), a_out[d * n:(d + 1) * n], b_out[d * n:(d + 1) * n])
            for d in range(directions)]


def _dyn(dims) -> list[int]:
    """Reshape target entries: -1 for a dynamic dim."""
    return [-1 if d is None else int(d) for d in dims]


def _slice(node: NodeContext, value: ir.Value, axis: int, start: int, end: int) -> ir.Value:
    return node.tg("slice", value, starts=[start], ends=[end], axes=[axis], steps=[1])


def _state(node: NodeContext, i: int, d: int, layout: int, batch, hidden: int, dtype) -> ir.Value:
    """Initial state input ``i`` of direction ``d`` as batch x hidden (zeros 1 x hidden when absent)."""
    if not node.has_input(i):
        return node.constant(np.zeros((1, hidden), dtype))
    value = _slice(node, node.input(i), 1 if layout else 0, d, d + 1)
    return node.tg("reshape", value, shape=_dyn([batch, hidden]))


def _projection(node: NodeContext, x: ir.Value, seq, batch, w: ir.Value, bias) -> ir.Value:
    """X (seq x batch x input) times W^T (w: directions*gates*hidden x input) plus ``bias``:
    one tg.matmul on seq*batch rows (3-d when a dim is dynamic)."""
    wt = node.tg("transpose", w, perm=[1, 0])
    cols = ir.RankedTensorType(wt.type).shape[1]
    flat = seq is not None or batch is not None
    if flat:
        rows = seq * batch if seq is not None and batch is not None else None
        x = node.tg("reshape", x, shape=_dyn([rows, ir.RankedTensorType(x.type).shape[2]]))
    xw = node.tg("matmul", x, wt)
    if bias is not None:
        xw = node.tg("add", xw, bias)
    if flat:
        xw = node.tg("reshape", xw, shape=_dyn([seq, batch, cols]))
    return xw


def _import(node: NodeContext, kind: str) -> list:
    gates, default_acts = _KINDS[kind]
    direction = node.attr("direction", "forward")
    if isinstance(direction, bytes):
        direction = direction.decode()
    if direction not in ("forward", "reverse", "bidirectional"):
        node.unsupported(f"direction '{direction}' is not forward, reverse or bidirectional")
    directions = 2 if direction == "bidirectional" else 1
    layout = int(node.attr("layout", 0)) if node.opset >= 14 else 0
    if layout not in (0, 1):
        node.unsupported(f"layout {layout} is not 0 or 1")
    etype = str(node.input_type(0).element_type)
    if etype not in ("f32", "f64"):
        node.unsupported(f"element type {etype} is not supported yet (f32 and f64 are)")
    dtype = np.float32 if etype == "f32" else np.float64
    if node.input_rank(0) != 3:
        node.unsupported("X must have rank 3")
    for i, name in ((1, "W"), (2, "R")):
        dims = node.input_dims(i)
        if len(dims) != 3:
            node.unsupported(f"{name} must be a 3-d tensor")
        if None in dims:
            node.unsupported(f"{name} with dynamic dims is not supported yet (pin the input shapes)")
    _, gh, input_size = node.input_dims(1)
    if node.input_dims(2)[0] != directions or node.input_dims(1)[0] != directions:
        node.unsupported(f"W and R must have {directions} direction(s) for direction '{direction}'")
    hidden = node.input_dims(2)[2]
    if gh != gates * hidden or node.input_dims(2)[1] != gates * hidden:
        node.unsupported(f"W and R must have {gates}*hidden_size = {gates * hidden} rows")
    if "hidden_size" in node.attrs and int(node.attr("hidden_size")) != hidden:
        node.unsupported(f"hidden_size {node.attr('hidden_size')} does not match R ({hidden})")
    clip = node.attr("clip", None)
    if clip is not None and not float(clip) > 0:
        node.unsupported(f"clip must be positive, got {clip}")
    acts = _activations(node, directions, default_acts)
    extra = {}
    if kind == "lstm":
        extra["input_forget"] = int(node.attr("input_forget", 0))
        if extra["input_forget"] not in (0, 1):
            node.unsupported("input_forget must be 0 or 1")
    if kind == "gru":
        extra["linear_before_reset"] = int(node.attr("linear_before_reset", 0))
        if extra["linear_before_reset"] not in (0, 1):
            node.unsupported("linear_before_reset must be 0 or 1")

    x = node.input(0)
    if layout:
        x = node.tg("transpose", x, perm=[1, 0, 2])
    seq, batch, x_input = [None if d == ir.ShapedType.get_dynamic_size() else d
                           for d in ir.RankedTensorType(x.type).shape]
    if seq is None or batch is None:
        # The tg ops take a dynamic seq, but the scheduled projection with dynamic rows
        # feeding the time loop crashes sched-apply (intermittently) today.
        node.unsupported("a dynamic seq_length or batch_size is not supported yet (pin the input shapes)")
    if x_input != input_size:
        node.unsupported(f"X has input size {x_input}, W expects {input_size}")

    # One projection for every direction and time step, with the biases outside the recurrence.
    w = node.tg("reshape", node.input(1), shape=[directions * gh, input_size])
    bias, rbh = None, []
    if node.has_input(3):
        b = node.input(3)
        wb, rb = _slice(node, b, 1, 0, gh), _slice(node, b, 1, gh, 2 * gh)
        if kind == "gru":
            for d in range(directions):
                rbh.append(node.tg("reshape", _slice(node, _slice(node, rb, 0, d, d + 1), 1, 2 * hidden, gh),
                                   shape=[hidden]))
            rb = node.tg("concat", _slice(node, rb, 1, 0, 2 * hidden),
                         node.constant(np.zeros((directions, hidden), dtype)), axis=1)
        bias = node.tg("reshape", node.tg("add", wb, rb), shape=[directions * gh])
    if kind == "gru" and not rbh:
        rbh = [node.constant(np.zeros((hidden,), dtype))] * directions
    xw = _projection(node, x, seq, batch, w, bias)

    seq_lens = node.input(4) if node.has_input(4) else None
    if seq_lens is not None and str(node.input_type(4).element_type) != "i32":
        node.unsupported("sequence_lens must be int32")
    ys, yhs, ycs = [], [], []
    for d in range(directions):
        xw_d = xw if directions == 1 else _slice(node, xw, 2, d * gh, (d + 1) * gh)
        r_d = node.tg("reshape", _slice(node, node.input(2), 0, d, d + 1), shape=[gh, hidden])
        names, alphas, betas = acts[d]
        attrs = {"activations": names, "activation_alpha": ir.DenseF32ArrayAttr.get(alphas),
                 "activation_beta": ir.DenseF32ArrayAttr.get(betas),
                 "clip": float(clip) if clip is not None else 0.0,
                 "reverse": 1 if direction == "reverse" or d == 1 else 0, **extra}
        h0 = _state(node, 5, d, layout, batch, hidden, dtype)
        if kind == "lstm":
            if node.has_input(7):
                p = node.tg("reshape", _slice(node, node.input(7), 0, d, d + 1), shape=[3 * hidden])
            else:
                p = node.constant(np.zeros((3 * hidden,), dtype))
            c0 = _state(node, 6, d, layout, batch, hidden, dtype)
            operands = [xw_d, r_d, p, h0, c0, seq_lens]
        elif kind == "gru":
            operands = [xw_d, r_d, rbh[d], h0, seq_lens]
        else:
            operands = [xw_d, r_d, h0, seq_lens]
        from polytile.dialects import tg
        try:
            op = tg.build(kind, operands, attrs)
        except tg.TypeRuleError as e:
            node.unsupported(f"cannot build tg.{kind}: {e}")
        results = list(op.results)
        ys.append(node.tg("reshape", results[0], shape=_dyn([seq, 1, batch, hidden])))
        yhs.append(node.tg("reshape", results[1], shape=_dyn([1, batch, hidden])))
        if kind == "lstm":
            ycs.append(node.tg("reshape", results[2], shape=_dyn([1, batch, hidden])))

    def assemble(parts: list, axis: int, perm: list[int]) -> ir.Value:
        out = parts[0] if len(parts) == 1 else node.tg("concat", parts[0], parts[1], axis=axis)
        return node.tg("transpose", out, perm=perm) if layout else out

    outputs = [assemble(ys, 1, [2, 0, 1, 3]), assemble(yhs, 0, [1, 0, 2])]
    if kind == "lstm":
        outputs.append(assemble(ycs, 0, [1, 0, 2]))
    return outputs[:max(1, len(node.node.output))]


@rule("LSTM", since=7)
@rule("LSTM", since=14)
def _lstm(node: NodeContext):
    """ONNX LSTM: a tg.matmul input projection and one tg.lstm per direction (see the module doc)."""
    return _import(node, "lstm")


@rule("GRU", since=7)
@rule("GRU", since=14)
def _gru(node: NodeContext):
    """ONNX GRU: a tg.matmul input projection and one tg.gru per direction (see the module doc)."""
    return _import(node, "gru")


@rule("RNN", since=7)
@rule("RNN", since=14)
def _rnn(node: NodeContext):
    """ONNX RNN: a tg.matmul input projection and one tg.rnn per direction (see the module doc)."""
    return _import(node, "rnn")

"""Import rules for the training optimizers of domain ``ai.onnx.preview.training``:
Adagrad, Adam and Momentum (standard and nesterov).

No tg op of their own: each update is a short chain of element-wise tg ops
(``mul``, ``add``, ``sub``, ``div``, ``sqrt``, ``pow``, ``where``), which
`tg-fuse-kernels` fuses into one kernel per optimized tensor. The learning rate
``R`` and the iteration count ``T`` are run-time scalars: ``T`` (int64) is cast
to the tensors' float type, and the branches the spec takes on ``T > 0`` (Adam's
bias correction, Momentum's first-step beta) are a ``tg.where``. A node updates
any number of tensors (the spec's X1..Xn, G1..Gn, ... input groups); each gets
its own chain, the outputs come in the spec's order (all new X, then all new V,
then all new H).

Formulas as the ONNX reference implementation, computed in the tensors' float
type (float32 or float64; float16/bfloat16 tensors compute in their own type
too). Not supported yet: tensors of mixed float types within one node, integer
tensors (the spec allows floats only).
"""
from __future__ import annotations

import numpy as np
from mlir import ir

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule

DOMAIN = "ai.onnx.preview.training"
_FLOATS = ("f16", "bf16", "f32", "f64")


class _Scalars:
    """Constants and the run-time R and T of one node, in the tensors' float type."""

    def __init__(self, node: NodeContext, groups: int):
        if node.num_inputs < 2 + groups or (node.num_inputs - 2) % groups:
            node.unsupported(f"expected R, T and {groups} groups of equally many tensors, got "
                             f"{node.num_inputs} inputs")
        self.node = node
        self.count = (node.num_inputs - 2) // groups
        types = {str(node.input_type(i).element_type) for i in range(2, node.num_inputs)}
        if len(types) != 1 or next(iter(types)) not in _FLOATS:
            node.unsupported(f"the optimized tensors must share one float element type, got "
                             f"{', '.join(sorted(types))}")
        self.etype = node.input_type(2).element_type
        from polytile.runtime.jit import numpy_dtype
        self.dtype = numpy_dtype(self.etype)
        for i, what in ((0, "R"), (1, "T")):
            if node.input_rank(i) != 0 and any(d != 1 for d in node.input_dims(i)):
                node.unsupported(f"{what} (input {i}) must be a scalar, got shape {node.input_dims(i)}")
        if str(node.input_type(0).element_type) not in _FLOATS:
            node.unsupported(f"R must be a float, got {node.input_type(0).element_type}")
        if str(node.input_type(1).element_type) != "i64":
            node.unsupported(f"T must be int64, got {node.input_type(1).element_type}")
        self.r = self.as_float(self._scalar(0))
        self.t_int = self._scalar(1)
        self.t = self.as_float(self.t_int)

    def _scalar(self, i: int) -> ir.Value:
        v = self.node.input(i)
        if self.node.input_rank(i) != 0:
            v = self.node.tg("reshape", v, shape=[])
        return v

    def as_float(self, v: ir.Value) -> ir.Value:
        if ir.RankedTensorType(v.type).element_type == self.etype:
            return v
        return self.node.tg("cast", v, to=ir.TypeAttr.get(self.etype))

    def c(self, value: float) -> ir.Value:
        return self.node.constant(np.array(value, self.dtype))

    def t_positive(self) -> ir.Value:
        return self.node.tg("greater", self.t_int, self.node.constant(np.array(0, np.int64)))

    def group(self, g: int, k: int) -> ir.Value:
        return self.node.input(2 + g * self.count + k)


def _regularized(s: _Scalars, x: ir.Value, g: ir.Value, norm_coefficient: float) -> ir.Value:
    """norm_coefficient * x + g."""
    return s.node.tg("add", s.node.tg("mul", s.c(norm_coefficient), x), g)


@rule("Adagrad", domain=DOMAIN)
def adagrad(node: NodeContext):
    """r' = R / (1 + T * decay_factor); g' = norm_coefficient * X + G;
    H' = H + g'^2; X' = X - r' * g' / (sqrt(H') + epsilon). Outputs X'..., H'..."""
    s = _Scalars(node, 3)
    decay = float(node.attr("decay_factor", 0.0))
    epsilon = float(node.attr("epsilon", 0.0))
    norm = float(node.attr("norm_coefficient", 0.0))
    rate = node.tg("div", s.r, node.tg("add", s.c(1.0), node.tg("mul", s.t, s.c(decay))))
    xs, hs = [], []
    for k in range(s.count):
        x, g, h = s.group(0, k), s.group(1, k), s.group(2, k)
        gr = _regularized(s, x, g, norm)
        h_new = node.tg("add", h, node.tg("mul", gr, gr))
        denom = node.tg("add", node.tg("sqrt", h_new), s.c(epsilon))
        xs.append(node.tg("sub", x, node.tg("div", node.tg("mul", rate, gr), denom)))
        hs.append(h_new)
    return xs + hs


@rule("Adam", domain=DOMAIN)
def adam(node: NodeContext):
    """g' = norm_coefficient * X + G; V' = alpha * V + (1 - alpha) * g';
    H' = beta * H + (1 - beta) * g'^2; r' = R * sqrt(1 - beta^T) / (1 - alpha^T) when T > 0,
    else R; X' = (1 - norm_coefficient_post) * (X - r' * V' / (sqrt(H') + epsilon)).
    Outputs X'..., V'..., H'..."""
    s = _Scalars(node, 4)
    alpha = float(node.attr("alpha", 0.9))
    beta = float(node.attr("beta", 0.999))
    epsilon = float(node.attr("epsilon", 0.0))
    norm = float(node.attr("norm_coefficient", 0.0))
    post = float(node.attr("norm_coefficient_post", 0.0))
    one = s.c(1.0)
    corrected = node.tg("div", node.tg("mul", s.r, node.tg("sqrt", node.tg(
        "sub", one, node.tg("pow", s.c(beta), s.t)))),
        node.tg("sub", one, node.tg("pow", s.c(alpha), s.t)))
    rate = node.tg("where", s.t_positive(), corrected, s.r)
    xs, vs, hs = [], [], []
    for k in range(s.count):
        x, g, v, h = (s.group(i, k) for i in range(4))
        gr = _regularized(s, x, g, norm)
        v_new = node.tg("add", node.tg("mul", s.c(alpha), v), node.tg("mul", s.c(1.0 - alpha), gr))
        h_new = node.tg("add", node.tg("mul", s.c(beta), h),
                        node.tg("mul", s.c(1.0 - beta), node.tg("mul", gr, gr)))
        denom = node.tg("add", node.tg("sqrt", h_new), s.c(epsilon))
        x_new = node.tg("sub", x, node.tg("mul", rate, node.tg("div", v_new, denom)))
        xs.append(x_new if post == 0.0 else node.tg("mul", s.c(1.0 - post), x_new))
        vs.append(v_new)
        hs.append(h_new)
    return xs + vs + hs


@rule("Momentum", domain=DOMAIN)
def momentum(node: NodeContext):
    """g' = norm_coefficient * X + G; V' = alpha * V + b * g' (b = beta when T > 0, else 1);
    standard: X' = X - R * V'; nesterov: X' = X - R * (g' + alpha * V'). Outputs X'..., V'..."""
    s = _Scalars(node, 3)
    alpha = float(node.attr("alpha"))
    beta = float(node.attr("beta"))
    norm = float(node.attr("norm_coefficient"))
    mode = node.attr("mode")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    if mode not in ("standard", "nesterov"):
        node.unsupported(f"mode '{mode}' is not supported (standard or nesterov)")
    b = node.tg("where", s.t_positive(), s.c(beta), s.c(1.0))
    xs, vs = [], []
    for k in range(s.count):
        x, g, v = s.group(0, k), s.group(1, k), s.group(2, k)
        gr = _regularized(s, x, g, norm)
        v_new = node.tg("add", node.tg("mul", s.c(alpha), v), node.tg("mul", b, gr))
        step = v_new if mode == "standard" else node.tg("add", gr, node.tg("mul", s.c(alpha), v_new))
        xs.append(node.tg("sub", x, node.tg("mul", s.r, step)))
        vs.append(v_new)
    return xs + vs

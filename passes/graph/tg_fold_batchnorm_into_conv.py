"""tg-fold-batchnorm-into-conv: fold an inference ``tg.batch_normalization``
into the ``tg.conv`` that feeds it.

Applies when the conv's weight (and bias, if any) and the normalization's
scale, b, mean and var are ``tg.constant`` ops, the conv result has no other
use, and the per-channel parameters are 1-d with one entry per output channel.
With ``s = scale / sqrt(var + epsilon)`` the pair becomes one ``tg.conv`` with
weight ``w * s`` (scaled along the output-channel dim 0, so grouped convs work
too) and bias ``(bias - mean) * s + b``. The arithmetic is done in float64 and
rounded once to the conv's element type. The normalization and the old conv
are erased; the old constants are left to `tg-dce`.

Does not yet: fold a normalization into a conv that is not its direct producer
(through a reshape, pad ...), into gemm/matmul, or a normalization whose
parameters are computed at run time.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from mlir import ir

from polytile.dialects import tg
from polytile.pass_registry import register_pass

from polytile.passes.graph.tg_fold_constants import constant_array
from polytile.passes.common.walk import ops_in

_NUMPY_DTYPES = {"f16": np.float16, "f32": np.float32, "f64": np.float64}


@register_pass("tg-fold-batchnorm-into-conv")
def run(root: ir.Operation, options) -> None:
    """Fold tg.batch_normalization with constant parameters into its producing tg.conv."""
    for op in ops_in(root, "tg.batch_normalization"):
        if op.name == "tg.batch_normalization":
            _try_fold(op)


def _producer(value: ir.Value) -> Optional[ir.Operation]:
    owner = value.owner
    return owner.operation if isinstance(owner, (ir.OpView, ir.Operation)) else None


def _single_use(value: ir.Value) -> bool:
    uses = iter(value.uses)
    return next(uses, None) is not None and next(uses, None) is None


def _constant(value: ir.Value) -> Optional[np.ndarray]:
    """The value of a float ``tg.constant`` result, else None."""
    array = constant_array(value)
    return array if array is not None and array.dtype.kind == "f" else None


def _try_fold(bn: ir.Operation) -> bool:
    conv = _producer(bn.operands[0])
    if conv is None or conv.name != "tg.conv" or not _single_use(conv.results[0]):
        return False
    conv_type = ir.RankedTensorType(conv.results[0].type)
    dtype = _NUMPY_DTYPES.get(str(conv_type.element_type))
    if dtype is None or bn.results[0].type != conv_type:
        return False
    weight = _constant(conv.operands[1])
    bias = _constant(conv.operands[2]) if len(conv.operands) > 2 else None
    params = [_constant(v) for v in bn.operands[1:5]]
    if weight is None or (len(conv.operands) > 2 and bias is None) or any(p is None for p in params):
        return False
    channels = weight.shape[0]
    if any(p.shape != (channels,) for p in params) or (bias is not None and bias.shape != (channels,)):
        return False
    epsilon = float(tg.attribute_value(bn.attributes["epsilon"]))
    new_weight, new_bias = folded_parameters(weight, bias, *params, epsilon)
    attributes = {name: conv.attributes[name] for name in conv.attributes}
    with ir.InsertionPoint(bn), bn.location:
        w = tg.constant(new_weight.astype(dtype))
        b = tg.constant(new_bias.astype(dtype))
        fused = tg.build("conv", [conv.operands[0], w, b], attributes, [conv_type])
    bn.results[0].replace_all_uses_with(fused.results[0])
    bn.erase()
    conv.erase()
    return True


def folded_parameters(weight: np.ndarray, bias: Optional[np.ndarray], scale: np.ndarray,
                      b: np.ndarray, mean: np.ndarray, var: np.ndarray,
                      epsilon: float) -> tuple[np.ndarray, np.ndarray]:
    """Weight and bias (float64) of the conv equal to batchnorm(conv(x, weight, bias))."""
    f64 = np.float64
    s = scale.astype(f64) / np.sqrt(var.astype(f64) + f64(epsilon))
    new_weight = weight.astype(f64) * s.reshape((-1,) + (1,) * (weight.ndim - 1))
    old_bias = bias.astype(f64) if bias is not None else np.zeros_like(s)
    new_bias = (old_bias - mean.astype(f64)) * s + b.astype(f64)
    return new_weight, new_bias

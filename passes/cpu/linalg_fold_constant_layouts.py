"""linalg-fold-constant-layouts: do layout changes of constants at compile time.

Schedules repack operands (``sched.pack``: matmul weights to ``[N/nr][K][nr]``,
convolution weights to ``HWCF``). When the operand is a constant (a model's
weights), the packing chain -- ``tensor.pad``, ``tensor.expand_shape`` /
``tensor.collapse_shape`` and ``linalg.transpose`` on an ``arith.constant`` -- is
evaluated here with numpy and replaced by one constant, so no packing runs at
inference time (onnxruntime's weight prepacking).

Does not yet: fold chains through other ops (``linalg.generic``), or constants
numpy cannot hold (e.g. bf16 without ml_dtypes).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import numpy as np
from mlir import ir
from mlir.dialects import arith

from polytile.pass_registry import register_pass

from polytile.passes.common.walk import ops_in

_FOLDABLE = ("linalg.transpose", "tensor.pad", "tensor.expand_shape", "tensor.collapse_shape")


@dataclasses.dataclass(frozen=True)
class Options:
    pass


def _constant_array(value: ir.Value) -> Optional[np.ndarray]:
    owner = value.owner
    if not isinstance(owner, ir.Operation):
        owner = getattr(owner, "operation", None)
    if owner is None or owner.name != "arith.constant":
        return None
    attr = owner.attributes["value"]
    if not isinstance(attr.maybe_downcast(), ir.DenseElementsAttr):
        return None
    dense = ir.DenseElementsAttr(attr)
    shape = list(ir.RankedTensorType(attr.type).shape)
    if dense.is_splat:  # any layout of a splat is the same splat
        return _Splat(dense.get_splat_value())
    try:
        return np.array(dense).reshape(shape)
    except (TypeError, ValueError):
        return None


class _Splat:
    """A splat constant: folding a layout change keeps the value (pads must pad with it)."""

    def __init__(self, value: ir.Attribute):
        self.value = value


def _pad_value(op: ir.Operation) -> Optional[float]:
    yielded = op.regions[0].blocks[0].operations[0].operands[0]
    source = yielded.owner
    if getattr(source, "name", None) != "arith.constant":
        return None
    return ir.FloatAttr(source.attributes["value"]).value if "f" in str(yielded.type) else \
        ir.IntegerAttr(source.attributes["value"]).value


def _pads_with(op: ir.Operation, value: ir.Attribute) -> bool:
    """Whether a tensor.pad of a splat pads with the splat's own value."""
    yielded = op.regions[0].blocks[0].operations[0].operands[0]
    source = yielded.owner
    return getattr(source, "name", None) == "arith.constant" and source.attributes["value"] == value


def _fold(op: ir.Operation, array: np.ndarray) -> Optional[np.ndarray]:
    shape = list(ir.RankedTensorType(op.results[0].type).shape)
    if op.name == "linalg.transpose":
        perm = list(ir.DenseI64ArrayAttr(op.attributes["permutation"]))
        return np.ascontiguousarray(np.transpose(array, perm))
    if op.name in ("tensor.expand_shape", "tensor.collapse_shape"):
        return array.reshape(shape)
    if op.name == "tensor.pad":
        if len(op.operands) != 1:  # dynamic low/high
            return None
        value = _pad_value(op)
        if value is None:
            return None
        low = list(ir.DenseI64ArrayAttr(op.attributes["static_low"]))
        high = list(ir.DenseI64ArrayAttr(op.attributes["static_high"]))
        return np.pad(array, list(zip(low, high)), constant_values=value)
    return None


@register_pass("linalg-fold-constant-layouts", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Replace transposes, pads and reshapes of constants by the constant they compute."""
    changed = True
    while changed:
        changed = False
        for op in ops_in(root):
            if op.name not in _FOLDABLE:
                continue
            array = _constant_array(op.operands[0])
            if array is None:
                continue
            result_type = ir.RankedTensorType(op.results[0].type)
            if isinstance(array, _Splat):
                if op.name == "tensor.pad" and not _pads_with(op, array.value):
                    continue
                attr = ir.DenseElementsAttr.get_splat(result_type, array.value)
            else:
                folded = _fold(op, array)
                if folded is None:
                    continue
                attr = ir.DenseElementsAttr.get(np.ascontiguousarray(folded), type=result_type.element_type)
            with ir.InsertionPoint(op), op.location:
                new = arith.ConstantOp(result_type, attr).result
            op.results[0].replace_all_uses_with(new)
            op.erase()
            changed = True

"""arith-flatten-tensor-constants: store multi-dimensional constants as 1-d.

LLVM represents a global of type ``[512 x [512 x [3 x [3 x float]]]]`` as a
tree of nested constant arrays, one LLVM object per innermost row: translating
a ResNet-50's weights that way takes minutes. This pass rewrites each
non-splat ``arith.constant`` tensor of rank >= 2 (above ``min-elements``) as a
1-d constant followed by ``tensor.expand_shape``, which bufferizes to a view,
so the weights become one flat LLVM array (a raw byte copy).

Does not yet: touch splat constants (they are cheap) or rank-0/1 constants.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from mlir import ir
from mlir.dialects import arith, tensor

from polytile.pass_registry import option, register_pass

from polytile.passes.common.walk import ops_in


@dataclasses.dataclass(frozen=True)
class Options:
    min_elements: int = option(64, "Leave smaller constants as they are")


def _reassociation(rank: int) -> ir.ArrayAttr:
    i64 = ir.IntegerType.get_signless(64)
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64, i) for i in range(rank)])])


@register_pass("arith-flatten-tensor-constants", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Rewrite rank>=2 dense tensor constants as 1-d constants plus expand_shape."""
    for op in ops_in(root, "arith.constant"):
        value = op.attributes["value"]
        if not isinstance(value.maybe_downcast(), ir.DenseElementsAttr) or \
                not str(value.type).startswith("tensor<"):  # vector constants stay
            continue
        dense = ir.DenseElementsAttr(value)
        rt = ir.RankedTensorType(value.type)
        if dense.is_splat or rt.rank < 2 or len(dense) < options.min_elements:
            continue
        try:
            flat = np.array(dense).reshape(-1)
        except (TypeError, ValueError):  # element types numpy cannot hold
            continue
        flat_type = ir.RankedTensorType.get([flat.size], rt.element_type)
        with ir.InsertionPoint(op), op.location:
            attr = ir.DenseElementsAttr.get(np.ascontiguousarray(flat), type=rt.element_type)
            flat_value = arith.ConstantOp(flat_type, attr).result
            shaped = tensor.ExpandShapeOp(rt, flat_value, _reassociation(rt.rank), [], list(rt.shape)).result
        op.results[0].replace_all_uses_with(shaped)
        op.erase()

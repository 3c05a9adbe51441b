"""tg-canonicalize: local simplifications of tg graphs, repeated to a fixed point.

Rewrites:
* ``tg.transpose`` with the identity permutation -> its input;
* ``tg.transpose`` of ``tg.transpose`` -> one transpose with the composed
  permutation (or the original value when they cancel);
* ``tg.reshape``/``tg.flatten`` whose result type equals its input's -> its input;
* ``tg.reshape``/``tg.flatten`` of ``tg.reshape``/``tg.flatten`` -> one
  ``tg.reshape`` of the original value.

Ops left without uses are not erased here; run `tg-dce` after it.
Does not yet: fold constants (see the constant-folding pass), simplify
arithmetic identities such as ``x + 0``.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from mlir import ir

from polytile.dialects import tg
from polytile.pass_registry import PassError, option, register_pass

from polytile.passes.common.walk import ops_in, replace_op

_RESHAPE_LIKE = ("tg.reshape", "tg.flatten")


@dataclasses.dataclass(frozen=True)
class Options:
    max_iterations: int = option(10, "Stop after this many sweeps even if more rewrites apply")


def _producer(value: ir.Value) -> Optional[ir.Operation]:
    owner = value.owner
    return owner.operation if isinstance(owner, ir.OpView) or isinstance(owner, ir.Operation) else None


def _simplify_transpose(op: ir.Operation) -> bool:
    perm = tg.attribute_value(op.attributes["perm"])
    source = op.operands[0]
    if perm == list(range(len(perm))):
        replace_op(op, [source])
        return True
    inner = _producer(source)
    if inner is None or inner.name != "tg.transpose":
        return False
    inner_perm = tg.attribute_value(inner.attributes["perm"])
    composed = [inner_perm[p] for p in perm]
    original = inner.operands[0]
    if composed == list(range(len(composed))):
        replace_op(op, [original])
    else:
        with ir.InsertionPoint(op), op.location:
            new = tg.ops.transpose(original, perm=composed)
        replace_op(op, [new])
    return True


def simplify_reshape(op: ir.Operation) -> bool:
    source = op.operands[0]
    result_type = op.results[0].type
    if source.type == result_type:
        replace_op(op, [source])
        return True
    inner = _producer(source)
    if inner is None or inner.name not in _RESHAPE_LIKE:
        return False
    original = inner.operands[0]
    if original.type == result_type:
        replace_op(op, [original])
        return True
    result_shape = ir.RankedTensorType(result_type)
    if not result_shape.has_static_shape:
        return False  # tg.reshape takes a static shape
    with ir.InsertionPoint(op), op.location:
        new = tg.ops.reshape(original, shape=list(result_shape.shape))
    replace_op(op, [new])
    return True


_REWRITES = {"tg.transpose": _simplify_transpose, "tg.reshape": simplify_reshape,
             "tg.flatten": simplify_reshape}


@register_pass("tg-canonicalize", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Fold identity transposes/reshapes and merge transpose and reshape chains."""
    if options.max_iterations < 1:
        raise PassError("max-iterations must be at least 1", root)
    for _ in range(options.max_iterations):
        changed = False
        for op in ops_in(root, "tg."):
            rewrite = _REWRITES.get(op.name)
            # A rewrite erases only the op it is given, so the other handles
            # collected for this sweep stay valid; new ops are seen next sweep.
            if rewrite is not None and rewrite(op):
                changed = True
        if not changed:
            return

"""Type rules of the tg detection ops: non_max_suppression and det.

* non_max_suppression: f32 ``boxes`` [B, N, 4] and ``scores`` [B, C, N]; the
  three thresholds are one-element tensors (0-d or [1]: i64 count, f32 IoU and
  score thresholds); the result is i64 ``? x 3`` whatever the operand shapes
  (its row count depends on the data, as for the data_dependent ops). It is a
  kernel of its own (``opaque``) and does not fold (``NO_FOLD``: a ``?``
  result); the import rule computes it on constant inputs instead.
* det: float ``[..., M, M]`` -> ``[...]``; ``opaque`` (a loop nest per
  matrix), folded by ONNX's reference Det.
"""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import DYNAMIC, FLOAT_TYPES, NO_FOLD, OpInfo, tensor, type_rule
from polytile.dialects.tg_rules.common import dims_compatible, fmt_shape

OPAQUE = "opaque"


def _one_element(info: OpInfo, index: int, allowed: tuple[str, ...]) -> None:
    """Operand ``index``: a 0-d or [1] tensor of an ``allowed`` element type."""
    info.element_type(index, allowed)
    shape = list(info.operand(index).shape)
    if shape not in ([], [1]):
        info.fail(f"operand #{index} must hold one element (shape scalar or 1), got {fmt_shape(shape)}")


@type_rule("non_max_suppression", kind=OPAQUE, fold=NO_FOLD)
def _non_max_suppression(info: OpInfo) -> list[ir.Type]:
    """i64 ``? x 3`` (batch, class, box) rows."""
    info.element_type(0, ("f32",))
    info.element_type(1, ("f32",))
    info.rank(0, 3)
    info.rank(1, 3)
    boxes, scores = list(info.operand(0).shape), list(info.operand(1).shape)
    if not dims_compatible(boxes[2], 4):
        info.fail(f"operand #0 (boxes) must have 4 coordinates per box, got shape {fmt_shape(boxes)}")
    if not dims_compatible(boxes[0], scores[0]) or not dims_compatible(boxes[1], scores[2]):
        info.fail(f"boxes {fmt_shape(boxes)} and scores {fmt_shape(scores)} disagree: "
                  f"expected [B, N, 4] and [B, C, N]")
    _one_element(info, 2, ("i64",))
    _one_element(info, 3, ("f32",))
    if info.operand(4) is not None:
        _one_element(info, 4, ("f32",))
    if info.int("center_point_box") not in (0, 1):
        info.fail(f"attribute 'center_point_box' must be 0 or 1, got {info.int('center_point_box')}")
    i64 = ir.IntegerType.get_signless(64, context=info.operand(0).context)
    return [tensor([DYNAMIC, 3], i64)]


@type_rule("det", kind=OPAQUE)
def _det(info: OpInfo) -> list[ir.Type]:
    """The batch dims ``[...]`` of ``[..., M, M]``, same element type."""
    etype = info.element_type(0, FLOAT_TYPES)
    shape = list(info.operand(0).shape)
    if len(shape) < 2:
        info.fail(f"operand #0 must have rank >= 2 ([..., M, M]), got rank {len(shape)}")
    if not dims_compatible(shape[-1], shape[-2]):
        info.fail(f"operand #0 must hold square matrices, got shape {fmt_shape(shape)}")
    return [tensor(shape[:-2], etype)]

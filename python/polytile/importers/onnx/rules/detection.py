"""Import rules for detection ops: NonMaxSuppression (``tg.non_max_suppression``)
and Det (``tg.det``).

NonMaxSuppression-10/11 (the same op): ``center_point_box`` must be 0 or 1.
Its optional inputs are read as onnxruntime reads them:

* ``max_output_boxes_per_class`` absent, or a constant <= 0: no box is kept, the
  output is a constant empty ``[0, 3]`` int64 tensor. Otherwise (a constant or
  a run-time one-element int64 tensor) it is an operand.
* ``iou_threshold`` absent: 0. A constant outside [0, 1] is rejected, as
  onnxruntime rejects it; a run-time one is not checked.
* ``score_threshold`` absent: every box is a candidate (the optional operand is
  left out).

On all-constant inputs whose result (at most B x C x N rows) fits the folding
budget (``polytile.resources.fold_allowed``), the rule computes the output with
numpy (:func:`non_max_suppression_of`, onnxruntime's algorithm in float32); the
graph walker cannot fold it (its size is unknown before evaluating).

Det-11/22: float ``[..., M, M]`` (Det-22 only adds bfloat16); the graph walker
folds constant inputs with ONNX's reference implementation.

Not supported: NaN scores (onnxruntime's order of them is unspecified; the
lowering gives them a fixed place, see ``tg_to_linalg/detection.py``, and
constants holding them are left to run time), float16 boxes or scores (ONNX
allows only float32), integer Det (ONNX has none).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from polytile.importers.onnx.graph import FOLD_LIMIT, NodeContext
from polytile.importers.onnx.registry import rule
from polytile.resources import fold_allowed


def _scalar(node: NodeContext, i: int, what: str) -> Optional[np.ndarray]:
    """Constant input ``i`` (a one-element tensor) as a 0-d array; None when not constant."""
    value = node.const(i)
    if value is None:
        return None
    if np.asarray(value).size != 1:
        node.unsupported(f"{what} (input {i}) must hold one element, got shape {list(np.shape(value))}")
    return np.asarray(value).reshape(())


def _one_element_input(node: NodeContext, i: int, what: str) -> None:
    """A run-time input ``i`` must be a 0-d or [1] tensor (its size known at compile time)."""
    dims = node.input_dims(i)
    if dims not in ([], [1]):
        shown = "x".join("?" if d is None else str(d) for d in dims)
        node.unsupported(f"{what} (input {i}) must be a one-element tensor (shape [] or [1]), got {shown}")


@rule("NonMaxSuppression", since=10)
@rule("NonMaxSuppression", since=11)
def non_max_suppression(node: NodeContext):
    center = node.attr("center_point_box", 0)
    if center not in (0, 1):
        node.unsupported(f"attribute 'center_point_box' must be 0 or 1, got {center!r}")
    for i, what in ((0, "boxes"), (1, "scores")):
        if node.input_rank(i) != 3:
            node.unsupported(f"{what} must have rank 3, got {node.input_rank(i)}")
    empty = np.zeros((0, 3), np.int64)
    if not node.has_input(2):
        return [empty]
    for i, what in ((2, "max_output_boxes_per_class"), (3, "iou_threshold"), (4, "score_threshold")):
        if node.has_input(i) and node.const(i) is None:
            _one_element_input(node, i, what)
    max_output = _scalar(node, 2, "max_output_boxes_per_class")
    iou = _scalar(node, 3, "iou_threshold") if node.has_input(3) else np.float32(0.0)
    if iou is not None and not 0.0 <= float(iou) <= 1.0:
        node.unsupported(f"iou_threshold must be in [0, 1], got {float(iou)}")
    if max_output is not None and int(max_output) <= 0:
        return [empty]
    folded = _folded(node, center, iou)
    if folded is not None:
        return [folded]
    iou_value = node.input(3) if node.has_input(3) else node.constant(np.asarray(iou, np.float32))
    operands = [node.input(0), node.input(1), node.input(2), iou_value]
    if node.has_input(4):
        operands.append(node.input(4))
    return [node.tg("non_max_suppression", *operands, center_point_box=int(center))]


def _folded(node: NodeContext, center: int, iou) -> Optional[np.ndarray]:
    """The output on all-constant inputs within the folding budget, else None."""
    boxes, scores = node.const(0), node.const(1)
    max_output = _scalar(node, 2, "max_output_boxes_per_class")
    score = _scalar(node, 4, "score_threshold") if node.has_input(4) else None
    if boxes is None or scores is None or max_output is None or iou is None or \
            (node.has_input(4) and score is None):
        return None
    boxes, scores = np.asarray(boxes), np.asarray(scores)
    if boxes.size + scores.size > FOLD_LIMIT or np.isnan(scores).any():
        return None
    bound = scores.size * 3 * 8
    if not fold_allowed([bound], [boxes.nbytes, scores.nbytes], node.importer.fold_limit_bytes):
        return None
    if boxes.shape[2:] != (4,) or boxes.shape[0] != scores.shape[0] or boxes.shape[1] != scores.shape[2]:
        node.unsupported(f"boxes {list(boxes.shape)} and scores {list(scores.shape)} disagree: "
                         f"expected [B, N, 4] and [B, C, N]")
    return non_max_suppression_of(boxes, scores, int(max_output), float(iou),
                                  None if score is None else float(score), center)


def non_max_suppression_of(boxes: np.ndarray, scores: np.ndarray, max_output: int, iou_threshold: float,
                           score_threshold: Optional[float], center_point_box: int) -> np.ndarray:
    """ONNX NonMaxSuppression with numpy, as onnxruntime computes it (float32
    arithmetic, ties by lower box index first). Rows (batch, class, box)."""
    f32 = np.float32
    boxes, scores = boxes.astype(f32), scores.astype(f32)
    iou_threshold = f32(iou_threshold)
    rows = []
    for b in range(boxes.shape[0]):
        if center_point_box == 0:
            y1, x1, y2, x2 = (boxes[b, :, k] for k in range(4))
            x_min, x_max = np.minimum(x1, x2), np.maximum(x1, x2)
            y_min, y_max = np.minimum(y1, y2), np.maximum(y1, y2)
        else:
            xc, yc, w, h = (boxes[b, :, k] for k in range(4))
            x_min, x_max = xc - w / f32(2), xc + w / f32(2)
            y_min, y_max = yc - h / f32(2), yc + h / f32(2)
        area = (x_max - x_min) * (y_max - y_min)
        for c in range(scores.shape[1]):
            s = scores[b, c]
            candidates = [i for i in range(len(s)) if score_threshold is None or s[i] > f32(score_threshold)]
            candidates.sort(key=lambda i: (-s[i], i))
            kept: list[int] = []
            for i in candidates:
                if len(kept) >= max_output:
                    break
                if not any(_suppresses(i, j, x_min, x_max, y_min, y_max, area, iou_threshold) for j in kept):
                    kept.append(i)
                    rows.append((b, c, i))
    return np.array(rows, np.int64).reshape(-1, 3)


def _suppresses(i, j, x_min, x_max, y_min, y_max, area, threshold) -> bool:
    """Whether boxes i and j overlap with IoU > threshold (onnxruntime's SuppressByIOU)."""
    ix_min, ix_max = max(x_min[i], x_min[j]), min(x_max[i], x_max[j])
    if ix_max <= ix_min:
        return False
    iy_min, iy_max = max(y_min[i], y_min[j]), min(y_max[i], y_max[j])
    if iy_max <= iy_min:
        return False
    inter = (ix_max - ix_min) * (iy_max - iy_min)
    union = area[i] + area[j] - inter
    if inter <= 0 or area[i] <= 0 or area[j] <= 0 or union <= 0:
        return False
    return bool(inter / union > threshold)


@rule("Det", since=11)
@rule("Det", since=22)
def det(node: NodeContext):
    if node.input_rank(0) < 2:
        node.unsupported(f"the input must have rank >= 2 ([..., M, M]), got {node.input_rank(0)}")
    return [node.tg("det", node.input(0))]

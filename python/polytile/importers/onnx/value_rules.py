"""Rules on the VALUES of graph inputs that an op reads as axes or counts.

When an op takes its axes, axis or count from a run-time tensor (Reduce* ``axes``,
CumSum ``axis``, TopK ``K``, ...), the compiled code handles any value without
reading out of bounds, but a value ONNX forbids (an axis out of range, an axis
named twice, ``K`` larger than the axis) has no meaningful result: onnxruntime
fails the run. When that tensor is a graph input, the import rule records a rule
here and ``CompiledModel.run`` checks the fed values at the door, raising
``InputError`` with the input, the value and the constraint (the check costs a
pass over a few integers). A tensor computed inside the model is not checked.

A rule is stored with the model's inputs (``TensorInfo.value_rules``) and, for
``--from`` resumes, in the module's ``polytile.inputs`` attribute as its text
(:meth:`ValueRule.text` / :func:`parse`).
"""
from __future__ import annotations

import dataclasses
import json
from typing import Optional, Sequence

import numpy as np


@dataclasses.dataclass(frozen=True)
class ValueRule:
    """``kind``: ``axes`` (every entry in [-rank, rank), distinct once normalized),
    ``axis`` (one entry in [-rank, rank)), ``count`` (one entry in [0, size of dim
    ``dim`` of input ``of``]), ``inference`` (false, unless input ``of`` is given and
    holds 0: Dropout's training_mode and ratio) or ``zero`` (0: Dropout's ratio in
    training mode), ``nonzero`` (Slice steps) or ``reshape`` (a Reshape target that
    keeps the element count of input ``of``; ``dim`` holds allowzero). ``where`` names the node for the message."""

    kind: str
    where: str
    rank: int = 0
    of: str = ""
    dim: int = 0

    def text(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    def check(self, name: str, value: np.ndarray, feeds: dict) -> Optional[str]:
        """Why ``value`` (fed as input ``name``) breaks the rule, or None."""
        entries = [int(v) for v in np.asarray(value).reshape(-1)] \
            if self.kind in ("axes", "axis", "count") else []
        if self.kind in ("axes", "axis"):
            for v in entries:
                if not -self.rank <= v < self.rank:
                    return (f"input '{name}' holds {v}, outside [{-self.rank}, {self.rank - 1}]: "
                            f"the {self.kind} of {self.where} index a rank-{self.rank} tensor")
            normalized = [v % self.rank for v in entries]
            if self.kind == "axes" and len(set(normalized)) != len(normalized):
                return f"input '{name}' holds {entries}, naming a dim twice: the axes of {self.where}"
            return None
        if self.kind in ("inference", "zero"):
            flat = np.asarray(value).reshape(-1)
            if self.kind == "inference":  # training_mode: false, or the ratio (input `of`) 0
                ratio_zero = bool(self.of) and self.of in feeds and not np.any(np.asarray(feeds[self.of]) != 0)
                broken = bool(np.any(flat)) and not ratio_zero
            else:  # the ratio, with training_mode true
                broken = bool(np.any(flat != 0))
            if broken:
                return (f"input '{name}' holds {flat.tolist()}: {self.where} in training mode with a "
                        f"non-zero ratio is not supported yet (its output is random; inference only)")
            return None
        if self.kind == "nonzero":  # Slice steps
            flat = np.asarray(value).reshape(-1)
            if np.any(flat == 0):
                return f"input '{name}' holds {flat.tolist()}: the steps of {self.where} must be non-zero"
            return None
        if self.kind == "reshape":  # a Reshape target for input `of` (`dim`: allowzero)
            if self.of not in feeds:
                return None
            in_shape = np.shape(feeds[self.of])
            target = [int(v) for v in np.asarray(value).reshape(-1)]
            resolved = [in_shape[i] if v == 0 and not self.dim and i < len(in_shape) else v
                        for i, v in enumerate(target)]
            known = int(np.prod([v for v in resolved if v != -1]))
            total = int(np.prod(in_shape))
            if resolved.count(-1) == 1 and known > 0 and total % known == 0:
                resolved = [total // known if v == -1 else v for v in resolved]
            if any(v < 0 for v in resolved) or int(np.prod(resolved)) != total:
                return (f"input '{name}' holds {target}, which cannot reshape '{self.of}' of shape "
                        f"{tuple(in_shape)} ({total} elements): the target of {self.where}")
            return None
        if self.kind == "count":
            size = np.shape(feeds[self.of])[self.dim] if self.of in feeds else None
            for v in entries:
                if v < 0 or (size is not None and v > size):
                    return (f"input '{name}' holds {v}, outside [0, {size}]: {self.where} takes at most "
                            f"dim {self.dim} of '{self.of}' ({size}) elements")
            return None
        return None


def parse(text: str) -> ValueRule:
    return ValueRule(**json.loads(text))


def violations(rules_by_input: dict[str, Sequence[ValueRule]], feeds: dict) -> Optional[str]:
    """The first broken rule's message for ``feeds`` (name -> array), or None."""
    for name, rules in rules_by_input.items():
        if name not in feeds:
            continue
        for rule in rules:
            message = rule.check(name, feeds[name], feeds)
            if message is not None:
                return message
    return None

"""The tg op table: what the compiler knows about each tg op, in one place.

Derived from ``tg.irdl.mlir`` (the ops and their ``// ==== section: <name> ====``)
and the type-rule registrations of ``tg_rules/`` (``@type_rule(name, kind=...,
fold=..., splat=..., schedule=..., linalg_anchors=...)``), where each fact is
declared once, beside the op's type rule. Passes read the facts from here
instead of keeping their own lists of op names:

* ``tg-fuse-kernels``: the kernel class of each op (:func:`kernel_class`);
* ``tg-fold-constants``: the ONNX op type evaluating an op, and how it folds splats;
* ``sched-default``, ``sched-apply``, ``convert-tg-to-linalg``: the contraction
  anchors with a default schedule and the linalg ops their packed lowering makes.

Queries: :func:`op_info`, :func:`ops_of_class`, :func:`all_ops`.
"""
from __future__ import annotations

from typing import Optional

from polytile.dialects import tg
from polytile.dialects.tg import KERNEL_CLASSES, NO_FOLD, SPLAT_SAME, OpFacts  # noqa: F401 (re-exported)

__all__ = ["KERNEL_CLASSES", "NO_FOLD", "SPLAT_SAME", "OpFacts", "all_ops", "op_info", "ops_of_class",
           "kernel_class", "is_op", "anchors_with_schedule", "linalg_anchors"]


def _short(name: str) -> str:
    return name[3:] if name.startswith("tg.") else name


def all_ops() -> list[OpFacts]:
    """The facts of every tg op, in the order of tg.irdl.mlir."""
    return [tg._FACTS[name] for name in tg.SPEC.ops]


def is_op(name: str) -> bool:
    """Whether ``name`` (``"conv"`` or ``"tg.conv"``) is a tg op."""
    return _short(name) in tg.SPEC.ops


def op_info(name: str) -> OpFacts:
    """The facts of ``tg.<name>`` (``name`` with or without the ``tg.`` prefix);
    KeyError for a name that is not a tg op."""
    short = _short(name)
    if short not in tg.SPEC.ops:
        raise KeyError(f"tg.{short} is not a tg op")
    return tg._FACTS[short]


def ops_of_class(cls: str) -> frozenset[str]:
    """The short names of the tg ops of kernel class ``cls`` (one of KERNEL_CLASSES)."""
    if cls not in KERNEL_CLASSES:
        raise KeyError(f"'{cls}' is not a kernel class ({', '.join(KERNEL_CLASSES)})")
    return _BY_CLASS[cls]


def kernel_class(op_name: str) -> Optional[str]:
    """The kernel class of a full op name (``"tg.conv"`` -> ``"contraction"``);
    None for ops of other dialects."""
    if not op_name.startswith("tg."):
        return None
    facts = tg._FACTS.get(op_name[3:])
    return facts.kind if facts is not None else "opaque"


def anchors_with_schedule(schedule: Optional[str] = None) -> frozenset[str]:
    """Full names of the contraction anchors with a default schedule (of family
    ``schedule``, e.g. ``"matmul"`` or ``"conv"``, or of any family)."""
    return frozenset(f.full_name for f in all_ops()
                     if f.schedule is not None and (schedule is None or f.schedule == schedule))


def linalg_anchors(schedule: Optional[str] = None) -> tuple[str, ...]:
    """The linalg op names that the packed lowerings of those anchors make and that
    sched-apply anchors their schedules on."""
    found: list[str] = []
    for f in all_ops():
        if f.schedule is not None and (schedule is None or f.schedule == schedule):
            found.extend(n for n in f.linalg_anchors if n not in found)
    return tuple(found)


_BY_CLASS = {cls: frozenset(f.name for f in all_ops() if f.kind == cls) for cls in KERNEL_CLASSES}

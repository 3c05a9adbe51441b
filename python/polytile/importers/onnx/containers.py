"""Sequence and optional values of an ONNX graph, as the importer keeps them.

polytile has no run-time sequence or optional: the importer follows them at
compile time, in a side table of the ``GraphImporter`` (``containers``, beside
``constants`` and ``shape_values``), never as MLIR values. A sequence is a
Python tuple of tensors (MLIR values or numpy arrays), an optional a tensor, a
sequence or nothing. Each op on them (``rules/sequence.py``) is evaluated while
importing, so their lengths and positions must be known at compile time.

Not supported yet: sequences whose length is known only at run time (a
run-time position, a Loop with a run-time trip count that carries a sequence),
and sequence or optional graph inputs (their length or presence is known only
when the model runs).
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Union

import numpy as np

# The ONNX op types that read or make sequences and optionals; they are never
# folded by the reference evaluator (their values are not arrays).
OP_TYPES = frozenset({
    "SequenceConstruct", "SequenceEmpty", "SequenceAt", "SequenceInsert", "SequenceErase",
    "SequenceLength", "ConcatFromSequence", "SplitToSequence", "SequenceMap",
    "Optional", "OptionalHasElement", "OptionalGetElement"})


@dataclasses.dataclass(frozen=True)
class SequenceValue:
    """An ONNX sequence of compile-time length: its tensors (MLIR values or
    numpy arrays) and their numpy element type (None when not known, e.g. the
    elements of an empty sequence whose dtype could not be read)."""

    items: tuple
    dtype: Optional[np.dtype] = None

    kind = "sequence"


@dataclasses.dataclass(frozen=True)
class OptionalValue:
    """An ONNX optional: ``value`` is a tensor, a SequenceValue, or None when
    empty; ``of`` says what it may hold ("tensor", "sequence" or None when the
    model does not say)."""

    value: object = None
    of: Optional[str] = None

    kind = "optional"


Container = Union[SequenceValue, OptionalValue]


def is_container(value) -> bool:
    return isinstance(value, (SequenceValue, OptionalValue))


def flatten(value) -> tuple[object, list]:
    """(structure, tensors) of a tensor, sequence or optional: the structure is
    "tensor", ("sequence", n, dtype), ("optional", None) or ("optional",
    structure of the value), and the tensors are its leaves in order."""
    if isinstance(value, SequenceValue):
        return ("sequence", len(value.items), value.dtype), list(value.items)
    if isinstance(value, OptionalValue):
        if value.value is None:
            return ("optional", None), []
        inner, leaves = flatten(value.value)
        return ("optional", inner), leaves
    return "tensor", [value]


def unflatten(structure, leaves: list):
    """The value :func:`flatten` took apart, rebuilt from ``structure`` and new
    ``leaves`` (consumed from the front)."""
    if structure == "tensor":
        return leaves.pop(0)
    if structure[0] == "sequence":
        items = tuple(leaves.pop(0) for _ in range(structure[1]))
        return SequenceValue(items, structure[2])
    if structure[1] is None:
        return OptionalValue(None)
    inner = unflatten(structure[1], leaves)
    return OptionalValue(inner, "sequence" if isinstance(inner, SequenceValue) else "tensor")


def describe(value) -> str:
    """A few words on a container for messages: "a sequence of 3 tensors"."""
    if isinstance(value, SequenceValue):
        return f"a sequence of {len(value.items)} tensor{'' if len(value.items) == 1 else 's'}"
    if isinstance(value, OptionalValue):
        return "an empty optional" if value.value is None else f"an optional holding {describe(value.value)}"
    return "a tensor"

"""Shapes known only in part at compile time: dim symbols and symbolic shape values.

A model with dynamic dims computes shapes at run time (``Shape`` -> ``Gather``
-> ``Concat`` -> ``Reshape``, as exporters write ``x.view(b, s, 12, 64)``).
The importer follows such chains symbolically instead of importing them as
run-time ops:

* :class:`DimSymbols` names every dynamic dim. Graph-input dims are named by
  their ``dim_param`` (an unnamed one gets ``<input>:<index>``); ONNX shape
  inference names the dims of intermediates (``dim_param`` it propagated, or its
  ``unk__N``); a union-find merges the names that the importer proves equal
  (the dims of a reshape result are those of the shape value that made it).
* :class:`ShapeValue` is a 0-d or 1-d int tensor whose entries are ints or
  dim symbols (``None``: known only at run time, not a single dim, e.g. a
  product). ``Shape`` of a tensor with dynamic dims makes one; :func:`evaluate`
  carries it through ``Gather``, ``Unsqueeze``, ``Squeeze``, ``Concat``,
  ``Cast``, ``Slice``, ``Identity``, ``Reshape`` (to 1-d/0-d) and scalar
  ``Mul``/``Add``/``Sub``/``Div``.

Does not yet: import a shape value as a run-time tensor (an op other than those
above that takes one, e.g. ``ConstantOfShape`` or ``Expand`` with a dynamic
target, is rejected naming the node).
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Sequence, Union

import numpy as np

Entry = Union[int, str, None]


class DimSymbols:
    """Union-find over dim names: ``find`` gives the canonical name of a class."""

    def __init__(self):
        self._parent: dict[str, str] = {}

    def find(self, name: str) -> str:
        root = name
        while self._parent.get(root, root) != root:
            root = self._parent[root]
        while name != root:  # path compression
            self._parent[name], name = root, self._parent.get(name, name)
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # keep a graph-input name (no "unk__" prefix) as the representative
            if ra.startswith("unk__") and not rb.startswith("unk__"):
                ra, rb = rb, ra
            self._parent[rb] = ra

    def canonical(self, entry: Entry) -> Entry:
        return self.find(entry) if isinstance(entry, str) else entry


@dataclasses.dataclass(frozen=True)
class ShapeValue:
    """A 0-d (``scalar``) or 1-d int64 tensor whose entries are ints, dim symbols
    or None (known only at run time)."""

    entries: tuple[Entry, ...]
    scalar: bool = False

    @property
    def is_static(self) -> bool:
        return all(isinstance(e, int) for e in self.entries)

    def as_array(self) -> np.ndarray:
        array = np.asarray(self.entries, dtype=np.int64)
        return array.reshape(()) if self.scalar else array


class NotSymbolic(Exception):
    """The node cannot be evaluated symbolically (the message says why)."""


def _as_shape_value(value) -> ShapeValue:
    if isinstance(value, ShapeValue):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "iu" or array.ndim > 1:
        raise NotSymbolic(f"a {array.ndim}-d {array.dtype} operand")
    return ShapeValue(tuple(int(v) for v in array.reshape(-1)), scalar=array.ndim == 0)


def _result(entries: Sequence[Entry], scalar: bool = False):
    """A ShapeValue, or a plain numpy array when every entry is known."""
    value = ShapeValue(tuple(entries), scalar)
    return value.as_array() if value.is_static else value


def _ints(value, what: str) -> list[int]:
    value = _as_shape_value(value)
    if not value.is_static:
        raise NotSymbolic(f"{what} must be a compile-time constant")
    return [int(e) for e in value.entries]


def _arith(op: str, a: Entry, b: Entry) -> Entry:
    if isinstance(a, int) and isinstance(b, int):
        if op == "Mul":
            return a * b
        if op == "Add":
            return a + b
        if op == "Sub":
            return a - b
        if b == 0:
            raise NotSymbolic("division by zero")
        return a // b if (a >= 0) == (b > 0) else -((-a) // b)
    if op == "Mul" and (a == 1 or b == 1):
        return b if a == 1 else a
    if op in ("Add", "Sub") and b == 0:
        return a
    if op == "Div" and b == 1:
        return a
    return None


def evaluate(op_type: str, inputs: Sequence, attrs: dict):
    """The output of ``op_type`` on symbolic or constant ``inputs`` (None for a
    missing optional input): a ShapeValue, or a numpy array when fully known.
    Raises NotSymbolic when the op or its operands are outside what is tracked."""
    if op_type in ("Identity", "Cast"):
        if op_type == "Cast" and attrs.get("to") not in (6, 7):  # INT32, INT64
            raise NotSymbolic("a Cast of a shape to a non-integer type")
        return inputs[0]
    if op_type == "Gather":
        data = _as_shape_value(inputs[0])
        if int(attrs.get("axis", 0)) != 0 or data.scalar:
            raise NotSymbolic("a Gather of a shape along an axis other than 0")
        if isinstance(inputs[1], ShapeValue):
            raise NotSymbolic("a Gather of a shape with run-time indices")
        indices = np.asarray(inputs[1])
        n = len(data.entries)
        picked = [data.entries[int(i) + n if i < 0 else int(i)] for i in indices.reshape(-1)]
        return _result(picked, scalar=indices.ndim == 0)
    if op_type == "Unsqueeze":
        value = _as_shape_value(inputs[0])
        if not value.scalar:
            raise NotSymbolic("an Unsqueeze of a 1-d shape")
        return _result(value.entries)
    if op_type == "Squeeze":
        value = _as_shape_value(inputs[0])
        if value.scalar or len(value.entries) != 1:
            raise NotSymbolic("a Squeeze of a shape with more than one entry")
        return _result(value.entries, scalar=True)
    if op_type == "Reshape":
        value = _as_shape_value(inputs[0])
        target = _ints(inputs[1], "the target shape")
        if len(target) > 1:
            raise NotSymbolic("a Reshape of a shape to more than one dim")
        return _result(value.entries, scalar=len(target) == 0)
    if op_type == "Concat":
        entries: list[Entry] = []
        for v in inputs:
            entries.extend(_as_shape_value(v).entries)
        return _result(entries)
    if op_type == "Slice":
        value = _as_shape_value(inputs[0])
        starts = _ints(inputs[1], "the starts")
        ends = _ints(inputs[2], "the ends")
        steps = _ints(inputs[4], "the steps") if len(inputs) > 4 and inputs[4] is not None else [1]
        if len(starts) != 1 or len(ends) != 1 or len(steps) != 1:
            raise NotSymbolic("a Slice of a shape with several axes")
        return _result(list(value.entries)[slice(starts[0], ends[0], steps[0])])
    if op_type in ("Mul", "Add", "Sub", "Div"):
        a, b = (_as_shape_value(v) for v in inputs[:2])
        if len(a.entries) != len(b.entries):
            if len(b.entries) == 1:
                b = ShapeValue(b.entries * len(a.entries), a.scalar)
            elif len(a.entries) == 1:
                a = ShapeValue(a.entries * len(b.entries), b.scalar)
            else:
                raise NotSymbolic("shapes of different lengths")
        return _result([_arith(op_type, x, y) for x, y in zip(a.entries, b.entries)],
                       scalar=a.scalar and b.scalar)
    raise NotSymbolic(f"{op_type} of a shape known only at run time is not supported yet")


def reshape_target(symbols: DimSymbols, in_dims: Sequence[Entry], target: Sequence[Entry],
                   allowzero: bool) -> tuple[list[int], list[Entry]]:
    """ONNX Reshape's target resolved against an input with dynamic dims.

    ``in_dims``: the input's dims (ints, or canonical symbols for dynamic dims);
    ``target``: the target entries (ints, symbols, None). Returns the tg
    ``shape`` attribute (``-1`` where the result dim is dynamic) and the result's
    dim symbols. Raises NotSymbolic when the result cannot be lowered faithfully:
    more than one dynamic result dim that is not the same dim of the input (in
    the same order) as the lowering's expand/collapse matching assumes."""
    out: list[Entry] = []
    for i, entry in enumerate(target):
        entry = symbols.canonical(entry)
        if entry == 0 and not allowzero:
            if i >= len(in_dims):
                raise NotSymbolic(f"shape entry {i} is 0 but the input has rank {len(in_dims)}")
            entry = in_dims[i]
        out.append(entry)
    if out.count(-1) > 1:
        raise NotSymbolic("more than one -1 in the target shape")
    if -1 in out:
        known = [e for e in out if e != -1]
        if all(isinstance(e, int) for e in known) and all(isinstance(e, int) for e in in_dims):
            total, part = int(np.prod(in_dims)), int(np.prod(known))
            if part == 0 or total % part:
                raise NotSymbolic(f"cannot reshape {list(in_dims)} into {list(target)}")
            out[out.index(-1)] = total // part
        else:
            out[out.index(-1)] = None
    dynamic = [e for e in out if not isinstance(e, int)]
    if len(dynamic) > 1:
        in_dynamic = [e for e in in_dims if not isinstance(e, int)]
        if dynamic != in_dynamic or None in dynamic:
            raise NotSymbolic(f"the target {_show(out)} has several dims known only at run time that are "
                              f"not the input's dynamic dims {_show(in_dims)} in the same order")
    attribute = [e if isinstance(e, int) else -1 for e in out]
    return attribute, out


def _show(entries: Sequence[Entry]) -> str:
    return "[" + ", ".join("?" if e is None else str(e) for e in entries) + "]"

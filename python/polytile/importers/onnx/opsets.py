"""Which versions of an ONNX op the importer reads, and why.

The import rules and the tg dialect follow ONNX's definitions as of opset
``BASE_OPSET`` (23). Models of newer opsets (up to ``MAX_OPSET``) are read node
by node: ONNX gives every change of an op a new version, so a node of a newer
opset is imported by the opset-23 rule when its op has no newer version, or
when every newer version up to the model's changes nothing for the element
types polytile supports. A change counts as harmless when the version keeps the
inputs, outputs, attributes and the text of the definition, and only widens
(or narrows) the element types it allows: a new type reaches the importer's
type checks as any unsupported type does. The few changes whose text changed
without changing the semantics of polytile's types are listed, with the
reason, in ``REVIEWED``.

Versions whose semantics did change get rules of their own (``@rule(op,
since=N)``: signed ``BitShift`` and float ``Mod`` at 28, ``SpaceToDepth``'s
``mode`` at 28, ``Attention``'s new inputs at 24 and 25, ...), or are imported
through the op's ONNX function body (``functions.py``).
"""
from __future__ import annotations

from typing import Optional

import onnx

MIN_OPSET = 7
BASE_OPSET = 23
MAX_OPSET = 28

# (op type, version): why the change of the definition text leaves the
# semantics of the element types polytile supports alone.
REVIEWED = {
    ("Cast", 24): "adds float8e8m0 and its round_mode attribute (float8e8m0 only); the table of "
                  "float8 special values changes for the fnuz types only",
    ("CastLike", 24): "adds float8e8m0 and its round_mode attribute (float8e8m0 only)",
    ("QuantizeLinear", 25): "adds the int2/uint2 ranges",
}


def schema(op_type: str, opset: int, domain: str = "") -> Optional[onnx.defs.OpSchema]:
    """The definition of ``op_type`` in force at ``opset``, or None."""
    try:
        return onnx.defs.get_schema(op_type, opset, domain)
    except Exception:  # unknown op, or none at that opset
        return None


def since_version(op_type: str, opset: int, domain: str = "") -> Optional[int]:
    found = schema(op_type, opset, domain)
    return found.since_version if found is not None else None


def _signature(s: onnx.defs.OpSchema) -> dict:
    return {
        "inputs": [(p.name, str(p.option)) for p in s.inputs],
        "outputs": [(p.name, str(p.option)) for p in s.outputs],
        "attributes": sorted((name, str(a.type), a.required) for name, a in s.attributes.items()),
        "doc": s.doc,
    }


def _version_change(op_type: str, version: int, domain: str = "") -> Optional[str]:
    """None when ``version`` of ``op_type`` changes only its element types (or was
    reviewed as harmless), else what it changes."""
    if (op_type, version) in REVIEWED:
        return None
    new = schema(op_type, version, domain)
    old = schema(op_type, version - 1, domain)
    if new is None or old is None:
        return "a new op type"
    before, after = _signature(old), _signature(new)
    changed = [key for key in before if before[key] != after[key]]
    if not changed:
        return None
    if changed == ["doc"]:
        return "its definition"
    return " and ".join("its " + key for key in changed if key != "doc")


def changes_after_base(op_type: str, version: int, domain: str = "") -> Optional[str]:
    """What the versions of ``op_type`` after BASE_OPSET, up to ``version``, change
    that matters to polytile; None when nothing does."""
    current = version
    while current is not None and current > BASE_OPSET:
        change = _version_change(op_type, current, domain)
        if change is not None:
            return f"version {current} changes {change}"
        current = since_version(op_type, current - 1, domain)
    return None

"""The table of ONNX import rules, by op type and opset range.

A rule is ``fn(node: NodeContext) -> list[Value | numpy.ndarray]``: one entry
per ONNX output, a numpy array meaning the output is a compile-time constant.
Register with ``@rule("Relu")`` (all opsets) or ``@rule("Reshape", since=5)``;
a later registration for a higher ``since`` takes over from that opset on.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Optional

Rule = Callable[..., list]


@dataclasses.dataclass(frozen=True)
class RuleEntry:
    op_type: str
    since: int
    until: Optional[int]
    fn: Rule


_RULES: dict[str, list[RuleEntry]] = {}


def rule(op_type: str, since: int = 1, until: Optional[int] = None, domain: str = "") -> Callable[[Rule], Rule]:
    """Register ``fn`` as the import rule of ``op_type`` for opsets [since, until]."""

    def register(fn: Rule) -> Rule:
        key = _key(domain, op_type)
        _RULES.setdefault(key, []).append(RuleEntry(op_type, since, until, fn))
        _RULES[key].sort(key=lambda e: e.since)
        return fn

    return register


def _key(domain: str, op_type: str) -> str:
    return f"{'' if domain in ('', 'ai.onnx') else domain}::{op_type}"


def lookup(op_type: str, opset: int, domain: str = "") -> Optional[Rule]:
    """The rule for ``op_type`` at ``opset``, or None."""
    _ensure_loaded()
    best = None
    for entry in _RULES.get(_key(domain, op_type), []):
        if entry.since <= opset and (entry.until is None or opset <= entry.until):
            best = entry
    return best.fn if best else None


def rule_since(op_type: str, opset: int, domain: str = "") -> int:
    """The first opset of the rule used for ``op_type`` at ``opset`` (-1 if none)."""
    _ensure_loaded()
    best = -1
    for entry in _RULES.get(_key(domain, op_type), []):
        if entry.since <= opset and (entry.until is None or opset <= entry.until):
            best = entry.since
    return best


def supported_op_types(domain: str = "") -> list[str]:
    _ensure_loaded()
    prefix = _key(domain, "")
    return sorted(k[len(prefix):] for k in _RULES if k.startswith(prefix))


def _ensure_loaded() -> None:
    from polytile.importers.onnx import rules  # noqa: F401  (registers every rule)

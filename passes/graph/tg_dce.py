"""tg-dce: remove tg ops whose results are unused.

Every tg op is free of side effects, but IRDL-defined ops count as side-effecting
to upstream MLIR, so `canonicalize` and `cse` never erase them; this pass does.
Ops are visited in reverse order so whole dead chains go in one run.

Does not yet: remove unused function arguments or dead ops of other dialects.
"""
from __future__ import annotations

from mlir import ir

from polytile.pass_registry import register_pass

from polytile.passes.common.walk import has_uses, ops_in


@register_pass("tg-dce", name="TgDCE")
def run(root: ir.Operation, options) -> None:
    """Remove tg ops whose results are unused (IRDL ops look side-effecting to upstream DCE)."""
    for op in reversed(ops_in(root, "tg.")):
        if not has_uses(op):
            op.erase()

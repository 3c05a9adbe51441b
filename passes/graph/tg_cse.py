"""tg-cse: common-subexpression elimination for tg ops.

Two tg ops are the same expression when they have the same name, the same
operand values, the same attributes and the same result types; the later one
is replaced by the earlier one, which dominates it, and erased. Identical
``tg.constant`` ops merge too (attributes are uniqued, so this is cheap). IRDL
ops count as side-effecting to MLIR, so upstream `cse` leaves them alone.

Ops are visited in order, so once an op is merged its users can merge in the
same run. An op inside a region of an ``scf``/``affine`` op can reuse an
equivalent op before it in an enclosing block; other regions (functions,
modules, unknown ops that may be isolated from above) and the blocks of a
multi-block region only see their own ops.

Not merged: random ops (each produces fresh values) and tg ops with regions.
Does not yet: merge commutative operands written in another order
(``add(a, b)`` vs ``add(b, a)``), or ops of other dialects (upstream `cse`).
"""
from __future__ import annotations

from collections import ChainMap

from mlir import ir

from polytile.pass_registry import register_pass

# Ops whose regions see the values of the enclosing block (not isolated from above).
_TRANSPARENT_REGION_PREFIXES = ("scf.", "affine.")
_RANDOM_MARKERS = ("random", "bernoulli", "multinomial")


@register_pass("tg-cse", name="TgCSE")
def run(root: ir.Operation, options) -> None:
    """Merge identical tg ops (same name, operands, attributes, result types)."""
    for region in root.regions:
        for block in region.blocks:
            _cse_block(block, ChainMap())


def _cse_block(block: ir.Block, known: ChainMap) -> None:
    for op in list(block.operations):
        op = op.operation
        if _mergeable(op):
            key = _key(op)
            earlier = known.get(key)
            if earlier is not None:
                for result, replacement in zip(op.results, earlier.results):
                    result.replace_all_uses_with(replacement)
                op.erase()
                continue
            known[key] = op
        for region in op.regions:
            for inner in region.blocks:
                inherit = op.name.startswith(_TRANSPARENT_REGION_PREFIXES) and _single_block(region)
                _cse_block(inner, known.new_child() if inherit else ChainMap())


def _single_block(region: ir.Region) -> bool:
    blocks = iter(region.blocks)
    return next(blocks, None) is not None and next(blocks, None) is None


def _mergeable(op: ir.Operation) -> bool:
    name = op.name
    return (name.startswith("tg.") and len(op.regions) == 0
            and not any(m in name for m in _RANDOM_MARKERS))


def _key(op: ir.Operation) -> tuple:
    attributes = tuple(sorted((name, op.attributes[name]) for name in op.attributes))
    return (op.name, tuple(op.operands), attributes, tuple(r.type for r in op.results))

"""tg-remove-identity: replace ``tg.identity`` and ``tg.dropout`` by their input.

Both ops forward their operand unchanged (dropout is inference-only in tg), and
their type rules give the result the operand's type, so every use can take the
operand directly. The ops are erased.

Does not yet: remove other ops that happen to be identities for given
attributes (``tg.transpose`` with the identity permutation and same-type
reshapes are `tg-canonicalize`'s business).
"""
from __future__ import annotations

from mlir import ir

from polytile.pass_registry import register_pass

from polytile.passes.common.walk import ops_in, replace_op

_FORWARDING_OPS = ("tg.identity", "tg.dropout")


@register_pass("tg-remove-identity")
def run(root: ir.Operation, options) -> None:
    """Replace tg.identity and tg.dropout (inference) by their input."""
    for op in ops_in(root, "tg."):
        if op.name in _FORWARDING_OPS:
            replace_op(op, [op.operands[0]])

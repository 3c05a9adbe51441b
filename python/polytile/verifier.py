"""Whole-IR verification: MLIR's structural and IRDL verifier, then polytile's
semantic verifiers (what IRDL cannot express: element types, ranks, shapes).

Errors are emitted as MLIR diagnostics at the offending op's location, so the
CLI prints them as ``file:line:col: error: ...`` and ``--verify-diagnostics``
can match them.
"""
from __future__ import annotations

from mlir import ir

from polytile.dialects import DIALECTS


def semantic_errors(root: ir.Operation) -> list[tuple[ir.Operation, str]]:
    """Every polytile-dialect op under ``root`` that breaks its semantic rules."""
    found: list[tuple[ir.Operation, str]] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        dialect = DIALECTS.get(op.name.split(".", 1)[0])
        if dialect is not None:
            message = dialect.verify_op(op)
            if message is not None:
                found.append((op, message))
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


def verify_semantics(root: ir.Operation) -> bool:
    """Emit an error diagnostic per semantic violation under ``root``; True if none."""
    errors = semantic_errors(root)
    for op, message in errors:
        op.location.emit_error(message)
    return not errors


def verify(root: ir.Operation) -> bool:
    """Structural/IRDL verification, then semantic verification. Errors go to the
    context's diagnostic handlers; returns True when the IR is valid."""
    try:
        root.verify()
    except ir.MLIRError as error:
        # The bindings captured the diagnostics; re-emit them so handlers see them.
        for diag in error.error_diagnostics:
            diag.location.emit_error(diag.message)
        return False
    return verify_semantics(root)

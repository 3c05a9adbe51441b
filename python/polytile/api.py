"""Parsing and verifying IR from Python, with errors raised as typed exceptions."""
from __future__ import annotations

from typing import Optional

from mlir import ir

from polytile import verifier
from polytile.context import create_context
from polytile.diagnostics import Diagnostic, DiagnosticCollector, ParseError, VerificationError
from polytile.source import SourceError, parse_module


def parse(text: str, context: Optional[ir.Context] = None, *,
          source_name: str = "<string>") -> ir.OpView:
    """Parse and verify ``text`` (MLIR, semantic checks included) into a
    ``builtin.module`` op, wrapping top-level ops in a module as mlir-opt does.

    Raises :class:`ParseError` or :class:`VerificationError`, each carrying the
    diagnostics with their ``source_name:line:col`` locations.
    """
    context = context or create_context()
    with DiagnosticCollector(context) as diags:
        try:
            op = parse_module(text, source_name, 1, context)
        except SourceError as e:
            errors = diags.take() + e.diagnostics
            if _from_verifier(errors):
                raise VerificationError(f"{source_name} failed verification", errors) from None
            raise ParseError(f"could not parse {source_name}", errors) from None
        if not verifier.verify_semantics(op):
            raise VerificationError(f"{source_name} failed verification", diags.take())
    return op.opview


def _from_verifier(errors: list[Diagnostic]) -> bool:
    """Whether parsing failed in the verifier MLIR runs after a successful parse.
    The bindings cannot parse without verifying; the verifier reports errors on
    ops, which carry a "see current operation" note, syntax errors never do."""
    return any(note.message.startswith("see current operation:")
               for d in errors for note in d.notes)


def verify(module, context: Optional[ir.Context] = None) -> None:
    """Verify a module (structure, IRDL, semantics); raises VerificationError."""
    op = module.operation
    with DiagnosticCollector(op.context) as diags:
        if not verifier.verify(op):
            raise VerificationError("verification failed", diags.take())

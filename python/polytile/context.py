"""Creating MLIR contexts with every upstream dialect and polytile's dialects loaded."""
from __future__ import annotations

from mlir import ir

from polytile.dialects import DIALECTS


def create_context(*, allow_unregistered_dialects: bool = False,
                   multithreading: bool = True) -> ir.Context:
    """A fresh context: upstream dialects (registered by the bindings) plus the
    IRDL-defined polytile dialects."""
    context = ir.Context()
    context.allow_unregistered_dialects = allow_unregistered_dialects
    context.enable_multithreading(multithreading)
    for dialect in DIALECTS.values():
        dialect.load(context)
    return context

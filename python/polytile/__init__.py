"""polytile: a Python-first, MLIR-based multi-level compiler for deep-learning models.

Public API (more arrives with the importer and runtime):

* :func:`create_context` — an MLIR context with upstream and polytile dialects;
* :func:`parse` — text to a verified module;
* :class:`Pipeline` — build, print, run and time pass pipelines mixing upstream
  and polytile passes;
* :func:`register_pass` — write a pass in Python;
* :class:`PolytileError` and subclasses — typed errors carrying diagnostics.
"""
__version__ = "0.1.0"

from polytile.api import parse, verify  # noqa: E402
from polytile.compiler import CompiledModel, InputError, compile  # noqa: E402
from polytile.context import create_context  # noqa: E402
from polytile.importers.onnx import OnnxImportError  # noqa: E402
from polytile.diagnostics import (Diagnostic, ParseError, PassFailure,  # noqa: E402
                                  PassPipelineError, PolytileError, VerificationError)
from polytile.pass_registry import PassError, register_pass  # noqa: E402
from polytile.pipeline import Pipeline, RunOptions  # noqa: E402

__all__ = [
    "CompiledModel", "Diagnostic", "InputError", "OnnxImportError", "compile", "ParseError", "PassError", "PassFailure", "PassPipelineError", "Pipeline",
    "PolytileError", "RunOptions", "VerificationError", "create_context", "parse",
    "register_pass", "verify",
]

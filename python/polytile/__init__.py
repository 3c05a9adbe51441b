"""polytile: a Python-first, MLIR-based multi-level compiler for deep-learning models.

Public API:

* :func:`compile` — ONNX model -> :class:`CompiledModel` (``.run(feeds)`` like
  onnxruntime), or the IR of a stage with ``emit=``;
* :func:`load` — a model library of ``polytile-compile --emit=lib`` -> a model with
  the same ``run``/``inputs``/``outputs`` (``polytile.aot``);
* :func:`create_context` — an MLIR context with upstream and polytile dialects;
* :func:`parse` / :func:`verify` — text to a verified module;
* :class:`Pipeline` — build, print, run and time pass pipelines mixing upstream
  and polytile passes;
* :func:`register_pass` — write a pass in Python;
* :class:`PolytileError` and subclasses — typed errors carrying diagnostics.

Names are imported on first use, so ``import polytile`` (and every CLI's
``--help``) does not load MLIR.
"""
import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "parse": "polytile.api", "verify": "polytile.api",
    "CompiledModel": "polytile.compiler", "InputError": "polytile.compiler", "compile": "polytile.compiler",
    "create_context": "polytile.context", "load": "polytile.aot",
    "OnnxImportError": "polytile.importers.onnx",
    "Diagnostic": "polytile.diagnostics", "ParseError": "polytile.diagnostics",
    "PassFailure": "polytile.diagnostics", "PassPipelineError": "polytile.diagnostics",
    "PolytileError": "polytile.diagnostics", "VerificationError": "polytile.diagnostics",
    "PassError": "polytile.pass_registry", "register_pass": "polytile.pass_registry",
    "Pipeline": "polytile.pipeline", "RunOptions": "polytile.pipeline",
    "ResourceError": "polytile.resources", "CompilerCrash": "polytile.isolation",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'polytile' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)

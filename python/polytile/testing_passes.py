"""Test-only passes that kill the process on purpose, to test crash isolation
(``polytile.isolation``).

They are not in polytile's pass registry (``polytile.passes``) nor in
``--list-passes``: importing this module registers them, which
``polytile-opt --load-pass-module=polytile.testing_passes`` does (as mlir-opt's
``--load-pass-plugin`` loads a plugin's passes). Never load it in a process that
must survive: run them under ``--isolate`` / ``polytile.compile(..., isolate=True)``.

* ``test-abort``: ``os.abort()``, what an LLVM assertion ends in (SIGABRT);
* ``test-abort-in-cpp``: a real assertion in an upstream C++ pass: it hands
  ``finalize-memref-to-llvm`` an ``i1`` memref load, which that pattern asserts on
  (``integralElementType.getWidth() >= 8``), in a scratch module;
* ``test-exit``: ends the process with ``os._exit(code)`` (no signal, no result).
"""
from __future__ import annotations

import dataclasses
import os
import sys

from mlir import ir, passmanager

from polytile.pass_registry import option, register_pass

# The IR an upstream C++ pattern asserts on (memref-to-LLVM lowers i1 loads only
# through widening, see linalg-widen-bool-tensors).
_ASSERTING_IR = """
func.func @load(%m: memref<4xi1>, %i: index) -> i1 {
  %v = memref.load %m[%i] : memref<4xi1>
  return %v : i1
}
"""


@register_pass("test-abort")
def test_abort(root: ir.Operation, options) -> None:
    """Test only: abort the process (SIGABRT), as a failed LLVM assertion does."""
    _flush()
    os.abort()


@register_pass("test-abort-in-cpp")
def test_abort_in_cpp(root: ir.Operation, options) -> None:
    """Test only: trip an assertion in an upstream C++ pass (finalize-memref-to-llvm on an i1 load)."""
    _flush()
    scratch = ir.Module.parse(_ASSERTING_IR, root.context)
    pm = passmanager.PassManager.parse("builtin.module(finalize-memref-to-llvm)", root.context)
    pm.run(scratch.operation)
    # This MLIR build no longer asserts there (or has assertions off): abort anyway,
    # so that tests relying on this pass keep testing a crash.
    os.abort()


@dataclasses.dataclass(frozen=True)
class ExitOptions:
    code: int = option(3, "The exit status")


@register_pass("test-exit", options=ExitOptions)
def test_exit(root: ir.Operation, options: ExitOptions) -> None:
    """Test only: end the process with an exit status, without a signal or a result."""
    _flush()
    os._exit(options.code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass

"""The catalog of upstream MLIR passes available through the Python bindings.

Whether a name is an upstream pass is asked of the bindings themselves (a
scratch ``PassManager.add``). Descriptions and options for ``--list-passes``
come from ``mlir-opt --list-passes`` of the same pinned MLIR build, keeping
only the passes the bindings register (test passes are dropped).
"""
from __future__ import annotations

import functools
import re
import subprocess

from mlir import ir, passmanager

from polytile import toolchain

_PASS_LINE = re.compile(r"^  --([A-Za-z0-9_.-]+)")


def is_upstream_pass(name: str, context: ir.Context) -> bool:
    """True if ``name`` is a pass or pass pipeline registered in the bindings."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        return False
    with context:
        pm = passmanager.PassManager("builtin.module")
        try:
            pm.add(name)
            return True
        except ValueError as e:
            return "does not refer to a registered pass" not in str(e)


@functools.lru_cache(maxsize=1)
def _mlir_opt_listing() -> str:
    try:
        result = subprocess.run([toolchain.mlir_opt(), "--list-passes"], capture_output=True,
                                text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        return f"  (upstream pass list unavailable: {e})\n"
    return result.stdout


def listing_text() -> str:
    """mlir-opt's pass listing (without its 'Passes:' header), restricted to the
    passes the bindings know."""
    context = ir.Context()
    keep = False
    out = []
    for line in _mlir_opt_listing().splitlines():
        if line.strip() == "Passes:":
            continue
        m = _PASS_LINE.match(line)
        if m:
            keep = is_upstream_pass(m.group(1), context)
        if keep:
            out.append(line)
    return "\n".join(out) + "\n"


@functools.lru_cache(maxsize=1)
def mlir_version_line() -> str:
    try:
        result = subprocess.run([toolchain.mlir_opt(), "--version"], capture_output=True,
                                text=True, timeout=60)
        for line in result.stdout.splitlines():
            if "LLVM version" in line:
                return "MLIR/" + line.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "MLIR/LLVM version unknown"

"""The compiler's stage pipelines, as plain recipes: one pass per line.

Stages (see DESIGN.md): ``tg`` (imported graph, after graph passes) ->
``linalg`` (tensors, structured ops, with a memref entry point) -> ``affine``
(bufferized loops) -> ``llvm`` (LLVM dialect, ready for the JIT or AOT).
"""
from __future__ import annotations

from typing import Optional

STAGES = ("tg", "linalg", "affine", "llvm")

ENTRY_POINT = "polytile_entry"


def tg_graph_passes() -> list[str]:
    """Graph-level cleanups on tg: forwarding ops go first so that folding sees
    through them; folding exposes conv+batchnorm pairs and simplifications; CSE
    merges what is left identical; DCE removes everything made dead."""
    return [
        "tg-remove-identity",
        "tg-fold-constants",
        "tg-fold-batchnorm-into-conv",
        "tg-canonicalize",
        "tg-cse",
        "tg-dce",
    ]


def tg_to_linalg() -> list[str]:
    """Lower tg to linalg on tensors and expose a memref entry point."""
    return [
        "convert-tg-to-linalg",
        f"func-add-memref-entry{{entry-name={ENTRY_POINT}}}",
        "linalg-widen-bool-tensors",
        "inline",
        "symbol-dce",
        "canonicalize",
        "cse",
        "func.func(linalg-fuse-elementwise-ops)",
        "func.func(linalg-generalize-named-ops)",
        "linalg-interchange-for-locality",
    ]


def linalg_to_affine() -> list[str]:
    """Bufferize (writing results into the caller's buffers, freeing temporaries)
    and turn structured ops into affine loops."""
    return [
        "eliminate-empty-tensors",
        # After the last tensor-level canonicalize, which would fold it back.
        "arith-flatten-tensor-constants",
        "one-shot-bufferize{bufferize-function-boundaries=false}",
        "canonicalize",
        "cse",
        "buffer-deallocation-pipeline",
        "func.func(convert-linalg-to-affine-loops)",
        "convert-bufferization-to-memref",
        "canonicalize",
        "func-outline-loop-nests",
    ]


def affine_to_llvm() -> list[str]:
    """Lower loops, memrefs, math and arith to the LLVM dialect."""
    return [
        "lower-affine",
        "convert-scf-to-cf",
        "expand-strided-metadata",
        "lower-affine",
        "finalize-memref-to-llvm",
        "convert-math-to-llvm",
        "convert-math-to-libm",
        "convert-arith-to-llvm",
        "convert-index-to-llvm",
        "convert-func-to-llvm",
        "convert-cf-to-llvm",
        "reconcile-unrealized-casts",
    ]


def polyhedral_step(options: str) -> list[str]:
    """Polyhedral scheduling of the affine loop nests (``options`` as for
    ``affine-polyhedral-schedule``), run at the start of the affine stage."""
    return [f"affine-polyhedral-schedule{{{options}}}" if options else "affine-polyhedral-schedule"]


def stage_passes(start: str, stop: str, polyhedral: Optional[str] = None) -> list[str]:
    """The passes that take IR from stage ``start`` to stage ``stop``;
    ``polyhedral`` (an options string, "" for the defaults) adds the
    polyhedral scheduler to the affine stage."""
    steps = {"tg": tg_to_linalg, "linalg": linalg_to_affine, "affine": affine_to_llvm}
    i, j = STAGES.index(start), STAGES.index(stop)
    passes: list[str] = []
    for stage in STAGES[i:j]:
        if stage == "affine" and polyhedral is not None:
            passes.extend(polyhedral_step(polyhedral))
        passes.extend(steps[stage]())
    return passes

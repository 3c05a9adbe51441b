"""Polyhedral optimization of affine loop nests with isl (islpy).

Python API::

    from polytile import polyhedral
    for scop, deps in polyhedral.analyze(func_op): ...        # dependences
    polyhedral.optimize(func_op, tile_sizes=(32,), fusion="smart", parallelize=True)

Modules: ``extract`` (affine.for nests -> isl domains, accesses, original
schedule), ``deps`` (flow/anti/output dependences), ``schedule`` (isl
scheduler, fusion strategies, tiling), ``codegen`` (isl AST -> affine loops).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from mlir import ir

from polytile.polyhedral import codegen, deps, extract, schedule  # noqa: F401
from polytile.polyhedral.extract import NotAffine, Scop  # noqa: F401  (re-exported)


@dataclasses.dataclass
class Skipped:
    """A loop nest left alone, and why."""

    op: ir.Operation
    reason: str


def _body_blocks(fn: ir.Operation) -> list:
    return [b for r in fn.regions for b in r.blocks]


def analyze(fn: ir.Operation, skipped: Optional[list] = None) -> list:
    """(Scop, Dependences) for each SCoP of function ``fn``; nests that are not
    affine are appended to ``skipped`` as :class:`Skipped`."""
    out = []
    for block in _body_blocks(fn):
        for loops in extract.find_scops(block):
            for part in _split_affine(loops, skipped):
                out.append((part, deps.compute(part)))
    return out


def _split_affine(loops: list, skipped: Optional[list]) -> list:
    """SCoPs of a run of loops: the whole run, or, if some nest in it is not
    affine, the runs of affine nests around it."""
    try:
        return [extract.extract(loops)]
    except NotAffine:
        pass
    scops, current = [], []
    for loop in loops:
        try:
            extract.extract([loop])
            current.append(loop)
        except NotAffine as e:
            if skipped is not None:
                skipped.append(Skipped(e.op or loop, str(e)))
            if current:
                scops.append(extract.extract(current))
            current = []
    if current:
        scops.append(extract.extract(current))
    return scops


def optimize(fn: ir.Operation, tile_sizes: tuple = (32,), fusion: str = "smart",
             parallelize: bool = True, skipped: Optional[list] = None,
             interchange: bool = True, outer_parallel: bool = True,
             tile_inner: bool = False) -> int:
    """Reschedule every SCoP of ``fn`` in place; returns how many were rewritten."""
    count = 0
    for scop, dependences in analyze(fn, skipped):
        tree = schedule.compute(scop, dependences, fusion, outer_parallel)
        if interchange:
            tree = schedule.interchange_for_locality(tree, scop)
        tree = schedule.tile(tree, tuple(tile_sizes), tile_inner)
        ast = codegen.build_ast(scop, tree, dependences)
        try:
            items = codegen.lower_ast(ast)
        except codegen.Unsupported as e:
            if skipped is not None:
                skipped.append(Skipped(scop.loops[0], f"code generation: {e}"))
            continue
        codegen.generate(scop, items, parallelize)
        count += 1
    return count

"""affine-polyhedral-schedule: reschedule affine loop nests with isl.

For every static control part of every function (see
``polytile.polyhedral.extract``): compute the exact dependences, a new schedule
with isl's scheduler under the chosen fusion strategy (by default asking
for an outermost parallel member in each band, ``outer-parallel``; with
``outer-parallel=false`` stencils get time-skewed, Pluto-style) (``none``: keep the
original nests apart; ``smart``: isl's incremental fusion; ``max``: fuse whole
components), tile its permutable bands (``tile-sizes``, the last size repeats;
``0`` for no tiling), and regenerate ``affine.for``/``affine.if`` loops from the
isl AST, with the outermost dependence-free loop of each nest as an
``affine.parallel`` when ``parallelize`` is set. Before tiling, each innermost
permutable band puts last the member along which most accesses are unit-stride
or invariant (``interchange``; legal since the band is permutable). Every schedule respects all
flow, anti and output dependences, so illegal fusion or tiling is never done.

Nests that are not affine (or whose AST has no affine form) are left alone;
``remarks=true`` reports them on stderr. Does not yet: reductions via
``iter_args``, ``affine.if`` in the input, parallel reductions.
"""
from __future__ import annotations

import dataclasses

from mlir import ir

from polytile.pass_registry import PassError, option, register_pass
from .affine_polyhedral_deps import functions, report_skipped  # noqa: F401


@dataclasses.dataclass(frozen=True)
class Options:
    tile_sizes: tuple[int, ...] = option((32,), "Tile size per band member (last repeats); 0: no tiling")
    fusion: str = option("smart", "Fusion strategy: none, smart or max")
    parallelize: bool = option(True, "Emit affine.parallel for the outermost parallel loop")
    interchange: bool = option(True, "Put the member with unit-stride accesses innermost in each innermost permutable band")
    outer_parallel: bool = option(True, "Make the outermost member of each band parallel where possible (no time skewing of stencils)")
    remarks: bool = option(False, "Report nests left alone on stderr")


@register_pass("affine-polyhedral-schedule", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Fuse, tile and parallelize affine loop nests with isl's scheduler (legality from dependences)."""
    from polytile import polyhedral

    if options.fusion not in polyhedral.schedule.FUSIONS:
        raise PassError(f"fusion must be none, smart or max, got '{options.fusion}'", root)
    sizes = tuple(options.tile_sizes)
    if sizes and all(t == 0 for t in sizes):
        sizes = ()
    if any(t <= 0 for t in sizes):
        raise PassError("tile sizes must be positive (or a single 0 for no tiling)", root)
    for fn in functions(root):
        skipped: list = []
        polyhedral.optimize(fn, sizes, options.fusion, options.parallelize, skipped,
                           options.interchange, options.outer_parallel)
        if options.remarks:
            report_skipped(skipped)

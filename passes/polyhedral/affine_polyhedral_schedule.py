"""affine-polyhedral-schedule: reschedule affine loop nests with isl.

For every static control part of every function (see
``polytile.polyhedral.extract``):

1. compute the exact flow, anti and output dependences;
2. compute a new schedule with isl's scheduler under the fusion strategy
   (``none``: keep the original nests apart; ``smart``: isl's incremental
   fusion; ``max``: fuse whole components). With ``outer-parallel`` (default)
   isl makes the outermost member of each band parallel where it can, so
   stencils keep a serial time loop; ``outer-parallel=false`` lets it time-skew
   them, Pluto-style;
3. in each innermost permutable band put last the member along which most
   accesses are unit-stride or invariant (``interchange``; legal since the band
   is permutable);
4. tile the permutable bands of two or more members (``tile-sizes``, the last
   size repeats; ``0`` for no tiling). The innermost member of an innermost
   band is left untiled (long unit-stride inner loops vectorize better; a band
   is tiled only if two members remain) unless ``tile-inner``;
5. regenerate ``affine.for``/``affine.if`` loops from the isl AST, the
   outermost dependence-free loop of each nest becoming an ``affine.parallel``
   when ``parallelize`` is set.

Every schedule respects all dependences, so an illegal fusion, interchange or
tiling is never done. Nests that are not affine (or whose AST has no affine
form) are left alone; ``remarks=true`` reports them on stderr. Does not yet:
reductions via ``iter_args``, ``affine.if`` in the input, parallel reductions,
choose tile sizes by a cost model.
"""
from __future__ import annotations

import dataclasses

from mlir import ir

from polytile.pass_registry import PassError, register_pass
from polytile.passes.polyhedral.affine_polyhedral_deps import functions, report_skipped  # noqa: F401


# The options live next to the scheduler (sched_rules checks a sched.polyhedral step's
# options with them, and a dialect module must not import a pass module).
from polytile.polyhedral.options import Options  # noqa: E402


def _tag_of(fn: ir.Operation):
    found = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if "sched.polyhedral" in op.attributes:
            found.append(ir.StringAttr(op.attributes["sched.polyhedral"]).value)
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    fn.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found[0] if found else None


def _run_tagged(root: ir.Operation, options: Options) -> None:
    from polytile.pass_registry import parse_options
    for fn in functions(root):
        tag = _tag_of(fn)
        if tag is None:
            continue
        try:
            fn_options = parse_options(Options, tag, "affine-polyhedral-schedule")
        except Exception as e:  # checked by sched-verify already; report where it came from
            raise PassError(f"bad sched.polyhedral options '{tag}': {e}", fn) from None
        _schedule(fn, dataclasses.replace(fn_options, tagged_only=False, remarks=options.remarks))


@register_pass("affine-polyhedral-schedule", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Fuse, tile and parallelize affine loop nests with isl's scheduler (legality from dependences)."""
    if options.tagged_only:
        _run_tagged(root, options)
        return
    for fn in functions(root):
        _schedule(fn, options, root)


def _schedule(fn: ir.Operation, options: Options, where: ir.Operation = None) -> None:
    from polytile import polyhedral

    root = where if where is not None else fn
    if options.fusion not in polyhedral.schedule.FUSIONS:
        raise PassError(f"fusion must be none, smart or max, got '{options.fusion}'", root)
    sizes = tuple(options.tile_sizes)
    if sizes and all(t == 0 for t in sizes):
        sizes = ()
    if any(t <= 0 for t in sizes):
        raise PassError("tile sizes must be positive (or a single 0 for no tiling)", root)
    skipped: list = []
    polyhedral.optimize(fn, sizes, options.fusion, options.parallelize, skipped,
                        options.interchange, options.outer_parallel, options.tile_inner)
    if options.remarks:
        report_skipped(skipped)

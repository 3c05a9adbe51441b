"""A new schedule for a SCoP: isl's scheduler (a Pluto-style ILP formulation
maximizing permutable, coincident bands), then rectangular tiling of the
permutable bands.

Fusion strategies:

* ``none``: each original top-level loop nest is scheduled on its own and the
  nests stay in their original order (no fusion across nests; a nest may
  still be distributed by isl);
* ``smart``: isl's default incremental scheduler, which fuses statements
  connected by dependences when that keeps bands permutable;
* ``max``: isl schedules each weakly connected component as a whole
  (``schedule_whole_component``) with read-after-read (input) proximity too,
  fusing as much as it can.

Validity constraints are all dependences (flow, anti, output), so any schedule
returned is legal; a fusion or a tiling that would break a dependence is simply
not found.
"""
from __future__ import annotations

import islpy as isl

from polytile.polyhedral.deps import Dependences
from polytile.polyhedral.extract import Scop

FUSIONS = ("none", "smart", "max")


def _input_deps(scop: Scop) -> isl.UnionMap:
    """Read-after-read pairs (same element, later in the original order)."""
    same = scop.reads.apply_range(scop.reads.reverse())
    before = scop.schedule.lex_lt_union_map(scop.schedule)
    return same.intersect(before).coalesce()


def _schedule_part(ctx: isl.Context, domain: isl.UnionSet, deps: isl.UnionMap,
                   proximity: isl.UnionMap) -> isl.Schedule:
    sc = isl.ScheduleConstraints.on_domain(domain)
    sc = sc.set_validity(deps).set_coincidence(deps).set_proximity(proximity)
    return sc.compute_schedule()


def compute(scop: Scop, deps: Dependences, fusion: str = "smart",
            outer_parallel: bool = True) -> isl.Schedule:
    """An isl schedule tree for ``scop`` respecting ``deps``. With
    ``outer_parallel`` isl must make the outermost member of each band parallel
    where it can (``schedule_outer_coincidence``): stencils then keep a serial
    time loop around parallel space loops instead of being time-skewed, which
    measured faster here (skewed tiles defeat LLVM's vectorizer)."""
    if fusion not in FUSIONS:
        raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}, got '{fusion}'")
    ctx = scop.ctx
    ctx.set_schedule_serialize_sccs(0)
    ctx.set_schedule_whole_component(1 if fusion == "max" else 0)
    ctx.set_schedule_outer_coincidence(1 if outer_parallel else 0)
    ctx.set_schedule_maximize_band_depth(1)
    validity = deps.all
    if fusion == "none":
        schedule = None
        for top in range(len(scop.loops)):
            part = isl.UnionSet.empty(scop.domain.get_space())
            for s in scop.statements:
                if s.top == top:
                    part = part.union(isl.UnionSet.from_set(s.domain))
            if part.is_empty():
                continue
            local = validity.intersect_domain(part).intersect_range(part)
            piece = _schedule_part(ctx, part, local, local)
            schedule = piece if schedule is None else schedule.sequence(piece)
        return schedule if schedule is not None else isl.Schedule.from_domain(scop.domain)
    proximity = validity
    if fusion == "max":
        proximity = proximity.union(_input_deps(scop))
    return _schedule_part(ctx, scop.domain, validity, proximity)


def tile(schedule: isl.Schedule, sizes: tuple, tile_inner: bool = False) -> isl.Schedule:
    """Tile every permutable band of at least two members; ``sizes`` gives the
    tile size per band member, the last one repeating. Empty: no tiling.

    Unless ``tile_inner``, the innermost member of an innermost band (the
    unit-stride one after :func:`interchange_for_locality`) is split off and not
    tiled, and such a band is tiled only if two members remain: short innermost
    point loops (e.g. 32 iterations) measured up to 2x slower here because
    LLVM's vectorizer then spends its time in prologues and alias checks."""
    if not sizes:
        return schedule
    ctx = schedule.get_ctx()
    ctx.set_tile_scale_tile_loops(1)  # tile loops step by the tile size
    ctx.set_tile_shift_point_loops(0)  # point loops run over the original values

    def visit(node: isl.ScheduleNode) -> isl.ScheduleNode:
        if node.get_type() != isl.schedule_node_type.band:
            return node
        n = node.band_n_member()
        if n < 2 or not node.band_get_permutable():
            return node
        if not tile_inner and _innermost(node):
            if n - 1 < 2:
                return node
            n -= 1
            node = node.band_split(n)
        mv = isl.MultiVal.zero(node.band_get_space())
        for k in range(n):
            mv = mv.set_val(k, isl.Val.int_from_si(ctx, sizes[min(k, len(sizes) - 1)]))
        return node.band_tile(mv)

    return schedule.get_root().map_descendant_bottom_up(visit).get_schedule()


def describe(schedule: isl.Schedule) -> list:
    """(depth, n_member, permutable, coincident flags) of each band, top-down."""
    bands = []

    def visit(node: isl.ScheduleNode) -> bool:
        if node.get_type() == isl.schedule_node_type.band:
            n = node.band_n_member()
            bands.append((node.get_tree_depth(), n, bool(node.band_get_permutable()),
                          tuple(bool(node.band_member_get_coincident(k)) for k in range(n))))
        return True

    schedule.get_root().foreach_descendant_top_down(visit)
    return bands


# ----------------------------------------------------------------------------
# Interchange for locality: the innermost permutable band puts last the member
# along which most accesses are unit-stride (or invariant).
# ----------------------------------------------------------------------------

UNIT, INVARIANT, STRIDED = 2, 1, -4


def _single_aff(pw) -> "isl.Aff | None":
    pieces = pw.get_pieces()
    return pieces[0][1] if len(pieces) == 1 else None


def _member_iterator(upa: isl.UnionPwAff, space: isl.Space) -> int:
    """The statement iterator a band member follows (coefficient ±1 on exactly
    one iterator), or -1 (skewed, constant, or unknown)."""
    aff = _single_aff(upa.extract_pw_aff(_aff_space(space)))
    if aff is None:
        return -1
    coefs = [aff.get_coefficient_val(isl.dim_type.in_, k).to_python()
             for k in range(aff.dim(isl.dim_type.in_))]
    nonzero = [k for k, c in enumerate(coefs) if c != 0]
    return nonzero[0] if len(nonzero) == 1 and abs(coefs[nonzero[0]]) == 1 else -1


def _aff_space(domain_space: isl.Space) -> isl.Space:
    """The space of a one-dimensional affine function on ``domain_space``."""
    return domain_space.from_domain().add_dims(isl.dim_type.out, 1)


def _access_score(relation: isl.Map, iterator: int) -> int:
    pieces = []
    isl.PwMultiAff.from_map(relation).foreach_piece(lambda _set, maff: pieces.append(maff))
    if len(pieces) != 1:
        return 0
    maff = pieces[0]
    n = maff.dim(isl.dim_type.out)
    uses = [maff.get_at(d).get_coefficient_val(isl.dim_type.in_, iterator).to_python()
            for d in range(n)]
    if all(c == 0 for c in uses):
        return INVARIANT
    if n and all(c == 0 for c in uses[:-1]) and abs(uses[-1]) == 1:
        return UNIT
    return STRIDED


def _innermost(node: isl.ScheduleNode) -> bool:
    bands = []
    node.foreach_descendant_top_down(
        lambda n: bands.append(1) or True if n.get_type() == isl.schedule_node_type.band else True)
    return len(bands) == 1


def interchange_for_locality(schedule: isl.Schedule, scop: Scop) -> isl.Schedule:
    """Move, in each innermost permutable band, the member with the best
    spatial locality to the innermost position (legal: the band is permutable)."""
    def visit(node: isl.ScheduleNode) -> isl.ScheduleNode:
        if node.get_type() != isl.schedule_node_type.band:
            return node
        n = node.band_n_member()
        if n < 2 or not node.band_get_permutable() or not _innermost(node):
            return node
        try:
            partial = node.band_get_partial_schedule()
            domain = node.get_domain()
            scores = [0] * n
            for s in scop.statements:
                if domain.intersect(isl.UnionSet.from_set(s.domain)).is_empty():
                    continue
                space = s.domain.get_space()
                for m in range(n):
                    it = _member_iterator(partial.get_at(m), space)
                    if it < 0:
                        continue
                    for a in s.reads + s.writes:
                        scores[m] += _access_score(a.relation, it)
        except Exception:  # noqa: BLE001  (no permutation when unsure)
            return node
        best = max(range(n), key=lambda m: (scores[m], m))
        if best == n - 1 or scores[best] <= scores[n - 1]:
            return node
        order = [m for m in range(n) if m != best] + [best]
        members = isl.UnionPwAffList.alloc(node.get_ctx(), n)
        for m in order:
            members = members.add(partial.get_at(m))
        new = isl.MultiUnionPwAff.from_union_pw_aff_list(partial.get_space(), members)
        coincident = [node.band_member_get_coincident(m) for m in order]
        node = node.delete().insert_partial_schedule(new).band_set_permutable(1)
        for k, c in enumerate(coincident):
            node = node.band_member_set_coincident(k, c)
        return node

    return schedule.get_root().map_descendant_bottom_up(visit).get_schedule()

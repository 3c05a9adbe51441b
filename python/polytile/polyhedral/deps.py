"""Dependences of a SCoP computed exactly with isl.

* flow (read after write): value-based, each read instance from the last write
  of the same element before it (``isl_union_access_info_compute_flow`` with the
  writes as must-sources);
* anti (write after read): memory-based, every earlier read of the element;
* output (write after write): value-based, the previous write of the element.

Their union is what a new schedule must respect (the standard PPCG setting).
"""
from __future__ import annotations

import dataclasses

import islpy as isl

from polytile.polyhedral.extract import Scop


@dataclasses.dataclass
class Dependences:
    flow: isl.UnionMap
    anti: isl.UnionMap
    output: isl.UnionMap

    @property
    def all(self) -> isl.UnionMap:
        return self.flow.union(self.anti).union(self.output).coalesce()

    def carried_at(self, depth: int, schedule: isl.UnionMap) -> bool:
        """Whether a dependence is carried by dimension ``depth`` of ``schedule``."""
        return _carried(self.all, schedule, depth)


def _flow(sink: isl.UnionMap, must: isl.UnionMap, may: isl.UnionMap,
          schedule: isl.UnionMap) -> isl.UnionMap:
    info = isl.UnionAccessInfo.from_sink(sink).set_must_source(must).set_may_source(may)
    result = info.set_schedule_map(schedule).compute_flow()
    return result.get_may_dependence()


def compute(scop: Scop) -> Dependences:
    """Flow, anti and output dependences of ``scop`` under its original order."""
    empty = isl.UnionMap.empty(scop.reads.get_space())
    flow = _flow(scop.reads, scop.writes, empty, scop.schedule)
    anti = _flow(scop.writes, empty, scop.reads, scop.schedule)
    output = _flow(scop.writes, scop.writes, empty, scop.schedule)
    return Dependences(flow.coalesce(), anti.coalesce(), output.coalesce())


def _carried(deps: isl.UnionMap, schedule: isl.UnionMap, depth: int) -> bool:
    """Some dependence goes between instances equal on schedule dimensions
    ``0..depth-1`` and different on dimension ``depth``."""
    if deps.is_empty():
        return False
    moved = deps.apply_domain(schedule).apply_range(schedule)
    deltas = moved.deltas()
    if deltas.is_empty():
        return False
    n = isl.Set.from_union_set(deltas).dim(isl.dim_type.set)
    zeros = " and ".join([f"z{k} = 0" for k in range(depth)] + [f"z{depth} != 0"])
    names = ", ".join(f"z{k}" for k in range(n))
    probe = isl.UnionSet(f"{{ [{names}] : {zeros} }}", context=deps.get_ctx())
    return not deltas.intersect(probe.align_params(deltas.get_space())).is_empty()


def loop_carries(scop: Scop, deps: Dependences) -> list:
    """For each statement and each of its loops (outermost first): whether that
    loop of the *original* program carries a dependence. Used in reports."""
    out = []
    for depth in range(max((len(s.ivs) for s in scop.statements), default=0)):
        out.append(_carried(deps.all, scop.schedule, 2 * depth + 1))
    return out


def format_report(name: str, scop: Scop, deps: Dependences) -> str:
    """Stable text for lit tests: statements, accesses and the three relations."""
    lines = [f"scop in @{name}: {len(scop.statements)} statement(s), "
             f"arrays {', '.join(sorted(scop.arrays))}"]
    for s in scop.statements:
        lines.append(f"  {s.name}: domain {s.domain}")
        for a in s.reads:
            lines.append(f"    read  {a.relation}")
        for a in s.writes:
            lines.append(f"    write {a.relation}")
    for kind in ("flow", "anti", "output"):
        rel = getattr(deps, kind)
        lines.append(f"  {kind}: {rel}")
    carried = loop_carries(scop, deps)
    lines.append("  carried by original loop depth: "
                 + (", ".join(f"{d}={'yes' if c else 'no'}" for d, c in enumerate(carried))
                    or "none"))
    return "\n".join(lines)

"""What convert-tg-to-linalg reads of the kernels' schedules: which anchors get a packed layout.

A kernel (a ``func.func`` with ``tg.kernel``, made by `tg-fuse-kernels`) whose
schedule has a ``sched.pack`` step on operand 1 of a f32 contraction anchor is lowered
in packed form, with the register tile ``mr x nr`` of its innermost ``sched.tile``
level. Anything else keeps the plain lowering.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from mlir import ir

from polytile.dialects import op_table
from polytile.passes.common.kernels import anchor_of, func_name, kernel_funcs


@dataclasses.dataclass(frozen=True)
class Packing:
    """``form``: "matmul" (B packed), "conv" (channels-last convolution) or "conv1x1"
    (a pointwise convolution computed as the matrix product W[F, C] @ X[C, H*W])."""
    kernel: str
    mr: int
    nr: int
    form: str = "matmul"


def packing_of(schedule, anchor: ir.Operation) -> Optional[Packing]:
    """The packing a schedule asks for on ``anchor`` (None: plain lowering)."""
    from polytile.dialects import sched
    packs = [s for s in schedule.steps if isinstance(s, sched.Pack)]
    tiles = [s for s in schedule.steps if isinstance(s, sched.Tile)]
    if not packs or not tiles or anchor.name not in op_table.anchors_with_schedule():
        return None
    if anchor.name in op_table.anchors_with_schedule("conv"):  # loops (n, f, oh, ow, c, kh, kw)
        sizes = list(tiles[-1].sizes)
        if len(sizes) != 7 or not packs[0].tiles:
            return None
        if packs[0].operand == 0:  # input packed in strips of H*W: pointwise conv as a matmul
            return Packing(schedule.kernel, sizes[1], packs[0].tiles[-1], "conv1x1")
        if packs[0].operand == 1:  # weights packed HWCF: channels-last convolution
            return Packing(schedule.kernel, sizes[3], sizes[1], "conv")
        return None
    if packs[0].operand != 1 or not packs[0].tiles:
        return None
    sizes = list(tiles[-1].sizes)
    if len(sizes) < 3:
        return None
    mr, nr = sizes[-3], sizes[-2]
    if nr != packs[0].tiles[-1] or mr <= 0:
        return None
    return Packing(schedule.kernel, mr, nr)


def kernel_packings(root: ir.Operation) -> list:
    """(anchor, Packing) for every kernel under ``root`` (a module) with a packing schedule; each
    such anchor is marked ``sched.packing = "<kernel>:<mr>:<nr>"`` for its lowering."""
    if root.name != "builtin.module":
        return []
    from polytile.dialects import sched
    schedules = sched.schedules_in(root)
    out = []
    for fn in kernel_funcs(root):
        schedule = schedules.get(func_name(fn))
        anchor = anchor_of(fn)
        if schedule is None or anchor is None:
            continue
        packing = packing_of(schedule, anchor)
        if packing is not None:
            anchor.attributes["sched.packing"] = ir.StringAttr.get(
                f"{packing.kernel}:{packing.mr}:{packing.nr}:{packing.form}")
            out.append((anchor, packing))
    return out


POLYHEDRAL_ATTR = "sched.polyhedral"


def polyhedral_kernels(root: ir.Operation) -> dict:
    """Kernel function name -> options of its ``sched.polyhedral`` step."""
    if root.name != "builtin.module":
        return {}
    from polytile.dialects import sched
    out = {}
    for name, schedule in sched.schedules_in(root).items():
        step = schedule.find(sched.Polyhedral)
        if step is not None:
            out[name] = step.options
    return out


def mark_polyhedral(root: ir.Operation, kernels: dict) -> None:
    """Tag the scalar ops in the linalg bodies of those kernels with ``sched.polyhedral``
    (the tag rides along into the affine loops, where `affine-polyhedral-schedule
    {tagged-only}` schedules the nests holding it)."""
    for fn in kernel_funcs(root):
        options = kernels.get(func_name(fn))
        if options is None:
            continue
        attr = ir.StringAttr.get(options)

        def visit(op: ir.Operation) -> ir.WalkResult:
            parent = op.parent
            if parent is not None and parent.name.startswith("linalg.") and not op.name.startswith("linalg."):
                op.attributes[POLYHEDRAL_ATTR] = attr
            return ir.WalkResult.ADVANCE

        fn.walk(visit, ir.WalkOrder.PRE_ORDER)

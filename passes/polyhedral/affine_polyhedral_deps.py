"""affine-polyhedral-deps: print the isl dependences of each affine loop nest.

For every function, every static control part (a run of consecutive
``affine.for`` nests with affine bounds and ``affine.load``/``affine.store``
accesses, see ``polytile.polyhedral.extract``) is modeled in isl and its flow,
anti and output dependences are printed to stderr, one block per SCoP, in a
stable text form meant for lit tests. Nests that are not affine are reported
as ``remark: ... not a static control part: <reason>`` and left alone. The IR
is not changed. Does not yet: emit real MLIR remarks (the Python bindings can
only emit errors), look into loops nested in non-affine regions.
"""
from __future__ import annotations

import sys

from mlir import ir

from polytile.pass_registry import register_pass


def functions(root: ir.Operation) -> list:
    if root.name == "func.func":
        return [root]
    out = []
    for region in root.regions:
        for block in region.blocks:
            out.extend(o.operation for o in block.operations if o.operation.name == "func.func")
    return out


def report_skipped(skipped: list) -> None:
    for s in skipped:
        sys.stderr.write(f"{s.op.location}: remark: loop nest left alone, "
                         f"not a static control part: {s.reason}\n")


@register_pass("affine-polyhedral-deps")
def run(root: ir.Operation, options) -> None:
    """Print the flow/anti/output dependences of every affine loop nest (isl)."""
    from polytile import polyhedral
    from polytile.polyhedral import deps

    for fn in functions(root):
        name = ir.StringAttr(fn.attributes["sym_name"]).value
        skipped: list = []
        results = polyhedral.analyze(fn, skipped)
        report_skipped(skipped)
        for scop, dependences in results:
            sys.stderr.write(deps.format_report(name, scop, dependences) + "\n")
    sys.stderr.flush()

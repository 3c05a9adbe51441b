"""Small helpers shared by walk-based passes."""
from __future__ import annotations


from mlir import ir


def ops_in(root: ir.Operation, prefix: str = "") -> list[ir.Operation]:
    """All ops under ``root`` (pre-order, root excluded) whose name starts with ``prefix``."""
    found: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op != root and op.name.startswith(prefix):
            found.append(op)
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


def has_uses(op: ir.Operation) -> bool:
    return any(not _no_uses(r) for r in op.results)


def _no_uses(value: ir.Value) -> bool:
    return next(iter(value.uses), None) is None


def replace_op(op: ir.Operation, values) -> None:
    """Replace every result of ``op`` by ``values`` and erase it."""
    for result, value in zip(op.results, values):
        result.replace_all_uses_with(value)
    op.erase()


def retype_values(root: ir.Operation, convert) -> None:
    """Give every block argument and op result under ``root`` the type
    ``convert(old_type)``, and keep ``func.func`` signatures in step
    (``convert`` must map function types too, or return them unchanged)."""

    def update(value: ir.Value) -> None:
        new = convert(value.type)
        if new != value.type:
            value.set_type(new)

    def visit(op: ir.Operation) -> ir.WalkResult:
        for region in op.regions:
            for block in region.blocks:
                for arg in block.arguments:
                    update(arg)
        for result in op.results:
            update(result)
        if op.name == "func.func":
            ftype = ir.TypeAttr(op.attributes["function_type"]).value
            new = convert(ftype)
            if new != ftype:
                op.attributes["function_type"] = ir.TypeAttr.get(new)
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)

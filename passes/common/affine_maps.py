"""Facts about affine maps that the CPU loop passes share."""
from __future__ import annotations

from typing import Optional

from mlir import ir


def constant_result(amap: ir.AffineMap) -> Optional[int]:
    """The value of a map with no inputs and one constant result (a constant loop
    bound), else None."""
    if amap.n_inputs or len(amap.results) != 1:
        return None
    try:
        return ir.AffineConstantExpr(amap.results[0]).value
    except (ValueError, TypeError):
        return None

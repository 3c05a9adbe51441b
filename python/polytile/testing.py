"""Helpers for checking polytile's results: :func:`compare_arrays` (used by
``polytile-run --check``, ``polytile-conformance`` and the tests)."""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class Comparison:
    """Result of comparing one output with its expected value."""

    ok: bool
    max_abs: float = 0.0
    max_rel: float = 0.0
    reason: str = ""  # why it is not ok (empty when ok)


def compare_arrays(actual, expected, rtol: float, atol: float) -> Comparison:
    """``actual`` vs ``expected``: same shape and dtype, then floats within
    ``|a - e| <= atol + rtol * |e|`` with NaN and infinities in the same places,
    integers and bools exactly. Errors are measured where both are finite;
    relative errors where the expected value is not 0."""
    if not isinstance(actual, np.ndarray) or not isinstance(expected, np.ndarray):
        return Comparison(False, float("nan"), float("nan"),
                          f"got {type(actual).__name__}, expected {type(expected).__name__}")
    if actual.shape != expected.shape:
        return Comparison(False, float("nan"), float("nan"),
                          f"shape {tuple(actual.shape)}, expected {tuple(expected.shape)}")
    reasons = []
    if actual.dtype != expected.dtype:
        reasons.append(f"dtype {actual.dtype}, expected {expected.dtype}")
    if expected.dtype.kind in "OSU" or actual.dtype.kind in "OSU":
        same = actual.shape == expected.shape and bool(np.all(actual == expected))
        return Comparison(same and not reasons, 0.0 if same else float("nan"), 0.0 if same else float("nan"),
                          "; ".join(reasons + ([] if same else ["values differ"])))
    try:
        a = actual.astype(np.float64)
        e = expected.astype(np.float64)
    except (TypeError, ValueError) as exc:
        return Comparison(False, float("nan"), float("nan"), f"cannot compare values: {exc}")
    finite = np.isfinite(a) & np.isfinite(e)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(finite, np.abs(a - e), 0.0)
    max_abs = float(diff[finite].max()) if finite.any() else 0.0
    nonzero = finite & (e != 0)
    max_rel = float((diff[nonzero] / np.abs(e[nonzero])).max()) if nonzero.any() else 0.0
    if _is_exact(expected.dtype):
        bad = int(np.count_nonzero(actual != expected))
    else:
        special_ok = (np.isnan(a) == np.isnan(e)) & ((a == e) | ~(np.isinf(a) | np.isinf(e)))
        with np.errstate(invalid="ignore", over="ignore"):
            close = np.where(finite, diff <= atol + rtol * np.abs(e), special_ok)
        bad = int(np.count_nonzero(~(close & special_ok)))
    if bad:
        reasons.append(f"{bad} of {expected.size} values differ")
    return Comparison(not reasons, max_abs, max_rel, "; ".join(reasons))


def _is_exact(dtype: np.dtype) -> bool:
    return dtype.kind in "biu" or dtype.name in ("int4", "uint4", "int2", "uint2")

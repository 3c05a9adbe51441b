"""Type rules of tg reductions, arg-reductions, softmax, normalization and scan ops.

Axes are always normalized by the importer: non-negative, sorted, unique. The
rules reject anything else, so lowerings can rely on it.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from mlir import ir

from polytile.dialects.tg import (DYNAMIC, FLOAT_TYPES, NO_FOLD, NUMERIC_TYPES, OpInfo, tensor,
                                  type_rule)

# Every op here is a "reduction" kernel anchor (tg-fuse-kernels): it reduces (or
# scans, normalizes over) dims of its first operand; element-wise producers of
# that operand and an element-wise epilogue fuse into its kernel.
REDUCTION = "reduction"
from polytile.dialects.tg_rules.common import dims_compatible, fmt_dim, fmt_shape

# ONNX TensorProto element types allowed as stash_type -> MLIR element type.
STASH_TYPES = {1: "f32", 10: "f16", 11: "f64", 16: "bf16"}


def check_axes(info: OpInfo, name: str, rank: int, allow_empty: bool = True) -> list[int]:
    """Attribute ``name`` as a list of sorted, unique dims in [0, rank)."""
    axes = info.ints(name)
    if not allow_empty and not axes:
        info.fail(f"attribute '{name}' must not be empty")
    for a in axes:
        if not 0 <= a < rank:
            info.fail(f"attribute '{name}' has entry {a}, outside [0, {rank})")
    if any(a >= b for a, b in zip(axes, axes[1:])):
        info.fail(f"attribute '{name}' must be sorted and unique, got {axes}")
    return axes


def check_axis(info: OpInfo, name: str, rank: int) -> int:
    """Integer attribute ``name`` as a dim in [0, rank)."""
    axis = info.int(name)
    if not 0 <= axis < rank:
        info.fail(f"attribute '{name}' is {axis}, outside [0, {rank})")
    return axis


def check_flag(info: OpInfo, name: str) -> bool:
    value = info.int(name)
    if value not in (0, 1):
        info.fail(f"attribute '{name}' must be 0 or 1, got {value}")
    return bool(value)


def reduced_shape(shape: Sequence[int], axes: Sequence[int], keepdims: bool) -> list[int]:
    if keepdims:
        return [1 if i in axes else s for i, s in enumerate(shape)]
    return [s for i, s in enumerate(shape) if i not in axes]


def stash_element_type(info: OpInfo) -> ir.Type:
    stash = info.int("stash_type")
    if stash not in STASH_TYPES:
        info.fail(f"stash_type {stash} is not a float type (1, 10, 11 or 16)")
    return ir.Type.parse(STASH_TYPES[stash], context=info.operand(0).context)


def index_type(info: OpInfo) -> ir.Type:
    """i64, the element type of index results."""
    return ir.IntegerType.get_signless(64, context=info.operand(0).context)


def check_broadcasts_to(info: OpInfo, index: int, what: str, target: Sequence[int]) -> None:
    """Operand ``index`` must broadcast (numpy, one way) to ``target``."""
    shape = info.operand(index).shape
    ok = len(shape) <= len(target) and all(
        s == 1 or dims_compatible(s, t) for s, t in zip(reversed(shape), reversed(target)))
    if not ok:
        info.fail(f"{what} of shape {fmt_shape(shape)} does not broadcast to {fmt_shape(target)}")


def check_channel_vector(info: OpInfo, index: int, what: str, sizes: Sequence[int]) -> None:
    """Operand ``index`` must be 1-d with one of the sizes in ``sizes``."""
    t = info.operand(index)
    if t.rank != 1 or not any(dims_compatible(t.shape[0], s) for s in sizes):
        want = " or ".join(fmt_dim(s) for s in dict.fromkeys(sizes))
        info.fail(f"{what} must be 1-d of size {want}, got {fmt_shape(t.shape)}")


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------

def _reduction(element_types: Sequence[str]):
    def rule(info: OpInfo) -> list[ir.Type]:
        etype = info.element_type(0, element_types)
        shape = info.operand(0).shape
        axes = check_axes(info, "axes", len(shape))
        keepdims = check_flag(info, "keepdims")
        if len(info.operands) > 1 and info.operand(1) is not None:
            return [tensor(_runtime_axes_shape(info, shape, axes, keepdims), etype)]
        return [tensor(reduced_shape(shape, axes, keepdims), etype)]

    return rule


def _runtime_axes_shape(info: OpInfo, shape: Sequence[int], axes: Sequence[int],
                        keepdims: bool) -> list[int]:
    """The result shape of a reduction over run-time axes (operand 1, ``axes_input``):
    which dims go is known only at run time, so every result dim that is not 1 in
    every candidate is ``?``."""
    t = info.operand(1)
    info.element_type(1, ("i64",))
    if t.rank != 1 or t.shape[0] == DYNAMIC or not 1 <= t.shape[0] <= len(shape):
        info.fail(f"axes_input must be 1-d with a static length in [1, {len(shape)}], "
                  f"got {fmt_shape(t.shape)}")
    if axes:
        info.fail("attribute 'axes' must be empty when axes_input is given")
    if keepdims:
        return [1 if s == 1 else DYNAMIC for s in shape]
    kept = len(shape) - t.shape[0]
    return [1 if all(s == 1 for s in shape) else DYNAMIC] * kept


# Closed forms of reductions of a splat (tg-fold-constants folds them without
# expanding the splat): ``c`` the splat element (0-d array), ``n`` the number of
# elements reduced into each result, ``n >= 1``. Float sums are computed in
# float64 and rounded once (the exact sum, where a loop would accumulate
# rounding error); a sum or mean of -0.0 is +0.0, as the lowering's loop from
# +0.0 gives; integer sums wrap as a loop's would. None: not done.

def _splat_extremum(c: np.ndarray, n: int) -> Optional[np.ndarray]:
    return c if c.dtype.kind in "iuf" else None


def _splat_sum(c: np.ndarray, n: int) -> Optional[np.ndarray]:
    dtype = c.dtype
    if dtype.kind in "iu":
        bits = dtype.itemsize * 8
        total = (int(c) * n) % (1 << bits)  # wraps as a loop of additions does
        if dtype.kind == "i" and total >= 1 << (bits - 1):
            total -= 1 << bits
        return np.asarray(total, dtype=dtype)
    if dtype.kind != "f":
        return None
    return np.asarray(np.float64(c) * n + 0.0, dtype=dtype)


def _float_splat(closed_form):
    """A closed form of float splats only (f(x, n) of the element as a float64)."""

    def fold(c: np.ndarray, n: int) -> Optional[np.ndarray]:
        if c.dtype.kind != "f":
            return None
        return np.asarray(closed_form(np.float64(c), n), dtype=c.dtype)

    return fold


_SPLAT_CLOSED_FORMS = {
    "reduce_max": _splat_extremum,
    "reduce_min": _splat_extremum,
    "reduce_sum": _splat_sum,
    # a sum from +0.0 divided by n, as the lowering and numpy do: -0.0 gives +0.0
    "reduce_mean": _float_splat(lambda x, n: x + 0.0),
    "reduce_sum_square": _float_splat(lambda x, n: x * x * n + 0.0),
    "reduce_l1": _float_splat(lambda x, n: abs(x) * n),
    "reduce_l2": _float_splat(lambda x, n: abs(x) * np.sqrt(np.float64(n))),
}

for _name in ("reduce_sum", "reduce_mean", "reduce_prod", "reduce_l1", "reduce_l2",
              "reduce_sum_square", "reduce_log_sum", "reduce_log_sum_exp"):
    type_rule(_name, kind=REDUCTION, splat=_SPLAT_CLOSED_FORMS.get(_name))(_reduction(NUMERIC_TYPES))
for _name in ("reduce_max", "reduce_min"):
    type_rule(_name, kind=REDUCTION, splat=_SPLAT_CLOSED_FORMS[_name])(_reduction(NUMERIC_TYPES + ("i1",)))


def _arg_reduction(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, NUMERIC_TYPES)
    shape = info.operand(0).shape
    if not shape:
        info.fail("input must have rank >= 1")
    axis = check_axis(info, "axis", len(shape))
    keepdims = check_flag(info, "keepdims")
    check_flag(info, "select_last_index")
    return [tensor(reduced_shape(shape, [axis], keepdims), index_type(info))]


type_rule("arg_max", kind=REDUCTION)(_arg_reduction)
type_rule("arg_min", kind=REDUCTION)(_arg_reduction)


# ---------------------------------------------------------------------------
# Softmax family
# ---------------------------------------------------------------------------

def _softmax_like(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    x = info.operand(0)
    if x.rank == 0:
        info.fail("input must have rank >= 1")
    check_axes(info, "axes", x.rank, allow_empty=False)
    return [x]


for _name in ("softmax", "log_softmax", "hardmax"):
    type_rule(_name, kind=REDUCTION)(_softmax_like)


# ---------------------------------------------------------------------------
# Normalizations
# ---------------------------------------------------------------------------

@type_rule("layer_normalization", kind=REDUCTION)
def _layer_normalization(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    info.same_element_types(0, 1, 2)
    x = info.operand(0)
    if x.rank == 0:
        info.fail("input must have rank >= 1")
    axis = check_axis(info, "axis", x.rank)
    info.float("epsilon")
    stash = stash_element_type(info)
    normalized = list(x.shape[axis:])
    check_broadcasts_to(info, 1, "scale", normalized)
    if info.operands[2] is not None:
        check_broadcasts_to(info, 2, "b", normalized)
    stats = list(x.shape[:axis]) + [1] * (x.rank - axis)
    return [tensor(x.shape, etype), tensor(stats, stash), tensor(stats, stash)]


@type_rule("rms_normalization", kind=REDUCTION, fold="RMSNormalization")
def _rms_normalization(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    info.same_element_types(0, 1)
    x = info.operand(0)
    if x.rank == 0:
        info.fail("input must have rank >= 1")
    axis = check_axis(info, "axis", x.rank)
    info.float("epsilon")
    stash_element_type(info)
    check_broadcasts_to(info, 1, "scale", list(x.shape[axis:]))
    return [x]


@type_rule("instance_normalization", kind=REDUCTION)
def _instance_normalization(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    info.same_element_types(0, 1, 2)
    x = info.operand(0)
    if x.rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {x.rank}")
    info.float("epsilon")
    check_channel_vector(info, 1, "scale", [x.shape[1]])
    check_channel_vector(info, 2, "b", [x.shape[1]])
    return [x]


# Not folded: tg also takes per-group scales, which the newest ONNX GroupNormalization does not.
@type_rule("group_normalization", kind=REDUCTION, fold=NO_FOLD)
def _group_normalization(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    info.same_element_types(0, 1, 2)
    x = info.operand(0)
    if x.rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {x.rank}")
    info.float("epsilon")
    stash_element_type(info)
    groups = info.int("num_groups")
    channels = x.shape[1]
    if groups < 1:
        info.fail(f"num_groups must be positive, got {groups}")
    if channels != DYNAMIC and channels % groups != 0:
        info.fail(f"the channel count ({channels}) must be divisible by num_groups ({groups})")
    check_channel_vector(info, 1, "scale", [channels, groups])
    check_channel_vector(info, 2, "bias", [channels, groups])
    if info.operand(1).shape != info.operand(2).shape:
        info.fail(f"scale ({fmt_shape(info.operand(1).shape)}) and bias "
                  f"({fmt_shape(info.operand(2).shape)}) must have the same shape")
    return [x]


@type_rule("lp_normalization", kind=REDUCTION)
def _lp_normalization(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    x = info.operand(0)
    if x.rank == 0:
        info.fail("input must have rank >= 1")
    check_axis(info, "axis", x.rank)
    p = info.int("p")
    if p not in (1, 2):
        info.fail(f"p must be 1 or 2, got {p}")
    return [x]


@type_rule("mean_variance_normalization", kind=REDUCTION)
def _mean_variance_normalization(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    x = info.operand(0)
    check_axes(info, "axes", x.rank)
    return [x]


@type_rule("lrn", kind=REDUCTION, fold="LRN")
def _lrn(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    x = info.operand(0)
    if x.rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {x.rank}")
    for name in ("alpha", "beta", "bias"):
        info.float(name)
    if info.int("size") < 1:
        info.fail(f"size must be positive, got {info.int('size')}")
    return [x]


# ---------------------------------------------------------------------------
# Scans and selection
# ---------------------------------------------------------------------------

def _scan(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, NUMERIC_TYPES)
    x = info.operand(0)
    if x.rank == 0:
        info.fail("input must have rank >= 1")
    check_axis(info, "axis", x.rank)
    if len(info.operands) > 1 and info.operand(1) is not None:
        _check_runtime_scalar(info, 1, "axis_input", ("i32", "i64"))
    check_flag(info, "exclusive")
    check_flag(info, "reverse")
    return [x]


def _check_runtime_scalar(info: OpInfo, index: int, what: str, types: Sequence[str]) -> None:
    """Operand ``index`` holds one integer (rank 0, or 1-d of static size 1)."""
    info.element_type(index, types)
    t = info.operand(index)
    if t.rank > 1 or (t.rank == 1 and t.shape[0] != 1):
        info.fail(f"{what} must hold one element, got shape {fmt_shape(t.shape)}")


type_rule("cum_sum", kind=REDUCTION)(_scan)
type_rule("cum_prod", kind=REDUCTION)(_scan)


@type_rule("top_k", kind=REDUCTION)
def _top_k(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    x = info.operand(0)
    if x.rank == 0:
        info.fail("input must have rank >= 1")
    axis = check_axis(info, "axis", x.rank)
    k = info.int("k")
    size = x.shape[axis]
    if k < 0 or (size != DYNAMIC and k > size):
        info.fail(f"k ({k}) must be in [0, {fmt_dim(size)}] (the size of dim {axis})")
    check_flag(info, "largest")
    check_flag(info, "sorted")
    shape = list(x.shape)
    shape[axis] = k
    if len(info.operands) > 1 and info.operand(1) is not None:
        _check_runtime_scalar(info, 1, "k_input", ("i64",))
        shape[axis] = DYNAMIC
    return [tensor(shape, etype), tensor(shape, index_type(info))]

"""Type rules of tg reductions, arg-reductions, softmax, normalization and scan ops.

Axes are always normalized by the importer: non-negative, sorted, unique. The
rules reject anything else, so lowerings can rely on it.
"""
from __future__ import annotations

from typing import Sequence

from mlir import ir

from polytile.dialects.tg import (DYNAMIC, FLOAT_TYPES, NUMERIC_TYPES, OpInfo, tensor,
                                  type_rule)
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
        return [tensor(reduced_shape(shape, axes, keepdims), etype)]

    return rule


for _name in ("reduce_sum", "reduce_mean", "reduce_prod", "reduce_l1", "reduce_l2",
              "reduce_sum_square", "reduce_log_sum", "reduce_log_sum_exp"):
    type_rule(_name)(_reduction(NUMERIC_TYPES))
for _name in ("reduce_max", "reduce_min"):
    type_rule(_name)(_reduction(NUMERIC_TYPES + ("i1",)))


def _arg_reduction(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, NUMERIC_TYPES)
    shape = info.operand(0).shape
    if not shape:
        info.fail("input must have rank >= 1")
    axis = check_axis(info, "axis", len(shape))
    keepdims = check_flag(info, "keepdims")
    check_flag(info, "select_last_index")
    return [tensor(reduced_shape(shape, [axis], keepdims), index_type(info))]


type_rule("arg_max")(_arg_reduction)
type_rule("arg_min")(_arg_reduction)


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
    type_rule(_name)(_softmax_like)


# ---------------------------------------------------------------------------
# Normalizations
# ---------------------------------------------------------------------------

@type_rule("layer_normalization")
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


@type_rule("rms_normalization")
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


@type_rule("instance_normalization")
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


@type_rule("group_normalization")
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


@type_rule("lp_normalization")
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


@type_rule("mean_variance_normalization")
def _mean_variance_normalization(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    x = info.operand(0)
    check_axes(info, "axes", x.rank)
    return [x]


@type_rule("lrn")
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
    check_flag(info, "exclusive")
    check_flag(info, "reverse")
    return [x]


type_rule("cum_sum")(_scan)
type_rule("cum_prod")(_scan)


@type_rule("top_k")
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
    return [tensor(shape, etype), tensor(shape, index_type(info))]

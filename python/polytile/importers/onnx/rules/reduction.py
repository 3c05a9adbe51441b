"""Import rules for reductions, arg-reductions, softmax, normalization and scan ops.

One tg op per ONNX op (decomposed only when lowered), with every axis
normalized here: negative axes wrapped, axes sorted. Inputs that define axes or
counts (the Reduce* ``axes`` input, CumSum/CumProd ``axis``, TopK ``K``) become
attributes when they are compile-time constants, else run-time operands of the tg
op (``axes_input``, ``axis_input``, ``k_input``: their lowerings read them).

* Reduce*: ``axes`` is an attribute before opset 13 (ReduceSum) / 18 (the
  others), an optional input after. Absent or empty axes mean all dims, unless
  ``noop_with_empty_axes`` is set: then the tg op gets no axes and transforms
  each element alone (identity for Sum/Mean/Max/Min/Prod, |x| for L1, ...), as
  ONNX's reference does.
* Softmax/LogSoftmax/Hardmax before opset 13 work on the input coerced to 2-D
  at ``axis`` (default 1): the tg op normalizes over every dim from ``axis`` on.
* GroupNormalization: scale/bias have one entry per group at opset 18 and one
  per channel from opset 21; the tg op takes either.

Reductions over zero-sized dims give ONNX's identity values (0, 1, -inf, the
lowest integer, ...) once the graph importer accepts zero-sized dims (today it
reads a 0 dim as dynamic and rejects the model).
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from polytile.dialects import tg
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def rank_of(node: NodeContext, i: int = 0) -> int:
    return node.input_rank(i)


def normalize_axis(node: NodeContext, axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` in [-rank, rank) as a non-negative dim; unsupported otherwise."""
    axis = int(axis)
    if not -rank <= axis < rank:
        node.unsupported(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def normalize_axes(node: NodeContext, axes: Sequence[int], rank: int) -> list[int]:
    """Sorted non-negative axes; repeated axes are an error."""
    out = [normalize_axis(node, a, rank, "axes entry") for a in axes]
    if len(set(out)) != len(out):
        node.unsupported(f"axes {list(axes)} name a dim more than once")
    return sorted(out)


def build(node: NodeContext, op: str, *operands: Optional[object], **attributes) -> list:
    """Build ``tg.<op>`` and return all its results (``node.tg`` returns the first)."""
    try:
        return list(tg.build(op, operands, attributes).results)
    except tg.TypeRuleError as e:
        node.unsupported(f"cannot build tg.{op}: {e}")


def flag(node: NodeContext, name: str, default: int) -> int:
    """An ONNX int attribute used as a boolean: 0 or 1. Other values are refused
    (onnxruntime and ONNX shape inference read e.g. keepdims=7 as false, so
    "non-zero is true" would silently disagree with them)."""
    value = node.attr(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value not in (0, 1):
        node.unsupported(f"attribute '{name}' must be 0 or 1, got {value!r}")
    return int(value)


def const_scalar(node: NodeContext, i: int, what: str) -> int:
    """A constant input holding one integer (rank 0 or a single element)."""
    value = np.asarray(node.require_const(i, what))
    if value.size != 1:
        node.unsupported(f"{what} (input {i}) must hold one value, got shape {list(value.shape)}")
    return int(value.reshape(-1)[0])


# ---------------------------------------------------------------------------
# Reduce*
# ---------------------------------------------------------------------------

# ONNX op type -> (tg op, opset from which `axes` is an input).
_REDUCTIONS = {
    "ReduceSum": ("reduce_sum", 13),
    "ReduceMean": ("reduce_mean", 18),
    "ReduceMax": ("reduce_max", 18),
    "ReduceMin": ("reduce_min", 18),
    "ReduceProd": ("reduce_prod", 18),
    "ReduceL1": ("reduce_l1", 18),
    "ReduceL2": ("reduce_l2", 18),
    "ReduceLogSum": ("reduce_log_sum", 18),
    "ReduceLogSumExp": ("reduce_log_sum_exp", 18),
    "ReduceSumSquare": ("reduce_sum_square", 18),
}


def _reduce(node: NodeContext, tg_name: str, axes: Optional[Sequence[int]]):
    """``axes`` None: ONNX's default (all dims, or none with noop_with_empty_axes)."""
    rank = rank_of(node)
    if axes is None or len(axes) == 0:
        axes = [] if flag(node, "noop_with_empty_axes", 0) else list(range(rank))
    return [node.tg(tg_name, node.input(0), axes=normalize_axes(node, axes, rank),
                    keepdims=flag(node, "keepdims", 1))]


def _reduce_axes_attribute(tg_name: str):
    def import_reduce(node: NodeContext):
        axes = node.attr("axes", None)
        if axes is not None and len(axes) == 0:
            axes = None
        return _reduce(node, tg_name, axes)

    return import_reduce


def _reduce_axes_input(tg_name: str):
    def import_reduce(node: NodeContext):
        axes = None
        if node.has_input(1):
            if node.const(1) is None:  # known only at run time
                return _reduce_runtime_axes(node, tg_name)
            axes = [int(a) for a in np.asarray(node.require_const(1, "the axes")).reshape(-1)]
        return _reduce(node, tg_name, axes)

    return import_reduce


def _reduce_runtime_axes(node: NodeContext, tg_name: str):
    """Axes known only at run time: the tg op takes them as its ``axes_input``
    operand. An empty axes tensor (length 0, known from its type) is ONNX's
    default as for absent axes."""
    dims = node.input_dims(1)
    if len(dims) != 1:
        node.unsupported(f"the axes (input 1) must be 1-d, got dims {dims}")
    if dims[0] is None:
        node.unsupported("axes known only at run time with a length known only at run time are not "
                         "supported yet: the result's rank depends on it")
    if dims[0] == 0:
        return _reduce(node, tg_name, None)
    node.check_values(1, "axes", rank=rank_of(node))
    return [node.tg(tg_name, node.input(0), node.input(1), axes=[],
                    keepdims=flag(node, "keepdims", 1))]


for _op_type, (_tg_name, _axes_input_since) in _REDUCTIONS.items():
    rule(_op_type)(_reduce_axes_attribute(_tg_name))
    rule(_op_type, since=_axes_input_since)(_reduce_axes_input(_tg_name))


# ---------------------------------------------------------------------------
# ArgMax / ArgMin
# ---------------------------------------------------------------------------

def _arg_reduction(tg_name: str):
    def import_arg(node: NodeContext):
        axis = normalize_axis(node, node.attr("axis", 0), rank_of(node))
        return [node.tg(tg_name, node.input(0), axis=axis, keepdims=flag(node, "keepdims", 1),
                        select_last_index=flag(node, "select_last_index", 0))]

    return import_arg


rule("ArgMax")(_arg_reduction("arg_max"))
rule("ArgMin")(_arg_reduction("arg_min"))


# ---------------------------------------------------------------------------
# Softmax / LogSoftmax / Hardmax
# ---------------------------------------------------------------------------

def _softmax_coerced_2d(tg_name: str):
    """Opset < 13: normalize over the input flattened from ``axis`` (default 1) on."""

    def import_softmax(node: NodeContext):
        rank = rank_of(node)
        axis = normalize_axis(node, node.attr("axis", 1), rank)
        return [node.tg(tg_name, node.input(0), axes=list(range(axis, rank)))]

    return import_softmax


def _softmax_single_axis(tg_name: str):
    """Opset >= 13: normalize along one ``axis`` (default -1)."""

    def import_softmax(node: NodeContext):
        axis = normalize_axis(node, node.attr("axis", -1), rank_of(node))
        return [node.tg(tg_name, node.input(0), axes=[axis])]

    return import_softmax


for _op_type, _tg_name in (("Softmax", "softmax"), ("LogSoftmax", "log_softmax"),
                           ("Hardmax", "hardmax")):
    rule(_op_type)(_softmax_coerced_2d(_tg_name))
    rule(_op_type, since=13)(_softmax_single_axis(_tg_name))


# ---------------------------------------------------------------------------
# Normalizations
# ---------------------------------------------------------------------------

@rule("LayerNormalization", since=17)
def layer_normalization(node: NodeContext):
    axis = normalize_axis(node, node.attr("axis", -1), rank_of(node))
    return build(node, "layer_normalization", node.input(0), node.input(1), node.input(2),
                 axis=axis, epsilon=node.attr("epsilon", 1e-5),
                 stash_type=node.attr("stash_type", 1))


@rule("RMSNormalization", since=23)
def rms_normalization(node: NodeContext):
    axis = normalize_axis(node, node.attr("axis", -1), rank_of(node))
    return [node.tg("rms_normalization", node.input(0), node.input(1), axis=axis,
                    epsilon=node.attr("epsilon", 1e-5), stash_type=node.attr("stash_type", 1))]


@rule("InstanceNormalization")
def instance_normalization(node: NodeContext):
    return [node.tg("instance_normalization", node.input(0), node.input(1), node.input(2),
                    epsilon=node.attr("epsilon", 1e-5))]


def _group_normalization(params_per: str):
    """``params_per`` "group" (opset 18) or "channel" (opset 21) sizes scale and bias."""

    def import_group_norm(node: NodeContext):
        groups = int(node.attr("num_groups"))
        channels = node.input_shape(0)[1] if rank_of(node) > 1 else None
        want = groups if params_per == "group" else channels
        for i, what in ((1, "scale"), (2, "bias")):
            if node.input_shape(i) != [want]:
                node.unsupported(f"{what} must have one entry per {params_per} ({want}) at opset "
                                 f"{node.opset}, got shape {node.input_shape(i)}")
        return [node.tg("group_normalization", node.input(0), node.input(1), node.input(2),
                        epsilon=node.attr("epsilon", 1e-5), num_groups=groups,
                        stash_type=node.attr("stash_type", 1))]

    return import_group_norm


rule("GroupNormalization", since=18)(_group_normalization("group"))
rule("GroupNormalization", since=21)(_group_normalization("channel"))


@rule("LpNormalization")
def lp_normalization(node: NodeContext):
    axis = normalize_axis(node, node.attr("axis", -1), rank_of(node))
    p = node.attr("p", 2)
    if p not in (1, 2):
        node.unsupported(f"p must be 1 or 2, got {p}")
    return [node.tg("lp_normalization", node.input(0), axis=axis, p=p)]


@rule("MeanVarianceNormalization", since=9)
def mean_variance_normalization(node: NodeContext):
    axes = normalize_axes(node, node.attr("axes", [0, 2, 3]), rank_of(node))
    return [node.tg("mean_variance_normalization", node.input(0), axes=axes)]


@rule("LRN")
def lrn(node: NodeContext):
    return [node.tg("lrn", node.input(0), alpha=node.attr("alpha", 1e-4),
                    beta=node.attr("beta", 0.75), bias=node.attr("bias", 1.0),
                    size=node.attr("size"))]


# ---------------------------------------------------------------------------
# CumSum / CumProd / TopK
# ---------------------------------------------------------------------------

def _scan(tg_name: str):
    def import_scan(node: NodeContext):
        flags = dict(exclusive=flag(node, "exclusive", 0), reverse=flag(node, "reverse", 0))
        if node.const(1) is None:  # known only at run time: the axis_input operand
            node.check_values(1, "axis", rank=rank_of(node))
            return [node.tg(tg_name, node.input(0), node.input(1), axis=0, **flags)]
        axis = normalize_axis(node, const_scalar(node, 1, "the axis"), rank_of(node))
        return [node.tg(tg_name, node.input(0), axis=axis, **flags)]

    return import_scan


rule("CumSum", since=11)(_scan("cum_sum"))
rule("CumProd", since=26)(_scan("cum_prod"))


def _top_k(node: NodeContext, k: int, k_input=None):
    axis = normalize_axis(node, node.attr("axis", -1), rank_of(node))
    return build(node, "top_k", node.input(0), k_input, axis=axis, k=k,
                 largest=flag(node, "largest", 1), sorted=flag(node, "sorted", 1))


@rule("TopK")
def top_k_attribute(node: NodeContext):
    return _top_k(node, int(node.attr("k")))


@rule("TopK", since=10)
def top_k_input(node: NodeContext):
    if node.const(1) is None:  # K known only at run time: the k_input operand
        axis = normalize_axis(node, node.attr("axis", -1), rank_of(node))
        node.check_values(1, "count", of=node.node.input[0], dim=axis)
        return _top_k(node, 0, node.input(1))
    return _top_k(node, const_scalar(node, 1, "K"))

"""Import rules for BitCast, ReverseSequence, TensorScatter and DeformConv.

* BitCast (opset 26): ``tg.bit_cast``. The spec (and ONNX's reference) allows
  only types of the same bit width, the shape unchanged; bool counts as 8 bits.
  Not supported yet: strings, complex, the 4- and 2-bit types.
* ReverseSequence (opset 10; accepted at 28, which only adds types): a
  ``tg.gather_elements`` along ``time_axis`` whose indices (``len - 1 - t`` for
  ``t < len``, else ``t``, from the run-time ``sequence_lens``) are a short
  element-wise chain. Not supported yet: a dynamic time dim.
* TensorScatter (opset 24): a ``tg.scatter_elements`` of ``update`` into
  ``past_cache`` along ``axis`` at ``write_indices[b] + s`` (``mod`` the cache
  length for ``circular``). ``axis`` must not be 0 (the batch). Not supported
  yet: a dynamic sequence dim of ``update``.
* DeformConv (opset 19 and 22): ``tg.deform_conv`` (2-d), the optional bias added by
  a ``tg.add``, an absent mask a splat of ones. Not supported yet: 1-d and 3-d.
"""
from __future__ import annotations

import numpy as np
import onnx
from mlir import ir

from polytile.importers.onnx import types
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


def _axis(node: NodeContext, axis: int, rank: int, what: str) -> int:
    if not -rank <= axis < rank:
        node.unsupported(f"attribute '{what}' ({axis}) is out of range for rank {rank}")
    return axis % rank


def _expand_like(node: NodeContext, v: ir.Value, i: int) -> ir.Value:
    """``v`` broadcast to the shape of input ``i`` (a run-time shape where it is dynamic)."""
    dims = node.input_dims(i)
    if all(d is not None for d in dims):
        if list(ir.RankedTensorType(v.type).shape) == dims:
            return v
        return node.tg("expand", v, shape=dims)
    shape = node.tg("shape_of", node.input(i), start=0, end=len(dims))
    return node.tg("expand", v, shape, shape=[])


def _along(values: np.ndarray, axis: int, rank: int) -> np.ndarray:
    """A 1-d array as a rank-``rank`` array whose only non-1 dim is ``axis``."""
    shape = [1] * rank
    shape[axis] = values.size
    return values.reshape(shape)


def _reshape_along(node: NodeContext, v: ir.Value, axis: int, rank: int) -> ir.Value:
    """A run-time 1-d tensor reshaped so that its dim lies at ``axis`` of rank ``rank``."""
    t = ir.RankedTensorType(v.type)
    dims = list(t.shape)
    if t.is_dynamic_dim(0):
        node.unsupported("a dynamic batch dim of the index input is not supported yet")
    shape = [1] * rank
    shape[axis] = dims[0]
    return node.tg("reshape", v, shape=shape)


# ----------------------------------------------------------------------------
# BitCast
# ----------------------------------------------------------------------------

_BIT_CAST_TYPES = ("f16", "bf16", "f32", "f64", "i8", "i16", "i32", "i64", "ui8", "ui16", "ui32", "ui64",
                   "i1", "f8E4M3FN", "f8E4M3FNUZ", "f8E5M2", "f8E5M2FNUZ", "f8E8M0FNU")


@rule("BitCast", since=26)
def bit_cast(node: NodeContext):
    """``tg.bit_cast`` to ``to`` (same bit width; bool is a byte)."""
    to = int(node.attr("to"))
    target = types.mlir_element_type(to)
    source = node.input_type(0).element_type
    name = types.onnx_type_name(to) if to in onnx.TensorProto.DataType.values() else str(to)
    if target is None or str(target) not in _BIT_CAST_TYPES:
        node.unsupported(f"BitCast to {name} is not supported")
    if str(source) not in _BIT_CAST_TYPES:
        node.unsupported(f"BitCast from {source} is not supported")
    return [node.tg("bit_cast", node.input(0), to=ir.TypeAttr.get(target))]


# ----------------------------------------------------------------------------
# ReverseSequence
# ----------------------------------------------------------------------------

@rule("ReverseSequence", since=10)
def reverse_sequence(node: NodeContext):
    """gather_elements(input, idx, time_axis), idx = t < len[b] ? len[b] - 1 - t : t."""
    rank = node.input_rank(0)
    if rank < 2:
        node.unsupported(f"input must have rank >= 2, got {rank}")
    batch_axis = _axis(node, int(node.attr("batch_axis", 1)), rank, "batch_axis")
    time_axis = _axis(node, int(node.attr("time_axis", 0)), rank, "time_axis")
    if {batch_axis, time_axis} != {0, 1}:
        node.unsupported(f"batch_axis and time_axis must be 0 and 1, got {batch_axis} and {time_axis}")
    steps = node.input_dims(0)[time_axis]
    if steps is None:
        node.unsupported("a dynamic time dim is not supported yet")
    if node.input_rank(1) != 1:
        node.unsupported(f"sequence_lens must be 1-d, got rank {node.input_rank(1)}")
    lens = node.input(1)
    if str(ir.RankedTensorType(lens.type).element_type) != "i64":
        lens = node.tg("cast", lens, to=ir.TypeAttr.get(ir.IntegerType.get_signless(64)))
    lens = _reshape_along(node, lens, batch_axis, rank)
    t = node.constant(_along(np.arange(steps, dtype=np.int64), time_axis, rank))
    reversed_t = node.tg("sub", node.tg("sub", lens, node.constant(np.array(1, np.int64))), t)
    index = node.tg("where", node.tg("less", t, lens), reversed_t, t)
    return [node.tg("gather_elements", node.input(0), _expand_like(node, index, 0), axis=time_axis)]


# ----------------------------------------------------------------------------
# TensorScatter
# ----------------------------------------------------------------------------

@rule("TensorScatter", since=24)
def tensor_scatter(node: NodeContext):
    """scatter_elements(past_cache, idx, update, axis), idx = write_indices[b] + s
    (mod the cache length for ``circular``)."""
    rank = node.input_rank(0)
    if node.input_rank(1) != rank:
        node.unsupported(f"update must have past_cache's rank {rank}, got {node.input_rank(1)}")
    axis = _axis(node, int(node.attr("axis", -2)), rank, "axis")
    if axis == 0:
        node.unsupported("axis 0 (the batch dim) is not supported (the spec indexes the batch by dim 0)")
    mode = node.attr("mode", "linear")
    if mode not in ("linear", "circular"):
        node.unsupported(f"mode '{mode}' is not supported (linear or circular)")
    steps = node.input_dims(1)[axis]
    length = node.input_dims(0)[axis]
    if steps is None or (mode == "circular" and length is None):
        node.unsupported("a dynamic sequence dim is not supported yet")
    index = node.constant(_along(np.arange(steps, dtype=np.int64), axis, rank))
    if node.has_input(2):
        if node.input_rank(2) != 1:
            node.unsupported(f"write_indices must be 1-d, got rank {node.input_rank(2)}")
        index = node.tg("add", _reshape_along(node, node.input(2), 0, rank), index)
        if mode == "circular":
            index = node.tg("mod", index, node.constant(np.array(length, np.int64)), fmod=0)
    elif mode == "circular" and steps > length:
        index = node.constant(_along(np.arange(steps, dtype=np.int64) % length, axis, rank))
    return [node.tg("scatter_elements", node.input(0), _expand_like(node, index, 1), node.input(1),
                    axis=axis, reduction="none")]


# ----------------------------------------------------------------------------
# DeformConv
# ----------------------------------------------------------------------------

@rule("DeformConv", since=19)
def deform_conv(node: NodeContext):
    """``tg.deform_conv`` (2-d) with the mask (ones when absent), plus the bias."""
    rank = node.input_rank(0)
    if rank != 4:
        node.unsupported(f"only 2-d DeformConv (rank-4 X) is supported yet, got rank {rank}")
    for i in range(node.num_inputs):
        if node.has_input(i):
            node.input_shape(i)  # unsupported (naming the input) when a dim is dynamic
    w_dims = node.input_dims(1)
    kernel = list(node.attr("kernel_shape", w_dims[2:]))
    if kernel != list(w_dims[2:]):
        node.unsupported(f"kernel_shape {kernel} differs from W's spatial dims {w_dims[2:]}")
    strides = list(node.attr("strides", [1, 1]))
    dilations = list(node.attr("dilations", [1, 1]))
    pads = list(node.attr("pads", [0, 0, 0, 0]))
    group = int(node.attr("group", 1))
    offset_group = int(node.attr("offset_group", 1))
    x, w, offset = node.input(0), node.input(1), node.input(2)
    if node.has_input(4):
        mask = node.input(4)
    else:
        dims = node.input_dims(2)
        if any(d is None for d in dims):
            node.unsupported("a dynamic offset shape without a mask input is not supported yet")
        from polytile.runtime.jit import numpy_dtype
        dtype = numpy_dtype(node.input_type(0).element_type)
        mask = node.constant(np.ones([dims[0], offset_group * kernel[0] * kernel[1]] + dims[2:], dtype))
    y = node.tg("deform_conv", x, w, offset, mask, strides=strides, dilations=dilations, pads=pads,
                group=group, offset_group=offset_group)
    if node.has_input(3):
        if node.input_rank(3) != 1 or node.input_dims(3)[0] is None:
            node.unsupported(f"B must be 1-d of static size, got {node.input_dims(3)}")
        bias = node.tg("reshape", node.input(3), shape=[node.input_dims(3)[0], 1, 1])
        y = node.tg("add", y, bias)
    return [y]

"""Import rules for ONNX sequences and optionals, evaluated at compile time.

A sequence is a ``containers.SequenceValue`` (a tuple of tensors: MLIR values or
numpy arrays) and an optional a ``containers.OptionalValue``, kept in the
importer's ``containers`` table, never MLIR values (``containers.py``). So
``SequenceConstruct``, ``SequenceEmpty``, ``SequenceAt``, ``SequenceInsert``,
``SequenceErase``, ``SequenceLength``, ``Optional``, ``OptionalHasElement`` and
``OptionalGetElement`` only move tensors around while importing;
``ConcatFromSequence`` becomes a chain of ``tg.concat`` (after a ``tg.reshape``
adding the new axis), ``SplitToSequence`` one ``tg.slice`` per piece (and a
``tg.reshape`` dropping the axis without ``keepdims``), and ``SequenceMap``
imports its body once per element (at most ``MAX_UNROLL`` elements). Constant
elements give constant results (numpy, at compile time).

Not supported yet: positions, split sizes or lengths known only at run time
(each must be a compile-time constant), ``SplitToSequence`` without ``split``
or with a scalar ``split`` along a dynamic dim, ``SequenceMap`` over more than
``MAX_UNROLL`` elements or whose body gives a sequence, sequence or optional
graph inputs and outputs (graph.py).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from mlir import ir

from polytile.importers.onnx import types
from polytile.importers.onnx.containers import OptionalValue, SequenceValue, describe
from polytile.importers.onnx.graph import NodeContext, _numpy_dtype_of
from polytile.importers.onnx.registry import rule

# The most elements (or iterations) a body is imported for, unrolled at compile time.
MAX_UNROLL = 64


# Helpers ---------------------------------------------------------------------------

def sequence_input(ctx: NodeContext, i: int, what: str = "the sequence") -> SequenceValue:
    """Input ``i`` as a sequence; unsupported when it is something else."""
    value = ctx.container(i)
    if not isinstance(value, SequenceValue):
        found = describe(value) if value is not None else "a tensor"
        ctx.unsupported(f"{what} (input {i}) must be a sequence, got {found}")
    return value


def tensor_input(ctx: NodeContext, i: int, what: str = "the tensor"):
    """Input ``i`` as a tensor: its constant array if known, else its MLIR value."""
    value = ctx.container(i)
    if value is not None:
        ctx.unsupported(f"{what} (input {i}) must be a tensor, got {describe(value)}")
    const = ctx.const(i)
    return const if const is not None else ctx.input(i)


def dtype_of(item) -> np.dtype:
    """The numpy element type of a tensor (array or MLIR value)."""
    if isinstance(item, np.ndarray):
        return item.dtype
    return np.dtype(_numpy_dtype_of(ir.RankedTensorType(item.type).element_type))


def dims_of(item) -> list[Optional[int]]:
    """A tensor's dims, None where dynamic."""
    if isinstance(item, np.ndarray):
        return list(item.shape)
    t = ir.RankedTensorType(item.type)
    return [None if t.is_dynamic_dim(k) else int(t.shape[k]) for k in range(t.rank)]


def _position(ctx: NodeContext, i: int, length: int, default: int, allow_end: bool) -> int:
    """The compile-time position input ``i`` (``default`` when absent), made
    non-negative; ONNX's range is [-n, n-1], or [-n, n] with ``allow_end``."""
    if not ctx.has_input(i):
        return default
    value = ctx.const(i)
    if value is None:
        ctx.unsupported(f"the position (input {i}) must be a compile-time constant (a position "
                        f"known only at run time is not supported yet)")
    if value.size != 1 or value.dtype.kind not in "iu":
        ctx.unsupported(f"the position must be one integer, got {value.dtype} of shape {value.shape}")
    position = int(value.reshape(-1)[0])
    high = length if allow_end else length - 1
    if not -length <= position <= high:
        ctx.unsupported(f"position {position} is out of range [{-length}, {high}] for a sequence "
                        f"of length {length}")
    return position + length if position < 0 else position


def _check_dtype(ctx: NodeContext, sequence: SequenceValue, item, what: str) -> None:
    if sequence.dtype is not None and dtype_of(item) != sequence.dtype:
        ctx.unsupported(f"{what} has element type {dtype_of(item)}, but the sequence holds "
                        f"{sequence.dtype}")


def _sequence_of(ctx: NodeContext, items: list, dtype: Optional[np.dtype] = None) -> SequenceValue:
    """A sequence of ``items``, all of one element type."""
    for k, item in enumerate(items):
        if dtype is None:
            dtype = dtype_of(item)
        elif dtype_of(item) != dtype:
            ctx.unsupported(f"element {k} has element type {dtype_of(item)}, the others {dtype}; a "
                            f"sequence holds one element type")
    return SequenceValue(tuple(items), dtype)


def _as_value(ctx: NodeContext, item) -> ir.Value:
    return ctx.constant(item) if isinstance(item, np.ndarray) else item


def concat_items(ctx: NodeContext, items: list, axis: int, new_axis: bool):
    """The tensors ``items`` joined along ``axis`` (a new axis with ``new_axis``,
    as numpy's stack): a numpy array when all are constants, else a chain of
    tg.concat (after a tg.reshape inserting the new axis)."""
    if not items:
        ctx.unsupported("concatenating an empty sequence (its result has no defined shape)")
    rank = len(dims_of(items[0])) + (1 if new_axis else 0)
    if not -rank <= axis < rank:
        ctx.unsupported(f"axis {axis} is out of range for rank {rank}")
    axis = axis + rank if axis < 0 else axis
    for k, item in enumerate(items):
        if len(dims_of(item)) != len(dims_of(items[0])):
            ctx.unsupported(f"element {k} has rank {len(dims_of(item))}, element 0 rank "
                            f"{len(dims_of(items[0]))}")
    if all(isinstance(item, np.ndarray) for item in items):
        return np.stack(items, axis) if new_axis else np.concatenate(items, axis)
    values = []
    for item in items:
        value = _as_value(ctx, item)
        if new_axis:
            dims = dims_of(item)
            dims.insert(axis, 1)
            value = ctx.tg("reshape", value, shape=[-1 if d is None else d for d in dims])
        values.append(value)
    result = values[0]
    for value in values[1:]:
        result = ctx.tg("concat", result, value, axis=axis)
    return result


# Sequences ---------------------------------------------------------------------------

@rule("SequenceConstruct", since=11)
def sequence_construct(ctx: NodeContext):
    """A sequence of the inputs, in order."""
    items = [tensor_input(ctx, i, f"input {i}") for i in range(ctx.num_inputs) if ctx.has_input(i)]
    return [_sequence_of(ctx, items)]


@rule("SequenceEmpty", since=11)
def sequence_empty(ctx: NodeContext):
    """An empty sequence of element type ``dtype`` (float by default)."""
    elem = int(ctx.attr("dtype", 1))
    dtype = types.numpy_dtype(elem)
    if dtype is None:
        ctx.unsupported(f"dtype {types.onnx_type_name(elem)} is not supported")
    return [SequenceValue((), np.dtype(dtype))]


@rule("SequenceAt", since=11)
def sequence_at(ctx: NodeContext):
    """The element at a compile-time position (negative from the back)."""
    sequence = sequence_input(ctx, 0)
    return [sequence.items[_position(ctx, 1, len(sequence.items), 0, allow_end=False)]]


@rule("SequenceInsert", since=11)
def sequence_insert(ctx: NodeContext):
    """The sequence with the tensor inserted at a compile-time position (at the back by default)."""
    sequence = sequence_input(ctx, 0)
    item = tensor_input(ctx, 1)
    _check_dtype(ctx, sequence, item, "the inserted tensor")
    items = list(sequence.items)
    items.insert(_position(ctx, 2, len(items), len(items), allow_end=True), item)
    return [SequenceValue(tuple(items), sequence.dtype or dtype_of(item))]


@rule("SequenceErase", since=11)
def sequence_erase(ctx: NodeContext):
    """The sequence without the element at a compile-time position (the last by default)."""
    sequence = sequence_input(ctx, 0)
    items = list(sequence.items)
    if not items:
        ctx.unsupported("erasing from an empty sequence")
    del items[_position(ctx, 1, len(items), len(items) - 1, allow_end=False)]
    return [SequenceValue(tuple(items), sequence.dtype)]


@rule("SequenceLength", since=11)
def sequence_length(ctx: NodeContext):
    """The length, a 0-d int64 constant."""
    return [np.array(len(sequence_input(ctx, 0).items), dtype=np.int64)]


@rule("ConcatFromSequence", since=11)
def concat_from_sequence(ctx: NodeContext):
    """The elements concatenated along ``axis``, or stacked along a new one with ``new_axis``."""
    sequence = sequence_input(ctx, 0)
    new_axis = int(ctx.attr("new_axis", 0))
    if new_axis not in (0, 1):
        ctx.unsupported(f"new_axis must be 0 or 1, got {new_axis}")
    return [concat_items(ctx, list(sequence.items), int(ctx.attr("axis")), bool(new_axis))]


@rule("SplitToSequence", since=11)
def split_to_sequence(ctx: NodeContext):
    """The input split along ``axis``: in pieces of the sizes in a 1-d ``split``, in
    pieces of a scalar ``split`` (the last one shorter), or without ``split`` in
    pieces of 1 (the axis dropped unless ``keepdims``)."""
    if ctx.container(0) is not None:
        ctx.unsupported(f"the input must be a tensor, got {describe(ctx.container(0))}")
    dims = ctx.input_dims(0)
    rank = len(dims)
    axis = int(ctx.attr("axis", 0))
    if not -rank <= axis < rank:
        ctx.unsupported(f"axis {axis} is out of range for rank {rank}")
    axis = axis + rank if axis < 0 else axis
    keepdims = int(ctx.attr("keepdims", 1))
    if keepdims not in (0, 1):
        ctx.unsupported(f"keepdims must be 0 or 1, got {keepdims}")
    dim = dims[axis]
    split = ctx.require_const(1, "split") if ctx.has_input(1) else None
    if split is not None and (split.dtype.kind not in "iu" or split.ndim > 1):
        ctx.unsupported(f"split must be an integer scalar or 1-d tensor, got {split.dtype} of shape "
                        f"{split.shape}")
    if split is None or split.ndim == 0:
        if dim is None:
            ctx.unsupported("SplitToSequence of a dynamic dim without 1-d split sizes is not supported "
                            "yet (the number of pieces is known only at run time): pin the input shapes")
        chunk = 1 if split is None else int(split)
        if chunk <= 0:
            ctx.unsupported(f"split must be positive, got {chunk}")
        sizes = [chunk] * (dim // chunk) + ([dim % chunk] if dim % chunk else [])
    else:
        sizes = [int(s) for s in split]
        if any(s < 0 for s in sizes):
            ctx.unsupported(f"split sizes {sizes} must be >= 0")
        if dim is not None and sum(sizes) != dim:
            ctx.unsupported(f"split sizes {sizes} add up to {sum(sizes)}, not the dim size {dim}")
    drop = split is None and not keepdims
    if len(sizes) > MAX_UNROLL * 16:
        ctx.unsupported(f"a sequence of {len(sizes)} pieces is over the limit of {MAX_UNROLL * 16}")
    data = ctx.const(0)
    pieces, offset = [], 0
    for size in sizes:
        if data is not None:
            index = [slice(None)] * rank
            index[axis] = slice(offset, offset + size)
            piece = np.ascontiguousarray(data[tuple(index)])
            pieces.append(piece.reshape([d for k, d in enumerate(piece.shape) if k != axis]) if drop else piece)
        else:
            piece = ctx.tg("slice", ctx.input(0), starts=[offset], ends=[offset + size], axes=[axis], steps=[1])
            if drop:
                kept = [d for k, d in enumerate(dims_of(piece)) if k != axis]
                piece = ctx.tg("reshape", piece, shape=[-1 if d is None else d for d in kept])
            pieces.append(piece)
        offset += size
    return [SequenceValue(tuple(pieces), np.dtype(data.dtype) if data is not None else
                          dtype_of(ctx.input(0)))]


@rule("SequenceMap", since=17)
def sequence_map(ctx: NodeContext):
    """The body applied to each element (with the same-position element of the other
    sequence inputs, and the tensor inputs as they are), imported once per element."""
    body = ctx.attr("body")
    first = sequence_input(ctx, 0, "input_sequence")
    length = len(first.items)
    if length > MAX_UNROLL:
        ctx.unsupported(f"SequenceMap over {length} elements is over the limit of {MAX_UNROLL} "
                        f"(the body is imported once per element)")
    extras = []
    for i in range(1, ctx.num_inputs):
        value = ctx.container(i)
        if isinstance(value, SequenceValue):
            if len(value.items) != length:
                ctx.unsupported(f"input {i} is a sequence of {len(value.items)} elements, the input "
                                f"sequence has {length}")
            extras.append(value)
        else:
            extras.append(tensor_input(ctx, i, f"input {i}"))
    results = [[] for _ in body.output]
    for k in range(length):
        bound = [first.items[k]] + [e.items[k] if isinstance(e, SequenceValue) else e for e in extras]
        outs = ctx.importer.import_subgraph(body, bound, ctx.opset)
        for j, out in enumerate(outs):
            if isinstance(out, (SequenceValue, OptionalValue)):
                ctx.unsupported(f"body output {j} is {describe(out)}; a body giving sequences is not "
                                f"supported yet")
            results[j].append(out)
    out = []
    for j, items in enumerate(results):
        dtype = None
        if not items:
            elem = body.output[j].type.tensor_type.elem_type
            dtype = types.numpy_dtype(elem) if elem else None
        out.append(_sequence_of(ctx, items, np.dtype(dtype) if dtype is not None else None))
    return out


# Optionals ---------------------------------------------------------------------------

@rule("Optional", since=15)
def optional(ctx: NodeContext):
    """An optional holding the input, or an empty one (of the type ``type``) without it."""
    type_proto = ctx.attrs.get("type")
    of = None
    if type_proto is not None:
        of = {"tensor_type": "tensor", "sequence_type": "sequence"}.get(type_proto.WhichOneof("value"))
        if of is None:
            ctx.unsupported(f"an optional of {type_proto.WhichOneof('value')} is not supported")
    if not ctx.has_input(0):
        if type_proto is None:
            ctx.unsupported("an Optional without input needs the 'type' attribute")
        return [OptionalValue(None, of)]
    value = ctx.container(0)
    if isinstance(value, OptionalValue):
        ctx.unsupported("an optional of an optional is not supported")
    held = value if value is not None else tensor_input(ctx, 0, "the input")
    kind = "sequence" if isinstance(held, SequenceValue) else "tensor"
    if of is not None and of != kind:
        ctx.unsupported(f"the 'type' attribute says {of}, but the input is {describe(held)}")
    return [OptionalValue(held, kind)]


def _optional_or_value(ctx: NodeContext):
    """Input 0 as an OptionalValue, or (opset 18 on) a tensor or sequence as the
    optional holding it."""
    value = ctx.container(0)
    if isinstance(value, OptionalValue):
        return value
    held = value if value is not None else tensor_input(ctx, 0, "the input")
    return OptionalValue(held, "sequence" if isinstance(held, SequenceValue) else "tensor")


@rule("OptionalHasElement", since=15)
def optional_has_element(ctx: NodeContext):
    """Whether the optional holds a value: a 0-d bool constant (false without
    input; true for a tensor or sequence input, from opset 18)."""
    if not ctx.has_input(0):
        return [np.array(False)]
    return [np.array(_optional_or_value(ctx).value is not None)]


@rule("OptionalGetElement", since=15)
def optional_get_element(ctx: NodeContext):
    """The optional's value (a tensor or sequence input is its own value, from
    opset 18); an empty optional is an error."""
    value = _optional_or_value(ctx).value
    if value is None:
        ctx.unsupported("OptionalGetElement of an empty optional (ONNX makes it an error)")
    return [value]

"""Import rules for shape and data-movement ops.

Reshape, Squeeze, Unsqueeze, Flatten, Transpose, DepthToSpace and
SpaceToDepth become tg.reshape/tg.transpose, Split becomes tg.slice ops,
Concat a chain of binary tg.concat; Slice, Gather,
GatherElements, GatherND, Scatter, ScatterElements, ScatterND, Expand, Tile,
Pad, Trilu and OneHot have their own tg ops. Shape, Size, ConstantOfShape,
Range and EyeLike are known at compile time and return numpy arrays.

Shapes, axes, pads, repeats, split sizes, slice bounds, Trilu's k and
OneHot's depth must be compile-time constants (they become attributes);
indices and updates of gathers/scatters may be runtime tensors.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from polytile.importers.onnx import types
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


@rule("Reshape", since=5)
def reshape(node: NodeContext):
    """Reshape; with dynamic dims (in the input or a target computed from them,
    see shape_values.py) the dynamic result dims are -1 in tg.reshape's shape."""
    target = node.shape_value(1)
    if target is None:
        node.unsupported("the target shape (input 1) must be a compile-time constant or a shape "
                         "computed from the input dims")
    if isinstance(target, np.ndarray):
        if target.ndim != 1:
            node.unsupported(f"the target shape (input 1) must be 1-D, got shape {list(target.shape)}")
        target = target.astype(np.int64).tolist()
    else:
        if target.scalar:
            node.unsupported("the target shape (input 1) must be 1-D, got a scalar")
        target = list(target.entries)
    return [_reshape(node, target, bool(node.attr("allowzero", 0)))]


def _reshape(node: NodeContext, target: list, allowzero: bool):
    """tg.reshape of input 0 to ONNX Reshape's ``target`` (0: copy, -1: infer; entries
    may be dim symbols, see shape_values.reshape_target); dynamic result dims are -1
    in ``shape`` and are unified with the names ONNX gave them."""
    from polytile.importers.onnx import shape_values
    symbols = node.importer.symbols
    try:
        shape, dims = shape_values.reshape_target(symbols, node.input_symbols(0), target, allowzero)
    except shape_values.NotSymbolic as e:
        node.unsupported(str(e))
    names = node.importer.dim_names(node.node.output[0]) or []
    for dim, name in zip(dims, names):
        if isinstance(dim, str) and isinstance(name, str):
            symbols.union(dim, name)
    return node.tg("reshape", node.input(0), shape=shape)


@rule("Flatten")
def flatten(node: NodeContext):
    return [node.tg("flatten", node.input(0), axis=node.attr("axis", 1))]


@rule("Transpose")
def transpose(node: NodeContext):
    rank = node.input_rank(0)
    perm = list(node.attr("perm", list(reversed(range(rank)))))
    return [node.tg("transpose", node.input(0), perm=perm)]


@rule("Shape")
def shape(node: NodeContext):
    """The input's shape: a numpy array when static, else a symbolic
    ``ShapeValue`` (shape_values.py) whose dynamic entries are dim symbols."""
    from polytile.importers.onnx import shape_values
    start = node.attr("start", 0)
    end = node.attr("end", None)
    if None not in node.input_dims(0):
        return [np.asarray(node.input_shape(0), dtype=np.int64)[start:end]]
    return [shape_values.ShapeValue(tuple(node.input_symbols(0))[start:end])]


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

def _axis(node: NodeContext, axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` made non-negative; unsupported when outside [-rank, rank)."""
    if not -rank <= axis < rank:
        node.unsupported(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _ints_from_attr_or_input(node: NodeContext, name: str, index: int, since: int,
                             default=None) -> Optional[list[int]]:
    """An int list given as attribute ``name`` before opset ``since`` and as the
    compile-time constant input ``index`` from then on; ``default`` when absent."""
    if node.opset < since:
        value = node.attr(name, default)
        return None if value is None else [int(v) for v in value]
    if not node.has_input(index):
        return default
    return node.require_const(index, name).astype(np.int64).reshape(-1).tolist()


def _reshape_to(node: NodeContext, value, shape: list[Optional[int]]):
    """tg.reshape to ``shape`` (None: a dynamic dim carried over from the input)."""
    return node.tg("reshape", value, shape=[-1 if d is None else int(d) for d in shape])


# ----------------------------------------------------------------------------
# Reshape-like ops (imported as tg.reshape / tg.transpose)
# ----------------------------------------------------------------------------

@rule("Reshape", since=1, until=4)
def reshape_attribute(node: NodeContext):
    """Reshape-1: the target shape is an attribute."""
    return [_reshape(node, [int(d) for d in node.attr("shape")], False)]


@rule("Squeeze")
def squeeze(node: NodeContext):
    in_shape = node.input_dims(0)
    axes = _ints_from_attr_or_input(node, "axes", 1, since=13)
    if axes is None:
        if None in in_shape:
            node.unsupported("Squeeze without axes of an input with dynamic dims (which dims are 1 "
                             "is known only at run time)")
        axes = [i for i, d in enumerate(in_shape) if d == 1]
    axes = {_axis(node, a, len(in_shape), "axes entry") for a in axes}
    for a in axes:
        if in_shape[a] != 1:
            size = "dynamic size" if in_shape[a] is None else f"size {in_shape[a]}"
            node.unsupported(f"cannot squeeze dim {a} of {size}")
    shape = [d for i, d in enumerate(in_shape) if i not in axes]
    return [_reshape_to(node, node.input(0), shape)]


@rule("Unsqueeze")
def unsqueeze(node: NodeContext):
    in_shape = node.input_dims(0)
    axes = _ints_from_attr_or_input(node, "axes", 1, since=13)
    if axes is None:
        node.unsupported("Unsqueeze needs axes")
    rank = len(in_shape) + len(axes)
    axes = sorted(_axis(node, a, rank, "axes entry") for a in axes)
    if len(set(axes)) != len(axes):
        node.unsupported(f"axes {axes} repeat an axis")
    shape = list(in_shape)
    for a in axes:
        shape.insert(a, 1)
    return [_reshape_to(node, node.input(0), shape)]


def _block_transform(node: NodeContext, first: list[int], perm: list[int], final: list[int]):
    """reshape -> transpose -> reshape, the ONNX definition of Depth/SpaceToDepth."""
    x = _reshape_to(node, node.input(0), first)
    x = node.tg("transpose", x, perm=perm)
    return [_reshape_to(node, x, final)]


@rule("DepthToSpace")
def depth_to_space(node: NodeContext):
    shape = node.input_shape(0)
    if len(shape) != 4:
        node.unsupported(f"input must be 4-d (N x C x H x W), got rank {len(shape)}")
    n, ch, h, w = shape
    b = int(node.attr("blocksize"))
    mode = node.attr("mode", "DCR")
    if b < 1 or ch % (b * b):
        node.unsupported(f"channels ({ch}) must be divisible by blocksize^2 ({b}^2)")
    c = ch // (b * b)
    final = [n, c, h * b, w * b]
    if mode == "DCR":
        return _block_transform(node, [n, b, b, c, h, w], [0, 3, 4, 1, 5, 2], final)
    if mode == "CRD":
        return _block_transform(node, [n, c, b, b, h, w], [0, 1, 4, 2, 5, 3], final)
    node.unsupported(f"mode '{mode}' is not supported (DCR or CRD)")


@rule("SpaceToDepth")
def space_to_depth(node: NodeContext):
    shape = node.input_shape(0)
    if len(shape) != 4:
        node.unsupported(f"input must be 4-d (N x C x H x W), got rank {len(shape)}")
    n, c, h, w = shape
    b = int(node.attr("blocksize"))
    if b < 1 or h % b or w % b:
        node.unsupported(f"H ({h}) and W ({w}) must be divisible by blocksize ({b})")
    mode = node.attr("mode", "DCR")
    first = [n, c, h // b, b, w // b, b]
    final = [n, c * b * b, h // b, w // b]
    if mode == "DCR":
        return _block_transform(node, first, [0, 3, 5, 1, 2, 4], final)
    if mode == "CRD":
        return _block_transform(node, first, [0, 1, 3, 5, 2, 4], final)
    node.unsupported(f"mode '{mode}' is not supported (DCR or CRD)")


# ----------------------------------------------------------------------------
# Joining, splitting, slicing
# ----------------------------------------------------------------------------

@rule("Concat")
def concat(node: NodeContext):
    """A chain of binary tg.concat ops (IRDL variadic operands must share one type)."""
    inputs = [node.input(i) for i in range(node.num_inputs) if node.has_input(i)]
    axis = node.attr("axis", 1 if node.opset < 4 else None)
    if axis is None:
        node.unsupported("missing required attribute 'axis'")
    if not inputs:
        node.unsupported("Concat needs at least one input")
    _axis(node, axis, node.input_rank(0))
    result = inputs[0]
    for x in inputs[1:]:
        result = node.tg("concat", result, x, axis=axis)
    return [result]


def _split_sizes(node: NodeContext, dim: int, count: int) -> list[int]:
    """Split sizes from the `split` attribute/input, `num_outputs` or equal parts."""
    sizes = _ints_from_attr_or_input(node, "split", 1, since=13)
    if sizes is not None:
        if len(sizes) != count:
            node.unsupported(f"split has {len(sizes)} entries for {count} outputs")
        return sizes
    if node.opset >= 18:
        count = int(node.attr("num_outputs", count))
        chunk = -(-dim // count)
        sizes = [chunk] * (count - 1) + [dim - chunk * (count - 1)]
        if sizes[-1] < 0:
            node.unsupported(f"cannot split dim of size {dim} into {count} outputs")
        return sizes
    if dim % count:
        node.unsupported(f"dim of size {dim} does not split into {count} equal parts")
    return [dim // count] * count


@rule("Split")
def split(node: NodeContext):
    """One tg.slice per output (a variadic result group would force one type)."""
    shape = node.input_shape(0)
    axis = _axis(node, node.attr("axis", 0), len(shape))
    sizes = _split_sizes(node, shape[axis], len(node.node.output))
    outputs, offset = [], 0
    for size in sizes:
        outputs.append(node.tg("slice", node.input(0), starts=[offset], ends=[offset + size],
                               axes=[axis], steps=[1]))
        offset += size
    return outputs


@rule("Slice")
def slice_(node: NodeContext):
    rank = node.input_rank(0)
    if node.opset < 10:
        starts = [int(v) for v in node.attr("starts")]
        ends = [int(v) for v in node.attr("ends")]
        axes = [int(v) for v in node.attr("axes", list(range(len(starts))))]
        steps = [1] * len(starts)
    else:
        starts = node.require_const(1, "starts").astype(np.int64).reshape(-1).tolist()
        ends = node.require_const(2, "ends").astype(np.int64).reshape(-1).tolist()
        axes = (node.require_const(3, "axes").astype(np.int64).reshape(-1).tolist()
                if node.has_input(3) else list(range(len(starts))))
        steps = (node.require_const(4, "steps").astype(np.int64).reshape(-1).tolist()
                 if node.has_input(4) else [1] * len(starts))
    axes = [_axis(node, a, rank, "axes entry") for a in axes]
    return [node.tg("slice", node.input(0), starts=starts, ends=ends, axes=axes, steps=steps)]


# ----------------------------------------------------------------------------
# Gathers and scatters (runtime indices)
# ----------------------------------------------------------------------------

@rule("Gather")
def gather(node: NodeContext):
    rank = node.input_rank(0)
    return [node.tg("gather", node.input(0), node.input(1),
                    axis=_axis(node, node.attr("axis", 0), rank))]


@rule("GatherElements")
def gather_elements(node: NodeContext):
    rank = node.input_rank(0)
    return [node.tg("gather_elements", node.input(0), node.input(1),
                    axis=_axis(node, node.attr("axis", 0), rank))]


@rule("GatherND")
def gather_nd(node: NodeContext):
    return [node.tg("gather_nd", node.input(0), node.input(1),
                    batch_dims=node.attr("batch_dims", 0))]


def _reduction(node: NodeContext) -> str:
    return node.attr("reduction", "none")


@rule("Scatter", since=9, until=10)
def scatter(node: NodeContext):
    """The deprecated Scatter is ScatterElements without reduction."""
    rank = node.input_rank(0)
    return [node.tg("scatter_elements", node.input(0), node.input(1), node.input(2),
                    axis=_axis(node, node.attr("axis", 0), rank), reduction="none")]


@rule("ScatterElements")
def scatter_elements(node: NodeContext):
    rank = node.input_rank(0)
    return [node.tg("scatter_elements", node.input(0), node.input(1), node.input(2),
                    axis=_axis(node, node.attr("axis", 0), rank), reduction=_reduction(node))]


@rule("ScatterND")
def scatter_nd(node: NodeContext):
    return [node.tg("scatter_nd", node.input(0), node.input(1), node.input(2),
                    reduction=_reduction(node))]


# ----------------------------------------------------------------------------
# Broadcasting, tiling, padding
# ----------------------------------------------------------------------------

@rule("Expand")
def expand(node: NodeContext):
    shape = node.require_const(1, "the shape").astype(np.int64).reshape(-1).tolist()
    return [node.tg("expand", node.input(0), shape=shape)]


@rule("Tile")
def tile(node: NodeContext):
    repeats = node.require_const(1, "repeats").astype(np.int64).reshape(-1).tolist()
    return [node.tg("tile", node.input(0), repeats=repeats)]


def _input_dtype(node: NodeContext) -> np.dtype:
    """The numpy dtype of input 0."""
    if node.const(0) is not None:
        return node.const(0).dtype
    from polytile.runtime.jit import numpy_dtype
    return numpy_dtype(node.input_type(0).element_type)


@rule("Pad")
def pad(node: NodeContext):
    rank = node.input_rank(0)
    mode = node.attr("mode", "constant")
    if node.opset < 11:
        pads = [int(p) for p in node.attr("pads")]
        value = node.attr("value", 0.0)
        fill = node.constant(np.asarray(value).astype(_input_dtype(node))) if value else None
    else:
        pads = node.require_const(1, "pads").astype(np.int64).reshape(-1).tolist()
        fill = node.input(2) if mode == "constant" else None
    if node.opset >= 18 and node.has_input(3):
        axes = [_axis(node, a, rank, "axes entry")
                for a in node.require_const(3, "axes").astype(np.int64).reshape(-1).tolist()]
        if len(pads) != 2 * len(axes):
            node.unsupported(f"pads has {len(pads)} entries for {len(axes)} axes")
        full = [0] * (2 * rank)
        for i, a in enumerate(axes):
            full[a], full[rank + a] = pads[i], pads[len(axes) + i]
        pads = full
    return [node.tg("pad", node.input(0), fill, mode=mode, pads=pads)]


# ----------------------------------------------------------------------------
# Generators
# ----------------------------------------------------------------------------

@rule("Trilu")
def trilu(node: NodeContext):
    k = 0
    if node.has_input(1):
        k_value = np.asarray(node.require_const(1, "k")).reshape(-1)
        if k_value.size != 1:
            node.unsupported(f"k (input 1) must hold one value, got {k_value.size}")
        k = int(k_value[0])
    return [node.tg("trilu", node.input(0), upper=node.attr("upper", 1), k=k)]


@rule("OneHot")
def one_hot(node: NodeContext):
    depth = node.require_const(1, "depth").reshape(-1)
    if depth.size != 1:
        node.unsupported("depth must hold a single value")
    return [node.tg("one_hot", node.input(0), node.input(2), axis=node.attr("axis", -1),
                    depth=int(depth[0]))]


# Outputs known at compile time: returned as numpy arrays.

@rule("Size")
def size(node: NodeContext):
    from polytile.importers.onnx import shape_values
    if None in node.input_dims(0):
        return [shape_values.ShapeValue((None,), scalar=True)]
    return [np.asarray(int(np.prod(node.input_shape(0), dtype=np.int64)), dtype=np.int64)]


@rule("ConstantOfShape")
def constant_of_shape(node: NodeContext):
    shape = node.require_const(0, "the shape").astype(np.int64).reshape(-1).tolist()
    if any(d < 0 for d in shape):
        node.unsupported(f"the shape must not have negative dims, got {shape}")
    value = node.attr("value", None)
    value = np.zeros(1, np.float32) if value is None else np.asarray(value).reshape(-1)
    if value.size != 1:
        node.unsupported(f"value must hold one element, got {value.size}")
    # a read-only view with zero strides: a splat, whatever the shape (no memory for it)
    return [np.broadcast_to(value[:1].reshape(()), shape)]


@rule("Range")
def range_(node: NodeContext):
    values = []
    for i, name in enumerate(("start", "limit", "delta")):
        value = np.asarray(node.require_const(i, name))
        if value.size != 1:
            node.unsupported(f"{name} (input {i}) must be a scalar, got shape {list(value.shape)}")
        values.append(value.reshape(()))
    start, limit, delta = values
    with np.errstate(all="ignore"):
        steps = np.ceil((np.float64(limit) - np.float64(start)) / np.float64(delta)) if delta != 0 else np.nan
    if not np.isfinite(steps):
        node.unsupported(f"Range({start}, {limit}, {delta}) has no finite number of elements")
    count = max(int(steps), 0)
    return [(start + np.arange(count) * delta).astype(start.dtype)]


@rule("EyeLike")
def eye_like(node: NodeContext):
    shape = node.input_shape(0)
    if len(shape) != 2:
        node.unsupported(f"input must be 2-d, got rank {len(shape)}")
    dtype_attr = node.attr("dtype", None)
    dtype = _input_dtype(node) if dtype_attr is None else types.numpy_dtype(dtype_attr)
    if dtype is None:
        node.unsupported(f"dtype {dtype_attr} is not supported")
    return [np.eye(shape[0], shape[1], k=node.attr("k", 0), dtype=dtype)]

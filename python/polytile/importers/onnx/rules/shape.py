"""Import rules for shape and data-movement ops.

Reshape, Squeeze, Unsqueeze, Flatten, Transpose, DepthToSpace and
SpaceToDepth become tg.reshape/tg.transpose, Split becomes tg.slice ops,
Concat a chain of binary tg.concat; Slice, Gather,
GatherElements, GatherND, Scatter, ScatterElements, ScatterND, Expand, Tile,
Pad, Trilu and OneHot have their own tg ops. Shape, Size, ConstantOfShape,
Range and EyeLike are known at compile time and return numpy arrays.

Shapes, axes, pads and OneHot's depth must be compile-time constants (they
become attributes); indices and updates of gathers/scatters may be runtime
tensors. Slice bounds, Split sizes, Tile repeats, Expand's shape and Trilu's k
become attributes when they are constants, else run-time operands of the tg op
(Slice: the ``bounds`` of tg.slice's run-time form; Split: tg.cum_sum of the
sizes, then one run-time slice per output; Expand's shape needs a static length,
the result's rank). Not supported yet: Split into equal parts of a dynamic dim
(the offsets depend on its run-time size, which no tg op gives as a tensor).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from polytile.dialects import tg
from polytile.importers.onnx import types
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


@rule("Reshape", since=5)
def reshape(node: NodeContext):
    """Reshape; with dynamic dims (in the input or a target computed from them,
    see shape_values.py) the dynamic result dims are -1 in tg.reshape's shape."""
    target = node.shape_value(1)
    if target is None:
        return [_reshape_at_run_time(node)]
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
    except shape_values.NotSymbolic:
        # not a reshape the symbolic dims describe (several dims known only at run time,
        # reordered): the target as a run-time tensor
        return _reshape_at_run_time(node)
    names = node.importer.dim_names(node.node.output[0]) or []
    for dim, name in zip(dims, names):
        if isinstance(dim, str) and isinstance(name, str):
            symbols.union(dim, name)
    return node.tg("reshape", node.input(0), shape=shape)


def _reshape_at_run_time(node: NodeContext):
    """tg.reshape_dynamic: the target (input 1, a run-time tensor or a shape with dynamic
    dims made one) is resolved by the compiled code. When the data and the target are
    graph inputs, the door checks that the target keeps the element count."""
    dims = node.input_dims(1)
    if len(dims) != 1 or dims[0] is None:
        node.unsupported(f"a target shape (input 1) of dims {dims} known only at run time is not "
                         f"supported: it must be 1-D with a static length")
    allowzero = int(bool(node.attr("allowzero", 0)))
    if node.is_graph_input(0):
        node.check_values(1, "reshape", of=node.node.input[0], dim=allowzero)
    return node.tg("reshape_dynamic", node.input(0), node.input(1), allowzero=allowzero)


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
            node.unsupported("Squeeze without axes of an input with dynamic dims is not supported "
                             "(which dims are 1 is known only at run time)")
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


def _split_sizes(node: NodeContext, dim: Optional[int], count: int) -> list[int]:
    """Split sizes from the `split` attribute/input, `num_outputs` or equal parts
    (``dim`` None: a dynamic dim, which only explicit sizes can split)."""
    sizes = _ints_from_attr_or_input(node, "split", 1, since=13)
    if sizes is not None:
        if len(sizes) != count:
            node.unsupported(f"split has {len(sizes)} entries for {count} outputs")
        return sizes
    if dim is None:
        node.unsupported("splitting a dynamic dim into equal parts is not supported yet (the "
                         "offsets depend on the run-time size): give the split sizes or pin the "
                         "input shapes")
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
    """One tg.slice per output (a variadic result group would force one type). A
    run-time ``split`` input: the offsets are its running sums (tg.cum_sum of the
    sizes clamped at 0), each output a run-time-form slice between two of them."""
    dims = node.input_dims(0)
    axis = _axis(node, node.attr("axis", 0), len(dims))
    count = len(node.node.output)
    if node.opset >= 13 and node.has_input(1) and node.const(1) is None:
        return _split_runtime(node, axis, count)
    sizes = _split_sizes(node, dims[axis], count)
    outputs, offset = [], 0
    for size in sizes:
        outputs.append(node.tg("slice", node.input(0), starts=[offset], ends=[offset + size],
                               axes=[axis], steps=[1]))
        offset += size
    return outputs


def _split_runtime(node: NodeContext, axis: int, count: int) -> list:
    sizes = node.input(1)
    sizes_type = node.input_type(1)
    if sizes_type.rank != 1 or str(sizes_type.element_type) != "i64":
        node.unsupported(f"split (input 1) must be a 1-d int64 tensor, got {sizes_type}")
    if sizes_type.shape[0] not in (count, tg.DYNAMIC):
        node.unsupported(f"split has {sizes_type.shape[0]} entries for {count} outputs")
    sizes = node.tg("max", sizes, node.constant(np.zeros((), np.int64)))  # no negative sizes
    ends = node.tg("cum_sum", sizes, axis=0, exclusive=0, reverse=0)
    outputs, start = [], None
    for k in range(count):
        end = node.tg("slice", ends, starts=[k], ends=[k + 1], axes=[0], steps=[1])
        if start is None:
            outputs.append(node.tg("slice", node.input(0), end, starts=[0], ends=[], axes=[axis],
                                   steps=[1]))
        else:
            outputs.append(node.tg("slice", node.input(0), start, end, starts=[], ends=[], axes=[axis],
                                   steps=[1]))
        start = end
    return outputs


#: Slice's inputs from opset 10 on, by position.
_SLICE_INPUTS = ((1, "starts"), (2, "ends"), (3, "axes"), (4, "steps"))


@rule("Slice")
def slice_(node: NodeContext):
    """Bounds that are all compile-time constants become tg.slice's attributes. Else
    the run-time ones are its ``bounds`` operands and the constant (or default) ones
    stay attributes: the run-time form, see tg.irdl.mlir."""
    rank = node.input_rank(0)
    if node.opset < 10:
        starts = [int(v) for v in node.attr("starts")]
        ends = [int(v) for v in node.attr("ends")]
        axes = [int(v) for v in node.attr("axes", list(range(len(starts))))]
        steps = [1] * len(starts)
    else:
        if any(node.has_input(i) and node.const(i) is None for i, _ in _SLICE_INPUTS):
            return [_slice_runtime(node, rank)]
        starts = node.require_const(1, "starts").astype(np.int64).reshape(-1).tolist()
        ends = node.require_const(2, "ends").astype(np.int64).reshape(-1).tolist()
        axes = (node.require_const(3, "axes").astype(np.int64).reshape(-1).tolist()
                if node.has_input(3) else list(range(len(starts))))
        steps = (node.require_const(4, "steps").astype(np.int64).reshape(-1).tolist()
                 if node.has_input(4) else [1] * len(starts))
    axes = [_axis(node, a, rank, "axes entry") for a in axes]
    return [node.tg("slice", node.input(0), starts=starts, ends=ends, axes=axes, steps=steps)]


def _slice_runtime(node: NodeContext, rank: int):
    """tg.slice in run-time form. The run-time bounds must share one type (1-d
    int32/int64, as ONNX requires); with a ``?`` length the absent axes/steps are
    listed for every dim (their defaults, entry j slicing dim j)."""
    runtime, lists = [], {}
    for i, name in _SLICE_INPUTS:
        if node.has_input(i) and node.const(i) is None:
            runtime.append((name, i))
        elif node.has_input(i):
            lists[name] = node.const(i).astype(np.int64).reshape(-1).tolist()
    types = {str(node.input_type(i)) for _, i in runtime}
    first = node.input_type(runtime[0][1])
    if len(types) != 1 or first.rank != 1 or str(first.element_type) not in ("i32", "i64"):
        shown = ", ".join(f"{name} {node.input_type(i)}" for name, i in runtime)
        node.unsupported(f"the run-time slice bounds must be 1-d int32/int64 tensors of one type, "
                         f"got {shown}")
    count = first.shape[0]
    if count == tg.DYNAMIC:
        count = None
    for name, values in lists.items():
        if count is not None and len(values) != count:
            node.unsupported(f"{name} has {len(values)} entries, the run-time bounds {count}")
        count = len(values)
    if count == 0:
        return node.input(0)  # no entries: nothing is sliced
    dynamic = first.shape[0] == tg.DYNAMIC and not lists
    length = rank if dynamic else count
    if "axes" in lists:
        axes = [_axis(node, a, rank, "axes entry") for a in lists["axes"]]
        if len(set(axes)) != len(axes):
            node.unsupported(f"axes {lists['axes']} repeat an axis")
        lists["axes"] = axes
    elif not any(name == "axes" for name, _ in runtime):
        if length > rank:
            node.unsupported(f"{length} slice entries without axes for rank {rank}")
        lists["axes"] = list(range(length))
    if "steps" in lists and 0 in lists["steps"]:
        node.unsupported("steps must be non-zero")
    if "steps" not in lists and not any(name == "steps" for name, _ in runtime):
        lists["steps"] = [1] * length
    # what ONNX forbids is refused at the door when the bounds are graph inputs (the
    # compiled code itself stays in bounds whatever they hold)
    for name, i in runtime:
        if name == "axes":
            node.check_values(i, "axes", rank=rank)
        elif name == "steps":
            node.check_values(i, "nonzero")
    attributes = {name: lists.get(name, []) for _, name in _SLICE_INPUTS}
    return node.tg("slice", node.input(0), *[node.input(i) for _, i in runtime], **attributes)


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


def _static_index_depth(node: NodeContext, i: int) -> None:
    """The last dim of GatherND/ScatterND's indices says how many dims each index names:
    the result's rank depends on it, so it must be static."""
    dims = node.input_dims(i)
    if dims and dims[-1] is None:
        node.unsupported(f"indices (input {i}) with a dynamic last dim (the number of dims each "
                         f"index names, which sets the result's rank) are not supported yet")


@rule("GatherND")
def gather_nd(node: NodeContext):
    _static_index_depth(node, 1)
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
    _static_index_depth(node, 1)
    return [node.tg("scatter_nd", node.input(0), node.input(1), node.input(2),
                    reduction=_reduction(node))]


# ----------------------------------------------------------------------------
# Broadcasting, tiling, padding
# ----------------------------------------------------------------------------

@rule("Expand")
def expand(node: NodeContext):
    """A constant shape is tg.expand's attribute; a run-time one its ``shape_input``,
    whose static length is the result's rank."""
    if node.const(1) is None:
        shape_type = node.input_type(1)
        if shape_type.rank != 1 or shape_type.is_dynamic_dim(0):
            node.unsupported(f"the shape (input 1) must be a compile-time constant or a 1-d tensor of "
                             f"static length (the result's rank), got {shape_type}")
        return [node.tg("expand", node.input(0), node.input(1), shape=[])]
    shape = node.require_const(1, "the shape").astype(np.int64).reshape(-1).tolist()
    return [node.tg("expand", node.input(0), shape=shape)]


@rule("Tile")
def tile(node: NodeContext):
    """Constant repeats are tg.tile's attribute; run-time ones its ``repeats_input``."""
    if node.const(1) is None:
        return [node.tg("tile", node.input(0), node.input(1), repeats=[])]
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
    """A constant k is tg.trilu's attribute; a run-time one its ``k_input``."""
    k = 0
    if node.has_input(1) and node.const(1) is None:
        return [node.tg("trilu", node.input(0), node.input(1), upper=node.attr("upper", 1), k=0)]
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
    """A constant shape gives a splat constant; a shape known only at run time (a graph
    input, or a shape with dynamic dims) is tg.expand of the 0-d value to it (negative
    entries give empty dims)."""
    value = node.attr("value", None)
    value = np.zeros(1, np.float32) if value is None else np.asarray(value).reshape(-1)
    if value.size != 1:
        node.unsupported(f"value must hold one element, got {value.size}")
    if node.const(0) is None:
        shape_type = node.input_type(0)
        if shape_type.rank != 1 or shape_type.is_dynamic_dim(0):
            node.unsupported(f"the shape (input 0) must be a compile-time constant or a 1-d tensor of "
                             f"static length (the result's rank), got {shape_type}")
        return [node.tg("expand", node.constant(value[:1].reshape(())), node.input(0), shape=[])]
    shape = node.require_const(0, "the shape").astype(np.int64).reshape(-1).tolist()
    if any(d < 0 for d in shape):
        node.unsupported(f"the shape must not have negative dims, got {shape}")
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

"""tg-propagate-layouts: run 2-d convolutions channels-last and keep the tensors between
them channels-last, so that layout copies appear only where the graph needs them.

1. **Choose.** Each ``tg.conv`` whose kernel prefers channels-last (2-d, f32, static
   channels and weights, groups 1, depthwise or grouped with stride 1, and a default schedule that packs it:
   ``sched-default``'s channels-last register tiles) is rewritten channels-last:
   * a pointwise one (1x1, stride 1, no padding, groups 1) becomes
     ``tg.matmul(x_nhwc, W^T)`` (+ bias): a matrix product over the N*H*W rows whose
     weights are packed at compile time and whose epilogue fuses into its register tile;
   * any other becomes ``tg.nhwc_conv``;
   each between a ``tg.transpose`` to NHWC of its input and one back to NCHW of its result.
   The NCHW form of the same kernels copies its input to NHWC and its result back inside
   the kernel, so the choice never moves more bytes; the cost it weighs is the copies
   that remain (below). A conv carrying ``tg.layout = "nchw"`` keeps its layout (the
   override, as a schedule overrides the default one; ``"nhwc"`` forces channels-last
   for any 2-d convolution; another value is an error).
2. **Propagate.** The transposes back to NCHW move down through their users so that they
   cancel against the next transpose to NHWC:
   * element-wise ops (kernel class ``elementwise``, no axis attribute) whose rank-4
     operands are all such transposes, constants (transposed at compile time) or
     broadcast scalars run on the NHWC operands;
   * ``tg.concat`` on the channel axis concatenates NHWC inputs on axis 3;
   * ``tg.global_average_pool`` / ``tg.global_max_pool`` become ``tg.reduce_mean`` /
     ``tg.reduce_max`` over H and W;
   * a transpose of a transpose composes (and vanishes when the composition is the
     identity); a transpose that moves only unit dims is a ``tg.reshape``.
   What stays is a ``tg.transpose`` kernel (one vectorized copy) where the graph needs
   NCHW: model inputs and outputs, reshapes that mix channels, ops with no channels-last
   form yet (pooling windows, resize, normalizations: they get a transpose on each side).

The pass reports the bytes of the layout copies left as the module attribute
``tg.layout_copy_bytes`` (what a lit test checks). Not supported yet: channel-blocked
(NCHW[x]c) layouts, 1-d and 3-d convolutions, channels-last pooling and resize.
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Sequence

import numpy as np
from mlir import ir

from polytile.dialects import op_table, tg
from polytile.pass_registry import PassError, option, register_pass
from polytile.passes.common.walk import ops_in
from polytile.passes.graph.tg_canonicalize import simplify_reshape
from polytile.passes.graph.tg_fold_constants import constant_array

TO_NHWC, TO_NCHW = (0, 2, 3, 1), (0, 3, 1, 2)
LAYOUT_OVERRIDE_ATTR = "tg.layout"
LAYOUTS = ("nchw", "nhwc")
COPY_BYTES_ATTR = "tg.layout_copy_bytes"
_AXIS_ATTRS = ("axis", "axes")


@dataclasses.dataclass(frozen=True)
class Options:
    vector_bits: int = option(0, "Vector register width in bits the kernels use (0: the host's)")


@register_pass("tg-propagate-layouts", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Rewrite packable 2-d convolutions channels-last and cancel the layout copies between them."""
    for conv in ops_in(root, "tg.conv"):
        if conv.name == "tg.conv" and _prefers_channels_last(conv, options.vector_bits):
            _to_channels_last(conv)
    _propagate(root)
    copies = sum(_bytes(op.results[0]) for op in ops_in(root, "tg.transpose") if op.name == "tg.transpose")
    if root.name == "builtin.module":
        root.attributes[COPY_BYTES_ATTR] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), copies)


# ---------------------------------------------------------------------------
# choice
# ---------------------------------------------------------------------------

def _prefers_channels_last(conv: ir.Operation, vector_bits: int) -> bool:
    """Whether the default schedule of the channels-last form packs ``conv`` (the NCHW
    form would copy to and from NHWC inside its kernel anyway)."""
    if LAYOUT_OVERRIDE_ATTR in conv.attributes:
        attr = conv.attributes[LAYOUT_OVERRIDE_ATTR]
        value = ir.StringAttr(attr).value if isinstance(attr, ir.StringAttr) else None
        if value not in LAYOUTS:
            raise PassError(f"tg-propagate-layouts: {LAYOUT_OVERRIDE_ATTR} must be one of "
                            f"{', '.join(repr(v) for v in LAYOUTS)}, got {attr}", conv)
        # "nhwc" forces it for any 2-d convolution (without a packed kernel: the plain
        # loops between two transposes, inside tg.nhwc_conv's lowering)
        return value == "nhwc" and ir.RankedTensorType(conv.operands[0].type).rank == 4
    return _packable(conv, vector_bits)


def _packable(conv: ir.Operation, vector_bits: int) -> bool:
    from polytile.passes.schedule.sched_default import conv_schedule, matmul_schedule
    x = ir.RankedTensorType(conv.operands[0].type)
    if x.rank != 4 or str(x.element_type) != "f32":
        return False
    if conv_schedule("probe", conv, threads=1, vector_bits=vector_bits) is None:
        return False
    if not _pointwise(conv):
        return True
    n, c, h, w = x.shape
    f = ir.RankedTensorType(conv.results[0].type).shape[1]
    if ir.ShapedType.get_dynamic_size() in (n, h, w):
        return False  # the matrix product would have dynamic batch dims and a static B
    return matmul_schedule("probe", [n, h], w, f, c, 1, vector_bits) is not None


def _ints(op: ir.Operation, name: str) -> list[int]:
    return list(ir.DenseI64ArrayAttr(op.attributes[name]))


def _pointwise(conv: ir.Operation) -> bool:
    w = list(ir.RankedTensorType(conv.operands[1].type).shape)
    return w[2:] == [1, 1] and ir.IntegerAttr(conv.attributes["group"]).value == 1 and \
        set(_ints(conv, "strides")) == {1} and not any(_ints(conv, "pads"))


def _to_channels_last(conv: ir.Operation) -> None:
    with ir.InsertionPoint(conv), conv.location:
        x_nhwc = _transpose(conv.operands[0], TO_NHWC)
        bias = conv.operands[2] if len(conv.operands) > 2 else None
        if _pointwise(conv) and ir.RankedTensorType(x_nhwc.type).has_static_shape:
            n, h, w, c = ir.RankedTensorType(x_nhwc.type).shape
            rows = _reshape(x_nhwc, [n * h * w, c])
            y = tg.build("matmul", [rows, _pointwise_weights(conv.operands[1])]).results[0]
            if bias is not None:
                y = tg.build("add", [y, bias]).results[0]
            y = _reshape(y, [n, h, w, ir.RankedTensorType(y.type).shape[1]])
        else:
            attributes = {name: conv.attributes[name] for name in
                          ("dilations", "group", "kernel_shape", "pads", "strides")}
            y = tg.build("nhwc_conv", [x_nhwc, conv.operands[1], bias], attributes).results[0]
        back = _transpose(y, TO_NCHW)
    conv.results[0].replace_all_uses_with(back)
    conv.erase()


def _pointwise_weights(w: ir.Value) -> ir.Value:
    """``W[F, C, 1, 1]`` as the ``[C, F]`` right operand of the matrix product (folded when
    constant)."""
    f, c = list(ir.RankedTensorType(w.type).shape)[:2]
    array = constant_array(w)
    if array is not None:
        return tg.constant(np.ascontiguousarray(array.reshape(f, c).T))
    return _transpose(_reshape(w, [f, c]), (1, 0))


def _reshape(value: ir.Value, shape: Sequence[int]) -> ir.Value:
    if list(ir.RankedTensorType(value.type).shape) == list(shape):
        return value
    return tg.build("reshape", [value], {"shape": ir.DenseI64ArrayAttr.get(list(shape))}).results[0]


# ---------------------------------------------------------------------------
# propagation
# ---------------------------------------------------------------------------

def _propagate(root: ir.Operation) -> None:
    changed = True
    while changed:
        changed = False
        # each step erases only the op it looks at, so the other ops listed stay valid
        for op in ops_in(root, "tg.transpose"):
            if op.name == "tg.transpose":
                changed |= _simplify_transpose(op)
        for op in ops_in(root, "tg.reshape"):
            if op.name == "tg.reshape":
                changed |= simplify_reshape(op)
        for op in ops_in(root, "tg."):
            if op.name != "tg.transpose":
                changed |= _sink_through(op)
        _erase_dead_transposes(root)


def _perm(op: ir.Operation) -> tuple[int, ...]:
    return tuple(_ints(op, "perm"))


def _producer(value: ir.Value) -> Optional[ir.Operation]:
    owner = value.owner
    return owner.operation if isinstance(owner, (ir.OpView, ir.Operation)) else None


def _transposed_from(value: ir.Value, perm: Sequence[int]) -> Optional[ir.Value]:
    """``x`` when ``value`` is ``tg.transpose(x, perm)``."""
    op = _producer(value)
    if op is not None and op.name == "tg.transpose" and _perm(op) == tuple(perm):
        return op.operands[0]
    return None


def _transpose(value: ir.Value, perm: Sequence[int]) -> ir.Value:
    perm = tuple(perm)
    if perm == tuple(range(len(perm))):
        return value
    inner = _producer(value)
    if inner is not None and inner.name == "tg.transpose":  # compose: out[i] = x[p[q[i]]]
        p = _perm(inner)
        return _transpose(inner.operands[0], [p[i] for i in perm])
    return tg.build("transpose", [value], {"perm": ir.DenseI64ArrayAttr.get(list(perm))}).results[0]


def _simplify_transpose(op: ir.Operation) -> bool:
    """Compose with a producing transpose; a transpose moving only unit dims is a reshape."""
    source = op.operands[0]
    inner = _producer(source)
    with ir.InsertionPoint(op), op.location:
        if inner is not None and inner.name == "tg.transpose":
            replacement = _transpose(source, _perm(op))
        elif _moves_only_unit_dims(ir.RankedTensorType(source.type), _perm(op)):
            shape = list(ir.RankedTensorType(op.results[0].type).shape)
            replacement = tg.build("reshape", [source], {"shape": ir.DenseI64ArrayAttr.get(shape)}).results[0]
        else:
            return False
    op.results[0].replace_all_uses_with(replacement)
    op.erase()
    return True


def _moves_only_unit_dims(t: ir.RankedTensorType, perm: Sequence[int]) -> bool:
    if not t.has_static_shape:
        return False
    kept = [i for i in perm if t.shape[i] != 1]
    return kept == sorted(kept)


def _sink_through(op: ir.Operation) -> bool:
    """Run ``op`` on the NHWC sources of its NCHW-transposed operands (see the module doc)."""
    kind = op_table.kernel_class(op.name)
    if kind == "elementwise":
        return _sink_through_elementwise(op)
    if op.name == "tg.concat":
        return _sink_through_concat(op)
    if op.name in ("tg.global_average_pool", "tg.global_max_pool"):
        return _sink_through_global_pool(op)
    return False


def _sink_through_elementwise(op: ir.Operation) -> bool:
    """An element-wise op on views of tensors (transposes to NCHW, or reshapes of 2-d row
    matrices to N x H x W x C) runs on the tensors themselves; the view moves after it."""
    if any(name in op.attributes for name in _AXIS_ATTRS) or len(op.results) != 1:
        return False
    out = ir.RankedTensorType(op.results[0].type)
    view = _common_view(op, out)
    if view is None:
        return False
    sources = []
    for value in op.operands:
        source = view.source_of(value)
        if source is not None:
            sources.append(source)
            continue
        t = ir.RankedTensorType(value.type)
        if t.has_static_shape and all(s == 1 for s in t.shape):
            sources.append(value)  # a broadcast scalar: the same in any layout
            continue
        if view.free_for(value, out):
            sources.append(_InView(value))
            continue
        array = constant_array(value)
        moved = view.constant(array, out) if array is not None and t.has_static_shape else None
        if moved is None:
            return False  # another tensor: it would need a copy of its own
        sources.append(moved)
    attributes = {name: op.attributes[name] for name in op.attributes if not name.startswith("sched.")}
    with ir.InsertionPoint(op), op.location:
        operands = [tg.constant(v) if isinstance(v, np.ndarray) else
                    view.source_in_view(v.value) if isinstance(v, _InView) else v for v in sources]
        short = op.name.split(".", 1)[1]
        new = tg.build(short, operands, attributes)
        back = view.apply(new.results[0], out)
    op.results[0].replace_all_uses_with(back)
    op.erase()
    return True


class _TransposeView:
    """``tg.transpose(x, TO_NCHW)`` of a rank-4 ``x``."""

    @staticmethod
    def source_of(value: ir.Value) -> Optional[ir.Value]:
        return _transposed_from(value, TO_NCHW)

    @staticmethod
    def constant(array: np.ndarray, out: ir.RankedTensorType) -> Optional[np.ndarray]:
        return _to_nhwc(array)

    @staticmethod
    def apply(value: ir.Value, out: ir.RankedTensorType) -> ir.Value:
        return _transpose(value, TO_NCHW)

    @staticmethod
    def free_for(value: ir.Value, out: ir.RankedTensorType) -> bool:
        return False  # another NCHW tensor would need a copy

    @staticmethod
    def source_in_view(value: ir.Value) -> ir.Value:
        raise AssertionError("a transposed view is never free")




class _RowsView:
    """``tg.reshape`` of a row matrix ``[N*H*W, C]`` to ``[N, H, W, C]`` (a pointwise
    convolution's product)."""

    def __init__(self, rows_shape: list[int]):
        self.rows_shape = rows_shape

    def source_of(self, value: ir.Value) -> Optional[ir.Value]:
        op = _producer(value)
        if op is not None and op.name == "tg.reshape" and \
                list(ir.RankedTensorType(op.operands[0].type).shape) == self.rows_shape:
            return op.operands[0]
        return None

    def constant(self, array: np.ndarray, out: ir.RankedTensorType) -> Optional[np.ndarray]:
        # only a broadcast along the channels (the last dim) stays one in the row matrix
        if any(s != 1 for s in array.shape[:-1]) or array.ndim > out.rank:
            return None
        return np.ascontiguousarray(array.reshape(array.shape[-1:]))

    @staticmethod
    def apply(value: ir.Value, out: ir.RankedTensorType) -> ir.Value:
        return _reshape(value, list(out.shape))

    @staticmethod
    def free_for(value: ir.Value, out: ir.RankedTensorType) -> bool:
        """Whether ``value`` has the full result shape: its row matrix is a free reshape."""
        return ir.RankedTensorType(value.type).shape == out.shape

    def source_in_view(self, value: ir.Value) -> ir.Value:
        return _reshape(value, self.rows_shape)


@dataclasses.dataclass
class _InView:
    """An operand that the view makes for free (a reshape of the whole tensor)."""
    value: ir.Value


def _common_view(op: ir.Operation, out: ir.RankedTensorType):
    """The view all of ``op``'s view operands share (None when none is a view, or two differ)."""
    if out.rank != 4 or not out.has_static_shape:
        return None
    found = None
    for value in op.operands:
        if _transposed_from(value, TO_NCHW) is not None:
            view = "transpose"
        else:
            producer = _producer(value)
            if producer is None or producer.name != "tg.reshape" or \
                    ir.RankedTensorType(value.type).shape != out.shape:
                continue
            source = list(ir.RankedTensorType(producer.operands[0].type).shape)
            if source != [int(np.prod(out.shape[:-1])), out.shape[-1]]:
                continue
            view = tuple(source)
        if found is not None and found != view:
            return None
        found = view
    if found is None:
        return None
    return _TransposeView() if found == "transpose" else _RowsView(list(found))


def _to_nhwc(array: np.ndarray) -> np.ndarray:
    """A constant operand broadcast against an NCHW rank-4 result, as the same for NHWC."""
    array = array.reshape((1,) * (4 - array.ndim) + array.shape)
    return np.ascontiguousarray(np.transpose(array, TO_NHWC))


def _sink_through_concat(op: ir.Operation) -> bool:
    rank = ir.RankedTensorType(op.results[0].type).rank
    if rank != 4 or ir.IntegerAttr(op.attributes["axis"]).value % 4 != 1:
        return False
    sources = [_transposed_from(v, TO_NCHW) for v in op.operands]
    if any(s is None for s in sources):
        return False
    attributes = {name: op.attributes[name] for name in op.attributes if not name.startswith("sched.")}
    attributes["axis"] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 3)
    with ir.InsertionPoint(op), op.location:
        new = tg.build("concat", sources, attributes)
        back = _transpose(new.results[0], TO_NCHW)
    op.results[0].replace_all_uses_with(back)
    op.erase()
    return True


def _sink_through_global_pool(op: ir.Operation) -> bool:
    source = _transposed_from(op.operands[0], TO_NCHW)
    if source is None:
        return False
    reduce = "reduce_mean" if op.name == "tg.global_average_pool" else "reduce_max"
    with ir.InsertionPoint(op), op.location:
        new = tg.build(reduce, [source], {"axes": ir.DenseI64ArrayAttr.get([1, 2]),
                                          "keepdims": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 1)})
        back = _transpose(new.results[0], TO_NCHW)
    op.results[0].replace_all_uses_with(back)
    op.erase()
    return True


def _erase_dead_transposes(root: ir.Operation) -> None:
    erased = True
    while erased:
        erased = False
        for op in ops_in(root, "tg.transpose"):
            if op.name == "tg.transpose" and not list(op.results[0].uses):
                op.erase()
                erased = True


def _bytes(value: ir.Value) -> int:
    """Bytes of a statically shaped tensor (0 when a dim is dynamic)."""
    t = ir.RankedTensorType(value.type)
    if not t.has_static_shape:
        return 0
    return int(np.prod(t.shape, dtype=np.int64)) * max(1, _bits(t.element_type) // 8)


def _bits(element_type: ir.Type) -> int:
    for cls in (ir.FloatType, ir.IntegerType):
        try:
            return cls(element_type).width
        except (ValueError, TypeError):
            continue
    return 32

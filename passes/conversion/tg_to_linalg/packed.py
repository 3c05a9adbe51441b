"""Packed forms of contractions, the layouts that schedules with ``sched.pack`` ask for.

A matrix product ``C[M, N] = A[M, K] @ B[K, N]`` is computed on a packed ``B``:
``BP[N/nr][K][nr]`` (each ``nr``-wide column strip contiguous, so the register tile
reads one cache line per ``k``), with ``A`` viewed as ``[M/mr][mr][K]`` and ``C`` as
``[M/mr][mr][N/nr][nr]`` -- the same bytes as row-major ``[M, N]``, so no unpacking
copy is needed. The contraction is one ``linalg.generic`` over the loops
``(batch..., n1, m1, k, m0, n0)`` tagged ``sched.kernel = "<kernel>"`` so that
`sched-apply` finds it. When ``B`` is a constant, `linalg-fold-constant-layouts`
packs it at compile time. ``N`` not a multiple of ``nr`` (e.g. 197 tokens of
attention's ``Q @ K^T``) is padded with zero columns (the packing copy writes them);
a static ``M`` is a multiple of ``mr`` (the default scheduler picks a divisor) or
(rows with no good divisor, e.g. 197 tokens) padded with zero rows to the next
multiple, in every batch of a 3-d+ ``A``; a dynamic ``M`` (2-d ``A``) is padded with
zero rows up to the next multiple of ``mr`` at run time (``tensor.pad``), so every
register tile is full and the schedule tiles a loop of ``ceil(M / mr)`` full tiles.
The padding rows and columns are dropped from the result (``tensor.extract_slice``
of ``M x N``); an element-wise epilogue then reads that slice, so it is not fused
into the register tile (`sched-apply` finds no epilogue consuming the anchor).

A convolution (NCHW, groups 1 or depthwise) is computed channels-last: the input
is copied once into a zero-padded ``NHWC`` buffer, the weights are laid out
``HWCF`` (``HWC`` for depthwise; folded at compile time when constant) and the
result is transposed back to ``NCHW``. Stride and dilation are kept. N, H and W may
be dynamic (the schedule then tiles them by 1, so every register tile is static).

A grouped convolution (neither groups 1 nor depthwise) with stride 1 and static shapes
is one ``linalg.generic`` over ``(n, oh, ow, g, f, kh, kw, c)`` on the input viewed
``[N, H, W, G, Cg]`` and weights laid out ``[G, KH, KW, Cg, Fg]`` (``grouped_nhwc_conv``).

Not supported yet: integer and 16-bit float packed forms (those use the plain
lowering), transposed convolutions, grouped convolutions with strides.
"""
from __future__ import annotations

from typing import Optional, Sequence

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from polytile.dialects.tg import DYNAMIC

from . import builders
from .builders import (PARALLEL, REDUCTION, amap, c, d, empty, etype_of, filled, generic, mul_add, pad,
                       scalar_constant, shape_of, transpose)

from polytile.passes.common.kernels import GROUPED_CONV_ATTR, KERNEL_KIND_ATTR, KERNEL_TAG_ATTR
LAYOUT_ATTR = "sched.layout"


def _i64_reassoc(groups: Sequence[Sequence[int]]) -> ir.ArrayAttr:
    i64 = ir.IntegerType.get_signless(64)
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64, i) for i in g]) for g in groups])


def expand(value: ir.Value, groups: Sequence[Sequence[int]], shape: Sequence[int]) -> ir.Value:
    out_type = ir.RankedTensorType.get(list(shape), etype_of(value))
    return tensor.ExpandShapeOp(out_type, value, _i64_reassoc(groups), [], list(shape)).result


def collapse(value: ir.Value, groups: Sequence[Sequence[int]]) -> ir.Value:
    out_type = collapse_type(value.type, groups)
    return tensor.CollapseShapeOp(out_type, value, _i64_reassoc(groups)).result


def extract(value: ir.Value, sizes: Sequence[int]) -> ir.Value:
    """The leading ``sizes`` corner of ``value`` (offsets 0, strides 1)."""
    if list(sizes) == shape_of(value):
        return value
    out_type = ir.RankedTensorType.get(list(sizes), etype_of(value))
    rank = len(sizes)
    return tensor.ExtractSliceOp(out_type, value, [], [], [], ir.DenseI64ArrayAttr.get([0] * rank),
                                 ir.DenseI64ArrayAttr.get(list(sizes)),
                                 ir.DenseI64ArrayAttr.get([1] * rank)).result


def round_up(value: int, multiple: int) -> int:
    return -(-value // multiple) * multiple


def pack_columns(b: ir.Value, nr: int, kernel: str) -> ir.Value:
    """``B[batch..., K, N]`` -> ``BP[batch..., N/nr, K, nr]`` (N zero-padded to a multiple of nr)."""
    shape = shape_of(b)
    nb = len(shape) - 2
    k, n = shape[-2], shape[-1]
    n_pad = round_up(n, nr)
    zero = scalar_constant(etype_of(b), 0.0)
    b = pad(b, [0] * (nb + 2), [0] * (nb + 1) + [n_pad - n], zero)
    batch_groups = [[i] for i in range(nb)]
    b3 = expand(b, batch_groups + [[nb], [nb + 1, nb + 2]], shape[:-2] + [k, n_pad // nr, nr])
    perm = list(range(nb)) + [nb + 1, nb, nb + 2]
    packed = transpose(b3, perm)
    _tag_op(packed, LAYOUT_ATTR, kernel)
    return packed


def packed_matmul(a: ir.Value, b: ir.Value, mr: int, nr: int, kernel: str) -> ir.Value:
    """``A[batch..., M, K] @ B[batch..., K, N]`` (f32, equal batch dims) on a packed B; returns
    ``C[batch..., M, N]``. ``M`` (per batch) and ``N`` are padded to the register tile
    ``mr x nr`` when they are not multiples of it (a dynamic ``M`` only with a 2-d A)."""
    return packed_contraction(a, pack_columns(b, nr, kernel), shape_of(b)[-1], mr, kernel)


def pack_rows_transposed(bt: ir.Value, nr: int, kernel: str) -> ir.Value:
    """``BT[N, K]`` (B given transposed, as Gemm's transB) -> ``BP[N/nr, K, nr]``."""
    n, k = shape_of(bt)
    n_pad = round_up(n, nr)
    zero = scalar_constant(etype_of(bt), 0.0)
    bt = pad(bt, [0, 0], [n_pad - n, 0], zero)
    b3 = expand(bt, [[0, 1], [2]], [n_pad // nr, nr, k])
    packed = transpose(b3, [0, 2, 1])
    _tag_op(packed, LAYOUT_ATTR, kernel)
    return packed


def packed_contraction(a: ir.Value, bp: ir.Value, n: int, mr: int, kernel: str,
                       a_unit_dims: int = 0) -> ir.Value:
    """``A[batch..., M, K]`` times an already packed ``BP[batch..., N/nr, K, nr]``: ``C[batch..., M, N]``.
    ``A`` may carry ``a_unit_dims`` trailing unit dims (e.g. 1x1 convolution weights
    ``[F, C, 1, 1]``): they are indexed by 0 rather than reshaped away, because a
    ``collapse_shape`` feeding the anchor would let element-wise fusion reshape the
    anchor (and drop its ``sched.kernel`` tag)."""
    a_shape, bp_shape = shape_of(a), shape_of(bp)
    nb = len(a_shape) - 2 - a_unit_dims
    batch = a_shape[:nb]
    m, k = a_shape[nb], a_shape[nb + 1]
    n_tiles, nr = bp_shape[-3], bp_shape[-1]
    bg = [[i] for i in range(nb)]
    units = [[nb + 3 + i] for i in range(a_unit_dims)]
    if m == DYNAMIC:
        if nb or a_unit_dims:
            raise ValueError("a packed product with dynamic rows takes a 2-d A")
        m, row_tiles, a = _pad_rows(a, mr)
        a3 = builders.expand(a, [[0, 1], [2]], [row_tiles, mr, k])
    elif m % mr:
        if a_unit_dims:
            raise ValueError("a packed product with padded rows takes no unit dims")
        # zero rows up to the register tile, in every batch (dropped from the result below)
        row_tiles = -(-m // mr)
        a = pad(a, [0] * (nb + 2), [0] * nb + [row_tiles * mr - m, 0], scalar_constant(etype_of(a), 0.0))
        a3 = expand(a, bg + [[nb, nb + 1], [nb + 2]], batch + [row_tiles, mr, k])
    else:
        row_tiles = m // mr
        a3 = expand(a, bg + [[nb, nb + 1], [nb + 2]] + units, batch + [row_tiles, mr, k] + [1] * a_unit_dims)
    init = filled(batch + [row_tiles, mr, n_tiles, nr], etype_of(a), 0.0)
    bl = [d(i) for i in range(nb)]
    n1, m1, kk, m0, n0 = (d(nb + i) for i in range(5))
    loops = nb + 5
    maps = [amap(loops, bl + [m1, m0, kk] + [c(0)] * a_unit_dims), amap(loops, bl + [n1, kk, n0]),
            amap(loops, bl + [m1, m0, n1, n0])]
    iters = [PARALLEL] * (nb + 2) + [REDUCTION, PARALLEL, PARALLEL]
    c4 = generic([a3, bp], [init], maps, iters, mul_add(etype_of(a)))[0]
    _tag_op(c4, KERNEL_TAG_ATTR, kernel)
    c2 = builders.collapse(c4, bg + [[nb, nb + 1], [nb + 2, nb + 3]])
    if isinstance(m, ir.Value):
        return builders.extract_slice(c2, [0, 0], [m, n])
    return extract(c2, batch + [m, n])


def _pad_rows(a: ir.Value, mr: int) -> tuple[ir.Value, ir.Value, ir.Value]:
    """(rows, ceil(rows / mr), ``a`` padded with zero rows to ``mr`` times that) of a
    2-d ``a`` with a dynamic number of rows."""
    index = ir.IndexType.get()
    rows = builders.dim_of(a, 0)
    tile = builders.index_constant(mr)
    row_tiles = arith.ceildivui(rows, tile)
    extra = arith.subi(arith.muli(row_tiles, tile), rows)
    out_type = ir.RankedTensorType.get([DYNAMIC, shape_of(a)[1]], etype_of(a))
    op = tensor.PadOp(out_type, a, [], [extra], ir.DenseI64ArrayAttr.get([0, 0]),
                      ir.DenseI64ArrayAttr.get([DYNAMIC, 0]))
    block = op.regions[0].blocks.append(index, index)
    with ir.InsertionPoint(block):
        tensor.YieldOp(scalar_constant(etype_of(a), 0.0))
    return rows, row_tiles, op.result


def _tag_op(value: ir.Value, attr: str, kernel: str) -> None:
    value.owner.attributes[attr] = ir.StringAttr.get(kernel)


def channels_last_conv(x: ir.Value, w: ir.Value, out_shape: Sequence[int], strides: Sequence[int],
                       dilations: Sequence[int], pads: Sequence[int], depthwise: bool,
                       kernel: str, columns: int = 1) -> ir.Value:
    """2-d convolution of ``x[N, C, H, W]`` by ``w[F, C or 1, KH, KW]`` computed channels-last;
    returns the (unbiased) result ``[N, F, OH, OW]``. The input copy into NHWC is tagged
    ``sched.layout``, the convolution ``sched.kernel``; the copy back to NCHW is a
    ``linalg.generic`` that the epilogue fuses into."""
    x_nhwc = transpose(x, [0, 2, 3, 1])
    _tag_op(x_nhwc, LAYOUT_ATTR, kernel)
    n, f, oh, ow = out_shape
    out = nhwc_conv(x_nhwc, w, [n, oh, ow, f], strides, dilations, pads, depthwise, kernel, columns)
    # Back to NCHW as a generic, so that the element-wise epilogue (bias, activation,
    # residual) fuses into this copy; `sched-apply` tiles and vectorizes it.
    n, oh, ow, f = builders.dims_of(out)
    init = empty([n, f, oh, ow], etype_of(x))
    back_map = amap(4, [d(0), d(2), d(3), d(1)])
    return generic([out], [init], [back_map, amap(4, [d(0), d(1), d(2), d(3)])], [PARALLEL] * 4,
                   lambda v, _: v)[0]


def _padded_input(x: ir.Value, kw: int, strides: Sequence[int], dilations: Sequence[int],
                  pads: Sequence[int], ow: int, columns: int):
    """``x[N, H, W, C]`` zero-padded for a convolution with ``pads``, plus the extra zero
    columns on the right that output columns rounded up to ``columns`` read; returns
    (padded x, its H, its W, the output columns computed)."""
    n, h, wd, c = builders.dims_of(x)  # N, H, W may be dynamic (index values)
    ow_full = round_up(ow, columns) if ow != DYNAMIC and columns > 1 else ow
    extra = 0
    if ow_full != ow and not isinstance(wd, ir.Value):
        extra = max(0, (ow_full - 1) * strides[1] + dilations[1] * (kw - 1) + 1 - (wd + pads[1] + pads[3]))
    hp, wp = builders.dims_sum([h, pads[0] + pads[2]]), builders.dims_sum([wd, pads[1] + pads[3] + extra])
    if any(pads) or extra:
        padded = filled([n, hp, wp, c], etype_of(x), 0.0)
        x = builders.insert_slice(x, padded, [0, pads[0], pads[1], 0])
    return x, hp, wp, ow_full


def nhwc_conv(x: ir.Value, w: ir.Value, out_shape: Sequence[int], strides: Sequence[int],
              dilations: Sequence[int], pads: Sequence[int], depthwise: bool, kernel: str,
              columns: int = 1) -> ir.Value:
    """2-d convolution of a channels-last ``x[N, H, W, C]`` by ``w[F, C or 1, KH, KW]``; returns
    the (unbiased) ``[N, OH, OW, F]`` (``out_shape``, DYNAMIC where N, OH or OW are known only at
    run time). The input is zero-padded (``tensor.insert_slice`` into a filled buffer), the
    weights laid out ``HWCF`` (``HWC`` for depthwise; folded at compile time when constant) and
    the convolution tagged ``sched.kernel``. When a static OW is not a multiple of ``columns``
    (the register tile's output columns), the convolution computes OW rounded up to it, its
    extra columns reading extra zero padding on the right, and the result is their
    leading OW columns (so that every register tile is full)."""
    n = builders.dims_of(x)[0]
    f, _, kh, kw = shape_of(w)
    et = etype_of(x)
    oh, ow = out_shape[1], out_shape[2]
    x, hp, wp, ow_full = _padded_input(x, kw, strides, dilations, pads, ow, columns)
    if oh == DYNAMIC or ow == DYNAMIC:
        oh = builders.window_count(hp, kh, strides[0], dilations[0]) if oh == DYNAMIC else oh
        ow = ow_full = builders.window_count(wp, kw, strides[1], dilations[1]) if ow == DYNAMIC else ow
    attrs = dict(strides=[int(v) for v in strides], dilations=[int(v) for v in dilations])
    init = filled([n, oh, ow_full, f], et, 0.0)
    if depthwise:
        w_hwc = transpose(collapse(w, [[0, 1], [2], [3]]), [1, 2, 0])  # [F,1,KH,KW] -> [KH,KW,C]
        out = linalg.depthwise_conv_2d_nhwc_hwc(x, w_hwc, outs=[init], **attrs)
    else:
        w_hwcf = transpose(w, [2, 3, 1, 0])
        out = linalg.conv_2d_nhwc_hwcf(x, w_hwcf, outs=[init], **attrs)
    out = out if isinstance(out, ir.Value) else out.operation.results[0] if hasattr(out, "operation") else out[0]
    _tag_op(out, KERNEL_TAG_ATTR, kernel)
    if ow_full != ow:
        out = extract(out, [n, oh, ow, f])
    return out


def grouped_nhwc_conv(x: ir.Value, w: ir.Value, out_shape: Sequence[int], dilations: Sequence[int],
                      pads: Sequence[int], group: int, kernel: str, columns: int = 1) -> ir.Value:
    """Grouped 2-d convolution, stride 1, static shapes, of a channels-last ``x[N, H, W, G*Cg]``
    by ``w[G*Fg, Cg, KH, KW]``; returns the (unbiased) ``[N, OH, OW, G*Fg]``. The padded input
    is viewed ``[N, H, W, G, Cg]``, the weights laid out ``[G, KH, KW, Cg, Fg]`` (folded at
    compile time when constant), and the convolution is one ``linalg.generic`` over
    ``(n, oh, ow, g, f, kh, kw, c)`` tagged ``sched.kernel`` and ``sched.grouped_conv``:
    a register tile with one tap and one group is the matrix product of its ``owb x Cg``
    input columns by the tap's ``Cg x fb`` weights. OW is rounded up to ``columns`` as in
    ``nhwc_conv``."""
    n, oh, ow, f = out_shape
    fo, cg, kh, kw = shape_of(w)
    fg = fo // group
    et = etype_of(x)
    x, hp, wp, ow_full = _padded_input(x, kw, [1, 1], dilations, pads, ow, columns)
    x5 = expand(x, [[0], [1], [2], [3, 4]], [n, hp, wp, group, cg])
    w5 = transpose(expand(w, [[0, 1], [2], [3], [4]], [group, fg, cg, kh, kw]), [0, 3, 4, 2, 1])
    init = filled([n, oh, ow_full, group, fg], et, 0.0)
    dh, dw = int(dilations[0]), int(dilations[1])
    # loops (n, oh, ow, g, f, kh, kw, c) = d0..d7
    x_map = amap(8, [d(0), d(1) + d(5) * dh, d(2) + d(6) * dw, d(3), d(7)])
    w_map = amap(8, [d(3), d(5), d(6), d(7), d(4)])
    o_map = amap(8, [d(0), d(1), d(2), d(3), d(4)])
    out = generic([x5, w5], [init], [x_map, w_map, o_map], [PARALLEL] * 5 + [REDUCTION] * 3,
                  mul_add(et))[0]
    _tag_op(out, KERNEL_TAG_ATTR, kernel)
    out.owner.attributes[GROUPED_CONV_ATTR] = ir.UnitAttr.get()
    out = collapse(out, [[0], [1], [2], [3, 4]])
    if ow_full != ow:
        out = extract(out, [n, oh, ow, f])
    return out


def reshape_kernel_argument(value: ir.Value, groups: Sequence[Sequence[int]]) -> Optional[ir.Value]:
    """Collapse a kernel function's argument ``value`` (used once, by the op being lowered)
    at its call sites instead of inside the kernel: returns the argument, retyped, or None
    when ``value`` is not such an argument. A ``collapse_shape`` inside the kernel would let
    element-wise fusion reshape the contraction reading it (and lose its schedule tag);
    at the call site a constant weight simply folds."""
    if not isinstance(value.owner, ir.Block) or len(list(value.uses)) != 1:
        return None
    fn = value.owner.owner
    fn = getattr(fn, "operation", fn)  # an OpView's .name is FuncOp's symbol name
    if fn is None or fn.name != "func.func" or KERNEL_KIND_ATTR not in fn.attributes:
        return None
    arg = ir.BlockArgument(value)
    new_type = ir.RankedTensorType(collapse_type(value.type, groups))
    name = ir.StringAttr(fn.attributes["sym_name"]).value
    module = fn.parent
    calls = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name == "func.call" and ir.FlatSymbolRefAttr(op.attributes["callee"]).value == name:
            calls.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(visit, ir.WalkOrder.PRE_ORDER)
    for call in calls:
        with ir.InsertionPoint(call), call.location:
            collapsed = collapse(call.operands[arg.arg_number], groups)
        call.operands[arg.arg_number] = collapsed
    arg.set_type(new_type)
    ftype = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
    inputs = list(ftype.inputs)
    inputs[arg.arg_number] = new_type
    fn.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(inputs, list(ftype.results)))
    return value


def collapse_type(t: ir.Type, groups: Sequence[Sequence[int]]) -> ir.Type:
    shape = list(ir.RankedTensorType(t).shape)
    sizes = []
    for g in groups:
        size = 1
        for i in g:
            size *= shape[i]
        sizes.append(size)
    return ir.RankedTensorType.get(sizes, ir.RankedTensorType(t).element_type)

"""Lowerings of the misc ops: bit_cast and deform_conv.

* bit_cast: an element-wise ``arith.bitcast`` (nothing at all between types that
  are the same once signless, e.g. ui32 -> i32); bool (i1) -> 8 bits is
  ``extui`` (0/1), 8 bits -> bool is ``!= 0``.
* deform_conv (2-d, static shapes): a parallel ``linalg.generic`` over
  N x C x KH x KW x OH x OW samples x at each tap's deformed position
  (``tensor.extract`` of its offsets, mask and the four bilinear taps, each tap
  outside the image reading zero), times the mask, in f32 for 16-bit floats;
  then a reduction generic over N x group x OC/group x OH x OW x C/group x KH x KW
  contracts the samples with ``w``, reshaped to N x OC x OH x OW.
"""
from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, math, tensor

from . import LoweringContext, lowering
from .builders import (PARALLEL, REDUCTION, amap, cmpf, cmpi, compute_type, convert_float, convert_tensor,
                       d, elementwise, empty, etype_of, filled, generic, i64, identity_map, index_constant,
                       loop_index, reshape, scalar_constant, shape_of)


# ---------------------------------------------------------------------------
# bit_cast
# ---------------------------------------------------------------------------

@lowering("bit_cast", dynamic=True)
def _bit_cast(ctx: LoweringContext):
    src, dst = etype_of(ctx.operand(0)), ctx.result_element_type
    if src == dst:
        return [ctx.operand(0)]
    i8 = ir.IntegerType.get_signless(8)

    def body(s):
        v = s[0]
        if str(src) == "i1":
            v = arith.extui(i8, v)
            return v if dst == i8 else arith.bitcast(dst, v)
        if str(dst) == "i1":
            if src != i8:
                v = arith.bitcast(i8, v)
            return cmpi("ne", v, scalar_constant(i8, 0))
        return arith.bitcast(dst, v)

    return [elementwise([ctx.operand(0)], dst, body, out_shape=ctx.result_shape)]


# ---------------------------------------------------------------------------
# deform_conv
# ---------------------------------------------------------------------------

def _as_float(index: ir.Value, t: ir.Type) -> ir.Value:
    return arith.sitofp(t, arith.index_cast(i64(), index))


def _sample(x: ir.Value, n, c, h: ir.Value, w: ir.Value, size: list[int], t: ir.Type) -> ir.Value:
    """x[n, c] sampled bilinearly at (h, w) (floats of type t), zero outside the image."""
    ic = index_constant
    zero = scalar_constant(t, 0.0)
    one = scalar_constant(t, 1.0)
    corners = []
    for v, extent in ((h, size[0]), (w, size[1])):
        # clamp far outside positions first (they read zeros anyway): the float -> int
        # conversion is then defined; NaN becomes -2 (ordered compares)
        lo, hi = scalar_constant(t, -2.0), scalar_constant(t, float(extent + 1))
        v = arith.select(cmpf("oge", v, lo), v, lo)
        v = arith.select(cmpf("ole", v, hi), v, hi)
        base = math.floor(v)
        frac = arith.subf(v, base)
        first = arith.index_cast(ir.IndexType.get(), arith.fptosi(i64(), base))
        taps = []
        for k, weight in ((0, arith.subf(one, frac)), (1, frac)):
            pos = arith.addi(first, ic(k))
            inside = arith.andi(cmpi("sge", pos, ic(0)), cmpi("slt", pos, ic(extent)))
            clamped = arith.select(inside, pos, ic(0))
            taps.append((inside, clamped, weight))
        corners.append(taps)
    total = zero
    for inside_h, ph, wh in corners[0]:
        row = zero
        for inside_w, pw, ww in corners[1]:
            value = convert_float(tensor.extract(x, [n, c, ph, pw]), t)
            value = arith.select(arith.andi(inside_h, inside_w), value, zero)
            row = arith.addf(row, arith.mulf(ww, value))
        total = arith.addf(total, arith.mulf(wh, row))
    return total


@lowering("deform_conv")
def _deform_conv(ctx: LoweringContext):
    """Deformed samples (N x C x KH x KW x OH x OW), then a grouped contraction with w."""
    x, w, offset, mask = ctx.operands
    et = etype_of(x)
    t = compute_type(et)
    n_, channels, height, width = shape_of(x)
    out_channels, group_channels, kh, kw = shape_of(w)
    oh, ow = shape_of(offset)[2:]
    strides, dilations, pads = ctx.attr("strides"), ctx.attr("dilations"), ctx.attr("pads")
    group, offset_group = ctx.attr("group"), ctx.attr("offset_group")
    per_offset_group = channels // offset_group
    ic = index_constant

    def sample_body(_out):
        n, c, i, j, y, z = (loop_index(k) for k in range(6))
        og = arith.divui(c, ic(per_offset_group))
        tap = arith.addi(arith.muli(arith.addi(arith.muli(og, ic(kh)), i), ic(kw)), j)
        dy = convert_float(tensor.extract(offset, [n, arith.muli(tap, ic(2)), y, z]), t)
        dx = convert_float(tensor.extract(offset, [n, arith.addi(arith.muli(tap, ic(2)), ic(1)), y, z]), t)
        m = convert_float(tensor.extract(mask, [n, tap, y, z]), t)
        base_h = arith.addi(arith.subi(arith.muli(y, ic(strides[0])), ic(pads[0])), arith.muli(i, ic(dilations[0])))
        base_w = arith.addi(arith.subi(arith.muli(z, ic(strides[1])), ic(pads[1])), arith.muli(j, ic(dilations[1])))
        h = arith.addf(_as_float(base_h, t), dy)
        v = arith.addf(_as_float(base_w, t), dx)
        return arith.mulf(m, _sample(x, n, c, h, v, [height, width], t))

    cols_shape = [n_, channels, kh, kw, oh, ow]
    cols = generic([], [empty(cols_shape, t)], [identity_map(6)], [PARALLEL] * 6, sample_body)[0]
    group_in = channels // group
    group_out = out_channels // group
    cols = reshape(cols, [n_, group, group_in, kh, kw, oh, ow])
    weights = reshape(w, [group, group_out, group_channels, kh, kw])
    # loops: n, g, o, oh, ow | cg, i, j
    maps = [amap(8, [d(0), d(1), d(5), d(6), d(7), d(3), d(4)]),
            amap(8, [d(1), d(2), d(5), d(6), d(7)]),
            amap(8, [d(0), d(1), d(2), d(3), d(4)])]

    def contract(col, weight, acc):
        return arith.addf(acc, arith.mulf(col, convert_float(weight, t)))

    out = generic([cols, weights], [filled([n_, group, group_out, oh, ow], t, 0.0)], maps,
                  [PARALLEL] * 5 + [REDUCTION] * 3, contract)[0]
    return [convert_tensor(reshape(out, [n_, out_channels, oh, ow]), et)]

"""Lowerings of the layout ops (channels-last forms made by `tg-propagate-layouts`).

* ``tg.nhwc_conv``: when the kernel's schedule packs the weights (f32, groups 1 or
  depthwise: ``sched-default``'s channels-last register tiles), the input is zero-padded,
  the weights laid out ``HWCF``/``HWC`` and the convolution is one
  ``linalg.conv_2d_nhwc_hwcf`` / ``depthwise_conv_2d_nhwc_hwc`` (packed.py) with no layout
  copy; bias, activation and residual stay element-wise consumers of it. A packed grouped
  one (stride 1, static shapes) is packed.grouped_nhwc_conv's generic. Otherwise (strided
  groups, element types, no schedule) it is the plain convolution between two transposes:
  right, not fast. N, H and W may be dynamic; channels and weights must be static.
"""
from __future__ import annotations

from typing import Optional

from mlir import ir

from polytile.dialects.tg import DYNAMIC

from . import LoweringContext, lowering, packed
from .builders import shape_of, transpose
from .contraction import _add_bias, plain_conv

TO_NCHW, TO_NHWC = [0, 3, 1, 2], [0, 2, 3, 1]


def _nhwc_conv_check(ctx: LoweringContext) -> Optional[str]:
    """Dynamic N and spatial dims; the channels and the weights must be static."""
    if DYNAMIC in shape_of(ctx.operand(1)) or shape_of(ctx.operand(0))[3] == DYNAMIC:
        return "dynamic channel or weight dims are not supported yet"
    return None


def depthwise(x_nhwc_shape, w_shape, group: int) -> bool:
    """Whether a convolution is depthwise: one input channel per group, one filter each."""
    c = x_nhwc_shape[3]
    return group == c and w_shape[1] == 1 and w_shape[0] == c


@lowering("nhwc_conv", dynamic=_nhwc_conv_check)
def _nhwc_conv(ctx: LoweringContext):
    x, w = ctx.operand(0), ctx.operand(1)
    bias = ctx.operand(2) if ctx.has_operand(2) else None
    et = ctx.result_element_type
    group = ctx.attr("group")
    is_depthwise = depthwise(shape_of(x), shape_of(w), group)
    p = ctx.packing
    if p is not None and p.form == "conv" and str(et) == "f32" and (group == 1 or is_depthwise):
        out = packed.nhwc_conv(x, w, ctx.result_shape, ctx.attr("strides"), ctx.attr("dilations"),
                               ctx.attr("pads"), is_depthwise, p.kernel, columns=p.mr)
        return [_add_bias(out, bias, et)]  # the bias [F] broadcasts along the last dim
    if p is not None and p.form == "conv" and str(et) == "f32" and set(ctx.attr("strides")) == {1} \
            and DYNAMIC not in shape_of(x) + ctx.result_shape:
        out = packed.grouped_nhwc_conv(x, w, ctx.result_shape, ctx.attr("dilations"), ctx.attr("pads"),
                                       group, p.kernel, columns=p.mr)
        return [_add_bias(out, bias, et)]
    out_nchw = [ctx.result_shape[i] for i in TO_NCHW]
    y = plain_conv(transpose(x, TO_NCHW), w, bias, group, ctx.attr("strides"), ctx.attr("dilations"),
                   ctx.attr("pads"), out_nchw, et)
    return [transpose(y, TO_NHWC)]

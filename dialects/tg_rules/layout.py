"""Type rules of the layout ops: channels-last forms of layout-sensitive ops, which only
the `tg-propagate-layouts` graph pass makes (never the importer).

* nhwc_conv: tg.conv with N x H x W x C input and N x OH x OW x F result; the weights
  keep ONNX's F x C/group x KH x KW. A contraction anchor with the convolution's default
  schedule (the channels-last register tiles of ``sched-default``). 2-d only. Not folded
  at compile time (no ONNX op evaluates it).
"""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import FLOAT_TYPES, NO_FOLD, OpInfo, tensor, type_rule

from .nn import CONTRACTION, CONV_LINALG_ANCHORS, _conv_operands, conv_output_shape

#: NHWC -> NCHW and back, as tg.transpose permutations.
TO_NCHW, TO_NHWC = (0, 3, 1, 2), (0, 2, 3, 1)


@type_rule("nhwc_conv", kind=CONTRACTION, fold=NO_FOLD, schedule="conv", linalg_anchors=CONV_LINALG_ANCHORS)
def _nhwc_conv(info: OpInfo) -> list[ir.Type]:
    etype, x, w, spatial, group = _conv_operands(info, FLOAT_TYPES + ("i32",))
    if spatial != 2:
        info.fail(f"nhwc_conv is 2-d: input must have rank 4 (N x H x W x C), got {spatial + 2}")
    out = conv_output_shape(info, [x[i] for i in TO_NCHW], w, spatial, group)
    return [tensor([out[i] for i in TO_NHWC], etype)]

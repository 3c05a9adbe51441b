"""Type rules of the misc ops: bit_cast and deform_conv.

* bit_cast: element-wise (``kind="elementwise"``), folded with ONNX's BitCast
  reference (numpy ``view``). Same bit width only (i1 counts as 8 bits), as the
  spec says; not the 4- and 2-bit types yet.
* deform_conv: a kernel of its own (``opaque``: its reads are data-dependent),
  never folded (its operands differ from ONNX DeformConv's: no bias, the mask
  always present). 2-d, float element types, static shapes.
"""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import DYNAMIC, FLOAT_TYPES, NO_FOLD, NUMERIC_TYPES, OpInfo, tensor, type_rule

from .common import fmt_shape, type_attribute

FLOAT8_TYPES = ("f8E4M3FN", "f8E4M3FNUZ", "f8E5M2", "f8E5M2FNUZ", "f8E8M0FNU")
BIT_CAST_TYPES = NUMERIC_TYPES + ("i1",) + FLOAT8_TYPES


def bit_width(t: ir.Type) -> int:
    """The bits of one element as ONNX stores it (bool: one byte)."""
    name = str(t)
    if name == "i1" or name.startswith("f8"):
        return 8
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits)


@type_rule("bit_cast", kind="elementwise")
def _bit_cast(info: OpInfo) -> list[ir.Type]:
    """``input``'s shape with element type ``to`` (same bit width)."""
    source = info.element_type(0, BIT_CAST_TYPES)
    to = type_attribute(info, "to")
    if str(to.value) not in BIT_CAST_TYPES:
        info.fail(f"cannot bit-cast to {to.value}, expected one of {', '.join(BIT_CAST_TYPES)}")
    if bit_width(source) != bit_width(to.value):
        info.fail(f"bit_cast needs types of the same bit width, got {source} ({bit_width(source)} bits) "
                  f"and {to.value} ({bit_width(to.value)} bits)")
    return [tensor(info.operand(0).shape, to.value)]


def deform_conv_output(x: list[int], kernel: list[int], strides: list[int], dilations: list[int],
                       pads: list[int]) -> list[int]:
    """OH, OW of a deformable convolution."""
    return [(x[2 + i] + pads[i] + pads[2 + i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i] + 1
            for i in range(2)]


@type_rule("deform_conv", kind="opaque", fold=NO_FOLD)
def _deform_conv(info: OpInfo) -> list[ir.Type]:
    """N x OC x OH x OW from x (N x C x H x W), w (OC x C/group x KH x KW), offset and mask."""
    etype = info.element_type(0, FLOAT_TYPES)
    for i, name in ((1, "w"), (2, "offset"), (3, "mask")):
        info.rank(i, 4)
        if info.operand(i).element_type != etype:
            info.fail(f"{name} has element type {info.operand(i).element_type}, expected {etype} like x")
    info.rank(0, 4)
    x, w, offset, mask = (list(info.operand(i).shape) for i in range(4))
    if any(DYNAMIC in s for s in (x, w, offset, mask)):
        info.fail("deform_conv needs static shapes")
    strides, dilations, pads = info.ints("strides", 2), info.ints("dilations", 2), info.ints("pads", 4)
    if any(v < 1 for v in strides + dilations):
        info.fail(f"strides and dilations must be positive, got {strides} and {dilations}")
    if any(p < 0 for p in pads):
        info.fail(f"pads must be non-negative, got {pads}")
    group, offset_group = info.int("group"), info.int("offset_group")
    if group < 1 or offset_group < 1:
        info.fail(f"group and offset_group must be positive, got {group} and {offset_group}")
    if x[1] % group or w[0] % group or w[1] * group != x[1]:
        info.fail(f"w {fmt_shape(w)} does not fit x {fmt_shape(x)} with group {group}")
    if x[1] % offset_group:
        info.fail(f"x's channels ({x[1]}) must be a multiple of offset_group ({offset_group})")
    kernel = w[2:]
    out = deform_conv_output(x, kernel, strides, dilations, pads)
    if min(out) < 1:
        info.fail(f"the kernel does not fit the padded input {fmt_shape(x)}")
    taps = offset_group * kernel[0] * kernel[1]
    if offset != [x[0], 2 * taps] + out:
        info.fail(f"offset must be {fmt_shape([x[0], 2 * taps] + out)}, got {fmt_shape(offset)}")
    if mask != [x[0], taps] + out:
        info.fail(f"mask must be {fmt_shape([x[0], taps] + out)}, got {fmt_shape(mask)}")
    return [tensor([x[0], w[0]] + out, etype)]

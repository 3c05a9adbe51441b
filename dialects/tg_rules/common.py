"""Shape arithmetic shared by tg type rules (broadcasting, sliding windows)."""
from __future__ import annotations

from typing import Sequence

from mlir import ir

from polytile.dialects.tg import DYNAMIC, OpInfo


def broadcast_shapes(info: OpInfo, a: Sequence[int], b: Sequence[int]) -> list[int]:
    """Multidirectional (numpy) broadcasting of two shapes; dynamic dims are wildcards."""
    rank = max(len(a), len(b))
    padded_a = [1] * (rank - len(a)) + list(a)
    padded_b = [1] * (rank - len(b)) + list(b)
    out = []
    for i, (x, y) in enumerate(zip(padded_a, padded_b)):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x == DYNAMIC:
            out.append(y)
        elif y == DYNAMIC or x == y:
            out.append(x)
        else:
            # `i` indexes the (right-aligned) broadcast result.
            info.fail(f"operands are not broadcast-compatible: dim {i} is {x} vs {y} "
                      f"(shapes {fmt_shape(a)} and {fmt_shape(b)})")
    return out


def fmt_dim(dim: int) -> str:
    return "?" if dim == DYNAMIC else str(dim)


def fmt_shape(shape: Sequence[int]) -> str:
    return "x".join(fmt_dim(d) for d in shape) or "scalar"


def dims_compatible(x: int, y: int) -> bool:
    return x == y or x == DYNAMIC or y == DYNAMIC


def window_output(size: int, kernel: int, stride: int, dilation: int,
                   pad_begin: int, pad_end: int, ceil_mode: bool = False) -> int:
    if size == DYNAMIC:
        return DYNAMIC
    effective = dilation * (kernel - 1) + 1
    span = size + pad_begin + pad_end - effective
    if span < 0:
        return -1
    if ceil_mode:
        out = -(-span // stride) + 1
        # The last window must start inside the input or the leading padding.
        if (out - 1) * stride >= size + pad_begin:
            out -= 1
        return out
    return span // stride + 1


def check_window_attrs(info: OpInfo, spatial: int) -> tuple[list[int], list[int], list[int], list[int]]:
    kernel = info.ints("kernel_shape", spatial)
    strides = info.ints("strides", spatial)
    dilations = info.ints("dilations", spatial)
    pads = info.ints("pads", 2 * spatial)
    if any(k < 1 for k in kernel):
        info.fail("kernel_shape entries must be positive")
    if any(s < 1 for s in strides):
        info.fail("strides must be positive")
    if any(d < 1 for d in dilations):
        info.fail("dilations must be positive")
    if any(p < 0 for p in pads):
        info.fail("pads must be non-negative")
    return kernel, strides, dilations, pads


def type_attribute(info: OpInfo, name: str) -> ir.TypeAttr:
    """Attribute ``name`` as a TypeAttr (the target type of cast-like ops)."""
    value = info.attr(name)
    if isinstance(value, ir.TypeAttr):
        return value
    try:
        return ir.TypeAttr(value)
    except (TypeError, ValueError):
        info.fail(f"attribute '{name}' must be a type attribute")


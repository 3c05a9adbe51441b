"""Type rules of tg neural-network ops: convolution, matrix products, pooling, normalization."""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import DYNAMIC, FLOAT_TYPES, NUMERIC_TYPES, OpInfo, tensor, type_rule
from polytile.dialects.tg_rules.common import (broadcast_shapes, check_window_attrs, dims_compatible,
                                              fmt_dim, fmt_shape, window_output)


@type_rule("conv")
def _conv(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    info.same_element_types(0, 1, 2)
    rank = info.rank(0)
    if rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {rank}")
    x, w = info.operand(0).shape, info.operand(1).shape
    if len(w) != rank:
        info.fail(f"weight rank {len(w)} must equal input rank {rank}")
    spatial = rank - 2
    group = info.int("group")
    if group < 1:
        info.fail("group must be positive")
    kernel, strides, dilations, pads = check_window_attrs(info, spatial)
    if not all(dims_compatible(k, d) for k, d in zip(kernel, w[2:])):
        info.fail(f"kernel_shape {kernel} does not match the weight's spatial dims {fmt_shape(w[2:])}")
    if w[0] != DYNAMIC and w[0] % group != 0:
        info.fail(f"output channels ({w[0]}) must be divisible by group ({group})")
    if x[1] != DYNAMIC and w[1] != DYNAMIC and x[1] != w[1] * group:
        info.fail(f"input channels ({x[1]}) must equal weight channels ({w[1]}) x group ({group})")
    b = info.operands[2] if len(info.operands) > 2 else None
    if b is not None and (b.rank != 1 or not dims_compatible(b.shape[0], w[0])):
        info.fail(f"bias must be 1-d of size {fmt_dim(w[0])}, got {fmt_shape(b.shape)}")
    out = [x[0], w[0]]
    for i in range(spatial):
        size = window_output(x[2 + i], kernel[i], strides[i], dilations[i], pads[i], pads[spatial + i])
        if size != DYNAMIC and size < 1:
            info.fail(f"spatial dim {i} of size {x[2 + i]} is smaller than the dilated kernel")
        out.append(size)
    return [tensor(out, etype)]


@type_rule("matmul")
def _matmul(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1)
    a, b = list(info.operand(0).shape), list(info.operand(1).shape)
    if not a or not b:
        info.fail("operands must have rank >= 1")
    a_vec, b_vec = len(a) == 1, len(b) == 1
    if a_vec:
        a = [1] + a
    if b_vec:
        b = b + [1]
    if not dims_compatible(a[-1], b[-2]):
        info.fail(f"inner dimensions do not match: {fmt_shape(info.operand(0).shape)} x {fmt_shape(info.operand(1).shape)}")
    batch = broadcast_shapes(info, a[:-2], b[:-2])
    out = batch + ([] if a_vec else [a[-2]]) + ([] if b_vec else [b[-1]])
    return [tensor(out, etype)]


@type_rule("gemm")
def _gemm(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1, 2)
    info.rank(0, 2)
    info.rank(1, 2)
    info.float("alpha")
    info.float("beta")
    a, b = info.operand(0).shape, info.operand(1).shape
    m, ka = (a[1], a[0]) if info.int("transA") else (a[0], a[1])
    kb, n = (b[1], b[0]) if info.int("transB") else (b[0], b[1])
    if not dims_compatible(ka, kb):
        info.fail(f"inner dimensions do not match: K is {ka} for A and {kb} for B")
    c = info.operands[2] if len(info.operands) > 2 else None
    if c is not None:
        if c.rank > 2:
            info.fail(f"C must have rank <= 2, got {c.rank}")
        out = broadcast_shapes(info, [m, n], c.shape)
        if not (dims_compatible(out[0], m) and dims_compatible(out[1], n)):
            info.fail(f"C of shape {fmt_shape(c.shape)} does not broadcast to {fmt_shape([m, n])}")
    return [tensor([m, n], etype)]


@type_rule("max_pool")
def _max_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES + ("i8", "ui8"))
    rank = info.rank(0)
    if rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {rank}")
    spatial = rank - 2
    kernel, strides, dilations, pads = check_window_attrs(info, spatial)
    ceil_mode = info.int("ceil_mode")
    if info.int("storage_order") not in (0, 1):
        info.fail("storage_order must be 0 or 1")
    x = info.operand(0).shape
    out = [x[0], x[1]]
    for i in range(spatial):
        if pads[i] >= kernel[i] or pads[spatial + i] >= kernel[i]:
            info.fail(f"pads must be smaller than the kernel (dim {i})")
        size = window_output(x[2 + i], kernel[i], strides[i], dilations[i], pads[i],
                              pads[spatial + i], bool(ceil_mode))
        if size != DYNAMIC and size < 1:
            info.fail(f"spatial dim {i} of size {x[2 + i]} is smaller than the dilated kernel")
        out.append(size)
    return [tensor(out, etype)]


@type_rule("global_average_pool")
def _global_average_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    x = info.operand(0).shape
    if len(x) < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {len(x)}")
    return [tensor(list(x[:2]) + [1] * (len(x) - 2), etype)]


@type_rule("batch_normalization")
def _batch_normalization(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    info.float("epsilon")
    x = info.operand(0)
    if x.rank < 2:
        info.fail(f"input must have rank >= 2, got {x.rank}")
    channels = x.shape[1]
    for i, name in enumerate(("scale", "b", "input_mean", "input_var"), start=1):
        p = info.operand(i)
        info.element_type(i, FLOAT_TYPES)
        if p.rank != 1 or not dims_compatible(p.shape[0], channels):
            info.fail(f"{name} must be 1-d of size {fmt_dim(channels)} (the channel dim), "
                      f"got {fmt_shape(p.shape)}")
    return [x]

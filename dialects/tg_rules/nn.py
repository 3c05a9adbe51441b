"""Type rules of tg neural-network ops: convolution (plain and transposed), matrix products
(MatMul, Gemm, Einsum), pooling, normalization, Resize (tg.resize with constant sizes and scales,
tg.resize_dynamic with run-time ones) and Attention."""
from __future__ import annotations

from typing import Optional, Sequence

from mlir import ir

from polytile.dialects.tg import DYNAMIC, FLOAT_TYPES, NO_FOLD, NUMERIC_TYPES, OpInfo, tensor, type_rule

# Kernel classes: convolutions, matrix products, einsum and attention (built on
# batched matrix products) are "contraction" anchors: their element-wise
# epilogue (bias, activation, residual add) fuses into their kernel. Pools and
# batch normalization are "reduction" anchors (windows or channels of their
# first operand). Resize gathers and interpolates a few input elements per
# output element: an "opaque" kernel of its own.
CONTRACTION, REDUCTION = "contraction", "reduction"

#: The linalg ops of the channels-last (packed) lowering of tg.conv, which
#: sched-apply anchors a convolution's schedule on.
CONV_LINALG_ANCHORS = ("linalg.conv_2d_nhwc_hwcf", "linalg.depthwise_conv_2d_nhwc_hwc")
from polytile.dialects.tg_rules.common import (broadcast_shapes, check_window_attrs, dims_compatible,
                                              fmt_dim, fmt_shape, window_output)


def _conv_operands(info: OpInfo, types: Sequence[str] = FLOAT_TYPES):
    """Checks shared by conv and conv_transpose: input and weight (and bias) of
    one element type from ``types`` (floats), equal ranks >= 3, a positive group.
    Returns (element type, input shape, weight shape, spatial rank, group)."""
    etype = info.element_type(0, types)
    info.same_element_types(0, 1, 2)
    rank = info.rank(0)
    if rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {rank}")
    x, w = info.operand(0).shape, info.operand(1).shape
    if len(w) != rank:
        info.fail(f"weight rank {len(w)} must equal input rank {rank}")
    group = info.int("group")
    if group < 1:
        info.fail("group must be positive")
    return etype, x, w, rank - 2, group


@type_rule("conv", kind=CONTRACTION, schedule="conv", linalg_anchors=CONV_LINALG_ANCHORS)
def _conv(info: OpInfo) -> list[ir.Type]:
    # i32 too: ConvInteger/QLinearConv (importers/onnx/rules/quantized.py) convolve widened operands.
    etype, x, w, spatial, group = _conv_operands(info, FLOAT_TYPES + ("i32",))
    return [tensor(conv_output_shape(info, x, w, spatial, group), etype)]


def conv_output_shape(info: OpInfo, x: list[int], w: list[int], spatial: int, group: int) -> list[int]:
    """The N x F x spatial... result shape of a convolution of ``x`` (N x C x spatial...)
    by ``w``, after checking the attributes, the weights and the bias against them."""
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
    return out


@type_rule("matmul", kind=CONTRACTION, schedule="matmul", fold="MatMul")
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


@type_rule("gemm", kind=CONTRACTION, schedule="matmul")
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


@type_rule("max_pool", kind=REDUCTION)
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


@type_rule("global_average_pool", kind=REDUCTION)
def _global_average_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    x = info.operand(0).shape
    if len(x) < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {len(x)}")
    return [tensor(list(x[:2]) + [1] * (len(x) - 2), etype)]


@type_rule("batch_normalization", kind=REDUCTION)
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


# ---------------------------------------------------------------------------
# nn family: pooling, transposed convolution, einsum, resize, attention
# ---------------------------------------------------------------------------

def _pool_output_shape(info: OpInfo, ceil_mode: bool) -> list[int]:
    """N x C x windows: the output shape of an N-d pooling op (ONNX rules, ceil_mode included)."""
    rank = info.rank(0)
    if rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {rank}")
    spatial = rank - 2
    kernel, strides, dilations, pads = check_window_attrs(info, spatial)
    x = info.operand(0).shape
    out = [x[0], x[1]]
    for i in range(spatial):
        effective = dilations[i] * (kernel[i] - 1) + 1
        if pads[i] >= effective or pads[spatial + i] >= effective:
            info.fail(f"pads must be smaller than the dilated kernel (dim {i})")
        size = window_output(x[2 + i], kernel[i], strides[i], dilations[i], pads[i],
                              pads[spatial + i], ceil_mode)
        if size != DYNAMIC and size < 1:
            info.fail(f"spatial dim {i} of size {x[2 + i]} is smaller than the dilated kernel")
        out.append(size)
    return out


def _bool_attr(info: OpInfo, name: str) -> bool:
    value = info.int(name)
    if value not in (0, 1):
        info.fail(f"{name} must be 0 or 1")
    return bool(value)


@type_rule("average_pool", kind=REDUCTION)
def _average_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    _bool_attr(info, "count_include_pad")
    return [tensor(_pool_output_shape(info, _bool_attr(info, "ceil_mode")), etype)]


@type_rule("lp_pool", kind=REDUCTION)
def _lp_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    if info.int("p") < 1:
        info.fail("p must be positive")
    return [tensor(_pool_output_shape(info, _bool_attr(info, "ceil_mode")), etype)]


def _global_pool_shape(info: OpInfo) -> list[int]:
    x = info.operand(0).shape
    if len(x) < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {len(x)}")
    return list(x[:2]) + [1] * (len(x) - 2)


@type_rule("global_max_pool", kind=REDUCTION)
def _global_max_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    return [tensor(_global_pool_shape(info), etype)]


@type_rule("global_lp_pool", kind=REDUCTION)
def _global_lp_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    if info.int("p") < 1:
        info.fail("p must be positive")
    return [tensor(_global_pool_shape(info), etype)]


@type_rule("max_pool_with_indices", kind=REDUCTION, fold="MaxPool")
def _max_pool_with_indices(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES + ("i8", "ui8"))
    if info.int("storage_order") not in (0, 1):
        info.fail("storage_order must be 0 or 1")
    out = _pool_output_shape(info, _bool_attr(info, "ceil_mode"))
    return [tensor(out, etype), tensor(out, ir.IntegerType.get_signless(64, context=etype.context))]


@type_rule("conv_transpose", kind=CONTRACTION)
def _conv_transpose(info: OpInfo) -> list[ir.Type]:
    etype, x, w, spatial, group = _conv_operands(info)
    kernel, strides, dilations = (info.ints(n, spatial) for n in ("kernel_shape", "strides", "dilations"))
    if min(kernel + strides + dilations) < 1:
        info.fail("kernel_shape, strides and dilations must be positive")
    # Negative pads (from output_shape/auto_pad resolution) enlarge the output.
    pads = info.ints("pads", 2 * spatial)
    output_padding = info.ints("output_padding", spatial)
    if not all(dims_compatible(k, d) for k, d in zip(kernel, w[2:])):
        info.fail(f"kernel_shape {kernel} does not match the weight's spatial dims {fmt_shape(w[2:])}")
    if not dims_compatible(x[1], w[0]):
        info.fail(f"input channels ({fmt_dim(x[1])}) must equal the weight's first dim ({fmt_dim(w[0])})")
    if w[0] != DYNAMIC and w[0] % group != 0:
        info.fail(f"input channels ({w[0]}) must be divisible by group ({group})")
    if any(op < 0 for op in output_padding):
        info.fail("output_padding must be non-negative")
    cout = w[1] * group if w[1] != DYNAMIC else DYNAMIC
    b = info.operands[2] if len(info.operands) > 2 else None
    if b is not None and (b.rank != 1 or not dims_compatible(b.shape[0], cout)):
        info.fail(f"bias must be 1-d of size {fmt_dim(cout)}, got {fmt_shape(b.shape)}")
    out = [x[0], cout]
    for i in range(spatial):
        if x[2 + i] == DYNAMIC:
            out.append(DYNAMIC)
            continue
        size = (strides[i] * (x[2 + i] - 1) + output_padding[i] + dilations[i] * (kernel[i] - 1) + 1
                - pads[i] - pads[spatial + i])
        if size < 1:
            info.fail(f"spatial dim {i}: the pads leave no output")
        out.append(size)
    return [tensor(out, etype)]


def parse_einsum(equation: str) -> tuple[list[str], str]:
    """Split an explicit einsum equation without ellipsis ("ij,jk->ik") into input terms and output."""
    lhs, arrow, out = equation.replace(" ", "").partition("->")
    if not arrow:
        raise ValueError("equation must be in explicit form ('...->...')")
    terms = lhs.split(",")
    for term in terms + [out]:
        if not all(ch.isalpha() for ch in term):
            raise ValueError(f"term '{term}' must consist of letters only")
    return terms, out


@type_rule("einsum", kind=CONTRACTION)
def _einsum(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1)
    operands = [t for t in info.operands if t is not None]
    equation = info.attr("equation")
    if not isinstance(equation, str):
        info.fail("attribute 'equation' must be a string")
    try:
        terms, out = parse_einsum(equation)
    except ValueError as e:
        info.fail(str(e))
    if len(terms) != len(operands):
        info.fail(f"equation has {len(terms)} input terms for {len(operands)} operands")
    sizes: dict[str, int] = {}
    for i, term in enumerate(terms):
        shape = info.operand(i).shape
        if len(term) != len(shape):
            info.fail(f"term '{term}' has {len(term)} letters for operand #{i} of rank {len(shape)}")
        for letter, dim in zip(term, shape):
            known = sizes.get(letter, 1)
            if dim != 1 and known != 1 and not dims_compatible(dim, known):
                info.fail(f"letter '{letter}' has sizes {known} and {dim}")
            if dim != 1:
                sizes[letter] = dim
            sizes.setdefault(letter, 1)
    if len(set(out)) != len(out):
        info.fail(f"output term '{out}' repeats a letter")
    missing = [ch for ch in out if ch not in sizes]
    if missing:
        info.fail(f"output letter(s) {''.join(missing)} appear in no input term")
    return [tensor([sizes[ch] for ch in out], etype)]


RESIZE_MODES = ("nearest", "linear", "cubic")
RESIZE_COORDINATE_MODES = ("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_crop_and_resize")
RESIZE_NEAREST_MODES = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")


def float_array(info: OpInfo, name: str, length: int) -> list[float]:
    """An ``array<f64: ...>`` attribute as a list of floats."""
    value = info.attr(name)
    if isinstance(value, ir.Attribute) and isinstance(value.maybe_downcast(), ir.DenseF64ArrayAttr):
        values = list(ir.DenseF64ArrayAttr(value))
    else:
        info.fail(f"attribute '{name}' must be an array<f64>")
    if len(values) != length:
        info.fail(f"attribute '{name}' must have {length} entries, got {len(values)}")
    return values


def _choice(info: OpInfo, name: str, allowed: Sequence[str]) -> str:
    value = info.attr(name)
    if value not in allowed:
        info.fail(f"{name} must be one of {', '.join(allowed)}, got '{value}'")
    return value


def _check_resize_attributes(info: OpInfo, nearest_modes) -> ir.Type:
    """The attributes tg.resize and tg.resize_dynamic share; returns the element type."""
    etype = info.element_type(0, NUMERIC_TYPES)
    mode = _choice(info, "mode", RESIZE_MODES)
    _choice(info, "coordinate_transformation_mode", RESIZE_COORDINATE_MODES)
    _choice(info, "nearest_mode", nearest_modes)
    info.float("cubic_coeff_a")
    info.float("extrapolation_value")
    _bool_attr(info, "exclude_outside")
    antialias = _bool_attr(info, "antialias")
    if mode != "nearest" and str(etype) not in FLOAT_TYPES:
        info.fail(f"mode '{mode}' needs a float element type, got {etype}")
    if antialias and mode == "nearest":
        info.fail("antialias is not defined for mode 'nearest'")
    return etype


@type_rule("resize", kind="opaque")
def _resize(info: OpInfo) -> list[ir.Type]:
    etype = _check_resize_attributes(info, RESIZE_NEAREST_MODES)
    rank = info.rank(0)
    sizes = info.ints("sizes", rank)
    scales = float_array(info, "scales", rank)
    float_array(info, "roi", 2 * rank)
    if any(s < 1 for s in sizes):
        info.fail("sizes must be positive")
    if any(s <= 0 for s in scales):
        info.fail("scales must be positive")
    return [tensor(sizes, etype)]


RESIZE_ASPECT_POLICIES = ("stretch", "not_larger", "not_smaller")


@type_rule("resize_dynamic", kind="opaque", fold=NO_FOLD)
def _resize_dynamic(info: OpInfo) -> list[ir.Type]:
    """tg.resize with run-time scales or sizes (operand ``factors``: float = scales, integer =
    sizes) and optional run-time ``roi``, each holding one value (roi: two) per dim of ``axes``.
    The result keeps ``x``'s dims outside ``axes``; the dims in ``axes`` are ``?``. A ``factors``
    or ``roi`` whose length is known must match ``axes``; one of run-time length is read safely
    (see the lowering: missing values are the identity). nearest_mode "simple" is the Upsample /
    Resize-10 rule (floor where the scale is >= 1, ceil below). Does not fold (NO_FOLD): with
    constant factors the importer builds tg.resize."""
    etype = _check_resize_attributes(info, RESIZE_NEAREST_MODES + ("simple",))
    rank = info.rank(0)
    _choice(info, "keep_aspect_ratio_policy", RESIZE_ASPECT_POLICIES)
    axes = info.ints("axes")
    if len(set(axes)) != len(axes) or any(not 0 <= a < rank for a in axes):
        info.fail(f"axes {axes} must be distinct dims of the rank-{rank} input")
    factors = info.operand(1)
    if factors.rank != 1 or str(factors.element_type) not in FLOAT_TYPES + ("i32", "i64"):
        info.fail(f"factors must be a 1-d float (scales) or i32/i64 (sizes) tensor, got {factors}")
    if factors.shape[0] != DYNAMIC and factors.shape[0] != len(axes):
        info.fail(f"factors must hold one value per dim of axes ({len(axes)}), got {factors.shape[0]}")
    roi = info.operands[2] if len(info.operands) > 2 else None
    if roi is not None:
        if roi.rank != 1 or str(roi.element_type) not in FLOAT_TYPES:
            info.fail(f"roi must be a 1-d float tensor, got {roi}")
        if roi.shape[0] != DYNAMIC and roi.shape[0] != 2 * len(axes):
            info.fail(f"roi must hold two values per dim of axes ({2 * len(axes)}), got {roi.shape[0]}")
    x = list(info.operand(0).shape)
    return [tensor([DYNAMIC if i in axes else x[i] for i in range(rank)], etype)]


# ONNX TensorProto element types allowed as softmax_precision.
SOFTMAX_PRECISIONS = {1: "f32", 10: "f16", 11: "f64", 16: "bf16"}


def _attention_heads(info: OpInfo, rank: int) -> tuple[list[int], list[int], list[int]]:
    """Q, K, V shapes in the 4-d (B, heads, S, size) form."""
    q, k, v = (list(info.operand(i).shape) for i in range(3))
    if rank == 4:
        return q, k, v
    hq, hkv = info.int("q_num_heads"), info.int("kv_num_heads")
    if hq < 1 or hkv < 1:
        info.fail("3-d inputs need positive q_num_heads and kv_num_heads")
    for name, shape, heads in (("Q", q, hq), ("K", k, hkv), ("V", v, hkv)):
        if shape[2] != DYNAMIC and shape[2] % heads != 0:
            info.fail(f"{name} hidden size {shape[2]} is not divisible by {heads} heads")

    def split(shape, heads):
        return [shape[0], heads, shape[1], shape[2] // heads if shape[2] != DYNAMIC else DYNAMIC]

    return split(q, hq), split(k, hkv), split(v, hkv)


@type_rule("attention", kind=CONTRACTION)
def _attention(info: OpInfo) -> list[ir.Type]:
    return _attention_types(info, info.operands[3], [])


# Folded as ONNX Attention (opset 23) with its past_key/past_value inputs: operands
# go to the ONNX inputs of the same name.
@type_rule("attention_with_past", kind=CONTRACTION, fold="Attention")
def _attention_with_past(info: OpInfo) -> list[ir.Type]:
    return _attention_types(info, info.operands[5], info.operands[3:5])


def _attention_types(info: OpInfo, mask: Optional[ir.RankedTensorType],
                     past: list[ir.RankedTensorType]) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    info.same_element_types(0, 1, 2)
    rank = info.rank(0, 3, 4)
    info.rank(1, rank)
    info.rank(2, rank)
    q, k, v = _attention_heads(info, rank)
    batch, hq, sq, size = q
    hkv, skv = k[1], k[2]
    if not (dims_compatible(k[0], batch) and dims_compatible(v[0], batch)):
        info.fail("Q, K and V must have the same batch size")
    if not dims_compatible(k[3], size):
        info.fail(f"Q and K head sizes differ ({fmt_dim(size)} vs {fmt_dim(k[3])})")
    if not (dims_compatible(v[1], hkv) and dims_compatible(v[2], skv)):
        info.fail("K and V must have the same number of heads and sequence length")
    if hq != DYNAMIC and hkv != DYNAMIC and hq % hkv != 0:
        info.fail(f"q heads ({hq}) must be a multiple of kv heads ({hkv})")
    total = skv
    if past:
        pk, pv = past
        if pk.rank != 4 or pv.rank != 4:
            info.fail("past_key and past_value must have rank 4")
        if pk.element_type != etype or pv.element_type != etype:
            info.fail("past_key and past_value must have the element type of Q")
        want_k, want_v = [batch, hkv, pk.shape[2], size], [batch, hkv, pv.shape[2], v[3]]
        if not all(dims_compatible(a, b) for a, b in zip(pk.shape, want_k)) or \
                not all(dims_compatible(a, b) for a, b in zip(pv.shape, want_v)) or \
                not dims_compatible(pk.shape[2], pv.shape[2]):
            info.fail(f"past_key/past_value of shapes {fmt_shape(pk.shape)}/{fmt_shape(pv.shape)} do not "
                      f"match K/V (batch {fmt_dim(batch)}, {fmt_dim(hkv)} heads)")
        total = DYNAMIC if DYNAMIC in (skv, pk.shape[2]) else skv + pk.shape[2]
    if mask is not None:
        if str(mask.element_type) not in FLOAT_TYPES + ("i1",):
            info.fail(f"attn_mask must be bool or float, got {mask.element_type}")
        if mask.rank < 1 or mask.rank > 4:
            info.fail(f"attn_mask must have rank 1 to 4, got {mask.rank}")
        last = mask.shape[-1]
        if last != DYNAMIC and total != DYNAMIC and last > total:
            info.fail(f"attn_mask's last dim ({last}) exceeds the total sequence length ({total})")
        target = [batch, hq, sq, 1]
        if broadcast_shapes(info, target, list(mask.shape[:-1]) + [1])[-mask.rank:] != target[-mask.rank:]:
            info.fail(f"attn_mask of shape {fmt_shape(mask.shape)} does not broadcast to "
                      f"{fmt_shape([batch, hq, sq, total])}")
    if info.int("is_causal") not in (0, 1):
        info.fail("is_causal must be 0 or 1")
    if info.int("qk_matmul_output_mode") not in (0, 1, 2, 3):
        info.fail("qk_matmul_output_mode must be 0, 1, 2 or 3")
    if info.int("softmax_precision") not in SOFTMAX_PRECISIONS:
        info.fail("softmax_precision must be an ONNX float type (1, 10, 11 or 16)")
    info.float("scale")
    info.float("softcap")
    dv = v[3]
    y = [batch, hq, sq, dv] if rank == 4 else \
        [batch, sq, hq * dv if DYNAMIC not in (hq, dv) else DYNAMIC]
    return [tensor(y, etype), tensor([batch, hkv, total, size], etype),
            tensor([batch, hkv, total, dv], etype), tensor([batch, hq, sq, total], etype)]

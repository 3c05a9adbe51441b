"""Import rules for neural-network ops: Conv, ConvTranspose, MatMul, Gemm, Einsum, pooling
(Max/Average/Lp, their Global forms), BatchNormalization, Resize/Upsample and Attention.

Each node becomes one tg op (MaxPool with Indices: tg.max_pool_with_indices; Attention with a KV
cache: tg.attention_with_past; Upsample: tg.resize), except Einsum of three or more operands, a
chain of two-operand tg.einsum. What ONNX leaves implicit (auto_pad, output_shape, implicit einsum
outputs and ellipses, Resize axes and aspect-ratio policies, Attention defaults) is resolved here
into explicit attributes.

Resize/Upsample with constant scales or sizes (and roi) on an input of static shape become
tg.resize (everything resolved here, static result type). When the scales or sizes, or the roi of
tf_crop_and_resize, are known only at run time, or the input has dynamic dims, they become
tg.resize_dynamic: the values stay tensors (constants materialized), ``axes`` and
keep_aspect_ratio_policy are resolved by its lowering at run time, and the resized dims are ``?``.
"""
from __future__ import annotations

import math

import numpy as np
import onnx
from mlir import ir

from polytile.dialects import tg
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule
from polytile.importers.onnx.rules.common import window_attributes


def _build(node: NodeContext, op: str, *operands, **attributes) -> list[ir.Value]:
    """Build ``tg.<op>`` and return all its results (node.tg returns only the first)."""
    try:
        return list(tg.build(op, operands, attributes).results)
    except tg.TypeRuleError as e:
        node.unsupported(f"cannot build tg.{op}: {e}")


# ---------------------------------------------------------------------------
# Convolution and matrix products
# ---------------------------------------------------------------------------

@rule("Conv")
def conv(node: NodeContext):
    x, w = node.input(0), node.input(1)
    w_shape = node.input_shape(1)
    spatial = len(w_shape) - 2
    kernel = list(node.attr("kernel_shape", w_shape[2:]))
    window = window_attributes(node, spatial, kernel, node.input_dims(0)[2:])
    return [node.tg("conv", x, w, node.input(2), group=node.attr("group", 1),
                    kernel_shape=kernel, **window)]


def _conv_transpose_pads(node: NodeContext, x_spatial, kernel, strides, dilations, output_padding):
    """Explicit (possibly negative) begin/end pads and output_padding of a ConvTranspose,
    resolving auto_pad and output_shape as the ONNX spec defines them."""
    spatial = len(kernel)
    auto_pad = node.attr("auto_pad", "NOTSET")
    if auto_pad not in ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"):
        node.unsupported(f"auto_pad '{auto_pad}' is not supported")
    output_shape = node.attr("output_shape", None)
    pads = list(node.attr("pads", [0] * (2 * spatial)))
    if auto_pad == "VALID":
        pads = [0] * (2 * spatial)
    if output_shape is None and auto_pad in ("SAME_UPPER", "SAME_LOWER") and "pads" not in node.attrs:
        output_shape = [x_spatial[i] * strides[i] for i in range(spatial)]
    if output_shape is None:
        return pads, output_padding
    output_shape = list(output_shape)[-spatial:]
    pads = [0] * (2 * spatial)
    for i in range(spatial):
        natural = strides[i] * (x_spatial[i] - 1) + output_padding[i] + dilations[i] * (kernel[i] - 1) + 1
        total = natural - output_shape[i]
        if total < 0 and auto_pad == "NOTSET":
            # A larger output than the natural one extends at the end (ORT and the reference agree).
            pads[i], pads[spatial + i] = 0, total
        elif auto_pad == "SAME_UPPER":
            pads[i], pads[spatial + i] = total // 2, total - total // 2
        else:
            pads[i], pads[spatial + i] = total - total // 2, total // 2
    return pads, output_padding


@rule("ConvTranspose")
def conv_transpose(node: NodeContext):
    x, w = node.input(0), node.input(1)
    w_shape = node.input_shape(1)
    spatial = len(w_shape) - 2
    kernel = list(node.attr("kernel_shape", w_shape[2:]))
    if kernel != list(w_shape[2:]):
        node.unsupported(f"kernel_shape {kernel} differs from the weight's spatial dims {w_shape[2:]}")
    strides = list(node.attr("strides", [1] * spatial))
    dilations = list(node.attr("dilations", [1] * spatial))
    output_padding = list(node.attr("output_padding", [0] * spatial))
    pads, output_padding = _conv_transpose_pads(node, node.input_shape(0)[2:], kernel, strides,
                                                dilations, output_padding)
    return [node.tg("conv_transpose", x, w, node.input(2), group=node.attr("group", 1),
                    kernel_shape=kernel, strides=strides, dilations=dilations, pads=pads,
                    output_padding=output_padding)]


@rule("MatMul")
def matmul(node: NodeContext):
    return [node.tg("matmul", node.input(0), node.input(1))]


@rule("Gemm")
def gemm(node: NodeContext):
    alpha, beta = node.attr("alpha", 1.0), node.attr("beta", 1.0)
    if not str(node.input_type(0).element_type) in tg.FLOAT_TYPES and \
            not (float(alpha).is_integer() and float(beta).is_integer()):
        node.unsupported(f"integer Gemm with non-integral alpha ({alpha}) or beta ({beta}) is not supported")
    return [node.tg("gemm", node.input(0), node.input(1), node.input(2), alpha=alpha, beta=beta,
                    transA=node.attr("transA", 0), transB=node.attr("transB", 0))]


def normalize_einsum(node: NodeContext, equation: str, ranks: list[int]) -> str:
    """The explicit, ellipsis-free form of an ONNX einsum equation: "..." becomes fresh letters
    (right-aligned across inputs, broadcasting as numpy does) and an implicit output becomes the
    ellipsis dims followed by the letters used once, in alphabetical order."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        node.unsupported(f"equation '{equation}' has {len(terms)} inputs, the node {len(ranks)}")
    used = set(ch for ch in equation if ch.isalpha())
    fresh = [ch for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if ch not in used]
    ellipsis_ranks = []
    for term, rank in zip(terms, ranks):
        letters = len(term.replace("...", ""))
        if "..." in term:
            ellipsis_ranks.append(rank - letters)
        elif letters != rank:
            node.unsupported(f"term '{term}' has {letters} letters for an input of rank {rank}")
        else:
            ellipsis_ranks.append(0)
    width = max(ellipsis_ranks, default=0)
    if any(r < 0 for r in ellipsis_ranks) or width > len(fresh):
        node.unsupported(f"equation '{equation}' does not match the input ranks {ranks}")
    ell = "".join(fresh[:width])
    expanded = [t.replace("...", ell[width - r:]) for t, r in zip(terms, ellipsis_ranks)]
    if arrow:
        out = rhs.replace("...", ell)
    else:
        counts = {}
        for t in expanded:
            for ch in t:
                counts[ch] = counts.get(ch, 0) + 1
        out = ell + "".join(sorted(ch for ch, n in counts.items() if n == 1 and ch not in ell))
    return ",".join(expanded) + "->" + out


@rule("Einsum", since=12)
def einsum(node: NodeContext):
    """tg.einsum takes one or two operands: more are contracted pairwise, left to right, each
    step keeping the letters that later terms or the output still need."""
    inputs = node.inputs()
    ranks = [len(node.input_shape(i)) for i in range(len(inputs))]
    terms, out = normalize_einsum(node, node.attr("equation"), ranks).split("->")
    terms = terms.split(",")
    acc, acc_term = inputs[0], terms[0]
    if len(inputs) == 1:
        return [node.tg("einsum", acc, equation=f"{acc_term}->{out}")]
    for i in range(1, len(inputs)):
        if i == len(inputs) - 1:
            step_out = out
        else:
            needed = set("".join(terms[i + 1:]) + out)
            step_out = "".join(dict.fromkeys(ch for ch in acc_term + terms[i] if ch in needed))
        acc = node.tg("einsum", acc, inputs[i], equation=f"{acc_term},{terms[i]}->{step_out}")
        acc_term = step_out
    return [acc]


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------

def _pool_window(node: NodeContext) -> tuple[list[int], dict]:
    kernel = list(node.attr("kernel_shape"))
    window = window_attributes(node, len(kernel), kernel, node.input_dims(0)[2:])
    if node.attr("auto_pad", "NOTSET") in ("SAME_UPPER", "SAME_LOWER") and node.attr("ceil_mode", 0):
        node.unsupported("ceil_mode with auto_pad SAME is not supported")
    return kernel, window


@rule("MaxPool")
def max_pool(node: NodeContext):
    kernel, window = _pool_window(node)
    attrs = dict(kernel_shape=kernel, ceil_mode=node.attr("ceil_mode", 0),
                 storage_order=node.attr("storage_order", 0), **window)
    if len(node.node.output) > 1 and node.node.output[1]:
        return _build(node, "max_pool_with_indices", node.input(0), **attrs)
    return [node.tg("max_pool", node.input(0), **attrs)]


@rule("AveragePool")
def average_pool(node: NodeContext):
    kernel, window = _pool_window(node)
    return [node.tg("average_pool", node.input(0), kernel_shape=kernel,
                    ceil_mode=node.attr("ceil_mode", 0),
                    count_include_pad=node.attr("count_include_pad", 0), **window)]


@rule("LpPool")
def lp_pool(node: NodeContext):
    kernel, window = _pool_window(node)
    p = node.attr("p", 2)
    if not isinstance(p, int):
        node.unsupported(f"a non-integer p ({p}) is not supported")
    return [node.tg("lp_pool", node.input(0), kernel_shape=kernel, p=p,
                    ceil_mode=node.attr("ceil_mode", 0), **window)]


@rule("GlobalAveragePool")
def global_average_pool(node: NodeContext):
    return [node.tg("global_average_pool", node.input(0))]


@rule("GlobalMaxPool")
def global_max_pool(node: NodeContext):
    return [node.tg("global_max_pool", node.input(0))]


@rule("GlobalLpPool")
def global_lp_pool(node: NodeContext):
    p = node.attr("p", 2)
    if not isinstance(p, int):
        node.unsupported(f"a non-integer p ({p}) is not supported")
    return [node.tg("global_lp_pool", node.input(0), p=p)]


@rule("BatchNormalization")
def batch_normalization(node: NodeContext):
    if node.attr("training_mode", 0):
        node.unsupported("training_mode=1 is not supported (inference only)")
    if len([o for o in node.node.output if o]) > 1:
        node.unsupported("running mean/var outputs (training) are not supported")
    return [node.tg("batch_normalization", *node.inputs()[:5], epsilon=node.attr("epsilon", 1e-5))]


# ---------------------------------------------------------------------------
# Resize and Upsample
# ---------------------------------------------------------------------------

def _resize_op(node: NodeContext, x: ir.Value, sizes, scales, roi, **attrs):
    rank = len(sizes)
    defaults = dict(mode="nearest", coordinate_transformation_mode="half_pixel",
                    nearest_mode="round_prefer_floor", cubic_coeff_a=-0.75, exclude_outside=0,
                    extrapolation_value=0.0, antialias=0)
    defaults.update(attrs)
    if defaults["mode"] not in ("nearest", "linear", "cubic"):
        node.unsupported(f"mode '{defaults['mode']}' is not supported")
    roi = list(roi) if roi is not None else [0.0] * rank + [1.0] * rank
    return node.tg("resize", x, sizes=[int(s) for s in sizes],
                   scales=ir.DenseF64ArrayAttr.get([float(s) for s in scales]),
                   roi=ir.DenseF64ArrayAttr.get([float(r) for r in roi]), **defaults)


def _legacy_nearest_mode(node: NodeContext, scales) -> str:
    """Upsample and Resize-10 pick floor when upsampling and ceil when downsampling."""
    resized = [s for s in scales if s != 1.0]
    if all(s > 1.0 for s in resized):
        return "floor"
    if all(s < 1.0 for s in resized):
        return "ceil"
    node.unsupported("nearest resizing that both up- and downsamples is not supported before opset 11")


def _legacy_resize(node: NodeContext, scales) -> list[ir.Value]:
    """Upsample-7/9 and Resize-10: asymmetric coordinates, output = floor(input * scale).
    ``scales`` is an array, or None when it is input 1, known only at run time; then (and for an
    input with dynamic dims) tg.resize_dynamic, whose nearest_mode "simple" picks floor or ceil
    per axis from the run-time scale."""
    mode = node.attr("mode", "nearest")
    if mode == "bilinear":
        mode = "linear"
    dims = node.input_dims(0)
    if scales is None or None in dims:
        if scales is None:
            factors = node.input(1)
            length = ir.RankedTensorType(factors.type).shape
            if len(length) != 1 or length[0] not in (len(dims), ir.ShapedType.get_dynamic_size()):
                node.unsupported(f"the scales must be 1-d with {len(dims)} values, got shape {list(length)}")
        else:
            scales = np.asarray(scales, np.float32).reshape(-1)
            if scales.size != len(dims):
                node.unsupported(f"{scales.size} scales for an input of rank {len(dims)}")
            factors = node.constant(scales)
        return [_resize_dynamic_op(node, node.input(0), factors, None, list(range(len(dims))), mode=mode,
                                   coordinate_transformation_mode="asymmetric",
                                   nearest_mode="simple" if mode == "nearest" else "round_prefer_floor")]
    scales = [float(np.float32(s)) for s in np.asarray(scales).reshape(-1)]
    shape = node.input_shape(0)
    if len(scales) != len(shape):
        node.unsupported(f"{len(scales)} scales for an input of rank {len(shape)}")
    sizes = [int(np.floor(np.float32(d) * np.float32(s))) for d, s in zip(shape, scales)]
    nearest = _legacy_nearest_mode(node, scales) if mode == "nearest" else "round_prefer_floor"
    return [_resize_op(node, node.input(0), sizes, scales, None, mode=mode,
                       coordinate_transformation_mode="asymmetric", nearest_mode=nearest)]


def _resize_dynamic_op(node: NodeContext, x: ir.Value, factors: ir.Value, roi, axes, **attrs):
    """tg.resize_dynamic: scales (float ``factors``) or sizes (integer) known at run time."""
    defaults = dict(mode="nearest", coordinate_transformation_mode="half_pixel",
                    nearest_mode="round_prefer_floor", cubic_coeff_a=-0.75, exclude_outside=0,
                    extrapolation_value=0.0, antialias=0, keep_aspect_ratio_policy="stretch")
    defaults.update(attrs)
    if defaults["mode"] not in ("nearest", "linear", "cubic"):
        node.unsupported(f"mode '{defaults['mode']}' is not supported")
    return node.tg("resize_dynamic", x, factors, roi, axes=list(axes), **defaults)


@rule("Upsample", since=7)
def upsample_7(node: NodeContext):
    return _legacy_resize(node, node.attr("scales"))


@rule("Upsample", since=9)
def upsample_9(node: NodeContext):
    return _legacy_resize(node, node.const(1))


@rule("Resize", since=10)
def resize_10(node: NodeContext):
    return _legacy_resize(node, node.const(1))


def _optional_input(node: NodeContext, i: int):
    """Input ``i`` of Resize: None when absent or empty, else its constant value (an array) or,
    known only at run time, its MLIR value."""
    if not node.has_input(i):
        return None
    value = node.const(i)
    if value is not None:
        return None if value.size == 0 else np.asarray(value)
    v = node.input(i)
    return None if 0 in ir.RankedTensorType(v.type).shape else v


def _full_rank(values, axes, rank: int, fill) -> list:
    out = list(fill)
    for i, axis in enumerate(axes):
        out[axis] = values[i]
    return out


@rule("Resize", since=11)
def resize(node: NodeContext):
    dims = node.input_dims(0)
    rank = len(dims)
    axes = [a + rank if a < 0 else a for a in node.attr("axes", list(range(rank)))]
    ctm = node.attr("coordinate_transformation_mode", "half_pixel")
    roi = _optional_input(node, 1) if ctm == "tf_crop_and_resize" else None
    scales = _optional_input(node, 2)
    sizes = _optional_input(node, 3)
    if (scales is None) == (sizes is None):
        node.unsupported("exactly one of scales and sizes must be given")
    if sorted(set(axes)) != sorted(axes) or any(not 0 <= a < rank for a in axes):
        node.unsupported(f"axes {node.attr('axes', None)} must be distinct dims of the rank-{rank} input")
    given, what = (scales, "scales") if scales is not None else (sizes, "sizes")
    given_shape = list(given.shape) if isinstance(given, np.ndarray) else list(ir.RankedTensorType(given.type).shape)
    if len(given_shape) != 1 or given_shape[0] not in (len(axes), ir.ShapedType.get_dynamic_size()):
        shown = ["?" if d == ir.ShapedType.get_dynamic_size() else d for d in given_shape]
        node.unsupported(f"{what} must hold one value per resized axis ({len(axes)}), got shape {shown}")
    if isinstance(scales, np.ndarray) and not np.all(np.isfinite(scales) & (scales > 0)):
        node.unsupported(f"scales must be positive, got {scales.tolist()}")
    if isinstance(sizes, np.ndarray) and not np.all(sizes > 0):
        node.unsupported(f"sizes must be positive, got {sizes.tolist()}")
    policy = node.attr("keep_aspect_ratio_policy", "stretch")
    if sizes is not None and policy not in ("stretch", "not_larger", "not_smaller"):
        node.unsupported(f"keep_aspect_ratio_policy '{policy}' is not supported")
    attrs = {name: node.attrs[name] for name in
             ("mode", "nearest_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value",
              "antialias") if name in node.attrs}
    if isinstance(given, ir.Value) or isinstance(roi, ir.Value) or None in dims:
        return [_resize_runtime(node, given, roi, axes, policy if sizes is not None else "stretch",
                                coordinate_transformation_mode=ctm, **attrs)]
    shape = dims
    if scales is not None:
        scales = _full_rank([float(np.float32(s)) for s in scales], axes, rank, [1.0] * rank)
        out_sizes = [int(np.floor(np.float32(d) * np.float32(s))) for d, s in zip(shape, scales)]
    else:
        sizes = _full_rank([int(s) for s in sizes], axes, rank, shape)
        scales = [s / d for s, d in zip(sizes, shape)]
        out_sizes = sizes
        if policy in ("not_larger", "not_smaller"):
            pick = min if policy == "not_larger" else max
            scale = pick(scales[a] for a in axes)
            scales = [scale if i in axes else 1.0 for i in range(rank)]
            out_sizes = [int(scale * shape[i] + 0.5) if i in axes else shape[i] for i in range(rank)]
    if roi is not None:
        n = len(axes)
        roi = (_full_rank(list(roi[:n]), axes, rank, [0.0] * rank) +
               _full_rank(list(roi[n:]), axes, rank, [1.0] * rank))
    return [_resize_op(node, node.input(0), out_sizes, scales, roi,
                       coordinate_transformation_mode=ctm, **attrs)]


def _resize_runtime(node: NodeContext, given, roi, axes, policy: str, **attrs) -> ir.Value:
    """Resize whose scales or sizes (or roi) are known only at run time, or whose input has dynamic
    dims: tg.resize_dynamic, constants materialized as tensors."""
    if isinstance(given, np.ndarray):
        given = node.constant(given.astype(np.int64 if given.dtype.kind in "iu" else np.float32))
    if isinstance(roi, np.ndarray):
        if roi.size != 2 * len(axes):
            node.unsupported(f"roi must hold two values per resized axis ({2 * len(axes)}), got {roi.size}")
        roi = node.constant(roi.astype(np.float32) if roi.dtype.kind != "f" else roi)
    return _resize_dynamic_op(node, node.input(0), given, roi, axes, keep_aspect_ratio_policy=policy, **attrs)


# ---------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------

@rule("Attention", since=23)
def attention(node: NodeContext):
    if node.has_input(6):
        node.unsupported("nonpad_kv_seqlen is not supported yet")
    if node.has_input(4) != node.has_input(5):
        node.unsupported("past_key and past_value must be given together")
    q_shape = node.input_shape(0)
    rank = len(q_shape)
    if rank == 4:
        q_heads, kv_heads = q_shape[1], node.input_shape(1)[1]
        head_size = q_shape[3]
    elif rank == 3:
        q_heads, kv_heads = node.attr("q_num_heads"), node.attr("kv_num_heads")
        if q_heads < 1 or q_shape[2] % q_heads:
            node.unsupported(f"Q's hidden size {q_shape[2]} is not divisible by q_num_heads {q_heads}")
        head_size = q_shape[2] // q_heads
    else:
        node.unsupported(f"Q must have rank 3 or 4, got {rank}")
    scale = node.attr("scale", 1.0 / math.sqrt(head_size))
    # softmax_precision defaults to Q's element type (as an ONNX TensorProto type).
    q_type = str(node.input_type(0).element_type)
    elem = {"f16": onnx.TensorProto.FLOAT16, "f64": onnx.TensorProto.DOUBLE,
            "bf16": onnx.TensorProto.BFLOAT16}.get(q_type, onnx.TensorProto.FLOAT)
    q, k, v, mask = node.input(0), node.input(1), node.input(2), node.input(3)
    if node.has_input(4):
        op, operands = "attention_with_past", (q, k, v, node.input(4), node.input(5), mask)
    else:
        op, operands = "attention", (q, k, v, mask)
    return _build(node, op, *operands,
                  is_causal=node.attr("is_causal", 0), q_num_heads=q_heads, kv_num_heads=kv_heads,
                  qk_matmul_output_mode=node.attr("qk_matmul_output_mode", 0), scale=scale,
                  softcap=node.attr("softcap", 0.0),
                  softmax_precision=node.attr("softmax_precision", elem))

"""Lowering of tg.attention and tg.attention_with_past (ONNX Attention, opset 23).

Q, K, V of rank 3 are split into heads first ((B, S, heads * size) ->
(B, heads, S, size)); past K/V are concatenated in front of the new ones (the
present K/V results). Then, as ``linalg.generic`` ops: scores = (Q * s) . (K * s)^T
with s = sqrt(scale), grouped-query attention reading K/V head ``h floordiv
(q heads / kv heads)``; softcap; the additive bias (a bool mask as 0/-inf or a
float mask, padded with -inf up to the total key count, plus the causal -inf
above the diagonal shifted by the past length); softmax over the keys in
``softmax_precision`` when that is wider than the compute type, rows with no
allowed key giving 0; then probs . V. 16-bit floats compute in f32 and are
rounded once. The fourth result is the qk_matmul_output_mode stage.

Dynamic batch and sequence lengths (``?``, past included) are taken; head
counts and head sizes must be static, and a mask only when it and the total
key count are static.

Not supported yet: the dynamic cases above; a fused or tiled (flash) form: the
score matrix is materialized.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from mlir import ir
from mlir.dialects import arith, math

from . import LoweringContext, lowering
from .builders import (DYNAMIC, PARALLEL, REDUCTION, Dim, amap, broadcast_map, broadcast_shape, c, cmpf,
                       cmpi, compute_type, concat, convert_tensor, d, dim_of, elementwise, empty, etype_of,
                       filled, generic, i64, identity_map, loop_index_i64, onnx_float_type, pad,
                       reduce_last, reshape, scalar_constant, shape_of, transpose, wider_float)


def _neg_inf(et: ir.Type) -> ir.Value:
    return scalar_constant(et, float("-inf"))



def _heads_first(x: ir.Value, heads: int) -> ir.Value:
    """(B, S, heads*size) -> (B, heads, S, size)."""
    b, s, hidden = shape_of(x)
    return transpose(reshape(x, [b, s, heads, hidden // heads]), [0, 2, 1, 3])


def _dims(value: ir.Value, *indices: int) -> list[Dim]:
    return [dim_of(value, i) for i in indices]


def _head_group(rep: int) -> ir.AffineExpr:
    """The KV head of query head d1 when ``rep`` query heads share one (GQA)."""
    return ir.AffineFloorDivExpr.get(d(1), c(rep)) if rep > 1 else d(1)


def _attention_scores(q: ir.Value, k: ir.Value, rep: int, sqrt_scale: float, ct: ir.Type) -> ir.Value:
    """S[b,h,i,j] = sum_d (q[b,h,i,d] * s) * (k[b,h/rep,j,d] * s), s = sqrt(scale)."""
    b, h, sq = _dims(q, 0, 1, 2)
    skv = dim_of(k, 2)
    q_map = amap(5, [d(0), d(1), d(2), d(4)])
    k_map = amap(5, [d(0), _head_group(rep), d(3), d(4)])
    out_map = amap(5, [d(0), d(1), d(2), d(3)])

    def body(qv, kv, acc):
        s = scalar_constant(ct, sqrt_scale)
        return arith.addf(acc, arith.mulf(arith.mulf(qv, s), arith.mulf(kv, s)))

    return generic([q, k], [filled([b, h, sq, skv], ct, 0)], [q_map, k_map, out_map],
                   [PARALLEL] * 4 + [REDUCTION], body)[0]


def _attention_bias(mask: Optional[ir.Value], mask_bool: bool, causal: bool, sq: Dim, total: Dim,
                    past: Dim, ct: ir.Type) -> Optional[ir.Value]:
    """The additive bias: the mask (bool -> 0/-inf, padded with -inf up to ``total`` keys) plus,
    when causal, -inf where key j > query i + past (sizes static or index values; a mask
    only with static ones, see _attention_check)."""
    if mask is None and not causal:
        return None
    inputs, maps = [], []
    if mask is not None:
        if mask_bool:
            mask = elementwise([mask], ct, lambda s: arith.select(
                s[0], scalar_constant(ct, 0), _neg_inf(ct)))
        else:
            mask = convert_tensor(mask, ct)
        m_shape = shape_of(mask)
        if m_shape[-1] < total:
            high = [0] * (len(m_shape) - 1) + [total - m_shape[-1]]
            mask = pad(mask, [0] * len(m_shape), high, _neg_inf(ct))
        inputs.append(mask)
    sizes = [sq, total]
    out_shape = broadcast_shape([shape_of(v) for v in inputs] +
                                [[DYNAMIC if isinstance(x, ir.Value) else x for x in sizes]])
    rank = len(out_shape)
    dims: list[Dim] = list(out_shape)
    for j, x in zip((rank - 2, rank - 1), sizes):
        if isinstance(x, ir.Value) and dims[j] == DYNAMIC:
            dims[j] = x
    maps = [broadcast_map(shape_of(v), out_shape) for v in inputs] + [identity_map(rank)]
    past_i64 = arith.index_cast(i64(), past) if isinstance(past, ir.Value) else None

    def body(*args):
        value = args[0] if mask is not None else scalar_constant(ct, 0)
        if causal:
            int64 = i64()
            i = loop_index_i64(rank - 2)
            j = loop_index_i64(rank - 1)
            shift = past_i64 if past_i64 is not None else scalar_constant(int64, past)
            allowed = cmpi("sle", j, arith.addi(i, shift))
            value = arith.addf(value, arith.select(allowed, scalar_constant(ct, 0), _neg_inf(ct)))
        return value

    return generic(inputs, [empty(dims, ct)], maps, [PARALLEL] * rank, body)[0]


def _softmax_last(x: ir.Value, row_masked: Optional[ir.Value]) -> ir.Value:
    """Softmax over the last dim; rows that are all -inf (or masked by ``row_masked``) give 0."""
    st = etype_of(x)
    zero, one = scalar_constant(st, 0), scalar_constant(st, 1)
    inf = _neg_inf(st)
    top = reduce_last(x, float("-inf"), arith.maximumf)
    top = elementwise([top], st, lambda s: arith.select(
        cmpf("oeq", s[0], inf), zero, s[0]))
    exps = elementwise([x, top], st, lambda s: math.exp(arith.subf(s[0], s[1])))
    sums = reduce_last(exps, 0, arith.addf)
    sums = elementwise([sums], st, lambda s: arith.select(
        cmpf("oeq", s[0], zero), one, s[0]))
    inputs = [exps, sums] + ([row_masked] if row_masked is not None else [])

    def body(s):
        p = arith.divf(s[0], s[1])
        if row_masked is not None:
            p = arith.select(cmpf("oeq", s[2], inf), zero, p)
        return p

    return elementwise(inputs, st, body, out_shape=shape_of(x))


def _attention_check(mask_index: int):
    def check(ctx: LoweringContext) -> Optional[str]:
        """Dynamic batch and sequence lengths; head counts and sizes static, and a mask only
        when it and the total key count are static."""
        q, k, v = (shape_of(ctx.operand(i)) for i in range(3))
        if len(q) == 3:
            fixed = [q[2], k[2], v[2]]
        else:
            fixed = [q[1], q[3], k[1], k[3], v[1], v[3]]
        if DYNAMIC in fixed:
            return "dynamic head counts or head sizes are not supported yet"
        if ctx.has_operand(mask_index) and (DYNAMIC in shape_of(ctx.operand(mask_index)) or
                                            DYNAMIC in list(ir.RankedTensorType(ctx.op.results[1].type).shape)):
            return "an attention mask with dynamic dims (or a dynamic key count) is not supported yet"
        return None

    return check


@lowering("attention", dynamic=_attention_check(3))
def _attention(ctx: LoweringContext):
    return _lower_attention(ctx, 3, None, None)


@lowering("attention_with_past", dynamic=_attention_check(5))
def _attention_with_past(ctx: LoweringContext):
    return _lower_attention(ctx, 5, ctx.operand(3), ctx.operand(4))


def _lower_attention(ctx: LoweringContext, mask_index: int, past_k: Optional[ir.Value],
                     past_v: Optional[ir.Value]) -> list[ir.Value]:
    """Scores (scaled Q.K^T, GQA through the K/V head map), softcap, additive bias (mask and
    causal), softmax with fully-masked rows zeroed, then probs.V; 16-bit floats compute in f32."""
    q, k, v = ctx.operand(0), ctx.operand(1), ctx.operand(2)
    mask = ctx.operand(mask_index) if ctx.has_operand(mask_index) else None
    et = ctx.result_element_type
    ct = compute_type(et)
    rank = len(shape_of(q))
    if rank == 3:
        q = _heads_first(q, ctx.attr("q_num_heads"))
        k = _heads_first(k, ctx.attr("kv_num_heads"))
        v = _heads_first(v, ctx.attr("kv_num_heads"))
    present_k = concat([past_k, k], 2) if past_k is not None else k
    present_v = concat([past_v, v], 2) if past_v is not None else v
    b, hq, sq = _dims(q, 0, 1, 2)
    hkv, total = dim_of(present_k, 1), dim_of(present_k, 2)
    rep = hq // hkv
    past = dim_of(past_k, 2) if past_k is not None else 0
    sqrt_scale = float(np.sqrt(np.float64(ctx.attr("scale"))))
    scores = _attention_scores(convert_tensor(q, ct), convert_tensor(present_k, ct), rep, sqrt_scale, ct)
    softcap = ctx.attr("softcap")
    if softcap > 0:
        scores = elementwise([scores], ct, lambda s: arith.mulf(
            math.tanh(arith.divf(s[0], scalar_constant(ct, softcap))), scalar_constant(ct, softcap)))
    mask_bool = mask is not None and \
        str(ir.RankedTensorType(ctx.original_operand_types[mask_index]).element_type) == "i1"
    bias = _attention_bias(mask, mask_bool, bool(ctx.attr("is_causal")), sq, total, past, ct)
    biased = scores
    row_masked = None
    if bias is not None:
        biased = elementwise([scores, bias], ct, lambda s: arith.addf(s[0], s[1]), out_shape=shape_of(scores))
        row_masked = reduce_last(bias, float("-inf"), arith.maximumf)
    st = wider_float(ct, onnx_float_type(ctx.attr("softmax_precision")))  # ct unless strictly wider
    probs = _softmax_last(convert_tensor(biased, st),
                          convert_tensor(row_masked, st) if row_masked is not None else None)
    probs = convert_tensor(probs, ct)
    dv = dim_of(present_v, 3)
    p_map = amap(5, [d(0), d(1), d(2), d(4)])
    v_map = amap(5, [d(0), _head_group(rep), d(4), d(3)])
    y = generic([probs, convert_tensor(present_v, ct)], [filled([b, hq, sq, dv], ct, 0)],
                [p_map, v_map, amap(5, [d(0), d(1), d(2), d(3)])], [PARALLEL] * 4 + [REDUCTION],
                lambda pv, vv, acc: arith.addf(acc, arith.mulf(pv, vv)))[0]
    y = convert_tensor(y, et)
    if rank == 3:
        y = reshape(transpose(y, [0, 2, 1, 3]), [b, sq, hq * dv])
    mode = ctx.attr("qk_matmul_output_mode")
    qk = {0: scores, 1: scores, 2: biased, 3: probs}[mode]
    return [y, present_k, present_v, convert_tensor(qk, et)]

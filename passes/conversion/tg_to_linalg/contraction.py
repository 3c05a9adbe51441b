"""Lowerings of tg contractions: MatMul, Gemm, Einsum, Conv and ConvTranspose.

Each is one ``linalg.generic`` (a sum of products over the reduction loops), so
every rank, batch broadcast, group count, stride, dilation and padding takes the
same path; a 2-d float matmul uses the named ``linalg.matmul`` that schedules
target. Sums of products of 16-bit floats accumulate in f32 and are rounded once
(see ``builders.compute_type``); integer products accumulate in the element type
and wrap. Bias, and Gemm's alpha/beta, are one element-wise generic after the
product.

The anchor of a kernel whose schedule packs an operand (``ctx.packing``, see
schedule_info.py) is lowered to the packed forms of packed.py instead: f32
MatMul (batch dims equal, or a batch of rows times one matrix) and Gemm, rows
and columns padded to the register tile where it does not divide them; 2-d f32
Conv of groups 1 or depthwise (channels-last), and pointwise Conv with ``N = 1``
(a matrix product).

Dynamic dims (``?``) in the plain lowerings: every dim of MatMul (batch
broadcast included; a ``?`` is never broadcast from 1) and of Gemm; the batch
and spatial dims of Conv (output sizes in index arithmetic on the padded input).

Conv takes i32 operands too (ConvInteger/QLinearConv widen theirs): the plain lowering, a
wrapping sum of products. Not supported yet: integer Gemm with non-integral alpha/beta; Conv with dynamic
channels or weights, ConvTranspose and Einsum with dynamic dims; packed forms of
integer and 16-bit float contractions, of grouped (non-depthwise) or 1-d/3-d
convolutions, and of ConvTranspose and Einsum (they take the plain lowering).
"""
from __future__ import annotations

from typing import Optional, Sequence

from mlir import ir
from mlir.dialects import arith, linalg

from . import LoweringContext, builders, lowering, packed
from .builders import (DYNAMIC, PARALLEL, REDUCTION, amap, broadcast_map, broadcast_shape, c,
                       compute_type, convert_float, convert_tensor, d, dim_of, elementwise, empty, etype_of,
                       filled, generic, insert_slice, is_float, mul_add, pad, reshape, scalar_constant,
                       shape_of, transpose, window_count, window_indices)


# ---------------------------------------------------------------------------
# MatMul, Gemm
# ---------------------------------------------------------------------------

def _packed_matmul(ctx: LoweringContext) -> Optional[ir.Value]:
    """The packed form (packed.py) when the kernel's schedule asks for it and the shapes fit."""
    p = ctx.packing
    a, b = ctx.operands
    a_shape, b_shape = shape_of(a), shape_of(b)
    if p is None or str(ctx.result_element_type) != "f32" or len(a_shape) < 2 or len(b_shape) < 2:
        return None
    if DYNAMIC in b_shape or DYNAMIC in a_shape[:-2] and len(b_shape) != 2 or a_shape[-1] == DYNAMIC:
        return None  # only the rows of A may be dynamic (padded to the register tile)
    rows_groups = None
    if len(b_shape) == 2 and len(a_shape) > 2:  # batch of rows times one matrix: one 2-d product
        out_dims = builders.dims_of(a)[:-1] + [b_shape[-1]]
        rows_groups = [list(range(len(a_shape) - 1)), [len(a_shape) - 1]]
        # collapsed at the call sites when A is the kernel's argument: a collapse inside
        # the kernel would let element-wise fusion reshape the anchor (and drop its tag)
        collapsed = packed.reshape_kernel_argument(a, rows_groups) if DYNAMIC not in a_shape else None
        a = collapsed if collapsed is not None else builders.collapse(a, rows_groups)
        a_shape = shape_of(a)
    if a_shape[:-2] != b_shape[:-2]:
        return None  # (rows and columns are padded to the register tile)
    out = packed.packed_matmul(a, b, p.mr, p.nr, p.kernel)
    if rows_groups is not None:
        out = builders.expand(out, rows_groups, out_dims)
    return out


@lowering("matmul", dynamic=True)
def _matmul(ctx: LoweringContext):
    fast = _packed_matmul(ctx)
    if fast is not None:
        return [fast]
    a, b = ctx.operands
    et = ctx.result_element_type
    a_shape, b_shape = shape_of(a), shape_of(b)
    if len(a_shape) == 1:
        a = reshape(a, [1] + a_shape)
    if len(b_shape) == 1:
        b = reshape(b, b_shape + [1])
    a_shape, b_shape = shape_of(a), shape_of(b)
    m, n = dim_of(a, -2 + len(a_shape)), dim_of(b, len(b_shape) - 1)
    acc_t = compute_type(et)
    if len(a_shape) == 2 and len(b_shape) == 2 and is_float(et):
        out = linalg.matmul(a, b, outs=[filled([m, n], acc_t, 0)])
        return [reshape(convert_tensor(out, et), ctx.result_shape)]
    batch = broadcast_shape([a_shape[:-2], b_shape[:-2]])
    nb = len(batch)
    loops = nb + 3  # batch..., m, n, k
    dm, dn, dk = d(nb), d(nb + 1), d(nb + 2)
    a_batch = broadcast_map(a_shape[:-2], batch).results
    b_batch = broadcast_map(b_shape[:-2], batch).results
    maps = [amap(loops, list(a_batch) + [dm, dk]), amap(loops, list(b_batch) + [dk, dn]),
            amap(loops, [d(i) for i in range(nb)] + [dm, dn])]
    batch_dims = batch if DYNAMIC not in batch else _batch_dims(a, b, nb)
    init = filled(batch_dims + [m, n], acc_t, 0)
    out = generic([a, b], [init], maps, [PARALLEL] * (nb + 2) + [REDUCTION], mul_add(et, acc_t))[0]
    return [reshape(convert_tensor(out, et) if is_float(et) else out, ctx.result_shape)]


def _batch_dims(a: ir.Value, b: ir.Value, nb: int) -> list:
    """The broadcast batch dims of a batched matmul's operands (a ``?`` from the first
    operand with a ``?`` there: dynamic dims are never broadcast from 1)."""
    out = broadcast_shape([shape_of(a)[:-2], shape_of(b)[:-2]])
    for j in range(nb):
        for v in (a, b) if out[j] == DYNAMIC else ():
            i = j - (nb - (len(shape_of(v)) - 2))
            if i >= 0 and shape_of(v)[i] == DYNAMIC:
                out[j] = dim_of(v, i)
                break
    return out


def _gemm_product(ctx: LoweringContext) -> ir.Value:
    """``A' @ B'`` of a Gemm, packed when the kernel's schedule asks for it."""
    a, b = ctx.operand(0), ctx.operand(1)
    et = ctx.result_element_type
    m, n = _gemm_dims(ctx)
    p = ctx.packing
    if p is not None and str(et) == "f32" and not isinstance(n, ir.Value) and \
            not (isinstance(m, ir.Value) and ctx.attr("transA")):  # rows and columns padded to the tile
        if ctx.attr("transA"):
            a = transpose(a, [1, 0])
        if ctx.attr("transB"):
            bp = packed.pack_rows_transposed(b, p.nr, p.kernel)
        else:
            bp = packed.pack_columns(b, p.nr, p.kernel)
        return packed.packed_contraction(a, bp, n, p.mr, p.kernel)
    a_map = amap(3, [d(2), d(0)] if ctx.attr("transA") else [d(0), d(2)])
    b_map = amap(3, [d(1), d(2)] if ctx.attr("transB") else [d(2), d(1)])
    acc_t = compute_type(et)
    init = filled([m, n], acc_t, 0)
    return generic([a, b], [init], [a_map, b_map, amap(3, [d(0), d(1)])],
                   [PARALLEL, PARALLEL, REDUCTION], mul_add(et, acc_t))[0]


def _gemm_dims(ctx: LoweringContext) -> list:
    """(M, N) of a Gemm: static sizes, or ``tensor.dim`` of A and B for a ``?``."""
    m, n = ctx.result_shape
    if m == DYNAMIC:
        m = dim_of(ctx.operand(0), 1 if ctx.attr("transA") else 0)
    if n == DYNAMIC:
        n = dim_of(ctx.operand(1), 0 if ctx.attr("transB") else 1)
    return [m, n]


@lowering("gemm", dynamic=True)
def _gemm(ctx: LoweringContext):
    et = ctx.result_element_type
    acc_t = compute_type(et)
    ab = _gemm_product(ctx)
    alpha, beta = ctx.attr("alpha"), ctx.attr("beta")
    has_c = ctx.has_operand(2) and beta != 0.0
    if alpha == 1.0 and not has_c:
        return [convert_tensor(ab, et) if is_float(et) else ab]
    if not is_float(et) and not (float(alpha).is_integer() and float(beta).is_integer()):
        ctx.fail("integer gemm needs integral alpha and beta")
    mul, add = (arith.mulf, arith.addf) if is_float(et) else (arith.muli, arith.addi)
    inputs = [ab] + ([ctx.operand(2)] if has_c else [])

    def scaled(v, factor):
        t = v.type
        return v if factor == 1.0 else mul(v, scalar_constant(t, factor if is_float(et) else int(factor)))

    def body(s):
        out = scaled(s[0], alpha)
        if has_c:
            out = add(out, scaled(convert_float(s[1], acc_t) if is_float(et) else s[1], beta))
        return convert_float(out, et) if is_float(et) else out

    return [elementwise(inputs, et, body, out_shape=shape_of(ab))]  # a ``?``: that of ab


# ---------------------------------------------------------------------------
# Conv
# ---------------------------------------------------------------------------

def _packed_conv(ctx: LoweringContext) -> Optional[ir.Value]:
    """The channels-last form (packed.py) when the kernel's schedule packs the weights."""
    x, w = ctx.operand(0), ctx.operand(1)
    if ctx.packing is None or str(ctx.result_element_type) != "f32" or len(shape_of(x)) != 4:
        return None
    group = ctx.attr("group")
    cin = shape_of(x)[1]
    depthwise = group == cin and shape_of(w)[1] == 1 and shape_of(w)[0] == cin
    if group != 1 and not depthwise:
        return None
    if ctx.packing.form == "conv1x1":
        n, c, h, wd = shape_of(x)
        f = shape_of(w)[0]
        if n != 1 or f % ctx.packing.mr or ctx.result_shape != [1, f, h, wd]:
            return None
        xp = packed.pack_columns(packed.collapse(x, [[0, 1], [2, 3]]), ctx.packing.nr, ctx.packing.kernel)
        w2 = packed.reshape_kernel_argument(w, [[0], [1, 2, 3]])  # [F, C], collapsed by the caller
        if w2 is not None:
            product = packed.packed_contraction(w2, xp, h * wd, ctx.packing.mr, ctx.packing.kernel)
        else:
            product = packed.packed_contraction(w, xp, h * wd, ctx.packing.mr, ctx.packing.kernel,
                                                a_unit_dims=2)
        out = packed.expand(product, [[0, 1], [2, 3]], ctx.result_shape)
        bias = reshape(ctx.operand(2), [f, 1, 1]) if ctx.has_operand(2) else None
        return _add_bias(out, bias, ctx.result_element_type)
    out = packed.channels_last_conv(x, w, ctx.result_shape, ctx.attr("strides"), ctx.attr("dilations"),
                                    ctx.attr("pads"), depthwise, ctx.packing.kernel, ctx.packing.mr)
    bias = reshape(ctx.operand(2), [shape_of(w)[0], 1, 1]) if ctx.has_operand(2) else None
    return _add_bias(out, bias, ctx.result_element_type)


def _conv_check(ctx: LoweringContext) -> Optional[str]:
    """Dynamic N and spatial dims; the channels and the weights must be static."""
    if DYNAMIC in shape_of(ctx.operand(1)) or shape_of(ctx.operand(0))[1] == DYNAMIC:
        return "dynamic channel or weight dims are not supported yet"
    return None


@lowering("conv", dynamic=_conv_check)
def _conv(ctx: LoweringContext):
    fast = _packed_conv(ctx)
    if fast is not None:
        return [fast]
    bias = ctx.operand(2) if ctx.has_operand(2) else None
    return [plain_conv(ctx.operand(0), ctx.operand(1), bias, ctx.attr("group"), ctx.attr("strides"),
                       ctx.attr("dilations"), ctx.attr("pads"), ctx.result_shape, ctx.result_element_type)]


def plain_conv(x: ir.Value, w: ir.Value, bias: Optional[ir.Value], group: int, strides: Sequence[int],
               dilations: Sequence[int], pads: Sequence[int], result_shape: Sequence[int],
               et: ir.Type) -> ir.Value:
    """The convolution of ``x[N, C, spatial...]`` by ``w[F, C/group, kernel...]`` (plus ``bias``)
    as one ``linalg.generic`` over the zero-padded input: any rank, group and element type."""
    x_shape, w_shape = shape_of(x), shape_of(w)
    spatial = len(x_shape) - 2
    n, cin = x_shape[0], x_shape[1]
    cout, cin_g, kernel = w_shape[0], w_shape[1], w_shape[2:]
    out_spatial = list(result_shape[2:])
    x = pad(x, [0, 0] + list(pads[:spatial]), [0, 0] + list(pads[spatial:]), scalar_constant(et, 0))
    padded = shape_of(x)
    x = reshape(x, [n, group, cin // group] + padded[2:])
    w = reshape(w, [group, cout // group, cin_g] + kernel)
    # loops: n, g, oc, out spatial..., ic, kernel...
    o0, ic, k0 = 3, 3 + spatial, 4 + spatial
    loops = 4 + 2 * spatial
    x_map = amap(loops, [d(0), d(1), d(ic)] + window_indices(spatial, strides, dilations, o0, k0))
    w_map = amap(loops, [d(1), d(2), d(ic)] + [d(k0 + i) for i in range(spatial)])
    out_map = amap(loops, [d(0), d(1), d(2)] + [d(o0 + i) for i in range(spatial)])
    acc_t = compute_type(et)
    if DYNAMIC in [n] + out_spatial:
        n = dim_of(x, 0)
        out_spatial = [size if size != DYNAMIC else
                       window_count(dim_of(x, 3 + i), kernel[i], strides[i], dilations[i])
                       for i, size in enumerate(out_spatial)]
    init = filled([n, group, cout // group] + out_spatial, acc_t, 0)
    iters = [PARALLEL] * (3 + spatial) + [REDUCTION] * (1 + spatial)
    out = generic([x, w], [init], [x_map, w_map, out_map], iters, mul_add(et, acc_t))[0]
    out = reshape(out, list(result_shape))
    bias = reshape(bias, [cout] + [1] * spatial) if bias is not None else None
    return _add_bias(out, bias, et)


def _add_bias(out: ir.Value, bias: Optional[ir.Value], et: ir.Type) -> ir.Value:
    """``out`` (accumulator type) plus the broadcast ``bias``, converted to ``et``."""
    acc_t = etype_of(out)
    if bias is None:
        return convert_tensor(out, et)
    if not is_float(et):  # i32 (the accumulator type): a wrapping add
        return elementwise([out, bias], et, lambda s: arith.addi(s[0], s[1]))
    return elementwise([out, bias], et, lambda s: convert_float(
        arith.addf(s[0], convert_float(s[1], acc_t)), et))



# ---------------------------------------------------------------------------
# ConvTranspose
# ---------------------------------------------------------------------------

@lowering("conv_transpose")
def _conv_transpose(ctx: LoweringContext):
    """Correlation of the stride-dilated, padded input with the flipped kernel:
    out[o] = sum_k z[o + k*dilation + offset] * w[K-1-k], z holding x at multiples of the stride."""
    x, w = ctx.operand(0), ctx.operand(1)
    et = ctx.result_element_type
    group = ctx.attr("group")
    strides, dilations, pads = ctx.attr("strides"), ctx.attr("dilations"), ctx.attr("pads")
    x_shape, w_shape = shape_of(x), shape_of(w)
    spatial = len(x_shape) - 2
    n, cin = x_shape[0], x_shape[1]
    cout_g, kernel = w_shape[1], w_shape[2:]
    out_spatial = ctx.result_shape[2:]
    low, offsets, z_spatial = [], [], []
    for i in range(spatial):
        lo = dilations[i] * (kernel[i] - 1) - pads[i]
        low.append(max(lo, 0))
        offsets.append(max(-lo, 0))
        dilated = (x_shape[2 + i] - 1) * strides[i] + 1
        needed = out_spatial[i] - 1 + dilations[i] * (kernel[i] - 1) + offsets[i] + 1
        z_spatial.append(max(needed, low[i] + dilated))
    z = filled([n, cin] + z_spatial, et, 0)
    z = insert_slice(x, z, [0, 0] + low, [1, 1] + list(strides))
    z = reshape(z, [n, group, cin // group] + z_spatial)
    w = reshape(w, [group, cin // group, cout_g] + kernel)
    # loops: n, g, oc, out spatial..., ic, kernel...
    o0, ic, k0 = 3, 3 + spatial, 4 + spatial
    loops = 4 + 2 * spatial
    z_map = amap(loops, [d(0), d(1), d(ic)] + [d(o0 + i) + d(k0 + i) * dilations[i] + offsets[i]
                                              for i in range(spatial)])
    w_map = amap(loops, [d(1), d(ic), d(2)] + [c(kernel[i] - 1) - d(k0 + i) for i in range(spatial)])
    out_map = amap(loops, [d(0), d(1), d(2)] + [d(o0 + i) for i in range(spatial)])
    # The flipped kernel index alone does not make the maps invertible: a shape-only window operand does.
    window = empty(kernel, et)
    k_map = amap(loops, [d(k0 + i) for i in range(spatial)])
    acc_t = compute_type(et)
    init = filled([n, group, cout_g] + out_spatial, acc_t, 0)
    iters = [PARALLEL] * (3 + spatial) + [REDUCTION] * (1 + spatial)
    product = mul_add(et, acc_t)
    out = generic([z, w, window], [init], [z_map, w_map, k_map, out_map], iters,
                  lambda zv, wv, _k, acc: product(zv, wv, acc))[0]
    out = reshape(out, ctx.result_shape)
    bias = reshape(ctx.operand(2), [group * cout_g] + [1] * spatial) if ctx.has_operand(2) else None
    return [_add_bias(out, bias, et)]


# ---------------------------------------------------------------------------
# Einsum
# ---------------------------------------------------------------------------

@lowering("einsum")
def _einsum(ctx: LoweringContext):
    """One generic: output letters are parallel loops, the other letters reduction loops; the body
    multiplies one element of each input into the accumulator (f32 for 16-bit floats)."""
    from polytile.dialects.tg_rules.nn import parse_einsum

    terms, out = parse_einsum(ctx.attr("equation"))
    inputs = ctx.operands
    shapes = [shape_of(v) for v in inputs]
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        for letter, dim in zip(term, shape):
            sizes[letter] = max(sizes.get(letter, 1), dim)
    letters = list(out) + sorted(set(sizes) - set(out))
    loop = {ch: i for i, ch in enumerate(letters)}
    maps = [amap(len(letters), [c(0) if dim == 1 and sizes[ch] != 1 else d(loop[ch])
                                for ch, dim in zip(term, shape)])
            for term, shape in zip(terms, shapes)]
    maps.append(amap(len(letters), [d(loop[ch]) for ch in out]))
    et = ctx.result_element_type
    acc_t = compute_type(et)
    init = filled([sizes[ch] for ch in out], acc_t, 0)
    iters = [PARALLEL] * len(out) + [REDUCTION] * (len(letters) - len(out))

    def body(*args):
        *vals, acc = args
        if is_float(et):
            prod = convert_float(vals[0], acc_t)
            for v in vals[1:]:
                prod = arith.mulf(prod, convert_float(v, acc_t))
            return arith.addf(acc, prod)
        prod = vals[0]
        for v in vals[1:]:
            prod = arith.muli(prod, v)
        return arith.addi(acc, prod)

    result = generic(inputs, [init], maps, iters, body)[0]
    return [convert_tensor(result, et) if is_float(et) else result]

"""Scalar conversions of the element types LLVM cannot convert on the CPU: the
float8 types (``f8E4M3FN``, ``f8E4M3FNUZ``, ``f8E5M2``, ``f8E5M2FNUZ``,
``f8E8M0FNU``) and ``f4E2M1FN``, done as integer arithmetic on their bits
(``arith.bitcast`` to ``i8``/``i4``), and float -> i4/ui4/i2/ui2.

* :func:`decode` gives the exact ``f32`` value of a small float;
* :func:`encode` rounds an ``f32`` to a small float to nearest even, without
  saturation, as ``ml_dtypes``' ``astype`` (ONNX Cast with ``saturate=0``):
  out of range (and +-inf) gives NaN for E4M3FN and the FNUZ types, +-inf for
  E5M2; -0 gives 0 for the FNUZ types; NaN gives the type's NaN. ``f4E2M1FN``
  (no inf, no NaN) clamps to +-6, and NaN gives -0 (as ``ml_dtypes``);
* :func:`float_to_narrow_int`: truncation toward zero, 0 when out of range
  (as ``ml_dtypes``; ONNX leaves it undefined).

Saturation (ONNX ``saturate=1``) is a clamp the importer puts before the cast.
Not supported yet: encoding to ``f8E8M0FNU`` (ONNX's ``round_mode``).
"""
from __future__ import annotations

import dataclasses

from mlir import ir
from mlir.dialects import arith, math

from .builders import Scalar, cmpf, cmpi, scalar_constant


@dataclasses.dataclass(frozen=True)
class SmallFloat:
    """Layout of a small float type: bits in all, exponent and mantissa bits,
    exponent bias, its largest finite code (sign bit clear), and its special
    values: ``nan_code`` (with the sign bit clear; the code itself for the FNUZ
    types, whose NaN is the -0 code), whether it has infinities, and ``fnuz``."""

    bits: int
    exponent_bits: int
    mantissa_bits: int
    bias: int
    max_code: int
    nan_code: int = -1
    has_inf: bool = False
    fnuz: bool = False
    signed: bool = True


SMALL_FLOATS = {
    "f8E4M3FN": SmallFloat(8, 4, 3, 7, 0x7E, nan_code=0x7F),
    "f8E4M3FNUZ": SmallFloat(8, 4, 3, 8, 0x7F, nan_code=0x80, fnuz=True),
    "f8E5M2": SmallFloat(8, 5, 2, 15, 0x7B, nan_code=0x7E, has_inf=True),
    "f8E5M2FNUZ": SmallFloat(8, 5, 2, 16, 0x7F, nan_code=0x80, fnuz=True),
    "f8E8M0FNU": SmallFloat(8, 8, 0, 127, 0xFE, nan_code=0xFF, signed=False),
    "f4E2M1FN": SmallFloat(4, 2, 1, 1, 0x7),
}


def is_small_float(t: ir.Type) -> bool:
    return str(t) in SMALL_FLOATS


def _i32(value: int) -> Scalar:
    return scalar_constant(ir.IntegerType.get_signless(32), value)


def _f32() -> ir.Type:
    return ir.F32Type.get()


def decode(value: Scalar) -> Scalar:
    """The exact f32 value of a small float scalar."""
    fmt = SMALL_FLOATS[str(value.type)]
    i32 = ir.IntegerType.get_signless(32)
    code = arith.extui(i32, arith.bitcast(ir.IntegerType.get_signless(fmt.bits), value))
    m_bits = fmt.mantissa_bits
    mantissa = arith.andi(code, _i32((1 << m_bits) - 1))
    exponent = arith.andi(arith.shrui(code, _i32(m_bits)), _i32((1 << fmt.exponent_bits) - 1))
    # normal: f32 bits (exponent + 127 - bias) << 23 | mantissa << (23 - m)
    normal_bits = arith.ori(arith.shli(arith.addi(exponent, _i32(127 - fmt.bias)), _i32(23)),
                            arith.shli(mantissa, _i32(23 - m_bits)))
    magnitude = arith.bitcast(_f32(), normal_bits)
    zero_exponent = cmpi("eq", exponent, _i32(0))
    if fmt.signed:
        # subnormal: mantissa * 2^(1 - bias - m), exact in f32
        scale = scalar_constant(_f32(), 2.0 ** (1 - fmt.bias - m_bits))
        subnormal = arith.mulf(arith.uitofp(_f32(), mantissa), scale)
        magnitude = arith.select(zero_exponent, subnormal, magnitude)
        sign = arith.shli(arith.shrui(code, _i32(fmt.bits - 1)), _i32(31))
        result = arith.bitcast(_f32(), arith.ori(arith.bitcast(i32, magnitude), sign))
    else:  # E8M0: 2^(e - 127); e = 0 is the f32 subnormal 2^-127
        result = arith.select(zero_exponent, arith.bitcast(_f32(), _i32(0x00400000)), magnitude)
    nan = scalar_constant(_f32(), float("nan"))
    if fmt.fnuz:
        result = arith.select(cmpi("eq", code, _i32(fmt.nan_code)), nan, result)
    elif fmt.has_inf:
        all_ones = cmpi("eq", exponent, _i32((1 << fmt.exponent_bits) - 1))
        is_inf = arith.andi(all_ones, cmpi("eq", mantissa, _i32(0)))
        inf = arith.select(cmpi("ne", arith.shrui(code, _i32(fmt.bits - 1)), _i32(0)),
                           scalar_constant(_f32(), float("-inf")), scalar_constant(_f32(), float("inf")))
        result = arith.select(all_ones, arith.select(is_inf, inf, nan), result)
    elif fmt.nan_code >= 0:
        magnitude_code = arith.andi(code, _i32((1 << (fmt.bits - 1)) - 1) if fmt.signed else _i32(0xFF))
        result = arith.select(cmpi("eq", magnitude_code, _i32(fmt.nan_code)), nan, result)
    return result


def encode(value: Scalar, dst: ir.Type) -> Scalar:
    """An f32 scalar rounded to the small float type ``dst`` (nearest even, no
    saturation; see the module docstring)."""
    name = str(dst)
    fmt = SMALL_FLOATS[name]
    if not fmt.signed:
        raise NotImplementedError("encoding to f8E8M0FNU")
    i32 = ir.IntegerType.get_signless(32)
    m_bits, bias = fmt.mantissa_bits, fmt.bias
    bits = arith.bitcast(i32, value)
    sign = arith.shrui(bits, _i32(31))
    absolute = arith.andi(bits, _i32(0x7FFFFFFF))
    # normal range: round the f32 mantissa to m bits (nearest even); a carry
    # moves into the exponent, as it should
    shift = 23 - m_bits
    odd = arith.andi(arith.shrui(absolute, _i32(shift)), _i32(1))
    rounded = arith.shrui(arith.addi(arith.addi(absolute, _i32((1 << (shift - 1)) - 1)), odd), _i32(shift))
    normal = arith.subi(rounded, _i32((127 - bias) << m_bits))
    # subnormal range (|x| < 2^(1 - bias)): |x| * 2^(m + bias - 1) rounded to an integer
    magnitude_f = math.absf(value)
    scaled = arith.mulf(magnitude_f, scalar_constant(_f32(), 2.0 ** (m_bits + bias - 1)))
    subnormal = arith.fptoui(i32, math.roundeven(scaled))
    small = cmpi("ult", absolute, _i32((128 - bias) << 23))
    code = arith.select(small, subnormal, normal)
    is_nan = cmpf("uno", value, value)
    overflow = cmpi("ugt", code, _i32(fmt.max_code))  # also +-inf
    if fmt.has_inf:
        code = arith.select(overflow, _i32(((1 << fmt.exponent_bits) - 1) << m_bits), code)
    elif fmt.nan_code >= 0 and not fmt.fnuz:
        code = arith.select(overflow, _i32(fmt.nan_code), code)
    elif not fmt.fnuz:  # no inf, no NaN (f4E2M1FN): clamp
        code = arith.select(overflow, _i32(fmt.max_code), code)
    signed_code = arith.ori(code, arith.shli(sign, _i32(fmt.bits - 1)))
    if fmt.fnuz:
        # no -0: a zero is +0 whatever its sign; overflow and NaN give the NaN code
        signed_code = arith.select(cmpi("eq", code, _i32(0)), _i32(0), signed_code)
        signed_code = arith.select(arith.ori(overflow, is_nan), _i32(fmt.nan_code), signed_code)
    elif fmt.nan_code >= 0:
        nan = arith.ori(_i32(fmt.nan_code), arith.shli(sign, _i32(fmt.bits - 1)))
        signed_code = arith.select(is_nan, nan, signed_code)
    else:  # f4E2M1FN: NaN gives -0 (ml_dtypes)
        signed_code = arith.select(is_nan, _i32(1 << (fmt.bits - 1)), signed_code)
    narrow = arith.trunci(ir.IntegerType.get_signless(fmt.bits), signed_code)
    return arith.bitcast(dst, narrow)


def float_to_narrow_int(value: Scalar, dst: ir.Type, unsigned: bool) -> Scalar:
    """A float scalar converted to the narrow integer ``dst`` (i2/i4, signless;
    ``unsigned`` for ui2/ui4): truncated toward zero, 0 when that is out of range
    (NaN and +-inf included)."""
    width = ir.IntegerType(dst).width
    low, high = (0, (1 << width) - 1) if unsigned else (-(1 << (width - 1)), (1 << (width - 1)) - 1)
    ft = value.type
    in_range = arith.andi(cmpf("ogt", value, scalar_constant(ft, low - 1.0)),
                          cmpf("olt", value, scalar_constant(ft, high + 1.0)))
    safe = arith.select(in_range, value, scalar_constant(ft, 0.0))
    i32 = ir.IntegerType.get_signless(32)
    as_int = arith.fptosi(i32, safe)
    return arith.trunci(dst, as_int)


NARROW_INT_WIDTHS = (2, 4)


def _is_narrow_int(t: ir.Type) -> bool:
    return isinstance(t, ir.IntegerType) and ir.IntegerType(t).width in NARROW_INT_WIDTHS


def _to_f32(value: Scalar, src: ir.Type, unsigned: bool) -> Scalar:
    """An f16/bf16/f32/f64 or integer scalar as f32 (f64 rounds once to f32, as
    onnxruntime's casts to float8 do)."""
    from .builders import astype
    return astype(value, src, unsigned, _f32(), False)


def convert(value: Scalar, src: ir.Type, src_unsigned: bool, dst: ir.Type, dst_unsigned: bool) -> Scalar:
    """``value`` of type ``src`` converted to ``dst`` (``tg.cast``): through the
    exact f32 value when ``src`` is a small float, through f32 and
    :func:`encode` when ``dst`` is one, :func:`float_to_narrow_int` from a
    float to i2/i4, else ``builders.astype`` (numpy's rules)."""
    from .builders import astype, is_float
    if src == dst:
        return value
    if is_small_float(src):
        return convert(decode(value), _f32(), False, dst, dst_unsigned)
    if is_small_float(dst):
        return encode(_to_f32(value, src, src_unsigned), dst)
    if _is_narrow_int(dst) and is_float(src):
        return float_to_narrow_int(value, dst, dst_unsigned)
    if {str(src), str(dst)} == {"f16", "bf16"}:  # through f32 (exact), rounding once
        return astype(astype(value, src, False, _f32(), False), _f32(), False, dst, False)
    return astype(value, src, src_unsigned, dst, dst_unsigned)


def narrow_int_values(attr: ir.Attribute) -> "np.ndarray":
    """The elements of a dense attribute of i2/i4/ui2/ui4 (which the bindings
    cannot turn into a numpy array) as int64, read from its printed form (a list,
    or the hex bytes MLIR prints for large attributes, one byte per element)."""
    import re

    import numpy as np

    dense = ir.DenseElementsAttr(attr)
    shape = list(ir.RankedTensorType(attr.type).shape)
    if dense.is_splat:
        return np.full(shape, ir.IntegerAttr(dense.get_splat_value()).value, dtype=np.int64)
    text = str(attr)
    body = text[len("dense<"):text.rindex("> :")]
    if body.startswith('"0x'):
        values = np.frombuffer(bytes.fromhex(body[3:-1]), dtype=np.uint8).astype(np.int64)
    else:
        values = np.array([int(v) for v in re.findall(r"-?\d+", body)], dtype=np.int64)
    return values.reshape(shape)

"""ONNX element types <-> MLIR element types <-> numpy dtypes.

The types numpy lacks (bfloat16, the float8 types, int4/uint4, int2/uint2,
float4e2m1) map to the ``ml_dtypes`` dtypes onnx itself uses
(``onnx.helper.tensor_dtype_to_np_dtype``): one element per byte (two for
bfloat16) in memory, as MLIR stores them. ONNX packs the 4- and 2-bit types two
or four to a byte in its tensors (``PACKED_TYPES``): ``numpy_helper.to_array``
unpacks them. Not supported: strings, complex, float6."""
from __future__ import annotations

from typing import Optional

import ml_dtypes
import numpy as np
import onnx
from mlir import ir

# ONNX TensorProto.DataType -> (MLIR type name, numpy dtype)
_TABLE = {
    onnx.TensorProto.FLOAT: ("f32", np.float32),
    onnx.TensorProto.DOUBLE: ("f64", np.float64),
    onnx.TensorProto.FLOAT16: ("f16", np.float16),
    onnx.TensorProto.INT8: ("i8", np.int8),
    onnx.TensorProto.INT16: ("i16", np.int16),
    onnx.TensorProto.INT32: ("i32", np.int32),
    onnx.TensorProto.INT64: ("i64", np.int64),
    onnx.TensorProto.UINT8: ("ui8", np.uint8),
    onnx.TensorProto.UINT16: ("ui16", np.uint16),
    onnx.TensorProto.UINT32: ("ui32", np.uint32),
    onnx.TensorProto.UINT64: ("ui64", np.uint64),
    onnx.TensorProto.BOOL: ("i1", np.bool_),
    onnx.TensorProto.BFLOAT16: ("bf16", ml_dtypes.bfloat16),
    onnx.TensorProto.FLOAT8E4M3FN: ("f8E4M3FN", ml_dtypes.float8_e4m3fn),
    onnx.TensorProto.FLOAT8E4M3FNUZ: ("f8E4M3FNUZ", ml_dtypes.float8_e4m3fnuz),
    onnx.TensorProto.FLOAT8E5M2: ("f8E5M2", ml_dtypes.float8_e5m2),
    onnx.TensorProto.FLOAT8E5M2FNUZ: ("f8E5M2FNUZ", ml_dtypes.float8_e5m2fnuz),
    onnx.TensorProto.FLOAT8E8M0: ("f8E8M0FNU", ml_dtypes.float8_e8m0fnu),
    onnx.TensorProto.FLOAT4E2M1: ("f4E2M1FN", ml_dtypes.float4_e2m1fn),
    onnx.TensorProto.INT4: ("i4", ml_dtypes.int4),
    onnx.TensorProto.UINT4: ("ui4", ml_dtypes.uint4),
    onnx.TensorProto.INT2: ("i2", ml_dtypes.int2),
    onnx.TensorProto.UINT2: ("ui2", ml_dtypes.uint2),
}

# Stored several elements to a byte in ONNX tensors (unpacked by numpy_helper.to_array).
PACKED_TYPES = frozenset({onnx.TensorProto.INT4, onnx.TensorProto.UINT4, onnx.TensorProto.FLOAT4E2M1,
                          onnx.TensorProto.INT2, onnx.TensorProto.UINT2})

_NUMPY_TO_ONNX = {np.dtype(dt): onnx_type for onnx_type, (_, dt) in _TABLE.items()}


def onnx_type_name(elem_type: int) -> str:
    """``FLOAT``, ``INT64``, ...; a value that is no ONNX element type (a
    corrupt or hand-edited model) is named as such instead of raising."""
    try:
        return onnx.TensorProto.DataType.Name(elem_type)
    except ValueError:
        return f"<unknown element type {elem_type}>"


def mlir_element_type(elem_type: int) -> Optional[ir.Type]:
    entry = _TABLE.get(elem_type)
    return ir.Type.parse(entry[0]) if entry else None


def numpy_dtype(elem_type: int) -> Optional[np.dtype]:
    entry = _TABLE.get(elem_type)
    return np.dtype(entry[1]) if entry else None


def stored_dtype(elem_type: int) -> Optional[np.dtype]:
    """The numpy dtype whose items are laid out as ONNX stores ``elem_type``
    (raw data, external data), or None for the packed sub-byte types."""
    return None if elem_type in PACKED_TYPES else numpy_dtype(elem_type)


def onnx_elem_type(dtype: np.dtype) -> Optional[int]:
    return _NUMPY_TO_ONNX.get(np.dtype(dtype))


def element_type_of_dtype(dtype: np.dtype) -> Optional[ir.Type]:
    t = onnx_elem_type(dtype)
    return mlir_element_type(t) if t is not None else None


# Why an ONNX element type has no polytile counterpart (for the error message).
_WHY_UNSUPPORTED = {
    onnx.TensorProto.STRING: "polytile compiles tensors of fixed-size elements to native code; strings "
                             "(variable-length, heap-allocated in onnxruntime) have no such representation",
    onnx.TensorProto.COMPLEX64: "complex element types are not supported yet",
    onnx.TensorProto.COMPLEX128: "complex element types are not supported yet",
}


def why_unsupported(elem_type: int) -> str:
    """``": <reason>"`` for an element type polytile does not support, when one is known."""
    reason = _WHY_UNSUPPORTED.get(elem_type)
    return f": {reason}" if reason else ""


"""ONNX element types <-> MLIR element types <-> numpy dtypes."""
from __future__ import annotations

from typing import Optional

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
}

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


def onnx_elem_type(dtype: np.dtype) -> Optional[int]:
    return _NUMPY_TO_ONNX.get(np.dtype(dtype))


def element_type_of_dtype(dtype: np.dtype) -> Optional[ir.Type]:
    t = onnx_elem_type(dtype)
    return mlir_element_type(t) if t is not None else None

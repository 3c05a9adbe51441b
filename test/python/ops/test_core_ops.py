"""Numerics of the core (ResNet/MLP) ops against onnxruntime."""
import numpy as np
import pytest

from onnx_check import check_node

rng = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("shape_a,shape_b", [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (5,))])
@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div"])
def test_binary_broadcast(op, shape_a, shape_b):
    check_node(op, {"A": randn(*shape_a), "B": randn(*shape_b) + 3.0})


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integer_div_truncates(dtype):
    check_node("Div", {"A": np.array([7, -7, 9], dtype), "B": np.array([2, 2, -4], dtype)})


def test_relu():
    check_node("Relu", {"X": randn(2, 3, 4)})


@pytest.mark.parametrize("a,b", [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((4,), (4, 3)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (4,))])
def test_matmul(a, b):
    check_node("MatMul", {"A": randn(*a), "B": randn(*b)})


@pytest.mark.parametrize("trans_a,trans_b", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_gemm(trans_a, trans_b):
    a = randn(4, 3) if trans_a else randn(3, 4)
    b = randn(5, 4) if trans_b else randn(4, 5)
    check_node("Gemm", {"A": a}, {"alpha": 0.5, "beta": 2.0, "transA": trans_a, "transB": trans_b},
               initializers={"B": b, "C": randn(5)})


@pytest.mark.parametrize("attrs", [
    {}, {"pads": [1, 1, 1, 1]}, {"strides": [2, 2], "pads": [1, 0, 1, 0]},
    {"dilations": [2, 2]}, {"group": 2}, {"auto_pad": "SAME_UPPER", "strides": [2, 2]},
])
def test_conv2d(attrs):
    group = attrs.get("group", 1)
    check_node("Conv", {"X": randn(2, 4, 9, 9)}, attrs,
               initializers={"W": randn(6, 4 // group, 3, 3), "B": randn(6)})


def test_conv1d_no_bias():
    check_node("Conv", {"X": randn(1, 2, 10)}, {"strides": [2]}, initializers={"W": randn(3, 2, 3)})


@pytest.mark.parametrize("attrs", [
    {"kernel_shape": [2, 2]}, {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]},
    {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1},
])
def test_max_pool(attrs):
    check_node("MaxPool", {"X": randn(1, 3, 8, 8)}, attrs)


def test_global_average_pool():
    check_node("GlobalAveragePool", {"X": randn(2, 3, 5, 7)})


def test_batch_normalization():
    check_node("BatchNormalization", {"X": randn(2, 3, 4, 5)}, {"epsilon": 1e-3},
               initializers={"scale": randn(3), "B": randn(3), "mean": randn(3),
                             "var": np.abs(randn(3)) + 0.5})


def test_reshape_flatten_transpose():
    check_node("Reshape", {"X": randn(2, 3, 4)}, initializers={"shape": np.array([0, -1], np.int64)})
    check_node("Flatten", {"X": randn(2, 3, 4, 5)}, {"axis": 2})
    check_node("Transpose", {"X": randn(2, 3, 4)}, {"perm": [2, 0, 1]})

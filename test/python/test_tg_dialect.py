"""The tg dialect from Python: builders infer ONNX/numpy result shapes, parsed ops
come back as their OpView classes, and the semantic verifier's messages."""
from __future__ import annotations

import numpy as np
import onnx
import pytest
from mlir import ir
from mlir.dialects import func
from onnx import TensorProto, helper, shape_inference

import polytile
from polytile.dialects import tg

DYN = ir.ShapedType.get_dynamic_size()


@pytest.fixture
def ctx():
    context = polytile.create_context()
    with context, ir.Location.unknown():
        yield context


def tensor_type(shape, element="f32") -> ir.RankedTensorType:
    return ir.RankedTensorType.get(list(shape), ir.Type.parse(element))


@pytest.fixture
def values(ctx):
    """``values(shape, ...)`` gives arguments of a new function, f32 tensors of
    those shapes, and opens an insertion point in its body for the ops built on them."""
    module = ir.Module.create()
    opened = []

    def make(*shapes):
        types = [tensor_type(s) for s in shapes]
        with ir.InsertionPoint(module.body):
            f = func.FuncOp(f"f{len(opened)}", ir.FunctionType.get(types, []))
        block = f.add_entry_block()
        ip = ir.InsertionPoint(block)
        ip.__enter__()
        opened.append(ip)
        return list(block.arguments)

    yield make
    for ip in reversed(opened):
        ip.__exit__(None, None, None)


def shape(value: ir.Value) -> list[int]:
    return list(ir.RankedTensorType(value.type).shape)


def _one_node_model(op_type: str, input_shapes, attrs: dict) -> onnx.ModelProto:
    names = [f"in{i}" for i in range(len(input_shapes))]
    node = helper.make_node(op_type, names, ["out"], **attrs)
    graph = helper.make_graph(
        [node], "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in zip(names, input_shapes)],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)])
    # Opset 22: ONNX shape inference of MaxPool with ceil_mode is wrong before it
    # (a last window starting in the end padding is counted); onnxruntime is not.
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)], ir_version=10)


def onnx_shape(op_type: str, input_shapes, **attrs) -> list[int]:
    """The output shape ONNX shape inference gives for one node."""
    model = _one_node_model(op_type, input_shapes, attrs)
    inferred = shape_inference.infer_shapes(model, strict_mode=True)
    return [d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]


def onnxruntime_shape(op_type: str, input_shapes, **attrs) -> list[int]:
    """The output shape onnxruntime computes when it runs one node."""
    ort = pytest.importorskip("onnxruntime")
    model = _one_node_model(op_type, input_shapes, attrs)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {f"in{i}": np.zeros(s, np.float32) for i, s in enumerate(input_shapes)}
    return list(session.run(None, feeds)[0].shape)


# ----------------------------------------------------------------------------
# Result-type inference
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ((3, 4), (4, 5)),
    ((2, 1, 3, 4), (5, 4, 6)),
    ((4,), (2, 4, 5)),
    ((2, 3, 4), (4,)),
    ((4,), (4,)),
    ((1, 3, 4), (7, 4, 2)),
    ((6, 1, 2, 3), (1, 5, 3, 2)),
])
def test_matmul_shapes_follow_numpy(values, a, b):
    x, y = values(a, b)
    out = tg.ops.matmul(x, y)
    assert shape(out) == list(np.matmul(np.zeros(a), np.zeros(b)).shape)


def test_matmul_dynamic_batch(values):
    x, y = values((DYN, 3, 4), (4, 5))
    assert shape(tg.ops.matmul(x, y)) == [DYN, 3, 5]


@pytest.mark.parametrize("a, b", [((3,), (2, 3)), ((2, 1, 4), (3, 1)), ((), (2, 2)), ((5, 1, 6), (1, 4, 1))])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_binary_broadcasting_follows_numpy(values, op, a, b):
    x, y = values(a, b)
    out = getattr(tg.ops, op)(x, y)
    assert shape(out) == list(np.broadcast_shapes(a, b))
    assert str(ir.RankedTensorType(out.type).element_type) == "f32"


CONV_CASES = [
    # x, w, attrs
    ((1, 3, 5, 5), (8, 3, 3, 3), dict(strides=[1, 1], pads=[0, 0, 0, 0], dilations=[1, 1], group=1)),
    ((2, 4, 8, 8), (6, 2, 3, 3), dict(strides=[2, 2], pads=[1, 1, 1, 1], dilations=[1, 1], group=2)),
    ((1, 2, 10), (4, 2, 3), dict(strides=[1], pads=[0, 1], dilations=[2], group=1)),
    ((1, 3, 7, 9), (3, 1, 3, 2), dict(strides=[2, 3], pads=[1, 0, 2, 1], dilations=[1, 2], group=3)),
    ((1, 1, 4, 4, 4), (2, 1, 2, 2, 2), dict(strides=[1, 2, 3], pads=[0] * 6, dilations=[1, 1, 1], group=1)),
]


@pytest.mark.parametrize("x_shape, w_shape, attrs", CONV_CASES)
def test_conv_output_shape_matches_onnx(values, x_shape, w_shape, attrs):
    kernel = list(w_shape[2:])
    x, w = values(x_shape, w_shape)
    out = tg.ops.conv(x, w, None, kernel_shape=kernel, **attrs)
    assert shape(out) == onnx_shape("Conv", [x_shape, w_shape], kernel_shape=kernel, **attrs)


def test_conv_bias_may_be_left_out_or_given(values):
    x, w, b = values((1, 3, 5, 5), (8, 3, 3, 3), (8,))
    attrs = dict(kernel_shape=[3, 3], strides=[1, 1], pads=[0, 0, 0, 0], dilations=[1, 1], group=1)
    without = tg.build("conv", [x, w], attrs)  # trailing optional operand left out
    with_none = tg.ops.conv(x, w, None, **attrs)
    with_bias = tg.ops.conv(x, w, b, **attrs)
    assert without.results[0].type == with_none.type == with_bias.type
    assert len(without.operands) == 2 and len(with_bias.owner.operands) == 3
    assert tg.verify_op(without) is None and tg.verify_op(with_bias.owner) is None


@pytest.mark.parametrize("size, kernel, stride, pads, ceil_mode", [
    (8, 2, 2, [0, 0], 0),
    (5, 2, 2, [0, 0], 1),   # partial last window kept
    (5, 2, 2, [1, 1], 1),   # last window would start in the end padding: dropped
    (7, 3, 2, [0, 1], 1),
    (10, 3, 4, [2, 2], 1),
    (10, 3, 4, [2, 2], 0),
    (6, 2, 3, [0, 0], 1),
])
def test_max_pool_output_shape_matches_onnx(values, size, kernel, stride, pads, ceil_mode):
    (x,) = values((1, 2, size))
    attrs = dict(kernel_shape=[kernel], strides=[stride], pads=pads, ceil_mode=ceil_mode)
    out = tg.ops.max_pool(x, dilations=[1], storage_order=0, **attrs)
    assert shape(out) == onnx_shape("MaxPool", [(1, 2, size)], **attrs)
    assert shape(out) == onnxruntime_shape("MaxPool", [(1, 2, size)], **attrs)


def test_max_pool_2d_dilated_ceil_mode(values):
    (x,) = values((1, 3, 9, 8))
    attrs = dict(kernel_shape=[3, 2], strides=[2, 3], pads=[1, 0, 1, 1], dilations=[2, 1], ceil_mode=1)
    out = tg.ops.max_pool(x, storage_order=0, **attrs)
    assert shape(out) == onnxruntime_shape("MaxPool", [(1, 3, 9, 8)], **attrs)


@pytest.mark.parametrize("trans_a, trans_b", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_gemm_transposes(values, trans_a, trans_b):
    a_shape = (4, 3) if trans_a else (3, 4)
    b_shape = (5, 4) if trans_b else (4, 5)
    a, b, c = values(a_shape, b_shape, (1, 5))
    attrs = dict(alpha=1.0, beta=1.0, transA=trans_a, transB=trans_b)
    a_np, b_np = np.zeros(a_shape), np.zeros(b_shape)
    expected = list(((a_np.T if trans_a else a_np) @ (b_np.T if trans_b else b_np)).shape)
    assert shape(tg.ops.gemm(a, b, None, **attrs)) == expected == [3, 5]
    assert shape(tg.ops.gemm(a, b, c, **attrs)) == expected
    assert shape(tg.build("gemm", [a, b], attrs).results[0]) == expected


@pytest.mark.parametrize("axis", [-4, -3, -1, 0, 1, 2, 4])
def test_flatten_axis_matches_onnx(values, axis):
    (x,) = values((2, 3, 4, 5))
    assert shape(tg.ops.flatten(x, axis=axis)) == onnx_shape("Flatten", [(2, 3, 4, 5)], axis=axis)


def test_flatten_dynamic_dims(values):
    (x,) = values((DYN, 3, 4))
    assert shape(tg.ops.flatten(x, axis=1)) == [DYN, 12]
    assert shape(tg.ops.flatten(x, axis=-1)) == [DYN, 4]


def test_other_ops_infer_their_shapes(values):
    x, p = values((2, 3, 4, 5), (3,))
    assert shape(tg.ops.global_average_pool(x)) == [2, 3, 1, 1]
    assert tg.ops.batch_normalization(x, p, p, p, p, epsilon=1e-5).type == x.type
    assert shape(tg.ops.reshape(x, shape=[6, 20])) == [6, 20]
    assert shape(tg.ops.transpose(x, perm=[3, 1, 0, 2])) == list(np.zeros((2, 3, 4, 5)).transpose(3, 1, 0, 2).shape)
    assert tg.ops.relu(x).type == x.type


@pytest.mark.parametrize("dtype, element", [(np.float32, "f32"), (np.int64, "i64"), (np.float16, "f16")])
def test_constant_element_type_from_dtype(ctx, values, dtype, element):
    values()  # only for the insertion point
    c = tg.constant(np.arange(6, dtype=dtype).reshape(2, 3))
    assert str(c.type) == f"tensor<2x3x{element}>"
    assert tg.verify_op(c.owner) is None


def test_dense_resource_constant_verifies(ctx):
    module = ir.Module.parse("""
      func.func @f() -> tensor<2xf32> {
        %0 = "tg.constant"() {value = dense_resource<blob> : tensor<2xf32>} : () -> tensor<2xf32>
        return %0 : tensor<2xf32>
      }
      {-#
        dialect_resources: { builtin: { blob: "0x040000000000803F00000040" } }
      #-}
    """)
    constant = module.body.operations[0].regions[0].blocks[0].operations[0]
    assert tg.verify_op(constant.operation) is None


# ----------------------------------------------------------------------------
# OpView classes
# ----------------------------------------------------------------------------

def test_every_op_has_an_opview_class():
    for name, spec in tg.SPEC.ops.items():
        cls = tg.OPVIEWS[name]
        assert cls.OPERATION_NAME == f"tg.{name}"
        assert getattr(tg, cls.__name__) is cls
        assert cls.__module__ == tg.__name__
        for member in [v.name for v in spec.operands + spec.results] + list(spec.attributes):
            assert isinstance(cls.__dict__.get(member), property), (name, member)


PARSED = """
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>,
             %m: tensor<3x4xf32>, %n: tensor<4x5xf32>) {
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  %1 = "tg.gemm"(%m, %n) {alpha = 2.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %2 = "tg.relu"(%0) : (tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32>
  %3 = "tg.transpose"(%1) {perm = array<i64: 1, 0>} : (tensor<3x5xf32>) -> tensor<5x3xf32>
  return
}
"""


def _body_ops(module) -> list[ir.OpView]:
    return [op.operation.opview for op in module.body.operations[0].regions[0].blocks[0].operations]


def test_parsed_ops_are_their_opview_classes(ctx):
    module = polytile.parse(PARSED, ctx)
    conv, gemm, relu, transpose, _ = _body_ops(module)
    assert type(conv) is tg.ConvOp and type(gemm) is tg.GemmOp
    assert type(relu) is tg.ReluOp and type(transpose) is tg.TransposeOp
    args = module.body.operations[0].regions[0].blocks[0].arguments

    assert conv.x == args[0] and conv.w == args[1] and conv.b == args[2]
    assert conv.y == conv.operation.results[0]
    assert ir.IntegerAttr(conv.group).value == 2
    assert list(ir.DenseI64ArrayAttr(conv.strides)) == [2, 2]
    assert list(ir.DenseI64ArrayAttr(conv.pads)) == [1, 1, 1, 1]

    assert gemm.a == args[3] and gemm.b == args[4]
    assert gemm.c is None  # absent optional operand
    assert ir.FloatAttr(gemm.alpha).value == 2.0
    assert ir.IntegerAttr(gemm.transB).value == 0

    assert relu.x == conv.y
    assert list(ir.DenseI64ArrayAttr(transpose.perm)) == [1, 0]
    assert transpose.data == gemm.y and transpose.transposed == transpose.operation.results[0]


def test_built_ops_are_their_opview_classes(values):
    x, w = values((1, 3, 5, 5), (8, 3, 3, 3))
    y = tg.ops.conv(x, w, None, kernel_shape=[3, 3], strides=[1, 1], pads=[0, 0, 0, 0], dilations=[1, 1],
                    group=1)
    conv = y.owner.opview
    assert isinstance(conv, tg.ConvOp)
    assert conv.b is None and conv.x == x


# ----------------------------------------------------------------------------
# Verifier messages
# ----------------------------------------------------------------------------

def _error_messages(ctx, text: str) -> list[str]:
    with pytest.raises(polytile.VerificationError) as info:
        polytile.parse(text, ctx)
    return [d.message for d in info.value.diagnostics]


def test_verify_op_reports_result_type_mismatch(values):
    (x,) = values((2, 3))
    op = tg.build("relu", [x], result_types=[tensor_type((3, 2))])
    assert tg.verify_op(op) == ("'tg.relu' op result #0 has type tensor<3x2xf32>, "
                                "but the operands imply tensor<2x3xf32>")


def test_verify_op_reports_type_rule_failure(values):
    a, b = values((3, 4), (5, 6))
    op = tg.build("matmul", [a, b], result_types=[tensor_type((3, 6))])
    assert tg.verify_op(op) == "'tg.matmul' op inner dimensions do not match: 3x4 x 5x6"


def test_verify_op_accepts_valid_and_ignores_other_dialects(ctx):
    module = polytile.parse(PARSED, ctx)
    for op in _body_ops(module):
        assert tg.verify_op(op.operation) is None


def test_parse_reports_semantic_errors_at_the_op(ctx):
    messages = _error_messages(ctx, """
      func.func @f(%x: tensor<2x3x4xf32>) {
        %0 = "tg.transpose"(%x) {perm = array<i64: 0, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<2x2x3xf32>
        return
      }""")
    assert messages == ["'tg.transpose' op perm [0, 0, 1] is not a permutation of 0..2"]


def test_verify_op_dense_array_element_type(ctx):
    messages = _error_messages(ctx, """
      func.func @f(%x: tensor<2x3xf32>) {
        %0 = "tg.reshape"(%x) {shape = array<i32: 3, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
        return
      }""")
    assert messages == ["'tg.reshape' op attribute 'shape' must be array<i64: ...>"]


# ----------------------------------------------------------------------------
# Builder errors
# ----------------------------------------------------------------------------

def test_build_rejects_unknown_attribute(values):
    (x,) = values((2, 3))
    with pytest.raises(TypeError, match=r"tg.relu has no attribute\(s\) \['alpha'\]"):
        tg.build("relu", [x], {"alpha": 1.0})
    with pytest.raises(TypeError, match=r"tg.flatten has no attribute\(s\) \['axes'\]"):
        tg.ops.flatten(x, axis=1, axes=[1])


def test_build_rejects_missing_attribute(values):
    (x,) = values((2, 3))
    with pytest.raises(TypeError, match=r"tg.gemm requires attribute\(s\) \['beta', 'transB'\]"):
        tg.ops.gemm(x, x, alpha=1.0, transA=1)


def test_build_rejects_bad_operand_counts(values):
    (x,) = values((2, 3))
    with pytest.raises(TypeError, match="tg.relu takes at most 1 operands, got 2"):
        tg.ops.relu(x, x)
    with pytest.raises(TypeError, match="tg.matmul requires operand 'b'"):
        tg.ops.matmul(x)
    with pytest.raises(TypeError, match="tg.matmul requires operand 'a'"):
        tg.ops.matmul(None, x)


def test_build_reports_type_rule_failures(values):
    a, b = values((2, 3), (4, 5))
    with pytest.raises(tg.TypeRuleError, match="inner dimensions do not match: 2x3 x 4x5"):
        tg.ops.matmul(a, b)
    with pytest.raises(tg.TypeRuleError, match=r"operands are not broadcast-compatible: dim 0 is 2 vs 4 "
                                                r"\(shapes 2x3 and 4x5\)"):
        tg.ops.add(a, b)
    (v,) = values((3,))
    with pytest.raises(tg.TypeRuleError, match=r"dim 1 is 3 vs 5 \(shapes 3 and 4x5\)"):
        tg.ops.mul(v, b)


def test_type_rules_reject_non_tensor_operands(ctx):
    scalar = ir.F32Type.get()
    with pytest.raises(tg.TypeRuleError, match="operands must be ranked tensors, got f32"):
        tg.infer_result_types("relu", [scalar], {})
    unranked = ir.UnrankedTensorType.get(scalar)
    with pytest.raises(tg.TypeRuleError, match=r"operands must be ranked tensors, got tensor<\*xf32>"):
        tg.infer_result_types("relu", [unranked], {})


def test_type_rules_check_attribute_kinds(values):
    """Paths that IRDL closes for parsed IR but that stay open to Python callers
    passing ready-made attributes."""
    a, b = values((2, 3), (3, 4))
    i64 = ir.IntegerType.get_signless(64)
    with pytest.raises(tg.TypeRuleError, match="attribute 'alpha' must be a float"):
        tg.ops.gemm(a, b, alpha=ir.IntegerAttr.get(i64, 1), beta=1.0, transA=0, transB=0)
    with pytest.raises(tg.TypeRuleError, match="attribute 'perm' must be an array<i64>"):
        tg.ops.transpose(a, perm=ir.DenseI32ArrayAttr.get([1, 0]))
    with pytest.raises(tg.TypeRuleError, match="requires attribute 'axis'"):
        tg.infer_result_types("flatten", [a.type], {})


def test_build_with_explicit_result_types_skips_inference(values):
    (x,) = values((2, 3))
    op = tg.build("relu", [x], result_types=[tensor_type((2, 3), "f16")])
    assert str(op.results[0].type) == "tensor<2x3xf16>"
    assert tg.verify_op(op).startswith("'tg.relu' op result #0 has type tensor<2x3xf16>")


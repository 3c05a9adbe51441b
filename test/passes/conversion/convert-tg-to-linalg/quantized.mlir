// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// The integer contractions that MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv import
// to (importers/onnx/rules/quantized.py): tg.conv and tg.matmul on i32 take the plain lowering, a
// wrapping sum of products (muli, addi) in i32; the input is padded with an i32 zero and the i32
// bias is added with addi.

// CHECK-LABEL: func.func @conv_i32_bias
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x5x5xi32>, %[[W:[^:]*]]: tensor<4x2x3x3xi32>, %[[B:[^:]*]]: tensor<4xi32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : i32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<1x1x4x3x3xi32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<1x1x4x3x3xi32>)
// CHECK-NEXT: ^bb0(%[[XE:.*]]: i32, %[[WE:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK-NEXT: %[[PROD:.*]] = arith.muli %[[XE]], %[[WE]] : i32
// CHECK-NEXT: %[[NEXT:.*]] = arith.addi %[[ACC]], %[[PROD]] : i32
// CHECK-NEXT: linalg.yield %[[NEXT]] : i32
// CHECK: %[[BIAS:.*]] = tensor.expand_shape %[[B]] {{\[}}[0, 1, 2]] output_shape [4, 1, 1]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[BIAS]] : tensor<1x4x3x3xi32>, tensor<4x1x1xi32>)
// CHECK-NEXT: ^bb0(%[[S:.*]]: i32, %[[BE:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT: %[[ADD:.*]] = arith.addi %[[S]], %[[BE]] : i32
// CHECK-NEXT: linalg.yield %[[ADD]] : i32
// CHECK: return %[[Y]]
func.func @conv_i32_bias(%x: tensor<1x2x5x5xi32>, %w: tensor<4x2x3x3xi32>, %b: tensor<4xi32>) -> tensor<1x4x3x3xi32> {
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi32>, tensor<4x2x3x3xi32>, tensor<4xi32>) -> tensor<1x4x3x3xi32>
  return %0 : tensor<1x4x3x3xi32>
}

// -----

// A grouped 1-d i32 convolution without bias: inputs viewed per group, no padding.
// CHECK-LABEL: func.func @conv_i32_grouped
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x4x6xi32>, %[[W:[^:]*]]: tensor<6x2x3xi32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[XG:.*]] = tensor.expand_shape %{{.*}} output_shape [2, 2, 2, 6]
// CHECK: %[[WG:.*]] = tensor.expand_shape %{{.*}} output_shape [2, 3, 2, 3]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[XG]], %[[WG]] : tensor<2x2x2x6xi32>, tensor<2x3x2x3xi32>) outs(%{{.*}} : tensor<2x2x3x4xi32>)
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[SUM]]
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1, 2]] output_shape [2, 6, 4]
// CHECK: return %[[Y]]
func.func @conv_i32_grouped(%x: tensor<2x4x6xi32>, %w: tensor<6x2x3xi32>) -> tensor<2x6x4xi32> {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1>, group = 2 : i64, kernel_shape = array<i64: 3>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<2x4x6xi32>, tensor<6x2x3xi32>) -> tensor<2x6x4xi32>
  return %0 : tensor<2x6x4xi32>
}

// -----

// An i32 matmul: one generic (no linalg.matmul, which is for floats) accumulating in i32.
// CHECK-LABEL: func.func @matmul_i32
// CHECK-SAME: (%[[A:[^:]*]]: tensor<5x7xi32>, %[[B:[^:]*]]: tensor<7x3xi32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<5x3xi32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[A]], %[[B]] : tensor<5x7xi32>, tensor<7x3xi32>) outs(%[[INIT]] : tensor<5x3xi32>)
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: return %[[Y]]
func.func @matmul_i32(%a: tensor<5x7xi32>, %b: tensor<7x3xi32>) -> tensor<5x3xi32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<5x7xi32>, tensor<7x3xi32>) -> tensor<5x3xi32>
  return %0 : tensor<5x3xi32>
}

// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of the layout ops (made by tg-propagate-layouts).

// CHECK-LABEL: func.func @nhwc_conv_strided
// CHECK-SAME: (%[[X:.*]]: tensor<1x9x7x8xf32>, %[[W:.*]]: tensor<16x8x3x3xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK: %[[Y:.*]] = "tg.nhwc_conv"(%[[X]], %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x9x7x8xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x5x4x16xf32>
// CHECK: return %[[Y]]
func.func @nhwc_conv_strided(%x: tensor<1x9x7x8xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x5x4x16xf32> {
  %0 = "tg.nhwc_conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x9x7x8xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x5x4x16xf32>
  return %0 : tensor<1x5x4x16xf32>
}

// CHECK-LABEL: func.func @nhwc_conv_depthwise_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x?x8xf32>, %[[W:.*]]: tensor<8x1x3x3xf32>)
// CHECK: %[[Y:.*]] = "tg.nhwc_conv"(%[[X]], %[[W]]) {dilations = array<i64: 2, 2>, group = 8 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<?x?x?x8xf32>, tensor<8x1x3x3xf32>) -> tensor<?x?x?x8xf32>
// CHECK: return %[[Y]]
func.func @nhwc_conv_depthwise_dynamic(%x: tensor<?x?x?x8xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<?x?x?x8xf32> {
  %0 = "tg.nhwc_conv"(%x, %w) {dilations = array<i64: 2, 2>, group = 8 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<?x?x?x8xf32>, tensor<8x1x3x3xf32>) -> tensor<?x?x?x8xf32>
  return %0 : tensor<?x?x?x8xf32>
}

// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of the misc ops (BitCast, DeformConv).

// CHECK-LABEL: func.func @bit_cast_f32_to_i32
// CHECK-SAME: (%[[X:.*]]: tensor<3x5xf32>)
// CHECK: %[[Y:.*]] = "tg.bit_cast"(%[[X]]) {to = i32} : (tensor<3x5xf32>) -> tensor<3x5xi32>
// CHECK: return %[[Y]]
func.func @bit_cast_f32_to_i32(%x: tensor<3x5xf32>) -> tensor<3x5xi32> {
  %0 = "tg.bit_cast"(%x) {to = i32} : (tensor<3x5xf32>) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}

// Bool is a byte; dynamic dims keep their place.
// CHECK-LABEL: func.func @bit_cast_bool_to_ui8
// CHECK: "tg.bit_cast"(%{{.*}}) {to = ui8} : (tensor<?x4xi1>) -> tensor<?x4xui8>
func.func @bit_cast_bool_to_ui8(%x: tensor<?x4xi1>) -> tensor<?x4xui8> {
  %0 = "tg.bit_cast"(%x) {to = ui8} : (tensor<?x4xi1>) -> tensor<?x4xui8>
  return %0 : tensor<?x4xui8>
}

// CHECK-LABEL: func.func @deform_conv
// CHECK-SAME: (%[[X:.*]]: tensor<2x6x9x7xf32>, %[[W:.*]]: tensor<4x3x3x2xf32>, %[[O:.*]]: tensor<2x24x5x6xf32>, %[[M:.*]]: tensor<2x12x5x6xf32>)
// CHECK: %[[Y:.*]] = "tg.deform_conv"(%[[X]], %[[W]], %[[O]], %[[M]]) {dilations = array<i64: 1, 2>, group = 2 : i64, offset_group = 2 : i64, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 1>} : (tensor<2x6x9x7xf32>, tensor<4x3x3x2xf32>, tensor<2x24x5x6xf32>, tensor<2x12x5x6xf32>) -> tensor<2x4x5x6xf32>
// CHECK: return %[[Y]]
func.func @deform_conv(%x: tensor<2x6x9x7xf32>, %w: tensor<4x3x3x2xf32>, %o: tensor<2x24x5x6xf32>, %m: tensor<2x12x5x6xf32>) -> tensor<2x4x5x6xf32> {
  %0 = "tg.deform_conv"(%x, %w, %o, %m) {dilations = array<i64: 1, 2>, group = 2 : i64, offset_group = 2 : i64, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 1>} : (tensor<2x6x9x7xf32>, tensor<4x3x3x2xf32>, tensor<2x24x5x6xf32>, tensor<2x12x5x6xf32>) -> tensor<2x4x5x6xf32>
  return %0 : tensor<2x4x5x6xf32>
}

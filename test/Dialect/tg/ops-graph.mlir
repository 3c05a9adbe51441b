// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of the graph-structure ops: each result has its operand's type.

// CHECK-LABEL: func.func @identity_f32
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.identity"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @identity_f32(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.identity"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @identity_bool_scalar
// CHECK: "tg.identity"(%{{.*}}) : (tensor<i1>) -> tensor<i1>
func.func @identity_bool_scalar(%x: tensor<i1>) -> tensor<i1> {
  %0 = "tg.identity"(%x) : (tensor<i1>) -> tensor<i1>
  return %0 : tensor<i1>
}

// CHECK-LABEL: func.func @identity_unsigned
// CHECK: "tg.identity"(%{{.*}}) : (tensor<4xui8>) -> tensor<4xui8>
func.func @identity_unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "tg.identity"(%x) : (tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// CHECK-LABEL: func.func @dropout_f16
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3xf16>)
// CHECK: %[[Y:.*]] = "tg.dropout"(%[[X]]) : (tensor<1x2x3xf16>) -> tensor<1x2x3xf16>
// CHECK: return %[[Y]]
func.func @dropout_f16(%x: tensor<1x2x3xf16>) -> tensor<1x2x3xf16> {
  %0 = "tg.dropout"(%x) : (tensor<1x2x3xf16>) -> tensor<1x2x3xf16>
  return %0 : tensor<1x2x3xf16>
}

// CHECK-LABEL: func.func @shape_of_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x?xf32>)
// CHECK: %[[S:.*]] = "tg.shape_of"(%[[X]]) {end = 3 : i64, start = 1 : i64} : (tensor<?x3x?xf32>) -> tensor<2xi64>
// CHECK: return %[[S]]
func.func @shape_of_dynamic(%x: tensor<?x3x?xf32>) -> tensor<2xi64> {
  %0 = "tg.shape_of"(%x) {end = 3 : i64, start = 1 : i64} : (tensor<?x3x?xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

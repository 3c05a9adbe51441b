// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Identity and dropout forward their input: nothing is computed.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.identity
// CHECK-NOT: linalg.
// CHECK: return %[[X]]
func.func @identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.identity"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Unsigned tensors become signless, the forwarding stays.
// CHECK-LABEL: func.func @identity_unsigned
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK: return %[[X]] : tensor<4xi8>
func.func @identity_unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "tg.identity"(%x) : (tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf16>)
// CHECK-NOT: tg.dropout
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<2x3xf16>)
// CHECK: return %[[A]]
func.func @dropout(%x: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %0 = "tg.dropout"(%x) : (tensor<2x3xf16>) -> tensor<2x3xf16>
  %1 = "tg.relu"(%0) : (tensor<2x3xf16>) -> tensor<2x3xf16>
  return %1 : tensor<2x3xf16>
}

// -----

// The dims of a shape known at run time: tensor.dim for each `?`, constants for the rest.
// CHECK-LABEL: func.func @shape_of
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x3x?xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x3x?xf32>
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[D2:.*]] = tensor.dim %[[X]], %[[C2]] : tensor<?x3x?xf32>
// CHECK: %[[A:.*]] = arith.index_cast %[[D0]] : index to i64
// CHECK: %[[B:.*]] = arith.constant 3 : i64
// CHECK: %[[C:.*]] = arith.index_cast %[[D2]] : index to i64
// CHECK: %[[S:.*]] = tensor.from_elements %[[A]], %[[B]], %[[C]] : tensor<3xi64>
// CHECK: return %[[S]]
func.func @shape_of(%x: tensor<?x3x?xf32>) -> tensor<3xi64> {
  %0 = "tg.shape_of"(%x) {end = 3 : i64, start = 0 : i64} : (tensor<?x3x?xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

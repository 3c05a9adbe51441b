// RUN: polytile-opt %s --split-input-file --tg-canonicalize | FileCheck %s
// One sweep is enough for every case below.
// RUN: polytile-opt %s --split-input-file --tg-canonicalize='max-iterations=1' | FileCheck %s

// An identity transpose is its input.
// CHECK-LABEL: func.func @identity_transpose
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.transpose
// CHECK: return %[[X]]
func.func @identity_transpose(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Two transposes that cancel give back the original value (the inner one is
// left dead for tg-dce).
// CHECK-LABEL: func.func @transposes_cancel
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: return %[[X]] : tensor<2x3x4xf32>
func.func @transposes_cancel(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 2, 0, 1>} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// Two transposes that do not cancel become one with the composed permutation.
// CHECK-LABEL: func.func @transposes_compose
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.*]] = "tg.transpose"(%[[X]]) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK: return %[[T]] : tensor<4x2x3xf32>
func.func @transposes_compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// A chain of three transposes collapses in one run: into one transpose ...
// CHECK-LABEL: func.func @transpose_chain
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.*]] = "tg.transpose"(%[[X]]) {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
// CHECK: return %[[T]]
func.func @transpose_chain(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 0, 2, 1>} : (tensor<3x2x4xf32>) -> tensor<3x4x2xf32>
  %2 = "tg.transpose"(%1) {perm = array<i64: 1, 0, 2>} : (tensor<3x4x2xf32>) -> tensor<4x3x2xf32>
  return %2 : tensor<4x3x2xf32>
}

// -----

// ... or into nothing when the composition is the identity.
// CHECK-LABEL: func.func @transpose_chain_cancels
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: return %[[X]] : tensor<2x3x4xf32>
func.func @transpose_chain_cancels(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  %2 = "tg.transpose"(%1) {perm = array<i64: 1, 2, 0>} : (tensor<4x2x3xf32>) -> tensor<2x3x4xf32>
  return %2 : tensor<2x3x4xf32>
}

// -----

// A transpose of something else than a transpose stays.
// CHECK-LABEL: func.func @transpose_of_relu_kept
// CHECK: %[[R:.*]] = "tg.relu"
// CHECK: %[[T:.*]] = "tg.transpose"(%[[R]]) {perm = array<i64: 1, 0>}
// CHECK: return %[[T]]
func.func @transpose_of_relu_kept(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// A reshape or flatten to the type it already has is its input.
// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.reshape
// CHECK-NOT: tg.flatten
// CHECK: return %[[X]], %[[X]]
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = "tg.reshape"(%x) {shape = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "tg.flatten"(%x) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A reshape of a reshape is one reshape of the original value.
// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.*]] = "tg.reshape"(%[[X]]) {shape = array<i64: 24>} : (tensor<2x3x4xf32>) -> tensor<24xf32>
// CHECK: return %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  %0 = "tg.reshape"(%x) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = "tg.reshape"(%0) {shape = array<i64: 24>} : (tensor<6x4xf32>) -> tensor<24xf32>
  return %1 : tensor<24xf32>
}

// -----

// A reshape of a flatten is one reshape of the flatten's input.
// CHECK-LABEL: func.func @flatten_then_reshape
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.*]] = "tg.reshape"(%[[X]]) {shape = array<i64: 4, 6>} : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
// CHECK: return %[[R]]
func.func @flatten_then_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = "tg.flatten"(%x) {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %1 = "tg.reshape"(%0) {shape = array<i64: 4, 6>} : (tensor<2x12xf32>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// A reshape chain that ends at the original type is the original value.
// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK: return %[[X]] : tensor<2x3xf32>
func.func @reshape_round_trip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.reshape"(%x) {shape = array<i64: 6>} : (tensor<2x3xf32>) -> tensor<6xf32>
  %1 = "tg.flatten"(%0) {axis = 0 : i64} : (tensor<6xf32>) -> tensor<1x6xf32>
  %2 = "tg.reshape"(%1) {shape = array<i64: 2, 3>} : (tensor<1x6xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// A chain with a dynamic result shape stays: tg.reshape takes a static shape.
// CHECK-LABEL: func.func @dynamic_flatten_chain_kept
// CHECK: %[[F:.*]] = "tg.flatten"
// CHECK: %[[G:.*]] = "tg.flatten"(%[[F]]) {axis = 0 : i64} : (tensor<?x4xf32>) -> tensor<1x?xf32>
// CHECK: return %[[G]]
func.func @dynamic_flatten_chain_kept(%x: tensor<?x3x4xf32>) -> tensor<1x?xf32> {
  %0 = "tg.flatten"(%x) {axis = 2 : i64} : (tensor<?x3x4xf32>) -> tensor<?x4xf32>
  %1 = "tg.flatten"(%0) {axis = 0 : i64} : (tensor<?x4xf32>) -> tensor<1x?xf32>
  return %1 : tensor<1x?xf32>
}

// -----

// An intermediate value with another use stays; only the chained user is rewritten.
// CHECK-LABEL: func.func @live_intermediate_kept
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK: %[[T:.*]] = "tg.transpose"(%[[X]]) {perm = array<i64: 1, 0>}
// CHECK: return %[[X]], %[[T]]
func.func @live_intermediate_kept(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>) {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %1, %0 : tensor<2x3xf32>, tensor<3x2xf32>
}

// RUN: polytile-opt %s --split-input-file --tg-dce | FileCheck %s

// A dead chain goes in one run, consumers first.
// CHECK-LABEL: func.func @dead_chain
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK-NOT: "tg.
// CHECK: return %[[X]]
func.func @dead_chain(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %2 = "tg.reshape"(%1) {shape = array<i64: 6>} : (tensor<3x2xf32>) -> tensor<6xf32>
  return %x : tensor<2x3xf32>
}

// -----

// An op with a live use stays; its dead user goes.
// CHECK-LABEL: func.func @live_use_kept
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK: %[[R:.*]] = "tg.relu"(%[[X]])
// CHECK-NOT: tg.transpose
// CHECK: return %[[R]]
func.func @live_use_kept(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A chain feeding a live value stays whole.
// CHECK-LABEL: func.func @live_chain_kept
// CHECK: %[[A:.*]] = "tg.relu"
// CHECK: %[[B:.*]] = "tg.transpose"(%[[A]])
// CHECK: %[[C:.*]] = "tg.add"(%[[B]], %[[B]])
// CHECK: return %[[C]]
func.func @live_chain_kept(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %2 = "tg.add"(%1, %1) : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %2 : tensor<3x2xf32>
}

// -----

// Dead constants go too.
// CHECK-LABEL: func.func @dead_constant
// CHECK-NOT: tg.constant
// CHECK: return
func.func @dead_constant() {
  %0 = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  return
}

// -----

// Dead tg ops inside nested regions go as well.
// CHECK-LABEL: func.func @nested_region
// CHECK: scf.if
// CHECK-NOT: tg.relu
// CHECK: scf.yield
func.func @nested_region(%x: tensor<2x3xf32>, %c: i1) -> tensor<2x3xf32> {
  %0 = scf.if %c -> tensor<2x3xf32> {
    %1 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
    scf.yield %x : tensor<2x3xf32>
  } else {
    scf.yield %x : tensor<2x3xf32>
  }
  return %0 : tensor<2x3xf32>
}

// -----

// Dead ops of other dialects are not this pass's business (canonicalize removes them).
// CHECK-LABEL: func.func @other_dialects_kept
// CHECK: arith.addi
func.func @other_dialects_kept(%a: i32) {
  %0 = arith.addi %a, %a : i32
  return
}

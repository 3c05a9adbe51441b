// RUN: polytile-opt %s --split-input-file --tg-cse | FileCheck %s
// Nested under func.func, the pass runs on each function with the same result.
// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tg-cse))' | FileCheck %s

// Identical constants merge, then the ops using them, in one run.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2xf32>)
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<1.000000e+00> : tensor<2xf32>}
// CHECK-NOT: "tg.constant"
// CHECK: %[[A:.*]] = "tg.add"(%[[X]], %[[C]])
// CHECK-NEXT: %[[R:.*]] = "tg.relu"(%[[A]])
// CHECK-NEXT: return %[[R]], %[[R]]
func.func @chain(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %c0 = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %c1 = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "tg.add"(%x, %c0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = "tg.add"(%x, %c1) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = "tg.relu"(%0) : (tensor<2xf32>) -> tensor<2xf32>
  %3 = "tg.relu"(%1) : (tensor<2xf32>) -> tensor<2xf32>
  return %2, %3 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Different attributes, operands or operand order: nothing merges.
// CHECK-LABEL: func.func @distinct
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4xf32>, %[[Y:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: "tg.transpose"(%[[X]]) {perm = array<i64: 0, 2, 1>}
// CHECK: "tg.transpose"(%[[X]]) {perm = array<i64: 1, 0, 2>}
// CHECK: "tg.add"(%[[X]], %[[Y]])
// CHECK: "tg.add"(%[[Y]], %[[X]])
// CHECK: "tg.relu"(%[[X]])
// CHECK: "tg.relu"(%[[Y]])
// CHECK: "tg.constant"() {value = dense<1.000000e+00> : tensor<2xf32>}
// CHECK: "tg.constant"() {value = dense<2.000000e+00> : tensor<2xf32>}
// CHECK: "tg.constant"() {value = dense<1.000000e+00> : tensor<2xf64>}
func.func @distinct(%x: tensor<2x3x4xf32>, %y: tensor<2x3x4xf32>) -> (tensor<2x4x3xf32>, tensor<3x2x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf64>) {
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %1 = "tg.transpose"(%x) {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %2 = "tg.add"(%x, %y) : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %3 = "tg.add"(%y, %x) : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %4 = "tg.relu"(%x) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %5 = "tg.relu"(%y) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %6 = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %7 = "tg.constant"() {value = dense<2.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %8 = "tg.constant"() {value = dense<1.0> : tensor<2xf64>} : () -> tensor<2xf64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<2x4x3xf32>, tensor<3x2x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf64>
}

// -----

// Ops with attributes merge when the attributes are equal.
// CHECK-LABEL: func.func @same_attributes
// CHECK: %[[T:.*]] = "tg.transpose"
// CHECK-NOT: "tg.transpose"
// CHECK: return %[[T]], %[[T]]
func.func @same_attributes(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// An op in an scf region reuses an equivalent op before it outside; ops in
// sibling branches do not see each other.
// CHECK-LABEL: func.func @regions
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2xf32>, %[[C:[^:]*]]: i1)
// CHECK: %[[R:.*]] = "tg.relu"(%[[X]])
// CHECK: scf.if
// CHECK-NEXT: scf.yield %[[R]]
// CHECK: } else {
// CHECK-NEXT: %[[A:.*]] = "tg.add"(%[[X]], %[[X]])
// CHECK-NEXT: scf.yield %[[A]]
// CHECK: scf.if
// CHECK-NEXT: %[[B:.*]] = "tg.add"(%[[X]], %[[X]])
// CHECK-NEXT: scf.yield %[[B]]
func.func @regions(%x: tensor<2xf32>, %c: i1) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = "tg.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = scf.if %c -> tensor<2xf32> {
    %2 = "tg.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
    scf.yield %2 : tensor<2xf32>
  } else {
    %3 = "tg.add"(%x, %x) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    scf.yield %3 : tensor<2xf32>
  }
  %4 = scf.if %c -> tensor<2xf32> {
    %5 = "tg.add"(%x, %x) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    scf.yield %5 : tensor<2xf32>
  } else {
    scf.yield %0 : tensor<2xf32>
  }
  return %1, %4 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Each function keeps its own constants.
// CHECK-LABEL: func.func @first
// CHECK: "tg.constant"
// CHECK-LABEL: func.func @second
// CHECK: "tg.constant"
func.func @first() -> tensor<2xf32> {
  %0 = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
func.func @second() -> tensor<2xf32> {
  %0 = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// --pass-pipeline mixes upstream passes, polytile's Python passes and nesting.
// RUN: polytile-opt %s --pass-pipeline='builtin.module(tg-canonicalize,func.func(cse,canonicalize),tg-dce)' | FileCheck %s
// A Python pass nested under func.func runs on each function.
// RUN: polytile-opt %s --pass-pipeline='builtin.module(func.func(tg-canonicalize,tg-dce))' | FileCheck %s --check-prefix=NESTED
// The same pipeline as separate flags.
// RUN: polytile-opt %s --tg-canonicalize --cse --canonicalize --tg-dce | FileCheck %s
// Passes run in the order given: tg-dce first finds nothing dead.
// RUN: polytile-opt %s --pass-pipeline='builtin.module(tg-dce,tg-canonicalize)' | FileCheck %s --check-prefix=ORDER

// CHECK-LABEL: func.func @mixed
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>, %[[A:[^:]*]]: i32)
// CHECK-NOT: tg.transpose
// CHECK: %[[S:.*]] = arith.addi %[[A]], %[[A]] : i32
// CHECK-NOT: arith.addi
// CHECK-NOT: arith.muli
// CHECK: return %[[X]], %[[S]], %[[S]]

// NESTED-LABEL: func.func @mixed
// NESTED-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>
// NESTED-NOT: tg.transpose
// NESTED: arith.addi
// NESTED: arith.addi
// NESTED: arith.muli
// NESTED: return %[[X]]

// ORDER-LABEL: func.func @mixed
// ORDER-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>
// ORDER: "tg.transpose"(%[[X]])
// ORDER: return %[[X]]
func.func @mixed(%x: tensor<2x3xf32>, %a: i32) -> (tensor<2x3xf32>, i32, i32) {
  // tg-canonicalize: the transposes cancel; tg-dce then removes the dead one.
  %t0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %t1 = "tg.transpose"(%t0) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  // cse: the second addi is the first.
  %s0 = arith.addi %a, %a : i32
  %s1 = arith.addi %a, %a : i32
  // canonicalize: x * 1 is x.
  %c1 = arith.constant 1 : i32
  %m = arith.muli %s1, %c1 : i32
  return %t1, %s0, %m : tensor<2x3xf32>, i32, i32
}

// A pass that fails reports its error and the run exits with code 1, printing
// no IR.
// RUN: not polytile-opt %s --tg-canonicalize='max-iterations=0' 2>&1 | FileCheck %s
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(cse,tg-canonicalize{max-iterations=0},tg-dce)' 2>&1 | FileCheck %s
// Nested under func.func, the error is at the function.
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(func.func(tg-canonicalize{max-iterations=0}))' 2>&1 | FileCheck %s --check-prefix=NESTED

// At top level the error is at the module, which has no place in the text
// (line 0, as in mlir-opt).
// CHECK: pass-failure.mlir:0:0: error: max-iterations must be at least 1
// CHECK-NOT: func.func @f
// CHECK-NOT: Traceback

// NESTED: pass-failure.mlir:[[@LINE+3]]:1: error: max-iterations must be at least 1
// NESTED-NEXT: func.func @f
// NESTED-NOT: Traceback
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

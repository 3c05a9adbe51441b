// --mlir-timing reports upstream and polytile passes in one report on stderr.
// RUN: polytile-opt %s --tg-canonicalize --cse --tg-dce --mlir-timing -o /dev/null 2>&1 | FileCheck %s
// RUN: polytile-opt %s --pass-pipeline='builtin.module(tg-canonicalize,func.func(canonicalize),tg-dce)' --mlir-timing -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTED

// CHECK: Execution time report
// CHECK: Total Execution Time:
// CHECK: Name
// CHECK: TgCanonicalize
// CHECK: CSE
// CHECK: TgDCE
// CHECK: Total

// NESTED: Execution time report
// NESTED: TgCanonicalize
// NESTED: 'func.func' Pipeline
// NESTED-NEXT: Canonicalizer
// NESTED: TgDCE
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %x : tensor<2x3xf32>
}

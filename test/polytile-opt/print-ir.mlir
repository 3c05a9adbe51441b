// --mlir-print-ir-after-all / --mlir-print-ir-before-all dump the IR around
// every pass, upstream and polytile's alike, to stderr.
// RUN: polytile-opt %s --tg-canonicalize --cse --tg-dce --mlir-print-ir-after-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=AFTER
// RUN: polytile-opt %s --tg-canonicalize --cse --tg-dce --mlir-print-ir-before-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=BEFORE
// Pass names match with a pipeline and nesting too.
// RUN: polytile-opt %s --pass-pipeline='builtin.module(tg-canonicalize,func.func(cse),tg-dce)' --mlir-print-ir-after-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=NESTED

// AFTER: // -----// IR Dump After TgCanonicalize (tg-canonicalize) //----- //
// AFTER-NEXT: module {
// AFTER-NEXT: func.func @f(%[[X:[^:]*]]:
// AFTER: "tg.transpose"
// AFTER: return %[[X]],
// AFTER: // -----// IR Dump After CSE (cse) //----- //
// AFTER: arith.addi
// AFTER-NOT: arith.addi
// AFTER: // -----// IR Dump After TgDCE (tg-dce) //----- //
// AFTER-NOT: tg.transpose
// AFTER-NOT: IR Dump

// BEFORE: // -----// IR Dump Before TgCanonicalize (tg-canonicalize) //----- //
// BEFORE: "tg.transpose"
// BEFORE: "tg.transpose"
// BEFORE: // -----// IR Dump Before CSE (cse) //----- //
// BEFORE: arith.addi
// BEFORE: arith.addi
// BEFORE: // -----// IR Dump Before TgDCE (tg-dce) //----- //
// BEFORE: "tg.transpose"
// BEFORE-NOT: IR Dump

// NESTED: IR Dump After TgCanonicalize (tg-canonicalize)
// NESTED: IR Dump After CSE (cse)
// NESTED-NEXT: func.func @f
// NESTED: IR Dump After TgDCE (tg-dce)
func.func @f(%x: tensor<2x3xf32>, %a: i32) -> (tensor<2x3xf32>, i32, i32) {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %2 = arith.addi %a, %a : i32
  %3 = arith.addi %a, %a : i32
  return %1, %2, %3 : tensor<2x3xf32>, i32, i32
}

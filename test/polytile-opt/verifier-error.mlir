// Verifier errors, from an upstream op's verifier and from polytile's semantic
// verifier of tg ops, print like mlir-opt's and exit with code 1.
// RUN: not polytile-opt %s --split-input-file 2>&1 | FileCheck %s --strict-whitespace
// Verification comes before any pass runs.
// RUN: not polytile-opt %s --split-input-file --tg-canonicalize --tg-dce 2>&1 | FileCheck %s --strict-whitespace

func.func @upstream(%a: i64) -> i32 {
  // CHECK: verifier-error.mlir:[[@LINE+4]]:3: error: type of return operand 0 ('i64') doesn't match function result type ('i32') in function @upstream
  // CHECK-NEXT: {{^}}  return %a : i64{{$}}
  // CHECK-NEXT: {{^}}  ^{{$}}
  // CHECK-NEXT: verifier-error.mlir:[[@LINE+1]]:3: note: see current operation: "func.return"
  return %a : i64
}

// -----

func.func @tg_semantics(%x: tensor<2x3xf32>) -> tensor<3x3xf32> {
  // CHECK: verifier-error.mlir:[[@LINE+3]]:8: error: 'tg.transpose' op result #0 has type tensor<3x3xf32>, but the operands imply tensor<3x2xf32>
  // CHECK-NEXT: {{^}}  %0 = "tg.transpose"
  // CHECK-NEXT: {{^}}       ^{{$}}
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// IRDL's own checks (here: a missing required attribute) are upstream verifier errors too.
func.func @tg_irdl(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // CHECK: verifier-error.mlir:[[@LINE+1]]:8: error: {{.*}}perm
  %0 = "tg.transpose"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
// CHECK-NOT: Traceback

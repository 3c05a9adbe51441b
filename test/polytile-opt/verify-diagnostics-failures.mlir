// --verify-diagnostics reports unexpected diagnostics and unmet expectations,
// each at its location, and fails.
// RUN: not polytile-opt %s --split-input-file --verify-diagnostics 2>&1 | FileCheck %s

// An error no comment expects.
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+2]]:8: error: unexpected error: 'tg.transpose' op perm [0, 0] is not a permutation of 0..1
func.func @unexpected(%x: tensor<2x3xf32>) {
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

// An expectation nothing meets.
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+3]]:6: error: expected error "no such error" was not produced
// CHECK-NEXT: // expected-
func.func @not_produced(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{no such error}}
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// The right message on the wrong line: both sides are reported.
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+4]]:3: error: unexpected error: type of return operand 0 ('i64') doesn't match function result type ('i32')
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+2]]:6: error: expected error "doesn't match function result type" was not produced
func.func @wrong_line(%a: i64) -> i32 {
  // expected-error@+2 {{doesn't match function result type}}
  return %a : i64
}

// -----

// The right line with another message.
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+4]]:8: error: unexpected error: 'tg.relu' op result #0 has type
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+2]]:6: error: expected error "some other message" was not produced
func.func @wrong_message(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{some other message}}
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

// A parse error no comment expects.
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+2]]:30: error: unexpected error: expected operation name in quotes
func.func @unexpected_parse_error() {
  %0 = arith.constant 1 : i32 i32
  return
}

// -----

// An invalid regex in the -re form is reported at the directive.
// CHECK: verify-diagnostics-failures.mlir:[[@LINE+2]]:6: error: invalid regex:
func.func @invalid_regex(%x: tensor<2x3xf32>) {
  // expected-error-re@+1 {{perm {{[}}}}
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// CHECK-NOT: Traceback

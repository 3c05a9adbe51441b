// --verify-diagnostics: every diagnostic must match an expected-* comment and
// every expectation must be met; then the run succeeds.
// RUN: polytile-opt %s --split-input-file --verify-diagnostics
// The same with a pipeline: diagnostics come from parsing and verification.
// RUN: polytile-opt %s --split-input-file --verify-diagnostics --tg-canonicalize --tg-dce

// @+N: a polytile semantic error, N lines below.
func.func @plus(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.transpose' op perm [0, 0] is not a permutation of 0..1}}
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

// @-N: an upstream verifier error, N lines above.
func.func @minus(%a: i64) -> i32 {
  return %a : i64
  // expected-error@-1 {{type of return operand 0 ('i64') doesn't match function result type ('i32')}}
}

// -----

// @above: the nearest line above that holds no expected-* comment.
func.func @above(%x: tensor<2x3xf32>) {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-error@above {{result #0 has type tensor<2x3xf32>, but the operands imply tensor<3x2xf32>}}
  return
}

// -----

// @below: the nearest line below that holds no expected-* comment.
func.func @below(%x: tensor<2x3xf32>) {
  // expected-error@below {{'tg.reshape' op cannot reshape 6 elements (2x3) into 4}}
  %0 = "tg.reshape"(%x) {shape = array<i64: 4>} : (tensor<2x3xf32>) -> tensor<4xf32>
  return
}

// -----

// No designator: the diagnostic is on the directive's own line.
func.func @same_line(%x: tensor<2x3xf32>) {
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32> // expected-error {{result #0 has type}}
  return
}

// -----

// Several errors in one part, a note, and the regex form.
func.func @several(%x: tensor<2x3xf32>, %y: tensor<2x3xi32>) {
  // expected-error-re@+1 {{perm [{{[0-9, ]+}}] is not a permutation}}
  %0 = "tg.transpose"(%x) {perm = array<i64: 2, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  // expected-error@+1 {{operand #1 has element type i32, expected f32 like operand #0}}
  %1 = "tg.add"(%x, %y) : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @dominance() -> i32 {
  // expected-error@+1 {{operand #0 does not dominate this use}}
  %0 = arith.addi %1, %1 : i32
  // expected-note@+1 {{operand defined here}}
  %1 = arith.constant 1 : i32
  return %0 : i32
}

// -----

// A parse error.
func.func @parse_error() {
  // expected-error@+1 {{expected operation name in quotes}}
  %0 = arith.constant 1 : i32 i32
  return
}

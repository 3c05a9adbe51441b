// RUN: polytile-opt %s --split-input-file --verify-diagnostics

func.func @dropout_integer(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error@+1 {{'tg.dropout' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.dropout"(%x) : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @identity_changes_type(%x: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error@+1 {{'tg.identity' op result #0 has type tensor<4xf64>, but the operands imply tensor<4xf32>}}
  %0 = "tg.identity"(%x) : (tensor<4xf32>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

func.func @dropout_changes_shape(%x: tensor<4xf32>) -> tensor<2x2xf32> {
  // expected-error@+1 {{'tg.dropout' op result #0 has type tensor<2x2xf32>, but the operands imply tensor<4xf32>}}
  %0 = "tg.dropout"(%x) : (tensor<4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @shape_of_end_past_rank(%x: tensor<?x3xf32>) -> tensor<3xi64> {
  // expected-error@+1 {{'tg.shape_of' op start 0 and end 3 must satisfy 0 <= start <= end <= rank (2)}}
  %0 = "tg.shape_of"(%x) {end = 3 : i64, start = 0 : i64} : (tensor<?x3xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

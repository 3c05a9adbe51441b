// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in the type rules of the element-wise tg ops
// (dialects/tg_rules/elementwise.py).

func.func @add_bool(%a: tensor<3xi1>) {
  // expected-error@+1 {{'tg.add' op operand #0 has element type i1, expected one of f16, bf16, f32, f64, i8, i16, i32, i64, ui8, ui16, ui32, ui64}}
  %0 = "tg.add"(%a, %a) : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return
}

// -----

func.func @sub_mixed_element_types(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error@+1 {{'tg.sub' op operand #1 has element type f64, expected f32 like operand #0}}
  %0 = "tg.sub"(%a, %b) : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return
}

// -----

func.func @mul_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'tg.mul' op operands are not broadcast-compatible: dim 1 is 3 vs 4 (shapes 2x3 and 4)}}
  %0 = "tg.mul"(%a, %b) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @max_wrong_result_shape(%a: tensor<2x1xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{'tg.max' op result #0 has type tensor<2x1xf32>, but the operands imply tensor<2x3xf32>}}
  %0 = "tg.max"(%a, %b) : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @pow_bad_base(%x: tensor<3xi8>, %y: tensor<3xi8>) {
  // expected-error@+1 {{'tg.pow' op operand #0 has element type i8, expected one of f16, bf16, f32, f64, i32, i64}}
  %0 = "tg.pow"(%x, %y) : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  return
}

// -----

func.func @pow_bool_exponent(%x: tensor<3xf32>, %y: tensor<3xi1>) {
  // expected-error@+1 {{'tg.pow' op operand #1 has element type i1, expected one of}}
  %0 = "tg.pow"(%x, %y) : (tensor<3xf32>, tensor<3xi1>) -> tensor<3xf32>
  return
}

// -----

func.func @mod_bad_fmod(%a: tensor<3xi32>) {
  // expected-error@+1 {{'tg.mod' op attribute 'fmod' must be 0 or 1, got 2}}
  %0 = "tg.mod"(%a, %a) {fmod = 2 : i64} : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

func.func @mod_bool(%a: tensor<3xi1>) {
  // expected-error@+1 {{'tg.mod' op operand #0 has element type i1, expected one of}}
  %0 = "tg.mod"(%a, %a) {fmod = 1 : i64} : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return
}

// -----

func.func @bit_shift_float(%x: tensor<3xf32>) {
  // expected-error@+1 {{'tg.bit_shift' op operand #0 has element type f32, expected one of i8, i16, i32, i64, ui8, ui16, ui32, ui64}}
  %0 = "tg.bit_shift"(%x, %x) {direction = "LEFT"} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @bit_shift_bad_direction(%x: tensor<3xui8>) {
  // expected-error@+1 {{'tg.bit_shift' op attribute 'direction' must be "LEFT" or "RIGHT", got 'UP'}}
  %0 = "tg.bit_shift"(%x, %x) {direction = "UP"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return
}

// -----

func.func @bitwise_and_float(%a: tensor<3xf32>) {
  // expected-error@+1 {{'tg.bitwise_and' op operand #0 has element type f32, expected one of i8, i16, i32, i64, ui8, ui16, ui32, ui64}}
  %0 = "tg.bitwise_and"(%a, %a) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @and_not_bool(%a: tensor<3xi32>) {
  // expected-error@+1 {{'tg.and' op operand #0 has element type i32, expected one of i1}}
  %0 = "tg.and"(%a, %a) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

func.func @greater_bool(%a: tensor<3xi1>) {
  // expected-error@+1 {{'tg.greater' op operand #0 has element type i1, expected one of}}
  %0 = "tg.greater"(%a, %a) : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return
}

// -----

func.func @equal_result_not_bool(%a: tensor<3xf32>) {
  // expected-error@+1 {{'tg.equal' op result #0 has type tensor<3xf32>, but the operands imply tensor<3xi1>}}
  %0 = "tg.equal"(%a, %a) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @where_condition_not_bool(%c: tensor<3xi8>, %x: tensor<3xf32>) {
  // expected-error@+1 {{'tg.where' op operand #0 has element type i8, expected one of i1}}
  %0 = "tg.where"(%c, %x, %x) : (tensor<3xi8>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @where_mixed_branches(%c: tensor<3xi1>, %x: tensor<3xf32>, %y: tensor<3xi32>) {
  // expected-error@+1 {{'tg.where' op operand #2 has element type i32, expected f32 like operand #1}}
  %0 = "tg.where"(%c, %x, %y) : (tensor<3xi1>, tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  return
}

// -----

func.func @where_not_broadcastable(%c: tensor<2xi1>, %x: tensor<3xf32>) {
  // expected-error@+1 {{'tg.where' op operands are not broadcast-compatible: dim 0 is 2 vs 3 (shapes 2 and 3)}}
  %0 = "tg.where"(%c, %x, %x) : (tensor<2xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @cast_from_index(%x: tensor<3xindex>) {
  // expected-error@+1 {{'tg.cast' op operand #0 has element type index, expected one of f16, bf16, f32, f64, i8, i16, i32, i64, ui8, ui16, ui32, ui64, i1, f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f8E8M0FNU, f4E2M1FN, i4, ui4, i2, ui2}}
  %0 = "tg.cast"(%x) {to = f32} : (tensor<3xindex>) -> tensor<3xf32>
  return
}

// -----

func.func @cast_to_unsupported_type(%x: tensor<3xf32>) {
  // expected-error@+1 {{'tg.cast' op cannot cast to f8E8M0FNU, expected one of f16, bf16, f32, f64, i8, i16, i32, i64, ui8, ui16, ui32, ui64, i1, f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f4E2M1FN, i4, ui4, i2, ui2}}
  %0 = "tg.cast"(%x) {to = f8E8M0FNU} : (tensor<3xf32>) -> tensor<3xf8E8M0FNU>
  return
}

// -----

func.func @cast_result_mismatch(%x: tensor<3xf32>) {
  // expected-error@+1 {{'tg.cast' op result #0 has type tensor<3xi32>, but the operands imply tensor<3xi64>}}
  %0 = "tg.cast"(%x) {to = i64} : (tensor<3xf32>) -> tensor<3xi32>
  return
}

// -----

func.func @cast_to_not_a_type(%x: tensor<3xf32>) {
  // expected-error@+1 {{expected base attribute 'builtin.type' but got 'builtin.integer'}}
  %0 = "tg.cast"(%x) {to = 1 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in dialects/tg_rules/unary.py.

func.func @float_op_on_integers(%x: tensor<2xi32>) {
  // expected-error@+1 {{'tg.exp' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.exp"(%x) : (tensor<2xi32>) -> tensor<2xi32>
  return
}

// -----

func.func @abs_on_bool(%x: tensor<2xi1>) {
  // expected-error@+1 {{'tg.abs' op operand #0 has element type i1, expected one of}}
  %0 = "tg.abs"(%x) : (tensor<2xi1>) -> tensor<2xi1>
  return
}

// -----

func.func @neg_on_unsigned(%x: tensor<2xui8>) {
  // expected-error@+1 {{'tg.neg' op operand #0 has element type ui8, expected one of f16, bf16, f32, f64, i8, i16, i32, i64}}
  %0 = "tg.neg"(%x) : (tensor<2xui8>) -> tensor<2xui8>
  return
}

// -----

func.func @not_on_integers(%x: tensor<2xi8>) {
  // expected-error@+1 {{'tg.not' op operand #0 has element type i8, expected one of i1}}
  %0 = "tg.not"(%x) : (tensor<2xi8>) -> tensor<2xi8>
  return
}

// -----

func.func @bitwise_not_on_floats(%x: tensor<2xf32>) {
  // expected-error@+1 {{'tg.bitwise_not' op operand #0 has element type f32, expected one of i8, i16, i32, i64, ui8, ui16, ui32, ui64}}
  %0 = "tg.bitwise_not"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @activation_on_integers(%x: tensor<2xi32>) {
  // expected-error@+1 {{'tg.elu' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.elu"(%x) {alpha = 1.0 : f32} : (tensor<2xi32>) -> tensor<2xi32>
  return
}

// -----

// Attribute kinds are checked by the IRDL definition before the type rule runs.
func.func @activation_integer_alpha(%x: tensor<2xf32>) {
  // expected-error@+1 {{expected base attribute 'builtin.float' but got 'builtin.integer'}}
  %0 = "tg.leaky_relu"(%x) {alpha = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @shrink_on_bool(%x: tensor<2xi1>) {
  // expected-error@+1 {{'tg.shrink' op operand #0 has element type i1, expected one of}}
  %0 = "tg.shrink"(%x) {bias = 0.0 : f32, lambd = 0.5 : f32} : (tensor<2xi1>) -> tensor<2xi1>
  return
}

// -----

func.func @gelu_on_integers(%x: tensor<2xi64>) {
  // expected-error@+1 {{'tg.gelu' op operand #0 has element type i64, expected one of f16, bf16, f32, f64}}
  %0 = "tg.gelu"(%x) {approximate = "none"} : (tensor<2xi64>) -> tensor<2xi64>
  return
}

// -----

func.func @gelu_unknown_approximation(%x: tensor<2xf32>) {
  // expected-error@+1 {{'tg.gelu' op approximate must be "none" or "tanh", got 'erf'}}
  %0 = "tg.gelu"(%x) {approximate = "erf"} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @is_nan_on_integers(%x: tensor<2xi32>) {
  // expected-error@+1 {{'tg.is_nan' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.is_nan"(%x) : (tensor<2xi32>) -> tensor<2xi1>
  return
}

// -----

func.func @is_nan_result_not_bool(%x: tensor<2xf32>) {
  // expected-error@+1 {{'tg.is_nan' op result #0 has type tensor<2xf32>, but the operands imply tensor<2xi1>}}
  %0 = "tg.is_nan"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @is_inf_on_integers(%x: tensor<2xi32>) {
  // expected-error@+1 {{'tg.is_inf' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.is_inf"(%x) {detect_negative = 1 : i64, detect_positive = 1 : i64} : (tensor<2xi32>) -> tensor<2xi1>
  return
}

// -----

func.func @is_inf_bad_flag(%x: tensor<2xf32>) {
  // expected-error@+1 {{'tg.is_inf' op detect_negative must be 0 or 1}}
  %0 = "tg.is_inf"(%x) {detect_negative = 2 : i64, detect_positive = 1 : i64} : (tensor<2xf32>) -> tensor<2xi1>
  return
}

// -----

func.func @clip_on_bool(%x: tensor<2xi1>, %lo: tensor<i1>, %hi: tensor<i1>) {
  // expected-error@+1 {{'tg.clip' op operand #0 has element type i1, expected one of}}
  %0 = "tg.clip"(%x, %lo, %hi) : (tensor<2xi1>, tensor<i1>, tensor<i1>) -> tensor<2xi1>
  return
}

// -----

func.func @clip_bound_type(%x: tensor<2xf32>, %lo: tensor<f64>, %hi: tensor<f32>) {
  // expected-error@+1 {{'tg.clip' op operand #1 has element type f64, expected f32 like operand #0}}
  %0 = "tg.clip"(%x, %lo, %hi) : (tensor<2xf32>, tensor<f64>, tensor<f32>) -> tensor<2xf32>
  return
}

// -----

func.func @clip_bound_not_scalar(%x: tensor<2xf32>, %lo: tensor<f32>, %hi: tensor<2xf32>) {
  // expected-error@+1 {{'tg.clip' op max must have exactly one element, got shape 2}}
  %0 = "tg.clip"(%x, %lo, %hi) : (tensor<2xf32>, tensor<f32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @prelu_on_bool(%x: tensor<2xi1>, %s: tensor<2xi1>) {
  // expected-error@+1 {{'tg.prelu' op operand #0 has element type i1, expected one of}}
  %0 = "tg.prelu"(%x, %s) : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return
}

// -----

func.func @prelu_slope_type(%x: tensor<2xf32>, %s: tensor<2xf16>) {
  // expected-error@+1 {{'tg.prelu' op operand #1 has element type f16, expected f32 like operand #0}}
  %0 = "tg.prelu"(%x, %s) : (tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return
}

// -----

func.func @prelu_slope_rank(%x: tensor<3xf32>, %s: tensor<1x3xf32>) {
  // expected-error@+1 {{'tg.prelu' op slope of shape 1x3 has a higher rank than x (3)}}
  %0 = "tg.prelu"(%x, %s) : (tensor<3xf32>, tensor<1x3xf32>) -> tensor<3xf32>
  return
}

// -----

// Unidirectional: numpy would broadcast both to 2x4, but x may not grow.
func.func @prelu_slope_does_not_broadcast(%x: tensor<2x1xf32>, %s: tensor<4xf32>) {
  // expected-error@+1 {{'tg.prelu' op slope of shape 4 does not broadcast to x of shape 2x1}}
  %0 = "tg.prelu"(%x, %s) : (tensor<2x1xf32>, tensor<4xf32>) -> tensor<2x1xf32>
  return
}

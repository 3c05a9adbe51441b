// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in dialects/tg_rules/recurrent.py.
func.func @alpha_kind(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op attribute 'activation_alpha' must be an array<f32>}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<i64: 0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @alpha_count(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op attribute 'activation_beta' must have 1 entries (one per activation), got 2}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0, 1.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @int_type(%xw: tensor<4x2x3xi32>, %r: tensor<3x3xi32>, %h: tensor<2x3xi32>) {
  // expected-error@+1 {{'tg.rnn' op operand #0 has element type i32, expected one of f32, f64}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xi32>, tensor<3x3xi32>, tensor<2x3xi32>) -> (tensor<4x2x3xi32>, tensor<2x3xi32>)
  return
}

// -----

func.func @mixed_types(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf64>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op operand #1 has element type f64, expected f32 like operand #0}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf64>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @xw_rank(%xw: tensor<8x3xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op xw must have rank 3 (seq x batch x 1*hidden), got rank 2}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<8x3xf32>, tensor<3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @r_rank(%xw: tensor<4x2x3xf32>, %r: tensor<1x3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op r must have rank 2 (1*hidden x hidden), got rank 3}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<1x3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @dynamic_hidden(%xw: tensor<4x2x3xf32>, %r: tensor<3x?xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op the hidden size must be static}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x?xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @r_shape(%xw: tensor<4x2x3xf32>, %r: tensor<4x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op r must be 1*hidden x hidden, got 4x3}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<4x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @xw_columns(%xw: tensor<4x2x6xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op xw must have 1*hidden = 3 columns, got 6}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x6xf32>, tensor<3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @state_shape(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf32>, %h: tensor<3x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op operand #2 (an initial state) must be batch x hidden or 1 x hidden, got 3x3}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @lens_type(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>, %l: tensor<2xi64>) {
  // expected-error@+1 {{'tg.rnn' op sequence_lens must be a 1-d i32 tensor of the batch size, got 2xi64}}
  %0:2 = "tg.rnn"(%xw, %r, %h, %l) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf32>, tensor<2x3xf32>, tensor<2xi64>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @act_count(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op attribute 'activations' must name 1 functions, got 2}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh,Relu", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @act_unknown(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op unknown activation 'Gelu' (expected one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus)}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Gelu", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @clip(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op attribute 'clip' must be >= 0 (0: no clipping)}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = -1.0 : f32, reverse = 0 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @reverse(%xw: tensor<4x2x3xf32>, %r: tensor<3x3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.rnn' op attribute 'reverse' must be 0 or 1}}
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Tanh", clip = 0.0 : f32, reverse = 2 : i64} : (tensor<4x2x3xf32>, tensor<3x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @peepholes(%xw: tensor<4x2x12xf32>, %r: tensor<12x3xf32>, %p: tensor<12xf32>, %h: tensor<2x3xf32>, %c: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.lstm' op p must be 1-d of 3*hidden = 9 entries, got 12}}
  %0:3 = "tg.lstm"(%xw, %r, %p, %h, %c) {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = "Sigmoid,Tanh,Tanh", clip = 0.0 : f32, input_forget = 0 : i64, reverse = 0 : i64} : (tensor<4x2x12xf32>, tensor<12x3xf32>, tensor<12xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @input_forget(%xw: tensor<4x2x12xf32>, %r: tensor<12x3xf32>, %p: tensor<9xf32>, %h: tensor<2x3xf32>, %c: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.lstm' op attribute 'input_forget' must be 0 or 1}}
  %0:3 = "tg.lstm"(%xw, %r, %p, %h, %c) {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = "Sigmoid,Tanh,Tanh", clip = 0.0 : f32, input_forget = 3 : i64, reverse = 0 : i64} : (tensor<4x2x12xf32>, tensor<12x3xf32>, tensor<9xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @rbh(%xw: tensor<4x2x9xf32>, %r: tensor<9x3xf32>, %rb: tensor<9xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.gru' op rbh must be 1-d of hidden = 3 entries, got 9}}
  %0:2 = "tg.gru"(%xw, %r, %rb, %h) {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = "Sigmoid,Tanh", clip = 0.0 : f32, linear_before_reset = 0 : i64, reverse = 0 : i64} : (tensor<4x2x9xf32>, tensor<9x3xf32>, tensor<9xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @lbr(%xw: tensor<4x2x9xf32>, %r: tensor<9x3xf32>, %rb: tensor<3xf32>, %h: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.gru' op attribute 'linear_before_reset' must be 0 or 1}}
  %0:2 = "tg.gru"(%xw, %r, %rb, %h) {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = "Sigmoid,Tanh", clip = 0.0 : f32, linear_before_reset = 2 : i64, reverse = 0 : i64} : (tensor<4x2x9xf32>, tensor<9x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf32>)
  return
}

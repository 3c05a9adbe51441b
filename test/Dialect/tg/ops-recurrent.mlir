// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of the recurrent ops (one direction of ONNX LSTM/GRU/RNN on the input projection).

// CHECK-LABEL: func.func @lstm
// CHECK-SAME: (%[[XW:[^:]*]]: tensor<5x2x12xf32>, %[[R:[^:]*]]: tensor<12x3xf32>, %[[P:[^:]*]]: tensor<9xf32>, %[[H:[^:]*]]: tensor<2x3xf32>, %[[C:[^:]*]]: tensor<1x3xf32>, %[[L:[^:]*]]: tensor<2xi32>)
// CHECK: "tg.lstm"(%[[XW]], %[[R]], %[[P]], %[[H]], %[[C]], %[[L]]) {{.*}}activations = "Sigmoid,Tanh,Tanh"{{.*}} : (tensor<5x2x12xf32>, tensor<12x3xf32>, tensor<9xf32>, tensor<2x3xf32>, tensor<1x3xf32>, tensor<2xi32>) -> (tensor<5x2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
func.func @lstm(%xw: tensor<5x2x12xf32>, %r: tensor<12x3xf32>, %p: tensor<9xf32>, %h: tensor<2x3xf32>, %c: tensor<1x3xf32>, %l: tensor<2xi32>) -> tensor<5x2x3xf32> {
  %0:3 = "tg.lstm"(%xw, %r, %p, %h, %c, %l) {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = "Sigmoid,Tanh,Tanh", clip = 0.0 : f32, input_forget = 0 : i64, reverse = 1 : i64} : (tensor<5x2x12xf32>, tensor<12x3xf32>, tensor<9xf32>, tensor<2x3xf32>, tensor<1x3xf32>, tensor<2xi32>) -> (tensor<5x2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0 : tensor<5x2x3xf32>
}

// CHECK-LABEL: func.func @gru_dynamic_seq
// CHECK: "tg.gru"({{.*}}) {{.*}}linear_before_reset = 1 : i64{{.*}} : (tensor<?x1x15xf64>, tensor<15x5xf64>, tensor<5xf64>, tensor<1x5xf64>) -> (tensor<?x1x5xf64>, tensor<1x5xf64>)
func.func @gru_dynamic_seq(%xw: tensor<?x1x15xf64>, %r: tensor<15x5xf64>, %rbh: tensor<5xf64>, %h: tensor<1x5xf64>) -> tensor<1x5xf64> {
  %0:2 = "tg.gru"(%xw, %r, %rbh, %h) {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = "Sigmoid,Tanh", clip = 2.0 : f32, linear_before_reset = 1 : i64, reverse = 0 : i64} : (tensor<?x1x15xf64>, tensor<15x5xf64>, tensor<5xf64>, tensor<1x5xf64>) -> (tensor<?x1x5xf64>, tensor<1x5xf64>)
  return %0#1 : tensor<1x5xf64>
}

// CHECK-LABEL: func.func @rnn
// CHECK: "tg.rnn"({{.*}}) {{.*}}activations = "LeakyRelu"{{.*}} : (tensor<4x3x17xf32>, tensor<17x17xf32>, tensor<1x17xf32>) -> (tensor<4x3x17xf32>, tensor<3x17xf32>)
func.func @rnn(%xw: tensor<4x3x17xf32>, %r: tensor<17x17xf32>, %h: tensor<1x17xf32>) -> tensor<3x17xf32> {
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.3>, activation_beta = array<f32: 0.0>, activations = "LeakyRelu", clip = 0.0 : f32, reverse = 0 : i64} : (tensor<4x3x17xf32>, tensor<17x17xf32>, tensor<1x17xf32>) -> (tensor<4x3x17xf32>, tensor<3x17xf32>)
  return %0#1 : tensor<3x17xf32>
}

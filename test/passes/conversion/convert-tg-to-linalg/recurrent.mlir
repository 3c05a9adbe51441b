// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// A reverse RNN: one scf.for over time reading xw at t = seq-1-i; the step is the product
// h . R^T (reduction innermost along a row of R, reassociable adds) and one epilogue that
// clips, activates and writes the new state into the carried one.
// CHECK-DAG: #[[H:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[R:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[ACC:.*]] = affine_map<(d0, d1, d2) -> (d1, d0)>
// CHECK-LABEL: func.func @rnn_reverse
// CHECK-SAME: (%[[XW:[^:]*]]: tensor<4x1x3xf32>, %[[RW:[^:]*]]: tensor<3x3xf32>, %[[H0:[^:]*]]: tensor<1x3xf32>)
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[HC:.*]] = %[[H0]], %[[Y:.*]] = %{{.*}})
// CHECK: %[[T:.*]] = arith.subi %{{.*}}, %[[I]] : index
// CHECK: tensor.extract_slice %[[XW]][%[[T]], 0, 0] [1, 1, 3]
// CHECK: %[[PROD:.*]] = linalg.generic {indexing_maps = [#[[H]], #[[R]], #[[ACC]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[HC]], %[[RW]] : tensor<1x3xf32>, tensor<3x3xf32>)
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc,contract>
// CHECK: %[[NEW:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[PROD]] : tensor<1x3xf32>, tensor<1x3xf32>) outs(%[[HC]] : tensor<1x3xf32>)
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: %[[STORED:.*]] = bufferization.materialize_in_destination %[[NEW]] in %[[HC]]
// CHECK: %[[YT:.*]] = tensor.expand_shape %[[STORED]]
// CHECK: %[[YN:.*]] = tensor.insert_slice %[[YT]] into %[[Y]][%[[T]], 0, 0] [1, 1, 3]
// CHECK: scf.yield %[[STORED]], %[[YN]]
// CHECK: return %[[LOOP]]#1
func.func @rnn_reverse(%xw: tensor<4x1x3xf32>, %r: tensor<3x3xf32>, %h: tensor<1x3xf32>) -> tensor<4x1x3xf32> {
  %0:2 = "tg.rnn"(%xw, %r, %h) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = "Relu", clip = 0.5 : f32, reverse = 1 : i64} : (tensor<4x1x3xf32>, tensor<3x3xf32>, tensor<1x3xf32>) -> (tensor<4x1x3xf32>, tensor<1x3xf32>)
  return %0#0 : tensor<4x1x3xf32>
}

// -----

// An LSTM with sequence_lens: y starts at zero; the epilogue updates h and c in place and
// masks with t < len(b): the old states where inactive, and 0 for y. Initial states of 1 x hidden
// are broadcast over the batch.
// CHECK-LABEL: func.func @lstm_lens
// CHECK-SAME: (%[[XW:[^:]*]]: tensor<3x2x8xf32>, %[[RW:[^:]*]]: tensor<8x2xf32>, %[[P:[^:]*]]: tensor<6xf32>, %[[H0:[^:]*]]: tensor<1x2xf32>, %[[C0:[^:]*]]: tensor<2x2xf32>, %[[L:[^:]*]]: tensor<2xi32>)
// CHECK: %[[HB:.*]] = linalg.generic {{.*}} ins(%[[H0]] : tensor<1x2xf32>) outs(%{{.*}} : tensor<2x2xf32>)
// CHECK: %[[Y0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x2x2xf32>)
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[HC:.*]] = %[[HB]], %[[CC:.*]] = %[[C0]], %[[Y:.*]] = %[[Y0]])
// CHECK: %[[T32:.*]] = arith.index_cast %[[I]] : index to i32
// CHECK: %[[PROD:.*]] = linalg.generic {{.*}} ins(%[[HC]], %[[RW]] : tensor<2x2xf32>, tensor<8x2xf32>)
// CHECK: %[[NEW:.*]]:3 = linalg.generic {{.*}} outs(%[[HC]], %[[CC]], %{{.*}} : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>)
// CHECK: %[[ACTIVE:.*]] = arith.cmpi slt, %[[T32]], %{{.*}} : i32
// CHECK: arith.select %[[ACTIVE]]
// CHECK: bufferization.materialize_in_destination %[[NEW]]#0 in %[[HC]]
// CHECK: bufferization.materialize_in_destination %[[NEW]]#1 in %[[CC]]
// CHECK: tensor.expand_shape %[[NEW]]#2
func.func @lstm_lens(%xw: tensor<3x2x8xf32>, %r: tensor<8x2xf32>, %p: tensor<6xf32>, %h: tensor<1x2xf32>, %c: tensor<2x2xf32>, %l: tensor<2xi32>) -> tensor<3x2x2xf32> {
  %0:3 = "tg.lstm"(%xw, %r, %p, %h, %c, %l) {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = "Sigmoid,Tanh,Tanh", clip = 0.0 : f32, input_forget = 0 : i64, reverse = 0 : i64} : (tensor<3x2x8xf32>, tensor<8x2xf32>, tensor<6xf32>, tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xi32>) -> (tensor<3x2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>)
  return %0#0 : tensor<3x2x2xf32>
}

// -----

// A GRU without linear_before_reset: the z/r product over the first 2*hidden rows of R, an
// epilogue giving r*h and z, the h-gate product of r*h with the last hidden rows, the update.
// CHECK-LABEL: func.func @gru_reset_first
// CHECK-SAME: (%[[XW:[^:]*]]: tensor<?x1x9xf32>, %[[RW:[^:]*]]: tensor<9x3xf32>
// CHECK: %[[SEQ:.*]] = tensor.dim %[[XW]], %{{.*}} : tensor<?x1x9xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[SEQ]] step
// CHECK-DAG: %[[RZR:.*]] = tensor.extract_slice %[[RW]][0, 0] [6, 3] [1, 1]
// CHECK-DAG: %[[RH:.*]] = tensor.extract_slice %[[RW]][6, 0] [3, 3] [1, 1]
// CHECK: %[[ZR:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[RZR]] : tensor<1x3xf32>, tensor<6x3xf32>)
// CHECK: %[[GATES:.*]]:2 = linalg.generic
// CHECK: %[[HPROD:.*]] = linalg.generic {{.*}} ins(%[[GATES]]#0, %[[RH]] : tensor<1x3xf32>, tensor<3x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[GATES]]#1, %{{.*}}, %[[HPROD]], %{{.*}} : tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<3xf32>)
func.func @gru_reset_first(%xw: tensor<?x1x9xf32>, %r: tensor<9x3xf32>, %rbh: tensor<3xf32>, %h: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %0:2 = "tg.gru"(%xw, %r, %rbh, %h) {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = "Sigmoid,Tanh", clip = 0.0 : f32, linear_before_reset = 0 : i64, reverse = 0 : i64} : (tensor<?x1x9xf32>, tensor<9x3xf32>, tensor<3xf32>, tensor<1x3xf32>) -> (tensor<?x1x3xf32>, tensor<1x3xf32>)
  return %0#1 : tensor<1x3xf32>
}

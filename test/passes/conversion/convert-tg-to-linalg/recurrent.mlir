// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// A reverse RNN: R packed once before the loop (each gate padded to 8 rows, a block of 64
// rows transposed: 1 x hidden x 64); one scf.for over time reading xw at t = seq-1-i; the step
// is the product h . R^T as a loop over k with a vector<8> accumulator (FMA of the broadcast
// h[k] with a row of the packed block) and one epilogue that clips, activates and writes the
// new state into the carried one.
// CHECK-LABEL: func.func @rnn_reverse
// CHECK-SAME: (%[[XW:[^:]*]]: tensor<4x1x3xf32>, %[[RW:[^:]*]]: tensor<3x3xf32>, %[[H0:[^:]*]]: tensor<1x3xf32>)
// CHECK: %[[G:.*]] = tensor.expand_shape %[[RW]] {{\[\[}}0, 1], [2]] output_shape [1, 3, 3]
// CHECK: %[[GP:.*]] = tensor.pad %[[G]] low[0, 0, 0] high[0, 5, 0]
// CHECK: tensor.pad %{{.*}} low[0, 0, 0] high[0, 56, 0]
// CHECK: %[[T4:.*]] = linalg.transpose ins(%{{.*}} : tensor<1x1x64x3xf32>) outs(%{{.*}} : tensor<1x1x3x64xf32>) permutation = [0, 1, 3, 2]
// CHECK: %[[PACKED:.*]] = tensor.collapse_shape %[[T4]] {{\[\[}}0, 1], [2], [3]] : tensor<1x1x3x64xf32> into tensor<1x3x64xf32>
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[I:[^ ]*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[HC:.*]] = %[[H0]], %[[Y:.*]] = %{{.*}})
// CHECK: %[[T:.*]] = arith.subi %{{.*}}, %[[I]] : index
// CHECK: tensor.extract_slice %[[XW]][%[[T]], 0, 0] [1, 1, 3]
// CHECK: %[[ACC0:.*]] = bufferization.alloc_tensor() : tensor<1x8xf32>
// CHECK: %[[SUM:.*]] = scf.for %[[K:[^ ]*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (vector<8xf32>)
// CHECK: %[[HK:.*]] = tensor.extract %[[HC]][%{{.*}}, %[[K]]] : tensor<1x3xf32>
// CHECK: %[[HB:.*]] = vector.broadcast %[[HK]] : f32 to vector<8xf32>
// CHECK: %[[ROW:.*]] = vector.transfer_read %[[PACKED]][%{{.*}}, %[[K]], %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x3x64xf32>, vector<8xf32>
// CHECK: %[[FMA:.*]] = vector.fma %[[ROW]], %[[HB]], %[[A]] : vector<8xf32>
// CHECK: scf.yield %[[FMA]]
// CHECK: %[[PROD:.*]] = vector.transfer_write %[[SUM]], %[[ACC0]]
// CHECK: %[[GATE:.*]] = tensor.extract_slice %[[PROD]][0, 0] [1, 3] [1, 1] : tensor<1x8xf32> to tensor<1x3xf32>
// CHECK: %[[NEW:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[GATE]] : tensor<1x3xf32>, tensor<1x3xf32>) outs(%[[HC]] : tensor<1x3xf32>)
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

// An LSTM with sequence_lens: y starts at zero; the product of batch 2 loops over the batch
// rows, 4 accumulators (4 gates of 2 rows, each padded to 8); the epilogue reads gate q at
// column 8q, updates h and c in place and masks with t < len(b): the old states where
// inactive, and 0 for y. Initial states of 1 x hidden are broadcast over the batch.
// CHECK-LABEL: func.func @lstm_lens
// CHECK-SAME: (%[[XW:[^:]*]]: tensor<3x2x8xf32>, %[[RW:[^:]*]]: tensor<8x2xf32>, %[[P:[^:]*]]: tensor<6xf32>, %[[H0:[^:]*]]: tensor<1x2xf32>, %[[C0:[^:]*]]: tensor<2x2xf32>, %[[L:[^:]*]]: tensor<2xi32>)
// CHECK: %[[HB:.*]] = linalg.generic {{.*}} ins(%[[H0]] : tensor<1x2xf32>) outs(%{{.*}} : tensor<2x2xf32>)
// CHECK: %[[Y0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x2x2xf32>)
// CHECK: tensor.pad %{{.*}} low[0, 0, 0] high[0, 6, 0]
// CHECK: %[[PACKED:.*]] = tensor.collapse_shape %{{.*}} : tensor<1x1x2x64xf32> into tensor<1x2x64xf32>
// CHECK: scf.for %[[I:[^ ]*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[HC:.*]] = %[[HB]], %[[CC:.*]] = %[[C0]], %[[Y:.*]] = %[[Y0]])
// CHECK: %[[T32:.*]] = arith.index_cast %[[I]] : index to i32
// CHECK: %[[PROD:.*]] = scf.for %[[B:[^ ]*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<2x32xf32>)
// CHECK: scf.for %[[K:[^ ]*]] = {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: tensor.extract %[[HC]][%[[B]], %[[K]]] : tensor<2x2xf32>
// CHECK-COUNT-4: vector.fma
// CHECK-COUNT-4: vector.transfer_write
// CHECK: tensor.extract_slice %[[PROD]][0, 0] [2, 2]
// CHECK: tensor.extract_slice %[[PROD]][0, 8] [2, 2]
// CHECK: tensor.extract_slice %[[PROD]][0, 16] [2, 2]
// CHECK: tensor.extract_slice %[[PROD]][0, 24] [2, 2]
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

// A GRU without linear_before_reset: R packed as two groups (z,r and h; the missing fourth
// gate is zeros); the z/r product over group 0, an epilogue giving r*h and z, the h-gate
// product of r*h over group 1, the update. A dynamic seq is the loop's trip count.
// CHECK-LABEL: func.func @gru_reset_first
// CHECK-SAME: (%[[XW:[^:]*]]: tensor<?x1x9xf32>, %[[RW:[^:]*]]: tensor<9x3xf32>
// CHECK: %[[SEQ:.*]] = tensor.dim %[[XW]], %{{.*}} : tensor<?x1x9xf32>
// CHECK: tensor.pad %{{.*}} low[0, 0, 0] high[1, 5, 0]
// CHECK: } : tensor<3x3x3xf32> to tensor<4x8x3xf32>
// CHECK: tensor.expand_shape %{{.*}} output_shape [2, 16, 3]
// CHECK: %[[PACKED:.*]] = tensor.collapse_shape %{{.*}} : tensor<2x1x3x64xf32> into tensor<2x3x64xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[SEQ]] step %{{.*}} iter_args(%[[HC:.*]] = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>)
// CHECK: tensor.extract %[[HC]]
// CHECK: vector.transfer_read %[[PACKED]][%c0{{[_0-9]*}},
// CHECK: %[[GATES:.*]]:2 = linalg.generic
// CHECK: scf.for {{.*}} -> (vector<8xf32>)
// CHECK: tensor.extract %[[GATES]]#0
// CHECK: vector.transfer_read %[[PACKED]][%c1{{[_0-9]*}},
// CHECK: %[[HPROD:.*]] = vector.transfer_write
// CHECK: %[[HG:.*]] = tensor.extract_slice %[[HPROD]][0, 0] [1, 3]
// CHECK: linalg.generic {{.*}} ins(%[[GATES]]#1, %{{.*}}, %[[HG]], %{{.*}} : tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<3xf32>)
func.func @gru_reset_first(%xw: tensor<?x1x9xf32>, %r: tensor<9x3xf32>, %rbh: tensor<3xf32>, %h: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %0:2 = "tg.gru"(%xw, %r, %rbh, %h) {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = "Sigmoid,Tanh", clip = 0.0 : f32, linear_before_reset = 0 : i64, reverse = 0 : i64} : (tensor<?x1x9xf32>, tensor<9x3xf32>, tensor<3xf32>, tensor<1x3xf32>) -> (tensor<?x1x3xf32>, tensor<1x3xf32>)
  return %0#1 : tensor<1x3xf32>
}

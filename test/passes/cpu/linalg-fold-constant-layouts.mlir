// RUN: polytile-opt %s --split-input-file --linalg-fold-constant-layouts | FileCheck %s

// Packing a constant weight (expand + transpose) is done at compile time.
// CHECK-LABEL: func.func @pack_weights
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 1.000000e+00], [4.000000e+00, 5.000000e+00]], {{\[}}[2.000000e+00, 3.000000e+00], [6.000000e+00, 7.000000e+00]]]> : tensor<2x2x2xf32>
// CHECK-NOT: linalg.transpose
// CHECK: return %[[W]]
func.func @pack_weights() -> tensor<2x2x2xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]> : tensor<2x4xf32>
  %e = tensor.expand_shape %w [[0], [1, 2]] output_shape [2, 2, 2] : tensor<2x4xf32> into tensor<2x2x2xf32>
  %init = tensor.empty() : tensor<2x2x2xf32>
  %t = linalg.transpose ins(%e : tensor<2x2x2xf32>) outs(%init : tensor<2x2x2xf32>) permutation = [1, 0, 2]
  return %t : tensor<2x2x2xf32>
}

// -----

// Zero padding of a constant folds too.
// CHECK-LABEL: func.func @pad
// CHECK: %[[P:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<2x2xf32>
// CHECK: return %[[P]]
func.func @pad() -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %w low[0, 0] high[1, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %z : f32
  } : tensor<1x2xf32> to tensor<2x2xf32>
  return %p : tensor<2x2xf32>
}

// -----

// A transpose of a function argument is left for run time.
// CHECK-LABEL: func.func @runtime
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK: linalg.transpose ins(%[[X]]
func.func @runtime(%x: tensor<2x4xf32>) -> tensor<4x2xf32> {
  %init = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%x : tensor<2x4xf32>) outs(%init : tensor<4x2xf32>) permutation = [1, 0]
  return %t : tensor<4x2xf32>
}

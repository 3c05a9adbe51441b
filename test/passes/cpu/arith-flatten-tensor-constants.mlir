// RUN: polytile-opt %s --split-input-file --arith-flatten-tensor-constants='min-elements=4' | FileCheck %s

// CHECK-LABEL: func.func @weights
// CHECK: %[[FLAT:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]> : tensor<6xf32>
// CHECK: %[[W:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK: return %[[W]]
func.func @weights() -> tensor<2x3xf32> {
  %0 = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Splats, 1-d constants and small constants stay as they are.
// CHECK-LABEL: func.func @unchanged
// CHECK-NOT: tensor.expand_shape
// CHECK: arith.constant dense<5.000000e-01> : tensor<4x4xf32>
// CHECK: arith.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi32>
// CHECK: arith.constant dense<{{\[\[}}1, 2]]> : tensor<1x2xi32>
func.func @unchanged() -> (tensor<4x4xf32>, tensor<5xi32>, tensor<1x2xi32>) {
  %0 = arith.constant dense<0.5> : tensor<4x4xf32>
  %1 = arith.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi32>
  %2 = arith.constant dense<[[1, 2]]> : tensor<1x2xi32>
  return %0, %1, %2 : tensor<4x4xf32>, tensor<5xi32>, tensor<1x2xi32>
}

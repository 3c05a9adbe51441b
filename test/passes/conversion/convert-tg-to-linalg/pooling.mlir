// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// AveragePool: window sums of the zero-padded input, divided by a compile-time table of how many
// taps of each window fall inside the input (count_include_pad = 0): 4 at corners, 9 inside.
// CHECK-LABEL: func.func @average_pool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x1x5x5xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[SUM:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PAD]], %{{.*}} : tensor<1x1x7x7xf32>, tensor<3x3xf32>)
// CHECK: arith.addf
// CHECK: %[[COUNTS:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]]]> : tensor<1x1x3x3xf32>
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[COUNTS]] : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>)
// CHECK: arith.divf
func.func @average_pool(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = "tg.average_pool"(%x) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// MaxPool with Indices: one window generic carries the value and its row-major flat index (the
// first maximum wins, padding never does); storage_order 1 re-linearizes the index column-major.
// CHECK-LABEL: func.func @max_pool_with_indices
// CHECK: %[[VI:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
// CHECK: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32, %[[ACC:.*]]: f32, %[[IDX:.*]]: i64):
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[ACC]] : f32
// CHECK: %[[TAKE:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK: arith.select %[[TAKE]], %[[V]], %[[ACC]] : f32
// CHECK: %[[COL:.*]] = linalg.generic {{.*}} ins(%[[VI]]#1 : tensor<1x1x2x2xi64>)
// CHECK: arith.remsi
// CHECK: return %[[VI]]#0, %[[COL]]
func.func @max_pool_with_indices(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  %0:2 = "tg.max_pool_with_indices"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %0#0, %0#1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

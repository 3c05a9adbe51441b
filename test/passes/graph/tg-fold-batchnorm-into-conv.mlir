// RUN: polytile-opt %s --split-input-file --tg-fold-batchnorm-into-conv | FileCheck %s

// s = scale / sqrt(var + eps) = [2, 1.5]; w' = w * s per output channel;
// b' = (bias - mean) * s + b = [(1 - 1) * 2 + 0.5, (2 - 4) * 1.5 - 1].
// CHECK-LABEL: func.func @fold_with_bias
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x1x3x3xf32>)
// CHECK-DAG: %[[W:.*]] = "tg.constant"() {value = dense<{{\[}}{{\[}}{{\[}}[2.000000e+00, 4.000000e+00], [6.000000e+00, 8.000000e+00]]], {{\[}}{{\[}}[1.500000e+00, 1.500000e+00], [1.500000e+00, 1.500000e+00]]]]> : tensor<2x1x2x2xf32>}
// CHECK-DAG: %[[B:.*]] = "tg.constant"() {value = dense<[5.000000e-01, -4.000000e+00]> : tensor<2xf32>}
// CHECK: %[[Y:.*]] = "tg.conv"(%[[X]], %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
// CHECK-NOT: tg.batch_normalization
// CHECK: return %[[Y]]
func.func @fold_with_bias(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tg.constant"() {value = dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[1.0, 1.0], [1.0, 1.0]]]]> : tensor<2x1x2x2xf32>} : () -> tensor<2x1x2x2xf32>
  %bias = "tg.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %scale = "tg.constant"() {value = dense<[2.0, 3.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %b = "tg.constant"() {value = dense<[0.5, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %mean = "tg.constant"() {value = dense<[1.0, 4.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %var = "tg.constant"() {value = dense<[0.5, 3.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "tg.conv"(%x, %w, %bias) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = "tg.batch_normalization"(%0, %scale, %b, %mean, %var) {epsilon = 0.5 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// A conv without bias gets one: b' = b - mean * s. Strides, pads, groups
// (depthwise here) and f64 carry over.
// CHECK-LABEL: func.func @fold_no_bias_depthwise
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x4x4xf64>)
// CHECK-DAG: %[[W:.*]] = "tg.constant"() {value = dense<{{\[}}{{\[}}{{\[}}[2.000000e+00]]], {{\[}}{{\[}}[5.000000e-01]]]]> : tensor<2x1x1x1xf64>}
// CHECK-DAG: %[[B:.*]] = "tg.constant"() {value = dense<[-1.000000e+00, 3.000000e+00]> : tensor<2xf64>}
// CHECK: %[[Y:.*]] = "tg.conv"(%[[X]], %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
// CHECK-SAME: -> tensor<1x2x3x3xf64>
// CHECK: return %[[Y]]
func.func @fold_no_bias_depthwise(%x: tensor<1x2x4x4xf64>) -> tensor<1x2x3x3xf64> {
  %w = "tg.constant"() {value = dense<1.0> : tensor<2x1x1x1xf64>} : () -> tensor<2x1x1x1xf64>
  %scale = "tg.constant"() {value = dense<[4.0, 1.0]> : tensor<2xf64>} : () -> tensor<2xf64>
  %b = "tg.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf64>} : () -> tensor<2xf64>
  %mean = "tg.constant"() {value = dense<[1.0, -2.0]> : tensor<2xf64>} : () -> tensor<2xf64>
  %var = "tg.constant"() {value = dense<[4.0, 4.0]> : tensor<2xf64>} : () -> tensor<2xf64>
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf64>, tensor<2x1x1x1xf64>) -> tensor<1x2x3x3xf64>
  %1 = "tg.batch_normalization"(%0, %scale, %b, %mean, %var) {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>) -> tensor<1x2x3x3xf64>
  return %1 : tensor<1x2x3x3xf64>
}

// -----

// The conv result has a second use: folding would need two convs, so both stay.
// CHECK-LABEL: func.func @conv_result_used_twice
// CHECK: %[[C:.*]] = "tg.conv"
// CHECK: %[[N:.*]] = "tg.batch_normalization"(%[[C]],
// CHECK: return %[[N]], %[[C]]
func.func @conv_result_used_twice(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = "tg.constant"() {value = dense<2.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %p = "tg.constant"() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %1 = "tg.batch_normalization"(%0, %p, %p, %p, %p) {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %1, %0 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// Weights that are not constants stay.
// CHECK-LABEL: func.func @weight_not_constant
// CHECK: "tg.conv"
// CHECK: "tg.batch_normalization"
func.func @weight_not_constant(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32> {
  %p = "tg.constant"() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %1 = "tg.batch_normalization"(%0, %p, %p, %p, %p) {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %1 : tensor<1x1x2x2xf32>
}

// -----

// Neither does a conv bias or normalization statistic known only at run time.
// CHECK-LABEL: func.func @parameters_not_constant
// CHECK: "tg.conv"
// CHECK: "tg.batch_normalization"
// CHECK: "tg.conv"
// CHECK: "tg.batch_normalization"
func.func @parameters_not_constant(%x: tensor<1x1x2x2xf32>, %bias: tensor<1xf32>, %mean: tensor<1xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = "tg.constant"() {value = dense<2.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %p = "tg.constant"() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = "tg.conv"(%x, %w, %bias) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %1 = "tg.batch_normalization"(%0, %p, %p, %p, %p) {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %2 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %3 = "tg.batch_normalization"(%2, %p, %p, %mean, %p) {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %1, %3 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// A normalization of something else than a conv stays.
// CHECK-LABEL: func.func @not_after_conv
// CHECK: %[[R:.*]] = "tg.relu"
// CHECK: "tg.batch_normalization"(%[[R]],
func.func @not_after_conv(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %p = "tg.constant"() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = "tg.relu"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %1 = "tg.batch_normalization"(%0, %p, %p, %p, %p) {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %1 : tensor<1x1x2x2xf32>
}

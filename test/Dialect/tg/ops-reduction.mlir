// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of every op of the reduction family. Result types are the ones
// the type rules infer (polytile-opt rejects any other), so each case also
// pins a shape rule.

// Reduce dims 0 and 2, keeping them as 1.
// CHECK-LABEL: func.func @reduce_sum_keepdims
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.*]] = "tg.reduce_sum"(%[[X]]) {axes = array<i64: 0, 2>, keepdims = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
// CHECK: return %[[R]]
func.func @reduce_sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %0 = "tg.reduce_sum"(%x) {axes = array<i64: 0, 2>, keepdims = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// Without keepdims the reduced dims disappear.
// CHECK-LABEL: func.func @reduce_mean_dropdims
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf64>)
// CHECK: %[[R:.*]] = "tg.reduce_mean"(%[[X]]) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x3x4xf64>) -> tensor<2x4xf64>
// CHECK: return %[[R]]
func.func @reduce_mean_dropdims(%x: tensor<2x3x4xf64>) -> tensor<2x4xf64> {
  %0 = "tg.reduce_mean"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x3x4xf64>) -> tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// Max of booleans (logical or).
// CHECK-LABEL: func.func @reduce_max_bool
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi1>)
// CHECK: %[[R:.*]] = "tg.reduce_max"(%[[X]]) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x3xi1>) -> tensor<2x1xi1>
// CHECK: return %[[R]]
func.func @reduce_max_bool(%x: tensor<2x3xi1>) -> tensor<2x1xi1> {
  %0 = "tg.reduce_max"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x3xi1>) -> tensor<2x1xi1>
  return %0 : tensor<2x1xi1>
}

// CHECK-LABEL: func.func @reduce_min_unsigned
// CHECK-SAME: (%[[X:.*]]: tensor<5xui8>)
// CHECK: %[[R:.*]] = "tg.reduce_min"(%[[X]]) {axes = array<i64: 0>, keepdims = 0 : i64} : (tensor<5xui8>) -> tensor<ui8>
// CHECK: return %[[R]]
func.func @reduce_min_unsigned(%x: tensor<5xui8>) -> tensor<ui8> {
  %0 = "tg.reduce_min"(%x) {axes = array<i64: 0>, keepdims = 0 : i64} : (tensor<5xui8>) -> tensor<ui8>
  return %0 : tensor<ui8>
}

// No axes: nothing is reduced (ONNX's noop_with_empty_axes).
// CHECK-LABEL: func.func @reduce_prod_no_axes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi32>)
// CHECK: %[[R:.*]] = "tg.reduce_prod"(%[[X]]) {axes = array<i64>, keepdims = 1 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK: return %[[R]]
func.func @reduce_prod_no_axes(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = "tg.reduce_prod"(%x) {axes = array<i64>, keepdims = 1 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @reduce_l1
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf16>)
// CHECK: %[[R:.*]] = "tg.reduce_l1"(%[[X]]) {axes = array<i64: 0, 1>, keepdims = 0 : i64} : (tensor<2x3xf16>) -> tensor<f16>
// CHECK: return %[[R]]
func.func @reduce_l1(%x: tensor<2x3xf16>) -> tensor<f16> {
  %0 = "tg.reduce_l1"(%x) {axes = array<i64: 0, 1>, keepdims = 0 : i64} : (tensor<2x3xf16>) -> tensor<f16>
  return %0 : tensor<f16>
}

// CHECK-LABEL: func.func @reduce_l2
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi64>)
// CHECK: %[[R:.*]] = "tg.reduce_l2"(%[[X]]) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x3xi64>) -> tensor<2x1xi64>
// CHECK: return %[[R]]
func.func @reduce_l2(%x: tensor<2x3xi64>) -> tensor<2x1xi64> {
  %0 = "tg.reduce_l2"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<2x3xi64>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// CHECK-LABEL: func.func @reduce_log_sum
// CHECK-SAME: (%[[X:.*]]: tensor<4x5xf32>)
// CHECK: %[[R:.*]] = "tg.reduce_log_sum"(%[[X]]) {axes = array<i64: 0>, keepdims = 1 : i64} : (tensor<4x5xf32>) -> tensor<1x5xf32>
// CHECK: return %[[R]]
func.func @reduce_log_sum(%x: tensor<4x5xf32>) -> tensor<1x5xf32> {
  %0 = "tg.reduce_log_sum"(%x) {axes = array<i64: 0>, keepdims = 1 : i64} : (tensor<4x5xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// CHECK-LABEL: func.func @reduce_log_sum_exp
// CHECK-SAME: (%[[X:.*]]: tensor<4x5xf32>)
// CHECK: %[[R:.*]] = "tg.reduce_log_sum_exp"(%[[X]]) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<4x5xf32>) -> tensor<4xf32>
// CHECK: return %[[R]]
func.func @reduce_log_sum_exp(%x: tensor<4x5xf32>) -> tensor<4xf32> {
  %0 = "tg.reduce_log_sum_exp"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<4x5xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @reduce_sum_square
// CHECK-SAME: (%[[X:.*]]: tensor<3xui32>)
// CHECK: %[[R:.*]] = "tg.reduce_sum_square"(%[[X]]) {axes = array<i64: 0>, keepdims = 1 : i64} : (tensor<3xui32>) -> tensor<1xui32>
// CHECK: return %[[R]]
func.func @reduce_sum_square(%x: tensor<3xui32>) -> tensor<1xui32> {
  %0 = "tg.reduce_sum_square"(%x) {axes = array<i64: 0>, keepdims = 1 : i64} : (tensor<3xui32>) -> tensor<1xui32>
  return %0 : tensor<1xui32>
}

// Arg reductions return i64 indices.
// CHECK-LABEL: func.func @arg_max
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.*]] = "tg.arg_max"(%[[X]]) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
// CHECK: return %[[R]]
func.func @arg_max(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xi64> {
  %0 = "tg.arg_max"(%x) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  return %0 : tensor<2x1x4xi64>
}

// CHECK-LABEL: func.func @arg_min
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xui16>)
// CHECK: %[[R:.*]] = "tg.arg_min"(%[[X]]) {axis = 0 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x3xui16>) -> tensor<3xi64>
// CHECK: return %[[R]]
func.func @arg_min(%x: tensor<2x3xui16>) -> tensor<3xi64> {
  %0 = "tg.arg_min"(%x) {axis = 0 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x3xui16>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.*]] = "tg.softmax"(%[[X]]) {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
// CHECK: return %[[R]]
func.func @softmax(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = "tg.softmax"(%x) {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// Opset < 13 semantics: every dim from `axis` on.
// CHECK-LABEL: func.func @log_softmax_coerced
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf16>)
// CHECK: %[[R:.*]] = "tg.log_softmax"(%[[X]]) {axes = array<i64: 1, 2>} : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
// CHECK: return %[[R]]
func.func @log_softmax_coerced(%x: tensor<2x3x4xf16>) -> tensor<2x3x4xf16> {
  %0 = "tg.log_softmax"(%x) {axes = array<i64: 1, 2>} : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
  return %0 : tensor<2x3x4xf16>
}

// CHECK-LABEL: func.func @hardmax
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf64>)
// CHECK: %[[R:.*]] = "tg.hardmax"(%[[X]]) {axes = array<i64: 0>} : (tensor<3x4xf64>) -> tensor<3x4xf64>
// CHECK: return %[[R]]
func.func @hardmax(%x: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %0 = "tg.hardmax"(%x) {axes = array<i64: 0>} : (tensor<3x4xf64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// Mean and InvStdDev have the stash type (here f32) and keep the leading dims.
// CHECK-LABEL: func.func @layer_normalization
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf16>, %[[SCALE:.*]]: tensor<3x4xf16>, %[[B:.*]]: tensor<4xf16>)
// CHECK: %[[R:.*]]:3 = "tg.layer_normalization"(%[[X]], %[[SCALE]], %[[B]]) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3x4xf16>, tensor<3x4xf16>, tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @layer_normalization(%x: tensor<2x3x4xf16>, %scale: tensor<3x4xf16>, %b: tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) {
  %0:3 = "tg.layer_normalization"(%x, %scale, %b) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3x4xf16>, tensor<3x4xf16>, tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x3x4xf16>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
}

// CHECK-LABEL: func.func @layer_normalization_no_bias
// CHECK-SAME: (%[[X:.*]]: tensor<2x5xf32>, %[[SCALE:.*]]: tensor<5xf32>)
// CHECK: %[[R:.*]]:3 = "tg.layer_normalization"(%[[X]], %[[SCALE]]) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 11 : i64} : (tensor<2x5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf64>, tensor<2x1xf64>)
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @layer_normalization_no_bias(%x: tensor<2x5xf32>, %scale: tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf64>, tensor<2x1xf64>) {
  %0:3 = "tg.layer_normalization"(%x, %scale) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 11 : i64} : (tensor<2x5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf64>, tensor<2x1xf64>)
  return %0#0, %0#1, %0#2 : tensor<2x5xf32>, tensor<2x1xf64>, tensor<2x1xf64>
}

// CHECK-LABEL: func.func @rms_normalization
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[SCALE:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = "tg.rms_normalization"(%[[X]], %[[SCALE]]) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
// CHECK: return %[[R]]
func.func @rms_normalization(%x: tensor<2x3x4xf32>, %scale: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = "tg.rms_normalization"(%x, %scale) {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @instance_normalization
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x5xf32>, %[[SCALE:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[R:.*]] = "tg.instance_normalization"(%[[X]], %[[SCALE]], %[[B]]) {epsilon = 9.99999974E-6 : f32} : (tensor<2x3x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x5xf32>
// CHECK: return %[[R]]
func.func @instance_normalization(%x: tensor<2x3x5xf32>, %scale: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<2x3x5xf32> {
  %0 = "tg.instance_normalization"(%x, %scale, %b) {epsilon = 9.99999974E-6 : f32} : (tensor<2x3x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// Opset 21: scale and bias have one entry per channel.
// CHECK-LABEL: func.func @group_normalization_per_channel
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x3x3xf32>, %[[SCALE:.*]]: tensor<4xf32>, %[[BIAS:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = "tg.group_normalization"(%[[X]], %[[SCALE]], %[[BIAS]]) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3x3xf32>
// CHECK: return %[[R]]
func.func @group_normalization_per_channel(%x: tensor<2x4x3x3xf32>, %scale: tensor<4xf32>, %bias: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %0 = "tg.group_normalization"(%x, %scale, %bias) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3x3xf32>
  return %0 : tensor<2x4x3x3xf32>
}

// Opset 18: one entry per group.
// CHECK-LABEL: func.func @group_normalization_per_group
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x3xf32>, %[[SCALE:.*]]: tensor<2xf32>, %[[BIAS:.*]]: tensor<2xf32>)
// CHECK: %[[R:.*]] = "tg.group_normalization"(%[[X]], %[[SCALE]], %[[BIAS]]) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<2x4x3xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x4x3xf32>
// CHECK: return %[[R]]
func.func @group_normalization_per_group(%x: tensor<2x4x3xf32>, %scale: tensor<2xf32>, %bias: tensor<2xf32>) -> tensor<2x4x3xf32> {
  %0 = "tg.group_normalization"(%x, %scale, %bias) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<2x4x3xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// CHECK-LABEL: func.func @lp_normalization
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>)
// CHECK: %[[R:.*]] = "tg.lp_normalization"(%[[X]]) {axis = 1 : i64, p = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK: return %[[R]]
func.func @lp_normalization(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "tg.lp_normalization"(%x) {axis = 1 : i64, p = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @mean_variance_normalization
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>)
// CHECK: %[[R:.*]] = "tg.mean_variance_normalization"(%[[X]]) {axes = array<i64: 0, 2, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
// CHECK: return %[[R]]
func.func @mean_variance_normalization(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = "tg.mean_variance_normalization"(%x) {axes = array<i64: 0, 2, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// CHECK-LABEL: func.func @lrn
// CHECK-SAME: (%[[X:.*]]: tensor<1x5x3x3xf32>)
// CHECK: %[[R:.*]] = "tg.lrn"(%[[X]]) {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 3 : i64} : (tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
// CHECK: return %[[R]]
func.func @lrn(%x: tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32> {
  %0 = "tg.lrn"(%x) {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 3 : i64} : (tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
  return %0 : tensor<1x5x3x3xf32>
}

// CHECK-LABEL: func.func @cum_sum
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi32>)
// CHECK: %[[R:.*]] = "tg.cum_sum"(%[[X]]) {axis = 1 : i64, exclusive = 1 : i64, reverse = 0 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK: return %[[R]]
func.func @cum_sum(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = "tg.cum_sum"(%x) {axis = 1 : i64, exclusive = 1 : i64, reverse = 0 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @cum_prod
// CHECK-SAME: (%[[X:.*]]: tensor<4xf64>)
// CHECK: %[[R:.*]] = "tg.cum_prod"(%[[X]]) {axis = 0 : i64, exclusive = 0 : i64, reverse = 1 : i64} : (tensor<4xf64>) -> tensor<4xf64>
// CHECK: return %[[R]]
func.func @cum_prod(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = "tg.cum_prod"(%x) {axis = 0 : i64, exclusive = 0 : i64, reverse = 1 : i64} : (tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// Values keep the element type, indices are i64; dim `axis` becomes k.
// CHECK-LABEL: func.func @top_k
// CHECK-SAME: (%[[X:.*]]: tensor<3x5xf32>)
// CHECK: %[[R:.*]]:2 = "tg.top_k"(%[[X]]) {axis = 1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @top_k(%x: tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0:2 = "tg.top_k"(%x) {axis = 1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

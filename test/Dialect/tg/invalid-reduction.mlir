// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in dialects/tg_rules/reduction.py.
func.func @reduce_float_only_on_bool(%x: tensor<2xi1>) {
  // expected-error@+1 {{'tg.reduce_sum' op operand #0 has element type i1, expected one of}}
  %0 = "tg.reduce_sum"(%x) {axes = array<i64: 0>, keepdims = 1 : i64} : (tensor<2xi1>) -> tensor<1xi1>
  return
}

// -----

func.func @reduce_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.reduce_max' op attribute 'axes' has entry 2, outside [0, 2)}}
  %0 = "tg.reduce_max"(%x) {axes = array<i64: 2>, keepdims = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_negative_axis(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.reduce_mean' op attribute 'axes' has entry -1, outside [0, 2)}}
  %0 = "tg.reduce_mean"(%x) {axes = array<i64: -1>, keepdims = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_axes_unsorted(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.reduce_sum' op attribute 'axes' must be sorted and unique, got [1, 0]}}
  %0 = "tg.reduce_sum"(%x) {axes = array<i64: 1, 0>, keepdims = 1 : i64} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @reduce_keepdims_not_flag(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.reduce_sum' op attribute 'keepdims' must be 0 or 1, got 2}}
  %0 = "tg.reduce_sum"(%x) {axes = array<i64: 1>, keepdims = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_wrong_result(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.reduce_prod' op result #0 has type tensor<2x1xf32>, but the operands imply tensor<2xf32>}}
  %0 = "tg.reduce_prod"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @arg_max_on_bool(%x: tensor<2xi1>) {
  // expected-error@+1 {{'tg.arg_max' op operand #0 has element type i1, expected one of}}
  %0 = "tg.arg_max"(%x) {axis = 0 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2xi1>) -> tensor<1xi64>
  return
}

// -----

func.func @arg_min_rank0(%x: tensor<f32>) {
  // expected-error@+1 {{'tg.arg_min' op input must have rank >= 1}}
  %0 = "tg.arg_min"(%x) {axis = 0 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<f32>) -> tensor<i64>
  return
}

// -----

func.func @arg_max_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.arg_max' op attribute 'axis' is 2, outside [0, 2)}}
  %0 = "tg.arg_max"(%x) {axis = 2 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi64>
  return
}

// -----

func.func @arg_max_select_last_not_flag(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.arg_max' op attribute 'select_last_index' must be 0 or 1, got 3}}
  %0 = "tg.arg_max"(%x) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return
}

// -----

func.func @arg_max_result_not_i64(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.arg_max' op result #0 has type tensor<2x1xi32>, but the operands imply tensor<2x1xi64>}}
  %0 = "tg.arg_max"(%x) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi32>
  return
}

// -----

func.func @softmax_on_integers(%x: tensor<2x3xi32>) {
  // expected-error@+1 {{'tg.softmax' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.softmax"(%x) {axes = array<i64: 1>} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @softmax_rank0(%x: tensor<f32>) {
  // expected-error@+1 {{'tg.log_softmax' op input must have rank >= 1}}
  %0 = "tg.log_softmax"(%x) {axes = array<i64>} : (tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @hardmax_no_axes(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.hardmax' op attribute 'axes' must not be empty}}
  %0 = "tg.hardmax"(%x) {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_on_integers(%x: tensor<2x3xi32>, %s: tensor<3xi32>) {
  // expected-error@+1 {{'tg.layer_normalization' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0:3 = "tg.layer_normalization"(%x, %s) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<2x3xi32>, tensor<3xi32>) -> (tensor<2x3xi32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_mixed_types(%x: tensor<2x3xf32>, %s: tensor<3xf16>) {
  // expected-error@+1 {{'tg.layer_normalization' op operand #1 has element type f16, expected f32 like operand #0}}
  %0:3 = "tg.layer_normalization"(%x, %s) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<2x3xf32>, tensor<3xf16>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_rank0(%x: tensor<f32>, %s: tensor<f32>) {
  // expected-error@+1 {{'tg.layer_normalization' op input must have rank >= 1}}
  %0:3 = "tg.layer_normalization"(%x, %s) {axis = 0 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>)
  return
}

// -----

func.func @layer_norm_bad_stash(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error@+1 {{'tg.layer_normalization' op stash_type 6 is not a float type (1, 10, 11 or 16)}}
  %0:3 = "tg.layer_normalization"(%x, %s) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 6 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x3xf32>, %s: tensor<2xf32>) {
  // expected-error@+1 {{'tg.layer_normalization' op scale of shape 2 does not broadcast to 3}}
  %0:3 = "tg.layer_normalization"(%x, %s) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_bias_shape(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %b: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.layer_normalization' op b of shape 2x3 does not broadcast to 3}}
  %0:3 = "tg.layer_normalization"(%x, %s, %b) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @rms_norm_axis_out_of_range(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error@+1 {{'tg.rms_normalization' op attribute 'axis' is 2, outside [0, 2)}}
  %0 = "tg.rms_normalization"(%x, %s) {axis = 2 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @instance_norm_rank2(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{'tg.instance_normalization' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.instance_normalization"(%x, %s, %b) {epsilon = 1.0e-05 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @instance_norm_scale_size(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{'tg.instance_normalization' op scale must be 1-d of size 3, got 4}}
  %0 = "tg.instance_normalization"(%x, %s, %b) {epsilon = 1.0e-05 : f32} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @group_norm_groups_positive(%x: tensor<2x4x3xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'tg.group_normalization' op num_groups must be positive, got 0}}
  %0 = "tg.group_normalization"(%x, %s, %b) {epsilon = 1.0e-05 : f32, num_groups = 0 : i64, stash_type = 1 : i64} : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @group_norm_groups_divide_channels(%x: tensor<2x4x3xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'tg.group_normalization' op the channel count (4) must be divisible by num_groups (3)}}
  %0 = "tg.group_normalization"(%x, %s, %b) {epsilon = 1.0e-05 : f32, num_groups = 3 : i64, stash_type = 1 : i64} : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @group_norm_scale_size(%x: tensor<2x4x3xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{'tg.group_normalization' op scale must be 1-d of size 4 or 2, got 3}}
  %0 = "tg.group_normalization"(%x, %s, %b) {epsilon = 1.0e-05 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<2x4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @group_norm_scale_bias_differ(%x: tensor<2x4x3xf32>, %s: tensor<4xf32>, %b: tensor<2xf32>) {
  // expected-error@+1 {{'tg.group_normalization' op scale (4) and bias (2) must have the same shape}}
  %0 = "tg.group_normalization"(%x, %s, %b) {epsilon = 1.0e-05 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<2xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @group_norm_rank2(%x: tensor<2x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'tg.group_normalization' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.group_normalization"(%x, %s, %b) {epsilon = 1.0e-05 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @lp_norm_p3(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.lp_normalization' op p must be 1 or 2, got 3}}
  %0 = "tg.lp_normalization"(%x) {axis = 1 : i64, p = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @lp_norm_rank0(%x: tensor<f32>) {
  // expected-error@+1 {{'tg.lp_normalization' op input must have rank >= 1}}
  %0 = "tg.lp_normalization"(%x) {axis = 0 : i64, p = 2 : i64} : (tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @mvn_axes_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.mean_variance_normalization' op attribute 'axes' has entry 2, outside [0, 2)}}
  %0 = "tg.mean_variance_normalization"(%x) {axes = array<i64: 0, 2, 3>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @lrn_rank2(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.lrn' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.lrn"(%x) {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32, size = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @lrn_size_positive(%x: tensor<1x3x2x2xf32>) {
  // expected-error@+1 {{'tg.lrn' op size must be positive, got 0}}
  %0 = "tg.lrn"(%x) {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32, size = 0 : i64} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  return
}

// -----

func.func @cum_sum_on_bool(%x: tensor<3xi1>) {
  // expected-error@+1 {{'tg.cum_sum' op operand #0 has element type i1, expected one of}}
  %0 = "tg.cum_sum"(%x) {axis = 0 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<3xi1>) -> tensor<3xi1>
  return
}

// -----

func.func @cum_prod_rank0(%x: tensor<f32>) {
  // expected-error@+1 {{'tg.cum_prod' op input must have rank >= 1}}
  %0 = "tg.cum_prod"(%x) {axis = 0 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @cum_sum_reverse_not_flag(%x: tensor<3xf32>) {
  // expected-error@+1 {{'tg.cum_sum' op attribute 'reverse' must be 0 or 1, got -1}}
  %0 = "tg.cum_sum"(%x) {axis = 0 : i64, exclusive = 0 : i64, reverse = -1 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @top_k_k_too_large(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.top_k' op k (4) must be in [0, 3] (the size of dim 1)}}
  %0:2 = "tg.top_k"(%x) {axis = 1 : i64, k = 4 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>)
  return
}

// -----

func.func @top_k_rank0(%x: tensor<f32>) {
  // expected-error@+1 {{'tg.top_k' op input must have rank >= 1}}
  %0:2 = "tg.top_k"(%x) {axis = 0 : i64, k = 1 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<f32>) -> (tensor<f32>, tensor<i64>)
  return
}

// -----

func.func @top_k_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.top_k' op attribute 'axis' is 3, outside [0, 2)}}
  %0:2 = "tg.top_k"(%x) {axis = 3 : i64, k = 1 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return
}

// -----

func.func @top_k_sorted_not_flag(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.top_k' op attribute 'sorted' must be 0 or 1, got 2}}
  %0:2 = "tg.top_k"(%x) {axis = 1 : i64, k = 1 : i64, largest = 1 : i64, sorted = 2 : i64} : (tensor<2x3xf32>) -> (tensor<2x1xf32>, tensor<2x1xi64>)
  return
}

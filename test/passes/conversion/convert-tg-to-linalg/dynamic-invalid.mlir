// RUN: polytile-opt %s --split-input-file --verify-diagnostics --convert-tg-to-linalg

// Ops with dynamic dims (`?`) that convert-tg-to-linalg does not lower yet are
// rejected, naming the op, before anything is rewritten.

func.func @resize(%x: tensor<?x1x4x4xf32>) -> tensor<1x1x8x8xf32> {
  // expected-error@+1 {{tg.resize: dynamic dims are not supported yet (pin the input shapes)}}
  %0 = "tg.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 1, 8, 8>} : (tensor<?x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// -----

// Neither a one-to-one collapse/expand of the dynamic dims nor a single `?` in the result.
func.func @reshape_several_dynamic(%x: tensor<?x?x4xf32>) -> tensor<?x?xf32> {
  // expected-error@+1 {{tg.reshape from ?x?x4 to ?x? with several dynamic dims is not supported yet}}
  %0 = "tg.reshape"(%x) {shape = array<i64: -1, -1>} : (tensor<?x?x4xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @conv_dynamic_channels(%x: tensor<1x?x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+1 {{tg.conv: dynamic channel or weight dims are not supported yet}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x?x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @attention_dynamic_mask(%q: tensor<?x2x4x8xf32>, %m: tensor<?x1x4x4xf32>) -> tensor<?x2x4x8xf32> {
  // expected-error@+1 {{tg.attention: an attention mask with dynamic dims (or a dynamic key count) is not supported yet}}
  %0:4 = "tg.attention"(%q, %q, %q, %m) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<?x2x4x8xf32>, tensor<?x2x4x8xf32>, tensor<?x2x4x8xf32>, tensor<?x1x4x4xf32>) -> (tensor<?x2x4x8xf32>, tensor<?x2x4x8xf32>, tensor<?x2x4x8xf32>, tensor<?x2x4x4xf32>)
  return %0#0 : tensor<?x2x4x8xf32>
}

// -----

// The packed channels-last convolution takes dynamic N/H/W, not dynamic channels.
func.func private @dynconv(%x: tensor<1x?x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32> attributes {tg.kernel = "contraction"} {
  // expected-error@+1 {{tg.conv: dynamic channel or weight dims are not supported yet}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x?x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}
%k = "sched.kernel"() {name = "dynconv"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 8>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 8, 1, 6, 0, 0, 0>} : (!sched.handle) -> ()

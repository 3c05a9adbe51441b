// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in dialects/tg_rules/layout.py (and the convolution checks it shares).
func.func @nhwc_conv_not_2d(%x: tensor<1x9x8xf32>, %w: tensor<16x8x3xf32>) {
  // expected-error@+1 {{'tg.nhwc_conv' op nhwc_conv is 2-d: input must have rank 4 (N x H x W x C), got 3}}
  %0 = "tg.nhwc_conv"(%x, %w) {dilations = array<i64: 1>, group = 1 : i64, kernel_shape = array<i64: 3>, pads = array<i64: 1, 1>, strides = array<i64: 1>} : (tensor<1x9x8xf32>, tensor<16x8x3xf32>) -> tensor<1x9x16xf32>
  return
}

// -----

func.func @nhwc_conv_channels_last(%x: tensor<1x9x9x8xf32>, %w: tensor<16x9x3x3xf32>) {
  // expected-error@+1 {{'tg.nhwc_conv' op input channels (8) must equal weight channels (9) x group (1)}}
  %0 = "tg.nhwc_conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x9x9x8xf32>, tensor<16x9x3x3xf32>) -> tensor<1x9x9x16xf32>
  return
}

// -----

func.func @nhwc_conv_wrong_result(%x: tensor<1x9x9x8xf32>, %w: tensor<16x8x3x3xf32>) {
  // expected-error@+1 {{'tg.nhwc_conv' op result #0 has type tensor<1x16x9x9xf32>, but the operands imply tensor<1x9x9x16xf32>}}
  %0 = "tg.nhwc_conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x9x9x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x9x9xf32>
  return
}

// RUN: polytile-opt %s --split-input-file --tg-propagate-layouts --verify-diagnostics

// The layout override takes "nchw" or "nhwc" only.
func.func @bad_override(%x: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = "tg.constant"() {value = dense<0.5> : tensor<8x8x3x3xf32>} : () -> tensor<8x8x3x3xf32>
  // expected-error@+1 {{tg-propagate-layouts: tg.layout must be one of 'nchw', 'nhwc', got "NHCW"}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.layout = "NHCW"} : (tensor<1x8x6x6xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

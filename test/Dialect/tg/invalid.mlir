// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection of a tg op: first the structural checks the IRDL file
// enforces (also through upstream mlir-opt, see invalid-upstream.mlir), then
// the semantic checks of dialects/tg.py and the type rules in dialects/tg_rules/.

//===----------------------------------------------------------------------===//
// IRDL: structure
//===----------------------------------------------------------------------===//

func.func @missing_attribute(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op attribute "strides" is expected but not provided}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @constant_missing_value() {
  // expected-error@+1 {{'tg.constant' op attribute "value" is expected but not provided}}
  %0 = "tg.constant"() : () -> tensor<2xf32>
  return
}

// -----

func.func @too_many_operands(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{op expects exactly 1 operands, but got 2}}
  %0 = "tg.relu"(%x, %x) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @too_few_operands(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{op expects exactly 2 operands, but got 1}}
  %0 = "tg.matmul"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_normalization_missing_operand(%x: tensor<2x3xf32>, %p: tensor<3xf32>) {
  // expected-error@+1 {{op expects exactly 5 operands, but got 4}}
  %0 = "tg.batch_normalization"(%x, %p, %p, %p) {epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gemm_too_many_operands(%x: tensor<2x2xf32>) {
  // expected-error@+1 {{op expects at most 3 operands, but got 4}}
  %0 = "tg.gemm"(%x, %x, %x, %x) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @memref_operand(%x: memref<2x3xf32>) {
  // expected-error@+1 {{expected base type 'builtin.tensor' but got 'builtin.memref'}}
  %0 = "tg.relu"(%x) : (memref<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @unranked_operand(%x: tensor<*xf32>) {
  // expected-error@+1 {{expected base type 'builtin.tensor' but got 'builtin.unranked_tensor'}}
  %0 = "tg.relu"(%x) : (tensor<*xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @scalar_result(%x: tensor<f32>) {
  // expected-error@+1 {{expected base type 'builtin.tensor' but got 'builtin.f32'}}
  %0 = "tg.relu"(%x) : (tensor<f32>) -> f32
  return
}

// -----

func.func @integer_attribute_given_a_float(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{expected base attribute 'builtin.integer' but got 'builtin.float'}}
  %0 = "tg.flatten"(%x) {axis = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @float_attribute_given_an_integer(%a: tensor<2x2xf32>) {
  // expected-error@+1 {{expected base attribute 'builtin.float' but got 'builtin.integer'}}
  %0 = "tg.gemm"(%a, %a) {alpha = 1 : i64, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @array_attribute_instead_of_dense_array(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.array'}}
  %0 = "tg.transpose"(%x) {perm = [1, 0]} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Checks common to every op (dialects/tg.py)
//===----------------------------------------------------------------------===//

func.func @result_type_mismatch(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.relu' op result #0 has type tensor<3x2xf32>, but the operands imply tensor<2x3xf32>}}
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @result_element_type_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error@+1 {{'tg.matmul' op result #0 has type tensor<2x4xf16>, but the operands imply tensor<2x4xf32>}}
  %0 = "tg.matmul"(%a, %b) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf16>
  return
}

// -----

func.func @dense_array_of_i32(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op attribute 'strides' must be array<i64: ...>}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i32: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @dense_array_of_bool(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.reshape' op attribute 'shape' must be array<i64: ...>}}
  %0 = "tg.reshape"(%x) {shape = array<i1: true, false>} : (tensor<2x3xf32>) -> tensor<1x0xf32>
  return
}

// -----

func.func @integer_attribute_given_a_bool(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op attribute 'group' must be an integer}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = true, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// tg.constant
//===----------------------------------------------------------------------===//

func.func @constant_not_elements() {
  // expected-error@+1 {{'tg.constant' op attribute 'value' must be a dense or dense_resource elements attribute}}
  %0 = "tg.constant"() {value = 1.0 : f32} : () -> tensor<f32>
  return
}

// -----

func.func @constant_type_mismatch() {
  // expected-error@+1 {{'tg.constant' op value type tensor<2xf32> does not match result type tensor<2xf64>}}
  %0 = "tg.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf64>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

func.func @add_bool(%a: tensor<2xi1>) {
  // expected-error@+1 {{'tg.add' op operand #0 has element type i1, expected one of f16, bf16, f32, f64, i8, i16, i32, i64, ui8, ui16, ui32, ui64}}
  %0 = "tg.add"(%a, %a) : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return
}

// -----

func.func @sub_mixed_element_types(%a: tensor<2xf32>, %b: tensor<2xf16>) {
  // expected-error@+1 {{'tg.sub' op operand #1 has element type f16, expected f32 like operand #0}}
  %0 = "tg.sub"(%a, %b) : (tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return
}

// -----

func.func @mul_not_broadcastable(%a: tensor<3xf32>, %b: tensor<2x4xf32>) {
  // expected-error@+1 {{'tg.mul' op operands are not broadcast-compatible: dim 1 is 3 vs 4 (shapes 3 and 2x4)}}
  %0 = "tg.mul"(%a, %b) : (tensor<3xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @div_broadcast_result_mismatch(%a: tensor<4x1xi32>, %b: tensor<3xi32>) {
  // expected-error@+1 {{'tg.div' op result #0 has type tensor<4x1xi32>, but the operands imply tensor<4x3xi32>}}
  %0 = "tg.div"(%a, %b) : (tensor<4x1xi32>, tensor<3xi32>) -> tensor<4x1xi32>
  return
}

// -----

func.func @relu_unsigned(%x: tensor<2xui8>) {
  // expected-error@+1 {{'tg.relu' op operand #0 has element type ui8, expected one of f16, bf16, f32, f64, i8, i16, i32, i64}}
  %0 = "tg.relu"(%x) : (tensor<2xui8>) -> tensor<2xui8>
  return
}

// -----

//===----------------------------------------------------------------------===//
// tg.conv
//===----------------------------------------------------------------------===//

func.func @conv_integer(%x: tensor<1x3x5x5xi64>, %w: tensor<8x3x3x3xi64>) {
  // expected-error@+1 {{'tg.conv' op operand #0 has element type i64, expected one of f16, bf16, f32, f64, i32}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xi64>, tensor<8x3x3x3xi64>) -> tensor<1x8x3x3xi64>
  return
}

// -----

func.func @conv_weight_element_type(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf16>) {
  // expected-error@+1 {{'tg.conv' op operand #1 has element type f16, expected f32 like operand #0}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf16>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_bias_element_type(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf16>) {
  // expected-error@+1 {{'tg.conv' op operand #2 has element type f16, expected f32 like operand #0}}
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>, tensor<8xf16>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_input_rank(%x: tensor<3x5xf32>, %w: tensor<8x3xf32>) {
  // expected-error@+1 {{'tg.conv' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64>, group = 1 : i64, kernel_shape = array<i64>, pads = array<i64>, strides = array<i64>} : (tensor<3x5xf32>, tensor<8x3xf32>) -> tensor<3x8xf32>
  return
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op weight rank 3 must equal input rank 4}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_group_zero(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op group must be positive}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 0 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_kernel_shape_length(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op attribute 'kernel_shape' must have 2 entries, got 1}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_strides_length(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op attribute 'strides' must have 2 entries, got 3}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_dilations_length(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op attribute 'dilations' must have 2 entries, got 1}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

// pads holds a begin and an end per spatial dim.
func.func @conv_pads_length(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op attribute 'pads' must have 4 entries, got 2}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_kernel_shape_zero(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op kernel_shape entries must be positive}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 0, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_stride_zero(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op strides must be positive}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 0>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_dilation_zero(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op dilations must be positive}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 0, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_negative_pad(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op pads must be non-negative}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, -1, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_kernel_shape_mismatch(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x2x2xf32>) {
  // expected-error@+1 {{'tg.conv' op kernel_shape [3, 3] does not match the weight's spatial dims 2x2}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x2x2xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

// A dynamic weight dim does not hide a mismatch in another dim.
func.func @conv_kernel_shape_mismatch_dynamic(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x?x2xf32>) {
  // expected-error@+1 {{'tg.conv' op kernel_shape [3, 3] does not match the weight's spatial dims ?x2}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x?x2xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_output_channels_not_divisible(%x: tensor<1x4x5x5xf32>, %w: tensor<7x2x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op output channels (7) must be divisible by group (2)}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<7x2x3x3xf32>) -> tensor<1x7x3x3xf32>
  return
}

// -----

func.func @conv_input_channels(%x: tensor<1x4x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op input channels (4) must equal weight channels (3) x group (1)}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_grouped_input_channels(%x: tensor<1x4x5x5xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op input channels (4) must equal weight channels (4) x group (2)}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_bias_rank(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<1x8xf32>) {
  // expected-error@+1 {{'tg.conv' op bias must be 1-d of size 8, got 1x8}}
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>, tensor<1x8xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_bias_size(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'tg.conv' op bias must be 1-d of size 8, got 4}}
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>, tensor<4xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @conv_bias_dynamic_channels(%x: tensor<1x3x5x5xf32>, %w: tensor<?x3x3x3xf32>, %b: tensor<f32>) {
  // expected-error@+1 {{'tg.conv' op bias must be 1-d of size ?, got scalar}}
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<?x3x3x3xf32>, tensor<f32>) -> tensor<1x?x3x3xf32>
  return
}

// -----

// The dilated kernel spans 2 * (3 - 1) + 1 = 5 > 4.
func.func @conv_input_smaller_than_kernel(%x: tensor<1x3x4x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op spatial dim 0 of size 4 is smaller than the dilated kernel}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 2, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x4x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x1x3xf32>
  return
}

// -----

func.func @conv_output_size_mismatch(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error@+1 {{'tg.conv' op result #0 has type tensor<1x8x5x5xf32>, but the operands imply tensor<1x8x3x3xf32>}}
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x5x5xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// tg.matmul
//===----------------------------------------------------------------------===//

func.func @matmul_bool(%a: tensor<2x2xi1>) {
  // expected-error@+1 {{'tg.matmul' op operand #0 has element type i1, expected one of f16, bf16, f32, f64, i8, i16, i32, i64, ui8, ui16, ui32, ui64}}
  %0 = "tg.matmul"(%a, %a) : (tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
  return
}

// -----

func.func @matmul_mixed_element_types(%a: tensor<2x3xf32>, %b: tensor<3x4xi32>) {
  // expected-error@+1 {{'tg.matmul' op operand #1 has element type i32, expected f32 like operand #0}}
  %0 = "tg.matmul"(%a, %b) : (tensor<2x3xf32>, tensor<3x4xi32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{'tg.matmul' op operands must have rank >= 1}}
  %0 = "tg.matmul"(%a, %b) : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @matmul_inner_mismatch(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) {
  // expected-error@+1 {{'tg.matmul' op inner dimensions do not match: 3x4 x 5x6}}
  %0 = "tg.matmul"(%a, %b) : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return
}

// -----

func.func @matmul_vector_inner_mismatch(%a: tensor<3xf32>, %b: tensor<4x5xf32>) {
  // expected-error@+1 {{'tg.matmul' op inner dimensions do not match: 3 x 4x5}}
  %0 = "tg.matmul"(%a, %b) : (tensor<3xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @matmul_batch_not_broadcastable(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) {
  // expected-error@+1 {{'tg.matmul' op operands are not broadcast-compatible: dim 0 is 2 vs 5 (shapes 2 and 5)}}
  %0 = "tg.matmul"(%a, %b) : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x3x6xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// tg.gemm
//===----------------------------------------------------------------------===//

func.func @gemm_bool(%a: tensor<2x2xi1>) {
  // expected-error@+1 {{'tg.gemm' op operand #0 has element type i1, expected one of f16, bf16, f32, f64, i8, i16, i32, i64, ui8, ui16, ui32, ui64}}
  %0 = "tg.gemm"(%a, %a) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
  return
}

// -----

func.func @gemm_c_element_type(%a: tensor<2x2xf32>, %c: tensor<2xf16>) {
  // expected-error@+1 {{'tg.gemm' op operand #2 has element type f16, expected f32 like operand #0}}
  %0 = "tg.gemm"(%a, %a, %c) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2xf16>) -> tensor<2x2xf32>
  return
}

// -----

func.func @gemm_a_rank(%a: tensor<1x2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error@+1 {{'tg.gemm' op operand #0 must have rank 2, got 3}}
  %0 = "tg.gemm"(%a, %b) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<1x2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gemm_b_rank(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{'tg.gemm' op operand #1 must have rank 2, got 1}}
  %0 = "tg.gemm"(%a, %b) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @gemm_trans_a_bool(%a: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.gemm' op attribute 'transA' must be an integer}}
  %0 = "tg.gemm"(%a, %a) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @gemm_inner_mismatch(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) {
  // expected-error@+1 {{'tg.gemm' op inner dimensions do not match: K is 4 for A and 5 for B}}
  %0 = "tg.gemm"(%a, %b) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return
}

// -----

// Shapes that would fit without transB: B' is 5x4.
func.func @gemm_inner_mismatch_transposed(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error@+1 {{'tg.gemm' op inner dimensions do not match: K is 4 for A and 5 for B}}
  %0 = "tg.gemm"(%a, %b) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @gemm_c_rank(%a: tensor<2x2xf32>, %c: tensor<1x2x2xf32>) {
  // expected-error@+1 {{'tg.gemm' op C must have rank <= 2, got 3}}
  %0 = "tg.gemm"(%a, %a, %c) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<1x2x2xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @gemm_c_not_broadcastable(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x7xf32>) {
  // expected-error@+1 {{'tg.gemm' op operands are not broadcast-compatible: dim 1 is 5 vs 7 (shapes 3x5 and 3x7)}}
  %0 = "tg.gemm"(%a, %b, %c) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x7xf32>) -> tensor<3x5xf32>
  return
}

// -----

// C may broadcast to the result, not the result to C.
func.func @gemm_c_larger_than_result(%a: tensor<1x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>) {
  // expected-error@+1 {{'tg.gemm' op C of shape 3x5 does not broadcast to 1x5}}
  %0 = "tg.gemm"(%a, %b, %c) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<1x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<1x5xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// tg.max_pool
//===----------------------------------------------------------------------===//

func.func @max_pool_i32(%x: tensor<1x1x4x4xi32>) {
  // expected-error@+1 {{'tg.max_pool' op operand #0 has element type i32, expected one of f16, bf16, f32, f64, i8, ui8}}
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xi32>) -> tensor<1x1x2x2xi32>
  return
}

// -----

func.func @max_pool_rank(%x: tensor<4x4xf32>) {
  // expected-error@+1 {{'tg.max_pool' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64>, kernel_shape = array<i64>, pads = array<i64>, storage_order = 0 : i64, strides = array<i64>} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @max_pool_kernel_shape_length(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.max_pool' op attribute 'kernel_shape' must have 2 entries, got 3}}
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @max_pool_stride_zero(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.max_pool' op strides must be positive}}
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 0, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @max_pool_storage_order(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.max_pool' op storage_order must be 0 or 1}}
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 2 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @max_pool_pad_as_large_as_kernel(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.max_pool' op pads must be smaller than the kernel (dim 1)}}
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 2>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x3xf32>
  return
}

// -----

func.func @max_pool_input_smaller_than_kernel(%x: tensor<1x1x4x1xf32>) {
  // expected-error@+1 {{'tg.max_pool' op spatial dim 1 of size 1 is smaller than the dilated kernel}}
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x1xf32>) -> tensor<1x1x2x1xf32>
  return
}

// -----

// Without ceil_mode the partial last window is dropped: (5 - 2) / 2 + 1 = 2.
func.func @max_pool_floor_mode_result(%x: tensor<1x1x5x5xf32>) {
  // expected-error@+1 {{'tg.max_pool' op result #0 has type tensor<1x1x3x3xf32>, but the operands imply tensor<1x1x2x2xf32>}}
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// tg.global_average_pool
//===----------------------------------------------------------------------===//

func.func @global_average_pool_integer(%x: tensor<1x2x3x3xi8>) {
  // expected-error@+1 {{'tg.global_average_pool' op operand #0 has element type i8, expected one of f16, bf16, f32, f64}}
  %0 = "tg.global_average_pool"(%x) : (tensor<1x2x3x3xi8>) -> tensor<1x2x1x1xi8>
  return
}

// -----

func.func @global_average_pool_rank(%x: tensor<2x16xf32>) {
  // expected-error@+1 {{'tg.global_average_pool' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.global_average_pool"(%x) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return
}

// -----

// The spatial dims are kept, with size 1.
func.func @global_average_pool_drops_dims(%x: tensor<2x16x7x7xf32>) {
  // expected-error@+1 {{'tg.global_average_pool' op result #0 has type tensor<2x16xf32>, but the operands imply tensor<2x16x1x1xf32>}}
  %0 = "tg.global_average_pool"(%x) : (tensor<2x16x7x7xf32>) -> tensor<2x16xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// tg.batch_normalization
//===----------------------------------------------------------------------===//

func.func @batch_normalization_integer(%x: tensor<2x3xi32>, %p: tensor<3xf32>) {
  // expected-error@+1 {{'tg.batch_normalization' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.batch_normalization"(%x, %p, %p, %p, %p) {epsilon = 1.0e-5 : f32} : (tensor<2x3xi32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @batch_normalization_rank(%x: tensor<3xf32>, %p: tensor<3xf32>) {
  // expected-error@+1 {{'tg.batch_normalization' op input must have rank >= 2, got 1}}
  %0 = "tg.batch_normalization"(%x, %p, %p, %p, %p) {epsilon = 1.0e-5 : f32} : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @batch_normalization_integer_mean(%x: tensor<2x3xf32>, %p: tensor<3xf32>, %m: tensor<3xi32>) {
  // expected-error@+1 {{'tg.batch_normalization' op operand #3 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.batch_normalization"(%x, %p, %p, %m, %p) {epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xi32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_normalization_scale_size(%x: tensor<2x3xf32>, %p: tensor<3xf32>, %s: tensor<4xf32>) {
  // expected-error@+1 {{'tg.batch_normalization' op scale must be 1-d of size 3 (the channel dim), got 4}}
  %0 = "tg.batch_normalization"(%x, %s, %p, %p, %p) {epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_normalization_var_rank(%x: tensor<2x3xf32>, %p: tensor<3xf32>, %v: tensor<1x3xf32>) {
  // expected-error@+1 {{'tg.batch_normalization' op input_var must be 1-d of size 3 (the channel dim), got 1x3}}
  %0 = "tg.batch_normalization"(%x, %p, %p, %p, %v) {epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_normalization_dynamic_channels(%x: tensor<2x?xf32>, %p: tensor<3xf32>, %b: tensor<3x1xf32>) {
  // expected-error@+1 {{'tg.batch_normalization' op b must be 1-d of size ? (the channel dim), got 3x1}}
  %0 = "tg.batch_normalization"(%x, %p, %b, %p, %p) {epsilon = 1.0e-5 : f32} : (tensor<2x?xf32>, tensor<3xf32>, tensor<3x1xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x?xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// tg.reshape, tg.flatten, tg.transpose
//===----------------------------------------------------------------------===//

func.func @reshape_negative_entry(%x: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'tg.reshape' op shape entries must be non-negative (0 and -1 are resolved by the importer)}}
  %0 = "tg.reshape"(%x) {shape = array<i64: -1, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return
}

// -----

func.func @reshape_element_count(%x: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'tg.reshape' op cannot reshape 24 elements (2x3x4) into 5x5}}
  %0 = "tg.reshape"(%x) {shape = array<i64: 5, 5>} : (tensor<2x3x4xf32>) -> tensor<5x5xf32>
  return
}

// -----

func.func @reshape_result_mismatch(%x: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'tg.reshape' op result #0 has type tensor<4x6xf32>, but the operands imply tensor<6x4xf32>}}
  %0 = "tg.reshape"(%x) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  return
}

// -----

func.func @flatten_axis_too_large(%x: tensor<2x3x4x5xf32>) {
  // expected-error@+1 {{'tg.flatten' op axis 5 is out of range for rank 4}}
  %0 = "tg.flatten"(%x) {axis = 5 : i64} : (tensor<2x3x4x5xf32>) -> tensor<120x1xf32>
  return
}

// -----

func.func @flatten_axis_too_small(%x: tensor<2x3x4x5xf32>) {
  // expected-error@+1 {{'tg.flatten' op axis -5 is out of range for rank 4}}
  %0 = "tg.flatten"(%x) {axis = -5 : i64} : (tensor<2x3x4x5xf32>) -> tensor<1x120xf32>
  return
}

// -----

func.func @transpose_repeated_entry(%x: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'tg.transpose' op perm [0, 0, 1] is not a permutation of 0..2}}
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<2x2x3xf32>
  return
}

// -----

func.func @transpose_wrong_length(%x: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'tg.transpose' op perm [1, 0] is not a permutation of 0..2}}
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2xf32>
  return
}

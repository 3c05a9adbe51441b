// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in dialects/tg_rules/misc.py.
func.func @bit_cast_i4_source(%arg0: tensor<4xi4>) {
  // expected-error@+1 {{'tg.bit_cast' op operand #0 has element type i4, expected one of f16, bf16, f32, f64, i8, i16, i32, i64, ui8, ui16, ui32, ui64, i1, f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f8E8M0FNU}}
  %0 = "tg.bit_cast"(%arg0) {to = i4} : (tensor<4xi4>) -> tensor<4xi4>
  return
}

// -----

func.func @bit_cast_to_not_a_type(%arg0: tensor<4xf32>) {
  // expected-error@+1 {{expected base attribute 'builtin.type' but got 'builtin.integer'}}
  %0 = "tg.bit_cast"(%arg0) {to = 1 : i64} : (tensor<4xf32>) -> tensor<4xi32>
  return
}

// -----

func.func @bit_cast_to_i4(%arg0: tensor<4xi8>) {
  // expected-error@+1 {{'tg.bit_cast' op cannot bit-cast to i4, expected one of}}
  %0 = "tg.bit_cast"(%arg0) {to = i4} : (tensor<4xi8>) -> tensor<4xi4>
  return
}

// -----

func.func @bit_cast_width(%arg0: tensor<4xf32>) {
  // expected-error@+1 {{'tg.bit_cast' op bit_cast needs types of the same bit width, got f32 (32 bits) and f64 (64 bits)}}
  %0 = "tg.bit_cast"(%arg0) {to = f64} : (tensor<4xf32>) -> tensor<4xf64>
  return
}

// -----

func.func @deform_conv_int(%arg0: tensor<1x4x5x5xi32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xi32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xi32>
  return
}

// -----

func.func @deform_conv_w_rank(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op operand #1 must have rank 4, got 3}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_mask_type(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf64>) {
  // expected-error@+1 {{'tg.deform_conv' op mask has element type f64, expected f32 like x}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf64>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_x_rank(%arg0: tensor<1x4x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op operand #0 must have rank 4, got 3}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_dynamic(%arg0: tensor<?x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op deform_conv needs static shapes}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<?x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_strides(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op strides and dilations must be positive, got [0, 1] and [1, 1]}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_pads(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op pads must be non-negative, got [-1, 0, 0, 0]}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: -1, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_group(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op group and offset_group must be positive, got 0 and 1}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 0 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_group_channels(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op w 2x4x3x3 does not fit x 1x4x5x5 with group 2}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 2 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_offset_group(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op x's channels (4) must be a multiple of offset_group (3)}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_too_small(%arg0: tensor<1x4x2x2xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op the kernel does not fit the padded input 1x4x2x2}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x2x2xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_offset_shape(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x9x3x3xf32>, %arg3: tensor<1x9x3x3xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op offset must be 1x18x3x3, got 1x9x3x3}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x9x3x3xf32>, tensor<1x9x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @deform_conv_mask_shape(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<2x4x3x3xf32>, %arg2: tensor<1x18x3x3xf32>, %arg3: tensor<1x9x3x2xf32>) {
  // expected-error@+1 {{'tg.deform_conv' op mask must be 1x9x3x3, got 1x9x3x2}}
  %0 = "tg.deform_conv"(%arg0, %arg1, %arg2, %arg3) {dilations = array<i64: 1, 1>, group = 1 : i64, offset_group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>, tensor<1x18x3x3xf32>, tensor<1x9x3x2xf32>) -> tensor<1x2x3x3xf32>
  return
}

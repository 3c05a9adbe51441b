// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in the nn-family type rules of dialects/tg_rules/nn.py.

func.func @average_pool_int(%a0: tensor<1x1x4x4xi32>) {
  // expected-error@+1 {{'tg.average_pool' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.average_pool"(%a0) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xi32>) -> tensor<1x1x2x2xi32>
  return
}

// -----

func.func @average_pool_rank2(%a0: tensor<4x4xf32>) {
  // expected-error@+1 {{'tg.average_pool' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.average_pool"(%a0) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<4x4xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @average_pool_count_include_pad(%a0: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.average_pool' op count_include_pad must be 0 or 1}}
  %0 = "tg.average_pool"(%a0) {ceil_mode = 0 : i64, count_include_pad = 2 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @average_pool_ceil_mode(%a0: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.average_pool' op ceil_mode must be 0 or 1}}
  %0 = "tg.average_pool"(%a0) {ceil_mode = 3 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @average_pool_pads_too_large(%a0: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.average_pool' op pads must be smaller than the dilated kernel (dim 0)}}
  %0 = "tg.average_pool"(%a0) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x5x3xf32>
  return
}

// -----

func.func @average_pool_input_too_small(%a0: tensor<1x1x2x4xf32>) {
  // expected-error@+1 {{'tg.average_pool' op spatial dim 0 of size 2 is smaller than the dilated kernel}}
  %0 = "tg.average_pool"(%a0) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x4xf32>) -> tensor<1x1x1x2xf32>
  return
}

// -----

func.func @lp_pool_p(%a0: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.lp_pool' op p must be positive}}
  %0 = "tg.lp_pool"(%a0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, p = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @lp_pool_int(%a0: tensor<1x1x4x4xi8>) {
  // expected-error@+1 {{'tg.lp_pool' op operand #0 has element type i8, expected one of f16, bf16, f32, f64}}
  %0 = "tg.lp_pool"(%a0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8>
  return
}

// -----

func.func @global_max_pool_rank2(%a0: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.global_max_pool' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.global_max_pool"(%a0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @global_max_pool_int(%a0: tensor<2x3x4xi32>) {
  // expected-error@+1 {{'tg.global_max_pool' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.global_max_pool"(%a0) : (tensor<2x3x4xi32>) -> tensor<2x3x1xi32>
  return
}

// -----

func.func @global_lp_pool_p(%a0: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'tg.global_lp_pool' op p must be positive}}
  %0 = "tg.global_lp_pool"(%a0) {p = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  return
}

// -----

func.func @max_pool_with_indices_storage_order(%a0: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'tg.max_pool_with_indices' op storage_order must be 0 or 1}}
  %0:2 = "tg.max_pool_with_indices"(%a0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, storage_order = 2 : i64, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return
}

// -----

func.func @max_pool_with_indices_i32(%a0: tensor<1x1x4x4xi32>) {
  // expected-error@+1 {{'tg.max_pool_with_indices' op operand #0 has element type i32, expected one of f16, bf16, f32, f64, i8, ui8}}
  %0:2 = "tg.max_pool_with_indices"(%a0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xi32>) -> (tensor<1x1x2x2xi32>, tensor<1x1x2x2xi64>)
  return
}

// -----

func.func @conv_transpose_rank2(%a0: tensor<1x4xf32>, %a1: tensor<4x2xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op input must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @conv_transpose_weight_rank(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op weight rank 3 must equal input rank 4}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3xf32>) -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @conv_transpose_group(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op group must be positive}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 0 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @conv_transpose_strides(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op kernel_shape, strides and dilations must be positive}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @conv_transpose_kernel_shape(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op kernel_shape [2, 3] does not match the weight's spatial dims 3x3}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x6x7xf32>
  return
}

// -----

func.func @conv_transpose_channels(%a0: tensor<1x3x5x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op input channels (3) must equal the weight's first dim (4)}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @conv_transpose_group_divides(%a0: tensor<1x3x5x5xf32>, %a1: tensor<3x2x3x3xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op input channels (3) must be divisible by group (2)}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x4x7x7xf32>
  return
}

// -----

func.func @conv_transpose_output_padding(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op output_padding must be non-negative}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: -1, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @conv_transpose_bias(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3x3xf32>, %a2: tensor<4xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op bias must be 1-d of size 2, got 4}}
  %0 = "tg.conv_transpose"(%a0, %a1, %a2) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @conv_transpose_no_output(%a0: tensor<1x4x1x1xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error@+1 {{'tg.conv_transpose' op spatial dim 0: the pads leave no output}}
  %0 = "tg.conv_transpose"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 2, 0, 1, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x1x1xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x1x3xf32>
  return
}

// -----

func.func @einsum_no_arrow(%a0: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.einsum' op equation must be in explicit form ('...->...')}}
  %0 = "tg.einsum"(%a0) {equation = "ij"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @einsum_ellipsis(%a0: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.einsum' op term '...j' must consist of letters only}}
  %0 = "tg.einsum"(%a0) {equation = "...j->j"} : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @einsum_term_count(%a0: tensor<2x3xf32>, %a1: tensor<3x4xf32>) {
  // expected-error@+1 {{'tg.einsum' op equation has 1 input terms for 2 operands}}
  %0 = "tg.einsum"(%a0, %a1) {equation = "ij->i"} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @einsum_term_rank(%a0: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.einsum' op term 'ijk' has 3 letters for operand #0 of rank 2}}
  %0 = "tg.einsum"(%a0) {equation = "ijk->i"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @einsum_letter_sizes(%a0: tensor<2x3xf32>, %a1: tensor<4x5xf32>) {
  // expected-error@+1 {{'tg.einsum' op letter 'j' has sizes 3 and 4}}
  %0 = "tg.einsum"(%a0, %a1) {equation = "ij,jk->ik"} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @einsum_repeated_output(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.einsum' op output term 'ii' repeats a letter}}
  %0 = "tg.einsum"(%a0) {equation = "ij->ii"} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @einsum_unknown_output(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.einsum' op output letter(s) k appear in no input term}}
  %0 = "tg.einsum"(%a0) {equation = "ij->k"} : (tensor<2x2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @einsum_element_types(%a0: tensor<2x3xf32>, %a1: tensor<3xf64>) {
  // expected-error@+1 {{'tg.einsum' op operand #1 has element type f64, expected f32 like operand #0}}
  %0 = "tg.einsum"(%a0, %a1) {equation = "ij,j->i"} : (tensor<2x3xf32>, tensor<3xf64>) -> tensor<2xf32>
  return
}

// -----

func.func @einsum_bool(%a0: tensor<2x3xi1>) {
  // expected-error@+1 {{'tg.einsum' op operand #0 has element type i1, expected one of}}
  %0 = "tg.einsum"(%a0) {equation = "ij->i"} : (tensor<2x3xi1>) -> tensor<2xi1>
  return
}

// -----

func.func @resize_mode(%a0: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op mode must be one of nearest, linear, cubic, got 'area'}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "area", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 1, 4, 4>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @resize_coordinate_mode(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op coordinate_transformation_mode must be one of half_pixel, half_pixel_symmetric, pytorch_half_pixel, align_corners, asymmetric, tf_crop_and_resize, got 'corners'}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "corners", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 2.0, 2.0>, sizes = array<i64: 4, 4>} : (tensor<2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @resize_nearest_mode(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op nearest_mode must be one of round_prefer_floor, round_prefer_ceil, floor, ceil, got 'round'}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 2.0, 2.0>, sizes = array<i64: 4, 4>} : (tensor<2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @resize_exclude_outside(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op exclude_outside must be 0 or 1}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 2 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 2.0, 2.0>, sizes = array<i64: 4, 4>} : (tensor<2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @resize_linear_int(%a0: tensor<2x2xi32>) {
  // expected-error@+1 {{'tg.resize' op mode 'linear' needs a float element type, got i32}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "linear", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 2.0, 2.0>, sizes = array<i64: 4, 4>} : (tensor<2x2xi32>) -> tensor<4x4xi32>
  return
}

// -----

func.func @resize_antialias_nearest(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op antialias is not defined for mode 'nearest'}}
  %0 = "tg.resize"(%a0) {antialias = 1 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 2.0, 2.0>, sizes = array<i64: 4, 4>} : (tensor<2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @resize_sizes_rank(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op attribute 'sizes' must have 2 entries, got 1}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 2.0, 2.0>, sizes = array<i64: 4>} : (tensor<2x2xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @resize_scales_kind(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op attribute 'scales' must be an array<f64>}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<i64: 2, 2>, sizes = array<i64: 4, 4>} : (tensor<2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @resize_roi_length(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op attribute 'roi' must have 4 entries, got 2}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 1.0>, scales = array<f64: 2.0, 2.0>, sizes = array<i64: 4, 4>} : (tensor<2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @resize_sizes_positive(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op sizes must be positive}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 2.0, 2.0>, sizes = array<i64: 0, 4>} : (tensor<2x2xf32>) -> tensor<0x4xf32>
  return
}

// -----

func.func @resize_dynamic_factors_length(%a0: tensor<2x2xf32>, %f: tensor<2xf32>) {
  // expected-error@+1 {{'tg.resize_dynamic' op factors must hold one value per dim of axes (1), got 2}}
  %0 = "tg.resize_dynamic"(%a0, %f) {antialias = 0 : i64, axes = array<i64: 1>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x?xf32>
  return
}

// -----

func.func @resize_dynamic_factors_type(%a0: tensor<2x2xf32>, %f: tensor<1xi8>) {
  // expected-error@+1 {{'tg.resize_dynamic' op factors must be a 1-d float (scales) or i32/i64 (sizes) tensor, got tensor<1xi8>}}
  %0 = "tg.resize_dynamic"(%a0, %f) {antialias = 0 : i64, axes = array<i64: 1>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<2x2xf32>, tensor<1xi8>) -> tensor<2x?xf32>
  return
}

// -----

func.func @resize_dynamic_axes(%a0: tensor<2x2xf32>, %f: tensor<2xf32>) {
  // expected-error@+1 {{'tg.resize_dynamic' op axes [1, 1] must be distinct dims of the rank-2 input}}
  %0 = "tg.resize_dynamic"(%a0, %f) {antialias = 0 : i64, axes = array<i64: 1, 1>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x?xf32>
  return
}

// -----

func.func @resize_dynamic_roi_length(%a0: tensor<2x2xf32>, %f: tensor<1xi64>, %r: tensor<4xf32>) {
  // expected-error@+1 {{'tg.resize_dynamic' op roi must hold two values per dim of axes (2), got 4}}
  %0 = "tg.resize_dynamic"(%a0, %f, %r) {antialias = 0 : i64, axes = array<i64: 1>, coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<2x2xf32>, tensor<1xi64>, tensor<4xf32>) -> tensor<2x?xf32>
  return
}

// -----

func.func @resize_dynamic_policy(%a0: tensor<2x2xf32>, %f: tensor<1xi64>) {
  // expected-error@+1 {{'tg.resize_dynamic' op keep_aspect_ratio_policy must be one of stretch, not_larger, not_smaller, got 'fit'}}
  %0 = "tg.resize_dynamic"(%a0, %f) {antialias = 0 : i64, axes = array<i64: 1>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "fit", mode = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<2x2xf32>, tensor<1xi64>) -> tensor<2x?xf32>
  return
}

// -----

func.func @resize_dynamic_result(%a0: tensor<2x2xf32>, %f: tensor<1xi64>) {
  // expected-error@+1 {{'tg.resize_dynamic' op result #0 has type tensor<2x4xf32>, but the operands imply tensor<2x?xf32>}}
  %0 = "tg.resize_dynamic"(%a0, %f) {antialias = 0 : i64, axes = array<i64: 1>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<2x2xf32>, tensor<1xi64>) -> tensor<2x4xf32>
  return
}

// -----

func.func @resize_scales_positive(%a0: tensor<2x2xf32>) {
  // expected-error@+1 {{'tg.resize' op scales must be positive}}
  %0 = "tg.resize"(%a0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 0.0, 2.0>, sizes = array<i64: 4, 4>} : (tensor<2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @attention_int(%a0: tensor<1x4x3x8xi32>, %a1: tensor<1x2x5x8xi32>, %a2: tensor<1x2x5x8xi32>) {
  // expected-error@+1 {{'tg.attention' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xi32>, tensor<1x2x5x8xi32>, tensor<1x2x5x8xi32>) -> (tensor<1x4x3x8xi32>, tensor<1x2x5x8xi32>, tensor<1x2x5x8xi32>, tensor<1x4x3x5xi32>)
  return
}

// -----

func.func @attention_rank(%a0: tensor<3x8xf32>, %a1: tensor<5x8xf32>, %a2: tensor<5x8xf32>) {
  // expected-error@+1 {{'tg.attention' op operand #0 must have rank 3 or 4, got 2}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<3x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_3d_heads(%a0: tensor<1x3x32xf32>, %a1: tensor<1x5x16xf32>, %a2: tensor<1x5x16xf32>) {
  // expected-error@+1 {{'tg.attention' op 3-d inputs need positive q_num_heads and kv_num_heads}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x3x32xf32>, tensor<1x5x16xf32>, tensor<1x5x16xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_3d_hidden(%a0: tensor<1x3x30xf32>, %a1: tensor<1x5x16xf32>, %a2: tensor<1x5x16xf32>) {
  // expected-error@+1 {{'tg.attention' op Q hidden size 30 is not divisible by 4 heads}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 2 : i64, q_num_heads = 4 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x3x30xf32>, tensor<1x5x16xf32>, tensor<1x5x16xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_batch(%a0: tensor<1x4x3x8xf32>, %a1: tensor<2x2x5x8xf32>, %a2: tensor<2x2x5x8xf32>) {
  // expected-error@+1 {{'tg.attention' op Q, K and V must have the same batch size}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_head_size(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x4xf32>, %a2: tensor<1x2x5x8xf32>) {
  // expected-error@+1 {{'tg.attention' op Q and K head sizes differ (8 vs 4)}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_kv_shapes(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x6x8xf32>) {
  // expected-error@+1 {{'tg.attention' op K and V must have the same number of heads and sequence length}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x6x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_gqa(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x3x5x8xf32>, %a2: tensor<1x3x5x8xf32>) {
  // expected-error@+1 {{'tg.attention' op q heads (4) must be a multiple of kv heads (3)}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x3x5x8xf32>, tensor<1x3x5x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_mask_type(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>, %a3: tensor<3x5xi32>) {
  // expected-error@+1 {{'tg.attention' op attn_mask must be bool or float, got i32}}
  %0:4 = "tg.attention"(%a0, %a1, %a2, %a3) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<3x5xi32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_mask_rank(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>, %a3: tensor<1x1x1x3x5xf32>) {
  // expected-error@+1 {{'tg.attention' op attn_mask must have rank 1 to 4, got 5}}
  %0:4 = "tg.attention"(%a0, %a1, %a2, %a3) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x1x1x3x5xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_mask_length(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>, %a3: tensor<3x6xf32>) {
  // expected-error@+1 {{'tg.attention' op attn_mask's last dim (6) exceeds the total sequence length (5)}}
  %0:4 = "tg.attention"(%a0, %a1, %a2, %a3) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<3x6xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_mask_broadcast(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>, %a3: tensor<2x1x3x5xf32>) {
  // expected-error@+1 {{'tg.attention' op attn_mask of shape 2x1x3x5 does not broadcast to 1x4x3x5}}
  %0:4 = "tg.attention"(%a0, %a1, %a2, %a3) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<2x1x3x5xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_is_causal(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>) {
  // expected-error@+1 {{'tg.attention' op is_causal must be 0 or 1}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 2 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_qk_mode(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>) {
  // expected-error@+1 {{'tg.attention' op qk_matmul_output_mode must be 0, 1, 2 or 3}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 4 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_softmax_precision(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>) {
  // expected-error@+1 {{'tg.attention' op softmax_precision must be an ONNX float type (1, 10, 11 or 16)}}
  %0:4 = "tg.attention"(%a0, %a1, %a2) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 7 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_past_rank(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>, %a3: tensor<2x4x8xf32>, %a4: tensor<2x4x8xf32>) {
  // expected-error@+1 {{'tg.attention_with_past' op past_key and past_value must have rank 4}}
  %0:4 = "tg.attention_with_past"(%a0, %a1, %a2, %a3, %a4) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_past_type(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>, %a3: tensor<1x2x4x8xf16>, %a4: tensor<1x2x4x8xf16>) {
  // expected-error@+1 {{'tg.attention_with_past' op past_key and past_value must have the element type of Q}}
  %0:4 = "tg.attention_with_past"(%a0, %a1, %a2, %a3, %a4) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// -----

func.func @attention_past_shape(%a0: tensor<1x4x3x8xf32>, %a1: tensor<1x2x5x8xf32>, %a2: tensor<1x2x5x8xf32>, %a3: tensor<1x3x4x8xf32>, %a4: tensor<1x3x4x8xf32>) {
  // expected-error@+1 {{'tg.attention_with_past' op past_key/past_value of shapes 1x3x4x8/1x3x4x8 do not match K/V (batch 1, 2 heads)}}
  %0:4 = "tg.attention_with_past"(%a0, %a1, %a2, %a3, %a4) {is_causal = 0 : i64, kv_num_heads = 0 : i64, q_num_heads = 0 : i64, qk_matmul_output_mode = 0 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x3x4x8xf32>, tensor<1x3x4x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return
}

// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in dialects/tg_rules/sampling.py.
func.func @grid_sample_int_x(%arg0: tensor<1x1x3x3xi32>, %arg1: tensor<1x2x2x2xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<1x1x3x3xi32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xi32>
  return
}

// -----

func.func @grid_sample_int_grid(%arg0: tensor<1x1x3x3xf32>, %arg1: tensor<1x2x2x2xi32>) {
  // expected-error@+1 {{'tg.grid_sample' op operand #1 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<1x1x3x3xf32>, tensor<1x2x2x2xi32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @grid_sample_rank2(%arg0: tensor<1x3xf32>, %arg1: tensor<1x2xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op x must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<1x3xf32>, tensor<1x2xf32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @grid_sample_grid_rank(%arg0: tensor<1x1x3x3xf32>, %arg1: tensor<1x2x2xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op grid must have rank 4 (N x spatial... x 2), got 3}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<1x1x3x3xf32>, tensor<1x2x2xf32>) -> tensor<1x1x2xf32>
  return
}

// -----

func.func @grid_sample_coordinates(%arg0: tensor<1x1x3x3xf32>, %arg1: tensor<1x2x2x3xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op the last dim of grid must be 2 (one coordinate per spatial dim), got 3}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<1x1x3x3xf32>, tensor<1x2x2x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @grid_sample_empty_input(%arg0: tensor<1x1x0x3xf32>, %arg1: tensor<1x2x2x2xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op x's spatial dims must be non-empty, got 1x1x0x3}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<1x1x0x3xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @grid_sample_batch(%arg0: tensor<2x1x3x3xf32>, %arg1: tensor<1x2x2x2xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op grid's batch (1) must equal x's (2)}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<2x1x3x3xf32>, tensor<1x2x2x2xf32>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @grid_sample_mode(%arg0: tensor<1x1x3x3xf32>, %arg1: tensor<1x2x2x2xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op attribute 'mode' must be one of linear, nearest, cubic, got 'bilinear'}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x1x3x3xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @grid_sample_padding(%arg0: tensor<1x1x3x3xf32>, %arg1: tensor<1x2x2x2xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op attribute 'padding_mode' must be one of zeros, border, reflection, got 'wrap'}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "linear", padding_mode = "wrap"} : (tensor<1x1x3x3xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @grid_sample_align(%arg0: tensor<1x1x3x3xf32>, %arg1: tensor<1x2x2x2xf32>) {
  // expected-error@+1 {{'tg.grid_sample' op attribute 'align_corners' must be 0 or 1, got 2}}
  %0 = "tg.grid_sample"(%arg0, %arg1) {align_corners = 2 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<1x1x3x3xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @roi_align_int(%arg0: tensor<1x1x4x4xi32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xi32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x1x2x2xi32>
  return
}

// -----

func.func @roi_align_rank(%arg0: tensor<1x4x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op operand #0 must have rank 4, got 3}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x4x4xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_rois_rank(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<8xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op operand #1 must have rank 2, got 1}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<8xf32>, tensor<2xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_indices_rank(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2x1xi64>) {
  // expected-error@+1 {{'tg.roi_align' op operand #2 must have rank 1, got 2}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x4xf32>, tensor<2x1xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_rois_type(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x4xf64>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op rois has element type f64, expected f32 like x}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x4xf64>, tensor<2xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_indices_type(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2xi32>) {
  // expected-error@+1 {{'tg.roi_align' op operand #2 has element type i32, expected one of i64}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x4xf32>, tensor<2xi32>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_empty(%arg0: tensor<1x1x0x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op x's batch, height and width must be non-empty, got 1x1x0x4}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x0x4xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_rois_columns(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x5xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op rois must be R x 4, got 2x5}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x5xf32>, tensor<2xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_rows(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<3xi64>) {
  // expected-error@+1 {{'tg.roi_align' op rois has 2 rows but batch_indices 3 entries}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x4xf32>, tensor<3xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_mode(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op attribute 'mode' must be one of avg, max, got 'sum'}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "sum", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_transformation(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op attribute 'coordinate_transformation_mode' must be one of half_pixel, output_half_pixel, got 'asymmetric'}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "asymmetric", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @roi_align_output_size(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op output_height and output_width must be positive, got 0 and 2}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 0 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x1x0x2xf32>
  return
}

// -----

func.func @roi_align_sampling_ratio(%arg0: tensor<1x1x4x4xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<2xi64>) {
  // expected-error@+1 {{'tg.roi_align' op attribute 'sampling_ratio' must be >= 0, got -1}}
  %0 = "tg.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = -1 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x1x2x2xf32>
  return
}

// -----

func.func @col2im_int(%arg0: tensor<1x4x16xi32>) {
  // expected-error@+1 {{'tg.col2im' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 2, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x16xi32>) -> tensor<1x1x5x5xi32>
  return
}

// -----

func.func @col2im_rank(%arg0: tensor<4x16xf32>) {
  // expected-error@+1 {{'tg.col2im' op operand #0 must have rank 3, got 2}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 2, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<4x16xf32>) -> tensor<1x5x5xf32>
  return
}

// -----

func.func @col2im_no_spatial(%arg0: tensor<1x4x16xf32>) {
  // expected-error@+1 {{'tg.col2im' op attribute 'image_shape' must have at least one entry}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64>, dilations = array<i64>, image_shape = array<i64>, pads = array<i64>, strides = array<i64>} : (tensor<1x4x16xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @col2im_block_length(%arg0: tensor<1x4x16xf32>) {
  // expected-error@+1 {{'tg.col2im' op attribute 'block_shape' must have 2 entries, got 1}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 4>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x16xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @col2im_stride_zero(%arg0: tensor<1x4x16xf32>) {
  // expected-error@+1 {{'tg.col2im' op attribute 'strides' entries must be positive, got [0, 1]}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 2, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>} : (tensor<1x4x16xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @col2im_negative_pad(%arg0: tensor<1x4x16xf32>) {
  // expected-error@+1 {{'tg.col2im' op attribute 'pads' entries must be non-negative, got [0, -1, 0, 0]}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 2, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, -1, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x16xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @col2im_dynamic(%arg0: tensor<1x4x?xf32>) {
  // expected-error@+1 {{'tg.col2im' op input must have a static shape, got 1x4x?}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 2, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x?xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @col2im_channels(%arg0: tensor<1x6x16xf32>) {
  // expected-error@+1 {{'tg.col2im' op input dim 1 (6) must be a multiple of prod(block_shape) = 4}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 2, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x6x16xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @col2im_block_too_big(%arg0: tensor<1x12x16xf32>) {
  // expected-error@+1 {{'tg.col2im' op spatial dim 0: the block does not fit in the padded image}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 6, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x12x16xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @col2im_positions(%arg0: tensor<1x4x15xf32>) {
  // expected-error@+1 {{'tg.col2im' op input dim 2 (15) must equal the number of block positions (16)}}
  %0 = "tg.col2im"(%arg0) {block_shape = array<i64: 2, 2>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x15xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @max_unpool_int(%arg0: tensor<1x1x2x2xi32>, %arg1: tensor<1x1x2x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op operand #0 has element type i32, expected one of f16, bf16, f32, f64}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xi32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xi32>
  return
}

// -----

func.func @max_unpool_index_type(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<1x1x2x2xi32>) {
  // expected-error@+1 {{'tg.max_unpool' op operand #1 has element type i32, expected one of i64}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_unpool_rank(%arg0: tensor<1x2xf32>, %arg1: tensor<1x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op x must have rank >= 3 (N x C x spatial...), got 2}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2>, output_shape = array<i64: 1, 4>, pads = array<i64: 0, 0>, strides = array<i64: 2>} : (tensor<1x2xf32>, tensor<1x2xi64>) -> tensor<1x4xf32>
  return
}

// -----

func.func @max_unpool_dynamic(%arg0: tensor<1x1x?x2xf32>, %arg1: tensor<1x1x2x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op x and i must have static shapes, got 1x1x?x2 and 1x1x2x2}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x?x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_unpool_index_shape(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<1x1x2x1xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op i must have x's shape 1x1x2x2, got 1x1x2x1}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x1xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_unpool_kernel_length(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<1x1x2x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op attribute 'kernel_shape' must have 2 entries, got 1}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_unpool_kernel_zero(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<1x1x2x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op attribute 'kernel_shape' entries must be positive, got [0, 2]}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 0, 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_unpool_stride_zero(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<1x1x2x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op attribute 'strides' entries must be positive, got [2, 0]}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 0>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_unpool_negative_pad(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<1x1x2x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op attribute 'pads' entries must be non-negative, got [0, 0, -1, 0]}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 0, 0, -1, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_unpool_no_output(%arg0: tensor<1x1x1x2xf32>, %arg1: tensor<1x1x1x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op the pads leave no output (inferred shape 1x1x0x4)}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 4, 4>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x1x2xf32>, tensor<1x1x1x2xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_unpool_output_shape(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<1x1x2x2xi64>) {
  // expected-error@+1 {{'tg.max_unpool' op attribute 'output_shape' 1x1x3x4 must have x's batch and channels and hold the inferred shape 1x1x4x4}}
  %0 = "tg.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 3, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x3x4xf32>
  return
}

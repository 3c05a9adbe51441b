// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of the sampling ops (GridSample, RoiAlign, Col2Im, MaxUnpool).

// CHECK-LABEL: func.func @grid_sample_2d
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x5x7xf32>, %[[G:.*]]: tensor<2x4x6x2xf32>)
// CHECK: %[[Y:.*]] = "tg.grid_sample"(%[[X]], %[[G]]) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<2x3x5x7xf32>, tensor<2x4x6x2xf32>) -> tensor<2x3x4x6xf32>
// CHECK: return %[[Y]]
func.func @grid_sample_2d(%x: tensor<2x3x5x7xf32>, %g: tensor<2x4x6x2xf32>) -> tensor<2x3x4x6xf32> {
  %0 = "tg.grid_sample"(%x, %g) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<2x3x5x7xf32>, tensor<2x4x6x2xf32>) -> tensor<2x3x4x6xf32>
  return %0 : tensor<2x3x4x6xf32>
}

// Volumetric, cubic, reflection; dynamic dims, f16 input with an f32 grid.
// CHECK-LABEL: func.func @grid_sample_3d_dynamic
// CHECK: "tg.grid_sample"(%{{.*}}, %{{.*}}) {align_corners = 1 : i64, mode = "cubic", padding_mode = "reflection"} : (tensor<?x2x3x4x?xf16>, tensor<1x?x2x3x3xf32>) -> tensor<1x2x?x2x3xf16>
func.func @grid_sample_3d_dynamic(%x: tensor<?x2x3x4x?xf16>, %g: tensor<1x?x2x3x3xf32>) -> tensor<1x2x?x2x3xf16> {
  %0 = "tg.grid_sample"(%x, %g) {align_corners = 1 : i64, mode = "cubic", padding_mode = "reflection"} : (tensor<?x2x3x4x?xf16>, tensor<1x?x2x3x3xf32>) -> tensor<1x2x?x2x3xf16>
  return %0 : tensor<1x2x?x2x3xf16>
}

// CHECK-LABEL: func.func @roi_align
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x9x11xf32>, %[[R:.*]]: tensor<5x4xf32>, %[[B:.*]]: tensor<5xi64>)
// CHECK: %[[Y:.*]] = "tg.roi_align"(%[[X]], %[[R]], %[[B]]) {coordinate_transformation_mode = "half_pixel", mode = "max", output_height = 3 : i64, output_width = 4 : i64, sampling_ratio = 0 : i64, spatial_scale = 5.000000e-01 : f32} : (tensor<2x3x9x11xf32>, tensor<5x4xf32>, tensor<5xi64>) -> tensor<5x3x3x4xf32>
// CHECK: return %[[Y]]
func.func @roi_align(%x: tensor<2x3x9x11xf32>, %r: tensor<5x4xf32>, %b: tensor<5xi64>) -> tensor<5x3x3x4xf32> {
  %0 = "tg.roi_align"(%x, %r, %b) {coordinate_transformation_mode = "half_pixel", mode = "max", output_height = 3 : i64, output_width = 4 : i64, sampling_ratio = 0 : i64, spatial_scale = 5.000000e-01 : f32} : (tensor<2x3x9x11xf32>, tensor<5x4xf32>, tensor<5xi64>) -> tensor<5x3x3x4xf32>
  return %0 : tensor<5x3x3x4xf32>
}

// CHECK-LABEL: func.func @col2im
// CHECK-SAME: (%[[X:.*]]: tensor<2x12x6xf32>)
// CHECK: %[[Y:.*]] = "tg.col2im"(%[[X]]) {block_shape = array<i64: 3, 2>, dilations = array<i64: 2, 1>, image_shape = array<i64: 7, 6>, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 3>} : (tensor<2x12x6xf32>) -> tensor<2x2x7x6xf32>
// CHECK: return %[[Y]]
func.func @col2im(%x: tensor<2x12x6xf32>) -> tensor<2x2x7x6xf32> {
  %0 = "tg.col2im"(%x) {block_shape = array<i64: 3, 2>, dilations = array<i64: 2, 1>, image_shape = array<i64: 7, 6>, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 3>} : (tensor<2x12x6xf32>) -> tensor<2x2x7x6xf32>
  return %0 : tensor<2x2x7x6xf32>
}

// CHECK-LABEL: func.func @max_unpool
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x3xf32>, %[[I:.*]]: tensor<1x2x2x3xi64>)
// CHECK: %[[Y:.*]] = "tg.max_unpool"(%[[X]], %[[I]]) {kernel_shape = array<i64: 2, 3>, output_shape = array<i64: 1, 2, 5, 7>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 1>} : (tensor<1x2x2x3xf32>, tensor<1x2x2x3xi64>) -> tensor<1x2x5x7xf32>
// CHECK: return %[[Y]]
func.func @max_unpool(%x: tensor<1x2x2x3xf32>, %i: tensor<1x2x2x3xi64>) -> tensor<1x2x5x7xf32> {
  %0 = "tg.max_unpool"(%x, %i) {kernel_shape = array<i64: 2, 3>, output_shape = array<i64: 1, 2, 5, 7>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 1>} : (tensor<1x2x2x3xf32>, tensor<1x2x2x3xi64>) -> tensor<1x2x5x7xf32>
  return %0 : tensor<1x2x5x7xf32>
}

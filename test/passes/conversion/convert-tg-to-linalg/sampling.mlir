// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Bilinear, zeros padding: one parallel generic over the result; the grid point's two
// coordinates (last spatial dim first) are read with tensor.extract, each dim gives two taps
// (clamped indices, an inside flag each), and the four reads are summed dim by dim.
// CHECK-LABEL: func.func @grid_sample_linear_zeros
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x3x5xf32>, %[[G:[^:]*]]: tensor<1x4x6x2xf32>)
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<1x2x4x6xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%[[INIT]] : tensor<1x2x4x6xf32>)
// CHECK: %[[N:.*]] = linalg.index 0 : index
// CHECK: %[[GY:.*]] = tensor.extract %[[G]][%[[N]], %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x4x6x2xf32>
// CHECK: math.floor
// CHECK: %[[GX:.*]] = tensor.extract %[[G]][%[[N]], %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x4x6x2xf32>
// CHECK: math.floor
// CHECK: %[[V00:.*]] = tensor.extract %[[X]][%[[N]], %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x2x3x5xf32>
// CHECK: arith.select
// CHECK: tensor.extract %[[X]]
// CHECK: tensor.extract %[[X]]
// CHECK: tensor.extract %[[X]]
// CHECK-NOT: tensor.extract %[[X]]
// CHECK: linalg.yield
// CHECK: return %[[Y]]
func.func @grid_sample_linear_zeros(%x: tensor<1x2x3x5xf32>, %g: tensor<1x4x6x2xf32>) -> tensor<1x2x4x6xf32> {
  %0 = "tg.grid_sample"(%x, %g) {align_corners = 0 : i64, mode = "linear", padding_mode = "zeros"} : (tensor<1x2x3x5xf32>, tensor<1x4x6x2xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// Nearest (round half to even), border; dynamic dims: the batch is the smaller of x's and the
// grid's, and the dynamic spatial dim of x is padded by one zero so an empty dim is never read
// out of bounds.
// CHECK-LABEL: func.func @grid_sample_nearest_dynamic
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x2x?x5xf32>, %[[G:[^:]*]]: tensor<?x4x6x2xf32>)
// CHECK: %[[NX:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x2x?x5xf32>
// CHECK: %[[NG:.*]] = tensor.dim %[[G]], %{{.*}} : tensor<?x4x6x2xf32>
// CHECK: %[[N:.*]] = arith.minsi %[[NX]], %[[NG]] : index
// CHECK: %[[PADDED:.*]] = tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 0, 1, 0]
// CHECK: %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?x2x4x6xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<?x2x4x6xf32>)
// CHECK: math.roundeven
// CHECK: math.roundeven
// CHECK: tensor.extract %[[PADDED]]
// CHECK-NOT: tensor.extract %[[PADDED]]
// CHECK: linalg.yield
// CHECK: return %[[Y]]
func.func @grid_sample_nearest_dynamic(%x: tensor<?x2x?x5xf32>, %g: tensor<?x4x6x2xf32>) -> tensor<?x2x4x6xf32> {
  %0 = "tg.grid_sample"(%x, %g) {align_corners = 1 : i64, mode = "nearest", padding_mode = "border"} : (tensor<?x2x?x5xf32>, tensor<?x4x6x2xf32>) -> tensor<?x2x4x6xf32>
  return %0 : tensor<?x2x4x6xf32>
}

// -----

// Adaptive sampling ratio: per-ROI parameters (one generic, seven results), the largest grid
// of any ROI (two max-reductions) sizes the reduction loops, then the average.
// CHECK-LABEL: func.func @roi_align_adaptive
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x9x11xf32>, %[[R:[^:]*]]: tensor<5x4xf32>, %[[B:[^:]*]]: tensor<5xi64>)
// CHECK: %[[P:.*]]:7 = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[R]], %[[R]], %[[R]], %[[R]], %[[B]] : {{.*}}) outs({{.*}} : tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xi64>, tensor<5xi64>, tensor<5xi64>)
// CHECK: math.ceil
// CHECK: %[[GH:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[P]]#4 : tensor<5xi64>)
// CHECK: arith.maxsi
// CHECK: %[[GW:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[P]]#5 : tensor<5xi64>)
// CHECK: %[[SAMPLES:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xi64>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[P]]#0, %[[P]]#1, %[[P]]#2, %[[P]]#3, %[[P]]#4, %[[P]]#5, %[[P]]#6, %[[SAMPLES]] : {{.*}}) outs(%{{.*}} : tensor<5x3x3x4xf32>)
// CHECK-COUNT-4: tensor.extract %[[X]]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[SUM]], %[[P]]#4, %[[P]]#5 : tensor<5x3x3x4xf32>, tensor<5xi64>, tensor<5xi64>) outs(%{{.*}} : tensor<5x3x3x4xf32>)
// CHECK: arith.divf
// CHECK: return %[[Y]]
func.func @roi_align_adaptive(%x: tensor<2x3x9x11xf32>, %r: tensor<5x4xf32>, %b: tensor<5xi64>) -> tensor<5x3x3x4xf32> {
  %0 = "tg.roi_align"(%x, %r, %b) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 3 : i64, output_width = 4 : i64, sampling_ratio = 0 : i64, spatial_scale = 5.000000e-01 : f32} : (tensor<2x3x9x11xf32>, tensor<5x4xf32>, tensor<5xi64>) -> tensor<5x3x3x4xf32>
  return %0 : tensor<5x3x3x4xf32>
}

// -----

// A fixed sampling ratio: the reduction loops are ratio x ratio; max mode; f16 is computed in
// f32 and rounded once at the end.
// CHECK-LABEL: func.func @roi_align_max_fixed
// CHECK: %[[SAMPLES:.*]] = tensor.empty() : tensor<2x2xi64>
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins({{.*}}, %[[SAMPLES]] : {{.*}}, tensor<2x2xi64>) outs(%{{.*}} : tensor<4x1x2x2xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[MAX]], {{.*}}) outs(%{{.*}} : tensor<4x1x2x2xf16>)
// CHECK: arith.truncf
// CHECK: return %[[Y]]
func.func @roi_align_max_fixed(%x: tensor<1x1x5x5xf16>, %r: tensor<4x4xf16>, %b: tensor<4xi64>) -> tensor<4x1x2x2xf16> {
  %0 = "tg.roi_align"(%x, %r, %b) {coordinate_transformation_mode = "output_half_pixel", mode = "max", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 2 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x5x5xf16>, tensor<4x4xf16>, tensor<4xi64>) -> tensor<4x1x2x2xf16>
  return %0 : tensor<4x1x2x2xf16>
}

// -----

// A gather over N x C x H x W reducing over the 3 x 2 block offsets (the loops of a
// shape-only operand): one read of the columns per offset, masked where no block covers it.
// CHECK-LABEL: func.func @col2im
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x12x6xf32>)
// CHECK: %[[OFFSETS:.*]] = tensor.empty() : tensor<3x2xi64>
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x2x7x6xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[OFFSETS]] : tensor<3x2xi64>) outs(%[[ZERO]] : tensor<2x2x7x6xf32>)
// CHECK: arith.remui
// CHECK: %[[V:.*]] = tensor.extract %[[X]][%{{.*}}, %{{.*}}, %{{.*}}] : tensor<2x12x6xf32>
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: return %[[Y]]
func.func @col2im(%x: tensor<2x12x6xf32>) -> tensor<2x2x7x6xf32> {
  %0 = "tg.col2im"(%x) {block_shape = array<i64: 3, 2>, dilations = array<i64: 2, 1>, image_shape = array<i64: 7, 6>, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 3>} : (tensor<2x12x6xf32>) -> tensor<2x2x7x6xf32>
  return %0 : tensor<2x2x7x6xf32>
}

// -----

// A walk over x inserting each value at its index into the flat inferred shape (1x2x4x5),
// expanded and placed at the origin of the zero output_shape tensor.
// CHECK-LABEL: func.func @max_unpool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x2x3xf32>, %[[I:[^:]*]]: tensor<1x2x2x3xi64>)
// CHECK: %[[FLAT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<40xf32>)
// CHECK: %[[WALK:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[FLAT]]) -> (tensor<40xf32>)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: tensor.extract %[[X]]
// CHECK: tensor.extract %[[I]]
// CHECK: tensor.insert
// CHECK: %[[GRID:.*]] = tensor.expand_shape %[[WALK]] {{\[}}[0, 1, 2, 3]] output_shape [1, 2, 4, 5] : tensor<40xf32> into tensor<1x2x4x5xf32>
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x5x7xf32>)
// CHECK: %[[Y:.*]] = tensor.insert_slice %[[GRID]] into %[[ZERO]][0, 0, 0, 0] [1, 2, 4, 5] [1, 1, 1, 1]
// CHECK: return %[[Y]]
func.func @max_unpool(%x: tensor<1x2x2x3xf32>, %i: tensor<1x2x2x3xi64>) -> tensor<1x2x5x7xf32> {
  %0 = "tg.max_unpool"(%x, %i) {kernel_shape = array<i64: 2, 3>, output_shape = array<i64: 1, 2, 5, 7>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 1>} : (tensor<1x2x2x3xf32>, tensor<1x2x2x3xi64>) -> tensor<1x2x5x7xf32>
  return %0 : tensor<1x2x5x7xf32>
}

// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Nearest resize: per resized axis a constant table of source indices, one gathering generic.
// CHECK-LABEL: func.func @resize_nearest
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x1x2x2xf32>)
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK-DAG: %[[COLS:.*]] = arith.constant dense<[0, 0, 1]> : tensor<3xi64>
// CHECK: linalg.generic {{.*}} ins(%[[ROWS]], %[[COLS]] : tensor<4xi64>, tensor<3xi64>)
// CHECK: ^bb0(%[[R:.*]]: i64, %[[C:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[RI:.*]] = arith.index_cast %[[R]] : i64 to index
// CHECK: %[[CI:.*]] = arith.index_cast %[[C]] : i64 to index
// CHECK: tensor.extract %[[X]][%{{.*}}, %{{.*}}, %[[RI]], %[[CI]]] : tensor<1x1x2x2xf32>
func.func @resize_nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x3xf32> {
  %0 = "tg.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 2.0, 1.5>, sizes = array<i64: 1, 1, 4, 3>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x3xf32>
  return %0 : tensor<1x1x4x3xf32>
}

// -----

// Linear resize of f16: tap indices and weights per output position (half_pixel, clamped at the
// edge), a reduction over the taps in f32, one rounding to f16 at the end.
// CHECK-LABEL: func.func @resize_linear
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x4xf16>)
// CHECK-DAG: %[[TAPS:.*]] = arith.constant dense<{{\[\[}}0, 0], [0, 1], [0, 1], [1, 2], [1, 2], [2, 3], [2, 3], [3, 3]]> : tensor<8x2xi64>
// CHECK-DAG: %[[WEIGHTS:.*]] = arith.constant dense<{{\[\[}}2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01]{{.*}}> : tensor<8x2xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[TAPS]], %[[WEIGHTS]] : tensor<8x2xi64>, tensor<8x2xf32>) outs(%{{.*}} : tensor<2x8xf32>)
// CHECK: %[[V:.*]] = tensor.extract %[[X]][%{{.*}}, %{{.*}}] : tensor<2x4xf16>
// CHECK: arith.extf %[[V]] : f16 to f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x8xf32>) outs(%{{.*}} : tensor<2x8xf16>)
// CHECK: arith.truncf
func.func @resize_linear(%x: tensor<2x4xf16>) -> tensor<2x8xf16> {
  %0 = "tg.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "linear", nearest_mode = "round_prefer_floor", roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 1.0, 2.0>, sizes = array<i64: 2, 8>} : (tensor<2x4xf16>) -> tensor<2x8xf16>
  return %0 : tensor<2x8xf16>
}

// -----

// Run-time sizes (tg.resize_dynamic), dynamic input dim: the output size is read from the
// operand; the table of source indices is computed at run time, then the same gather.
// CHECK-LABEL: func.func @resize_dynamic_nearest
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4xf32>, %[[S:[^:]*]]: tensor<1xi64>)
// CHECK: tensor.extract %[[S]][%{{.*}}] : tensor<1xi64>
// CHECK: %[[TABLE:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi64>)
// CHECK: math.floor
// CHECK: %[[OUT:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.generic {{.*}} ins(%[[TABLE]] : tensor<?xi64>) outs(%[[OUT]] : tensor<?x?xf32>)
// CHECK: tensor.extract %[[X]][%{{.*}}, %{{.*}}] : tensor<?x4xf32>
func.func @resize_dynamic_nearest(%x: tensor<?x4xf32>, %sizes: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = "tg.resize_dynamic"(%x, %sizes) {antialias = 0 : i64, axes = array<i64: 1>, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "floor"} : (tensor<?x4xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Antialias with a run-time scale: the number of taps depends on the scale, so the tap and
// weight tables are out x ? (weights normalized per row), then one reduction over the taps.
// CHECK-LABEL: func.func @resize_dynamic_antialias
// CHECK: %[[T:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?x?xi64>, tensor<?x?xf64>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[T]]#1 : tensor<?x?xf64>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[T]]#0, %{{.*}} : tensor<?x?xi64>, tensor<?x?xf32>) outs(%{{.*}} : tensor<1x?xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @resize_dynamic_antialias(%x: tensor<1x8xf16>, %scales: tensor<1xf32>) -> tensor<1x?xf16> {
  %0 = "tg.resize_dynamic"(%x, %scales) {antialias = 1 : i64, axes = array<i64: 1>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "linear", nearest_mode = "round_prefer_floor"} : (tensor<1x8xf16>, tensor<1xf32>) -> tensor<1x?xf16>
  return %0 : tensor<1x?xf16>
}

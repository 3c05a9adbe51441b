// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// AveragePool: window sums of the zero-padded input, divided by a compile-time table of how many
// taps of each window fall inside the input (count_include_pad = 0): 4 at corners, 9 inside.
// CHECK-LABEL: func.func @average_pool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x1x5x5xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[SUM:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PAD]], %{{.*}} : tensor<1x1x7x7xf32>, tensor<3x3xf32>)
// CHECK: arith.addf
// CHECK: %[[COUNTS:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]]]> : tensor<1x1x3x3xf32>
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[COUNTS]] : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>)
// CHECK: arith.divf
func.func @average_pool(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = "tg.average_pool"(%x) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// MaxPool with Indices: one window generic carries the value and its row-major flat index (the
// first maximum wins, padding never does); storage_order 1 re-linearizes the index column-major.
// CHECK-LABEL: func.func @max_pool_with_indices
// CHECK: %[[VI:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
// CHECK: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32, %[[ACC:.*]]: f32, %[[IDX:.*]]: i64):
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[ACC]] : f32
// CHECK: %[[TAKE:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK: arith.select %[[TAKE]], %[[V]], %[[ACC]] : f32
// CHECK: %[[COL:.*]] = linalg.generic {{.*}} ins(%[[VI]]#1 : tensor<1x1x2x2xi64>)
// CHECK: arith.remsi
// CHECK: return %[[VI]]#0, %[[COL]]
func.func @max_pool_with_indices(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  %0:2 = "tg.max_pool_with_indices"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %0#0, %0#1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

// ConvTranspose: the input is scattered with the stride into a zero tensor padded by
// dilation * (k - 1) - pad, then correlated with the flipped kernel (2 - k) per group.
// CHECK-DAG: #[[ZMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 + d6, d4 + d7)>
// CHECK-DAG: #[[WMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d5, d2, -d6 + 2, -d7 + 2)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x3x3xf32>, %[[W:[^:]*]]: tensor<2x4x3x3xf32>)
// CHECK: %[[ZEROS:.*]] = linalg.fill {{.*}} -> tensor<1x2x9x9xf32>
// CHECK: %[[Z:.*]] = tensor.insert_slice %[[X]] into %[[ZEROS]][0, 0, 2, 2] [1, 2, 3, 3] [1, 1, 2, 2] : tensor<1x2x3x3xf32> into tensor<1x2x9x9xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ZMAP]], #[[WMAP]], {{.*}}]
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>, %w: tensor<2x4x3x3xf32>) -> tensor<1x4x7x7xf32> {
  %0 = "tg.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x4x3x3xf32>) -> tensor<1x4x7x7xf32>
  return %0 : tensor<1x4x7x7xf32>
}

// -----

// Einsum: output letters are parallel loops, the rest reduction loops (b, a, c here); a size-1 dim
// of a letter that is larger elsewhere reads index 0.
// CHECK-DAG: #[[AMAP:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[BMAP:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[OMAP:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func.func @einsum_broadcast
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x1xi64>, %[[B:[^:]*]]: tensor<3x4xi64>)
// CHECK: linalg.generic {indexing_maps = [#[[AMAP]], #[[BMAP]], #[[OMAP]]], iterator_types = ["parallel", "reduction", "reduction"]} ins(%[[A]], %[[B]] : tensor<2x1xi64>, tensor<3x4xi64>)
// CHECK: arith.muli
// CHECK: arith.addi
func.func @einsum_broadcast(%a: tensor<2x1xi64>, %b: tensor<3x4xi64>) -> tensor<3xi64> {
  %0 = "tg.einsum"(%a, %b) {equation = "ab,bc->b"} : (tensor<2x1xi64>, tensor<3x4xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

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

// Attention with 4 query heads on 2 KV heads: K and V are read at head h floordiv 2; the causal
// bias compares key j with query i; softmax over the keys; then probs . V.
// CHECK-DAG: #[[QMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 2, d3, d4)>
// CHECK-DAG: #[[VMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 2, d4, d3)>
// CHECK-LABEL: func.func @attention_gqa
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<1x4x3x8xf32>, %[[K:[^:]*]]: tensor<1x2x5x8xf32>, %[[V:[^:]*]]: tensor<1x2x5x8xf32>)
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[QMAP]], #[[KMAP]], {{.*}}]{{.*}} ins(%[[Q]], %[[K]] : tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>) outs(%{{.*}} : tensor<1x4x3x5xf32>)
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<3x5xf32>)
// CHECK: arith.cmpi sle
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#[[QMAP]], #[[VMAP]], {{.*}}]{{.*}} ins(%{{.*}}, %[[V]] : tensor<1x4x3x5xf32>, tensor<1x2x5x8xf32>) outs(%{{.*}} : tensor<1x4x3x8xf32>)
func.func @attention_gqa(%q: tensor<1x4x3x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x8xf32>) -> tensor<1x4x3x8xf32> {
  %0:4 = "tg.attention"(%q, %k, %v) {is_causal = 1 : i64, kv_num_heads = 2 : i64, q_num_heads = 4 : i64, qk_matmul_output_mode = 0 : i64, scale = 2.500000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>) -> (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x4x3x5xf32>)
  return %0#0 : tensor<1x4x3x8xf32>
}

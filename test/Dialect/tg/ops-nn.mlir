// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of every op of the nn family. Result types are the ones the type rules infer
// (polytile-opt rejects any other), so each case also pins a shape rule.

// Ceil mode adds a last window that starts inside the input: ceil((7 + 1 - 3) / 2) + 1 = 4.
// CHECK-LABEL: func.func @average_pool_ceil
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x7x8xf32>)
// CHECK: %[[R:.*]] = "tg.average_pool"(%[[X]]) {ceil_mode = 1 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x7x8xf32>) -> tensor<1x2x4x4xf32>
// CHECK: return %[[R]]
func.func @average_pool_ceil(%x: tensor<1x2x7x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "tg.average_pool"(%x) {ceil_mode = 1 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x7x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// A dilated 1-d window spans 2 * (3 - 1) + 1 = 5 inputs: (9 + 2 - 5) + 1 = 7.
// CHECK-LABEL: func.func @average_pool_1d_dilated
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x9xf64>)
// CHECK: %[[R:.*]] = "tg.average_pool"(%[[X]]) {ceil_mode = 0 : i64, count_include_pad = 1 : i64, dilations = array<i64: 2>, kernel_shape = array<i64: 3>, pads = array<i64: 1, 1>, strides = array<i64: 1>} : (tensor<2x3x9xf64>) -> tensor<2x3x7xf64>
// CHECK: return %[[R]]
func.func @average_pool_1d_dilated(%x: tensor<2x3x9xf64>) -> tensor<2x3x7xf64> {
  %0 = "tg.average_pool"(%x) {ceil_mode = 0 : i64, count_include_pad = 1 : i64, dilations = array<i64: 2>, kernel_shape = array<i64: 3>, pads = array<i64: 1, 1>, strides = array<i64: 1>} : (tensor<2x3x9xf64>) -> tensor<2x3x7xf64>
  return %0 : tensor<2x3x7xf64>
}

// CHECK-LABEL: func.func @lp_pool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x6x6xf16>)
// CHECK: %[[R:.*]] = "tg.lp_pool"(%[[X]]) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf16>) -> tensor<1x2x3x3xf16>
// CHECK: return %[[R]]
func.func @lp_pool(%x: tensor<1x2x6x6xf16>) -> tensor<1x2x3x3xf16> {
  %0 = "tg.lp_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf16>) -> tensor<1x2x3x3xf16>
  return %0 : tensor<1x2x3x3xf16>
}

// CHECK-LABEL: func.func @global_max_pool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x3x4x5xf32>)
// CHECK: %[[R:.*]] = "tg.global_max_pool"(%[[X]]) : (tensor<1x2x3x4x5xf32>) -> tensor<1x2x1x1x1xf32>
// CHECK: return %[[R]]
func.func @global_max_pool(%x: tensor<1x2x3x4x5xf32>) -> tensor<1x2x1x1x1xf32> {
  %0 = "tg.global_max_pool"(%x) : (tensor<1x2x3x4x5xf32>) -> tensor<1x2x1x1x1xf32>
  return %0 : tensor<1x2x1x1x1xf32>
}

// CHECK-LABEL: func.func @global_lp_pool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x7xf64>)
// CHECK: %[[R:.*]] = "tg.global_lp_pool"(%[[X]]) {p = 2 : i64} : (tensor<2x3x7xf64>) -> tensor<2x3x1xf64>
// CHECK: return %[[R]]
func.func @global_lp_pool(%x: tensor<2x3x7xf64>) -> tensor<2x3x1xf64> {
  %0 = "tg.global_lp_pool"(%x) {p = 2 : i64} : (tensor<2x3x7xf64>) -> tensor<2x3x1xf64>
  return %0 : tensor<2x3x1xf64>
}

// Values keep the input type, indices are i64.
// CHECK-LABEL: func.func @max_pool_with_indices
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x3x5x5xui8>)
// CHECK: %[[R:.*]]:2 = "tg.max_pool_with_indices"(%[[X]]) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x3x5x5xui8>) -> (tensor<1x3x3x3xui8>, tensor<1x3x3x3xi64>)
// CHECK: return %[[R]]
func.func @max_pool_with_indices(%x: tensor<1x3x5x5xui8>) -> (tensor<1x3x3x3xui8>, tensor<1x3x3x3xi64>) {
  %0:2 = "tg.max_pool_with_indices"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x3x5x5xui8>) -> (tensor<1x3x3x3xui8>, tensor<1x3x3x3xi64>)
  return %0#0, %0#1 : tensor<1x3x3x3xui8>, tensor<1x3x3x3xi64>
}

// 2 * (4 - 1) + 1 + 3 - 1 - 1 = 8 rows; a negative end pad widens: 1 * (5 - 1) + 3 - 0 + 1 = 8 columns.
// Output channels are 3 per group x 2 groups.
// CHECK-LABEL: func.func @conv_transpose_grouped
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x4x4x5xf32>, %[[W:[^:]*]]: tensor<4x3x3x3xf32>, %[[B:[^:]*]]: tensor<6xf32>)
// CHECK: %[[R:.*]] = "tg.conv_transpose"(%[[X]], %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 1, 0>, pads = array<i64: 1, 0, 1, -1>, strides = array<i64: 2, 1>} : (tensor<1x4x4x5xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
// CHECK: return %[[R]]
func.func @conv_transpose_grouped(%x: tensor<1x4x4x5xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x8x8xf32> {
  %0 = "tg.conv_transpose"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 1, 0>, pads = array<i64: 1, 0, 1, -1>, strides = array<i64: 2, 1>} : (tensor<1x4x4x5xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
  return %0 : tensor<1x6x8x8xf32>
}

// CHECK-LABEL: func.func @conv_transpose_1d
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x6xf16>, %[[W:[^:]*]]: tensor<3x2x4xf16>)
// CHECK: %[[R:.*]] = "tg.conv_transpose"(%[[X]], %[[W]]) {dilations = array<i64: 1>, group = 1 : i64, kernel_shape = array<i64: 4>, output_padding = array<i64: 0>, pads = array<i64: 1, 0>, strides = array<i64: 2>} : (tensor<2x3x6xf16>, tensor<3x2x4xf16>) -> tensor<2x2x13xf16>
// CHECK: return %[[R]]
func.func @conv_transpose_1d(%x: tensor<2x3x6xf16>, %w: tensor<3x2x4xf16>) -> tensor<2x2x13xf16> {
  %0 = "tg.conv_transpose"(%x, %w) {dilations = array<i64: 1>, group = 1 : i64, kernel_shape = array<i64: 4>, output_padding = array<i64: 0>, pads = array<i64: 1, 0>, strides = array<i64: 2>} : (tensor<2x3x6xf16>, tensor<3x2x4xf16>) -> tensor<2x2x13xf16>
  return %0 : tensor<2x2x13xf16>
}

// CHECK-LABEL: func.func @einsum_batch_matmul
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x3x4xf32>, %[[B:[^:]*]]: tensor<2x4x5xf32>)
// CHECK: %[[R:.*]] = "tg.einsum"(%[[A]], %[[B]]) {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
// CHECK: return %[[R]]
func.func @einsum_batch_matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = "tg.einsum"(%a, %b) {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// A size-1 dim broadcasts against the other operand's size of the same letter.
// CHECK-LABEL: func.func @einsum_broadcast
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x1xi64>, %[[B:[^:]*]]: tensor<3x4xi64>)
// CHECK: %[[R:.*]] = "tg.einsum"(%[[A]], %[[B]]) {equation = "ab,bc->b"} : (tensor<2x1xi64>, tensor<3x4xi64>) -> tensor<3xi64>
// CHECK: return %[[R]]
func.func @einsum_broadcast(%a: tensor<2x1xi64>, %b: tensor<3x4xi64>) -> tensor<3xi64> {
  %0 = "tg.einsum"(%a, %b) {equation = "ab,bc->b"} : (tensor<2x1xi64>, tensor<3x4xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @einsum_diagonal
// CHECK-SAME: (%[[A:[^:]*]]: tensor<4x4xf64>)
// CHECK: %[[R:.*]] = "tg.einsum"(%[[A]]) {equation = "ii->i"} : (tensor<4x4xf64>) -> tensor<4xf64>
// CHECK: return %[[R]]
func.func @einsum_diagonal(%a: tensor<4x4xf64>) -> tensor<4xf64> {
  %0 = "tg.einsum"(%a) {equation = "ii->i"} : (tensor<4x4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// CHECK-LABEL: func.func @resize_nearest
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x4x8xui8>)
// CHECK: %[[R:.*]] = "tg.resize"(%[[X]]) {antialias = 0 : i64, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", roi = array<f64: 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00>, scales = array<f64: 1.000000e+00, 1.000000e+00, 1.750000e+00, 7.500000e-01>, sizes = array<i64: 1, 2, 7, 6>} : (tensor<1x2x4x8xui8>) -> tensor<1x2x7x6xui8>
// CHECK: return %[[R]]
func.func @resize_nearest(%x: tensor<1x2x4x8xui8>) -> tensor<1x2x7x6xui8> {
  %0 = "tg.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 1.75, 0.75>, sizes = array<i64: 1, 2, 7, 6>} : (tensor<1x2x4x8xui8>) -> tensor<1x2x7x6xui8>
  return %0 : tensor<1x2x7x6xui8>
}

// CHECK-LABEL: func.func @resize_tf_crop_and_resize
// CHECK-SAME: (%[[X:[^:]*]]: tensor<5x5xf32>)
// CHECK: %[[R:.*]] = "tg.resize"(%[[X]]) {antialias = 0 : i64, coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = 1 : i64, extrapolation_value = 2.500000e+00 : f32, mode = "cubic", nearest_mode = "round_prefer_floor", roi = array<f64: -2.000000e-01, 3.000000e-01, 8.000000e-01, 1.300000e+00>, scales = array<f64: 8.000000e-01, 1.200000e+00>, sizes = array<i64: 4, 6>} : (tensor<5x5xf32>) -> tensor<4x6xf32>
// CHECK: return %[[R]]
func.func @resize_tf_crop_and_resize(%x: tensor<5x5xf32>) -> tensor<4x6xf32> {
  %0 = "tg.resize"(%x) {antialias = 0 : i64, coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = 1 : i64, extrapolation_value = 2.500000e+00 : f32, mode = "cubic", nearest_mode = "round_prefer_floor", roi = array<f64: -0.2, 0.3, 0.8, 1.3>, scales = array<f64: 0.8, 1.2>, sizes = array<i64: 4, 6>} : (tensor<5x5xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// Run-time sizes of axes 3 and 2 (`?` there) and a run-time roi; the other dims are x's.
// CHECK-LABEL: func.func @resize_dynamic_sizes_roi
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x3x5x5xf32>, %[[S:[^:]*]]: tensor<2xi64>, %[[R:[^:]*]]: tensor<4xf32>)
// CHECK: %[[Y:.*]] = "tg.resize_dynamic"(%[[X]], %[[S]], %[[R]]) {antialias = 0 : i64, axes = array<i64: 3, 2>, coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 1.000000e+00 : f32, keep_aspect_ratio_policy = "not_larger", mode = "linear", nearest_mode = "round_prefer_floor"} : (tensor<?x3x5x5xf32>, tensor<2xi64>, tensor<4xf32>) -> tensor<?x3x?x?xf32>
// CHECK: return %[[Y]]
func.func @resize_dynamic_sizes_roi(%x: tensor<?x3x5x5xf32>, %sizes: tensor<2xi64>, %roi: tensor<4xf32>) -> tensor<?x3x?x?xf32> {
  %0 = "tg.resize_dynamic"(%x, %sizes, %roi) {antialias = 0 : i64, axes = array<i64: 3, 2>, coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 1.000000e+00 : f32, keep_aspect_ratio_policy = "not_larger", mode = "linear", nearest_mode = "round_prefer_floor"} : (tensor<?x3x5x5xf32>, tensor<2xi64>, tensor<4xf32>) -> tensor<?x3x?x?xf32>
  return %0 : tensor<?x3x?x?xf32>
}

// Run-time scales of every dim (Upsample's "simple" nearest rule), no roi.
// CHECK-LABEL: func.func @resize_dynamic_scales
// CHECK: "tg.resize_dynamic"(%{{.*}}, %{{.*}}) {{.*}}nearest_mode = "simple"{{.*}} : (tensor<2x4xui8>, tensor<?xf32>) -> tensor<?x?xui8>
func.func @resize_dynamic_scales(%x: tensor<2x4xui8>, %scales: tensor<?xf32>) -> tensor<?x?xui8> {
  %0 = "tg.resize_dynamic"(%x, %scales) {antialias = 0 : i64, axes = array<i64: 0, 1>, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "simple"} : (tensor<2x4xui8>, tensor<?xf32>) -> tensor<?x?xui8>
  return %0 : tensor<?x?xui8>
}

// GQA (4 query heads on 2 KV heads) with a bool mask; results: Y, present K/V, QK scores.
// CHECK-LABEL: func.func @attention_4d_gqa
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<2x4x3x8xf32>, %[[K:[^:]*]]: tensor<2x2x5x8xf32>, %[[V:[^:]*]]: tensor<2x2x5x6xf32>, %[[M:[^:]*]]: tensor<3x5xi1>)
// CHECK: %[[R:.*]]:4 = "tg.attention"(%[[Q]], %[[K]], %[[V]], %[[M]]) {is_causal = 0 : i64, kv_num_heads = 2 : i64, q_num_heads = 4 : i64, qk_matmul_output_mode = 0 : i64, scale = 0.353553385 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x6xf32>, tensor<3x5xi1>) -> (tensor<2x4x3x6xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x6xf32>, tensor<2x4x3x5xf32>)
// CHECK: return %[[R]]
func.func @attention_4d_gqa(%q: tensor<2x4x3x8xf32>, %k: tensor<2x2x5x8xf32>, %v: tensor<2x2x5x6xf32>, %m: tensor<3x5xi1>) -> tensor<2x4x3x6xf32> {
  %0:4 = "tg.attention"(%q, %k, %v, %m) {is_causal = 0 : i64, kv_num_heads = 2 : i64, q_num_heads = 4 : i64, qk_matmul_output_mode = 0 : i64, scale = 0.353553385 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x6xf32>, tensor<3x5xi1>) -> (tensor<2x4x3x6xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x6xf32>, tensor<2x4x3x5xf32>)
  return %0#0 : tensor<2x4x3x6xf32>
}

// 3-d inputs are (batch, sequence, heads * head size): Y is (2, 3, 4 * 6).
// CHECK-LABEL: func.func @attention_3d_causal
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<2x3x32xf16>, %[[K:[^:]*]]: tensor<2x5x16xf16>, %[[V:[^:]*]]: tensor<2x5x12xf16>)
// CHECK: %[[R:.*]]:4 = "tg.attention"(%[[Q]], %[[K]], %[[V]]) {is_causal = 1 : i64, kv_num_heads = 2 : i64, q_num_heads = 4 : i64, qk_matmul_output_mode = 3 : i64, scale = 0.353553385 : f32, softcap = 5.000000e+01 : f32, softmax_precision = 1 : i64} : (tensor<2x3x32xf16>, tensor<2x5x16xf16>, tensor<2x5x12xf16>) -> (tensor<2x3x24xf16>, tensor<2x2x5x8xf16>, tensor<2x2x5x6xf16>, tensor<2x4x3x5xf16>)
// CHECK: return %[[R]]
func.func @attention_3d_causal(%q: tensor<2x3x32xf16>, %k: tensor<2x5x16xf16>, %v: tensor<2x5x12xf16>) -> tensor<2x3x24xf16> {
  %0:4 = "tg.attention"(%q, %k, %v) {is_causal = 1 : i64, kv_num_heads = 2 : i64, q_num_heads = 4 : i64, qk_matmul_output_mode = 3 : i64, scale = 0.353553385 : f32, softcap = 5.000000e+01 : f32, softmax_precision = 1 : i64} : (tensor<2x3x32xf16>, tensor<2x5x16xf16>, tensor<2x5x12xf16>) -> (tensor<2x3x24xf16>, tensor<2x2x5x8xf16>, tensor<2x2x5x6xf16>, tensor<2x4x3x5xf16>)
  return %0#0 : tensor<2x3x24xf16>
}

// The past (4 positions) is concatenated before K/V (3): 7 keys in all.
// CHECK-LABEL: func.func @attention_with_past
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<1x2x3x8xf32>, %[[K:[^:]*]]: tensor<1x2x3x8xf32>, %[[V:[^:]*]]: tensor<1x2x3x8xf32>, %[[PK:[^:]*]]: tensor<1x2x4x8xf32>, %[[PV:[^:]*]]: tensor<1x2x4x8xf32>, %[[M:[^:]*]]: tensor<1x1x3x7xf32>)
// CHECK: %[[R:.*]]:4 = "tg.attention_with_past"(%[[Q]], %[[K]], %[[V]], %[[PK]], %[[PV]], %[[M]]) {is_causal = 1 : i64, kv_num_heads = 2 : i64, q_num_heads = 2 : i64, qk_matmul_output_mode = 2 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x3x7xf32>) -> (tensor<1x2x3x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x3x7xf32>)
// CHECK: return %[[R]]
func.func @attention_with_past(%q: tensor<1x2x3x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x3x8xf32>, %pk: tensor<1x2x4x8xf32>, %pv: tensor<1x2x4x8xf32>, %m: tensor<1x1x3x7xf32>) -> (tensor<1x2x3x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x3x7xf32>) {
  %0:4 = "tg.attention_with_past"(%q, %k, %v, %pk, %pv, %m) {is_causal = 1 : i64, kv_num_heads = 2 : i64, q_num_heads = 2 : i64, qk_matmul_output_mode = 2 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x3x7xf32>) -> (tensor<1x2x3x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x3x7xf32>)
  return %0#0, %0#1, %0#2, %0#3 : tensor<1x2x3x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x7x8xf32>, tensor<1x2x3x7xf32>
}

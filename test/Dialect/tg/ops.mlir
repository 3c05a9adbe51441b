// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of every tg op. Result types are the ones the type rules infer
// (polytile-opt rejects any other), so each case also pins a shape rule.

// dense_resource constants are checked in test/python/test_tg_dialect.py:
// polytile-opt wraps several top-level ops in a module, which cannot hold the
// file-level `{-# dialect_resources ... #-}` section.

// CHECK-LABEL: func.func @constant_dense
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<[1, 2, 3]> : tensor<3xi32>} : () -> tensor<3xi32>
// CHECK: return %[[C]]
func.func @constant_dense() -> tensor<3xi32> {
  %0 = "tg.constant"() {value = dense<[1, 2, 3]> : tensor<3xi32>} : () -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func.func @constant_splat
// CHECK: "tg.constant"() {value = dense<5.000000e-01> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
func.func @constant_splat() -> tensor<2x3xf32> {
  %0 = "tg.constant"() {value = dense<0.5> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @conv_no_bias
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x5x5xf32>, %[[W:.*]]: tensor<8x3x3x3xf32>)
// CHECK: "tg.conv"(%[[X]], %[[W]]) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
func.func @conv_no_bias(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32> {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x3x3xf32>
  return %0 : tensor<1x8x3x3xf32>
}

// Grouped (4 input channels in 2 groups), strided, padded, with bias:
// (8 + 1 + 1 - 3) / 2 + 1 = 4.
// CHECK-LABEL: func.func @conv_bias_grouped_strided_padded
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[W:.*]]: tensor<6x2x3x3xf32>, %[[B:.*]]: tensor<6xf32>)
// CHECK: "tg.conv"(%[[X]], %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
func.func @conv_bias_grouped_strided_padded(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// 1-d, dilated (effective kernel 5), asymmetric pads, dynamic batch:
// 10 + 0 + 1 - 5 + 1 = 7.
// CHECK-LABEL: func.func @conv_1d_dilated_dynamic_batch
// CHECK: "tg.conv"({{.*}}) {dilations = array<i64: 2>, group = 1 : i64, kernel_shape = array<i64: 3>, pads = array<i64: 0, 1>, strides = array<i64: 1>} : (tensor<?x2x10xf16>, tensor<4x2x3xf16>) -> tensor<?x4x7xf16>
func.func @conv_1d_dilated_dynamic_batch(%x: tensor<?x2x10xf16>, %w: tensor<4x2x3xf16>) -> tensor<?x4x7xf16> {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 2>, group = 1 : i64, kernel_shape = array<i64: 3>, pads = array<i64: 0, 1>, strides = array<i64: 1>} : (tensor<?x2x10xf16>, tensor<4x2x3xf16>) -> tensor<?x4x7xf16>
  return %0 : tensor<?x4x7xf16>
}

// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.*]]: tensor<3x4xf32>, %[[B:.*]]: tensor<4x5xf32>)
// CHECK: "tg.matmul"(%[[A]], %[[B]]) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// Batch dims broadcast as in numpy: (2x1) with (5) gives 2x5.
// CHECK-LABEL: func.func @matmul_batched_broadcast
// CHECK: "tg.matmul"({{.*}}) : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
func.func @matmul_batched_broadcast(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  return %0 : tensor<2x5x3x6xf32>
}

// 1-d operands are promoted and the promoted dim is dropped from the result.
// CHECK-LABEL: func.func @matmul_1d
// CHECK: "tg.matmul"({{.*}}) : (tensor<4xi32>, tensor<2x4x5xi32>) -> tensor<2x5xi32>
// CHECK: "tg.matmul"({{.*}}) : (tensor<2x3x4xi32>, tensor<4xi32>) -> tensor<2x3xi32>
// CHECK: "tg.matmul"({{.*}}) : (tensor<4xi32>, tensor<4xi32>) -> tensor<i32>
func.func @matmul_1d(%v: tensor<4xi32>, %m: tensor<2x4x5xi32>, %n: tensor<2x3x4xi32>) -> (tensor<2x5xi32>, tensor<2x3xi32>, tensor<i32>) {
  %0 = "tg.matmul"(%v, %m) : (tensor<4xi32>, tensor<2x4x5xi32>) -> tensor<2x5xi32>
  %1 = "tg.matmul"(%n, %v) : (tensor<2x3x4xi32>, tensor<4xi32>) -> tensor<2x3xi32>
  %2 = "tg.matmul"(%v, %v) : (tensor<4xi32>, tensor<4xi32>) -> tensor<i32>
  return %0, %1, %2 : tensor<2x5xi32>, tensor<2x3xi32>, tensor<i32>
}

// CHECK-LABEL: func.func @gemm_transposed_no_c
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<5x4xf32>)
// CHECK: "tg.gemm"(%[[A]], %[[B]]) {alpha = 1.000000e+00 : f32, beta = 0.000000e+00 : f32, transA = 1 : i64, transB = 1 : i64} : (tensor<4x3xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
func.func @gemm_transposed_no_c(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>) -> tensor<3x5xf32> {
  %0 = "tg.gemm"(%a, %b) {alpha = 1.0 : f32, beta = 0.0 : f32, transA = 1 : i64, transB = 1 : i64} : (tensor<4x3xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// C (of shape N) broadcasts to M x N.
// CHECK-LABEL: func.func @gemm_with_c
// CHECK-SAME: (%[[A:.*]]: tensor<3x4xf32>, %[[B:.*]]: tensor<4x5xf32>, %[[C:.*]]: tensor<5xf32>)
// CHECK: "tg.gemm"(%[[A]], %[[B]], %[[C]]) {alpha = 2.000000e+00 : f32, beta = 5.000000e-01 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
func.func @gemm_with_c(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = "tg.gemm"(%a, %b, %c) {alpha = 2.0 : f32, beta = 0.5 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<3x1xf32>)
// CHECK: "tg.add"(%[[A]], %[[B]]) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
func.func @add_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = "tg.add"(%a, %b) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// Both operands broadcast: 4x1 with 3 gives 4x3.
// CHECK-LABEL: func.func @sub_broadcast_both
// CHECK: "tg.sub"({{.*}}) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
func.func @sub_broadcast_both(%a: tensor<4x1xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %0 = "tg.sub"(%a, %b) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @mul_scalar
// CHECK: "tg.mul"({{.*}}) : (tensor<f64>, tensor<2x2xf64>) -> tensor<2x2xf64>
func.func @mul_scalar(%a: tensor<f64>, %b: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = "tg.mul"(%a, %b) : (tensor<f64>, tensor<2x2xf64>) -> tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// A dynamic dim against a static one that is not 1 takes the static size.
// CHECK-LABEL: func.func @div_int_dynamic
// CHECK: "tg.div"({{.*}}) : (tensor<?x4xi64>, tensor<3x1xi64>) -> tensor<3x4xi64>
func.func @div_int_dynamic(%a: tensor<?x4xi64>, %b: tensor<3x1xi64>) -> tensor<3x4xi64> {
  %0 = "tg.div"(%a, %b) : (tensor<?x4xi64>, tensor<3x1xi64>) -> tensor<3x4xi64>
  return %0 : tensor<3x4xi64>
}

// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.relu"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @max_pool
// CHECK: "tg.max_pool"({{.*}}) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
func.func @max_pool(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// ceil_mode keeps the partial last window: ceil((7 + 1 - 3) / 2) + 1 = 4 rows
// (3 without ceil_mode); in width, the last window would start in the end
// padding, so it is dropped: ceil((5 + 1 + 1 - 2) / 2) + 1 = 4, minus 1 = 3.
// CHECK-LABEL: func.func @max_pool_ceil_mode
// CHECK: "tg.max_pool"({{.*}}) {ceil_mode = 1 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 2>, pads = array<i64: 0, 1, 1, 1>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x7x5xf32>) -> tensor<1x1x4x3xf32>
func.func @max_pool_ceil_mode(%x: tensor<1x1x7x5xf32>) -> tensor<1x1x4x3xf32> {
  %0 = "tg.max_pool"(%x) {ceil_mode = 1 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 2>, pads = array<i64: 0, 1, 1, 1>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x7x5xf32>) -> tensor<1x1x4x3xf32>
  return %0 : tensor<1x1x4x3xf32>
}

// CHECK-LABEL: func.func @global_average_pool
// CHECK: "tg.global_average_pool"({{.*}}) : (tensor<2x16x7x7xf32>) -> tensor<2x16x1x1xf32>
func.func @global_average_pool(%x: tensor<2x16x7x7xf32>) -> tensor<2x16x1x1xf32> {
  %0 = "tg.global_average_pool"(%x) : (tensor<2x16x7x7xf32>) -> tensor<2x16x1x1xf32>
  return %0 : tensor<2x16x1x1xf32>
}

// CHECK-LABEL: func.func @batch_normalization
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x4xf32>, %[[S:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<3xf32>, %[[M:.*]]: tensor<3xf32>, %[[V:.*]]: tensor<3xf32>)
// CHECK: "tg.batch_normalization"(%[[X]], %[[S]], %[[B]], %[[M]], %[[V]]) {epsilon = 9.99999974E-6 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
func.func @batch_normalization(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %0 = "tg.batch_normalization"(%x, %s, %b, %m, %v) {epsilon = 1.0e-5 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// CHECK-LABEL: func.func @reshape
// CHECK: "tg.reshape"({{.*}}) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = "tg.reshape"(%x) {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// CHECK-LABEL: func.func @flatten
// CHECK: "tg.flatten"({{.*}}) {axis = 1 : i64} : (tensor<2x3x4x5xf32>) -> tensor<2x60xf32>
// CHECK: "tg.flatten"({{.*}}) {axis = 0 : i64} : (tensor<2x3x4x5xf32>) -> tensor<1x120xf32>
// CHECK: "tg.flatten"({{.*}}) {axis = -1 : i64} : (tensor<2x3x4x5xf32>) -> tensor<24x5xf32>
func.func @flatten(%x: tensor<2x3x4x5xf32>) -> (tensor<2x60xf32>, tensor<1x120xf32>, tensor<24x5xf32>) {
  %0 = "tg.flatten"(%x) {axis = 1 : i64} : (tensor<2x3x4x5xf32>) -> tensor<2x60xf32>
  %1 = "tg.flatten"(%x) {axis = 0 : i64} : (tensor<2x3x4x5xf32>) -> tensor<1x120xf32>
  %2 = "tg.flatten"(%x) {axis = -1 : i64} : (tensor<2x3x4x5xf32>) -> tensor<24x5xf32>
  return %0, %1, %2 : tensor<2x60xf32>, tensor<1x120xf32>, tensor<24x5xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK: "tg.transpose"({{.*}}) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}


// RUN: polytile-opt %s --split-input-file --tg-propagate-layouts="vector-bits=256" | FileCheck %s

// Two 3x3 convolutions with a relu between: one layout copy in (NCHW -> NHWC), one out;
// the relu runs on the NHWC tensor. Copies left: 1x8x6x6 + 1x16x6x6 floats = 3456 bytes.
// CHECK: module attributes {tg.layout_copy_bytes = 3456 : i64}
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x8x6x6xf32>)
// CHECK-DAG: %[[W1:.*]] = "tg.constant"() {{.*}} : () -> tensor<16x8x3x3xf32>
// CHECK-DAG: %[[W2:.*]] = "tg.constant"() {{.*}} : () -> tensor<16x16x3x3xf32>
// CHECK: %[[IN:.*]] = "tg.transpose"(%[[X]]) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x6x6xf32>) -> tensor<1x6x6x8xf32>
// CHECK: %[[C1:.*]] = "tg.nhwc_conv"(%[[IN]], %[[W1]]) {{.*}} -> tensor<1x6x6x16xf32>
// CHECK: %[[R:.*]] = "tg.relu"(%[[C1]]) : (tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
// CHECK: %[[C2:.*]] = "tg.nhwc_conv"(%[[R]], %[[W2]]) {{.*}} -> tensor<1x6x6x16xf32>
// CHECK: %[[OUT:.*]] = "tg.transpose"(%[[C2]]) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x6x6x16xf32>) -> tensor<1x16x6x6xf32>
// CHECK-NOT: tg.transpose
// CHECK: return %[[OUT]]
func.func @chain(%x: tensor<1x8x6x6xf32>) -> tensor<1x16x6x6xf32> {
  %w1 = "tg.constant"() {value = dense<0.5> : tensor<16x8x3x3xf32>} : () -> tensor<16x8x3x3xf32>
  %w2 = "tg.constant"() {value = dense<0.25> : tensor<16x16x3x3xf32>} : () -> tensor<16x16x3x3xf32>
  %0 = "tg.conv"(%x, %w1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x6x6xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x6x6xf32>
  %1 = "tg.relu"(%0) : (tensor<1x16x6x6xf32>) -> tensor<1x16x6x6xf32>
  %2 = "tg.conv"(%1, %w2) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x16x6x6xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x6x6xf32>
  return %2 : tensor<1x16x6x6xf32>
}

// -----

// A pointwise convolution with bias is the product of the row matrix [N*H*W, C] by the
// weights as [C, F], plus the bias along the rows; a per-channel constant operand of a
// following element-wise op ([F, 1, 1] in NCHW) becomes [F] in the row matrix. The
// depthwise convolution after it reads the rows reshaped to N x H x W x F.
// CHECK-LABEL: func.func @pointwise_then_depthwise
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x8x4x4xf32>)
// CHECK: %[[B:.*]] = "tg.constant"() {{.*}} : () -> tensor<16xf32>
// CHECK: %[[IN:.*]] = "tg.transpose"(%[[X]]) {perm = array<i64: 0, 2, 3, 1>}
// CHECK: %[[ROWS:.*]] = "tg.reshape"(%[[IN]]) {shape = array<i64: 16, 8>} : (tensor<1x4x4x8xf32>) -> tensor<16x8xf32>
// CHECK: %[[WT:.*]] = "tg.constant"() {{.*}} : () -> tensor<8x16xf32>
// CHECK: %[[MM:.*]] = "tg.matmul"(%[[ROWS]], %[[WT]]) : (tensor<16x8xf32>, tensor<8x16xf32>) -> tensor<16x16xf32>
// CHECK: %[[BIAS:.*]] = "tg.add"(%[[MM]], %[[B]]) : (tensor<16x16xf32>, tensor<16xf32>) -> tensor<16x16xf32>
// CHECK: %[[S:.*]] = "tg.constant"() {value = dense<[0.000000e+00, 1.000000e+00, {{.*}}]> : tensor<16xf32>}
// CHECK: %[[MUL:.*]] = "tg.mul"(%[[BIAS]], %[[S]]) : (tensor<16x16xf32>, tensor<16xf32>) -> tensor<16x16xf32>
// CHECK: %[[IMG:.*]] = "tg.reshape"(%[[MUL]]) {shape = array<i64: 1, 4, 4, 16>}
// CHECK: %[[DW:.*]] = "tg.nhwc_conv"(%[[IMG]], %{{.*}}) {{.*}}group = 16 : i64{{.*}} : (tensor<1x4x4x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x4x4x16xf32>
// CHECK: %[[OUT:.*]] = "tg.transpose"(%[[DW]]) {perm = array<i64: 0, 3, 1, 2>}
// CHECK: return %[[OUT]]
func.func @pointwise_then_depthwise(%x: tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32> {
  %w = "tg.constant"() {value = dense<0.5> : tensor<16x8x1x1xf32>} : () -> tensor<16x8x1x1xf32>
  %b = "tg.constant"() {value = dense<1.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %s = "tg.constant"() {value = dense<[[[0.0]], [[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]], [[9.0]], [[10.0]], [[11.0]], [[12.0]], [[13.0]], [[14.0]], [[15.0]]]> : tensor<16x1x1xf32>} : () -> tensor<16x1x1xf32>
  %wd = "tg.constant"() {value = dense<0.125> : tensor<16x1x3x3xf32>} : () -> tensor<16x1x3x3xf32>
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x4x4xf32>, tensor<16x8x1x1xf32>, tensor<16xf32>) -> tensor<1x16x4x4xf32>
  %1 = "tg.mul"(%0, %s) : (tensor<1x16x4x4xf32>, tensor<16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %2 = "tg.conv"(%1, %wd) {dilations = array<i64: 1, 1>, group = 16 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x16x4x4xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x4x4xf32>
  return %2 : tensor<1x16x4x4xf32>
}

// -----

// A residual add of two pointwise products stays in row-matrix form: the other operand
// (an N x H x W x C tensor) is reshaped for free. Concat on channels and a global average
// pool run channels-last; the pooled [N, 1, 1, C] back to NCHW is a reshape, not a copy.
// CHECK: module attributes {tg.layout_copy_bytes = 512 : i64}
// CHECK-LABEL: func.func @residual_concat_pool
// CHECK: %[[M1:.*]] = "tg.matmul"({{.*}}) : (tensor<16x8xf32>, tensor<8x8xf32>) -> tensor<16x8xf32>
// CHECK: %[[M2:.*]] = "tg.matmul"({{.*}}) : (tensor<16x8xf32>, tensor<8x8xf32>) -> tensor<16x8xf32>
// CHECK: %[[ADD:.*]] = "tg.add"(%[[M2]], %[[M1]]) : (tensor<16x8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
// CHECK: %[[A4:.*]] = "tg.reshape"(%[[ADD]]) {shape = array<i64: 1, 4, 4, 8>}
// CHECK: %[[CAT:.*]] = "tg.concat"(%[[A4]], %{{.*}}) {axis = 3 : i64} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x16xf32>
// CHECK: %[[MEAN:.*]] = "tg.reduce_mean"(%[[CAT]]) {axes = array<i64: 1, 2>, keepdims = 1 : i64} : (tensor<1x4x4x16xf32>) -> tensor<1x1x1x16xf32>
// CHECK: %[[POOL:.*]] = "tg.reshape"(%[[MEAN]]) {shape = array<i64: 1, 16, 1, 1>}
// CHECK-NOT: tg.transpose
// CHECK: return %[[POOL]]
func.func @residual_concat_pool(%x: tensor<1x8x4x4xf32>) -> tensor<1x16x1x1xf32> {
  %w = "tg.constant"() {value = dense<0.5> : tensor<8x8x1x1xf32>} : () -> tensor<8x8x1x1xf32>
  %w2 = "tg.constant"() {value = dense<0.25> : tensor<8x8x1x1xf32>} : () -> tensor<8x8x1x1xf32>
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %1 = "tg.conv"(%0, %w2) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %2 = "tg.add"(%1, %0) : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %3 = "tg.concat"(%2, %0) {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
  %4 = "tg.global_average_pool"(%3) : (tensor<1x16x4x4xf32>) -> tensor<1x16x1x1xf32>
  return %4 : tensor<1x16x1x1xf32>
}

// -----

// Kept NCHW: a convolution marked tg.layout = "nchw" (the override), a grouped one
// (its groups' 2 output channels: no channels-last kernel), an f16 one; the max pool between (no channels-last form
// yet) gets a copy on each side of its NHWC neighbours.
// CHECK-LABEL: func.func @kept
// CHECK: "tg.conv"({{.*}}) {{.*}}tg.layout = "nchw"}
// CHECK: "tg.conv"({{.*}}) {{.*}}group = 4 : i64
// CHECK: "tg.conv"({{.*}}) {{.*}} : (tensor<1x8x6x6xf16>
// CHECK: %[[IN:.*]] = "tg.transpose"(%{{.*}}) {perm = array<i64: 0, 2, 3, 1>}
// CHECK: %[[C:.*]] = "tg.nhwc_conv"(%[[IN]], {{.*}}) -> tensor<1x6x6x8xf32>
// CHECK: %[[BACK:.*]] = "tg.transpose"(%[[C]]) {perm = array<i64: 0, 3, 1, 2>}
// CHECK: "tg.max_pool"(%[[BACK]])
func.func @kept(%x: tensor<1x8x6x6xf32>, %h: tensor<1x8x6x6xf16>) -> (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf16>, tensor<1x8x3x3xf32>) {
  %w = "tg.constant"() {value = dense<0.5> : tensor<8x8x3x3xf32>} : () -> tensor<8x8x3x3xf32>
  %wg = "tg.constant"() {value = dense<0.5> : tensor<8x2x3x3xf32>} : () -> tensor<8x2x3x3xf32>
  %wh = "tg.constant"() {value = dense<0.5> : tensor<8x8x3x3xf16>} : () -> tensor<8x8x3x3xf16>
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.layout = "nchw"} : (tensor<1x8x6x6xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32>
  %1 = "tg.conv"(%0, %wg) {dilations = array<i64: 1, 1>, group = 4 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32>
  %2 = "tg.conv"(%h, %wh) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x6x6xf16>, tensor<8x8x3x3xf16>) -> tensor<1x8x6x6xf16>
  %3 = "tg.conv"(%1, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32>
  %4 = "tg.max_pool"(%3) {auto_pad = "NOTSET", ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x8x6x6xf32>) -> tensor<1x8x3x3xf32>
  return %1, %2, %4 : tensor<1x8x6x6xf32>, tensor<1x8x6x6xf16>, tensor<1x8x3x3xf32>
}

// -----

// tg.layout = "nhwc" forces channels-last even where no packed kernel exists (grouped).
// CHECK-LABEL: func.func @forced
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x8x6x6xf32>)
// CHECK: %[[IN:.*]] = "tg.transpose"(%[[X]]) {perm = array<i64: 0, 2, 3, 1>}
// CHECK: %[[C:.*]] = "tg.nhwc_conv"(%[[IN]], %{{.*}}) {{.*}}group = 2 : i64{{.*}} -> tensor<1x6x6x8xf32>
// CHECK: %[[OUT:.*]] = "tg.transpose"(%[[C]]) {perm = array<i64: 0, 3, 1, 2>}
// CHECK: return %[[OUT]]
func.func @forced(%x: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %wg = "tg.constant"() {value = dense<0.5> : tensor<8x4x3x3xf32>} : () -> tensor<8x4x3x3xf32>
  %0 = "tg.conv"(%x, %wg) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.layout = "nhwc"} : (tensor<1x8x6x6xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

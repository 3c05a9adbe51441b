// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Plain Conv (no packing schedule): the input is zero-padded, input and weights are viewed per
// group (N x G x C/G x H x W, G x F/G x C/G x KH x KW), one generic over (n, g, f, oh, ow, c, kh, kw)
// reads the input at oh * stride + kh, then the bias is added element-wise.
// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG: #[[WMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x5x5xf32>, %[[W:[^:]*]]: tensor<4x2x3x3xf32>, %[[B:[^:]*]]: tensor<4xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[XG:.*]] = tensor.expand_shape %{{.*}} output_shape [1, 1, 2, 7, 7]
// CHECK: %[[WG:.*]] = tensor.expand_shape %{{.*}} output_shape [1, 4, 2, 3, 3]
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[XMAP]], #[[WMAP]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[XG]], %[[WG]] : tensor<1x1x2x7x7xf32>, tensor<1x4x2x3x3xf32>) outs(%{{.*}} : tensor<1x1x4x3x3xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[BIAS:.*]] = tensor.expand_shape %[[B]] {{\[}}[0, 1, 2]] output_shape [4, 1, 1]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[BIAS]] : tensor<1x4x3x3xf32>, tensor<4x1x1xf32>) outs(%{{.*}} : tensor<1x4x3x3xf32>)
// CHECK: return %[[Y]]
func.func @conv(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x3x3xf32> {
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// Channels-last packed Conv (the schedule packs the weights, operand 1): the input is copied
// once to NHWC (a transpose tagged sched.layout) into a zero-padded buffer, the weights are
// transposed to HWCF, the named NHWC convolution is tagged with the kernel, and a generic
// copies the result back to NCHW.
// CHECK-LABEL: func.func private @conv_0
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x5x5xf32>, %[[W:[^:]*]]: tensor<16x2x3x3xf32>)
// CHECK: %[[XT:.*]] = linalg.transpose ins(%[[X]] : tensor<1x2x5x5xf32>) outs(%{{.*}} : tensor<1x5x5x2xf32>) permutation = [0, 2, 3, 1]  {sched.layout = "conv_0"}
// CHECK: %[[XP:.*]] = tensor.insert_slice %[[XT]] into %{{.*}}[0, 1, 1, 0] [1, 5, 5, 2] [1, 1, 1, 1] : tensor<1x5x5x2xf32> into tensor<1x7x7x2xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<16x2x3x3xf32>) outs(%{{.*}} : tensor<3x3x2x16xf32>) permutation = [2, 3, 1, 0]
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{{.*}}sched.kernel = "conv_0"{{.*}}} ins(%[[XP]], %[[WT]] : tensor<1x7x7x2xf32>, tensor<3x3x2x16xf32>) outs(%{{.*}} : tensor<1x5x5x16xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[C]] : tensor<1x5x5x16xf32>) outs(%{{.*}} : tensor<1x16x5x5xf32>)
// CHECK: return %[[Y]]
func.func private @conv_0(%x: tensor<1x2x5x5xf32>, %w: tensor<16x2x3x3xf32>) -> tensor<1x16x5x5xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x2x5x5xf32>, tensor<16x2x3x3xf32>) -> tensor<1x16x5x5xf32>
  return %0 : tensor<1x16x5x5xf32>
}
%k = "sched.kernel"() {name = "conv_0"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 5, 0, 0, 0>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 5, 2, 1, 1>} : (!sched.handle) -> ()

// -----

// Pointwise (1x1) Conv packed as a matrix product (the schedule packs the input, operand 0):
// W[F, C] @ X[C, H*W] with X in column strips [HW/16][C][16] (a tagged transpose); the weights
// are collapsed to [F, C] at the call site (the kernel's argument is retyped), viewed as
// [F/8][8][C] inside; one generic tagged with the kernel, then C and the bias.
// CHECK-LABEL: func.func private @conv_1
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x16x4x4xf32>, %[[W:[^:]*]]: tensor<8x16xf32>, %[[B:[^:]*]]: tensor<8xf32>)
// CHECK: %[[X2:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2, 3]] : tensor<1x16x4x4xf32> into tensor<16x16xf32>
// CHECK: %[[XE:.*]] = tensor.expand_shape %[[X2]] {{\[}}[0], [1, 2]] output_shape [16, 1, 16]
// CHECK: %[[XS:.*]] = linalg.transpose ins(%[[XE]] : tensor<16x1x16xf32>) outs(%{{.*}} : tensor<1x16x16xf32>) permutation = [1, 0, 2]  {sched.layout = "conv_1"}
// CHECK: %[[WE:.*]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2]] output_shape [1, 8, 16]
// CHECK: %[[P:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%[[WE]], %[[XS]] : tensor<1x8x16xf32>, tensor<1x16x16xf32>) outs(%{{.*}} : tensor<1x8x1x16xf32>) attrs = {sched.kernel = "conv_1"}
// CHECK: %[[P2:.*]] = tensor.collapse_shape %[[P]] {{\[}}[0, 1], [2, 3]] : tensor<1x8x1x16xf32> into tensor<8x16xf32>
// CHECK: tensor.expand_shape %[[P2]] {{\[}}[0, 1], [2, 3]] output_shape [1, 8, 4, 4]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x8x4x4xf32>)
// CHECK: arith.addf
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%{{[^:]*}}: tensor<1x16x4x4xf32>, %[[W4:[^:]*]]: tensor<8x16x1x1xf32>
// CHECK: %[[WC:.*]] = tensor.collapse_shape %[[W4]] {{\[}}[0], [1, 2, 3]] : tensor<8x16x1x1xf32> into tensor<8x16xf32>
// CHECK: call @conv_1(%{{.*}}, %[[WC]], %{{.*}})
func.func private @conv_1(%x: tensor<1x16x4x4xf32>, %w: tensor<8x16x1x1xf32>, %b: tensor<8xf32>) -> tensor<1x8x4x4xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x16x4x4xf32>, tensor<8x16x1x1xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}
func.func @main(%x: tensor<1x16x4x4xf32>, %w: tensor<8x16x1x1xf32>, %b: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = call @conv_1(%x, %w, %b) : (tensor<1x16x4x4xf32>, tensor<8x16x1x1xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}
%k = "sched.kernel"() {name = "conv_1"} : () -> !sched.handle
"sched.pack"(%k) {operand = 0 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 8, 1, 16, 0, 0, 0>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 8, 1, 16, 4, 1, 1>} : (!sched.handle) -> ()

// -----

// Depthwise Conv (group = channels), packed channels-last: the [C, 1, KH, KW] weights become
// [KH, KW, C] and the named NHWC depthwise convolution is tagged with the kernel.
// CHECK-LABEL: func.func private @conv_2
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x8x6x6xf32>, %[[W:[^:]*]]: tensor<8x1x3x3xf32>)
// CHECK: %[[XT:.*]] = linalg.transpose ins(%[[X]] : tensor<1x8x6x6xf32>) outs(%{{.*}} : tensor<1x6x6x8xf32>) permutation = [0, 2, 3, 1]  {sched.layout = "conv_2"}
// CHECK: %[[XP:.*]] = tensor.insert_slice %[[XT]] into %{{.*}}[0, 1, 1, 0] [1, 6, 6, 8] [1, 1, 1, 1] : tensor<1x6x6x8xf32> into tensor<1x8x8x8xf32>
// CHECK: %[[W3:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0, 1], [2], [3]] : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[W3]] : tensor<8x3x3xf32>) outs(%{{.*}} : tensor<3x3x8xf32>) permutation = [1, 2, 0]
// CHECK: %[[C:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {{{.*}}sched.kernel = "conv_2"{{.*}}} ins(%[[XP]], %[[WT]] : tensor<1x8x8x8xf32>, tensor<3x3x8xf32>) outs(%{{.*}} : tensor<1x6x6x8xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[C]] : tensor<1x6x6x8xf32>) outs(%{{.*}} : tensor<1x8x6x6xf32>)
// CHECK: return %[[Y]]
func.func private @conv_2(%x: tensor<1x8x6x6xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 8 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}
%k = "sched.kernel"() {name = "conv_2"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 8>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 8, 1, 6, 0, 0, 0>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 8, 1, 6, 1, 1, 1>} : (!sched.handle) -> ()

// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Channels-last packed convolution (the schedule packs the weights): no layout copy; the
// input is zero-padded, the weights transposed to HWCF, the named NHWC convolution tagged
// with the kernel, and the bias is an element-wise generic over the NHWC result.
// CHECK-LABEL: func.func private @nhwc_conv_0
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x5x5x2xf32>, %[[W:[^:]*]]: tensor<16x2x3x3xf32>, %[[B:[^:]*]]: tensor<16xf32>)
// CHECK-NOT: sched.layout
// CHECK: %[[XP:.*]] = tensor.insert_slice %[[X]] into %{{.*}}[0, 1, 1, 0] [1, 5, 5, 2] [1, 1, 1, 1] : tensor<1x5x5x2xf32> into tensor<1x7x7x2xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<16x2x3x3xf32>) outs(%{{.*}} : tensor<3x3x2x16xf32>) permutation = [2, 3, 1, 0]
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}}sched.kernel = "nhwc_conv_0"{{.*}} ins(%[[XP]], %[[WT]] : tensor<1x7x7x2xf32>, tensor<3x3x2x16xf32>) outs(%{{.*}} : tensor<1x5x5x16xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[C]], %[[B]] : tensor<1x5x5x16xf32>, tensor<16xf32>) outs(%{{.*}} : tensor<1x5x5x16xf32>)
// CHECK: arith.addf
// CHECK: return %[[Y]]
func.func private @nhwc_conv_0(%x: tensor<1x5x5x2xf32>, %w: tensor<16x2x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x5x5x16xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.nhwc_conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x5x5x2xf32>, tensor<16x2x3x3xf32>, tensor<16xf32>) -> tensor<1x5x5x16xf32>
  return %0 : tensor<1x5x5x16xf32>
}
%k = "sched.kernel"() {name = "nhwc_conv_0"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 5, 0, 0, 0>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 5, 2, 1, 1>} : (!sched.handle) -> ()

// -----

// Depthwise, strided, packed: the weights [C, 1, KH, KW] become [KH, KW, C].
// CHECK-LABEL: func.func private @nhwc_conv_1
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x6x6x16xf32>, %[[W:[^:]*]]: tensor<16x1x3x3xf32>)
// CHECK: %[[XP:.*]] = tensor.insert_slice %[[X]] into %{{.*}}[0, 1, 1, 0] [1, 6, 6, 16] [1, 1, 1, 1] : tensor<1x6x6x16xf32> into tensor<1x8x8x16xf32>
// CHECK: %[[WC:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0, 1], [2], [3]] : tensor<16x1x3x3xf32> into tensor<16x3x3xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[WC]] : tensor<16x3x3xf32>) outs(%{{.*}} : tensor<3x3x16xf32>) permutation = [1, 2, 0]
// CHECK: %[[C:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {{.*}}sched.kernel = "nhwc_conv_1"{{.*}}strides = dense<2> {{.*}} ins(%[[XP]], %[[WT]] : tensor<1x8x8x16xf32>, tensor<3x3x16xf32>) outs(%{{.*}} : tensor<1x3x3x16xf32>)
// CHECK: return %[[C]]
func.func private @nhwc_conv_1(%x: tensor<1x6x6x16xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x3x3x16xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.nhwc_conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 16 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, tg.anchor} : (tensor<1x6x6x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x3x3x16xf32>
  return %0 : tensor<1x3x3x16xf32>
}
%k = "sched.kernel"() {name = "nhwc_conv_1"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 3, 0, 0, 0>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 3, 1, 1, 1>} : (!sched.handle) -> ()

// -----

// Without a packing schedule (here grouped, 2 groups): the plain convolution between two
// transposes (NHWC -> NCHW, then back).
// CHECK-LABEL: func.func @nhwc_conv_grouped
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x4x4x4xf32>, %[[W:[^:]*]]: tensor<4x2x3x3xf32>)
// CHECK: %[[XT:.*]] = linalg.transpose ins(%[[X]] : tensor<1x4x4x4xf32>) outs(%{{.*}} : tensor<1x4x4x4xf32>) permutation = [0, 3, 1, 2]
// CHECK: %[[XP:.*]] = tensor.pad %[[XT]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[G:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK: %[[Y:.*]] = linalg.transpose ins(%{{.*}} : tensor<1x4x2x2xf32>) outs(%{{.*}} : tensor<1x2x2x4xf32>) permutation = [0, 2, 3, 1]
// CHECK: return %[[Y]]
func.func @nhwc_conv_grouped(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x2x4xf32> {
  %0 = "tg.nhwc_conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x2x4xf32>
  return %0 : tensor<1x2x2x4xf32>
}

// -----

// OW = 7 with register tiles of 4 columns: the convolution computes 8 columns (the
// 8th reads one more zero column on the right: the padded input is 9 wide, not 8) and
// the result is its leading 7 columns.
// CHECK-LABEL: func.func private @nhwc_conv_cols
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x7x7x2xf32>, %[[W:[^:]*]]: tensor<16x2x2x2xf32>)
// CHECK: %[[XP:.*]] = tensor.insert_slice %[[X]] into %{{.*}}[0, 1, 1, 0] [1, 7, 7, 2] [1, 1, 1, 1] : tensor<1x7x7x2xf32> into tensor<1x8x9x2xf32>
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}}sched.kernel = "nhwc_conv_cols"{{.*}} ins(%[[XP]], %{{.*}} : tensor<1x8x9x2xf32>, tensor<2x2x2x16xf32>) outs(%{{.*}} : tensor<1x7x8x16xf32>)
// CHECK: %[[S:.*]] = tensor.extract_slice %[[C]][0, 0, 0, 0] [1, 7, 7, 16] [1, 1, 1, 1] : tensor<1x7x8x16xf32> to tensor<1x7x7x16xf32>
// CHECK: return %[[S]]
func.func private @nhwc_conv_cols(%x: tensor<1x7x7x2xf32>, %w: tensor<16x2x2x2xf32>) -> tensor<1x7x7x16xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.nhwc_conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x7x7x2xf32>, tensor<16x2x2x2xf32>) -> tensor<1x7x7x16xf32>
  return %0 : tensor<1x7x7x16xf32>
}
%k = "sched.kernel"() {name = "nhwc_conv_cols"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 4, 0, 0, 0>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 4, 2, 1, 1>} : (!sched.handle) -> ()

// -----

// A grouped convolution (2 groups of 4 channels, stride 1) with packed weights: the padded
// input viewed [N, H, W, G, Cg], the weights [G, KH, KW, Cg, Fg], one generic over
// (n, oh, ow, g, f, kh, kw, c) tagged sched.kernel and sched.grouped_conv, its result
// [N, OH, OW, G, Fg] collapsed to the channels.
// CHECK-LABEL: func.func private @grouped
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x6x6x8xf32>, %[[W:[^:]*]]: tensor<8x4x3x3xf32>)
// CHECK: %[[XP:.*]] = tensor.insert_slice %[[X]] into %{{.*}}[0, 1, 1, 0] [1, 6, 6, 8] [1, 1, 1, 1] : tensor<1x6x6x8xf32> into tensor<1x8x8x8xf32>
// CHECK: %[[X5:.*]] = tensor.expand_shape %[[XP]] {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 8, 8, 2, 4] : tensor<1x8x8x8xf32> into tensor<1x8x8x2x4xf32>
// CHECK: %[[W5:.*]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 4, 4, 3, 3] : tensor<8x4x3x3xf32> into tensor<2x4x4x3x3xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[W5]] : tensor<2x4x4x3x3xf32>) outs(%{{.*}} : tensor<2x3x3x4x4xf32>) permutation = [0, 3, 4, 2, 1]
// CHECK: %[[C:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]{{.*}} ins(%[[X5]], %[[WT]] : tensor<1x8x8x2x4xf32>, tensor<2x3x3x4x4xf32>) outs(%{{.*}} : tensor<1x6x6x2x4xf32>) attrs = {sched.grouped_conv, sched.kernel = "grouped"}
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0], [1], [2], [3, 4]] : tensor<1x6x6x2x4xf32> into tensor<1x6x6x8xf32>
// CHECK: return %[[Y]]
func.func private @grouped(%x: tensor<1x6x6x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x6x6x8xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.nhwc_conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x6x6x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x6x6x8xf32>
  return %0 : tensor<1x6x6x8xf32>
}
%k = "sched.kernel"() {name = "grouped"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 4>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 4, 1, 6, 0, 0, 0>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 4, 1, 6, 4, 1, 1>} : (!sched.handle) -> ()

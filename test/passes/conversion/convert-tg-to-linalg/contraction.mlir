// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

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

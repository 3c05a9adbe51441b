// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Dynamic dims (`?`): every size the lowering needs is a `tensor.dim` of an
// operand (or index arithmetic on such dims). A `?` is never broadcast from 1
// at run time, so a broadcast result's `?` is the size of the first operand
// with a `?` there.

// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:[^:]*]]: tensor<?x4xf32>, %[[B:[^:]*]]: tensor<4xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D0:.*]] = tensor.dim %[[A]], %[[C0]] : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D0]]) : tensor<?x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<?x4xf32>, tensor<4xf32>) outs(%[[E]] : tensor<?x4xf32>)
func.func @add_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = "tg.add"(%a, %b) : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Each `?` of the result comes from the operand that has it; their 1s broadcast.
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @add_two_dynamic
// CHECK-SAME: (%[[A:[^:]*]]: tensor<?x1xf32>, %[[B:[^:]*]]: tensor<1x?xf32>)
// CHECK: %[[D0:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x1xf32>
// CHECK: %[[D1:.*]] = tensor.dim %[[B]], %{{.*}} : tensor<1x?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ROWS]], #[[COLS]], #{{.*}}]{{.*}} outs(%[[E]] : tensor<?x?xf32>)
func.func @add_two_dynamic(%a: tensor<?x1xf32>, %b: tensor<1x?xf32>) -> tensor<?x?xf32> {
  %0 = "tg.add"(%a, %b) : (tensor<?x1xf32>, tensor<1x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A `?` against a static size (not 1) is that size: the result is static.
// CHECK-LABEL: func.func @add_static_wins
// CHECK-NOT: tensor.dim
// CHECK: tensor.empty() : tensor<3x4xf32>
func.func @add_static_wins(%a: tensor<?x4xf32>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "tg.add"(%a, %b) : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @sigmoid
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x3xf32>)
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D0]]) : tensor<?x3xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?x3xf32>) outs(%[[E]] : tensor<?x3xf32>)
// CHECK: math.exp
func.func @sigmoid(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = "tg.sigmoid"(%x) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:[^:]*]]: tensor<?x8xf32>, %[[B:[^:]*]]: tensor<8x16xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x8xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[M]]) : tensor<?x16xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x16xf32>)
// CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<?x8xf32>, tensor<8x16xf32>) outs(%[[Z]] : tensor<?x16xf32>)
func.func @matmul(%a: tensor<?x8xf32>, %b: tensor<8x16xf32>) -> tensor<?x16xf32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// Batch dims broadcast: the `?` batch dim and the `?` rows come from A, the 3 from B.
// CHECK-LABEL: func.func @matmul_batch_broadcast
// CHECK-SAME: (%[[A:[^:]*]]: tensor<?x1x?x8xf32>, %[[B:[^:]*]]: tensor<3x8x5xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[M:.*]] = tensor.dim %[[A]], %[[C2]]
// CHECK-DAG: %[[N:.*]] = tensor.dim %[[A]], %[[C0]]
// CHECK: tensor.empty(%[[N]], %[[M]]) : tensor<?x3x?x5xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
func.func @matmul_batch_broadcast(%a: tensor<?x1x?x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<?x3x?x5xf32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<?x1x?x8xf32>, tensor<3x8x5xf32>) -> tensor<?x3x?x5xf32>
  return %0 : tensor<?x3x?x5xf32>
}

// -----

// transA: M is dim 1 of A.
// CHECK-LABEL: func.func @gemm_trans_a
// CHECK-SAME: (%[[A:[^:]*]]: tensor<8x?xf32>
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[M:.*]] = tensor.dim %[[A]], %[[C1]] : tensor<8x?xf32>
// CHECK: tensor.empty(%[[M]]) : tensor<?x6xf32>
func.func @gemm_trans_a(%a: tensor<8x?xf32>, %b: tensor<8x6xf32>) -> tensor<?x6xf32> {
  %0 = "tg.gemm"(%a, %b) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 1 : i64, transB = 0 : i64} : (tensor<8x?xf32>, tensor<8x6xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

// The kept dims size the accumulator; keepdims expands with the dynamic size.
// CHECK-LABEL: func.func @reduce_sum_keepdims
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x4xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D0]]) : tensor<?x4xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: %[[RD:.*]] = tensor.dim %[[R]], %{{.*}} : tensor<?x4xf32>
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0], [1, 2]] output_shape [%[[RD]], 1, 4] : tensor<?x4xf32> into tensor<?x1x4xf32>
func.func @reduce_sum_keepdims(%x: tensor<?x?x4xf32>) -> tensor<?x1x4xf32> {
  %0 = "tg.reduce_sum"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<?x?x4xf32>) -> tensor<?x1x4xf32>
  return %0 : tensor<?x1x4xf32>
}

// -----

// A mean over a dynamic dim divides by its run-time size.
// CHECK-LABEL: func.func @reduce_mean_dynamic_axis
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4x?xf32>)
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %[[C1]] : tensor<4x?xf32>
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[NF:.*]] = arith.uitofp %[[NI]] : i64 to f32
// CHECK: linalg.generic
// CHECK: arith.divf %{{.*}}, %[[NF]] : f32
func.func @reduce_mean_dynamic_axis(%x: tensor<4x?xf32>) -> tensor<4xf32> {
  %0 = "tg.reduce_mean"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<4x?xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?xf32>)
// CHECK: tensor.empty(%{{.*}}) : tensor<?x1xf32>
// CHECK: tensor.empty(%{{.*}}) : tensor<?x1xf32>
// CHECK: %[[R:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK: %[[C:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[R]], %[[C]]) : tensor<?x?xf32>
// CHECK: %[[ES:.*]]:2 = linalg.generic {{.*}} outs(%[[E]], %{{.*}} : tensor<?x?xf32>, tensor<?x1xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} outs(%[[ES]]#0 : tensor<?x?xf32>)
// CHECK: return %[[Y]]
func.func @softmax(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = "tg.softmax"(%x) {axes = array<i64: 1>} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// The statistics keep the dynamic dims and a unit dim at the axis: the Mean result as it is.
// CHECK-LABEL: func.func @layer_normalization
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x16xf32>
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?x16xf32>
// CHECK: %[[D1:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?x16xf32>
// CHECK: tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?x1xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x?x16xf32>) outs(%{{.*}} : tensor<?x?x1xf32>)
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?x?x1xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?x16xf32>)
// CHECK: return %[[Y]], %[[MEAN]]
func.func @layer_normalization(%x: tensor<?x?x16xf32>, %s: tensor<16xf32>, %b: tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x1xf32>) {
  %0:3 = "tg.layer_normalization"(%x, %s, %b) {axis = 2 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x1xf32>, tensor<?x?x1xf32>)
  return %0#0, %0#1 : tensor<?x?x16xf32>, tensor<?x?x1xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x3x?xf32>)
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x?xf32>
// CHECK: %[[D2:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x?xf32>
// CHECK: tensor.empty(%[[D2]], %[[D0]]) : tensor<?x?x3xf32>
func.func @transpose(%x: tensor<?x3x?xf32>) -> tensor<?x?x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 2, 0, 1>} : (tensor<?x3x?xf32>) -> tensor<?x?x3xf32>
  return %0 : tensor<?x?x3xf32>
}

// -----

// A pure expand whose `?` dims map one-to-one onto the input's.
// CHECK-LABEL: func.func @reshape_expand
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x768xf32>)
// CHECK: %[[B:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?x768xf32>
// CHECK: %[[S:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?x768xf32>
// CHECK: tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [%[[B]], %[[S]], 12, 64] : tensor<?x?x768xf32> into tensor<?x?x12x64xf32>
func.func @reshape_expand(%x: tensor<?x?x768xf32>) -> tensor<?x?x12x64xf32> {
  %0 = "tg.reshape"(%x) {shape = array<i64: -1, -1, 12, 64>} : (tensor<?x?x768xf32>) -> tensor<?x?x12x64xf32>
  return %0 : tensor<?x?x12x64xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_collapse
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x12x64xf32>)
// CHECK: tensor.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : tensor<?x?x12x64xf32> into tensor<?x?x768xf32>
func.func @reshape_collapse(%x: tensor<?x?x12x64xf32>) -> tensor<?x?x768xf32> {
  %0 = "tg.reshape"(%x) {shape = array<i64: -1, -1, 768>} : (tensor<?x?x12x64xf32>) -> tensor<?x?x768xf32>
  return %0 : tensor<?x?x768xf32>
}

// -----

// One `?` in the result: the element count divided by the static dims.
// CHECK-LABEL: func.func @reshape_one_dynamic
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x6xf32>)
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<?x6xf32> into tensor<?xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[F]], %{{.*}} : tensor<?xf32>
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[Q:.*]] = arith.divui %[[N]], %[[C4]] : index
// CHECK: tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [%[[Q]], 4] : tensor<?xf32> into tensor<?x4xf32>
func.func @reshape_one_dynamic(%x: tensor<?x6xf32>) -> tensor<?x4xf32> {
  %0 = "tg.reshape"(%x) {shape = array<i64: -1, 4>} : (tensor<?x6xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @flatten
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x4xf32>)
// CHECK: tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<?x?x4xf32> into tensor<?x4xf32>
func.func @flatten(%x: tensor<?x?x4xf32>) -> tensor<?x4xf32> {
  %0 = "tg.flatten"(%x) {axis = 2 : i64} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Concat along a dynamic axis: the second piece goes at the first one's run-time size.
// CHECK-LABEL: func.func @concat_dynamic_axis
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x?xf32>, %[[B:[^:]*]]: tensor<2x3xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<2x?xf32>
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[SUM:.*]] = arith.addi %[[N]], %[[C3]] : index
// CHECK: %[[E:.*]] = tensor.empty(%[[SUM]]) : tensor<2x?xf32>
// CHECK: %[[OFF:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<2x?xf32>
// CHECK: %[[SIZE:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<2x?xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, %[[SIZE]]] [1, 1]
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][0, %[[OFF]]] [2, 3] [1, 1]
// CHECK: return %[[I1]]
func.func @concat_dynamic_axis(%a: tensor<2x?xf32>, %b: tensor<2x3xf32>) -> tensor<2x?xf32> {
  %0 = "tg.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x?xf32>, tensor<2x3xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// -----

// A static axis sliced, the dynamic one kept whole.
// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x10xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x10xf32>
// CHECK: tensor.extract_slice %[[X]][0, 2] [%[[N]], 3] [1, 2] : tensor<?x10xf32> to tensor<?x3xf32>
func.func @slice(%x: tensor<?x10xf32>) -> tensor<?x3xf32> {
  %0 = "tg.slice"(%x) {axes = array<i64: 1>, ends = array<i64: 8>, starts = array<i64: 2>, steps = array<i64: 2>} : (tensor<?x10xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// A dynamic axis sliced whole (0 to INT64_MAX) is the input itself.
// CHECK-LABEL: func.func @slice_whole_dynamic_axis
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x10xf32>)
// CHECK-NEXT: return %[[X]]
func.func @slice_whole_dynamic_axis(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = "tg.slice"(%x) {axes = array<i64: 0>, ends = array<i64: 9223372036854775807>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// Part of a dynamic axis: the bounds are clamped at run time against its tensor.dim.
// CHECK-LABEL: func.func @slice_part_of_dynamic_axis
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4xf32>)
// CHECK: tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: tensor.extract_slice %[[X]][%{{.*}}, 0] [%{{.*}}, 4] [1, 1] : tensor<?x4xf32> to tensor<?x4xf32>
func.func @slice_part_of_dynamic_axis(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = "tg.slice"(%x) {axes = array<i64: 0>, ends = array<i64: 9223372036854775807>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Tile of a dynamic dim: out dim = tensor.dim * repeats, read at i mod dim.
// CHECK-LABEL: func.func @tile_dynamic_dim
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x3xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xf32>
// CHECK: linalg.generic
// CHECK: arith.remui %{{.*}}, %[[N]] : index
// CHECK: tensor.extract %[[X]]
func.func @tile_dynamic_dim(%x: tensor<?x3xf32>) -> tensor<?x6xf32> {
  %0 = "tg.tile"(%x) {repeats = array<i64: 2, 2>} : (tensor<?x3xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

// An embedding lookup: the result takes the indices' dynamic dims.
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[D:[^:]*]]: tensor<100x16xf32>, %[[I:[^:]*]]: tensor<?x?xi64>)
// CHECK: %[[B:.*]] = tensor.dim %[[I]], %{{.*}} : tensor<?x?xi64>
// CHECK: %[[S:.*]] = tensor.dim %[[I]], %{{.*}} : tensor<?x?xi64>
// CHECK: %[[E:.*]] = tensor.empty(%[[B]], %[[S]]) : tensor<?x?x16xf32>
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<?x?xi64>) outs(%[[E]] : tensor<?x?x16xf32>)
// CHECK: tensor.extract %[[D]]
func.func @gather(%emb: tensor<100x16xf32>, %ids: tensor<?x?xi64>) -> tensor<?x?x16xf32> {
  %0 = "tg.gather"(%emb, %ids) {axis = 0 : i64} : (tensor<100x16xf32>, tensor<?x?xi64>) -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// -----

// CHECK-LABEL: func.func @expand
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x1xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x1xf32>
// CHECK: tensor.empty(%[[N]]) : tensor<?x5xf32>
func.func @expand(%x: tensor<?x1xf32>) -> tensor<?x5xf32> {
  %0 = "tg.expand"(%x) {shape = array<i64: 1, 5>} : (tensor<?x1xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// Dynamic batch and spatial dims: each output size is (padded - 3) / 2 + 1.
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x3x?x?xf32>
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: } : tensor<?x3x?x?xf32> to tensor<?x3x?x?xf32>
// CHECK: %[[G:.*]] = tensor.expand_shape %[[P]] {{\[}}[0], [1, 2], [3], [4]] output_shape [%{{.*}}, 1, 3, %{{.*}}, %{{.*}}] : tensor<?x3x?x?xf32> into tensor<?x1x3x?x?xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[G]], %{{.*}} : tensor<?x1x3x?x?xf32>
// CHECK: %[[H:.*]] = tensor.dim %[[G]], %{{.*}} : tensor<?x1x3x?x?xf32>
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[SPAN:.*]] = arith.subi %[[H]], %[[C3]] : index
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[Q:.*]] = arith.floordivsi %[[SPAN]], %[[C2]] : index
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[Q1:.*]] = arith.addi %[[Q]], %[[C1]] : index
// CHECK: %[[OH:.*]] = arith.maxsi %[[Q1]], %{{.*}} : index
// CHECK: tensor.empty(%[[N]], %[[OH]], %{{.*}}) : tensor<?x1x4x?x?xf32>
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK: tensor.collapse_shape %[[Y]] {{\[}}[0], [1, 2], [3], [4]] : tensor<?x1x4x?x?xf32> into tensor<?x4x?x?xf32>
func.func @conv(%x: tensor<?x3x?x?xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x?x?xf32> {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x3x?x?xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x?x?xf32>
  return %0 : tensor<?x4x?x?xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x2x?x8xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x2x?x8xf32>
// CHECK: %[[H:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x2x?x8xf32>
// CHECK: %[[SPAN:.*]] = arith.subi %[[H]], %{{.*}} : index
// CHECK: %[[Q:.*]] = arith.floordivsi %[[SPAN]], %{{.*}} : index
// CHECK: %[[Q1:.*]] = arith.addi %[[Q]], %{{.*}} : index
// CHECK: %[[OH:.*]] = arith.maxsi %[[Q1]], %{{.*}} : index
// CHECK: tensor.empty(%[[N]], %[[OH]]) : tensor<?x2x?x4xf32>
func.func @max_pool(%x: tensor<?x2x?x8xf32>) -> tensor<?x2x?x4xf32> {
  %0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<?x2x?x8xf32>) -> tensor<?x2x?x4xf32>
  return %0 : tensor<?x2x?x4xf32>
}

// -----

// The mean divides by the run-time count of the spatial dims.
// CHECK-LABEL: func.func @global_average_pool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x3x?x?xf32>)
// CHECK: %[[H:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x?x?xf32>
// CHECK: %[[W:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x?x?xf32>
// CHECK: %[[HW:.*]] = arith.muli %[[H]], %[[W]] : index
// CHECK: %[[I:.*]] = arith.index_cast %[[HW]] : index to i64
// CHECK: %[[COUNT:.*]] = arith.uitofp %[[I]] : i64 to f32
// CHECK: arith.divf %{{.*}}, %[[COUNT]] : f32
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3]] output_shape [%{{.*}}, 3, 1, 1] : tensor<?x3xf32> into tensor<?x3x1x1xf32>
func.func @global_average_pool(%x: tensor<?x3x?x?xf32>) -> tensor<?x3x1x1xf32> {
  %0 = "tg.global_average_pool"(%x) : (tensor<?x3x?x?xf32>) -> tensor<?x3x1x1xf32>
  return %0 : tensor<?x3x1x1xf32>
}

// -----

// A convolution with a dynamic N, H and W in a kernel whose schedule packs the
// weights: the channels-last form, with the padded input and the window counts
// computed at run time.
// CHECK-LABEL: func.func private @packed_conv_dynamic
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x3x?x?xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<?x3x?x?xf32>) outs(%{{.*}} : tensor<?x?x?x3xf32>) permutation = [0, 2, 3, 1] {{ *}}{sched.layout = "packed_conv_dynamic"}
// CHECK: %[[P:.*]] = tensor.insert_slice %[[T]] into %{{.*}}[0, 1, 1, 0] [%{{.*}}, %{{.*}}, %{{.*}}, 3] [1, 1, 1, 1] : tensor<?x?x?x3xf32> into tensor<?x?x?x3xf32>
// CHECK: %[[OH:.*]] = arith.maxsi
// CHECK: %[[OW:.*]] = arith.maxsi
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, sched.kernel = "packed_conv_dynamic", strides = dense<2> : tensor<2xi64>} ins(%[[P]], %{{.*}} : tensor<?x?x?x3xf32>, tensor<3x3x3x8xf32>) outs(%{{.*}} : tensor<?x?x?x8xf32>)
func.func private @packed_conv_dynamic(%x: tensor<?x3x?x?xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<?x8x?x?xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, tg.anchor} : (tensor<?x3x?x?xf32>, tensor<8x3x3x3xf32>) -> tensor<?x8x?x?xf32>
  return %0 : tensor<?x8x?x?xf32>
}
%k = "sched.kernel"() {name = "packed_conv_dynamic"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 8>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 8, 1, 1, 0, 0, 0>} : (!sched.handle) -> ()

// -----

// Pad of a dynamic dim: the tensor.pad keeps it dynamic.
// CHECK-LABEL: func.func @pad_dynamic
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 1] high[0, 1]
// CHECK: tensor<?x4xf32> to tensor<?x6xf32>
// CHECK: return %[[P]]
func.func @pad_dynamic(%x: tensor<?x4xf32>) -> tensor<?x6xf32> {
  %0 = "tg.pad"(%x) {mode = "constant", pads = array<i64: 0, 1, 0, 1>} : (tensor<?x4xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

// A Reshape target known at run time: ONNX's 0 and -1 resolved by index arithmetic,
// a target that breaks the element count zeroed, then tensor.reshape.
// CHECK-LABEL: func.func @reshape_dynamic
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4xf32>, %[[S:[^:]*]]: tensor<2xi64>)
// CHECK: %[[E0:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<2xi64>
// CHECK: %[[E1:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<2xi64>
// CHECK: %[[T:.*]] = tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi64>
// CHECK: %[[R:.*]] = tensor.reshape %[[X]](%[[T]]) : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
// CHECK: return %[[R]]
func.func @reshape_dynamic(%x: tensor<?x4xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = "tg.reshape_dynamic"(%x, %s) {allowzero = 0 : i64} : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(convert-tg-to-linalg)' | FileCheck %s

// The anchor of a kernel whose schedule packs B is lowered in packed form: B in
// column strips [N/32][K][32] (a tagged transpose), A viewed as [M/8][8][K], one
// generic over (n1, m1, k, m0, n0) tagged with the kernel, C collapsed back.
// CHECK-LABEL: func.func private @matmul_0
// CHECK-SAME: (%[[A:.*]]: tensor<16x8xf32>, %[[B:.*]]: tensor<8x64xf32>)
// CHECK: %[[BE:.*]] = tensor.expand_shape %[[B]] {{\[}}[0], [1, 2]] output_shape [8, 2, 32]
// CHECK: %[[BP:.*]] = linalg.transpose ins(%[[BE]] : tensor<8x2x32xf32>) outs(%{{.*}} : tensor<2x8x32xf32>) permutation = [1, 0, 2]  {sched.layout = "matmul_0"}
// CHECK: %[[AE:.*]] = tensor.expand_shape %[[A]] {{\[}}[0, 1], [2]] output_shape [2, 8, 8]
// CHECK: %[[C:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%[[AE]], %[[BP]] : {{.*}}) outs(%{{.*}} : tensor<2x8x2x32xf32>) attrs = {sched.kernel = "matmul_0"}
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0, 1], [2, 3]] : tensor<2x8x2x32xf32> into tensor<16x64xf32>
// CHECK: return %[[R]]
func.func private @matmul_0(%a: tensor<16x8xf32>, %b: tensor<8x64xf32>) -> tensor<16x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<16x8xf32>, tensor<8x64xf32>) -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}
%k = "sched.kernel"() {name = "matmul_0"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()

// -----

// Gemm with transB: the [N, K] weights are packed by one transpose; N = 40 is
// padded to two strips of 32 and the result sliced back.
// CHECK-LABEL: func.func private @gemm_1
// CHECK-SAME: (%[[A:.*]]: tensor<8x4xf32>, %[[B:.*]]: tensor<40x4xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[B]] low[0, 0] high[24, 0]
// CHECK: %[[BE:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1], [2]] output_shape [2, 32, 4]
// CHECK: linalg.transpose ins(%[[BE]] : tensor<2x32x4xf32>) outs(%{{.*}} : tensor<2x4x32xf32>) permutation = [0, 2, 1]
// CHECK: linalg.generic {{.*}} attrs = {sched.kernel = "gemm_1"}
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [8, 40] [1, 1] : tensor<8x64xf32> to tensor<8x40xf32>
func.func private @gemm_1(%a: tensor<8x4xf32>, %b: tensor<40x4xf32>) -> tensor<8x40xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.gemm"(%a, %b) {tg.anchor, alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : si64, transB = 1 : si64} : (tensor<8x4xf32>, tensor<40x4xf32>) -> tensor<8x40xf32>
  return %0 : tensor<8x40xf32>
}
%k = "sched.kernel"() {name = "gemm_1"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()

// -----

// Without a packing schedule the plain lowering is kept.
// CHECK-LABEL: func.func private @matmul_2
// CHECK: linalg.matmul
// CHECK-NOT: sched.kernel
func.func private @matmul_2(%a: tensor<16x8xf32>, %b: tensor<8x64xf32>) -> tensor<16x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<16x8xf32>, tensor<8x64xf32>) -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}

// -----

// Dynamic rows: A[?, K] is padded with zero rows to a multiple of the register tile
// (ceil(M / 8) tiles of 8), the product runs on full tiles, and the M real rows are
// sliced out of the result.
// CHECK-LABEL: func.func private @matmul_dyn_9
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[B:.*]]: tensor<8x64xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x8xf32>
// CHECK: %[[T:.*]] = arith.ceildivui %[[M]], %[[C8:.*]] : index
// CHECK: %[[MP:.*]] = arith.muli %[[T]], %[[C8]] : index
// CHECK: %[[EXTRA:.*]] = arith.subi %[[MP]], %[[M]] : index
// CHECK: %[[P:.*]] = tensor.pad %[[A]] low[0, 0] high[%[[EXTRA]], 0]
// CHECK: %[[AE:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1], [2]] output_shape [%[[T]], 8, 8] : tensor<?x8xf32> into tensor<?x8x8xf32>
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%[[AE]], %{{.*}} : tensor<?x8x8xf32>, tensor<2x8x32xf32>) outs(%{{.*}} : tensor<?x8x2x32xf32>) attrs = {sched.kernel = "matmul_dyn_9"}
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0, 1], [2, 3]] : tensor<?x8x2x32xf32> into tensor<?x64xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[R]][0, 0] [%[[M]], 64] [1, 1] : tensor<?x64xf32> to tensor<?x64xf32>
// CHECK: return %[[S]]
func.func private @matmul_dyn_9(%a: tensor<?x8xf32>, %b: tensor<8x64xf32>) -> tensor<?x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<?x8xf32>, tensor<8x64xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}
%k = "sched.kernel"() {name = "matmul_dyn_9"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()

// -----

// Attention scores Q @ K^T of 197 tokens: each batch of B gets 197 columns padded with
// zero columns to 13 strips of 16 (208), each batch of A 197 rows padded with zero rows
// to 33 tiles of 6 (198); the product runs on full tiles and the [3, 197, 197] result is
// sliced out of the padded one.
// CHECK-LABEL: func.func private @attention_scores
// CHECK-SAME: (%[[Q:.*]]: tensor<3x197x64xf32>, %[[KT:.*]]: tensor<3x64x197xf32>)
// CHECK: %[[BPAD:.*]] = tensor.pad %[[KT]] low[0, 0, 0] high[0, 0, 11]
// CHECK: %[[BE:.*]] = tensor.expand_shape %[[BPAD]] {{\[}}[0], [1], [2, 3]] output_shape [3, 64, 13, 16] : tensor<3x64x208xf32> into tensor<3x64x13x16xf32>
// CHECK: %[[BP:.*]] = linalg.transpose ins(%[[BE]] : tensor<3x64x13x16xf32>) outs(%{{.*}} : tensor<3x13x64x16xf32>) permutation = [0, 2, 1, 3]  {sched.layout = "attention_scores"}
// CHECK: %[[APAD:.*]] = tensor.pad %[[Q]] low[0, 0, 0] high[0, 1, 0]
// CHECK: %[[AE:.*]] = tensor.expand_shape %[[APAD]] {{\[}}[0], [1, 2], [3]] output_shape [3, 33, 6, 64] : tensor<3x198x64xf32> into tensor<3x33x6x64xf32>
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%[[AE]], %[[BP]] : tensor<3x33x6x64xf32>, tensor<3x13x64x16xf32>) outs(%{{.*}} : tensor<3x33x6x13x16xf32>) attrs = {sched.kernel = "attention_scores"}
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0], [1, 2], [3, 4]] : tensor<3x33x6x13x16xf32> into tensor<3x198x208xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[R]][0, 0, 0] [3, 197, 197] [1, 1, 1] : tensor<3x198x208xf32> to tensor<3x197x197xf32>
// CHECK: return %[[S]]
func.func private @attention_scores(%q: tensor<3x197x64xf32>, %kt: tensor<3x64x197xf32>) -> tensor<3x197x197xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%q, %kt) {tg.anchor} : (tensor<3x197x64xf32>, tensor<3x64x197xf32>) -> tensor<3x197x197xf32>
  return %0 : tensor<3x197x197xf32>
}
%k = "sched.kernel"() {name = "attention_scores"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 6, 16, 4>} : (!sched.handle) -> ()

// -----

// Attention values P @ V: B needs no padding (N = 64), each batch of A gets 197 rows
// padded to 50 tiles of 4 (200); the rows are sliced back.
// CHECK-LABEL: func.func private @attention_values
// CHECK-SAME: (%[[P:.*]]: tensor<3x197x197xf32>, %[[V:.*]]: tensor<3x197x64xf32>)
// CHECK: %[[BE:.*]] = tensor.expand_shape %[[V]] {{\[}}[0], [1], [2, 3]] output_shape [3, 197, 4, 16]
// CHECK: %[[BP:.*]] = linalg.transpose ins(%[[BE]] : tensor<3x197x4x16xf32>) outs(%{{.*}} : tensor<3x4x197x16xf32>)
// CHECK: %[[APAD:.*]] = tensor.pad %[[P]] low[0, 0, 0] high[0, 3, 0]
// CHECK: %[[AE:.*]] = tensor.expand_shape %[[APAD]] {{\[}}[0], [1, 2], [3]] output_shape [3, 50, 4, 197] : tensor<3x200x197xf32> into tensor<3x50x4x197xf32>
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%[[AE]], %[[BP]] : tensor<3x50x4x197xf32>, tensor<3x4x197x16xf32>) outs(%{{.*}} : tensor<3x50x4x4x16xf32>) attrs = {sched.kernel = "attention_values"}
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0], [1, 2], [3, 4]] : tensor<3x50x4x4x16xf32> into tensor<3x200x64xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[R]][0, 0, 0] [3, 197, 64] [1, 1, 1] : tensor<3x200x64xf32> to tensor<3x197x64xf32>
// CHECK: return %[[S]]
func.func private @attention_values(%p: tensor<3x197x197xf32>, %v: tensor<3x197x64xf32>) -> tensor<3x197x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%p, %v) {tg.anchor} : (tensor<3x197x197xf32>, tensor<3x197x64xf32>) -> tensor<3x197x64xf32>
  return %0 : tensor<3x197x64xf32>
}
%k = "sched.kernel"() {name = "attention_values"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 4, 16, 1>} : (!sched.handle) -> ()

// -----

// Gemm with transA and 13 rows: A^T is padded with zero rows to 3 tiles of 6 (18),
// N = 24 with zero columns to two strips of 16; the [13, 24] result is sliced back.
// CHECK-LABEL: func.func private @gemm_rows_13
// CHECK-SAME: (%[[A:.*]]: tensor<8x13xf32>, %[[B:.*]]: tensor<8x24xf32>)
// CHECK: %[[AT:.*]] = linalg.transpose ins(%[[A]] : tensor<8x13xf32>) outs(%{{.*}} : tensor<13x8xf32>)
// CHECK: %[[BPAD:.*]] = tensor.pad %[[B]] low[0, 0] high[0, 8]
// CHECK: %[[BE:.*]] = tensor.expand_shape %[[BPAD]] {{\[}}[0], [1, 2]] output_shape [8, 2, 16]
// CHECK: %[[BP:.*]] = linalg.transpose ins(%[[BE]] : tensor<8x2x16xf32>) outs(%{{.*}} : tensor<2x8x16xf32>)
// CHECK: %[[APAD:.*]] = tensor.pad %[[AT]] low[0, 0] high[5, 0]
// CHECK: %[[AE:.*]] = tensor.expand_shape %[[APAD]] {{\[}}[0, 1], [2]] output_shape [3, 6, 8] : tensor<18x8xf32> into tensor<3x6x8xf32>
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%[[AE]], %[[BP]] : tensor<3x6x8xf32>, tensor<2x8x16xf32>) outs(%{{.*}} : tensor<3x6x2x16xf32>) attrs = {sched.kernel = "gemm_rows_13"}
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0, 1], [2, 3]] : tensor<3x6x2x16xf32> into tensor<18x32xf32>
// CHECK: tensor.extract_slice %[[R]][0, 0] [13, 24] [1, 1] : tensor<18x32xf32> to tensor<13x24xf32>
func.func private @gemm_rows_13(%a: tensor<8x13xf32>, %b: tensor<8x24xf32>) -> tensor<13x24xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.gemm"(%a, %b) {tg.anchor, alpha = 1.0 : f32, beta = 1.0 : f32, transA = 1 : si64, transB = 0 : si64} : (tensor<8x13xf32>, tensor<8x24xf32>) -> tensor<13x24xf32>
  return %0 : tensor<13x24xf32>
}
%k = "sched.kernel"() {name = "gemm_rows_13"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 6, 16, 4>} : (!sched.handle) -> ()

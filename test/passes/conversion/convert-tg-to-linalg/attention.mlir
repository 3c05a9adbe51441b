// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

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

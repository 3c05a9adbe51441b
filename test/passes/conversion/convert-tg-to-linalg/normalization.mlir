// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// LayerNormalization: mean, variance (two passes), rsqrt(var + eps), then
// (x - mean) * inv * scale + b. The statistics keep x's rank (2x1, read through
// (d0, 0)): they are the Mean and InvStdDev results as they are.
// CHECK-LABEL: func.func @layer_normalization
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x4xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x1xf32>)
// CHECK: %[[SQ:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[MEAN]] : tensor<2x4xf32>, tensor<2x1xf32>) outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: %[[VAR:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<2x1xf32>)
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[VAR]] : tensor<2x1xf32>)
// CHECK: math.rsqrt
// CHECK: %[[Y:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[MEAN]], %[[INV]], %{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: return %[[Y]], %[[MEAN]], %[[INV]]
func.func @layer_normalization(%x: tensor<2x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %0:3 = "tg.layer_normalization"(%x, %s, %b) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// BatchNormalization computes in x's type; each parameter is converted to it on its own (here
// f32 scale and bias are truncated, the f16 mean and variance are used as they are).
// CHECK-LABEL: func.func @batch_normalization_mixed
// CHECK: ^bb0(%[[V:.*]]: f16, %[[S:.*]]: f32, %[[B:.*]]: f32, %[[M:.*]]: f16, %[[VAR:.*]]: f16, %{{.*}}: f16):
// CHECK: %[[S16:.*]] = arith.truncf %[[S]] : f32 to f16
// CHECK: %[[B16:.*]] = arith.truncf %[[B]] : f32 to f16
// CHECK-NOT: arith.truncf
// CHECK: math.rsqrt
// CHECK: arith.subf %[[V]], %[[M]] : f16
// CHECK: arith.mulf %{{.*}}, %[[S16]] : f16
// CHECK: arith.addf %{{.*}}, %[[B16]] : f16
func.func @batch_normalization_mixed(%x: tensor<1x2x3xf16>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf16>, %v: tensor<2xf16>) -> tensor<1x2x3xf16> {
  %0 = "tg.batch_normalization"(%x, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32} : (tensor<1x2x3xf16>, tensor<2xf32>, tensor<2xf32>, tensor<2xf16>, tensor<2xf16>) -> tensor<1x2x3xf16>
  return %0 : tensor<1x2x3xf16>
}

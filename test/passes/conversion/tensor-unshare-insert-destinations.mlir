// RUN: polytile-opt %s --split-input-file --tensor-unshare-insert-destinations | FileCheck %s

// Two padded operands share one (CSE'd) zero fill: every insert but the last gets its own
// fill of its own tensor.empty, so each padded buffer is written in place.
// CHECK-LABEL: func.func @two_pads
// CHECK-SAME: (%[[A:[^:]*]]: tensor<4x4xf32>, %[[B:[^:]*]]: tensor<4x4xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<6x6xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<6x6xf32>)
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<6x6xf32>
// CHECK: %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<6x6xf32>)
// CHECK: %[[PA:.*]] = tensor.insert_slice %[[A]] into %[[F2]][1, 1] [4, 4] [1, 1]
// CHECK: %[[PB:.*]] = tensor.insert_slice %[[B]] into %[[F]][1, 1] [4, 4] [1, 1]
// CHECK: return %[[PA]], %[[PB]]
func.func @two_pads(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<6x6xf32>, tensor<6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x6xf32>) -> tensor<6x6xf32>
  %pa = tensor.insert_slice %a into %f[1, 1] [4, 4] [1, 1] : tensor<4x4xf32> into tensor<6x6xf32>
  %pb = tensor.insert_slice %b into %f[1, 1] [4, 4] [1, 1] : tensor<4x4xf32> into tensor<6x6xf32>
  return %pa, %pb : tensor<6x6xf32>, tensor<6x6xf32>
}

// -----

// The generalized fill (a linalg.generic with no tensor input) is cloned the same way; a
// destination made by anything else (here an argument) is left shared.
// CHECK-LABEL: func.func @generic_fill_and_argument
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2xf32>, %[[D:[^:]*]]: tensor<4xf32>)
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4xf32>)
// CHECK: %[[G2:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4xf32>)
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[A]] into %[[G2]][0] [2] [1]
// CHECK: %[[I2:.*]] = tensor.insert_slice %[[A]] into %[[G]][2] [2] [1]
// CHECK: %[[I3:.*]] = tensor.insert_slice %[[A]] into %[[D]][0] [2] [1]
// CHECK: %[[I4:.*]] = tensor.insert_slice %[[A]] into %[[D]][2] [2] [1]
func.func @generic_fill_and_argument(%a: tensor<2xf32>, %d: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%one : f32) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4xf32>
  %i1 = tensor.insert_slice %a into %g[0] [2] [1] : tensor<2xf32> into tensor<4xf32>
  %i2 = tensor.insert_slice %a into %g[2] [2] [1] : tensor<2xf32> into tensor<4xf32>
  %i3 = tensor.insert_slice %a into %d[0] [2] [1] : tensor<2xf32> into tensor<4xf32>
  %i4 = tensor.insert_slice %a into %d[2] [2] [1] : tensor<2xf32> into tensor<4xf32>
  return %i1, %i2, %i3, %i4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

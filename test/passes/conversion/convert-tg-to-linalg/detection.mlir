// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// The boxes' extents and areas first (one linalg.generic, five results); then per
// batch and class (scf.for nest carrying the result, its row count and the order):
// each candidate's rank, the greedy walk over the candidates (a suppression check
// against the rows kept for the class), and the slice of the rows kept.
// CHECK-LABEL: func.func @nms
// CHECK-SAME: (%[[B:[^:]*]]: tensor<1x?x4xf32>, %[[S:[^:]*]]: tensor<1x2x?xf32>, %[[M:[^:]*]]: tensor<1xi64>, %[[I:[^:]*]]: tensor<1xf32>, %[[T:[^:]*]]: tensor<f32>)
// CHECK: %[[N:.*]] = tensor.dim %[[S]], %{{.*}} : tensor<1x2x?xf32>
// CHECK: %[[MAX:.*]] = tensor.extract %[[M]][%{{.*}}] : tensor<1xi64>
// CHECK: %[[IOU:.*]] = tensor.extract %[[I]][%{{.*}}] : tensor<1xf32>
// CHECK: %[[THR:.*]] = tensor.extract %[[T]][] : tensor<f32>
// CHECK: %[[EXT:.*]]:5 = linalg.generic {{.*}} ins(%[[B]], %[[B]], %[[B]], %[[B]] : {{.*}}) outs({{.*}}) {
// CHECK: %[[CAP:.*]] = arith.muli %[[N]], %{{.*}} : index
// CHECK: %[[OUT:.*]] = tensor.empty(%[[CAP]]) : tensor<?x3xi64>
// CHECK: %[[WALK:.*]]:3 = scf.for {{.*}} iter_args(%{{.*}} = %[[OUT]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<?x3xi64>, index, tensor<?xi64>)
// CHECK: scf.for {{.*}} -> (tensor<?x3xi64>, index, tensor<?xi64>)
// CHECK: %[[RANKS:.*]]:2 = scf.for {{.*}} to %[[N]] {{.*}} -> (tensor<?xi64>, index)
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.cmpf ogt, %{{.*}}, %[[THR]] : f32
// CHECK: scf.for {{.*}} -> (index)
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%{{.*}}] : tensor<?xi64>
// CHECK: scf.for {{.*}} to %[[RANKS]]#1 {{.*}} -> (tensor<?x3xi64>, index)
// CHECK: arith.cmpi slt, %{{.*}}, %[[MAX]] : i64
// CHECK: scf.for {{.*}} -> (i1)
// CHECK: tensor.extract %[[EXT]]#4
// CHECK: %[[RATIO:.*]] = arith.divf
// CHECK: arith.cmpf ogt, %[[RATIO]], %[[IOU]] : f32
// CHECK: tensor.insert
// CHECK: tensor.insert
// CHECK: tensor.insert
// CHECK: %[[Y:.*]] = tensor.extract_slice %[[WALK]]#0[0, 0] [%[[WALK]]#1, 3] [1, 1] : tensor<?x3xi64> to tensor<?x3xi64>
// CHECK: return %[[Y]]
func.func @nms(%b: tensor<1x?x4xf32>, %s: tensor<1x2x?xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>, %t: tensor<f32>) -> tensor<?x3xi64> {
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i, %t) {center_point_box = 0 : i64} : (tensor<1x?x4xf32>, tensor<1x2x?xf32>, tensor<1xi64>, tensor<1xf32>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// [xc, yc, w, h] boxes: half sizes around the centres; no score threshold (all
// boxes are candidates), static shapes: capacity B x C x N rows.
// CHECK-LABEL: func.func @nms_center_point_box
// CHECK: linalg.generic
// CHECK: %[[HALF_W:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: %[[HALF_H:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: arith.subf %{{.*}}, %[[HALF_W]] : f32
// CHECK: arith.addf %{{.*}}, %[[HALF_W]] : f32
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<36x3xi64>
// CHECK: %[[ORDER:.*]] = tensor.empty() : tensor<7xi64>
// CHECK-NOT: arith.cmpf ogt, %{{.*}}, %{{.*}} : f32
// CHECK: arith.divf
// CHECK: %[[Y:.*]] = tensor.extract_slice %{{.*}}[0, 0] [%{{.*}}, 3] [1, 1] : tensor<36x3xi64> to tensor<?x3xi64>
// CHECK: return %[[Y]]
func.func @nms_center_point_box(%b: tensor<2x6x4xf32>, %s: tensor<2x3x6xf32>, %m: tensor<i64>, %i: tensor<f32>) -> tensor<?x3xi64> {
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 1 : i64} : (tensor<2x6x4xf32>, tensor<2x3x6xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// f16 matrices: a f32 work copy; per matrix and column, the pivot search, the row
// swap, the determinant update and the elimination; the result rounded to f16.
// CHECK-LABEL: func.func @det_f16
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x3xf16>)
// CHECK: %[[WORK:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<2x3x3xf16>) outs(%{{.*}} : tensor<2x3x3xf32>)
// CHECK: arith.extf
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<2xf16>
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[BATCH:.*]] = {{.*}} iter_args(%{{.*}} = %[[WORK]], %{{.*}} = %[[INIT]]) -> (tensor<2x3x3xf32>, tensor<2xf16>)
// CHECK: %[[COL:.*]]:2 = scf.for {{.*}} -> (tensor<2x3x3xf32>, f32)
// CHECK: %[[PIVOT:.*]]:2 = scf.for {{.*}} -> (index, f32)
// CHECK: math.absf
// CHECK: arith.cmpf ogt
// CHECK: %[[SWAPPED:.*]] = scf.for {{.*}} -> (tensor<2x3x3xf32>)
// CHECK: arith.cmpi ne, %[[PIVOT]]#0, %{{.*}} : index
// CHECK: arith.negf
// CHECK: %[[P:.*]] = tensor.extract %[[SWAPPED]][%[[BATCH]], %{{.*}}, %{{.*}}] : tensor<2x3x3xf32>
// CHECK: arith.mulf %{{.*}}, %[[P]] : f32
// CHECK: scf.for
// CHECK: arith.divf %{{.*}}, %[[P]] : f32
// CHECK: scf.for
// CHECK: arith.subf
// CHECK: %[[DET:.*]] = arith.truncf %[[COL]]#1 : f32 to f16
// CHECK: tensor.insert %[[DET]] into %{{.*}}[%[[BATCH]]] : tensor<2xf16>
// CHECK: return %[[LOOP]]#1
func.func @det_f16(%x: tensor<2x3x3xf16>) -> tensor<2xf16> {
  %0 = "tg.det"(%x) : (tensor<2x3x3xf16>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// One dynamic matrix: loops up to its size, a 0-d result.
// CHECK-LABEL: func.func @det_dynamic
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?xf64>)
// CHECK: tensor.dim %[[X]], %{{.*}} : tensor<?x?xf64>
// CHECK: %[[M:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf64>
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<f64>
// CHECK: scf.for {{.*}} to %[[M]] {{.*}} -> (tensor<?x?xf64>, f64)
// CHECK: %[[Y:.*]] = tensor.insert %{{.*}} into %[[INIT]][] : tensor<f64>
// CHECK: return %[[Y]]
func.func @det_dynamic(%x: tensor<?x?xf64>) -> tensor<f64> {
  %0 = "tg.det"(%x) : (tensor<?x?xf64>) -> tensor<f64>
  return %0 : tensor<f64>
}

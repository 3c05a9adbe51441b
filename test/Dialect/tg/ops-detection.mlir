// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of the detection ops. NonMaxSuppression's row count depends on the data: `?`.

// CHECK-LABEL: func.func @nms_score_threshold
// CHECK-SAME: (%[[B:.*]]: tensor<2x6x4xf32>, %[[S:.*]]: tensor<2x3x6xf32>, %[[M:.*]]: tensor<1xi64>, %[[I:.*]]: tensor<1xf32>, %[[T:.*]]: tensor<1xf32>)
// CHECK: %[[Y:.*]] = "tg.non_max_suppression"(%[[B]], %[[S]], %[[M]], %[[I]], %[[T]]) {center_point_box = 0 : i64} : (tensor<2x6x4xf32>, tensor<2x3x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
// CHECK: return %[[Y]]
func.func @nms_score_threshold(%b: tensor<2x6x4xf32>, %s: tensor<2x3x6xf32>, %m: tensor<1xi64>, %i: tensor<1xf32>, %t: tensor<1xf32>) -> tensor<?x3xi64> {
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i, %t) {center_point_box = 0 : i64} : (tensor<2x6x4xf32>, tensor<2x3x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// Without the optional score threshold, 0-d thresholds, dynamic dims.
// CHECK-LABEL: func.func @nms_center_point_box
// CHECK: "tg.non_max_suppression"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {center_point_box = 1 : i64} : (tensor<?x?x4xf32>, tensor<?x2x?xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
func.func @nms_center_point_box(%b: tensor<?x?x4xf32>, %s: tensor<?x2x?xf32>, %m: tensor<i64>, %i: tensor<f32>) -> tensor<?x3xi64> {
  %0 = "tg.non_max_suppression"(%b, %s, %m, %i) {center_point_box = 1 : i64} : (tensor<?x?x4xf32>, tensor<?x2x?xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// CHECK-LABEL: func.func @det_batched
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x5x5xf32>)
// CHECK: %[[Y:.*]] = "tg.det"(%[[X]]) : (tensor<2x3x5x5xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @det_batched(%x: tensor<2x3x5x5xf32>) -> tensor<2x3xf32> {
  %0 = "tg.det"(%x) : (tensor<2x3x5x5xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// One matrix: a 0-d result.
// CHECK-LABEL: func.func @det_matrix_f64
// CHECK: "tg.det"(%{{.*}}) : (tensor<?x?xf64>) -> tensor<f64>
func.func @det_matrix_f64(%x: tensor<?x?xf64>) -> tensor<f64> {
  %0 = "tg.det"(%x) : (tensor<?x?xf64>) -> tensor<f64>
  return %0 : tensor<f64>
}

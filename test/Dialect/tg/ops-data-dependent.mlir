// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of the ops whose result sizes depend on the data: those sizes are `?`.

// CHECK-LABEL: func.func @non_zero_f32
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.non_zero"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x?xi64>
// CHECK: return %[[Y]]
func.func @non_zero_f32(%x: tensor<2x3xf32>) -> tensor<2x?xi64> {
  %0 = "tg.non_zero"(%x) : (tensor<2x3xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// A 0-d input gives one row, as onnxruntime does.
// CHECK-LABEL: func.func @non_zero_scalar_bool
// CHECK: "tg.non_zero"(%{{.*}}) : (tensor<i1>) -> tensor<1x?xi64>
func.func @non_zero_scalar_bool(%x: tensor<i1>) -> tensor<1x?xi64> {
  %0 = "tg.non_zero"(%x) : (tensor<i1>) -> tensor<1x?xi64>
  return %0 : tensor<1x?xi64>
}

// CHECK-LABEL: func.func @compress_axis1
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xi32>, %[[C:.*]]: tensor<6xi1>)
// CHECK: "tg.compress"(%[[X]], %[[C]]) {axis = 1 : i64} : (tensor<?x4xi32>, tensor<6xi1>) -> tensor<?x?xi32>
func.func @compress_axis1(%x: tensor<?x4xi32>, %c: tensor<6xi1>) -> tensor<?x?xi32> {
  %0 = "tg.compress"(%x, %c) {axis = 1 : i64} : (tensor<?x4xi32>, tensor<6xi1>) -> tensor<?x?xi32>
  return %0 : tensor<?x?xi32>
}

// CHECK-LABEL: func.func @unique_axis0
// CHECK: "tg.unique"(%{{.*}}) {axis = 0 : i64, sorted = 1 : i64} : (tensor<5x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<5xi64>, tensor<?xi64>)
func.func @unique_axis0(%x: tensor<5x3xf32>) -> tensor<?x3xf32> {
  %y, %indices, %inverse, %counts = "tg.unique"(%x) {axis = 0 : i64, sorted = 1 : i64} : (tensor<5x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<5xi64>, tensor<?xi64>)
  return %y : tensor<?x3xf32>
}

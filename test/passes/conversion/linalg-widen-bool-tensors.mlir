// RUN: polytile-opt %s --split-input-file --linalg-widen-bool-tensors | FileCheck %s

// A comparison producing a bool tensor: the result is stored as i8.
// CHECK-LABEL: func.func @compare
// CHECK-SAME: -> tensor<4xi8>
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<4xi8>
// CHECK: linalg.generic
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[OUT:.*]]: i8):
// CHECK: %[[C:.*]] = arith.cmpf olt, %[[A]], %[[B]] : f32
// CHECK: %[[W:.*]] = arith.extui %[[C]] : i1 to i8
// CHECK: linalg.yield %[[W]] : i8
// CHECK: } -> tensor<4xi8>
func.func @compare(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  %init = tensor.empty() : tensor<4xi1>
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%init : tensor<4xi1>) {
  ^bb0(%x: f32, %y: f32, %o: i1):
    %c = arith.cmpf olt, %x, %y : f32
    linalg.yield %c : i1
  } -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// Reading a bool tensor: the i8 element is truncated back to i1 for the body.
// CHECK-LABEL: func.func @select
// CHECK-SAME: (%[[COND:.*]]: tensor<4xi8>
// CHECK: ^bb0(%[[CB:.*]]: i8, %[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[T:.*]] = arith.trunci %[[CB]] : i8 to i1
// CHECK: arith.select %[[T]], %[[X]], %[[Y]] : f32
func.func @select(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %init = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%cb: i1, %x: f32, %y: f32, %o: f32):
    %s = arith.select %cb, %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Bool constants become i8 constants; fills and extracts convert their scalars.
// CHECK-LABEL: func.func @constants
// CHECK: arith.constant dense<[1, 0, 1]> : tensor<3xi8>
// CHECK: %[[E:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<3xi8>
// CHECK: %[[T:.*]] = arith.trunci %[[E]] : i8 to i1
// CHECK: %[[W:.*]] = arith.extui %[[T]] : i1 to i8
// CHECK: linalg.fill ins(%[[W]] : i8) outs(%{{.*}} : tensor<2xi8>)
func.func @constants(%i: index) -> tensor<2xi1> {
  %cst = arith.constant dense<[true, false, true]> : tensor<3xi1>
  %e = tensor.extract %cst[%i] : tensor<3xi1>
  %init = tensor.empty() : tensor<2xi1>
  %f = linalg.fill ins(%e : i1) outs(%init : tensor<2xi1>) -> tensor<2xi1>
  return %f : tensor<2xi1>
}

// -----

// i4 tensors are stored as i8 too (LLVM packs vectors of i4 in memory):
// read through trunci, written through extui, constants zero-extended.
// CHECK-LABEL: func.func @int4
// CHECK-SAME: (%[[X:.*]]: tensor<3xi8>) -> tensor<3xi8>
// CHECK: arith.constant dense<[1, 14, 7]> : tensor<3xi8>
// CHECK: ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i8, %{{.*}}: i8):
// CHECK-DAG: arith.trunci %[[A]] : i8 to i4
// CHECK-DAG: arith.trunci %[[B]] : i8 to i4
// CHECK: %[[W:.*]] = arith.extui %{{.*}} : i4 to i8
// CHECK: linalg.yield %[[W]] : i8
func.func @int4(%x: tensor<3xi4>) -> tensor<3xi4> {
  %c = arith.constant dense<[1, -2, 7]> : tensor<3xi4>
  %init = tensor.empty() : tensor<3xi4>
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%x, %c : tensor<3xi4>, tensor<3xi4>) outs(%init : tensor<3xi4>) {
  ^bb0(%a: i4, %b: i4, %o: i4):
    %s = arith.addi %a, %b : i4
    linalg.yield %s : i4
  } -> tensor<3xi4>
  return %0 : tensor<3xi4>
}

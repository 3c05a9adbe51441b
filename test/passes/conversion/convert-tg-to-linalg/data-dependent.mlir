// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Data-dependent sizes are counted first (a reduction into a 0-d tensor), and the
// result is a tensor.empty of that size, filled by a walk over the input carrying
// the result and a column counter (one spare column, sliced off).
// CHECK-LABEL: func.func @non_zero
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x?xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]{{.*}} ins(%[[X]] : tensor<2x?xf32>) outs(%{{.*}} : tensor<i64>)
// CHECK: %[[COUNT:.*]] = tensor.extract %[[SUM]][] : tensor<i64>
// CHECK: %[[N:.*]] = arith.index_cast %[[COUNT]] : i64 to index
// CHECK: %[[SPARE:.*]] = arith.addi %[[N]], %{{.*}} : index
// CHECK: %[[INIT:.*]] = tensor.empty(%[[SPARE]]) : tensor<2x?xi64>
// CHECK: %[[WALK:.*]]:2 = scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]], %{{.*}} = %{{.*}}) -> (tensor<2x?xi64>, index)
// CHECK: scf.for
// CHECK: tensor.insert
// CHECK: tensor.insert
// CHECK: %[[Y:.*]] = tensor.extract_slice %[[WALK]]#0[0, 0] [2, %[[N]]] [1, 1]
// CHECK: return %[[Y]]
func.func @non_zero(%x: tensor<2x?xf32>) -> tensor<2x?xi64> {
  %0 = "tg.non_zero"(%x) : (tensor<2x?xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// -----

// Only the first min(6, 4) condition entries count; the kept slices are gathered.
// CHECK-LABEL: func.func @compress
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4xi32>, %[[C:[^:]*]]: tensor<6xi1>)
// CHECK: %[[C4:.*]] = tensor.extract_slice %[[C]][0] [4] [1] : tensor<6xi1> to tensor<4xi1>
// CHECK: %[[N:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: scf.for
// CHECK: %[[KEPT:.*]] = tensor.collapse_shape
// CHECK: %[[INIT:.*]] = tensor.empty(%{{.*}}, %[[N]]) : tensor<?x?xi32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[KEPT]] : tensor<?xi64>) outs(%[[INIT]] : tensor<?x?xi32>)
// CHECK: tensor.extract %[[X]]
// CHECK: return %[[Y]]
func.func @compress(%x: tensor<?x4xi32>, %c: tensor<6xi1>) -> tensor<?x?xi32> {
  %0 = "tg.compress"(%x, %c) {axis = 1 : i64} : (tensor<?x4xi32>, tensor<6xi1>) -> tensor<?x?xi32>
  return %0 : tensor<?x?xi32>
}

// -----

// Slices of several elements (unsigned: compared unsigned): the first differing position
// of each pair, a min-reduction; U, the number of distinct slices, sizes y, indices, counts.
// CHECK-LABEL: func.func @unique_rows
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4x3xi8>)
// CHECK: %[[FIRST:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[X]], %[[X]] : tensor<4x3xi8>, tensor<4x3xi8>)
// CHECK: arith.cmpi ult
// CHECK: arith.minsi
// CHECK: %[[U:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[FOUND:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?xi64>, tensor<?xi64>)
// CHECK: %[[INIT:.*]] = tensor.empty(%[[U]]) : tensor<?x3xi8>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[FOUND]]#0 : tensor<?xi64>) outs(%[[INIT]] : tensor<?x3xi8>)
// CHECK: return %[[Y]], %[[FOUND]]#0, %{{.*}}, %[[FOUND]]#1
func.func @unique_rows(%x: tensor<4x3xui8>) -> (tensor<?x3xui8>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>) {
  %y, %indices, %inverse, %counts = "tg.unique"(%x) {axis = 0 : i64, sorted = 1 : i64} : (tensor<4x3xui8>) -> (tensor<?x3xui8>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %y, %indices, %inverse, %counts : tensor<?x3xui8>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>
}

// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// A reduction is one linalg.generic whose reduced dims are "reduction"
// iterators and whose init (the identity) has the kept dims; keepdims is an
// expand_shape at the end.
// CHECK-LABEL: func.func @reduce_sum_keepdims
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<3xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{{.*}}iterator_types = ["reduction", "parallel", "reduction"]} ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<3xf32>)
// CHECK: arith.addf
// CHECK: %[[R:.*]] = tensor.expand_shape %[[SUM]] {{\[\[}}0, 1, 2]] output_shape [1, 3, 1] : tensor<3xf32> into tensor<1x3x1xf32>
// CHECK: return %[[R]]
func.func @reduce_sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %0 = "tg.reduce_sum"(%x) {axes = array<i64: 0, 2>, keepdims = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// -----

// Unsigned max starts from 0 and compares unsigned.
// CHECK-LABEL: func.func @reduce_max_unsigned
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[ZERO]] : i8)
// CHECK: ^bb0(%[[IN:.*]]: i8, %[[ACC:.*]]: i8):
// CHECK: arith.maxui %[[ACC]], %[[IN]] : i8
func.func @reduce_max_unsigned(%x: tensor<2x3xui8>) -> tensor<2xui8> {
  %0 = "tg.reduce_max"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x3xui8>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}

// -----

// f16 accumulates in f32; the mean divides by the count and rounds once.
// CHECK-LABEL: func.func @reduce_mean_f16
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3xf16>) outs(%{{.*}} : tensor<2xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK: %[[WIDE:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK: arith.addf %[[ACC]], %[[WIDE]] : f32
// CHECK: ^bb0(%[[S:.*]]: f32, %{{.*}}: f16):
// CHECK: %[[N:.*]] = arith.constant 3.000000e+00 : f32
// CHECK: %[[M:.*]] = arith.divf %[[S]], %[[N]] : f32
// CHECK: arith.truncf %[[M]] : f32 to f16
func.func @reduce_mean_f16(%x: tensor<2x3xf16>) -> tensor<2xf16> {
  %0 = "tg.reduce_mean"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<2x3xf16>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// ArgMax carries (best value, its index); a tie takes the later index with
// select_last_index, so the result does not depend on the loop order. NaN is
// the greatest value (as in numpy): two NaNs tie, a NaN beats any number.
// CHECK-LABEL: func.func @arg_max_last
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3xf32>) outs(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[BEST:.*]]: f32, %[[AT:.*]]: i64):
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: %[[EQ:.*]] = arith.cmpf oeq, %[[IN]], %[[BEST]] : f32
// CHECK: %[[IN_NAN:.*]] = arith.cmpf uno, %[[IN]], %[[IN]] : f32
// CHECK: %[[BEST_NAN:.*]] = arith.cmpf uno, %[[BEST]], %[[BEST]] : f32
// CHECK: %[[BOTH_NAN:.*]] = arith.andi %[[IN_NAN]], %[[BEST_NAN]] : i1
// CHECK: %[[SAME:.*]] = arith.ori %[[EQ]], %[[BOTH_NAN]] : i1
// CHECK: %[[LATER:.*]] = arith.cmpi sgt, %[[I64]], %[[AT]] : i64
// CHECK: %[[TIE:.*]] = arith.andi %[[SAME]], %[[LATER]] : i1
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[IN]], %[[BEST]] : f32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[IN]], %[[IN]] : f32
// CHECK: %[[NUM:.*]] = arith.cmpf ord, %[[BEST]], %[[BEST]] : f32
// CHECK: %[[NAN_WINS:.*]] = arith.andi %[[NAN]], %[[NUM]] : i1
// CHECK: %[[MORE:.*]] = arith.ori %[[GT]], %[[NAN_WINS]] : i1
// CHECK: %[[TAKE:.*]] = arith.ori %[[MORE]], %[[TIE]] : i1
// CHECK: return %[[R]]#1
func.func @arg_max_last(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %0 = "tg.arg_max"(%x) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Softmax: the max (kept with size 1 at the axis), exp(x - max) kept with its sum in one
// loop, then the exponentials times the reciprocal of the sum, in place.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: arith.maximumf
// CHECK: %[[ES:.*]]:2 = linalg.generic {{.*}} ins(%[[X]], %[[MAX]] : tensor<2x3xf32>, tensor<2x1xf32>) outs(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<2x1xf32>)
// CHECK: %[[SHIFTED:.*]] = arith.subf
// CHECK: %[[E:.*]] = math.exp %[[SHIFTED]]
// CHECK: %[[S:.*]] = arith.addf %{{.*}}, %[[E]]
// CHECK: linalg.yield %[[E]], %[[S]]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[ES]]#1 : tensor<2x1xf32>) outs(%[[ES]]#0 : tensor<2x3xf32>)
// CHECK: ^bb0(%[[SUM:.*]]: f32, %[[EV:.*]]: f32):
// CHECK: %[[R:.*]] = arith.divf %{{.*}}, %[[SUM]]
// CHECK: arith.mulf %[[EV]], %[[R]]
// CHECK: return %[[Y]]
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.softmax"(%x) {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CumSum: a second loop (d2) over the axis; exclusive keeps j < i.
// CHECK-LABEL: func.func @cum_sum_exclusive
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: ^bb0(%[[IN:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK: %[[J:.*]] = linalg.index 2 : index
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[INSIDE:.*]] = arith.cmpi slt, %[[J]], %[[I]] : index
// CHECK: %[[V:.*]] = arith.select %[[INSIDE]], %[[IN]], %{{.*}} : i32
// CHECK: arith.addi %[[ACC]], %[[V]] : i32
func.func @cum_sum_exclusive(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = "tg.cum_sum"(%x) {axis = 1 : i64, exclusive = 1 : i64, reverse = 0 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// TopK: each element's rank (how many come before it), then output slot j
// gathers the element of rank j and its index.
// CHECK-LABEL: func.func @top_k
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x5xf32>)
// CHECK: %[[RANK:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[X]] : tensor<3x5xf32>, tensor<3x5xf32>) outs(%{{.*}} : tensor<3x5xi64>)
// CHECK: arith.cmpf ogt
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} ins(%[[X]], %[[RANK]] : tensor<3x5xf32>, tensor<3x5xi64>) outs(%{{.*}}, %{{.*}} : tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @top_k(%x: tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0:2 = "tg.top_k"(%x) {axis = 1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

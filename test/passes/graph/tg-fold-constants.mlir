// RUN: polytile-opt %s --split-input-file --tg-fold-constants | FileCheck %s
// RUN: polytile-opt %s --split-input-file --tg-fold-constants='size-limit=4' | FileCheck %s --check-prefix=LIMIT
// RUN: not polytile-opt %s --split-input-file --tg-fold-constants='size-limit=-1' 2>&1 | FileCheck %s --check-prefix=NEG
// RUN: polytile-opt %s --split-input-file --tg-fold-constants='max-bytes=16' | FileCheck %s --check-prefix=BYTES
// RUN: not polytile-opt %s --split-input-file --tg-fold-constants='max-bytes=-1' 2>&1 | FileCheck %s --check-prefix=NEGBYTES

// NEG: error: size-limit must be non-negative
// NEGBYTES: error: max-bytes must be non-negative

// A chain folds in one run, producers first; the constants that fed it stay
// for tg-dce.
// CHECK-LABEL: func.func @chain
// CHECK-NOT: tg.add
// CHECK-NOT: tg.relu
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<{{\[}}[2.000000e+00, 0.000000e+00, 4.000000e+00], [5.000000e+00, 0.000000e+00, 7.000000e+00]]> : tensor<2x3xf32>}
// CHECK: return %[[C]]
// Six elements are over the size limit.
// LIMIT-LABEL: func.func @chain
// LIMIT: "tg.add"
// LIMIT: "tg.relu"
func.func @chain() -> tensor<2x3xf32> {
  %a = "tg.constant"() {value = dense<[[1.0, -2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %b = "tg.constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %0 = "tg.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = "tg.relu"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// A result whose elements are all equal is a splat.
// CHECK-LABEL: func.func @splat
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<6.000000e+00> : tensor<2x2xf32>}
// CHECK: return %[[C]]
func.func @splat() -> tensor<2x2xf32> {
  %a = "tg.constant"() {value = dense<2.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %b = "tg.constant"() {value = dense<3.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "tg.mul"(%a, %b) : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Splats compare bitwise: 0.0 and -0.0 are different elements.
// CHECK-LABEL: func.func @signed_zeros
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<[0.000000e+00, -0.000000e+00]> : tensor<2xf32>}
// CHECK: return %[[C]]
// Two elements are under the size limit.
// LIMIT-LABEL: func.func @signed_zeros
// LIMIT-NOT: tg.mul
// LIMIT: return
func.func @signed_zeros() -> tensor<2xf32> {
  %a = "tg.constant"() {value = dense<[1.0, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %z = "tg.constant"() {value = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "tg.mul"(%a, %z) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// tg.reshape's `shape` attribute is Reshape's second input; matmul maps to MatMul.
// CHECK-LABEL: func.func @reshape_matmul
// CHECK-DAG: %[[R:.*]] = "tg.constant"() {value = dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>}
// CHECK-DAG: %[[M:.*]] = "tg.constant"() {value = dense<{{\[}}[2.200000e+01, 2.800000e+01], [4.900000e+01, 6.400000e+01]]> : tensor<2x2xf32>}
// CHECK-NOT: tg.reshape
// CHECK-NOT: tg.matmul
// CHECK: return %[[R]], %[[M]]
func.func @reshape_matmul() -> (tensor<3x2xf32>, tensor<2x2xf32>) {
  %a = "tg.constant"() {value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %r = "tg.reshape"(%a) {shape = array<i64: 3, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %m = "tg.matmul"(%a, %r) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return %r, %m : tensor<3x2xf32>, tensor<2x2xf32>
}

// -----

// Integer, unsigned and float attributes all reach the reference: Gemm's
// alpha/beta/transB, integer division truncating toward zero, unsigned wrap.
// CHECK-LABEL: func.func @attributes_and_types
// CHECK-DAG: "tg.constant"() {value = dense<{{\[}}[1.500000e+00, 3.500000e+00]]> : tensor<1x2xf32>}
// CHECK-DAG: "tg.constant"() {value = dense<[-3, 3]> : tensor<2xi32>}
// CHECK-DAG: "tg.constant"() {value = dense<[4, 0]> : tensor<2xui8>}
// CHECK-NOT: "tg.gemm"
// CHECK-NOT: "tg.div"
// CHECK-NOT: "tg.add"
func.func @attributes_and_types() -> (tensor<1x2xf32>, tensor<2xi32>, tensor<2xui8>) {
  %a = "tg.constant"() {value = dense<[[1.0, 2.0]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %b = "tg.constant"() {value = dense<[[1.0, 0.0], [1.0, 1.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %c = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %g = "tg.gemm"(%a, %b, %c) {alpha = 1.0 : f32, beta = 0.5 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %n = "tg.constant"() {value = dense<[-7, 7]> : tensor<2xi32>} : () -> tensor<2xi32>
  %d = "tg.constant"() {value = dense<2> : tensor<2xi32>} : () -> tensor<2xi32>
  %q = "tg.div"(%n, %d) : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  %u = "tg.constant"() {value = dense<[1, 253]> : tensor<2xui8>} : () -> tensor<2xui8>
  %v = "tg.constant"() {value = dense<3> : tensor<2xui8>} : () -> tensor<2xui8>
  %w = "tg.add"(%u, %v) : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return %g, %q, %w : tensor<1x2xf32>, tensor<2xi32>, tensor<2xui8>
}

// -----

// Ops with an absent optional operand and window attributes fold as well.
// CHECK-LABEL: func.func @conv_pool
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<4.000000e+00> : tensor<1x1x1x1xf32>}
// CHECK-NOT: "tg.conv"
// CHECK-NOT: "tg.max_pool"
// CHECK: return %[[C]]
func.func @conv_pool() -> tensor<1x1x1x1xf32> {
  %x = "tg.constant"() {value = dense<1.0> : tensor<1x1x3x3xf32>} : () -> tensor<1x1x3x3xf32>
  %w = "tg.constant"() {value = dense<1.0> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %1 = "tg.max_pool"(%0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  return %1 : tensor<1x1x1x1xf32>
}

// -----

// Identity and dropout of constants fold to the constant's value.
// CHECK-LABEL: func.func @forwarding
// CHECK: %[[A:.*]] = "tg.constant"() {value = dense<[true, false]> : tensor<2xi1>}
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<[true, false]> : tensor<2xi1>}
// CHECK: %[[B:.*]] = "tg.constant"() {value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf64>}
// CHECK: %[[D:.*]] = "tg.constant"() {value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf64>}
// CHECK-NOT: tg.identity
// CHECK-NOT: tg.dropout
// CHECK: return %[[C]], %[[D]]
func.func @forwarding() -> (tensor<2xi1>, tensor<2xf64>) {
  %a = "tg.constant"() {value = dense<[true, false]> : tensor<2xi1>} : () -> tensor<2xi1>
  %0 = "tg.identity"(%a) : (tensor<2xi1>) -> tensor<2xi1>
  %b = "tg.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf64>} : () -> tensor<2xf64>
  %1 = "tg.dropout"(%b) : (tensor<2xf64>) -> tensor<2xf64>
  return %0, %1 : tensor<2xi1>, tensor<2xf64>
}

// -----

// An operand that is not a constant blocks folding, downstream too.
// CHECK-LABEL: func.func @not_constant
// CHECK: %[[A:.*]] = "tg.add"
// CHECK: %[[R:.*]] = "tg.relu"(%[[A]])
// CHECK: return %[[R]]
func.func @not_constant(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "tg.add"(%x, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = "tg.relu"(%0) : (tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// -----

// Ops in nested regions fold in place.
// CHECK-LABEL: func.func @nested
// CHECK: scf.if
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<2.000000e+00> : tensor<2xf32>}
// CHECK: scf.yield %[[C]]
func.func @nested(%c: i1) -> tensor<2xf32> {
  %a = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = scf.if %c -> tensor<2xf32> {
    %1 = "tg.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    scf.yield %1 : tensor<2xf32>
  } else {
    scf.yield %a : tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}

// -----

// Splat operands are read element by element, i1 included (past 8 elements,
// numpy's view of an i1 splat in the bindings is wrong).
// CHECK-LABEL: func.func @bool_splat
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<false> : tensor<3x4xi1>}
// CHECK: return %[[C]]
func.func @bool_splat() -> tensor<3x4xi1> {
  %a = "tg.constant"() {value = dense<true> : tensor<3x4xi1>} : () -> tensor<3x4xi1>
  %0 = "tg.not"(%a) : (tensor<3x4xi1>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// -----

// A result over max-bytes (32 bytes > 16), computed from smaller constants,
// stays a run-time op; the default budget (4 MiB) folds it.
// CHECK-LABEL: func.func @over_budget
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<{{\[}}[1.000000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<4x2xf32>}
// CHECK-NOT: tg.expand
// CHECK: return %[[C]]
// BYTES-LABEL: func.func @over_budget
// BYTES: %[[E:.*]] = "tg.expand"
// BYTES: return %[[E]]
func.func @over_budget() -> tensor<4x2xf32> {
  %a = "tg.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "tg.expand"(%a) {shape = array<i64: 4, 2>} : (tensor<2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A result no larger than its largest non-splat constant operand (a weight)
// folds whatever the budget.
// CHECK-LABEL: func.func @weight_sized
// CHECK-NOT: tg.transpose
// BYTES-LABEL: func.func @weight_sized
// BYTES: %[[C:.*]] = "tg.constant"() {value = dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>}
// BYTES-NOT: tg.transpose
// BYTES: return %[[C]]
func.func @weight_sized() -> tensor<2x4xf32> {
  %w = "tg.constant"() {value = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>} : () -> tensor<4x2xf32>
  %0 = "tg.transpose"(%w) {perm = array<i64: 1, 0>} : (tensor<4x2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// A splat operand is expanded to be evaluated (a matmul is not element-wise):
// its 64 bytes count against the budget like a result's.
// CHECK-LABEL: func.func @splat_operand_over_budget
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<1.000000e+01> : tensor<4x1xf32>}
// CHECK-NOT: tg.matmul
// CHECK: return %[[C]]
// BYTES-LABEL: func.func @splat_operand_over_budget
// BYTES: %[[M:.*]] = "tg.matmul"
// BYTES: return %[[M]]
func.func @splat_operand_over_budget() -> tensor<4x1xf32> {
  %s = "tg.constant"() {value = dense<1.0> : tensor<4x4xf32>} : () -> tensor<4x4xf32>
  %w = "tg.constant"() {value = dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>} : () -> tensor<4x1xf32>
  %0 = "tg.matmul"(%s, %w) : (tensor<4x4xf32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

// Reductions of a splat fold in closed form without expanding it (149 GiB
// here), whatever the budget: sum c*n (exact), max c, mean c, l2 |c|*sqrt(n);
// an integer sum wraps as a loop's would (15 * 100 = 1500 = -36 in i8).
// CHECK-LABEL: func.func @splat_reductions
// CHECK-DAG: %[[S:.*]] = "tg.constant"() {value = dense<-8.000000e+10> : tensor<f32>}
// CHECK-DAG: %[[X:.*]] = "tg.constant"() {value = dense<-2.000000e+00> : tensor<200000xf32>}
// CHECK-DAG: %[[M:.*]] = "tg.constant"() {value = dense<-2.000000e+00> : tensor<200000x1xf32>}
// CHECK-DAG: %[[L:.*]] = "tg.constant"() {value = dense<894.427185> : tensor<200000xf32>}
// CHECK-DAG: %[[I:.*]] = "tg.constant"() {value = dense<-36> : tensor<i8>}
// CHECK-NOT: tg.reduce
// CHECK: return %[[S]], %[[X]], %[[M]], %[[L]], %[[I]]
// BYTES-LABEL: func.func @splat_reductions
// BYTES-NOT: tg.reduce
// BYTES: return
func.func @splat_reductions() -> (tensor<f32>, tensor<200000xf32>, tensor<200000x1xf32>, tensor<200000xf32>, tensor<i8>) {
  %a = "tg.constant"() {value = dense<-2.0> : tensor<200000x200000xf32>} : () -> tensor<200000x200000xf32>
  %0 = "tg.reduce_sum"(%a) {axes = array<i64: 0, 1>, keepdims = 0 : i64} : (tensor<200000x200000xf32>) -> tensor<f32>
  %1 = "tg.reduce_max"(%a) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<200000x200000xf32>) -> tensor<200000xf32>
  %2 = "tg.reduce_mean"(%a) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<200000x200000xf32>) -> tensor<200000x1xf32>
  %3 = "tg.reduce_l2"(%a) {axes = array<i64: 0>, keepdims = 0 : i64} : (tensor<200000x200000xf32>) -> tensor<200000xf32>
  %b = "tg.constant"() {value = dense<100> : tensor<3x5xi8>} : () -> tensor<3x5xi8>
  %4 = "tg.reduce_sum"(%b) {axes = array<i64: 0, 1>, keepdims = 0 : i64} : (tensor<3x5xi8>) -> tensor<i8>
  return %0, %1, %2, %3, %4 : tensor<f32>, tensor<200000xf32>, tensor<200000x1xf32>, tensor<200000xf32>, tensor<i8>
}

// -----

// Element-wise ops on splats are evaluated on one element; shape ops of a
// splat are the splat of their result type: nothing is expanded.
// CHECK-LABEL: func.func @splat_elementwise_and_shapes
// CHECK-DAG: %[[C:.*]] = "tg.constant"() {value = dense<1.000000e+00> : tensor<200000x200000xf32>}
// CHECK-DAG: %[[W:.*]] = "tg.constant"() {value = dense<4> : tensor<200000x200000xi32>}
// CHECK-DAG: %[[E:.*]] = "tg.constant"() {value = dense<5.000000e-01> : tensor<3x200000x200000xf32>}
// CHECK-DAG: %[[T:.*]] = "tg.constant"() {value = dense<5.000000e-01> : tensor<1x200000xf32>}
// CHECK-NOT: tg.cos
// CHECK-NOT: tg.where
// CHECK-NOT: tg.expand
// CHECK-NOT: tg.transpose
// CHECK: return %[[C]], %[[W]], %[[E]], %[[T]]
// BYTES-LABEL: func.func @splat_elementwise_and_shapes
// BYTES-NOT: tg.cos
// BYTES: return
func.func @splat_elementwise_and_shapes() -> (tensor<200000x200000xf32>, tensor<200000x200000xi32>, tensor<3x200000x200000xf32>, tensor<1x200000xf32>) {
  %z = "tg.constant"() {value = dense<0.0> : tensor<200000x200000xf32>} : () -> tensor<200000x200000xf32>
  %0 = "tg.cos"(%z) : (tensor<200000x200000xf32>) -> tensor<200000x200000xf32>
  %t = "tg.constant"() {value = dense<false> : tensor<200000x1xi1>} : () -> tensor<200000x1xi1>
  %x = "tg.constant"() {value = dense<3> : tensor<200000x200000xi32>} : () -> tensor<200000x200000xi32>
  %y = "tg.constant"() {value = dense<4> : tensor<200000xi32>} : () -> tensor<200000xi32>
  %1 = "tg.where"(%t, %x, %y) : (tensor<200000x1xi1>, tensor<200000x200000xi32>, tensor<200000xi32>) -> tensor<200000x200000xi32>
  %h = "tg.constant"() {value = dense<0.5> : tensor<200000x1xf32>} : () -> tensor<200000x1xf32>
  %2 = "tg.expand"(%h) {shape = array<i64: 3, 200000, 200000>} : (tensor<200000x1xf32>) -> tensor<3x200000x200000xf32>
  %3 = "tg.transpose"(%h) {perm = array<i64: 1, 0>} : (tensor<200000x1xf32>) -> tensor<1x200000xf32>
  return %0, %1, %2, %3 : tensor<200000x200000xf32>, tensor<200000x200000xi32>, tensor<3x200000x200000xf32>, tensor<1x200000xf32>
}

// -----

// A 0-d result folds to a 0-d constant.
// CHECK-LABEL: func.func @scalar_result
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<6.500000e+00> : tensor<f32>}
// CHECK-NOT: tg.reduce_sum
// CHECK: return %[[C]]
func.func @scalar_result() -> tensor<f32> {
  %a = "tg.constant"() {value = dense<[1.0, 2.0, 3.5]> : tensor<3xf32>} : () -> tensor<3xf32>
  %0 = "tg.reduce_sum"(%a) {axes = array<i64: 0>, keepdims = 0 : i64} : (tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// The ops whose ONNX op type the fold table once spelled under a name that is no
// tg op (argmax, argmin, topk, cumsum, bitshift), each declared with its type rule
// now: every one folds.
// CHECK-LABEL: func.func @arg_max
// CHECK-NOT: tg.arg_max
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<[1, 0]> : tensor<2xi64>}
// CHECK: return %[[C]]
func.func @arg_max() -> tensor<2xi64> {
  %a = "tg.constant"() {value = dense<[[1.0, 5.0, 3.0], [7.0, 2.0, 0.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %0 = "tg.arg_max"(%a) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @arg_min_last_index
// CHECK-NOT: tg.arg_min
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<{{\[}}[2], [1]]> : tensor<2x1xi64>}
// CHECK: return %[[C]]
func.func @arg_min_last_index() -> tensor<2x1xi64> {
  %a = "tg.constant"() {value = dense<[[1.0, 5.0, 1.0], [0.0, 0.0, 7.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %0 = "tg.arg_min"(%a) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// Both results of a two-result op fold.
// CHECK-LABEL: func.func @top_k
// CHECK-NOT: tg.top_k
// CHECK-DAG: %[[V:.*]] = "tg.constant"() {value = dense<[5.000000e+00, 3.000000e+00]> : tensor<2xf32>}
// CHECK-DAG: %[[I:.*]] = "tg.constant"() {value = dense<[1, 2]> : tensor<2xi64>}
// CHECK: return %[[V]], %[[I]]
func.func @top_k() -> (tensor<2xf32>, tensor<2xi64>) {
  %a = "tg.constant"() {value = dense<[1.0, 5.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %0, %1 = "tg.top_k"(%a) {axis = 0 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3xf32>) -> (tensor<2xf32>, tensor<2xi64>)
  return %0, %1 : tensor<2xf32>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @cum_sum_exclusive_reverse
// CHECK-NOT: tg.cum_sum
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<[8.000000e+00, 3.000000e+00, 0.000000e+00]> : tensor<3xf32>}
// CHECK: return %[[C]]
func.func @cum_sum_exclusive_reverse() -> tensor<3xf32> {
  %a = "tg.constant"() {value = dense<[1.0, 5.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %0 = "tg.cum_sum"(%a) {axis = 0 : i64, exclusive = 1 : i64, reverse = 1 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @bit_shift_right
// CHECK-NOT: tg.bit_shift
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<[4, 5, 31]> : tensor<3xui8>}
// CHECK: return %[[C]]
func.func @bit_shift_right() -> tensor<3xui8> {
  %a = "tg.constant"() {value = dense<[8, 20, 255]> : tensor<3xui8>} : () -> tensor<3xui8>
  %b = "tg.constant"() {value = dense<[1, 2, 3]> : tensor<3xui8>} : () -> tensor<3xui8>
  %0 = "tg.bit_shift"(%a, %b) {direction = "RIGHT"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %0 : tensor<3xui8>
}

// -----

// ONNX op types newer than the importer's opset (Swish: 24, CumProd: 26) are
// evaluated at their first opset.
// CHECK-LABEL: func.func @swish
// CHECK-NOT: tg.swish
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<[0.731058597, -0.238405868]> : tensor<2xf32>}
// CHECK: return %[[C]]
func.func @swish() -> tensor<2xf32> {
  %a = "tg.constant"() {value = dense<[1.0, -2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "tg.swish"(%a) {alpha = 1.0 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @cum_prod
// CHECK-NOT: tg.cum_prod
// CHECK: %[[C:.*]] = "tg.constant"() {value = dense<[1.000000e+00, 5.000000e+00, 1.500000e+01]> : tensor<3xf32>}
// CHECK: return %[[C]]
func.func @cum_prod() -> tensor<3xf32> {
  %a = "tg.constant"() {value = dense<[1.0, 5.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %0 = "tg.cum_prod"(%a) {axis = 0 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Ops declared fold=NO_FOLD stay.
// CHECK-LABEL: func.func @group_normalization_stays
// CHECK: "tg.group_normalization"
func.func @group_normalization_stays() -> tensor<1x2x2xf32> {
  %x = "tg.constant"() {value = dense<[[[1.0, 2.0], [3.0, 5.0]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32>
  %s = "tg.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %b = "tg.constant"() {value = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "tg.group_normalization"(%x, %s, %b) {epsilon = 1.0e-05 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<1x2x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2xf32>
  return %0 : tensor<1x2x2xf32>
}

// -----

// The run-time forms of trilu and expand (k_input, shape_input) are left alone
// even when every operand is constant: their empty/ignored attributes must not
// stand for ONNX's k or shape.
// CHECK-LABEL: func.func @runtime_operand_forms
// CHECK: "tg.trilu"
// CHECK: "tg.expand"
func.func @runtime_operand_forms() -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %x = "tg.constant"() {value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %k = "tg.constant"() {value = dense<1> : tensor<i64>} : () -> tensor<i64>
  %s = "tg.constant"() {value = dense<[2, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = "tg.trilu"(%x, %k) {k = 0 : i64, upper = 1 : i64} : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  %1 = "tg.expand"(%x, %s) {shape = array<i64>} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

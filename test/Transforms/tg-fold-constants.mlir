// RUN: polytile-opt %s --split-input-file --tg-fold-constants | FileCheck %s
// RUN: polytile-opt %s --split-input-file --tg-fold-constants='size-limit=4' | FileCheck %s --check-prefix=LIMIT
// RUN: not polytile-opt %s --split-input-file --tg-fold-constants='size-limit=-1' 2>&1 | FileCheck %s --check-prefix=NEG

// NEG: error: size-limit must be non-negative

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

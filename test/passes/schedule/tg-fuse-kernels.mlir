// RUN: polytile-opt %s --split-input-file --tg-fuse-kernels | FileCheck %s
// RUN: polytile-opt %s --split-input-file --tg-fuse-kernels='max-ops=3' | FileCheck %s --check-prefix=MAX
// Idempotent: a second run changes nothing.
// RUN: polytile-opt %s --split-input-file --tg-fuse-kernels > %t.once
// RUN: polytile-opt %t.once --split-input-file --tg-fuse-kernels > %t.twice
// RUN: diff %t.once %t.twice
// RUN: not polytile-opt %s --split-input-file --tg-fuse-kernels='max-ops=-1' 2>&1 | FileCheck %s --check-prefix=NEG
// RUN: not polytile-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tg-fuse-kernels))' 2>&1 | FileCheck %s --check-prefix=NESTED
// NEG: error: max-ops must be >= 0, got -1
// NESTED: error: tg-fuse-kernels runs on a module (it adds kernel functions)

// Contraction: the conv absorbs its epilogue; the broadcast bias (a non-splat
// constant) stays a tg.constant in the graph and is passed as an argument.
// CHECK-LABEL: func.func private @conv_add_relu_0
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4x1x1xf32>) -> tensor<1x4x6x6xf32> attributes {tg.kernel = "contraction"}
// CHECK-NEXT: %[[C:.*]] = "tg.conv"(%[[X]], %[[W]]) {{.*}}tg.anchor}
// CHECK-NEXT: %[[A:.*]] = "tg.add"(%[[C]], %[[B]]) : (tensor<1x4x6x6xf32>, tensor<4x1x1xf32>)
// CHECK-NEXT: %[[R:.*]] = "tg.relu"(%[[A]])
// CHECK-NEXT: return %[[R]]
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK-SAME: (%[[GX:.*]]: tensor<1x3x8x8xf32>, %[[GW:.*]]: tensor<4x3x3x3xf32>)
// CHECK-NEXT: %[[GB:.*]] = "tg.constant"() {value = dense<{{.*}}> : tensor<4x1x1xf32>}
// CHECK-NEXT: %[[Y:.*]] = call @conv_add_relu_0(%[[GX]], %[[GW]], %[[GB]])
// CHECK-NEXT: return %[[Y]]
func.func @conv_bias_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %b = "tg.constant"() {value = dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]> : tensor<4x1x1xf32>} : () -> tensor<4x1x1xf32>
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  %1 = "tg.add"(%0, %b) : (tensor<1x4x6x6xf32>, tensor<4x1x1xf32>) -> tensor<1x4x6x6xf32>
  %2 = "tg.relu"(%1) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %2 : tensor<1x4x6x6xf32>
}

// -----

// Contraction with a DAG epilogue (GELU): the bias add has two uses, both inside
// the kernel. Splat constants are cloned into the kernel and erased when unused.
// CHECK-LABEL: func.func private @matmul_add_div_erf_add_mul_0
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x16xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK-DAG: %[[SQRT2:.*]] = "tg.constant"() {value = dense<1.41421354> : tensor<f32>}
// CHECK-DAG: %[[ONE:.*]] = "tg.constant"() {value = dense<1.000000e+00> : tensor<f32>}
// CHECK: %[[M:.*]] = "tg.matmul"(%[[X]], %[[W]]) {tg.anchor}
// CHECK-NEXT: %[[A:.*]] = "tg.add"(%[[B]], %[[M]])
// CHECK-NEXT: %[[D:.*]] = "tg.div"(%[[A]], %[[SQRT2]])
// CHECK-NEXT: %[[E:.*]] = "tg.erf"(%[[D]])
// CHECK-NEXT: %[[A1:.*]] = "tg.add"(%[[E]], %[[ONE]])
// CHECK-NEXT: %[[R:.*]] = "tg.mul"(%[[A]], %[[A1]])
// CHECK-NEXT: return %[[R]]
// CHECK-LABEL: func.func @matmul_gelu
// CHECK-SAME: (%[[GX:.*]]: tensor<4x8xf32>, %[[GW:.*]]: tensor<8x16xf32>, %[[GB:.*]]: tensor<16xf32>)
// CHECK-NEXT: %[[Y:.*]] = call @matmul_add_div_erf_add_mul_0(%[[GX]], %[[GW]], %[[GB]])
// CHECK-NEXT: return %[[Y]]
// With max-ops=3 the contraction stops at the last closed group, before the div
// (the add is also used by the mul); the rest splits into kernels of <= 3 ops.
// MAX-LABEL: func.func private @matmul_add_0
// MAX-LABEL: func.func private @div_erf_add_1
// MAX-LABEL: func.func private @mul_2
// MAX-LABEL: func.func @matmul_gelu
// MAX-NEXT: %[[T0:.*]] = call @matmul_add_0(
// MAX-NEXT: %[[T1:.*]] = call @div_erf_add_1(%[[T0]])
// MAX-NEXT: %[[T2:.*]] = call @mul_2(%[[T0]], %[[T1]])
// MAX-NEXT: return %[[T2]]
func.func @matmul_gelu(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = "tg.matmul"(%x, %w) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = "tg.add"(%b, %0) : (tensor<16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %c = "tg.constant"() {value = dense<1.41421354> : tensor<f32>} : () -> tensor<f32>
  %2 = "tg.div"(%1, %c) : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %3 = "tg.erf"(%2) : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %one = "tg.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %4 = "tg.add"(%3, %one) : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %5 = "tg.mul"(%1, %4) : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %5 : tensor<4x16xf32>
}

// -----

// Residual block: conv + add(residual input) + relu; the residual is an argument.
// CHECK-LABEL: func.func private @conv_add_relu_0
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x6x6xf32>, %[[W:.*]]: tensor<4x4x1x1xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[C:.*]] = "tg.conv"(%[[X]], %[[W]], %[[B]]) {{.*}}tg.anchor}
// CHECK-NEXT: %[[A:.*]] = "tg.add"(%[[C]], %[[X]])
// CHECK-NEXT: %[[R:.*]] = "tg.relu"(%[[A]])
// CHECK-NEXT: return %[[R]]
// CHECK-LABEL: func.func @residual
// CHECK-SAME: (%[[GX:.*]]: tensor<1x4x6x6xf32>, %[[GW:.*]]: tensor<4x4x1x1xf32>, %[[GB:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[Y:.*]] = call @conv_add_relu_0(%[[GX]], %[[GW]], %[[GB]])
// CHECK-NEXT: return %[[Y]]
func.func @residual(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>, %bias: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %0 = "tg.conv"(%x, %w, %bias) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  %1 = "tg.add"(%0, %x) : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %2 = "tg.relu"(%1) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %2 : tensor<1x4x6x6xf32>
}

// -----

// The matmul result is also used by a transpose: the relu must not be fused
// (it becomes an element-wise kernel); the transpose is an opaque kernel.
// CHECK-LABEL: func.func private @matmul_0
// CHECK-SAME: attributes {tg.kernel = "contraction"}
// CHECK-NEXT: "tg.matmul"
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @relu_1
// CHECK-SAME: attributes {tg.kernel = "elementwise"}
// CHECK-NEXT: "tg.relu"(%{{.*}}) {tg.anchor}
// CHECK-LABEL: func.func private @transpose_2
// CHECK-SAME: attributes {tg.kernel = "opaque"}
// CHECK-NEXT: "tg.transpose"(%{{.*}}) {perm = array<i64: 1, 0>, tg.anchor}
// CHECK-LABEL: func.func @multi_use
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x16xf32>)
// CHECK-NEXT: %[[M:.*]] = call @matmul_0(%[[X]], %[[W]])
// CHECK-NEXT: %[[R:.*]] = call @relu_1(%[[M]])
// CHECK-NEXT: %[[T:.*]] = call @transpose_2(%[[M]])
// CHECK-NEXT: return %[[R]], %[[T]]
func.func @multi_use(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> (tensor<4x16xf32>, tensor<16x4xf32>) {
  %0 = "tg.matmul"(%x, %w) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = "tg.relu"(%0) : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %2 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<4x16xf32>) -> tensor<16x4xf32>
  return %1, %2 : tensor<4x16xf32>, tensor<16x4xf32>
}

// -----

// Reduction: softmax takes its element-wise producer (broadcast mask add) and
// its element-wise consumer.
// CHECK-LABEL: func.func private @add_softmax_log_0
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[MASK:.*]]: tensor<8xf32>) -> tensor<2x8xf32> attributes {tg.kernel = "reduction"}
// CHECK-NEXT: %[[A:.*]] = "tg.add"(%[[X]], %[[MASK]])
// CHECK-NEXT: %[[S:.*]] = "tg.softmax"(%[[A]]) {axes = array<i64: 1>, tg.anchor}
// CHECK-NEXT: %[[L:.*]] = "tg.log"(%[[S]])
// CHECK-NEXT: return %[[L]]
// CHECK-LABEL: func.func @softmax
// CHECK-NEXT: call @add_softmax_log_0
func.func @softmax(%x: tensor<2x8xf32>, %mask: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = "tg.add"(%x, %mask) : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %1 = "tg.softmax"(%0) {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = "tg.log"(%1) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %2 : tensor<2x8xf32>
}

// -----

// A multi-result reduction anchor: the kernel returns its last op's result,
// then the anchor's mean, which is used outside.
// CHECK-LABEL: func.func private @add_layer_normalization_relu_0
// CHECK-SAME: -> (tensor<2x8xf32>, tensor<2x1xf32>) attributes {tg.kernel = "reduction"}
// CHECK: %[[N:.*]]:3 = "tg.layer_normalization"({{.*}}tg.anchor}
// CHECK-NEXT: %[[R:.*]] = "tg.relu"(%[[N]]#0)
// CHECK-NEXT: return %[[R]], %[[N]]#1
// CHECK-LABEL: func.func @layernorm
// CHECK-NEXT: %[[K:.*]]:2 = call @add_layer_normalization_relu_0
// CHECK-NEXT: return %[[K]]#0, %[[K]]#1
func.func @layernorm(%x: tensor<2x8xf32>, %y: tensor<2x8xf32>, %s: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>) {
  %0 = "tg.add"(%x, %y) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1:3 = "tg.layer_normalization"(%0, %s) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<2x8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  %2 = "tg.relu"(%1#0) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %2, %1#1 : tensor<2x8xf32>, tensor<2x1xf32>
}

// -----

// Element-wise ops group by result shape: the small exp feeding a broadcast
// stays alone; sub, abs and mul (sub used twice, both inside) form one kernel.
// CHECK-LABEL: func.func private @exp_0
// CHECK-SAME: (%[[Y:.*]]: tensor<8xf32>) -> tensor<8xf32> attributes {tg.kernel = "elementwise"}
// CHECK-NEXT: "tg.exp"(%[[Y]]) {tg.anchor}
// CHECK-LABEL: func.func private @sub_abs_mul_1
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[E:.*]]: tensor<8xf32>) -> tensor<2x8xf32> attributes {tg.kernel = "elementwise"}
// CHECK-NEXT: %[[S:.*]] = "tg.sub"(%[[X]], %[[E]]) :
// CHECK-NEXT: %[[A:.*]] = "tg.abs"(%[[S]]) :
// CHECK-NEXT: %[[M:.*]] = "tg.mul"(%[[A]], %[[S]]) {tg.anchor}
// CHECK-NEXT: return %[[M]]
// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[GX:.*]]: tensor<2x8xf32>, %[[GY:.*]]: tensor<8xf32>)
// CHECK-NEXT: %[[GE:.*]] = call @exp_0(%[[GY]])
// CHECK-NEXT: %[[R:.*]] = call @sub_abs_mul_1(%[[GX]], %[[GE]])
// CHECK-NEXT: return %[[R]]
func.func @elementwise(%x: tensor<2x8xf32>, %y: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = "tg.exp"(%y) : (tensor<8xf32>) -> tensor<8xf32>
  %1 = "tg.sub"(%x, %0) : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %2 = "tg.abs"(%1) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = "tg.mul"(%2, %1) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %3 : tensor<2x8xf32>
}

// -----

// Layout ops are opaque one-op kernels; reshape stays in the graph function.
// CHECK-LABEL: func.func private @transpose_0
// CHECK-SAME: attributes {tg.kernel = "opaque"}
// CHECK-LABEL: func.func private @sigmoid_1
// CHECK-LABEL: func.func @opaque_and_free
// CHECK-NEXT: %[[T:.*]] = call @transpose_0(
// CHECK-NEXT: %[[R:.*]] = "tg.reshape"(%[[T]])
// CHECK-NEXT: %[[S:.*]] = call @sigmoid_1(%[[R]])
// CHECK-NEXT: return %[[S]]
func.func @opaque_and_free(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = "tg.reshape"(%0) {shape = array<i64: 4, 6>} : (tensor<4x2x3xf32>) -> tensor<4x6xf32>
  %2 = "tg.sigmoid"(%1) : (tensor<4x6xf32>) -> tensor<4x6xf32>
  return %2 : tensor<4x6xf32>
}

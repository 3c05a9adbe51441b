// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(sched-default{threads=2 vector-bits=512})' | FileCheck %s
// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(sched-default{threads=1 vector-bits=256})' | FileCheck %s --check-prefix=AVX2

// A matmul kernel gets the register-blocked schedule: B packed in strips of two
// vector registers, 8 x nr register tiles, k step 4, epilogue fused.
// CHECK-LABEL: func.func private @matmul_add_relu_0
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "matmul_add_relu_0"}
// CHECK-NEXT: "sched.pack"(%[[K]]) {operand = 1 : i64, tiles = array<i64: 32>}
// CHECK-NEXT: "sched.interchange"(%[[K]]) {permutation = array<i64: 1, 0, 2>}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 8, 32, 0>}
// CHECK-NEXT: "sched.parallel"(%[[K]]) {dims = array<i64: 1>, threads = 2 : i64}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 8, 32, 4>}
// CHECK-NEXT: "sched.fuse"(%[[K]]) {consumers = true, producers = array<i64>}
// CHECK-NEXT: "sched.vectorize"(%[[K]]) {width = 16 : i64}
// AVX2-LABEL: func.func private @matmul_add_relu_0
// AVX2: "sched.pack"(%{{.*}}) {operand = 1 : i64, tiles = array<i64: 16>}
// AVX2: "sched.tile"(%{{.*}}) {sizes = array<i64: 8, 16, 4>}
// AVX2: "sched.vectorize"(%{{.*}}) {width = 8 : i64}
func.func private @matmul_add_relu_0(%a: tensor<64x784xf32>, %b: tensor<784x1024xf32>, %c: tensor<1024xf32>) -> tensor<64x1024xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x784xf32>, tensor<784x1024xf32>) -> tensor<64x1024xf32>
  %1 = "tg.add"(%0, %c) : (tensor<64x1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32>
  %2 = "tg.relu"(%1) : (tensor<64x1024xf32>) -> tensor<64x1024xf32>
  return %2 : tensor<64x1024xf32>
}

// -----

// Row count 12: the register tile takes the largest divisor of M up to 8 (6);
// K odd: the k step is 1. A batched matmul gets a batch tile of 1.
// CHECK-LABEL: func.func private @matmul_1
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "matmul_1"}
// CHECK: "sched.interchange"(%[[K]]) {permutation = array<i64: 0, 2, 1, 3>}
// CHECK: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 6, 32, 1>}
func.func private @matmul_1(%a: tensor<3x12x5xf32>, %b: tensor<3x5x64xf32>) -> tensor<3x12x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<3x12x5xf32>, tensor<3x5x64xf32>) -> tensor<3x12x64xf32>
  return %0 : tensor<3x12x64xf32>
}

// -----

// No register tile divides N = 10, integer products and kernels of other kinds
// keep the plain lowering: no schedule.
// CHECK-LABEL: func.func private @gemm_2
// CHECK-LABEL: func.func private @matmul_3
// CHECK-LABEL: func.func private @relu_4
// CHECK-NOT: sched.kernel
func.func private @gemm_2(%a: tensor<64x32xf32>, %b: tensor<10x32xf32>) -> tensor<64x10xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.gemm"(%a, %b) {tg.anchor, alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : si64, transB = 1 : si64} : (tensor<64x32xf32>, tensor<10x32xf32>) -> tensor<64x10xf32>
  return %0 : tensor<64x10xf32>
}
func.func private @matmul_3(%a: tensor<8x8xi32>, %b: tensor<8x32xi32>) -> tensor<8x32xi32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<8x8xi32>, tensor<8x32xi32>) -> tensor<8x32xi32>
  return %0 : tensor<8x32xi32>
}
func.func private @relu_4(%a: tensor<8x32xf32>) -> tensor<8x32xf32> attributes {tg.kernel = "elementwise"} {
  %0 = "tg.relu"(%a) {tg.anchor} : (tensor<8x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}

// -----

// A kernel that already has a schedule (hand-written) keeps it.
// CHECK-LABEL: func.func private @matmul_5
// CHECK: "sched.kernel"() {name = "matmul_5"}
// CHECK-NEXT: "sched.tile"(%{{.*}}) {sizes = array<i64: 4, 16, 2>}
// CHECK-NOT: sched.kernel
func.func private @matmul_5(%a: tensor<8x8xf32>, %b: tensor<8x32xf32>) -> tensor<8x32xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<8x8xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}
%k = "sched.kernel"() {name = "matmul_5"} : () -> !sched.handle
"sched.tile"(%k) {sizes = array<i64: 4, 16, 2>} : (!sched.handle) -> ()

// RUN: polytile-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(sched-verify{target=cuda})' | FileCheck %s

// sched-verify{target=cuda}: the CUDA target carries out sched.gpu_map (on matmul,
// gemm and conv kernels, at most as many mapped dims as parallel loops) and nothing else.

// CHECK-LABEL: func.func private @mm
// CHECK: "sched.gpu_map"(%{{.*}}) {blocks = array<i64: 4, 2>, threads = array<i64: 32, 8>}
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.gpu_map"(%k) {blocks = array<i64: 4, 2>, threads = array<i64: 32, 8>} : (!sched.handle) -> ()

// -----

// CPU steps are errors on cuda.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{'sched.pack' is not supported on target cuda (only sched.gpu_map is applied there)}}
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
// expected-error@+1 {{'sched.tile' is not supported on target cuda}}
"sched.tile"(%k) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()
// expected-error@+1 {{'sched.vectorize' is not supported on target cuda}}
"sched.vectorize"(%k) {width = 16 : i64} : (!sched.handle) -> ()

// -----

// gpu_map maps at most as many loops as the kernel has parallel loops (m, n).
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{gpu_map maps 3 loops, but kernel 'mm' has 2 parallel loops}}
"sched.gpu_map"(%k) {blocks = array<i64: 2, 2, 2>, threads = array<i64: 8, 8, 8>} : (!sched.handle) -> ()

// -----

// Element-wise kernels (fused into their consumers, losing the anchor) take no gpu_map.
func.func private @ew(%x: tensor<8x32xf32>) -> tensor<8x32xf32> attributes {tg.kernel = "elementwise"} {
  %0 = "tg.relu"(%x) {tg.anchor} : (tensor<8x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}
%k = "sched.kernel"() {name = "ew"} : () -> !sched.handle
// expected-error@+1 {{'sched.gpu_map' is only applied to matmul, gemm and conv kernels, not to a 'tg.relu' kernel}}
"sched.gpu_map"(%k) {blocks = array<i64: 2>, threads = array<i64: 32>} : (!sched.handle) -> ()

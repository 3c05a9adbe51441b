// RUN: polytile-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(sched-apply{target=cuda})' | FileCheck %s

// sched-apply{target=cuda}: a kernel's gpu_map tiles its anchor (the linalg op tagged
// sched.plain_anchor by convert-tg-to-linalg) into an scf.forall mapped to GPU blocks
// holding one mapped to threads; its innermost parallel loops are mapped, x innermost.
// gpu-launch-parallel-loops launches these foralls with exactly those sizes.

// Loops (m 32, n 128, k 64); blocks [3, 2] and threads [16, 4]: n (x) in 3 block
// chunks of 16 threads, m (y) in 2 block chunks of 4 threads.
// CHECK-LABEL: func.func @matmul
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (2, 3)
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (4, 16)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
// CHECK: } {mapping = [#gpu.block<y>, #gpu.block<x>], sched.gpu_map}
// CHECK-NOT: sched.plain_anchor
// CHECK-NOT: sched.kernel
func.func @matmul(%a: tensor<32x64xf32>, %b: tensor<64x128xf32>, %c: tensor<32x128xf32>) -> tensor<32x128xf32> {
  %r = linalg.matmul {sched.plain_anchor = "mm"} ins(%a, %b : tensor<32x64xf32>, tensor<64x128xf32>) outs(%c : tensor<32x128xf32>) -> tensor<32x128xf32>
  return %r : tensor<32x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.gpu_map"(%k) {blocks = array<i64: 3, 2>, threads = array<i64: 16, 4>} : (!sched.handle) -> ()

// -----

// A convolution (loops n, f, oh, ow, c, kh, kw) with 3-d maps: ow is x, oh y, f z.
// CHECK-LABEL: func.func @conv
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (2, 3, 1)
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (4, 2, 8)
// CHECK: } {mapping = [#gpu.thread<z>, #gpu.thread<y>, #gpu.thread<x>]}
// CHECK: } {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>], sched.gpu_map}
func.func @conv(%x: tensor<1x3x10x10xf32>, %w: tensor<8x3x3x3xf32>, %o: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %r = linalg.conv_2d_nchw_fchw {sched.plain_anchor = "cv", dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x3x10x10xf32>, tensor<8x3x3x3xf32>) outs(%o : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %r : tensor<1x8x8x8xf32>
}
%k = "sched.kernel"() {name = "cv"} : () -> !sched.handle
"sched.gpu_map"(%k) {blocks = array<i64: 1, 3, 2>, threads = array<i64: 8, 2, 4>} : (!sched.handle) -> ()

// -----

// A kernel without gpu_map keeps its op (the default mapping); the sched ops go.
// CHECK-LABEL: func.func @unmapped
// CHECK-NOT: scf.forall
// CHECK: linalg.matmul ins
// CHECK-NOT: sched.
func.func @unmapped(%a: tensor<32x64xf32>, %b: tensor<64x128xf32>, %c: tensor<32x128xf32>) -> tensor<32x128xf32> {
  %r = linalg.matmul {sched.plain_anchor = "mm"} ins(%a, %b : tensor<32x64xf32>, tensor<64x128xf32>) outs(%c : tensor<32x128xf32>) -> tensor<32x128xf32>
  return %r : tensor<32x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle

// -----

// A gpu_map whose kernel anchor is not found (no tagged op) is an error at the step.
func.func @lost(%a: tensor<32x64xf32>) -> tensor<32x64xf32> {
  return %a : tensor<32x64xf32>
}
%k = "sched.kernel"() {name = "gone"} : () -> !sched.handle
// expected-error@+1 {{kernel 'gone' has a gpu_map, but its anchor was not found among the linalg ops (tagged 'sched.plain_anchor')}}
"sched.gpu_map"(%k) {blocks = array<i64: 2>, threads = array<i64: 32>} : (!sched.handle) -> ()

// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(convert-tg-to-linalg,func-add-memref-entry{entry-name=polytile_entry},linalg-widen-bool-tensors,inline,symbol-dce,canonicalize,cse,func.func(linalg-fuse-elementwise-ops),func.func(linalg-generalize-named-ops),gpu-interchange-parallel-outer,eliminate-empty-tensors,one-shot-bufferize{bufferize-function-boundaries=false},canonicalize,cse,gpu-memref-copy-to-linalg,func.func(convert-linalg-to-parallel-loops),canonicalize,gpu-hoist-buffers{entry-name=polytile_entry},symbol-dce,gpu-launch-parallel-loops{block-size=256},gpu-launch-sink-index-computations,gpu-kernel-outlining,canonicalize,cse,nvvm-attach-target{chip=sm_90 features=+ptx80 O=3},gpu.module(convert-scf-to-cf),gpu.module(expand-strided-metadata),gpu.module(lower-affine),gpu.module(convert-gpu-to-nvvm),gpu.module(convert-nvvm-to-llvm),gpu.module(canonicalize),gpu.module(cse),gpu.module(reconcile-unrealized-casts),gpu-module-to-binary{format=isa})' | FileCheck %s

// The whole CUDA pipeline from tg to PTX (no GPU needed): each kernel is a
// gpu.binary holding PTX for sm_90; the host entry launches it. One case per
// kernel kind: matmul, convolution, element-wise, reduction.

// CHECK-LABEL: func.func @polytile_entry
// The output is filled with zeros by a first kernel, then accumulated into.
// CHECK: gpu.launch_func @polytile_entry_kernel::@polytile_entry_kernel blocks in
// CHECK: gpu.launch_func @polytile_entry_kernel_0::@polytile_entry_kernel blocks in
// CHECK: gpu.binary @polytile_entry_kernel_0 [
// CHECK-SAME: #nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">
// CHECK-SAME: .target sm_90
// CHECK-SAME: .visible .entry polytile_entry_kernel(
// CHECK-SAME: ld.global
// CHECK-SAME: mul.rn.f32
// CHECK-SAME: add.rn.f32
// CHECK-SAME: st.global
func.func @main(%a: tensor<4x6xf32>, %b: tensor<6x5xf32>) -> tensor<4x5xf32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// CHECK-LABEL: func.func @polytile_entry
// CHECK: gpu.launch_func
// CHECK: gpu.binary @polytile_entry_kernel_0 [
// CHECK-SAME: .visible .entry polytile_entry_kernel(
// CHECK-SAME: ld.global
// CHECK-SAME: mul.rn.f32
// CHECK-SAME: add.rn.f32
// CHECK-SAME: st.global
func.func @main(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32> {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %0 : tensor<1x3x3x3xf32>
}

// -----

// 4x6 = 24 threads in one block, no guard needed.
// CHECK-LABEL: func.func @polytile_entry
// CHECK: gpu.launch_func @polytile_entry_kernel::@polytile_entry_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%[[T:.*]], %{{.*}}, %{{.*}})
// CHECK: gpu.binary @polytile_entry_kernel
// CHECK-SAME: .visible .entry polytile_entry_kernel(
// CHECK-SAME: .maxntid 24, 1, 1
// CHECK-SAME: ld.global
// CHECK-SAME: add.rn.f32
// CHECK-SAME: st.global
func.func @main(%a: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %0 = "tg.add"(%a, %a) : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func.func @polytile_entry
// CHECK: gpu.binary @polytile_entry_kernel_0 [
// CHECK-SAME: .visible .entry polytile_entry_kernel(
// CHECK-SAME: ld.global
// CHECK-SAME: add.rn.f32
// CHECK-SAME: st.global
func.func @main(%a: tensor<4x6xf32>) -> tensor<4xf32> {
  %0 = "tg.reduce_sum"(%a) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<4x6xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

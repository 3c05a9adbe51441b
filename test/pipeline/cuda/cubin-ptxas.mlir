// REQUIRES: ptxas
// RUN: polytile-opt %s --pass-pipeline='builtin.module(convert-tg-to-linalg,func-add-memref-entry{entry-name=polytile_entry},linalg-widen-bool-tensors,inline,symbol-dce,canonicalize,cse,func.func(linalg-fuse-elementwise-ops),func.func(linalg-generalize-named-ops),gpu-interchange-parallel-outer,eliminate-empty-tensors,one-shot-bufferize{bufferize-function-boundaries=false},canonicalize,cse,gpu-memref-copy-to-linalg,func.func(convert-linalg-to-parallel-loops),canonicalize,gpu-hoist-buffers{entry-name=polytile_entry},symbol-dce,gpu-launch-parallel-loops{block-size=256},gpu-launch-sink-index-computations,gpu-kernel-outlining,canonicalize,cse,nvvm-attach-target{chip=sm_90 features=+ptx80 O=3},gpu.module(convert-scf-to-cf),gpu.module(expand-strided-metadata),gpu.module(lower-affine),gpu.module(convert-gpu-to-nvvm),gpu.module(convert-nvvm-to-llvm),gpu.module(canonicalize),gpu.module(cse),gpu.module(reconcile-unrealized-casts),gpu-module-to-binary{format=bin})' | FileCheck %s

// With ptxas installed, the generated PTX assembles into a cubin.
// CHECK: gpu.binary @polytile_entry_kernel
// CHECK-SAME: bin = "
func.func @main(%a: tensor<4x6xf32>, %b: tensor<6x5xf32>) -> tensor<4x5xf32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

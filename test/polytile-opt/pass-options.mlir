// Per-pass flags with options, for an upstream pass and for a polytile pass.
// affine-loop-tile is restricted to func.func and is nested automatically.
// RUN: polytile-opt %s --affine-loop-tile='tile-size=32' | FileCheck %s --check-prefix=TILE32
// RUN: polytile-opt %s --affine-loop-tile='tile-size=16' | FileCheck %s --check-prefix=TILE16
// The same option inside a pipeline.
// RUN: polytile-opt %s --pass-pipeline='builtin.module(func.func(affine-loop-tile{tile-size=32}))' | FileCheck %s --check-prefix=TILE32
// polytile's option, as a flag and in a pipeline.
// RUN: polytile-opt %s --tg-canonicalize='max-iterations=2' | FileCheck %s --check-prefix=CANON
// RUN: polytile-opt %s --pass-pipeline='builtin.module(tg-canonicalize{max-iterations=2})' | FileCheck %s --check-prefix=CANON

// TILE32-LABEL: func.func @matmul
// TILE32: affine.for %{{.*}} = 0 to 256 step 32 {
// TILE32-NEXT: affine.for %{{.*}} = 0 to 256 step 32 {
// TILE32-NEXT: affine.for %{{.*}} = 0 to 256 step 32 {
// TILE32: affine.load
// TILE16-LABEL: func.func @matmul
// TILE16: affine.for %{{.*}} = 0 to 256 step 16 {
// CANON-LABEL: func.func @matmul
// CANON-LABEL: func.func @transposes
// CANON-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CANON: return %[[X]]
func.func @matmul(%A: memref<256x256xf32>, %B: memref<256x256xf32>, %C: memref<256x256xf32>) {
  affine.for %i = 0 to 256 {
    affine.for %j = 0 to 256 {
      affine.for %k = 0 to 256 {
        %a = affine.load %A[%i, %k] : memref<256x256xf32>
        %b = affine.load %B[%k, %j] : memref<256x256xf32>
        %c = affine.load %C[%i, %j] : memref<256x256xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<256x256xf32>
      }
    }
  }
  return
}

func.func @transposes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

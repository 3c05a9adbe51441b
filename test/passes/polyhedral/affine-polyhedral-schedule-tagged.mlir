// RUN: polytile-opt %s --split-input-file --affine-polyhedral-schedule='tagged-only=true' --verify-diagnostics | FileCheck %s

// tagged-only: a function holding an op tagged by a kernel's sched.polyhedral step
// is scheduled with the tag's options (here: parallel outer loop, 8x8 tiles);
// an untagged function is left as it is.
// CHECK-LABEL: func.func @tagged
// CHECK: affine.parallel (%[[I:.*]]) = (0) to (64) step (8) {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 64 step 8 {
// CHECK: affine.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<64x64xf32>
// CHECK-LABEL: func.func @untagged
// CHECK-NOT: affine.parallel
// CHECK: affine.for %[[I:.*]] = 0 to 64 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 64 {
func.func @tagged(%a: memref<64x64xf32>, %b: memref<64x64xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      %v = affine.load %a[%j, %i] : memref<64x64xf32>
      %w = arith.addf %v, %v {sched.polyhedral = "tile-sizes=8 tile-inner fusion=smart"} : f32
      affine.store %w, %b[%j, %i] : memref<64x64xf32>
    }
  }
  return
}
func.func @untagged(%a: memref<64x64xf32>, %b: memref<64x64xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      %v = affine.load %a[%j, %i] : memref<64x64xf32>
      %w = arith.addf %v, %v : f32
      affine.store %w, %b[%j, %i] : memref<64x64xf32>
    }
  }
  return
}

// -----

// Bad options in a tag are reported at the function.
// expected-error @+1 {{fusion must be none, smart or max, got 'greedy'}}
func.func @bad(%a: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %a[%i] : memref<4xf32>
    %w = arith.addf %v, %v {sched.polyhedral = "fusion=greedy"} : f32
    affine.store %w, %a[%i] : memref<4xf32>
  }
  return
}

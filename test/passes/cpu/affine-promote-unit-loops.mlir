// RUN: polytile-opt %s --split-input-file --affine-promote-unit-loops | FileCheck %s

// The batch loop of one iteration goes; its induction variable becomes the constant 0, and
// the loop with the work is now the outermost one.
// CHECK-LABEL: func.func @batch_of_one
// CHECK-SAME: (%[[X:[^:]*]]: memref<1x3x5xf32>, %[[Y:[^:]*]]: memref<1x3x5xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 5 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[C0]], %[[I]], %[[J]]]
// CHECK: affine.store %{{.*}}, %[[Y]][%[[C0]], %[[I]], %[[J]]]
func.func @batch_of_one(%x: memref<1x3x5xf32>, %y: memref<1x3x5xf32>) {
  affine.for %n = 0 to 1 {
    affine.for %i = 0 to 3 {
      affine.for %j = 0 to 5 {
        %v = affine.load %x[%n, %i, %j] : memref<1x3x5xf32>
        %w = arith.addf %v, %v : f32
        affine.store %w, %y[%n, %i, %j] : memref<1x3x5xf32>
      }
    }
  }
  return
}

// -----

// One iteration from another lower bound or a large step: the constant is the lower bound.
// CHECK-LABEL: func.func @offset_and_step
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: affine.store %{{.*}}, %{{.*}}[%[[C4]]]
// CHECK-NOT: affine.for
func.func @offset_and_step(%y: memref<8xf32>, %v: f32) {
  affine.for %i = 4 to 6 step 8 {
    affine.store %v, %y[%i] : memref<8xf32>
  }
  return
}

// -----

// Kept: two iterations, a bound with an operand, a loop with iter_args.
// CHECK-LABEL: func.func @kept
// CHECK: affine.for %{{.*}} = 0 to 2 {
// CHECK: affine.for %{{.*}} = 0 to %{{.*}} {
// CHECK: affine.for %{{.*}} = 0 to 1 iter_args
func.func @kept(%y: memref<8xf32>, %v: f32, %n: index) {
  affine.for %i = 0 to 2 {
    affine.store %v, %y[%i] : memref<8xf32>
  }
  affine.for %i = 0 to %n {
    affine.store %v, %y[%i] : memref<8xf32>
  }
  %r = affine.for %i = 0 to 1 iter_args(%a = %v) -> f32 {
    %b = arith.addf %a, %v : f32
    affine.yield %b : f32
  }
  affine.store %r, %y[0] : memref<8xf32>
  return
}

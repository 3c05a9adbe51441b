// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(affine-parallelize{max-nested=1}),func.func(affine-serialize-in-sequential-loops))' | FileCheck %s

// A nest inside a time loop (scf.for) stays serial: no parallel region per step.
// CHECK-LABEL: func.func @in_time_loop
// CHECK-SAME: (%[[A:.*]]: memref<8x16xf32>, %[[N:.*]]: index)
// CHECK: scf.for %[[T:.*]] =
// CHECK-NOT: affine.parallel
// CHECK: affine.for %[[I:.*]] = 1 to min #{{.*}}()[%[[N]]]
// CHECK: affine.for %[[J:.*]] = 0 to 16
// CHECK: affine.load %[[A]][%[[I]], %[[J]]]
// CHECK: affine.store %{{.*}}, %[[A]][%[[I]], %[[J]]]
func.func @in_time_loop(%a: memref<8x16xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %t = %c0 to %c4 step %c1 {
    affine.for %i = 1 to min affine_map<()[s0] -> (8, s0)>()[%n] {
      affine.for %j = 0 to 16 {
        %v = affine.load %a[%i, %j] : memref<8x16xf32>
        %w = arith.addf %v, %v : f32
        affine.store %w, %a[%i, %j] : memref<8x16xf32>
      }
    }
  }
  return
}

// -----

// Inside an scf.while too, with a step.
// CHECK-LABEL: func.func @in_while
// CHECK: scf.while
// CHECK-NOT: affine.parallel
// CHECK: affine.for %{{.*}} = 0 to 16 step 2
func.func @in_while(%a: memref<16xf32>, %flag: i1) {
  scf.while : () -> () {
    scf.condition(%flag)
  } do {
    affine.for %i = 0 to 16 step 2 {
      %v = affine.load %a[%i] : memref<16xf32>
      %w = arith.addf %v, %v : f32
      affine.store %w, %a[%i] : memref<16xf32>
    }
    scf.yield
  }
  return
}

// -----

// A nest outside any sequential loop keeps its parallel loop.
// CHECK-LABEL: func.func @top_level
// CHECK: affine.parallel (%[[I:.*]]) = (0) to (8)
// CHECK: affine.for %{{.*}} = 0 to 16
func.func @top_level(%a: memref<8x16xf32>) {
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 16 {
      %v = affine.load %a[%i, %j] : memref<8x16xf32>
      %w = arith.addf %v, %v : f32
      affine.store %w, %a[%i, %j] : memref<8x16xf32>
    }
  }
  return
}

// RUN: polytile-opt %s --split-input-file --affine-polyhedral-schedule='tile-sizes=32 fusion=smart' | FileCheck %s
// RUN: polytile-opt %s --split-input-file --affine-polyhedral-schedule='tile-sizes=32 fusion=max' | FileCheck %s --check-prefix=MAX
// RUN: polytile-opt %s --split-input-file --affine-polyhedral-schedule='tile-sizes=32 fusion=none' | FileCheck %s --check-prefix=NONE
// RUN: polytile-opt %s --split-input-file --affine-polyhedral-schedule='tile-sizes=0 parallelize=false' | FileCheck %s --check-prefix=SEQ
// RUN: polytile-opt %s --split-input-file --affine-polyhedral-schedule='tile-sizes=16 outer-parallel=false tile-inner' | FileCheck %s --check-prefix=SKEW
// RUN: polytile-opt %s --split-input-file --affine-polyhedral-schedule='tile-sizes=32 tile-inner' | FileCheck %s --check-prefix=TILEALL
// RUN: not polytile-opt %s --split-input-file --affine-polyhedral-schedule='tile-sizes=-4' 2>&1 | FileCheck %s --check-prefix=BADTILE
// RUN: not polytile-opt %s --split-input-file --affine-polyhedral-schedule='fusion=greedy' 2>&1 | FileCheck %s --check-prefix=BADFUSION
// BADTILE: error: tile sizes must be positive
// BADFUSION: error: fusion must be none, smart or max, got 'greedy'

// Producer/consumer: fused into one parallel loop (smart, max), kept apart with fusion=none.
// CHECK-LABEL: func.func @fuse
// CHECK: affine.parallel (%[[I:.*]]) = (0) to (symbol(%{{.*}}))
// CHECK: %[[X:.*]] = affine.load %{{.*}}[%[[I]]]
// CHECK: affine.store %{{.*}}, %[[T:.*]][%[[I]]]
// CHECK: affine.load %[[T]][%[[I]]]
// CHECK: affine.store
// CHECK-NEXT: }
// CHECK-NEXT: return
// MAX-LABEL: func.func @fuse
// MAX: affine.parallel
// MAX-NOT: affine.parallel
// MAX: return
// NONE-LABEL: func.func @fuse
// NONE: affine.parallel
// NONE: affine.parallel
// NONE: return
// SEQ-LABEL: func.func @fuse
// SEQ-NOT: affine.parallel
// SEQ: affine.for
// SEQ-NOT: affine.for
// SEQ: return
func.func @fuse(%a: memref<?xf32>, %b: memref<?xf32>, %t: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  affine.for %i = 0 to %n {
    %x = affine.load %a[%i] : memref<?xf32>
    %y = arith.mulf %x, %x : f32
    affine.store %y, %t[%i] : memref<?xf32>
  }
  affine.for %i = 0 to %n {
    %x = affine.load %t[%i] : memref<?xf32>
    %y = arith.addf %x, %x : f32
    affine.store %y, %b[%i] : memref<?xf32>
  }
  return
}

// -----

// Illegal fusion: every use of s[0] needs the whole reduction first. The
// reduction loop stays a serial affine.for and runs entirely before the
// (parallel) consumer loop, under every fusion strategy.
// CHECK-LABEL: func.func @no_fuse
// CHECK: affine.for %[[I:.*]] = 0 to %{{.*}} {
// CHECK: affine.store %{{.*}}, %{{.*}}[0] : memref<1xf32>
// CHECK-NEXT: }
// CHECK-NEXT: affine.parallel
// CHECK-NOT: affine.store %{{.*}}, %{{.*}}[0] : memref<1xf32>
// CHECK: return
// MAX-LABEL: func.func @no_fuse
// MAX: affine.for
// MAX: affine.store %{{.*}}, %{{.*}}[0] : memref<1xf32>
// MAX-NEXT: }
// MAX-NEXT: affine.parallel
// NONE-LABEL: func.func @no_fuse
// NONE: affine.for
// NONE: affine.store %{{.*}}, %{{.*}}[0] : memref<1xf32>
// NONE-NEXT: }
// NONE-NEXT: affine.parallel
func.func @no_fuse(%a: memref<?xf32>, %b: memref<?xf32>, %s: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  affine.for %i = 0 to %n {
    %x = affine.load %a[%i] : memref<?xf32>
    %acc = affine.load %s[0] : memref<1xf32>
    %y = arith.addf %acc, %x : f32
    affine.store %y, %s[0] : memref<1xf32>
  }
  affine.for %i = 0 to %n {
    %x = affine.load %a[%i] : memref<?xf32>
    %t = affine.load %s[0] : memref<1xf32>
    %y = arith.divf %x, %t : f32
    affine.store %y, %b[%i] : memref<?xf32>
  }
  return
}

// -----

// matmul: the permutable 3-D band is interchanged to (i, k, j) so that B and
// C are read with unit stride, then i and k are tiled 32x32 (j, innermost,
// stays a full unit-stride loop); the outer tile loop is parallel, the
// reduction (k) stays serial. With tile-inner=true, j is tiled too.
// CHECK-LABEL: func.func @matmul
// CHECK: affine.parallel (%[[IT:.*]]) = (0) to (64) step (32)
// CHECK-NEXT: affine.for %[[KT:.*]] = 0 to 64 step 32
// CHECK-NEXT: affine.for %[[I:.*]] = #{{.*}}(%[[IT]]) to #{{.*}}(%[[IT]])
// CHECK-NEXT: affine.for %[[K:.*]] = #{{.*}}(%[[KT]]) to #{{.*}}(%[[KT]])
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 64 {
// CHECK-NEXT: affine.load %{{.*}}[%[[I]], %[[K]]]
// CHECK-NEXT: affine.load %{{.*}}[%[[K]], %[[J]]]
// CHECK-NEXT: affine.load %{{.*}}[%[[I]], %[[J]]]
// CHECK: arith.addf
// TILEALL-LABEL: func.func @matmul
// TILEALL: affine.parallel (%[[IT:.*]]) = (0) to (64) step (32)
// TILEALL-NEXT: affine.for %[[KT:.*]] = 0 to 64 step 32
// TILEALL-NEXT: affine.for %[[JT:.*]] = 0 to 64 step 32
// TILEALL-NEXT: affine.for %{{.*}} = #{{.*}}(%[[IT]]) to #{{.*}}(%[[IT]])
// TILEALL-NEXT: affine.for %{{.*}} = #{{.*}}(%[[KT]]) to #{{.*}}(%[[KT]])
// TILEALL-NEXT: affine.for %{{.*}} = #{{.*}}(%[[JT]]) to #{{.*}}(%[[JT]])
// SEQ-LABEL: func.func @matmul
// SEQ: affine.for %{{.*}} = 0 to 64 {
// SEQ-NEXT: affine.for %{{.*}} = 0 to 64 {
// SEQ-NEXT: affine.for %{{.*}} = 0 to 64 {
// SEQ-NEXT: affine.load
func.func @matmul(%A: memref<64x64xf32>, %B: memref<64x64xf32>, %C: memref<64x64xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      affine.for %k = 0 to 64 {
        %a = affine.load %A[%i, %k] : memref<64x64xf32>
        %b = affine.load %B[%k, %j] : memref<64x64xf32>
        %c = affine.load %C[%i, %j] : memref<64x64xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<64x64xf32>
      }
    }
  }
  return
}

// -----

// Illegal tiling: A[i][j] needs A[i-1][n-1-j], a dependence whose j distance
// takes every sign, so no (parametric) skew makes the 2-D nest permutable:
// no tiles, a serial outer loop and a parallel inner one.
// CHECK-LABEL: func.func @no_tile
// CHECK-NOT: step 32
// CHECK: affine.for %[[I:.*]] = 1 to %{{.*}} {
// CHECK-NEXT: affine.parallel (%[[J:.*]]) = (0) to (symbol(%{{.*}}))
// CHECK-NOT: step 32
// CHECK: return
func.func @no_tile(%A: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %A, %c0 : memref<?x?xf32>
  affine.for %i = 1 to %n {
    affine.for %j = 0 to %n {
      %x = affine.load %A[%i - 1, -%j + symbol(%n) - 1] : memref<?x?xf32>
      affine.store %x, %A[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// -----

// Non-affine nests are left untouched.
// CHECK-LABEL: func.func @indirect
// CHECK: affine.for
// CHECK: memref.load
func.func @indirect(%A: memref<8xf32>, %idx: memref<8xindex>) {
  affine.for %i = 0 to 8 {
    %k = affine.load %idx[%i] : memref<8xindex>
    %x = memref.load %A[%k] : memref<8xf32>
    affine.store %x, %A[%i] : memref<8xf32>
  }
  return
}


// -----

// In-place 1-D stencil over time (Gauss-Seidel-like: no loop of the original
// nest is parallel). By default isl finds a wavefront: a serial outer loop
// around a parallel one, untiled. With outer-parallel=false it skews the nest
// into a permutable band and tiles it (time tiling), with no parallel loop.
// CHECK-LABEL: func.func @stencil
// CHECK-NOT: step
// CHECK: affine.for %{{.*}} = 1 to 113 {
// CHECK-NEXT: affine.parallel (%{{.*}}) = (max(
// SKEW-LABEL: func.func @stencil
// SKEW: affine.for %{{.*}} = 0 to {{.*}} step 16 {
// SKEW-NOT: affine.parallel
// SKEW: return
func.func @stencil(%A: memref<100xf32>) {
  affine.for %t = 0 to 8 {
    affine.for %i = 1 to 99 {
      %a = affine.load %A[%i - 1] : memref<100xf32>
      %b = affine.load %A[%i + 1] : memref<100xf32>
      %s = arith.addf %a, %b : f32
      affine.store %s, %A[%i] : memref<100xf32>
    }
  }
  return
}

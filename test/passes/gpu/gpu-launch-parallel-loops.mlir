// RUN: polytile-opt %s --split-input-file --gpu-launch-parallel-loops=block-size=4 --verify-diagnostics | FileCheck %s

// A 3x5 parallel loop becomes 15 threads: 4 blocks of 4, a guard for the last
// partial block, indices delinearized with the last loop fastest.
// CHECK-LABEL: func.func @parallel
// CHECK-SAME: (%[[M:.*]]: memref<3x5xf32>)
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C4:.*]], %{{.*}} = %[[C1:.*]], %{{.*}} = %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C4B:.*]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK: %[[MUL:.*]] = arith.muli %[[BX]], %{{.*}} : index
// CHECK: %[[LIN:.*]] = arith.addi %[[MUL]], %[[TX]] : index
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[LIN]], %{{.*}} : index
// CHECK: scf.if %[[IN]] {
// CHECK: %[[J:.*]] = arith.remui %[[LIN]], %{{.*}} : index
// CHECK: %[[I:.*]] = arith.divui %[[LIN]], %{{.*}} : index
// CHECK: memref.store %{{.*}}, %[[M]][%[[I]], %[[J]]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
func.func @parallel(%m: memref<3x5xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c5) step (%c1, %c1) {
    memref.store %f, %m[%i, %j] : memref<3x5xf32>
    scf.reduce
  }
  return
}

// -----

// Stray top-level memory ops (a full reduction) run in a one-thread launch.
// CHECK-LABEL: func.func @sequential
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}}) threads({{.*}}) in ({{.*}})
// CHECK-NEXT: memref.store
// CHECK-NEXT: scf.for
// CHECK: gpu.terminator
// CHECK: return
func.func @sequential(%in: memref<8xf32>, %out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  memref.store %zero, %out[] : memref<f32>
  scf.for %i = %c0 to %c8 step %c1 {
    %x = memref.load %in[%i] : memref<8xf32>
    %acc = memref.load %out[] : memref<f32>
    %s = arith.addf %acc, %x : f32
    memref.store %s, %out[] : memref<f32>
  }
  return
}

// -----

func.func @dynamic(%m: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  // expected-error@+1 {{the GPU path needs parallel loops with constant bounds}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %f, %m[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// A forall mapped to blocks holding one mapped to threads (sched-apply{target=cuda}
// for a gpu_map): one launch with the foralls' counts as grid (3 x 2) and block (16 x 4)
// instead of block-size; forall indices become block and thread ids (x, y as mapped).
// CHECK-LABEL: func.func @mapped
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %[[BY:.*]], %{{.*}}) in (%{{.*}} = %[[C3]], %{{.*}} = %[[C2]], %{{.*}} = %{{.*}}) threads(%[[TX:.*]], %[[TY:.*]], %{{.*}}) in (%{{.*}} = %[[C16]], %{{.*}} = %[[C4]], %{{.*}} = %{{.*}})
// CHECK: %[[ROW:.*]] = arith.muli %[[BY]], %{{.*}} : index
// CHECK: %[[COL:.*]] = arith.muli %[[BX]], %{{.*}} : index
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[ROW]], %[[COL]], %[[TY]], %[[TX]]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.forall
func.func @mapped(%m: memref<8x48x4x16xf32>) {
  %f = arith.constant 1.0 : f32
  scf.forall (%i, %j) = (0, 0) to (8, 48) step (4, 16) {
    scf.forall (%ti, %tj) in (4, 16) {
      memref.store %f, %m[%i, %j, %ti, %tj] : memref<8x48x4x16xf32>
    } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
  } {mapping = [#gpu.block<y>, #gpu.block<x>]}
  return
}

// -----

// A top-level forall mapped to threads only: one block of its counts.
// CHECK-LABEL: func.func @threads_only
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[C8:.*]] = arith.constant 8 : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %[[ONE]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C8]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[TX]]]
func.func @threads_only(%m: memref<8xf32>) {
  %f = arith.constant 1.0 : f32
  scf.forall (%t) in (8) {
    memref.store %f, %m[%t] : memref<8xf32>
  } {mapping = [#gpu.thread<x>]}
  return
}

// RUN: polytile-opt %s --gpu-emulate-launch-on-cpu --verify-diagnostics --split-input-file | FileCheck %s

// Blocks and threads become sequential loops (z, y, x of blocks, then of
// threads); the body uses the loop indices.
// CHECK-LABEL: func.func @launch
// CHECK-NOT: gpu.launch
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %[[BX:.*]] = %{{.*}} to %{{.*}} step
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %[[TX:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[MUL:.*]] = arith.muli %[[BX]], %{{.*}} : index
// CHECK: %[[I:.*]] = arith.addi %[[MUL]], %[[TX]] : index
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[I]]]
func.func @launch(%m: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %base = arith.muli %bx, %c4 : index
    %i = arith.addi %base, %tx : index
    memref.store %f, %m[%i] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @barrier() {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    // expected-error@+1 {{'gpu.barrier' cannot be emulated on the CPU}}
    gpu.barrier
    gpu.terminator
  }
  return
}

// RUN: polytile-opt %s --split-input-file --gpu-hoist-buffers --verify-diagnostics | FileCheck %s

// A constant global becomes a "weight" argument carrying its value, an
// allocation a "scratch" argument; its dealloc goes away.
// CHECK-LABEL: func.func @polytile_entry
// CHECK-SAME: (%[[IN:.*]]: memref<2xf32>, %[[W:.*]]: memref<2xf32> {polytile.gpu.buffer = "weight", polytile.gpu.value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}, %[[S:.*]]: memref<2xf32> {polytile.gpu.buffer = "scratch"})
// CHECK-NOT: memref.get_global
// CHECK-NOT: memref.alloc
// CHECK: linalg.add ins(%[[IN]], %[[W]] : memref<2xf32>, memref<2xf32>) outs(%[[S]] : memref<2xf32>)
// CHECK-NOT: memref.dealloc
// CHECK: return
memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
func.func @polytile_entry(%in: memref<2xf32>) {
  %w = memref.get_global @w : memref<2xf32>
  %tmp = memref.alloc() : memref<2xf32>
  linalg.add ins(%in, %w : memref<2xf32>, memref<2xf32>) outs(%tmp : memref<2xf32>)
  memref.dealloc %tmp : memref<2xf32>
  return
}

// -----

func.func @polytile_entry(%n: index) {
  // expected-error@+1 {{the GPU path needs statically shaped buffers, got memref<?xf32>}}
  %tmp = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

func.func @polytile_entry(%c: i1) {
  scf.if %c {
    // expected-error@+1 {{the GPU path cannot allocate buffers inside loops or regions yet}}
    %tmp = memref.alloc() : memref<4xf32>
  }
  return
}

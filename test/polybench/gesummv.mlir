// RUN: polytile-opt %s --affine-polyhedral-schedule | FileCheck %s
// RUN: polytile-opt %s --affine-polyhedral-schedule='fusion=max tile-sizes=8' | FileCheck %s
// The kernel also serves as input to test/python/test_polyhedral.py and bench/polybench.py,
// which check its numerics; here: the pass accepts it and the result verifies.
// CHECK-LABEL: func.func @gesummv
// CHECK: affine.for

// PolyBench gesummv: y = alpha*A*x + beta*B*x. A, B: NxN.
func.func @gesummv(%A: memref<?x?xf64>, %B: memref<?x?xf64>, %tmp: memref<?xf64>, %x: memref<?xf64>, %y: memref<?xf64>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f64
  %alpha = arith.constant 1.5 : f64
  %beta = arith.constant 1.2 : f64
  %n = memref.dim %A, %c0 : memref<?x?xf64>
  affine.for %i = 0 to %n {
    affine.store %zero, %tmp[%i] : memref<?xf64>
    affine.store %zero, %y[%i] : memref<?xf64>
    affine.for %j = 0 to %n {
      %a = affine.load %A[%i, %j] : memref<?x?xf64>
      %xj = affine.load %x[%j] : memref<?xf64>
      %p = arith.mulf %a, %xj : f64
      %t = affine.load %tmp[%i] : memref<?xf64>
      %s = arith.addf %p, %t : f64
      affine.store %s, %tmp[%i] : memref<?xf64>
      %b = affine.load %B[%i, %j] : memref<?x?xf64>
      %xj2 = affine.load %x[%j] : memref<?xf64>
      %p2 = arith.mulf %b, %xj2 : f64
      %yi = affine.load %y[%i] : memref<?xf64>
      %s2 = arith.addf %p2, %yi : f64
      affine.store %s2, %y[%i] : memref<?xf64>
    }
    %t = affine.load %tmp[%i] : memref<?xf64>
    %yi = affine.load %y[%i] : memref<?xf64>
    %u = arith.mulf %alpha, %t : f64
    %v = arith.mulf %beta, %yi : f64
    %w = arith.addf %u, %v : f64
    affine.store %w, %y[%i] : memref<?xf64>
  }
  return
}

// RUN: polytile-opt %s --affine-polyhedral-schedule | FileCheck %s
// RUN: polytile-opt %s --affine-polyhedral-schedule='fusion=max tile-sizes=8' | FileCheck %s
// The kernel also serves as input to test/python/test_polyhedral.py and bench/polybench.py,
// which check its numerics; here: the pass accepts it and the result verifies.
// CHECK-LABEL: func.func @atax
// CHECK: affine.for

// PolyBench atax: y = A^T (A x). A: MxN, x: N, y: N, tmp: M.
func.func @atax(%A: memref<?x?xf64>, %x: memref<?xf64>, %y: memref<?xf64>, %tmp: memref<?xf64>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %m = memref.dim %A, %c0 : memref<?x?xf64>
  %n = memref.dim %A, %c1 : memref<?x?xf64>
  affine.for %i = 0 to %n {
    affine.store %zero, %y[%i] : memref<?xf64>
  }
  affine.for %i = 0 to %m {
    affine.store %zero, %tmp[%i] : memref<?xf64>
    affine.for %j = 0 to %n {
      %a = affine.load %A[%i, %j] : memref<?x?xf64>
      %b = affine.load %x[%j] : memref<?xf64>
      %p = arith.mulf %a, %b : f64
      %t = affine.load %tmp[%i] : memref<?xf64>
      %s = arith.addf %t, %p : f64
      affine.store %s, %tmp[%i] : memref<?xf64>
    }
    affine.for %j = 0 to %n {
      %a = affine.load %A[%i, %j] : memref<?x?xf64>
      %t = affine.load %tmp[%i] : memref<?xf64>
      %p = arith.mulf %a, %t : f64
      %v = affine.load %y[%j] : memref<?xf64>
      %s = arith.addf %v, %p : f64
      affine.store %s, %y[%j] : memref<?xf64>
    }
  }
  return
}

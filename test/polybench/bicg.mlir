// RUN: polytile-opt %s --affine-polyhedral-schedule | FileCheck %s
// RUN: polytile-opt %s --affine-polyhedral-schedule='fusion=max tile-sizes=8' | FileCheck %s
// The kernel also serves as input to test/python/test_polyhedral.py and bench/polybench.py,
// which check its numerics; here: the pass accepts it and the result verifies.
// CHECK-LABEL: func.func @bicg
// CHECK: affine.for

// PolyBench bicg: s = A^T r, q = A p. A: NxM, r: N, p: M, s: M, q: N.
func.func @bicg(%A: memref<?x?xf64>, %s: memref<?xf64>, %q: memref<?xf64>, %p: memref<?xf64>, %r: memref<?xf64>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %n = memref.dim %A, %c0 : memref<?x?xf64>
  %m = memref.dim %A, %c1 : memref<?x?xf64>
  affine.for %i = 0 to %m {
    affine.store %zero, %s[%i] : memref<?xf64>
  }
  affine.for %i = 0 to %n {
    affine.store %zero, %q[%i] : memref<?xf64>
    affine.for %j = 0 to %m {
      %ri = affine.load %r[%i] : memref<?xf64>
      %a = affine.load %A[%i, %j] : memref<?x?xf64>
      %p1 = arith.mulf %ri, %a : f64
      %sj = affine.load %s[%j] : memref<?xf64>
      %s1 = arith.addf %sj, %p1 : f64
      affine.store %s1, %s[%j] : memref<?xf64>
      %a2 = affine.load %A[%i, %j] : memref<?x?xf64>
      %pj = affine.load %p[%j] : memref<?xf64>
      %p2 = arith.mulf %a2, %pj : f64
      %qi = affine.load %q[%i] : memref<?xf64>
      %s2 = arith.addf %qi, %p2 : f64
      affine.store %s2, %q[%i] : memref<?xf64>
    }
  }
  return
}

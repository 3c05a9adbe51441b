// RUN: polytile-opt %s --affine-polyhedral-schedule | FileCheck %s
// RUN: polytile-opt %s --affine-polyhedral-schedule='fusion=max tile-sizes=8' | FileCheck %s
// The kernel also serves as input to test/python/test_polyhedral.py and bench/polybench.py,
// which check its numerics; here: the pass accepts it and the result verifies.
// CHECK-LABEL: func.func @mvt
// CHECK: affine.for

// PolyBench mvt: x1 += A y1; x2 += A^T y2. A: NxN.
func.func @mvt(%x1: memref<?xf64>, %x2: memref<?xf64>, %y1: memref<?xf64>, %y2: memref<?xf64>, %A: memref<?x?xf64>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %n = memref.dim %A, %c0 : memref<?x?xf64>
  affine.for %i = 0 to %n {
    affine.for %j = 0 to %n {
      %a = affine.load %A[%i, %j] : memref<?x?xf64>
      %y = affine.load %y1[%j] : memref<?xf64>
      %p = arith.mulf %a, %y : f64
      %x = affine.load %x1[%i] : memref<?xf64>
      %s = arith.addf %x, %p : f64
      affine.store %s, %x1[%i] : memref<?xf64>
    }
  }
  affine.for %i = 0 to %n {
    affine.for %j = 0 to %n {
      %a = affine.load %A[%j, %i] : memref<?x?xf64>
      %y = affine.load %y2[%j] : memref<?xf64>
      %p = arith.mulf %a, %y : f64
      %x = affine.load %x2[%i] : memref<?xf64>
      %s = arith.addf %x, %p : f64
      affine.store %s, %x2[%i] : memref<?xf64>
    }
  }
  return
}

// RUN: polytile-opt %s --affine-polyhedral-schedule | FileCheck %s
// RUN: polytile-opt %s --affine-polyhedral-schedule='fusion=max tile-sizes=8' | FileCheck %s
// The kernel also serves as input to test/python/test_polyhedral.py and bench/polybench.py,
// which check its numerics; here: the pass accepts it and the result verifies.
// CHECK-LABEL: func.func @seidel_2d
// CHECK: affine.for

// PolyBench seidel-2d: 10 in-place Gauss-Seidel sweeps of a 9-point stencil over A (NxN).
func.func @seidel_2d(%A: memref<?x?xf64>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %nine = arith.constant 9.0 : f64
  %n = memref.dim %A, %c0 : memref<?x?xf64>
  affine.for %t = 0 to 10 {
    affine.for %i = 1 to affine_map<()[s0] -> (s0 - 1)>()[%n] {
      affine.for %j = 1 to affine_map<()[s0] -> (s0 - 1)>()[%n] {
        %a0 = affine.load %A[%i - 1, %j - 1] : memref<?x?xf64>
        %a1 = affine.load %A[%i - 1, %j] : memref<?x?xf64>
        %a2 = affine.load %A[%i - 1, %j + 1] : memref<?x?xf64>
        %a3 = affine.load %A[%i, %j - 1] : memref<?x?xf64>
        %a4 = affine.load %A[%i, %j] : memref<?x?xf64>
        %a5 = affine.load %A[%i, %j + 1] : memref<?x?xf64>
        %a6 = affine.load %A[%i + 1, %j - 1] : memref<?x?xf64>
        %a7 = affine.load %A[%i + 1, %j] : memref<?x?xf64>
        %a8 = affine.load %A[%i + 1, %j + 1] : memref<?x?xf64>
        %s1 = arith.addf %a0, %a1 : f64
        %s2 = arith.addf %s1, %a2 : f64
        %s3 = arith.addf %s2, %a3 : f64
        %s4 = arith.addf %s3, %a4 : f64
        %s5 = arith.addf %s4, %a5 : f64
        %s6 = arith.addf %s5, %a6 : f64
        %s7 = arith.addf %s6, %a7 : f64
        %s8 = arith.addf %s7, %a8 : f64
        %r = arith.divf %s8, %nine : f64
        affine.store %r, %A[%i, %j] : memref<?x?xf64>
      }
    }
  }
  return
}

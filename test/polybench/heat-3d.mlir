// RUN: polytile-opt %s --affine-polyhedral-schedule | FileCheck %s
// RUN: polytile-opt %s --affine-polyhedral-schedule='fusion=max tile-sizes=8' | FileCheck %s
// The kernel also serves as input to test/python/test_polyhedral.py and bench/polybench.py,
// which check its numerics; here: the pass accepts it and the result verifies.
// CHECK-LABEL: func.func @heat_3d
// CHECK: affine.for

// PolyBench heat-3d: 5 time steps of a 7-point 3-D heat stencil ping-ponging between A and B (NxNxN).
func.func @heat_3d(%A: memref<?x?x?xf64>, %B: memref<?x?x?xf64>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %two = arith.constant 2.0 : f64
  %eighth = arith.constant 0.125 : f64
  %n = memref.dim %A, %c0 : memref<?x?x?xf64>
  affine.for %t = 0 to 5 {
    affine.for %i = 1 to affine_map<()[s0] -> (s0 - 1)>()[%n] {
      affine.for %j = 1 to affine_map<()[s0] -> (s0 - 1)>()[%n] {
        affine.for %k = 1 to affine_map<()[s0] -> (s0 - 1)>()[%n] {
          %c = affine.load %A[%i, %j, %k] : memref<?x?x?xf64>
          %ip = affine.load %A[%i + 1, %j, %k] : memref<?x?x?xf64>
          %im = affine.load %A[%i - 1, %j, %k] : memref<?x?x?xf64>
          %jp = affine.load %A[%i, %j + 1, %k] : memref<?x?x?xf64>
          %jm = affine.load %A[%i, %j - 1, %k] : memref<?x?x?xf64>
          %kp = affine.load %A[%i, %j, %k + 1] : memref<?x?x?xf64>
          %km = affine.load %A[%i, %j, %k - 1] : memref<?x?x?xf64>
          %ti0 = arith.mulf %two, %c : f64
          %ti1 = arith.subf %ip, %ti0 : f64
          %ti2 = arith.addf %ti1, %im : f64
          %ti3 = arith.mulf %eighth, %ti2 : f64
          %tj0 = arith.mulf %two, %c : f64
          %tj1 = arith.subf %jp, %tj0 : f64
          %tj2 = arith.addf %tj1, %jm : f64
          %tj3 = arith.mulf %eighth, %tj2 : f64
          %tk0 = arith.mulf %two, %c : f64
          %tk1 = arith.subf %kp, %tk0 : f64
          %tk2 = arith.addf %tk1, %km : f64
          %tk3 = arith.mulf %eighth, %tk2 : f64
          %u0 = arith.addf %ti3, %tj3 : f64
          %u1 = arith.addf %u0, %tk3 : f64
          %u2 = arith.addf %u1, %c : f64
          affine.store %u2, %B[%i, %j, %k] : memref<?x?x?xf64>
        }
      }
    }
    affine.for %i = 1 to affine_map<()[s0] -> (s0 - 1)>()[%n] {
      affine.for %j = 1 to affine_map<()[s0] -> (s0 - 1)>()[%n] {
        affine.for %k = 1 to affine_map<()[s0] -> (s0 - 1)>()[%n] {
          %c = affine.load %B[%i, %j, %k] : memref<?x?x?xf64>
          %ip = affine.load %B[%i + 1, %j, %k] : memref<?x?x?xf64>
          %im = affine.load %B[%i - 1, %j, %k] : memref<?x?x?xf64>
          %jp = affine.load %B[%i, %j + 1, %k] : memref<?x?x?xf64>
          %jm = affine.load %B[%i, %j - 1, %k] : memref<?x?x?xf64>
          %kp = affine.load %B[%i, %j, %k + 1] : memref<?x?x?xf64>
          %km = affine.load %B[%i, %j, %k - 1] : memref<?x?x?xf64>
          %ti0 = arith.mulf %two, %c : f64
          %ti1 = arith.subf %ip, %ti0 : f64
          %ti2 = arith.addf %ti1, %im : f64
          %ti3 = arith.mulf %eighth, %ti2 : f64
          %tj0 = arith.mulf %two, %c : f64
          %tj1 = arith.subf %jp, %tj0 : f64
          %tj2 = arith.addf %tj1, %jm : f64
          %tj3 = arith.mulf %eighth, %tj2 : f64
          %tk0 = arith.mulf %two, %c : f64
          %tk1 = arith.subf %kp, %tk0 : f64
          %tk2 = arith.addf %tk1, %km : f64
          %tk3 = arith.mulf %eighth, %tk2 : f64
          %u0 = arith.addf %ti3, %tj3 : f64
          %u1 = arith.addf %u0, %tk3 : f64
          %u2 = arith.addf %u1, %c : f64
          affine.store %u2, %A[%i, %j, %k] : memref<?x?x?xf64>
        }
      }
    }
  }
  return
}

// RUN: polytile-opt %s --affine-polyhedral-schedule | FileCheck %s
// RUN: polytile-opt %s --affine-polyhedral-schedule='fusion=max tile-sizes=8' | FileCheck %s
// The kernel also serves as input to test/python/test_polyhedral.py and bench/polybench.py,
// which check its numerics; here: the pass accepts it and the result verifies.
// CHECK-LABEL: func.func @mm2
// CHECK: affine.for

// PolyBench 2mm: tmp = alpha*A*B; D = beta*D + tmp*C. A: NIxNK, B: NKxNJ, C: NJxNL, D: NIxNL, tmp: NIxNJ.
func.func @mm2(%tmp: memref<?x?xf64>, %A: memref<?x?xf64>, %B: memref<?x?xf64>, %C: memref<?x?xf64>, %D: memref<?x?xf64>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %alpha = arith.constant 1.5 : f64
  %beta = arith.constant 1.2 : f64
  %ni = memref.dim %A, %c0 : memref<?x?xf64>
  %nk = memref.dim %A, %c1 : memref<?x?xf64>
  %nj = memref.dim %B, %c1 : memref<?x?xf64>
  %nl = memref.dim %C, %c1 : memref<?x?xf64>
  affine.for %i = 0 to %ni {
    affine.for %j = 0 to %nj {
      affine.store %zero, %tmp[%i, %j] : memref<?x?xf64>
      affine.for %k = 0 to %nk {
        %a = affine.load %A[%i, %k] : memref<?x?xf64>
        %t = arith.mulf %alpha, %a : f64
        %b = affine.load %B[%k, %j] : memref<?x?xf64>
        %p = arith.mulf %t, %b : f64
        %c = affine.load %tmp[%i, %j] : memref<?x?xf64>
        %r = arith.addf %c, %p : f64
        affine.store %r, %tmp[%i, %j] : memref<?x?xf64>
      }
    }
  }
  affine.for %i = 0 to %ni {
    affine.for %j = 0 to %nl {
      %d = affine.load %D[%i, %j] : memref<?x?xf64>
      %s = arith.mulf %d, %beta : f64
      affine.store %s, %D[%i, %j] : memref<?x?xf64>
      affine.for %k = 0 to %nj {
        %a = affine.load %tmp[%i, %k] : memref<?x?xf64>
        %b = affine.load %C[%k, %j] : memref<?x?xf64>
        %p = arith.mulf %a, %b : f64
        %c = affine.load %D[%i, %j] : memref<?x?xf64>
        %r = arith.addf %c, %p : f64
        affine.store %r, %D[%i, %j] : memref<?x?xf64>
      }
    }
  }
  return
}

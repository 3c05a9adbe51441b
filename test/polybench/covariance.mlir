// RUN: polytile-opt %s --affine-polyhedral-schedule | FileCheck %s
// RUN: polytile-opt %s --affine-polyhedral-schedule='fusion=max tile-sizes=8' | FileCheck %s
// The kernel also serves as input to test/python/test_polyhedral.py and bench/polybench.py,
// which check its numerics; here: the pass accepts it and the result verifies.
// CHECK-LABEL: func.func @covariance
// CHECK: affine.for

// PolyBench covariance: data: NxM (centered in place), mean: M, cov: MxM.
func.func @covariance(%data: memref<?x?xf64>, %cov: memref<?x?xf64>, %mean: memref<?xf64>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %one = arith.constant 1.0 : f64
  %n = memref.dim %data, %c0 : memref<?x?xf64>
  %m = memref.dim %data, %c1 : memref<?x?xf64>
  %ni = arith.index_cast %n : index to i64
  %float_n = arith.sitofp %ni : i64 to f64
  %float_n1 = arith.subf %float_n, %one : f64
  affine.for %j = 0 to %m {
    affine.store %zero, %mean[%j] : memref<?xf64>
    affine.for %i = 0 to %n {
      %d = affine.load %data[%i, %j] : memref<?x?xf64>
      %s = affine.load %mean[%j] : memref<?xf64>
      %a = arith.addf %s, %d : f64
      affine.store %a, %mean[%j] : memref<?xf64>
    }
    %s = affine.load %mean[%j] : memref<?xf64>
    %q = arith.divf %s, %float_n : f64
    affine.store %q, %mean[%j] : memref<?xf64>
  }
  affine.for %i = 0 to %n {
    affine.for %j = 0 to %m {
      %d = affine.load %data[%i, %j] : memref<?x?xf64>
      %s = affine.load %mean[%j] : memref<?xf64>
      %r = arith.subf %d, %s : f64
      affine.store %r, %data[%i, %j] : memref<?x?xf64>
    }
  }
  affine.for %i = 0 to %m {
    affine.for %j = affine_map<(d0) -> (d0)>(%i) to %m {
      affine.store %zero, %cov[%i, %j] : memref<?x?xf64>
      affine.for %k = 0 to %n {
        %a = affine.load %data[%k, %i] : memref<?x?xf64>
        %b = affine.load %data[%k, %j] : memref<?x?xf64>
        %p = arith.mulf %a, %b : f64
        %c = affine.load %cov[%i, %j] : memref<?x?xf64>
        %s = arith.addf %c, %p : f64
        affine.store %s, %cov[%i, %j] : memref<?x?xf64>
      }
      %c = affine.load %cov[%i, %j] : memref<?x?xf64>
      %q = arith.divf %c, %float_n1 : f64
      affine.store %q, %cov[%i, %j] : memref<?x?xf64>
      %c2 = affine.load %cov[%i, %j] : memref<?x?xf64>
      affine.store %c2, %cov[%j, %i] : memref<?x?xf64>
    }
  }
  return
}

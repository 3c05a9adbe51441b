// RUN: polytile-opt %s --split-input-file --affine-polyhedral-deps -o /dev/null 2>&1 | FileCheck %s

// Element-wise producer/consumer: one flow dependence per element, nothing carried.
// CHECK-LABEL: scop in @chain: 2 statement(s), arrays arg0, arg1, arg2
// CHECK: S0: domain { S0[i0] : 0 <= i0 <= 15 }
// CHECK: read  { S0[i0] -> arg0[i0] : 0 <= i0 <= 15 }
// CHECK: write { S0[i0] -> arg2[i0] : 0 <= i0 <= 15 }
// CHECK: flow: { S0[i0] -> S1[i0' = i0] : 0 <= i0 <= 15 }
// CHECK: anti: {  }
// CHECK: output: {  }
// CHECK: carried by original loop depth: 0=no
func.func @chain(%a: memref<16xf32>, %b: memref<16xf32>, %t: memref<16xf32>) {
  affine.for %i = 0 to 16 {
    %x = affine.load %a[%i] : memref<16xf32>
    %y = arith.mulf %x, %x : f32
    affine.store %y, %t[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 16 {
    %x = affine.load %t[%i] : memref<16xf32>
    %y = arith.addf %x, %x : f32
    affine.store %y, %b[%i] : memref<16xf32>
  }
  return
}

// -----

// A recurrence carried by the outer loop only (parametric size).
// CHECK-LABEL: scop in @carried: 1 statement(s), arrays arg0
// CHECK: S0: domain [p0] -> { S0[i0, i1] : 0 < i0 < p0 and 0 <= i1 < p0 }
// CHECK: flow: [p0] -> { S0[i0, i1] -> S0[i0' = 1 + i0, i1' = i1] : 0 < i0 <= -2 + p0 and 0 <= i1 < p0 }
// CHECK: anti: [p0] -> {  }
// CHECK: output: [p0] -> {  }
// CHECK: carried by original loop depth: 0=yes, 1=no
func.func @carried(%A: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %A, %c0 : memref<?x?xf32>
  affine.for %i = 1 to %n {
    affine.for %j = 0 to %n {
      %x = affine.load %A[%i - 1, %j] : memref<?x?xf32>
      affine.store %x, %A[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// -----

// gemm-like reduction: the k loop carries flow/output dependences, i and j are free.
// CHECK-LABEL: scop in @matmul: 1 statement(s), arrays arg0, arg1, arg2
// CHECK: flow: { S0[i0, i1, i2] -> S0[i0' = i0, i1' = i1, i2' = 1 + i2] : 0 <= i0 <= 7 and 0 <= i1 <= 7 and 0 <= i2 <= 6 }
// CHECK: output: { S0[i0, i1, i2] -> S0[i0' = i0, i1' = i1, i2' = 1 + i2] : 0 <= i0 <= 7 and 0 <= i1 <= 7 and 0 <= i2 <= 6 }
// CHECK: carried by original loop depth: 0=no, 1=no, 2=yes
func.func @matmul(%A: memref<8x8xf32>, %B: memref<8x8xf32>, %C: memref<8x8xf32>) {
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 8 {
      affine.for %k = 0 to 8 {
        %a = affine.load %A[%i, %k] : memref<8x8xf32>
        %b = affine.load %B[%k, %j] : memref<8x8xf32>
        %c = affine.load %C[%i, %j] : memref<8x8xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<8x8xf32>
      }
    }
  }
  return
}

// -----

// Anti dependence: the read of A[i+1] must stay before its overwrite.
// CHECK-LABEL: scop in @anti: 1 statement(s), arrays arg0
// CHECK: flow: {  }
// CHECK: anti: { S0[i0] -> S0[i0' = 1 + i0] : 0 <= i0 <= 6 }
// CHECK: carried by original loop depth: 0=yes
func.func @anti(%A: memref<9xf32>) {
  affine.for %i = 0 to 8 {
    %x = affine.load %A[%i + 1] : memref<9xf32>
    affine.store %x, %A[%i] : memref<9xf32>
  }
  return
}

// -----

// A nest with a non-affine access is reported and left alone; the affine nest after it is analyzed.
// CHECK: affine-polyhedral-deps.mlir":[[@LINE+5]]:10): remark: loop nest left alone, not a static control part: 'memref.load' is not supported in a static control part
// CHECK-LABEL: scop in @mixed: 1 statement(s), arrays arg0
func.func @mixed(%A: memref<8xf32>, %idx: memref<8xindex>) {
  affine.for %i = 0 to 8 {
    %k = affine.load %idx[%i] : memref<8xindex>
    %x = memref.load %A[%k] : memref<8xf32>
    affine.store %x, %A[%i] : memref<8xf32>
  }
  affine.for %i = 0 to 8 {
    %x = affine.load %A[%i] : memref<8xf32>
    %y = arith.addf %x, %x : f32
    affine.store %y, %A[%i] : memref<8xf32>
  }
  return
}

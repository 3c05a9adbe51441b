// RUN: polytile-opt %s --split-input-file --gpu-matmul-shared-tiles | FileCheck %s

// A matmul becomes one block of 16x16 threads per 64x64 tile of C: each
// 16-wide k slice of A and B is copied to shared memory between two barriers,
// each thread accumulates 4x4 outputs with fma in registers and adds them to C.
// 128x64x32 divides the tiles: no guards.
// CHECK-LABEL: func.func @fp32
// CHECK-SAME: (%[[A:.*]]: memref<128x32xf32>, %[[B:.*]]: memref<32x64xf32>, %[[C:.*]]: memref<128x64xf32>)
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[C1:[a-z0-9_]+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:[a-z0-9_]+]] = arith.constant 2 : index
// CHECK-DAG: %[[C16:[a-z0-9_]+]] = arith.constant 16 : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %[[C1]], %{{.*}} = %[[C2]], %{{.*}} = %[[C1]]) threads(%[[TX:[a-z0-9_]+]], %[[TY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{.*}} = %[[C16]], %{{.*}} = %[[C16]], %{{.*}} = %[[C1]]) workgroup(%[[AS:.*]] : memref<64x16xf32, #gpu.address_space<workgroup>>, %[[BS:.*]] : memref<16x64xf32, #gpu.address_space<workgroup>>)
// CHECK-NOT: scf.if
// CHECK: %[[ACC:.*]]:16 = scf.for %[[K0:.*]] = %{{.*}} to %{{.*}} step %[[C16]] iter_args
// CHECK: %[[X:.*]] = memref.load %[[A]]
// CHECK: memref.store %[[X]], %[[AS]]
// CHECK: %[[Y:.*]] = memref.load %[[B]]
// CHECK: memref.store %[[Y]], %[[BS]]
// CHECK: gpu.barrier
// CHECK: scf.for %[[KK:.*]] = %{{.*}} to %[[C16]] step %[[C1]] iter_args
// CHECK: memref.load %[[AS]][%[[TY]], %[[KK]]]
// CHECK: memref.load %[[BS]][%[[KK]], %[[TX]]]
// CHECK-COUNT-16: math.fma
// CHECK: gpu.barrier
// CHECK: %[[OLD:.*]] = memref.load %[[C]]
// CHECK: %[[NEW:.*]] = arith.addf %[[OLD]], %[[ACC]]#0 : f32
// CHECK: memref.store %[[NEW]], %[[C]]
// CHECK: gpu.terminator
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @fp32(%x: memref<128x32xf32>, %y: memref<32x64xf32>, %z: memref<128x64xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<128x32xf32>, memref<32x64xf32>) outs(%z : memref<128x64xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Ragged sizes get guarded loads (zero outside) and guarded stores; a
// transposed B (Gemm transB) is read as B[n, k].
// CHECK-LABEL: func.func @ragged_transposed
// CHECK-SAME: (%[[A:.*]]: memref<9x17xf32>, %[[B:.*]]: memref<13x17xf32>, %[[C:.*]]: memref<9x13xf32>)
// CHECK: gpu.launch
// CHECK: scf.if %{{.*}} -> (f32) {
// CHECK: memref.load %[[A]]
// CHECK: %[[K:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: %[[N:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: scf.if %{{.*}} -> (f32) {
// CHECK-NEXT: memref.load %[[B]][%[[N]], %[[K]]] : memref<13x17xf32>
// CHECK: math.fma
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: memref.load %[[C]]
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @ragged_transposed(%x: memref<9x17xf32>, %y: memref<13x17xf32>, %z: memref<9x13xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<9x17xf32>, memref<13x17xf32>) outs(%z : memref<9x13xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Not matmul-like: an integer matmul, a reduction whose body is not a
// multiply-add, and a generic on tensors stay as they are.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: gpu.launch
// CHECK: linalg.generic
// CHECK: arith.muli
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @left_alone(%x: memref<4x4xi32>, %z: memref<4x4xi32>, %f: memref<4x4xf32>, %g: memref<4x4xf32>,
                      %t: tensor<4x4xf32>) -> tensor<4x4xf32> {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %x : memref<4x4xi32>, memref<4x4xi32>) outs(%z : memref<4x4xi32>) {
  ^bb0(%p: i32, %q: i32, %acc: i32):
    %m = arith.muli %p, %q : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  }
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%f, %f : memref<4x4xf32>, memref<4x4xf32>) outs(%g : memref<4x4xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.maximumf %acc, %m : f32
    linalg.yield %s : f32
  }
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%t, %t : tensor<4x4xf32>, tensor<4x4xf32>) outs(%t : tensor<4x4xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

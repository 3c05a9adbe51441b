// RUN: polytile-opt %s --split-input-file --memref-copy-to-linalg | FileCheck %s

// A copy into a padded buffer's interior (a strided subview) becomes a linalg.copy, which
// lowers to a loop nest instead of the runtime's element-by-element memrefCopy.
// CHECK-LABEL: func.func @into_interior
// CHECK-SAME: (%[[A:[^:]*]]: memref<1x4x4x8xf32>, %[[P:[^:]*]]: memref<1x6x6x8xf32>)
// CHECK: %[[S:.*]] = memref.subview %[[P]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK: linalg.copy {{.*}}ins(%[[A]] : memref<1x4x4x8xf32>) outs(%[[S]] : memref<1x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>>)
// CHECK-NOT: memref.copy
func.func @into_interior(%a: memref<1x4x4x8xf32>, %p: memref<1x6x6x8xf32>) {
  %s = memref.subview %p[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1] : memref<1x6x6x8xf32> to memref<1x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>>
  memref.copy %a, %s : memref<1x4x4x8xf32> to memref<1x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>>
  return
}

// -----

// Dynamic shapes too.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[A:[^:]*]]: memref<?x3xf32>, %[[B:[^:]*]]: memref<?x3xf32>)
// CHECK: linalg.copy {{.*}}ins(%[[A]] : memref<?x3xf32>) outs(%[[B]] : memref<?x3xf32>)
func.func @dynamic(%a: memref<?x3xf32>, %b: memref<?x3xf32>) {
  memref.copy %a, %b : memref<?x3xf32> to memref<?x3xf32>
  return
}

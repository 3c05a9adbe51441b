// RUN: polytile-opt %s --gpu-memref-copy-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @copy
// CHECK-SAME: (%[[A:.*]]: memref<2x3xf32>, %[[B:.*]]: memref<2x3xf32, strided<[4, 1]>>)
// CHECK: linalg.copy {{.*}}ins(%[[A]] : memref<2x3xf32>) outs(%[[B]] : memref<2x3xf32, strided<[4, 1]>>)
// CHECK-NOT: memref.copy
func.func @copy(%a: memref<2x3xf32>, %b: memref<2x3xf32, strided<[4, 1]>>) {
  memref.copy %a, %b : memref<2x3xf32> to memref<2x3xf32, strided<[4, 1]>>
  return
}

// RUN: polytile-opt %s --split-input-file --bufferization-unshare-output-chains | FileCheck %s

// Two accumulators share one zero fill (merged by cse): each output's chain gets
// its own fill and tensor.empty; the second chain keeps the originals.
// CHECK-LABEL: func.func @shared_fill
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<8x5xf32>, %[[OUT0:.*]]: memref<4x5xf32>, %[[OUT1:.*]]: memref<4x5xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x5xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4x5xf32>)
// CHECK: %[[E0:.*]] = tensor.empty() : tensor<4x5xf32>
// CHECK: %[[F0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E0]] : tensor<4x5xf32>)
// CHECK: %[[M0:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x5xf32>) outs(%[[F0]] : tensor<4x5xf32>)
// CHECK: %[[M1:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x5xf32>) outs(%[[F]] : tensor<4x5xf32>)
// CHECK: bufferization.materialize_in_destination %[[M0]] in restrict writable %[[OUT0]]
// CHECK: bufferization.materialize_in_destination %[[M1]] in restrict writable %[[OUT1]]
func.func @shared_fill(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %out0: memref<4x5xf32>, %out1: memref<4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x5xf32>) -> tensor<4x5xf32>
  %m0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x5xf32>) outs(%f : tensor<4x5xf32>) -> tensor<4x5xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x5xf32>) outs(%f : tensor<4x5xf32>) -> tensor<4x5xf32>
  bufferization.materialize_in_destination %m0 in restrict writable %out0 : (tensor<4x5xf32>, memref<4x5xf32>) -> ()
  bufferization.materialize_in_destination %m1 in restrict writable %out1 : (tensor<4x5xf32>, memref<4x5xf32>) -> ()
  return
}

// -----

// An expensive shared value on a chain (a product both outputs accumulate into) is
// copied, not recomputed; its dynamic dims come from tensor.dim.
// CHECK-LABEL: func.func @shared_product
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[B:.*]]: tensor<8x5xf32>, %[[C:.*]]: tensor<?x5xf32>, %[[OUT0:.*]]: memref<?x5xf32>, %[[OUT1:.*]]: memref<?x5xf32>)
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<?x8xf32>, tensor<8x5xf32>) outs(%[[C]] : tensor<?x5xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D:.*]] = tensor.dim %[[P]], %[[C0]] : tensor<?x5xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x5xf32>
// CHECK: %[[COPY:.*]] = linalg.copy {{.*}}ins(%[[P]] : tensor<?x5xf32>) outs(%[[E]] : tensor<?x5xf32>)
// CHECK: %[[M0:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<?x8xf32>, tensor<8x5xf32>) outs(%[[COPY]] : tensor<?x5xf32>)
// CHECK: %[[M1:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<?x8xf32>, tensor<8x5xf32>) outs(%[[P]] : tensor<?x5xf32>)
// CHECK: bufferization.materialize_in_destination %[[M0]] in restrict writable %[[OUT0]]
// CHECK: bufferization.materialize_in_destination %[[M1]] in restrict writable %[[OUT1]]
func.func @shared_product(%a: tensor<?x8xf32>, %b: tensor<8x5xf32>, %c: tensor<?x5xf32>, %out0: memref<?x5xf32>, %out1: memref<?x5xf32>) {
  %p = linalg.matmul ins(%a, %b : tensor<?x8xf32>, tensor<8x5xf32>) outs(%c : tensor<?x5xf32>) -> tensor<?x5xf32>
  %m0 = linalg.matmul ins(%a, %b : tensor<?x8xf32>, tensor<8x5xf32>) outs(%p : tensor<?x5xf32>) -> tensor<?x5xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<?x8xf32>, tensor<8x5xf32>) outs(%p : tensor<?x5xf32>) -> tensor<?x5xf32>
  bufferization.materialize_in_destination %m0 in restrict writable %out0 : (tensor<?x5xf32>, memref<?x5xf32>) -> ()
  bufferization.materialize_in_destination %m1 in restrict writable %out1 : (tensor<?x5xf32>, memref<?x5xf32>) -> ()
  return
}

// -----

// Chains with one use per value, the same value written to two outputs, an input
// written to an output, and chain values that are also read (a linalg input) are
// left as they are.
// CHECK-LABEL: func.func @unshared
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<8x5xf32>, %[[OUT0:.*]]: memref<4x5xf32>, %[[OUT1:.*]]: memref<4x5xf32>, %[[OUT2:.*]]: memref<4x8xf32>, %[[OUT3:.*]]: memref<4x5xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x5xf32>
// CHECK-NEXT: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4x5xf32>)
// CHECK-NEXT: %[[M:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x5xf32>) outs(%[[F]] : tensor<4x5xf32>)
// CHECK-NEXT: %[[E2:.*]] = tensor.empty() : tensor<4x5xf32>
// CHECK-NEXT: %[[N:.*]] = linalg.copy {{.*}}ins(%[[F]] : tensor<4x5xf32>) outs(%[[E2]] : tensor<4x5xf32>)
// CHECK-NEXT: bufferization.materialize_in_destination %[[M]] in restrict writable %[[OUT0]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[M]] in restrict writable %[[OUT1]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[A]] in restrict writable %[[OUT2]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[N]] in restrict writable %[[OUT3]]
// CHECK-NEXT: return
func.func @unshared(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %out0: memref<4x5xf32>, %out1: memref<4x5xf32>, %out2: memref<4x8xf32>, %out3: memref<4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x5xf32>) -> tensor<4x5xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x5xf32>) outs(%f : tensor<4x5xf32>) -> tensor<4x5xf32>
  %e2 = tensor.empty() : tensor<4x5xf32>
  %n = linalg.copy ins(%f : tensor<4x5xf32>) outs(%e2 : tensor<4x5xf32>) -> tensor<4x5xf32>
  bufferization.materialize_in_destination %m in restrict writable %out0 : (tensor<4x5xf32>, memref<4x5xf32>) -> ()
  bufferization.materialize_in_destination %m in restrict writable %out1 : (tensor<4x5xf32>, memref<4x5xf32>) -> ()
  bufferization.materialize_in_destination %a in restrict writable %out2 : (tensor<4x8xf32>, memref<4x8xf32>) -> ()
  bufferization.materialize_in_destination %n in restrict writable %out3 : (tensor<4x5xf32>, memref<4x5xf32>) -> ()
  return
}

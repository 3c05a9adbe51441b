// RUN: polytile-opt %s --split-input-file --func-add-memref-entry | FileCheck %s
// RUN: polytile-opt %s --split-input-file --func-add-memref-entry='function=main entry-name=run' | FileCheck %s --check-prefix=NAMED

// Static: inputs and outputs as caller-owned memrefs; no shapes entry.
// CHECK-LABEL: func.func private @main
// CHECK-LABEL: func.func @polytile_entry
// CHECK-SAME: (%[[IN:.*]]: memref<2x3xf32>, %[[OUT0:.*]]: memref<2x3xf32>, %[[OUT1:.*]]: memref<3xi64>)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[IN]] restrict : memref<2x3xf32> to tensor<2x3xf32>
// CHECK: %[[R:.*]]:2 = call @main(%[[T]])
// CHECK: bufferization.materialize_in_destination %[[R]]#0 in restrict writable %[[OUT0]]
// CHECK: bufferization.materialize_in_destination %[[R]]#1 in restrict writable %[[OUT1]]
// CHECK: return
// CHECK-NOT: polytile_entry_shapes
// CHECK-NOT: polytile.dynamic_result_dims
// NAMED-LABEL: func.func @run
module {
  func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xi64>) {
    %c = arith.constant dense<[1, 2, 3]> : tensor<3xi64>
    return %x, %c : tensor<2x3xf32>, tensor<3xi64>
  }
}

// -----

// Dynamic dims stay dynamic; the shapes entry stores each dynamic result dim
// (results in order, dims in order) into its last argument; the module lists
// them as (result, dim) pairs.
// CHECK: module attributes {polytile.dynamic_result_dims = array<i64: 0, 0, 0, 1>}
// CHECK-LABEL: func.func @polytile_entry
// CHECK-SAME: (%{{.*}}: memref<?x4xf32>, %{{.*}}: memref<?x?xf32>)
// CHECK-LABEL: func.func @polytile_entry_shapes
// CHECK-SAME: (%[[X:.*]]: memref<?x4xf32>, %[[DIMS:.*]]: memref<2xi64>) attributes {llvm.emit_c_interface}
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[X]] restrict
// CHECK: %[[R:.*]] = call @main(%[[T]])
// CHECK: %[[D0:.*]] = tensor.dim %[[R]], %{{.*}}
// CHECK: %[[I0:.*]] = arith.index_cast %[[D0]] : index to i64
// CHECK: memref.store %[[I0]], %[[DIMS]][%{{.*}}] : memref<2xi64>
// CHECK: %[[D1:.*]] = tensor.dim %[[R]], %{{.*}}
// CHECK: %[[I1:.*]] = arith.index_cast %[[D1]] : index to i64
// CHECK: memref.store %[[I1]], %[[DIMS]][%{{.*}}] : memref<2xi64>
// NAMED-LABEL: func.func @run_shapes
module {
  func.func @main(%x: tensor<?x4xf32>) -> tensor<?x?xf32> {
    %y = tensor.cast %x : tensor<?x4xf32> to tensor<?x?xf32>
    return %y : tensor<?x?xf32>
  }
}

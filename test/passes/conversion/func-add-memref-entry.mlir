// RUN: polytile-opt %s --func-add-memref-entry | FileCheck %s
// RUN: polytile-opt %s --func-add-memref-entry='function=main entry-name=run' | FileCheck %s --check-prefix=NAMED

// CHECK-LABEL: func.func private @main
// CHECK-LABEL: func.func @polytile_entry
// CHECK-SAME: (%[[IN:.*]]: memref<2x3xf32>, %[[OUT0:.*]]: memref<2x3xf32>, %[[OUT1:.*]]: memref<3xi64>)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[IN]] restrict : memref<2x3xf32> to tensor<2x3xf32>
// CHECK: %[[R:.*]]:2 = call @main(%[[T]])
// CHECK: bufferization.materialize_in_destination %[[R]]#0 in restrict writable %[[OUT0]]
// CHECK: bufferization.materialize_in_destination %[[R]]#1 in restrict writable %[[OUT1]]
// CHECK: return
// NAMED-LABEL: func.func @run
module {
  func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xi64>) {
    %c = arith.constant dense<[1, 2, 3]> : tensor<3xi64>
    return %x, %c : tensor<2x3xf32>, tensor<3xi64>
  }
}

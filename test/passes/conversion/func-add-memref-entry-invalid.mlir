// RUN: polytile-opt %s --split-input-file --verify-diagnostics --func-add-memref-entry

// expected-error@+1 {{no function named 'main'}}
module {
  func.func @other(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// -----


// expected-error@+1 {{'main' must take and return ranked tensors, got tensor<*xf32>}}
func.func @main(%x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}

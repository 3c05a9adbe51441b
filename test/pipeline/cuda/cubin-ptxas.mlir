// REQUIRES: ptxas
// RUN: polytile-compile --target cuda --target-option binary-format=bin --from=tg --emit=llvm %s | FileCheck %s

// With ptxas installed, the cuda target's pipeline can assemble the PTX of
// every kernel into a cubin at compile time (binary_format=bin): here the fill
// kernel and the shared-memory matmul kernel.
// CHECK: gpu.binary @polytile_entry_kernel
// CHECK-SAME: bin = "
// CHECK: gpu.binary @polytile_entry_kernel_0
// CHECK-SAME: bin = "
func.func @main(%a: tensor<4x6xf32>, %b: tensor<6x5xf32>) -> tensor<4x5xf32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// --mlir-print-op-generic prints every op in generic form.
// RUN: polytile-opt %s --mlir-print-op-generic | FileCheck %s
// RUN: polytile-opt %s --mlir-print-op-generic | polytile-opt | FileCheck %s --check-prefix=ROUNDTRIP

// CHECK: "builtin.module"() ({
// CHECK: "func.func"() <{function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "f"}> ({
// CHECK: ^bb0(%[[X:.*]]: tensor<2xf32>):
// CHECK: %[[C:.*]] = "arith.constant"() <{value = dense<1.000000e+00> : tensor<2xf32>}> : () -> tensor<2xf32>
// CHECK: %[[R:.*]] = "tg.add"(%[[X]], %[[C]]) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
// CHECK: "func.return"(%[[R]]) : (tensor<2xf32>) -> ()

// ROUNDTRIP: func.func @f
// ROUNDTRIP: arith.constant dense<1.000000e+00>
// ROUNDTRIP: return
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense<1.0> : tensor<2xf32>
  %0 = "tg.add"(%x, %c) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// Input from standard input: '-' as the input name, or no positional argument.
// RUN: polytile-opt - < %s | FileCheck %s
// RUN: polytile-opt < %s | FileCheck %s
// RUN: polytile-opt --tg-dce < %s | FileCheck %s --check-prefix=DCE
// Locations name the buffer "<stdin>", as mlir-opt does.
// RUN: polytile-opt --mlir-print-debuginfo < %s | FileCheck %s --check-prefix=LOC

// CHECK-LABEL: func.func @from_stdin
// CHECK: "tg.relu"
// DCE-LABEL: func.func @from_stdin
// DCE-NOT: tg.relu
// LOC: loc("<stdin>":[[@LINE+1]]:1)
func.func @from_stdin(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "tg.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %x : tensor<2xf32>
}

// --pass-pipeline and per-pass flags cannot be mixed (as in mlir-opt).
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(cse)' --tg-dce 2>&1 | FileCheck %s
// RUN: not polytile-opt %s --cse --pass-pipeline='builtin.module(tg-dce)' 2>&1 | FileCheck %s

// CHECK: polytile-opt: '--pass-pipeline' option can't be used with individual pass options
// CHECK-NOT: Traceback
func.func @f() {
  return
}

// Each `// -----` part is processed on its own; outputs are separated by `// -----`.
// RUN: polytile-opt %s --split-input-file --tg-dce | FileCheck %s
// Without the flag the marker is only a comment and the file is one module.
// RUN: polytile-opt %s --tg-dce | FileCheck %s --check-prefix=WHOLE
// Every part is processed, and reports its own errors.
// RUN: not polytile-opt %s --split-input-file --tg-canonicalize='max-iterations=0' 2>&1 | FileCheck %s --check-prefix=FAIL

// CHECK: module {
// CHECK-LABEL: func.func @first
// CHECK-NOT: tg.relu
// CHECK: {{^}}}
// CHECK-EMPTY:
// CHECK-NEXT: // -----
// CHECK-NEXT: module {
// CHECK-LABEL: func.func @second
// CHECK-NOT: tg.relu
// CHECK: // -----
// CHECK-NEXT: module {
// CHECK-LABEL: func.func @third
// CHECK-NOT: // -----

// WHOLE: module {
// WHOLE: func.func @first
// WHOLE-NOT: module
// WHOLE: func.func @second
// WHOLE: func.func @third
// WHOLE-NOT: // -----

// FAIL-COUNT-3: error: max-iterations must be at least 1
// FAIL-NOT: Traceback
func.func @first(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "tg.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %x : tensor<2xf32>
}

// -----

func.func @second(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "tg.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %x : tensor<2xf32>
}

// -----

func.func @third() {
  return
}

// A parse error: file:line:col, the source line and a caret, exit code 1.
// RUN: not polytile-opt %s 2>&1 | FileCheck %s --strict-whitespace
// RUN: not polytile-opt %s --split-input-file 2>&1 | FileCheck %s --strict-whitespace --check-prefixes=CHECK,SPLIT
// RUN: not polytile-opt - < %s 2>&1 | FileCheck %s --check-prefix=STDIN

func.func @f() {
  // CHECK: parse-error.mlir:[[@LINE+4]]:30: error: expected operation name in quotes
  // CHECK-NEXT: {{^}}  %0 = arith.constant 1 : i32 i32{{$}}
  // CHECK-NEXT: {{^}}                             ^{{$}}
  // STDIN: <stdin>:[[@LINE+1]]:30: error: expected operation name in quotes
  %0 = arith.constant 1 : i32 i32
  return
}
// CHECK-NOT: Traceback
// STDIN-NOT: Traceback

// -----

// In split mode each part is parsed on its own and reports its own error.
func.func @g(%x: i32) {
  // SPLIT: parse-error.mlir:[[@LINE+3]]:23: error: use of undeclared SSA value name
  // SPLIT-NEXT: {{^}}  %0 = arith.addi %x, %y : i32{{$}}
  // SPLIT-NEXT: {{^}}                      ^{{$}}
  %0 = arith.addi %x, %y : i32
  return
}
// SPLIT-NOT: Traceback

// Ops of unknown dialects are rejected unless --allow-unregistered-dialect.
// RUN: polytile-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: polytile-opt %s --allow-unregistered-dialect --tg-dce --cse | FileCheck %s
// RUN: not polytile-opt %s 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK-LABEL: func.func @f
// CHECK: %[[A:.*]] = "foo.producer"() : () -> i32
// CHECK: "foo.consumer"(%[[A]]) {foo.attr = 3 : i64} : (i32) -> ()

// ERR: allow-unregistered-dialect.mlir:[[@LINE+4]]:22: error: operation being parsed with an unregistered dialect. If this is intended, please use -allow-unregistered-dialect with the MLIR tool used
// ERR-NEXT: "foo.producer"
// ERR-NOT: Traceback
func.func @f() {
  %0 = "foo.producer"() : () -> i32
  "foo.consumer"(%0) {foo.attr = 3 : i64} : (i32) -> ()
  return
}

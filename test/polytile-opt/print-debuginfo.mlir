// --mlir-print-debuginfo prints locations: the input file's name and the real
// line and column of each op, also in split mode (lines count from the top of
// the file, not of the part).
// RUN: polytile-opt %s --mlir-print-debuginfo | FileCheck %s
// RUN: polytile-opt %s --split-input-file --mlir-print-debuginfo | FileCheck %s
// Columns on line 1 are exact, with one top-level op or several.
// RUN: echo 'func.func @one(%%a: i32) { return }' | polytile-opt --mlir-print-debuginfo | FileCheck %s --check-prefix=LINE1
// RUN: echo 'func.func @one(%%a: i32) { return } func.func @two() { return }' | polytile-opt --mlir-print-debuginfo | FileCheck %s --check-prefix=LINE1

// CHECK-DAG: loc("{{.*}}print-debuginfo.mlir":[[@LINE+2]]:1)
// CHECK-DAG: loc("{{.*}}print-debuginfo.mlir":[[@LINE+1]]:18)
func.func @first(%x: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK-DAG: loc("{{.*}}print-debuginfo.mlir":[[@LINE+1]]:8)
  %0 = "tg.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  // CHECK-DAG: loc("{{.*}}print-debuginfo.mlir":[[@LINE+1]]:3)
  return %0 : tensor<2xf32>
}

// -----

// CHECK-DAG: loc("{{.*}}print-debuginfo.mlir":[[@LINE+1]]:1)
func.func @second() -> i32 {
  // CHECK-DAG: loc("{{.*}}print-debuginfo.mlir":[[@LINE+1]]:8)
  %c = arith.constant 7 : i32
  return %c : i32
}

// LINE1-DAG: loc("<stdin>":1:1)
// LINE1-DAG: loc("<stdin>":1:16)
// LINE1-DAG: loc("<stdin>":1:27)

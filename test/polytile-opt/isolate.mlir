// --isolate: a pass that kills the process (SIGABRT, as a failed LLVM assertion
// does) dies in a child process; polytile-opt prints one error naming the pass
// and the reproducer, exits with code 1 and leaves no output file.
// RUN: rm -f %t.out %t.repro.mlir && touch %t.out
// RUN: not polytile-opt %s --isolate --load-pass-module=polytile.testing_passes --tg-canonicalize --test-abort --tg-dce --mlir-pass-pipeline-crash-reproducer=%t.repro.mlir -o %t.out 2>&1 | FileCheck %s
// RUN: not test -e %t.out

// The reproducer (MLIR's format): the IR before the pass, then the pipeline from it on.
// RUN: FileCheck %s --check-prefix=REPRO < %t.repro.mlir
// It replays with --run-reproducer, crashing the same way (in a child again).
// RUN: not polytile-opt %t.repro.mlir --run-reproducer --load-pass-module=polytile.testing_passes --mlir-pass-pipeline-crash-reproducer=%t.again.mlir 2>&1 | FileCheck %s --check-prefix=REPLAY

// A real assertion in an upstream C++ pass: its message, then the error.
// RUN: not polytile-opt %s --load-pass-module=polytile.testing_passes --pass-pipeline='builtin.module(func.func(cse),test-abort-in-cpp)' --mlir-pass-pipeline-crash-reproducer=%t.cpp.mlir 2>&1 | FileCheck %s --check-prefix=CPP
// An exit without a signal or a result.
// RUN: not polytile-opt %s --isolate --load-pass-module=polytile.testing_passes --test-exit='code=3' --mlir-pass-pipeline-crash-reproducer=%t.exit.mlir 2>&1 | FileCheck %s --check-prefix=EXIT
// Without isolation the crash takes polytile-opt down.
// RUN: not --crash polytile-opt %s --no-isolate --load-pass-module=polytile.testing_passes --test-abort
// Test passes exist only where their module is loaded.
// RUN: polytile-opt --list-passes | FileCheck %s --check-prefix=LIST
// RUN: not polytile-opt %s --test-abort 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not polytile-opt %s --load-pass-module=polytile.no_such_module --tg-dce 2>&1 | FileCheck %s --check-prefix=NOMODULE
// RUN: not polytile-opt %s --no-isolate --mlir-pass-pipeline-crash-reproducer=%t.x.mlir 2>&1 | FileCheck %s --check-prefix=NOISOLATE

// CHECK: polytile-opt: error: the compiler crashed with SIGABRT in pass 'test-abort' (input {{.*}}isolate.mlir), in a child process; reproducer: {{.*}}.repro.mlir
// CHECK-NOT: Traceback

// REPRO: func.func @f
// REPRO: "tg.transpose"
// REPRO: {-#
// REPRO-NEXT:   external_resources: {
// REPRO-NEXT:     mlir_reproducer: {
// REPRO-NEXT:       pipeline: "builtin.module(test-abort,tg-dce)",
// REPRO-NEXT:       disable_threading: false,
// REPRO-NEXT:       verify_each: true
// REPRO-NEXT:     }
// REPRO-NEXT:   }
// REPRO-NEXT: #-}

// REPLAY: polytile-opt: error: the compiler crashed with SIGABRT in pass 'test-abort' (input {{.*}}.repro.mlir), in a child process; reproducer: {{.*}}.again.mlir

// CPP: Assertion `integralElementType.getWidth() >= 8' failed.
// CPP: polytile-opt: error: the compiler crashed with SIGABRT in pass 'test-abort-in-cpp' (input {{.*}}isolate.mlir), in a child process; reproducer: {{.*}}.cpp.mlir

// EXIT: polytile-opt: error: the compiler crashed (exit code 3, no result) in pass 'test-exit' (input {{.*}}isolate.mlir), in a child process; reproducer: {{.*}}.exit.mlir

// LIST: polytile passes:
// LIST-NOT: --test-abort

// UNKNOWN: polytile-opt: Unknown command line argument '--test-abort'.

// NOMODULE: polytile-opt: could not load pass module 'polytile.no_such_module': ModuleNotFoundError: No module named 'polytile.no_such_module'

// NOISOLATE: polytile-opt: '--mlir-pass-pipeline-crash-reproducer' needs --isolate: a crash is caught in a child process
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

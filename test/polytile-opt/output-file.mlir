// `-o <file>` writes the result there and nothing to stdout.
// RUN: polytile-opt %s --tg-dce -o %t > %t.stdout
// RUN: FileCheck %s < %t
// RUN: FileCheck %s --check-prefix=EMPTY --allow-empty < %t.stdout
// `-o=<file>` works too.
// RUN: polytile-opt %s --tg-dce -o=%t.2
// RUN: FileCheck %s < %t.2

// As mlir-opt, a failed run leaves no output file, not even a stale one.
// RUN: echo stale > %t.failed
// RUN: not polytile-opt %s --tg-canonicalize='max-iterations=0' -o %t.failed 2>&1 | FileCheck %s --check-prefix=FAIL
// RUN: %PYTHON -c "import os, sys; sys.exit(os.path.exists(sys.argv[1]))" %t.failed

// A directory that does not exist.
// RUN: not polytile-opt %s -o %t.nodir/out.mlir 2>&1 | FileCheck %s --check-prefix=NODIR

// CHECK-LABEL: func.func @written
// CHECK-NOT: tg.relu
// CHECK: return
// EMPTY-NOT: {{.}}
// FAIL: error: max-iterations must be at least 1
// FAIL-NOT: Traceback
// NODIR: polytile-opt: could not open output file '{{.*}}out.mlir': No such file or directory
// NODIR-NOT: Traceback
func.func @written(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "tg.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %x : tensor<2xf32>
}

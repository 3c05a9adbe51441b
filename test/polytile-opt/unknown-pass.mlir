// An unknown pass, in a pipeline or as a flag.
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(cse,no-such-pass)' 2>&1 | FileCheck %s --check-prefix=PIPELINE
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(tg-dce,func.func(no-such-pass))' 2>&1 | FileCheck %s --check-prefix=NESTED
// RUN: not polytile-opt %s --no-such-pass 2>&1 | FileCheck %s --check-prefix=FLAG

// PIPELINE: polytile-opt: invalid pass pipeline '{{.*}}': 'no-such-pass' does not refer to a registered pass or pass pipeline
// PIPELINE-NOT: Traceback
// NESTED: 'no-such-pass' does not refer to a registered pass or pass pipeline
// NESTED-NOT: Traceback
// FLAG: polytile-opt: Unknown command line argument '--no-such-pass'.
// FLAG-NOT: Traceback
func.func @f() {
  return
}

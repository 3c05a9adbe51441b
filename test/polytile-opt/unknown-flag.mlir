// An unknown flag is a usage error: a one-line message, exit code 1.
// RUN: not polytile-opt %s --no-such-flag 2>&1 | FileCheck %s
// RUN: not polytile-opt %s -x 2>&1 | FileCheck %s --check-prefix=SHORT
// RUN: not polytile-opt %s %s 2>&1 | FileCheck %s --check-prefix=TWO
// RUN: not polytile-opt %s --verify-each=maybe 2>&1 | FileCheck %s --check-prefix=BOOL
// RUN: not polytile-opt %s -o 2>&1 | FileCheck %s --check-prefix=NOVALUE

// CHECK: polytile-opt: Unknown command line argument '--no-such-flag'.  Try: 'polytile-opt --help'
// CHECK-NOT: Traceback
// SHORT: polytile-opt: Unknown command line argument '-x'.
// SHORT-NOT: Traceback
// TWO: polytile-opt: Too many positional arguments specified!
// TWO-NOT: Traceback
// BOOL: polytile-opt: for the --verify-each option: 'maybe' is invalid value for boolean argument!
// BOOL-NOT: Traceback
// NOVALUE: polytile-opt: option '-o' requires a value
// NOVALUE-NOT: Traceback
func.func @f() {
  return
}

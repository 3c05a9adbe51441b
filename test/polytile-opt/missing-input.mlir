// A missing or unreadable input file is reported by name.
// RUN: not polytile-opt %t.does-not-exist.mlir 2>&1 | FileCheck %s
// RUN: not polytile-opt %S 2>&1 | FileCheck %s --check-prefix=DIR

// CHECK: polytile-opt: could not open input file '{{.*}}does-not-exist.mlir': No such file or directory
// CHECK-NOT: Traceback
// DIR: polytile-opt: could not open input file '{{.*}}polytile-opt': Is a directory
// DIR-NOT: Traceback

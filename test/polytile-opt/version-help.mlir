// RUN: polytile-opt --version | FileCheck %s --check-prefix=VERSION
// RUN: polytile-opt --help | FileCheck %s --check-prefix=HELP
// RUN: polytile-opt -h | FileCheck %s --check-prefix=HELP

// VERSION: polytile {{[0-9]+\.[0-9]+\.[0-9]+}}
// VERSION-NEXT: MLIR/LLVM version {{[0-9]+\.}}

// HELP: USAGE: polytile-opt [options] <input file>
// HELP: -o <filename>
// HELP: --pass-pipeline=<pipeline>
// HELP: --split-input-file
// HELP: --verify-diagnostics
// HELP: --mlir-print-ir-after-all
// HELP: --mlir-timing
// HELP: --allow-unregistered-dialect
// HELP: --list-passes

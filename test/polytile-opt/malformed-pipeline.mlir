// Malformed pipeline text is reported with the column and a caret.
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(cse' 2>&1 | FileCheck %s --strict-whitespace --check-prefix=UNCLOSED
// RUN: not polytile-opt %s --pass-pipeline='cse)' 2>&1 | FileCheck %s --strict-whitespace --check-prefix=EXTRA
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(,cse)' 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(tg-canonicalize{max-iterations=2)' 2>&1 | FileCheck %s --check-prefix=BRACE
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(cse),cse' 2>&1 | FileCheck %s --check-prefix=ROOT

// UNCLOSED: polytile-opt: invalid pass pipeline: expected ')' at column 19
// UNCLOSED-NEXT: {{^}}builtin.module(cse{{$}}
// UNCLOSED-NEXT: {{^}}                  ^{{$}}
// UNCLOSED-NOT: Traceback
// EXTRA: polytile-opt: invalid pass pipeline: unexpected ')' at column 4
// EXTRA-NEXT: {{^}}cse){{$}}
// EXTRA-NEXT: {{^}}   ^{{$}}
// EXTRA-NOT: Traceback
// EMPTY: polytile-opt: invalid pass pipeline: expected a pass or operation name at column 16
// EMPTY-NOT: Traceback
// BRACE: polytile-opt: invalid pass pipeline: unbalanced '{'
// BRACE-NOT: Traceback
// ROOT: polytile-opt: invalid pass pipeline: 'builtin.module(...)' must be the only top-level element
// ROOT-NOT: Traceback
func.func @f() {
  return
}

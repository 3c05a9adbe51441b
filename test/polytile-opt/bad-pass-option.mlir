// Bad pass options, for an upstream pass and for a polytile pass, as flags and
// in a pipeline.
// RUN: not polytile-opt %s --affine-loop-tile='tile-size=abc' 2>&1 | FileCheck %s --check-prefix=UP-VALUE
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(func.func(affine-loop-tile{tile-size=abc}))' 2>&1 | FileCheck %s --check-prefix=UP-VALUE
// RUN: not polytile-opt %s --affine-loop-tile='no-such-option=1' 2>&1 | FileCheck %s --check-prefix=UP-NAME
// RUN: not polytile-opt %s --tg-canonicalize='max-iterations=abc' 2>&1 | FileCheck %s --check-prefix=OURS-VALUE
// RUN: not polytile-opt %s --pass-pipeline='builtin.module(tg-canonicalize{max-iterations=abc})' 2>&1 | FileCheck %s --check-prefix=OURS-VALUE
// RUN: not polytile-opt %s --tg-canonicalize='no-such-option=1' 2>&1 | FileCheck %s --check-prefix=OURS-NAME
// RUN: not polytile-opt %s --tg-dce='no-such-option=1' 2>&1 | FileCheck %s --check-prefix=NO-OPTIONS

// UP-VALUE: polytile-opt: invalid pass pipeline 'func.func(affine-loop-tile{tile-size=abc})': for the --tile-size option: 'abc' value invalid for uint argument!
// UP-VALUE-NOT: Traceback
// UP-NAME: polytile-opt: invalid pass pipeline 'func.func(affine-loop-tile{no-such-option=1})': <Pass-Options-Parser>: no such option no-such-option
// UP-NAME-NOT: Traceback
// OURS-VALUE: polytile-opt: invalid options for pass 'tg-canonicalize': option 'max-iterations' expects int, got 'abc'
// OURS-VALUE-NOT: Traceback
// OURS-NAME: polytile-opt: invalid options for pass 'tg-canonicalize': no such option 'no-such-option' (options: max-iterations)
// OURS-NAME-NOT: Traceback
// NO-OPTIONS: polytile-opt: invalid options for pass 'tg-dce': no such option 'no-such-option' (options: none)
// NO-OPTIONS-NOT: Traceback
func.func @f() {
  return
}

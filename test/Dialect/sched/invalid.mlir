// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per structural rejection of a sched op, all from the IRDL file (so
// upstream `mlir-opt --irdl-file=` rejects them too). Legality against the
// kernel's loops is tested in test/passes/schedule/sched-verify.mlir.

// expected-error@+1 {{attribute "name" is expected but not provided}}
%k = "sched.kernel"() : () -> !sched.handle

// -----

// expected-error@+1 {{expected base attribute 'builtin.string' but got 'builtin.integer'}}
%k = "sched.kernel"() {name = 3 : i64} : () -> !sched.handle

// -----

// expected-error@+1 {{expected base type 'sched.handle' but got 'i64'}}
%k = "sched.kernel"() {name = "k"} : () -> i64

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.integer'}}
"sched.tile"(%k) {sizes = 64 : i64} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{attribute "sizes" is expected but not provided}}
"sched.tile"(%k) : (!sched.handle) -> ()

// -----

func.func @not_a_handle(%x: i64) {
  // expected-error@+1 {{expected base type 'sched.handle' but got 'i64'}}
  "sched.tile"(%x) {sizes = array<i64: 1>} : (i64) -> ()
  return
}

// -----

// expected-error@+1 {{expects exactly 1 operands, but got 0}}
"sched.unroll"() {factor = 2 : i64} : () -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.integer'}}
"sched.interchange"(%k) {permutation = 1 : i64} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{'1 : i64' does not satisfy the constraint}}
"sched.fuse"(%k) {consumers = 1 : i64, producers = array<i64>} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{attribute "producers" is expected but not provided}}
"sched.fuse"(%k) {consumers = true} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{expected base attribute 'builtin.integer' but got 'builtin.dense_array'}}
"sched.pack"(%k) {operand = array<i64: 1>, tiles = array<i64: 32>} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{expected base attribute 'builtin.integer' but got 'builtin.string'}}
"sched.vectorize"(%k) {width = "16"} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{expected base attribute 'builtin.integer' but got 'builtin.float'}}
"sched.unroll"(%k) {factor = 2.0 : f32} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{attribute "threads" is expected but not provided}}
"sched.parallel"(%k) {dims = array<i64: 0>} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.integer'}}
"sched.gpu_map"(%k) {blocks = array<i64: 32>, threads = 256 : i64} : (!sched.handle) -> ()

// -----

%k = "sched.kernel"() {name = "k"} : () -> !sched.handle
// expected-error@+1 {{expected base attribute 'builtin.string' but got 'builtin.dictionary'}}
"sched.polyhedral"(%k) {options = {fusion = "smart"}} : (!sched.handle) -> ()

// The MLP's first kernel with its row tiles outside its column strips
// (sched.interchange: m before n) and the k step loop unrolled by 3
// (32 steps of 2: a loop of 10 unrolled steps, then the last 2 steps).
// The second kernel keeps its default schedule.

%k0 = "sched.kernel"() {name = "gemm_relu_0"} : () -> !sched.handle
"sched.pack"(%k0) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.interchange"(%k0) {permutation = array<i64: 0, 1, 2>} : (!sched.handle) -> ()
"sched.tile"(%k0) {sizes = array<i64: 4, 16, 0>} : (!sched.handle) -> ()
"sched.tile"(%k0) {sizes = array<i64: 4, 16, 2>} : (!sched.handle) -> ()
"sched.fuse"(%k0) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()
"sched.vectorize"(%k0) {width = 16 : i64} : (!sched.handle) -> ()
"sched.unroll"(%k0) {factor = 3 : i64} : (!sched.handle) -> ()

// Hand-written schedules for the two kernels of the MLP of make_mlp.py
// (polytile-compile mlp.onnx --emit=sched lists the kernels and their default schedules).
// Register tiles of 4 x 16 (4 rows of one 16-float vector), a reduction step of 2,
// B packed into 16-wide column strips, one thread, the epilogue (bias, Relu) fused.
// Loops of both kernels: (m, n, k).

%k0 = "sched.kernel"() {name = "gemm_relu_0"} : () -> !sched.handle
"sched.pack"(%k0) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.interchange"(%k0) {permutation = array<i64: 1, 0, 2>} : (!sched.handle) -> ()
"sched.tile"(%k0) {sizes = array<i64: 4, 16, 0>} : (!sched.handle) -> ()
"sched.parallel"(%k0) {dims = array<i64: 1>, threads = 1 : i64} : (!sched.handle) -> ()
"sched.tile"(%k0) {sizes = array<i64: 4, 16, 2>} : (!sched.handle) -> ()
"sched.fuse"(%k0) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()
"sched.vectorize"(%k0) {width = 16 : i64} : (!sched.handle) -> ()

%k1 = "sched.kernel"() {name = "matmul_add_1"} : () -> !sched.handle
"sched.pack"(%k1) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.interchange"(%k1) {permutation = array<i64: 1, 0, 2>} : (!sched.handle) -> ()
"sched.tile"(%k1) {sizes = array<i64: 4, 16, 0>} : (!sched.handle) -> ()
"sched.parallel"(%k1) {dims = array<i64: 1>, threads = 1 : i64} : (!sched.handle) -> ()
"sched.tile"(%k1) {sizes = array<i64: 4, 16, 2>} : (!sched.handle) -> ()
"sched.fuse"(%k1) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()
"sched.vectorize"(%k1) {width = 16 : i64} : (!sched.handle) -> ()

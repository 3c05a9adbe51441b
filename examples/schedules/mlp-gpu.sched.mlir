// CUDA target: both kernels of the MLP on a grid of 3 x 2 blocks of 16 x 4 threads
// (n, the innermost parallel loop, on x; m on y), instead of the default mapping.

%k0 = "sched.kernel"() {name = "gemm_relu_0"} : () -> !sched.handle
"sched.gpu_map"(%k0) {blocks = array<i64: 3, 2>, threads = array<i64: 16, 4>} : (!sched.handle) -> ()

%k1 = "sched.kernel"() {name = "matmul_add_1"} : () -> !sched.handle
"sched.gpu_map"(%k1) {blocks = array<i64: 3, 2>, threads = array<i64: 16, 4>} : (!sched.handle) -> ()

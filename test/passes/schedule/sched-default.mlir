// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(sched-default{threads=2 vector-bits=512})' | FileCheck %s
// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(sched-default{threads=1 vector-bits=256})' | FileCheck %s --check-prefix=AVX2

// A matmul kernel gets the register-blocked schedule: B packed in strips of two
// vector registers, 8 x nr register tiles, k step 4, epilogue fused; no interchange
// (the packed tile loops run column strips outermost already).
// CHECK-LABEL: func.func private @matmul_add_relu_0
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "matmul_add_relu_0"}
// CHECK-NEXT: "sched.pack"(%[[K]]) {operand = 1 : i64, tiles = array<i64: 32>}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 8, 32, 0>}
// CHECK-NEXT: "sched.parallel"(%[[K]]) {dims = array<i64: 1>, threads = 2 : i64}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 8, 32, 4>}
// CHECK-NEXT: "sched.fuse"(%[[K]]) {consumers = true, producers = array<i64>}
// CHECK-NEXT: "sched.vectorize"(%[[K]]) {width = 16 : i64}
// CHECK-NOT: sched.interchange
// With AVX2's 16 vector registers a tile of 2-vector rows holds at most 6 rows
// (12 accumulators, 2 loaded vectors and a broadcast; 8 rows spilled on every step):
// 4, the largest that divides M = 64.
// AVX2-LABEL: func.func private @matmul_add_relu_0
// AVX2: %[[K:.*]] = "sched.kernel"() {name = "matmul_add_relu_0"}
// AVX2-NEXT: "sched.pack"(%[[K]]) {operand = 1 : i64, tiles = array<i64: 16>}
// AVX2-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 4, 16, 0>}
// AVX2-NEXT: "sched.parallel"(%[[K]]) {dims = array<i64: 1>, threads = 1 : i64}
// AVX2-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 4, 16, 4>}
// AVX2: "sched.vectorize"(%{{.*}}) {width = 8 : i64}
func.func private @matmul_add_relu_0(%a: tensor<64x784xf32>, %b: tensor<784x1024xf32>, %c: tensor<1024xf32>) -> tensor<64x1024xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x784xf32>, tensor<784x1024xf32>) -> tensor<64x1024xf32>
  %1 = "tg.add"(%0, %c) : (tensor<64x1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32>
  %2 = "tg.relu"(%1) : (tensor<64x1024xf32>) -> tensor<64x1024xf32>
  return %2 : tensor<64x1024xf32>
}

// -----

// Row count 12: the register tile takes the largest divisor of M up to 8 (6);
// K odd: the k step is 1. A batched matmul gets a batch tile of 1.
// CHECK-LABEL: func.func private @matmul_1
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "matmul_1"}
// CHECK: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 6, 32, 1>}
func.func private @matmul_1(%a: tensor<3x12x5xf32>, %b: tensor<3x5x64xf32>) -> tensor<3x12x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<3x12x5xf32>, tensor<3x5x64xf32>) -> tensor<3x12x64xf32>
  return %0 : tensor<3x12x64xf32>
}

// -----

// Dynamic rows (a [?, s, K] activation times a 2-d weight, or a Gemm of ? rows):
// the register tile is 8 rows (the packed lowering pads the rows to it); a
// dynamic K or N, or batched B, keeps the plain lowering.
// CHECK-LABEL: func.func private @matmul_dyn_5
// CHECK-LABEL: func.func private @gemm_dyn_6
// CHECK-LABEL: func.func private @matmul_dyn_7
// CHECK: %[[K5:.*]] = "sched.kernel"() {name = "matmul_dyn_5"}
// CHECK: "sched.tile"(%[[K5]]) {sizes = array<i64: 1, 8, 32, 4>}
// CHECK: %[[K6:.*]] = "sched.kernel"() {name = "gemm_dyn_6"}
// CHECK: "sched.tile"(%[[K6]]) {sizes = array<i64: 8, 32, 4>}
// CHECK-NOT: name = "matmul_dyn_7"
func.func private @matmul_dyn_5(%a: tensor<?x?x64xf32>, %b: tensor<64x64xf32>) -> tensor<?x?x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<?x?x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}
func.func private @gemm_dyn_6(%a: tensor<?x32xf32>, %b: tensor<64x32xf32>) -> tensor<?x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.gemm"(%a, %b) {tg.anchor, alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : si64, transB = 1 : si64} : (tensor<?x32xf32>, tensor<64x32xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}
func.func private @matmul_dyn_7(%a: tensor<2x?x16xf32>, %b: tensor<2x16x?xf32>) -> tensor<2x?x?xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<2x?x16xf32>, tensor<2x16x?xf32>) -> tensor<2x?x?xf32>
  return %0 : tensor<2x?x?xf32>
}

// -----

// Integer products and kernels of other kinds keep the plain lowering: no schedule.
// CHECK-LABEL: func.func private @matmul_3
// CHECK-LABEL: func.func private @relu_4
// CHECK-NOT: sched.kernel
func.func private @matmul_3(%a: tensor<8x8xi32>, %b: tensor<8x32xi32>) -> tensor<8x32xi32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<8x8xi32>, tensor<8x32xi32>) -> tensor<8x32xi32>
  return %0 : tensor<8x32xi32>
}
func.func private @relu_4(%a: tensor<8x32xf32>) -> tensor<8x32xf32> attributes {tg.kernel = "elementwise"} {
  %0 = "tg.relu"(%a) {tg.anchor} : (tensor<8x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}

// -----

// A kernel that already has a schedule (hand-written) keeps it.
// CHECK-LABEL: func.func private @matmul_5
// CHECK: "sched.kernel"() {name = "matmul_5"}
// CHECK-NEXT: "sched.pack"(%{{.*}}) {operand = 1 : i64, tiles = array<i64: 16>}
// CHECK-NEXT: "sched.tile"(%{{.*}}) {sizes = array<i64: 4, 16, 2>}
// CHECK-NOT: sched.kernel
func.func private @matmul_5(%a: tensor<8x8xf32>, %b: tensor<8x32xf32>) -> tensor<8x32xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<8x8xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}
%k = "sched.kernel"() {name = "matmul_5"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 4, 16, 2>} : (!sched.handle) -> ()

// -----

// A 3x3 convolution (groups 1) gets the channels-last schedule: weights packed HWCF
// in blocks of fb = 16 output channels (one AVX-512 vector), register tiles of 5
// output columns (the largest divisor of OW = 10 up to 8) x 16 channels, output rows
// on the threads, the reduction stepping over one tap and 8 input channels (all of C).
// Its 138240 flops are below MIN_PARALLEL_FLOPS: one thread (a fork and join would cost more).
// CHECK-LABEL: func.func private @conv_relu_6
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "conv_relu_6"}
// CHECK-NEXT: "sched.pack"(%[[K]]) {operand = 1 : i64, tiles = array<i64: 16>}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 16, 1, 5, 0, 0, 0>}
// CHECK-NEXT: "sched.parallel"(%[[K]]) {dims = array<i64: 2>, threads = 1 : i64}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 16, 1, 5, 8, 1, 1>}
// CHECK-NEXT: "sched.vectorize"(%[[K]]) {width = 16 : i64}
// CHECK-NOT: sched.interchange
// With AVX2, 16 channels are two vectors; 5 columns x 2 vectors fit the 16 registers.
// AVX2-LABEL: func.func private @conv_relu_6
// AVX2: %[[K:.*]] = "sched.kernel"() {name = "conv_relu_6"}
// AVX2-NEXT: "sched.pack"(%[[K]]) {operand = 1 : i64, tiles = array<i64: 16>}
// AVX2-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 16, 1, 5, 0, 0, 0>}
// AVX2: "sched.vectorize"(%[[K]]) {width = 8 : i64}
func.func private @conv_relu_6(%arg0: tensor<1x8x6x10xf32>, %arg1: tensor<16x8x3x3xf32>) -> tensor<1x16x6x10xf32> attributes {tg.kernel = "contraction"} {
  %1 = "tg.conv"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x8x6x10xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x6x10xf32>
  %2 = "tg.relu"(%1) : (tensor<1x16x6x10xf32>) -> tensor<1x16x6x10xf32>
  return %2 : tensor<1x16x6x10xf32>
}

// -----

// A pointwise (1x1, stride 1, unpadded) convolution is the product W[F, C] @ X[C, H*W]:
// the input packed in strips of nr = 32 positions (H*W = 32), register tiles of 8
// output channels x one row of 8 columns, channel step 4, the epilogue fused; one thread
// (small).
// CHECK-LABEL: func.func private @conv_7
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "conv_7"}
// CHECK-NEXT: "sched.pack"(%[[K]]) {operand = 0 : i64, tiles = array<i64: 32>}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 8, 1, 8, 0, 0, 0>}
// CHECK-NEXT: "sched.parallel"(%[[K]]) {dims = array<i64: 1>, threads = 1 : i64}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 8, 1, 8, 4, 1, 1>}
// CHECK-NEXT: "sched.fuse"(%[[K]]) {consumers = true, producers = array<i64>}
// CHECK-NEXT: "sched.vectorize"(%[[K]]) {width = 16 : i64}
func.func private @conv_7(%arg0: tensor<1x12x4x8xf32>, %arg1: tensor<16x12x1x1xf32>) -> tensor<1x16x4x8xf32> attributes {tg.kernel = "contraction"} {
  %1 = "tg.conv"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x12x4x8xf32>, tensor<16x12x1x1xf32>) -> tensor<1x16x4x8xf32>
  return %1 : tensor<1x16x4x8xf32>
}

// -----

// A depthwise convolution (groups = channels) gets the channels-last schedule with
// weights packed HWC, channel blocks of 16 (up to four vectors), register tiles one output
// column wide (its taps are 1-d vector FMAs), a channel step of 1 (c has extent 1); one
// thread (small).
// CHECK-LABEL: func.func private @conv_8
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "conv_8"}
// CHECK-NEXT: "sched.pack"(%[[K]]) {operand = 1 : i64, tiles = array<i64: 16>}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 16, 1, 1, 0, 0, 0>}
// CHECK-NEXT: "sched.parallel"(%[[K]]) {dims = array<i64: 2>, threads = 1 : i64}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 16, 1, 1, 1, 1, 1>}
// CHECK-NEXT: "sched.vectorize"(%[[K]]) {width = 16 : i64}
func.func private @conv_8(%arg0: tensor<1x16x6x10xf32>, %arg1: tensor<16x1x3x3xf32>) -> tensor<1x16x6x10xf32> attributes {tg.kernel = "contraction"} {
  %1 = "tg.conv"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 16 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x16x6x10xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x6x10xf32>
  return %1 : tensor<1x16x6x10xf32>
}

// -----

// A grouped convolution whose groups' output channels (2) no vector width divides
// has no packed form: no schedule, the plain loops.
// CHECK-LABEL: func.func private @conv_9
// CHECK-NOT: sched.kernel
func.func private @conv_9(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// A dynamic batch of static rows (15, 2) times a 2-d weight: the register tile
// divides the rows (sched-verify checks it against the static row loop), as for
// a static M, rather than the 8 rows of fully dynamic rows.
// CHECK-LABEL: func.func private @matmul_batch_rows_15
// CHECK-LABEL: func.func private @matmul_batch_rows_2
// CHECK: %[[K15:.*]] = "sched.kernel"() {name = "matmul_batch_rows_15"}
// CHECK: "sched.tile"(%[[K15]]) {sizes = array<i64: 1, 3, 32, 0>}
// CHECK: "sched.tile"(%[[K15]]) {sizes = array<i64: 1, 3, 32, 1>}
// CHECK: %[[K2:.*]] = "sched.kernel"() {name = "matmul_batch_rows_2"}
// CHECK: "sched.tile"(%[[K2]]) {sizes = array<i64: 1, 2, 32, 0>}
// CHECK: "sched.tile"(%[[K2]]) {sizes = array<i64: 1, 2, 32, 4>}
func.func private @matmul_batch_rows_15(%a: tensor<?x15x3xf32>, %b: tensor<3x32xf32>) -> tensor<?x15x32xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<?x15x3xf32>, tensor<3x32xf32>) -> tensor<?x15x32xf32>
  return %0 : tensor<?x15x32xf32>
}
func.func private @matmul_batch_rows_2(%a: tensor<?x2x40xf32>, %b: tensor<40x32xf32>) -> tensor<?x2x32xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<?x2x40xf32>, tensor<40x32xf32>) -> tensor<?x2x32xf32>
  return %0 : tensor<?x2x32xf32>
}

// -----

// 197 rows (ViT tokens) have no register-tile divisor above 1: the packed product pads the
// rows of A with zeros to a multiple of mr, the fewest padding rows first (198 = 33 x 6).
// CHECK-LABEL: func.func private @matmul_prime_rows_10
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "matmul_prime_rows_10"}
// CHECK-NEXT: "sched.pack"(%[[K]]) {operand = 1 : i64, tiles = array<i64: 32>}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 6, 32, 0>}
func.func private @matmul_prime_rows_10(%arg0: tensor<1x197x64xf32>, %arg1: tensor<64x256xf32>) -> tensor<1x197x256xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%arg0, %arg1) {tg.anchor} : (tensor<1x197x64xf32>, tensor<64x256xf32>) -> tensor<1x197x256xf32>
  return %0 : tensor<1x197x256xf32>
}

// -----

// Register tiles fit the vector registers. AVX-512 (32 registers): 8 columns of
// OW = 56 x 2 vectors. AVX2 (16): at most 6 columns of 2 vectors, so 4 (the largest
// divisor of 56 up to 6).
// CHECK-LABEL: func.func private @conv_56
// CHECK: "sched.tile"(%{{.*}}) {sizes = array<i64: 1, 32, 1, 8, 0, 0, 0>}
// AVX2-LABEL: func.func private @conv_56
// AVX2: "sched.tile"(%{{.*}}) {sizes = array<i64: 1, 16, 1, 4, 0, 0, 0>}
func.func private @conv_56(%arg0: tensor<1x16x56x56xf32>, %arg1: tensor<32x16x3x3xf32>) -> tensor<1x32x56x56xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x16x56x56xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x56x56xf32>
  return %0 : tensor<1x32x56x56xf32>
}

// -----

// OW = 7. AVX-512: 7 columns x 2 vectors fit. With AVX2 no divisor from 4 to 6 exists:
// tiles of 4 columns, the lowering computing 8 (7 rounded up) and dropping the last.
// CHECK-LABEL: func.func private @conv_w7
// CHECK: "sched.tile"(%{{.*}}) {sizes = array<i64: 1, 32, 1, 7, 0, 0, 0>}
// AVX2-LABEL: func.func private @conv_w7
// AVX2: "sched.tile"(%{{.*}}) {sizes = array<i64: 1, 16, 1, 4, 0, 0, 0>}
func.func private @conv_w7(%arg0: tensor<1x16x7x7xf32>, %arg1: tensor<32x16x3x3xf32>) -> tensor<1x32x7x7xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x16x7x7xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x7x7xf32>
  return %0 : tensor<1x32x7x7xf32>
}

// -----

// A grouped convolution (6 groups of 8 channels) with stride 1 gets channels-last
// register tiles within one group: 8 output channels, the taps and the group's 8
// input channels as steps.
// CHECK-LABEL: func.func private @grouped_conv
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "grouped_conv"}
// CHECK-NEXT: "sched.pack"(%[[K]]) {operand = 1 : i64, tiles = array<i64: 8>}
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 8, 1, 7, 0, 0, 0>}
// CHECK: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 8, 1, 7, 8, 1, 1>}
// AVX2-LABEL: func.func private @grouped_conv
// AVX2: "sched.tile"(%{{.*}}) {sizes = array<i64: 1, 8, 1, 7, 8, 1, 1>}
func.func private @grouped_conv(%arg0: tensor<1x28x28x48xf32>, %arg1: tensor<48x8x3x3xf32>) -> tensor<1x28x28x48xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.nhwc_conv"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 6 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x28x28x48xf32>, tensor<48x8x3x3xf32>) -> tensor<1x28x28x48xf32>
  return %0 : tensor<1x28x28x48xf32>
}

// -----

// A strided grouped convolution has no packed form yet: no schedule (plain loops).
// CHECK-LABEL: func.func private @grouped_conv_strided
// CHECK-NOT: sched.kernel
// AVX2-LABEL: func.func private @grouped_conv_strided
// AVX2-NOT: sched.kernel
func.func private @grouped_conv_strided(%arg0: tensor<1x28x28x48xf32>, %arg1: tensor<48x8x3x3xf32>) -> tensor<1x14x14x48xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.nhwc_conv"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 6 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, tg.anchor} : (tensor<1x28x28x48xf32>, tensor<48x8x3x3xf32>) -> tensor<1x14x14x48xf32>
  return %0 : tensor<1x14x14x48xf32>
}

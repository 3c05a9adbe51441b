// RUN: polytile-opt %s --split-input-file --verify-diagnostics --sched-verify | FileCheck %s

// One case per legality rule of sched-verify (dialects/sched_rules.py), legal
// and illegal. Kernel functions are written by hand in the kernel format
// (private func with tg.kernel, one op with tg.anchor). The iteration space of
// @mm is (m = 64, n = 128, k = 32), k a reduction loop.

// CHECK-LABEL: func.func private @mm
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 32, 64, 0>}
// CHECK: "sched.polyhedral"(%[[K]])
// A full legal schedule passes and is left unchanged.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.tile"(%k) {sizes = array<i64: 32, 64, 0>} : (!sched.handle) -> ()
"sched.parallel"(%k) {dims = array<i64: 0, 1>, threads = 0 : i64} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.vectorize"(%k) {width = 16 : i64} : (!sched.handle) -> ()
"sched.fuse"(%k) {consumers = true, producers = array<i64: 0, 1>} : (!sched.handle) -> ()
"sched.interchange"(%k) {permutation = array<i64: 1, 0, 2>} : (!sched.handle) -> ()
"sched.unroll"(%k) {factor = 4 : i64} : (!sched.handle) -> ()
"sched.polyhedral"(%k) {options = "fusion=smart tile-sizes=32,8"} : (!sched.handle) -> ()

// -----

// Unknown kernel name.
// expected-error@+1 {{no kernel function named 'nope'}}
%k = "sched.kernel"() {name = "nope"} : () -> !sched.handle
"sched.unroll"(%k) {factor = 2 : i64} : (!sched.handle) -> ()

// -----

// A function that is not a kernel (no tg.kernel).
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
// expected-error@+1 {{'f' is not a kernel function (a func.func with a tg.kernel attribute)}}
%k = "sched.kernel"() {name = "f"} : () -> !sched.handle

// -----

// A kernel without tg.anchor.
func.func private @noanchor(%x: tensor<4xf32>) -> tensor<4xf32> attributes {tg.kernel = "elementwise"} {
  %0 = "tg.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
// expected-error@+1 {{kernel function 'noanchor' must have exactly one op with tg.anchor, found 0}}
%k = "sched.kernel"() {name = "noanchor"} : () -> !sched.handle

// -----

// Two schedules for one kernel.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{kernel 'mm' already has a schedule}}
%k2 = "sched.kernel"() {name = "mm"} : () -> !sched.handle

// -----

// Tile: one size per loop.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{tile level 1 has 2 sizes, but kernel 'mm' has 3 loops (m, n, k)}}
"sched.tile"(%k) {sizes = array<i64: 8, 8>} : (!sched.handle) -> ()

// -----

// Tile: conv loops are (n, f, oh, ow, c, kh, kw).
func.func private @cv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}
%k = "sched.kernel"() {name = "cv"} : () -> !sched.handle
// expected-error@+1 {{tile level 1 has 4 sizes, but kernel 'cv' has 7 loops (n, f, oh, ow, c, kh, kw)}}
"sched.tile"(%k) {sizes = array<i64: 1, 4, 2, 2>} : (!sched.handle) -> ()

// -----

// Tile: sizes >= 0.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{tile level 1: sizes must be >= 0, got [8, -1, 0]}}
"sched.tile"(%k) {sizes = array<i64: 8, -1, 0>} : (!sched.handle) -> ()

// -----

// Tile: size <= extent (second level).
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 32, 64, 0>} : (!sched.handle) -> ()
// expected-error@+1 {{tile level 2: size 256 of loop 'n' exceeds its extent 128}}
"sched.tile"(%k) {sizes = array<i64: 8, 256, 0>} : (!sched.handle) -> ()

// -----

// CHECK-LABEL: func.func private @dyn
// Tile: a dynamic extent accepts any size.
func.func private @dyn(%a: tensor<?x32xf32>, %b: tensor<32x128xf32>) -> tensor<?x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<?x32xf32>, tensor<32x128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}
%k = "sched.kernel"() {name = "dyn"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1000, 32, 0>} : (!sched.handle) -> ()

// -----

// Tile + vectorize: the innermost level must divide the extents (outer levels need not).
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 48, 0, 0>} : (!sched.handle) -> ()
// expected-error@+1 {{innermost tile level: size 24 of loop 'n' does not divide its extent 128 (vectorized tiles must be full)}}
"sched.tile"(%k) {sizes = array<i64: 8, 24, 0>} : (!sched.handle) -> ()
"sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()

// -----

// CHECK-LABEL: func.func private @attention_scores
// CHECK: func.func private @gemm_10
// CHECK: "sched.tile"(%{{.*}}) {sizes = array<i64: 1, 6, 16, 4>}
// CHECK: "sched.tile"(%{{.*}}) {sizes = array<i64: 8, 16, 4>}
// Tile + vectorize: a packed product pads the rows (M = 197, batched too) and, when the
// register tile is one strip of the packed B wide, the columns (N = 197, N = 10 under
// one strip of 16) to the register tile: its tiles need not divide (nor fit) them.
func.func private @attention_scores(%q: tensor<3x197x64xf32>, %kt: tensor<3x64x197xf32>) -> tensor<3x197x197xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%q, %kt) {tg.anchor} : (tensor<3x197x64xf32>, tensor<3x64x197xf32>) -> tensor<3x197x197xf32>
  return %0 : tensor<3x197x197xf32>
}
func.func private @gemm_10(%a: tensor<64x32xf32>, %b: tensor<10x32xf32>) -> tensor<64x10xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.gemm"(%a, %b) {tg.anchor, alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : si64, transB = 1 : si64} : (tensor<64x32xf32>, tensor<10x32xf32>) -> tensor<64x10xf32>
  return %0 : tensor<64x10xf32>
}
%k = "sched.kernel"() {name = "attention_scores"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 6, 16, 0>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 6, 16, 4>} : (!sched.handle) -> ()
"sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()
%g = "sched.kernel"() {name = "gemm_10"} : () -> !sched.handle
"sched.pack"(%g) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
"sched.tile"(%g) {sizes = array<i64: 8, 16, 4>} : (!sched.handle) -> ()
"sched.vectorize"(%g) {width = 8 : i64} : (!sched.handle) -> ()

// -----

// Tile + vectorize: columns are padded only to a strip of the packed B; a register tile
// of another width keeps the plain loops, whose tiles must divide N.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x100xf32>) -> tensor<64x100xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x100xf32>) -> tensor<64x100xf32>
  return %0 : tensor<64x100xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
// expected-error@+1 {{innermost tile level: size 8 of loop 'n' does not divide its extent 100 (vectorized tiles must be full)}}
"sched.tile"(%k) {sizes = array<i64: 8, 8, 4>} : (!sched.handle) -> ()
"sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()

// -----

// CHECK-LABEL: func.func private @mm
// CHECK: "sched.tile"(%{{.*}}) {sizes = array<i64: 48, 24, 5>}
// Tile without vectorize: partial tiles are fine.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 48, 24, 5>} : (!sched.handle) -> ()

// -----

// Interchange: a permutation of the loops.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{interchange [0, 0, 2] is not a permutation of the 3 loops (m, n, k)}}
"sched.interchange"(%k) {permutation = array<i64: 0, 0, 2>} : (!sched.handle) -> ()

// -----

// Interchange: reduction loops keep their place (the reduction step loops are made
// inside the register tile), with or without fused consumers.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()
// expected-error@+1 {{interchange moves reduction loop 'k': reduction loops keep their place (innermost); only parallel loops are reordered}}
"sched.interchange"(%k) {permutation = array<i64: 2, 0, 1>} : (!sched.handle) -> ()

// -----

// Interchange: not outside a parallel loop when consumers are fused.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 0>} : (!sched.handle) -> ()
"sched.fuse"(%k) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()
// expected-error@+1 {{interchange moves reduction loop 'k' outside parallel loop 'n'; the fused consumers would read partial results}}
"sched.interchange"(%k) {permutation = array<i64: 0, 2, 1>} : (!sched.handle) -> ()

// -----

// Fuse consumers: the outermost tile level must not tile a reduction loop.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 32, 64, 8>} : (!sched.handle) -> ()
// expected-error@+1 {{cannot fuse consumers: the outermost tile level tiles reduction loop 'k' (size 8 of 32), so the consumers would see partial results}}
"sched.fuse"(%k) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()

// -----

// CHECK-LABEL: func.func private @mm
// CHECK: "sched.fuse"(%{{.*}}) {consumers = true, producers = array<i64>}
// Fuse consumers: a full-size or untiled reduction loop is fine, inner levels may tile it.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 32, 64, 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 8, 4>} : (!sched.handle) -> ()
"sched.fuse"(%k) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()

// -----

// Fuse consumers: softmax normalizes over d1, a reduction loop.
func.func private @sm(%x: tensor<4x10xf32>) -> tensor<4x10xf32> attributes {tg.kernel = "reduction"} {
  %0 = "tg.softmax"(%x) {axes = array<i64: 1>, tg.anchor} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %1 = "tg.relu"(%0) : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return %1 : tensor<4x10xf32>
}
%k = "sched.kernel"() {name = "sm"} : () -> !sched.handle
// expected-error@+1 {{'sched.tile' is only applied to matmul, gemm and conv kernels, not to a 'tg.softmax' kernel}}
"sched.tile"(%k) {sizes = array<i64: 1, 5>} : (!sched.handle) -> ()
// expected-error@+1 {{cannot fuse consumers: the outermost tile level tiles reduction loop 'd1' (size 5 of 10)}}
"sched.fuse"(%k) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()

// -----

// Fuse producers: anchor operand indices in range.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{producer operand #2 is out of range: anchor 'tg.matmul' has 2 operands}}
"sched.fuse"(%k) {consumers = false, producers = array<i64: 2>} : (!sched.handle) -> ()

// -----

// Parallel: only parallel loops (layer norm normalizes d1).
func.func private @ln(%x: tensor<4x10xf32>, %s: tensor<10xf32>) -> tensor<4x10xf32> attributes {tg.kernel = "reduction"} {
  %0:3 = "tg.layer_normalization"(%x, %s) {axis = 1 : i64, epsilon = 1.0e-5 : f32, stash_type = 1 : i64, tg.anchor} : (tensor<4x10xf32>, tensor<10xf32>) -> (tensor<4x10xf32>, tensor<4x1xf32>, tensor<4x1xf32>)
  return %0#0 : tensor<4x10xf32>
}
%k = "sched.kernel"() {name = "ln"} : () -> !sched.handle
// expected-error@+1 {{'sched.tile' is only applied to matmul, gemm and conv kernels, not to a 'tg.layer_normalization' kernel}}
"sched.tile"(%k) {sizes = array<i64: 1, 0>} : (!sched.handle) -> ()
// expected-error@+1 {{loop 'd1' is a reduction loop; running it in parallel races}}
"sched.parallel"(%k) {dims = array<i64: 1>, threads = 0 : i64} : (!sched.handle) -> ()

// -----

// Parallel: the conv reduction loop c.
func.func private @cv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}
%k = "sched.kernel"() {name = "cv"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 4>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 4, 2, 2, 0, 0, 0>} : (!sched.handle) -> ()
// expected-error@+1 {{loop 'c' is a reduction loop; running it in parallel races}}
"sched.parallel"(%k) {dims = array<i64: 1, 4>, threads = 2 : i64} : (!sched.handle) -> ()

// -----

// Parallel: needs a tile level before it.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
// expected-error@+1 {{parallel needs a tile level before it}}
"sched.parallel"(%k) {dims = array<i64: 0>, threads = 0 : i64} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 32, 64, 0>} : (!sched.handle) -> ()

// -----

// Parallel: dims in range.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 32, 64, 0>} : (!sched.handle) -> ()
// expected-error@+1 {{parallel dim 3 is out of range: kernel 'mm' has 3 loops (m, n, k)}}
"sched.parallel"(%k) {dims = array<i64: 3>, threads = 0 : i64} : (!sched.handle) -> ()

// -----

// Parallel: threads >= 0.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 32, 64, 0>} : (!sched.handle) -> ()
// expected-error@+1 {{threads must be >= 0 (0: all cores), got -2}}
"sched.parallel"(%k) {dims = array<i64: 0>, threads = -2 : i64} : (!sched.handle) -> ()

// -----

// Pack: operand index in range.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{pack operand #2 is out of range: anchor 'tg.matmul' has 2 operands}}
"sched.pack"(%k) {operand = 2 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()

// -----

// Pack: tiles > 0.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{pack tiles must be one or more positive sizes, got [0]}}
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 0>} : (!sched.handle) -> ()

// -----

// Pack: no more tiles than the operand has dims.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{pack has 3 tile sizes, but operand #1 has rank 2}}
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 4, 4, 4>} : (!sched.handle) -> ()

// -----

// CHECK-LABEL: func.func private @mm
// CHECK: "sched.pack"(%{{.*}}) {operand = 1 : i64, tiles = array<i64: 48>}
// Pack: tiles need not divide the dims (padding).
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 48>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 48, 4>} : (!sched.handle) -> ()
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 48>} : (!sched.handle) -> ()

// -----

// Vectorize: width a power of two.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{vector width must be a power of two, got 12}}
"sched.vectorize"(%k) {width = 12 : i64} : (!sched.handle) -> ()

// -----

// Unroll: factor >= 1.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{unroll factor must be >= 1, got 0}}
"sched.unroll"(%k) {factor = 0 : i64} : (!sched.handle) -> ()

// -----

// GPU map: 1 to 3 positive sizes each.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{gpu_map blocks must be 1 to 3 positive sizes, got [1, 2, 2, 2]}}
"sched.gpu_map"(%k) {blocks = array<i64: 1, 2, 2, 2>, threads = array<i64: 32>} : (!sched.handle) -> ()

// -----

// GPU map: at most 1024 threads per block.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{gpu_map uses 2048 threads per block, more than 1024}}
"sched.gpu_map"(%k) {blocks = array<i64: 4>, threads = array<i64: 64, 32>} : (!sched.handle) -> ()

// -----

// Polyhedral: option keys of affine-polyhedral-schedule.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{polyhedral options: invalid options for pass 'affine-polyhedral-schedule': no such option 'tile'}}
"sched.polyhedral"(%k) {options = "tile=32"} : (!sched.handle) -> ()

// -----

// Polyhedral: option values of the right type.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{option 'tile-sizes' expects int, got 'big'}}
"sched.polyhedral"(%k) {options = "tile-sizes=big"} : (!sched.handle) -> ()

// -----

// Every problem is reported, not only the first.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{unroll factor must be >= 1, got 0}}
"sched.unroll"(%k) {factor = 0 : i64} : (!sched.handle) -> ()
// expected-error@+1 {{vector width must be a power of two, got 3}}
"sched.vectorize"(%k) {width = 3 : i64} : (!sched.handle) -> ()

// -----

// A step must take the result of a sched.kernel op.
%h = builtin.unrealized_conversion_cast to !sched.handle
// expected-error@+1 {{'sched.unroll' op must take the result of a sched.kernel op}}
"sched.unroll"(%h) {factor = 2 : i64} : (!sched.handle) -> ()

// -----

// Sched ops live at module top level.
func.func @nested() {
  // expected-error@+1 {{'sched.kernel' op must be at module top level}}
  %k = "sched.kernel"() {name = "nested"} : () -> !sched.handle
  return
}

// -----

// A step must come after its sched.kernel.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
// expected-error@+1 {{'sched.unroll' op comes before the sched.kernel op it uses}}
"sched.unroll"(%k) {factor = 2 : i64} : (!sched.handle) -> ()
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle

// -----

// Dense arrays hold i64 (IRDL does not check the element type).
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  %1 = "tg.relu"(%0) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  return %1 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{'sched.tile' op attribute 'sizes' must be array<i64: ...>, got array<i32: 8, 8, 8>}}
"sched.tile"(%k) {sizes = array<i32: 8, 8, 8>} : (!sched.handle) -> ()

// -----

// What the cpu target cannot carry out is an error at the step. gpu_map: cuda only.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{'sched.gpu_map' needs target cuda (the cpu target maps no GPU loops)}}
"sched.gpu_map"(%k) {blocks = array<i64: 2, 4>, threads = array<i64: 32, 32>} : (!sched.handle) -> ()

// -----

// Steps other than pack and polyhedral need a packed schedule (sched.pack and sched.tile):
// without one the kernel keeps its plain loops.
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{'sched.interchange' is only applied to packed kernels: the schedule needs a sched.pack and a sched.tile}}
"sched.interchange"(%k) {permutation = array<i64: 1, 0, 2>} : (!sched.handle) -> ()

// -----

// Pack needs a tile level (its innermost level is the register tile).
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
// expected-error@+1 {{'sched.pack' needs a sched.tile}}
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()

// -----

// Kernels that sched-apply does not schedule (element-wise, reductions): only polyhedral applies.
func.func private @ew(%x: tensor<8x32xf32>) -> tensor<8x32xf32> attributes {tg.kernel = "elementwise"} {
  %0 = "tg.relu"(%x) {tg.anchor} : (tensor<8x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}
%k = "sched.kernel"() {name = "ew"} : () -> !sched.handle
// expected-error@+1 {{'sched.unroll' is only applied to matmul, gemm and conv kernels, not to a 'tg.relu' kernel}}
"sched.unroll"(%k) {factor = 2 : i64} : (!sched.handle) -> ()
"sched.polyhedral"(%k) {options = "tile-sizes=8"} : (!sched.handle) -> ()

// -----

// Unroll: the kernel must have a reduction step loop (k stepped by less than its extent).
func.func private @mm(%a: tensor<64x32xf32>, %b: tensor<32x128xf32>) -> tensor<64x128xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor} : (tensor<64x32xf32>, tensor<32x128xf32>) -> tensor<64x128xf32>
  return %0 : tensor<64x128xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 32>} : (!sched.handle) -> ()
// expected-error@+1 {{nothing to unroll: kernel 'mm' has no reduction step loop}}
"sched.unroll"(%k) {factor = 2 : i64} : (!sched.handle) -> ()

// -----

// CHECK-LABEL: func.func private @cv
// CHECK: "sched.interchange"(%{{.*}}) {permutation = array<i64: 2, 3, 1, 0, 4, 5, 6>}
// CHECK: "sched.unroll"(%{{.*}}) {factor = 2 : i64}
// A packed convolution: interchange of its parallel loops; unroll of its innermost
// reduction step loop (kw, stepped by 1).
func.func private @cv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}
%k = "sched.kernel"() {name = "cv"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 4>} : (!sched.handle) -> ()
"sched.interchange"(%k) {permutation = array<i64: 2, 3, 1, 0, 4, 5, 6>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 4, 1, 6, 3, 1, 1>} : (!sched.handle) -> ()
"sched.unroll"(%k) {factor = 2 : i64} : (!sched.handle) -> ()

// -----

// Pack: a grouped (not depthwise) convolution's register tile stays within one group.
func.func private @grouped(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, tg.anchor} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}
%k = "sched.kernel"() {name = "grouped"} : () -> !sched.handle
// expected-error@+1 {{'sched.pack': the register tile's 4 output channels must divide the 2 of one group}}
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 4>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 4, 1, 3, 2, 1, 1>} : (!sched.handle) -> ()

// -----

// Pack: a strided grouped convolution has no packed form.
func.func private @grouped_strided(%x: tensor<1x8x5x5xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x2x2xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, tg.anchor} : (tensor<1x8x5x5xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x2x2xf32>
  return %0 : tensor<1x8x2x2xf32>
}
%k = "sched.kernel"() {name = "grouped_strided"} : () -> !sched.handle
// expected-error@+1 {{'sched.pack': only 2-d convolutions with groups 1, depthwise, or grouped with stride 1 have a packed form}}
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 4>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 1, 4, 1, 2, 2, 1, 1>} : (!sched.handle) -> ()

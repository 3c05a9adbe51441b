// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(sched-default{threads=1 vector-bits=512 dim-bounds=batch:1:2,seq:1:1})' | FileCheck %s
// RUN: polytile-opt %s --split-input-file --pass-pipeline='builtin.module(sched-default{threads=1 vector-bits=512})' | FileCheck %s --check-prefix=TYPICAL

// sched-default with dim bounds: a product whose rows are dynamic pads them to its
// register tile; when the bounds of A's dim symbols (tg.dim_symbols) cap the rows
// below 8, the tile is the smallest one holding them all (batch <= 2 and seq = 1:
// 2 rows); without bounds the rows are taken as typical (many): 8.
// CHECK-LABEL: func.func private @decoder_step_0
// CHECK: %[[K:.*]] = "sched.kernel"() {name = "decoder_step_0"}
// CHECK: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 2, 32, 0>}
// CHECK: "sched.tile"(%[[K]]) {sizes = array<i64: 1, 2, 32, 4>}
// TYPICAL-LABEL: func.func private @decoder_step_0
// TYPICAL: "sched.tile"(%{{.*}}) {sizes = array<i64: 1, 8, 32, 4>}
func.func private @decoder_step_0(%a: tensor<?x?x64xf32>, %b: tensor<64x64xf32>) -> tensor<?x?x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.matmul"(%a, %b) {tg.anchor, tg.dim_symbols = ["batch", "seq", ""]} : (tensor<?x?x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

// A dim without a bound (here `n`) leaves the rows unbounded: the typical tile.
// CHECK-LABEL: func.func private @gemm_unbounded_1
// CHECK: "sched.tile"(%{{.*}}) {sizes = array<i64: 8, 32, 4>}
func.func private @gemm_unbounded_1(%a: tensor<?x32xf32>, %b: tensor<64x32xf32>) -> tensor<?x64xf32> attributes {tg.kernel = "contraction"} {
  %0 = "tg.gemm"(%a, %b) {tg.anchor, tg.dim_symbols = ["n", ""], alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : si64, transB = 1 : si64} : (tensor<?x32xf32>, tensor<64x32xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

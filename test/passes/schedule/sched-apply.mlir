// RUN: polytile-opt %s --split-input-file --sched-apply --verify-diagnostics | FileCheck %s

// The packed matmul of kernel @matmul_add_relu_0 with its bias+relu epilogue (as
// convert-tg-to-linalg, inline and linalg-fuse-elementwise-ops leave it): register tiles
// in an scf.forall, the epilogue fused into it and applied to the accumulator vector,
// a k step loop carrying the accumulator, the packing copy vectorized; sched ops removed.
// CHECK-LABEL: func.func @main
// CHECK: %[[PACK:.*]] = scf.for {{.*}} -> (tensor<2x8x32xf32>)
// CHECK: vector.transfer_read
// CHECK: %[[T:.*]] = scf.forall (%[[N1:.*]], %[[M1:.*]]) in (2, 2) shared_outs
// CHECK: %[[ACC:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<1x8x1x32xf32>)
// CHECK: vector.transfer_read %[[PACK]]
// CHECK: vector.contract
// CHECK: %[[BIAS:.*]] = vector.transfer_read
// CHECK: %[[SUM:.*]] = arith.addf
// CHECK: arith.maximumf %[[SUM]]
// CHECK: } {sched.inner_tile}
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>
#map1 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d0, d4)>
#map3 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map4 = affine_map<(d0, d1, d2, d3) -> (d2, d3)>

  func.func @main(%arg0: tensor<16x8xf32>, %arg1: tensor<8x64xf32>, %arg2: tensor<64xf32>) -> tensor<16x64xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %expanded = tensor.expand_shape %arg1 [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
    %1 = tensor.empty() : tensor<2x8x32xf32>
    %transposed = linalg.transpose ins(%expanded : tensor<8x2x32xf32>) outs(%1 : tensor<2x8x32xf32>) permutation = [1, 0, 2]  {sched.layout = "matmul_add_relu_0"}
    %expanded_0 = tensor.expand_shape %arg0 [[0, 1], [2]] output_shape [2, 8, 8] : tensor<16x8xf32> into tensor<2x8x8xf32>
    %2 = tensor.empty() : tensor<2x8x2x32xf32>
    %3 = linalg.fill ins(%cst : f32) outs(%2 : tensor<2x8x2x32xf32>) -> tensor<2x8x2x32xf32>
    %4 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%expanded_0, %transposed : tensor<2x8x8xf32>, tensor<2x8x32xf32>) outs(%3 : tensor<2x8x2x32xf32>) attrs =  {sched.kernel = "matmul_add_relu_0"} {
    ^bb0(%in: f32, %in_2: f32, %out: f32):
      %7 = arith.mulf %in, %in_2 : f32
      %8 = arith.addf %out, %7 : f32
      linalg.yield %8 : f32
    } -> tensor<2x8x2x32xf32>
    %expanded_1 = tensor.expand_shape %arg2 [[0, 1]] output_shape [2, 32] : tensor<64xf32> into tensor<2x32xf32>
    %5 = tensor.empty() : tensor<2x8x2x32xf32>
    %6 = linalg.generic {indexing_maps = [#map3, #map4, #map3], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%4, %expanded_1 : tensor<2x8x2x32xf32>, tensor<2x32xf32>) outs(%5 : tensor<2x8x2x32xf32>) {
    ^bb0(%in: f32, %in_2: f32, %out: f32):
      %7 = arith.addf %in, %in_2 : f32
      %8 = arith.maximumf %7, %cst : f32
      linalg.yield %8 : f32
    } -> tensor<2x8x2x32xf32>
    %collapsed = tensor.collapse_shape %6 [[0, 1], [2, 3]] : tensor<2x8x2x32xf32> into tensor<16x64xf32>
    return %collapsed : tensor<16x64xf32>
  }
  %0 = "sched.kernel"() {name = "matmul_add_relu_0"} : () -> !sched.handle
  "sched.pack"(%0) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
  "sched.tile"(%0) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()
  "sched.fuse"(%0) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()
  "sched.vectorize"(%0) {width = 16 : i64} : (!sched.handle) -> ()


// -----

// Two threads: an outer forall over the column strips (num_threads 2) holds the
// register-tile forall.
// CHECK-LABEL: func.func @threads
// CHECK: scf.forall (%{{.*}}) in (2) shared_outs
// CHECK: scf.forall (%{{.*}}) in (4) shared_outs
// CHECK: vector.contract
// CHECK: } {sched.inner_tile}
#ma = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>
#mb = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
#mc = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d0, d4)>
func.func @threads(%a: tensor<4x8x16xf32>, %b: tensor<2x16x32xf32>) -> tensor<4x8x2x32xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8x2x32xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<4x8x2x32xf32>) -> tensor<4x8x2x32xf32>
  %r = linalg.generic {indexing_maps = [#ma, #mb, #mc], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%a, %b : tensor<4x8x16xf32>, tensor<2x16x32xf32>) outs(%f : tensor<4x8x2x32xf32>) attrs = {sched.kernel = "mm"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8x2x32xf32>
  return %r : tensor<4x8x2x32xf32>
}
%k = "sched.kernel"() {name = "mm"} : () -> !sched.handle
"sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 0>} : (!sched.handle) -> ()
"sched.parallel"(%k) {dims = array<i64: 1>, threads = 2 : i64} : (!sched.handle) -> ()
"sched.tile"(%k) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()
"sched.vectorize"(%k) {width = 16 : i64} : (!sched.handle) -> ()

// -----

// A tagged kernel without a schedule is an error at the tagged op.
func.func @unscheduled(%a: tensor<1x8x4xf32>, %b: tensor<1x4x32xf32>) -> tensor<1x8x1x32xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x1x32xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x8x1x32xf32>) -> tensor<1x8x1x32xf32>
  // expected-error @+1 {{kernel 'lost' was lowered for a schedule, but none is attached}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d0, d4)>], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%a, %b : tensor<1x8x4xf32>, tensor<1x4x32xf32>) outs(%f : tensor<1x8x1x32xf32>) attrs = {sched.kernel = "lost"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x8x1x32xf32>
  return %r : tensor<1x8x1x32xf32>
}

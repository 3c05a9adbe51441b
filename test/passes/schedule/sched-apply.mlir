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

// The matmul with its fused epilogue and an interchange putting m outside n: the
// epilogue (the tiled root) iterates row tiles first, forall (m1, n1).
// CHECK-LABEL: func.func @epilogue_interchange
// CHECK: scf.forall (%[[M1:.*]], %[[N1:.*]]) in (2, 2) shared_outs(%[[OUT:.*]] = %{{.*}})
// CHECK: vector.contract
// CHECK: arith.maximumf
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[OUT]][%[[M1]], 0, %[[N1]], 0] [1, 8, 1, 32]
// CHECK: } {sched.inner_tile}
#map = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>
#map1 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d0, d4)>
#map3 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map4 = affine_map<(d0, d1, d2, d3) -> (d2, d3)>

  func.func @epilogue_interchange(%arg0: tensor<16x8xf32>, %arg1: tensor<8x64xf32>, %arg2: tensor<64xf32>) -> tensor<16x64xf32> {
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
  "sched.interchange"(%0) {permutation = array<i64: 0, 1, 2>} : (!sched.handle) -> ()
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

// -----

// A packed matmul (M 8, N 64, K 36) with an interchange putting the row tiles (m)
// outside the column strips (n): the register-tile forall iterates (m1, n1) instead
// of (n1, m1). Unroll 4 of the k step loop (9 steps of 4): a loop of 2 steps of 16
// holding 4 contractions, then the remaining step.
// CHECK-LABEL: func.func @mm_interchange_unroll
// CHECK: scf.forall (%[[M1:.*]], %[[N1:.*]]) in (1, 4) shared_outs(%[[C:.*]] = %{{.*}})
// CHECK: tensor.extract_slice %[[C]][%[[M1]], 0, %[[N1]], 0]
// CHECK: %[[ACC:.*]] = scf.for %{{.*}} = %{{.*}} to %[[C32:.*]] step %[[C16:.*]] iter_args(%{{.*}} = %{{.*}}) -> (vector<1x8x1x16xf32>)
// CHECK-COUNT-4: vector.contract
// CHECK: scf.yield
// CHECK: vector.shape_cast %[[ACC]]
// CHECK: vector.contract
// CHECK: } {sched.inner_tile}
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>
#map1 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d0, d4)>
module {
  %k = "sched.kernel"() {name = "matmul_0"} : () -> !sched.handle
  "sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
  "sched.interchange"(%k) {permutation = array<i64: 0, 1, 2>} : (!sched.handle) -> ()
  "sched.tile"(%k) {sizes = array<i64: 8, 16, 4>} : (!sched.handle) -> ()
  "sched.unroll"(%k) {factor = 4 : i64} : (!sched.handle) -> ()
  "sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()
  func.func @mm_interchange_unroll(%arg0: memref<8x36xf32>, %arg1: memref<36x64xf32>, %arg2: memref<8x64xf32>) attributes {llvm.emit_c_interface} {
    %cst = arith.constant 0.000000e+00 : f32
    %1 = bufferization.to_tensor %arg0 restrict : memref<8x36xf32> to tensor<8x36xf32>
    %2 = bufferization.to_tensor %arg1 restrict : memref<36x64xf32> to tensor<36x64xf32>
    %expanded = tensor.expand_shape %2 [[0], [1, 2]] output_shape [36, 4, 16] : tensor<36x64xf32> into tensor<36x4x16xf32>
    %3 = tensor.empty() : tensor<4x36x16xf32>
    %transposed = linalg.transpose ins(%expanded : tensor<36x4x16xf32>) outs(%3 : tensor<4x36x16xf32>) permutation = [1, 0, 2]  {sched.layout = "matmul_0"}
    %expanded_0 = tensor.expand_shape %1 [[0, 1], [2]] output_shape [1, 8, 36] : tensor<8x36xf32> into tensor<1x8x36xf32>
    %4 = tensor.empty() : tensor<1x8x4x16xf32>
    %5 = linalg.fill ins(%cst : f32) outs(%4 : tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
    %6 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%expanded_0, %transposed : tensor<1x8x36xf32>, tensor<4x36x16xf32>) outs(%5 : tensor<1x8x4x16xf32>) attrs =  {sched.kernel = "matmul_0"} {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %7 = arith.mulf %in, %in_1 : f32
      %8 = arith.addf %out, %7 : f32
      linalg.yield %8 : f32
    } -> tensor<1x8x4x16xf32>
    %collapsed = tensor.collapse_shape %6 [[0, 1], [2, 3]] : tensor<1x8x4x16xf32> into tensor<8x64xf32>
    bufferization.materialize_in_destination %collapsed in restrict writable %arg2 : (tensor<8x64xf32>, memref<8x64xf32>) -> ()
    return
  }
}

// -----

// A 3x3 convolution packed channels-last (default schedule): register tiles of 5
// output columns x 16 channels in a forall over (n, oh, ow blocks, f blocks), the
// kernel taps kh, kw as step loops, the channel block of 8 (all of C) in the vector
// contraction; the input and output layout copies tiled into loops.
// CHECK-LABEL: func.func @conv_channels_last
// CHECK: scf.for {{.*}} -> (tensor<1x6x10x8xf32>)
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) in (1, 6, 2, 1)
// CHECK: scf.for {{.*}} -> (vector<1x5x16xf32>)
// CHECK: scf.for {{.*}} -> (vector<1x5x16xf32>)
// CHECK: vector.contract
// CHECK: } {sched.inner_tile}
// CHECK: scf.for {{.*}} -> (tensor<1x16x6x10xf32>)
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module {
  %k = "sched.kernel"() {name = "conv_relu_0"} : () -> !sched.handle
  "sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
  "sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 5, 0, 0, 0>} : (!sched.handle) -> ()
  "sched.parallel"(%k) {dims = array<i64: 2>, threads = 1 : i64} : (!sched.handle) -> ()
  "sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 5, 8, 1, 1>} : (!sched.handle) -> ()
  "sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()
  func.func @conv_channels_last(%arg0: memref<1x8x6x10xf32>, %arg1: memref<16x8x3x3xf32>, %arg2: memref<1x16x6x10xf32>) attributes {llvm.emit_c_interface} {
    %cst = arith.constant 0.000000e+00 : f32
    %1 = bufferization.to_tensor %arg0 restrict : memref<1x8x6x10xf32> to tensor<1x8x6x10xf32>
    %2 = bufferization.to_tensor %arg1 restrict : memref<16x8x3x3xf32> to tensor<16x8x3x3xf32>
    %3 = tensor.empty() : tensor<1x6x10x8xf32>
    %transposed = linalg.transpose ins(%1 : tensor<1x8x6x10xf32>) outs(%3 : tensor<1x6x10x8xf32>) permutation = [0, 2, 3, 1]  {sched.layout = "conv_relu_0"}
    %4 = tensor.empty() : tensor<1x8x12x8xf32>
    %5 = linalg.fill ins(%cst : f32) outs(%4 : tensor<1x8x12x8xf32>) -> tensor<1x8x12x8xf32>
    %inserted_slice = tensor.insert_slice %transposed into %5[0, 1, 1, 0] [1, 6, 10, 8] [1, 1, 1, 1] : tensor<1x6x10x8xf32> into tensor<1x8x12x8xf32>
    %6 = tensor.empty() : tensor<3x3x8x16xf32>
    %transposed_0 = linalg.transpose ins(%2 : tensor<16x8x3x3xf32>) outs(%6 : tensor<3x3x8x16xf32>) permutation = [2, 3, 1, 0] 
    %7 = tensor.empty() : tensor<1x6x10x16xf32>
    %8 = linalg.fill ins(%cst : f32) outs(%7 : tensor<1x6x10x16xf32>) -> tensor<1x6x10x16xf32>
    %9 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, sched.kernel = "conv_relu_0", strides = dense<1> : tensor<2xi64>} ins(%inserted_slice, %transposed_0 : tensor<1x8x12x8xf32>, tensor<3x3x8x16xf32>) outs(%8 : tensor<1x6x10x16xf32>) -> tensor<1x6x10x16xf32>
    %10 = tensor.empty() : tensor<1x16x6x10xf32>
    %11 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%9 : tensor<1x6x10x16xf32>) outs(%10 : tensor<1x16x6x10xf32>) {
    ^bb0(%in: f32, %out: f32):
      %12 = arith.maximumf %in, %cst : f32
      linalg.yield %12 : f32
    } -> tensor<1x16x6x10xf32>
    bufferization.materialize_in_destination %11 in restrict writable %arg2 : (tensor<1x16x6x10xf32>, memref<1x16x6x10xf32>) -> ()
    return
  }
}

// -----

// The same convolution with interchange (oh, n, ow, f): one forall per tile loop in
// that order (oh outermost; n and f have one tile and fold away), and a channel step
// of 1 unrolled by 3: the c loop steps by 3 over 6 channels with 3 contractions, a
// remainder loop takes the last 2.
// CHECK-LABEL: func.func @conv_interchange_unroll
// CHECK: scf.forall (%{{.*}}) in (6)
// CHECK: scf.forall (%{{.*}}) in (2)
// CHECK: scf.for {{.*}} -> (vector<1x5x16xf32>)
// CHECK: scf.for {{.*}} -> (vector<1x5x16xf32>)
// CHECK: %[[MAIN:.*]] = scf.for %{{.*}} = %{{.*}} to %[[C6:.*]] step %[[C3:.*]] iter_args
// CHECK-COUNT-3: vector.contract
// CHECK: scf.yield
// CHECK: scf.for %{{.*}} = %[[C6]] to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[MAIN]])
// CHECK: vector.contract
// CHECK: } {sched.inner_tile}
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module {
  %k = "sched.kernel"() {name = "conv_relu_0"} : () -> !sched.handle
  "sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
  "sched.interchange"(%k) {permutation = array<i64: 2, 0, 3, 1, 4, 5, 6>} : (!sched.handle) -> ()
  "sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 5, 1, 1, 1>} : (!sched.handle) -> ()
  "sched.unroll"(%k) {factor = 3 : i64} : (!sched.handle) -> ()
  "sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()
  func.func @conv_interchange_unroll(%arg0: memref<1x8x6x10xf32>, %arg1: memref<16x8x3x3xf32>, %arg2: memref<1x16x6x10xf32>) attributes {llvm.emit_c_interface} {
    %cst = arith.constant 0.000000e+00 : f32
    %1 = bufferization.to_tensor %arg0 restrict : memref<1x8x6x10xf32> to tensor<1x8x6x10xf32>
    %2 = bufferization.to_tensor %arg1 restrict : memref<16x8x3x3xf32> to tensor<16x8x3x3xf32>
    %3 = tensor.empty() : tensor<1x6x10x8xf32>
    %transposed = linalg.transpose ins(%1 : tensor<1x8x6x10xf32>) outs(%3 : tensor<1x6x10x8xf32>) permutation = [0, 2, 3, 1]  {sched.layout = "conv_relu_0"}
    %4 = tensor.empty() : tensor<1x8x12x8xf32>
    %5 = linalg.fill ins(%cst : f32) outs(%4 : tensor<1x8x12x8xf32>) -> tensor<1x8x12x8xf32>
    %inserted_slice = tensor.insert_slice %transposed into %5[0, 1, 1, 0] [1, 6, 10, 8] [1, 1, 1, 1] : tensor<1x6x10x8xf32> into tensor<1x8x12x8xf32>
    %6 = tensor.empty() : tensor<3x3x8x16xf32>
    %transposed_0 = linalg.transpose ins(%2 : tensor<16x8x3x3xf32>) outs(%6 : tensor<3x3x8x16xf32>) permutation = [2, 3, 1, 0] 
    %7 = tensor.empty() : tensor<1x6x10x16xf32>
    %8 = linalg.fill ins(%cst : f32) outs(%7 : tensor<1x6x10x16xf32>) -> tensor<1x6x10x16xf32>
    %9 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, sched.kernel = "conv_relu_0", strides = dense<1> : tensor<2xi64>} ins(%inserted_slice, %transposed_0 : tensor<1x8x12x8xf32>, tensor<3x3x8x16xf32>) outs(%8 : tensor<1x6x10x16xf32>) -> tensor<1x6x10x16xf32>
    %10 = tensor.empty() : tensor<1x16x6x10xf32>
    %11 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%9 : tensor<1x6x10x16xf32>) outs(%10 : tensor<1x16x6x10xf32>) {
    ^bb0(%in: f32, %out: f32):
      %12 = arith.maximumf %in, %cst : f32
      linalg.yield %12 : f32
    } -> tensor<1x16x6x10xf32>
    bufferization.materialize_in_destination %11 in restrict writable %arg2 : (tensor<1x16x6x10xf32>, memref<1x16x6x10xf32>) -> ()
    return
  }
}

// -----

// A depthwise 3x3 convolution (channels-last, 16 channels, 5-column register tiles)
// with interchange (n, ow, oh, f): nested foralls n, ow blocks, oh; unroll 2 of the
// innermost step loop kw (3 taps): 3 FMAs in straight line in the kh loop.
// CHECK-LABEL: func.func @depthwise_interchange_unroll
// CHECK: scf.forall (%{{.*}}) in (1)
// CHECK: scf.forall (%{{.*}}) in (2)
// CHECK: scf.forall (%{{.*}}) in (6)
// CHECK: scf.for {{.*}} -> (vector<1x5x16xf32>)
// CHECK-COUNT-3: vector.fma
// CHECK: scf.yield
// CHECK: } {sched.inner_tile}
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module {
  %k = "sched.kernel"() {name = "conv_0"} : () -> !sched.handle
  "sched.pack"(%k) {operand = 1 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
  "sched.tile"(%k) {sizes = array<i64: 1, 16, 1, 5, 1, 1, 1>} : (!sched.handle) -> ()
  "sched.interchange"(%k) {permutation = array<i64: 0, 3, 2, 1, 4, 5, 6>} : (!sched.handle) -> ()
  "sched.unroll"(%k) {factor = 2 : i64} : (!sched.handle) -> ()
  "sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()
  func.func @depthwise_interchange_unroll(%arg0: memref<1x16x6x10xf32>, %arg1: memref<16x1x3x3xf32>, %arg2: memref<1x16x6x10xf32>) attributes {llvm.emit_c_interface} {
    %cst = arith.constant 0.000000e+00 : f32
    %1 = bufferization.to_tensor %arg0 restrict : memref<1x16x6x10xf32> to tensor<1x16x6x10xf32>
    %2 = bufferization.to_tensor %arg1 restrict : memref<16x1x3x3xf32> to tensor<16x1x3x3xf32>
    %3 = tensor.empty() : tensor<1x6x10x16xf32>
    %transposed = linalg.transpose ins(%1 : tensor<1x16x6x10xf32>) outs(%3 : tensor<1x6x10x16xf32>) permutation = [0, 2, 3, 1]  {sched.layout = "conv_0"}
    %4 = tensor.empty() : tensor<1x8x12x16xf32>
    %5 = linalg.fill ins(%cst : f32) outs(%4 : tensor<1x8x12x16xf32>) -> tensor<1x8x12x16xf32>
    %inserted_slice = tensor.insert_slice %transposed into %5[0, 1, 1, 0] [1, 6, 10, 16] [1, 1, 1, 1] : tensor<1x6x10x16xf32> into tensor<1x8x12x16xf32>
    %6 = tensor.empty() : tensor<3x3x16xf32>
    %expanded = tensor.expand_shape %6 [[0], [1], [2, 3]] output_shape [3, 3, 16, 1] : tensor<3x3x16xf32> into tensor<3x3x16x1xf32>
    %transposed_0 = linalg.transpose ins(%2 : tensor<16x1x3x3xf32>) outs(%expanded : tensor<3x3x16x1xf32>) permutation = [2, 3, 0, 1] 
    %collapsed = tensor.collapse_shape %transposed_0 [[0], [1], [2, 3]] : tensor<3x3x16x1xf32> into tensor<3x3x16xf32>
    %7 = linalg.fill ins(%cst : f32) outs(%3 : tensor<1x6x10x16xf32>) -> tensor<1x6x10x16xf32>
    %8 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, sched.kernel = "conv_0", strides = dense<1> : tensor<2xi64>} ins(%inserted_slice, %collapsed : tensor<1x8x12x16xf32>, tensor<3x3x16xf32>) outs(%7 : tensor<1x6x10x16xf32>) -> tensor<1x6x10x16xf32>
    %9 = tensor.empty() : tensor<1x16x6x10xf32>
    %10 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%8 : tensor<1x6x10x16xf32>) outs(%9 : tensor<1x16x6x10xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x16x6x10xf32>
    bufferization.materialize_in_destination %10 in restrict writable %arg2 : (tensor<1x16x6x10xf32>, memref<1x16x6x10xf32>) -> ()
    return
  }
}

// -----

// A pointwise (1x1) convolution as the product W[F, C] @ X[C, H*W], X packed in
// strips of 16 positions (default schedule): forall over (strips n1, channel tiles
// m1), a c step loop of 4.
// CHECK-LABEL: func.func @pointwise_default
// CHECK: scf.forall (%[[N1:.*]], %[[M1:.*]]) in (2, 2) shared_outs(%[[C:.*]] = %{{.*}})
// CHECK: tensor.extract_slice %[[C]][%[[M1]], 0, %[[N1]], 0]
// CHECK: scf.for {{.*}} step {{.*}} -> (vector<1x8x1x16xf32>)
// CHECK: vector.contract
// CHECK: } {sched.inner_tile}
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>
#map1 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d0, d4)>
module {
  %k = "sched.kernel"() {name = "conv_0"} : () -> !sched.handle
  "sched.pack"(%k) {operand = 0 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
  "sched.tile"(%k) {sizes = array<i64: 1, 8, 1, 8, 4, 1, 1>} : (!sched.handle) -> ()
  "sched.fuse"(%k) {consumers = true, producers = array<i64>} : (!sched.handle) -> ()
  "sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()
  func.func @pointwise_default(%arg0: memref<1x12x4x8xf32>, %arg1: memref<16x12x1x1xf32>, %arg2: memref<1x16x4x8xf32>) attributes {llvm.emit_c_interface} {
    %cst = arith.constant 0.000000e+00 : f32
    %1 = bufferization.to_tensor %arg0 restrict : memref<1x12x4x8xf32> to tensor<1x12x4x8xf32>
    %2 = bufferization.to_tensor %arg1 restrict : memref<16x12x1x1xf32> to tensor<16x12x1x1xf32>
    %collapsed = tensor.collapse_shape %2 [[0], [1, 2, 3]] : tensor<16x12x1x1xf32> into tensor<16x12xf32>
    %collapsed_0 = tensor.collapse_shape %1 [[0, 1], [2, 3]] : tensor<1x12x4x8xf32> into tensor<12x32xf32>
    %expanded = tensor.expand_shape %collapsed_0 [[0], [1, 2]] output_shape [12, 2, 16] : tensor<12x32xf32> into tensor<12x2x16xf32>
    %3 = tensor.empty() : tensor<2x12x16xf32>
    %transposed = linalg.transpose ins(%expanded : tensor<12x2x16xf32>) outs(%3 : tensor<2x12x16xf32>) permutation = [1, 0, 2]  {sched.layout = "conv_0"}
    %expanded_1 = tensor.expand_shape %collapsed [[0, 1], [2]] output_shape [2, 8, 12] : tensor<16x12xf32> into tensor<2x8x12xf32>
    %4 = tensor.empty() : tensor<2x8x2x16xf32>
    %5 = linalg.fill ins(%cst : f32) outs(%4 : tensor<2x8x2x16xf32>) -> tensor<2x8x2x16xf32>
    %6 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%expanded_1, %transposed : tensor<2x8x12xf32>, tensor<2x12x16xf32>) outs(%5 : tensor<2x8x2x16xf32>) attrs =  {sched.kernel = "conv_0"} {
    ^bb0(%in: f32, %in_4: f32, %out: f32):
      %7 = arith.mulf %in, %in_4 : f32
      %8 = arith.addf %out, %7 : f32
      linalg.yield %8 : f32
    } -> tensor<2x8x2x16xf32>
    %collapsed_2 = tensor.collapse_shape %6 [[0, 1], [2, 3]] : tensor<2x8x2x16xf32> into tensor<16x32xf32>
    %expanded_3 = tensor.expand_shape %collapsed_2 [[0, 1], [2, 3]] output_shape [1, 16, 4, 8] : tensor<16x32xf32> into tensor<1x16x4x8xf32>
    bufferization.materialize_in_destination %expanded_3 in restrict writable %arg2 : (tensor<1x16x4x8xf32>, memref<1x16x4x8xf32>) -> ()
    return
  }
}

// -----

// The pointwise convolution with f (the channel tiles m1) outermost and a channel
// step of 1 unrolled by 5 (12 channels: 2 steps of 5, then 2).
// CHECK-LABEL: func.func @pointwise_interchange_unroll
// CHECK: scf.forall (%[[M1:.*]], %[[N1:.*]]) in (2, 2) shared_outs(%[[C:.*]] = %{{.*}})
// CHECK: tensor.extract_slice %[[C]][%[[M1]], 0, %[[N1]], 0]
// CHECK: %[[MAIN:.*]] = scf.for %{{.*}} = %{{.*}} to %[[C10:.*]] step %[[C5:.*]] iter_args
// CHECK-COUNT-5: vector.contract
// CHECK: scf.for %{{.*}} = %[[C10]] to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[MAIN]])
// CHECK: } {sched.inner_tile}
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>
#map1 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d0, d4)>
module {
  %k = "sched.kernel"() {name = "conv_0"} : () -> !sched.handle
  "sched.pack"(%k) {operand = 0 : i64, tiles = array<i64: 16>} : (!sched.handle) -> ()
  "sched.interchange"(%k) {permutation = array<i64: 0, 1, 2, 3, 4, 5, 6>} : (!sched.handle) -> ()
  "sched.tile"(%k) {sizes = array<i64: 1, 8, 1, 8, 1, 1, 1>} : (!sched.handle) -> ()
  "sched.unroll"(%k) {factor = 5 : i64} : (!sched.handle) -> ()
  "sched.vectorize"(%k) {width = 8 : i64} : (!sched.handle) -> ()
  func.func @pointwise_interchange_unroll(%arg0: memref<1x12x4x8xf32>, %arg1: memref<16x12x1x1xf32>, %arg2: memref<1x16x4x8xf32>) attributes {llvm.emit_c_interface} {
    %cst = arith.constant 0.000000e+00 : f32
    %1 = bufferization.to_tensor %arg0 restrict : memref<1x12x4x8xf32> to tensor<1x12x4x8xf32>
    %2 = bufferization.to_tensor %arg1 restrict : memref<16x12x1x1xf32> to tensor<16x12x1x1xf32>
    %collapsed = tensor.collapse_shape %2 [[0], [1, 2, 3]] : tensor<16x12x1x1xf32> into tensor<16x12xf32>
    %collapsed_0 = tensor.collapse_shape %1 [[0, 1], [2, 3]] : tensor<1x12x4x8xf32> into tensor<12x32xf32>
    %expanded = tensor.expand_shape %collapsed_0 [[0], [1, 2]] output_shape [12, 2, 16] : tensor<12x32xf32> into tensor<12x2x16xf32>
    %3 = tensor.empty() : tensor<2x12x16xf32>
    %transposed = linalg.transpose ins(%expanded : tensor<12x2x16xf32>) outs(%3 : tensor<2x12x16xf32>) permutation = [1, 0, 2]  {sched.layout = "conv_0"}
    %expanded_1 = tensor.expand_shape %collapsed [[0, 1], [2]] output_shape [2, 8, 12] : tensor<16x12xf32> into tensor<2x8x12xf32>
    %4 = tensor.empty() : tensor<2x8x2x16xf32>
    %5 = linalg.fill ins(%cst : f32) outs(%4 : tensor<2x8x2x16xf32>) -> tensor<2x8x2x16xf32>
    %6 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%expanded_1, %transposed : tensor<2x8x12xf32>, tensor<2x12x16xf32>) outs(%5 : tensor<2x8x2x16xf32>) attrs =  {sched.kernel = "conv_0"} {
    ^bb0(%in: f32, %in_4: f32, %out: f32):
      %7 = arith.mulf %in, %in_4 : f32
      %8 = arith.addf %out, %7 : f32
      linalg.yield %8 : f32
    } -> tensor<2x8x2x16xf32>
    %collapsed_2 = tensor.collapse_shape %6 [[0, 1], [2, 3]] : tensor<2x8x2x16xf32> into tensor<16x32xf32>
    %expanded_3 = tensor.expand_shape %collapsed_2 [[0, 1], [2, 3]] output_shape [1, 16, 4, 8] : tensor<16x32xf32> into tensor<1x16x4x8xf32>
    bufferization.materialize_in_destination %expanded_3 in restrict writable %arg2 : (tensor<1x16x4x8xf32>, memref<1x16x4x8xf32>) -> ()
    return
  }
}

// -----

// A convolution lowered plain (grouped, no schedule applies): sched-apply leaves it alone.
// CHECK-LABEL: func.func @plain_conv
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-NOT: scf.forall
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 + d6, d4 + d7)>
#map1 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
#map2 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
module {
  %k = "sched.kernel"() {name = "conv_0"} : () -> !sched.handle
  func.func @plain_conv(%arg0: memref<1x4x5x5xf32>, %arg1: memref<4x2x3x3xf32>, %arg2: memref<1x4x3x3xf32>) attributes {llvm.emit_c_interface} {
    %cst = arith.constant 0.000000e+00 : f32
    %0 = bufferization.to_tensor %arg0 restrict : memref<1x4x5x5xf32> to tensor<1x4x5x5xf32>
    %1 = bufferization.to_tensor %arg1 restrict : memref<4x2x3x3xf32> to tensor<4x2x3x3xf32>
    %expanded = tensor.expand_shape %0 [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 5, 5] : tensor<1x4x5x5xf32> into tensor<1x2x2x5x5xf32>
    %expanded_0 = tensor.expand_shape %1 [[0, 1], [2], [3], [4]] output_shape [2, 2, 2, 3, 3] : tensor<4x2x3x3xf32> into tensor<2x2x2x3x3xf32>
    %2 = tensor.empty() : tensor<1x2x2x3x3xf32>
    %3 = linalg.fill ins(%cst : f32) outs(%2 : tensor<1x2x2x3x3xf32>) -> tensor<1x2x2x3x3xf32>
    %4 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%expanded, %expanded_0 : tensor<1x2x2x5x5xf32>, tensor<2x2x2x3x3xf32>) outs(%3 : tensor<1x2x2x3x3xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %5 = arith.mulf %in, %in_1 : f32
      %6 = arith.addf %out, %5 : f32
      linalg.yield %6 : f32
    } -> tensor<1x2x2x3x3xf32>
    %collapsed = tensor.collapse_shape %4 [[0], [1, 2], [3], [4]] : tensor<1x2x2x3x3xf32> into tensor<1x4x3x3xf32>
    bufferization.materialize_in_destination %collapsed in restrict writable %arg2 : (tensor<1x4x3x3xf32>, memref<1x4x3x3xf32>) -> ()
    return
  }
}

// -----
// A schedule whose packing the kernel's shapes do not take (a grouped convolution) is
// lowered plain: an explicit interchange (or unroll) cannot be carried out, an error.
#map = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 + d6, d4 + d7)>
#map1 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
#map2 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
module {
  %0 = "sched.kernel"() {name = "conv_0"} : () -> !sched.handle
  "sched.pack"(%0) {operand = 1 : i64, tiles = array<i64: 4>} : (!sched.handle) -> ()
  "sched.interchange"(%0) {permutation = array<i64: 0, 2, 3, 1, 4, 5, 6>} : (!sched.handle) -> ()
  "sched.tile"(%0) {sizes = array<i64: 1, 4, 1, 3, 2, 1, 1>} : (!sched.handle) -> ()
  "sched.vectorize"(%0) {width = 4 : i64} : (!sched.handle) -> ()
  func.func @plain_fallback(%arg0: memref<1x4x5x5xf32>, %arg1: memref<4x2x3x3xf32>, %arg2: memref<1x4x3x3xf32>) attributes {llvm.emit_c_interface} {
    %cst = arith.constant 0.000000e+00 : f32
    %1 = bufferization.to_tensor %arg0 restrict : memref<1x4x5x5xf32> to tensor<1x4x5x5xf32>
    %2 = bufferization.to_tensor %arg1 restrict : memref<4x2x3x3xf32> to tensor<4x2x3x3xf32>
    %expanded = tensor.expand_shape %1 [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 5, 5] : tensor<1x4x5x5xf32> into tensor<1x2x2x5x5xf32>
    %expanded_0 = tensor.expand_shape %2 [[0, 1], [2], [3], [4]] output_shape [2, 2, 2, 3, 3] : tensor<4x2x3x3xf32> into tensor<2x2x2x3x3xf32>
    %3 = tensor.empty() : tensor<1x2x2x3x3xf32>
    %4 = linalg.fill ins(%cst : f32) outs(%3 : tensor<1x2x2x3x3xf32>) -> tensor<1x2x2x3x3xf32>
    // expected-error@+1 {{kernel 'conv_0': 'sched.interchange' applies to the packed form, but the kernel was lowered to plain loops (its shapes do not fit the schedule's packing)}}
    %5 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%expanded, %expanded_0 : tensor<1x2x2x5x5xf32>, tensor<2x2x2x3x3xf32>) outs(%4 : tensor<1x2x2x3x3xf32>) attrs =  {sched.plain_anchor = "conv_0"} {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %6 = arith.mulf %in, %in_1 : f32
      %7 = arith.addf %out, %6 : f32
      linalg.yield %7 : f32
    } -> tensor<1x2x2x3x3xf32>
    %collapsed = tensor.collapse_shape %5 [[0], [1, 2], [3], [4]] : tensor<1x2x2x3x3xf32> into tensor<1x4x3x3xf32>
    bufferization.materialize_in_destination %collapsed in restrict writable %arg2 : (tensor<1x4x3x3xf32>, memref<1x4x3x3xf32>) -> ()
    return
  }
}

// -----

// A permutation copy on its own (a lowered tg.transpose kernel, no schedule): tiled so that
// each tile is one vector transpose (here 16 channels x 8 columns), read and written whole.
// CHECK-LABEL: func.func @transpose_copy
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x16x4x8xf32>)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[R:.*]] = vector.transfer_read %[[X]]{{.*}} : tensor<1x16x4x8xf32>, vector<1x16x1x8xf32>
// CHECK: %[[T:.*]] = vector.transpose %[[R]], [0, 2, 3, 1] : vector<1x16x1x8xf32> to vector<1x1x8x16xf32>
// CHECK: vector.transfer_write %[[T]]
// CHECK-NOT: linalg.generic
#in = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @transpose_copy(%x: tensor<1x16x4x8xf32>) -> tensor<1x4x8x16xf32> {
  %e = tensor.empty() : tensor<1x4x8x16xf32>
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x16x4x8xf32>) outs(%e : tensor<1x4x8x16xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  } -> tensor<1x4x8x16xf32>
  return %0 : tensor<1x4x8x16xf32>
}

// -----

// A grouped convolution's generic (packed.grouped_nhwc_conv, loops n, oh, ow, g, f, kh,
// kw, c): register tiles of 6 columns x 4 channels of one group in an scf.forall, a loop
// per tap, and each step's unit dims folded so that it vectorizes to a 6x4 by 4x4
// matrix product; sched ops removed.
// CHECK-LABEL: func.func private @grouped
// CHECK: %[[T:.*]] = scf.forall (%{{.*}}) in (1, 6, 1, 2, 1) shared_outs
// CHECK: scf.for %[[KH:.*]] = %{{.*}} to %{{.*}} step
// CHECK: scf.for %[[KW:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[A:.*]] = vector.transfer_read {{.*}} : tensor<1x8x8x2x4xf32>, vector<6x4xf32>
// CHECK: %[[B:.*]] = vector.transfer_read {{.*}} : tensor<2x3x3x4x4xf32>, vector<4x4xf32>
// CHECK: vector.contract {{.*}} %[[A]], %[[B]], %{{.*}} : vector<6x4xf32>, vector<4x4xf32> into vector<6x4xf32>
// CHECK: } {sched.inner_tile}
// CHECK: tensor.collapse_shape %[[T]]
// CHECK-NOT: sched.kernel
#map = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5, d2 + d6, d3, d7)>
#map1 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d5, d6, d7, d4)>
#map2 = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
module {
  func.func private @grouped(%arg0: tensor<1x6x6x8xf32>, %arg1: tensor<8x4x3x3xf32>) -> tensor<1x6x6x8xf32> attributes {tg.kernel = "contraction"} {
    %cst = arith.constant 0.000000e+00 : f32
    %1 = tensor.empty() : tensor<1x8x8x8xf32>
    %2 = linalg.fill ins(%cst : f32) outs(%1 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    %inserted_slice = tensor.insert_slice %arg0 into %2[0, 1, 1, 0] [1, 6, 6, 8] [1, 1, 1, 1] : tensor<1x6x6x8xf32> into tensor<1x8x8x8xf32>
    %expanded = tensor.expand_shape %inserted_slice [[0], [1], [2], [3, 4]] output_shape [1, 8, 8, 2, 4] : tensor<1x8x8x8xf32> into tensor<1x8x8x2x4xf32>
    %expanded_0 = tensor.expand_shape %arg1 [[0, 1], [2], [3], [4]] output_shape [2, 4, 4, 3, 3] : tensor<8x4x3x3xf32> into tensor<2x4x4x3x3xf32>
    %3 = tensor.empty() : tensor<2x3x3x4x4xf32>
    %transposed = linalg.transpose ins(%expanded_0 : tensor<2x4x4x3x3xf32>) outs(%3 : tensor<2x3x3x4x4xf32>) permutation = [0, 3, 4, 2, 1] 
    %cst_1 = arith.constant 0.000000e+00 : f32
    %4 = tensor.empty() : tensor<1x6x6x2x4xf32>
    %5 = linalg.fill ins(%cst_1 : f32) outs(%4 : tensor<1x6x6x2x4xf32>) -> tensor<1x6x6x2x4xf32>
    %6 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%expanded, %transposed : tensor<1x8x8x2x4xf32>, tensor<2x3x3x4x4xf32>) outs(%5 : tensor<1x6x6x2x4xf32>) attrs =  {sched.grouped_conv, sched.kernel = "grouped"} {
    ^bb0(%in: f32, %in_2: f32, %out: f32):
      %7 = arith.mulf %in, %in_2 : f32
      %8 = arith.addf %out, %7 : f32
      linalg.yield %8 : f32
    } -> tensor<1x6x6x2x4xf32>
    %collapsed = tensor.collapse_shape %6 [[0], [1], [2], [3, 4]] : tensor<1x6x6x2x4xf32> into tensor<1x6x6x8xf32>
    return %collapsed : tensor<1x6x6x8xf32>
  }
  %0 = "sched.kernel"() {name = "grouped"} : () -> !sched.handle
  "sched.pack"(%0) {operand = 1 : i64, tiles = array<i64: 4>} : (!sched.handle) -> ()
  "sched.tile"(%0) {sizes = array<i64: 1, 4, 1, 6, 0, 0, 0>} : (!sched.handle) -> ()
  "sched.tile"(%0) {sizes = array<i64: 1, 4, 1, 6, 4, 1, 1>} : (!sched.handle) -> ()
  "sched.vectorize"(%0) {width = 4 : i64} : (!sched.handle) -> ()
}


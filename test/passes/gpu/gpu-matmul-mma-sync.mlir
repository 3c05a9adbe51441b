// RUN: polytile-opt %s --split-input-file --gpu-matmul-mma-sync | FileCheck %s
// RUN: polytile-opt %s --split-input-file --gpu-matmul-mma-sync=tf32=true | FileCheck %s --check-prefix=TF32
// RUN: polytile-opt %s --split-input-file --pass-pipeline="builtin.module(gpu-matmul-mma-sync,gpu-launch-sink-index-computations,gpu-kernel-outlining,nvvm-attach-target{chip=sm_90 features=+ptx80},gpu.module(convert-scf-to-cf),gpu.module(convert-nvgpu-to-nvvm),gpu.module(convert-gpu-to-nvvm),gpu.module(convert-nvvm-to-llvm),gpu.module(reconcile-unrealized-casts),gpu-module-to-binary{format=isa})" | FileCheck %s --check-prefix=PTX

// An fp16 matmul accumulated in f32 becomes one block of 4 warps per 64x64
// tile of C: 32-wide k slices of A and B copied to padded shared memory
// between barriers, 8 mma.sync (2x4 tiles of 16x8 per warp) per 16-wide k
// step, then C += the accumulators. 64x32x128 divides the tiles: no guards.
// CHECK-LABEL: func.func @fp16
// CHECK-SAME: (%[[A:.*]]: memref<64x32xf16>, %[[B:.*]]: memref<32x128xf16>, %[[C:.*]]: memref<64x128xf32>)
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[C1:[a-z0-9_]+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:[a-z0-9_]+]] = arith.constant 2 : index
// CHECK-DAG: %[[C128:[a-z0-9_]+]] = arith.constant 128 : index
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %[[C2]], %{{.*}} = %[[C1]], %{{.*}} = %[[C1]]) threads({{.*}}) in (%{{.*}} = %[[C128]], %{{.*}} = %[[C1]], %{{.*}} = %[[C1]]) workgroup(%[[AS:.*]] : memref<64x40xf16, #gpu.address_space<workgroup>>, %[[BS:.*]] : memref<32x72xf16, #gpu.address_space<workgroup>>)
// CHECK-NOT: scf.if
// CHECK: %[[ACC:.*]]:8 = scf.for {{.*}} -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// CHECK: %[[X:.*]] = memref.load %[[A]]
// CHECK: memref.store %[[X]], %[[AS]]
// CHECK: %[[Y:.*]] = memref.load %[[B]]
// CHECK: memref.store %[[Y]], %[[BS]]
// CHECK: gpu.barrier
// CHECK: memref.load %[[AS]]
// CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK-COUNT-15: nvgpu.mma.sync
// CHECK-NOT: nvgpu.mma.sync
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK: vector.extract %[[ACC]]#0[0, 0] : f32 from vector<2x2xf32>
// CHECK: memref.store %{{.*}}, %[[C]]
// CHECK: gpu.terminator
// TF32-LABEL: func.func @fp16
// TF32: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]}
// PTX: gpu.binary @fp16_kernel
// PTX-SAME: .target sm_90
// PTX-SAME: bar.sync
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @fp16(%x: memref<64x32xf16>, %y: memref<32x128xf16>, %z: memref<64x128xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<64x32xf16>, memref<32x128xf16>) outs(%z : memref<64x128xf32>) {
  ^bb0(%p: f16, %q: f16, %acc: f32):
    %p1 = arith.extf %p : f16 to f32
    %q1 = arith.extf %q : f16 to f32
    %m = arith.mulf %p1, %q1 : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Sizes that do not divide the tile: loads out of range read zero, stores out
// of range are skipped. A batch loop is blocks.z; B (no batch dim) is shared.
// CHECK-LABEL: func.func @ragged_batch
// CHECK-SAME: (%[[A:.*]]: memref<3x70x20xf16>, %[[B:.*]]: memref<20x50xf16>, %[[C:.*]]: memref<3x70x50xf32>)
// CHECK-DAG: %[[C3:[a-z0-9_]+]] = arith.constant 3 : index
// CHECK: gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[BZ:[a-z0-9_]+]]) in (%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %[[C3]])
// CHECK: %[[LOAD:.*]] = scf.if %{{.*}} -> (f16) {
// CHECK-NEXT: %[[X:.*]] = memref.load %[[A]][%[[BZ]], %{{.*}}, %{{.*}}] : memref<3x70x20xf16>
// CHECK-NEXT: scf.yield %[[X]] : f16
// CHECK-NEXT: } else {
// CHECK-NEXT: scf.yield %{{.*}} : f16
// CHECK: memref.load %[[B]][%{{.*}}, %{{.*}}] : memref<20x50xf16>
// CHECK: nvgpu.mma.sync
// CHECK: scf.if %{{.*}} {
// CHECK: memref.store %{{.*}}, %[[C]][%[[BZ]], %{{.*}}, %{{.*}}] : memref<3x70x50xf32>
#a = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#b = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
#c = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
func.func @ragged_batch(%x: memref<3x70x20xf16>, %y: memref<20x50xf16>, %z: memref<3x70x50xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<3x70x20xf16>, memref<20x50xf16>) outs(%z : memref<3x70x50xf32>) {
  ^bb0(%p: f16, %q: f16, %acc: f32):
    %p1 = arith.extf %p : f16 to f32
    %q1 = arith.extf %q : f16 to f32
    %m = arith.mulf %q1, %p1 : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// f32 matmuls use tensor cores only with tf32=true (m16n8k8, 16-wide slices).
// CHECK-LABEL: func.func @fp32
// CHECK-NOT: nvgpu.mma.sync
// CHECK: linalg.generic
// TF32-LABEL: func.func @fp32
// TF32: workgroup(%{{.*}} : memref<64x20xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<16x72xf32, #gpu.address_space<workgroup>>)
// TF32: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// TF32-NOT: linalg.generic
// PTX: gpu.binary @fp32_kernel
// PTX-NOT: mma.sync
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @fp32(%x: memref<64x32xf32>, %y: memref<32x64xf32>, %z: memref<64x64xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<64x32xf32>, memref<32x64xf32>) outs(%z : memref<64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %z[%c0, %c0] : memref<64x64xf32>
    memref.store %v, %z[%c1, %c1] : memref<64x64xf32>
    gpu.terminator
  }
  return
}

// -----

// f16 products accumulated in f16 (no extf) are left alone.
// CHECK-LABEL: func.func @fp16_accumulator
// TF32-LABEL: func.func @fp16_accumulator
// CHECK-NOT: nvgpu.mma.sync
// CHECK: linalg.generic
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @fp16_accumulator(%x: memref<16x16xf16>, %y: memref<16x16xf16>, %z: memref<16x16xf16>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<16x16xf16>, memref<16x16xf16>) outs(%z : memref<16x16xf16>) {
  ^bb0(%p: f16, %q: f16, %acc: f16):
    %m = arith.mulf %p, %q : f16
    %s = arith.addf %acc, %m : f16
    linalg.yield %s : f16
  }
  return
}

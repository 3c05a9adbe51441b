// REQUIRES: ptxas
// RUN: polytile-opt %s --pass-pipeline="builtin.module(gpu-matmul-mma-sync{tf32=true},gpu-launch-sink-index-computations,gpu-kernel-outlining,nvvm-attach-target{chip=sm_80 features=+ptx70},gpu.module(convert-scf-to-cf),gpu.module(convert-nvgpu-to-nvvm),gpu.module(convert-gpu-to-nvvm),gpu.module(convert-nvvm-to-llvm),gpu.module(reconcile-unrealized-casts),gpu-module-to-binary{format=isa})" | %PYTHON %S/Inputs/print_ptx.py %t | FileCheck %s
// RUN: ptxas -arch=sm_80 %t.0.ptx -o %t.0.cubin
// RUN: ptxas -arch=sm_80 %t.1.ptx -o %t.1.cubin

// The tensor-core kernels assemble with ptxas for sm_80: f16 (m16n8k16) and
// tf32 (m16n8k8) mma.sync with f32 accumulators, ragged sizes included.
// CHECK: .target sm_80
// CHECK-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK-DAG: mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32
// CHECK-DAG: bar.sync
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @kernels(%x: memref<70x20xf16>, %y: memref<20x50xf16>, %z: memref<70x50xf32>,
                   %u: memref<64x16xf32>, %v: memref<16x64xf32>, %w: memref<64x64xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<70x20xf16>, memref<20x50xf16>) outs(%z : memref<70x50xf32>) {
  ^bb0(%p: f16, %q: f16, %acc: f32):
    %p1 = arith.extf %p : f16 to f32
    %q1 = arith.extf %q : f16 to f32
    %m = arith.mulf %p1, %q1 : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%u, %v : memref<64x16xf32>, memref<16x64xf32>) outs(%w : memref<64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

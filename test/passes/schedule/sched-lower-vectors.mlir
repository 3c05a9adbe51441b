// RUN: polytile-opt %s --split-input-file --sched-lower-vectors | FileCheck %s

// After bufferization: the register-tile forall becomes scf.for loops and the
// contraction becomes outer products (FMAs on 16-wide vectors).
// CHECK-LABEL: func.func @tile
// CHECK-NOT: scf.forall
// CHECK: scf.for %[[I:.*]] =
// CHECK: scf.for %[[J:.*]] =
// CHECK: vector.fma
// CHECK-NOT: vector.contract
#ma = affine_map<(d0, d1, d2) -> (d1, d0)>
#mb = affine_map<(d0, d1, d2) -> (d0, d2)>
#mc = affine_map<(d0, d1, d2) -> (d1, d2)>
func.func @tile(%a: memref<2x8x4xf32>, %b: memref<2x4x16xf32>, %c: memref<2x8x2x16xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  scf.forall (%n, %m) in (2, 2) {
    %va = vector.transfer_read %a[%m, %c0, %c0], %pad {in_bounds = [true, true]} : memref<2x8x4xf32>, vector<8x4xf32>
    %vb = vector.transfer_read %b[%n, %c0, %c0], %pad {in_bounds = [true, true]} : memref<2x4x16xf32>, vector<4x16xf32>
    %vc = vector.transfer_read %c[%m, %c0, %n, %c0], %pad {in_bounds = [true, true]} : memref<2x8x2x16xf32>, vector<8x16xf32>
    %r = vector.contract {indexing_maps = [#ma, #mb, #mc], iterator_types = ["reduction", "parallel", "parallel"], kind = #vector.kind<add>} %va, %vb, %vc : vector<8x4xf32>, vector<4x16xf32> into vector<8x16xf32>
    vector.transfer_write %r, %c[%m, %c0, %n, %c0] {in_bounds = [true, true]} : vector<8x16xf32>, memref<2x8x2x16xf32>
  } {sched.inner_tile}
  return
}

// -----

// A forall without the register-tile mark (e.g. the threads loop) stays parallel.
// CHECK-LABEL: func.func @threads
// CHECK: scf.forall (%{{.*}}) in (2)
// CHECK: vector.fma
func.func @threads(%a: memref<2x16xf32>, %b: memref<2x16xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  scf.forall (%i) in (2) {
    %va = vector.transfer_read %a[%i, %c0], %pad {in_bounds = [true]} : memref<2x16xf32>, vector<16xf32>
    %vb = vector.transfer_read %b[%i, %c0], %pad {in_bounds = [true]} : memref<2x16xf32>, vector<16xf32>
    %r = vector.fma %va, %vb, %vb : vector<16xf32>
    vector.transfer_write %r, %b[%i, %c0] {in_bounds = [true]} : vector<16xf32>, memref<2x16xf32>
  }
  return
}

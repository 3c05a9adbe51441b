// RUN: polytile-opt %s --split-input-file --affine-promote-reductions | FileCheck %s

// A row sum and a row max in one loop: both accumulators are loaded once before the
// loop, carried in iter_args and stored once after it; the sum is reassociable, the max
// needs no flag.
// CHECK-LABEL: func.func @sum_and_max
// CHECK-SAME: (%[[X:[^:]*]]: memref<4x197xf32>, %[[S:[^:]*]]: memref<4xf32>, %[[M:[^:]*]]: memref<4xf32>)
// CHECK: affine.for %[[I:.*]] = 0 to 4 {
// CHECK: %[[S0:.*]] = affine.load %[[S]][%[[I]]]
// CHECK: %[[M0:.*]] = affine.load %[[M]][%[[I]]]
// CHECK: %[[R:.*]]:2 = affine.for %[[J:.*]] = 0 to 197 iter_args(%[[SA:.*]] = %[[S0]], %[[MA:.*]] = %[[M0]]) -> (f32, f32) {
// CHECK: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]]]
// CHECK: %[[SN:.*]] = arith.addf %[[SA]], %[[V]] fastmath<reassoc> : f32
// CHECK: %[[MN:.*]] = arith.maximumf %[[MA]], %[[V]] : f32
// CHECK: affine.yield %[[SN]], %[[MN]]
// CHECK: affine.store %[[R]]#0, %[[S]][%[[I]]]
// CHECK: affine.store %[[R]]#1, %[[M]][%[[I]]]
func.func @sum_and_max(%x: memref<4x197xf32>, %s: memref<4xf32>, %m: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 197 {
      %v = affine.load %x[%i, %j] : memref<4x197xf32>
      %a = affine.load %s[%i] : memref<4xf32>
      %b = arith.addf %a, %v : f32
      affine.store %b, %s[%i] : memref<4xf32>
      %c = affine.load %m[%i] : memref<4xf32>
      %d = arith.maximumf %c, %v : f32
      affine.store %d, %m[%i] : memref<4xf32>
    }
  }
  return
}

// -----

// A flag already there is kept; an exponential stored along the loop (a full-shape
// output) stays a store in the loop.
// CHECK-LABEL: func.func @keeps_flags
// CHECK-SAME: (%[[X:[^:]*]]: memref<8xf32>, %[[E:[^:]*]]: memref<8xf32>, %[[S:[^:]*]]: memref<1xf32>)
// CHECK: %[[S0:.*]] = affine.load %[[S]][0]
// CHECK: %[[R:.*]] = affine.for %[[J:.*]] = 0 to 8 iter_args(%[[A:.*]] = %[[S0]]) -> (f32) {
// CHECK: %[[V:.*]] = math.exp
// CHECK: affine.store %[[V]], %[[E]][%[[J]]]
// CHECK: %[[N:.*]] = arith.addf %[[V]], %[[A]] fastmath<reassoc,contract> : f32
// CHECK: affine.yield %[[N]]
// CHECK: affine.store %[[R]], %[[S]][0]
func.func @keeps_flags(%x: memref<8xf32>, %e: memref<8xf32>, %s: memref<1xf32>) {
  affine.for %j = 0 to 8 {
    %v0 = affine.load %x[%j] : memref<8xf32>
    %v = math.exp %v0 : f32
    affine.store %v, %e[%j] : memref<8xf32>
    %a = affine.load %s[0] : memref<1xf32>
    %b = arith.addf %v, %a fastmath<contract> : f32
    affine.store %b, %s[0] : memref<1xf32>
  }
  return
}

// -----

// Not promoted: the accumulator is read twice (a second load of the same memref), the
// stored element moves with the loop, or the loop holds a call.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: iter_args
// CHECK: return
func.func private @g(f32)
func.func @left_alone(%x: memref<8xf32>, %s: memref<2xf32>, %y: memref<8xf32>) {
  affine.for %j = 0 to 8 {
    %v = affine.load %x[%j] : memref<8xf32>
    %a = affine.load %s[0] : memref<2xf32>
    %a2 = affine.load %s[1] : memref<2xf32>
    %b = arith.addf %a, %v : f32
    %b2 = arith.addf %b, %a2 : f32
    affine.store %b2, %s[0] : memref<2xf32>
  }
  affine.for %j = 0 to 8 {
    %v = affine.load %x[%j] : memref<8xf32>
    %a = affine.load %y[%j] : memref<8xf32>
    %b = arith.addf %a, %v : f32
    affine.store %b, %y[%j] : memref<8xf32>
  }
  affine.for %j = 0 to 8 {
    %v = affine.load %x[%j] : memref<8xf32>
    %a = affine.load %s[0] : memref<2xf32>
    %b = arith.addf %a, %v : f32
    func.call @g(%b) : (f32) -> ()
    affine.store %b, %s[0] : memref<2xf32>
  }
  return
}

// -----

// An integer sum gets no flag; the loop is promoted all the same.
// CHECK-LABEL: func.func @integer_sum
// CHECK: %[[R:.*]] = affine.for %{{.*}} = 0 to 16 iter_args(%[[A:.*]] = %{{.*}}) -> (i32) {
// CHECK: %[[N:.*]] = arith.addi %[[A]], %{{.*}} : i32
// CHECK: affine.yield %[[N]]
func.func @integer_sum(%x: memref<16xi32>, %s: memref<i32>) {
  affine.for %j = 0 to 16 {
    %v = affine.load %x[%j] : memref<16xi32>
    %a = affine.load %s[] : memref<i32>
    %b = arith.addi %a, %v : i32
    affine.store %b, %s[] : memref<i32>
  }
  return
}

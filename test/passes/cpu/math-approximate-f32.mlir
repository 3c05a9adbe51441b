// RUN: polytile-opt %s --split-input-file --math-approximate-f32 | FileCheck %s

// exp: exponent bits from the rounded multiple of ln 2, a polynomial for the
// rest, and the range checks (+inf above 88.72, 0 below -103.97, NaN kept).
// CHECK-LABEL: func.func @exp
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK-NOT: math.exp
// CHECK: math.floor
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %[[X]], %{{.*}} : f32
// CHECK: return %[[R]]
func.func @exp(%x: f32) -> f32 {
  %0 = math.exp %x : f32
  return %0 : f32
}

// -----

// Vectors get splat constants; erf keeps the sign with copysign.
// CHECK-LABEL: func.func @erf_vector
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK-NOT: math.erf
// CHECK: arith.constant dense<0.327591091> : vector<16xf32>
// CHECK: %[[R:.*]] = math.copysign %{{.*}}, %[[X]] : vector<16xf32>
// CHECK: return %[[R]]
func.func @erf_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %0 = math.erf %x : vector<16xf32>
  return %0 : vector<16xf32>
}

// -----

// tanh: near zero the result is x itself.
// CHECK-LABEL: func.func @tanh
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK-NOT: math.tanh
// CHECK: %[[SMALL:.*]] = arith.cmpf olt, %{{.*}}, %{{.*}} : f32
// CHECK: %[[R:.*]] = arith.select %[[SMALL]], %[[X]], %{{.*}} : f32
// CHECK: return %[[R]]
func.func @tanh(%x: f32) -> f32 {
  %0 = math.tanh %x : f32
  return %0 : f32
}

// -----

// Other types and functions are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.log %{{.*}} : f32
func.func @untouched(%x: f64, %y: f32) -> (f64, f32) {
  %0 = math.exp %x : f64
  %1 = math.log %y : f32
  return %0, %1 : f64, f32
}

// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of every op of the unary family. Result types are the ones the
// type rules infer (polytile-opt rejects any other).

// CHECK-LABEL: func.func @abs
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi32>)
// CHECK: %[[Y:.*]] = "tg.abs"(%[[X]]) : (tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK: return %[[Y]]
func.func @abs(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = "tg.abs"(%x) : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @neg
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.neg"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @neg(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.neg"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @exp
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf16>)
// CHECK: %[[Y:.*]] = "tg.exp"(%[[X]]) : (tensor<2x3xf16>) -> tensor<2x3xf16>
// CHECK: return %[[Y]]
func.func @exp(%x: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %0 = "tg.exp"(%x) : (tensor<2x3xf16>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// CHECK-LABEL: func.func @log
// CHECK-SAME: (%[[X:.*]]: tensor<4xf64>)
// CHECK: %[[Y:.*]] = "tg.log"(%[[X]]) : (tensor<4xf64>) -> tensor<4xf64>
// CHECK: return %[[Y]]
func.func @log(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = "tg.log"(%x) : (tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// CHECK-LABEL: func.func @sqrt
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.sqrt"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @sqrt(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.sqrt"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reciprocal
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.reciprocal"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @reciprocal(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.reciprocal"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @floor
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.floor"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @floor(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.floor"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @ceil
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.ceil"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @ceil(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.ceil"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @round
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.round"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @round(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.round"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sign
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xui8>)
// CHECK: %[[Y:.*]] = "tg.sign"(%[[X]]) : (tensor<2x3xui8>) -> tensor<2x3xui8>
// CHECK: return %[[Y]]
func.func @sign(%x: tensor<2x3xui8>) -> tensor<2x3xui8> {
  %0 = "tg.sign"(%x) : (tensor<2x3xui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// CHECK-LABEL: func.func @sin
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.sin"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @sin(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.sin"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cos
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.cos"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @cos(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.cos"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @tan
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.tan"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @tan(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.tan"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @asin
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.asin"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @asin(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.asin"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @acos
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.acos"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @acos(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.acos"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @atan
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.atan"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @atan(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.atan"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sinh
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.sinh"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @sinh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.sinh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cosh
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.cosh"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @cosh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.cosh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @asinh
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.asinh"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @asinh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.asinh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @acosh
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.acosh"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @acosh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.acosh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @atanh
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.atanh"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @atanh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.atanh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @erf
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.erf"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @erf(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.erf"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sigmoid
// CHECK-SAME: (%[[X:.*]]: tensor<?x3xf32>)
// CHECK: %[[Y:.*]] = "tg.sigmoid"(%[[X]]) : (tensor<?x3xf32>) -> tensor<?x3xf32>
// CHECK: return %[[Y]]
func.func @sigmoid(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = "tg.sigmoid"(%x) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// CHECK-LABEL: func.func @tanh
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xbf16>)
// CHECK: %[[Y:.*]] = "tg.tanh"(%[[X]]) : (tensor<2x3xbf16>) -> tensor<2x3xbf16>
// CHECK: return %[[Y]]
func.func @tanh(%x: tensor<2x3xbf16>) -> tensor<2x3xbf16> {
  %0 = "tg.tanh"(%x) : (tensor<2x3xbf16>) -> tensor<2x3xbf16>
  return %0 : tensor<2x3xbf16>
}

// CHECK-LABEL: func.func @softplus
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.softplus"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @softplus(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.softplus"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @softsign
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.softsign"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @softsign(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.softsign"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @not
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi1>)
// CHECK: %[[Y:.*]] = "tg.not"(%[[X]]) : (tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK: return %[[Y]]
func.func @not(%x: tensor<2x3xi1>) -> tensor<2x3xi1> {
  %0 = "tg.not"(%x) : (tensor<2x3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @bitwise_not
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xui16>)
// CHECK: %[[Y:.*]] = "tg.bitwise_not"(%[[X]]) : (tensor<2x3xui16>) -> tensor<2x3xui16>
// CHECK: return %[[Y]]
func.func @bitwise_not(%x: tensor<2x3xui16>) -> tensor<2x3xui16> {
  %0 = "tg.bitwise_not"(%x) : (tensor<2x3xui16>) -> tensor<2x3xui16>
  return %0 : tensor<2x3xui16>
}

// CHECK-LABEL: func.func @hard_swish
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = "tg.hard_swish"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @hard_swish(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.hard_swish"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mish
// CHECK-SAME: (%[[X:.*]]: tensor<f32>)
// CHECK: %[[Y:.*]] = "tg.mish"(%[[X]]) : (tensor<f32>) -> tensor<f32>
// CHECK: return %[[Y]]
func.func @mish(%x: tensor<f32>) -> tensor<f32> {
  %0 = "tg.mish"(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @elu
// CHECK: "tg.elu"(%{{.*}}) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @elu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.elu"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @selu
// CHECK: "tg.selu"(%{{.*}}) {alpha = 1.67326319 : f32, gamma = 1.05070102 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @selu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.selu"(%x) {alpha = 1.67326319 : f32, gamma = 1.05070102 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @celu
// CHECK: "tg.celu"(%{{.*}}) {alpha = 2.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @celu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.celu"(%x) {alpha = 2.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @leaky_relu
// CHECK: "tg.leaky_relu"(%{{.*}}) {alpha = 0.00999999977 : f32} : (tensor<2x3xf64>) -> tensor<2x3xf64>
func.func @leaky_relu(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = "tg.leaky_relu"(%x) {alpha = 0.00999999977 : f32} : (tensor<2x3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @hard_sigmoid
// CHECK: "tg.hard_sigmoid"(%{{.*}}) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @hard_sigmoid(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.hard_sigmoid"(%x) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @thresholded_relu
// CHECK: "tg.thresholded_relu"(%{{.*}}) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @thresholded_relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.thresholded_relu"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @shrink
// CHECK: "tg.shrink"(%{{.*}}) {bias = 0.000000e+00 : f32, lambd = 5.000000e-01 : f32} : (tensor<2x3xi8>) -> tensor<2x3xi8>
func.func @shrink(%x: tensor<2x3xi8>) -> tensor<2x3xi8> {
  %0 = "tg.shrink"(%x) {bias = 0.000000e+00 : f32, lambd = 5.000000e-01 : f32} : (tensor<2x3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// CHECK-LABEL: func.func @gelu
// CHECK: "tg.gelu"(%{{.*}}) {approximate = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @gelu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.gelu"(%x) {approximate = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @swish
// CHECK: "tg.swish"(%{{.*}}) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @swish(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.swish"(%x) {alpha = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Predicates return i1 tensors of the input's shape.
// CHECK-LABEL: func.func @is_nan
// CHECK: "tg.is_nan"(%{{.*}}) : (tensor<2x3xf16>) -> tensor<2x3xi1>
func.func @is_nan(%x: tensor<2x3xf16>) -> tensor<2x3xi1> {
  %0 = "tg.is_nan"(%x) : (tensor<2x3xf16>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @is_inf
// CHECK: "tg.is_inf"(%{{.*}}) {detect_negative = 0 : i64, detect_positive = 1 : i64} : (tensor<4xf32>) -> tensor<4xi1>
func.func @is_inf(%x: tensor<4xf32>) -> tensor<4xi1> {
  %0 = "tg.is_inf"(%x) {detect_negative = 0 : i64, detect_positive = 1 : i64} : (tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// Bounds are 0-d or all-ones tensors of the input's element type.
// CHECK-LABEL: func.func @clip
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xui8>, %[[LO:.*]]: tensor<ui8>, %[[HI:.*]]: tensor<1xui8>)
// CHECK: "tg.clip"(%[[X]], %[[LO]], %[[HI]]) : (tensor<2x3xui8>, tensor<ui8>, tensor<1xui8>) -> tensor<2x3xui8>
func.func @clip(%x: tensor<2x3xui8>, %lo: tensor<ui8>, %hi: tensor<1xui8>) -> tensor<2x3xui8> {
  %0 = "tg.clip"(%x, %lo, %hi) : (tensor<2x3xui8>, tensor<ui8>, tensor<1xui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// The slope broadcasts unidirectionally to x; the result has x's type.
// CHECK-LABEL: func.func @prelu
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[S:.*]]: tensor<3x1xf32>)
// CHECK: "tg.prelu"(%[[X]], %[[S]]) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
func.func @prelu(%x: tensor<2x3x4xf32>, %s: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = "tg.prelu"(%x, %s) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

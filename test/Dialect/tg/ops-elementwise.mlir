// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of the element-wise tg ops. Result types are the ones the type
// rules infer (polytile-opt rejects any other), so each case also pins a
// broadcasting or result-type rule.

// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x1x4xf32>, %[[B:.*]]: tensor<3x1xf32>)
// CHECK: "tg.add"(%[[A]], %[[B]]) : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
func.func @add_broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = "tg.add"(%a, %b) : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @div_unsigned
// CHECK: "tg.div"(%{{.*}}, %{{.*}}) : (tensor<4xui16>, tensor<ui16>) -> tensor<4xui16>
func.func @div_unsigned(%a: tensor<4xui16>, %b: tensor<ui16>) -> tensor<4xui16> {
  %0 = "tg.div"(%a, %b) : (tensor<4xui16>, tensor<ui16>) -> tensor<4xui16>
  return %0 : tensor<4xui16>
}

// The exponent's type need not match the base's; the result has the base's.
// CHECK-LABEL: func.func @pow_mixed_types
// CHECK-SAME: (%[[X:.*]]: tensor<3xi32>, %[[Y:.*]]: tensor<2x1xf32>)
// CHECK: "tg.pow"(%[[X]], %[[Y]]) : (tensor<3xi32>, tensor<2x1xf32>) -> tensor<2x3xi32>
func.func @pow_mixed_types(%x: tensor<3xi32>, %y: tensor<2x1xf32>) -> tensor<2x3xi32> {
  %0 = "tg.pow"(%x, %y) : (tensor<3xi32>, tensor<2x1xf32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @mod_int_and_float
// CHECK: "tg.mod"(%{{.*}}, %{{.*}}) {fmod = 0 : i64} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: "tg.mod"(%{{.*}}, %{{.*}}) {fmod = 1 : i64} : (tensor<4xf64>, tensor<1xf64>) -> tensor<4xf64>
func.func @mod_int_and_float(%a: tensor<4xi8>, %b: tensor<4xi8>, %c: tensor<4xf64>, %d: tensor<1xf64>) -> (tensor<4xi8>, tensor<4xf64>) {
  %0 = "tg.mod"(%a, %b) {fmod = 0 : i64} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = "tg.mod"(%c, %d) {fmod = 1 : i64} : (tensor<4xf64>, tensor<1xf64>) -> tensor<4xf64>
  return %0, %1 : tensor<4xi8>, tensor<4xf64>
}

// CHECK-LABEL: func.func @bit_shift
// CHECK: "tg.bit_shift"(%{{.*}}, %{{.*}}) {direction = "LEFT"} : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xui8>
// CHECK: "tg.bit_shift"(%{{.*}}, %{{.*}}) {direction = "RIGHT"} : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xui8>
func.func @bit_shift(%x: tensor<2x3xui8>, %y: tensor<3xui8>) -> (tensor<2x3xui8>, tensor<2x3xui8>) {
  %0 = "tg.bit_shift"(%x, %y) {direction = "LEFT"} : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xui8>
  %1 = "tg.bit_shift"(%x, %y) {direction = "RIGHT"} : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xui8>
  return %0, %1 : tensor<2x3xui8>, tensor<2x3xui8>
}

// CHECK-LABEL: func.func @bitwise
// CHECK: "tg.bitwise_and"(%{{.*}}, %{{.*}}) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
// CHECK: "tg.bitwise_or"(%{{.*}}, %{{.*}}) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
// CHECK: "tg.bitwise_xor"(%{{.*}}, %{{.*}}) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
func.func @bitwise(%a: tensor<3xi32>, %b: tensor<3xi32>) -> (tensor<3xi32>, tensor<3xi32>, tensor<3xi32>) {
  %0 = "tg.bitwise_and"(%a, %b) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  %1 = "tg.bitwise_or"(%a, %b) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  %2 = "tg.bitwise_xor"(%a, %b) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0, %1, %2 : tensor<3xi32>, tensor<3xi32>, tensor<3xi32>
}

// CHECK-LABEL: func.func @logical
// CHECK: "tg.and"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK: "tg.or"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK: "tg.xor"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
func.func @logical(%a: tensor<2x3xi1>, %b: tensor<3xi1>) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>) {
  %0 = "tg.and"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %1 = "tg.or"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %2 = "tg.xor"(%a, %b) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0, %1, %2 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>
}

// Comparisons return bool (i1) whatever the operands' element type.
// CHECK-LABEL: func.func @comparisons
// CHECK: "tg.equal"(%{{.*}}, %{{.*}}) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
// CHECK: "tg.greater"(%{{.*}}, %{{.*}}) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
// CHECK: "tg.less"(%{{.*}}, %{{.*}}) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
// CHECK: "tg.greater_or_equal"(%{{.*}}, %{{.*}}) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
// CHECK: "tg.less_or_equal"(%{{.*}}, %{{.*}}) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
// CHECK: "tg.equal"(%{{.*}}, %{{.*}}) : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
func.func @comparisons(%a: tensor<4x1xf32>, %b: tensor<3xf32>, %p: tensor<3xi1>) -> (tensor<4x3xi1>, tensor<4x3xi1>, tensor<4x3xi1>, tensor<4x3xi1>, tensor<4x3xi1>, tensor<3xi1>) {
  %0 = "tg.equal"(%a, %b) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %1 = "tg.greater"(%a, %b) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %2 = "tg.less"(%a, %b) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %3 = "tg.greater_or_equal"(%a, %b) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %4 = "tg.less_or_equal"(%a, %b) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %5 = "tg.equal"(%p, %p) : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return %0, %1, %2, %3, %4, %5 : tensor<4x3xi1>, tensor<4x3xi1>, tensor<4x3xi1>, tensor<4x3xi1>, tensor<4x3xi1>, tensor<3xi1>
}

// CHECK-LABEL: func.func @max_min
// CHECK: "tg.max"(%{{.*}}, %{{.*}}) : (tensor<2x3xui32>, tensor<1xui32>) -> tensor<2x3xui32>
// CHECK: "tg.min"(%{{.*}}, %{{.*}}) : (tensor<2x3xui32>, tensor<1xui32>) -> tensor<2x3xui32>
func.func @max_min(%a: tensor<2x3xui32>, %b: tensor<1xui32>) -> (tensor<2x3xui32>, tensor<2x3xui32>) {
  %0 = "tg.max"(%a, %b) : (tensor<2x3xui32>, tensor<1xui32>) -> tensor<2x3xui32>
  %1 = "tg.min"(%a, %b) : (tensor<2x3xui32>, tensor<1xui32>) -> tensor<2x3xui32>
  return %0, %1 : tensor<2x3xui32>, tensor<2x3xui32>
}

// All three operands broadcast together.
// CHECK-LABEL: func.func @where
// CHECK-SAME: (%[[C:.*]]: tensor<2x1x1xi1>, %[[X:.*]]: tensor<3x1xi64>, %[[Y:.*]]: tensor<4xi64>)
// CHECK: "tg.where"(%[[C]], %[[X]], %[[Y]]) : (tensor<2x1x1xi1>, tensor<3x1xi64>, tensor<4xi64>) -> tensor<2x3x4xi64>
func.func @where(%c: tensor<2x1x1xi1>, %x: tensor<3x1xi64>, %y: tensor<4xi64>) -> tensor<2x3x4xi64> {
  %0 = "tg.where"(%c, %x, %y) : (tensor<2x1x1xi1>, tensor<3x1xi64>, tensor<4xi64>) -> tensor<2x3x4xi64>
  return %0 : tensor<2x3x4xi64>
}

// CHECK-LABEL: func.func @cast
// CHECK: "tg.cast"(%{{.*}}) {to = ui8} : (tensor<2x3xf32>) -> tensor<2x3xui8>
// CHECK: "tg.cast"(%{{.*}}) {to = i1} : (tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK: "tg.cast"(%{{.*}}) {to = f16} : (tensor<2x3xf32>) -> tensor<2x3xf16>
func.func @cast(%x: tensor<2x3xf32>) -> (tensor<2x3xui8>, tensor<2x3xi1>, tensor<2x3xf16>) {
  %0 = "tg.cast"(%x) {to = ui8} : (tensor<2x3xf32>) -> tensor<2x3xui8>
  %1 = "tg.cast"(%x) {to = i1} : (tensor<2x3xf32>) -> tensor<2x3xi1>
  %2 = "tg.cast"(%x) {to = f16} : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return %0, %1, %2 : tensor<2x3xui8>, tensor<2x3xi1>, tensor<2x3xf16>
}

// Casts between bf16, float8, float4 and 4-bit integers.
// CHECK-LABEL: func.func @cast_small_types
// CHECK: "tg.cast"(%{{.*}}) {to = f8E4M3FN} : (tensor<3xbf16>) -> tensor<3xf8E4M3FN>
// CHECK: "tg.cast"(%{{.*}}) {to = ui4} : (tensor<3xf8E4M3FN>) -> tensor<3xui4>
// CHECK: "tg.cast"(%{{.*}}) {to = f4E2M1FN} : (tensor<3xui4>) -> tensor<3xf4E2M1FN>
func.func @cast_small_types(%x: tensor<3xbf16>) -> tensor<3xf4E2M1FN> {
  %0 = "tg.cast"(%x) {to = f8E4M3FN} : (tensor<3xbf16>) -> tensor<3xf8E4M3FN>
  %1 = "tg.cast"(%0) {to = ui4} : (tensor<3xf8E4M3FN>) -> tensor<3xui4>
  %2 = "tg.cast"(%1) {to = f4E2M1FN} : (tensor<3xui4>) -> tensor<3xf4E2M1FN>
  return %2 : tensor<3xf4E2M1FN>
}

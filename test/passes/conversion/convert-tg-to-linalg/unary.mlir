// RUN: polytile-opt %s --convert-tg-to-linalg --split-input-file | FileCheck %s

// f16 is computed in f32 and rounded back once.
// CHECK-LABEL: func.func @exp_f16
// CHECK: linalg.generic
// CHECK: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f16):
// CHECK: %[[WIDE:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK: %[[E:.*]] = math.exp %[[WIDE]] : f32
// CHECK: %[[N:.*]] = arith.truncf %[[E]] : f32 to f16
// CHECK: linalg.yield %[[N]] : f16
func.func @exp_f16(%x: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %0 = "tg.exp"(%x) : (tensor<2x3xf16>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

// |x| of an unsigned tensor is x itself (signless i8 after conversion).
// CHECK-LABEL: func.func @abs_unsigned
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>)
// CHECK-NEXT: return %[[X]] : tensor<4xi8>
func.func @abs_unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "tg.abs"(%x) : (tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @abs_signed
// CHECK: math.absi %{{.*}} : i8
func.func @abs_signed(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = "tg.abs"(%x) : (tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Bounds become 0-d tensors read by every iteration; unsigned compares.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @clip_unsigned
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi8>, %[[LO:.*]]: tensor<i8>, %[[HI:.*]]: tensor<1xi8>)
// CHECK: %[[HI0:.*]] = tensor.collapse_shape %[[HI]] [] : tensor<1xi8> into tensor<i8>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[SCALAR]], #[[ID]]]{{.*}} ins(%[[X]], %[[LO]], %[[HI0]] :
// CHECK: ^bb0(%[[V:.*]]: i8, %[[L:.*]]: i8, %[[H:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[A:.*]] = arith.maxui %[[V]], %[[L]] : i8
// CHECK: %[[B:.*]] = arith.minui %[[A]], %[[H]] : i8
// CHECK: linalg.yield %[[B]] : i8
func.func @clip_unsigned(%x: tensor<2x3xui8>, %lo: tensor<ui8>, %hi: tensor<1xui8>) -> tensor<2x3xui8> {
  %0 = "tg.clip"(%x, %lo, %hi) : (tensor<2x3xui8>, tensor<ui8>, tensor<1xui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

// The slope is indexed through a broadcasting map.
// CHECK-DAG: #[[SLOPE:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @prelu_broadcast
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SLOPE]], #{{.*}}]
// CHECK: ^bb0(%[[V:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %[[V]], %{{.*}} : f32
// CHECK: %[[SCALED:.*]] = arith.mulf %[[S]], %[[V]] : f32
// CHECK: %[[R:.*]] = arith.select %[[NEG]], %[[SCALED]], %[[V]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @prelu_broadcast(%x: tensor<2x3x4xf32>, %s: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = "tg.prelu"(%x, %s) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @is_inf_positive
// CHECK: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[R:.*]] = arith.cmpf oeq, %{{.*}}, %[[INF]] : f32
// CHECK: linalg.yield %[[R]] : i1
// CHECK: -> tensor<4xi1>
func.func @is_inf_positive(%x: tensor<4xf32>) -> tensor<4xi1> {
  %0 = "tg.is_inf"(%x) {detect_negative = 0 : i64, detect_positive = 1 : i64} : (tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// Integers are shrunk in f64 and truncated toward zero.
// CHECK-LABEL: func.func @shrink_i32
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: %[[WIDE:.*]] = arith.fptosi %{{.*}} : f64 to i64
// CHECK: %[[R:.*]] = arith.trunci %[[WIDE]] : i64 to i32
// CHECK: linalg.yield %[[R]] : i32
func.func @shrink_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "tg.shrink"(%x) {bias = 1.5 : f32, lambd = 1.5 : f32} : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @gelu_tanh
// CHECK: arith.constant 0.797884583 : f32
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: math.tanh
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "tg.gelu"(%x) {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

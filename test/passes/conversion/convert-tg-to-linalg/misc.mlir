// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// bit_cast: one element-wise generic with an arith.bitcast.
// CHECK-LABEL: func.func @bit_cast_f32_to_i32
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x5xf32>)
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<3x5xi32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<3x5xf32>) outs(%[[INIT]] : tensor<3x5xi32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: i32):
// CHECK: %[[B:.*]] = arith.bitcast %[[IN]] : f32 to i32
// CHECK: linalg.yield %[[B]] : i32
// CHECK: return %[[Y]]
func.func @bit_cast_f32_to_i32(%x: tensor<3x5xf32>) -> tensor<3x5xi32> {
  %0 = "tg.bit_cast"(%x) {to = i32} : (tensor<3x5xf32>) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}

// -----

// Types that are the same once signless: nothing to do.
// CHECK-LABEL: func.func @bit_cast_ui32_to_i32
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3xi32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[X]] : tensor<3xi32>
func.func @bit_cast_ui32_to_i32(%x: tensor<3xui32>) -> tensor<3xi32> {
  %0 = "tg.bit_cast"(%x) {to = i32} : (tensor<3xui32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// bool -> 8 bits is extui (dynamic dims: tensor.dim); 8 bits -> bool is != 0.
// CHECK-LABEL: func.func @bit_cast_bool
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4xi1>, %[[F:[^:]*]]: tensor<4xf8E4M3FN>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xi1>
// CHECK: %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?x4xi8>
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x4xi1>) outs(%[[INIT]] : tensor<?x4xi8>)
// CHECK: arith.extui %{{.*}} : i1 to i8
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%[[F]] : tensor<4xf8E4M3FN>)
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK: %[[NZ:.*]] = arith.cmpi ne, %[[BITS]], %{{.*}} : i8
// CHECK: linalg.yield %[[NZ]] : i1
// CHECK: return %[[U]], %[[B]]
func.func @bit_cast_bool(%x: tensor<?x4xi1>, %y: tensor<4xf8E4M3FN>) -> (tensor<?x4xui8>, tensor<4xi1>) {
  %0 = "tg.bit_cast"(%x) {to = ui8} : (tensor<?x4xi1>) -> tensor<?x4xui8>
  %1 = "tg.bit_cast"(%y) {to = i1} : (tensor<4xf8E4M3FN>) -> tensor<4xi1>
  return %0, %1 : tensor<?x4xui8>, tensor<4xi1>
}

// -----

// deform_conv: a parallel generic over N x C x KH x KW x OH x OW reads each tap's offsets and
// mask and four bilinear taps of x (tensor.extract, clamped indices, zero outside), then a
// reduction generic over N x group x OC/group x OH x OW x C/group x KH x KW contracts the samples
// with the grouped weights.
// CHECK-LABEL: func.func @deform_conv
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x6x9x7xf32>, %[[W:[^:]*]]: tensor<4x3x3x2xf32>, %[[O:[^:]*]]: tensor<2x24x5x6xf32>, %[[M:[^:]*]]: tensor<2x12x5x6xf32>)
// CHECK: %[[COLS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<2x6x3x2x5x6xf32>)
// CHECK: %[[DY:.*]] = tensor.extract %[[O]]
// CHECK: %[[DX:.*]] = tensor.extract %[[O]]
// CHECK: %[[MASK:.*]] = tensor.extract %[[M]]
// CHECK: math.floor
// CHECK: math.floor
// CHECK: tensor.extract %[[X]]
// CHECK: tensor.extract %[[X]]
// CHECK: tensor.extract %[[X]]
// CHECK: tensor.extract %[[X]]
// CHECK-NOT: tensor.extract %[[X]]
// CHECK: %[[S:.*]] = arith.mulf %[[MASK]], %{{.*}} : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: %[[GCOLS:.*]] = tensor.expand_shape %{{.*}} output_shape [2, 2, 3, 3, 2, 5, 6]
// CHECK: %[[GW:.*]] = tensor.expand_shape %{{.*}} output_shape [2, 2, 3, 3, 2]
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x2x2x5x6xf32>)
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[GCOLS]], %[[GW]] : tensor<2x2x3x3x2x5x6xf32>, tensor<2x2x3x3x2xf32>) outs(%[[ZERO]] : tensor<2x2x2x5x6xf32>)
// CHECK: %[[Y:.*]] = tensor.expand_shape %{{.*}} output_shape [2, 4, 5, 6]
// CHECK: return %[[Y]]
func.func @deform_conv(%x: tensor<2x6x9x7xf32>, %w: tensor<4x3x3x2xf32>, %o: tensor<2x24x5x6xf32>, %m: tensor<2x12x5x6xf32>) -> tensor<2x4x5x6xf32> {
  %0 = "tg.deform_conv"(%x, %w, %o, %m) {dilations = array<i64: 1, 2>, group = 2 : i64, offset_group = 2 : i64, pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 1>} : (tensor<2x6x9x7xf32>, tensor<4x3x3x2xf32>, tensor<2x24x5x6xf32>, tensor<2x12x5x6xf32>) -> tensor<2x4x5x6xf32>
  return %0 : tensor<2x4x5x6xf32>
}

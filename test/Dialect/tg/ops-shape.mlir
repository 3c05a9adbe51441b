// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%tg_irdl %s | FileCheck %s

// Round trip of every op of the shape family. Result types are the ones the
// type rules infer (polytile-opt rejects any other), so each case also pins a
// shape rule.

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x5xf32>)
// CHECK: %[[Y:.*]] = "tg.concat"(%[[A]], %[[B]]) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
// CHECK: return %[[Y]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "tg.concat"(%a, %b) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @slice_clamped_negative_step
// CHECK: "tg.slice"(%{{.*}}) {axes = array<i64: 1, 0>, ends = array<i64: -9223372036854775808, 4>, starts = array<i64: 100, 1>, steps = array<i64: -2, 1>} : (tensor<5x6xi8>) -> tensor<3x3xi8>
func.func @slice_clamped_negative_step(%x: tensor<5x6xi8>) -> tensor<3x3xi8> {
  %0 = "tg.slice"(%x) {axes = array<i64: 1, 0>, ends = array<i64: -9223372036854775808, 4>, starts = array<i64: 100, 1>, steps = array<i64: -2, 1>} : (tensor<5x6xi8>) -> tensor<3x3xi8>
  return %0 : tensor<3x3xi8>
}

// CHECK-LABEL: func.func @slice_empty
// CHECK: "tg.slice"(%{{.*}}) {axes = array<i64: 0>, ends = array<i64: 9>, starts = array<i64: 7>, steps = array<i64: 1>} : (tensor<5xf32>) -> tensor<0xf32>
func.func @slice_empty(%x: tensor<5xf32>) -> tensor<0xf32> {
  %0 = "tg.slice"(%x) {axes = array<i64: 0>, ends = array<i64: 9>, starts = array<i64: 7>, steps = array<i64: 1>} : (tensor<5xf32>) -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:.*]]: tensor<3x4x5xf16>, %[[I:.*]]: tensor<2x6xi32>)
// CHECK: "tg.gather"(%[[X]], %[[I]]) {axis = 1 : i64} : (tensor<3x4x5xf16>, tensor<2x6xi32>) -> tensor<3x2x6x5xf16>
func.func @gather(%x: tensor<3x4x5xf16>, %i: tensor<2x6xi32>) -> tensor<3x2x6x5xf16> {
  %0 = "tg.gather"(%x, %i) {axis = 1 : i64} : (tensor<3x4x5xf16>, tensor<2x6xi32>) -> tensor<3x2x6x5xf16>
  return %0 : tensor<3x2x6x5xf16>
}

// CHECK-LABEL: func.func @gather_scalar_index
// CHECK: "tg.gather"(%{{.*}}, %{{.*}}) {axis = 0 : i64} : (tensor<4x5xi1>, tensor<i64>) -> tensor<5xi1>
func.func @gather_scalar_index(%x: tensor<4x5xi1>, %i: tensor<i64>) -> tensor<5xi1> {
  %0 = "tg.gather"(%x, %i) {axis = 0 : i64} : (tensor<4x5xi1>, tensor<i64>) -> tensor<5xi1>
  return %0 : tensor<5xi1>
}

// CHECK-LABEL: func.func @gather_elements
// CHECK: "tg.gather_elements"(%{{.*}}, %{{.*}}) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2x7xi64>) -> tensor<2x7xf32>
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<2x7xi64>) -> tensor<2x7xf32> {
  %0 = "tg.gather_elements"(%x, %i) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2x7xi64>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// CHECK-LABEL: func.func @gather_nd
// CHECK: "tg.gather_nd"(%{{.*}}, %{{.*}}) {batch_dims = 1 : i64} : (tensor<2x3x4x5xui8>, tensor<2x6x2xi64>) -> tensor<2x6x5xui8>
func.func @gather_nd(%x: tensor<2x3x4x5xui8>, %i: tensor<2x6x2xi64>) -> tensor<2x6x5xui8> {
  %0 = "tg.gather_nd"(%x, %i) {batch_dims = 1 : i64} : (tensor<2x3x4x5xui8>, tensor<2x6x2xi64>) -> tensor<2x6x5xui8>
  return %0 : tensor<2x6x5xui8>
}

// CHECK-LABEL: func.func @scatter_elements
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[I:.*]]: tensor<2x4xi64>, %[[U:.*]]: tensor<2x4xf32>)
// CHECK: "tg.scatter_elements"(%[[X]], %[[I]], %[[U]]) {axis = 0 : i64, reduction = "add"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
func.func @scatter_elements(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "add"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @scatter_nd
// CHECK: "tg.scatter_nd"(%{{.*}}, %{{.*}}, %{{.*}}) {reduction = "none"} : (tensor<4x3x2xi1>, tensor<5x1xi64>, tensor<5x3x2xi1>) -> tensor<4x3x2xi1>
func.func @scatter_nd(%x: tensor<4x3x2xi1>, %i: tensor<5x1xi64>, %u: tensor<5x3x2xi1>) -> tensor<4x3x2xi1> {
  %0 = "tg.scatter_nd"(%x, %i, %u) {reduction = "none"} : (tensor<4x3x2xi1>, tensor<5x1xi64>, tensor<5x3x2xi1>) -> tensor<4x3x2xi1>
  return %0 : tensor<4x3x2xi1>
}

// Run-time bounds: starts and ends are operands (their attributes are empty), the
// sliced dims (axes 0 and 2) become `?`.
// CHECK-LABEL: func.func @slice_runtime_bounds
// CHECK-SAME: (%[[X:.*]]: tensor<4x5x6xf32>, %[[S:.*]]: tensor<2xi64>, %[[E:.*]]: tensor<2xi64>)
// CHECK: "tg.slice"(%[[X]], %[[S]], %[[E]]) {axes = array<i64: 0, 2>, ends = array<i64>, starts = array<i64>, steps = array<i64: 1, -1>} : (tensor<4x5x6xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x5x?xf32>
func.func @slice_runtime_bounds(%x: tensor<4x5x6xf32>, %s: tensor<2xi64>, %e: tensor<2xi64>) -> tensor<?x5x?xf32> {
  %0 = "tg.slice"(%x, %s, %e) {axes = array<i64: 0, 2>, ends = array<i64>, starts = array<i64>, steps = array<i64: 1, -1>} : (tensor<4x5x6xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x5x?xf32>
  return %0 : tensor<?x5x?xf32>
}

// Every bound at run time, with a `?` count: any dim may be sliced, but a dim of size 0 stays 0.
// CHECK-LABEL: func.func @slice_runtime_axes
// CHECK: "tg.slice"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {axes = array<i64>, ends = array<i64>, starts = array<i64>, steps = array<i64>} : (tensor<3x0xf32>, tensor<?xi32>, tensor<?xi32>, tensor<?xi32>, tensor<?xi32>) -> tensor<?x0xf32>
func.func @slice_runtime_axes(%x: tensor<3x0xf32>, %b: tensor<?xi32>) -> tensor<?x0xf32> {
  %0 = "tg.slice"(%x, %b, %b, %b, %b) {axes = array<i64>, ends = array<i64>, starts = array<i64>, steps = array<i64>} : (tensor<3x0xf32>, tensor<?xi32>, tensor<?xi32>, tensor<?xi32>, tensor<?xi32>) -> tensor<?x0xf32>
  return %0 : tensor<?x0xf32>
}

// CHECK-LABEL: func.func @expand_bidirectional
// CHECK: "tg.expand"(%{{.*}}) {shape = array<i64: 2, 1, 4>} : (tensor<3x1xf64>) -> tensor<2x3x4xf64>
func.func @expand_bidirectional(%x: tensor<3x1xf64>) -> tensor<2x3x4xf64> {
  %0 = "tg.expand"(%x) {shape = array<i64: 2, 1, 4>} : (tensor<3x1xf64>) -> tensor<2x3x4xf64>
  return %0 : tensor<2x3x4xf64>
}

// CHECK-LABEL: func.func @tile
// CHECK: "tg.tile"(%{{.*}}) {repeats = array<i64: 2, 1, 3>} : (tensor<2x1x3xi16>) -> tensor<4x1x9xi16>
func.func @tile(%x: tensor<2x1x3xi16>) -> tensor<4x1x9xi16> {
  %0 = "tg.tile"(%x) {repeats = array<i64: 2, 1, 3>} : (tensor<2x1x3xi16>) -> tensor<4x1x9xi16>
  return %0 : tensor<4x1x9xi16>
}

// A run-time shape: a static input dim other than 1 stays, the others are `?`.
// CHECK-LABEL: func.func @expand_runtime_shape
// CHECK: "tg.expand"(%{{.*}}, %{{.*}}) {shape = array<i64>} : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<?x3x?xf32>
func.func @expand_runtime_shape(%x: tensor<3x1xf32>, %s: tensor<3xi64>) -> tensor<?x3x?xf32> {
  %0 = "tg.expand"(%x, %s) {shape = array<i64>} : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<?x3x?xf32>
  return %0 : tensor<?x3x?xf32>
}

// CHECK-LABEL: func.func @tile_runtime_repeats
// CHECK: "tg.tile"(%{{.*}}, %{{.*}}) {repeats = array<i64>} : (tensor<2x0x3xi16>, tensor<3xi64>) -> tensor<?x0x?xi16>
func.func @tile_runtime_repeats(%x: tensor<2x0x3xi16>, %r: tensor<3xi64>) -> tensor<?x0x?xi16> {
  %0 = "tg.tile"(%x, %r) {repeats = array<i64>} : (tensor<2x0x3xi16>, tensor<3xi64>) -> tensor<?x0x?xi16>
  return %0 : tensor<?x0x?xi16>
}

// CHECK-LABEL: func.func @pad_constant_value
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[V:.*]]: tensor<f32>)
// CHECK: "tg.pad"(%[[X]], %[[V]]) {mode = "constant", pads = array<i64: 1, -1, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<4x5xf32>
func.func @pad_constant_value(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<4x5xf32> {
  %0 = "tg.pad"(%x, %v) {mode = "constant", pads = array<i64: 1, -1, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// CHECK-LABEL: func.func @pad_reflect
// CHECK: "tg.pad"(%{{.*}}) {mode = "reflect", pads = array<i64: 2, 0, 1, 3>} : (tensor<3x4xi32>) -> tensor<6x7xi32>
func.func @pad_reflect(%x: tensor<3x4xi32>) -> tensor<6x7xi32> {
  %0 = "tg.pad"(%x) {mode = "reflect", pads = array<i64: 2, 0, 1, 3>} : (tensor<3x4xi32>) -> tensor<6x7xi32>
  return %0 : tensor<6x7xi32>
}

// CHECK-LABEL: func.func @trilu
// CHECK: "tg.trilu"(%{{.*}}) {k = -1 : i64, upper = 0 : i64} : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
func.func @trilu(%x: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %0 = "tg.trilu"(%x) {k = -1 : i64, upper = 0 : i64} : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// CHECK-LABEL: func.func @one_hot
// CHECK-SAME: (%[[I:.*]]: tensor<2x3xf32>, %[[V:.*]]: tensor<2xi64>)
// CHECK: "tg.one_hot"(%[[I]], %[[V]]) {axis = 1 : i64, depth = 4 : i64} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x4x3xi64>
func.func @one_hot(%i: tensor<2x3xf32>, %v: tensor<2xi64>) -> tensor<2x4x3xi64> {
  %0 = "tg.one_hot"(%i, %v) {axis = 1 : i64, depth = 4 : i64} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x4x3xi64>
  return %0 : tensor<2x4x3xi64>
}

// CHECK-LABEL: func.func @trilu_runtime_k
// CHECK: "tg.trilu"(%{{.*}}, %{{.*}}) {k = 0 : i64, upper = 1 : i64} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
func.func @trilu_runtime_k(%x: tensor<3x4xf32>, %k: tensor<i64>) -> tensor<3x4xf32> {
  %0 = "tg.trilu"(%x, %k) {k = 0 : i64, upper = 1 : i64} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @reshape_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[S:.*]]: tensor<3xi64>)
// CHECK: %[[R:.*]] = "tg.reshape_dynamic"(%[[X]], %[[S]]) {allowzero = 0 : i64} : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
// CHECK: return %[[R]]
func.func @reshape_dynamic(%x: tensor<?x4xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %0 = "tg.reshape_dynamic"(%x, %s) {allowzero = 0 : i64} : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

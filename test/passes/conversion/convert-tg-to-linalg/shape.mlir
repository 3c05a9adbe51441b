// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Concat inserts each operand into an empty result at its offset.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<2x5xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][0, 3] [2, 5] [1, 1]
// CHECK: return %[[I1]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "tg.concat"(%a, %b) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// A chain of concats along one axis (ONNX's N-ary Concat) copies each input
// once into the final result; the inner result is left dead for canonicalize.
// CHECK-LABEL: func.func @concat_chain
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<2x5xf32>, %[[C:[^:]*]]: tensor<2x1xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x9xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][0, 3] [2, 5] [1, 1]
// CHECK: %[[I2:.*]] = tensor.insert_slice %[[C]] into %[[I1]][0, 8] [2, 1] [1, 1]
// CHECK: return %[[I2]]
func.func @concat_chain(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<2x1xf32>) -> tensor<2x9xf32> {
  %0 = "tg.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %1 = "tg.concat"(%0, %c) {axis = -1 : i64} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x9xf32>
  return %1 : tensor<2x9xf32>
}

// -----

// An inner concat that is also used elsewhere, or along another axis, is
// inserted whole.
// CHECK-LABEL: func.func @concat_chain_other_axis
// CHECK: %[[IN:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 3] [2, 5] [1, 1] : tensor<2x5xf32> into tensor<2x8xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x8xf32>
// CHECK: tensor.insert_slice %[[IN]] into %[[E]][0, 0] [2, 8] [1, 1]
func.func @concat_chain_other_axis(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<1x8xf32>) -> tensor<3x8xf32> {
  %0 = "tg.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %1 = "tg.concat"(%0, %c) {axis = 0 : i64} : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<3x8xf32>
  return %1 : tensor<3x8xf32>
}

// -----

// Positive steps are a strided extract_slice with the clamped bounds.
// CHECK-LABEL: func.func @slice_positive_steps
// CHECK-SAME: (%[[X:[^:]*]]: tensor<5x6xf32>)
// CHECK: %[[S:.*]] = tensor.extract_slice %[[X]][0, 1] [5, 3] [1, 2] : tensor<5x6xf32> to tensor<5x3xf32>
// CHECK: return %[[S]]
func.func @slice_positive_steps(%x: tensor<5x6xf32>) -> tensor<5x3xf32> {
  %0 = "tg.slice"(%x) {axes = array<i64: -1>, ends = array<i64: 9223372036854775807>, starts = array<i64: 1>, steps = array<i64: 2>} : (tensor<5x6xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

// A negative step slices the same elements in ascending order, then reverses the dim.
// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (d0, -d1 + 2)>
// CHECK-LABEL: func.func @slice_negative_step
// CHECK-SAME: (%[[X:[^:]*]]: tensor<5x6xi8>)
// CHECK: %[[S:.*]] = tensor.extract_slice %[[X]][1, 1] [3, 3] [1, 2] : tensor<5x6xi8> to tensor<3x3xi8>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[REV]], {{.*}}]{{.*}} ins(%[[S]] : tensor<3x3xi8>)
// CHECK: return %[[R]]
func.func @slice_negative_step(%x: tensor<5x6xi8>) -> tensor<3x3xi8> {
  %0 = "tg.slice"(%x) {axes = array<i64: 1, 0>, ends = array<i64: -9223372036854775808, 4>, starts = array<i64: 100, 1>, steps = array<i64: -2, 1>} : (tensor<5x6xi8>) -> tensor<3x3xi8>
  return %0 : tensor<3x3xi8>
}

// -----

// Gather loops over the result, reads the runtime index, wraps negative ones
// and extracts from the data.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x4x5xf16>, %[[I:[^:]*]]: tensor<2x6xi32>)
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], {{.*}}]{{.*}} ins(%[[I]] : tensor<2x6xi32>)
// CHECK: ^bb0(%[[IN:.*]]: i32, %{{.*}}: f16):
// CHECK: %[[D0:.*]] = linalg.index 0 : index
// CHECK: %[[D3:.*]] = linalg.index 3 : index
// CHECK: %[[P:.*]] = arith.index_cast %[[IN]] : i32 to index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[P]]
// CHECK: %[[WRAP:.*]] = arith.addi %[[P]]
// CHECK: %[[POS:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[P]] : index
// CHECK: %[[V:.*]] = tensor.extract %[[X]][%[[D0]], %[[POS]], %[[D3]]] : tensor<3x4x5xf16>
// CHECK: linalg.yield %[[V]] : f16
func.func @gather(%x: tensor<3x4x5xf16>, %i: tensor<2x6xi32>) -> tensor<3x2x6x5xf16> {
  %0 = "tg.gather"(%x, %i) {axis = 1 : i64} : (tensor<3x4x5xf16>, tensor<2x6xi32>) -> tensor<3x2x6x5xf16>
  return %0 : tensor<3x2x6x5xf16>
}

// -----

// GatherND reads one index per data dim from the last dim of the indices.
// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3x4x5xi8>, %[[I:[^:]*]]: tensor<2x6x2xi64>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x6x5xi8>)
// CHECK: %[[B:.*]] = linalg.index 0 : index
// CHECK: %[[R:.*]] = linalg.index 1 : index
// CHECK: %[[T:.*]] = linalg.index 2 : index
// CHECK: tensor.extract %[[I]][%[[B]], %[[R]], %{{.*}}] : tensor<2x6x2xi64>
// CHECK: %[[P0:.*]] = arith.select
// CHECK: tensor.extract %[[I]][%[[B]], %[[R]], %{{.*}}] : tensor<2x6x2xi64>
// CHECK: %[[P1:.*]] = arith.select
// CHECK: tensor.extract %[[X]][%[[B]], %[[P0]], %[[P1]], %[[T]]] : tensor<2x3x4x5xi8>
func.func @gather_nd(%x: tensor<2x3x4x5xui8>, %i: tensor<2x6x2xi64>) -> tensor<2x6x5xui8> {
  %0 = "tg.gather_nd"(%x, %i) {batch_dims = 1 : i64} : (tensor<2x3x4x5xui8>, tensor<2x6x2xi64>) -> tensor<2x6x5xui8>
  return %0 : tensor<2x6x5xui8>
}

// -----

// Scatters are scf.for nests over the updates carrying the result tensor;
// a reduction combines with the current element.
// CHECK-LABEL: func.func @scatter_elements_add
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x4xf32>, %[[I:[^:]*]]: tensor<2x4xi64>, %[[U:[^:]*]]: tensor<2x4xf32>)
// CHECK: %[[OUTER:.*]] = scf.for %[[A:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[T0:.*]] = %[[X]]) -> (tensor<3x4xf32>)
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[T1:.*]] = %[[T0]]) -> (tensor<3x4xf32>)
// CHECK: tensor.extract %[[I]][%[[A]], %[[B]]]
// CHECK: %[[ROW:.*]] = arith.select
// CHECK: %[[NEW:.*]] = tensor.extract %[[U]][%[[A]], %[[B]]]
// CHECK: %[[OLD:.*]] = tensor.extract %[[T1]][%[[ROW]], %[[B]]]
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]], %[[NEW]] : f32
// CHECK: %[[INS:.*]] = tensor.insert %[[SUM]] into %[[T1]][%[[ROW]], %[[B]]]
// CHECK: scf.yield %[[INS]]
// CHECK: return %[[OUTER]]
func.func @scatter_elements_add(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "add"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Unsigned max uses the unsigned integer op.
// CHECK-LABEL: func.func @scatter_nd_max_unsigned
// CHECK: scf.for
// CHECK: arith.maxui
// CHECK: tensor.insert
func.func @scatter_nd_max_unsigned(%x: tensor<4x3xui8>, %i: tensor<2x1xi64>, %u: tensor<2x3xui8>) -> tensor<4x3xui8> {
  %0 = "tg.scatter_nd"(%x, %i, %u) {reduction = "max"} : (tensor<4x3xui8>, tensor<2x1xi64>, tensor<2x3xui8>) -> tensor<4x3xui8>
  return %0 : tensor<4x3xui8>
}

// -----

// Tile reads the input modulo its size; size-1 dims read index 0.
// CHECK-DAG: #[[MOD:.*]] = affine_map<(d0, d1, d2) -> (d0 mod 2, 0, d2 mod 3)>
// CHECK-LABEL: func.func @tile
// CHECK: linalg.generic {indexing_maps = [#[[MOD]], {{.*}}]{{.*}} outs(%{{.*}} : tensor<4x1x9xi16>)
func.func @tile(%x: tensor<2x1x3xi16>) -> tensor<4x1x9xi16> {
  %0 = "tg.tile"(%x) {repeats = array<i64: 2, 1, 3>} : (tensor<2x1x3xi16>) -> tensor<4x1x9xi16>
  return %0 : tensor<4x1x9xi16>
}

// -----

// Expand is a broadcasting copy.
// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @expand
// CHECK: linalg.generic {indexing_maps = [#[[BC]], {{.*}}]{{.*}} outs(%{{.*}} : tensor<2x3x4xf64>)
func.func @expand(%x: tensor<3x1xf64>) -> tensor<2x3x4xf64> {
  %0 = "tg.expand"(%x) {shape = array<i64: 2, 1, 4>} : (tensor<3x1xf64>) -> tensor<2x3x4xf64>
  return %0 : tensor<2x3x4xf64>
}

// -----

// Constant pad: negative pads crop first, the fill comes from the operand.
// CHECK-LABEL: func.func @pad_constant
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x4xf32>, %[[V:[^:]*]]: tensor<f32>)
// CHECK: %[[C:.*]] = tensor.extract_slice %[[X]][0, 1] [3, 3] [1, 1]
// CHECK: %[[F:.*]] = tensor.extract %[[V]][] : tensor<f32>
// CHECK: %[[P:.*]] = tensor.pad %[[C]] low[1, 0] high[0, 2]
// CHECK: tensor.yield %[[F]] : f32
// CHECK: return %[[P]]
func.func @pad_constant(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<4x5xf32> {
  %0 = "tg.pad"(%x, %v) {mode = "constant", pads = array<i64: 1, -1, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Edge pad clamps the source index of padded dims only.
// CHECK-LABEL: func.func @pad_edge
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x4xi32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x7xi32>)
// CHECK: %[[R:.*]] = linalg.index 0 : index
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: %[[J:.*]] = arith.subi %[[C]], %{{.*}} : index
// CHECK: %[[LO:.*]] = arith.minsi %[[J]], %{{.*}} : index
// CHECK: %[[CL:.*]] = arith.maxsi %[[LO]], %{{.*}} : index
// CHECK: tensor.extract %[[X]][%[[R]], %[[CL]]] : tensor<3x4xi32>
func.func @pad_edge(%x: tensor<3x4xi32>) -> tensor<3x7xi32> {
  %0 = "tg.pad"(%x) {mode = "edge", pads = array<i64: 0, 2, 0, 1>} : (tensor<3x4xi32>) -> tensor<3x7xi32>
  return %0 : tensor<3x7xi32>
}

// -----

// Trilu keeps x where col - row <= k (lower) and selects zero elsewhere.
// CHECK-LABEL: func.func @tril
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ROW:.*]] = linalg.index 1 : index
// CHECK: %[[COL:.*]] = linalg.index 2 : index
// CHECK: %[[DIFF:.*]] = arith.subi %[[COL]], %[[ROW]] : index
// CHECK: %[[KEEP:.*]] = arith.cmpi sle, %[[DIFF]], %{{.*}} : index
// CHECK: %[[Y:.*]] = arith.select %[[KEEP]], %[[IN]], %{{.*}} : f32
// CHECK: linalg.yield %[[Y]]
func.func @tril(%x: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %0 = "tg.trilu"(%x) {k = -1 : i64, upper = 0 : i64} : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// OneHot compares the (zero-extended, wrapped) index with the position along
// the new axis and selects the on/off values read once outside the loop.
// CHECK-LABEL: func.func @one_hot_unsigned
// CHECK-SAME: (%[[I:[^:]*]]: tensor<3xi8>, %[[V:[^:]*]]: tensor<2xi64>)
// CHECK: %[[OFF:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<2xi64>
// CHECK: %[[ON:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<2xi64>
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<3xi8>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i64):
// CHECK: %[[W:.*]] = arith.extui %[[IN]] : i8 to i64
// CHECK: %[[HOT:.*]] = arith.cmpi eq
// CHECK: %[[Y:.*]] = arith.select %[[HOT]], %[[ON]], %[[OFF]] : i64
// CHECK: linalg.yield %[[Y]]
func.func @one_hot_unsigned(%i: tensor<3xui8>, %v: tensor<2xi64>) -> tensor<4x3xi64> {
  %0 = "tg.one_hot"(%i, %v) {axis = 0 : i64, depth = 4 : i64} : (tensor<3xui8>, tensor<2xi64>) -> tensor<4x3xi64>
  return %0 : tensor<4x3xi64>
}

// -----

// Run-time starts/ends with static positive steps: the bounds are read with
// tensor.extract and clamped in i64, then an extract_slice with dynamic offsets
// and sizes (an empty result is a size of 0).
// CHECK-LABEL: func.func @slice_runtime_bounds
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4x5x6xf32>, %[[S:[^:]*]]: tensor<2xi64>, %[[E:[^:]*]]: tensor<2xi64>)
// CHECK-DAG: tensor.extract %[[S]]
// CHECK-DAG: tensor.extract %[[E]]
// CHECK: arith.ceildivsi
// CHECK: tensor.extract_slice %[[X]][%{{.*}}, 0, %{{.*}}] [%{{.*}}, 5, %{{.*}}] [1, 1, 2] : tensor<4x5x6xf32> to tensor<?x5x?xf32>
func.func @slice_runtime_bounds(%x: tensor<4x5x6xf32>, %s: tensor<2xi64>, %e: tensor<2xi64>) -> tensor<?x5x?xf32> {
  %0 = "tg.slice"(%x, %s, %e) {axes = array<i64: 0, 2>, ends = array<i64>, starts = array<i64>, steps = array<i64: 1, 2>} : (tensor<4x5x6xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x5x?xf32>
  return %0 : tensor<?x5x?xf32>
}

// -----

// Run-time axes and steps, with a `?` entry count: each entry is read under an
// scf.if (nothing past the end), and the result is a gather at start + i * step.
// CHECK-LABEL: func.func @slice_runtime_axes_and_steps
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x4xf32>, %[[B:[^:]*]]: tensor<?xi32>)
// CHECK: scf.if
// CHECK: tensor.extract %[[B]]
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.generic {{.*}} outs(%[[EMPTY]] : tensor<?x?xf32>)
// CHECK: arith.muli
// CHECK: tensor.extract %[[X]]
func.func @slice_runtime_axes_and_steps(%x: tensor<3x4xf32>, %b: tensor<?xi32>) -> tensor<?x?xf32> {
  %0 = "tg.slice"(%x, %b, %b, %b, %b) {axes = array<i64>, ends = array<i64>, starts = array<i64>, steps = array<i64>} : (tensor<3x4xf32>, tensor<?xi32>, tensor<?xi32>, tensor<?xi32>, tensor<?xi32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Run-time repeats: out dim = dim * repeats (clamped at 0), read at i mod dim.
// CHECK-DAG: #[[MOD:.*]] = affine_map<(d0, d1) -> (d0 mod 2, d1 mod 3)>
// CHECK-LABEL: func.func @tile_runtime_repeats
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>, %[[R:[^:]*]]: tensor<2xi64>)
// CHECK: tensor.extract %[[R]]
// CHECK: arith.maxsi
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[MOD]], {{.*}}]{{.*}} ins(%[[X]] : tensor<2x3xf32>) outs(%[[EMPTY]] : tensor<?x?xf32>)
func.func @tile_runtime_repeats(%x: tensor<2x3xf32>, %r: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = "tg.tile"(%x, %r) {repeats = array<i64>} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A run-time shape: the new leading dim and the dim broadcast from 1 are read
// from it; the static dim 3 stays.
// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @expand_runtime_shape
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x1xf32>, %[[S:[^:]*]]: tensor<3xi64>)
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x3x?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[BC]], {{.*}}]{{.*}} ins(%[[X]] : tensor<3x1xf32>) outs(%[[EMPTY]] : tensor<?x3x?xf32>)
func.func @expand_runtime_shape(%x: tensor<3x1xf32>, %s: tensor<3xi64>) -> tensor<?x3x?xf32> {
  %0 = "tg.expand"(%x, %s) {shape = array<i64>} : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<?x3x?xf32>
  return %0 : tensor<?x3x?xf32>
}

// -----

// A run-time k is read in the body (hoisted on CPU, read on the device on GPUs)
// and compared with col - row in i64.
// CHECK-LABEL: func.func @triu_runtime_k
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3x4xf32>, %[[K:[^:]*]]: tensor<i64>)
// CHECK: linalg.generic
// CHECK: %[[DIAG:.*]] = arith.subi
// CHECK: %[[KV:.*]] = tensor.extract %[[K]][] : tensor<i64>
// CHECK: %[[D64:.*]] = arith.index_cast %[[DIAG]] : index to i64
// CHECK: arith.cmpi sge, %[[D64]], %[[KV]] : i64
func.func @triu_runtime_k(%x: tensor<3x4xf32>, %k: tensor<i64>) -> tensor<3x4xf32> {
  %0 = "tg.trilu"(%x, %k) {k = 0 : i64, upper = 1 : i64} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in the shape-family part of dialects/tg_rules/shape.py.

func.func @concat_axis_out_of_range(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.concat' op axis 2 is out of range for rank 2}}
  %0 = "tg.concat"(%a, %b) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_element_types_differ(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) {
  // expected-error@+1 {{'tg.concat' op operand #1 has element type f16, expected f32 like operand #0}}
  %0 = "tg.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_ranks_differ(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{'tg.concat' op operand #1 has rank 1, expected 2}}
  %0 = "tg.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<5x3xf32>
  return
}

// -----

func.func @concat_other_dims_differ(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error@+1 {{'tg.concat' op operand #1 has shape 2x4, incompatible with 2x3 outside axis 0}}
  %0 = "tg.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @slice_lengths_differ(%x: tensor<4x5xf32>) {
  // expected-error@+1 {{'tg.slice' op starts, ends, axes and steps must have the same length}}
  %0 = "tg.slice"(%x) {axes = array<i64: 0>, ends = array<i64: 3, 3>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @slice_axis_out_of_range(%x: tensor<4x5xf32>) {
  // expected-error@+1 {{'tg.slice' op axes entry -3 is out of range for rank 2}}
  %0 = "tg.slice"(%x) {axes = array<i64: -3>, ends = array<i64: 3>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @slice_repeated_axis(%x: tensor<4x5xf32>) {
  // expected-error@+1 {{'tg.slice' op axes [1, -1] repeat an axis}}
  %0 = "tg.slice"(%x) {axes = array<i64: 1, -1>, ends = array<i64: 3, 3>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<4x5xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @slice_zero_step(%x: tensor<4x5xf32>) {
  // expected-error@+1 {{'tg.slice' op steps must be non-zero}}
  %0 = "tg.slice"(%x) {axes = array<i64: 0>, ends = array<i64: 3>, starts = array<i64: 0>, steps = array<i64: 0>} : (tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @gather_float_indices(%x: tensor<4x5xf32>, %i: tensor<2xf32>) {
  // expected-error@+1 {{'tg.gather' op operand #1 has element type f32, expected one of i32, i64}}
  %0 = "tg.gather"(%x, %i) {axis = 0 : i64} : (tensor<4x5xf32>, tensor<2xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gather_scalar_data(%x: tensor<f32>, %i: tensor<2xi64>) {
  // expected-error@+1 {{'tg.gather' op data must have rank >= 1}}
  %0 = "tg.gather"(%x, %i) {axis = 0 : i64} : (tensor<f32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_axis_out_of_range(%x: tensor<4x5xf32>, %i: tensor<2xi64>) {
  // expected-error@+1 {{'tg.gather' op axis -3 is out of range for rank 2}}
  %0 = "tg.gather"(%x, %i) {axis = -3 : i64} : (tensor<4x5xf32>, tensor<2xi64>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gather_elements_rank_mismatch(%x: tensor<4x5xf32>, %i: tensor<2xi64>) {
  // expected-error@+1 {{'tg.gather_elements' op data and indices must have the same rank >= 1, got 2 and 1}}
  %0 = "tg.gather_elements"(%x, %i) {axis = 0 : i64} : (tensor<4x5xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_elements_indices_too_large(%x: tensor<4x5xf32>, %i: tensor<2x6xi64>) {
  // expected-error@+1 {{'tg.gather_elements' op indices dim 1 (6) exceeds the data dim (5)}}
  %0 = "tg.gather_elements"(%x, %i) {axis = 0 : i64} : (tensor<4x5xf32>, tensor<2x6xi64>) -> tensor<2x6xf32>
  return
}

// -----

func.func @gather_nd_i32_indices(%x: tensor<4x5xf32>, %i: tensor<2x1xi32>) {
  // expected-error@+1 {{'tg.gather_nd' op operand #1 has element type i32, expected one of i64}}
  %0 = "tg.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<4x5xf32>, tensor<2x1xi32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gather_nd_scalar_indices(%x: tensor<4x5xf32>, %i: tensor<i64>) {
  // expected-error@+1 {{'tg.gather_nd' op data and indices must have rank >= 1}}
  %0 = "tg.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<4x5xf32>, tensor<i64>) -> tensor<5xf32>
  return
}

// -----

func.func @gather_nd_batch_dims_too_large(%x: tensor<4x5xf32>, %i: tensor<4x1xi64>) {
  // expected-error@+1 {{'tg.gather_nd' op batch_dims 2 must be in [0, 2)}}
  %0 = "tg.gather_nd"(%x, %i) {batch_dims = 2 : i64} : (tensor<4x5xf32>, tensor<4x1xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @gather_nd_index_tuple_too_long(%x: tensor<4x5xf32>, %i: tensor<2x3xi64>) {
  // expected-error@+1 {{'tg.gather_nd' op the last dim of indices (3) must be static and in [1, 2]}}
  %0 = "tg.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<4x5xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_batch_dims_differ(%x: tensor<4x5x6xf32>, %i: tensor<3x1xi64>) {
  // expected-error@+1 {{'tg.gather_nd' op batch dim 0 differs: 4 vs 3}}
  %0 = "tg.gather_nd"(%x, %i) {batch_dims = 1 : i64} : (tensor<4x5x6xf32>, tensor<3x1xi64>) -> tensor<3x6xf32>
  return
}

// -----

func.func @scatter_elements_bad_reduction(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xf32>) {
  // expected-error@+1 {{'tg.scatter_elements' op reduction must be one of none, add, mul, max, min, got 'sum'}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "sum"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_elements_bool_reduction(%x: tensor<3x4xi1>, %i: tensor<2x4xi64>, %u: tensor<2x4xi1>) {
  // expected-error@+1 {{'tg.scatter_elements' op reduction 'add' is not defined on i1}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "add"} : (tensor<3x4xi1>, tensor<2x4xi64>, tensor<2x4xi1>) -> tensor<3x4xi1>
  return
}

// -----

func.func @scatter_elements_index_type(%x: tensor<3x4xf32>, %i: tensor<2x4xi16>, %u: tensor<2x4xf32>) {
  // expected-error@+1 {{'tg.scatter_elements' op operand #1 has element type i16, expected one of i32, i64}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "none"} : (tensor<3x4xf32>, tensor<2x4xi16>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_elements_updates_type(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xf64>) {
  // expected-error@+1 {{'tg.scatter_elements' op operand #2 has element type f64, expected f32 like operand #0}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "none"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_elements_ranks_differ(%x: tensor<3x4xf32>, %i: tensor<8xi64>, %u: tensor<8xf32>) {
  // expected-error@+1 {{'tg.scatter_elements' op data, indices and updates must have the same rank >= 1}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "none"} : (tensor<3x4xf32>, tensor<8xi64>, tensor<8xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_elements_axis_out_of_range(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xf32>) {
  // expected-error@+1 {{'tg.scatter_elements' op axis 2 is out of range for rank 2}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 2 : i64, reduction = "none"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_elements_shapes_differ(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.scatter_elements' op indices (2x4) and updates (2x3) must have the same shape}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "none"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_nd_index_type(%x: tensor<3x4xf32>, %i: tensor<2x1xi32>, %u: tensor<2x4xf32>) {
  // expected-error@+1 {{'tg.scatter_nd' op operand #1 has element type i32, expected one of i64}}
  %0 = "tg.scatter_nd"(%x, %i, %u) {reduction = "none"} : (tensor<3x4xf32>, tensor<2x1xi32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_nd_scalar_indices(%x: tensor<3x4xf32>, %i: tensor<i64>, %u: tensor<4xf32>) {
  // expected-error@+1 {{'tg.scatter_nd' op data and indices must have rank >= 1}}
  %0 = "tg.scatter_nd"(%x, %i, %u) {reduction = "none"} : (tensor<3x4xf32>, tensor<i64>, tensor<4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_nd_index_tuple_too_long(%x: tensor<3x4xf32>, %i: tensor<2x3xi64>, %u: tensor<2xf32>) {
  // expected-error@+1 {{'tg.scatter_nd' op the last dim of indices (3) must be static and in [1, 2]}}
  %0 = "tg.scatter_nd"(%x, %i, %u) {reduction = "none"} : (tensor<3x4xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_nd_updates_shape(%x: tensor<3x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.scatter_nd' op updates must have shape 2x4, got 2x3}}
  %0 = "tg.scatter_nd"(%x, %i, %u) {reduction = "none"} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @expand_non_positive_shape(%x: tensor<3x1xf32>) {
  // expected-error@+1 {{'tg.expand' op shape entries must be positive, got [0, 4]}}
  %0 = "tg.expand"(%x) {shape = array<i64: 0, 4>} : (tensor<3x1xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @expand_incompatible(%x: tensor<3x2xf32>) {
  // expected-error@+1 {{'tg.expand' op operands are not broadcast-compatible: dim 1 is 2 vs 4}}
  %0 = "tg.expand"(%x) {shape = array<i64: 3, 4>} : (tensor<3x2xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @tile_repeats_length(%x: tensor<3x2xf32>) {
  // expected-error@+1 {{'tg.tile' op attribute 'repeats' must have 2 entries, got 1}}
  %0 = "tg.tile"(%x) {repeats = array<i64: 2>} : (tensor<3x2xf32>) -> tensor<6x2xf32>
  return
}

// -----

func.func @tile_negative_repeats(%x: tensor<3x2xf32>) {
  // expected-error@+1 {{'tg.tile' op repeats must be non-negative, got [2, -1]}}
  %0 = "tg.tile"(%x) {repeats = array<i64: 2, -1>} : (tensor<3x2xf32>) -> tensor<6x2xf32>
  return
}

// -----

func.func @pad_pads_length(%x: tensor<3x2xf32>) {
  // expected-error@+1 {{'tg.pad' op attribute 'pads' must have 4 entries, got 2}}
  %0 = "tg.pad"(%x) {mode = "constant", pads = array<i64: 1, 1>} : (tensor<3x2xf32>) -> tensor<5x2xf32>
  return
}

// -----

func.func @pad_bad_mode(%x: tensor<3x2xf32>) {
  // expected-error@+1 {{'tg.pad' op mode must be one of constant, reflect, edge, wrap, got 'symmetric'}}
  %0 = "tg.pad"(%x) {mode = "symmetric", pads = array<i64: 1, 0, 1, 0>} : (tensor<3x2xf32>) -> tensor<5x2xf32>
  return
}

// -----

func.func @pad_value_type(%x: tensor<3x2xf32>, %v: tensor<f64>) {
  // expected-error@+1 {{'tg.pad' op operand #1 has element type f64, expected f32 like operand #0}}
  %0 = "tg.pad"(%x, %v) {mode = "constant", pads = array<i64: 1, 0, 1, 0>} : (tensor<3x2xf32>, tensor<f64>) -> tensor<5x2xf32>
  return
}

// -----

func.func @pad_value_not_one_element(%x: tensor<3x2xf32>, %v: tensor<2xf32>) {
  // expected-error@+1 {{'tg.pad' op constant_value must hold one element, got shape 2}}
  %0 = "tg.pad"(%x, %v) {mode = "constant", pads = array<i64: 1, 0, 1, 0>} : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<5x2xf32>
  return
}

// -----

func.func @pad_crops_below_zero(%x: tensor<3x2xf32>) {
  // expected-error@+1 {{'tg.pad' op pads [-2, 0, -2, 0] crop dim 0 of size 3 below zero}}
  %0 = "tg.pad"(%x) {mode = "constant", pads = array<i64: -2, 0, -2, 0>} : (tensor<3x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @pad_reflect_nothing_left(%x: tensor<3x2xf32>) {
  // expected-error@+1 {{'tg.pad' op mode 'reflect' cannot pad dim 1: nothing is left after cropping}}
  %0 = "tg.pad"(%x) {mode = "reflect", pads = array<i64: 0, -2, 0, 3>} : (tensor<3x2xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @trilu_rank_one(%x: tensor<3xf32>) {
  // expected-error@+1 {{'tg.trilu' op input must have rank >= 2, got 1}}
  %0 = "tg.trilu"(%x) {k = 0 : i64, upper = 1 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @trilu_bad_upper(%x: tensor<3x3xf32>) {
  // expected-error@+1 {{'tg.trilu' op upper must be 0 or 1}}
  %0 = "tg.trilu"(%x) {k = 0 : i64, upper = 2 : i64} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @one_hot_bool_indices(%i: tensor<3xi1>, %v: tensor<2xf32>) {
  // expected-error@+1 {{'tg.one_hot' op operand #0 has element type i1, expected one of}}
  %0 = "tg.one_hot"(%i, %v) {axis = -1 : i64, depth = 4 : i64} : (tensor<3xi1>, tensor<2xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @one_hot_values_shape(%i: tensor<3xi64>, %v: tensor<3xf32>) {
  // expected-error@+1 {{'tg.one_hot' op values must be 1-d of size 2 (off, on), got 3}}
  %0 = "tg.one_hot"(%i, %v) {axis = -1 : i64, depth = 4 : i64} : (tensor<3xi64>, tensor<3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @one_hot_zero_depth(%i: tensor<3xi64>, %v: tensor<2xf32>) {
  // expected-error@+1 {{'tg.one_hot' op depth must be positive, got 0}}
  %0 = "tg.one_hot"(%i, %v) {axis = -1 : i64, depth = 0 : i64} : (tensor<3xi64>, tensor<2xf32>) -> tensor<3x0xf32>
  return
}

// -----

func.func @one_hot_axis_out_of_range(%i: tensor<3xi64>, %v: tensor<2xf32>) {
  // expected-error@+1 {{'tg.one_hot' op axis 2 is out of range for rank 2}}
  %0 = "tg.one_hot"(%i, %v) {axis = 2 : i64, depth = 4 : i64} : (tensor<3xi64>, tensor<2xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @slice_runtime_bounds_count(%x: tensor<4x5xf32>, %s: tensor<1xi64>) {
  // expected-error@+1 {{'tg.slice' op 2 run-time bounds operands for the 1 empty bounds attributes (starts)}}
  %0 = "tg.slice"(%x, %s, %s) {axes = array<i64: 0>, ends = array<i64: 3>, starts = array<i64>, steps = array<i64: 1>} : (tensor<4x5xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x5xf32>
  return
}

// -----

func.func @slice_runtime_bounds_type(%x: tensor<4x5xf32>, %s: tensor<1xf32>) {
  // expected-error@+1 {{'tg.slice' op operand #1 has element type f32, expected one of i32, i64}}
  %0 = "tg.slice"(%x, %s) {axes = array<i64: 0>, ends = array<i64: 3>, starts = array<i64>, steps = array<i64: 1>} : (tensor<4x5xf32>, tensor<1xf32>) -> tensor<?x5xf32>
  return
}

// -----

func.func @slice_runtime_bounds_rank(%x: tensor<4x5xf32>, %s: tensor<1x1xi64>) {
  // expected-error@+1 {{'tg.slice' op run-time slice bounds must be 1-d, got shape 1x1}}
  %0 = "tg.slice"(%x, %s) {axes = array<i64: 0>, ends = array<i64: 3>, starts = array<i64>, steps = array<i64: 1>} : (tensor<4x5xf32>, tensor<1x1xi64>) -> tensor<?x5xf32>
  return
}

// -----

func.func @slice_runtime_list_length(%x: tensor<4x5xf32>, %s: tensor<1xi64>) {
  // expected-error@+1 {{'tg.slice' op ends has 2 entries for 1 run-time entries}}
  %0 = "tg.slice"(%x, %s) {axes = array<i64: 0>, ends = array<i64: 3, 3>, starts = array<i64>, steps = array<i64: 1>} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<?x5xf32>
  return
}

// -----

func.func @slice_runtime_axes_range(%x: tensor<4x5xf32>, %s: tensor<1xi64>) {
  // expected-error@+1 {{'tg.slice' op axes [-1] must be distinct dims in [0, 2)}}
  %0 = "tg.slice"(%x, %s) {axes = array<i64: -1>, ends = array<i64: 3>, starts = array<i64>, steps = array<i64: 1>} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<4x?xf32>
  return
}

// -----

func.func @slice_runtime_zero_step(%x: tensor<4x5xf32>, %s: tensor<1xi64>) {
  // expected-error@+1 {{'tg.slice' op steps must be non-zero}}
  %0 = "tg.slice"(%x, %s) {axes = array<i64: 0>, ends = array<i64: 3>, starts = array<i64>, steps = array<i64: 0>} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<?x5xf32>
  return
}

// -----

func.func @slice_runtime_bounds_of_two_types(%x: tensor<4x5xf32>, %s: tensor<1xi64>, %e: tensor<1xi32>) {
  // expected-error@+1 {{expected 'tensor<1xi64>' but got 'tensor<1xi32>'}}
  %0 = "tg.slice"(%x, %s, %e) {axes = array<i64: 0>, ends = array<i64>, starts = array<i64>, steps = array<i64: 1>} : (tensor<4x5xf32>, tensor<1xi64>, tensor<1xi32>) -> tensor<?x5xf32>
  return
}

// -----

func.func @expand_runtime_shape_length(%x: tensor<3x1xf32>, %s: tensor<?xi64>) {
  // expected-error@+1 {{'tg.expand' op shape_input must be 1-d of static length (the result's rank), got ?}}
  %0 = "tg.expand"(%x, %s) {shape = array<i64>} : (tensor<3x1xf32>, tensor<?xi64>) -> tensor<3x?xf32>
  return
}

// -----

func.func @expand_runtime_shape_and_attribute(%x: tensor<3x1xf32>, %s: tensor<2xi64>) {
  // expected-error@+1 {{'tg.expand' op shape must be empty with shape_input}}
  %0 = "tg.expand"(%x, %s) {shape = array<i64: 3, 4>} : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x?xf32>
  return
}

// -----

func.func @tile_runtime_repeats_length(%x: tensor<3x2xf32>, %r: tensor<3xi64>) {
  // expected-error@+1 {{'tg.tile' op repeats_input must be 1-d with 2 entries, got 3}}
  %0 = "tg.tile"(%x, %r) {repeats = array<i64>} : (tensor<3x2xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @tile_runtime_repeats_and_attribute(%x: tensor<3x2xf32>, %r: tensor<2xi64>) {
  // expected-error@+1 {{'tg.tile' op repeats must be empty with repeats_input}}
  %0 = "tg.tile"(%x, %r) {repeats = array<i64: 1, 2>} : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @trilu_runtime_k_size(%x: tensor<3x3xf32>, %k: tensor<2xi64>) {
  // expected-error@+1 {{'tg.trilu' op k_input must hold one element, got shape 2}}
  %0 = "tg.trilu"(%x, %k) {k = 0 : i64, upper = 1 : i64} : (tensor<3x3xf32>, tensor<2xi64>) -> tensor<3x3xf32>
  return
}

// -----

func.func @trilu_runtime_k_and_attribute(%x: tensor<3x3xf32>, %k: tensor<i64>) {
  // expected-error@+1 {{'tg.trilu' op k must be 0 with k_input}}
  %0 = "tg.trilu"(%x, %k) {k = 1 : i64, upper = 1 : i64} : (tensor<3x3xf32>, tensor<i64>) -> tensor<3x3xf32>
  return
}

// -----

func.func @result_type_mismatch(%x: tensor<5x6xf32>) {
  // expected-error@+1 {{'tg.slice' op result #0 has type tensor<5x3xf32>, but the operands imply tensor<5x2xf32>}}
  %0 = "tg.slice"(%x) {axes = array<i64: 1>, ends = array<i64: 5>, starts = array<i64: 1>, steps = array<i64: 2>} : (tensor<5x6xf32>) -> tensor<5x3xf32>
  return
}

// -----

func.func @reshape_dynamic_unknown_rank(%x: tensor<?x4xf32>, %s: tensor<?xi64>) -> tensor<?x?xf32> {
  // expected-error@+1 {{'tg.reshape_dynamic' op shape must be 1-d with a static length, got ?}}
  %0 = "tg.reshape_dynamic"(%x, %s) {allowzero = 0 : i64} : (tensor<?x4xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

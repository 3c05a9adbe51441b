// RUN: polytile-opt %s --split-input-file --verify-diagnostics

// One case per rejection in dialects/tg_rules/data_dependent.py.
func.func @non_zero_static_count(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.non_zero' op result #0 has type tensor<2x6xi64>, but the operands imply tensor<2x?xi64>}}
  %0 = "tg.non_zero"(%x) : (tensor<2x3xf32>) -> tensor<2x6xi64>
  return
}

// -----

func.func @compress_scalar(%x: tensor<f32>, %c: tensor<1xi1>) {
  // expected-error@+1 {{'tg.compress' op operand #0 must have rank >= 1 (the importer flattens a 0-d input)}}
  %0 = "tg.compress"(%x, %c) {axis = 0 : i64} : (tensor<f32>, tensor<1xi1>) -> tensor<?xf32>
  return
}

// -----

func.func @compress_condition_2d(%x: tensor<4xf32>, %c: tensor<2x2xi1>) {
  // expected-error@+1 {{'tg.compress' op operand #1 must have rank 1, got 2}}
  %0 = "tg.compress"(%x, %c) {axis = 0 : i64} : (tensor<4xf32>, tensor<2x2xi1>) -> tensor<?xf32>
  return
}

// -----

func.func @compress_condition_not_bool(%x: tensor<4xf32>, %c: tensor<4xi8>) {
  // expected-error@+1 {{'tg.compress' op operand #1 has element type i8, expected one of i1}}
  %0 = "tg.compress"(%x, %c) {axis = 0 : i64} : (tensor<4xf32>, tensor<4xi8>) -> tensor<?xf32>
  return
}

// -----

func.func @compress_negative_axis(%x: tensor<4x2xf32>, %c: tensor<2xi1>) {
  // expected-error@+1 {{'tg.compress' op attribute 'axis' is -1, outside [0, 2)}}
  %0 = "tg.compress"(%x, %c) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<2xi1>) -> tensor<4x?xf32>
  return
}

// -----

func.func @unique_scalar(%x: tensor<f32>) {
  // expected-error@+1 {{'tg.unique' op operand #0 must have rank >= 1 (the importer flattens a 0-d input)}}
  %y, %i, %v, %c = "tg.unique"(%x) {axis = 0 : i64, sorted = 1 : i64} : (tensor<f32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<1xi64>, tensor<?xi64>)
  return
}

// -----

func.func @unique_axis_out_of_range(%x: tensor<4xf32>) {
  // expected-error@+1 {{'tg.unique' op attribute 'axis' is 1, outside [0, 1)}}
  %y, %i, %v, %c = "tg.unique"(%x) {axis = 1 : i64, sorted = 1 : i64} : (tensor<4xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return
}

// -----

func.func @unique_sorted_not_flag(%x: tensor<4xf32>) {
  // expected-error@+1 {{'tg.unique' op attribute 'sorted' must be 0 or 1, got 2}}
  %y, %i, %v, %c = "tg.unique"(%x) {axis = 0 : i64, sorted = 2 : i64} : (tensor<4xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return
}

// -----

func.func @unique_inverse_size(%x: tensor<4xf32>) {
  // expected-error@+1 {{'tg.unique' op result #2 has type tensor<3xi64>, but the operands imply tensor<4xi64>}}
  %y, %i, %v, %c = "tg.unique"(%x) {axis = 0 : i64, sorted = 1 : i64} : (tensor<4xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>)
  return
}

// RUN: mlir-opt --irdl-file=%tg_irdl --split-input-file --verify-diagnostics %s

// The IRDL file alone, loaded into upstream mlir-opt, enforces the structure of
// tg ops: operand counts, tensor operands/results, required attributes and
// their kinds. Element types, ranks and shapes are polytile's semantic checks
// (invalid.mlir) and pass here unchecked.

func.func @missing_attribute(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'tg.transpose' op attribute "perm" is expected but not provided}}
  %0 = "tg.transpose"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @wrong_operand_count(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{op expects exactly 2 operands, but got 1}}
  %0 = "tg.add"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @too_many_optional_operands(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error@+1 {{op expects at most 3 operands, but got 4}}
  %0 = "tg.conv"(%x, %w, %b, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x3x3xf32>
  return
}

// -----

func.func @non_tensor_operand(%x: memref<2x3xf32>) {
  // expected-error@+1 {{expected base type 'builtin.tensor' but got 'builtin.memref'}}
  %0 = "tg.relu"(%x) : (memref<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @non_tensor_result(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{expected base type 'builtin.tensor' but got 'builtin.vector'}}
  %0 = "tg.relu"(%x) : (tensor<2x3xf32>) -> vector<2x3xf32>
  return
}

// -----

func.func @wrong_attribute_kind(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.array'}}
  %0 = "tg.reshape"(%x) {shape = [3, 2]} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @unknown_op(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{unregistered operation 'tg.no_such_op' found in dialect ('tg') that does not allow unknown operations}}
  %0 = "tg.no_such_op"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

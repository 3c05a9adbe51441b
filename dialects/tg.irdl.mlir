// The tg (tensor graph) dialect: one op per ONNX operator, on builtin ranked
// tensors. This file is the single source of truth for the dialect's ops: it is
// loaded into polytile's context and by upstream `mlir-opt --irdl-file=`.
// IRDL cannot express element types, ranks or shape rules; those are checked by
// the semantic verifiers in dialects/tg.py. Every attribute listed is required:
// the importer materializes ONNX defaults. Operand/result names are the
// snake_case of the ONNX input/output names.

irdl.dialect @tg {
  // ==== section: core (the ResNet/MLP set; see each family below) ====
  // Constant tensor. `value` is a dense or dense_resource elements attribute of the result type.
  irdl.operation @constant {
    %output_t = irdl.base "!builtin.tensor"
    %attr_value = irdl.any
    irdl.results(output: %output_t)
    irdl.attributes {"value" = %attr_value}
  }

  // ONNX Conv (N-d, grouped, dilated). auto_pad is resolved into explicit `pads` by the importer.
  irdl.operation @conv {
    %x = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_dilations = irdl.base "#builtin.dense_array"
    %attr_group = irdl.base "#builtin.integer"
    %attr_kernel_shape = irdl.base "#builtin.dense_array"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x, w: %w, b: optional %b)
    irdl.results(y: %y_t)
    irdl.attributes {"dilations" = %attr_dilations, "group" = %attr_group, "kernel_shape" = %attr_kernel_shape, "pads" = %attr_pads, "strides" = %attr_strides}
  }

  // ONNX MatMul: numpy matmul semantics (1-d promotion, batch broadcasting).
  irdl.operation @matmul {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(y: %y_t)
  }

  // ONNX Gemm: alpha * A' * B' + beta * C, with A'/B' optionally transposed; C broadcasts to the result.
  irdl.operation @gemm {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    %attr_beta = irdl.base "#builtin.float"
    %attr_transA = irdl.base "#builtin.integer"
    %attr_transB = irdl.base "#builtin.integer"
    irdl.operands(a: %a, b: %b, c: optional %c)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha, "beta" = %attr_beta, "transA" = %attr_transA, "transB" = %attr_transB}
  }

  // Element-wise A + B with multidirectional (numpy) broadcasting.
  irdl.operation @add {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise A - B with multidirectional (numpy) broadcasting.
  irdl.operation @sub {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise A * B with multidirectional (numpy) broadcasting.
  irdl.operation @mul {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise A / B with multidirectional (numpy) broadcasting (integer division truncates).
  irdl.operation @div {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise max(x, 0).
  irdl.operation @relu {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // ONNX MaxPool (N-d); the optional Indices output is not modelled yet.
  irdl.operation @max_pool {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_ceil_mode = irdl.base "#builtin.integer"
    %attr_dilations = irdl.base "#builtin.dense_array"
    %attr_kernel_shape = irdl.base "#builtin.dense_array"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_storage_order = irdl.base "#builtin.integer"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"ceil_mode" = %attr_ceil_mode, "dilations" = %attr_dilations, "kernel_shape" = %attr_kernel_shape, "pads" = %attr_pads, "storage_order" = %attr_storage_order, "strides" = %attr_strides}
  }

  // Average over all spatial dims, keeping them as size 1.
  irdl.operation @global_average_pool {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // ONNX BatchNormalization in inference mode (running statistics only).
  irdl.operation @batch_normalization {
    %x = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %input_mean = irdl.base "!builtin.tensor"
    %input_var = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_epsilon = irdl.base "#builtin.float"
    irdl.operands(x: %x, scale: %scale, b: %b, input_mean: %input_mean, input_var: %input_var)
    irdl.results(y: %y_t)
    irdl.attributes {"epsilon" = %attr_epsilon}
  }

  // Reshape to the static `shape` (the importer resolves ONNX's 0 and -1 entries).
  irdl.operation @reshape {
    %data = irdl.base "!builtin.tensor"
    %reshaped_t = irdl.base "!builtin.tensor"
    %attr_shape = irdl.base "#builtin.dense_array"
    irdl.operands(data: %data)
    irdl.results(reshaped: %reshaped_t)
    irdl.attributes {"shape" = %attr_shape}
  }

  // Flatten to 2-d: dims before `axis` form the first dim, the rest the second.
  irdl.operation @flatten {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"axis" = %attr_axis}
  }

  // Permute the dims of `data` by `perm`.
  irdl.operation @transpose {
    %data = irdl.base "!builtin.tensor"
    %transposed_t = irdl.base "!builtin.tensor"
    %attr_perm = irdl.base "#builtin.dense_array"
    irdl.operands(data: %data)
    irdl.results(transposed: %transposed_t)
    irdl.attributes {"perm" = %attr_perm}
  }

  // ==== section: unary ====
  // ==== end of section: unary ====

  // ==== section: elementwise ====
  // ==== end of section: elementwise ====

  // ==== section: reduction ====
  // ==== end of section: reduction ====

  // ==== section: shape ====
  // ==== end of section: shape ====

  // ==== section: nn ====
  // ==== end of section: nn ====

  // ==== section: graph ====
  // ==== end of section: graph ====
}

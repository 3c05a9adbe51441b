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

  // ONNX Reshape to a target known only at run time: `shape` (1-d i64 of static
  // length, the result's rank) holds ONNX's entries: 0 copies the input dim (unless
  // `allowzero`), -1 is inferred. Every result dim is `?`. A target whose element
  // count differs from the input's, which ONNX forbids, gives an empty result (never
  // an out-of-bounds view); the compiled model refuses it at the door when both
  // are graph inputs.
  irdl.operation @reshape_dynamic {
    %data = irdl.base "!builtin.tensor"
    %shape = irdl.base "!builtin.tensor"
    %reshaped_t = irdl.base "!builtin.tensor"
    %attr_allowzero = irdl.base "#builtin.integer"
    irdl.operands(data: %data, shape: %shape)
    irdl.results(reshaped: %reshaped_t)
    irdl.attributes {"allowzero" = %attr_allowzero}
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
  // Element-wise |x| for float and integer tensors (identity on unsigned).
  irdl.operation @abs {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise -x for float and signed integer tensors (integers wrap).
  irdl.operation @neg {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise e^x (float; f16/bf16 computed in f32).
  irdl.operation @exp {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise natural logarithm (float; log(0) = -inf, log(x<0) = nan).
  irdl.operation @log {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise square root (float; sqrt(x<0) = nan).
  irdl.operation @sqrt {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise 1/x (float).
  irdl.operation @reciprocal {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise floor (float).
  irdl.operation @floor {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise ceiling (float).
  irdl.operation @ceil {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise rounding to the nearest integer, halves to even (float).
  irdl.operation @round {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise sign: -1, 0 or 1 (float and integer; nan stays nan).
  irdl.operation @sign {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise sine (float).
  irdl.operation @sin {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise cosine (float).
  irdl.operation @cos {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise tangent (float).
  irdl.operation @tan {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise arcsine (float).
  irdl.operation @asin {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise arccosine (float).
  irdl.operation @acos {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise arctangent (float).
  irdl.operation @atan {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise hyperbolic sine (float).
  irdl.operation @sinh {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise hyperbolic cosine (float).
  irdl.operation @cosh {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise inverse hyperbolic sine (float).
  irdl.operation @asinh {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise inverse hyperbolic cosine (float).
  irdl.operation @acosh {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise inverse hyperbolic tangent (float).
  irdl.operation @atanh {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise Gauss error function (float).
  irdl.operation @erf {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise logistic 1 / (1 + e^-x) (float).
  irdl.operation @sigmoid {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise hyperbolic tangent (float).
  irdl.operation @tanh {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise log(1 + e^x), computed overflow-free (float).
  irdl.operation @softplus {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise x / (1 + |x|) (float).
  irdl.operation @softsign {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // Element-wise x != x: an i1 (bool) tensor of the input's shape (float input).
  irdl.operation @is_nan {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise test for +inf (when detect_positive = 1) and/or -inf (when detect_negative = 1): an i1 tensor (float input).
  irdl.operation @is_inf {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_detect_negative = irdl.base "#builtin.integer"
    %attr_detect_positive = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"detect_negative" = %attr_detect_negative, "detect_positive" = %attr_detect_positive}
  }

  // Element-wise logical not of an i1 (bool) tensor.
  irdl.operation @not {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise bitwise complement of an integer tensor.
  irdl.operation @bitwise_not {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise x if x >= 0 else alpha * (e^x - 1) (float).
  irdl.operation @elu {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha}
  }

  // Element-wise gamma * x if x > 0 else gamma * alpha * (e^x - 1) (float).
  irdl.operation @selu {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    %attr_gamma = irdl.base "#builtin.float"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha, "gamma" = %attr_gamma}
  }

  // Element-wise max(0, x) + min(0, alpha * (e^(x/alpha) - 1)) (float).
  irdl.operation @celu {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha}
  }

  // Element-wise x if x >= 0 else alpha * x (float).
  irdl.operation @leaky_relu {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha}
  }

  // Element-wise max(0, min(1, alpha * x + beta)) (float).
  irdl.operation @hard_sigmoid {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    %attr_beta = irdl.base "#builtin.float"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha, "beta" = %attr_beta}
  }

  // Element-wise x * max(0, min(1, x / 6 + 1/2)) (float).
  irdl.operation @hard_swish {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise x if x > alpha else 0 (float).
  irdl.operation @thresholded_relu {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha}
  }

  // Element-wise x - bias if x > lambd, x + bias if x < -lambd, else 0 (float and integer; integer results truncate toward zero).
  irdl.operation @shrink {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_bias = irdl.base "#builtin.float"
    %attr_lambd = irdl.base "#builtin.float"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"bias" = %attr_bias, "lambd" = %attr_lambd}
  }

  // Element-wise GELU; approximate = "none" (erf form) or "tanh" (float).
  irdl.operation @gelu {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_approximate = irdl.base "#builtin.string"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"approximate" = %attr_approximate}
  }

  // Element-wise x * tanh(softplus(x)) (float).
  irdl.operation @mish {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // Element-wise x * sigmoid(alpha * x) (float). ONNX has it from opset 24 only.
  irdl.operation @swish {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha}
  }

  // Element-wise min(max(input, min), max); min and max are one-element tensors of the input's element type (the importer materializes absent bounds as -inf/+inf for floats, the integer type's range ends otherwise). Integer and float types.
  irdl.operation @clip {
    %input = irdl.base "!builtin.tensor"
    %min = irdl.base "!builtin.tensor"
    %max = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input, min: %min, max: %max)
    irdl.results(output: %output_t)
  }

  // Element-wise x if x >= 0 else slope * x, the slope broadcast unidirectionally to x (float and integer).
  irdl.operation @prelu {
    %x = irdl.base "!builtin.tensor"
    %slope = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x, slope: %slope)
    irdl.results(y: %y_t)
  }
  // ==== end of section: unary ====

  // ==== section: elementwise ====
  // Element-wise X ** Y with multidirectional broadcasting; the result has X's type.
  // X: f16/f32/f64/i32/i64, Y: any numeric type (it need not match X). Integer
  // bases are computed in f64 and truncated toward zero (as onnxruntime does),
  // f16 in f32. Not supported yet: bf16 (not importable).
  irdl.operation @pow {
    %x = irdl.base "!builtin.tensor"
    %y = irdl.base "!builtin.tensor"
    %z_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x, y: %y)
    irdl.results(z: %z_t)
  }

  // Element-wise remainder A mod B with multidirectional broadcasting. fmod = 0:
  // A - floor(A / B) * B, the sign of the divisor (Python %; for floats as ONNX
  // opset 28 defines it, a zero result taking B's sign); fmod = 1: C fmod (the
  // sign of the dividend). A zero integer divisor gives 0 (as numpy) instead of trapping.
  irdl.operation @mod {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    %attr_fmod = irdl.base "#builtin.integer"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
    irdl.attributes {"fmod" = %attr_fmod}
  }

  // Element-wise X << Y (direction "LEFT") or X >> Y (direction "RIGHT") on
  // integers, with multidirectional broadcasting: logical on unsigned integers,
  // arithmetic (sign-extending) right shifts on signed ones (ONNX opset 28). A
  // negative amount or one >= the bit width gives what the sign extension alone
  // gives: -1 for a right shift of a negative X, else 0.
  irdl.operation @bit_shift {
    %x = irdl.base "!builtin.tensor"
    %y = irdl.base "!builtin.tensor"
    %z_t = irdl.base "!builtin.tensor"
    %attr_direction = irdl.base "#builtin.string"
    irdl.operands(x: %x, y: %y)
    irdl.results(z: %z_t)
    irdl.attributes {"direction" = %attr_direction}
  }

  // Element-wise bitwise A & B on integers (signed or unsigned), with multidirectional broadcasting.
  irdl.operation @bitwise_and {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise bitwise A | B on integers (signed or unsigned), with multidirectional broadcasting.
  irdl.operation @bitwise_or {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise bitwise A ^ B on integers (signed or unsigned), with multidirectional broadcasting.
  irdl.operation @bitwise_xor {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise logical and of two bool (i1) tensors, with multidirectional broadcasting.
  irdl.operation @and {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise logical or of two bool (i1) tensors, with multidirectional broadcasting.
  irdl.operation @or {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise logical xor of two bool (i1) tensors, with multidirectional broadcasting.
  irdl.operation @xor {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise A == B with multidirectional broadcasting; the result is bool (i1).
  // Operands: numeric and bool tensors of one element type (floats compare ordered: NaN gives false).
  // Strings are not supported.
  irdl.operation @equal {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise A > B with multidirectional broadcasting; the result is bool (i1).
  // Operands: numeric tensors of one element type (floats compare ordered: NaN gives false).
  // Strings are not supported.
  irdl.operation @greater {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise A < B with multidirectional broadcasting; the result is bool (i1).
  // Operands: numeric tensors of one element type (floats compare ordered: NaN gives false).
  // Strings are not supported.
  irdl.operation @less {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise A >= B with multidirectional broadcasting; the result is bool (i1).
  // Operands: numeric tensors of one element type (floats compare ordered: NaN gives false).
  // Strings are not supported.
  irdl.operation @greater_or_equal {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise A <= B with multidirectional broadcasting; the result is bool (i1).
  // Operands: numeric tensors of one element type (floats compare ordered: NaN gives false).
  // Strings are not supported.
  irdl.operation @less_or_equal {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise max(A, B) with multidirectional broadcasting (floats propagate NaN).
  // ONNX's variadic op (1..N inputs) is imported as a chain of binary ops: IRDL forces all
  // operands of a variadic group to have the same type, so a variadic tg op could not
  // broadcast its inputs against each other. Sum and Mean use the same scheme with
  // tg.add (Mean then divides by N with tg.div); they need no op of their own.
  irdl.operation @max {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise min(A, B) with multidirectional broadcasting (floats propagate NaN).
  // Variadic ONNX Min is a chain of binary tg.min (see tg.max).
  irdl.operation @min {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %c_t = irdl.base "!builtin.tensor"
    irdl.operands(a: %a, b: %b)
    irdl.results(c: %c_t)
  }

  // Element-wise select: condition ? X : Y, the three operands broadcast together
  // (multidirectional). condition is bool (i1); X and Y share any element type.
  irdl.operation @where {
    %condition = irdl.base "!builtin.tensor"
    %x = irdl.base "!builtin.tensor"
    %y = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(condition: %condition, x: %x, y: %y)
    irdl.results(output: %output_t)
  }

  // Element-wise conversion to the element type `to` (ONNX Cast; CastLike is
  // imported as this op too) following numpy: float -> int truncates toward
  // zero, -> bool is != 0 (NaN gives true), bool -> x is 0/1, integer widening
  // sign- or zero-extends by the source's signedness, narrowing wraps. Between
  // f16/bf16/f32/f64, i8..i64, ui8..ui64, i1, the float8 types (f8E4M3FN,
  // f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ; f8E8M0FNU as a source only), f4E2M1FN and
  // i4/ui4/i2/ui2: to a float8/float4 rounds to nearest even without
  // saturation (ONNX saturate=0; the importer clamps first for saturate=1);
  // float -> i4/i2 truncates, 0 when out of range (as ml_dtypes). Not
  // supported: strings, complex, float6, casts to f8E8M0FNU; out-of-range
  // float -> int (8 bits and more) is undefined.
  irdl.operation @cast {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_to = irdl.base "#builtin.type"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"to" = %attr_to}
  }

  // ==== end of section: elementwise ====

  // ==== section: reduction ====
  // Every Reduce* op takes its axes either as the `axes` attribute or, when they are
  // only known at run time, as the optional `axes_input` operand (1-d i64, static
  // length >= 1, entries in [-rank, rank), distinct; `axes` is then empty). With
  // `axes_input` every result dim that is not 1 in the input is `?`.
  // ONNX ReduceSum: sum.
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types (f16 in f32).
  irdl.operation @reduce_sum {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceMean: arithmetic mean (integer means truncate toward zero).
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types (f16 in f32).
  irdl.operation @reduce_mean {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceMax: maximum (NaN propagates; bool: logical or).
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types and i1 (f16 in f32).
  irdl.operation @reduce_max {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceMin: minimum (NaN propagates; bool: logical and).
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types and i1 (f16 in f32).
  irdl.operation @reduce_min {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceProd: product.
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types (f16 in f32).
  irdl.operation @reduce_prod {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceL1: sum of absolute values.
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types (f16 in f32).
  irdl.operation @reduce_l1 {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceL2: sqrt of the sum of squares (integers: computed in f64, truncated).
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types (f16 in f32).
  irdl.operation @reduce_l2 {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceLogSum: log of the sum (integers: log in f64, truncated).
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types (f16 in f32).
  irdl.operation @reduce_log_sum {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceLogSumExp: log(sum(exp(x))), shifted by the max (integers: as onnxruntime).
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types (f16 in f32).
  irdl.operation @reduce_log_sum_exp {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ReduceSumSquare: sum of squares.
  // Reduces the dims in `axes` (sorted, non-negative; empty: each element alone, as
  // ONNX's noop_with_empty_axes); the importer turns ONNX's absent axes into all
  // dims. `keepdims` keeps reduced dims as 1. Element types: numeric types (f16 in f32).
  irdl.operation @reduce_sum_square {
    %data = irdl.base "!builtin.tensor"
    %axes_input = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_keepdims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, axes_input: optional %axes_input)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axes" = %attr_axes, "keepdims" = %attr_keepdims}
  }

  // ONNX ArgMax: int64 index of the largest element along `axis` (non-negative);
  // ties go to the first index, or the last with select_last_index = 1.
  // Numeric element types. Not yet: NaN-aware ordering.
  irdl.operation @arg_max {
    %data = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_keepdims = irdl.base "#builtin.integer"
    %attr_select_last_index = irdl.base "#builtin.integer"
    irdl.operands(data: %data)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axis" = %attr_axis, "keepdims" = %attr_keepdims, "select_last_index" = %attr_select_last_index}
  }

  // ONNX ArgMin: int64 index of the smallest element along `axis` (non-negative);
  // ties go to the first index, or the last with select_last_index = 1.
  // Numeric element types. Not yet: NaN-aware ordering.
  irdl.operation @arg_min {
    %data = irdl.base "!builtin.tensor"
    %reduced_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_keepdims = irdl.base "#builtin.integer"
    %attr_select_last_index = irdl.base "#builtin.integer"
    irdl.operands(data: %data)
    irdl.results(reduced: %reduced_t)
    irdl.attributes {"axis" = %attr_axis, "keepdims" = %attr_keepdims, "select_last_index" = %attr_select_last_index}
  }

  // ONNX Softmax: exp(x - max) / sum(exp(x - max)), normalized jointly over the dims in `axes`
  // (opset >= 13: the one `axis`; opset < 13: every dim from `axis` on, the
  // coerce-to-2-D semantics). Float types (f16 computed in f32).
  irdl.operation @softmax {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"axes" = %attr_axes}
  }

  // ONNX LogSoftmax: x - max - log(sum(exp(x - max))), normalized jointly over the dims in `axes`
  // (opset >= 13: the one `axis`; opset < 13: every dim from `axis` on, the
  // coerce-to-2-D semantics). Float types (f16 computed in f32).
  irdl.operation @log_softmax {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"axes" = %attr_axes}
  }

  // ONNX Hardmax: 1 at the first maximum, 0 elsewhere, normalized jointly over the dims in `axes`
  // (opset >= 13: the one `axis`; opset < 13: every dim from `axis` on, the
  // coerce-to-2-D semantics). Float types; ties go to the first index (row-major).
  irdl.operation @hardmax {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"axes" = %attr_axes}
  }

  // ONNX LayerNormalization: normalize over the dims from `axis` (non-negative) on,
  // then scale (and add b), both broadcast to those dims. Mean and InvStdDev keep
  // the leading dims and have ones after; they have the element type of stash_type
  // (1: f32, 10: f16, 11: f64); the statistics are computed in that type. Float types.
  irdl.operation @layer_normalization {
    %x = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %mean_t = irdl.base "!builtin.tensor"
    %inv_std_dev_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_epsilon = irdl.base "#builtin.float"
    %attr_stash_type = irdl.base "#builtin.integer"
    irdl.operands(x: %x, scale: %scale, b: optional %b)
    irdl.results(y: %y_t, mean: %mean_t, inv_std_dev: %inv_std_dev_t)
    irdl.attributes {"axis" = %attr_axis, "epsilon" = %attr_epsilon, "stash_type" = %attr_stash_type}
  }

  // ONNX RMSNormalization (opset 23): x / sqrt(mean(x^2) + epsilon) * scale over the
  // dims from `axis` (non-negative) on; computed in the stash_type (1: f32, 10: f16,
  // 11: f64). Float types.
  irdl.operation @rms_normalization {
    %x = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_epsilon = irdl.base "#builtin.float"
    %attr_stash_type = irdl.base "#builtin.integer"
    irdl.operands(x: %x, scale: %scale)
    irdl.results(y: %y_t)
    irdl.attributes {"axis" = %attr_axis, "epsilon" = %attr_epsilon, "stash_type" = %attr_stash_type}
  }

  // ONNX InstanceNormalization: per (n, c) normalization over the spatial dims, then
  // per-channel scale and b. Float types (f16 computed in f32); rank >= 3.
  irdl.operation @instance_normalization {
    %input = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_epsilon = irdl.base "#builtin.float"
    irdl.operands(input: %input, scale: %scale, b: %b)
    irdl.results(output: %output_t)
    irdl.attributes {"epsilon" = %attr_epsilon}
  }

  // ONNX GroupNormalization: per (n, group) normalization over the group's channels
  // and the spatial dims; scale and bias have C entries (opset 21) or num_groups
  // entries (opset 18, one per group). Statistics in stash_type (1: f32, 10: f16,
  // 11: f64). Float types; rank >= 3.
  irdl.operation @group_normalization {
    %x = irdl.base "!builtin.tensor"
    %scale = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_epsilon = irdl.base "#builtin.float"
    %attr_num_groups = irdl.base "#builtin.integer"
    %attr_stash_type = irdl.base "#builtin.integer"
    irdl.operands(x: %x, scale: %scale, bias: %bias)
    irdl.results(y: %y_t)
    irdl.attributes {"epsilon" = %attr_epsilon, "num_groups" = %attr_num_groups, "stash_type" = %attr_stash_type}
  }

  // ONNX LpNormalization: x / (sum |x|^p)^(1/p) along `axis` (non-negative), p = 1 or 2;
  // a zero norm gives 0. Float types (f16 computed in f32).
  irdl.operation @lp_normalization {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_p = irdl.base "#builtin.integer"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"axis" = %attr_axis, "p" = %attr_p}
  }

  // ONNX MeanVarianceNormalization: (x - mean) / (sqrt(var) + 1e-9) over the dims in
  // `axes` (sorted, non-negative). Float types (f16 computed in f32).
  irdl.operation @mean_variance_normalization {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"axes" = %attr_axes}
  }

  // ONNX LRN: x / (bias + alpha / size * sum of squares over a window of `size`
  // channels)^beta, on N x C x ... inputs. Float types (f16 computed in f32).
  irdl.operation @lrn {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_alpha = irdl.base "#builtin.float"
    %attr_beta = irdl.base "#builtin.float"
    %attr_bias = irdl.base "#builtin.float"
    %attr_size = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"alpha" = %attr_alpha, "beta" = %attr_beta, "bias" = %attr_bias, "size" = %attr_size}
  }

  // ONNX CumSum: running sums along `axis` (non-negative), optionally exclusive
  // and/or reversed. Numeric types. A run-time axis is the optional `axis_input`
  // (one i32/i64 element in [-rank, rank); `axis` is then 0 and ignored).
  // Lowered as an O(n^2) masked reduction along the axis (no scan op yet).
  irdl.operation @cum_sum {
    %x = irdl.base "!builtin.tensor"
    %axis_input = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_exclusive = irdl.base "#builtin.integer"
    %attr_reverse = irdl.base "#builtin.integer"
    irdl.operands(x: %x, axis_input: optional %axis_input)
    irdl.results(y: %y_t)
    irdl.attributes {"axis" = %attr_axis, "exclusive" = %attr_exclusive, "reverse" = %attr_reverse}
  }

  // ONNX CumProd: running products along `axis` (non-negative), optionally exclusive
  // and/or reversed. Numeric types. A run-time axis is the optional `axis_input`
  // (one i32/i64 element in [-rank, rank); `axis` is then 0 and ignored).
  // Lowered as an O(n^2) masked reduction along the axis (no scan op yet).
  irdl.operation @cum_prod {
    %x = irdl.base "!builtin.tensor"
    %axis_input = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_exclusive = irdl.base "#builtin.integer"
    %attr_reverse = irdl.base "#builtin.integer"
    irdl.operands(x: %x, axis_input: optional %axis_input)
    irdl.results(y: %y_t)
    irdl.attributes {"axis" = %attr_axis, "exclusive" = %attr_exclusive, "reverse" = %attr_reverse}
  }

  // ONNX TopK: the k largest (or smallest) elements along `axis` (non-negative) and
  // their int64 indices, sorted, ties to the lower index (`sorted` = 0 also returns
  // them sorted, which ONNX allows). k is ONNX's K input: the `k` attribute when it
  // is a compile-time constant, else the optional `k_input` (one i64 element; `k` is
  // then 0 and ignored, the results' `axis` dim is `?`, and k is clamped to [0, dim]).
  // Numeric types. Lowered by ranking (O(n^2) along the axis); not yet NaN-aware.
  irdl.operation @top_k {
    %x = irdl.base "!builtin.tensor"
    %k_input = irdl.base "!builtin.tensor"
    %values_t = irdl.base "!builtin.tensor"
    %indices_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_k = irdl.base "#builtin.integer"
    %attr_largest = irdl.base "#builtin.integer"
    %attr_sorted = irdl.base "#builtin.integer"
    irdl.operands(x: %x, k_input: optional %k_input)
    irdl.results(values: %values_t, indices: %indices_t)
    irdl.attributes {"axis" = %attr_axis, "k" = %attr_k, "largest" = %attr_largest, "sorted" = %attr_sorted}
  }
  // ==== end of section: reduction ====

  // ==== section: shape ====
  // Concatenate `a` and `b` along `axis` (negative counts from the end); they
  // share the element type and every dim but `axis`. ONNX Concat of N inputs
  // is imported as a chain of binary concats: IRDL forces all operands of a
  // variadic group to have the same type. (ONNX Split is imported as tg.slice
  // ops for the same reason.)
  irdl.operation @concat {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %concat_result_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    irdl.operands(a: %a, b: %b)
    irdl.results(concat_result: %concat_result_t)
    irdl.attributes {"axis" = %attr_axis}
  }

  // ONNX Slice with static `starts`/`ends`/`axes`/`steps` (one entry per sliced
  // axis): negative indices count from the end, out-of-range values clamp,
  // negative steps walk backwards; results may be empty.
  // Run-time form: the variadic `bounds` holds the bounds known only at run time,
  // in the order starts, ends, axes, steps: each is there exactly when its
  // attribute is empty (the others are compile-time lists; `axes` normalized).
  // They are 1-d i32/i64 tensors of one type (IRDL forces one type on a variadic
  // group) whose length, static or `?`, is the entry count; a compile-time list
  // gives entry j's value (with a `?` count the importer lists the defaults for
  // every dim, and entries past the shortest list are ignored). Every dim an
  // entry may slice is `?` in the result (but a dim of size 0). Bad run-time
  // values never read out of bounds: starts/ends clamp as ONNX says, a step of 0
  // is taken as 1, an axis out of [-rank, rank) slices nothing and a later entry
  // for the same axis wins.
  irdl.operation @slice {
    %data = irdl.base "!builtin.tensor"
    %bounds = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_ends = irdl.base "#builtin.dense_array"
    %attr_starts = irdl.base "#builtin.dense_array"
    %attr_steps = irdl.base "#builtin.dense_array"
    irdl.operands(data: %data, bounds: variadic %bounds)
    irdl.results(output: %output_t)
    irdl.attributes {"axes" = %attr_axes, "ends" = %attr_ends, "starts" = %attr_starts, "steps" = %attr_steps}
  }

  // ONNX Gather: pick slices of `data` along `axis` at the runtime (i32/i64)
  // `indices`; negative indices count from the end. Out-of-range indices are
  // undefined behaviour (not checked at runtime).
  irdl.operation @gather {
    %data = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    irdl.operands(data: %data, indices: %indices)
    irdl.results(output: %output_t)
    irdl.attributes {"axis" = %attr_axis}
  }

  // ONNX GatherElements: output[i..] = data[i.. with dim `axis` replaced by
  // indices[i..]]; negative indices count from the end. No runtime bounds check.
  irdl.operation @gather_elements {
    %data = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    irdl.operands(data: %data, indices: %indices)
    irdl.results(output: %output_t)
    irdl.attributes {"axis" = %attr_axis}
  }

  // ONNX GatherND with `batch_dims`: the last dim of `indices` indexes the
  // leading (non-batch) dims of `data`; negative indices count from the end.
  // No runtime bounds check.
  irdl.operation @gather_nd {
    %data = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_batch_dims = irdl.base "#builtin.integer"
    irdl.operands(data: %data, indices: %indices)
    irdl.results(output: %output_t)
    irdl.attributes {"batch_dims" = %attr_batch_dims}
  }

  // ONNX ScatterElements (and the deprecated Scatter): a copy of `data` where
  // the element at `indices[i..]` along `axis` receives `updates[i..]`,
  // combined by `reduction` (none, add, mul, max, min). Updates apply in
  // row-major order, so with `none` the last duplicate wins. No bounds check.
  irdl.operation @scatter_elements {
    %data = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %updates = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_reduction = irdl.base "#builtin.string"
    irdl.operands(data: %data, indices: %indices, updates: %updates)
    irdl.results(output: %output_t)
    irdl.attributes {"axis" = %attr_axis, "reduction" = %attr_reduction}
  }

  // ONNX ScatterND: a copy of `data` where the slice addressed by each row of
  // `indices` receives the matching slice of `updates`, combined by `reduction`
  // (none, add, mul, max, min), in row-major order. No bounds check.
  irdl.operation @scatter_nd {
    %data = irdl.base "!builtin.tensor"
    %indices = irdl.base "!builtin.tensor"
    %updates = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_reduction = irdl.base "#builtin.string"
    irdl.operands(data: %data, indices: %indices, updates: %updates)
    irdl.results(output: %output_t)
    irdl.attributes {"reduction" = %attr_reduction}
  }

  // ONNX Expand: broadcast `input` and the static `shape` against each other
  // (numpy rules, in both directions). A shape known only at run time is the
  // optional `shape_input` (1-d i64 of static length; `shape` is then empty): a
  // result dim is the input's where that is static and not 1, else `?`. A run-time
  // entry that does not broadcast (neither 1 nor the input dim) keeps the input dim
  // (nothing is read out of bounds); negative entries count as 0.
  irdl.operation @expand {
    %input = irdl.base "!builtin.tensor"
    %shape_input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_shape = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input, shape_input: optional %shape_input)
    irdl.results(output: %output_t)
    irdl.attributes {"shape" = %attr_shape}
  }

  // ONNX Tile: repeat `input` `repeats[i]` times along dim i (static, >= 0).
  // Repeats known only at run time are the optional `repeats_input` (1-d i64,
  // one entry per dim; `repeats` is then empty): every result dim that is not 0
  // is `?`; negative run-time repeats count as 0.
  irdl.operation @tile {
    %input = irdl.base "!builtin.tensor"
    %repeats_input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_repeats = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input, repeats_input: optional %repeats_input)
    irdl.results(output: %output_t)
    irdl.attributes {"repeats" = %attr_repeats}
  }

  // ONNX Pad with static `pads` (begin values of every dim, then end values;
  // negative values crop) and `mode` constant, reflect, edge or wrap. The
  // optional `constant_value` (one element, may be a runtime value) is the fill
  // of constant mode, zero when absent.
  irdl.operation @pad {
    %data = irdl.base "!builtin.tensor"
    %constant_value = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_mode = irdl.base "#builtin.string"
    %attr_pads = irdl.base "#builtin.dense_array"
    irdl.operands(data: %data, constant_value: optional %constant_value)
    irdl.results(output: %output_t)
    irdl.attributes {"mode" = %attr_mode, "pads" = %attr_pads}
  }

  // ONNX Trilu: keep the upper (`upper` = 1) or lower triangle of the last two
  // dims relative to diagonal `k`, zero elsewhere. A k known only at run time is
  // the optional `k_input` (one i64 element; `k` is then 0 and ignored).
  irdl.operation @trilu {
    %input = irdl.base "!builtin.tensor"
    %k_input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_k = irdl.base "#builtin.integer"
    %attr_upper = irdl.base "#builtin.integer"
    irdl.operands(input: %input, k_input: optional %k_input)
    irdl.results(output: %output_t)
    irdl.attributes {"k" = %attr_k, "upper" = %attr_upper}
  }

  // ONNX OneHot with a static `depth`: a new dim at `axis` holding values[1]
  // where it equals the (runtime) index and values[0] elsewhere. Negative
  // indices count from `depth`; out-of-range indices give an all-off row.
  irdl.operation @one_hot {
    %indices = irdl.base "!builtin.tensor"
    %values = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_depth = irdl.base "#builtin.integer"
    irdl.operands(indices: %indices, values: %values)
    irdl.results(output: %output_t)
    irdl.attributes {"axis" = %attr_axis, "depth" = %attr_depth}
  }
  // ==== end of section: shape ====

  // ==== section: nn ====
  // ONNX AveragePool (N-d): mean over each window. auto_pad is resolved into `pads` by the importer;
  // count_include_pad=0 divides by the number of input elements in the window, 1 by the window
  // clipped to the explicitly padded input. Float element types only.
  irdl.operation @average_pool {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_ceil_mode = irdl.base "#builtin.integer"
    %attr_count_include_pad = irdl.base "#builtin.integer"
    %attr_dilations = irdl.base "#builtin.dense_array"
    %attr_kernel_shape = irdl.base "#builtin.dense_array"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"ceil_mode" = %attr_ceil_mode, "count_include_pad" = %attr_count_include_pad, "dilations" = %attr_dilations, "kernel_shape" = %attr_kernel_shape, "pads" = %attr_pads, "strides" = %attr_strides}
  }

  // ONNX LpPool (N-d): (sum over the window of |x|^p)^(1/p), padding counting as zeros.
  // auto_pad is resolved into `pads` by the importer. Float element types only.
  irdl.operation @lp_pool {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_ceil_mode = irdl.base "#builtin.integer"
    %attr_dilations = irdl.base "#builtin.dense_array"
    %attr_kernel_shape = irdl.base "#builtin.dense_array"
    %attr_p = irdl.base "#builtin.integer"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"ceil_mode" = %attr_ceil_mode, "dilations" = %attr_dilations, "kernel_shape" = %attr_kernel_shape, "p" = %attr_p, "pads" = %attr_pads, "strides" = %attr_strides}
  }

  // ONNX GlobalMaxPool: max over all spatial dims, keeping them as size 1. Float element types.
  irdl.operation @global_max_pool {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // ONNX GlobalLpPool: (sum over all spatial dims of |x|^p)^(1/p), keeping them as size 1. Float only.
  irdl.operation @global_lp_pool {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_p = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"p" = %attr_p}
  }

  // ONNX MaxPool with its Indices output (i64): the flat index, over the whole input, of the first
  // maximum of each window (row-major spatial order for storage_order 0, column-major for 1).
  // Attributes as tg.max_pool. Without Indices the importer uses tg.max_pool.
  irdl.operation @max_pool_with_indices {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %indices_t = irdl.base "!builtin.tensor"
    %attr_ceil_mode = irdl.base "#builtin.integer"
    %attr_dilations = irdl.base "#builtin.dense_array"
    %attr_kernel_shape = irdl.base "#builtin.dense_array"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_storage_order = irdl.base "#builtin.integer"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(y: %y_t, indices: %indices_t)
    irdl.attributes {"ceil_mode" = %attr_ceil_mode, "dilations" = %attr_dilations, "kernel_shape" = %attr_kernel_shape, "pads" = %attr_pads, "storage_order" = %attr_storage_order, "strides" = %attr_strides}
  }

  // ONNX ConvTranspose (N-d, grouped, dilated). W is (C_in, C_out/group, k...). The importer resolves
  // auto_pad and output_shape into explicit `pads` and `output_padding`. Float element types only.
  irdl.operation @conv_transpose {
    %x = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_dilations = irdl.base "#builtin.dense_array"
    %attr_group = irdl.base "#builtin.integer"
    %attr_kernel_shape = irdl.base "#builtin.dense_array"
    %attr_output_padding = irdl.base "#builtin.dense_array"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x, w: %w, b: optional %b)
    irdl.results(y: %y_t)
    irdl.attributes {"dilations" = %attr_dilations, "group" = %attr_group, "kernel_shape" = %attr_kernel_shape, "output_padding" = %attr_output_padding, "pads" = %attr_pads, "strides" = %attr_strides}
  }

  // ONNX Einsum of one or two operands: sum of products over the letters absent from the output.
  // `equation` is in the explicit form without ellipsis ("ij,jk->ik"); the importer expands "..."
  // and the implicit form, and imports equations of three or more operands as a chain of two-operand
  // einsums (IRDL forces the operands of a variadic group to share one type).
  irdl.operation @einsum {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_equation = irdl.base "#builtin.string"
    irdl.operands(a: %a, b: optional %b)
    irdl.results(output: %output_t)
    irdl.attributes {"equation" = %attr_equation}
  }

  // ONNX Resize (and Upsample): `sizes` is the output shape, `scales` (array<f64>, checked by the
  // type rule) the per-dim scale used by the coordinate transformation, `roi` (array<f64>, starts
  // then ends) is used by tf_crop_and_resize. The importer resolves axes and
  // keep_aspect_ratio_policy. Modes nearest (all numeric types), linear and cubic (float types
  // only), with antialias for linear and cubic; coordinates follow the ONNX reference (f64).
  // Scales or sizes known only at run time, or an input with `?` dims: tg.resize_dynamic.
  irdl.operation @resize {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_antialias = irdl.base "#builtin.integer"
    %attr_coordinate_transformation_mode = irdl.base "#builtin.string"
    %attr_cubic_coeff_a = irdl.base "#builtin.float"
    %attr_exclude_outside = irdl.base "#builtin.integer"
    %attr_extrapolation_value = irdl.base "#builtin.float"
    %attr_mode = irdl.base "#builtin.string"
    %attr_nearest_mode = irdl.base "#builtin.string"
    %attr_roi = irdl.any
    %attr_scales = irdl.any
    %attr_sizes = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
    irdl.attributes {"antialias" = %attr_antialias, "coordinate_transformation_mode" = %attr_coordinate_transformation_mode, "cubic_coeff_a" = %attr_cubic_coeff_a, "exclude_outside" = %attr_exclude_outside, "extrapolation_value" = %attr_extrapolation_value, "mode" = %attr_mode, "nearest_mode" = %attr_nearest_mode, "roi" = %attr_roi, "scales" = %attr_scales, "sizes" = %attr_sizes}
  }

  // ONNX Resize (and Upsample) whose scales or sizes are known only at run time (tg.resize is the
  // form with compile-time constants: same modes and attributes, same numerics). `factors` is 1-d:
  // the scales when its element type is a float, the output sizes when it is an integer, one value
  // per dim of `axes` (distinct dims of `x`, in the order of the values); the optional 1-d float
  // `roi` holds the starts then the ends of the `axes` dims, read by tf_crop_and_resize only.
  // keep_aspect_ratio_policy (stretch, not_larger, not_smaller) applies to sizes. nearest_mode also
  // takes "simple" (Upsample, Resize-10): floor where the axis' scale is >= 1, ceil where it is < 1.
  // Dims in `axes` are `?` in the result; the others are `x`'s. A separate op rather than optional
  // operands of tg.resize: IRDL needs operandSegmentSizes on every op with two optional operands.
  irdl.operation @resize_dynamic {
    %x = irdl.base "!builtin.tensor"
    %factors = irdl.base "!builtin.tensor"
    %roi = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_antialias = irdl.base "#builtin.integer"
    %attr_axes = irdl.base "#builtin.dense_array"
    %attr_coordinate_transformation_mode = irdl.base "#builtin.string"
    %attr_cubic_coeff_a = irdl.base "#builtin.float"
    %attr_exclude_outside = irdl.base "#builtin.integer"
    %attr_extrapolation_value = irdl.base "#builtin.float"
    %attr_keep_aspect_ratio_policy = irdl.base "#builtin.string"
    %attr_mode = irdl.base "#builtin.string"
    %attr_nearest_mode = irdl.base "#builtin.string"
    irdl.operands(x: %x, factors: %factors, roi: optional %roi)
    irdl.results(y: %y_t)
    irdl.attributes {"antialias" = %attr_antialias, "axes" = %attr_axes, "coordinate_transformation_mode" = %attr_coordinate_transformation_mode, "cubic_coeff_a" = %attr_cubic_coeff_a, "exclude_outside" = %attr_exclude_outside, "extrapolation_value" = %attr_extrapolation_value, "keep_aspect_ratio_policy" = %attr_keep_aspect_ratio_policy, "mode" = %attr_mode, "nearest_mode" = %attr_nearest_mode}
  }

  // ONNX Attention (opset 23) without a KV cache, on 3-d (B, S, heads*size) or 4-d (B, heads, S, size)
  // inputs, with grouped KV heads (GQA). The optional attn_mask (bool or float) broadcasts to
  // (B, q_heads, S_q, S_kv) and is padded along its last dim. All four results are always defined
  // (present_key/value are K/V in 4-d form); the importer materializes scale and softmax_precision.
  // Not supported yet: nonpad_kv_seqlen (opset 24) and the window attributes (opset 25).
  irdl.operation @attention {
    %q = irdl.base "!builtin.tensor"
    %k = irdl.base "!builtin.tensor"
    %v = irdl.base "!builtin.tensor"
    %attn_mask = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %present_key_t = irdl.base "!builtin.tensor"
    %present_value_t = irdl.base "!builtin.tensor"
    %qk_matmul_output_t = irdl.base "!builtin.tensor"
    %attr_is_causal = irdl.base "#builtin.integer"
    %attr_kv_num_heads = irdl.base "#builtin.integer"
    %attr_q_num_heads = irdl.base "#builtin.integer"
    %attr_qk_matmul_output_mode = irdl.base "#builtin.integer"
    %attr_scale = irdl.base "#builtin.float"
    %attr_softcap = irdl.base "#builtin.float"
    %attr_softmax_precision = irdl.base "#builtin.integer"
    irdl.operands(q: %q, k: %k, v: %v, attn_mask: optional %attn_mask)
    irdl.results(y: %y_t, present_key: %present_key_t, present_value: %present_value_t, qk_matmul_output: %qk_matmul_output_t)
    irdl.attributes {"is_causal" = %attr_is_causal, "kv_num_heads" = %attr_kv_num_heads, "q_num_heads" = %attr_q_num_heads, "qk_matmul_output_mode" = %attr_qk_matmul_output_mode, "scale" = %attr_scale, "softcap" = %attr_softcap, "softmax_precision" = %attr_softmax_precision}
  }

  // ONNX Attention (opset 23) with a KV cache: as tg.attention, past_key/past_value (4-d) are
  // concatenated before K/V along the sequence dim, and causal masking is offset by the past length.
  // A separate op because IRDL allows one optional operand group per op.
  irdl.operation @attention_with_past {
    %q = irdl.base "!builtin.tensor"
    %k = irdl.base "!builtin.tensor"
    %v = irdl.base "!builtin.tensor"
    %past_key = irdl.base "!builtin.tensor"
    %past_value = irdl.base "!builtin.tensor"
    %attn_mask = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %present_key_t = irdl.base "!builtin.tensor"
    %present_value_t = irdl.base "!builtin.tensor"
    %qk_matmul_output_t = irdl.base "!builtin.tensor"
    %attr_is_causal = irdl.base "#builtin.integer"
    %attr_kv_num_heads = irdl.base "#builtin.integer"
    %attr_q_num_heads = irdl.base "#builtin.integer"
    %attr_qk_matmul_output_mode = irdl.base "#builtin.integer"
    %attr_scale = irdl.base "#builtin.float"
    %attr_softcap = irdl.base "#builtin.float"
    %attr_softmax_precision = irdl.base "#builtin.integer"
    irdl.operands(q: %q, k: %k, v: %v, past_key: %past_key, past_value: %past_value, attn_mask: optional %attn_mask)
    irdl.results(y: %y_t, present_key: %present_key_t, present_value: %present_value_t, qk_matmul_output: %qk_matmul_output_t)
    irdl.attributes {"is_causal" = %attr_is_causal, "kv_num_heads" = %attr_kv_num_heads, "q_num_heads" = %attr_q_num_heads, "qk_matmul_output_mode" = %attr_qk_matmul_output_mode, "scale" = %attr_scale, "softcap" = %attr_softcap, "softmax_precision" = %attr_softmax_precision}
  }
  // ==== end of section: nn ====

  // ==== section: graph ====
  // ONNX Identity on a tensor: the output is the input. Sequences and optionals
  // are not supported yet.
  irdl.operation @identity {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
  }

  // ONNX Dropout in inference mode: the output is the input. The optional mask
  // output is a compile-time constant made by the importer; training mode with
  // a non-zero ratio is not supported. Float element types.
  irdl.operation @dropout {
    %data = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    irdl.operands(data: %data)
    irdl.results(output: %output_t)
  }

  // ONNX Shape at run time: the dims `start` to `end` (non-negative, end
  // exclusive, resolved by the importer) of `data` as a 1-d i64 tensor. The
  // importer follows shapes symbolically and builds this op only where a shape
  // with dynamic dims must become a run-time tensor (a Shape -> ... chain that
  // feeds an op taking a tensor). Any element type.
  irdl.operation @shape_of {
    %data = irdl.base "!builtin.tensor"
    %shape_t = irdl.base "!builtin.tensor"
    %attr_end = irdl.base "#builtin.integer"
    %attr_start = irdl.base "#builtin.integer"
    irdl.operands(data: %data)
    irdl.results(shape: %shape_t)
    irdl.attributes {"end" = %attr_end, "start" = %attr_start}
  }
  // ==== end of section: graph ====

  // ==== section: data_dependent ====
  // Ops whose result sizes depend on the input's values: each such dim is `?`
  // in the result type and is computed at run time (the compiled module's
  // `_shapes` entry runs the computation to size the outputs). They do not
  // fold (a `?` result has no static type to fold into): their import rules
  // compute them on constant inputs instead.

  // ONNX NonZero: the int64 coordinates (one row per input dim, one column per
  // non-zero element, row-major order) of the non-zero elements of `x` (NaN is
  // non-zero). A 0-d input counts as one element of a 1-d tensor (result 1 x ?),
  // as onnxruntime gives. Any element type.
  irdl.operation @non_zero {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }

  // ONNX Compress along `axis` (non-negative; the importer flattens the input
  // when ONNX's axis is absent): the slices of `input` at the positions where
  // the 1-d i1 `condition` is true. Only the first min(len(condition), size of
  // `axis`) entries count, as onnxruntime does. Any element type.
  irdl.operation @compress {
    %input = irdl.base "!builtin.tensor"
    %condition = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    irdl.operands(input: %input, condition: %condition)
    irdl.results(output: %output_t)
    irdl.attributes {"axis" = %attr_axis}
  }

  // ONNX Unique of the slices of `x` along `axis` (non-negative; the importer
  // flattens the input when ONNX's axis is absent): `y` the distinct slices,
  // ascending (lexicographic over each slice in row-major order) for `sorted` =
  // 1, in order of first occurrence for 0; the int64 `indices` (first occurrence
  // of each), `inverse_indices` (for each slice of `x`, its entry in `y`) and
  // `counts`. Floats compare as numbers (-0 equals 0; the first occurrence's bits
  // are kept); NaNs equal each other and sort last (numpy's order; onnxruntime's
  // std::map gives NaN no consistent order, so its results with NaN differ).
  // Any element type.
  irdl.operation @unique {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %indices_t = irdl.base "!builtin.tensor"
    %inverse_indices_t = irdl.base "!builtin.tensor"
    %counts_t = irdl.base "!builtin.tensor"
    %attr_axis = irdl.base "#builtin.integer"
    %attr_sorted = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(y: %y_t, indices: %indices_t, inverse_indices: %inverse_indices_t, counts: %counts_t)
    irdl.attributes {"axis" = %attr_axis, "sorted" = %attr_sorted}
  }
  // ==== end of section: data_dependent ====

  // ==== section: detection ====
  // ONNX NonMaxSuppression (opsets 10/11), as onnxruntime computes it: for each
  // batch and class, the boxes whose score is > `score_threshold` (all boxes
  // when that operand is absent), by descending score (ties: lower box index
  // first), greedily kept unless their IoU with a box already kept for that
  // class is > `iou_threshold`, at most `max_output_boxes_per_class` (a
  // negative count keeps none) per class. `boxes` f32 [B, N, 4] ([y1, x1, y2,
  // x2], corners in any order, for `center_point_box` = 0; [xc, yc, w, h] for
  // 1), `scores` f32 [B, C, N]; the three thresholds one-element (0-d or [1])
  // tensors read at run time, i64 / f32 / f32. Result: i64 [?, 3] rows (batch,
  // class, box) in batch, class, selection order; its row count depends on the
  // data (computed at run time). Not supported yet: NaN scores get a fixed
  // place (before every number) where onnxruntime's order is unspecified, so
  // results may differ; an iou_threshold outside [0, 1] given at run time is
  // not rejected (onnxruntime fails).
  irdl.operation @non_max_suppression {
    %boxes = irdl.base "!builtin.tensor"
    %scores = irdl.base "!builtin.tensor"
    %max_output_boxes_per_class = irdl.base "!builtin.tensor"
    %iou_threshold = irdl.base "!builtin.tensor"
    %score_threshold = irdl.base "!builtin.tensor"
    %selected_indices_t = irdl.base "!builtin.tensor"
    %attr_center_point_box = irdl.base "#builtin.integer"
    irdl.operands(boxes: %boxes, scores: %scores, max_output_boxes_per_class: %max_output_boxes_per_class, iou_threshold: %iou_threshold, score_threshold: optional %score_threshold)
    irdl.results(selected_indices: %selected_indices_t)
    irdl.attributes {"center_point_box" = %attr_center_point_box}
  }

  // ONNX Det: the determinant of each square matrix [..., M, M] -> [...], by
  // LU decomposition with partial pivoting (as numpy.linalg.det; rounding
  // differs). Float element types; f16 and bf16 are computed in f32.
  irdl.operation @det {
    %x = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(y: %y_t)
  }
  // ==== end of section: detection ====

  // ==== section: recurrent ====
  // The recurrence of one direction of ONNX LSTM/GRU/RNN. The importer computes
  // the input projection of every time step as one tg.matmul (`xw`, seq x batch
  // x gates*hidden, the biases that do not depend on the state added), slices
  // the weights per direction, transposes layout 1 to layout 0, and assembles
  // the ONNX outputs (num_directions axis, bidirectional concat). `reverse` (0/1)
  // walks time backwards. `activations` names the activation functions
  // (comma-separated ONNX names: Relu, Tanh, Sigmoid, Affine, LeakyRelu,
  // ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus);
  // `activation_alpha`/`activation_beta` (array<f32>) hold one alpha and beta per
  // activation (materialized by the importer; unused ones are 0). `clip` > 0
  // bounds the activation inputs to [-clip, clip]; 0: no clipping. initial
  // states are batch x hidden or 1 x hidden (broadcast over the batch). The
  // optional `sequence_lens` (i32, one per batch entry, at most seq) stops each
  // batch entry early: outputs past its length are 0 and the final states are
  // those of its last valid step (as onnxruntime). Element types f32 and f64;
  // seq and batch may be dynamic. Not supported yet: f16/bf16.

  // ONNX LSTM (one direction): gate order i, o, f, c in `xw` and `r` (4*hidden
  // x hidden), peepholes `p` (i, o, f; zeros when the model has none),
  // `input_forget` couples f = 1 - i. Activations f, g, h.
  irdl.operation @lstm {
    %xw = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %p = irdl.base "!builtin.tensor"
    %initial_h = irdl.base "!builtin.tensor"
    %initial_c = irdl.base "!builtin.tensor"
    %sequence_lens = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %y_h_t = irdl.base "!builtin.tensor"
    %y_c_t = irdl.base "!builtin.tensor"
    %attr_activation_alpha = irdl.any
    %attr_activation_beta = irdl.any
    %attr_activations = irdl.base "#builtin.string"
    %attr_clip = irdl.base "#builtin.float"
    %attr_input_forget = irdl.base "#builtin.integer"
    %attr_reverse = irdl.base "#builtin.integer"
    irdl.operands(xw: %xw, r: %r, p: %p, initial_h: %initial_h, initial_c: %initial_c, sequence_lens: optional %sequence_lens)
    irdl.results(y: %y_t, y_h: %y_h_t, y_c: %y_c_t)
    irdl.attributes {"activation_alpha" = %attr_activation_alpha, "activation_beta" = %attr_activation_beta, "activations" = %attr_activations, "clip" = %attr_clip, "input_forget" = %attr_input_forget, "reverse" = %attr_reverse}
  }

  // ONNX GRU (one direction): gate order z, r, h in `xw` and `r` (3*hidden x
  // hidden); `rbh` is the recurrence bias of the h gate (Rbh), which
  // `linear_before_reset` (0/1) puts inside or outside the reset product.
  // Activations f, g.
  irdl.operation @gru {
    %xw = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %rbh = irdl.base "!builtin.tensor"
    %initial_h = irdl.base "!builtin.tensor"
    %sequence_lens = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %y_h_t = irdl.base "!builtin.tensor"
    %attr_activation_alpha = irdl.any
    %attr_activation_beta = irdl.any
    %attr_activations = irdl.base "#builtin.string"
    %attr_clip = irdl.base "#builtin.float"
    %attr_linear_before_reset = irdl.base "#builtin.integer"
    %attr_reverse = irdl.base "#builtin.integer"
    irdl.operands(xw: %xw, r: %r, rbh: %rbh, initial_h: %initial_h, sequence_lens: optional %sequence_lens)
    irdl.results(y: %y_t, y_h: %y_h_t)
    irdl.attributes {"activation_alpha" = %attr_activation_alpha, "activation_beta" = %attr_activation_beta, "activations" = %attr_activations, "clip" = %attr_clip, "linear_before_reset" = %attr_linear_before_reset, "reverse" = %attr_reverse}
  }

  // ONNX RNN (one direction): `r` is hidden x hidden. Activation f.
  irdl.operation @rnn {
    %xw = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %initial_h = irdl.base "!builtin.tensor"
    %sequence_lens = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %y_h_t = irdl.base "!builtin.tensor"
    %attr_activation_alpha = irdl.any
    %attr_activation_beta = irdl.any
    %attr_activations = irdl.base "#builtin.string"
    %attr_clip = irdl.base "#builtin.float"
    %attr_reverse = irdl.base "#builtin.integer"
    irdl.operands(xw: %xw, r: %r, initial_h: %initial_h, sequence_lens: optional %sequence_lens)
    irdl.results(y: %y_t, y_h: %y_h_t)
    irdl.attributes {"activation_alpha" = %attr_activation_alpha, "activation_beta" = %attr_activation_beta, "activations" = %attr_activations, "clip" = %attr_clip, "reverse" = %attr_reverse}
  }
  // ==== end of section: recurrent ====

  // ==== section: sampling ====
  // Ops that read their input at computed (data-dependent or strided) positions: GridSample,
  // RoiAlign, Col2Im and MaxUnpool. Float element types only.

  // ONNX GridSample (opsets 16 and 20): `x` is N x C x D1..Dr, `grid` N x O1..Or x r (the last dim
  // holds the normalized coordinates of the last input dim first); the result is N x C x O1..Or.
  // `mode` linear, nearest (round half to even) or cubic (Keys, a = -0.75; taps floor(x)-1..+2),
  // `padding_mode` zeros, border or reflection, `align_corners` 0 or 1, as the ONNX reference
  // (the importer maps opset 16's bilinear/bicubic to linear/cubic). Any r >= 1. Integer `x` is not
  // supported yet.
  irdl.operation @grid_sample {
    %x = irdl.base "!builtin.tensor"
    %grid = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_align_corners = irdl.base "#builtin.integer"
    %attr_mode = irdl.base "#builtin.string"
    %attr_padding_mode = irdl.base "#builtin.string"
    irdl.operands(x: %x, grid: %grid)
    irdl.results(y: %y_t)
    irdl.attributes {"align_corners" = %attr_align_corners, "mode" = %attr_mode, "padding_mode" = %attr_padding_mode}
  }

  // ONNX RoiAlign (opsets 10 and 16): `x` N x C x H x W, `rois` R x 4 (x1, y1, x2, y2), i64
  // `batch_indices` R; the result is R x C x output_height x output_width. `mode` avg or max (the
  // max of each sample's four weighted taps, as onnxruntime and the reference), the
  // coordinate_transformation_mode half_pixel or output_half_pixel (opset 10's behaviour),
  // `sampling_ratio` 0 (adaptive: ceil(roi size / output size) samples per bin, computed at run
  // time) or > 0, `spatial_scale`. A batch index outside [0, N) (onnxruntime rejects it) reads the
  // nearest batch. Float element types.
  irdl.operation @roi_align {
    %x = irdl.base "!builtin.tensor"
    %rois = irdl.base "!builtin.tensor"
    %batch_indices = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_coordinate_transformation_mode = irdl.base "#builtin.string"
    %attr_mode = irdl.base "#builtin.string"
    %attr_output_height = irdl.base "#builtin.integer"
    %attr_output_width = irdl.base "#builtin.integer"
    %attr_sampling_ratio = irdl.base "#builtin.integer"
    %attr_spatial_scale = irdl.base "#builtin.float"
    irdl.operands(x: %x, rois: %rois, batch_indices: %batch_indices)
    irdl.results(y: %y_t)
    irdl.attributes {"coordinate_transformation_mode" = %attr_coordinate_transformation_mode, "mode" = %attr_mode, "output_height" = %attr_output_height, "output_width" = %attr_output_width, "sampling_ratio" = %attr_sampling_ratio, "spatial_scale" = %attr_spatial_scale}
  }

  // ONNX Col2Im (opset 18), N-d: `input` N x (C * prod(block_shape)) x L is summed into an
  // N x C x image_shape result, each column the block at its sliding position (`strides`,
  // `dilations`, `pads` begin then end). `image_shape` and `block_shape` are compile-time constants
  // (attributes); L must equal the number of block positions. Float element types.
  irdl.operation @col2im {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_block_shape = irdl.base "#builtin.dense_array"
    %attr_dilations = irdl.base "#builtin.dense_array"
    %attr_image_shape = irdl.base "#builtin.dense_array"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"block_shape" = %attr_block_shape, "dilations" = %attr_dilations, "image_shape" = %attr_image_shape, "pads" = %attr_pads, "strides" = %attr_strides}
  }

  // ONNX MaxUnpool (opsets 9 and 11): each element of `x` (N x C x spatial...) is written at its
  // i64 flat index `i` (same shape as `x`) into a zero tensor of the inferred shape
  // ((in - 1) * stride - pads + kernel per spatial dim), which is then placed at the origin of a
  // zero tensor of `output_shape` (the full shape, at least the inferred one), as the ONNX reference
  // and backend tests do (onnxruntime reads the indices as indices into `output_shape` instead).
  // Duplicate indices: the last element in row-major order wins; indices outside the inferred
  // shape are ignored. Float element types; static shapes only.
  irdl.operation @max_unpool {
    %x = irdl.base "!builtin.tensor"
    %i = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_kernel_shape = irdl.base "#builtin.dense_array"
    %attr_output_shape = irdl.base "#builtin.dense_array"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x, i: %i)
    irdl.results(output: %output_t)
    irdl.attributes {"kernel_shape" = %attr_kernel_shape, "output_shape" = %attr_output_shape, "pads" = %attr_pads, "strides" = %attr_strides}
  }
  // ==== end of section: sampling ====

  // ==== section: misc ====
  // Ops of their own for BitCast and DeformConv (ReverseSequence, TensorScatter, the training
  // optimizers and the ai.onnx.ml ops are compositions of other tg ops in the importer).

  // ONNX BitCast (opset 26): the bits of each element reinterpreted as `to`, which must have
  // the source's bit width (bool, i1, counts as a byte: bool -> 8-bit gives 0/1, 8-bit -> bool
  // gives `!= 0`); the shape is unchanged. Between f16/bf16/f32/f64, i8..i64, ui8..ui64, i1 and
  // the float8 types. Not supported yet: the 4- and 2-bit types, strings, complex.
  irdl.operation @bit_cast {
    %input = irdl.base "!builtin.tensor"
    %output_t = irdl.base "!builtin.tensor"
    %attr_to = irdl.base "#builtin.type"
    irdl.operands(input: %input)
    irdl.results(output: %output_t)
    irdl.attributes {"to" = %attr_to}
  }

  // ONNX DeformConv (opsets 19 and 22), 2-d only: `x` N x C x H x W, `w` OC x C/group x KH x KW,
  // `offset` N x (offset_group * KH * KW * 2) x OH x OW (dy, dx per kernel tap), `mask`
  // N x (offset_group * KH * KW) x OH x OW (the importer gives ones when absent). Each tap samples
  // x bilinearly at (oh * stride - pad_begin + k * dilation + dy, likewise for w), zero outside
  // the image, times its mask, and the samples are contracted with `w` per group. No bias (the
  // importer adds it). Float element types. Not supported yet: 1-d and 3-d, dynamic dims.
  irdl.operation @deform_conv {
    %x = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %offset = irdl.base "!builtin.tensor"
    %mask = irdl.base "!builtin.tensor"
    %y_t = irdl.base "!builtin.tensor"
    %attr_dilations = irdl.base "#builtin.dense_array"
    %attr_group = irdl.base "#builtin.integer"
    %attr_offset_group = irdl.base "#builtin.integer"
    %attr_pads = irdl.base "#builtin.dense_array"
    %attr_strides = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x, w: %w, offset: %offset, mask: %mask)
    irdl.results(y: %y_t)
    irdl.attributes {"dilations" = %attr_dilations, "group" = %attr_group, "offset_group" = %attr_offset_group, "pads" = %attr_pads, "strides" = %attr_strides}
  }
  // ==== end of section: misc ====

  // ==== section: layout ====
  // Channels-last forms of layout-sensitive ops, made by the `tg-propagate-layouts` graph pass
  // (the importer never makes them; onnxruntime's com.microsoft.NhwcConv is the same idea).

  // 2-d convolution in channels-last layout: `x` N x H x W x C, `w` in ONNX's layout
  // F x C/group x KH x KW, optional `b` of size F, result N x OH x OW x F. The attributes
  // mean what they mean on tg.conv (`pads` = [top, left, bottom, right]). Any group count and
  // element type that tg.conv takes. Not supported yet: 1-d and 3-d.
  irdl.operation @nhwc_conv {
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
  // ==== end of section: layout ====
}

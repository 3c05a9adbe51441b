// RUN: polytile-opt %s --split-input-file --convert-tg-to-linalg | FileCheck %s

// Each element-wise op becomes one parallel linalg.generic over the broadcast
// shape; a size-1 dim of an operand is indexed with the constant 0.

// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x1xf32>, %[[B:[^:]*]]: tensor<3xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<2x1xf32>, tensor<3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: arith.addf
// CHECK: return %[[R]]
func.func @add_broadcast(%a: tensor<2x1xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.add"(%a, %b) : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Unsigned operands pick the unsigned predicate; the result is i1.
// CHECK-LABEL: func.func @less_unsigned
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x3xi8>, %[[B:[^:]*]]: tensor<3xi8>) -> tensor<2x3xi1>
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<2x3xi8>, tensor<3xi8>) outs(%{{.*}} : tensor<2x3xi1>)
// CHECK: ^bb0(%[[X:.*]]: i8, %[[Y:.*]]: i8, %{{.*}}: i1):
// CHECK: %[[C:.*]] = arith.cmpi ult, %[[X]], %[[Y]] : i8
// CHECK: linalg.yield %[[C]] : i1
func.func @less_unsigned(%a: tensor<2x3xui8>, %b: tensor<3xui8>) -> tensor<2x3xi1> {
  %0 = "tg.less"(%a, %b) : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// -----

// Floats compare ordered (NaN gives false).
// CHECK-LABEL: func.func @greater_or_equal_float
// CHECK: arith.cmpf oge
func.func @greater_or_equal_float(%a: tensor<3xf64>, %b: tensor<3xf64>) -> tensor<3xi1> {
  %0 = "tg.greater_or_equal"(%a, %b) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

// Integer division: a zero divisor (and INT_MIN / -1) is replaced by 1 before
// dividing, and a zero divisor gives 0.
// CHECK-LABEL: func.func @div_signed
// CHECK: ^bb0(%[[X:.*]]: i16, %[[Y:.*]]: i16, %{{.*}}: i16):
// CHECK: %[[ZERO:.*]] = arith.cmpi eq, %[[Y]], %{{.*}} : i16
// CHECK: %[[TRAP:.*]] = arith.ori %[[ZERO]], %{{.*}} : i1
// CHECK: %[[D:.*]] = arith.select %[[TRAP]], %{{.*}}, %[[Y]] : i16
// CHECK: %[[Q:.*]] = arith.divsi %[[X]], %[[D]] : i16
// CHECK: %[[R:.*]] = arith.select %[[ZERO]], %{{.*}}, %[[Q]] : i16
// CHECK: linalg.yield %[[R]] : i16
func.func @div_signed(%a: tensor<4xi16>, %b: tensor<4xi16>) -> tensor<4xi16> {
  %0 = "tg.div"(%a, %b) : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// CHECK-LABEL: func.func @div_unsigned
// CHECK: arith.divui
func.func @div_unsigned(%a: tensor<4xui32>, %b: tensor<4xui32>) -> tensor<4xui32> {
  %0 = "tg.div"(%a, %b) : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %0 : tensor<4xui32>
}

// -----

// fmod = 0 on signed integers: the C remainder, plus the divisor where the
// remainder is non-zero and the signs differ.
// CHECK-LABEL: func.func @mod_floor
// CHECK: ^bb0(%[[X:.*]]: i32, %[[Y:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[R:.*]] = arith.remsi %[[X]], %{{.*}} : i32
// CHECK: %[[S:.*]] = arith.xori %[[R]], %[[Y]] : i32
// CHECK: %[[FIX:.*]] = arith.andi
// CHECK: %[[SUM:.*]] = arith.addi %[[R]], %[[Y]] : i32
// CHECK: %[[OUT:.*]] = arith.select %[[FIX]], %[[SUM]], %[[R]] : i32
// CHECK: linalg.yield %[[OUT]] : i32
func.func @mod_floor(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "tg.mod"(%a, %b) {fmod = 0 : i64} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @mod_float
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[R:.*]] = arith.remf %[[X]], %[[Y]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @mod_float(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "tg.mod"(%a, %b) {fmod = 1 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Float fmod = 0 (ONNX Mod-28): C's fmod moved to the divisor's sign, a zero
// result taking the divisor's sign.
// CHECK-LABEL: func.func @mod_float_floor
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[R:.*]] = arith.remf %[[X]], %[[Y]] : f32
// CHECK: %[[MOVED:.*]] = arith.addf %[[R]], %[[Y]] : f32
// CHECK: %[[PICK:.*]] = arith.select %{{.*}}, %[[MOVED]], %[[R]] : f32
// CHECK: %[[SIGNED:.*]] = math.copysign %[[R]], %[[Y]] : f32
// CHECK: %[[OUT:.*]] = arith.select %{{.*}}, %[[SIGNED]], %[[PICK]] : f32
// CHECK: linalg.yield %[[OUT]] : f32
func.func @mod_float_floor(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "tg.mod"(%a, %b) {fmod = 0 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Signed right shifts are arithmetic; an amount out of range gives the sign fill.
// CHECK-LABEL: func.func @shift_right_signed
// CHECK: ^bb0(%[[X:.*]]: i8, %[[Y:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[Y]], %{{.*}} : i8
// CHECK: %[[AMOUNT:.*]] = arith.select %[[OK]], %[[Y]], %{{.*}} : i8
// CHECK: %[[S:.*]] = arith.shrsi %[[X]], %[[AMOUNT]] : i8
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[X]], %{{.*}} : i8
// CHECK: %[[FILL:.*]] = arith.select %[[NEG]], %{{.*}}, %{{.*}} : i8
// CHECK: %[[R:.*]] = arith.select %[[OK]], %[[S]], %[[FILL]] : i8
// CHECK: linalg.yield %[[R]] : i8
func.func @shift_right_signed(%x: tensor<4xi8>, %y: tensor<4xi8>) -> tensor<4xi8> {
  %0 = "tg.bit_shift"(%x, %y) {direction = "RIGHT"} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Shift amounts >= the bit width give 0.
// CHECK-LABEL: func.func @shift_right
// CHECK: ^bb0(%[[X:.*]]: i32, %[[Y:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[Y]], %{{.*}} : i32
// CHECK: %[[AMOUNT:.*]] = arith.select %[[OK]], %[[Y]], %{{.*}} : i32
// CHECK: %[[S:.*]] = arith.shrui %[[X]], %[[AMOUNT]] : i32
// CHECK: %[[R:.*]] = arith.select %[[OK]], %[[S]], %{{.*}} : i32
// CHECK: linalg.yield %[[R]] : i32
func.func @shift_right(%x: tensor<4xui32>, %y: tensor<4xui32>) -> tensor<4xui32> {
  %0 = "tg.bit_shift"(%x, %y) {direction = "RIGHT"} : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %0 : tensor<4xui32>
}

// -----

// An integer base is raised in f64 and truncated back; the exponent converts too.
// CHECK-LABEL: func.func @pow_int_base
// CHECK: ^bb0(%[[X:.*]]: i64, %[[Y:.*]]: f32, %{{.*}}: i64):
// CHECK: %[[XF:.*]] = arith.sitofp %[[X]] : i64 to f64
// CHECK: %[[YF:.*]] = arith.extf %[[Y]] : f32 to f64
// CHECK: %[[P:.*]] = math.powf %[[XF]], %[[YF]] : f64
// CHECK: %[[R:.*]] = arith.fptosi %[[P]] : f64 to i64
// CHECK: linalg.yield %[[R]] : i64
func.func @pow_int_base(%x: tensor<4xi64>, %y: tensor<4xf32>) -> tensor<4xi64> {
  %0 = "tg.pow"(%x, %y) : (tensor<4xi64>, tensor<4xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @where_broadcast
// CHECK-SAME: (%[[C:[^:]*]]: tensor<2x1xi1>, %[[X:[^:]*]]: tensor<3xf32>, %[[Y:[^:]*]]: tensor<f32>)
// CHECK: linalg.generic {{.*}} ins(%[[C]], %[[X]], %[[Y]] : tensor<2x1xi1>, tensor<3xf32>, tensor<f32>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: ^bb0(%[[P:.*]]: i1, %[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[S:.*]] = arith.select %[[P]], %[[A]], %[[B]] : f32
// CHECK: linalg.yield %[[S]] : f32
func.func @where_broadcast(%c: tensor<2x1xi1>, %x: tensor<3xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  %0 = "tg.where"(%c, %x, %y) : (tensor<2x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// numpy conversions: float -> unsigned truncates, -> bool is != 0 (unordered,
// so NaN is true), unsigned -> float and bool -> int zero-extend.
// CHECK-LABEL: func.func @casts
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: arith.cmpf une, %{{.*}}, %{{.*}} : f32
// CHECK: arith.uitofp %{{.*}} : i16 to f64
// CHECK: arith.extui %{{.*}} : i1 to i64
func.func @casts(%x: tensor<4xf32>, %u: tensor<4xui16>, %p: tensor<4xi1>) -> (tensor<4xui8>, tensor<4xi1>, tensor<4xf64>, tensor<4xi64>) {
  %0 = "tg.cast"(%x) {to = ui8} : (tensor<4xf32>) -> tensor<4xui8>
  %1 = "tg.cast"(%x) {to = i1} : (tensor<4xf32>) -> tensor<4xi1>
  %2 = "tg.cast"(%u) {to = f64} : (tensor<4xui16>) -> tensor<4xf64>
  %3 = "tg.cast"(%p) {to = i64} : (tensor<4xi1>) -> tensor<4xi64>
  return %0, %1, %2, %3 : tensor<4xui8>, tensor<4xi1>, tensor<4xf64>, tensor<4xi64>
}

// -----

// Same bits, different signedness: nothing to compute.
// CHECK-LABEL: func.func @cast_reinterpret
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xi8>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[X]]
func.func @cast_reinterpret(%x: tensor<4xi8>) -> tensor<4xui8> {
  %0 = "tg.cast"(%x) {to = ui8} : (tensor<4xi8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// float8 is converted on its bits (LLVM has no f8 conversions on the CPU):
// decoded to f32 exactly, encoded from f32 by rounding to nearest even.
// CHECK-LABEL: func.func @cast_float8
// CHECK: linalg.generic
// CHECK: ^bb0(%[[IN:.*]]: f8E5M2, %{{.*}}: f8E4M3FN):
// CHECK: %[[BITS:.*]] = arith.bitcast %[[IN]] : f8E5M2 to i8
// CHECK: arith.extui %[[BITS]] : i8 to i32
// CHECK: math.roundeven
// CHECK: %[[CODE:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK: %[[OUT:.*]] = arith.bitcast %[[CODE]] : i8 to f8E4M3FN
// CHECK: linalg.yield %[[OUT]] : f8E4M3FN
func.func @cast_float8(%x: tensor<4xf8E5M2>) -> tensor<4xf8E4M3FN> {
  %0 = "tg.cast"(%x) {to = f8E4M3FN} : (tensor<4xf8E5M2>) -> tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// float -> i4 truncates, 0 out of range; bf16 -> f32 extends.
// CHECK-LABEL: func.func @cast_int4_bf16
// CHECK: %[[IN:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: %[[I:.*]] = arith.fptosi %[[IN]] : f32 to i32
// CHECK: arith.trunci %[[I]] : i32 to i4
// CHECK: arith.extf %{{.*}} : bf16 to f32
func.func @cast_int4_bf16(%x: tensor<4xf32>, %b: tensor<4xbf16>) -> (tensor<4xi4>, tensor<4xf32>) {
  %0 = "tg.cast"(%x) {to = i4} : (tensor<4xf32>) -> tensor<4xi4>
  %1 = "tg.cast"(%b) {to = f32} : (tensor<4xbf16>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi4>, tensor<4xf32>
}

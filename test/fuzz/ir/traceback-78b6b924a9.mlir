// FUZZ: polytile-opt --tg-canonicalize %s
// FUZZ-FOUND: traceback: TypeError: RankedTensorType.get(): incompatible function arguments (a pad of 2^63-1 overflows the result dim) in tg.tensor
func.func @f(%x: tensor<3x4xf32>) -> tensor<4x5xf32> {
  %0 = "tg.pad"(%x) {mode = "constant", pads = array<i64: 9223372036854775807, -1, 0, 2>} : (tensor<3x4xf32>) -> tensor<4x5xf32>
 return %0 : tensor<4x5xf32>
}

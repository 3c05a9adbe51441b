// FUZZ: polytile-opt --verify-diagnostics %s
// FUZZ-FOUND: traceback: TypeError: Can't cast unknown element type DenseArrayAttr (array<ui8>) in tg.verify_op
func.func @f(%x: tensor<5x6xf32>) {
  %0 = "tg.slice"(%x) {axes = array<i64>, ends = array<i8: 5>, starts = array<ui8>, steps = array<i64: 2>} : (tensor<5x6xf32>) -> tensor<5x3xf32>
  return
}

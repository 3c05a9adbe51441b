// --list-passes lists upstream passes (with their options) and polytile's.
// RUN: polytile-opt --list-passes | FileCheck %s

// CHECK: Passes:
// CHECK: --affine-loop-tile
// CHECK-SAME: Tile affine loop nests
// CHECK: --tile-size=<uint>
// CHECK: --canonicalize
// CHECK: --cse
// CHECK: polytile passes:
// CHECK: --tg-canonicalize
// CHECK-NEXT: --max-iterations=<int>
// CHECK-SAME: Stop after this many sweeps
// CHECK: --tg-dce
// CHECK-SAME: Remove tg ops whose results are unused

// RUN: polytile-opt %s --split-input-file --tg-remove-identity | FileCheck %s

// A chain of identities is its input.
// CHECK-LABEL: func.func @identity_chain
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x3xf32>)
// CHECK-NOT: tg.identity
// CHECK: return %[[X]]
func.func @identity_chain(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.identity"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "tg.identity"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Every user of a dropout takes the dropout's input.
// CHECK-LABEL: func.func @dropout_users
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf16>)
// CHECK-NOT: tg.dropout
// CHECK: %[[R:.*]] = "tg.relu"(%[[X]])
// CHECK: %[[S:.*]] = "tg.add"(%[[X]], %[[R]])
// CHECK: return %[[S]], %[[X]]
func.func @dropout_users(%x: tensor<4xf16>) -> (tensor<4xf16>, tensor<4xf16>) {
  %0 = "tg.dropout"(%x) : (tensor<4xf16>) -> tensor<4xf16>
  %1 = "tg.relu"(%0) : (tensor<4xf16>) -> tensor<4xf16>
  %2 = "tg.add"(%0, %1) : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %2, %0 : tensor<4xf16>, tensor<4xf16>
}

// -----

// Mixed chains of both ops, on integers and inside nested regions, go too.
// CHECK-LABEL: func.func @nested_mixed
// CHECK-SAME: (%[[X:[^:]*]]: tensor<3xi64>, %[[Y:[^:]*]]: tensor<3xf32>, %[[C:[^:]*]]: i1)
// CHECK-NOT: tg.identity
// CHECK-NOT: tg.dropout
// CHECK: scf.yield %[[X]]
// CHECK: scf.yield %[[X]]
// CHECK: return %{{.*}}, %[[Y]]
func.func @nested_mixed(%x: tensor<3xi64>, %y: tensor<3xf32>, %c: i1) -> (tensor<3xi64>, tensor<3xf32>) {
  %0 = scf.if %c -> tensor<3xi64> {
    %1 = "tg.identity"(%x) : (tensor<3xi64>) -> tensor<3xi64>
    scf.yield %1 : tensor<3xi64>
  } else {
    scf.yield %x : tensor<3xi64>
  }
  %2 = "tg.dropout"(%y) : (tensor<3xf32>) -> tensor<3xf32>
  %3 = "tg.identity"(%2) : (tensor<3xf32>) -> tensor<3xf32>
  return %0, %3 : tensor<3xi64>, tensor<3xf32>
}

// -----

// Ops that are identities only for some attributes are tg-canonicalize's business.
// CHECK-LABEL: func.func @identity_transpose_kept
// CHECK: %[[T:.*]] = "tg.transpose"
// CHECK: return %[[T]]
func.func @identity_transpose_kept(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// RUN: polytile-opt %s --split-input-file --affine-serialize-small-parallel-loops | FileCheck %s
// RUN: polytile-opt %s --split-input-file --affine-serialize-small-parallel-loops="min-work=64" | FileCheck %s --check-prefix=LOW

// 8 x 16 additions (128 element operations) are below the default 65536: serial. With
// min-work=64 the loop stays parallel.
// CHECK-LABEL: func.func @small
// CHECK-SAME: (%[[A:[^:]*]]: memref<8x16xf32>, %[[B:[^:]*]]: memref<8x16xf32>)
// CHECK: affine.for %[[I:.*]] = 0 to 8 {
// CHECK: affine.for %[[J:.*]] = 0 to 16 {
// CHECK: %[[X:.*]] = affine.load %[[A]][%[[I]], %[[J]]]
// CHECK: %[[Y:.*]] = arith.addf %[[X]], %[[X]]
// CHECK: affine.store %[[Y]], %[[B]][%[[I]], %[[J]]]
// CHECK-NOT: affine.parallel
// LOW-LABEL: func.func @small
// LOW: affine.parallel (%{{.*}}) = (0) to (8)
func.func @small(%a: memref<8x16xf32>, %b: memref<8x16xf32>) {
  affine.parallel (%i) = (0) to (8) {
    affine.for %j = 0 to 16 {
      %0 = affine.load %a[%i, %j] : memref<8x16xf32>
      %1 = arith.addf %0, %0 : f32
      affine.store %1, %b[%i, %j] : memref<8x16xf32>
    }
  }
  return
}

// -----

// 512 x 512 x 3 element operations: parallel. A vector op counts its lanes: 64 x 8 x 2
// vector<16xf32> ops are 16384 operations, below the default.
// CHECK-LABEL: func.func @large
// CHECK: affine.parallel (%{{.*}}) = (0) to (512)
// CHECK-LABEL: func.func @vectors
// CHECK: affine.for %{{.*}} = 0 to 64
// CHECK-NOT: affine.parallel
func.func @large(%a: memref<512x512xf32>, %b: memref<512x512xf32>) {
  affine.parallel (%i) = (0) to (512) {
    affine.for %j = 0 to 512 {
      %0 = affine.load %a[%i, %j] : memref<512x512xf32>
      %1 = arith.addf %0, %0 : f32
      affine.store %1, %b[%i, %j] : memref<512x512xf32>
    }
  }
  return
}
func.func @vectors(%a: memref<64x128xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.parallel (%i) = (0) to (64) {
    affine.for %j = 0 to 128 step 16 {
      %0 = vector.transfer_read %a[%i, %j], %zero : memref<64x128xf32>, vector<16xf32>
      %1 = arith.addf %0, %0 : vector<16xf32>
      vector.transfer_write %1, %a[%i, %j] : vector<16xf32>, memref<64x128xf32>
    }
  }
  return
}

// -----

// A trip count known only at run time: the work is unknown and the loop stays parallel.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%{{[^:]*}}: memref<?x16xf32>, %{{[^:]*}}: memref<?x16xf32>, %[[N:[^:]*]]: index)
// CHECK: affine.parallel (%{{.*}}) = (0) to (symbol(%[[N]]))
func.func @dynamic(%a: memref<?x16xf32>, %b: memref<?x16xf32>, %n: index) {
  affine.parallel (%i) = (0) to (symbol(%n)) {
    affine.for %j = 0 to 16 {
      %0 = affine.load %a[%i, %j] : memref<?x16xf32>
      affine.store %0, %b[%i, %j] : memref<?x16xf32>
    }
  }
  return
}

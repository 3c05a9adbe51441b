// RUN: polytile-opt %s --split-input-file --func-outline-loop-nests | FileCheck %s
// RUN: polytile-opt %s --split-input-file --func-outline-loop-nests='dedupe=false' | FileCheck %s --check-prefix=NODEDUPE

// Two nests of the same shape share one kernel; constants are cloned in.
// CHECK-LABEL: func.func private @f_kernel_0
// CHECK-SAME: (%[[IN:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>) attributes {passthrough = ["noinline"]}
// CHECK: %[[C:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: affine.for %[[I:.*]] = 0 to 4
// CHECK: affine.load %[[IN]][%[[I]]]
// CHECK: arith.mulf %{{.*}}, %[[C]]
// CHECK-NOT: func.func private @f_kernel_1
// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>, %[[B:.*]]: memref<4xf32>, %[[T:.*]]: memref<4xf32>)
// CHECK: call @f_kernel_0(%[[A]], %[[T]])
// CHECK: call @f_kernel_0(%[[T]], %[[B]])
// NODEDUPE: func.func private @f_kernel_0
// NODEDUPE: func.func private @f_kernel_1
// NODEDUPE: call @f_kernel_0
// NODEDUPE: call @f_kernel_1
func.func @f(%a: memref<4xf32>, %b: memref<4xf32>, %t: memref<4xf32>) {
  %c = arith.constant 2.0 : f32
  affine.for %i = 0 to 4 {
    %x = affine.load %a[%i] : memref<4xf32>
    %y = arith.mulf %x, %c : f32
    affine.store %y, %t[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    %x = affine.load %t[%i] : memref<4xf32>
    %y = arith.mulf %x, %c : f32
    affine.store %y, %b[%i] : memref<4xf32>
  }
  return
}

// -----

// Nests that differ (here: the constant) get kernels of their own.
// CHECK-LABEL: func.func private @g_kernel_0
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK-LABEL: func.func private @g_kernel_1
// CHECK: arith.constant 3.000000e+00 : f32
// CHECK-LABEL: func.func @g
// CHECK: call @g_kernel_0
// CHECK: call @g_kernel_1
func.func @g(%a: memref<4xf32>) {
  %one = arith.constant 1.0 : f32
  %three = arith.constant 3.0 : f32
  affine.for %i = 0 to 4 {
    affine.store %one, %a[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    affine.store %three, %a[%i] : memref<4xf32>
  }
  return
}

// RUN: polytile-opt %s --split-input-file --func-profile-calls | FileCheck %s
// RUN: polytile-opt %s --split-input-file --func-profile-calls='entry=other' | FileCheck %s --check-prefix=OTHER

// Every call of the entry, nested ones included, is timed into the slot of its
// callee (index = order of first appearance); calls elsewhere are left alone.
// CHECK-LABEL: module attributes {polytile.profile_callees = ["k0", "k1"]}
// CHECK: func.func private @rtclock() -> f64
// CHECK: memref.global "private" @polytile_profile_seconds : memref<2xf64> = dense<0.000000e+00>
// CHECK: memref.global "private" @polytile_profile_counts : memref<2xi64> = dense<0>
// CHECK-LABEL: func.func @polytile_entry
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>)
// CHECK: %[[T0:.*]] = call @rtclock() : () -> f64
// CHECK-NEXT: call @k0(%[[A]])
// CHECK-NEXT: %[[T1:.*]] = call @rtclock() : () -> f64
// CHECK-NEXT: %[[DT:.*]] = arith.subf %[[T1]], %[[T0]] : f64
// CHECK-NEXT: %[[I0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[S:.*]] = memref.get_global @polytile_profile_seconds : memref<2xf64>
// CHECK-NEXT: %[[OLD:.*]] = memref.load %[[S]][%[[I0]]]
// CHECK-NEXT: %[[NEW:.*]] = arith.addf %[[OLD]], %[[DT]] : f64
// CHECK-NEXT: memref.store %[[NEW]], %[[S]][%[[I0]]]
// CHECK-NEXT: %[[C:.*]] = memref.get_global @polytile_profile_counts : memref<2xi64>
// CHECK-NEXT: %[[N:.*]] = memref.load %[[C]][%[[I0]]]
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK-NEXT: %[[N1:.*]] = arith.addi %[[N]], %[[ONE]] : i64
// CHECK-NEXT: memref.store %[[N1]], %[[C]][%[[I0]]]
// CHECK: scf.for
// CHECK: func.call @rtclock()
// CHECK-NEXT: %[[R:.*]] = func.call @k1(%[[A]]) : (memref<4xf32>) -> f32
// CHECK-NEXT: func.call @rtclock()
// CHECK: %[[I1:.*]] = arith.constant 1 : index
// CHECK-NEXT: memref.get_global @polytile_profile_seconds
// CHECK-NEXT: memref.load %{{.*}}[%[[I1]]]
// CHECK: func.call @rtclock()
// CHECK-NEXT: func.call @k0(%[[A]])
// CHECK-NEXT: func.call @rtclock()
// CHECK: %[[I2:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.get_global @polytile_profile_seconds
// CHECK-NEXT: memref.load %{{.*}}[%[[I2]]]
// CHECK: memref.store %[[R]], %[[A]]
// CHECK-LABEL: func.func @other
// CHECK-NOT: rtclock
// CHECK: return
// CHECK-LABEL: func.func @polytile_profile_read
// CHECK-SAME: (%[[SECONDS:.*]]: memref<2xf64>, %[[COUNTS:.*]]: memref<2xi64>) attributes {llvm.emit_c_interface}
// CHECK: %[[GS:.*]] = memref.get_global @polytile_profile_seconds
// CHECK: memref.copy %[[GS]], %[[SECONDS]]
// CHECK: %[[GC:.*]] = memref.get_global @polytile_profile_counts
// CHECK: memref.copy %[[GC]], %[[COUNTS]]
// CHECK-LABEL: func.func @polytile_profile_reset() attributes {llvm.emit_c_interface}
// CHECK: scf.for %[[J:.*]] =
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[J]]] : memref<2xf64>
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[J]]] : memref<2xi64>
// OTHER-LABEL: module attributes {polytile.profile_callees = ["k0"]}
// OTHER: memref.global "private" @polytile_profile_seconds : memref<1xf64>
// OTHER-LABEL: func.func @polytile_entry
// OTHER-NOT: rtclock
// OTHER-LABEL: func.func @other
// OTHER: call @rtclock()
// OTHER-NEXT: call @k0
// OTHER-NEXT: call @rtclock()
func.func private @k0(%a: memref<4xf32>)
func.func private @k1(%a: memref<4xf32>) -> f32
func.func @polytile_entry(%a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  call @k0(%a) : (memref<4xf32>) -> ()
  scf.for %i = %c0 to %c2 step %c1 {
    %x = func.call @k1(%a) : (memref<4xf32>) -> f32
    func.call @k0(%a) : (memref<4xf32>) -> ()
    memref.store %x, %a[%i] : memref<4xf32>
  }
  return
}
func.func @other(%a: memref<4xf32>) {
  call @k0(%a) : (memref<4xf32>) -> ()
  return
}

// -----

// An existing rtclock declaration is reused; no calls give empty counters.
// CHECK-LABEL: module attributes {polytile.profile_callees = []}
// CHECK-NEXT: memref.global "private" @polytile_profile_seconds : memref<0xf64>
// CHECK-NEXT: memref.global "private" @polytile_profile_counts : memref<0xi64>
// CHECK-NEXT: func.func private @rtclock() -> f64
// CHECK-NOT: func.func private @rtclock
// CHECK-LABEL: func.func @polytile_entry
// CHECK-NEXT: return
// CHECK: func.func @polytile_profile_read(%{{.*}}: memref<0xf64>, %{{.*}}: memref<0xi64>)
// OTHER-LABEL: module attributes {polytile.profile_callees = []}
func.func private @rtclock() -> f64
func.func @polytile_entry() {
  return
}
func.func @other() {
  return
}

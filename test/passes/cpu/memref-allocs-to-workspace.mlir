// RUN: polytile-opt %s --split-input-file --memref-allocs-to-workspace | FileCheck %s
// RUN: polytile-opt %s --split-input-file --memref-allocs-to-workspace='reuse=false' | FileCheck %s --check-prefix=SEPARATE
// RUN: polytile-opt %s --split-input-file --memref-allocs-to-workspace='min-bytes=32' | FileCheck %s --check-prefix=MIN
// RUN: polytile-opt %s --split-input-file --memref-allocs-to-workspace='argument=true' | FileCheck %s --check-prefix=ARG
// RUN: not polytile-opt %s --split-input-file --memref-allocs-to-workspace='argument=true reuse=false' 2>&1 | FileCheck %s --check-prefix=NOREUSE

// Three temporaries: %a and %b are live at the same time, %c only after both,
// so %c reuses %a's bytes; the deallocs go. Without reuse each gets a global of
// its own, of its type and alignment.
// CHECK: module attributes {polytile.workspace_bytes = 128 : i64}
// CHECK: memref.global "private" @__polytile_workspace : memref<128xi8> = uninitialized {alignment = 64 : i64}
// CHECK-LABEL: func.func @polytile_entry
// CHECK-SAME: (%[[IN:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK: %[[WS:.*]] = memref.get_global @__polytile_workspace : memref<128xi8>
// CHECK-NOT: memref.alloc
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[C0]]][] : memref<128xi8> to memref<4xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[C64]]][] : memref<128xi8> to memref<4xf32>
// CHECK: memref.copy %[[IN]], %[[A]]
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK: %[[C0B:.*]] = arith.constant 0 : index
// CHECK: %[[C:.*]] = memref.view %[[WS]][%[[C0B]]][] : memref<128xi8> to memref<4xf32>
// CHECK: memref.copy %[[B]], %[[C]]
// CHECK: memref.copy %[[C]], %[[OUT]]
// CHECK-NOT: memref.dealloc
// CHECK: return
// SEPARATE: module attributes {polytile.workspace_bytes = 48 : i64}
// SEPARATE-DAG: memref.global "private" @__polytile_workspace_0 : memref<4xf32> = uninitialized {alignment = 64 : i64}
// SEPARATE-DAG: memref.global "private" @__polytile_workspace_1 : memref<4xf32> = uninitialized{{$}}
// SEPARATE-DAG: memref.global "private" @__polytile_workspace_2 : memref<4xf32> = uninitialized{{$}}
// SEPARATE-LABEL: func.func @polytile_entry
// SEPARATE: %[[A:.*]] = memref.get_global @__polytile_workspace_0 : memref<4xf32>
// SEPARATE: %[[B:.*]] = memref.get_global @__polytile_workspace_1 : memref<4xf32>
// SEPARATE: memref.copy %{{.*}}, %[[A]]
// SEPARATE: memref.copy %[[A]], %[[B]]
// SEPARATE: %[[C:.*]] = memref.get_global @__polytile_workspace_2 : memref<4xf32>
// SEPARATE-NOT: memref.dealloc
// SEPARATE: return
// With argument=true the workspace is the entry's new last argument (the caller's
// buffer, so concurrent calls with their own buffers do not collide): no global.
// ARG: module attributes {polytile.workspace_alignment = 64 : i64, polytile.workspace_argument, polytile.workspace_bytes = 128 : i64}
// ARG-NOT: memref.global
// ARG-LABEL: func.func @polytile_entry
// ARG-SAME: (%[[IN:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>, %[[WS:.*]]: memref<128xi8>)
// ARG-NOT: memref.alloc
// ARG: %[[A:.*]] = memref.view %[[WS]][%{{.*}}][] : memref<128xi8> to memref<4xf32>
// ARG: %[[B:.*]] = memref.view %[[WS]][%{{.*}}][] : memref<128xi8> to memref<4xf32>
// ARG: memref.copy %[[IN]], %[[A]]
// ARG: memref.copy %[[A]], %[[B]]
// ARG-NOT: memref.dealloc
// ARG: return
// NOREUSE: error: argument=true needs reuse=true
// MIN-LABEL: func.func @polytile_entry
// MIN-COUNT-3: memref.alloc
// MIN-COUNT-3: memref.dealloc
func.func @polytile_entry(%in: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  memref.copy %in, %a : memref<4xf32> to memref<4xf32>
  memref.copy %a, %b : memref<4xf32> to memref<4xf32>
  %c = memref.alloc() : memref<4xf32>
  memref.copy %b, %c : memref<4xf32> to memref<4xf32>
  memref.copy %c, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  memref.dealloc %c : memref<4xf32>
  return
}

// -----

// A dealloc of the buffer's base under scf.if (what convert-bufferization-to-memref
// makes of bufferization.dealloc) goes, with the emptied scf.if and the dead view; accesses
// through views and inside loops are fine.
// CHECK-LABEL: func.func @polytile_entry
// CHECK-SAME: (%[[IN:.*]]: memref<2x4xf32>, %[[OUT:.*]]: memref<8xf32>, %[[COND:.*]]: i1)
// CHECK: %[[WS:.*]] = memref.get_global @__polytile_workspace : memref<64xi8>
// CHECK: %[[T:.*]] = memref.view %[[WS]]
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[T]]
// CHECK: affine.for
// CHECK: affine.store %{{.*}}, %[[T]]
// CHECK: memref.copy %[[FLAT]], %[[OUT]]
// CHECK-NOT: memref.extract_strided_metadata
// CHECK-NOT: scf.if
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @polytile_entry(%in: memref<2x4xf32>, %out: memref<8xf32>, %cond: i1) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<2x4xf32>
  %flat = memref.collapse_shape %t [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  affine.for %i = 0 to 2 {
    affine.for %j = 0 to 4 {
      %x = affine.load %in[%i, %j] : memref<2x4xf32>
      affine.store %x, %t[%i, %j] : memref<2x4xf32>
    }
  }
  memref.copy %flat, %out : memref<8xf32> to memref<8xf32>
  %base, %offset, %sizes:2, %strides:2 = memref.extract_strided_metadata %t : memref<2x4xf32> -> memref<f32>, index, index, index, index, index
  scf.if %cond {
    memref.dealloc %base : memref<f32>
  }
  return
}

// -----

// An alloc inside a loop (a per-iteration buffer) stays, and so do its deallocs.
// CHECK-NOT: polytile.workspace_bytes
// CHECK-LABEL: func.func @polytile_entry
// CHECK: affine.for
// CHECK-NEXT: %[[T:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.dealloc %[[T]]
func.func @polytile_entry(%in: memref<4xf32>, %out: memref<4xf32>) {
  affine.for %i = 0 to 3 {
    %t = memref.alloc() : memref<4xf32>
    memref.copy %in, %t : memref<4xf32> to memref<4xf32>
    memref.copy %t, %out : memref<4xf32> to memref<4xf32>
    memref.dealloc %t : memref<4xf32>
  }
  return
}

// -----

// Buffers that escape stay: one returned, one through a view passed to a call,
// one selected between; a dynamically sized one stays too. Only %ok moves.
// CHECK: memref.global "private" @__polytile_workspace : memref<64xi8>
// CHECK-LABEL: func.func @polytile_entry
// CHECK: %[[R:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[V:.*]] = memref.alloc() : memref<2x2xf32>
// CHECK: %[[S1:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[S2:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[D:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.view
// CHECK: call @use
// CHECK: memref.dealloc %[[V]]
// CHECK: memref.dealloc %[[S1]]
// CHECK: memref.dealloc %[[S2]]
// CHECK: memref.dealloc %[[D]]
// CHECK: return %[[R]]
func.func private @use(memref<4xf32>)
func.func @polytile_entry(%in: memref<4xf32>, %c: i1, %n: index) -> memref<4xf32> {
  %r = memref.alloc() : memref<4xf32>
  %v = memref.alloc() : memref<2x2xf32>
  %s1 = memref.alloc() : memref<4xf32>
  %s2 = memref.alloc() : memref<4xf32>
  %d = memref.alloc(%n) : memref<?xf32>
  %ok = memref.alloc() : memref<4xf32>
  memref.copy %in, %ok : memref<4xf32> to memref<4xf32>
  memref.copy %ok, %r : memref<4xf32> to memref<4xf32>
  %flat = memref.collapse_shape %v [[0, 1]] : memref<2x2xf32> into memref<4xf32>
  func.call @use(%flat) : (memref<4xf32>) -> ()
  %s = arith.select %c, %s1, %s2 : memref<4xf32>
  func.call @use(%s) : (memref<4xf32>) -> ()
  memref.dealloc %v : memref<2x2xf32>
  memref.dealloc %s1 : memref<4xf32>
  memref.dealloc %s2 : memref<4xf32>
  memref.dealloc %d : memref<?xf32>
  memref.dealloc %ok : memref<4xf32>
  return %r : memref<4xf32>
}

// -----

// Only the entry function is changed.
// CHECK-NOT: polytile.workspace_bytes
// CHECK-LABEL: func.func @other
// CHECK: memref.alloc
// CHECK: memref.dealloc
func.func @polytile_entry() {
  return
}
func.func @other(%in: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  memref.copy %in, %t : memref<4xf32> to memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  return
}

// RUN: polytile-opt %s | polytile-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%src_root/dialects/sched.irdl.mlir %s | FileCheck %s

// Round trip of every sched op. Schedules are flat, at module top level: a
// sched.kernel handle names a kernel function, each step takes the handle.
// (Whether the kernel exists and the steps fit its loops is sched-verify's job.)

// CHECK-LABEL: "sched.kernel"() {name = "tile"} : () -> !sched.handle
// CHECK-NEXT: "sched.tile"(%[[K:.*]]) {sizes = array<i64: 64, 256, 0>} : (!sched.handle) -> ()
// CHECK-NEXT: "sched.tile"(%[[K]]) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()
%k0 = "sched.kernel"() {name = "tile"} : () -> !sched.handle
"sched.tile"(%k0) {sizes = array<i64: 64, 256, 0>} : (!sched.handle) -> ()
"sched.tile"(%k0) {sizes = array<i64: 8, 32, 4>} : (!sched.handle) -> ()

// CHECK-LABEL: "sched.kernel"() {name = "interchange"}
// CHECK-NEXT: "sched.interchange"(%{{.*}}) {permutation = array<i64: 1, 0, 2>} : (!sched.handle) -> ()
%k1 = "sched.kernel"() {name = "interchange"} : () -> !sched.handle
"sched.interchange"(%k1) {permutation = array<i64: 1, 0, 2>} : (!sched.handle) -> ()

// CHECK-LABEL: "sched.kernel"() {name = "fuse"}
// CHECK-NEXT: "sched.fuse"(%{{.*}}) {consumers = true, producers = array<i64: 2>} : (!sched.handle) -> ()
// CHECK-NEXT: "sched.fuse"(%{{.*}}) {consumers = false, producers = array<i64>} : (!sched.handle) -> ()
%k2 = "sched.kernel"() {name = "fuse"} : () -> !sched.handle
"sched.fuse"(%k2) {consumers = true, producers = array<i64: 2>} : (!sched.handle) -> ()
"sched.fuse"(%k2) {consumers = false, producers = array<i64>} : (!sched.handle) -> ()

// CHECK-LABEL: "sched.kernel"() {name = "pack"}
// CHECK-NEXT: "sched.pack"(%{{.*}}) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()
%k3 = "sched.kernel"() {name = "pack"} : () -> !sched.handle
"sched.pack"(%k3) {operand = 1 : i64, tiles = array<i64: 32>} : (!sched.handle) -> ()

// CHECK-LABEL: "sched.kernel"() {name = "vectorize"}
// CHECK-NEXT: "sched.vectorize"(%{{.*}}) {width = 16 : i64} : (!sched.handle) -> ()
%k4 = "sched.kernel"() {name = "vectorize"} : () -> !sched.handle
"sched.vectorize"(%k4) {width = 16 : i64} : (!sched.handle) -> ()

// CHECK-LABEL: "sched.kernel"() {name = "unroll"}
// CHECK-NEXT: "sched.unroll"(%{{.*}}) {factor = 4 : i64} : (!sched.handle) -> ()
%k5 = "sched.kernel"() {name = "unroll"} : () -> !sched.handle
"sched.unroll"(%k5) {factor = 4 : i64} : (!sched.handle) -> ()

// CHECK-LABEL: "sched.kernel"() {name = "parallel"}
// CHECK-NEXT: "sched.parallel"(%{{.*}}) {dims = array<i64: 0, 1>, threads = 0 : i64} : (!sched.handle) -> ()
%k6 = "sched.kernel"() {name = "parallel"} : () -> !sched.handle
"sched.parallel"(%k6) {dims = array<i64: 0, 1>, threads = 0 : i64} : (!sched.handle) -> ()

// CHECK-LABEL: "sched.kernel"() {name = "gpu_map"}
// CHECK-NEXT: "sched.gpu_map"(%{{.*}}) {blocks = array<i64: 32, 32>, threads = array<i64: 16, 16>} : (!sched.handle) -> ()
%k7 = "sched.kernel"() {name = "gpu_map"} : () -> !sched.handle
"sched.gpu_map"(%k7) {blocks = array<i64: 32, 32>, threads = array<i64: 16, 16>} : (!sched.handle) -> ()

// CHECK-LABEL: "sched.kernel"() {name = "polyhedral"}
// CHECK-NEXT: "sched.polyhedral"(%{{.*}}) {options = "fusion=smart tile-sizes=32"} : (!sched.handle) -> ()
%k8 = "sched.kernel"() {name = "polyhedral"} : () -> !sched.handle
"sched.polyhedral"(%k8) {options = "fusion=smart tile-sizes=32"} : (!sched.handle) -> ()

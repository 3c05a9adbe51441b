// RUN: polytile-compile --target cuda --from=tg --emit=gpu --split-input-file %s | FileCheck %s --check-prefix=GPU
// RUN: polytile-compile --target cuda --from=tg --emit=ptx --split-input-file %s | FileCheck %s --check-prefix=PTX

// The whole CUDA pipeline from tg, as the cuda target runs it (no GPU needed):
// each kernel is a gpu.module launched by the host entry (--emit=gpu), then
// PTX for sm_90 (--emit=ptx). One case per kernel kind: matmul, convolution,
// element-wise, reduction.

// The output is filled with zeros by a first kernel, then the matmul kernel
// (shared-memory tiles, 16x16 threads) accumulates into it.
// GPU-LABEL: func.func @polytile_entry
// GPU: gpu.launch_func @polytile_entry_kernel::@polytile_entry_kernel blocks in
// GPU: gpu.launch_func @polytile_entry_kernel_0::@polytile_entry_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%c16, %c16, %{{.*}})
// PTX: // gpu.binary @polytile_entry_kernel
// PTX: .target sm_90
// PTX: .visible .entry polytile_entry_kernel(
// PTX: st.global
// PTX: // gpu.binary @polytile_entry_kernel_0
// PTX: .visible .entry polytile_entry_kernel(
// PTX: .maxntid 16, 16, 1
// PTX: ld.global
// PTX: bar.sync
// PTX: ld.shared
// PTX: fma.rn.f32
// PTX: st.global
func.func @main(%a: tensor<4x6xf32>, %b: tensor<6x5xf32>) -> tensor<4x5xf32> {
  %0 = "tg.matmul"(%a, %b) : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// GPU-LABEL: func.func @polytile_entry
// GPU: gpu.launch_func @polytile_entry_kernel_0::@polytile_entry_kernel
// PTX: {{^}}// -----
// PTX: // gpu.binary @polytile_entry_kernel_0
// PTX: .visible .entry polytile_entry_kernel(
// PTX: ld.global
// PTX: mul.rn.f32
// PTX: add.rn.f32
// PTX: st.global
func.func @main(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32> {
  %0 = "tg.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %0 : tensor<1x3x3x3xf32>
}

// -----

// 4x6 = 24 threads in one block, no guard needed.
// GPU-LABEL: func.func @polytile_entry
// GPU: gpu.launch_func @polytile_entry_kernel::@polytile_entry_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%[[T:.*]], %{{.*}}, %{{.*}})
// PTX: {{^}}// -----
// PTX: // gpu.binary @polytile_entry_kernel
// PTX: .visible .entry polytile_entry_kernel(
// PTX: .maxntid 24, 1, 1
// PTX: ld.global
// PTX: add.rn.f32
// PTX: st.global
func.func @main(%a: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %0 = "tg.add"(%a, %a) : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// GPU-LABEL: func.func @polytile_entry
// GPU: gpu.launch_func @polytile_entry_kernel_0::@polytile_entry_kernel
// PTX: {{^}}// -----
// PTX: // gpu.binary @polytile_entry_kernel_0
// PTX: .visible .entry polytile_entry_kernel(
// PTX: ld.global
// PTX: add.rn.f32
// PTX: st.global
func.func @main(%a: tensor<4x6xf32>) -> tensor<4xf32> {
  %0 = "tg.reduce_sum"(%a) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<4x6xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

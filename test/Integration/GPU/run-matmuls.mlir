// REQUIRES: cuda
// RUN: %PYTHON %S/Inputs/run_matmuls.py | FileCheck %s

// The matmul kernels (tensor cores for fp16 and, as an option, tf32; shared
// memory tiles otherwise) match numpy on the GPU, on two consecutive runs.
// CHECK: OK fp16_tensor_cores
// CHECK: OK fp16_tensor_cores_batched
// CHECK: OK tf32_tensor_cores
// CHECK: OK f32_shared_tiles
// CHECK: OK f32_shared_tiles_sm75

// REQUIRES: cuda
// RUN: %PYTHON %S/Inputs/run_onnx_models.py | FileCheck %s

// Small models (conv, int add, matmul, mlp, pad+concat, reductions, relu)
// compiled for CUDA match onnxruntime on the CPU, on two consecutive runs.
// CHECK: OK conv
// CHECK: OK int_add
// CHECK: OK matmul
// CHECK: OK mlp
// CHECK: OK pad_concat
// CHECK: OK reduce_sum
// CHECK: OK reduce_sum_all
// CHECK: OK relu

"""The CUDA target's passes: loop mapping to blocks and threads, buffer hoisting,
matmul kernels (shared-memory tiles, tensor cores) and CPU emulation of launches."""

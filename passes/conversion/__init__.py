"""Lowerings between levels: `convert-tg-to-linalg` (a package, one module per
op family), the memref entry point, and widening bool tensors to i8."""

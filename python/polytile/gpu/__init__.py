"""NVIDIA GPU backend: mapping to gpu/nvvm, PTX generation, CUDA runtime."""

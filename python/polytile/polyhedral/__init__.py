"""Polyhedral optimization of affine loop nests with isl (islpy)."""

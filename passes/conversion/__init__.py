"""Lowerings between levels, one module per `convert-<src>-to-<dst>` pass."""

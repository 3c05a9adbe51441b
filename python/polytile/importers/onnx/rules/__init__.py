"""Per-op-type ONNX import rules, one module per op family. Importing registers them."""
from . import elementwise, nn, shape  # noqa: F401

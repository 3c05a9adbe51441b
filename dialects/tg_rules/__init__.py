"""Type rules of the tg ops, one module per op family. Importing registers them."""
from . import elementwise, graph, nn, reduction, shape, unary  # noqa: F401

"""Type rules of the tg ops, one module per op family. Importing registers them."""
from . import elementwise, nn, shape  # noqa: F401

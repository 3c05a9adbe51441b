"""Type rules of the tg ops, one module per op family. Importing registers them."""
from . import data_dependent, elementwise, graph, nn, reduction, shape, unary  # noqa: F401
from . import detection  # noqa: F401,E402
from . import recurrent  # noqa: F401,E402
from . import sampling  # noqa: F401,E402
from . import misc  # noqa: F401,E402
from . import layout  # noqa: F401,E402

"""Per-op-type ONNX import rules, one module per op family. Importing registers them."""
from . import data_dependent, elementwise, graph, nn, reduction, shape, unary  # noqa: F401
from . import detection  # noqa: F401,E402
from . import signal  # noqa: F401,E402
from . import recurrent  # noqa: F401,E402
from . import quantized  # noqa: F401,E402
from . import sampling  # noqa: F401,E402
from . import quantize_linear  # noqa: F401,E402
from . import control_flow  # noqa: F401,E402
from . import sequence  # noqa: F401,E402
from . import misc, ml, training  # noqa: F401,E402  (BitCast, ReverseSequence, TensorScatter, DeformConv; ai.onnx.ml; training)

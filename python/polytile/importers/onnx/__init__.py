"""The ONNX importer: ModelProto (file, bytes or object) -> a ``func.func @main``
of tg ops.

``graph.py`` walks the graph and knows structure only; ``rules/`` holds one small
rule per ONNX op type, registered by op type and opset (``registry.py``).
"""
from polytile.importers.onnx.errors import OnnxImportError, UnsupportedNode
from polytile.importers.onnx.graph import NodeContext, TensorInfo, import_graph, load_model
from polytile.importers.onnx.registry import rule, supported_op_types

__all__ = ["NodeContext", "OnnxImportError", "TensorInfo", "UnsupportedNode", "import_graph",
           "load_model", "rule", "supported_op_types"]

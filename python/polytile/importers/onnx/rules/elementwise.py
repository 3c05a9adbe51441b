"""Import rules for element-wise ops."""
from __future__ import annotations

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


def _binary(tg_name: str):
    def import_binary(node: NodeContext):
        if node.opset < 7 and node.attr("broadcast", 0):
            node.unsupported("legacy broadcast attribute (opset < 7) is not supported")
        return [node.tg(tg_name, node.input(0), node.input(1))]

    return import_binary


for _op_type, _tg_name in (("Add", "add"), ("Sub", "sub"), ("Mul", "mul"), ("Div", "div")):
    rule(_op_type)(_binary(_tg_name))


@rule("Relu")
def relu(node: NodeContext):
    return [node.tg("relu", node.input(0))]

"""Import an ONNX op through its function body.

Many ONNX ops are defined as functions of other ops (the losses, the window
functions, CenterCropPad, RotaryEmbedding, the newer attention ops, ...). When
polytile has no rule of its own for such a node, the importer replaces the node
by the body ONNX gives for it -- the plain function body, or the body built for
this node's attributes and input types (a "context-dependent" function) -- and
imports those nodes instead, as onnxruntime and onnx-mlir do. What the body
uses must then be supported; an error names the node of the body.

``expand`` only rewrites protobufs: it renames the body's values apart (under
the node's name), binds the formal inputs, outputs and attributes (references
``ref_attr_name`` take the node's attribute or the op's default, and are
dropped when neither exists), and returns the nodes with the opsets the body is
written against. Subgraphs of body nodes (a ``Loop`` body) are renamed too.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Optional

import onnx

from polytile.importers.onnx import opsets


@dataclasses.dataclass
class Expansion:
    """The body nodes of one node, and the opset of each domain they use."""

    nodes: list[onnx.NodeProto]
    opsets: dict[str, int]


def has_function(op_type: str, opset: int, domain: str = "") -> bool:
    found = opsets.schema(op_type, opset, domain)
    return found is not None and (found.has_function or found.has_context_dependent_function)


def expand(node: onnx.NodeProto, opset: int,
           input_type: Callable[[str], Optional[onnx.TypeProto]]) -> Optional[Expansion]:
    """The body of ``node`` (read at ``opset``) as nodes of the enclosing graph, or
    None when ONNX defines none. ``input_type(name)`` gives the TypeProto of an
    input (a context-dependent body depends on them)."""
    found = opsets.schema(node.op_type, opset, node.domain)
    if found is None:
        return None
    body = _function_proto(found, node, opset, input_type)
    if body is None:
        return None
    defaults = {name: a.default_value for name, a in found.attributes.items()
                if a.default_value.type != onnx.AttributeProto.UNDEFINED}
    defaults.update({a.name: a for a in body.attribute_proto})
    return Expansion(_bind(body, node, defaults), {i.domain or "": i.version for i in body.opset_import})


def _function_proto(schema: onnx.defs.OpSchema, node: onnx.NodeProto, opset: int,
                    input_type) -> Optional[onnx.FunctionProto]:
    """The body ONNX builds for ``node`` at ``opset`` (a body is written against an
    opset of its own: the newest one not after ``opset``)."""
    try:
        if schema.has_function:
            version = _body_version(schema.function_opset_versions, opset)
            data = (schema.get_function_with_opset_version(version) if version is not None
                    else schema.function_body.SerializeToString())
        elif schema.has_context_dependent_function:
            types = [input_type(name) if name else None for name in node.input]
            args = (node.SerializeToString(),
                    [(t if t is not None else onnx.TypeProto()).SerializeToString() for t in types])
            version = _body_version(schema.context_dependent_function_opset_versions, opset)
            data = (schema.get_context_dependent_function_with_opset_version(version, *args)
                    if version is not None else schema.get_context_dependent_function(*args))
        else:
            return None
    except Exception:  # no body at this opset, or the builder refuses these attributes or types
        return None
    if not data:
        return None
    proto = onnx.FunctionProto()
    proto.ParseFromString(data)
    return proto if proto.node else None


def _body_version(versions, opset: int) -> Optional[int]:
    """The newest opset a body is written against that is not after ``opset``."""
    usable = [v for v in versions if v <= opset]
    return max(usable) if usable else None


def _bind(body: onnx.FunctionProto, node: onnx.NodeProto, defaults: dict) -> list[onnx.NodeProto]:
    prefix = f"{node.name or node.op_type}/{body.name or node.op_type}/"
    names: dict[str, str] = {"": ""}
    for formal, actual in zip(body.input, node.input):
        names[formal] = actual
    for formal in body.input[len(node.input):]:
        names[formal] = ""  # an optional input the node leaves out
    for formal, actual in zip(body.output, node.output):
        names[formal] = actual
    attributes = {a.name: a for a in node.attribute}
    nodes = []
    for index, inner in enumerate(body.node):
        bound = onnx.NodeProto()
        bound.CopyFrom(inner)
        bound.name = f"{prefix}{inner.name or inner.op_type + '_' + str(index)}"
        _rename_node(bound, names, prefix)
        _bind_attributes(bound, attributes, defaults)
        nodes.append(bound)
    return nodes


def _rename(name: str, names: dict[str, str], prefix: str) -> str:
    if name not in names:
        names[name] = prefix + name
    return names[name]


def _rename_node(node: onnx.NodeProto, names: dict[str, str], prefix: str) -> None:
    node.input[:] = [_rename(n, names, prefix) for n in node.input]
    node.output[:] = [_rename(n, names, prefix) for n in node.output]
    for attr in node.attribute:
        for graph in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
            _rename_graph(graph, names, prefix)


def _rename_graph(graph: onnx.GraphProto, names: dict[str, str], prefix: str) -> None:
    """Rename a subgraph's references to the body's values; its own names get the
    prefix too, so they stay apart from the enclosing graph's."""
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        value.name = _rename(value.name, names, prefix)
    for init in graph.initializer:
        init.name = _rename(init.name, names, prefix)
    for inner in graph.node:
        _rename_node(inner, names, prefix)


def _bind_attributes(node: onnx.NodeProto, attributes: dict, defaults: dict) -> None:
    bound = []
    for attr in node.attribute:
        if not attr.ref_attr_name:
            bound.append(attr)
            continue
        source = attributes.get(attr.ref_attr_name, defaults.get(attr.ref_attr_name))
        if source is None:
            continue  # neither given nor defaulted: the inner op's own default applies
        value = onnx.AttributeProto()
        value.CopyFrom(source)
        value.name = attr.name
        bound.append(value)
    del node.attribute[:]
    node.attribute.extend(bound)

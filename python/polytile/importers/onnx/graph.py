"""The ONNX graph walker: structure only.

It loads and checks the model, pins dynamic input dims, runs ONNX shape
inference, creates ``func.func @main`` whose arguments are the graph inputs, and
visits the nodes in order, handing each to the rule registered for its op type
(``rules/``). Values known at compile time (initializers, Constant nodes, shape
computations on static shapes) are kept as numpy arrays and folded through:
a node whose inputs are all constant is evaluated with ONNX's reference
implementation instead of being imported. Every op carries the ONNX node name
as its location.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Optional, Sequence, Union

import numpy as np
import onnx
from mlir import ir
from mlir.dialects import func

from polytile.dialects import tg
from polytile.importers.onnx import registry, types
from polytile.importers.onnx.errors import OnnxImportError, UnsupportedNode

MIN_OPSET = 7
MAX_OPSET = 23
# Constant subgraphs up to this many elements are folded at import time.
FOLD_LIMIT = 1 << 24
# Ops never folded: their results are not functions of their inputs.
_NEVER_FOLD = {"RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
               "Multinomial", "Bernoulli", "Dropout"}

ModelSource = Union[str, os.PathLike, bytes, onnx.ModelProto]


@dataclasses.dataclass(frozen=True)
class TensorInfo:
    """A model input or output: name, static shape and numpy dtype."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype


def load_model(source: ModelSource) -> onnx.ModelProto:
    """Read a model from a path, bytes or a ModelProto; raises OnnxImportError."""
    if isinstance(source, onnx.ModelProto):
        return source
    try:
        if isinstance(source, bytes):
            return onnx.load_from_string(source)
        path = os.fspath(source)
        if not os.path.exists(path):
            raise OnnxImportError(f"{path}: no such file")
        return onnx.load(path)
    except OnnxImportError:
        raise
    except Exception as e:  # protobuf DecodeError and friends
        raise OnnxImportError(f"{source if not isinstance(source, bytes) else '<bytes>'}: "
                              f"not a valid ONNX model ({type(e).__name__}: {e})") from None


def _dims(value_info: onnx.ValueInfoProto) -> list[Union[int, str, None]]:
    shape = value_info.type.tensor_type.shape
    out: list[Union[int, str, None]] = []
    for dim in shape.dim:
        if dim.HasField("dim_value"):  # 0 is a real (empty) dim
            out.append(dim.dim_value)
        elif dim.HasField("dim_param"):
            out.append(dim.dim_param)
        else:
            out.append(None)
    return out


def pin_input_shapes(model: onnx.ModelProto, input_shapes: Optional[dict]) -> onnx.ModelProto:
    """A copy of ``model`` whose graph inputs all have static shapes."""
    model_copy = onnx.ModelProto()
    model_copy.CopyFrom(model)
    initializers = {i.name for i in model_copy.graph.initializer}
    input_shapes = dict(input_shapes or {})
    names = [i.name for i in model_copy.graph.input if i.name not in initializers]
    for name in input_shapes:
        if name not in names:
            raise OnnxImportError(f"input_shapes names '{name}', which is not a model input "
                                  f"(inputs: {', '.join(names)})")
    for value in model_copy.graph.input:
        if value.name in initializers:
            continue
        tensor_type = value.type.tensor_type
        if not value.type.HasField("tensor_type"):
            raise OnnxImportError(f"input '{value.name}' is not a tensor; only tensor inputs are supported")
        dims = _dims(value)
        if not tensor_type.HasField("shape"):
            if value.name not in input_shapes:
                raise OnnxImportError(f"input '{value.name}' has no shape; pin it with "
                                      f"input_shapes={{'{value.name}': (...)}}")
            dims = [None] * len(input_shapes[value.name])
        pinned = input_shapes.get(value.name)
        if pinned is not None:
            pinned = tuple(int(x) for x in pinned)
            if len(pinned) != len(dims):
                raise OnnxImportError(f"input '{value.name}' has rank {len(dims)} but input_shapes "
                                      f"gives {len(pinned)} dims {pinned}")
            for i, (given, declared) in enumerate(zip(pinned, dims)):
                if isinstance(declared, int) and declared != given:
                    raise OnnxImportError(f"input '{value.name}' dim {i} is {declared} in the model, "
                                          f"but input_shapes pins it to {given}")
            dims = list(pinned)
        for i, dim in enumerate(dims):
            if not isinstance(dim, int):
                label = f" ('{dim}')" if isinstance(dim, str) else ""
                raise OnnxImportError(
                    f"input '{value.name}' has a dynamic dim {i}{label}; pin it with "
                    f"input_shapes={{'{value.name}': (...)}} in Python or "
                    f"--input-shape {value.name}=AxBx... on the command line")
        tensor_type.shape.Clear()
        for dim in dims:
            tensor_type.shape.dim.add().dim_value = dim
    return model_copy


def _attribute_value(attr: onnx.AttributeProto):
    value = onnx.helper.get_attribute_value(attr)
    if attr.type == onnx.AttributeProto.TENSOR:
        return onnx.numpy_helper.to_array(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list) and value and isinstance(value[0], bytes):
        return [v.decode("utf-8", errors="replace") for v in value]
    return value


REQUIRED = object()


class NodeContext:
    """What an import rule sees of one ONNX node."""

    def __init__(self, importer: "GraphImporter", node: onnx.NodeProto, opset: int):
        self.importer = importer
        self.node = node
        self.opset = opset
        self.op_type = node.op_type
        self.name = node.name or f"{node.op_type}_{importer.node_index}"
        self.attrs = {a.name: _attribute_value(a) for a in node.attribute}

    # Inputs -----------------------------------------------------------------
    @property
    def num_inputs(self) -> int:
        return len(self.node.input)

    def has_input(self, i: int) -> bool:
        return i < len(self.node.input) and self.node.input[i] != ""

    def input(self, i: int) -> Optional[ir.Value]:
        """Input ``i`` as an MLIR value (constants materialized as tg.constant)."""
        if not self.has_input(i):
            return None
        return self.importer.value(self.node.input[i])

    def inputs(self) -> list[Optional[ir.Value]]:
        return [self.input(i) for i in range(self.num_inputs)]

    def const(self, i: int) -> Optional[np.ndarray]:
        """Input ``i``'s value if it is known at compile time, else None."""
        if not self.has_input(i):
            return None
        return self.importer.constants.get(self.node.input[i])

    def require_const(self, i: int, what: str) -> np.ndarray:
        value = self.const(i)
        if value is None:
            self.unsupported(f"{what} (input {i}) must be a compile-time constant")
        return value

    def input_type(self, i: int) -> ir.RankedTensorType:
        return ir.RankedTensorType(self.input(i).type)

    def input_shape(self, i: int) -> list[int]:
        if self.const(i) is not None:
            return list(self.const(i).shape)
        return list(self.input_type(i).shape)

    # Attributes -------------------------------------------------------------
    def attr(self, name: str, default=REQUIRED):
        if name in self.attrs:
            return self.attrs[name]
        if default is REQUIRED:
            self.unsupported(f"missing required attribute '{name}'")
        return default

    # Outputs ----------------------------------------------------------------
    def output_type(self, i: int = 0) -> Optional[ir.RankedTensorType]:
        """The output type ONNX shape inference found, if it is fully static."""
        return self.importer.inferred_type(self.node.output[i]) if i < len(self.node.output) else None

    # Building ---------------------------------------------------------------
    def tg(self, op: str, *operands: Optional[ir.Value], result_types=None, **attributes) -> ir.Value:
        """Build ``tg.<op>`` (result type inferred) and return its first result."""
        try:
            built = tg.build(op, operands, attributes, result_types)
        except tg.TypeRuleError as e:
            self.unsupported(f"cannot build tg.{op}: {e}")
        return built.results[0]

    def constant(self, array: np.ndarray) -> ir.Value:
        return self.importer.constant_value(np.asarray(array))

    def unsupported(self, reason: str):
        raise UnsupportedNode(reason)


class GraphImporter:
    def __init__(self, model: onnx.ModelProto, context: ir.Context):
        self.model = model
        self.context = context
        self.values: dict[str, ir.Value] = {}
        self.constants: dict[str, np.ndarray] = {}
        self.node_index = 0
        self._inferred: dict[str, onnx.ValueInfoProto] = {}
        # Keyed by id(array); the array is kept alive with its value so that
        # the id cannot be reused by another array.
        self._constant_cache: dict[int, tuple[np.ndarray, ir.Value]] = {}

    # Values -----------------------------------------------------------------
    def value(self, name: str) -> ir.Value:
        if name in self.values:
            return self.values[name]
        if name in self.constants:
            v = self.constant_value(self.constants[name])
            self.values[name] = v
            return v
        raise UnsupportedNode(f"input '{name}' is not produced by any earlier node or initializer")

    def constant_value(self, array: np.ndarray) -> ir.Value:
        key = id(array)
        cached = self._constant_cache.get(key)
        if cached is not None:
            return cached[1]
        if types.onnx_elem_type(array.dtype) is None:
            raise UnsupportedNode(f"constant of dtype {array.dtype} is not supported")
        value = tg.constant(np.require(array, requirements='C'))
        self._constant_cache[key] = (array, value)
        return value

    def inferred_type(self, name: str) -> Optional[ir.RankedTensorType]:
        info = self._inferred.get(name)
        if info is None or not info.type.HasField("tensor_type"):
            return None
        et = types.mlir_element_type(info.type.tensor_type.elem_type)
        dims = _dims(info)
        if et is None or not info.type.tensor_type.HasField("shape") or \
                not all(isinstance(d, int) for d in dims):
            return None
        return ir.RankedTensorType.get(dims, et)

    # Walking ----------------------------------------------------------------
    def run(self, func_name: str = "main") -> tuple[ir.Operation, list[TensorInfo], list[TensorInfo]]:
        graph = self.model.graph
        opset = _default_opset(self.model)
        for vi in list(graph.value_info) + list(graph.output) + list(graph.input):
            self._inferred[vi.name] = vi
        for init in graph.initializer:
            try:
                self.constants[init.name] = onnx.numpy_helper.to_array(init)
            except Exception as e:
                raise OnnxImportError(f"initializer '{init.name}' cannot be read: {e}") from None
        inputs = [i for i in graph.input if i.name not in self.constants]
        input_infos, arg_types = [], []
        for value in inputs:
            et = types.mlir_element_type(value.type.tensor_type.elem_type)
            if et is None:
                raise OnnxImportError(f"input '{value.name}' has unsupported element type "
                                      f"{types.onnx_type_name(value.type.tensor_type.elem_type)}")
            dims = [int(d) for d in _dims(value)]
            arg_types.append(ir.RankedTensorType.get(dims, et))
            input_infos.append(TensorInfo(value.name, tuple(dims),
                                          types.numpy_dtype(value.type.tensor_type.elem_type)))

        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            fn = func.FuncOp(func_name, ir.FunctionType.get(arg_types, []))
        block = fn.add_entry_block()
        for value, arg in zip(inputs, block.arguments):
            self.values[value.name] = arg
        with ir.InsertionPoint(block):
            for node in graph.node:
                self._import_node(node, opset)
                self.node_index += 1
            results, output_infos = [], []
            for out in graph.output:
                with ir.Location.name(out.name):
                    v = self._output_value(out.name)
                results.append(v)
                rt = ir.RankedTensorType(v.type)
                output_infos.append(TensorInfo(out.name, tuple(rt.shape),
                                               _numpy_dtype_of(rt.element_type)))
            func.ReturnOp(results)
        fn.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [r.type for r in results]))
        return module, input_infos, output_infos

    def _output_value(self, name: str) -> ir.Value:
        try:
            return self.value(name)
        except UnsupportedNode:
            raise OnnxImportError(f"graph output '{name}' is not produced by any node") from None

    def _import_node(self, node: onnx.NodeProto, default_opset: int) -> None:
        opset = _opset_for(self.model, node.domain) if node.domain not in ("", "ai.onnx") else default_opset
        ctx = NodeContext(self, node, opset)
        where = f"node '{ctx.name}' ({node.op_type}"
        if node.domain not in ("", "ai.onnx"):
            where += f", domain '{node.domain}'"
        where += ")"
        if node.domain in ("", "ai.onnx"):
            opset = _supported_opset(node.op_type, opset, where)
            ctx.opset = opset
        if node.op_type not in _NEVER_FOLD and self._try_fold(node, opset):
            return
        fn = registry.lookup(node.op_type, opset, node.domain)
        if fn is None:
            known = registry.lookup(node.op_type, MAX_OPSET, node.domain) is not None
            reason = (f"opset {opset} of {node.op_type} is not supported" if known
                      else f"op type '{node.op_type}' is not supported")
            raise OnnxImportError(f"{where}: {reason}")
        try:
            with ir.Location.name(ctx.name):
                outputs = fn(ctx)
        except UnsupportedNode as e:
            raise OnnxImportError(f"{where}: {e}") from None
        for name, out in zip(node.output, outputs):
            if not name:
                continue
            if isinstance(out, np.ndarray):
                self.constants[name] = out
            else:
                self.values[name] = out

    def _try_fold(self, node: onnx.NodeProto, opset: int) -> bool:
        """Evaluate a node whose inputs are all constants with ONNX's reference
        implementation; True if its outputs are now constants."""
        names = [n for n in node.input if n]
        if not all(n in self.constants for n in names):
            return False
        if node.op_type != "Constant" and not names:
            return False
        if sum(self.constants[n].size for n in names) > FOLD_LIMIT:
            return False
        if node.op_type == "Constant":
            outputs = [_constant_node_value(node)]
        else:
            values = [self.constants[n] if n else None for n in node.input]
            outputs = _reference_eval(node, values, opset)
            if outputs is None:
                return False
        for name, value in zip(node.output, outputs):
            if name:
                self.constants[name] = np.asarray(value)
        return True


def _schema_version(op_type: str, opset: int) -> Optional[int]:
    try:
        return onnx.defs.get_schema(op_type, opset, "").since_version
    except Exception:  # unknown op or no version at that opset
        return None


def _supported_opset(op_type: str, opset: int, where: str) -> int:
    """The opset to import ``op_type`` at. Models outside MIN_OPSET..MAX_OPSET are
    accepted node by node when the op's definition is the same as at the nearest
    supported opset (ONNX gives every change of an op a new version)."""
    if MIN_OPSET <= opset <= MAX_OPSET:
        return opset
    version = _schema_version(op_type, opset)
    if opset > MAX_OPSET:
        if version is not None and version <= MAX_OPSET:
            return MAX_OPSET
        if version is not None and registry.rule_since(op_type, opset) >= version:
            return opset  # a rule written for this newer version of the op
        raise OnnxImportError(f"{where}: opset {opset} version of {op_type} (since opset {version}) "
                              f"is not supported (supported: opsets {MIN_OPSET} to {MAX_OPSET})")
    if version is not None and version == _schema_version(op_type, MIN_OPSET):
        return MIN_OPSET
    raise OnnxImportError(f"{where}: opset {opset} version of {op_type} differs from its opset "
                          f"{MIN_OPSET} definition and is not supported (supported: opsets "
                          f"{MIN_OPSET} to {MAX_OPSET})")


def _constant_node_value(node: onnx.NodeProto) -> np.ndarray:
    for attr in node.attribute:
        value = _attribute_value(attr)
        if attr.name == "value":
            return np.asarray(value)
        if attr.name in ("value_float", "value_int"):
            return np.asarray(value, dtype=np.float32 if attr.name == "value_float" else np.int64)
        if attr.name in ("value_floats", "value_ints"):
            return np.asarray(value, dtype=np.float32 if attr.name == "value_floats" else np.int64)
    raise UnsupportedNode("Constant node without a supported value attribute")


def _reference_eval(node: onnx.NodeProto, values: Sequence[Optional[np.ndarray]], opset: int):
    from onnx.reference import ReferenceEvaluator

    try:
        inputs = []
        feeds = {}
        for name, v in zip(node.input, values):
            if not name:
                continue
            inputs.append(onnx.helper.make_tensor_value_info(
                name, onnx.helper.np_dtype_to_tensor_dtype(v.dtype), v.shape))
            feeds[name] = v
        outputs = [onnx.helper.make_empty_tensor_value_info(o) for o in node.output if o]
        graph = onnx.helper.make_graph([node], "fold", inputs, outputs)
        model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", opset)])
        results = ReferenceEvaluator(model).run(None, feeds)
    except Exception:
        return None
    if any(not isinstance(r, np.ndarray) and not np.isscalar(r) for r in results):
        return None
    return [np.asarray(r) for r in results]


def _numpy_dtype_of(element_type: ir.Type) -> np.dtype:
    from polytile.runtime.jit import numpy_dtype
    return numpy_dtype(element_type)


def _opset_for(model: onnx.ModelProto, domain: str) -> int:
    for imp in model.opset_import:
        if imp.domain == domain:
            return imp.version
    return 1


def _default_opset(model: onnx.ModelProto) -> int:
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return imp.version
    return MAX_OPSET


def import_graph(source: ModelSource, input_shapes: Optional[dict] = None,
                 context: Optional[ir.Context] = None, check: bool = True):
    """ONNX model -> (module with ``func.func @main`` of tg ops, inputs, outputs)."""
    from polytile.context import create_context

    model = load_model(source)
    if not model.graph.node and not model.graph.output:
        raise OnnxImportError("the model has an empty graph")
    opset = _default_opset(model)
    if opset < 1:
        raise OnnxImportError(f"opset {opset} is not a valid ONNX opset")
    if check:
        try:
            onnx.checker.check_model(model)
        except Exception as e:
            raise OnnxImportError(f"the model is not valid ONNX: {str(e).strip().splitlines()[0]}") from None
    model = pin_input_shapes(model, input_shapes)
    try:
        model = onnx.shape_inference.infer_shapes(model, check_type=False, strict_mode=False, data_prop=True)
    except Exception as e:
        raise OnnxImportError(f"ONNX shape inference failed: {str(e).strip().splitlines()[0]}") from None
    context = context or create_context()
    with context, ir.Location.unknown():
        return GraphImporter(model, context).run()

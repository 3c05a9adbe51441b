"""The ONNX graph walker: structure only.

It loads and checks the model, pins dynamic input dims, runs ONNX shape
inference, creates ``func.func @main`` whose arguments are the graph inputs, and
visits the nodes in order, handing each to the rule registered for its op type
(``rules/``). Values known at compile time (initializers, Constant nodes, shape
computations on static shapes) are kept as numpy arrays and folded through:
a node whose inputs are all constant is evaluated with ONNX's reference
implementation instead of being imported, within a size budget
(``fold_limit_bytes``, see :meth:`GraphImporter._try_fold`). Every op carries
the ONNX node name as its location.

Models with external data are read from their folder only, and mapped rather
than read (``external_data.py``); ONNX's checker and shape inference see the
model without the data of its big initializers, so models over protobuf's 2 GiB
limit import too.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
from typing import Optional, Sequence, Union

import numpy as np
import onnx
from mlir import ir
from mlir.dialects import func

from polytile.dialects import tg
from polytile.importers.onnx import (containers, external_data, functions, opsets, registry, shape_values,
                                     types, value_rules)
from polytile.importers.onnx.errors import OnnxImportError, UnsupportedNode
from polytile.resources import DEFAULT_FOLD_LIMIT_BYTES, ResourceError, fold_allowed, format_bytes

from polytile.importers.onnx.opsets import BASE_OPSET, MAX_OPSET, MIN_OPSET  # noqa: F401
# Nodes whose constant inputs hold more than this many elements in all are not
# folded at import time (a bound on the reference evaluator's work; the size of
# results is bounded by ``fold_limit_bytes``).
FOLD_LIMIT = 1 << 24
# Constant inputs up to this many elements are handed to ONNX's per-node shape
# inference as values when the size of a result must be known before folding.
_INFERENCE_DATA_LIMIT = 1 << 12
# Ops whose rule computes the result at compile time (polytile has no run-time
# op for them): their size is checked against the budget before the rule runs.
_COMPILE_TIME_RESULTS = {"Range", "EyeLike"}
# Ops with ONNX's multidirectional (numpy) broadcasting of their inputs.
_BROADCASTING = {"Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Mean", "Sum", "Equal",
                 "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "And", "Or", "Xor", "BitShift",
                 "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Where", "PRelu"}
# Ops the importer handles itself, without a rule.
_FOLDED_BY_IMPORTER = {"Constant"}
# Ops whose rules take symbolic shape values (shape_values.py) themselves.
_TAKES_SHAPE_VALUES = {"Reshape"}
# Ops never folded: their results are not functions of their inputs.
_NEVER_FOLD = {"RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
               "Multinomial", "Bernoulli", "Dropout",
               # their subgraphs read outer-scope values: their rules fold what is constant
               "If", "Loop", "Scan"} | containers.OP_TYPES

ModelSource = Union[str, os.PathLike, bytes, onnx.ModelProto]


@dataclasses.dataclass(frozen=True)
class TensorInfo:
    """A model input or output: name, shape and numpy dtype. A dynamic dim is
    its symbol (the model's ``dim_param``, or ``<input>:<index>`` for an unnamed
    one), or None for an output dim that has no name."""

    name: str
    shape: tuple[Union[int, str, None], ...]
    dtype: np.dtype
    # Rules on the values of an input that ops read as axes or counts (value_rules.py).
    value_rules: tuple = ()

    @property
    def is_static(self) -> bool:
        return all(isinstance(d, int) for d in self.shape)


def _shape_range(start: int, end: Optional[int], rank: int) -> tuple[int, int]:
    """ONNX Shape's ``start``/``end`` (negative from the back, clamped) as [start, end)."""
    start = min(max(start + rank if start < 0 else start, 0), rank)
    end = rank if end is None else min(max(end + rank if end < 0 else end, 0), rank)
    return start, max(start, end)


def load_model(source: ModelSource, load_external_data: bool = True) -> onnx.ModelProto:
    """Read a model from a path, bytes or a ModelProto; raises OnnxImportError.

    External data references are checked (they must stay inside the model's
    folder, see ``external_data.py``); with ``load_external_data`` the data is
    read into the returned model, as ``onnx.load`` does (such a model may be
    over protobuf's 2 GiB limit: give ``import_graph``/``polytile.compile`` the
    path instead, which maps the data rather than reading it)."""
    model, base_dir = _read_model(source)
    external_data.check_all(model, base_dir)
    if load_external_data:
        external_data.load_all(model, base_dir)
    return model


def _read_model(source: ModelSource) -> tuple[onnx.ModelProto, Optional[str]]:
    """The model without its external data, and the folder that data is read
    from (None unless ``source`` is a path)."""
    if isinstance(source, onnx.ModelProto):
        return source, None
    try:
        if isinstance(source, bytes):
            return onnx.load_from_string(source), None
        path = os.fspath(source)
        if not os.path.exists(path):
            raise OnnxImportError(f"{path}: no such file")
        model = onnx.load(path, load_external_data=False)
        return model, os.path.dirname(os.path.abspath(path))
    except OnnxImportError:
        raise
    except Exception as e:  # protobuf DecodeError and friends
        raise OnnxImportError(f"{source if not isinstance(source, bytes) else '<bytes>'}: "
                              f"not a valid ONNX model ({type(e).__name__}: {e})") from None


def _dims(value_info: onnx.ValueInfoProto) -> list[Union[int, str, None]]:
    shape = value_info.type.tensor_type.shape
    out: list[Union[int, str, None]] = []
    for dim in shape.dim:
        if dim.HasField("dim_value") and dim.dim_value >= 0:  # 0 is a real (empty) dim
            out.append(dim.dim_value)
        elif dim.HasField("dim_value"):  # -1, as some exporters write an unknown dim
            out.append(None)
        elif dim.HasField("dim_param"):
            out.append(dim.dim_param)
        else:
            out.append(None)
    return out


def pin_input_shapes(model: onnx.ModelProto, input_shapes: Optional[dict],
                     constants: Sequence[str] = ()) -> onnx.ModelProto:
    """A copy of ``model`` whose graph-input dims are the sizes ``input_shapes``
    pins, or named symbols (``dim_param``) where they stay dynamic: a
    ``dim_param`` keeps its name; a missing ``dim_value`` and ``-1`` are named
    ``<input>:<index>``. Graph inputs named in ``constants`` are initializers
    (of a skeleton) and left alone."""
    model_copy = onnx.ModelProto()
    model_copy.CopyFrom(model)
    initializers = {i.name for i in model_copy.graph.initializer} | set(constants)
    input_shapes = dict(input_shapes or {})
    names = [i.name for i in model_copy.graph.input if i.name not in initializers]
    for name in input_shapes:
        if name not in names:
            raise OnnxImportError(f"input_shapes names '{name}', which is not a model input "
                                  f"(inputs: {', '.join(names)})")
    # A dim_param pinned on one input is pinned on every input that names it.
    pinned_names: dict[str, int] = {}
    for value in model_copy.graph.input:
        if value.name in input_shapes and value.type.tensor_type.HasField("shape"):
            for declared, given in zip(_dims(value), input_shapes[value.name]):
                if isinstance(declared, str):
                    pinned_names.setdefault(declared, int(given))
    for value in model_copy.graph.input:
        if value.name in initializers:
            continue
        tensor_type = value.type.tensor_type
        if not value.type.HasField("tensor_type"):
            kind = value.type.WhichOneof("value") or "untyped"
            raise OnnxImportError(f"input '{value.name}' is not a tensor ({kind.replace('_type', '')}); only "
                                  f"tensor inputs are supported (a sequence or optional graph input is "
                                  f"not supported yet: its length or presence is known only at run time)")
        dims = [pinned_names.get(d, d) if isinstance(d, str) else d for d in _dims(value)]
        if not tensor_type.HasField("shape"):
            if value.name not in input_shapes:
                raise OnnxImportError(f"input '{value.name}' has no shape (not even a rank); pin it with "
                                      f"input_shapes={{'{value.name}': (...)}} in Python or "
                                      f"--input-shape {value.name}=AxBx... on the command line")
            dims = [None] * len(input_shapes[value.name])
        pinned = input_shapes.get(value.name)
        if pinned is not None:
            pinned = tuple(int(x) for x in pinned)
            if len(pinned) != len(dims):
                raise OnnxImportError(f"input '{value.name}' has rank {len(dims)} but input_shapes "
                                      f"gives {len(pinned)} dims {pinned}")
            for i, (given, declared) in enumerate(zip(pinned, dims)):
                if given < 0:
                    raise OnnxImportError(f"input_shapes pins input '{value.name}' dim {i} to {given}; "
                                          f"sizes must be >= 0")
                if isinstance(declared, int) and declared != given:
                    raise OnnxImportError(f"input '{value.name}' dim {i} is {declared} in the model, "
                                          f"but input_shapes pins it to {given}")
            dims = list(pinned)
        tensor_type.shape.Clear()
        for i, dim in enumerate(dims):
            entry = tensor_type.shape.dim.add()
            if isinstance(dim, int):
                entry.dim_value = dim
            else:
                entry.dim_param = dim if isinstance(dim, str) and dim else f"{value.name}:{i}"
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

    def container(self, i: int):
        """Input ``i`` when it is a sequence or an optional (``containers.py``), else None."""
        if not self.has_input(i):
            return None
        return self.importer.containers.get(self.node.input[i])

    def is_graph_input(self, i: int) -> bool:
        """Whether input ``i`` is one of the model's (non-initializer) inputs."""
        return self.has_input(i) and self.node.input[i] in self.importer.graph_input_names

    def check_values(self, i: int, kind: str, **details) -> None:
        """Input ``i`` is read as axes or a count at run time: when it is a graph input,
        the compiled model checks its values at the door (see value_rules.py)."""
        name = self.node.input[i]
        if name in self.importer.graph_input_names:
            rule = value_rules.ValueRule(kind, f"{self.op_type} node '{self.name}'", **details)
            self.importer.value_rules.setdefault(name, []).append(rule)

    def require_const(self, i: int, what: str) -> np.ndarray:
        value = self.const(i)
        if value is None:
            self.unsupported(f"{what} (input {i}) must be a compile-time constant")
        return value

    def input_type(self, i: int) -> ir.RankedTensorType:
        return ir.RankedTensorType(self.input(i).type)

    def input_rank(self, i: int) -> int:
        if self.const(i) is not None:
            return self.const(i).ndim
        return self.input_type(i).rank

    def input_dims(self, i: int) -> list[Optional[int]]:
        """Input ``i``'s dims, None where a dim is dynamic."""
        if self.const(i) is not None:
            return list(self.const(i).shape)
        t = self.input_type(i)
        return [None if t.is_dynamic_dim(k) else int(t.shape[k]) for k in range(t.rank)]

    def input_symbols(self, i: int) -> list[Union[int, str, None]]:
        """Input ``i``'s dims with each dynamic dim as its canonical symbol (None
        when it has none), see ``shape_values.DimSymbols``."""
        dims = self.input_dims(i)
        names = self.importer.dim_names(self.node.input[i])
        out: list[Union[int, str, None]] = []
        for k, d in enumerate(dims):
            name = names[k] if names is not None and k < len(names) else None
            out.append(d if d is not None else
                       (self.importer.symbols.find(name) if isinstance(name, str) else None))
        return out

    def input_shape(self, i: int) -> list[int]:
        """Input ``i``'s static shape; unsupported (naming the input) when a dim is
        dynamic: rules that handle dynamic dims use :meth:`input_dims`."""
        dims = self.input_dims(i)
        if any(d is None for d in dims):
            shown = "x".join("?" if d is None else str(d) for d in dims)
            self.unsupported(f"input {i} ('{self.node.input[i]}') has dynamic dims ({shown}); "
                             f"{self.op_type} with dynamic dims is not supported yet "
                             f"(pin the input shapes)")
        return dims

    def shape_value(self, i: int):
        """Input ``i`` as a constant array or a symbolic ``ShapeValue``; None when
        it is neither (a run-time tensor) or absent."""
        if not self.has_input(i):
            return None
        const = self.const(i)
        return const if const is not None else self.importer.shape_values.get(self.node.input[i])

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
    """Walks one (shape-inferred) model. ``initializers`` (name -> array) are
    the initializers' values when they are not all in ``model`` itself (a
    skeleton); ``fold_limit_bytes`` is the constant-folding budget."""

    def __init__(self, model: onnx.ModelProto, context: ir.Context,
                 initializers: Optional[dict] = None,
                 fold_limit_bytes: int = DEFAULT_FOLD_LIMIT_BYTES):
        self.model = model
        self.context = context
        self.initializers = initializers
        self.fold_limit_bytes = fold_limit_bytes
        self.values: dict[str, ir.Value] = {}
        self.constants: dict[str, np.ndarray] = {}
        # Shape computations on dynamic dims, followed symbolically (shape_values.py).
        self.shape_values: dict[str, shape_values.ShapeValue] = {}
        # Sequences and optionals, followed at compile time (containers.py).
        self.containers: dict[str, containers.Container] = {}
        # the node (and its opset) that made each shape value, to import it at run time
        self.shape_value_producers: dict[str, tuple] = {}
        self.symbols = shape_values.DimSymbols()
        self.graph_input_names: set[str] = set()
        self._symbol_tagged: list = []  # (tg op, dim symbols of its A) of matrix products
        self.value_rules: dict[str, list] = {}
        # Dim symbols that an op proves to have a static size (see _unify_dims).
        self.dim_sizes: dict[str, int] = {}
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
        if name in self.shape_values:
            return self._materialize(name)
        if name in self.containers:
            raise UnsupportedNode(f"input '{name}' is {containers.describe(self.containers[name])}, where "
                                  f"a tensor is expected")
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

    def dim_names(self, name: str) -> Optional[list[Union[int, str, None]]]:
        """The dims ONNX shape inference found for value ``name`` (ints, dim
        names, None), or None when it found no shape."""
        info = self._inferred.get(name)
        if info is None or not info.type.HasField("tensor_type") or \
                not info.type.tensor_type.HasField("shape"):
            return None
        return _dims(info)

    # Walking ----------------------------------------------------------------
    def run(self, func_name: str = "main") -> tuple[ir.Operation, list[TensorInfo], list[TensorInfo]]:
        graph = self.model.graph
        opset = _default_opset(self.model)
        for vi in list(graph.value_info) + list(graph.output) + list(graph.input):
            self._inferred[vi.name] = vi
        if self.initializers is not None:
            self.constants.update(self.initializers)
        else:
            for init in graph.initializer:
                self.constants[init.name] = external_data.initializer_array(init, None)
        inputs = [i for i in graph.input if i.name not in self.constants]
        self.graph_input_names = {i.name for i in inputs}
        input_infos, arg_types = [], []
        for value in inputs:
            et = types.mlir_element_type(value.type.tensor_type.elem_type)
            if et is None:
                elem = value.type.tensor_type.elem_type
                raise OnnxImportError(f"input '{value.name}' has unsupported element type "
                                      f"{types.onnx_type_name(elem)}{types.why_unsupported(elem)}")
            dims = _dims(value)
            arg_types.append(ir.RankedTensorType.get(
                [d if isinstance(d, int) else tg.DYNAMIC for d in dims], et))
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
                names = self.dim_names(out.name) or []
                dims = tuple(int(rt.shape[k]) if not rt.is_dynamic_dim(k) else
                             (self.symbols.find(names[k]) if k < len(names) and isinstance(names[k], str)
                              else None)
                             for k in range(rt.rank))
                output_infos.append(TensorInfo(out.name, dims, _numpy_dtype_of(rt.element_type)))
            func.ReturnOp(results)
        fn.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [r.type for r in results]))
        input_infos = [dataclasses.replace(i, value_rules=tuple(self.value_rules.get(i.name, ())))
                       for i in input_infos]
        for op, symbols in self._symbol_tagged:  # names as finally unified
            op.attributes[tg.DIM_SYMBOLS_ATTR] = ir.ArrayAttr.get(
                [ir.StringAttr.get(self.symbols.find(d) if isinstance(d, str) else "") for d in symbols])
        return module, [self._fix_input_dims(i) for i in input_infos], output_infos

    def _fix_input_dims(self, info: TensorInfo) -> TensorInfo:
        """``info`` with each dim symbol replaced by its class's name, or by the
        static size an op proved it has: what the run-time check enforces."""
        dims = []
        for d in info.shape:
            if isinstance(d, str):
                d = self.symbols.find(d)
                d = self.dim_sizes.get(d, d)
            dims.append(d)
        return dataclasses.replace(info, shape=tuple(dims))

    def _output_value(self, name: str) -> ir.Value:
        if name in self.containers:
            raise OnnxImportError(f"graph output '{name}' is {containers.describe(self.containers[name])}; "
                                  f"sequence and optional graph outputs are not supported yet (only "
                                  f"tensor outputs are)")
        if name in self.shape_values:  # a shape known only at run time, computed then
            try:
                return self._materialize(name)
            except UnsupportedNode as e:
                raise OnnxImportError(f"graph output '{name}': {e}") from None
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
        through_body = False
        if node.domain in ("", "ai.onnx"):
            opset, through_body = _supported_opset(node.op_type, opset, where)
            ctx.opset = opset
        try:
            if node.op_type not in _NEVER_FOLD and self._try_fold(node, opset):
                return
        except UnsupportedNode as e:
            raise OnnxImportError(f"{where}: {e}") from None
        if node.op_type not in _TAKES_SHAPE_VALUES and \
                any(n in self.shape_values for n in node.input if n) and \
                self._evaluate_shape_value(ctx, where):
            return
        if node.op_type == "ConstantOfShape" and node.domain in ("", "ai.onnx") and \
                self._splat_of_shape(ctx):
            return
        if node.op_type in _COMPILE_TIME_RESULTS and node.domain in ("", "ai.onnx"):
            self._check_compile_time_result(ctx)
        fn = None if through_body else registry.lookup(node.op_type, opset, node.domain)
        if fn is None:
            if self._import_function_body(node, opset, where):
                return
            if through_body:
                raise OnnxImportError(f"{where}: {_newer_version_reason(node.op_type, opset)}")
            known = registry.lookup(node.op_type, MAX_OPSET, node.domain) is not None
            reason = (f"opset {opset} of {node.op_type} is not supported" if known
                      else f"op type '{node.op_type}' is not supported")
            raise OnnxImportError(f"{where}: {reason}")
        try:
            with ir.Location.name(ctx.name):
                outputs = fn(ctx)
        except UnsupportedNode as e:
            raise OnnxImportError(f"{where}: {e}") from None
        if node.op_type in _BROADCASTING or node.op_type in ("MatMul", "Gemm"):
            self._unify_dims(ctx)
        if node.op_type in ("MatMul", "Gemm"):
            self._tag_dim_symbols(ctx, outputs)
        self._store_outputs(node, outputs, opset)

    # Subgraphs (If, Loop, Scan) ----------------------------------------------
    def import_subgraph(self, graph: onnx.GraphProto, bound: Sequence, opset: int) -> list:
        """Import the nodes of ``graph`` (a branch or loop body) at the current insertion
        point, its inputs bound to ``bound`` (MLIR values or constant arrays, in order);
        returns its outputs (MLIR values, or arrays for outputs known at compile time).
        Outer-scope names stay visible. Call inside :meth:`region_scope` when the nodes
        go into a region, so that nothing made there is reused outside it."""
        for vi in list(graph.value_info) + list(graph.output) + list(graph.input):
            self._inferred.setdefault(vi.name, vi)
        for value_info, value in zip(graph.input, bound):
            self.bind(value_info.name, value)
        for init in graph.initializer:
            self.bind(init.name, external_data.initializer_array(init, None))
        for node in graph.node:
            self._import_node(node, opset)
        outputs = []
        for out in graph.output:
            if out.name in self.constants:
                outputs.append(self.constants[out.name])
            elif out.name in self.containers:
                outputs.append(self.containers[out.name])
            else:
                try:
                    outputs.append(self.value(out.name))
                except UnsupportedNode:
                    raise UnsupportedNode(f"subgraph output '{out.name}' is not produced by any node") from None
        return outputs

    @contextlib.contextmanager
    def region_scope(self):
        """Values and cached constants made inside a region are forgotten when it
        closes (they do not dominate what follows it), and so are the sequences and
        optionals made there (they may hold such values); compile-time constants and
        symbolic shapes are kept (they are not IR)."""
        values, cache, held = dict(self.values), dict(self._constant_cache), dict(self.containers)
        try:
            yield
        finally:
            self.values, self._constant_cache, self.containers = values, cache, held

    def _import_function_body(self, node: onnx.NodeProto, opset: int, where: str) -> bool:
        """Import ``node`` as the nodes of its ONNX function body (functions.py); False
        when ONNX defines no body for it. A node of the body that cannot be imported
        is reported as part of ``node``."""
        expansion = functions.expand(node, opset, self._type_proto)
        if expansion is None:
            return False
        body_opset = expansion.opsets.get("", opset)
        for inner in expansion.nodes:
            try:
                self._import_node(inner, body_opset)
            except OnnxImportError as e:
                raise OnnxImportError(f"{where}, imported through its ONNX function body: {e}") from None
        return True

    def _type_proto(self, name: str) -> Optional[onnx.TypeProto]:
        """The ONNX type of an imported value (its element type and the dims known
        now), for builders of context-dependent function bodies."""
        if name in self.constants:
            array = self.constants[name]
            elem, dims = types.onnx_elem_type(array.dtype), list(array.shape)
        elif name in self.shape_values:
            value = self.shape_values[name]
            elem, dims = onnx.TensorProto.INT64, ([] if value.scalar else [len(value.entries)])
        elif name in self.values:
            t = ir.RankedTensorType(self.values[name].type)
            elem = types.onnx_elem_type(_numpy_dtype_of(t.element_type))
            dims = [None if t.is_dynamic_dim(k) else int(t.shape[k]) for k in range(t.rank)]
        else:
            return None
        if elem is None:
            return None
        return onnx.helper.make_tensor_type_proto(elem, dims)

    def _tag_dim_symbols(self, ctx: "NodeContext", outputs) -> None:
        """Name the dims of a matrix product's A on its tg op (``tg.dim_symbols``), so that
        the default scheduler can size the tiles of dynamic rows from ``dim_bounds``."""
        value = outputs[0] if outputs and isinstance(outputs[0], ir.Value) else None
        owner = getattr(value.owner, "operation", value.owner) if value is not None else None
        if not isinstance(owner, ir.Operation) or owner.name not in ("tg.matmul", "tg.gemm"):
            return
        symbols = ctx.input_symbols(0)
        if all(isinstance(d, int) for d in symbols):
            return
        self._symbol_tagged.append((owner, symbols))

    def _unify_dims(self, ctx: "NodeContext") -> None:
        """Record what a broadcasting op or a matrix product implies about its
        dynamic input dims: aligned dynamic dims are the same symbol, and a dynamic
        dim aligned with a static one (not 1) has that size. The compiled code
        relies on it (a dynamic dim is never broadcast from 1), and the inputs are
        checked against it at run time (see :meth:`_fix_input_dims`)."""
        groups: list[list] = []
        ranks = [ctx.input_rank(i) if ctx.has_input(i) else 0 for i in range(ctx.num_inputs)]
        symbols = [ctx.input_symbols(i) if ctx.has_input(i) else [] for i in range(ctx.num_inputs)]
        out = self.dim_names(ctx.node.output[0]) or []
        if ctx.op_type == "Gemm":
            a, b = symbols[0], symbols[1]
            trans_a, trans_b = ctx.attr("transA", 0), ctx.attr("transB", 0)
            groups.append([a[0 if trans_a else 1], b[1 if trans_b else 0]])
            if len(out) == 2:
                groups += [[a[1 if trans_a else 0], out[0]], [b[0 if trans_b else 1], out[1]]]
        elif ctx.op_type == "MatMul":
            a, b = symbols[0], symbols[1]
            if a and b:
                groups.append([a[-1], b[-2] if len(b) >= 2 else b[0]])
                batch_a, batch_b = a[:-2], b[:-2]
                width = max(len(batch_a), len(batch_b))
                out_batch = out[:-2] if len(a) >= 2 and len(b) >= 2 else []
                for k in range(1, width + 1):
                    groups.append([d[-k] for d in (batch_a, batch_b, out_batch) if len(d) >= k])
                if len(a) >= 2 and len(b) >= 2 and len(out) >= 2:
                    groups += [[a[-2], out[-2]], [b[-1], out[-1]]]
        else:
            width = max(ranks)
            for k in range(1, width + 1):
                groups.append([d[-k] for d in symbols + [out] if len(d) >= k])
        for group in groups:
            names = [g for g in group if isinstance(g, str)]
            sizes = {g for g in group if isinstance(g, int) and g != 1}
            for name in names[1:]:
                self.symbols.union(names[0], name)
            if names and len(sizes) == 1:
                self.dim_sizes.setdefault(self.symbols.find(names[0]), sizes.pop())

    def _store_outputs(self, node: onnx.NodeProto, outputs, opset: int) -> None:
        for name, out in zip(node.output, outputs):
            if not name:
                continue
            self.bind(name, out)
            if isinstance(out, shape_values.ShapeValue):
                self.shape_value_producers[name] = (node, opset)

    def bind(self, name: str, value) -> None:
        """Make ``name`` stand for ``value`` (an MLIR value, a numpy array, a shape
        value or a sequence/optional), forgetting what it stood for before (a body
        unrolled at compile time binds the same names once per iteration)."""
        for table in (self.values, self.constants, self.shape_values, self.containers):
            table.pop(name, None)
        if isinstance(value, np.ndarray):
            self.constants[name] = value
        elif isinstance(value, shape_values.ShapeValue):
            self.shape_values[name] = value
        elif containers.is_container(value):
            self.containers[name] = value
        else:
            self.values[name] = value

    def _evaluate_shape_value(self, ctx: "NodeContext", where: str) -> bool:
        """Follow a shape computation on dynamic dims symbolically (shape_values.py);
        False when it cannot be (an input is a run-time tensor, or the op is not one
        that shape_values evaluates): the node is then imported as run-time ops, its
        shape inputs made run-time tensors (:meth:`_materialize`)."""
        inputs = [ctx.shape_value(i) if ctx.has_input(i) else None for i in range(ctx.num_inputs)]
        if any(ctx.has_input(i) and v is None for i, v in enumerate(inputs)):
            return False
        try:
            out = shape_values.evaluate(ctx.op_type, inputs, ctx.attrs)
        except shape_values.NotSymbolic:
            return False
        self._store_outputs(ctx.node, [out], ctx.opset)
        return True

    def _materialize(self, name: str) -> ir.Value:
        """The symbolic shape value ``name`` as a run-time i64 tensor: the node that made
        it is imported again as run-time ops (a ``Shape`` as ``tg.shape_of``), its own
        shape inputs materialized the same way, at the current insertion point (after
        every value it reads). The value stays symbolic for the ops that follow it
        symbolically."""
        node, opset = self.shape_value_producers[name]
        ctx = NodeContext(self, node, opset)
        where = f"node '{ctx.name}' ({node.op_type})"
        try:
            with ir.Location.name(ctx.name):
                if node.op_type == "Shape":
                    rank = ctx.input_rank(0)
                    start, end = _shape_range(ctx.attr("start", 0), ctx.attr("end", None), rank)
                    outputs = [ctx.tg("shape_of", ctx.input(0), start=start, end=end)]
                elif node.op_type == "Size":  # the product of the run-time shape
                    rank = ctx.input_rank(0)
                    dims = ctx.tg("shape_of", ctx.input(0), start=0, end=rank)
                    outputs = [ctx.tg("reduce_prod", dims, axes=[0], keepdims=0)]
                else:
                    outputs = registry.lookup(node.op_type, opset, node.domain)(ctx)
        except UnsupportedNode as e:
            raise UnsupportedNode(f"the shape '{name}' is needed as a run-time tensor, but {where} "
                                  f"cannot make it: {e}") from None
        for out_name, out in zip(node.output, outputs):
            if out_name and isinstance(out, ir.Value):
                self.values[out_name] = out
        if name not in self.values:
            raise UnsupportedNode(f"the shape '{name}' is needed as a run-time tensor, but {where} "
                                  f"does not make one")
        return self.values[name]

    def _try_fold(self, node: onnx.NodeProto, opset: int) -> bool:
        """Evaluate a node whose inputs are all constants with ONNX's reference
        implementation; True if its outputs are now constants.

        The budget rule (``polytile.resources.fold_allowed``): the node is folded
        only when the total number of elements of its inputs is at most
        ``FOLD_LIMIT`` and the size of each output is known before evaluating it
        -- from ONNX shape inference on the model, from the constant inputs
        (ConstantOfShape, Expand, Tile, Range), or from ONNX's shape inference of
        the node alone given its small constant inputs -- and is at most
        ``max(fold_limit_bytes, bytes of the largest constant input)``. So
        results up to the budget fold, and so does any result no larger than a
        weight it comes from (a transposed, reshaped or cast weight); the rest
        stays a run-time op. Constant nodes always fold (their value is in the
        model already)."""
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
            sizes = [nbytes for nbytes, _ in self._output_sizes(node, opset)]
            stored = [_stored_bytes(self.constants[n]) for n in names]
            if not fold_allowed(sizes, stored, self.fold_limit_bytes):
                return False
            values = [self.constants[n] if n else None for n in node.input]
            outputs = _reference_eval(node, values, opset)
            if outputs is None:
                return False
        for name, value in zip(node.output, outputs):
            if name:
                self.bind(name, np.asarray(value))
        return True

    def _output_sizes(self, node: onnx.NodeProto, opset: int) -> list[tuple[Optional[int], Optional[tuple]]]:
        """(bytes, shape) of each output of a node on constant inputs, known
        without evaluating it; (None, None) where it is not known. An unnamed
        output counts 0 bytes."""
        found: list[tuple[Optional[int], Optional[tuple]]] = []
        for i, name in enumerate(node.output):
            if not name:
                found.append((0, None))
                continue
            found.append(_type_size(self._inferred.get(name)))
        if all(nbytes is not None for nbytes, _ in found):
            return found
        computed = _computed_output(node, [self.constants.get(n) if n else None for n in node.input])
        if computed is not None and len(node.output) >= 1 and found[0][0] is None:
            found[0] = computed
        if all(nbytes is not None for nbytes, _ in found):
            return found
        inferred = _infer_node(node, opset, self.constants, self.model)
        return [known if known[0] is not None else inferred.get(name, (None, None))
                for known, name in zip(found, node.output)]

    def _splat_of_shape(self, ctx: "NodeContext") -> bool:
        """A ConstantOfShape over the folding budget: a splat ``tg.constant``
        (one element in the IR, filled at run time), kept as a run-time value so
        that no later fold expands it. False when its shape is not constant."""
        shape_value = ctx.const(0)
        if shape_value is None:
            return False
        shape = [int(d) for d in np.asarray(shape_value).reshape(-1)]
        if any(d < 0 for d in shape):
            raise OnnxImportError(f"node '{ctx.name}' (ConstantOfShape): negative dim in the shape {shape}")
        value = ctx.attrs.get("value")
        value = np.zeros(1, np.float32) if value is None else np.asarray(value).reshape(-1)
        if value.size != 1:
            raise OnnxImportError(f"node '{ctx.name}' (ConstantOfShape): value must hold one element, "
                                  f"got {value.size}")
        element_type = types.element_type_of_dtype(value.dtype)
        if element_type is None:
            raise OnnxImportError(f"node '{ctx.name}' (ConstantOfShape): value of dtype {value.dtype} "
                                  f"is not supported")
        result_type = ir.RankedTensorType.get(shape, element_type)
        scalar = value[0]
        if value.dtype.kind == "f":
            element = ir.FloatAttr.get(element_type, float(scalar))
        elif value.dtype == np.bool_:
            element = ir.IntegerAttr.get(element_type, int(bool(scalar)))
        else:
            element = ir.IntegerAttr.get(element_type, int(scalar))
        attr = ir.DenseElementsAttr.get_splat(result_type, element)
        with ir.Location.name(ctx.name):
            result = tg.build("constant", [], {"value": attr}, [result_type]).results[0]
        if ctx.node.output and ctx.node.output[0]:
            self.bind(ctx.node.output[0], result)
        return True

    def _check_compile_time_result(self, ctx: "NodeContext") -> None:
        """ResourceError when a rule would compute a result over the budget at
        compile time (ops polytile has no run-time form for)."""
        nbytes, _ = self._output_sizes(ctx.node, ctx.opset)[0] if ctx.node.output else (None, None)
        if nbytes is None and ctx.op_type == "EyeLike" and ctx.has_input(0):
            out_type = ctx.output_type(0)
            nbytes = _type_bytes(out_type) if out_type is not None else None
        if nbytes is not None and nbytes > self.fold_limit_bytes:
            raise ResourceError(
                f"node '{ctx.name}': the {ctx.op_type} result of {nbytes} bytes ({format_bytes(nbytes)}) "
                f"would be computed at compile time (polytile has no run-time {ctx.op_type}), which is "
                f"over the constant-folding budget of {self.fold_limit_bytes} bytes "
                f"({format_bytes(self.fold_limit_bytes)}; fold_limit_bytes)",
                node=ctx.name, nbytes=nbytes)


def _stored_bytes(array: np.ndarray) -> int:
    """Bytes of data ``array`` really holds: a broadcast view counts only the
    elements along its non-zero strides."""
    array = np.asarray(array)
    if array.size <= 1 or 0 not in array.strides:
        return int(array.nbytes)
    count = 1
    for dim, stride in zip(array.shape, array.strides):
        if stride != 0:
            count *= dim
    return count * array.itemsize


def _type_size(info: Optional[onnx.ValueInfoProto]) -> tuple[Optional[int], Optional[tuple]]:
    """(bytes, shape) of a fully static tensor value info, else (None, None)."""
    if info is None or not info.type.HasField("tensor_type"):
        return None, None
    tensor_type = info.type.tensor_type
    dtype = _itemsize_dtype(tensor_type.elem_type)
    if dtype is None or not tensor_type.HasField("shape"):
        return None, None
    dims = _dims(info)
    if not all(isinstance(d, int) and d >= 0 for d in dims):
        return None, None
    return _nbytes(dims, dtype), tuple(dims)


def _type_bytes(t: ir.RankedTensorType) -> Optional[int]:
    from polytile.resources import shaped_bytes
    return shaped_bytes(t)


def _itemsize_dtype(elem_type: int) -> Optional[np.dtype]:
    dtype = types.numpy_dtype(elem_type)
    if dtype is not None:
        return dtype
    try:
        dtype = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem_type))
    except Exception:
        return None
    return dtype if dtype.kind != "O" else None


def _nbytes(shape: Sequence[int], dtype: np.dtype) -> int:
    count = 1
    for d in shape:
        count *= int(d)
    return count * np.dtype(dtype).itemsize


def _int_list(value: Optional[np.ndarray]) -> Optional[list[int]]:
    if value is None or value.dtype.kind not in "iu" or value.ndim > 1:
        return None
    return [int(v) for v in value.reshape(-1)]


def _computed_output(node: onnx.NodeProto, values: Sequence[Optional[np.ndarray]]
                     ) -> Optional[tuple[int, tuple]]:
    """(bytes, shape) of output 0 of a generator/broadcast op, from its constant inputs."""
    try:
        op = node.op_type
        if op == "ConstantOfShape" and values and values[0] is not None:
            shape = _int_list(values[0])
            attrs = {a.name: a for a in node.attribute}
            dtype = (np.dtype(np.float32) if "value" not in attrs else
                     onnx.numpy_helper.to_array(attrs["value"].t).dtype)
            if shape is None or any(d < 0 for d in shape):
                return None
            return _nbytes(shape, dtype), tuple(shape)
        if op in ("Expand", "Tile") and len(values) >= 2 and values[0] is not None:
            arg = _int_list(values[1])
            if arg is None:
                return None
            data = values[0]
            if op == "Expand":
                shape = tuple(np.broadcast_shapes(tuple(data.shape), tuple(arg)))
            else:
                if len(arg) != data.ndim or any(r < 0 for r in arg):
                    return None
                shape = tuple(int(d) * r for d, r in zip(data.shape, arg))
            return _nbytes(shape, data.dtype), shape
        if op == "Range" and len(values) >= 3 and all(v is not None for v in values[:3]):
            start, limit, delta = (np.asarray(v).reshape(-1)[0] for v in values[:3])
            if delta == 0:
                return None
            count = max(int(np.ceil((float(limit) - float(start)) / float(delta))), 0)
            return _nbytes([count], values[0].dtype), (count,)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
    return None


def _infer_node(node: onnx.NodeProto, opset: int, constants: dict,
                model: onnx.ModelProto) -> dict[str, tuple[Optional[int], Optional[tuple]]]:
    """(bytes, shape) per output name from ONNX's shape inference of the node
    alone, given its inputs' types and the values of its small constant inputs."""
    try:
        domain = node.domain if node.domain not in ("ai.onnx",) else ""
        schema = onnx.defs.get_schema(node.op_type, opset, domain)
        input_types, input_data = {}, {}
        for name in node.input:
            if not name:
                continue
            value = constants[name]
            elem = types.onnx_elem_type(value.dtype)
            if elem is None:
                return {}
            input_types[name] = onnx.helper.make_tensor_type_proto(elem, list(value.shape))
            if value.size <= _INFERENCE_DATA_LIMIT:
                input_data[name] = onnx.numpy_helper.from_array(np.ascontiguousarray(value), name)
        outputs = onnx.shape_inference.infer_node_outputs(
            schema, node, input_types, input_data,
            opset_imports=[onnx.helper.make_opsetid(domain, opset)])
    except Exception:
        return {}
    found = {}
    for name, type_proto in outputs.items():
        info = onnx.helper.make_value_info(name, type_proto)
        found[name] = _type_size(info)
    return found


def _supported_opset(op_type: str, opset: int, where: str) -> tuple[int, bool]:
    """The opset to import ``op_type`` at, and whether only its ONNX function body
    can import it. Models outside MIN_OPSET..BASE_OPSET are accepted node by node
    (opsets.py): a newer node when polytile has a rule for its version, or when its
    versions after BASE_OPSET change nothing for polytile's element types, or when
    ONNX defines it as a function; an older one when the op's definition is the
    same as at MIN_OPSET."""
    if MIN_OPSET <= opset <= BASE_OPSET:
        return opset, False
    version = opsets.since_version(op_type, opset)
    if opset > BASE_OPSET:
        if version is None or version <= BASE_OPSET:
            return min(opset, BASE_OPSET), False
        if registry.rule_since(op_type, opset) >= version:
            return opset, False  # a rule written for this newer version of the op
        if (registry.rule_since(op_type, BASE_OPSET) >= 0 or op_type in _FOLDED_BY_IMPORTER) and \
                opsets.changes_after_base(op_type, version) is None:
            return BASE_OPSET, False
        if functions.has_function(op_type, opset):
            return opset, True
        raise OnnxImportError(f"{where}: {_newer_version_reason(op_type, opset)}")
    if version is not None and version == opsets.since_version(op_type, MIN_OPSET):
        return MIN_OPSET, False
    raise OnnxImportError(f"{where}: opset {opset} version of {op_type} differs from its opset "
                          f"{MIN_OPSET} definition and is not supported (supported: opsets "
                          f"{MIN_OPSET} to {MAX_OPSET})")


def _newer_version_reason(op_type: str, opset: int) -> str:
    version = opsets.since_version(op_type, opset)
    change = opsets.changes_after_base(op_type, version) if version is not None else None
    if registry.rule_since(op_type, BASE_OPSET) < 0 and op_type not in _FOLDED_BY_IMPORTER:
        return f"op type '{op_type}' is not supported"
    return (f"opset {opset} version of {op_type} (since opset {version}) is not supported yet: "
            f"{change or 'its definition changed'} after opset {BASE_OPSET}, the newest that "
            f"polytile's rules follow")


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
    return BASE_OPSET


def import_graph(source: ModelSource, input_shapes: Optional[dict] = None,
                 context: Optional[ir.Context] = None, check: bool = True,
                 fold_limit_bytes: int = DEFAULT_FOLD_LIMIT_BYTES):
    """ONNX model -> (module with ``func.func @main`` of tg ops, inputs, outputs).

    ``fold_limit_bytes`` is the constant-folding budget (see
    :meth:`GraphImporter._try_fold`). A model given as a path may keep its
    weights in external files inside its folder; they are mapped, not read, and
    ONNX's checker and shape inference run on the model without them, so models
    over protobuf's 2 GiB limit import."""
    from polytile.context import create_context
    from polytile.resources import check_fold_limit

    fold_limit_bytes = check_fold_limit(fold_limit_bytes)
    model, base_dir = _read_model(source)
    external_data.check_all(model, base_dir)
    if base_dir is not None:
        external_data.load_non_initializers(model, base_dir)
    if not model.graph.node and not model.graph.output:
        raise OnnxImportError("the model has an empty graph")
    opset = _default_opset(model)
    if opset < 1:
        raise OnnxImportError(f"opset {opset} is not a valid ONNX opset")
    initializers = {init.name: external_data.initializer_array(init, base_dir)
                    for init in model.graph.initializer}
    # The checker and shape inference serialize the model: they get it without
    # the data of its big initializers (protobuf stops at 2 GiB).
    skeleton, moved = external_data.skeleton(model)
    if check:
        try:
            onnx.checker.check_model(_with_output_shapes(skeleton))
        except Exception as e:
            raise OnnxImportError(f"the model is not valid ONNX: {_first_line(e)}") from None
    skeleton = pin_input_shapes(skeleton, input_shapes, constants=moved)
    # No data propagation: ONNX's allocates ~150 bytes per element of every 1-d
    # tensor that reaches an Add or a Gather (a [5e8] input took 75 GB); the
    # importer folds shape computations itself, and sizes the nodes it folds
    # with a per-node inference given their constant inputs.
    try:
        skeleton = onnx.shape_inference.infer_shapes(skeleton, check_type=False, strict_mode=False,
                                                     data_prop=False)
    except Exception as e:
        raise OnnxImportError(f"ONNX shape inference failed: {_first_line(e)}") from None
    context = context or create_context()
    with context, ir.Location.unknown():
        return GraphImporter(skeleton, context, initializers, fold_limit_bytes).run()


def _with_output_shapes(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` for ONNX's checker, which requires a shape on every graph output
    (onnxruntime does not: the shape comes from inference); shapeless tensor
    outputs get an empty one in a copy (the checker does not compare shapes)."""
    if all(o.type.tensor_type.HasField("shape") or not o.type.HasField("tensor_type")
           for o in model.graph.output):
        return model
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    for output in copy.graph.output:
        if output.type.HasField("tensor_type") and not output.type.tensor_type.HasField("shape"):
            output.type.tensor_type.shape.SetInParent()
    return copy


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__

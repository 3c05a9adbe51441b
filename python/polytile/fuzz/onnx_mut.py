"""ONNX model mutations (parent side: onnx and numpy only).

A mutation is a JSON-able descriptor ``{"kind": ..., "seed": n}``; applying it
to a model draws everything else from ``random.Random(seed)``, so a list of
descriptors replays exactly (:func:`apply`) and a subset of it is a smaller
candidate when minimizing. Kinds (weights in :data:`KINDS`):

* ``attr_value``, ``attr_type``, ``attr_remove``, ``attr_add``: node attributes
  (values, types, removal, additions);
* ``dims``: dims of graph inputs, outputs, value_info and initializers;
* ``dtype``: element types of the same;
* ``edge``: rewire an input to another value (or none), drop/duplicate node
  inputs and outputs, graph outputs;
* ``initializer``: shape/data/dtype mismatches, raw_data truncation, external
  data, duplicate names, initializers that are also inputs;
* ``opset``: default-domain version, node domains, IR version, opset imports;
* ``subgraph``: a garbage graph attribute on a node, If/Loop nodes;
* ``node``: delete, duplicate, reorder, retype, rename nodes;
* ``raw``: bit flips, truncation, insertion in the serialized bytes (applied
  after every structural mutation).
"""
from __future__ import annotations

import random
from typing import Optional

import numpy as np
import onnx
from onnx import AttributeProto, TensorProto, helper, numpy_helper

KINDS = {
    "attr_value": 5, "attr_type": 1.5, "attr_remove": 2, "attr_add": 2, "dims": 4, "dtype": 3,
    "edge": 4, "initializer": 4, "opset": 2, "subgraph": 1.5, "node": 3, "raw": 1.2,
}

ELEM_TYPES = [TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16,
              TensorProto.INT8, TensorProto.UINT8, TensorProto.INT16, TensorProto.INT32, TensorProto.INT64,
              TensorProto.UINT64, TensorProto.BOOL, TensorProto.STRING, TensorProto.COMPLEX64, 0, 99]

_INTS = [-3, -2, -1, 0, 1, 2, 3, 4, 5, 7, 16, 64, 1 << 31, -(1 << 31), 1 << 62]
_FLOATS = [0.0, -1.0, 1e-9, 0.5, 2.0, 1e30, float("nan"), float("inf"), float("-inf")]
_STRINGS = [b"NOTSET", b"SAME_UPPER", b"SAME_LOWER", b"VALID", b"nearest", b"linear", b"cubic",
            b"half_pixel", b"asymmetric", b"align_corners", b"tanh", b"none", b"constant", b"reflect",
            b"edge", b"DCR", b"CRD", b"", b"garbage", b"\xff\x00\xfe"]
_ATTR_POOL = {
    "axis": "int", "axes": "ints", "keepdims": "int", "perm": "ints", "transA": "int", "transB": "int",
    "alpha": "float", "beta": "float", "epsilon": "float", "group": "int", "pads": "ints",
    "strides": "ints", "dilations": "ints", "kernel_shape": "ints", "auto_pad": "string",
    "ceil_mode": "int", "count_include_pad": "int", "to": "int", "noop_with_empty_axes": "int",
    "select_last_index": "int", "num_outputs": "int", "split": "ints", "mode": "string",
    "training_mode": "int", "storage_order": "int", "value_float": "float", "value_int": "int",
    "value_ints": "ints", "stash_type": "int", "approximate": "string", "upper": "int",
    "exclusive": "int", "reverse": "int", "fuzz_unknown": "int", "min": "float", "max": "float",
}
_OPSETS = [1, 6, 7, 9, 11, 13, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 30, 100, 0, -1]
_IR_VERSIONS = [1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 100, 0]
_DOMAINS = ["com.microsoft", "ai.onnx.ml", "ai.onnx", "fuzz.domain", "ai.onnx.preview.training"]
_SIMILAR_OPS = [
    ["Relu", "Sigmoid", "Tanh", "Abs", "Neg", "Exp", "Log", "Sqrt", "Erf", "Identity", "Softplus",
     "Floor", "Reciprocal", "Not", "IsNaN", "Sign", "HardSwish", "Gelu", "Round", "Ceil"],
    ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Equal", "Greater", "Less", "And", "Or", "Mod",
     "PRelu", "MatMul", "BitShift", "Xor", "Sum", "Mean"],
    ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
     "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin", "Softmax", "LogSoftmax", "Hardmax",
     "CumSum", "TopK"],
    ["MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool", "Conv", "ConvTranspose",
     "InstanceNormalization", "LRN"],
    ["Reshape", "Expand", "Tile", "Squeeze", "Unsqueeze", "Transpose", "Flatten", "Slice", "Gather",
     "Concat", "Split", "Pad", "Resize", "GatherElements", "DepthToSpace", "SpaceToDepth"],
    ["Gemm", "MatMul", "Conv", "Einsum", "MatMulInteger"],
]


def draw(rng: random.Random) -> list[dict]:
    """1-3 mutation descriptors (a raw-bytes one, if drawn, comes last)."""
    count = rng.choice([1, 1, 1, 2, 2, 3])
    kinds = [k for k in KINDS if k != "raw"]
    weights = [KINDS[k] for k in kinds]
    out = [{"kind": rng.choices(kinds, weights)[0], "seed": rng.randrange(1 << 30)} for _ in range(count)]
    if rng.random() < KINDS["raw"] / sum(KINDS.values()) * 2:
        out.append({"kind": "raw", "seed": rng.randrange(1 << 30)})
    return out


def apply(model: onnx.ModelProto, mutations: list[dict]) -> bytes:
    """The serialized model after ``mutations`` (structural ones in order,
    then raw-bytes ones on the serialized result)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    for d in mutations:
        if d["kind"] == "raw":
            continue
        try:
            _STRUCTURAL[d["kind"]](m, random.Random(d["seed"]))
        except Exception:  # noqa: BLE001 - a mutation that does not fit this model is a no-op
            pass
    data = _serialize(m)
    for d in mutations:
        if d["kind"] == "raw":
            data = _raw(data, random.Random(d["seed"]))
    return data


def _serialize(m: onnx.ModelProto) -> bytes:
    try:
        return m.SerializeToString()
    except Exception:  # noqa: BLE001 - e.g. a string that is not UTF-8
        return m.SerializePartialToString()


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def _value_names(m: onnx.ModelProto) -> list[str]:
    names = [i.name for i in m.graph.input] + [i.name for i in m.graph.initializer]
    for n in m.graph.node:
        names += [o for o in n.output if o]
    return list(dict.fromkeys(names))


def _value_infos(m: onnx.ModelProto) -> list:
    return list(m.graph.input) + list(m.graph.output) + list(m.graph.value_info)


def _random_attr(r: random.Random, name: str, kind: str) -> AttributeProto:
    if kind == "int":
        return helper.make_attribute(name, r.choice(_INTS))
    if kind == "float":
        return helper.make_attribute(name, r.choice(_FLOATS))
    if kind == "ints":
        return helper.make_attribute(name, [r.choice(_INTS[:10]) for _ in range(r.randint(0, 5))],
                                     attr_type=AttributeProto.INTS)
    if kind == "floats":
        return helper.make_attribute(name, [r.choice(_FLOATS) for _ in range(r.randint(0, 4))],
                                     attr_type=AttributeProto.FLOATS)
    if kind == "string":
        return helper.make_attribute(name, r.choice(_STRINGS))
    if kind == "tensor":
        return helper.make_attribute(name, _random_tensor(r, "t"))
    if kind == "graph":
        return helper.make_attribute(name, _garbage_graph(r))
    raise ValueError(kind)


def _random_tensor(r: random.Random, name: str) -> TensorProto:
    shape = [r.choice([0, 1, 2, 3]) for _ in range(r.randint(0, 3))]
    dtype = r.choice([np.float32, np.int64, np.float64, np.bool_, np.int32, np.float16])
    data = np.random.default_rng(r.randrange(1 << 30)).standard_normal(shape) * 3
    return numpy_helper.from_array(data.astype(dtype), name)


def _garbage_graph(r: random.Random) -> onnx.GraphProto:
    choice = r.randrange(4)
    if choice == 0:
        return helper.make_graph([], "empty", [], [])
    if choice == 1:  # a body that reads a value of the outer scope
        return helper.make_graph([helper.make_node("Identity", ["X"], ["out"])], "passthrough", [],
                                 [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)])
    if choice == 2:
        return helper.make_graph(
            [helper.make_node(r.choice(["Relu", "Add", "NoSuchOp"]), ["a", "a"][:r.randint(1, 2)], ["b"])],
            "garbage", [helper.make_tensor_value_info("a", r.choice(ELEM_TYPES[:9]), [2])],
            [helper.make_tensor_value_info("b", TensorProto.FLOAT, [r.choice([2, 3])])])
    return helper.make_graph([helper.make_node("Constant", [], ["c"], value=_random_tensor(r, "v"))],
                             "const", [], [helper.make_tensor_value_info("c", TensorProto.FLOAT, None)])


def _nodes_with_attrs(m):
    return [n for n in m.graph.node if n.attribute]


# --------------------------------------------------------------------------
# Structural mutations
# --------------------------------------------------------------------------
def _attr_value(m, r):
    node = r.choice(_nodes_with_attrs(m))
    attr = r.choice(list(node.attribute))
    t = attr.type
    if t == AttributeProto.INT:
        attr.i = r.choice(_INTS + [attr.i + 1, attr.i - 1, -attr.i])
    elif t == AttributeProto.FLOAT:
        attr.f = r.choice(_FLOATS + [attr.f * 2, -attr.f])
    elif t == AttributeProto.INTS:
        values = list(attr.ints)
        op = r.randrange(6)
        if op == 0 and values:
            values.pop(r.randrange(len(values)))
        elif op == 1:
            values.insert(r.randrange(len(values) + 1), r.choice(_INTS[:12]))
        elif op == 2 and values:
            values[r.randrange(len(values))] = r.choice(_INTS)
        elif op == 3:
            values = []
        elif op == 4:
            values = values[::-1]
        else:
            values = values + values
        del attr.ints[:]
        attr.ints.extend(values)
    elif t == AttributeProto.FLOATS:
        values = list(attr.floats)
        if values and r.random() < 0.5:
            values[r.randrange(len(values))] = r.choice(_FLOATS)
        else:
            values = values[: r.randint(0, len(values))]
        del attr.floats[:]
        attr.floats.extend(values)
    elif t == AttributeProto.STRING:
        attr.s = r.choice(_STRINGS)
    elif t == AttributeProto.TENSOR:
        _mutate_tensor(attr.t, r)
    elif t == AttributeProto.GRAPH:
        attr.g.CopyFrom(_garbage_graph(r))


def _attr_type(m, r):
    node = r.choice(_nodes_with_attrs(m))
    index = r.randrange(len(node.attribute))
    name = node.attribute[index].name
    kind = r.choice(["int", "float", "ints", "floats", "string", "tensor", "graph"])
    new = _random_attr(r, name, kind)
    node.attribute[index].CopyFrom(new)


def _attr_remove(m, r):
    node = r.choice(_nodes_with_attrs(m))
    del node.attribute[r.randrange(len(node.attribute))]


def _attr_add(m, r):
    node = r.choice(list(m.graph.node))
    name = r.choice(list(_ATTR_POOL))
    existing = [a.name for a in node.attribute]
    if name in existing and r.random() < 0.7:
        # a duplicate attribute name
        node.attribute.append(_random_attr(r, name, _ATTR_POOL[name]))
        return
    node.attribute.append(_random_attr(r, name, _ATTR_POOL[name]))


def _new_dim(r):
    return r.choice([0, 1, 2, 3, 5, 7, 16, -1, "N", None])


def _dims(m, r):
    if m.graph.initializer and r.random() < 0.3:
        init = r.choice(list(m.graph.initializer))
        _mutate_initializer_shape(init, r)
        return
    infos = [v for v in _value_infos(m) if v.type.HasField("tensor_type")]
    value = r.choice(infos)
    tt = value.type.tensor_type
    op = r.randrange(5)
    if op == 0 or not tt.HasField("shape") or not tt.shape.dim:
        if op == 0 and tt.HasField("shape"):
            tt.ClearField("shape")
            return
        tt.shape.dim.add().dim_value = r.choice([1, 2, 3])
        return
    dims = tt.shape.dim
    if op == 1:
        dims.add().dim_value = r.choice([1, 2, 3])
    elif op == 2:
        del dims[r.randrange(len(dims))]
    else:
        dim = dims[r.randrange(len(dims))]
        new = _new_dim(r)
        if new is None:
            dim.Clear()
        elif isinstance(new, str):
            dim.dim_param = new
        else:
            dim.dim_value = new


def _dtype(m, r):
    if m.graph.initializer and r.random() < 0.3:
        init = r.choice(list(m.graph.initializer))
        _mutate_initializer_dtype(init, r)
        return
    infos = [v for v in _value_infos(m) if v.type.HasField("tensor_type")]
    r.choice(infos).type.tensor_type.elem_type = r.choice(ELEM_TYPES)


def _edge(m, r):
    g = m.graph
    nodes = list(g.node)
    names = _value_names(m)
    op = r.randrange(10)
    if op <= 3 and nodes:  # rewire a node input
        node = r.choice(nodes)
        if not node.input:
            node.input.append(r.choice(names))
            return
        i = r.randrange(len(node.input))
        node.input[i] = r.choice(names + ["", "no_such_value"]) if r.random() < 0.9 else ""
    elif op == 4 and nodes:  # drop the last input
        node = r.choice([n for n in nodes if n.input])
        del node.input[-1]
    elif op == 5 and nodes:  # duplicate an input
        node = r.choice([n for n in nodes if n.input])
        node.input.append(r.choice(list(node.input)))
    elif op == 6 and nodes:  # drop or add a node output
        node = r.choice(nodes)
        if node.output and r.random() < 0.5:
            del node.output[-1]
        else:
            node.output.append(r.choice([f"extra_{r.randrange(9)}", node.output[0] if node.output else "x"]))
    elif op == 7 and g.output:  # graph output -> another value
        g.output[r.randrange(len(g.output))].name = r.choice(names + ["no_such_output"])
    elif op == 8 and g.output:  # drop or duplicate a graph output
        if r.random() < 0.5 and len(g.output) > 0:
            del g.output[r.randrange(len(g.output))]
        else:
            g.output.append(g.output[r.randrange(len(g.output))])
    else:  # expose an intermediate value as an output
        inner = [o for n in nodes for o in n.output]
        if inner:
            name = r.choice(inner)
            et = r.choice([TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL, 0])
            g.output.append(helper.make_tensor_value_info(name, et, None) if et else
                            onnx.ValueInfoProto(name=name))


def _mutate_initializer_shape(init: TensorProto, r):
    dims = list(init.dims)
    op = r.randrange(4)
    if op == 0:
        dims.append(r.choice([1, 2]))
    elif op == 1 and dims:
        dims.pop(r.randrange(len(dims)))
    elif op == 2 and dims:
        dims[r.randrange(len(dims))] = r.choice([0, 1, 2, 3, 7, -1])
    else:  # consistent: new data of a new shape
        array = numpy_helper.to_array(init)
        shape = [max(0, d + r.choice([-1, 0, 1])) for d in array.shape] or [r.choice([1, 2])]
        data = np.resize(array.reshape(-1), int(np.prod(shape))) if array.size else np.zeros(shape, array.dtype)
        init.CopyFrom(numpy_helper.from_array(data.reshape(shape).astype(array.dtype), init.name))
        return
    del init.dims[:]
    init.dims.extend(dims)


def _mutate_initializer_dtype(init: TensorProto, r):
    if r.random() < 0.5:
        init.data_type = r.choice(ELEM_TYPES)  # the data stays: size mismatch
        return
    array = numpy_helper.to_array(init)
    dtype = r.choice([np.float64, np.float16, np.int32, np.int64, np.int8, np.bool_, np.float32, np.uint8])
    with np.errstate(all="ignore"):
        init.CopyFrom(numpy_helper.from_array(array.astype(dtype), init.name))


def _mutate_tensor(t: TensorProto, r):
    op = r.randrange(5)
    if op == 0:
        _mutate_initializer_shape(t, r)
    elif op == 1:
        _mutate_initializer_dtype(t, r)
    elif op == 2 and t.raw_data:
        t.raw_data = t.raw_data[: r.randrange(len(t.raw_data))]
    elif op == 3:
        array = numpy_helper.to_array(t).astype(np.float64)
        if array.size:
            flat = array.reshape(-1)
            flat[r.randrange(flat.size)] = r.choice(_FLOATS + [1e10, -7.0])
        with np.errstate(all="ignore"):
            t.CopyFrom(numpy_helper.from_array(array.astype(numpy_helper.to_array(t).dtype), t.name))
    else:
        t.CopyFrom(_random_tensor(r, t.name))


def _initializer(m, r):
    g = m.graph
    inits = list(g.initializer)
    op = r.randrange(9)
    if not inits:
        op = 8
    if op == 0:
        _mutate_initializer_shape(r.choice(inits), r)
    elif op == 1:
        _mutate_initializer_dtype(r.choice(inits), r)
    elif op == 2:  # truncate raw data
        init = r.choice([i for i in inits if i.raw_data])
        init.raw_data = init.raw_data[: r.randrange(len(init.raw_data))]
    elif op == 3:  # raw data -> typed fields (or back) with the wrong count
        init = r.choice(inits)
        array = numpy_helper.to_array(init)
        if init.data_type == TensorProto.FLOAT:
            init.ClearField("raw_data")
            del init.float_data[:]
            init.float_data.extend(array.reshape(-1).tolist()[: max(0, array.size - r.choice([0, 1]))])
        elif init.data_type == TensorProto.INT64:
            init.ClearField("raw_data")
            del init.int64_data[:]
            init.int64_data.extend(array.reshape(-1).tolist() + [0] * r.choice([0, 1]))
        else:
            init.raw_data = init.raw_data + b"\x00" * r.choice([1, 4])
    elif op == 4:  # external data that is not there
        init = r.choice(inits)
        init.ClearField("raw_data")
        init.data_location = TensorProto.EXTERNAL
        entry = init.external_data.add()
        entry.key = "location"
        entry.value = r.choice(["missing.bin", "../../nowhere.bin", ""])
    elif op == 5:  # a duplicate name
        init = r.choice(inits)
        copy = g.initializer.add()
        copy.CopyFrom(init)
        if r.random() < 0.5:
            _mutate_tensor(copy, r)
    elif op == 6:  # an initializer that is also a graph input (a default value)
        init = r.choice(inits)
        array = numpy_helper.to_array(init)
        et = helper.np_dtype_to_tensor_dtype(array.dtype)
        shape = list(array.shape) if r.random() < 0.7 else [d + 1 for d in array.shape]
        g.input.append(helper.make_tensor_value_info(init.name, et, shape))
    elif op == 7:  # drop an initializer
        del g.initializer[r.randrange(len(g.initializer))]
    else:  # replace an input by an initializer (or add a stray one)
        name = r.choice([i.name for i in g.input] + ["stray"])
        g.initializer.append(_random_tensor(r, name))


def _opset(m, r):
    op = r.randrange(6)
    default = [o for o in m.opset_import if o.domain in ("", "ai.onnx")]
    if op <= 1 and default:
        default[0].version = r.choice(_OPSETS)
    elif op == 2:
        m.ir_version = r.choice(_IR_VERSIONS)
    elif op == 3 and m.graph.node:
        node = r.choice(list(m.graph.node))
        node.domain = r.choice(_DOMAINS)
        if r.random() < 0.5:
            m.opset_import.append(helper.make_opsetid(node.domain, r.choice([1, 2, 17])))
    elif op == 4:
        if r.random() < 0.5:
            del m.opset_import[:]
        else:
            m.opset_import.append(helper.make_opsetid("", r.choice(_OPSETS)))
    else:
        m.opset_import.append(helper.make_opsetid(r.choice(_DOMAINS), r.choice([1, 3, 100])))


def _subgraph(m, r):
    g = m.graph
    op = r.randrange(3)
    if op == 0 and g.node:  # a garbage graph attribute on any node
        node = r.choice(list(g.node))
        node.attribute.append(helper.make_attribute(r.choice(["body", "then_branch", "else_branch", "g"]),
                                                    _garbage_graph(r)))
        return
    values = _value_names(m)
    source = r.choice(values)
    out = f"sub_{r.randrange(100)}"
    if op == 1:  # an If on a constant condition
        cond = f"cond_{r.randrange(100)}"
        g.initializer.append(numpy_helper.from_array(np.array(r.random() < 0.5), cond))
        then_g = helper.make_graph([helper.make_node("Identity", [source], ["t"])], "then", [],
                                   [helper.make_tensor_value_info("t", TensorProto.FLOAT, None)])
        else_g = _garbage_graph(r) if r.random() < 0.5 else helper.make_graph(
            [helper.make_node("Neg", [source], ["e"])], "else", [],
            [helper.make_tensor_value_info("e", TensorProto.FLOAT, None)])
        node = helper.make_node("If", [cond], [out], then_branch=then_g, else_branch=else_g)
    else:  # a Loop with a constant trip count
        trip = f"trip_{r.randrange(100)}"
        g.initializer.append(numpy_helper.from_array(np.array(r.choice([0, 1, 3]), np.int64), trip))
        body = helper.make_graph(
            [helper.make_node("Identity", ["c_in"], ["c_out"]), helper.make_node("Relu", ["v_in"], ["v_out"])],
            "body", [helper.make_tensor_value_info("i", TensorProto.INT64, []),
                     helper.make_tensor_value_info("c_in", TensorProto.BOOL, []),
                     helper.make_tensor_value_info("v_in", TensorProto.FLOAT, None)],
            [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []),
             helper.make_tensor_value_info("v_out", TensorProto.FLOAT, None)])
        if r.random() < 0.3:
            body = _garbage_graph(r)
        node = helper.make_node("Loop", [trip, "", source], [out], body=body)
    g.node.insert(r.randrange(len(g.node) + 1), node)
    if r.random() < 0.7:
        g.output.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, None))


def _node(m, r):
    g = m.graph
    if not g.node:
        return
    op = r.randrange(6)
    i = r.randrange(len(g.node))
    if op == 0:
        del g.node[i]
    elif op == 1:
        copy = onnx.NodeProto()
        copy.CopyFrom(g.node[i])
        g.node.insert(r.randrange(len(g.node) + 1), copy)
    elif op == 2 and len(g.node) > 1:
        j = r.randrange(len(g.node))
        a, b = onnx.NodeProto(), onnx.NodeProto()
        a.CopyFrom(g.node[i])
        b.CopyFrom(g.node[j])
        g.node[i].CopyFrom(b)
        g.node[j].CopyFrom(a)
    elif op == 3:
        node = g.node[i]
        family = next((f for f in _SIMILAR_OPS if node.op_type in f), r.choice(_SIMILAR_OPS))
        node.op_type = r.choice(family)
    elif op == 4:
        g.node[i].name = r.choice(["", g.node[0].name, "naïve name", "a/b:c", "x" * 300])
    else:
        g.node[i].op_type = r.choice(["NoSuchOp", "", "relu", "Constant", "Identity"])


def _raw(data: bytes, r: random.Random) -> bytes:
    if not data:
        return data
    b = bytearray(data)
    op = r.randrange(4)
    if op == 0:
        for _ in range(r.choice([1, 1, 2, 4, 16])):
            pos = r.randrange(len(b))
            b[pos] ^= 1 << r.randrange(8)
    elif op == 1:
        b = b[: r.randrange(len(b))]
    elif op == 2:
        pos = r.randrange(len(b) + 1)
        b[pos:pos] = bytes(r.randrange(256) for _ in range(r.choice([1, 2, 8])))
    else:
        pos = r.randrange(len(b))
        n = r.choice([1, 4, 8])
        b[pos:pos + n] = bytes(r.choice([0, 0xFF, 0x7F, 0x80]) for _ in range(n))
    return bytes(b)


_STRUCTURAL = {
    "attr_value": _attr_value, "attr_type": _attr_type, "attr_remove": _attr_remove, "attr_add": _attr_add,
    "dims": _dims, "dtype": _dtype, "edge": _edge, "initializer": _initializer, "opset": _opset,
    "subgraph": _subgraph, "node": _node,
}


# --------------------------------------------------------------------------
# Minimization helpers
# --------------------------------------------------------------------------
def parse(data: bytes) -> Optional[onnx.ModelProto]:
    try:
        m = onnx.ModelProto()
        m.ParseFromString(data)
        return m
    except Exception:  # noqa: BLE001
        return None


def without_node(model: onnx.ModelProto, index: int) -> onnx.ModelProto:
    """``model`` minus node ``index``; uses of its outputs read its first input instead."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    node = m.graph.node[index]
    replacement = node.input[0] if node.input else ""
    outputs = set(node.output)
    del m.graph.node[index]
    for n in m.graph.node:
        for i, name in enumerate(n.input):
            if name in outputs:
                n.input[i] = replacement
    for o in m.graph.output:
        if o.name in outputs and replacement:
            o.name = replacement
    return m


def reduced_variants(model: onnx.ModelProto):
    """Candidate smaller models, biggest cuts first: without value_info,
    without each node, each graph output, each unused initializer."""
    if model.graph.value_info:
        m = onnx.ModelProto()
        m.CopyFrom(model)
        del m.graph.value_info[:]
        yield m
    for i in reversed(range(len(model.graph.node))):
        yield without_node(model, i)
    if len(model.graph.output) > 1:
        for i in reversed(range(len(model.graph.output))):
            m = onnx.ModelProto()
            m.CopyFrom(model)
            del m.graph.output[i]
            yield m
    used = {x for n in model.graph.node for x in n.input}
    for i in reversed(range(len(model.graph.initializer))):
        if model.graph.initializer[i].name not in used:
            m = onnx.ModelProto()
            m.CopyFrom(model)
            del m.graph.initializer[i]
            yield m

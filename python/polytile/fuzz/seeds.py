"""Seed ONNX models the ONNX, schedule and feed fuzzers start from.

Small models built inline with ``onnx.helper`` (fixed weights, seed 0), one per
kind of graph polytile handles: an MLP, conv + relu + pool, an attention-like
block (matmul + softmax), reshape/transpose/concat/gather/slice chains,
reductions and normalizations, Constant/Shape chains, broadcasting element-wise
arithmetic, integer and boolean graphs, conv + batch-norm + residual. Plus the
small model files of the checkout when they are there (``examples/schedules``'
MLP, ``test/models/bert_encoder.onnx``; the latter is slow to compile, so it
is drawn rarely). Everything here needs only onnx and numpy (the fuzz driver
never loads MLIR).
"""
from __future__ import annotations

import dataclasses
import functools
import os
from typing import Callable, Optional

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

from polytile.fuzz.checkout import checkout_root

OPSET = 17


@dataclasses.dataclass
class Seed:
    name: str
    model: onnx.ModelProto
    weight: float = 1.0  # relative chance of being drawn
    cli: bool = True  # also fuzzed through polytile-run


def _model(nodes, inputs, outputs, initializers=(), opset: int = OPSET, name: str = "g") -> onnx.ModelProto:
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    if any(not o.type.tensor_type.HasField("shape") for o in model.graph.output):
        # Outputs given without a shape get the inferred one.
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
        known = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
        for o in model.graph.output:
            if not o.type.tensor_type.HasField("shape") and o.name in known:
                o.CopyFrom(known[o.name])
    onnx.checker.check_model(model)
    return model


def _w(rng, shape, scale=0.5, dtype=np.float32):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def _init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def mlp() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    nodes = [helper.make_node("Gemm", ["X", "W1", "b1"], ["h"], transB=1, name="fc1"),
             helper.make_node("Relu", ["h"], ["r"], name="relu1"),
             helper.make_node("MatMul", ["r", "W2"], ["m"], name="fc2"),
             helper.make_node("Add", ["m", "b2"], ["Y"], name="bias2")]
    return _model(nodes, [vi("X", T.FLOAT, [8, 16])], [vi("Y", T.FLOAT, [8, 12])],
                  [_init("W1", _w(rng, (32, 16))), _init("b1", _w(rng, (32,))),
                   _init("W2", _w(rng, (32, 12))), _init("b2", _w(rng, (12,)))], name="mlp")


def conv_relu_pool() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    nodes = [helper.make_node("Conv", ["X", "W", "B"], ["c"], pads=[1, 1, 1, 1], strides=[1, 1],
                              kernel_shape=[3, 3], name="conv"),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
             helper.make_node("AveragePool", ["p"], ["a"], kernel_shape=[2, 2], strides=[1, 1],
                              pads=[0, 0, 1, 1], count_include_pad=0, name="avg"),
             helper.make_node("GlobalAveragePool", ["a"], ["g"], name="gap"),
             helper.make_node("Flatten", ["g"], ["Y"], axis=1, name="flatten")]
    return _model(nodes, [vi("X", T.FLOAT, [1, 3, 8, 8])], [vi("Y", T.FLOAT, [1, 4])],
                  [_init("W", _w(rng, (4, 3, 3, 3))), _init("B", _w(rng, (4,)))], name="conv")


def attention() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    d = 8
    nodes = [helper.make_node("MatMul", ["X", "Wq"], ["q"], name="q"),
             helper.make_node("MatMul", ["X", "Wk"], ["k"], name="k"),
             helper.make_node("MatMul", ["X", "Wv"], ["v"], name="v"),
             helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1], name="kt"),
             helper.make_node("MatMul", ["q", "kt"], ["s"], name="scores"),
             helper.make_node("Div", ["s", "scale"], ["ss"], name="scale"),
             helper.make_node("Softmax", ["ss"], ["p"], axis=-1, name="softmax"),
             helper.make_node("MatMul", ["p", "v"], ["o"], name="context"),
             helper.make_node("Add", ["o", "X"], ["res"], name="residual"),
             helper.make_node("LayerNormalization", ["res", "gamma", "beta"], ["Y"], axis=-1,
                              epsilon=1e-5, name="ln")]
    return _model(nodes, [vi("X", T.FLOAT, [2, 6, d])], [vi("Y", T.FLOAT, [2, 6, d])],
                  [_init("Wq", _w(rng, (d, d))), _init("Wk", _w(rng, (d, d))), _init("Wv", _w(rng, (d, d))),
                   _init("scale", np.array(np.sqrt(d), np.float32)),
                   _init("gamma", 1 + _w(rng, (d,), 0.1)), _init("beta", _w(rng, (d,), 0.1))],
                  name="attention")


def shape_chain() -> onnx.ModelProto:
    nodes = [helper.make_node("Reshape", ["X", "shape1"], ["r"], name="reshape"),
             helper.make_node("Transpose", ["r"], ["t"], perm=[1, 0, 2], name="transpose"),
             helper.make_node("Concat", ["t", "t"], ["c"], axis=2, name="concat"),
             helper.make_node("Gather", ["c", "idx"], ["g"], axis=1, name="gather"),
             helper.make_node("Slice", ["g", "starts", "ends", "axes", "steps"], ["s"], name="slice"),
             helper.make_node("Unsqueeze", ["s", "uaxes"], ["u"], name="unsqueeze"),
             helper.make_node("Squeeze", ["u", "uaxes"], ["q"], name="squeeze"),
             helper.make_node("Split", ["q"], ["Y", "Z"], axis=2, num_outputs=2, name="split")]
    model = _model(nodes, [vi("X", T.FLOAT, [4, 6])], [vi("Y", T.FLOAT, None), vi("Z", T.FLOAT, None)],
                   [_init("shape1", np.array([2, 2, 6], np.int64)), _init("idx", np.array([1, 0, 1], np.int64)),
                    _init("starts", np.array([0, 1], np.int64)), _init("ends", np.array([2, 12], np.int64)),
                    _init("axes", np.array([0, 2], np.int64)), _init("steps", np.array([1, 2], np.int64)),
                    _init("uaxes", np.array([0], np.int64))], opset=18, name="shapes")
    return model


def reductions() -> onnx.ModelProto:
    nodes = [helper.make_node("ReduceSum", ["X", "ax1"], ["s"], keepdims=1, name="sum"),
             helper.make_node("ReduceMean", ["X", "ax1"], ["m"], keepdims=1, name="mean"),
             helper.make_node("Sub", ["X", "m"], ["c"], name="center"),
             helper.make_node("ReduceMax", ["c", "ax0"], ["mx"], keepdims=0, name="max"),
             helper.make_node("ArgMax", ["X"], ["am"], axis=2, keepdims=0, name="argmax"),
             helper.make_node("ReduceL2", ["X", "ax2"], ["l2"], keepdims=0, name="l2"),
             helper.make_node("Softmax", ["X"], ["sm"], axis=1, name="softmax"),
             helper.make_node("ReduceProd", ["sm", "ax2"], ["pr"], keepdims=1, name="prod"),
             helper.make_node("Mul", ["s", "pr"], ["Y"], name="mul")]
    return _model(nodes, [vi("X", T.FLOAT, [2, 3, 5])],
                  [vi("Y", T.FLOAT, None), vi("mx", T.FLOAT, None), vi("am", T.INT64, None),
                   vi("l2", T.FLOAT, None)],
                  [_init("ax0", np.array([0], np.int64)), _init("ax1", np.array([1], np.int64)),
                   _init("ax2", np.array([2], np.int64))], opset=18, name="reductions")


def constant_shape() -> onnx.ModelProto:
    nodes = [helper.make_node("Shape", ["X"], ["shp"], name="shape"),
             helper.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(np.array(0, np.int64)),
                              name="c0"),
             helper.make_node("Gather", ["shp", "zero"], ["n"], axis=0, name="gather_n"),
             helper.make_node("Constant", [], ["minus1"], value_ints=[-1], name="cm1"),
             helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"], name="unsq"),
             helper.make_node("Concat", ["n1", "minus1"], ["newshape"], axis=0, name="concat"),
             helper.make_node("Reshape", ["X", "newshape"], ["flat"], name="reshape"),
             helper.make_node("ConstantOfShape", ["shp"], ["ones"],
                              value=numpy_helper.from_array(np.array([1.5], np.float32)), name="cos"),
             helper.make_node("Add", ["X", "ones"], ["xp"], name="add"),
             helper.make_node("Constant", [], ["eshape"], value_ints=[2, 1, 3, 4], name="ce"),
             helper.make_node("Expand", ["xp", "eshape"], ["e"], name="expand"),
             helper.make_node("Cast", ["flat"], ["Y"], to=T.FLOAT16, name="cast"),
             helper.make_node("ReduceSum", ["e", "ax0"], ["Z"], keepdims=0, name="rsum")]
    return _model(nodes, [vi("X", T.FLOAT, [1, 3, 4])], [vi("Y", T.FLOAT16, None), vi("Z", T.FLOAT, None)],
                  [_init("ax0", np.array([0], np.int64))], opset=18, name="constshape")


def elementwise() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    nodes = [helper.make_node("Add", ["A", "B"], ["s"], name="add"),
             helper.make_node("Mul", ["s", "C"], ["m"], name="mul"),
             helper.make_node("Sub", ["m", "A"], ["d"], name="sub"),
             helper.make_node("Abs", ["B"], ["ab"], name="abs"),
             helper.make_node("Add", ["ab", "one"], ["den"], name="add1"),
             helper.make_node("Div", ["d", "den"], ["q"], name="div"),
             helper.make_node("Clip", ["q", "lo", "hi"], ["cl"], name="clip"),
             helper.make_node("Greater", ["cl", "C"], ["gt"], name="greater"),
             helper.make_node("Where", ["gt", "cl", "A"], ["w"], name="where"),
             helper.make_node("Sigmoid", ["w"], ["sg"], name="sigmoid"),
             helper.make_node("Tanh", ["sg"], ["th"], name="tanh"),
             helper.make_node("Pow", ["ab", "two"], ["pw"], name="pow"),
             helper.make_node("Sqrt", ["pw"], ["sq"], name="sqrt"),
             helper.make_node("Max", ["th", "sq"], ["Y"], name="max"),
             helper.make_node("Exp", ["cl"], ["Z"], name="exp")]
    return _model(nodes, [vi("A", T.FLOAT, [3, 4]), vi("B", T.FLOAT, [4])],
                  [vi("Y", T.FLOAT, [3, 4]), vi("Z", T.FLOAT, [3, 4])],
                  [_init("C", _w(rng, (3, 1))), _init("one", np.array(1, np.float32)),
                   _init("lo", np.array(-2, np.float32)), _init("hi", np.array(2, np.float32)),
                   _init("two", np.array(2, np.float32))], opset=13, name="elementwise")


def integers() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    nodes = [helper.make_node("Gather", ["E", "ids"], ["emb"], axis=0, name="embed"),
             helper.make_node("Cast", ["ids"], ["idf"], to=T.FLOAT, name="cast"),
             helper.make_node("Unsqueeze", ["idf", "ax"], ["idu"], name="unsq"),
             helper.make_node("Mul", ["emb", "idu"], ["Y"], name="mul"),
             helper.make_node("Add", ["ids", "ids"], ["i2"], name="iadd"),
             helper.make_node("Mul", ["i2", "three"], ["i3"], name="imul"),
             helper.make_node("Mod", ["i3", "five"], ["Z"], name="imod"),
             helper.make_node("ReduceSum", ["Z", "ax"], ["S"], keepdims=1, name="isum")]
    return _model(nodes, [vi("ids", T.INT64, [2, 3])],
                  [vi("Y", T.FLOAT, [2, 3, 5]), vi("Z", T.INT64, [2, 3]), vi("S", T.INT64, None)],
                  [_init("E", _w(rng, (4, 5))), _init("ax", np.array([-1], np.int64)),
                   _init("three", np.array(3, np.int64)), _init("five", np.array(5, np.int64))],
                  opset=18, name="integers")


def booleans() -> onnx.ModelProto:
    nodes = [helper.make_node("Greater", ["A", "B"], ["g"], name="greater"),
             helper.make_node("Less", ["A", "zero"], ["l"], name="less"),
             helper.make_node("Or", ["g", "l"], ["o"], name="or"),
             helper.make_node("Not", ["o"], ["n"], name="not"),
             helper.make_node("Xor", ["n", "M"], ["Y"], name="xor"),
             helper.make_node("Where", ["Y", "A", "B"], ["Z"], name="where"),
             helper.make_node("Cast", ["Y"], ["C"], to=T.INT32, name="cast")]
    return _model(nodes, [vi("A", T.FLOAT, [2, 5]), vi("B", T.FLOAT, [2, 5]), vi("M", T.BOOL, [5])],
                  [vi("Y", T.BOOL, [2, 5]), vi("Z", T.FLOAT, [2, 5]), vi("C", T.INT32, [2, 5])],
                  [_init("zero", np.array(0, np.float32))], opset=13, name="booleans")


def conv_bn_residual() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    c = 4
    nodes = [helper.make_node("Conv", ["X", "W"], ["c"], pads=[0, 0, 0, 0], kernel_shape=[1, 1], name="pw"),
             helper.make_node("BatchNormalization", ["c", "s", "bias", "mean", "var"], ["bn"], epsilon=1e-5,
                              name="bn"),
             helper.make_node("Relu", ["bn"], ["r"], name="relu"),
             helper.make_node("Conv", ["r", "Wd"], ["dw"], pads=[1, 1, 1, 1], group=c, kernel_shape=[3, 3],
                              name="dw"),
             helper.make_node("Add", ["dw", "X"], ["res"], name="res"),
             helper.make_node("Clip", ["res", "lo", "hi"], ["Y"], name="relu6")]
    return _model(nodes, [vi("X", T.FLOAT, [1, c, 6, 6])], [vi("Y", T.FLOAT, [1, c, 6, 6])],
                  [_init("W", _w(rng, (c, c, 1, 1))), _init("s", 1 + _w(rng, (c,), 0.1)),
                   _init("bias", _w(rng, (c,), 0.1)), _init("mean", _w(rng, (c,), 0.1)),
                   _init("var", np.abs(1 + _w(rng, (c,), 0.1))), _init("Wd", _w(rng, (c, 1, 3, 3))),
                   _init("lo", np.array(0, np.float32)), _init("hi", np.array(6, np.float32))],
                  name="convbn")


def scalars() -> onnx.ModelProto:
    """0-d inputs and outputs."""
    nodes = [helper.make_node("Mul", ["X", "s"], ["m"], name="mul"),
             helper.make_node("ReduceMax", ["m"], ["Y"], keepdims=0, name="max"),
             helper.make_node("Add", ["s", "Y"], ["Z"], name="add"),
             helper.make_node("Cast", ["n"], ["nf"], to=T.FLOAT, name="cast"),
             helper.make_node("Mul", ["nf", "m"], ["W"], name="scale")]
    return _model(nodes, [vi("X", T.FLOAT, [3]), vi("s", T.FLOAT, []), vi("n", T.INT64, [])],
                  [vi("Y", T.FLOAT, []), vi("Z", T.FLOAT, []), vi("W", T.FLOAT, [3])], opset=17, name="scalars")


def _root() -> Optional[str]:
    """The checkout this package lives in or runs from, if any."""
    return checkout_root()


def _file_seed(relative: str) -> Optional[onnx.ModelProto]:
    root = _root()
    path = os.path.join(root, relative) if root else None
    if not path or not os.path.isfile(path) or os.path.getsize(path) > 4 << 20:
        return None
    return onnx.load(path)


def _example_mlp() -> Optional[onnx.ModelProto]:
    root = _root()
    path = os.path.join(root, "examples", "schedules", "make_mlp.py") if root else None
    if not path or not os.path.isfile(path):
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location("_polytile_fuzz_make_mlp", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_mlp()


BUILDERS: dict[str, tuple[Callable[[], Optional[onnx.ModelProto]], float, bool]] = {
    # name: (builder, weight, fuzzed through polytile-run too)
    "mlp": (mlp, 1.0, True),
    "conv": (conv_relu_pool, 1.0, True),
    "attention": (attention, 1.0, True),
    "shapes": (shape_chain, 1.0, True),
    "reductions": (reductions, 1.0, True),
    "constshape": (constant_shape, 1.0, True),
    "elementwise": (elementwise, 1.0, True),
    "integers": (integers, 0.7, True),
    "booleans": (booleans, 0.7, True),
    "convbn": (conv_bn_residual, 0.8, True),
    "scalars": (scalars, 0.5, True),
    "example_mlp": (_example_mlp, 0.4, True),
    "bert": (lambda: _file_seed("test/models/bert_encoder.onnx"), 0.02, False),
}


@functools.lru_cache(maxsize=None)
def all_seeds() -> tuple[Seed, ...]:
    out = []
    for name, (build, weight, cli) in BUILDERS.items():
        model = build()
        if model is not None:
            out.append(Seed(name, model, weight, cli))
    return tuple(out)


def seed_named(name: str) -> Seed:
    for s in all_seeds():
        if s.name == name:
            return s
    raise KeyError(name)


def pick(rng, small_only: bool = False) -> Seed:
    """A seed drawn by weight (``small_only``: none of the slow ones)."""
    seeds = [s for s in all_seeds() if not small_only or s.weight >= 0.1]
    total = sum(s.weight for s in seeds)
    x = rng.random() * total
    for s in seeds:
        x -= s.weight
        if x <= 0:
            return s
    return seeds[-1]


def input_infos(model: onnx.ModelProto) -> list[tuple[str, int, Optional[list]]]:
    """(name, elem type, dims or None) of the graph inputs that are not initializers."""
    inits = {i.name for i in model.graph.initializer}
    out = []
    for value in model.graph.input:
        if value.name in inits:
            continue
        t = value.type.tensor_type
        dims = None
        if t.HasField("shape"):
            dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim]
        out.append((value.name, t.elem_type, dims))
    return out

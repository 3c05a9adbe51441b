"""The benchmark workloads as ONNX models, built with onnx.helper and numpy
(fixed seeds, no PyTorch). Each builder returns ``(model, feeds)``:

* ``matmul``: fp32 MatMul 1024x1024 @ 1024x1024, both operands graph inputs;
* ``resnet50``: the `light` ResNet-50 shipped inside the onnx package;
* ``mobilenet_v2``: ``examples/mobilenet_v2.onnx`` of this repository;
* ``bert``: a BERT-base encoder (hidden 768, 12 heads, FFN 3072, GELU in its Erf
  form, LayerNormalization) at batch 1, sequence 128, on float hidden states
  (no embeddings), laid out as PyTorch exports it; ``bert_layers`` layers;
* ``mlp``: X[64,784] -> Gemm(1024)+Relu -> Gemm(1024)+Relu -> Gemm(10);
* the exported models (``EXPORTED_BENCH``: ShuffleNet-v2, SqueezeNet-1.1,
  EfficientNet-B0, RegNet-Y-400MF, ConvNeXt-Tiny, DeiT-tiny; ``EXPORTED_WIDE``:
  other torchvision and timm classifiers): ``<name>.onnx`` files written by
  ``scripts/export_models.py --bench`` / ``--wide`` (PyTorch, random weights) to
  $POLYTILE_MODEL_DIR, by default ~/.cache/polytile/models; a missing file is a
  FileNotFoundError naming the command that writes it.

    from models import build
    model, feeds = build("bert", bert_layers=2)
    model, feeds = build("bert", bert_layers=4, hidden=384, heads=12, ffn=1536)
    model, feeds = build("efficientnet_b0")
"""
from __future__ import annotations

import math
import os
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO = pathlib.Path(__file__).resolve().parents[1]
OPSET = 17


def _model(nodes, inputs, outputs, initializers, name: str, opset: int = OPSET) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def _graph_inputs(model: onnx.ModelProto) -> list:
    """The inputs that are not initializers (older models list both)."""
    initializers = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in initializers]


def random_feeds(model: onnx.ModelProto, seed: int = 0) -> dict:
    """Standard-normal float32 feeds for every (float, static) graph input."""
    rng = np.random.default_rng(seed)
    feeds = {}
    for value in _graph_inputs(model):
        tensor = value.type.tensor_type
        if tensor.elem_type != TensorProto.FLOAT:
            raise ValueError(f"input '{value.name}' is not float32")
        shape = [d.dim_value for d in tensor.shape.dim]
        if any(d <= 0 for d in shape):
            raise ValueError(f"input '{value.name}' has a dynamic shape {shape}")
        feeds[value.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


def matmul(size: int = 1024):
    """C = A @ B, A and B graph inputs of size x size."""
    info = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, [size, size])  # noqa: E731
    model = _model([helper.make_node("MatMul", ["A", "B"], ["C"], name="matmul")],
                   [info("A"), info("B")], [info("C")], [], "matmul")
    return model, random_feeds(model)


def resnet50():
    """The `light` ResNet-50 (constant weights, 1x3x224x224) from the onnx package."""
    path = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light",
                        "light_resnet50.onnx")
    model = onnx.load(path)
    return model, random_feeds(model)


def mobilenet_v2():
    """examples/mobilenet_v2.onnx (torchvision MobileNet-v2, random weights)."""
    model = onnx.load(str(REPO / "examples" / "mobilenet_v2.onnx"))
    return model, random_feeds(model)


def mlp(batch=64):
    """784 -> 1024 -> 1024 -> 10 with Relu, Gemm weights [out, in] and transB=1;
    ``batch`` a size, or a name (a dynamic dim; the feeds then have batch 64)."""
    rng = np.random.default_rng(0)
    sizes = [784, 1024, 1024, 10]
    nodes, inits, x = [], [], "X"
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        w = (rng.standard_normal((n_out, n_in)) / math.sqrt(n_in)).astype(np.float32)
        b = (0.1 * rng.standard_normal(n_out)).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"fc{i}.weight"), numpy_helper.from_array(b, f"fc{i}.bias")]
        y = f"fc{i}" if i < len(sizes) - 2 else "Y"
        nodes.append(helper.make_node("Gemm", [x, f"fc{i}.weight", f"fc{i}.bias"], [y],
                                      name=f"fc{i}", transB=1))
        if i < len(sizes) - 2:
            nodes.append(helper.make_node("Relu", [y], [f"relu{i}"], name=f"relu{i}"))
            y = f"relu{i}"
        x = y
    model = _model(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [batch, 784])],
                   [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [batch, 10])], inits, "mlp")
    if isinstance(batch, str):
        return model, {"X": np.random.default_rng(0).standard_normal((64, 784)).astype(np.float32)}
    return model, random_feeds(model)


class _BertBuilder:
    """Accumulates the nodes and initializers of a BERT encoder."""

    def __init__(self, hidden: int, heads: int, ffn: int, seq: int, seed: int, dynamic: bool = False):
        self.hidden, self.heads, self.ffn, self.seq = hidden, heads, ffn, seq
        # dynamic: batch and sequence are dims of the input, read at run time by
        # Shape -> Gather -> Unsqueeze -> Concat chains, as torch.onnx exports x.view(b, s, h, d)
        self.dynamic = dynamic
        self.rng = np.random.default_rng(seed)
        self.nodes: list = []
        self.inits: list = []

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list, name: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(self, x: str, n_in: int, n_out: int, name: str) -> str:
        """MatMul by a [in, out] weight then Add bias, as torch.onnx exports nn.Linear."""
        w = (self.rng.standard_normal((n_in, n_out)) / math.sqrt(n_in)).astype(np.float32)
        b = (0.02 * self.rng.standard_normal(n_out)).astype(np.float32)
        y = self.node("MatMul", [x, self.const(f"{name}.weight", w)], f"{name}/MatMul")
        return self.node("Add", [y, self.const(f"{name}.bias", b)], f"{name}/Add")

    def layer_norm(self, x: str, name: str) -> str:
        gamma = (1.0 + 0.05 * self.rng.standard_normal(self.hidden)).astype(np.float32)
        beta = (0.02 * self.rng.standard_normal(self.hidden)).astype(np.float32)
        return self.node("LayerNormalization",
                         [x, self.const(f"{name}.weight", gamma), self.const(f"{name}.bias", beta)],
                         f"{name}/LayerNormalization", axis=-1, epsilon=1e-12)

    def runtime_shape(self, x: str, tail: list, name: str) -> str:
        """[x.shape[0], x.shape[1], *tail] computed in the graph (dynamic models)."""
        shape = self.node("Shape", [x], f"{name}/Shape")
        dims = []
        for i in (0, 1):
            index = self.const(f"{name}.index{i}", np.array(i, np.int64))
            dim = self.node("Gather", [shape, index], f"{name}/Gather_{i}", axis=0)
            axes = self.const(f"{name}.axes{i}", np.array([0], np.int64))
            dims.append(self.node("Unsqueeze", [dim, axes], f"{name}/Unsqueeze_{i}"))
        rest = self.const(f"{name}.tail", np.array(tail, np.int64))
        return self.node("Concat", dims + [rest], f"{name}/Concat", axis=0)

    def attention(self, x: str, p: str) -> str:
        head = self.hidden // self.heads
        if self.dynamic:
            split = self.runtime_shape(x, [self.heads, head], f"{p}.split_heads_shape")
            merge = self.runtime_shape(x, [self.hidden], f"{p}.merge_heads_shape")
        else:
            split = self.const(f"{p}.split_heads_shape", np.array([1, self.seq, self.heads, head], np.int64))
            merge = self.const(f"{p}.merge_heads_shape", np.array([1, self.seq, self.hidden], np.int64))

        def heads(name: str, perm: list) -> str:
            y = self.linear(x, self.hidden, self.hidden, f"{p}.{name}")
            y = self.node("Reshape", [y, split], f"{p}.{name}/Reshape")
            return self.node("Transpose", [y], f"{p}.{name}/Transpose", perm=perm)

        q = heads("query", [0, 2, 1, 3])
        k = heads("key", [0, 2, 3, 1])
        v = heads("value", [0, 2, 1, 3])
        scores = self.node("MatMul", [q, k], f"{p}/scores/MatMul")
        scale = self.const(f"{p}.scale", np.array(math.sqrt(head), np.float32))
        scores = self.node("Div", [scores, scale], f"{p}/scores/Div")
        probs = self.node("Softmax", [scores], f"{p}/Softmax", axis=-1)
        context = self.node("MatMul", [probs, v], f"{p}/context/MatMul")
        context = self.node("Transpose", [context], f"{p}/context/Transpose", perm=[0, 2, 1, 3])
        context = self.node("Reshape", [context, merge], f"{p}/context/Reshape")
        return self.linear(context, self.hidden, self.hidden, f"{p}.output.dense")

    def gelu(self, x: str, p: str) -> str:
        """x * 0.5 * (1 + erf(x / sqrt(2))), node by node as torch exports GELU."""
        y = self.node("Div", [x, self.const(f"{p}.sqrt2", np.array(math.sqrt(2.0), np.float32))], f"{p}/Div")
        y = self.node("Erf", [y], f"{p}/Erf")
        y = self.node("Add", [y, self.const(f"{p}.one", np.array(1.0, np.float32))], f"{p}/Add")
        y = self.node("Mul", [x, y], f"{p}/Mul")
        return self.node("Mul", [y, self.const(f"{p}.half", np.array(0.5, np.float32))], f"{p}/Mul_1")

    def layer(self, x: str, i: int) -> str:
        p = f"encoder.layer.{i}"
        attended = self.attention(x, f"{p}.attention")
        x = self.layer_norm(self.node("Add", [attended, x], f"{p}.attention/residual"),
                            f"{p}.attention.output.LayerNorm")
        h = self.gelu(self.linear(x, self.hidden, self.ffn, f"{p}.intermediate.dense"), f"{p}.gelu")
        h = self.linear(h, self.ffn, self.hidden, f"{p}.output.dense")
        return self.layer_norm(self.node("Add", [h, x], f"{p}.output/residual"), f"{p}.output.LayerNorm")


def bert(bert_layers: int = 12, seq: int = 128, hidden: int = 768, heads: int = 12, ffn: int = 3072,
         dynamic: bool = False, batch: int = 1):
    """A BERT-base encoder over float hidden states [batch, seq, hidden]; with
    ``dynamic`` the input is ["batch", "seq", hidden] and the head reshapes read
    batch and sequence from the input at run time (the feeds are [batch, seq, hidden])."""
    if bert_layers < 1:
        raise ValueError("bert needs at least one layer")
    b = _BertBuilder(hidden, heads, ffn, seq, seed=0, dynamic=dynamic)
    x = "hidden_states"
    for i in range(bert_layers):
        x = b.layer(x, i)
    b.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="output"))
    dims = ["batch", "seq", hidden] if dynamic else [batch, seq, hidden]
    model = _model(b.nodes, [helper.make_tensor_value_info("hidden_states", TensorProto.FLOAT, dims)],
                   [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims)],
                   b.inits, "bert")
    if dynamic:
        rng = np.random.default_rng(0)
        return model, {"hidden_states": rng.standard_normal((batch, seq, hidden)).astype(np.float32)}
    return model, random_feeds(model)


# The models of scripts/export_models.py (keep the names in step with its
# BENCH_SET and WIDE_SET; this module must not import torch).
EXPORTED_BENCH = ["shufflenet_v2_x1_0", "squeezenet1_1", "efficientnet_b0", "regnet_y_400mf",
                  "convnext_tiny", "deit_tiny"]
EXPORTED_WIDE = ["resnet18", "resnet50_tv", "alexnet", "vgg11", "densenet121", "googlenet", "inception_v3",
                 "mnasnet1_0", "mobilenet_v3_small", "mobilenet_v3_large", "resnext50_32x4d",
                 "wide_resnet50_2", "efficientnet_b1", "regnet_x_400mf", "shufflenet_v2_x0_5",
                 "squeezenet1_0", "vit_b_16", "swin_t", "maxvit_t", "mobilevit_s", "efficientformer_l1",
                 "levit_128s", "ghostnet_100", "mixnet_s", "resnet18d", "convnext_atto", "efficientvit_b0",
                 "fastvit_t8"]
# a benchmark name whose file has another name (torchvision's ResNet-50 beside the `light` one)
_EXPORTED_FILES = {"resnet50_tv": "resnet50"}


def model_dir() -> pathlib.Path:
    """$POLYTILE_MODEL_DIR, or ~/.cache/polytile/models."""
    return pathlib.Path(os.environ.get("POLYTILE_MODEL_DIR") or
                        pathlib.Path.home() / ".cache" / "polytile" / "models").expanduser()


def exported(name: str):
    """``(model, feeds)`` of ``<model_dir>/<name>.onnx``, written by scripts/export_models.py."""
    file = _EXPORTED_FILES.get(name, name)
    path = model_dir() / f"{file}.onnx"
    if not path.exists():
        flag = "--bench" if name in EXPORTED_BENCH else "--wide"
        command = f"python scripts/export_models.py {flag} --only {file}"
        raise FileNotFoundError(
            f"{path} is missing: export it in an environment with torch, torchvision (and timm): "
            f"'{command}' (writes to $POLYTILE_MODEL_DIR, default ~/.cache/polytile/models; "
            "or set POLYTILE_MODEL_DIR to the folder that holds it)")
    model = onnx.load(str(path))
    return model, random_feeds(model)


def _exported_builder(name: str):
    def build_exported():
        return exported(name)

    build_exported.__name__ = name
    build_exported.__doc__ = f"{name}.onnx exported by scripts/export_models.py"
    return build_exported


MODELS = {"matmul": matmul, "resnet50": resnet50, "mobilenet_v2": mobilenet_v2, "bert": bert, "mlp": mlp,
          **{name: _exported_builder(name) for name in EXPORTED_BENCH + EXPORTED_WIDE}}

# bench_models.py's sets: the issue-14 benchmark set, and the wider one
SETS = {
    "default": ["matmul", "bert", "mlp", "resnet50", "mobilenet_v2"] + EXPORTED_BENCH,
    "wide": EXPORTED_WIDE,
}
SETS["all"] = SETS["default"] + SETS["wide"]


def build(name: str, bert_layers: int = 12, **bert_options):
    """``(model, feeds)`` of the workload ``name`` (one of ``MODELS``);
    ``bert_options`` (hidden, heads, ffn, seq) go to :func:`bert`."""
    if name not in MODELS:
        raise KeyError(f"unknown model '{name}' (models: {', '.join(MODELS)})")
    if name == "bert":
        return bert(bert_layers=bert_layers, **bert_options)
    return MODELS[name]()

"""tg-fuse-kernels: small ONNX graphs compiled with the pass give onnxruntime's
results, the kernels have the expected kinds, and the grouping of real models
(MobileNetV2, a BERT encoder) is what the fusion rules say."""
import os
import re
from collections import Counter

import numpy as np
import pytest
from mlir import ir
from onnx import helper

import polytile
from onnx_check import assert_close, make_model, run_onnxruntime
from polytile import compiler, pipelines
from polytile.passes.schedule import tg_fuse_kernels

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rng = np.random.default_rng(0)


def sample(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def fuse(model):
    """Import ``model`` and run the graph passes and tg-fuse-kernels; returns
    (context, module, inputs, outputs)."""
    context, module, inputs, outputs, _ = compiler.import_to_tg(model)
    with context, ir.Location.unknown():
        polytile.Pipeline().add("tg-fuse-kernels").run(module)
    return context, module, inputs, outputs


def kernels(module) -> Counter:
    """(kernel name without its number, kind) -> count, from the module text."""
    found = re.findall(r'func\.func private @(\w+)_\d+\(.*attributes \{tg\.kernel = "(\w+)"\}', str(module))
    return Counter(found)


def unscheduled_cpu_passes() -> list[str]:
    """tg (with kernels) -> llvm without schedules, on one thread: checks the
    fusion alone (the scheduled path is covered by polytile.compile's tests)."""
    return pipelines.tg_to_linalg() + pipelines.linalg_to_affine() + pipelines.affine_to_llvm(1)


def run_fused(model, feeds):
    """Compile ``model`` with tg-fuse-kernels then the CPU stages; returns the
    outputs and the kernels the pass made."""
    context, module, inputs, outputs = fuse(model)
    made = kernels(module)
    with context, ir.Location.unknown():
        pipeline = polytile.Pipeline()
        for p in unscheduled_cpu_passes():
            pipeline.add(p)
        pipeline.run(module)
        from polytile.runtime.jit import JitFunction
        function = JitFunction(module, pipelines.ENTRY_POINT)
    arrays = [np.ascontiguousarray(feeds[i.name]) for i in inputs]
    results = [np.empty(o.shape, dtype=o.dtype) for o in outputs]
    function(arrays + results)
    return results, made


def check(model, feeds, expected_kernels, rtol=1e-4, atol=1e-5):
    actual, made = run_fused(model, feeds)
    assert made == Counter(expected_kernels)
    assert_close(actual, run_onnxruntime(model, feeds), rtol, atol)


def test_conv_bias_relu():
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["y"])]
    model = make_model(nodes, {"x": sample(1, 3, 8, 8)}, ["y"],
                       initializers={"w": sample(4, 3, 3, 3), "b": sample(4)})
    check(model, {"x": sample(1, 3, 8, 8)}, {("conv_relu", "contraction"): 1})


def test_matmul_add_relu():
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"]),
             helper.make_node("Add", ["m", "b"], ["a"]),
             helper.make_node("Relu", ["a"], ["y"])]
    model = make_model(nodes, {"x": sample(5, 8)}, ["y"],
                       initializers={"w": sample(8, 16), "b": sample(16)})
    check(model, {"x": sample(5, 8)}, {("matmul_add_relu", "contraction"): 1})


def test_residual_block():
    # y = relu(conv2(relu(conv1(x))) + x): the second conv takes the residual add.
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
             helper.make_node("Add", ["c2", "x"], ["s"]),
             helper.make_node("Relu", ["s"], ["y"])]
    inits = {"w1": sample(4, 4, 3, 3), "b1": sample(4), "w2": sample(4, 4, 3, 3), "b2": sample(4)}
    model = make_model(nodes, {"x": sample(1, 4, 6, 6)}, ["y"], initializers=inits)
    check(model, {"x": sample(1, 4, 6, 6)},
          {("conv_relu", "contraction"): 1, ("conv_add_relu", "contraction"): 1})


def test_einsum_add_relu():
    # einsum is a contraction anchor (declared with its type rule): it takes its epilogue.
    nodes = [helper.make_node("Einsum", ["x", "w"], ["e"], equation="bij,jk->bik"),
             helper.make_node("Add", ["e", "b"], ["a"]),
             helper.make_node("Relu", ["a"], ["y"])]
    model = make_model(nodes, {"x": sample(2, 5, 8)}, ["y"],
                       initializers={"w": sample(8, 16), "b": sample(16)})
    check(model, {"x": sample(2, 5, 8)}, {("einsum_add_relu", "contraction"): 1})


def test_conv_transpose_relu():
    nodes = [helper.make_node("ConvTranspose", ["x", "w", "b"], ["c"], strides=[2, 2]),
             helper.make_node("Relu", ["c"], ["y"])]
    model = make_model(nodes, {"x": sample(1, 3, 4, 4)}, ["y"],
                       initializers={"w": sample(3, 2, 3, 3), "b": sample(2)})
    check(model, {"x": sample(1, 3, 4, 4)}, {("conv_transpose_relu", "contraction"): 1})


def test_attention_residual_add():
    # attention (four results, only Y used) takes the residual add as its epilogue.
    q, k, v = sample(1, 2, 3, 4), sample(1, 2, 5, 4), sample(1, 2, 5, 4)
    nodes = [helper.make_node("Attention", ["q", "k", "v"], ["att"]),
             helper.make_node("Add", ["att", "q"], ["y"])]
    model = make_model(nodes, {"q": q, "k": k, "v": v}, ["y"], opset=23)
    check(model, {"q": q, "k": k, "v": v}, {("attention_add", "contraction"): 1})


def test_data_movement_is_opaque():
    # transpose and concat are declared opaque: kernels of their own, no epilogue.
    nodes = [helper.make_node("Transpose", ["x"], ["t"], perm=[1, 0]),
             helper.make_node("Relu", ["t"], ["r"]),
             helper.make_node("Concat", ["r", "r"], ["y"], axis=0)]
    model = make_model(nodes, {"x": sample(3, 4)}, ["y"])
    check(model, {"x": sample(3, 4)},
          {("transpose", "opaque"): 1, ("relu", "elementwise"): 1, ("concat", "opaque"): 1})


def test_softmax_after_matmul():
    # The scale belongs to the matmul's epilogue; the softmax is a reduction kernel.
    nodes = [helper.make_node("MatMul", ["q", "k"], ["m"]),
             helper.make_node("Mul", ["m", "scale"], ["s"]),
             helper.make_node("Softmax", ["s"], ["p"], axis=-1),
             helper.make_node("MatMul", ["p", "v"], ["y"])]
    inputs = {"q": sample(2, 6, 4), "k": sample(2, 4, 6), "v": sample(2, 6, 4)}
    model = make_model(nodes, inputs, ["y"], initializers={"scale": np.array(0.5, np.float32)})
    check(model, inputs, {("matmul_mul", "contraction"): 1, ("softmax", "reduction"): 1,
                          ("matmul", "contraction"): 1})


def test_layernorm_with_prologue_and_epilogue():
    nodes = [helper.make_node("Add", ["x", "r"], ["a"]),
             helper.make_node("LayerNormalization", ["a", "g", "b"], ["n"], axis=-1),
             helper.make_node("Tanh", ["n"], ["y"])]
    inputs = {"x": sample(3, 16), "r": sample(3, 16)}
    model = make_model(nodes, inputs, ["y"], initializers={"g": sample(16), "b": sample(16)})
    check(model, inputs, {("add_layer_normalization_tanh", "reduction"): 1})


def test_value_used_outside_stops_the_epilogue():
    # h (matmul + bias) feeds the GELU branch and also a relu and a transpose: the
    # contraction keeps matmul+add and the GELU ops become an element-wise kernel.
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"]),
             helper.make_node("Add", ["m", "b"], ["h"]),
             helper.make_node("Div", ["h", "sqrt2"], ["d"]),
             helper.make_node("Erf", ["d"], ["e"]),
             helper.make_node("Add", ["e", "one"], ["e1"]),
             helper.make_node("Mul", ["h", "e1"], ["g"]),
             helper.make_node("Mul", ["g", "half"], ["y"]),
             helper.make_node("Relu", ["h"], ["z"]),
             helper.make_node("Transpose", ["h"], ["t"])]
    inits = {"w": sample(8, 16), "b": sample(16), "sqrt2": np.array(1.4142135, np.float32),
             "one": np.array(1.0, np.float32), "half": np.array(0.5, np.float32)}
    model = make_model(nodes, {"x": sample(4, 8)}, ["y", "z", "t"], initializers=inits)
    check(model, {"x": sample(4, 8)}, {("matmul_add", "contraction"): 1,
                                       ("div_erf_add_mul_mul", "elementwise"): 1,
                                       ("relu", "elementwise"): 1, ("transpose", "opaque"): 1})


def test_gelu_numerics():
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"]),
             helper.make_node("Add", ["m", "b"], ["h"]),
             helper.make_node("Div", ["h", "sqrt2"], ["d"]),
             helper.make_node("Erf", ["d"], ["e"]),
             helper.make_node("Add", ["e", "one"], ["e1"]),
             helper.make_node("Mul", ["h", "e1"], ["g"]),
             helper.make_node("Mul", ["g", "half"], ["y"])]
    inits = {"w": sample(8, 16), "b": sample(16), "sqrt2": np.array(1.4142135, np.float32),
             "one": np.array(1.0, np.float32), "half": np.array(0.5, np.float32)}
    model = make_model(nodes, {"x": sample(4, 8)}, ["y"], initializers=inits)
    check(model, {"x": sample(4, 8)}, {("matmul_add_div_erf_add_mul_mul", "contraction"): 1})


def test_mobilenet_v2_grouping():
    _, module, _, _ = fuse(os.path.join(ROOT, "examples", "mobilenet_v2.onnx"))
    made = kernels(module)
    # 52 convs: each with its relu6 (clip), its residual add, or alone (the
    # linear bottleneck projections); the classifier gemm; the global pool.
    assert made == Counter({("conv_clip", "contraction"): 35, ("conv_add", "contraction"): 10,
                            ("conv", "contraction"): 7, ("gemm", "contraction"): 1,
                            ("global_average_pool", "reduction"): 1})
    main = str(module)[str(module).index("func.func @main"):]
    assert not re.search(r'"tg\.(?!constant|flatten)', main), "only free ops stay in the graph"


def test_bert_encoder_grouping():
    _, module, _, _ = fuse(os.path.join(ROOT, "test", "models", "bert_encoder.onnx"))
    made = kernels(module)
    assert made[("matmul_add_div_erf_add_mul_mul", "contraction")] == 2  # FFN up + GELU
    assert made[("matmul_add_add", "contraction")] == 4  # projections + bias + residual
    assert made[("matmul_div_add", "contraction")] == 2  # scores, scale, mask
    assert made[("matmul_add", "contraction")] == 2  # QKV
    assert made[("matmul", "contraction")] == 2  # probabilities x V
    assert made[("softmax", "reduction")] == 2
    assert made[("add_layer_normalization", "reduction")] == 1  # embeddings + position
    assert made[("layer_normalization", "reduction")] == 4
    assert made[("cast_sub_mul", "elementwise")] == 1  # the attention mask
    assert sum(n for (_, kind), n in made.items() if kind == "opaque") == 15  # gather, slices, transposes


def test_idempotent():
    _, module, _, _ = fuse(os.path.join(ROOT, "test", "models", "bert_encoder.onnx"))
    once = str(module)
    with module.context, ir.Location.unknown():
        polytile.Pipeline().add("tg-fuse-kernels").run(module)
    assert str(module) == once


def test_classification_names_exist_in_the_dialect():
    with open(os.path.join(ROOT, "dialects", "tg.irdl.mlir")) as f:
        defined = set(re.findall(r"irdl\.operation @(\w+)", f.read()))
    table = (tg_fuse_kernels.CONTRACTION | tg_fuse_kernels.REDUCTION
             | tg_fuse_kernels.ELEMENTWISE | tg_fuse_kernels.FREE | tg_fuse_kernels.OPAQUE)
    assert table == defined, sorted(table ^ defined)  # every op is declared, none is made up
    families = [tg_fuse_kernels.CONTRACTION, tg_fuse_kernels.REDUCTION,
                tg_fuse_kernels.ELEMENTWISE, tg_fuse_kernels.FREE, tg_fuse_kernels.OPAQUE]
    assert sum(len(f) for f in families) == len(table), "an op is in two families"
    assert tg_fuse_kernels.classify("tg.transpose") == "opaque"
    assert tg_fuse_kernels.classify("arith.addf") is None


def kernel_sizes(module) -> list[int]:
    """The number of non-constant tg ops in each kernel function."""
    sizes = []
    for op in module.body.operations:
        op = op.operation
        if op.name == "func.func" and "tg.kernel" in op.attributes:
            body = op.regions[0].blocks[0].operations
            sizes.append(sum(1 for o in body if o.operation.name.startswith("tg.")
                             and o.operation.name != "tg.constant"))
    return sizes


@pytest.mark.parametrize("max_ops", [1, 2])
def test_max_ops_limits_kernel_size(max_ops):
    context, module, _, _, _ = compiler.import_to_tg(os.path.join(ROOT, "test", "models", "bert_encoder.onnx"))
    names = re.findall(r'"(tg\.\w+)"', str(module))
    kernel_ops = sum(1 for n in names if tg_fuse_kernels.classify(n) != "free")
    with context, ir.Location.unknown():
        polytile.Pipeline().add("tg-fuse-kernels", max_ops=max_ops).run(module)
        sizes = kernel_sizes(module)
    assert max(sizes) == max_ops
    assert sum(sizes) == kernel_ops == 64  # every non-free tg op is in one kernel

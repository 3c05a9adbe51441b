"""Numerics of the recurrent family (LSTM, GRU, RNN) against onnxruntime.

Each test compiles ONE model holding several nodes (each with its own inputs and attribute
combination), so that every direction, layout, activation, clip, sequence_lens, initial state,
peephole and linear_before_reset case is covered in a few compiles. Hidden sizes are not
multiples of 8/16 (1, 3, 5, 9, 17, 33)."""
import numpy as np
import onnx
import pytest
from onnx import helper

import polytile
from onnx_check import assert_close, make_model, run_onnxruntime

GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def case(op, tag, seq=4, batch=3, inp=5, hidden=3, attrs=None, bias=True, lens=None, init=False,
         peep=False, seed=0):
    """(node, inputs, outputs) of one ``op`` node whose names end in ``tag``."""
    rng = np.random.default_rng(seed)
    attrs = dict(attrs or {})
    dirs = 2 if attrs.get("direction") == "bidirectional" else 1
    layout = attrs.get("layout", 0)
    g = GATES[op]
    f = lambda *s: (rng.standard_normal(s) * 0.7).astype(np.float32)  # noqa: E731
    x = f(batch, seq, inp) if layout else f(seq, batch, inp)
    names = {"X": x, "W": f(dirs, g * hidden, inp), "R": f(dirs, g * hidden, hidden)}
    if bias:
        names["B"] = f(dirs, 2 * g * hidden)
    if lens is not None:
        names["L"] = np.array(lens, np.int32)
    if init:
        shape = (batch, dirs, hidden) if layout else (dirs, batch, hidden)
        names["H0"] = f(*shape)
        if op == "LSTM":
            names["C0"] = f(*shape)
    if peep:
        names["P"] = f(dirs, 3 * hidden)
    order = ["X", "W", "R", "B", "L", "H0", "C0", "P"][:8 if op == "LSTM" else 6]
    while order[-1] not in names:
        order.pop()
    node_inputs = [f"{n}_{tag}" if n in names else "" for n in order]
    outputs = [f"{o}_{tag}" for o in (["Y", "Yh", "Yc"] if op == "LSTM" else ["Y", "Yh"])]
    node = helper.make_node(op, node_inputs, outputs, hidden_size=hidden, name=f"{op}_{tag}", **attrs)
    return node, {f"{n}_{tag}": v for n, v in names.items()}, outputs


def _layout0_twin(node, inputs):
    """onnxruntime has no layout 1: the same node in layout 0, its batch-major inputs transposed;
    returns (node, inputs, how to turn its outputs into layout-1 ones)."""
    twin = onnx.NodeProto()
    twin.CopyFrom(node)
    for a in twin.attribute:
        if a.name == "layout":
            a.i = 0
    ins = dict(inputs)
    for name in twin.input:
        if name.startswith(("X_", "H0_", "C0_")):
            ins[name] = np.ascontiguousarray(np.swapaxes(ins[name], 0, 1))
    fix = [(lambda y: np.transpose(y, (2, 0, 1, 3)))] + [(lambda y: np.transpose(y, (1, 0, 2)))] * 2
    return twin, ins, fix[:len([o for o in node.output if o])]


def check_cases(cases, threads=1, opset=14, rtol=1e-4, atol=1e-5):
    nodes, inputs, outputs = [], {}, []
    ref_nodes, ref_inputs, fixes = [], {}, []
    for node, ins, outs in cases:
        nodes.append(node)
        inputs.update(ins)
        outputs += outs
        if any(a.name == "layout" and a.i == 1 for a in node.attribute):
            twin, twin_ins, fix = _layout0_twin(node, ins)
        else:
            twin, twin_ins, fix = node, ins, [lambda y: y] * len(outs)
        ref_nodes.append(twin)
        ref_inputs.update(twin_ins)
        fixes += fix
    model = make_model(nodes, inputs, outputs, opset=opset)
    actual = polytile.compile(model, threads=threads).run(inputs)
    ref_model = make_model(ref_nodes, ref_inputs, outputs, opset=opset)
    expected = [fix(y) for fix, y in zip(fixes, run_onnxruntime(ref_model, ref_inputs))]
    assert_close(actual, expected, rtol, atol)


def test_lstm_all_attributes():
    check_cases([
        case("LSTM", "fwd"),
        case("LSTM", "rev", hidden=5, attrs={"direction": "reverse", "clip": 0.8}, init=True, peep=True),
        case("LSTM", "bi", hidden=17, attrs={"direction": "bidirectional", "input_forget": 1}, init=True,
             peep=True, bias=False),
        case("LSTM", "lens", attrs={"direction": "bidirectional"}, lens=[4, 2, 1], init=True, peep=True),
        case("LSTM", "layout", hidden=5, attrs={"direction": "bidirectional", "layout": 1}, lens=[3, 4, 1],
             init=True, peep=True),
        case("LSTM", "acts", attrs={"activations": ["HardSigmoid", "LeakyRelu", "Softsign"],
                                    "activation_alpha": [0.3, 0.2], "activation_beta": [0.4]}),
    ])


def test_gru_all_attributes():
    check_cases([
        case("GRU", "fwd", hidden=17),
        case("GRU", "lbr", hidden=5, attrs={"linear_before_reset": 1, "clip": 1.1}, init=True),
        case("GRU", "rev", attrs={"direction": "reverse"}, init=True, lens=[1, 4, 3]),
        case("GRU", "bi", hidden=5, attrs={"direction": "bidirectional", "linear_before_reset": 1}, lens=[2, 3, 4],
             init=True),
        case("GRU", "layout", attrs={"direction": "bidirectional", "layout": 1}, init=True, bias=False),
        case("GRU", "acts", attrs={"activations": ["ScaledTanh", "Elu", "Relu", "Softplus"],
                                   "activation_alpha": [0.9, 0.5], "activation_beta": [1.2],
                                   "direction": "bidirectional"}),
    ])


def test_rnn_every_activation():
    acts = [("Relu", [], []), ("Tanh", [], []), ("Sigmoid", [], []), ("Affine", [0.5], [0.1]),
            ("LeakyRelu", [], []), ("ThresholdedRelu", [0.2], []), ("ScaledTanh", [1.5], [0.7]),
            ("HardSigmoid", [], []), ("Elu", [0.6], []), ("Softsign", [], []), ("Softplus", [], [])]
    cases = []
    for i, (name, alpha, beta) in enumerate(acts):
        attrs = {"activations": [name]}
        if alpha:
            attrs["activation_alpha"] = alpha
        if beta:
            attrs["activation_beta"] = beta
        cases.append(case("RNN", f"a{i}", hidden=3 + i % 3, attrs=attrs, seed=i))
    cases.append(case("RNN", "bi", hidden=17, attrs={"direction": "bidirectional", "clip": 0.5,
                                                     "activations": ["Tanh", "LeakyRelu"],
                                                     "activation_alpha": [0.3]}, init=True, lens=[4, 1, 2]))
    cases.append(case("RNN", "layout", attrs={"layout": 1, "direction": "reverse"}, init=True))
    check_cases(cases)


def test_vector_remainders_and_single_step():
    """The step's vectorized product: hidden sizes that leave partial vectors and blocks (1, 9,
    33: gates padded to 8 rows, blocks of 64 rows), GRU's two groups, a single time step (the
    time loop folds away), batch 2."""
    check_cases([
        case("LSTM", "l33", hidden=33, batch=2, init=True, peep=True),
        case("LSTM", "l1", hidden=1, attrs={"direction": "reverse"}),
        case("GRU", "g33", hidden=33, init=True),
        case("GRU", "g9", hidden=9, attrs={"linear_before_reset": 1, "direction": "bidirectional"}),
        case("RNN", "r33", hidden=33, attrs={"direction": "bidirectional"}, lens=[2, 4, 3]),
        case("LSTM", "s1", seq=1, hidden=5, init=True),
        case("GRU", "gs1", seq=1, hidden=9, init=True),
        case("GRU", "gl1", seq=1, hidden=3, attrs={"linear_before_reset": 1}),
        case("RNN", "rs1", seq=1, hidden=17, lens=[1, 0, 1]),
    ])


@pytest.mark.parametrize("threads", [2])
def test_two_threads(threads):
    check_cases([case("LSTM", "l", hidden=17, batch=2, attrs={"direction": "bidirectional"}, lens=[4, 3]),
                 case("LSTM", "l33", hidden=33, seq=3),
                 case("GRU", "g33", hidden=33, batch=2, attrs={"direction": "reverse"}),
                 case("GRU", "g", hidden=5, batch=2, init=True),
                 case("RNN", "r", hidden=3, batch=1, attrs={"direction": "reverse"})], threads=threads)


def test_opset7_and_missing_outputs():
    """Opset 7 (no layout); only Y_h requested (Y and Y_c absent)."""
    node, ins, _ = case("LSTM", "o7", hidden=5, init=True)
    node.output[:] = ["", "Yh_o7"]
    gnode, gins, _ = case("GRU", "g7", hidden=3)
    check_cases([(node, ins, ["Yh_o7"]), (gnode, gins, list(gnode.output))], opset=7)


def _dynamic_model(batch):
    rng = np.random.default_rng(3)
    hidden, inp = 5, 4
    nodes = [helper.make_node("LSTM", ["X", "W", "R", "B"], ["Y", "Yh", "Yc"], hidden_size=hidden,
                              direction="bidirectional"),
             helper.make_node("GRU", ["X", "Wg", "Rg"], ["Yg", "Yhg"], hidden_size=hidden)]
    inits = {"W": rng.standard_normal((2, 4 * hidden, inp)).astype(np.float32),
             "R": rng.standard_normal((2, 4 * hidden, hidden)).astype(np.float32),
             "B": rng.standard_normal((2, 8 * hidden)).astype(np.float32),
             "Wg": rng.standard_normal((1, 3 * hidden, inp)).astype(np.float32),
             "Rg": rng.standard_normal((1, 3 * hidden, hidden)).astype(np.float32)}
    graph = helper.make_graph(
        nodes, "dyn", [helper.make_tensor_value_info("X", onnx.TensorProto.FLOAT, ["seq", batch, inp])],
        [helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, None) for n in ("Y", "Yh", "Yc", "Yg", "Yhg")],
        [onnx.numpy_helper.from_array(v, k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], ir_version=8)


@pytest.mark.parametrize("seq,batch", [("seq", 2), (4, "batch")])
def test_dynamic_dims_refused(seq, batch):
    model = _dynamic_model(batch)
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = seq if isinstance(seq, str) else ""
    if isinstance(seq, int):
        model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = seq
    with pytest.raises(Exception, match="dynamic seq_length or batch_size is not supported yet"):
        polytile.compile(model, threads=1)
    shape = (seq if isinstance(seq, int) else 3, batch if isinstance(batch, int) else 2, 4)
    pinned = polytile.compile(model, threads=1, input_shapes={"X": list(shape)})
    feeds = {"X": np.random.default_rng(4).standard_normal(shape).astype(np.float32)}
    assert_close(pinned.run(feeds), run_onnxruntime(model, feeds))


def test_refused_cleanly():
    """Affine without its alpha/beta has no ONNX default: 'not supported' naming the node."""
    node, ins, outs = case("RNN", "bad", attrs={"activations": ["Affine"]})
    model = make_model([node], ins, outs, opset=14)
    with pytest.raises(Exception, match="Affine needs its alpha and beta"):
        polytile.compile(model)

"""If, Loop and Scan (importers/onnx/rules/control_flow.py) against onnxruntime.

Each model runs at 1 and 2 threads, with both outcomes of every data-dependent
condition; the feeds must come back untouched (loop-carried values are updated
in place, in copies of their initial values)."""
import threading

import numpy as np
import pytest
from onnx import TensorProto as T
from onnx import helper

import polytile
from onnx_check import assert_close, run_onnxruntime

F = T.FLOAT


def _vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def _model(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def _check(model, feeds_list, threads=(1, 2), rtol=1e-5, atol=1e-5):
    for n in threads:
        compiled = polytile.compile(model, threads=n)
        for feeds in feeds_list:
            kept = {k: v.copy() for k, v in feeds.items()}
            assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), rtol, atol)
            for k in feeds:
                np.testing.assert_array_equal(feeds[k], kept[k], err_msg=f"feed '{k}' was written")


def _const(name, value):
    return helper.make_node("Constant", [], [name], value=helper.make_tensor(
        name + "_v", helper.np_dtype_to_tensor_dtype(np.asarray(value).dtype), np.shape(value),
        np.asarray(value).reshape(-1).tolist()))


# If ------------------------------------------------------------------------------

def _if_model(then_shape=(3, 4), else_shape=(3, 4)):
    """Branches reading the outer scope; the else branch may give another shape."""
    then_g = helper.make_graph([helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Add", ["r", "x"], ["t"])],
                               "then", [], [_vi("t", list(then_shape))])
    else_nodes = [helper.make_node("Neg", ["x"], ["e0"])]
    if else_shape != then_shape:
        else_nodes.append(helper.make_node("Slice", ["e0", "starts", "ends"], ["e"]))
    else:
        else_nodes.append(helper.make_node("Exp", ["e0"], ["e"]))
    else_g = helper.make_graph(else_nodes, "else", [], [_vi("e", list(else_shape))])
    nodes = [helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
             helper.make_node("Greater", ["s", "zero"], ["c"]),
             helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g),
             helper.make_node("Mul", ["y", "y"], ["z"])]
    inits = [helper.make_tensor("zero", F, [], [0.0]),
             helper.make_tensor("starts", T.INT64, [1], [1]), helper.make_tensor("ends", T.INT64, [1], [3])]
    return _model(nodes, [_vi("x", [3, 4])], [_vi("z", None)], inits)


def test_if_runtime_condition():
    x = np.linspace(-1, 2, 12, dtype=np.float32).reshape(3, 4)
    _check(_if_model(), [{"x": x}, {"x": -x}])


def test_if_branches_of_different_shapes():
    x = np.linspace(-1, 2, 12, dtype=np.float32).reshape(3, 4)
    model = _if_model(else_shape=(2, 4))
    _check(model, [{"x": x}, {"x": -x}], threads=(1,))
    assert "tensor<?x4xf32>" in polytile.compile(model, emit="tg")


def test_if_constant_condition_is_folded():
    then_g = helper.make_graph([helper.make_node("Relu", ["x"], ["t"])], "then", [], [_vi("t", [4])])
    else_g = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])], "else", [], [_vi("e", [4])])
    model = _model([_const("c", np.array(False)),
                    helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
                   [_vi("x", [4])], [_vi("y", [4])])
    text = polytile.compile(model, emit="tg")
    assert "scf.if" not in text and "tg.neg" in text and "tg.relu" not in text
    _check(model, [{"x": np.arange(4, dtype=np.float32)}], threads=(1,))


# Loop ----------------------------------------------------------------------------

def _loop_body(early_exit: bool):
    """state: h <- tanh(h * 0.9 + x[i]) (x from the outer scope); scan output h;
    with ``early_exit`` the loop stops once sum(h) > limit."""
    nodes = [helper.make_node("Gather", ["x", "i"], ["xi"], axis=0),
             helper.make_node("Mul", ["h_in", "decay"], ["hd"]),
             helper.make_node("Add", ["hd", "xi"], ["ha"]),
             helper.make_node("Tanh", ["ha"], ["h_out"])]
    outputs = [_vi("cond_out", [], T.BOOL), _vi("h_out", [5])]
    if early_exit:
        nodes += [helper.make_node("ReduceSum", ["h_out"], ["hs"], keepdims=0),
                  helper.make_node("Less", ["hs", "limit"], ["cond_out"])]
    else:
        nodes.append(helper.make_node("Identity", ["cond_in"], ["cond_out"]))
        nodes.append(helper.make_node("Identity", ["h_out"], ["scan"]))
        outputs.append(_vi("scan", [5]))
    return helper.make_graph(nodes, "body", [_vi("i", [], T.INT64), _vi("cond_in", [], T.BOOL), _vi("h_in", [5])],
                             outputs)


def _loop_model(early_exit: bool, trip_as_input: bool = False):
    inits = [helper.make_tensor("decay", F, [], [0.9]), helper.make_tensor("limit", F, [], [2.0]),
             helper.make_tensor("true", T.BOOL, [], [True])]
    inputs = [_vi("x", [6, 5]), _vi("h0", [5])]
    if trip_as_input:
        inputs.append(_vi("M", [], T.INT64))
    else:
        inits.append(helper.make_tensor("M", T.INT64, [], [6]))
    outputs = ["h_final"] + ([] if early_exit else ["hs"])
    node = helper.make_node("Loop", ["M", "true", "h0"], outputs, body=_loop_body(early_exit))
    return _model([node], inputs, [_vi(o, None) for o in outputs], inits)


def test_loop_fixed_trip_count_with_scan_output():
    rng = np.random.default_rng(0)
    feeds = {"x": rng.standard_normal((6, 5)).astype(np.float32), "h0": rng.standard_normal(5).astype(np.float32)}
    model = _loop_model(early_exit=False)
    assert "scf.for" in polytile.compile(model, emit="tg")
    _check(model, [feeds])


def test_loop_early_exit():
    rng = np.random.default_rng(1)
    model = _loop_model(early_exit=True)
    assert "scf.while" in polytile.compile(model, emit="tg")
    x = rng.uniform(0, 1, (6, 5)).astype(np.float32)
    _check(model, [{"x": x, "h0": np.zeros(5, np.float32)},   # exits early
                   {"x": -x, "h0": np.zeros(5, np.float32)}])  # runs M times


def test_loop_trip_count_at_run_time():
    rng = np.random.default_rng(2)
    model = _loop_model(early_exit=True, trip_as_input=True)
    x = rng.uniform(-1, 0, (6, 5)).astype(np.float32)
    _check(model, [{"x": x, "h0": np.zeros(5, np.float32), "M": np.array(k, np.int64)} for k in (0, 1, 4)],
           threads=(1,))


def test_loop_scan_outputs_with_early_exit_are_refused():
    body = _loop_body(early_exit=True)
    body.node.append(helper.make_node("Identity", ["h_out"], ["scan"]))
    body.output.append(_vi("scan", [5]))
    node = helper.make_node("Loop", ["M", "true", "h0"], ["h", "s"], body=body)
    inits = [helper.make_tensor("decay", F, [], [0.9]), helper.make_tensor("limit", F, [], [2.0]),
             helper.make_tensor("true", T.BOOL, [], [True]), helper.make_tensor("M", T.INT64, [], [6])]
    model = _model([node], [_vi("x", [6, 5]), _vi("h0", [5])], [_vi("h", None), _vi("s", None)], inits)
    with pytest.raises(polytile.OnnxImportError, match="scan outputs of a Loop that can exit early"):
        polytile.compile(model)


# Scan ----------------------------------------------------------------------------

@pytest.mark.parametrize("in_axis,in_dir,out_axis,out_dir", [(0, 0, 0, 0), (1, 1, 1, 0), (1, 0, 0, 1)])
def test_scan_axes_and_directions(in_axis, in_dir, out_axis, out_dir):
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "v"], ["s_out"]), helper.make_node("Mul", ["p_in", "v"], ["p_out"]),
         helper.make_node("Sub", ["s_out", "p_out"], ["o"])], "body",
        [_vi("s_in", [3]), _vi("p_in", [3]), _vi("v", [3])], [_vi("s_out", [3]), _vi("p_out", [3]), _vi("o", [3])])
    node = helper.make_node("Scan", ["s0", "p0", "x"], ["s", "p", "y"], num_scan_inputs=1, body=body,
                            scan_input_axes=[in_axis], scan_input_directions=[in_dir],
                            scan_output_axes=[out_axis], scan_output_directions=[out_dir])
    x_shape = [7, 3] if in_axis == 0 else [3, 7]
    model = _model([node], [_vi("s0", [3]), _vi("p0", [3]), _vi("x", x_shape)],
                   [_vi("s", None), _vi("p", None), _vi("y", None)], opset=11)
    rng = np.random.default_rng(3)
    feeds = {"s0": rng.standard_normal(3).astype(np.float32), "p0": np.ones(3, np.float32),
             "x": rng.uniform(0.5, 1.5, x_shape).astype(np.float32)}
    _check(model, [feeds])


# Models: If + LSTM, Loop + Scan ----------------------------------------------------

def _vad_model(seq=20, features=12, hidden=16):
    """A small voice-activity-detector-like net: an LSTM over the frames, a linear
    score, and an If that smooths the frame scores only when speech is likely."""
    rng = np.random.default_rng(4)
    w = rng.standard_normal((1, 4 * hidden, features)).astype(np.float32) * 0.3
    r = rng.standard_normal((1, 4 * hidden, hidden)).astype(np.float32) * 0.3
    b = rng.standard_normal((1, 8 * hidden)).astype(np.float32) * 0.1
    proj = rng.standard_normal((hidden, 1)).astype(np.float32)
    then_g = helper.make_graph([helper.make_node("AveragePool", ["p4"], ["sm"], kernel_shape=[3], pads=[1, 1],
                                                 count_include_pad=0),
                                helper.make_node("Reshape", ["sm", "flat"], ["out_t"])],
                               "speech", [], [_vi("out_t", [seq])])
    else_g = helper.make_graph([helper.make_node("Mul", ["pflat", "zero"], ["out_e"])], "silence", [],
                               [_vi("out_e", [seq])])
    nodes = [helper.make_node("LSTM", ["x", "W", "R", "B"], ["Y", "Y_h", "Y_c"], hidden_size=hidden),
             helper.make_node("Squeeze", ["Y", "axes13"], ["ys"]),                  # [seq, hidden]
             helper.make_node("MatMul", ["ys", "P"], ["logits"]),                    # [seq, 1]
             helper.make_node("Sigmoid", ["logits"], ["p"]),
             helper.make_node("Reshape", ["p", "flat"], ["pflat"]),
             helper.make_node("Reshape", ["p", "as_ncw"], ["p4"]),
             helper.make_node("ReduceMean", ["pflat"], ["mean"], keepdims=0),
             helper.make_node("Greater", ["mean", "half"], ["speech"]),
             helper.make_node("If", ["speech"], ["score"], then_branch=then_g, else_branch=else_g)]
    inits = [helper.make_tensor("W", F, w.shape, w.reshape(-1)), helper.make_tensor("R", F, r.shape, r.reshape(-1)),
             helper.make_tensor("B", F, b.shape, b.reshape(-1)), helper.make_tensor("P", F, proj.shape, proj.reshape(-1)),
             helper.make_tensor("axes13", T.INT64, [2], [1, 2]), helper.make_tensor("flat", T.INT64, [1], [seq]),
             helper.make_tensor("as_ncw", T.INT64, [3], [1, 1, seq]), helper.make_tensor("half", F, [], [0.5]),
             helper.make_tensor("zero", F, [], [0.0])]
    return _model(nodes, [_vi("x", [seq, 1, features])], [_vi("score", None), _vi("Y_h", None)], inits, opset=14)


def test_if_and_lstm_model():
    model = _vad_model()
    rng = np.random.default_rng(5)
    x = rng.standard_normal((20, 1, 12)).astype(np.float32)
    outs = run_onnxruntime(model, {"x": x})
    speech = [x for x in (x, -x, 3 * x, -3 * x) if run_onnxruntime(model, {"x": x})[0].any()]
    silence = [x for x in (x, -x, 3 * x, -3 * x) if not run_onnxruntime(model, {"x": x})[0].any()]
    assert outs and speech and silence, "the feeds must take both branches"
    _check(model, [{"x": speech[0]}, {"x": silence[0]}], rtol=1e-4, atol=1e-5)


def _loop_scan_model():
    """A Loop (3 rounds) whose body runs a Scan (running sum over the rows of x,
    scaled by the round's state) and carries the Scan's final sum."""
    scan_body = helper.make_graph([helper.make_node("Add", ["acc_in", "row"], ["acc_out"]),
                                   helper.make_node("Mul", ["acc_out", "acc_out"], ["sq"])], "sb",
                                  [_vi("acc_in", [4]), _vi("row", [4])], [_vi("acc_out", [4]), _vi("sq", [4])])
    loop_body = helper.make_graph(
        [helper.make_node("Mul", ["x", "k"], ["xs"]),
         helper.make_node("Scan", ["state_in", "xs"], ["acc", "sqs"], num_scan_inputs=1, body=scan_body),
         helper.make_node("ReduceSum", ["sqs"], ["total"], keepdims=0, axes=[0]),
         helper.make_node("Mul", ["total", "scale"], ["state_out"]),
         helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "lb", [_vi("i", [], T.INT64), _vi("cond_in", [], T.BOOL), _vi("state_in", [4])],
        [_vi("cond_out", [], T.BOOL), _vi("state_out", [4]), _vi("acc", [4])])
    inits = [helper.make_tensor("M", T.INT64, [], [3]), helper.make_tensor("true", T.BOOL, [], [True]),
             helper.make_tensor("scale", F, [], [0.01]), helper.make_tensor("k", F, [], [0.5])]
    node = helper.make_node("Loop", ["M", "true", "s0"], ["state", "accs"], body=loop_body)
    return _model([node], [_vi("x", [5, 4]), _vi("s0", [4])], [_vi("state", None), _vi("accs", None)], inits,
                  opset=11)


def test_loop_and_scan_model():
    rng = np.random.default_rng(6)
    _check(_loop_scan_model(), [{"x": rng.standard_normal((5, 4)).astype(np.float32),
                                 "s0": rng.standard_normal(4).astype(np.float32)}], rtol=1e-4)


def test_loop_model_concurrent_callers():
    model = _loop_model(early_exit=True)
    compiled = polytile.compile(model, threads=1)
    rng = np.random.default_rng(7)
    feeds = [{"x": rng.uniform(-1, 1, (6, 5)).astype(np.float32), "h0": np.zeros(5, np.float32)} for _ in range(4)]
    expected = [run_onnxruntime(model, f) for f in feeds]
    results = [None] * len(feeds)

    def work(k):
        for _ in range(20):
            results[k] = compiled.run(feeds[k])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(feeds))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        assert_close(got, want, 1e-5, 1e-5)


# Refusals -------------------------------------------------------------------------

def test_if_branches_of_different_ranks_are_refused():
    then_g = helper.make_graph([helper.make_node("Relu", ["x"], ["t"])], "then", [], [_vi("t", [4])])
    else_g = helper.make_graph([helper.make_node("Unsqueeze", ["x", "ax"], ["e"])], "else", [], [_vi("e", [1, 4])])
    model = _model([helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
                   [_vi("x", [4]), _vi("c", [], T.BOOL)], [_vi("y", None)],
                   [helper.make_tensor("ax", T.INT64, [1], [0])])
    with pytest.raises(polytile.OnnxImportError, match="branches of different element types or ranks"):
        polytile.compile(model)


def test_loop_carried_shape_change_is_refused():
    body = helper.make_graph([helper.make_node("Concat", ["h_in", "h_in"], ["h_out"], axis=0),
                              helper.make_node("Identity", ["cond_in"], ["cond_out"])], "body",
                             [_vi("i", [], T.INT64), _vi("cond_in", [], T.BOOL), _vi("h_in", [2])],
                             [_vi("cond_out", [], T.BOOL), _vi("h_out", None)])
    inits = [helper.make_tensor("M", T.INT64, [], [3]), helper.make_tensor("true", T.BOOL, [], [True])]
    model = _model([helper.make_node("Loop", ["M", "true", "h0"], ["h"], body=body)], [_vi("h0", [2])],
                   [_vi("h", None)], inits)
    with pytest.raises(polytile.OnnxImportError, match="loop-carried value 'h_out' changes from .* a changing "
                                                       "shape is not supported yet"):
        polytile.compile(model)


def test_scan_inputs_of_different_lengths_are_refused():
    body = helper.make_graph([helper.make_node("Add", ["s_in", "a"], ["s0"]), helper.make_node("Add", ["s0", "b"],
                                                                                               ["s_out"])],
                             "body", [_vi("s_in", [3]), _vi("a", [3]), _vi("b", [3])], [_vi("s_out", [3])])
    node = helper.make_node("Scan", ["s", "xa", "xb"], ["y"], num_scan_inputs=2, body=body)
    model = _model([node], [_vi("s", [3]), _vi("xa", [5, 3]), _vi("xb", [4, 3])], [_vi("y", None)], opset=11)
    with pytest.raises(polytile.OnnxImportError, match="different lengths along their scan axes"):
        polytile.compile(model)

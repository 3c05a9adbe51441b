"""ONNX sequences and optionals (compile-time values in the importer,
rules/sequence.py): numerics against onnxruntime, with tensor graph outputs
read from the sequences (SequenceAt, ConcatFromSequence, SequenceLength)."""
from __future__ import annotations

import re

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx_check import check_model, make_model

import polytile

rng = np.random.default_rng(0)


def _rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def _int(value):
    return np.array(value, np.int64)


@pytest.mark.parametrize("split,keepdims,axis", [
    (None, 1, 0),          # pieces of 1, axis kept
    (None, 0, -1),         # pieces of 1, axis dropped
    (_int(2), 1, 0),       # scalar split: 2, 2, 1
    (_int(2), 0, 0),       # keepdims is ignored with split (onnxruntime fails: the ONNX reference)
    (_int([1, 3, 1]), 1, 0),
])
def test_split_to_sequence(split, keepdims, axis):
    x = _rand(5, 3)
    inits = {"p0": _int(0), "p1": _int(-1)}
    inputs = ["X"]
    if split is not None:
        inits["split"] = split
        inputs.append("split")
    nodes = [helper.make_node("SplitToSequence", inputs, ["S"], axis=axis, keepdims=keepdims),
             helper.make_node("SequenceAt", ["S", "p0"], ["First"]),
             helper.make_node("SequenceAt", ["S", "p1"], ["Last"]),
             helper.make_node("SequenceLength", ["S"], ["Length"]),
             helper.make_node("ConcatFromSequence", ["S"], ["Joined"], axis=axis)]
    model = make_model(nodes, {"X": x}, ["First", "Last", "Length", "Joined"], inits)
    if split is not None and split.ndim == 0 and not keepdims:
        from onnx.reference import ReferenceEvaluator
        import onnx_check
        onnx_check.assert_close(polytile.compile(model).run({"X": x}),
                                ReferenceEvaluator(model).run(None, {"X": x}), 1e-6, 1e-6)
        return
    check_model(model, {"X": x})


def test_construct_insert_erase_at():
    """SequenceInsert at the back (default), the front and a negative position,
    SequenceErase of the last (default) and a given element, ConcatFromSequence
    stacking along a new last axis, on run-time tensors of 13 (not a multiple of 8)."""
    a, b, c, d = (_rand(2, 13) for _ in range(4))
    inits = {"front": _int(0), "minus1": _int(-1), "one": _int(1), "two": _int(2)}
    nodes = [helper.make_node("SequenceConstruct", ["A", "B"], ["S0"]),
             helper.make_node("SequenceInsert", ["S0", "C"], ["S1"]),             # A B C
             helper.make_node("SequenceInsert", ["S1", "D", "front"], ["S2"]),    # D A B C
             helper.make_node("SequenceInsert", ["S2", "A", "minus1"], ["S3"]),   # D A B A C
             helper.make_node("SequenceErase", ["S3"], ["S4"]),                   # D A B A
             helper.make_node("SequenceErase", ["S4", "one"], ["S5"]),            # D B A
             helper.make_node("SequenceAt", ["S5", "two"], ["At"]),
             helper.make_node("SequenceLength", ["S3"], ["Length"]),
             helper.make_node("ConcatFromSequence", ["S5"], ["Stacked"], axis=-1, new_axis=1),
             helper.make_node("ConcatFromSequence", ["S3"], ["Joined"], axis=1)]
    feeds = {"A": a, "B": b, "C": c, "D": d}
    check_model(make_model(nodes, feeds, ["At", "Length", "Stacked", "Joined"], inits), feeds)


def test_empty_sequence_int32_and_identity():
    """SequenceEmpty of int32, filled by SequenceInsert (a constant and a run-time
    tensor), through Identity; ConcatFromSequence stacking along axis 0."""
    x = rng.integers(-5, 5, (3, 4)).astype(np.int32)
    nodes = [helper.make_node("SequenceEmpty", [], ["E"], dtype=TensorProto.INT32),
             helper.make_node("SequenceInsert", ["E", "K"], ["S1"]),
             helper.make_node("SequenceInsert", ["S1", "X"], ["S2"]),
             helper.make_node("Identity", ["S2"], ["S3"]),
             helper.make_node("ConcatFromSequence", ["S3"], ["Y"], axis=0, new_axis=1),
             helper.make_node("SequenceLength", ["E"], ["L"])]
    model = _model(nodes, [helper.make_tensor_value_info("X", TensorProto.INT32, [3, 4])],
                   [helper.make_tensor_value_info("Y", TensorProto.INT32, [2, 3, 4]),
                    helper.make_tensor_value_info("L", TensorProto.INT64, [])],
                   {"K": np.arange(12, dtype=np.int32).reshape(3, 4)})
    onnx.checker.check_model(model)
    check_model(model, {"X": x})


def test_sequence_map():
    """SequenceMap over two sequences and a tensor: the body (Add, Mul) imported per element."""
    x, y, t = _rand(3, 5), _rand(3, 5), _rand(5)
    body = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("Mul", ["s", "t"], ["out"]),
         helper.make_node("Shape", ["a"], ["shape"])],
        "body",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("t", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("shape", TensorProto.INT64, None)])
    nodes = [helper.make_node("SplitToSequence", ["X"], ["SX"], axis=0, keepdims=0),
             helper.make_node("SplitToSequence", ["Y"], ["SY"], axis=0, keepdims=0),
             helper.make_node("SequenceMap", ["SX", "SY", "T"], ["M", "Shapes"], body=body),
             helper.make_node("ConcatFromSequence", ["M"], ["Out"], axis=0, new_axis=1),
             helper.make_node("ConcatFromSequence", ["Shapes"], ["OutShapes"], axis=0)]
    feeds = {"X": x, "Y": y, "T": t}
    check_model(make_model(nodes, feeds, ["Out", "OutShapes"], opset=17), feeds)


def test_optionals():
    """Optional of a run-time tensor and of a sequence, an empty Optional (its
    type attribute), OptionalHasElement of each (and without input, opset 18),
    OptionalGetElement of an optional and of a plain tensor."""
    x = _rand(4, 9)
    float_type = helper.make_tensor_type_proto(TensorProto.FLOAT, None)
    nodes = [helper.make_node("Optional", ["X"], ["O"]),
             helper.make_node("Optional", [], ["Empty"], type=float_type),
             helper.make_node("SequenceConstruct", ["X", "X"], ["S"]),
             helper.make_node("Optional", ["S"], ["OS"]),
             helper.make_node("OptionalHasElement", ["O"], ["HasO"]),
             helper.make_node("OptionalHasElement", ["Empty"], ["HasEmpty"]),
             helper.make_node("OptionalHasElement", [], ["HasNothing"]),
             helper.make_node("OptionalHasElement", ["X"], ["HasTensor"]),
             helper.make_node("OptionalGetElement", ["O"], ["G"]),
             helper.make_node("Relu", ["G"], ["Y"]),
             helper.make_node("OptionalGetElement", ["X"], ["GX"]),
             helper.make_node("OptionalGetElement", ["OS"], ["GS"]),
             helper.make_node("ConcatFromSequence", ["GS"], ["Z"], axis=1)]
    outputs = ["Y", "GX", "Z", "HasO", "HasEmpty", "HasNothing", "HasTensor"]
    check_model(make_model(nodes, {"X": x}, outputs, opset=18), {"X": x})


def _if_model():
    """An If on a run-time condition whose branches give sequences of 2 tensors
    (of different shapes in each branch: the joined element types have dynamic dims)."""
    then_graph = helper.make_graph(
        [helper.make_node("SplitToSequence", ["X"], ["s_then"], axis=0, keepdims=1)],
        "then", [], [helper.make_tensor_sequence_value_info("s_then", TensorProto.FLOAT, None)])
    else_graph = helper.make_graph(
        [helper.make_node("Neg", ["X"], ["neg"]),
         helper.make_node("SequenceConstruct", ["neg", "X"], ["s_else"])],
        "else", [], [helper.make_tensor_sequence_value_info("s_else", TensorProto.FLOAT, None)])
    nodes = [helper.make_node("If", ["C"], ["S"], then_branch=then_graph, else_branch=else_graph),
             helper.make_node("ConcatFromSequence", ["S"], ["Y"], axis=0),
             helper.make_node("SequenceAt", ["S", "one"], ["Second"])]
    x = _rand(2, 11)
    model = make_model(nodes, {"C": np.array(True), "X": x}, ["Y", "Second"], {"one": _int(1)})
    return model, x


def test_if_sequence_runtime_condition():
    model, x = _if_model()
    compiled = polytile.compile(model)
    import onnx_check
    for cond in (True, False):
        feeds = {"C": np.array(cond), "X": x}
        onnx_check.assert_close(compiled.run(feeds), onnx_check.run_onnxruntime(model, feeds), 1e-5, 1e-6)


def test_loop_carrying_sequence():
    """A Loop with a constant trip count that carries a sequence (SequenceInsert
    per iteration) and a tensor, with a scan output: unrolled at compile time."""
    x = _rand(3, 5)
    body = helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=TensorProto.FLOAT),
         helper.make_node("Add", ["X", "fi"], ["xi"]),
         helper.make_node("SequenceInsert", ["seq_in", "xi"], ["seq_out"]),
         helper.make_node("Add", ["acc_in", "xi"], ["acc_out"]),
         helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("ReduceSum", ["xi"], ["scan"], keepdims=0)],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_sequence_value_info("seq_in", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [3, 5])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_sequence_value_info("seq_out", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [3, 5]),
         helper.make_tensor_value_info("scan", TensorProto.FLOAT, [])])
    nodes = [helper.make_node("SequenceEmpty", [], ["E"]),
             helper.make_node("Loop", ["M", "", "E", "X"], ["S", "Acc", "Scan"], body=body),
             helper.make_node("ConcatFromSequence", ["S"], ["Y"], axis=0, new_axis=1)]
    f = TensorProto.FLOAT
    model = _model(nodes, [helper.make_tensor_value_info("X", f, [3, 5])],
                   [helper.make_tensor_value_info("Y", f, [3, 3, 5]),
                    helper.make_tensor_value_info("Acc", f, [3, 5]),
                    helper.make_tensor_value_info("Scan", f, [3])], {"M": _int(3)})
    onnx.checker.check_model(model)
    check_model(model, {"X": x})


def test_split_to_sequence_dynamic_dim():
    """1-d split sizes along a dynamic dim; the sequence elements keep it dynamic elsewhere."""
    x = _rand(6, 7)
    nodes = [helper.make_node("SplitToSequence", ["X", "split"], ["S"], axis=1),
             helper.make_node("SequenceAt", ["S", "one"], ["Y"]),
             helper.make_node("ConcatFromSequence", ["S"], ["Z"], axis=1)]
    graph = helper.make_graph(
        nodes, "dyn", [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", 7])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("Z", TensorProto.FLOAT, None)],
        [onnx.numpy_helper.from_array(_int([2, 4, 1]), "split"), onnx.numpy_helper.from_array(_int(1), "one")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    check_model(model, {"X": x})


# Errors ----------------------------------------------------------------------------

def _model(nodes, inputs, outputs, inits=None, opset=17):
    graph = helper.make_graph(nodes, "m", inputs, outputs,
                              [onnx.numpy_helper.from_array(v, k) for k, v in (inits or {}).items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def test_errors():
    f = TensorProto.FLOAT
    x = helper.make_tensor_value_info("X", f, [2, 3])
    p = helper.make_tensor_value_info("P", TensorProto.INT64, [])
    y = helper.make_tensor_value_info("Y", f, None)
    seq_out = helper.make_tensor_sequence_value_info("S", f, None)
    construct = helper.make_node("SequenceConstruct", ["X", "X"], ["S"])
    cases = [
        # a run-time position
        (_model([construct, helper.make_node("SequenceAt", ["S", "P"], ["Y"])], [x, p], [y]),
         "position (input 1) must be a compile-time constant"),
        # a position out of range
        (_model([construct, helper.make_node("SequenceAt", ["S", "K"], ["Y"])], [x], [y], {"K": _int(2)}),
         "position 2 is out of range [-2, 1]"),
        # a sequence graph output
        (_model([construct], [x], [seq_out]), "sequence and optional graph outputs are not supported yet"),
        # a sequence graph input
        (_model([helper.make_node("SequenceAt", ["S", "K"], ["Y"])], [seq_out], [y], {"K": _int(0)}),
         "a sequence or optional graph input is not supported yet"),
        # a sequence where a tensor is expected
        (_model([construct, helper.make_node("Relu", ["S"], ["Y"])], [x], [y]),
         "input 'S' is a sequence of 2 tensors, where a tensor is expected"),
        # OptionalGetElement of an empty optional
        (_model([helper.make_node("Optional", [], ["O"], type=helper.make_tensor_type_proto(f, None)),
                 helper.make_node("OptionalGetElement", ["O"], ["Y"])], [], [y], opset=18),
         "OptionalGetElement of an empty optional"),
    ]
    for model, message in cases:
        with pytest.raises(polytile.OnnxImportError, match=re.escape(message)):
            polytile.compile(model, emit="tg")

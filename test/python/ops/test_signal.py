"""Numerics of the signal ops (DFT, STFT, MelWeightMatrix) against onnxruntime.

DFT and STFT import as constant-matrix products (rules/signal.py), so each
test compiles one model holding many nodes (every attribute combination of a
family) and compares every output with the same node run alone by
onnxruntime; the ONNX reference implementation stands in where onnxruntime
differs from the spec or has no kernel: IRFFT with a ``dft_length`` other than
2 * (n - 1) (onnxruntime's differs from numpy's ``irfft``), and STFT without
window and frame_length (onnxruntime fails). Lengths are odd or not multiples
of 8 (5, 7, 9, 15, 33, ...), batches > 1.
"""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import polytile
from onnx_check import assert_close, run_onnxruntime
from polytile.importers.onnx.rules.signal import mel_weight_matrix

rng = np.random.default_rng(0)


def i64(v):
    return np.array(v, np.int64)


def _model(nodes, inputs: dict, outputs, initializers: dict, opset: int) -> onnx.ModelProto:
    """Like onnx_check.make_model, without its checker: an output whose shape ONNX
    cannot infer (STFT without window and frame_length) is left without one."""
    graph = helper.make_graph(
        nodes, "test",
        [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
         for n, a in inputs.items()],
        [helper.make_empty_tensor_value_info(o) for o in outputs],
        [onnx.numpy_helper.from_array(np.asarray(a), n) for n, a in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    known = {vi.name: vi for vi in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for output in model.graph.output:
        vi = known.get(output.name)
        if vi is not None and vi.type.tensor_type.elem_type:
            output.CopyFrom(vi)
        else:
            output.CopyFrom(helper.make_tensor_value_info(output.name, TensorProto.FLOAT, None))
    return model


def _expected(node, feeds: dict, initializers: dict, opset: int, reference: bool) -> list:
    ins = {n: feeds[n] for n in node.input if n in feeds}
    inits = {n: initializers[n] for n in node.input if n in initializers}
    model = _model([node], ins, list(node.output), inits, opset)
    if reference:
        return [np.asarray(v) for v in ReferenceEvaluator(model).run(None, ins)]
    return run_onnxruntime(model, ins)


def check_nodes(nodes, inputs: dict, initializers=None, opset: int = 17, reference=(),
                threads: int = 1, rtol=1e-4, atol=1e-4):
    """Compile one model of ``nodes`` and compare every output with each node run
    alone (onnxruntime, or ONNX's reference for the outputs named in ``reference``)."""
    initializers = initializers or {}
    outputs = [o for n in nodes for o in n.output]
    model = _model(nodes, inputs, outputs, initializers, opset)
    compiled = polytile.compile(model, threads=threads)
    actual = compiled.run(inputs)
    expected = []
    for node in nodes:
        expected += _expected(node, inputs, initializers, opset, node.output[0] in reference)
    for name, a, e in zip(outputs, actual, expected):
        try:
            assert_close([a], [e], rtol, atol)
        except AssertionError as error:
            raise AssertionError(f"output '{name}': {error}") from None
    return compiled


def dft(x, out, dft_length="", axis_input="", **attrs):
    """A DFT node: ``axis_input`` names DFT-20's axis input; DFT-17's ``axis`` is an attribute."""
    inputs = [x, dft_length, axis_input]
    while inputs and inputs[-1] == "":
        inputs.pop()
    return helper.make_node("DFT", inputs, [out], **attrs)


# ----------------------------------------------------------------------------
# DFT
# ----------------------------------------------------------------------------

def _dft17_nodes():
    """Every attribute combination of DFT-17 on real R [2, 7, 5, 1] and complex C [2, 7, 5, 2]
    (and V [7, 2]: no dims beside the signal's)."""
    return [
        dft("R", "fwd_r_ax1", axis=1),
        dft("R", "fwd_r_ax2", axis=2),
        dft("C", "fwd_c_axm3", axis=-3),
        dft("C", "fwd_c_ax0", axis=0),
        dft("C", "inv_c_ax2", axis=2, inverse=1),
        dft("R", "inv_r_ax1", axis=1, inverse=1),
        dft("R", "rfft_ax1", axis=1, onesided=1),
        dft("R", "rfft_axm2", axis=-2, onesided=1),
        dft("C", "irfft_ax1", axis=1, inverse=1, onesided=1),
        dft("C", "irfft_ax2", axis=2, inverse=1, onesided=1),
        dft("R", "fwd_trunc", "L4", axis=1),
        dft("C", "fwd_pad", "L16", axis=2),
        dft("R", "rfft_pad_odd", "L9", axis=1, onesided=1),
        dft("R", "rfft_trunc", "L4", axis=2, onesided=1),
        dft("C", "inv_trunc", "L5", axis=1, inverse=1),
        dft("C", "inv_pad", "L16", axis=-2, inverse=1),
        dft("C", "irfft_explicit", "L12", axis=1, inverse=1, onesided=1),
        dft("V", "rank2", axis=0),
        dft("V", "rank2_inv", axis=-2, inverse=1),
    ]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda t: np.dtype(t).name)
def test_dft17_all_attributes(dtype):
    inputs = {"R": rng.standard_normal((2, 7, 5, 1)).astype(dtype),
              "C": rng.standard_normal((2, 7, 5, 2)).astype(dtype),
              "V": rng.standard_normal((7, 2)).astype(dtype)}
    inits = {"L4": i64(4), "L5": i64(5), "L9": np.array(9, np.int32), "L12": i64(12), "L16": i64(16)}
    check_nodes(_dft17_nodes(), inputs, inits, opset=17)


def test_dft20_axis_input_and_irfft_lengths():
    """DFT-20: axis as a constant input (absent: -2), negative axes, and IRFFT with
    dft_length shorter/longer/odd (against the reference: see the module docstring)."""
    inputs = {"X": rng.standard_normal((3, 15, 1)).astype(np.float32),
              "Y": rng.standard_normal((2, 4, 33, 2)).astype(np.float32)}
    inits = {"a0": i64(0), "a1": i64(1), "am2": i64(-2), "am3": i64(-3), "a2": i64(2),
             "L4": i64(4), "L9": i64(9), "L20": i64(20), "L40": i64(40), "L7": i64(7)}
    nodes = [
        dft("X", "default_axis"),
        dft("Y", "default_axis_c"),
        dft("X", "axis_m2", axis_input="am2"),
        dft("Y", "axis_1", axis_input="a1"),
        dft("Y", "axis_m3_inv", axis_input="am3", inverse=1),
        dft("Y", "axis_0", axis_input="a0"),
        dft("X", "rfft_len", "L20", axis_input="a1", onesided=1),
        dft("Y", "fwd_len", "L7", axis_input="a2"),
        dft("Y", "inv_len", "L40", axis_input="a1", inverse=1),
        dft("Y", "irfft_default", axis_input="a2", inverse=1, onesided=1),
        dft("Y", "irfft_9", "L9", axis_input="a2", inverse=1, onesided=1),
        dft("Y", "irfft_20", "L20", axis_input="a1", inverse=1, onesided=1),
        dft("Y", "irfft_4", "L4", axis_input="am2", inverse=1, onesided=1),
        dft("Y", "irfft_40", "L40", inverse=1, onesided=1),
    ]
    check_nodes(nodes, inputs, inits, opset=20,
                reference={"irfft_9", "irfft_20", "irfft_4", "irfft_40"})


def test_dft_float16():
    """16-bit floats compute in f32 (cast around the product); against the reference."""
    inputs = {"R": rng.standard_normal((2, 9, 1)).astype(np.float16),
              "C": rng.standard_normal((2, 9, 2)).astype(np.float16)}
    nodes = [dft("R", "f16_rfft", onesided=1, axis=1), dft("C", "f16_inv", inverse=1, axis=1),
             dft("C", "f16_irfft", inverse=1, onesided=1, axis=1)]
    check_nodes(nodes, inputs, opset=17, reference={"f16_rfft", "f16_inv", "f16_irfft"},
                rtol=2e-3, atol=2e-2)


def test_dft_bfloat16():
    """bfloat16 (no onnxruntime kernel, no reference support): against numpy in float64."""
    import ml_dtypes
    x = rng.standard_normal((2, 9, 1)).astype(ml_dtypes.bfloat16)
    model = _model([dft("X", "Y", axis=1, onesided=1)], {"X": x}, ["Y"], {}, 17)
    y = polytile.compile(model).run({"X": x})[0]
    assert y.dtype == x.dtype and y.shape == (2, 5, 2)
    expected = np.fft.rfft(x[..., 0].astype(np.float64), axis=1)
    got = y.astype(np.float64)
    np.testing.assert_allclose(got[..., 0] + 1j * got[..., 1], expected, rtol=2e-2, atol=3e-2)


def test_dft_is_one_matrix_product():
    """A DFT along a middle axis imports as transpose -> reshape -> tg.matmul with a
    constant matrix -> reshape -> transpose; truncation is one tg.slice."""
    inputs = {"C": np.zeros((2, 9, 5, 2), np.float32)}
    model = _model([dft("C", "Y", "L6", axis=1)], inputs, ["Y"], {"L6": i64(6)}, 17)
    text = polytile.compile(model, emit="tg")
    ops = [line.split('"')[1] for line in text.splitlines() if '= "tg.' in line]
    assert ops == ["tg.slice", "tg.transpose", "tg.reshape", "tg.constant", "tg.matmul",
                   "tg.reshape", "tg.transpose"], ops
    assert "tensor<12x12xf32>" in text  # 6 complex points in, 6 complex bins out


def test_dft_dynamic_batch():
    """Dims other than the DFT axis may be dynamic: one compile, several batch sizes."""
    nodes = [dft("X", "fwd", axis=1), dft("X", "fwd_ax2", axis=2, onesided=1)]
    x_info = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 15, 3, 1])
    graph = helper.make_graph(nodes, "g", [x_info],
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, None)
                               for o in ("fwd", "fwd_ax2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    compiled = polytile.compile(model)
    for n in (1, 3):
        feeds = {"X": rng.standard_normal((n, 15, 3, 1)).astype(np.float32)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 1e-4, 1e-4)


# ----------------------------------------------------------------------------
# STFT
# ----------------------------------------------------------------------------

def stft(signal, out, step, window="", frame_length="", **attrs):
    inputs = [signal, step, window, frame_length]
    while inputs[-1] == "":
        inputs.pop()
    return helper.make_node("STFT", inputs, [out], **attrs)


def test_stft_all_inputs():
    """Real S [2, 64, 1] and complex SC [2, 37, 2]; window as run-time input (W15,
    W10) or constant (Wc16); frame_length given, inferred from the window, or the
    signal length; onesided 0/1."""
    inputs = {"S": rng.standard_normal((2, 64, 1)).astype(np.float32),
              "SC": rng.standard_normal((2, 37, 2)).astype(np.float32),
              "W15": rng.standard_normal(15).astype(np.float32),
              "W10": rng.standard_normal(10).astype(np.float32)}
    inits = {"s3": i64(3), "s4": i64(4), "s5": i64(5), "s7": i64(7), "s8": i64(8), "s10": i64(10),
             "f9": i64(9), "f16": i64(16), "Wc16": rng.standard_normal(16).astype(np.float32)}
    nodes = [
        stft("S", "real_fl", "s8", frame_length="f16"),
        stft("S", "real_fl_full", "s8", frame_length="f16", onesided=0),
        stft("S", "real_window_rt", "s5", window="W15"),
        stft("S", "real_window_const", "s7", window="Wc16", frame_length="f16", onesided=0),
        stft("S", "real_window_const_1s", "s3", window="Wc16"),
        stft("SC", "complex_full", "s4", frame_length="f9", onesided=0),
        stft("SC", "complex_window_rt", "s3", window="W10", onesided=0),
        stft("SC", "complex_onesided", "s4", frame_length="f9"),
        stft("S", "whole_signal", "s10"),
    ]
    check_nodes(nodes, inputs, inits, opset=17, reference={"whole_signal"})


@pytest.mark.parametrize("threads", [1, 2])
def test_stft_longer_signal_threads(threads):
    """A speech-like shape (many frames, 400-point frames not a multiple of 16), 1 and 2 threads."""
    inputs = {"S": rng.standard_normal((3, 2000, 1)).astype(np.float32),
              "W": np.hanning(400).astype(np.float32)}
    inits = {"step": i64(160), "L400": i64(400)}
    nodes = [stft("S", "spec", "step", window="W"),
             dft("S", "rfft_2000_400", "L400", axis=1, onesided=1)]
    check_nodes(nodes, inputs, inits, opset=17, threads=threads, rtol=1e-3, atol=2e-3)


def test_stft_dynamic_batch():
    nodes = [stft("S", "spec", "step", frame_length="fl")]
    s_info = helper.make_tensor_value_info("S", TensorProto.FLOAT, ["B", 50, 1])
    graph = helper.make_graph(nodes, "g", [s_info],
                              [helper.make_tensor_value_info("spec", TensorProto.FLOAT, None)],
                              [onnx.numpy_helper.from_array(i64(6), "step"),
                               onnx.numpy_helper.from_array(i64(13), "fl")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    compiled = polytile.compile(model)
    for b in (1, 4):
        feeds = {"S": rng.standard_normal((b, 50, 1)).astype(np.float32)}
        assert_close(compiled.run(feeds), run_onnxruntime(model, feeds), 1e-4, 1e-4)


# ----------------------------------------------------------------------------
# MelWeightMatrix
# ----------------------------------------------------------------------------

MEL_CASES = [
    (8, 16, 8192, 0.0, 4096.0),       # the ONNX node test
    (10, 64, 16000, 20.0, 8000.0),
    (40, 400, 16000, 0.0, 8000.0),
    (20, 33, 8000, 100.0, 3000.0),    # odd dft_length; narrow triangles (equal points)
    (3, 9, 100, 10.0, 40.0),
]


def _mel_reference(case, out_type=TensorProto.FLOAT):
    names = ["num_mel_bins", "dft_length", "sample_rate", "lower_edge_hertz", "upper_edge_hertz"]
    feeds = dict(zip(names, [i64(case[0]), i64(case[1]), i64(case[2]),
                             np.float32(case[3]), np.float32(case[4])]))
    node = helper.make_node("MelWeightMatrix", names, ["M"], output_datatype=out_type)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(
        np.asarray(v).dtype), []) for n, v in feeds.items()], [helper.make_empty_tensor_value_info("M")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return ReferenceEvaluator(model).run(None, feeds)[0]


@pytest.mark.parametrize("case", MEL_CASES, ids=lambda c: "-".join(str(v) for v in c))
def test_mel_weight_matrix_numpy(case):
    """The rule's numpy filter bank equals ONNX's reference exactly."""
    ours = mel_weight_matrix(case[0], case[1], case[2], np.float32(case[3]), np.float32(case[4]))
    np.testing.assert_array_equal(ours.astype(np.float32), _mel_reference(case))


@pytest.mark.parametrize("out_type", [TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16])
def test_mel_weight_matrix_applied(out_type):
    """MelWeightMatrix on constant inputs times a run-time spectrogram (how models use it),
    against onnxruntime (the reference for float16); output_datatype picks the type."""
    dtype = helper.tensor_dtype_to_np_dtype(out_type)
    inits = {"nmel": i64(10), "dftl": i64(64), "sr": i64(16000),
             "lo": np.array(20.0, np.float32), "hi": np.array(8000.0, np.float32)}
    nodes = [helper.make_node("MelWeightMatrix", ["nmel", "dftl", "sr", "lo", "hi"], ["M"],
                              output_datatype=out_type),
             helper.make_node("MatMul", ["S", "M"], ["Y"])]
    inputs = {"S": rng.random((3, 33)).astype(dtype)}
    model = _model(nodes, inputs, ["M", "Y"], inits, 17)
    actual = polytile.compile(model).run(inputs)
    if dtype == np.float16:  # onnxruntime has no float16 MelWeightMatrix
        expected = ReferenceEvaluator(model).run(None, inputs)
    else:
        expected = run_onnxruntime(model, inputs)
    tol = 1e-2 if dtype == np.float16 else 1e-5
    assert_close(actual, expected, tol, tol)


# ----------------------------------------------------------------------------
# Refused cases: clear errors, never a wrong answer
# ----------------------------------------------------------------------------

def _import_error(nodes, inputs: dict, initializers=None, opset=17, match=""):
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(v.dtype) if not isinstance(v, tuple)
                                       else TensorProto.FLOAT, v if isinstance(v, tuple) else v.shape)
         for n, v in inputs.items()],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for n in nodes for o in n.output],
        [onnx.numpy_helper.from_array(v, n) for n, v in (initializers or {}).items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    with pytest.raises(polytile.OnnxImportError, match=match):
        polytile.compile(model)


@pytest.mark.parametrize("case", [
    ("complex rfft", dft("C", "Y", axis=1, onesided=1), "RFFT.*real input"),
    ("real irfft", dft("R", "Y", axis=1, inverse=1, onesided=1), "IRFFT.*complex input"),
    ("axis -1", dft("R", "Y", axis=-1), "axis -1 is out of range"),
    ("axis rank", dft("R", "Y", axis=3), "axis 3 is out of range"),
    ("dynamic axis", dft("D", "Y", axis=1), "dynamic dim .* not supported yet"),
    ("run-time length", dft("R", "Y", "Lrt", axis=1), "dft_length .* compile-time constant"),
    ("zero length", dft("R", "Y", "L0", axis=1), "dft_length must be >= 1"),
    ("matrix too big", dft("Big", "Y", axis=1), "long transforms .* not supported yet"),
    ("frame longer than signal", stft("S", "Y", "s1", frame_length="f99"), "frame_length must be in"),
    ("run-time step", stft("S", "Y", "srt"), "frame_step .* compile-time constant"),
    ("dynamic signal", stft("SD", "Y", "s1", frame_length="f9"), "dynamic length is not supported yet"),
], ids=lambda c: c[0])
def test_refused(case):
    _, node, match = case
    inputs = {"R": np.zeros((2, 7, 1), np.float32), "C": np.zeros((2, 7, 2), np.float32),
              "D": ("N", "T", 1), "Lrt": np.zeros((), np.int64), "S": np.zeros((1, 20, 1), np.float32),
              "srt": np.zeros((), np.int64), "SD": (1, "T", 1), "Big": np.zeros((1, 6000, 1), np.float32)}
    used = {n: v for n, v in inputs.items() if n in node.input}
    inits = {n: v for n, v in {"L0": i64(0), "s1": i64(1), "f99": i64(99), "f9": i64(9)}.items()
             if n in node.input}
    _import_error([node], used, inits, match=match)


def test_mel_edges_past_nyquist_refused():
    """Filter edges beyond the spectrogram's last bin: a clear error (the reference
    evaluator would index out of bounds)."""
    inits = {"nmel": i64(4), "dftl": i64(15), "sr": i64(1000),
             "lo": np.array(0.0, np.float32), "hi": np.array(2000.0, np.float32)}
    node = helper.make_node("MelWeightMatrix", ["nmel", "dftl", "sr", "lo", "hi"], ["M"])
    _import_error([node], {}, inits, match="outside the 8 spectrogram bins")

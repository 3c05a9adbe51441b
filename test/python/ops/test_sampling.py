"""Numerics of the sampling family (GridSample, RoiAlign, Col2Im, MaxUnpool) against onnxruntime,
or ONNX's reference implementation where onnxruntime has no kernel or departs from the spec:

* GridSample cubic with border padding: onnxruntime clamps every coordinate of a grid point once
  any of them is outside; the reference (and polytile) clamps each coordinate on its own. 1-d and
  3-d cubic: no onnxruntime kernel.
* Col2Im of 3-d images with dilations, and some 1-d strides/pads/dilations combinations:
  onnxruntime's result differs from the reference's plain sum of the blocks.
* MaxUnpool with output_shape: onnxruntime reads the indices as indices into output_shape; the
  reference and the ONNX backend test read them into the inferred shape, then pad.
* RoiAlign-10's reference ignores the opset (it applies half_pixel): checked against onnxruntime.

Several nodes share one model where they share inputs, so each model is compiled once.
"""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import polytile
from onnx_check import assert_close, check_model, run_onnxruntime

rng = np.random.default_rng(7)


def randn(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def model_of(nodes, inputs: dict, outputs: dict, initializers=None, opset=20, dynamic=()):
    """A model of ``nodes``; ``outputs`` maps names to shapes (dim_params allowed); ``dynamic`` names the
    inputs whose dims (but size-1 dims) become dim_params."""
    def info(name, a):
        dims = [f"{name}_{i}" if name in dynamic and s != 1 else s for i, s in enumerate(a.shape)]
        return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(a.dtype), dims)

    inits = [onnx.numpy_helper.from_array(np.asarray(a), n) for n, a in (initializers or {}).items()]
    graph = helper.make_graph(nodes, "sampling", [info(n, a) for n, a in inputs.items()],
                              [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
                               for n, s in outputs.items()], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def check_reference(model, feeds, rtol=1e-4, atol=1e-5, threads=None):
    actual = polytile.compile(model, threads=threads).run(feeds)
    assert_close(actual, ReferenceEvaluator(model).run(None, feeds), rtol, atol)


def check_ort(model, feeds, rtol=1e-4, atol=1e-5):
    check_model(model, feeds, rtol, atol)


# ---------------------------------------------------------------------------
# GridSample
# ---------------------------------------------------------------------------

COMBINATIONS = [(p, a) for p in ("zeros", "border", "reflection") for a in (0, 1)]


def _grid_sample_nodes(mode, combinations=COMBINATIONS, inputs=("X", "G")):
    return [helper.make_node("GridSample", list(inputs), [f"Y_{p}_{a}"], mode=mode, padding_mode=p,
                             align_corners=a) for p, a in combinations]


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_grid_sample_16(mode):
    """Every padding mode and align_corners, opset-16 mode names; odd sizes, grid points outside
    [-1, 1] and exactly on the borders and pixel centers. bicubic + border against the reference."""
    x = randn(2, 3, 5, 7)
    g = rng.uniform(-1.4, 1.4, (2, 4, 5, 2)).astype(np.float32)
    g[0, 0, :, 0] = [-1, 1, 0, -0.5, 1 / 7]  # on borders, centers, half-way points
    g[0, 1, :, 1] = [-1, 1, 0, 0.2, -0.6]
    combos = [c for c in COMBINATIONS if not (mode == "bicubic" and c[0] == "border")]
    outputs = {f"Y_{p}_{a}": [2, 3, 4, 5] for p, a in combos}
    check_ort(model_of(_grid_sample_nodes(mode, combos), {"X": x, "G": g}, outputs, opset=16),
              {"X": x, "G": g})
    if mode == "bicubic":
        border = [c for c in COMBINATIONS if c[0] == "border"]
        check_reference(model_of(_grid_sample_nodes("cubic", border), {"X": x, "G": g},
                                 {f"Y_{p}_{a}": [2, 3, 4, 5] for p, a in border}), {"X": x, "G": g})


@pytest.mark.parametrize("mode", ["linear", "nearest"])
def test_grid_sample_20_volumetric(mode):
    """3-d (N x C x D x H x W) with every padding mode and align_corners, against onnxruntime."""
    x = randn(1, 2, 3, 4, 5)
    g = rng.uniform(-1.3, 1.3, (1, 2, 3, 2, 3)).astype(np.float32)
    outputs = {f"Y_{p}_{a}": [1, 2, 2, 3, 2] for p, a in COMBINATIONS}
    check_ort(model_of(_grid_sample_nodes(mode), {"X": x, "G": g}, outputs), {"X": x, "G": g})


@pytest.mark.parametrize("rank", [1, 3])
def test_grid_sample_20_reference(rank):
    """1-d (every mode) and 3-d cubic (no onnxruntime kernels), against the reference."""
    spatial = [6] if rank == 1 else [3, 4, 5]
    x = randn(2, 2, *spatial)
    g = rng.uniform(-1.3, 1.3, (2, 3, *([2] * (rank - 1)), rank)).astype(np.float32)
    modes = ["linear", "nearest", "cubic"] if rank == 1 else ["cubic"]
    combos = COMBINATIONS if rank == 1 else [("zeros", 0), ("border", 1), ("reflection", 0)]
    nodes = [node for m in modes for node in _grid_sample_nodes(m, combos)]
    for m, node in zip([m for m in modes for _ in combos], nodes):
        node.output[0] += f"_{m}"
    outputs = {n.output[0]: [2, 2, 3, *([2] * (rank - 1))] for n in nodes}
    check_reference(model_of(nodes, {"X": x, "G": g}, outputs), {"X": x, "G": g})


def test_grid_sample_f64_and_threads():
    """f64 input and grid (reference), compiled for 1 and 2 threads."""
    x = randn(2, 3, 5, 6, dtype=np.float64)
    g = rng.uniform(-1.2, 1.2, (2, 7, 3, 2))
    nodes = _grid_sample_nodes("linear", [("reflection", 0), ("zeros", 1)])
    for threads in (1, 2):
        model = model_of(nodes, {"X": x, "G": g}, {"Y_reflection_0": [2, 3, 7, 3], "Y_zeros_1": [2, 3, 7, 3]})
        for o in model.graph.output:
            o.type.tensor_type.elem_type = TensorProto.DOUBLE
        check_reference(model, {"X": x, "G": g}, threads=threads)  # the reference: f32 coordinates


def test_grid_sample_f16():
    """f16 input with an f32 grid (computed in f32, rounded once), against the reference."""
    x = randn(1, 2, 5, 6, dtype=np.float16)
    g = rng.uniform(-1.2, 1.2, (1, 3, 4, 2)).astype(np.float32)
    nodes = _grid_sample_nodes("cubic", [("border", 1)]) + _grid_sample_nodes("nearest", [("zeros", 0)])
    model = model_of(nodes, {"X": x, "G": g}, {"Y_border_1": [1, 2, 3, 4], "Y_zeros_0": [1, 2, 3, 4]})
    for o in model.graph.output:
        o.type.tensor_type.elem_type = TensorProto.FLOAT16
    check_reference(model, {"X": x, "G": g}, rtol=1e-2, atol=1e-2)


def test_grid_sample_dynamic():
    """Every dim of X and the grid (but size-1 dims) dynamic; one compile run at two shapes."""
    nodes = _grid_sample_nodes("bicubic", [("zeros", 0), ("reflection", 1)]) + \
        _grid_sample_nodes("bilinear", [("border", 0)])
    nodes[-1].output[0] += "_linear"
    x, g = randn(2, 3, 5, 7), rng.uniform(-1.3, 1.3, (2, 4, 5, 2)).astype(np.float32)
    model = model_of(nodes, {"X": x, "G": g}, {n.output[0]: ["N", "C", "H", "W"] for n in nodes}, opset=16,
                     dynamic=("X", "G"))
    compiled = polytile.compile(model)
    for shape, grid in [((2, 3, 5, 7), (2, 4, 5, 2)), ((3, 2, 4, 9), (3, 3, 6, 2))]:
        x, g = randn(*shape), rng.uniform(-1.3, 1.3, grid).astype(np.float32)
        assert_close(compiled.run({"X": x, "G": g}), run_onnxruntime(model, {"X": x, "G": g}))


def test_grid_sample_refusals():
    x, g = np.zeros((1, 1, 3, 3), np.int32), np.zeros((1, 2, 2, 2), np.float32)
    node = helper.make_node("GridSample", ["X", "G"], ["Y"])
    with pytest.raises(polytile.OnnxImportError, match="element type i32 is not supported yet"):
        polytile.compile(model_of([node], {"X": x, "G": g}, {"Y": [1, 1, 2, 2]}))
    node = helper.make_node("GridSample", ["X", "G"], ["Y"], mode="bilinear")
    with pytest.raises(polytile.OnnxImportError, match="mode 'bilinear' is not supported"):
        polytile.compile(model_of([node], {"X": x.astype(np.float32), "G": g}, {"Y": [1, 1, 2, 2]}))


# ---------------------------------------------------------------------------
# RoiAlign
# ---------------------------------------------------------------------------

ROIS = np.array([[0, 0, 8, 8], [1.3, 2.2, 7.9, 5.1], [-2, -1, 12, 10.5], [3, 4, 3.2, 4.1],
                 [5, 5, 2, 3], [6.5, 0.5, 10.5, 8.5], [0, 0, 30, 20]], np.float32)
BATCH = np.array([0, 1, 1, 0, 1, 0, 1], np.int64)


def _roi_nodes(configs):
    return [helper.make_node("RoiAlign", ["X", "rois", "bi"], [f"Y{k}"], **attrs)
            for k, attrs in enumerate(configs)]


@pytest.mark.parametrize("opset", [10, 16])
def test_roi_align(opset):
    """avg and max, adaptive and fixed sampling ratios, spatial scales, both coordinate
    transformation modes (opset 16), malformed (reversed, tiny, outside) ROIs, odd output sizes."""
    x = randn(2, 3, 9, 11)
    modes = [None] if opset == 10 else ["half_pixel", "output_half_pixel"]
    configs = []
    for ctm in modes:
        for mode, ratio, scale, out in [("avg", 0, 1.0, (3, 4)), ("avg", 2, 0.5, (5, 3)),
                                        ("max", 0, 0.7, (2, 5)), ("max", 3, 1.0, (1, 1))]:
            attrs = dict(mode=mode, sampling_ratio=ratio, spatial_scale=scale, output_height=out[0],
                         output_width=out[1])
            if ctm:
                attrs["coordinate_transformation_mode"] = ctm
            configs.append(attrs)
    feeds = {"X": x, "rois": ROIS, "bi": BATCH}
    outputs = {f"Y{k}": [len(ROIS), 3, c["output_height"], c["output_width"]] for k, c in enumerate(configs)}
    model = model_of(_roi_nodes(configs), feeds, outputs, opset=opset)
    check_ort(model, feeds)


def test_roi_align_defaults_reference_and_dynamic():
    """Default attributes (opset 16) against the reference, with R and the image dims dynamic."""
    x = randn(2, 2, 6, 7)
    node = helper.make_node("RoiAlign", ["X", "rois", "bi"], ["Y"], output_height=2, output_width=3)
    feeds = {"X": x, "rois": ROIS[:4], "bi": BATCH[:4]}
    model = model_of([node], feeds, {"Y": ["R", 2, 2, 3]}, opset=16, dynamic=("X", "rois", "bi"))
    compiled = polytile.compile(model)
    for n, h, w, r in [(2, 6, 7, 4), (3, 5, 13, 7)]:
        feeds = {"X": randn(n, 2, h, w), "rois": ROIS[:r], "bi": BATCH[:r]}
        assert_close(compiled.run(feeds), ReferenceEvaluator(model).run(None, feeds))


# ---------------------------------------------------------------------------
# Col2Im
# ---------------------------------------------------------------------------

def _blocks(image, block, dilations, pads, strides):
    n = len(image)
    return [(image[i] + pads[i] + pads[n + i] - dilations[i] * (block[i] - 1) - 1) // strides[i] + 1
            for i in range(n)]


def _col2im_case(image, block, dilations, pads, strides, channels=2, batch=2):
    x = randn(batch, channels * int(np.prod(block)), int(np.prod(_blocks(image, block, dilations, pads, strides))))
    node = helper.make_node("Col2Im", ["X", "image", "block"], ["Y"], dilations=dilations, pads=pads,
                            strides=strides)
    inits = {"image": np.array(image, np.int64), "block": np.array(block, np.int64)}
    return model_of([node], {"X": x}, {"Y": [batch, channels, *image]}, inits, opset=18), {"X": x}


@pytest.mark.parametrize("case", [
    ([5, 5], [2, 3], [1, 1], [0, 0, 0, 0], [1, 1]),
    ([7, 6], [3, 2], [2, 1], [1, 0, 2, 1], [2, 3]),
    ([9, 4], [3, 2], [1, 2], [2, 1, 1, 0], [3, 1]),
    ([3, 4, 5], [1, 2, 2], [1, 1, 1], [0, 1, 0, 1, 0, 0], [1, 2, 1]),
])
def test_col2im(case):
    """2-d with dilations, pads, strides (overlapping and gapped blocks), 3-d, against onnxruntime."""
    check_ort(*_col2im_case(*case))


def test_col2im_reference():
    """3-d with dilations and 1-d with everything at once: against the reference (onnxruntime
    differs from it there)."""
    check_reference(*_col2im_case([3, 4, 5], [1, 2, 2], [1, 1, 2], [0, 0, 1, 0, 0, 2], [1, 1, 2]))
    check_reference(*_col2im_case([9], [3], [2], [1, 2], [2], channels=3, batch=1))


def test_col2im_runtime_shape_refused():
    x = randn(1, 4, 16)
    node = helper.make_node("Col2Im", ["X", "image", "block"], ["Y"])
    model = model_of([node], {"X": x, "image": np.array([5, 5], np.int64), "block": np.array([2, 2], np.int64)},
                     {"Y": [1, 1, 5, 5]}, opset=18)
    with pytest.raises(polytile.OnnxImportError, match=r"image_shape \(input 1\) must be a compile-time constant"):
        polytile.compile(model)


# ---------------------------------------------------------------------------
# MaxUnpool
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape,kernel,strides,pads", [
    ((2, 3, 7, 8), [3, 2], [2, 2], [0, 1, 0, 1]),
    ((1, 2, 9), [3], [2], [1, 1]),
    ((1, 2, 4, 6, 6), [2, 2, 2], [2, 2, 2], [0, 0, 0, 0, 0, 0]),
])
def test_max_unpool_after_max_pool(shape, kernel, strides, pads):
    """MaxPool's values and indices unpooled (overlapping windows: duplicate indices), 1-3 d."""
    x = randn(*shape)
    pool = helper.make_node("MaxPool", ["X"], ["P", "I"], kernel_shape=kernel, strides=strides, pads=pads)
    unpool = helper.make_node("MaxUnpool", ["P", "I"], ["Y"], kernel_shape=kernel, strides=strides, pads=pads)
    check_ort(model_of([pool, unpool], {"X": x}, {"Y": list(shape)}, opset=11), {"X": x})


@pytest.mark.parametrize("opset", [9, 11])
def test_max_unpool_indices(opset):
    """Arbitrary run-time indices (duplicates: the last in row-major order wins), default strides."""
    x = randn(2, 3, 3, 4)
    inferred = (2, 3, 4, 5)
    i = rng.integers(0, int(np.prod(inferred)), x.shape).astype(np.int64)
    node = helper.make_node("MaxUnpool", ["X", "I"], ["Y"], kernel_shape=[2, 2])
    check_ort(model_of([node], {"X": x, "I": i}, {"Y": list(inferred)}, opset=opset), {"X": x, "I": i})


def test_max_unpool_output_shape():
    """output_shape larger than the inferred shape: the reference's padding; out-of-range indices
    write nothing."""
    x = randn(1, 2, 2, 3)
    i = rng.integers(0, 1 * 2 * 4 * 5, x.shape).astype(np.int64)
    node = helper.make_node("MaxUnpool", ["X", "I", "shape"], ["Y"], kernel_shape=[2, 3], strides=[2, 1])
    model = model_of([node], {"X": x, "I": i}, {"Y": [1, 2, 5, 7]},
                     {"shape": np.array([1, 2, 5, 7], np.int64)}, opset=11)
    check_reference(model, {"X": x, "I": i})
    i[0, 0, 0, 0], i[0, 1, 1, 2] = -1, 40
    got = polytile.compile(model).run({"X": x, "I": i})[0]
    kept = i.ravel() < 40
    kept &= i.ravel() >= 0
    flat = np.zeros(40, np.float32)
    for v, j in zip(x.ravel()[kept], i.ravel()[kept]):
        flat[j] = v
    expected = np.zeros((1, 2, 5, 7), np.float32)
    expected[:, :, :4, :5] = flat.reshape(1, 2, 4, 5)
    np.testing.assert_array_equal(got, expected)


def test_max_unpool_refusals():
    x, i = randn(1, 1, 2, 2), np.zeros((1, 1, 2, 2), np.int64)
    node = helper.make_node("MaxUnpool", ["X", "I", "shape"], ["Y"], kernel_shape=[2, 2], strides=[2, 2])
    feeds = {"X": x, "I": i, "shape": np.array([1, 1, 4, 4], np.int64)}
    with pytest.raises(polytile.OnnxImportError, match=r"output_shape \(input 2\) must be a compile-time"):
        polytile.compile(model_of([node], feeds, {"Y": [1, 1, 4, 4]}, opset=11))
    with pytest.raises(polytile.OnnxImportError, match="must have x's batch and channels and hold"):
        polytile.compile(model_of([node], {"X": x, "I": i}, {"Y": [1, 1, 3, 4]},
                                  {"shape": np.array([1, 1, 3, 4], np.int64)}, opset=11))

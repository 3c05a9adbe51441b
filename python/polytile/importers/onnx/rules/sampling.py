"""Import rules for the sampling ops: GridSample, RoiAlign, Col2Im and MaxUnpool.

Each node becomes one tg op of the same name with ONNX's defaults made explicit:
GridSample's opset-16 modes bilinear/bicubic become linear/cubic (opset 20's
names), RoiAlign-10 gets coordinate_transformation_mode output_half_pixel (its
behaviour before the attribute existed), Col2Im's image_shape/block_shape and
MaxUnpool's output_shape (compile-time constants) become attributes, MaxUnpool's
output_shape defaulting to the inferred shape. Not supported yet: integer
GridSample inputs, run-time image_shape/block_shape/output_shape, dynamic dims
for Col2Im and MaxUnpool.
"""
from __future__ import annotations

import numpy as np

from polytile.dialects.tg_rules.sampling import max_unpool_inferred_shape
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule

_FLOATS = ("f16", "bf16", "f32", "f64")


def _require_float(node: NodeContext, i: int, what: str) -> None:
    etype = str(node.input_type(i).element_type)
    if etype not in _FLOATS:
        node.unsupported(f"{node.op_type} of {what} of element type {etype} is not supported yet "
                         f"(float types only)")


def _choice(node: NodeContext, name: str, default: str, allowed: dict) -> str:
    """Attribute ``name`` (``default`` when absent) mapped through ``allowed``; unsupported otherwise."""
    value = node.attr(name, default)
    if value not in allowed:
        node.unsupported(f"{name} '{value}' is not supported (expected one of {', '.join(allowed)})")
    return allowed[value]


def _flag(node: NodeContext, name: str) -> int:
    value = node.attr(name, 0)
    if value not in (0, 1):
        node.unsupported(f"{name} must be 0 or 1, got {value}")
    return int(value)


def _grid_sample(node: NodeContext, modes: dict, default_mode: str):
    _require_float(node, 0, "X")
    mode = _choice(node, "mode", default_mode, modes)
    padding = _choice(node, "padding_mode", "zeros",
                      {"zeros": "zeros", "border": "border", "reflection": "reflection"})
    return [node.tg("grid_sample", node.input(0), node.input(1), mode=mode, padding_mode=padding,
                    align_corners=_flag(node, "align_corners"))]


@rule("GridSample", since=16)
def grid_sample_16(node: NodeContext):
    """GridSample-16: modes bilinear (default), nearest, bicubic."""
    return _grid_sample(node, {"bilinear": "linear", "nearest": "nearest", "bicubic": "cubic"}, "bilinear")


@rule("GridSample", since=20)
def grid_sample_20(node: NodeContext):
    """GridSample-20: modes linear (default), nearest, cubic; N-d."""
    return _grid_sample(node, {"linear": "linear", "nearest": "nearest", "cubic": "cubic"}, "linear")


def _roi_align(node: NodeContext, transformation: str):
    _require_float(node, 0, "X")
    mode = _choice(node, "mode", "avg", {"avg": "avg", "max": "max"})
    return [node.tg("roi_align", node.input(0), node.input(1), node.input(2), mode=mode,
                    coordinate_transformation_mode=transformation,
                    output_height=int(node.attr("output_height", 1)),
                    output_width=int(node.attr("output_width", 1)),
                    sampling_ratio=int(node.attr("sampling_ratio", 0)),
                    spatial_scale=float(node.attr("spatial_scale", 1.0)))]


@rule("RoiAlign", since=10)
def roi_align_10(node: NodeContext):
    """RoiAlign-10: no coordinate_transformation_mode (it behaves as output_half_pixel)."""
    if "coordinate_transformation_mode" in node.attrs:
        node.unsupported("coordinate_transformation_mode does not exist before opset 16")
    return _roi_align(node, "output_half_pixel")


@rule("RoiAlign", since=16)
def roi_align_16(node: NodeContext):
    """RoiAlign-16: coordinate_transformation_mode half_pixel (default) or output_half_pixel."""
    return _roi_align(node, _choice(node, "coordinate_transformation_mode", "half_pixel",
                                    {"half_pixel": "half_pixel", "output_half_pixel": "output_half_pixel"}))


def _int_list(value: np.ndarray) -> list[int]:
    return [int(v) for v in np.asarray(value).reshape(-1)]


@rule("Col2Im", since=18)
def col2im(node: NodeContext):
    """Col2Im with constant image_shape and block_shape (attributes of tg.col2im)."""
    _require_float(node, 0, "input")
    node.input_shape(0)  # static shapes only (names the input otherwise)
    image = _int_list(node.require_const(1, "image_shape"))
    block = _int_list(node.require_const(2, "block_shape"))
    spatial = len(image)
    if len(block) != spatial:
        node.unsupported(f"block_shape has {len(block)} entries but image_shape {spatial}")
    return [node.tg("col2im", node.input(0), image_shape=image, block_shape=block,
                    dilations=list(node.attr("dilations", [1] * spatial)),
                    pads=list(node.attr("pads", [0] * (2 * spatial))),
                    strides=list(node.attr("strides", [1] * spatial)))]


@rule("MaxUnpool", since=9)
def max_unpool(node: NodeContext):
    """MaxUnpool-9/11; output_shape (input 2) must be a compile-time constant."""
    _require_float(node, 0, "X")
    x = node.input_shape(0)
    node.input_shape(1)
    if len(x) < 3:
        node.unsupported(f"X must have rank >= 3 (N x C x spatial...), got {len(x)}")
    spatial = len(x) - 2
    kernel = list(node.attr("kernel_shape"))
    strides = list(node.attr("strides", [1] * spatial))
    pads = list(node.attr("pads", [0] * (2 * spatial)))
    if len(kernel) != spatial or len(strides) != spatial or len(pads) != 2 * spatial:
        node.unsupported(f"kernel_shape, strides and pads must have {spatial}, {spatial} and "
                         f"{2 * spatial} entries for a rank-{len(x)} X")
    if node.has_input(2):
        output_shape = _int_list(node.require_const(2, "output_shape"))
    else:
        output_shape = max_unpool_inferred_shape(x, kernel, strides, pads)
    return [node.tg("max_unpool", node.input(0), node.input(1), kernel_shape=kernel, strides=strides,
                    pads=pads, output_shape=output_shape)]

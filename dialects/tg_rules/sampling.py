"""Type rules of the sampling ops: grid_sample, roi_align, col2im, max_unpool.

They read their input at computed positions (grid coordinates, ROI bins, block
positions, scattered indices), so each is a kernel of its own (``opaque``). They
fold with the ONNX reference implementation of the op of the same name (col2im's
``image_shape``/``block_shape`` and max_unpool's ``output_shape`` are ONNX
inputs of the same names). Float element types only; max_unpool and col2im take
static shapes, grid_sample and roi_align also ``?`` dims.
"""
from __future__ import annotations

from mlir import ir

from polytile.dialects.tg import DYNAMIC, FLOAT_TYPES, OpInfo, tensor, type_rule

from .common import dims_compatible, fmt_dim, fmt_shape

# Each sampling op is a one-op kernel: its reads are data-dependent or strided.
OPAQUE = "opaque"


def _choice(info: OpInfo, name: str, allowed: tuple) -> str:
    value = info.attr(name)
    if value not in allowed:
        info.fail(f"attribute '{name}' must be one of {', '.join(allowed)}, got '{value}'")
    return value


@type_rule("grid_sample", kind=OPAQUE)
def _grid_sample(info: OpInfo) -> list[ir.Type]:
    """N x C x O1..Or from x (N x C x D1..Dr) and grid (N x O1..Or x r)."""
    etype = info.element_type(0, FLOAT_TYPES)
    info.element_type(1, FLOAT_TYPES)
    x, grid = info.operand(0).shape, info.operand(1).shape
    if len(x) < 3:
        info.fail(f"x must have rank >= 3 (N x C x spatial...), got {len(x)}")
    spatial = len(x) - 2
    if len(grid) != spatial + 2:
        info.fail(f"grid must have rank {spatial + 2} (N x spatial... x {spatial}), got {len(grid)}")
    if not dims_compatible(grid[-1], spatial):
        info.fail(f"the last dim of grid must be {spatial} (one coordinate per spatial dim), got "
                  f"{fmt_dim(grid[-1])}")
    if 0 in x[2:]:
        info.fail(f"x's spatial dims must be non-empty, got {fmt_shape(x)}")
    if not dims_compatible(grid[0], x[0]):
        info.fail(f"grid's batch ({fmt_dim(grid[0])}) must equal x's ({fmt_dim(x[0])})")
    _choice(info, "mode", ("linear", "nearest", "cubic"))
    _choice(info, "padding_mode", ("zeros", "border", "reflection"))
    if info.int("align_corners") not in (0, 1):
        info.fail(f"attribute 'align_corners' must be 0 or 1, got {info.int('align_corners')}")
    batch = x[0] if x[0] != DYNAMIC else grid[0]
    return [tensor([batch, x[1]] + list(grid[1:-1]), etype)]


@type_rule("roi_align", kind=OPAQUE)
def _roi_align(info: OpInfo) -> list[ir.Type]:
    """R x C x output_height x output_width from x (N x C x H x W), rois (R x 4) and the i64
    batch_indices (R)."""
    etype = info.element_type(0, FLOAT_TYPES)
    info.rank(0, 4)
    info.rank(1, 2)
    info.rank(2, 1)
    if info.operand(1).element_type != etype:
        info.fail(f"rois has element type {info.operand(1).element_type}, expected {etype} like x")
    info.element_type(2, ("i64",))
    rois, indices = info.operand(1).shape, info.operand(2).shape
    x = info.operand(0).shape
    if 0 in (x[0], x[2], x[3]):
        info.fail(f"x's batch, height and width must be non-empty, got {fmt_shape(x)}")
    if not dims_compatible(rois[1], 4):
        info.fail(f"rois must be R x 4, got {fmt_shape(rois)}")
    if not dims_compatible(rois[0], indices[0]):
        info.fail(f"rois has {fmt_dim(rois[0])} rows but batch_indices {fmt_dim(indices[0])} entries")
    _choice(info, "mode", ("avg", "max"))
    _choice(info, "coordinate_transformation_mode", ("half_pixel", "output_half_pixel"))
    height, width = info.int("output_height"), info.int("output_width")
    if height < 1 or width < 1:
        info.fail(f"output_height and output_width must be positive, got {height} and {width}")
    if info.int("sampling_ratio") < 0:
        info.fail(f"attribute 'sampling_ratio' must be >= 0, got {info.int('sampling_ratio')}")
    info.float("spatial_scale")
    count = rois[0] if rois[0] != DYNAMIC else indices[0]
    return [tensor([count, info.operand(0).shape[1], height, width], etype)]


def _positive(info: OpInfo, name: str, values: list[int]) -> None:
    if any(v < 1 for v in values):
        info.fail(f"attribute '{name}' entries must be positive, got {values}")


@type_rule("col2im", kind=OPAQUE, fold="Col2Im")
def _col2im(info: OpInfo) -> list[ir.Type]:
    """N x C x image_shape from input N x (C * prod(block_shape)) x L (static shapes)."""
    etype = info.element_type(0, FLOAT_TYPES)
    info.rank(0, 3)
    image = info.ints("image_shape")
    spatial = len(image)
    if spatial < 1:
        info.fail("attribute 'image_shape' must have at least one entry")
    block = info.ints("block_shape", spatial)
    dilations = info.ints("dilations", spatial)
    strides = info.ints("strides", spatial)
    pads = info.ints("pads", 2 * spatial)
    for name, values in (("image_shape", image), ("block_shape", block), ("dilations", dilations),
                         ("strides", strides)):
        _positive(info, name, values)
    if any(p < 0 for p in pads):
        info.fail(f"attribute 'pads' entries must be non-negative, got {pads}")
    shape = info.operand(0).shape
    if DYNAMIC in shape:
        info.fail(f"input must have a static shape, got {fmt_shape(shape)}")
    kernel = 1
    for b in block:
        kernel *= b
    if shape[1] % kernel:
        info.fail(f"input dim 1 ({shape[1]}) must be a multiple of prod(block_shape) = {kernel}")
    positions = 1
    for i in range(spatial):
        count = (image[i] + pads[i] + pads[spatial + i] - dilations[i] * (block[i] - 1) - 1) // strides[i] + 1
        if count < 1:
            info.fail(f"spatial dim {i}: the block does not fit in the padded image")
        positions *= count
    if shape[2] != positions:
        info.fail(f"input dim 2 ({shape[2]}) must equal the number of block positions ({positions})")
    return [tensor([shape[0], shape[1] // kernel] + image, etype)]


def max_unpool_inferred_shape(x: list[int], kernel: list[int], strides: list[int],
                              pads: list[int]) -> list[int]:
    """The shape MaxUnpool's indices address: (in - 1) * stride - pads + kernel per spatial dim."""
    spatial = len(kernel)
    return list(x[:2]) + [(x[2 + i] - 1) * strides[i] - pads[i] - pads[spatial + i] + kernel[i]
                          for i in range(spatial)]


@type_rule("max_unpool", kind=OPAQUE)
def _max_unpool(info: OpInfo) -> list[ir.Type]:
    """``output_shape`` (at least the inferred shape in every dim; static shapes)."""
    etype = info.element_type(0, FLOAT_TYPES)
    info.element_type(1, ("i64",))
    x, indices = info.operand(0).shape, info.operand(1).shape
    if len(x) < 3:
        info.fail(f"x must have rank >= 3 (N x C x spatial...), got {len(x)}")
    if DYNAMIC in x or DYNAMIC in indices:
        info.fail(f"x and i must have static shapes, got {fmt_shape(x)} and {fmt_shape(indices)}")
    if list(indices) != list(x):
        info.fail(f"i must have x's shape {fmt_shape(x)}, got {fmt_shape(indices)}")
    spatial = len(x) - 2
    kernel = info.ints("kernel_shape", spatial)
    strides = info.ints("strides", spatial)
    pads = info.ints("pads", 2 * spatial)
    _positive(info, "kernel_shape", kernel)
    _positive(info, "strides", strides)
    if any(p < 0 for p in pads):
        info.fail(f"attribute 'pads' entries must be non-negative, got {pads}")
    inferred = max_unpool_inferred_shape(list(x), kernel, strides, pads)
    if any(s < 1 for s in inferred[2:]):
        info.fail(f"the pads leave no output (inferred shape {fmt_shape(inferred)})")
    out = info.ints("output_shape", len(x))
    if out[:2] != inferred[:2] or any(o < s for o, s in zip(out, inferred)):
        info.fail(f"attribute 'output_shape' {fmt_shape(out)} must have x's batch and channels and "
                  f"hold the inferred shape {fmt_shape(inferred)}")
    return [tensor(out, etype)]

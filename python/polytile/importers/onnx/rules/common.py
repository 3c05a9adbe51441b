"""Helpers shared by import rules: ONNX attribute normalization."""
from __future__ import annotations

from polytile.importers.onnx.graph import NodeContext


def window_attributes(node: NodeContext, spatial: int, kernel: list[int],
                      input_spatial: list[int]) -> dict:
    """strides, dilations and explicit pads for Conv/Pool nodes, resolving
    ``auto_pad`` (SAME_UPPER, SAME_LOWER, VALID) as ONNX defines it.
    ``input_spatial`` may hold None (dynamic) except where SAME padding needs the size."""
    strides = list(node.attr("strides", [1] * spatial))
    dilations = list(node.attr("dilations", [1] * spatial))
    pads = list(node.attr("pads", [0] * (2 * spatial)))
    auto_pad = node.attr("auto_pad", "NOTSET")
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pads = [0] * (2 * spatial)
        for i in range(spatial):
            if input_spatial[i] is None:
                node.unsupported(f"auto_pad '{auto_pad}' over a dynamic spatial dim (the pads would "
                                 f"depend on the size at run time) is not supported yet")
            out = -(-input_spatial[i] // strides[i])
            effective = dilations[i] * (kernel[i] - 1) + 1
            total = max(0, (out - 1) * strides[i] + effective - input_spatial[i])
            small, large = total // 2, total - total // 2
            pads[i], pads[spatial + i] = (small, large) if auto_pad == "SAME_UPPER" else (large, small)
    elif auto_pad == "VALID":
        pads = [0] * (2 * spatial)
    elif auto_pad != "NOTSET":
        node.unsupported(f"auto_pad '{auto_pad}' is not supported")
    return {"strides": strides, "dilations": dilations, "pads": pads}

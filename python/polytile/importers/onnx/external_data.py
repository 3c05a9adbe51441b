"""Tensor data stored outside the model file (ONNX external data), and the
model "skeleton" that ONNX's checker and shape inference see.

External data is read only from files inside the model's folder: a
``location`` that is empty, absolute, contains a ``..`` component, or resolves
(through symbolic links, of the file or of a folder on the way) to a path
outside the model's folder is rejected with an :class:`OnnxImportError` naming
the tensor, before the file is opened. So are files that are not regular files
or that hold fewer bytes than ``offset`` + the tensor's size, and a ``length``
that is not the tensor's size. This does not rely on the checks of the
installed ``onnx`` (which has changed between versions): nothing here calls
onnx's loader on a location this module has not accepted.

Initializers in external files are mapped (``numpy.memmap``, read-only), not
read: their pages are only touched when the importer copies them into the IR.

Protobuf cannot serialize a message over 2 GiB, and ``onnx.checker`` and
``onnx.shape_inference`` serialize the whole model. :func:`skeleton` makes a
copy of the model without the data of its big initializers (each becomes a graph
input of the same type and shape), which is what they get; the importer takes
the initializers' values from :func:`initializer_arrays`.
"""
from __future__ import annotations

import os
import re
import sys
from typing import Iterator, Optional

import numpy as np
import onnx

from polytile.importers.onnx import types
from polytile.importers.onnx.errors import OnnxImportError

# Initializers held inline whose serialized size is above this are left out of the skeleton.
SKELETON_INLINE_LIMIT = 1 << 20


def uses_external_data(tensor: onnx.TensorProto) -> bool:
    return tensor.HasField("data_location") and tensor.data_location == onnx.TensorProto.EXTERNAL


def _graph_tensors(graph: onnx.GraphProto, where: str,
                   initializers: bool = True) -> Iterator[tuple[onnx.TensorProto, str]]:
    if initializers:
        for init in graph.initializer:
            yield init, f"initializer '{init.name}'{where}"
    for sparse in graph.sparse_initializer:
        yield sparse.values, f"sparse initializer '{sparse.values.name}'{where}"
        yield sparse.indices, f"indices of sparse initializer '{sparse.values.name}'{where}"
    for node in graph.node:
        yield from _node_tensors(node, where)


def _node_tensors(node: onnx.NodeProto, where: str) -> Iterator[tuple[onnx.TensorProto, str]]:
    label = f" of node '{node.name or node.op_type}'"
    for attr in node.attribute:
        what = f"tensor attribute '{attr.name}'{label}{where}"
        if attr.HasField("t"):
            yield attr.t, what
        for t in attr.tensors:
            yield t, what
        if attr.HasField("sparse_tensor"):
            yield attr.sparse_tensor.values, what
            yield attr.sparse_tensor.indices, what
        if attr.HasField("g"):
            yield from _graph_tensors(attr.g, f" (in a subgraph{label})")
        for g in attr.graphs:
            yield from _graph_tensors(g, f" (in a subgraph{label})")


def all_tensors(model: onnx.ModelProto,
                initializers: bool = True) -> Iterator[tuple[onnx.TensorProto, str]]:
    """Every tensor of the model (initializers, attribute tensors, subgraphs,
    functions), each with a description for error messages; without the main
    graph's initializers when ``initializers`` is false."""
    yield from _graph_tensors(model.graph, "", initializers)
    for function in model.functions:
        for node in function.node:
            yield from _node_tensors(node, f" (in function '{function.name}')")


def _expected_nbytes(tensor: onnx.TensorProto) -> Optional[int]:
    dtype = types.stored_dtype(tensor.data_type)
    if dtype is None:
        return None  # packed (int4, float4), bfloat16, strings: left to onnx
    count = 1
    for d in tensor.dims:
        count *= int(d)
    return count * dtype.itemsize


def _is_absolute(location: str) -> bool:
    return (os.path.isabs(location) or location.startswith(("/", "\\", "~"))
            or re.match(r"^[A-Za-z]:", location) is not None)


def resolve(tensor: onnx.TensorProto, what: str, base_dir: Optional[str]) -> tuple[str, int, Optional[int]]:
    """The checked (real path, offset, length) of ``tensor``'s external data;
    OnnxImportError naming ``what`` when it may not or cannot be read."""
    entries = {e.key: e.value for e in tensor.external_data}
    location = entries.get("location", "")

    def fail(reason: str):
        raise OnnxImportError(f"{what}: external data location '{location}' {reason}")

    if not location:
        raise OnnxImportError(f"{what}: external data without a location")
    if "\x00" in location:
        fail("contains a NUL character")
    if _is_absolute(location):
        fail("is an absolute path; external data must be a relative path inside the model's folder")
    if ".." in re.split(r"[\\/]", location):
        fail("contains '..'; external data must stay inside the model's folder")
    if base_dir is None:
        fail("cannot be read: the model was not given as a file path (pass the path of the .onnx file, "
             "so that its folder is known)")
    offset, length = 0, None
    try:
        offset = int(entries.get("offset", "0") or 0)
        if "length" in entries and entries["length"] != "":
            length = int(entries["length"])
    except ValueError:
        fail(f"has a non-integer offset or length ({entries.get('offset')!r}, {entries.get('length')!r})")
    if offset < 0 or (length is not None and length < 0):
        fail(f"has a negative offset or length ({offset}, {length})")
    folder = os.path.realpath(base_dir)
    path = os.path.realpath(os.path.join(folder, location))
    if os.path.commonpath([folder, path]) != folder:
        fail(f"resolves to '{path}', outside the model's folder '{folder}' (a symbolic link?); "
             f"external data must stay inside the model's folder")
    if not os.path.exists(path):
        fail(f"does not exist in the model's folder '{folder}'")
    if not os.path.isfile(path):
        fail("is not a regular file")
    expected = _expected_nbytes(tensor)
    if expected is not None and length is not None and length != expected:
        fail(f"gives length {length}, but the tensor (shape {list(tensor.dims)}) holds {expected} bytes")
    need = expected if expected is not None else length
    size = os.path.getsize(path)
    if need is not None and offset + need > size:
        fail(f"holds {size} bytes, fewer than the {offset + need} that offset {offset} plus the "
             f"tensor's {need} bytes need")
    return path, offset, length


def check_all(model: onnx.ModelProto, base_dir: Optional[str]) -> None:
    """Check every external data reference of ``model`` (see the module docstring)."""
    for tensor, what in all_tensors(model):
        if uses_external_data(tensor):
            resolve(tensor, what, base_dir)


def load_inline(tensor: onnx.TensorProto, what: str, base_dir: Optional[str]) -> None:
    """Read ``tensor``'s (checked) external data into ``raw_data``."""
    path, offset, length = resolve(tensor, what, base_dir)
    need = _expected_nbytes(tensor) if length is None else length
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read() if need is None else f.read(need)
    except OSError as e:
        raise OnnxImportError(f"{what}: cannot read external data '{path}': {e.strerror}") from None
    tensor.raw_data = data
    tensor.data_location = onnx.TensorProto.DEFAULT
    del tensor.external_data[:]


def load_non_initializers(model: onnx.ModelProto, base_dir: Optional[str]) -> None:
    """Read the external data of every tensor but the main graph's initializers
    (attribute tensors, subgraphs: small, and read through onnx's helpers) inline."""
    for tensor, what in all_tensors(model, initializers=False):
        if uses_external_data(tensor):
            load_inline(tensor, what, base_dir)


def load_all(model: onnx.ModelProto, base_dir: Optional[str]) -> None:
    """Read every (checked) external tensor of ``model`` inline, as ``onnx.load`` does."""
    for tensor, what in all_tensors(model):
        if uses_external_data(tensor):
            load_inline(tensor, what, base_dir)


def initializer_array(tensor: onnx.TensorProto, base_dir: Optional[str]) -> np.ndarray:
    """An initializer's value: a read-only memory map of its external data, or
    ``numpy_helper.to_array`` of the data held in the model."""
    what = f"initializer '{tensor.name}'"
    if uses_external_data(tensor):
        path, offset, _ = resolve(tensor, what, base_dir)
        dtype = types.stored_dtype(tensor.data_type)
        if dtype is not None:
            shape = tuple(int(d) for d in tensor.dims)
            if 0 in shape or _expected_nbytes(tensor) == 0:
                return np.zeros(shape, dtype=dtype)
            # ONNX stores little-endian data; mapped as is on little-endian hosts.
            little = sys.byteorder == "little" or dtype.itemsize == 1
            try:
                mapped = np.memmap(path, dtype=dtype if little else dtype.newbyteorder("<"),
                                   mode="r", offset=offset, shape=shape)
            except (OSError, ValueError) as e:
                raise OnnxImportError(f"{what}: cannot map external data '{path}': {e}") from None
            return mapped if little else mapped.astype(dtype)
        copy = onnx.TensorProto()
        copy.CopyFrom(tensor)
        load_inline(copy, what, base_dir)
        tensor = copy
    try:
        return onnx.numpy_helper.to_array(tensor)
    except Exception as e:
        raise OnnxImportError(f"{what} cannot be read: {e}") from None


def _copy_fields(src, dst, skip: tuple[str, ...]) -> None:
    for field, value in src.ListFields():
        if field.name in skip:
            continue
        if field.is_repeated:
            getattr(dst, field.name).extend(value)
        elif field.type == field.TYPE_MESSAGE:
            getattr(dst, field.name).CopyFrom(value)
        else:
            try:
                setattr(dst, field.name, value)
            except (UnicodeDecodeError, ValueError, TypeError) as e:  # e.g. a name that is not UTF-8
                raise OnnxImportError(f"not a valid ONNX model: field '{field.name}' of "
                                      f"{src.DESCRIPTOR.name} ({type(e).__name__}: {e})") from None


def skeleton(model: onnx.ModelProto, inline_limit: int = SKELETON_INLINE_LIMIT
             ) -> tuple[onnx.ModelProto, set[str]]:
    """A copy of ``model`` in which every initializer held externally or larger
    than ``inline_limit`` bytes is a graph input of the same type and shape
    instead (its data is not copied). Returns the copy and the names moved.
    Small initializers stay, so shape inference still sees the values of
    shapes, axes and the like."""
    out = onnx.ModelProto()
    _copy_fields(model, out, ("graph",))
    graph = model.graph
    _copy_fields(graph, out.graph, ("initializer",))
    input_names = {i.name for i in graph.input}
    moved: set[str] = set()
    for init in graph.initializer:
        if not uses_external_data(init) and init.ByteSize() <= inline_limit:
            out.graph.initializer.add().CopyFrom(init)
            continue
        moved.add(init.name)
        if init.name not in input_names:
            out.graph.input.append(onnx.helper.make_tensor_value_info(
                init.name, init.data_type, [int(d) for d in init.dims]))
            input_names.add(init.name)
    return out, moved

"""tg-fold-constants: evaluate tg ops whose operands are all ``tg.constant`` at
compile time and replace them by ``tg.constant`` ops.

Each foldable op is mapped back to the ONNX op it came from and evaluated with
ONNX's reference implementation (``onnx.reference.ReferenceEvaluator`` on a
one-node model at the importer's newest opset, or at the op type's first opset
where that is newer):

* the op type is the op's ``fold`` fact, declared with its type rule in
  ``dialects/tg_rules/`` (by default the CamelCase of the tg name; matmul ->
  MatMul is declared); ops declared ``fold=NO_FOLD`` are left alone;
* a tg attribute named like an ONNX attribute becomes that attribute; one
  named like an ONNX input (tg.reshape's ``shape``, the Reduce* ``axes``,
  Slice's ``starts`` ...) becomes a constant input; a few ONNX attributes that
  pin tg's reading of those inputs are added (``_ONNX_EXTRA_ATTRIBUTES``), and
  a few tg forms are translated (a softmax's one-entry ``axes`` is ``axis``;
  Resize gets only one of ``scales``/``sizes``);
* operands go to the ONNX inputs of the same name, the others in order.

The result must have exactly the tg result's shape and element type (float
results of another float width are cast), else the op is left alone. A result
whose elements are all equal (bitwise) becomes a splat attribute. Chains fold
in one run, producers first. The constants that fed a folded op are not erased
(`tg-dce` does that).

Size budget (``polytile.resources.fold_allowed``), checked from the types
before anything is evaluated: an op folds only when each result, and each splat
operand (expanded to a full array to be evaluated), has at most
``max(max-bytes, B)`` bytes, where ``B`` is the size of the largest non-splat
constant operand (data the IR holds already). Results up to ``max-bytes``
(default 4 MiB) fold; so does a result no larger than a weight it is computed
from (a transposed or cast weight, a weight times a scalar), whatever its
size; anything else stays a run-time op. ``size-limit`` also bounds the
elements of every result and operand (the reference evaluator's work).

Splats fold without being expanded, whatever their size, as the op's
``splat`` fact says (see ``dialects/op_table.py``): an op of the element-wise
kernel class whose operands are all splats is evaluated on one element each; an
op declared ``splat=SPLAT_SAME`` (reshape, flatten, transpose, expand, tile,
slice, identity) of a splat is the splat of its result type; and an op with a
closed form (reduce_max, reduce_min, reduce_mean, reduce_sum,
reduce_sum_square, reduce_l1, reduce_l2, with non-empty ``axes``; see
``dialects/tg_rules/reduction.py``) computes its result from the splat value
``c`` and the number ``n`` of elements reduced into each result (``c``, ``c``,
``c``, ``c*n``, ``c*c*n``, ``|c|*n``, ``|c|*sqrt(n)``, in float64 then rounded
once: the exact sum, where a loop would accumulate rounding error; a sum or mean
of -0.0 is +0.0, as the lowering's loop from +0.0 gives; of integer splats only
max, min and sum, which wraps as a loop's would).

Left alone: ops that cannot be mapped (unknown ONNX name, an attribute with no
ONNX counterpart, a softmax over several axes as before opset 13, ambiguous
optional operands), ops declared ``fold=NO_FOLD`` (tg.constant,
tg.group_normalization), operands
held in ``dense_resource`` or bf16 attributes, dynamic shapes, and ops over the
budget above. Does not yet: fold partially-constant expressions (``x * 1``), or
ops of other dialects.
"""
from __future__ import annotations

import dataclasses
import warnings
from typing import Optional, Sequence

import numpy as np
import onnx
from mlir import ir
from onnx import helper
from onnx.defs import OpSchema

from polytile.dialects import tg
# tg ops follow the semantics of the newest ONNX opset the importer reads.
from polytile.importers.onnx.opsets import BASE_OPSET as ONNX_OPSET
from polytile.pass_registry import PassError, option, register_pass
from polytile.resources import DEFAULT_FOLD_LIMIT_BYTES, fold_allowed

from polytile.dialects import op_table
from polytile.passes.common.walk import ops_in, replace_op


class _Unmappable(Exception):
    """The tg op has no faithful ONNX counterpart."""


# ONNX attributes that make the reference read the tg attributes as tg does.
_ONNX_EXTRA_ATTRIBUTES = {
    # tg shapes are resolved: a 0 is an empty dim, not "copy the input dim".
    "Reshape": {"allowzero": 1},
    # tg's empty `axes` reduce nothing (ONNX's noop_with_empty_axes).
    **{op: {"noop_with_empty_axes": 1} for op in (
        "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
        "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare")},
}


def _single_axis(axes: list) -> dict:
    if len(axes) != 1:  # the opset < 13 joint normalization: no ONNX 13+ counterpart
        raise _Unmappable("several softmax axes")
    return {"axis": axes[0]}


# tg attributes that become ONNX attributes of another name or form.
_ATTRIBUTE_TRANSLATIONS = {
    (op_type, "axes"): _single_axis for op_type in ("Softmax", "LogSoftmax", "Hardmax")
}

def _resize_scales_or_sizes(op: ir.Operation, schema: OpSchema, slots) -> None:
    """ONNX Resize takes scales or sizes; tg keeps both (sizes is the output shape,
    scales drive the coordinate mapping). Sizes alone say the same when each
    scale is exactly size / input size, else scales alone do."""
    index = {formal.name: i for i, formal in enumerate(schema.inputs)}
    data, scales, sizes = (slots[index[n]] for n in ("X", "scales", "sizes"))
    if not data or not scales or not sizes:
        return
    exact = _float_array(op.attributes["scales"])
    in_shape = np.asarray(data[0].shape, np.float64)
    if len(sizes[0]) == len(in_shape) and exact is not None and len(exact) == len(in_shape) \
            and np.array_equal(sizes[0] / in_shape, np.asarray(exact, np.float64)):
        scales.clear()
    else:
        sizes.clear()


# Per-op adjustments of the ONNX inputs built from tg operands and attributes.
_INPUT_FIXUPS = {"Resize": _resize_scales_or_sizes}

# ONNX inputs given as 1-d one-element tensors where tg has a scalar attribute.
_ONE_ELEMENT_INPUTS = {("TopK", "K")}

_NUMPY_DTYPES = {
    "f16": np.float16, "f32": np.float32, "f64": np.float64, "i1": np.bool_,
    "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
    "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64,
}


@dataclasses.dataclass(frozen=True)
class Options:
    size_limit: int = option(1 << 22, "Fold only ops whose result and operands each have at most "
                                      "this many elements")
    max_bytes: int = option(DEFAULT_FOLD_LIMIT_BYTES,
                            "Fold only ops whose results (and expanded splat operands) each have at "
                            "most this many bytes, or no more than their largest non-splat constant "
                            "operand")


@register_pass("tg-fold-constants", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Evaluate tg ops on constant operands with ONNX's reference implementation."""
    if options.size_limit < 0:
        raise PassError("size-limit must be non-negative", root)
    if options.max_bytes < 0:
        raise PassError("max-bytes must be non-negative", root)
    for op in ops_in(root, "tg."):
        if _foldable_kind(op.name):
            _try_fold(op, options)


def _foldable_kind(name: str) -> bool:
    """Whether ``tg.<op>`` folds at all (its ``fold`` fact names an ONNX op type)."""
    return op_table.is_op(name) and op_table.op_info(name).fold is not None


def _try_fold(op: ir.Operation, options: Options) -> bool:
    result_types = [r.type for r in op.results]
    if not all(_constant_op(v) is not None for v in op.operands):
        return False  # checked first: reading a constant copies it
    if _try_fold_splats(op):
        return True
    size_limit = options.size_limit
    if any(_num_elements(t) is None or _num_elements(t) > size_limit for t in result_types):
        return False
    # The budget, from the types alone: results and the splats that evaluation expands.
    splats = [v for v in op.operands if _is_splat(v)]
    sizes = [_nbytes(t) for t in result_types] + [_nbytes(v.type) for v in splats]
    held = [_nbytes(v.type) for v in op.operands if not _is_splat(v)]
    if any(h is None for h in held) or not fold_allowed(sizes, held, options.max_bytes):
        return False
    values = [constant_array(v, size_limit) for v in op.operands]
    if any(v is None for v in values):
        return False
    try:
        node, feeds = _onnx_node(op, values)
    except _Unmappable:
        return False
    results = _evaluate(node, feeds)
    if results is None or len(results) != len(result_types):
        return False
    attrs = [_elements_attr(r, t) for r, t in zip(results, result_types)]
    if any(a is None for a in attrs):
        return False
    with ir.InsertionPoint(op), op.location:
        constants = [tg.build("constant", [], {"value": a}, [a.type]).results[0] for a in attrs]
    replace_op(op, constants)
    return True


# ----------------------------------------------------------------------------
# Reading and writing constants
# ----------------------------------------------------------------------------

def _num_elements(t: ir.Type) -> Optional[int]:
    rt = ir.RankedTensorType(t)
    if not rt.has_static_shape:
        return None
    count = 1
    for d in rt.shape:
        count *= int(d)
    return count


def _nbytes(t: ir.Type) -> Optional[int]:
    """Bytes of a static tensor type whose element type numpy has, else None."""
    count = _num_elements(t)
    dtype = _numpy_dtype(ir.RankedTensorType(t).element_type)
    return None if count is None or dtype is None else count * dtype.itemsize


def _is_splat(value: ir.Value) -> bool:
    """Whether ``value`` is a splat ``tg.constant`` (one element held)."""
    op = _constant_op(value)
    dense = _dense(op.attributes["value"]) if op is not None else None
    return dense is not None and dense.is_splat


def _splat_scalar(value: ir.Value) -> Optional[np.ndarray]:
    """A splat (or one-element) ``tg.constant``'s element as a 0-d array of its dtype, else None."""
    op = _constant_op(value)
    if op is None:
        return None
    dense = _dense(op.attributes["value"])
    rt = ir.RankedTensorType(value.type)
    dtype = _numpy_dtype(rt.element_type)
    if dense is None or dtype is None or not rt.has_static_shape:
        return None
    if dense.is_splat:
        scalar = tg.attribute_value(dense.get_splat_value())
        if isinstance(scalar, ir.Attribute) or isinstance(scalar, str):
            return None
        if dtype == np.bool_:
            return np.asarray(bool(scalar))
        return np.asarray(np.array(scalar).astype(dtype))
    if _num_elements(rt) == 1:
        array = np.array(dense)
        return array.reshape(()) if array.dtype == dtype else None
    return None


def _numpy_dtype(element_type: ir.Type) -> Optional[np.dtype]:
    dtype = _NUMPY_DTYPES.get(str(element_type))
    return np.dtype(dtype) if dtype is not None else None


def _dense(attr: ir.Attribute) -> Optional[ir.DenseElementsAttr]:
    if isinstance(attr, ir.DenseElementsAttr):
        return attr
    try:
        attr = attr.maybe_downcast()
    except Exception:
        return None
    return attr if isinstance(attr, ir.DenseElementsAttr) else None


def _constant_op(value: ir.Value) -> Optional[ir.Operation]:
    """The ``tg.constant`` op producing ``value``, else None."""
    owner = value.owner
    if not isinstance(owner, (ir.OpView, ir.Operation)) or owner.operation.name != "tg.constant":
        return None
    return owner.operation


def constant_array(value: ir.Value, size_limit: Optional[int] = None) -> Optional[np.ndarray]:
    """The value of a ``tg.constant`` result as a numpy array, or None when it is
    not one, is held in another attribute kind (dense_resource), has an element
    type numpy lacks (bf16) or more than ``size_limit`` elements."""
    op = _constant_op(value)
    if op is None:
        return None
    dense = _dense(op.attributes["value"])
    rt = ir.RankedTensorType(value.type)
    count = _num_elements(rt)
    dtype = _numpy_dtype(rt.element_type)
    if dense is None or dtype is None or count is None or (size_limit is not None and count > size_limit):
        return None
    if dense.is_splat:
        # Expanded here: the bindings' buffer of an i1 splat holds only its first 8 elements.
        scalar = tg.attribute_value(dense.get_splat_value())
        if isinstance(scalar, ir.Attribute):
            return None
        return np.full(list(rt.shape), np.array(scalar).astype(dtype), dtype=dtype)
    array = np.array(dense)
    return array if array.dtype == dtype else None


def _elements_attr(array: np.ndarray, result_type: ir.Type) -> Optional[ir.Attribute]:
    """A dense attribute of exactly ``result_type`` holding ``array`` (a splat when
    all elements are bitwise equal), or None when the array does not fit."""
    rt = ir.RankedTensorType(result_type)
    want = _numpy_dtype(rt.element_type)
    array = np.asarray(array)
    if want is None or tuple(array.shape) != tuple(rt.shape):
        return None
    if array.dtype != want:
        if array.dtype.kind != "f" or want.kind != "f":
            return None
        array = array.astype(want)
    attr = _splat_attr(array, rt) if array.size > 1 and _all_equal(array) else None
    if attr is None:
        # shape= keeps a 0-d result 0-d (the bindings make a 0-d array a tensor<1x..>)
        attr = ir.DenseElementsAttr.get(np.ascontiguousarray(array).reshape(-1),
                                        signless=array.dtype.kind != "u", shape=list(rt.shape))
    return attr if attr.type == result_type else None


def _all_equal(array: np.ndarray) -> bool:
    bits = np.ascontiguousarray(array).reshape(-1).view(np.dtype(f"u{array.dtype.itemsize}"))
    return bool((bits == bits[0]).all())


def _splat_attr(array: np.ndarray, rt: ir.RankedTensorType) -> Optional[ir.Attribute]:
    scalar = array.reshape(-1)[0]
    try:
        if array.dtype.kind == "f":
            element = ir.FloatAttr.get(rt.element_type, float(scalar))
        else:
            element = ir.IntegerAttr.get(rt.element_type, int(scalar))
    except (OverflowError, TypeError, ValueError):  # e.g. ui64 above 2^63
        return None
    return ir.DenseElementsAttr.get_splat(rt, element)


# ----------------------------------------------------------------------------
# Splats, without expanding them
# ----------------------------------------------------------------------------

def _try_fold_splats(op: ir.Operation) -> bool:
    """Fold an op on splat operands into a splat (module docstring); False if it does not apply."""
    if len(op.results) != 1 or not op.operands:
        return False
    rt = ir.RankedTensorType(op.results[0].type)
    want = _numpy_dtype(rt.element_type)
    if want is None or not rt.has_static_shape:
        return False
    scalars = [_splat_scalar(v) for v in op.operands]
    if any(s is None for s in scalars):
        return False
    facts = op_table.op_info(op.name)
    if facts.splat == op_table.SPLAT_SAME and len(scalars) == 1:
        value = scalars[0]
    elif facts.kind == "elementwise":
        value = _evaluate_elementwise(op, scalars)
    elif callable(facts.splat) and len(scalars) == 1 and _reduces_something(op):
        value = _reduce_splat(facts.splat, scalars[0], _num_elements(op.operands[0].type),
                              _num_elements(rt))
    else:
        return False
    if value is None:
        return False
    value = np.asarray(value)
    if value.dtype != want:
        if value.dtype.kind != "f" or want.kind != "f":
            return False
        value = value.astype(want)
    if value.size != 1:
        return False
    attr = _scalar_attr(value.reshape(()), rt)
    if attr is None:
        return False
    with ir.InsertionPoint(op), op.location:
        constant = tg.build("constant", [], {"value": attr}, [attr.type]).results[0]
    replace_op(op, [constant])
    return True


def _reduces_something(op: ir.Operation) -> bool:
    """Whether a tg reduction has axes (empty ``axes`` reduce nothing: left to the reference)."""
    if "axes" not in op.attributes:
        return False
    axes = tg.attribute_value(op.attributes["axes"])
    return isinstance(axes, list) and len(axes) > 0


def _evaluate_elementwise(op: ir.Operation, scalars: Sequence[np.ndarray]) -> Optional[np.ndarray]:
    """The element of an element-wise op on splat operands: the op evaluated on
    one element of each (each operand reshaped to all-ones dims of its rank)."""
    values = [np.full([1] * ir.RankedTensorType(v.type).rank, s, dtype=s.dtype)
              for v, s in zip(op.operands, scalars)]
    try:
        node, feeds = _onnx_node(op, values)
    except _Unmappable:
        return None
    results = _evaluate(node, feeds)
    if results is None or len(results) != 1 or results[0].size != 1:
        return None
    return results[0]


def _reduce_splat(closed_form, c: np.ndarray, count_in: Optional[int],
                  count_out: Optional[int]) -> Optional[np.ndarray]:
    """A reduction of a splat of ``c`` with ``count_in`` elements into ``count_out``
    results, by the op's closed form; None where it is not done."""
    if not count_in or not count_out or count_in % count_out:
        return None  # empty reductions have their own identities: left to the reference
    with np.errstate(all="ignore"):
        return closed_form(c, count_in // count_out)


def _scalar_attr(scalar: np.ndarray, rt: ir.RankedTensorType) -> Optional[ir.Attribute]:
    """The splat attribute of type ``rt`` holding ``scalar``."""
    if _num_elements(rt) == 1:
        attr = ir.DenseElementsAttr.get(np.ascontiguousarray(scalar.reshape(1)),
                                        signless=scalar.dtype.kind != "u", shape=list(rt.shape))
        return attr if attr.type == rt else None
    return _splat_attr(scalar.reshape(1), rt)


# ----------------------------------------------------------------------------
# tg op -> one-node ONNX model
# ----------------------------------------------------------------------------

def onnx_op_type(tg_name: str) -> Optional[str]:
    """The ONNX op type that evaluates ``tg.<tg_name>`` (``"matmul"`` -> ``"MatMul"``):
    the op's ``fold`` fact; None when it does not fold or ONNX lacks that op type."""
    if not op_table.is_op(tg_name):
        return None
    op_type = op_table.op_info(tg_name).fold
    return op_type if op_type is not None and onnx.defs.has(op_type) else None


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def _onnx_node(op: ir.Operation, values: Sequence[np.ndarray]):
    """The ONNX node equivalent to ``op`` on ``values`` and its feeds; raises _Unmappable."""
    name = op.name.split(".", 1)[1]
    op_type = onnx_op_type(name)
    spec = tg.SPEC.ops.get(name)
    if op_type is None or spec is None:
        raise _Unmappable(name)
    try:
        schema = onnx.defs.get_schema(op_type, _opset_of(op_type))
    except onnx.defs.SchemaError:
        raise _Unmappable(op_type) from None
    slots: list[list[np.ndarray]] = [[] for _ in schema.inputs]
    attributes = dict(_ONNX_EXTRA_ATTRIBUTES.get(op_type, {}))
    for attr_name in op.attributes:
        attr = op.attributes[attr_name]
        translate = _ATTRIBUTE_TRANSLATIONS.get((op_type, attr_name))
        if translate is not None:
            attributes.update(translate(tg.attribute_value(attr)))
        elif attr_name in schema.attributes:
            attributes[attr_name] = _attribute_value(attr, schema.attributes[attr_name].type)
        else:
            slot = _slot_named(schema, attr_name)
            slots[slot].append(_input_from_attribute(attr, op_type, schema, slot, values))
    _place_operands(schema, slots, _operand_names(spec, len(values)), values)
    if op_type in _INPUT_FIXUPS:
        _INPUT_FIXUPS[op_type](op, schema, slots)
    return _make_node(op_type, schema, slots, attributes, len(op.results))


def _opset_of(op_type: str) -> int:
    """The opset an op type is evaluated at: the importer's newest, or, for an op
    type introduced after it (Swish, CumProd), the op type's first opset."""
    try:
        onnx.defs.get_schema(op_type, ONNX_OPSET)
        return ONNX_OPSET
    except onnx.defs.SchemaError:
        return onnx.defs.get_schema(op_type).since_version


def _slot_named(schema: OpSchema, name: str) -> int:
    for i, formal in enumerate(schema.inputs):
        if _key(formal.name) == _key(name):
            return i
    raise _Unmappable(name)


def _operand_names(spec, count: int) -> list[str]:
    """The IRDL operand name of each of the ``count`` operands present."""
    specs = list(spec.operands)
    fixed = sum(1 for s in specs if s.variadicity == "single")
    extra = count - fixed  # values taken by the optional/variadic group
    names = []
    for s in specs:
        n = 1 if s.variadicity == "single" else (min(extra, 1) if s.variadicity == "optional" else extra)
        names.extend([s.name] * max(n, 0))
    if len(names) != count:
        raise _Unmappable("operand segments")
    return names


def _place_operands(schema: OpSchema, slots, names: Sequence[str], values) -> None:
    """Operands go to the ONNX input of the same name, the rest in order to free inputs."""
    leftovers = []
    for name, value in zip(names, values):
        try:
            slots[_slot_named(schema, name)].append(value)
        except _Unmappable:
            leftovers.append(value)
    for value in leftovers:
        for i, formal in enumerate(schema.inputs):
            variadic = formal.option == OpSchema.FormalParameterOption.Variadic
            if not slots[i] or variadic:
                slots[i].append(value)
                break
        else:
            raise _Unmappable("too many operands")


def _make_node(op_type: str, schema: OpSchema, slots, attributes: dict, num_results: int):
    inputs, feeds = [], {}
    for i, (formal, slot) in enumerate(zip(schema.inputs, slots)):
        variadic = formal.option == OpSchema.FormalParameterOption.Variadic
        if len(slot) > 1 and not variadic:
            raise _Unmappable(f"input {formal.name} given twice")
        if not slot and formal.option == OpSchema.FormalParameterOption.Single:
            raise _Unmappable(f"required input {formal.name} missing")
        for j, value in enumerate(slot):
            name = f"in{i}_{j}"
            inputs.append(name)
            feeds[name] = value
        if not slot:
            inputs.append("")
    while inputs and inputs[-1] == "":
        inputs.pop()
    outputs = schema.outputs
    variadic_out = outputs and outputs[-1].option == OpSchema.FormalParameterOption.Variadic
    if num_results > len(outputs) and not (variadic_out and len(outputs) == 1):
        raise _Unmappable("more results than ONNX outputs")
    names = [f"out{i}" for i in range(num_results)]
    attrs = [helper.make_attribute(k, v, attr_type=schema.attributes[k].type)
             for k, v in attributes.items()]
    node = helper.make_node(op_type, inputs, names)
    node.attribute.extend(attrs)
    return node, feeds


def _attribute_value(attr: ir.Attribute, kind):
    """A tg attribute as the Python value of an ONNX attribute of type ``kind``."""
    value = tg.attribute_value(attr)
    A = OpSchema.AttrType
    if kind == A.INT:
        if isinstance(value, (bool, int)):
            return int(value)
        if isinstance(value, ir.Attribute) and isinstance(_maybe(value), ir.TypeAttr):
            return _onnx_elem_type(ir.TypeAttr(value).value)
    elif kind == A.FLOAT and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    elif kind == A.INTS and isinstance(value, list):
        return [int(v) for v in value]
    elif kind == A.FLOATS and _float_array(attr) is not None:
        return _float_array(attr)
    elif kind == A.STRING and isinstance(value, str):
        return value
    elif kind == A.TENSOR and _dense(attr) is not None:
        return onnx.numpy_helper.from_array(np.array(_dense(attr)))
    raise _Unmappable(f"attribute {attr}")


def _float_array(attr: ir.Attribute) -> Optional[list[float]]:
    """The values of an ``array<f32: ...>``/``array<f64: ...>`` attribute, else None."""
    attr = _maybe(attr)
    if isinstance(attr, (ir.DenseF32ArrayAttr, ir.DenseF64ArrayAttr)):
        return [float(v) for v in attr]
    return None


def _maybe(attr: ir.Attribute):
    try:
        return attr.maybe_downcast()
    except Exception:
        return attr


def _onnx_elem_type(t: ir.Type) -> int:
    dtype = _numpy_dtype(t)
    if dtype is None:
        raise _Unmappable(f"type {t}")
    return helper.np_dtype_to_tensor_dtype(dtype)


def _input_from_attribute(attr: ir.Attribute, op_type: str, schema: OpSchema, slot: int,
                          values: Sequence[np.ndarray]) -> np.ndarray:
    """A tg attribute that stands for ONNX input ``slot`` as a constant tensor."""
    value = tg.attribute_value(attr)
    formal = schema.inputs[slot]
    if isinstance(value, list):
        return np.asarray(value, dtype=np.int64).reshape(len(value))
    floats = _float_array(attr)
    if floats is not None:
        dtype = _input_dtype(schema, slot, values, float)
        return np.asarray(floats, dtype=dtype).reshape(len(floats))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Unmappable(f"attribute {attr}")
    dtype = _input_dtype(schema, slot, values, float if isinstance(value, float) else int)
    array = np.asarray(value, dtype=dtype)
    return array.reshape(1) if (op_type, formal.name) in _ONE_ELEMENT_INPUTS else array


def _input_dtype(schema: OpSchema, slot: int, values: Sequence[np.ndarray], kind) -> np.dtype:
    """int64 for index-like inputs, else the dtype the input's type constraint allows."""
    type_str = schema.inputs[slot].type_str
    allowed = {c.type_param_str: list(c.allowed_type_strs) for c in schema.type_constraints}
    options = allowed.get(type_str, [type_str])
    if kind is int and "tensor(int64)" in options:
        return np.dtype(np.int64)
    if kind is float and "tensor(float)" in options:
        return np.dtype(np.float32)
    raise _Unmappable(f"input {schema.inputs[slot].name}")


def _evaluate(node: onnx.NodeProto, feeds: dict) -> Optional[list[np.ndarray]]:
    from onnx.reference import ReferenceEvaluator

    inputs = [helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
              for name, a in feeds.items()]
    outputs = [helper.make_empty_tensor_value_info(o) for o in node.output]
    model = helper.make_model(helper.make_graph([node], "fold", inputs, outputs),
                              opset_imports=[helper.make_opsetid("", _opset_of(node.op_type))])
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            results = ReferenceEvaluator(model).run(None, feeds)
    except Exception:  # the reference rejects it: leave the op alone
        return None
    if any(not isinstance(r, (np.ndarray, np.generic)) for r in results):
        return None
    return [np.asarray(r) for r in results]

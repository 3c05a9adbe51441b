"""Python side of the `tg` (tensor graph) dialect.

`tg.irdl.mlir` defines the ops (operands, results, attribute kinds). This
module adds what IRDL cannot say:

* one **type rule** per op (``@type_rule("conv")``): from the operand types and
  attributes it checks element types, ranks and shape arithmetic and returns
  the result types. The same rule drives the builder (result-type inference)
  and the semantic verifier (declared result types must equal inferred ones);
* typed **builders**: ``tg.build("relu", [x])`` or ``tg.ops.relu(x)``;
* registered **OpView** classes (``tg.ConvOp`` ...), created from the IRDL file.

Shapes may contain dynamic dims (``?``); rules treat them as unknown and only
check what is known. Not supported yet: unranked tensors, quantized types.
"""
from __future__ import annotations

import dataclasses
import importlib.resources
from typing import Callable, Optional, Sequence

from mlir import ir

from . import irdl_spec

DYNAMIC = ir.ShapedType.get_dynamic_size()

FLOAT_TYPES = ("f16", "bf16", "f32", "f64")
SIGNED_INT_TYPES = ("i8", "i16", "i32", "i64")
UNSIGNED_INT_TYPES = ("ui8", "ui16", "ui32", "ui64")
INT_TYPES = SIGNED_INT_TYPES + UNSIGNED_INT_TYPES
NUMERIC_TYPES = FLOAT_TYPES + INT_TYPES
ALL_TYPES = NUMERIC_TYPES + ("i1",)


def _load_spec() -> irdl_spec.DialectSpec:
    text = importlib.resources.files(__package__).joinpath("tg.irdl.mlir").read_text()
    return irdl_spec.parse_dialect(text)


SPEC = _load_spec()
IRDL_PATH = str(importlib.resources.files(__package__).joinpath("tg.irdl.mlir"))
OPVIEWS = irdl_spec.register_opviews(SPEC, globals())


def load(context: ir.Context) -> None:
    """Load the tg dialect into ``context``."""
    irdl_spec.load_into_context(SPEC, context)


class TypeRuleError(Exception):
    """An op's operands or attributes break its type rule (message says how)."""


@dataclasses.dataclass
class OpInfo:
    """What a type rule sees: the op name, operand types and Python attribute values."""

    name: str
    operands: list[Optional[ir.RankedTensorType]]  # None for an absent optional operand
    attributes: dict[str, object]

    def fail(self, message: str) -> None:
        raise TypeRuleError(message)

    def operand(self, index: int) -> ir.RankedTensorType:
        return self.operands[index]

    def attr(self, name: str):
        if name not in self.attributes:
            self.fail(f"requires attribute '{name}'")
        return self.attributes[name]

    def ints(self, name: str, length: Optional[int] = None) -> list[int]:
        value = self.attr(name)
        if not isinstance(value, list):
            self.fail(f"attribute '{name}' must be an array<i64>")
        if length is not None and len(value) != length:
            self.fail(f"attribute '{name}' must have {length} entries, got {len(value)}")
        return value

    def int(self, name: str) -> int:
        value = self.attr(name)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(f"attribute '{name}' must be an integer")
        return value

    def float(self, name: str) -> float:
        value = self.attr(name)
        if not isinstance(value, float):
            self.fail(f"attribute '{name}' must be a float")
        return value

    def element_type(self, index: int, allowed: Sequence[str]) -> ir.Type:
        etype = self.operands[index].element_type
        if str(etype) not in allowed:
            self.fail(f"operand #{index} has element type {etype}, expected one of {', '.join(allowed)}")
        return etype

    def same_element_types(self, *indices: int) -> ir.Type:
        present = [i for i in indices if self.operands[i] is not None]
        first = self.operands[present[0]].element_type
        for i in present[1:]:
            if self.operands[i].element_type != first:
                self.fail(f"operand #{i} has element type {self.operands[i].element_type}, "
                          f"expected {first} like operand #{present[0]}")
        return first

    def rank(self, index: int, *allowed: int) -> int:
        rank = self.operands[index].rank
        if allowed and rank not in allowed:
            want = " or ".join(str(a) for a in allowed)
            self.fail(f"operand #{index} must have rank {want}, got {rank}")
        return rank


TypeRule = Callable[[OpInfo], list[ir.Type]]
_TYPE_RULES: dict[str, TypeRule] = {}


def type_rule(name: str) -> Callable[[TypeRule], TypeRule]:
    """Register the type rule of ``tg.<name>``."""

    def register(fn: TypeRule) -> TypeRule:
        if name not in SPEC.ops:
            raise KeyError(f"tg.{name} is not defined in tg.irdl.mlir")
        _TYPE_RULES[name] = fn
        return fn

    return register


def tensor(shape: Sequence[int], element_type: ir.Type) -> ir.RankedTensorType:
    return ir.RankedTensorType.get(list(shape), element_type, loc=ir.Location.unknown(element_type.context))


# ----------------------------------------------------------------------------
# Shape helpers
# ----------------------------------------------------------------------------

def broadcast_shapes(info: OpInfo, a: Sequence[int], b: Sequence[int]) -> list[int]:
    """Multidirectional (numpy) broadcasting of two shapes; dynamic dims are wildcards."""
    rank = max(len(a), len(b))
    a = [1] * (rank - len(a)) + list(a)
    b = [1] * (rank - len(b)) + list(b)
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x == DYNAMIC:
            out.append(y)
        elif y == DYNAMIC or x == y:
            out.append(x)
        else:
            info.fail(f"operands are not broadcast-compatible: dim {i} is {x} vs {y} "
                      f"(shapes {_fmt(a)} and {_fmt(b)})")
    return out


def _fmt(shape: Sequence[int]) -> str:
    return "x".join("?" if d == DYNAMIC else str(d) for d in shape) or "scalar"


def _dims_compatible(x: int, y: int) -> bool:
    return x == y or x == DYNAMIC or y == DYNAMIC


def _window_output(size: int, kernel: int, stride: int, dilation: int,
                   pad_begin: int, pad_end: int, ceil_mode: bool = False) -> int:
    if size == DYNAMIC:
        return DYNAMIC
    effective = dilation * (kernel - 1) + 1
    span = size + pad_begin + pad_end - effective
    if span < 0:
        return -1
    if ceil_mode:
        out = -(-span // stride) + 1
        # The last window must start inside the input or the leading padding.
        if (out - 1) * stride >= size + pad_begin:
            out -= 1
        return out
    return span // stride + 1


def _check_window_attrs(info: OpInfo, spatial: int) -> tuple[list[int], list[int], list[int], list[int]]:
    kernel = info.ints("kernel_shape", spatial)
    strides = info.ints("strides", spatial)
    dilations = info.ints("dilations", spatial)
    pads = info.ints("pads", 2 * spatial)
    if any(k < 1 for k in kernel):
        info.fail("kernel_shape entries must be positive")
    if any(s < 1 for s in strides):
        info.fail("strides must be positive")
    if any(d < 1 for d in dilations):
        info.fail("dilations must be positive")
    if any(p < 0 for p in pads):
        info.fail("pads must be non-negative")
    return kernel, strides, dilations, pads


# ----------------------------------------------------------------------------
# Type rules
# ----------------------------------------------------------------------------

@type_rule("constant")
def _constant(info: OpInfo) -> list[ir.Type]:
    # The result type is the value's type; checked in verify_op.
    return []


@type_rule("conv")
def _conv(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    info.same_element_types(0, 1, 2)
    rank = info.rank(0)
    if rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {rank}")
    x, w = info.operand(0).shape, info.operand(1).shape
    if len(w) != rank:
        info.fail(f"weight rank {len(w)} must equal input rank {rank}")
    spatial = rank - 2
    group = info.int("group")
    if group < 1:
        info.fail("group must be positive")
    kernel, strides, dilations, pads = _check_window_attrs(info, spatial)
    if list(w[2:]) != kernel and DYNAMIC not in w[2:]:
        info.fail(f"kernel_shape {kernel} does not match the weight's spatial dims {list(w[2:])}")
    if w[0] != DYNAMIC and w[0] % group != 0:
        info.fail(f"output channels ({w[0]}) must be divisible by group ({group})")
    if x[1] != DYNAMIC and w[1] != DYNAMIC and x[1] != w[1] * group:
        info.fail(f"input channels ({x[1]}) must equal weight channels ({w[1]}) x group ({group})")
    b = info.operands[2] if len(info.operands) > 2 else None
    if b is not None and (b.rank != 1 or not _dims_compatible(b.shape[0], w[0])):
        info.fail(f"bias must be 1-d of size {w[0]}, got {_fmt(b.shape)}")
    out = [x[0], w[0]]
    for i in range(spatial):
        size = _window_output(x[2 + i], kernel[i], strides[i], dilations[i], pads[i], pads[spatial + i])
        if size != DYNAMIC and size < 1:
            info.fail(f"spatial dim {i} of size {x[2 + i]} is smaller than the dilated kernel")
        out.append(size)
    return [tensor(out, etype)]


@type_rule("matmul")
def _matmul(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1)
    a, b = list(info.operand(0).shape), list(info.operand(1).shape)
    if not a or not b:
        info.fail("operands must have rank >= 1")
    a_vec, b_vec = len(a) == 1, len(b) == 1
    if a_vec:
        a = [1] + a
    if b_vec:
        b = b + [1]
    if not _dims_compatible(a[-1], b[-2]):
        info.fail(f"inner dimensions do not match: {_fmt(info.operand(0).shape)} x {_fmt(info.operand(1).shape)}")
    batch = broadcast_shapes(info, a[:-2], b[:-2])
    out = batch + ([] if a_vec else [a[-2]]) + ([] if b_vec else [b[-1]])
    return [tensor(out, etype)]


@type_rule("gemm")
def _gemm(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1, 2)
    info.rank(0, 2)
    info.rank(1, 2)
    info.float("alpha")
    info.float("beta")
    a, b = info.operand(0).shape, info.operand(1).shape
    m, ka = (a[1], a[0]) if info.int("transA") else (a[0], a[1])
    kb, n = (b[1], b[0]) if info.int("transB") else (b[0], b[1])
    if not _dims_compatible(ka, kb):
        info.fail(f"inner dimensions do not match: K is {ka} for A and {kb} for B")
    c = info.operands[2] if len(info.operands) > 2 else None
    if c is not None:
        if c.rank > 2:
            info.fail(f"C must have rank <= 2, got {c.rank}")
        out = broadcast_shapes(info, [m, n], c.shape)
        if not (_dims_compatible(out[0], m) and _dims_compatible(out[1], n)):
            info.fail(f"C of shape {_fmt(c.shape)} does not broadcast to {_fmt([m, n])}")
    return [tensor([m, n], etype)]


def _binary_elementwise(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, NUMERIC_TYPES)
    info.same_element_types(0, 1)
    return [tensor(broadcast_shapes(info, info.operand(0).shape, info.operand(1).shape), etype)]


for _name in ("add", "sub", "mul", "div"):
    type_rule(_name)(_binary_elementwise)


@type_rule("relu")
def _relu(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES + SIGNED_INT_TYPES)
    return [info.operand(0)]


@type_rule("max_pool")
def _max_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES + ("i8", "ui8"))
    rank = info.rank(0)
    if rank < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {rank}")
    spatial = rank - 2
    kernel, strides, dilations, pads = _check_window_attrs(info, spatial)
    ceil_mode = info.int("ceil_mode")
    if info.int("storage_order") not in (0, 1):
        info.fail("storage_order must be 0 or 1")
    x = info.operand(0).shape
    out = [x[0], x[1]]
    for i in range(spatial):
        if pads[i] >= kernel[i] or pads[spatial + i] >= kernel[i]:
            info.fail(f"pads must be smaller than the kernel (dim {i})")
        size = _window_output(x[2 + i], kernel[i], strides[i], dilations[i], pads[i],
                              pads[spatial + i], bool(ceil_mode))
        if size != DYNAMIC and size < 1:
            info.fail(f"spatial dim {i} of size {x[2 + i]} is smaller than the dilated kernel")
        out.append(size)
    return [tensor(out, etype)]


@type_rule("global_average_pool")
def _global_average_pool(info: OpInfo) -> list[ir.Type]:
    etype = info.element_type(0, FLOAT_TYPES)
    x = info.operand(0).shape
    if len(x) < 3:
        info.fail(f"input must have rank >= 3 (N x C x spatial...), got {len(x)}")
    return [tensor(list(x[:2]) + [1] * (len(x) - 2), etype)]


@type_rule("batch_normalization")
def _batch_normalization(info: OpInfo) -> list[ir.Type]:
    info.element_type(0, FLOAT_TYPES)
    info.float("epsilon")
    x = info.operand(0)
    if x.rank < 2:
        info.fail(f"input must have rank >= 2, got {x.rank}")
    channels = x.shape[1]
    for i, name in enumerate(("scale", "b", "input_mean", "input_var"), start=1):
        p = info.operand(i)
        info.element_type(i, FLOAT_TYPES)
        if p.rank != 1 or not _dims_compatible(p.shape[0], channels):
            info.fail(f"{name} must be 1-d of size {channels} (the channel dim), got {_fmt(p.shape)}")
    return [x]


@type_rule("reshape")
def _reshape(info: OpInfo) -> list[ir.Type]:
    data = info.operand(0)
    shape = info.ints("shape")
    if any(d < 0 for d in shape):
        info.fail("shape entries must be non-negative (0 and -1 are resolved by the importer)")
    if data.has_static_shape:
        count = 1
        for d in data.shape:
            count *= d
        target = 1
        for d in shape:
            target *= d
        if count != target:
            info.fail(f"cannot reshape {count} elements ({_fmt(data.shape)}) into {_fmt(shape)}")
    return [tensor(shape, data.element_type)]


@type_rule("flatten")
def _flatten(info: OpInfo) -> list[ir.Type]:
    data = info.operand(0)
    axis = info.int("axis")
    if not -data.rank <= axis <= data.rank:
        info.fail(f"axis {axis} is out of range for rank {data.rank}")
    if axis < 0:
        axis += data.rank
    head = tail = 1
    for i, d in enumerate(data.shape):
        if i < axis:
            head = DYNAMIC if DYNAMIC in (head, d) else head * d
        else:
            tail = DYNAMIC if DYNAMIC in (tail, d) else tail * d
    return [tensor([head, tail], data.element_type)]


@type_rule("transpose")
def _transpose(info: OpInfo) -> list[ir.Type]:
    data = info.operand(0)
    perm = info.ints("perm")
    if sorted(perm) != list(range(data.rank)):
        info.fail(f"perm {perm} is not a permutation of 0..{data.rank - 1}")
    return [tensor([data.shape[p] for p in perm], data.element_type)]


# ----------------------------------------------------------------------------
# Verification and building
# ----------------------------------------------------------------------------

def _isa(obj, cls) -> bool:
    """isinstance for MLIR attributes/types, downcasting a generic handle first."""
    if isinstance(obj, cls):
        return True
    try:
        return isinstance(obj.maybe_downcast(), cls)
    except Exception:
        return False


def attribute_value(attr: ir.Attribute):
    """Convert a builtin attribute into the Python value type rules see."""
    if _isa(attr, ir.DenseI64ArrayAttr):
        return list(ir.DenseI64ArrayAttr(attr))
    if _isa(attr, ir.BoolAttr):
        return bool(ir.BoolAttr(attr).value)
    if _isa(attr, ir.IntegerAttr):
        return ir.IntegerAttr(attr).value
    if _isa(attr, ir.FloatAttr):
        return ir.FloatAttr(attr).value
    if _isa(attr, ir.StringAttr):
        return ir.StringAttr(attr).value
    return attr


def to_attribute(kind: str, value) -> ir.Attribute:
    """Convert a Python value into the builtin attribute kind the IRDL file names."""
    if isinstance(value, ir.Attribute):
        return value
    if kind == "#builtin.dense_array":
        return ir.DenseI64ArrayAttr.get([int(v) for v in value])
    if kind == "#builtin.integer":
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(value))
    if kind == "#builtin.float":
        return ir.FloatAttr.get(ir.F32Type.get(), float(value))
    if kind == "#builtin.string":
        return ir.StringAttr.get(str(value))
    raise TypeError(f"cannot convert {value!r} to an attribute of kind {kind}")


def _op_info(name: str, operand_types: Sequence[Optional[ir.Type]], attributes: dict) -> OpInfo:
    types = []
    for t in operand_types:
        if t is not None and not _isa(t, ir.RankedTensorType):
            raise TypeRuleError(f"operands must be ranked tensors, got {t}")
        types.append(ir.RankedTensorType(t) if t is not None else None)
    values = {k: attribute_value(v) if isinstance(v, ir.Attribute) else v
              for k, v in attributes.items()}
    return OpInfo(name, types, values)


def infer_result_types(name: str, operand_types: Sequence[Optional[ir.Type]],
                       attributes: dict) -> list[ir.Type]:
    """Result types of ``tg.<name>`` for these operands/attributes; raises TypeRuleError."""
    return _TYPE_RULES[name](_op_info(name, operand_types, attributes))


def _operand_types(spec: irdl_spec.OpSpec, op: ir.Operation) -> list[Optional[ir.Type]]:
    """Operand types aligned with the spec (None for a missing optional operand)."""
    types = [v.type for v in op.operands]
    if len(spec.operands) == len(types) or any(v.variadicity == "variadic" for v in spec.operands):
        return types
    return types + [None] * (len(spec.operands) - len(types))


def verify_op(op: ir.Operation) -> Optional[str]:
    """Semantic check of one tg op; returns an error message or None."""
    name = op.name.split(".", 1)[1]
    spec = SPEC.ops.get(name)
    if spec is None:
        return None
    try:
        if name == "constant":
            return _verify_constant(op)
        attrs = {attr_name: op.attributes[attr_name] for attr_name in op.attributes}
        for attr_name, kind in spec.attributes.items():
            if kind == "#builtin.dense_array" and attr_name in attrs \
                    and not _isa(attrs[attr_name], ir.DenseI64ArrayAttr):
                return f"'{op.name}' op attribute '{attr_name}' must be array<i64: ...>"
        inferred = infer_result_types(name, _operand_types(spec, op), attrs)
    except TypeRuleError as e:
        return f"'{op.name}' op {e}"
    declared = [r.type for r in op.results]
    for i, (got, want) in enumerate(zip(declared, inferred)):
        if got != want:
            return f"'{op.name}' op result #{i} has type {got}, but the operands imply {want}"
    return None


def _verify_constant(op: ir.Operation) -> Optional[str]:
    value = op.attributes["value"]
    if not _isa(value, ir.DenseElementsAttr) and not str(value).startswith("dense_resource<"):
        return f"'{op.name}' op attribute 'value' must be a dense or dense_resource elements attribute"
    if value.type != op.results[0].type:
        return f"'{op.name}' op value type {value.type} does not match result type {op.results[0].type}"
    return None


def build(name: str, operands: Sequence[Optional[ir.Value]], attributes: Optional[dict] = None,
          result_types: Optional[Sequence[ir.Type]] = None, *, loc: Optional[ir.Location] = None,
          ip: Optional[ir.InsertionPoint] = None) -> ir.Operation:
    """Create ``tg.<name>``; Python attribute values are converted by their IRDL kind,
    result types are inferred by the op's type rule unless given. ``None`` operands
    stand for absent optional operands."""
    spec = SPEC.ops[name]
    attributes = dict(attributes or {})
    unknown = set(attributes) - set(spec.attributes)
    if unknown:
        raise TypeError(f"tg.{name} has no attribute(s) {sorted(unknown)}")
    attrs = {k: to_attribute(spec.attributes[k], v) for k, v in attributes.items()}
    if result_types is None:
        result_types = infer_result_types(name, [o.type if o is not None else None for o in operands], attrs)
    present = [o for o in operands if o is not None]
    return ir.Operation.create(spec.full_name, results=list(result_types), operands=present,
                               attributes=attrs, loc=loc, ip=ip)


class _Builders:
    """``tg.ops.<name>(*operands, **attributes)`` returns the op's single result value."""

    def __getattr__(self, name: str):
        if name not in SPEC.ops:
            raise AttributeError(f"tg has no op '{name}'")

        def make(*operands, loc=None, ip=None, **attributes):
            return build(name, operands, attributes, loc=loc, ip=ip).results[0]

        make.__name__ = name
        make.__doc__ = f"Build tg.{name}."
        return make


ops = _Builders()


def constant(value, *, loc=None, ip=None) -> ir.Value:
    """``tg.constant`` holding a numpy array; its dtype decides the element type."""
    import numpy as np

    attr = ir.DenseElementsAttr.get(np.ascontiguousarray(value))
    return build("constant", [], {"value": attr}, [attr.type], loc=loc, ip=ip).results[0]

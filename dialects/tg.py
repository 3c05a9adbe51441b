"""Python side of the `tg` (tensor graph) dialect.

`tg.irdl.mlir` defines the ops (operands, results, attribute kinds). This
module adds what IRDL cannot say:

* one **type rule** per op (``@type_rule("conv", kind="contraction", ...)``):
  from the operand types and attributes it checks element types, ranks and
  shape arithmetic and returns the result types. The same rule drives the
  builder (result-type inference) and the semantic verifier (declared result
  types must equal inferred ones). Its keyword arguments declare the op's
  **facts** (kernel class, constant folding, default schedule: ``OpFacts``),
  queried through ``op_table.py``;
* typed **builders**: ``tg.build("relu", [x])`` or ``tg.ops.relu(x)``;
* registered **OpView** classes (``tg.ConvOp`` ...), created from the IRDL file.

Shapes may contain dynamic dims (``?``); rules treat them as unknown and only
check what is known. Not supported yet: unranked tensors, quantized types.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Optional, Sequence

from mlir import ir

from . import irdl_spec

DYNAMIC = ir.ShapedType.get_dynamic_size()
# A discardable attribute of tg.matmul/tg.gemm: the importer's names of the dims of A
# ("" for a static dim), matched against the dim bounds by sched-default.
DIM_SYMBOLS_ATTR = "tg.dim_symbols"

FLOAT_TYPES = ("f16", "bf16", "f32", "f64")
SIGNED_INT_TYPES = ("i8", "i16", "i32", "i64")
UNSIGNED_INT_TYPES = ("ui8", "ui16", "ui32", "ui64")
INT_TYPES = SIGNED_INT_TYPES + UNSIGNED_INT_TYPES
NUMERIC_TYPES = FLOAT_TYPES + INT_TYPES
ALL_TYPES = NUMERIC_TYPES + ("i1",)


SPEC, IRDL_PATH = irdl_spec.load_packaged_spec(__package__, "tg.irdl.mlir")
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


# ----------------------------------------------------------------------------
# Op facts: declared once per op, with its type rule (see dialects/op_table.py
# for the queries the passes use).
# ----------------------------------------------------------------------------

#: Kernel classes, as `tg-fuse-kernels` groups ops:
#: ``contraction`` anchors a kernel and absorbs its element-wise epilogue;
#: ``reduction`` anchors a kernel and absorbs element-wise producers of its first
#: operand and an epilogue; ``elementwise`` ops form maximal same-shape groups;
#: ``free`` ops (constants, reshape-like views with no compute) stay in the graph
#: function; ``opaque`` ops (data movement such as transpose, concat, gather) are
#: kernels of their own.
KERNEL_CLASSES = ("contraction", "reduction", "elementwise", "free", "opaque")

#: How an op folds on splat operands without expanding them (besides the
#: element-wise class, whose ops are evaluated on one element): ``SPLAT_SAME``:
#: the result is the splat of its type holding the operand's element (reshape,
#: slice, ...); or a closed form ``fn(c, n)`` of the splat element ``c`` (a 0-d
#: array) and the number ``n`` of elements reduced into each result, returning a
#: 0-d array or None where it does not apply (reduce_sum: ``c * n``).
SPLAT_SAME = "same"


class _CamelCase:
    def __repr__(self) -> str:
        return "CAMEL_CASE"


#: ``fold=`` default: evaluated by the ONNX reference implementation of the op
#: type spelled as the CamelCase of the tg name (``reduce_sum`` -> ``ReduceSum``).
CAMEL_CASE = _CamelCase()
#: ``fold=NO_FOLD``: tg-fold-constants leaves the op alone.
NO_FOLD = None


def _sections(irdl_text: str) -> dict[str, str]:
    """Op name -> the ``// ==== section: <name> ====`` of the IRDL file holding it."""
    import re

    sections, current = {}, None
    for line in irdl_text.splitlines():
        start = re.match(r"\s*// ==== section: (\w+)", line)
        if start:
            current = start.group(1)
        elif re.match(r"\s*// ==== end of section", line):
            current = None
        else:
            op = re.match(r"\s*irdl\.operation @(\w+)", line)
            if op:
                sections[op.group(1)] = current
    return sections


_SECTIONS = _sections(SPEC.source)


@dataclasses.dataclass(frozen=True)
class OpFacts:
    """What the compiler knows about one tg op besides its IRDL entry."""

    name: str
    #: the ``// ==== section: <name> ====`` of tg.irdl.mlir holding the op
    section: Optional[str]
    #: the tg_rules module declaring it (``unary``, ``elementwise``, ``nn``, ...)
    family: str
    #: its kernel class, one of KERNEL_CLASSES
    kind: str
    #: the ONNX op type whose reference implementation tg-fold-constants evaluates
    #: it with, or None: does not fold
    fold: Optional[str]
    #: how it folds on splat operands without expanding them (SPLAT_SAME, a
    #: closed form, or None); element-wise ops need none (evaluated on one element)
    splat: object = None
    #: the default schedule family of a contraction anchor (``matmul``, ``conv``),
    #: None: no default schedule (plain lowering)
    schedule: Optional[str] = None
    #: the linalg ops its scheduled (packed) lowering makes, which sched-apply
    #: anchors the schedule on
    linalg_anchors: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return f"tg.{self.name}"


_FACTS: dict[str, OpFacts] = {}


def type_rule(name: str, *, kind: str, fold=CAMEL_CASE, splat=None, schedule: Optional[str] = None,
              linalg_anchors: Sequence[str] = ()) -> Callable[[TypeRule], TypeRule]:
    """Register the type rule of ``tg.<name>`` together with the op's facts:
    ``kind`` its kernel class (KERNEL_CLASSES), ``fold`` the ONNX op type that
    evaluates it at compile time (default: the CamelCase of ``name``; NO_FOLD:
    does not fold), ``splat`` how it folds splat operands (SPLAT_SAME or a
    closed form), ``schedule``/``linalg_anchors`` for contraction anchors with a
    default schedule (see OpFacts)."""
    if name not in SPEC.ops:
        raise KeyError(f"tg.{name} is not defined in tg.irdl.mlir")
    if kind not in KERNEL_CLASSES:
        raise ValueError(f"tg.{name}: kernel class '{kind}' is not one of {', '.join(KERNEL_CLASSES)}")
    if fold is CAMEL_CASE:
        fold = "".join(part.capitalize() for part in name.split("_"))
    if not (splat is None or splat == SPLAT_SAME or callable(splat)):
        raise ValueError(f"tg.{name}: splat must be SPLAT_SAME, a function or None")
    if schedule is not None and kind != "contraction":
        raise ValueError(f"tg.{name}: only contraction anchors have a default schedule")

    def register(fn: TypeRule) -> TypeRule:
        if name in _TYPE_RULES:
            raise KeyError(f"tg.{name} has two type rules")
        _TYPE_RULES[name] = fn
        family = fn.__module__.rsplit(".", 1)[-1] if fn.__module__.startswith(f"{__name__}_rules") \
            else fn.__module__
        _FACTS[name] = OpFacts(name, _SECTIONS.get(name), family, kind, fold, splat, schedule,
                               tuple(linalg_anchors))
        return fn

    return register


# Largest static dim a result may have: sizes beyond it come from overflowing
# arithmetic on attributes (e.g. pads of 2^63 - 1) and MLIR cannot hold them.
MAX_DIM = (1 << 62) - 1


def tensor(shape: Sequence[int], element_type: ir.Type) -> ir.RankedTensorType:
    for d in shape:
        if d != DYNAMIC and not 0 <= d <= MAX_DIM:
            raise TypeRuleError(f"the result would have dim {d}, outside [0, {MAX_DIM}]")
    return ir.RankedTensorType.get(list(shape), element_type, loc=ir.Location.unknown(element_type.context))


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


def _aligned(spec: irdl_spec.OpSpec, types: Sequence[Optional[ir.Type]]) -> list[Optional[ir.Type]]:
    """``types`` padded with None up to the spec's operand count, so that a
    trailing absent optional operand reads as None. Operands of an op with a
    variadic operand are returned as they are: its type rule sorts them out."""
    types = list(types)
    if any(v.variadicity == "variadic" for v in spec.operands):
        return types
    return types + [None] * (len(spec.operands) - len(types))


def infer_result_types(name: str, operand_types: Sequence[Optional[ir.Type]],
                       attributes: dict) -> list[ir.Type]:
    """Result types of ``tg.<name>`` for these operands/attributes; raises TypeRuleError.
    Trailing absent optional operands may be given as None or left out."""
    types = _aligned(SPEC.ops[name], operand_types)
    return _TYPE_RULES[name](_op_info(name, types, attributes))


def verify_op(op: ir.Operation) -> Optional[str]:
    """Semantic check of one tg op; returns an error message or None."""
    name = op.name.split(".", 1)[1]
    spec = SPEC.ops.get(name)
    if spec is None:
        return None
    try:
        if name == "constant":
            return _verify_constant(op)
        attrs = {}
        for attr_name in [op.attributes[i].name for i in range(len(op.attributes))]:
            try:
                attrs[attr_name] = op.attributes[attr_name]
            except TypeError:
                # The bindings cannot represent it, e.g. array<ui8: ...> (and
                # NamedAttribute.attr would abort on it: do not touch that).
                return f"'{op.name}' op attribute '{attr_name}' is of a kind polytile cannot read"
        for attr_name, kind in spec.attributes.items():
            if kind == "#builtin.dense_array" and attr_name in attrs \
                    and not _isa(attrs[attr_name], ir.DenseI64ArrayAttr):
                return f"'{op.name}' op attribute '{attr_name}' must be array<i64: ...>"
        inferred = infer_result_types(name, [v.type for v in op.operands], attrs)
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
    (or trailing operands left out) stand for absent optional operands.

    Raises TypeError for a wrong operand count, a missing required operand, or an
    unknown or missing attribute, and TypeRuleError when the type rule rejects the
    operands or attributes."""
    spec = SPEC.ops[name]
    operands = list(operands)
    if not any(v.variadicity == "variadic" for v in spec.operands):
        if len(operands) > len(spec.operands):
            raise TypeError(f"tg.{name} takes at most {len(spec.operands)} operands, got {len(operands)}")
        operands = _aligned(spec, operands)
        for value, value_spec in zip(operands, spec.operands):
            if value is None and value_spec.variadicity == "single":
                raise TypeError(f"tg.{name} requires operand '{value_spec.name}'")
    attributes = dict(attributes or {})
    unknown = set(attributes) - set(spec.attributes)
    if unknown:
        raise TypeError(f"tg.{name} has no attribute(s) {sorted(unknown)}")
    missing = set(spec.attributes) - set(attributes)
    if missing:
        raise TypeError(f"tg.{name} requires attribute(s) {sorted(missing)}")
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


def _all_bits_equal(array) -> bool:
    """Whether every element has the same bits as the first (0.0 and -0.0 differ, as they
    must for a splat: 1/x tells them apart; NaNs of one payload are equal)."""
    import numpy as np

    flat = np.ascontiguousarray(array).reshape(-1)
    bits = flat.view(np.dtype(f"u{flat.dtype.itemsize}")) if flat.dtype.itemsize in (1, 2, 4, 8) else None
    if bits is None:
        return bool((flat == flat[0]).all())
    if bits[-1] != bits[0]:  # most weights: decided without a pass over them
        return False
    return bool((bits == bits[0]).all())


# The MLIR element type of each ``ml_dtypes`` dtype (the types numpy lacks), by dtype name.
_ML_DTYPE_ELEMENT_TYPES = {
    "bfloat16": "bf16", "float8_e4m3fn": "f8E4M3FN", "float8_e4m3fnuz": "f8E4M3FNUZ",
    "float8_e5m2": "f8E5M2", "float8_e5m2fnuz": "f8E5M2FNUZ", "float8_e8m0fnu": "f8E8M0FNU",
    "float4_e2m1fn": "f4E2M1FN", "int4": "i4", "uint4": "ui4", "int2": "i2", "uint2": "ui2",
}


def _ml_dtypes_attr(array) -> ir.Attribute:
    """The dense attribute of an ``ml_dtypes`` array (bf16, float8, int4, ...),
    built from its bits (the bindings cannot read these dtypes' buffers)."""
    import numpy as np

    name = _ML_DTYPE_ELEMENT_TYPES.get(array.dtype.name)
    if name is None:
        raise TypeError(f"no element type for dtype {array.dtype}")
    element_type = ir.Type.parse(name)
    bits = np.ascontiguousarray(array).view({1: np.uint8, 2: np.uint16}[array.dtype.itemsize])
    if array.size > 1 and (0 in array.strides or _all_bits_equal(array)):
        one = ir.DenseElementsAttr.get(np.ascontiguousarray(bits.reshape(-1)[:1]),
                                       type=ir.RankedTensorType.get([1], element_type))
        return ir.DenseElementsAttr.get_splat(ir.RankedTensorType.get(list(array.shape), element_type),
                                              one.get_splat_value())
    return ir.DenseElementsAttr.get(bits, type=ir.RankedTensorType.get(list(array.shape), element_type))


def constant(value, *, loc=None, ip=None) -> ir.Value:
    """``tg.constant`` holding a numpy array; its dtype decides the element type
    (``ml_dtypes`` arrays give bf16, float8, float4, i4/ui4, i2/ui2).
    Arrays whose elements are all equal become splat attributes, whatever their size."""
    import numpy as np

    array = np.asarray(value)
    if array.dtype.type.__module__ == "ml_dtypes":
        attr = _ml_dtypes_attr(array)
        return build("constant", [], {"value": attr}, [attr.type], loc=loc, ip=ip).results[0]
    signless = array.dtype.kind != "u"  # numpy uint8 -> ui8, int8 -> i8
    if array.size > 1 and (0 in array.strides or _all_bits_equal(array)):
        one = ir.DenseElementsAttr.get(np.ascontiguousarray(array.reshape(-1)[:1]), signless=signless)
        element_type = one.type.element_type
        scalar = array.flat[0]
        if _isa(element_type, ir.FloatType) or str(element_type) in FLOAT_TYPES:
            element = ir.FloatAttr.get(element_type, float(scalar))
        else:
            element = ir.IntegerAttr.get(element_type, int(scalar))
        attr = ir.DenseElementsAttr.get_splat(ir.RankedTensorType.get(list(array.shape), element_type), element)
    else:
        attr = ir.DenseElementsAttr.get(np.require(array, requirements='C'), signless=signless)
    return build("constant", [], {"value": attr}, [attr.type], loc=loc, ip=ip).results[0]


# Type rules live in tg_rules/, one module per op family; importing registers them.
from polytile.dialects import tg_rules  # noqa: E402,F401

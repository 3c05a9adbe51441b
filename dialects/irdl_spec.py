"""Read an IRDL dialect file into Python op specs and register OpView classes.

The ``*.irdl.mlir`` file is the single source of truth for a polytile dialect:
this module parses it with the MLIR bindings, extracts every operation's
operand/result names and variadicity and its attribute names with their base
kind, loads the dialect into a context, and registers one ``OpView`` class per
op so pattern callbacks never pay for a failing ``mlir.dialects.<name>`` import.
"""
from __future__ import annotations

import importlib.resources

import dataclasses
import re
from typing import Optional

from mlir import ir
from mlir.dialects import irdl
from mlir.dialects._ods_common import _cext

_VARIADICITY = re.compile(r"\b(single|optional|variadic)\b")


@dataclasses.dataclass(frozen=True)
class ValueSpec:
    """An operand or result: its name and ``single``/``optional``/``variadic``."""

    name: str
    variadicity: str = "single"


@dataclasses.dataclass(frozen=True)
class OpSpec:
    """What the IRDL file says about one operation."""

    dialect: str
    name: str  # short name, e.g. "conv"
    operands: tuple[ValueSpec, ...]
    results: tuple[ValueSpec, ...]
    attributes: dict[str, str]  # attribute name -> IRDL base name ("#builtin.integer") or "any"

    @property
    def full_name(self) -> str:
        return f"{self.dialect}.{self.name}"


@dataclasses.dataclass(frozen=True)
class DialectSpec:
    name: str
    ops: dict[str, OpSpec]
    source: str  # the IRDL text


def _value_specs(op: Optional[ir.Operation]) -> tuple[ValueSpec, ...]:
    if op is None:
        return ()
    names = [ir.StringAttr(a).value for a in ir.ArrayAttr(op.attributes["names"])]
    kinds = _VARIADICITY.findall(str(op.attributes["variadicity"]))
    return tuple(ValueSpec(n, k) for n, k in zip(names, kinds))


def _constraint_kind(value: ir.Value) -> str:
    owner = value.owner
    if owner.name == "irdl.base" and "base_name" in owner.attributes:
        return ir.StringAttr(owner.attributes["base_name"]).value
    return "any"


def parse_dialect(text: str) -> DialectSpec:
    """Parse IRDL text (one ``irdl.dialect``) into a :class:`DialectSpec`."""
    with ir.Context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        dialect_op = module.body.operations[0].operation
        dialect_name = ir.StringAttr(dialect_op.attributes["sym_name"]).value
        ops: dict[str, OpSpec] = {}
        for op in dialect_op.regions[0].blocks[0].operations:
            op = op.operation
            if op.name != "irdl.operation":
                continue
            name = ir.StringAttr(op.attributes["sym_name"]).value
            parts = {child.operation.name: child.operation
                     for child in op.regions[0].blocks[0].operations}
            attrs: dict[str, str] = {}
            attr_op = parts.get("irdl.attributes")
            if attr_op is not None:
                attr_names = [ir.StringAttr(a).value
                              for a in ir.ArrayAttr(attr_op.attributes["attributeValueNames"])]
                for attr_name, value in zip(attr_names, attr_op.operands):
                    attrs[attr_name] = _constraint_kind(value)
            ops[name] = OpSpec(dialect_name, name,
                               _value_specs(parts.get("irdl.operands")),
                               _value_specs(parts.get("irdl.results")), attrs)
    return DialectSpec(dialect_name, ops, text)


# IRDL modules must outlive every use of the contexts they were loaded into:
# the loaded dialect's verifiers point at the IRDL constraint ops. Each context
# holds its own (an attribute on the Python context). That reference cycle
# (context -> modules -> context) is not collectable, so a context with polytile
# dialects lives until `release_dialects` breaks it -- which `polytile.compile`
# does when it is done with its private context.
_MODULES_ATTR = "_polytile_irdl_modules"


def load_into_context(spec: DialectSpec, context: ir.Context) -> None:
    """Load the dialect described by ``spec`` into ``context`` (idempotent: a
    context that already knows the dialect's first op is left alone)."""
    first_op = next(iter(spec.ops.values()), None)
    if first_op is not None and context.is_registered_operation(first_op.full_name):
        return
    with context, ir.Location.unknown():
        module = ir.Module.parse(spec.source)
        irdl.load_dialects(module)
    modules = getattr(context, _MODULES_ATTR, None)
    if modules is None:
        modules = []
        setattr(context, _MODULES_ATTR, modules)
    modules.append(module)


def release_dialects(context: ir.Context) -> None:
    """Let ``context`` be freed once nothing else uses it. Afterwards no op of a
    polytile dialect may be verified, parsed or built in ``context``."""
    if hasattr(context, _MODULES_ATTR):
        delattr(context, _MODULES_ATTR)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Op"


def _operand_getter(index: int, variadicity: str):
    def single(self):
        return self.operation.operands[index]

    def optional(self):
        operands = self.operation.operands
        return operands[index] if len(operands) > index else None

    def variadic(self):
        return list(self.operation.operands)[index:]

    return {"single": single, "optional": optional, "variadic": variadic}[variadicity]


def register_opviews(spec: DialectSpec, namespace: dict) -> dict[str, type]:
    """Create and register one ``OpView`` subclass per op of ``spec``.

    The classes expose each operand, result and attribute as a property named
    as in the IRDL file. They are also stored in ``namespace`` (a module's
    globals) under their CamelCase name.
    """

    class _Dialect(ir.Dialect):
        DIALECT_NAMESPACE = spec.name

    _cext.register_dialect(_Dialect)
    classes: dict[str, type] = {}
    for op in spec.ops.values():
        members: dict = {
            "OPERATION_NAME": op.full_name,
            "__module__": namespace.get("__name__", __name__),
            "_ODS_REGIONS": (0, True),
            "__doc__": f"OpView for `{op.full_name}` (defined in {spec.name}.irdl.mlir).",
        }
        def free(member: str) -> bool:
            return member not in members and not hasattr(ir.OpView, member)

        for index, value in enumerate(op.operands):
            if any(v.variadicity != "single" for v in op.operands[:index]):
                break  # positions after a variadic/optional group are not fixed
            if free(value.name):
                members[value.name] = property(_operand_getter(index, value.variadicity))
        if all(v.variadicity == "single" for v in op.results):
            for index, value in enumerate(op.results):
                if free(value.name):
                    members[value.name] = property(lambda self, i=index: self.operation.results[i])
        for attr_name in op.attributes:
            if free(attr_name):
                members[attr_name] = property(
                    lambda self, n=attr_name: self.operation.attributes[n]
                    if n in self.operation.attributes else None)
        cls = type(_camel(op.name), (ir.OpView,), members)
        _cext.register_operation(_Dialect)(cls)
        classes[op.name] = cls
        namespace[cls.__name__] = cls
    return classes


def load_packaged_spec(package: str, filename: str) -> tuple[DialectSpec, str]:
    """(spec, path) of an IRDL file shipped in ``package``."""
    resource = importlib.resources.files(package).joinpath(filename)
    return parse_dialect(resource.read_text()), str(resource)

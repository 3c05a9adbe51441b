"""gpu-hoist-buffers: turn every buffer the entry function allocates or reads
from a global into an extra argument of the entry function.

On the GPU every buffer a kernel touches must live in device memory. Instead of
allocating device memory on each call, the entry function receives all of it
from its caller, which allocates it once per compiled model:

* ``memref.get_global`` of a constant global (a weight) becomes an argument
  marked ``polytile.gpu.buffer = "weight"`` that carries the global's value in
  ``polytile.gpu.value``; the caller uploads it once.
* ``memref.alloc`` (a temporary) becomes an argument marked
  ``polytile.gpu.buffer = "scratch"``; its ``memref.dealloc`` ops are erased.

New arguments are appended after the existing ones (inputs, then outputs) in
the order the ops appear. Unused globals are left for ``symbol-dce``.

Does not yet: reuse one scratch buffer for temporaries with disjoint lifetimes,
or handle allocations with dynamic sizes or nested in loops (a clear error).
"""
from __future__ import annotations

import dataclasses

from mlir import ir
from mlir.dialects import func

from polytile.pass_registry import PassError, option, register_pass

from polytile.passes.common.walk import ops_in

BUFFER_ATTR = "polytile.gpu.buffer"
VALUE_ATTR = "polytile.gpu.value"


@dataclasses.dataclass(frozen=True)
class Options:
    entry_name: str = option("polytile_entry", "The entry function that receives the buffers")


def _find_function(module: ir.Operation, name: str) -> ir.Operation:
    for op in module.regions[0].blocks[0].operations:
        if op.operation.name == "func.func" and \
                ir.StringAttr(op.operation.attributes["sym_name"]).value == name:
            return op.operation
    raise PassError(f"no function named '{name}'", module)


def _globals(module: ir.Operation) -> dict[str, ir.Operation]:
    return {ir.StringAttr(op.operation.attributes["sym_name"]).value: op.operation
            for op in module.regions[0].blocks[0].operations if op.operation.name == "memref.global"}


def _add_argument(function: ir.Operation, memref_type: ir.Type, attrs: dict, loc: ir.Location) -> ir.Value:
    """Append an argument with attributes to ``function``; returns it."""
    block = function.regions[0].blocks[0]
    arg = block.add_argument(memref_type, loc)
    ftype = ir.FunctionType(ir.TypeAttr(function.attributes["function_type"]).value)
    function.attributes["function_type"] = ir.TypeAttr.get(
        ir.FunctionType.get(list(ftype.inputs) + [memref_type], list(ftype.results)))
    old = list(ir.ArrayAttr(function.attributes["arg_attrs"])) if "arg_attrs" in function.attributes \
        else [ir.DictAttr.get({})] * len(ftype.inputs)
    function.attributes["arg_attrs"] = ir.ArrayAttr.get(old + [ir.DictAttr.get(attrs)])
    return arg


def _check_static(op: ir.Operation) -> ir.MemRefType:
    t = ir.MemRefType(op.results[0].type)
    if not t.has_static_shape or len(op.operands) != 0:
        raise PassError(f"the GPU path needs statically shaped buffers, got {t}", op)
    return t


@register_pass("gpu-hoist-buffers", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Make weights and temporaries of the entry function caller-provided arguments."""
    function = _find_function(root, options.entry_name)
    entry_block = function.regions[0].blocks[0]
    globals_by_name = _globals(root)
    for op in ops_in(function, "memref."):
        name = op.name
        if name not in ("memref.get_global", "memref.alloc", "memref.alloca"):
            continue
        if op.parent != function or op.block != entry_block:
            raise PassError("the GPU path cannot allocate buffers inside loops or regions yet", op)
        memref_type = _check_static(op)
        if name == "memref.get_global":
            symbol = ir.FlatSymbolRefAttr(op.attributes["name"]).value
            glob = globals_by_name.get(symbol)
            if glob is None or "constant" not in glob.attributes or "initial_value" not in glob.attributes:
                raise PassError(f"global '{symbol}' is not a constant with a value", op)
            attrs = {BUFFER_ATTR: ir.StringAttr.get("weight"), VALUE_ATTR: glob.attributes["initial_value"]}
        else:
            attrs = {BUFFER_ATTR: ir.StringAttr.get("scratch")}
        arg = _add_argument(function, memref_type, attrs, op.location)
        result = op.results[0]
        for use in list(result.uses):
            if use.owner.name == "memref.dealloc":
                use.owner.erase()
        result.replace_all_uses_with(arg)
        op.erase()
    for op in ops_in(root, "memref."):
        if op.name in ("memref.alloc", "memref.alloca", "memref.get_global") and \
                not _inside(op, "gpu.module"):
            raise PassError(f"the GPU path supports buffers only in '{options.entry_name}'", op)


def _inside(op: ir.Operation, name: str) -> bool:
    parent = op.parent
    while parent is not None:
        if parent.name == name:
            return True
        parent = parent.parent
    return False

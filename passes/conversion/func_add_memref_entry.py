"""func-add-memref-entry: add a C-callable entry point taking memrefs.

For ``func.func @main(tensors...) -> (tensors...)`` it adds
``@<entry-name>(inputs as memrefs..., one output memref per result)`` marked
``llvm.emit_c_interface``: inputs are wrapped with ``bufferization.to_tensor
restrict`` and each result is written into the caller's output buffer with
``bufferization.materialize_in_destination``, so bufferization writes results
in place and the caller owns all memory. ``@main`` becomes private so that
``inline`` + ``symbol-dce`` fold it into the entry.

Does not yet: handle dynamic shapes or functions with non-tensor arguments.
"""
from __future__ import annotations

import dataclasses

from mlir import ir
from mlir.dialects import bufferization, func

from polytile.pass_registry import PassError, option, register_pass


@dataclasses.dataclass(frozen=True)
class Options:
    function: str = option("main", "The function to expose")
    entry_name: str = option("polytile_entry", "Name of the generated entry point")


def _memref(t: ir.Type) -> ir.Type:
    rt = ir.RankedTensorType(t)
    return ir.MemRefType.get(list(rt.shape), rt.element_type)


@register_pass("func-add-memref-entry", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Add a memref entry point (outputs as caller-owned buffers) for a tensor function."""
    target = None
    for op in root.regions[0].blocks[0].operations:
        if op.operation.name == "func.func" and \
                ir.StringAttr(op.operation.attributes["sym_name"]).value == options.function:
            target = op.operation
    if target is None:
        raise PassError(f"no function named '{options.function}'", root)
    ftype = ir.FunctionType(ir.TypeAttr(target.attributes["function_type"]).value)
    for t in list(ftype.inputs) + list(ftype.results):
        if not isinstance(t, ir.RankedTensorType) or not ir.RankedTensorType(t).has_static_shape:
            raise PassError(f"'{options.function}' must take and return static tensors, got {t}", target)
    in_types = [_memref(t) for t in ftype.inputs]
    out_types = [_memref(t) for t in ftype.results]
    with ir.InsertionPoint(root.regions[0].blocks[0]), target.location:
        entry = func.FuncOp(options.entry_name, ir.FunctionType.get(in_types + out_types, []))
        entry.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
        block = entry.add_entry_block()
        with ir.InsertionPoint(block):
            tensors = [bufferization.ToTensorOp(t, arg, restrict=True).result
                       for t, arg in zip(ftype.inputs, list(block.arguments)[:len(in_types)])]
            call = func.CallOp(list(ftype.results), ir.FlatSymbolRefAttr.get(options.function), tensors)
            for result, out in zip(call.results, list(block.arguments)[len(in_types):]):
                bufferization.MaterializeInDestinationOp(None, result, out, restrict=True, writable=True)
            func.ReturnOp([])
    target.attributes["sym_visibility"] = ir.StringAttr.get("private")

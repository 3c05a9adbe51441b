"""func-add-memref-entry: add a C-callable entry point taking memrefs.

For ``func.func @main(tensors...) -> (tensors...)`` it adds
``@<entry-name>(inputs as memrefs..., one output memref per result)`` marked
``llvm.emit_c_interface``: inputs are wrapped with ``bufferization.to_tensor
restrict`` and each result is written into the caller's output buffer with
``bufferization.materialize_in_destination``, so bufferization writes results
in place and the caller owns all memory. ``@main`` becomes private so that
``inline`` + ``symbol-dce`` fold it into the entry.

Dynamic dims (``?``) stay dynamic in the memref types. When a result has one,
the caller must know its size before allocating the output, so a second entry
``@<entry-name>_shapes(inputs as memrefs..., memref<Kxi64>)`` is added, also
C-callable: it calls ``@main`` and stores the K dynamic result dims (results in
order, dims in order) into the last argument; the module attribute
``polytile.dynamic_result_dims`` lists them as (result, dim) pairs, flattened. After inlining, canonicalization
and ``resolve-ranked-shaped-type-result-dims`` reduce it to the shape arithmetic
on the input dims (the computation itself is dead and removed), except where a
size depends on data (then it computes the whole function).

Does not yet: handle functions with non-tensor arguments.
"""
from __future__ import annotations

import dataclasses

from mlir import ir
from mlir.dialects import arith, bufferization, func, memref, tensor

from polytile.pass_registry import PassError, option, register_pass
from polytile.runtime.jit import DYNAMIC_RESULT_DIMS_ATTR


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
        if not isinstance(t, ir.RankedTensorType):
            raise PassError(f"'{options.function}' must take and return ranked tensors, got {t}", target)
    in_types = [_memref(t) for t in ftype.inputs]
    out_types = [_memref(t) for t in ftype.results]
    with ir.InsertionPoint(root.regions[0].blocks[0]), target.location:
        entry = func.FuncOp(options.entry_name, ir.FunctionType.get(in_types + out_types, []))
        entry.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
        block = entry.add_entry_block()
        with ir.InsertionPoint(block):
            call = _call(options.function, ftype, list(block.arguments)[:len(in_types)])
            for result, out in zip(call.results, list(block.arguments)[len(in_types):]):
                bufferization.MaterializeInDestinationOp(None, result, out, restrict=True, writable=True)
            func.ReturnOp([])
        dynamic = [(r, k) for r, t in enumerate(ftype.results)
                   for k in range(ir.RankedTensorType(t).rank) if ir.RankedTensorType(t).is_dynamic_dim(k)]
        if dynamic:
            _add_shapes_entry(options, ftype, in_types, dynamic)
            root.attributes[DYNAMIC_RESULT_DIMS_ATTR] = ir.DenseI64ArrayAttr.get(
                [i for pair in dynamic for i in pair])
    target.attributes["sym_visibility"] = ir.StringAttr.get("private")


def _call(function: str, ftype: ir.FunctionType, memrefs: list[ir.Value]) -> func.CallOp:
    tensors = [bufferization.ToTensorOp(t, arg, restrict=True).result
               for t, arg in zip(ftype.inputs, memrefs)]
    return func.CallOp(list(ftype.results), ir.FlatSymbolRefAttr.get(function), tensors)


def _add_shapes_entry(options: Options, ftype: ir.FunctionType, in_types: list[ir.Type],
                      dynamic: list[tuple[int, int]]) -> None:
    """``@<entry>_shapes(inputs..., memref<Kxi64>)``: the dynamic result dims (module doc)."""
    i64 = ir.IntegerType.get_signless(64)
    dims_type = ir.MemRefType.get([len(dynamic)], i64)
    entry = func.FuncOp(shapes_entry_name(options.entry_name),
                        ir.FunctionType.get(in_types + [dims_type], []))
    entry.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
    block = entry.add_entry_block()
    with ir.InsertionPoint(block):
        call = _call(options.function, ftype, list(block.arguments)[:len(in_types)])
        for slot, (r, k) in enumerate(dynamic):
            size = tensor.DimOp(call.results[r], arith.ConstantOp(ir.IndexType.get(), k).result).result
            value = arith.IndexCastOp(i64, size).result
            memref.StoreOp(value, block.arguments[len(in_types)],
                           [arith.ConstantOp(ir.IndexType.get(), slot).result])
        func.ReturnOp([])


def shapes_entry_name(entry_name: str) -> str:
    """The name of the entry that computes the dynamic result dims."""
    return f"{entry_name}_shapes"

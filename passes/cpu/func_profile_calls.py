"""func-profile-calls: time every call made by the entry function.

Runs on bufferized IR, after `func-outline-loop-nests` (each loop nest is a
call there). In the function named ``entry``, every ``func.call`` (at any depth
of nesting in its body, not inside the callees) is wrapped with two calls to
``rtclock`` (``func.func private @rtclock() -> f64`` from MLIR's
``libmlir_c_runner_utils``); the elapsed seconds and a call count are added to
the module globals

    memref.global "private" @polytile_profile_seconds : memref<Nxf64>
    memref.global "private" @polytile_profile_counts : memref<Nxi64>

at the callee's index (N = number of distinct callees). The module attribute
``polytile.profile_callees`` lists the callee names in index order. Two
exported functions (``llvm.emit_c_interface``) give the host access:

    func.func @polytile_profile_read(%seconds: memref<Nxf64>, %counts: memref<Nxi64>)
    func.func @polytile_profile_reset()

Times are wall-clock (``rtclock`` reads ``gettimeofday``: microsecond
resolution, so kernels far below a microsecond are only right on average) and
include each call's overhead. Does not yet: time calls made inside the callees,
or tell apart the call sites of one callee (they accumulate together).
"""
from __future__ import annotations

import dataclasses

from mlir import ir
from mlir.dialects import arith, func, memref, scf

from polytile.pass_registry import PassError, option, register_pass

CLOCK = "rtclock"
SECONDS_GLOBAL = "polytile_profile_seconds"
COUNTS_GLOBAL = "polytile_profile_counts"
READ_FUNCTION = "polytile_profile_read"
RESET_FUNCTION = "polytile_profile_reset"
CALLEES_ATTR = "polytile.profile_callees"


@dataclasses.dataclass(frozen=True)
class Options:
    entry: str = option("polytile_entry", "The function whose calls are timed")


def _symbols(module: ir.Operation) -> dict[str, ir.Operation]:
    table = {}
    for op in module.regions[0].blocks[0].operations:
        op = op.operation
        if "sym_name" in op.attributes:
            table[ir.StringAttr(op.attributes["sym_name"]).value] = op
    return table


def _callee(call: ir.Operation) -> str:
    return ir.FlatSymbolRefAttr(call.attributes["callee"]).value


def _calls_in(entry: ir.Operation) -> list[ir.Operation]:
    calls = []

    def visit(op):
        if op.name == "func.call" and _callee(op) != CLOCK:
            calls.append(op)
        return ir.WalkResult.ADVANCE

    for region in entry.regions:
        for block in region.blocks:
            for op in block.operations:
                op.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    return calls


def _check_clock(existing: ir.Operation) -> None:
    expected = ir.FunctionType.get([], [ir.F64Type.get()])
    if existing.name != "func.func" or \
            ir.TypeAttr(existing.attributes["function_type"]).value != expected:
        raise PassError(f"'@{CLOCK}' exists but is not a function of type {expected}", existing)


def _accumulate(index: int, elapsed: ir.Value, seconds_type, counts_type) -> None:
    """seconds[index] += elapsed; counts[index] += 1 (at the insertion point)."""
    i64 = ir.IntegerType.get_signless(64)
    at = arith.ConstantOp(ir.IndexType.get(), index).result
    seconds = memref.GetGlobalOp(seconds_type, SECONDS_GLOBAL).result
    total = memref.LoadOp(seconds, [at]).result
    memref.StoreOp(arith.AddFOp(total, elapsed).result, seconds, [at])
    counts = memref.GetGlobalOp(counts_type, COUNTS_GLOBAL).result
    count = memref.LoadOp(counts, [at]).result
    one = arith.ConstantOp(i64, 1).result
    memref.StoreOp(arith.AddIOp(count, one).result, counts, [at])


def _add_globals(seconds_type, counts_type) -> None:
    for name, type_, zero in ((SECONDS_GLOBAL, seconds_type, ir.FloatAttr.get_f64(0.0)),
                              (COUNTS_GLOBAL, counts_type,
                               ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 0))):
        memref.GlobalOp(name, ir.TypeAttr.get(type_), sym_visibility="private",
                        initial_value=ir.DenseElementsAttr.get_splat(
                            ir.RankedTensorType.get(type_.shape, type_.element_type), zero))


def _add_read_function(seconds_type, counts_type) -> None:
    fn = func.FuncOp(READ_FUNCTION, ir.FunctionType.get([seconds_type, counts_type], []))
    fn.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
    block = fn.add_entry_block()
    with ir.InsertionPoint(block):
        memref.CopyOp(memref.GetGlobalOp(seconds_type, SECONDS_GLOBAL).result, block.arguments[0])
        memref.CopyOp(memref.GetGlobalOp(counts_type, COUNTS_GLOBAL).result, block.arguments[1])
        func.ReturnOp([])


def _add_reset_function(seconds_type, counts_type, n: int) -> None:
    fn = func.FuncOp(RESET_FUNCTION, ir.FunctionType.get([], []))
    fn.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
    block = fn.add_entry_block()
    with ir.InsertionPoint(block):
        index = ir.IndexType.get()
        seconds = memref.GetGlobalOp(seconds_type, SECONDS_GLOBAL).result
        counts = memref.GetGlobalOp(counts_type, COUNTS_GLOBAL).result
        zero_f = arith.ConstantOp(ir.F64Type.get(), 0.0).result
        zero_i = arith.ConstantOp(ir.IntegerType.get_signless(64), 0).result
        loop = scf.ForOp(arith.ConstantOp(index, 0).result, arith.ConstantOp(index, n).result,
                         arith.ConstantOp(index, 1).result)
        with ir.InsertionPoint(loop.body):
            memref.StoreOp(zero_f, seconds, [loop.induction_variable])
            memref.StoreOp(zero_i, counts, [loop.induction_variable])
            scf.YieldOp([])
        func.ReturnOp([])


@register_pass("func-profile-calls", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Time each call of the entry function into per-callee globals, readable through @polytile_profile_read."""
    if root.name != "builtin.module":
        raise PassError("func-profile-calls runs on a module", root)
    symbols = _symbols(root)
    entry = symbols.get(options.entry)
    if entry is None or entry.name != "func.func" or not entry.regions[0].blocks:
        raise PassError(f"no function body named '{options.entry}' to profile", root)
    for name in (SECONDS_GLOBAL, COUNTS_GLOBAL, READ_FUNCTION, RESET_FUNCTION):
        if name in symbols:
            raise PassError(f"symbol '@{name}' already exists (is the module already profiled?)",
                            symbols[name])
    if CLOCK in symbols:
        _check_clock(symbols[CLOCK])

    calls = _calls_in(entry)
    callees: list[str] = []
    for call in calls:
        if _callee(call) not in callees:
            callees.append(_callee(call))
    n = len(callees)
    seconds_type = ir.MemRefType.get([n], ir.F64Type.get())
    counts_type = ir.MemRefType.get([n], ir.IntegerType.get_signless(64))
    f64 = ir.F64Type.get()

    module_block = root.regions[0].blocks[0]
    with ir.InsertionPoint.at_block_begin(module_block), root.location:
        if CLOCK not in symbols:
            clock = func.FuncOp(CLOCK, ir.FunctionType.get([], [f64]))
            clock.attributes["sym_visibility"] = ir.StringAttr.get("private")
        _add_globals(seconds_type, counts_type)
    with ir.InsertionPoint(module_block), root.location:
        _add_read_function(seconds_type, counts_type)
        _add_reset_function(seconds_type, counts_type, n)
    root.attributes[CALLEES_ATTR] = ir.ArrayAttr.get([ir.StringAttr.get(c) for c in callees])

    for call in calls:
        index = callees.index(_callee(call))
        with ir.InsertionPoint(call), call.location:
            start = func.CallOp([f64], CLOCK, []).result
            stop = func.CallOp([f64], CLOCK, [])
            _accumulate(index, arith.SubFOp(stop.result, start).result, seconds_type, counts_type)
        call.move_before(stop.operation)

"""Import rules for control flow: If, Loop and Scan.

Their subgraphs become regions of upstream ``scf`` ops holding tg ops, in the
graph function: ``If`` is an ``scf.if`` (or, when its condition is a
compile-time constant, just the nodes of the chosen branch), ``Loop`` an
``scf.for`` when its trip count is fixed (the trip count input, and a body
condition that is constant true) and an ``scf.while`` otherwise, ``Scan`` an
``scf.for`` over the scan axis. The rest of the pipeline sees the tg ops inside
the regions as any others (lowering, fusion of element-wise chains, schedules,
bufferization, threads).

A loop-carried value starts as a copy of its initial value
(``bufferization.alloc_tensor copy``: inputs and constants are read-only, and may
be read again after the loop) and is written back into that buffer each
iteration (``linalg.copy`` into the iteration argument), so loops bufferize in
place. (``materialize_in_destination`` would conflict with the other readers of
the new value, e.g. a scan output stacking it.)
Scan outputs of ``Scan`` and of ``Loop`` are stacked with ``tensor.insert_slice``
into a tensor made before the loop.

Not supported yet: a loop-carried value whose shape changes across iterations,
``Loop`` scan outputs when the loop can exit early (their length is then known
only at run time), ``Scan`` before opset 9 (its batch axis and
``sequence_lens``).

Sequences and optionals (compile-time values, ``containers.py``): an ``If`` whose
branches give sequences of the same length (optionals both empty or both full)
yields their tensors from the ``scf.if``; a ``Loop`` that carries one is unrolled
at compile time (its trip count and conditions compile-time constants, at most
``sequence.MAX_UNROLL`` iterations); else they are not supported yet.
"""
from __future__ import annotations

from typing import Optional, Sequence, Union

import numpy as np
from mlir import ir
from onnx import numpy_helper
from mlir.dialects import arith, bufferization, linalg, scf, tensor

from polytile.importers.onnx import containers
from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def _scalar(value: ir.Value) -> ir.Value:
    """The one element of a 0-d or [1] tensor."""
    t = ir.RankedTensorType(value.type)
    return tensor.ExtractOp(value, [_index(0)] * t.rank).result


def _as_value(ctx: NodeContext, value) -> ir.Value:
    return ctx.constant(value) if isinstance(value, np.ndarray) else value


def _type_of(value: ir.Value) -> ir.RankedTensorType:
    return ir.RankedTensorType(value.type)


def _join(a: ir.RankedTensorType, b: ir.RankedTensorType, what: str, ctx: NodeContext) -> ir.RankedTensorType:
    """The type both branches' values fit: dims that differ become dynamic."""
    if a.element_type != b.element_type or a.rank != b.rank:
        ctx.unsupported(f"{what}: the branches give {a} and {b}; branches of different "
                        f"element types or ranks are not supported")
    dims = [int(a.shape[k]) if not a.is_dynamic_dim(k) and not b.is_dynamic_dim(k) and
            a.shape[k] == b.shape[k] else ir.ShapedType.get_dynamic_size() for k in range(a.rank)]
    return ir.RankedTensorType.get(dims, a.element_type)


def _cast_to(value: ir.Value, t: ir.RankedTensorType) -> ir.Value:
    return value if value.type == t else tensor.CastOp(t, value).result


def _region_block(op: ir.Operation, index: int, arg_types: Sequence[ir.Type]) -> ir.Block:
    region = op.regions[index]
    return region.blocks.append(*arg_types, arg_locs=[ir.Location.unknown()] * len(arg_types)) \
        if arg_types else region.blocks.append()


# If ------------------------------------------------------------------------------

@rule("If", since=1)
def if_(ctx: NodeContext):
    """``If``: both branches imported into an ``scf.if``; a constant condition
    imports only the chosen branch, in place."""
    then_graph, else_graph = ctx.attr("then_branch"), ctx.attr("else_branch")
    importer = ctx.importer
    cond = ctx.const(0)
    if cond is not None:
        if cond.size != 1:
            ctx.unsupported(f"the condition must hold one element, not {cond.size}")
        return importer.import_subgraph(then_graph if bool(cond.reshape(-1)[0]) else else_graph, [], ctx.opset)
    condition = _scalar(ctx.input(0))
    # Build both branches in a placeholder, then the scf.if with the joined types.
    placeholder = ir.Operation.create("scf.if", results=[], operands=[condition], regions=2)
    branches, structures = [], []
    for index, graph in enumerate((then_graph, else_graph)):
        block = _region_block(placeholder, index, [])
        with ir.InsertionPoint(block), importer.region_scope():
            outs = importer.import_subgraph(graph, [], ctx.opset)
            if len(outs) != len(ctx.node.output):
                ctx.unsupported("the branches give different numbers of outputs")
            # sequences and optionals: one scf.if result per tensor they hold
            flat = [containers.flatten(v) for v in outs]
            outs = [_as_value(ctx, leaf) for _, leaves in flat for leaf in leaves]
        branches.append((block, outs))
        structures.append([structure for structure, _ in flat])
    (then_block, then_outs), (else_block, else_outs) = branches
    for k, (a, b) in enumerate(zip(*structures)):
        if not _same_structure(a, b):
            ctx.unsupported(f"output {k}: the branches give {_shown(a)} and {_shown(b)}; sequences "
                            f"whose length (or optionals whose presence) is known only at run time "
                            f"are not supported yet")
    if len(then_outs) != len(else_outs):
        ctx.unsupported("the branches give different numbers of outputs")
    types = [_join(_type_of(a), _type_of(b), f"output {k}", ctx)
             for k, (a, b) in enumerate(zip(then_outs, else_outs))]
    for block, outs in branches:
        with ir.InsertionPoint(block):
            scf.YieldOp([_cast_to(v, t) for v, t in zip(outs, types)])
    with ir.InsertionPoint(placeholder):
        op = ir.Operation.create("scf.if", results=types, operands=[condition], regions=2)
    then_block.append_to(op.regions[0])
    else_block.append_to(op.regions[1])
    placeholder.erase()
    results = list(op.results)
    return [containers.unflatten(structure, results) for structure in structures[0]]


def _same_structure(a, b) -> bool:
    """Whether two branch outputs (``containers.flatten`` structures) hold as many
    tensors in the same places (the element types are checked when joining)."""
    if a == "tensor" or b == "tensor":
        return a == b
    if a[0] != b[0]:
        return False
    if a[0] == "sequence":
        return a[1] == b[1]
    return (a[1] is None) == (b[1] is None) and (a[1] is None or _same_structure(a[1], b[1]))


def _shown(structure) -> str:
    if structure == "tensor":
        return "a tensor"
    if structure[0] == "sequence":
        return f"a sequence of {structure[1]}"
    return "an empty optional" if structure[1] is None else f"an optional holding {_shown(structure[1])}"


# Loops ---------------------------------------------------------------------------

def _carry(value: ir.Value, destination: ir.Value) -> ir.Value:
    """``value`` written into the loop-carried ``destination`` (in place)."""
    value = _cast_to(value, destination.type)
    return linalg.copy(value, outs=[destination])


def _writable_copy(value: ir.Value) -> ir.Value:
    """A fresh buffer holding ``value``: a loop writes its carried values in place,
    and the initial ones may be read-only (inputs, constants) or read again later."""
    return bufferization.AllocTensorOp(value.type, [], copy=value).result


def _check_carried(ctx: NodeContext, new: ir.Value, old: ir.Value, name: str) -> None:
    a, b = _type_of(new), _type_of(old)
    if a.element_type != b.element_type or a.rank != b.rank or any(
            not a.is_dynamic_dim(k) and not b.is_dynamic_dim(k) and a.shape[k] != b.shape[k]
            for k in range(a.rank)):
        ctx.unsupported(f"loop-carried value '{name}' changes from {b} to {a} across iterations; "
                        f"a changing shape is not supported yet")


def _stack(accumulator: ir.Value, piece: ir.Value, position: ir.Value, axis: int) -> ir.Value:
    """``piece`` inserted as slice ``position`` of ``accumulator`` along ``axis``."""
    acc_t, piece_t = _type_of(accumulator), _type_of(piece)
    offsets, sizes = [], []
    dynamic_offsets, dynamic_sizes = [], []
    piece_dims = list(range(piece_t.rank))
    k = 0
    for d in range(acc_t.rank):
        if d == axis:
            offsets.append(ir.ShapedType.get_dynamic_stride_or_offset())
            dynamic_offsets.append(position)
            sizes.append(1)
        else:
            offsets.append(0)
            dim = piece_dims[k]
            if piece_t.is_dynamic_dim(dim):
                sizes.append(ir.ShapedType.get_dynamic_size())
                dynamic_sizes.append(tensor.DimOp(piece, _index(dim)).result)
            else:
                sizes.append(int(piece_t.shape[dim]))
            k += 1
    return tensor.InsertSliceOp(piece, accumulator, dynamic_offsets, dynamic_sizes, [],
                                offsets, sizes, [1] * acc_t.rank).result


def _slice(source: ir.Value, position: ir.Value, axis: int) -> ir.Value:
    """Slice ``position`` of ``source`` along ``axis``, without that axis."""
    t = _type_of(source)
    offsets, sizes, dynamic_offsets, dynamic_sizes, result_dims = [], [], [], [], []
    for d in range(t.rank):
        if d == axis:
            offsets.append(ir.ShapedType.get_dynamic_stride_or_offset())
            dynamic_offsets.append(position)
            sizes.append(1)
            continue
        offsets.append(0)
        if t.is_dynamic_dim(d):
            sizes.append(ir.ShapedType.get_dynamic_size())
            dynamic_sizes.append(tensor.DimOp(source, _index(d)).result)
            result_dims.append(ir.ShapedType.get_dynamic_size())
        else:
            sizes.append(int(t.shape[d]))
            result_dims.append(int(t.shape[d]))
    result = ir.RankedTensorType.get(result_dims, t.element_type)
    return tensor.ExtractSliceOp(result, source, dynamic_offsets, dynamic_sizes, [],
                                 offsets, sizes, [1] * t.rank).result


def _empty_stack(piece_t: ir.RankedTensorType, count: ir.Value, count_static: Optional[int],
                 axis: int) -> ir.Value:
    """An empty tensor of ``count`` slices of (static) type ``piece_t`` stacked along ``axis``."""
    dims = [int(d) for d in piece_t.shape]
    dims.insert(axis, count_static if count_static is not None else count)
    return tensor.EmptyOp(dims, piece_t.element_type).result


def _i64_tensor(index: ir.Value) -> ir.Value:
    i64 = ir.IntegerType.get_signless(64)
    scalar = arith.IndexCastOp(i64, index).result
    return tensor.FromElementsOp(ir.RankedTensorType.get([], i64), [scalar]).result


def _bool_tensor(flag: ir.Value) -> ir.Value:
    return tensor.FromElementsOp(ir.RankedTensorType.get([], flag.type), [flag]).result


def _for_loop(ctx: NodeContext, trip_count: Union[int, ir.Value], inits: list[ir.Value], body_fn,
              stacks) -> list[ir.Value]:
    """An ``scf.for`` over [0, trip_count) (an int, or an index value known at run time)
    carrying ``inits`` and, after them, one stacked output per entry of ``stacks``
    ((axis, reverse) pairs). ``body_fn(iv, count, carried)`` imports the body: it returns
    (new carried values, pieces to stack). The body is imported before the loop op
    exists (the stacks' types come from it)."""
    static_count = trip_count if isinstance(trip_count, int) else None
    count = _index(trip_count) if static_count is not None else trip_count
    step, zero = _index(1), _index(0)
    placeholder = ir.Operation.create("scf.for", results=[], operands=[zero, count, step], regions=1)
    block = _region_block(placeholder, 0, [ir.IndexType.get()] + [v.type for v in inits])
    iv, carried = block.arguments[0], list(block.arguments)[1:]
    with ir.InsertionPoint(block), ctx.importer.region_scope():
        new_carried, pieces = body_fn(iv, count, carried)
    if len(pieces) != len(stacks):
        ctx.unsupported("the body gives a different number of scan outputs than expected")
    accumulators = []
    with ir.InsertionPoint(placeholder):
        for piece, (axis, _) in zip(pieces, stacks):
            piece_t = _type_of(piece)
            if any(piece_t.is_dynamic_dim(k) for k in range(piece_t.rank)):
                ctx.unsupported("a scan output with dynamic dims is not supported yet")
            accumulators.append(_empty_stack(piece_t, count, static_count, axis))
    stack_args = [block.add_argument(a.type, ir.Location.unknown()) for a in accumulators]
    with ir.InsertionPoint(block):
        yields = [_carry(v, dest) for v, dest in zip(new_carried, carried)]
        # a piece that is also carried is read back from its carried buffer
        carried_as = list(zip(new_carried, yields))
        if stacks:
            last = arith.SubIOp(count, _index(1)).result
            for piece, dest, (axis, reverse) in zip(pieces, stack_args, stacks):
                position = arith.SubIOp(last, iv).result if reverse else iv
                piece = next((y for v, y in carried_as if v == piece), piece)
                yields.append(_stack(dest, piece, position, axis))
        scf.YieldOp(yields)
    with ir.InsertionPoint(placeholder):
        inits = [_writable_copy(v) for v in inits]
        op = ir.Operation.create("scf.for", results=[v.type for v in inits + accumulators],
                                 operands=[zero, count, step] + inits + accumulators, regions=1)
    block.append_to(op.regions[0])
    placeholder.erase()
    return list(op.results)


@rule("Loop", since=1)
def loop(ctx: NodeContext):
    """``Loop``: an ``scf.for`` when the trip count is fixed (``M`` given and the
    condition constant true, in and out of the body), else an ``scf.while``
    testing ``iter < M and cond`` (no scan outputs then)."""
    body = ctx.attr("body")
    importer = ctx.importer
    n_carried = ctx.num_inputs - 2
    n_scan = len(body.output) - 1 - n_carried
    if n_scan < 0:
        ctx.unsupported("the body has fewer outputs than loop-carried values")
    if any(ctx.container(2 + k) is not None for k in range(n_carried)) or any(
            not out.type.HasField("tensor_type") for out in body.output[1:] if out.HasField("type")):
        return _unrolled_loop(ctx, body, n_carried, n_scan)
    inits = [ctx.input(2 + k) for k in range(n_carried)]
    trip = ctx.const(0)
    cond = ctx.const(1)
    cond_out_name = body.output[0].name
    fixed = trip is not None and (not ctx.has_input(1) or (cond is not None and bool(cond.reshape(-1)[0]))) \
        and _body_condition_is_true(body, cond_out_name)
    if trip is not None and trip.size != 1:
        ctx.unsupported("the trip count must hold one element")
    i1 = ir.IntegerType.get_signless(1)

    if fixed:
        def body_fn(iv, count, carried):
            outs = importer.import_subgraph(body, [_i64_tensor(iv), ctx.constant(np.array(True))] + carried,
                                            ctx.opset)
            outs = [_as_value(ctx, v) for v in outs]
            for k, (new, old) in enumerate(zip(outs[1:1 + n_carried], carried)):
                _check_carried(ctx, new, old, body.output[1 + k].name)
            return outs[1:1 + n_carried], outs[1 + n_carried:]

        return _for_loop(ctx, int(trip.reshape(-1)[0]), inits, body_fn, [(0, False)] * n_scan)

    if n_scan:
        ctx.unsupported("scan outputs of a Loop that can exit early (their length is known only "
                        "at run time) are not supported yet")
    i64 = ir.IntegerType.get_signless(64)
    start_iter = arith.ConstantOp(i64, 0).result
    limit = _scalar(ctx.input(0)) if ctx.has_input(0) else arith.ConstantOp(i64, (1 << 63) - 1).result
    start_cond = _scalar(ctx.input(1)) if ctx.has_input(1) else arith.ConstantOp(i1, 1).result
    carried_types = [v.type for v in inits]
    inits = [_writable_copy(v) for v in inits]
    # The tensors come first: bufferization pairs the condition's operands with the
    # before-block's arguments by position, and canonicalization drops the flag
    # from the condition's operands (it is known true in the body).
    types = carried_types + [i64, i1]
    n = len(carried_types)
    op = ir.Operation.create("scf.while", results=types, operands=inits + [start_iter, start_cond], regions=2)
    before = _region_block(op, 0, types)
    with ir.InsertionPoint(before):
        args = list(before.arguments)
        more = arith.AndIOp(arith.CmpIOp(arith.CmpIPredicate.slt, args[n], limit).result, args[n + 1]).result
        scf.ConditionOp(more, args)
    after = _region_block(op, 1, types)
    with ir.InsertionPoint(after), importer.region_scope():
        args = list(after.arguments)
        carried, iteration, flag = args[:n], args[n], args[n + 1]
        outs = importer.import_subgraph(body, [tensor.FromElementsOp(ir.RankedTensorType.get([], i64),
                                                                       [iteration]).result,
                                               _bool_tensor(flag)] + carried, ctx.opset)
        outs = [_as_value(ctx, v) for v in outs]
        for k, (new, old) in enumerate(zip(outs[1:], carried)):
            _check_carried(ctx, new, old, body.output[1 + k].name)
        next_iter = arith.AddIOp(iteration, arith.ConstantOp(i64, 1).result).result
        scf.YieldOp([_carry(v, d) for v, d in zip(outs[1:], carried)] + [next_iter, _scalar(outs[0])])
    return list(op.results)[:n]


def _unrolled_loop(ctx: NodeContext, body, n_carried: int, n_scan: int) -> list:
    """A Loop carrying sequences or optionals (compile-time values, containers.py):
    its body imported once per iteration, in place. The trip count, the initial
    condition and the condition the body computes must be compile-time constants,
    and the loop must end within ``sequence.MAX_UNROLL`` iterations."""
    from polytile.importers.onnx.rules.sequence import MAX_UNROLL, concat_items
    trip = ctx.const(0)
    if ctx.has_input(0) and trip is None:
        ctx.unsupported("a Loop carrying a sequence or optional needs a compile-time trip count "
                        "(M, input 0) (one known only at run time is not supported yet)")
    if trip is not None and trip.size != 1:
        ctx.unsupported("the trip count must hold one element")
    count = int(trip.reshape(-1)[0]) if trip is not None else None
    keep_going = True
    if ctx.has_input(1):
        cond = ctx.const(1)
        if cond is None:
            ctx.unsupported("a Loop carrying a sequence or optional needs a compile-time condition "
                            "(cond, input 1) (one known only at run time is not supported yet)")
        keep_going = bool(cond.reshape(-1)[0])
    carried = []
    for k in range(n_carried):
        held = ctx.container(2 + k)
        carried.append(held if held is not None else
                       (ctx.const(2 + k) if ctx.const(2 + k) is not None else ctx.input(2 + k)))
    scans: list[list] = [[] for _ in range(n_scan)]
    iteration = 0
    while keep_going and (count is None or iteration < count):
        if iteration >= MAX_UNROLL:
            ctx.unsupported(f"a Loop carrying a sequence or optional is unrolled at compile time, up "
                            f"to {MAX_UNROLL} iterations; this one runs more")
        outs = ctx.importer.import_subgraph(
            body, [np.array(iteration, np.int64), np.array(keep_going)] + carried, ctx.opset)
        if not isinstance(outs[0], np.ndarray):
            ctx.unsupported("a Loop carrying a sequence or optional needs a body condition known at "
                            "compile time (one known only at run time is not supported yet)")
        keep_going = bool(outs[0].reshape(-1)[0])
        carried = list(outs[1:1 + n_carried])
        for k, piece in enumerate(outs[1 + n_carried:]):
            if containers.is_container(piece):
                ctx.unsupported(f"scan output {k} is {containers.describe(piece)}; scan outputs "
                                f"must be tensors")
            scans[k].append(piece)
        iteration += 1
    stacked = []
    for k, pieces in enumerate(scans):
        if not pieces:
            ctx.unsupported(f"scan output {k} of a Loop that runs no iteration (its shape is "
                            f"unknown) is not supported yet")
        stacked.append(concat_items(ctx, pieces, 0, new_axis=True))
    return carried + stacked


def _body_condition_is_true(body, name: str) -> bool:
    """Whether the body's condition output is the constant true or the incoming
    condition passed through (so the loop runs exactly M times)."""
    cond_in = body.input[1].name if len(body.input) > 1 else None
    producers = {o: n for n in body.node for o in n.output}
    seen = set()
    while name not in seen:
        seen.add(name)
        if name == cond_in:
            return True
        node = producers.get(name)
        if node is None:
            return any(i.name == name and _is_true(numpy_helper.to_array(i)) for i in body.initializer)
        if node.op_type == "Identity":
            name = node.input[0]
            continue
        if node.op_type == "Constant":
            return any(a.name == "value" and _is_true(numpy_helper.to_array(a.t)) for a in node.attribute)
        return False
    return False


def _is_true(value: np.ndarray) -> bool:
    return value.size == 1 and bool(value.reshape(-1)[0])


@rule("Scan", since=9)
def scan(ctx: NodeContext):
    """``Scan`` (opset 9 on): an ``scf.for`` over the scan axis of the scan inputs,
    with every axis and direction attribute."""
    body = ctx.attr("body")
    n_inputs = int(ctx.attr("num_scan_inputs"))
    n_states = ctx.num_inputs - n_inputs
    n_outputs = len(body.output) - n_states
    in_axes = list(ctx.attr("scan_input_axes", [0] * n_inputs))
    in_dirs = list(ctx.attr("scan_input_directions", [0] * n_inputs))
    out_axes = list(ctx.attr("scan_output_axes", [0] * n_outputs))
    out_dirs = list(ctx.attr("scan_output_directions", [0] * n_outputs))
    states = [ctx.input(k) for k in range(n_states)]
    sources = [ctx.input(n_states + k) for k in range(n_inputs)]
    if not sources:
        ctx.unsupported("Scan without scan inputs")
    in_axes = [a + _type_of(s).rank if a < 0 else a for a, s in zip(in_axes, sources)]
    first_t = _type_of(sources[0])
    axis0 = in_axes[0]
    if first_t.is_dynamic_dim(axis0):
        trip_count = tensor.DimOp(sources[0], _index(axis0)).result
    else:
        trip_count = int(first_t.shape[axis0])
    for s, a in zip(sources[1:], in_axes[1:]):
        t = _type_of(s)
        if not t.is_dynamic_dim(a) and not first_t.is_dynamic_dim(axis0) and t.shape[a] != first_t.shape[axis0]:
            ctx.unsupported("the scan inputs have different lengths along their scan axes")

    def body_fn(iv, count, carried):
        last = arith.SubIOp(count, _index(1)).result
        slices = [_slice(s, arith.SubIOp(last, iv).result if d else iv, a)
                  for s, a, d in zip(sources, in_axes, in_dirs)]
        outs = [_as_value(ctx, v) for v in ctx.importer.import_subgraph(body, carried + slices, ctx.opset)]
        for k, (new, old) in enumerate(zip(outs[:n_states], carried)):
            _check_carried(ctx, new, old, body.output[k].name)
        return outs[:n_states], outs[n_states:]

    stacks = []
    for k in range(n_outputs):
        rank = len(body.output[n_states + k].type.tensor_type.shape.dim) + 1 \
            if body.output[n_states + k].type.tensor_type.HasField("shape") else None
        axis = out_axes[k]
        if axis < 0:
            if rank is None:
                ctx.unsupported("a negative scan_output_axes needs the body output's rank")
            axis += rank
        stacks.append((axis, bool(out_dirs[k])))
    return _for_loop(ctx, trip_count, states, body_fn, stacks)

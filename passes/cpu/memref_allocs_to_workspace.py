"""memref-allocs-to-workspace: turn the entry function's temporaries into a
workspace, so that a call of the compiled model does not malloc/free.

Runs on bufferized IR (after ``buffer-deallocation-pipeline`` and
``convert-bufferization-to-memref``). In the function ``entry``, every
``memref.alloc`` that

* sits directly in the function's (single) body block, not inside a loop or any
  other region (those may be per-iteration or per-thread buffers),
* has a static shape, the identity layout and the default memory space,
* is at least ``min-bytes`` large, and
* is used only in ways this pass understands: loads and stores (affine, memref,
  vector), ``memref.copy``, ``linalg`` ops, ``memref.dim`` and pointer
  extraction, ``memref.dealloc``, and views (subview, expand/collapse_shape,
  cast, reinterpret_cast, transpose, view, extract_strided_metadata) whose own
  uses are understood,

is replaced by storage in a private, uninitialized ``memref.global``; its
``memref.dealloc`` ops (of the buffer or of a view of it, anywhere in the
function, e.g. under the ``scf.if`` that ``convert-bufferization-to-memref``
makes of a ``bufferization.dealloc``) are erased, and an ``scf.if`` left empty
goes too. A buffer that escapes (returned, yielded, passed to a call, selected
between) is left as it is.

With ``reuse`` (default), all such buffers share one byte buffer
``@__polytile_workspace`` (``memref<Nxi8>``, aligned to the largest alignment
asked, at least 64): each buffer is a ``memref.view`` at an offset chosen so
that buffers whose live ranges in the straight-line body overlap never share
bytes (greedy by size). A live range runs from the first to the last top-level
op that reads or writes the buffer or a view of it (its contents are undefined
before the first). With ``reuse=false`` each
buffer gets a global of its own with its type and alignment. Either way the
module gets ``polytile.workspace_bytes`` (i64): the bytes of workspace made.

With ``argument`` (what the CPU pipeline uses) the shared byte buffer is not a
global but a new last argument of ``entry`` (``memref<Nxi8>``, the caller passes
``N`` bytes aligned to ``polytile.workspace_alignment``), and the module gets the
unit attribute ``polytile.workspace_argument``. Each call then works in the buffer
its caller gives it, so calls from several threads at once are safe as long as
each has its own workspace (``polytile.runtime.jit.JitFunction`` keeps a pool).
Without ``argument`` the compiled code is not reentrant: two calls running at the
same time share the global buffers and corrupt each other's results. ``argument``
requires ``reuse``. With ``reuse``, distinct SSA
buffers may share memory, so passes that reorder top-level loop nests assuming
distinct memrefs never alias must run before this one (in the CPU pipeline it
runs just before ``func-outline-loop-nests``). Does not yet: handle allocs with
dynamic sizes, allocs inside regions, functions with more than one block, or
non-entry functions.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from mlir import ir
from mlir.dialects import arith, memref

from polytile.pass_registry import PassError, option, register_pass
from polytile.resources import shaped_bytes

WORKSPACE_ATTR = "polytile.workspace_bytes"
WORKSPACE_ARGUMENT_ATTR = "polytile.workspace_argument"
WORKSPACE_ALIGNMENT_ATTR = "polytile.workspace_alignment"
WORKSPACE_SYMBOL = "__polytile_workspace"
MIN_ALIGNMENT = 64

# Ops that read or write a buffer (or query it) without keeping it.
ACCESS_OPS = frozenset({
    "affine.load", "affine.store", "affine.vector_load", "affine.vector_store", "affine.prefetch",
    "memref.load", "memref.store", "memref.copy", "memref.dim", "memref.prefetch",
    "memref.atomic_rmw", "memref.generic_atomic_rmw", "memref.extract_aligned_pointer_as_index",
    "vector.load", "vector.store", "vector.transfer_read", "vector.transfer_write",
    "vector.maskedload", "vector.maskedstore", "vector.gather", "vector.scatter",
})
# Of those, the ops whose operand 0 is the value stored: a buffer there is stored, not accessed.
VALUE_FIRST_OPS = frozenset({
    "affine.store", "affine.vector_store", "memref.store", "memref.atomic_rmw",
    "vector.store", "vector.transfer_write",
})
# Ops whose memref results alias their operand 0 (for extract_strided_metadata: result 0).
VIEW_OPS = frozenset({
    "memref.subview", "memref.expand_shape", "memref.collapse_shape", "memref.cast",
    "memref.reinterpret_cast", "memref.transpose", "memref.view",
    "memref.extract_strided_metadata", "memref.memory_space_cast",
})


@dataclasses.dataclass(frozen=True)
class Options:
    entry: str = option("polytile_entry", "The function whose temporaries become the workspace")
    min_bytes: int = option(0, "Leave allocations smaller than this many bytes as they are")
    reuse: bool = option(True, "Share bytes between buffers whose live ranges do not overlap")
    argument: bool = option(False, "Make the shared workspace a new last argument of the entry "
                                   "function instead of a global (reentrant code; needs reuse)")


@dataclasses.dataclass
class Buffer:
    """A top-level alloc that can move to the workspace."""

    alloc: ir.Operation
    type: ir.MemRefType
    nbytes: int
    alignment: int
    deallocs: list  # memref.dealloc ops of the buffer or of a view of it
    start: int  # index in the body block of the first top-level op that accesses it
    end: int  # index of the last one
    offset: int = 0


def _op(owner) -> ir.Operation:
    return owner.operation if hasattr(owner, "operation") else owner


def _static_bytes(t: ir.MemRefType) -> Optional[int]:
    """Bytes of a statically shaped, identity-layout, default-space memref; None otherwise."""
    if not t.has_static_shape or t.memory_space is not None:
        return None
    layout = t.layout
    if not isinstance(layout, ir.AffineMapAttr) or layout.value != ir.AffineMap.get_identity(t.rank):
        return None
    return shaped_bytes(t)


def _top_level(op: ir.Operation, body_op: ir.Operation) -> ir.Operation:
    while op.parent is not None and op.parent != body_op:
        op = op.parent
    return op


def _classify_uses(value: ir.Value, fn: ir.Operation, accesses: list, deallocs: list) -> bool:
    """Collect the ops accessing ``value`` (through views) and its deallocs;
    False if some use is not understood (the buffer may escape)."""
    for use in value.uses:
        user = _op(use.owner)
        name = user.name
        if name == "memref.dealloc":
            deallocs.append(user)
        elif name in ACCESS_OPS or name.startswith("linalg."):
            if name in VALUE_FIRST_OPS and use.operand_number == 0:
                return False
            accesses.append(user)
        elif name in VIEW_OPS and use.operand_number == 0:
            results = [user.results[0]] if name == "memref.extract_strided_metadata" else \
                [r for r in user.results if isinstance(r.type, ir.MemRefType)]
            for r in results:
                if not _classify_uses(r, fn, accesses, deallocs):
                    return False
        else:
            return False
    return True


def _candidates(fn: ir.Operation, min_bytes: int) -> list[Buffer]:
    body = fn.regions[0].blocks[0]
    position = {op.operation: i for i, op in enumerate(body.operations)}
    found = []
    for op in body.operations:
        op = op.operation
        if op.name != "memref.alloc" or len(op.operands) != 0:
            continue
        t = ir.MemRefType(op.results[0].type)
        nbytes = _static_bytes(t)
        if nbytes is None or nbytes < min_bytes:
            continue
        accesses: list = []
        deallocs: list = []
        if not _classify_uses(op.results[0], fn, accesses, deallocs):
            continue
        used_at = [position[_top_level(a, fn)] for a in accesses] or [position[op]]
        start, end = min(used_at), max(used_at)
        alignment = ir.IntegerAttr(op.attributes["alignment"]).value \
            if "alignment" in op.attributes else 0
        found.append(Buffer(op, t, nbytes, alignment, deallocs, start, end))
    return found


def _align(n: int, alignment: int) -> int:
    return (n + alignment - 1) // alignment * alignment


def _assign_offsets(buffers: list[Buffer], alignment: int) -> int:
    """Place buffers in one byte buffer, largest first, each at the lowest
    aligned offset that overlaps no placed buffer live at the same time.
    Returns the total size."""
    placed: list[Buffer] = []
    total = 0
    for b in sorted(buffers, key=lambda b: (-b.nbytes, b.start)):
        busy = sorted((p.offset, p.offset + p.nbytes) for p in placed
                      if p.start <= b.end and b.start <= p.end)
        offset = 0
        for lo, hi in busy:
            if offset + b.nbytes <= lo:
                break
            offset = max(offset, _align(hi, alignment))
        b.offset = offset
        placed.append(b)
        total = max(total, offset + b.nbytes)
    return _align(total, alignment)


def _unique_symbol(base: str, taken: set) -> str:
    name, n = base, 0
    while name in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name)
    return name


def _erase_dead_views(value: ir.Value) -> None:
    """Erase the view op defining ``value`` (and the views it stands on) once unused."""
    while not isinstance(value.owner, ir.Block):
        op = _op(value.owner)
        if op.name not in VIEW_OPS or any(True for r in op.results for _ in r.uses):
            return
        value = op.operands[0]
        op.erase()


def _erase_deallocs(buffer: Buffer) -> None:
    for dealloc in buffer.deallocs:
        parent = dealloc.parent
        freed = dealloc.operands[0]
        dealloc.erase()
        _erase_dead_views(freed)
        if parent is not None and parent.name == "scf.if" and not parent.results and all(
                len(block.operations) == 1 for region in parent.regions for block in region.blocks):
            parent.erase()


def _make_global(before: ir.Operation, name: str, t: ir.MemRefType,
                 alignment: int, loc: ir.Location) -> None:
    with ir.InsertionPoint(before), loc:
        memref.GlobalOp(name, ir.TypeAttr.get(t), sym_visibility="private",
                        initial_value=ir.UnitAttr.get(),
                        alignment=ir.IntegerAttr.get(ir.IntegerType.get_signless(64), alignment)
                        if alignment else None)


def _entry(root: ir.Operation, name: str) -> ir.Operation:
    for op in root.regions[0].blocks[0].operations:
        op = op.operation
        if op.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == name:
            return op
    raise PassError(f"no function '@{name}' in the module (set the pass option entry=<name>)", root)


@register_pass("memref-allocs-to-workspace", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Replace the entry function's top-level static allocs by a (shared) static workspace."""
    if options.min_bytes < 0:
        raise PassError(f"min-bytes must be >= 0, got {options.min_bytes}", root)
    if options.argument and not options.reuse:
        raise PassError("argument=true needs reuse=true (one workspace buffer to pass)", root)
    fn = _entry(root, options.entry)
    if options.argument and WORKSPACE_ARGUMENT_ATTR in root.attributes:
        raise PassError(f"'@{options.entry}' already takes a workspace argument", fn)
    if len(fn.regions[0].blocks) != 1:
        return  # external, or several blocks: not straight-line code
    buffers = _candidates(fn, options.min_bytes)
    if not buffers:
        return
    taken = {ir.StringAttr(op.operation.attributes["sym_name"]).value
             for op in root.regions[0].blocks[0].operations if "sym_name" in op.operation.attributes}
    if options.argument:
        total = _place_shared(fn, buffers, taken, as_argument=True)
        alignment = max([MIN_ALIGNMENT] + [b.alignment for b in buffers])
        root.attributes[WORKSPACE_ARGUMENT_ATTR] = ir.UnitAttr.get()
        root.attributes[WORKSPACE_ALIGNMENT_ATTR] = ir.IntegerAttr.get(
            ir.IntegerType.get_signless(64), alignment)
    elif options.reuse:
        total = _place_shared(fn, buffers, taken)
    else:
        total = _place_separate(fn, buffers, taken)
    for b in buffers:
        _erase_deallocs(b)
    i64 = ir.IntegerType.get_signless(64)
    if WORKSPACE_ATTR in root.attributes:
        total += ir.IntegerAttr(root.attributes[WORKSPACE_ATTR]).value
    root.attributes[WORKSPACE_ATTR] = ir.IntegerAttr.get(i64, total)


def _place_separate(fn, buffers, taken) -> int:
    for index, b in enumerate(buffers):
        name = _unique_symbol(f"{WORKSPACE_SYMBOL}_{index}", taken)
        _make_global(fn, name, b.type, b.alignment, b.alloc.location)
        with ir.InsertionPoint(b.alloc), b.alloc.location:
            replacement = memref.GetGlobalOp(b.type, name).result
        b.alloc.results[0].replace_all_uses_with(replacement)
        b.alloc.erase()
    return sum(b.nbytes for b in buffers)


def _append_argument(fn: ir.Operation, t: ir.Type) -> ir.Value:
    """Add a last argument of type ``t`` to ``fn`` (its type and its entry block)."""
    ftype = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
    fn.attributes["function_type"] = ir.TypeAttr.get(
        ir.FunctionType.get(list(ftype.inputs) + [t], list(ftype.results)))
    if "arg_attrs" in fn.attributes:
        attrs = list(ir.ArrayAttr(fn.attributes["arg_attrs"])) + [ir.DictAttr.get({})]
        fn.attributes["arg_attrs"] = ir.ArrayAttr.get(attrs)
    return fn.regions[0].blocks[0].add_argument(t, fn.location)


def _place_shared(fn, buffers, taken, as_argument: bool = False) -> int:
    alignment = max([MIN_ALIGNMENT] + [b.alignment for b in buffers])
    total = max(_assign_offsets(buffers, alignment), alignment)
    storage = ir.MemRefType.get([total], ir.IntegerType.get_signless(8))
    if as_argument:
        workspace = _append_argument(fn, storage)
    else:
        name = _unique_symbol(WORKSPACE_SYMBOL, taken)
        _make_global(fn, name, storage, alignment, fn.location)
        body = fn.regions[0].blocks[0]
        with ir.InsertionPoint.at_block_begin(body), fn.location:
            workspace = memref.GetGlobalOp(storage, name).result
    for b in buffers:
        with ir.InsertionPoint(b.alloc), b.alloc.location:
            offset = arith.ConstantOp(ir.IndexType.get(), b.offset).result
            view = memref.ViewOp(b.type, workspace, offset, []).result
        b.alloc.results[0].replace_all_uses_with(view)
        b.alloc.erase()
    return total

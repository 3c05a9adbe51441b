"""affine-promote-reductions: keep a loop's reduction accumulator in a register
(``iter_args``) instead of memory, and let its float sum or product be reassociated.

``convert-linalg-to-affine-loops`` lowers a reduction such as a softmax's row max and
row sum, a layer norm's mean and variance or a ReduceSum over the last axis to an
innermost loop that loads the accumulator ``acc[i]``, combines it with an element and
stores it back, every iteration. LLVM cannot keep ``acc[i]`` in a register (the other
accesses of the loop might alias it) and, for floats, may not reorder the additions: the
loop runs one scalar element per iteration, a store-to-load chain long. This pass
rewrites such a loop so that the accumulator is loaded once before it, carried in
``iter_args`` and stored once after it, and marks a float ``arith.addf`` / ``arith.mulf``
that combines the carried value with the element ``fastmath<reassoc>``: LLVM's loop
vectorizer then sums into several vector accumulators (a reassociated sum, the order
depends on the vector width but not on the thread count). ``arith.maximumf`` /
``minimumf`` (softmax's max) vectorize without any flag; integer reductions need none.

Promoted: an innermost ``affine.for`` without results whose body holds only ``arith``,
``math``, ``index`` ops and ``affine.load`` / ``affine.store`` / ``affine.apply``, and for
each memref stored to at indices invariant in the loop: exactly one load of the same
element before exactly one store of it, and no other access of that memref in the loop.
Assumes that distinct memref values of one loop do not overlap (true of loops lowered from
linalg ops on bufferized tensors: an op's outputs overlap neither its inputs nor each
other). Does not yet: promote loops holding nested regions or vector ops (the sched
dialect's vector kernels keep their own accumulators), or reassociate other combiners
(``maxnumf`` would need ``nnan``).
"""
from __future__ import annotations

from typing import Optional

from mlir import ir
from mlir.dialects import affine

from polytile.pass_registry import register_pass
from polytile.passes.common.walk import ops_in

_ALLOWED_PREFIXES = ("arith.", "math.", "index.")
_ALLOWED_OPS = ("affine.load", "affine.store", "affine.apply", "affine.yield")
_REASSOCIABLE = ("arith.addf", "arith.mulf")


def _defined_in(value: ir.Value, block: ir.Block) -> bool:
    """Whether ``value`` is an argument of ``block`` or a result of an op directly in it."""
    if isinstance(value, ir.BlockArgument) or str(value).startswith("<block argument>"):
        return ir.BlockArgument(value).owner == block
    return ir.OpResult(value).owner.operation.block == block


def _access(op: ir.Operation) -> tuple:
    """(memref, map text, index operands) of an affine.load/affine.store."""
    first = 1 if op.name == "affine.store" else 0
    return op.operands[first], str(op.attributes["map"]), list(op.operands[first + 1:])


def _same_access(a: ir.Operation, b: ir.Operation) -> bool:
    ma, ta, ia = _access(a)
    mb, tb, ib = _access(b)
    return ma == mb and ta == tb and len(ia) == len(ib) and all(x == y for x, y in zip(ia, ib))


def _reductions(loop: ir.Operation) -> Optional[list[tuple[ir.Operation, ir.Operation]]]:
    """The (load, store) pairs of the accumulators of ``loop``, or None when it cannot be
    promoted (see the module doc)."""
    if loop.results:
        return None
    block = loop.regions[0].blocks[0]
    ops = [o.operation for o in block.operations]
    for op in ops:
        if op.regions and len(op.regions):
            return None
        if not (op.name.startswith(_ALLOWED_PREFIXES) or op.name in _ALLOWED_OPS):
            return None
    pairs = []
    stores = [op for op in ops if op.name == "affine.store"]
    for store in stores:
        memref, _, indices = _access(store)
        if any(_defined_in(i, block) for i in indices):
            continue
        accesses = [op for op in ops if op.name in ("affine.load", "affine.store") and _access(op)[0] == memref]
        loads = [op for op in accesses if op.name == "affine.load"]
        if len(accesses) != 2 or len(loads) != 1 or not _same_access(loads[0], store):
            continue
        if ops.index(loads[0]) > ops.index(store):
            continue
        pairs.append((loads[0], store))
    return pairs or None


def _add_reassoc(op: ir.Operation) -> None:
    flags = []
    if "fastmath" in op.attributes:
        text = str(op.attributes["fastmath"])  # #arith.fastmath<contract> / <none>
        flags = [f.strip() for f in text[text.index("<") + 1:text.rindex(">")].split(",")]
        flags = [f for f in flags if f and f != "none"]
    if "reassoc" in flags or "fast" in flags:
        return
    op.attributes["fastmath"] = ir.Attribute.parse(f"#arith.fastmath<{','.join(flags + ['reassoc'])}>")


def promote(loop: ir.Operation) -> bool:
    """Rewrite ``loop`` with its accumulators in ``iter_args`` (True) or leave it (False)."""
    pairs = _reductions(loop)
    if pairs is None:
        return False
    lower = ir.AffineMapAttr(loop.attributes["lowerBoundMap"]).value
    upper = ir.AffineMapAttr(loop.attributes["upperBoundMap"]).value
    step = ir.IntegerAttr(loop.attributes["step"]).value
    operands = list(loop.operands)
    lower_operands, upper_operands = operands[:lower.n_inputs], operands[lower.n_inputs:]
    with ir.InsertionPoint(loop), loop.location:
        inits = []
        for load, _ in pairs:
            memref, _, indices = _access(load)
            inits.append(affine.AffineLoadOp(load.results[0].type, memref, indices,
                                             map=load.attributes["map"]).result)
        new = affine.AffineForOp(lower, upper, step, iter_args=inits, lower_bound_operands=lower_operands,
                                 upper_bound_operands=upper_operands)
    old_block = loop.regions[0].blocks[0]
    new_block = new.body
    for existing in list(new_block.operations):
        existing.operation.erase()
    old_block.arguments[0].replace_all_uses_with(new.induction_variable)
    old_yield = None
    for inner in list(old_block.operations):
        if inner.operation.name == "affine.yield":
            old_yield = inner.operation
            continue
        new_block.append(inner.operation)
    carried = list(new.inner_iter_args)
    yielded = []
    for (load, store), acc in zip(pairs, carried):
        value = store.operands[0]
        load.results[0].replace_all_uses_with(acc)
        producer = None if isinstance(value, ir.BlockArgument) else ir.OpResult(value).owner
        if producer is not None and producer.name in _REASSOCIABLE and \
                any(operand == acc for operand in producer.operands):
            _add_reassoc(producer)
        yielded.append(value)
    with ir.InsertionPoint(new_block), loop.location:
        affine.AffineYieldOp(yielded)
    # the final values go back to memory right after the new loop (before the old one, erased last)
    for (load, store), result in zip(pairs, new.results):
        memref, _, indices = _access(store)
        with ir.InsertionPoint(loop), loop.location:
            affine.AffineStoreOp(result, memref, indices, map=store.attributes["map"])
        store.erase()
        load.erase()
    if old_yield is not None:
        old_yield.erase()
    loop.erase()
    return True


@register_pass("affine-promote-reductions")
def run(root: ir.Operation, options) -> None:
    """Carry the loop-invariant accumulators of innermost affine.for loops in iter_args
    (float sums and products reassociable), so that LLVM vectorizes the reductions."""
    for loop in ops_in(root, "affine.for"):
        if loop.name == "affine.for" and not any(o.name in ("affine.for", "affine.parallel", "scf.for")
                                                 for o in ops_in(loop)):
            promote(loop)

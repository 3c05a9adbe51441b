"""tg-fuse-kernels: group the tg ops of each graph function into kernels and
outline every group into a private kernel function (DNNFusion-style).

Each group becomes ``func.func private @<op names joined by _>_<n>`` with the
unit attribute ``tg.anchor`` on one op and ``tg.kernel = "<kind>"`` on the
function; a ``func.call`` takes the group's place in the graph function (at the
position of the group's last op). Groups, in the order they are formed:

1. ``contraction`` (anchor ``tg.conv``/``tg.matmul``/``tg.gemm``/``tg.einsum``, ...): the anchor
   absorbs its epilogue, the element-wise ops that follow it with the anchor's
   result shape (bias add, residual add, relu, a GELU subgraph, ...). The other
   operands of those ops may be any value (they broadcast) and become kernel
   arguments.
2. ``reduction`` (softmax, normalizations, reduce_*, arg_max/min, pools, ...):
   the anchor absorbs the element-wise producers of its first operand that have
   that operand's shape, then an epilogue as above with its first result's shape.
3. ``elementwise``: the remaining element-wise ops form maximal groups of one
   result shape; the anchor is the last op.
4. ``opaque``: the other tg ops (layout, gather, concat, ...) are one-op kernels.

Free ops (``tg.constant`` and the reshape-like ops of ``FREE``) stay in the
graph function. Each tg op's class is declared with its type rule in
``dialects/tg_rules/`` (see ``dialects/op_table.py``). An intermediate value may have several uses as long as all of
them are inside the kernel (so ``x * 0.5 * (1 + erf(x / sqrt 2))`` fuses whole);
a value also used outside stops the growth before its user. A kernel returns
its last op's results, then, for a multi-result reduction anchor with an
epilogue (e.g. layer_normalization's mean), the anchor's other results that are
used outside. Operands defined outside become kernel arguments in first-use order,
except splat ``tg.constant`` values, which are cloned into the kernel (they are
tiny and let the lowering fold them) unless they are operands of a contraction
anchor; other constants are passed as arguments
and never copied. Functions that already have ``tg.kernel`` are skipped, so
the pass is idempotent. Option ``max-ops`` caps the ops per kernel.

Does not yet: fuse producers of a contraction (prologue), fuse across different
result shapes (e.g. a broadcast producer into its consumer), give a kernel
several unrelated outputs (sibling fusion), look inside nested regions, or use a
cost model (every legal fusion is taken).
"""
from __future__ import annotations

import dataclasses
import heapq
from typing import Optional

from mlir import ir
from mlir.dialects import func

from polytile.pass_registry import PassError, option, register_pass

from polytile.dialects import op_table
from polytile.passes.common.kernels import ANCHOR_ATTR, KERNEL_KIND_ATTR

# ----------------------------------------------------------------------------
# The op classification: each tg op's kernel class is declared with its type
# rule (dialects/tg_rules/, read through dialects/op_table.py). Ops of other
# dialects stay put.
# ----------------------------------------------------------------------------

#: Anchors of "contraction" kernels (their loops are the kernel's iteration space).
CONTRACTION = op_table.ops_of_class("contraction")
#: Anchors of "reduction" kernels.
REDUCTION = op_table.ops_of_class("reduction")
#: Element-wise ops.
ELEMENTWISE = op_table.ops_of_class("elementwise")
#: Ops that stay in the graph function: constants and ops that only reinterpret
#: their input (free, or folded by later passes).
FREE = op_table.ops_of_class("free")
#: Ops that are kernels of their own (data movement: transpose, concat, gather, ...).
OPAQUE = op_table.ops_of_class("opaque")


def classify(op_name: str) -> Optional[str]:
    """The family of an op name: contraction, reduction, elementwise, free or
    opaque for tg ops; None for ops of other dialects."""
    return op_table.kernel_class(op_name)


@dataclasses.dataclass(frozen=True)
class Options:
    max_ops: int = option(0, "Most tg ops in one kernel (0: unlimited)")


# ----------------------------------------------------------------------------
# The graph of one function body: ops by position, users by position.
# ----------------------------------------------------------------------------

class _Graph:
    """The top-level ops of a function body, numbered in block order, with
    producers and users by position, built once before any rewriting: the
    bindings' ``ir.Operation`` hash changes whenever the op changes (operands,
    attributes), so ops are never used as dict keys here."""

    def __init__(self, block: ir.Block):
        self.ops = [op.operation for op in block.operations]
        self.family = [classify(op.name) for op in self.ops]
        position = {}
        for i, op in enumerate(self.ops):
            for result in op.results:
                position[result] = i
        #: per op, the position of each operand's producer (None: not an op of the block)
        self.producers = [[position.get(v) for v in op.operands] for op in self.ops]
        users: dict[ir.Value, set[int]] = {}
        for i, op in enumerate(self.ops):
            for nested in _ops_under(op):
                for value in nested.operands:
                    users.setdefault(value, set()).add(i)
        #: per op, per result, the positions of the ops using it
        self.users = [[frozenset(users.get(r, ())) for r in op.results] for op in self.ops]

    def shape(self, i: int, result: int = 0) -> Optional[tuple]:
        results = self.ops[i].results
        if len(results) <= result:
            return None
        return _shape(results[result].type)


def _ops_under(op: ir.Operation) -> list[ir.Operation]:
    """``op`` and the ops nested in its regions."""
    if len(op.regions) == 0:
        return [op]
    found: list[ir.Operation] = []

    def visit(nested: ir.Operation) -> ir.WalkResult:
        found.append(nested.operation)
        return ir.WalkResult.ADVANCE

    op.walk(visit)  # the walk includes ``op`` itself
    return found


def _shape(t: ir.Type) -> Optional[tuple]:
    if not isinstance(t, ir.RankedTensorType):
        return None
    return tuple(ir.RankedTensorType(t).shape)


@dataclasses.dataclass
class _Group:
    kind: str
    anchor: int
    members: list[int]  # positions, increasing


# ----------------------------------------------------------------------------
# Grouping
# ----------------------------------------------------------------------------

class _Grouper:
    def __init__(self, graph: _Graph, max_ops: int):
        self.graph = graph
        self.max_ops = max_ops
        self.taken: set[int] = set()

    def full(self, members) -> bool:
        return self.max_ops > 0 and len(members) >= self.max_ops

    def fusible(self, i: int, shape: Optional[tuple]) -> bool:
        """Whether op ``i`` may join a group of result shape ``shape``."""
        g = self.graph
        return (i not in self.taken and g.family[i] == "elementwise"
                and len(g.ops[i].results) == 1 and shape is not None
                and g.shape(i) == shape and len(g.ops[i].regions) == 0)

    def groups(self) -> list[_Group]:
        g = self.graph
        found: list[_Group] = []
        for i, family in enumerate(g.family):
            if family == "contraction" and i not in self.taken:
                found.append(self.grow(i, "contraction", []))
        for i, family in enumerate(g.family):
            if family == "reduction" and i not in self.taken:
                found.append(self.grow(i, "reduction", self.prologue(i)))
        for i, family in enumerate(g.family):
            if family == "elementwise" and i not in self.taken:
                found.append(self.grow(i, "elementwise", []))
        for i, family in enumerate(g.family):
            if family == "opaque" and i not in self.taken:
                found.append(self.grow(i, "opaque", []))
        found.sort(key=lambda group: group.members[-1])
        return found

    def prologue(self, anchor: int) -> list[int]:
        """Element-wise producers of the anchor's first operand (transitively)
        whose results are used only inside the group, visited latest first so
        that every user of a candidate is decided before it."""
        g = self.graph
        operands = g.ops[anchor].operands
        if len(operands) == 0:
            return []
        shape = _shape(operands[0].type)
        members = {anchor}
        heap: list[int] = []

        def push_producers(i: int) -> None:
            for p in g.producers[i]:
                if p is not None and p not in members and -p not in heap:
                    heapq.heappush(heap, -p)

        push_producers(anchor)
        while heap and not self.full(members):
            p = -heapq.heappop(heap)
            if self.fusible(p, shape) and g.users[p][0] <= members:
                members.add(p)
                push_producers(p)
        return sorted(members - {anchor})

    def grow(self, anchor: int, kind: str, prologue: list[int]) -> _Group:
        """Add the epilogue of ``anchor``: repeatedly the earliest op outside the
        group that uses a value of the group; keep the largest group that is
        closed (only its last op's results, and the anchor's extra results,
        are used outside, and only after the group)."""
        g = self.graph
        members = prologue + [anchor]
        best = list(members)
        if kind != "opaque" and g.users[anchor]:
            shape = g.shape(anchor)
            # Users of the results that must not escape the group, but the last op's.
            tracked = [g.users[anchor][0]]
            extras = g.users[anchor][1:]  # users of the anchor's other results
            inside = set(members)
            while not self.full(members):
                outside = sorted(set().union(*tracked) - inside)
                if not outside or not self.fusible(outside[0], shape):
                    break
                u = outside[0]
                members.append(u)
                inside.add(u)
                tracked.append(g.users[u][0])
                if self._closed(tracked, extras, inside, u):
                    best = list(members)
        self.taken.update(best)
        if kind == "elementwise":
            anchor = best[-1]
        return _Group(kind, anchor, best)

    @staticmethod
    def _closed(tracked, extras, inside: set[int], last: int) -> bool:
        if any(not users <= inside for users in tracked[:-1]):
            return False
        return all(u in inside or u > last for users in extras for u in users)


# ----------------------------------------------------------------------------
# Outlining
# ----------------------------------------------------------------------------

def _is_splat_constant(op: ir.Operation) -> bool:
    if op.name != "tg.constant" or "value" not in op.attributes:
        return False
    value = op.attributes["value"]
    return isinstance(value.maybe_downcast(), ir.DenseElementsAttr) and \
        ir.DenseElementsAttr(value).is_splat


class _Outliner:
    def __init__(self, module: ir.Operation):
        self.module = module
        self.symbols = {ir.StringAttr(op.operation.attributes["sym_name"]).value
                        for op in module.regions[0].blocks[0].operations
                        if "sym_name" in op.operation.attributes}
        self.counter = 0

    def name(self, ops: list[ir.Operation]) -> str:
        stem = "_".join(op.name[3:] for op in ops)
        while f"{stem}_{self.counter}" in self.symbols:
            self.counter += 1
        name = f"{stem}_{self.counter}"
        self.counter += 1
        self.symbols.add(name)
        return name

    def outline(self, graph: _Graph, group: _Group, fn: ir.Operation) -> list[int]:
        """Move the group into a new kernel function before ``fn`` and call it
        where the group's last op was. Returns the positions of the splat
        constants cloned into the kernel."""
        ops = [graph.ops[i] for i in group.members]
        inside = set(group.members)
        anchor = graph.ops[group.anchor]
        args: list[ir.Value] = []
        constants: list[tuple[ir.Value, int]] = []
        for i, op in zip(group.members, ops):
            for value, p in zip(op.operands, graph.producers[i]):
                if p in inside or any(value == v for v in args) \
                        or any(value == v for v, _ in constants):
                    continue
                # A splat feeding a contraction anchor (e.g. the weights of onnx's
                # "light" models) stays an argument: folded into the contraction's
                # body, it would make element-wise fusion rebuild the anchor, which
                # drops the anchor's schedule.
                weight = i == group.anchor and op.name.removeprefix("tg.") in CONTRACTION
                if p is not None and _is_splat_constant(graph.ops[p]) and not weight:
                    constants.append((value, p))
                else:
                    args.append(value)
        # The last op's results first, then the values used outside (multi-result anchors).
        outputs = list(ops[-1].results) + [
            r for i, op in zip(group.members[:-1], ops) for r, users in zip(op.results, graph.users[i])
            if not users <= inside]
        name = self.name(ops)
        location = anchor.location
        with ir.InsertionPoint(fn), location:
            kernel = func.FuncOp(name, ir.FunctionType.get([v.type for v in args],
                                                           [r.type for r in outputs]))
        kernel.attributes["sym_visibility"] = ir.StringAttr.get("private")
        kernel.attributes[KERNEL_KIND_ATTR] = ir.StringAttr.get(group.kind)
        block = kernel.add_entry_block()
        with ir.InsertionPoint(ops[-1]), location:
            call = func.CallOp([r.type for r in outputs], ir.FlatSymbolRefAttr.get(name), args)
        # Uses outside the group read the call's results; uses inside keep the value.
        for value, result in zip(outputs, call.results):
            value.replace_all_uses_with(result)
            for op in ops:
                op.replace_uses_of_with(result, value)
        with ir.InsertionPoint(block), location:
            ret = func.ReturnOp(outputs)
        replacements = list(zip(args, block.arguments))
        for value, p in constants:
            clone = graph.ops[p].clone(ir.InsertionPoint(ret))
            replacements.append((value, clone.results[0]))
        for op in ops:
            op.move_before(ret)
            for outer, inner in replacements:
                if any(operand == outer for operand in op.operands):
                    op.replace_uses_of_with(outer, inner)
        anchor.attributes[ANCHOR_ATTR] = ir.UnitAttr.get()
        return [p for _, p in constants]


def _graph_functions(module: ir.Operation) -> list[ir.Operation]:
    return [op.operation for op in module.regions[0].blocks[0].operations
            if op.operation.name == "func.func" and KERNEL_KIND_ATTR not in op.operation.attributes
            and len(op.operation.regions[0].blocks) == 1]


@register_pass("tg-fuse-kernels", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Group tg ops into contraction/reduction/elementwise/opaque kernels and outline them into private functions."""
    if options.max_ops < 0:
        raise PassError(f"max-ops must be >= 0, got {options.max_ops}", root)
    if root.name != "builtin.module":
        raise PassError("tg-fuse-kernels runs on a module (it adds kernel functions)", root)
    outliner = _Outliner(root)
    for fn in _graph_functions(root):
        graph = _Graph(fn.regions[0].blocks[0])
        cloned: set[int] = set()
        for group in _Grouper(graph, options.max_ops).groups():
            cloned.update(outliner.outline(graph, group, fn))
        for p in sorted(cloned):  # constants now used only through their clones
            if all(next(iter(r.uses), None) is None for r in graph.ops[p].results):
                graph.ops[p].erase()

"""Extraction of static control parts (SCoPs) from affine MLIR into isl.

A SCoP here is a maximal run of consecutive ``affine.for`` ops in a block (in
practice a function body). Inside it every loop must be an ``affine.for``
without ``iter_args``, every memory access an ``affine.load``/``affine.store``,
and every other op side-effect free (``arith``, ``math``, ``affine.apply``).

A *statement* is one ``affine.store`` together with the ops of its block that
compute its value and indices (its backward slice); a load or pure op used by
several stores is part of each of them. The statement's instances are the
points of the iteration domain of its enclosing loops. Everything is read from
the IR through the bindings: loop bounds and access maps are ``AffineMap``
results, turned into isl text.

Assumptions (as upstream affine analyses make them): distinct memref SSA values
do not alias. Not supported yet (the nest is reported and left alone):
``affine.if``, ``iter_args``/reductions through ``affine.yield``,
``affine.parallel``, ``memref.load/store``, calls, a value computed at one loop
level and used in a deeper one, a step other than 1 with a multi-result lower
bound, and loads separated from their store by a store to the same memref.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import islpy as isl
from mlir import ir

PURE_PREFIXES = ("arith.", "math.")
PURE_OPS = ("affine.apply", "index.casts", "index.castu")


class NotAffine(Exception):
    """A loop nest that is not a static control part; ``op`` is where it shows."""

    def __init__(self, reason: str, op: Optional[ir.Operation] = None):
        super().__init__(reason)
        self.op = op


@dataclasses.dataclass
class Access:
    op: ir.Operation  # the affine.load / affine.store
    array: str  # isl tuple name of the memref
    relation: isl.Map  # statement instance -> array element


@dataclasses.dataclass
class Statement:
    name: str  # isl tuple name, "S<k>"
    ops: list  # the store and its slice, in block order
    ivs: list  # enclosing induction variables (ir.Value), outermost first
    domain: isl.Set
    reads: list
    writes: list
    position: tuple  # textual position: (top index, child index at depth 1, ...)
    top: int  # index of the top-level nest the statement belongs to


@dataclasses.dataclass
class Scop:
    """One static control part and its isl model."""

    loops: list  # the top-level affine.for ops, in order
    statements: list
    params: list  # ir.Value of each isl parameter p<k>
    arrays: dict  # isl array name -> memref ir.Value
    ctx: isl.Context
    domain: isl.UnionSet = None
    reads: isl.UnionMap = None
    writes: isl.UnionMap = None
    schedule: isl.UnionMap = None  # the original (textual) order

    def statement(self, name: str) -> Statement:
        return next(s for s in self.statements if s.name == name)


def _index_of(values: list, value) -> int:
    for i, v in enumerate(values):
        if v == value:
            return i
    return -1


def _owner_op(value: ir.Value) -> Optional[ir.Operation]:
    owner = value.owner
    if isinstance(owner, ir.Block):
        return None
    return owner.operation if hasattr(owner, "operation") else owner


def _inside(op: Optional[ir.Operation], roots: list) -> bool:
    while op is not None:
        if any(op == r for r in roots):
            return True
        op = op.parent
    return False


def _block_arg_inside(value: ir.Value, roots: list) -> bool:
    owner = value.owner
    if not isinstance(owner, ir.Block):
        return False
    return _inside(owner.owner, roots)


class _Builder:
    """Walks one SCoP and builds its statements and isl sets/maps as text."""

    def __init__(self, loops: list, ctx: isl.Context):
        self.loops = loops
        self.ctx = ctx
        self.params: list = []
        self.arrays: dict = {}
        self.statements: list = []
        self.max_depth = 0

    # -- names ---------------------------------------------------------------
    def param(self, value: ir.Value) -> str:
        i = _index_of(self.params, value)
        if i < 0:
            self.params.append(value)
            i = len(self.params) - 1
        return f"p{i}"

    def array(self, memref: ir.Value, op: ir.Operation) -> str:
        for name, v in self.arrays.items():
            if v == memref:
                return name
        if _inside(_owner_op(memref), self.loops) or _block_arg_inside(memref, self.loops):
            raise NotAffine("memref defined inside the loop nest", op)
        owner = memref.owner
        if isinstance(owner, ir.Block) and owner.owner.operation.name == "func.func":
            name = f"arg{ir.BlockArgument(memref).arg_number}"
        else:
            name = f"mem{len(self.arrays)}"
        self.arrays[name] = memref
        return name

    def operand(self, value: ir.Value, ivs: list, op: ir.Operation) -> str:
        """isl text of an index-typed value used in an affine map."""
        i = _index_of(ivs, value)
        if i >= 0:
            return f"i{i}"
        owner = _owner_op(value)
        if owner is not None and _inside(owner, self.loops):
            if owner.name == "affine.apply":
                amap = ir.AffineMapAttr(owner.attributes["map"]).value
                return "(" + self.expr(amap.results[0], amap, list(owner.operands), ivs, owner) + ")"
            if owner.name == "arith.constant":
                return str(ir.IntegerAttr(owner.attributes["value"]).value)
            raise NotAffine(f"index computed by '{owner.name}' is not affine", op)
        if _block_arg_inside(value, self.loops):
            raise NotAffine("index is a block argument that is not a loop counter", op)
        if owner is not None and owner.name == "arith.constant":
            return str(ir.IntegerAttr(owner.attributes["value"]).value)
        return self.param(value)

    def expr(self, e, amap, operands: list, ivs: list, op) -> str:
        ndims = amap.n_dims
        if type(e) is ir.AffineExpr:
            e = e.maybe_downcast()
        if isinstance(e, ir.AffineDimExpr):
            return self.operand(operands[e.position], ivs, op)
        if isinstance(e, ir.AffineSymbolExpr):
            return self.operand(operands[ndims + e.position], ivs, op)
        if isinstance(e, ir.AffineConstantExpr):
            return str(e.value)
        for cls, fmt in ((ir.AffineAddExpr, "({} + {})"), (ir.AffineMulExpr, "({} * {})"),
                         (ir.AffineModExpr, "(({}) mod {})"),
                         (ir.AffineFloorDivExpr, "floor(({})/{})"),
                         (ir.AffineCeilDivExpr, "ceil(({})/{})")):
            if isinstance(e, cls):
                b = e
                return fmt.format(self.expr(b.lhs, amap, operands, ivs, op),
                                  self.expr(b.rhs, amap, operands, ivs, op))
        raise NotAffine(f"unsupported affine expression {e}", op)

    def map_results(self, attr_name: str, op, operands: list, ivs: list) -> list:
        amap = ir.AffineMapAttr(op.attributes[attr_name]).value
        return [self.expr(e, amap, operands, ivs, op) for e in amap.results]

    # -- walking ---------------------------------------------------------------
    def walk_loop(self, loop, ivs: list, constraints: list, position: tuple, top: int):
        loop = loop.operation
        if len(loop.results) or len(loop.regions[0].blocks[0].arguments) != 1:
            raise NotAffine("loop carries values (iter_args)", loop)
        sizes = list(ir.DenseI32ArrayAttr(loop.attributes["operandSegmentSizes"]))
        operands = list(loop.operands)
        lb_ops, ub_ops = operands[:sizes[0]], operands[sizes[0]:sizes[0] + sizes[1]]
        lbs = self.map_results("lowerBoundMap", loop, lb_ops, ivs)
        ubs = self.map_results("upperBoundMap", loop, ub_ops, ivs)
        step = ir.IntegerAttr(loop.attributes["step"]).value
        iv = loop.regions[0].blocks[0].arguments[0]
        name = f"i{len(ivs)}"
        new = [f"{lb} <= {name}" for lb in lbs] + [f"{name} < {ub}" for ub in ubs]
        if step != 1:
            if len(lbs) != 1:
                raise NotAffine("step other than 1 with a multi-result lower bound", loop)
            new.append(f"exists (e{len(ivs)}: {name} = {lbs[0]} + {step} * e{len(ivs)})")
        self.walk_block(loop.regions[0].blocks[0], ivs + [iv], constraints + new, position, top)

    def walk_block(self, block: ir.Block, ivs: list, constraints: list, position: tuple, top: int):
        self.max_depth = max(self.max_depth, len(ivs))
        ops = [o.operation for o in block.operations]
        for index, op in enumerate(ops):
            name = op.name
            if name == "affine.for":
                self.walk_loop(op, ivs, constraints, position + (index,), top)
            elif name == "affine.store":
                self.statement(op, ops, index, ivs, constraints, position + (index,), top)
            elif name == "affine.yield":
                if len(op.operands):
                    raise NotAffine("affine.yield with values", op)
            elif name == "affine.load" or name in PURE_OPS or name.startswith(PURE_PREFIXES):
                if len(op.regions):
                    raise NotAffine(f"'{name}' has regions", op)
            else:
                raise NotAffine(f"'{name}' is not supported in a static control part", op)

    def statement(self, store, ops: list, index: int, ivs: list, constraints: list,
                  position: tuple, top: int):
        chosen = {index}
        work = [store]
        while work:
            op = work.pop()
            for value in op.operands:
                owner = _owner_op(value)
                if owner is None:
                    if _block_arg_inside(value, self.loops) and _index_of(ivs, value) < 0:
                        raise NotAffine("value from an enclosing loop level", op)
                    continue
                j = next((k for k, o in enumerate(ops) if o == owner), -1)
                if j >= 0:
                    if j not in chosen:
                        chosen.add(j)
                        work.append(owner)
                elif _inside(owner, self.loops):
                    raise NotAffine("value computed at an enclosing loop level", op)
        body = [ops[k] for k in sorted(chosen)]
        name = f"S{len(self.statements)}"
        dims = ", ".join(f"i{k}" for k in range(len(ivs)))
        cons = " and ".join(constraints) if constraints else "true"
        domain = isl.Set(f"{self._params()} {{ {name}[{dims}] : {cons} }}", context=self.ctx)
        reads, writes = [], []
        for op in body:
            if op.name not in ("affine.load", "affine.store"):
                continue
            is_store = op.name == "affine.store"
            memref = op.operands[1 if is_store else 0]
            indices = list(op.operands)[2 if is_store else 1:]
            array = self.array(memref, op)
            subs = self.map_results("map", op, indices, ivs)
            rel = isl.Map(f"{self._params()} {{ {name}[{dims}] -> {array}[{', '.join(subs)}] }}",
                          context=self.ctx).intersect_domain(domain)
            (writes if is_store else reads).append(Access(op, array, rel))
            if not is_store:
                self._check_no_store_between(ops, body, op, index, memref)
        self.statements.append(Statement(name, body, list(ivs), domain, reads, writes,
                                         position, top))

    @staticmethod
    def _check_no_store_between(ops, body, load, store_index, memref):
        start = next(k for k, o in enumerate(ops) if o == load)
        for k in range(start + 1, store_index):
            op = ops[k]
            if op.name == "affine.for":
                raise NotAffine("a loop separates a load from the store that uses it", load)
            if op.name == "affine.store" and op.operands[1] == memref:
                raise NotAffine("a load is separated from its store by a store to the same memref",
                                load)

    def _params(self) -> str:
        return "[" + ", ".join(f"p{k}" for k in range(len(self.params))) + "] ->"


def _pad(parts: list, length: int) -> list:
    return parts + ["0"] * (length - len(parts))


def extract(loops: list, ctx: Optional[isl.Context] = None) -> Scop:
    """Build the isl model of the SCoP made of the consecutive ``affine.for`` ops
    ``loops``; raises :class:`NotAffine` when it is not one."""
    ctx = ctx or isl.Context()
    builder = _Builder([op.operation for op in loops], ctx)
    for top, loop in enumerate(builder.loops):
        builder.walk_loop(loop, [], [], (top,), top)
    # isl needs every set in the same parameter space: rebuild with all params.
    scop = Scop(builder.loops, builder.statements, builder.params, builder.arrays, ctx)
    pspace = builder._params()
    depth = builder.max_depth
    domain = isl.UnionSet.empty(isl.Space.params_alloc(ctx, 0))
    reads = isl.UnionMap.empty(isl.Space.params_alloc(ctx, 0))
    writes = isl.UnionMap.empty(isl.Space.params_alloc(ctx, 0))
    schedule = isl.UnionMap.empty(isl.Space.params_alloc(ctx, 0))
    for s in scop.statements:
        domain = domain.union(isl.UnionSet.from_set(s.domain))
        for a in s.reads:
            reads = reads.union(isl.UnionMap.from_map(a.relation))
        for a in s.writes:
            writes = writes.union(isl.UnionMap.from_map(a.relation))
        parts = []
        for k, pos in enumerate(s.position):
            parts.append(str(pos))
            if k < len(s.ivs):
                parts.append(f"i{k}")
        parts = _pad(parts, 2 * depth + 1)
        dims = ", ".join(f"i{k}" for k in range(len(s.ivs)))
        schedule = schedule.union(isl.UnionMap(
            f"{pspace} {{ {s.name}[{dims}] -> [{', '.join(parts)}] }}", context=ctx))
    scop.domain = domain
    scop.reads = reads
    scop.writes = writes
    scop.schedule = schedule.intersect_domain(domain)
    return scop


def find_scops(block: ir.Block) -> list:
    """Maximal runs of consecutive ``affine.for`` ops in ``block``; ``arith.constant``
    ops between them do not end a run."""
    runs, current = [], []
    for op in block.operations:
        op = op.operation
        if op.name == "affine.for":
            current.append(op)
        elif op.name == "arith.constant" and current:
            continue
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs

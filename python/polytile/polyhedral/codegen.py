"""Code generation: isl AST -> ``affine.for`` / ``affine.if`` / ``affine.parallel``.

The AST of a schedule is first translated into a small Python tree (checking
that every bound and condition is affine: ``max`` lower bounds, ``min`` upper
bounds, conjunctions of affine constraints), so that nothing in the IR changes
when a construct cannot be expressed; then the loops are built in front of the
SCoP, each statement's ops are cloned into them with the original induction
variables rewritten as ``affine.apply`` of the new ones, and the original
loops are erased.

A loop is parallel when no dependence is carried by it (checked at AST build
time on the schedule prefix, as Polly does). With ``parallelize`` the outermost
parallel loop of a nest becomes an ``affine.parallel``; loops nested in it stay
``affine.for``.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import islpy as isl
from mlir import ir
from mlir.dialects import affine

from polytile.polyhedral.deps import Dependences, _carried
from polytile.polyhedral.extract import Scop


class Unsupported(Exception):
    """The AST uses a construct that has no affine equivalent."""


# ----------------------------------------------------------------------------
# isl AST -> Python tree
# ----------------------------------------------------------------------------

@dataclasses.dataclass
class Loop:
    iterator: str
    lower: list  # expression trees, max of them
    upper: list  # expression trees (exclusive), min of them
    step: int
    parallel: bool
    body: list


@dataclasses.dataclass
class If:
    constraints: list  # (tree, is_equality): tree >= 0 or tree == 0
    then: list
    orelse: list


@dataclasses.dataclass
class User:
    statement: str
    args: list  # one tree per original induction variable


_OP = isl.ast_expr_op_type
_DIVS = {_OP.fdiv_q: "floordiv", _OP.div: "floordiv", _OP.pdiv_q: "floordiv",
         _OP.pdiv_r: "mod", _OP.zdiv_r: "mod"}


def _expr(e: isl.AstExpr):
    t = e.get_type()
    if t == isl.ast_expr_type.id:
        return ("id", e.get_id().get_name())
    if t == isl.ast_expr_type.int:
        return ("int", int(e.get_val().to_python()))
    if t != isl.ast_expr_type.op:
        raise Unsupported("unknown AST expression")
    op = e.get_op_type()
    args = [e.get_op_arg(k) for k in range(e.get_op_n_arg())]
    if op == _OP.add:
        return ("add", _expr(args[0]), _expr(args[1]))
    if op == _OP.sub:
        return ("add", _expr(args[0]), ("mul", ("int", -1), _expr(args[1])))
    if op == _OP.mul:
        return ("mul", _expr(args[0]), _expr(args[1]))
    if op == _OP.minus:
        return ("mul", ("int", -1), _expr(args[0]))
    if op in _DIVS:
        return (_DIVS[op], _expr(args[0]), _expr(args[1]))
    raise Unsupported(f"AST expression {e.to_C_str()} is not affine")


def _alternatives(e: isl.AstExpr, kind) -> list:
    """The arguments of a top-level ``min``/``max`` of ``kind``, else ``[e]``."""
    if e.get_type() == isl.ast_expr_type.op and e.get_op_type() == kind:
        return [a for k in range(e.get_op_n_arg()) for a in _alternatives(e.get_op_arg(k), kind)]
    return [e]


def _neg(t):
    return ("mul", ("int", -1), t)


def _sub(a, b):
    return ("add", a, _neg(b))


def _constraints(e: isl.AstExpr) -> list:
    t = e.get_type()
    if t != isl.ast_expr_type.op:
        raise Unsupported(f"condition {e.to_C_str()}")
    op = e.get_op_type()
    args = [e.get_op_arg(k) for k in range(e.get_op_n_arg())]
    if op in (_OP.and_, _OP.and_then):
        return _constraints(args[0]) + _constraints(args[1])
    if op in (_OP.ge, _OP.gt):  # a >= b  <=>  b <= a
        args = [args[1], args[0]]
        op = _OP.le if op == _OP.ge else _OP.lt
    if op in (_OP.le, _OP.lt):
        shift = ("int", 0 if op == _OP.le else -1)
        out = []
        for a in _alternatives(args[0], _OP.max):
            for b in _alternatives(args[1], _OP.min):
                out.append((("add", _sub(_expr(b), _expr(a)), shift), False))
        return out
    if op == _OP.eq:
        return [(_sub(_expr(args[0]), _expr(args[1])), True)]
    raise Unsupported(f"condition {e.to_C_str()} is not a conjunction of affine constraints")


def _tree(node: isl.AstNode) -> list:
    t = node.get_type()
    if t == isl.ast_node_type.block:
        children = node.block_get_children()
        return [x for k in range(children.n_ast_node())
                for x in _tree(children.get_at(k))]
    if t == isl.ast_node_type.mark:
        return _tree(node.mark_get_node())
    if t == isl.ast_node_type.user:
        call = node.user_get_expr()
        name = call.get_op_arg(0).get_id().get_name()
        return [User(name, [_expr(call.get_op_arg(k)) for k in range(1, call.get_op_n_arg())])]
    if t == isl.ast_node_type.if_:
        orelse = _tree(node.if_get_else_node()) if node.if_has_else_node() else []
        return [If(_constraints(node.if_get_cond()), _tree(node.if_get_then_node()), orelse)]
    if t == isl.ast_node_type.for_:
        iterator = node.for_get_iterator().get_id().get_name()
        inc = node.for_get_inc()
        if inc.get_type() != isl.ast_expr_type.int:
            raise Unsupported("non-constant loop step")
        cond = node.for_get_cond()
        if cond.get_type() != isl.ast_expr_type.op or cond.get_op_type() not in (_OP.le, _OP.lt):
            raise Unsupported(f"loop condition {cond.to_C_str()}")
        it = cond.get_op_arg(0)
        if it.get_type() != isl.ast_expr_type.id or it.get_id().get_name() != iterator:
            raise Unsupported(f"loop condition {cond.to_C_str()}")
        plus = 1 if cond.get_op_type() == _OP.le else 0
        upper = [("add", _expr(u), ("int", plus)) for u in _alternatives(cond.get_op_arg(1), _OP.min)]
        lower = [_expr(l) for l in _alternatives(node.for_get_init(), _OP.max)]
        annotation = node.get_annotation()
        parallel = annotation is not None and annotation.get_name() == "parallel"
        return [Loop(iterator, lower, upper, int(inc.get_val().to_python()), parallel,
                     _tree(node.for_get_body()))]
    raise Unsupported("unknown AST node")


def _flat_prefix(prefix: isl.UnionMap) -> isl.UnionMap:
    """The AST build's prefix schedule ([[outer] -> [current]]) as [c0, ..., cd]."""
    maps = []
    prefix.foreach_map(lambda m: maps.append(m.flatten_range()))
    out = isl.UnionMap.empty(prefix.get_space())
    for m in maps:
        out = out.union(isl.UnionMap.from_map(m))
    return out, (maps[0].dim(isl.dim_type.out) if maps else 0)


def _is_parallel(prefix: isl.UnionMap, validity: isl.UnionMap) -> bool:
    """No dependence between instances equal on the outer loops and different
    on the current one (the last prefix dimension)."""
    flat, n = _flat_prefix(prefix)
    if n == 0:
        return False
    return not _carried(validity, flat, n - 1)


def build_ast(scop: Scop, schedule: isl.Schedule, deps: Dependences) -> isl.AstNode:
    """The isl AST of ``schedule``, each ``for`` annotated ``parallel``/``serial``."""
    ctx = scop.ctx
    ctx.set_ast_build_allow_or(0)
    ctx.set_ast_build_atomic_upper_bound(1)
    ctx.set_ast_build_detect_min_max(1)
    validity = deps.all
    params = isl.Set.universe(scop.domain.get_space().params())

    def before_for(build: isl.AstBuild) -> isl.Id:
        # Exceptions must not escape into isl (they would corrupt its state):
        # any failure conservatively marks the loop serial.
        try:
            parallel = _is_parallel(build.get_schedule(), validity)
        except Exception:  # noqa: BLE001
            parallel = False
        return isl.Id("parallel" if parallel else "serial", context=ctx)

    build = isl.AstBuild.from_context(params)
    build, handle = build.set_before_each_for(before_for)
    ast = build.node_from_schedule(schedule)
    del handle
    return ast


def lower_ast(ast: isl.AstNode) -> list:
    """The Python tree of an isl AST; raises :class:`Unsupported`."""
    return _tree(ast)


# ----------------------------------------------------------------------------
# Python tree -> MLIR
# ----------------------------------------------------------------------------

def _ids(tree, out: list) -> None:
    if tree[0] == "id":
        if tree[1] not in out:
            out.append(tree[1])
    elif tree[0] != "int":
        for t in tree[1:]:
            _ids(t, out)


class _Emitter:
    def __init__(self, scop: Scop, parallelize: bool):
        self.scop = scop
        self.parallelize = parallelize
        self.params = {f"p{k}": v for k, v in enumerate(scop.params)}

    def affine(self, tree, env: dict, dims: list, syms: list):
        kind = tree[0]
        if kind == "id":
            name = tree[1]
            if name in env:
                return ir.AffineDimExpr.get(dims.index(name))
            return ir.AffineSymbolExpr.get(syms.index(name))
        if kind == "int":
            return ir.AffineConstantExpr.get(tree[1])
        a = self.affine(tree[1], env, dims, syms)
        b = self.affine(tree[2], env, dims, syms)
        return {"add": ir.AffineAddExpr.get, "mul": ir.AffineMulExpr.get,
                "floordiv": ir.AffineFloorDivExpr.get, "mod": ir.AffineModExpr.get}[kind](a, b)

    def map_of(self, trees: list, env: dict):
        """(AffineMap, operands) over the ids the trees use."""
        used: list = []
        for t in trees:
            _ids(t, used)
        dims = [n for n in used if n in env]
        syms = [n for n in used if n not in env]
        exprs = [self.affine(t, env, dims, syms) for t in trees]
        operands = [env[n] for n in dims] + [self.params[n] for n in syms]
        return ir.AffineMap.get(len(dims), len(syms), exprs), operands

    def emit(self, items: list, env: dict, in_parallel: bool) -> None:
        for item in items:
            if isinstance(item, Loop):
                self.loop(item, env, in_parallel)
            elif isinstance(item, If):
                self.branch(item, env, in_parallel)
            else:
                self.user(item, env)

    def loop(self, loop: Loop, env: dict, in_parallel: bool) -> None:
        lmap, lops = self.map_of(loop.lower, env)
        umap, uops = self.map_of(loop.upper, env)
        if self.parallelize and loop.parallel and not in_parallel:
            i32 = ir.IntegerType.get_signless(32)
            op = affine.AffineParallelOp(
                [], ir.ArrayAttr.get([]), ir.AffineMapAttr.get(lmap),
                ir.DenseIntElementsAttr.get_splat(ir.RankedTensorType.get([1], i32),
                                                  ir.IntegerAttr.get(i32, len(loop.lower))),
                ir.AffineMapAttr.get(umap),
                ir.DenseIntElementsAttr.get_splat(ir.RankedTensorType.get([1], i32),
                                                  ir.IntegerAttr.get(i32, len(loop.upper))),
                ir.ArrayAttr.get([ir.IntegerAttr.get(ir.IntegerType.get_signless(64), loop.step)]),
                lops + uops)
            block = op.regions[0].blocks.append(ir.IndexType.get())
            inner_parallel = True
        else:
            op = affine.AffineForOp(lmap, umap, loop.step,
                                    lower_bound_operands=lops, upper_bound_operands=uops)
            block = op.regions[0].blocks[0]
            inner_parallel = in_parallel
        with ir.InsertionPoint(block):
            yield_op = affine.AffineYieldOp([])
        with ir.InsertionPoint(yield_op):
            self.emit(loop.body, {**env, loop.iterator: block.arguments[0]}, inner_parallel)

    def branch(self, node: If, env: dict, in_parallel: bool) -> None:
        trees = [t for t, _ in node.constraints]
        amap, operands = self.map_of(trees, env)
        iset = ir.IntegerSet.get(amap.n_dims, amap.n_symbols, list(amap.results),
                                 [eq for _, eq in node.constraints])
        op = affine.AffineIfOp(iset, cond_operands=operands, has_else=bool(node.orelse))
        with ir.InsertionPoint(op.then_block):
            affine.AffineYieldOp([])
        with ir.InsertionPoint(op.then_block.operations[0]):
            self.emit(node.then, env, in_parallel)
        if node.orelse:
            with ir.InsertionPoint(op.else_block):
                affine.AffineYieldOp([])
            with ir.InsertionPoint(op.else_block.operations[0]):
                self.emit(node.orelse, env, in_parallel)

    def user(self, call: User, env: dict) -> None:
        stmt = self.scop.statement(call.statement)
        mapping = []
        for iv, tree in zip(stmt.ivs, call.args):
            if tree[0] == "id" and tree[1] in env:
                mapping.append((iv, env[tree[1]]))
                continue
            amap, operands = self.map_of([tree], env)
            mapping.append((iv, affine.AffineApplyOp(amap, operands).result))
        for op in stmt.ops:
            clone = op.clone()
            clone = clone.operation if hasattr(clone, "operation") else clone
            for old, new in mapping:
                if any(v == old for v in clone.operands):
                    clone.replace_uses_of_with(old, new)
            for old, new in zip(op.results, clone.results):
                mapping.append((old, new))


def generate(scop: Scop, items: list, parallelize: bool) -> None:
    """Replace the SCoP's loops by the code of ``items`` (from :func:`lower_ast`)."""
    first, last = scop.loops[0], scop.loops[-1]
    # Constants that sat between the SCoP's loops move in front of it, so that
    # they dominate the new loops.
    moving, cursor = [], first
    while cursor is not None and cursor != last:
        cursor = _next(cursor)
        if cursor is not None and cursor.name == "arith.constant":
            moving.append(cursor)
    for constant in moving:
        constant.move_before(first)
    with ir.InsertionPoint(first), first.location:
        _Emitter(scop, parallelize).emit(items, {}, False)
    for loop in scop.loops:
        loop.erase()


def _next(op: ir.Operation) -> Optional[ir.Operation]:
    block = op.block
    found = False
    for o in block.operations:
        o = o.operation
        if found:
            return o
        if o == op:
            found = True
    return None

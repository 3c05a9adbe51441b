"""func-outline-loop-nests: move each top-level loop nest of a function into a
kernel function of its own, and share identical kernels.

Runs on bufferized IR (memrefs). For every top-level ``affine.for`` /
``scf.for`` / ``scf.parallel`` / ``affine.parallel`` in a function body, the
values it uses from outside become arguments of a new private function
``@<func>_kernel_<n>`` (scalar constants are cloned in instead, so loop bounds
stay constant), the nest moves into it and a ``func.call`` takes its place.
Kernels whose bodies print identically (e.g. two convolutions of the same shape
with different weights) are merged into one.

Why: LLVM's optimizer is superlinear in function size, so one function per
kernel compiles much faster than one huge entry function, and shared kernels
compile once. Kernels are marked ``noinline``. Does not yet: outline nests that
yield values, or nests inside other regions.
"""
from __future__ import annotations

import dataclasses

from mlir import ir
from mlir.dialects import func

from polytile.pass_registry import option, register_pass

LOOP_OPS = ("affine.for", "scf.for", "scf.parallel", "affine.parallel", "scf.forall")
CLONEABLE = ("arith.constant",)


@dataclasses.dataclass(frozen=True)
class Options:
    dedupe: bool = option(True, "Merge kernels whose bodies are identical")


def _ancestors_include(op, root: ir.Operation) -> bool:
    while op is not None:
        if op == root:
            return True
        op = op.parent
    return False


def _defined_inside(value: ir.Value, root: ir.Operation) -> bool:
    owner = value.owner
    if isinstance(owner, ir.Block):
        return _ancestors_include(owner.owner, root)
    return _ancestors_include(owner.operation if hasattr(owner, "operation") else owner, root)


def _nested_ops(root: ir.Operation) -> list[ir.Operation]:
    ops = []
    root.walk(lambda o: (ops.append(o), ir.WalkResult.ADVANCE)[1], ir.WalkOrder.PRE_ORDER)
    return ops


def _captured(root: ir.Operation, nested: list[ir.Operation]) -> list[ir.Value]:
    seen: list[ir.Value] = []
    known: set = set()  # ir.Value hashes are stable (ops' are not)
    for op in nested:
        for value in op.operands:
            if value not in known:
                known.add(value)
                if not _defined_inside(value, root):
                    seen.append(value)
    return seen


def _outline(loop: ir.Operation, parent_func: ir.Operation, name: str) -> ir.Operation:
    nested = _nested_ops(loop)
    captured = _captured(loop, nested)
    cloned = [v for v in captured if not isinstance(v.owner, ir.Block)
              and v.owner.name in CLONEABLE]
    cloned_set = set(cloned)
    args = [v for v in captured if v not in cloned_set]
    with ir.InsertionPoint(parent_func), loop.location:
        kernel = func.FuncOp(name, ir.FunctionType.get([v.type for v in args], []))
    kernel.attributes["sym_visibility"] = ir.StringAttr.get("private")
    kernel.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline")])
    block = kernel.add_entry_block()
    with ir.InsertionPoint(block), loop.location:
        ret = func.ReturnOp([])
        replacements = list(zip(args, block.arguments))
        for value in cloned:
            copy = value.owner.clone(ir.InsertionPoint(ret))
            replacements.append((value, copy.results[0]))
    with ir.InsertionPoint(loop), loop.location:
        func.CallOp([], ir.FlatSymbolRefAttr.get(name), args)
    loop.move_before(ret)
    inner_of = dict(replacements)
    for op in nested:
        for outer in {v for v in op.operands if v in inner_of}:
            op.replace_uses_of_with(outer, inner_of[outer])
    return kernel.operation


def _body_key(kernel: ir.Operation) -> str:
    # Local scope: printing a nested op otherwise numbers and aliases the whole
    # module (with all of a model's weights) on every call.
    text = kernel.get_asm(use_local_scope=True, large_elements_limit=16)
    return text[text.index("("):]  # everything after the symbol name


@register_pass("func-outline-loop-nests", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Outline each top-level loop nest of every function into a (shared) kernel function."""
    functions = [op.operation for op in root.regions[0].blocks[0].operations
                 if op.operation.name == "func.func" and op.operation.regions[0].blocks]
    for fn in functions:
        fn_name = ir.StringAttr(fn.attributes["sym_name"]).value
        loops = [op.operation for op in fn.regions[0].blocks[0].operations
                 if op.operation.name in LOOP_OPS and not op.operation.results]
        kernels: dict[str, str] = {}
        for index, loop in enumerate(loops):
            name = f"{fn_name}_kernel_{index}"
            kernel = _outline(loop, fn, name)
            if not options.dedupe:
                continue
            key = _body_key(kernel)
            if key in kernels:
                kernel.erase()
                _retarget_calls(fn, name, kernels[key])
            else:
                kernels[key] = name


def _retarget_calls(fn: ir.Operation, old: str, new: str) -> None:
    for op in fn.regions[0].blocks[0].operations:
        op = op.operation
        if op.name == "func.call" and ir.FlatSymbolRefAttr(op.attributes["callee"]).value == old:
            op.attributes["callee"] = ir.FlatSymbolRefAttr.get(new)

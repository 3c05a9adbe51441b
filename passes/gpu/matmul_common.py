"""Shared by the GPU matmul kernel passes (``gpu-matmul-shared-tiles``,
``gpu-matmul-mma-sync``): recognizing a matmul-like ``linalg.generic`` on
memrefs, a small writer for kernel text, and splicing a kernel written as MLIR
text in place of the generic.

A *matmul-like* generic (what ``convert-tg-to-linalg`` makes of ``tg.matmul``
and ``tg.gemm`` after bufferization) has two inputs and one output, all
statically shaped memrefs; loops ``(batch..., m, n, k)`` with only ``k`` a
reduction; the output indexed by ``(batch..., m, n)``; ``A`` by some of the
batch loops then ``(m, k)`` or ``(k, m)``; ``B`` by some of the batch loops
then ``(k, n)`` or ``(n, k)``; and a body ``out + cast(a) * cast(b)`` with
floats, the casts being ``arith.extf`` or absent. The kernels accumulate
``C += A x B`` in C's element type (the generic's semantics; the preceding fill
sets C's initial value).
"""
from __future__ import annotations

import dataclasses
import math
from typing import Optional

from mlir import ir

from polytile.passes.common.linalg_generic import indexing_maps, iterator_kinds

FLOAT_TYPES = ("f16", "bf16", "f32", "f64")
MAX_GRID_YZ = 65535


@dataclasses.dataclass
class MatmulSpec:
    """A recognized matmul-like generic and the facts the kernels need."""

    op: ir.Operation
    a: ir.Value
    b: ir.Value
    c: ir.Value
    batch: tuple[int, ...]  # sizes of the batch loops
    m: int
    n: int
    k: int
    a_batch: tuple[int, ...]  # which batch loops index A (in order)
    b_batch: tuple[int, ...]
    a_transposed: bool  # A indexed (k, m)
    b_transposed: bool  # B indexed (n, k)
    a_type: str  # element types, as MLIR text
    b_type: str
    c_type: str
    a_extended: bool  # the body extends a (arith.extf) to c_type
    b_extended: bool

    @property
    def batch_count(self) -> int:
        return math.prod(self.batch)

    def a_index(self, batch_ivs: list[str], m: str, k: str) -> str:
        """Index list of A for the batch indices and the (m, k) position."""
        inner = [k, m] if self.a_transposed else [m, k]
        return ", ".join([batch_ivs[d] for d in self.a_batch] + inner)

    def b_index(self, batch_ivs: list[str], k: str, n: str) -> str:
        inner = [n, k] if self.b_transposed else [k, n]
        return ", ".join([batch_ivs[d] for d in self.b_batch] + inner)

    def c_index(self, batch_ivs: list[str], m: str, n: str) -> str:
        return ", ".join(batch_ivs + [m, n])


def _dims(amap: ir.AffineMap) -> Optional[list[int]]:
    """The loop of each result of a projected-permutation map, else None."""
    dims = []
    for expr in amap.results:
        if not isinstance(expr, ir.AffineDimExpr):
            return None
        dims.append(expr.position)
    return dims


def _owner(value: ir.Value) -> Optional[ir.Operation]:
    owner = value.owner
    if isinstance(owner, ir.Block):
        return None
    return owner.operation if hasattr(owner, "operation") else owner


def _cast_source(value: ir.Value) -> tuple[ir.Value, bool]:
    """(the value before an optional arith.extf, whether there was one)."""
    owner = _owner(value)
    if owner is not None and owner.name == "arith.extf":
        return owner.operands[0], True
    return value, False


def _body_matches(op: ir.Operation) -> Optional[tuple[bool, bool]]:
    """(a extended, b extended) when the body is ``out + cast(a) * cast(b)``."""
    block = op.regions[0].blocks[0]
    if len(block.arguments) != 3:
        return None
    a_arg, b_arg, out_arg = block.arguments
    ops = [o.operation for o in block.operations]
    if len(ops) > 5 or ops[-1].name != "linalg.yield" or len(ops[-1].operands) != 1:
        return None
    add = _owner(ops[-1].operands[0])
    if add is None or add.name != "arith.addf":
        return None
    lhs, rhs = add.operands
    product = rhs if lhs == out_arg else lhs if rhs == out_arg else None
    mul = _owner(product) if product is not None else None
    if mul is None or mul.name != "arith.mulf":
        return None
    x, x_ext = _cast_source(mul.operands[0])
    y, y_ext = _cast_source(mul.operands[1])
    if x == a_arg and y == b_arg:
        extended = (x_ext, y_ext)
    elif x == b_arg and y == a_arg:
        extended = (y_ext, x_ext)
    else:
        return None
    expected = 3 + extended[0] + extended[1]  # extf's, mulf, addf, yield
    return extended if len(ops) == expected else None


def _inside_mapped_forall(op: ir.Operation) -> bool:
    parent = op.parent
    while parent is not None:
        parent = parent.operation
        if parent.name == "scf.forall" and "mapping" in parent.attributes:
            return True
        parent = parent.parent
    return False


def match_matmul(op: ir.Operation) -> Optional[MatmulSpec]:
    """The MatmulSpec of ``op`` if it is a matmul-like generic on static memrefs."""
    if op.name != "linalg.generic" or len(op.results) or len(op.operands) != 3:
        return None
    if _inside_mapped_forall(op):
        return None  # a kernel with a gpu_map: mapped by its schedule (sched-apply{target=cuda})
    iterators = iterator_kinds(op)
    p = len(iterators) - 1
    if p < 2 or iterators[-1] != "reduction" or "reduction" in iterators[:-1]:
        return None
    types = [v.type if isinstance(v.type, ir.MemRefType) else None for v in op.operands]
    if any(t is None or not t.has_static_shape for t in types):
        return None
    element_types = [str(t.element_type) for t in types]
    if any(e not in FLOAT_TYPES for e in element_types):
        return None
    maps = [_dims(m) for m in indexing_maps(op)]
    if any(d is None for d in maps):
        return None
    a_dims, b_dims, c_dims = maps
    m_loop, n_loop, k_loop = p - 2, p - 1, p
    if c_dims != list(range(p)):
        return None
    batch_loops = set(range(p - 2))
    a_batch, a_inner = a_dims[:-2], a_dims[-2:]
    b_batch, b_inner = b_dims[:-2], b_dims[-2:]
    if any(d not in batch_loops for d in a_batch + b_batch) or a_batch != sorted(set(a_batch)) \
            or b_batch != sorted(set(b_batch)):
        return None
    if a_inner not in ([m_loop, k_loop], [k_loop, m_loop]) or b_inner not in ([k_loop, n_loop], [n_loop, k_loop]):
        return None
    extended = _body_matches(op)
    if extended is None:
        return None
    for is_ext, et in zip(extended, element_types[:2]):
        if not is_ext and et != element_types[2]:
            return None
    a_shape, c_shape = list(types[0].shape), list(types[2].shape)
    k = a_shape[-2] if a_inner == [k_loop, m_loop] else a_shape[-1]
    batch = tuple(c_shape[:-2])
    if math.prod(batch) > MAX_GRID_YZ or min(c_shape + [k]) == 0:
        return None
    a, b, c = op.operands
    return MatmulSpec(op, a, b, c, batch, c_shape[-2], c_shape[-1], k, tuple(a_batch), tuple(b_batch),
                      a_inner == [k_loop, m_loop], b_inner == [n_loop, k_loop], *element_types,
                      *extended)


class KernelWriter:
    """Writes straight-line MLIR text with fresh SSA names and cached index
    constants: ``w.op("arith.addi {x}, {y} : index")`` returns the new name."""

    def __init__(self):
        self.lines: list[str] = []
        self._constants: dict[tuple[str, str], str] = {}
        self._count = 0
        self.indent = 2

    def fresh(self, hint: str = "v") -> str:
        self._count += 1
        return f"%{hint}{self._count}"

    def line(self, text: str) -> None:
        self.lines.append(" " * self.indent + text)

    def op(self, text: str, hint: str = "v") -> str:
        name = self.fresh(hint)
        self.line(f"{name} = {text}")
        return name

    def index(self, value: int) -> str:
        """An index constant defined at the top of the template (outside every region)."""
        key = ("index", str(value))
        if key not in self._constants:
            self._constants[key] = f"%c{value}".replace("-", "m")
        return self._constants[key]

    def constants_text(self) -> str:
        return "\n".join(f"  {name} = arith.constant {v} : index" for (_, v), name in self._constants.items())

    # index arithmetic
    def add(self, x: str, y: str) -> str:
        return self.op(f"arith.addi {x}, {y} : index")

    def mul(self, x: str, c: int) -> str:
        return self.op(f"arith.muli {x}, {self.index(c)} : index")

    def div(self, x: str, c: int) -> str:
        return self.op(f"arith.divui {x}, {self.index(c)} : index")

    def rem(self, x: str, c: int) -> str:
        return self.op(f"arith.remui {x}, {self.index(c)} : index")

    def less(self, x: str, c: int) -> str:
        return self.op(f"arith.cmpi ult, {x}, {self.index(c)} : index")

    def guarded_load(self, memref: str, index: str, mtype: str, etype: str, conditions: list[str],
                     zero: str) -> str:
        """``memref[index]`` when every condition holds, else ``zero``."""
        if not conditions:
            return self.op(f"memref.load {memref}[{index}] : {mtype}")
        cond = conditions[0]
        for other in conditions[1:]:
            cond = self.op(f"arith.andi {cond}, {other} : i1")
        result = self.fresh("ld")
        self.line(f"{result} = scf.if {cond} -> ({etype}) {{")
        self.indent += 2
        loaded = self.op(f"memref.load {memref}[{index}] : {mtype}")
        self.line(f"scf.yield {loaded} : {etype}")
        self.indent -= 2
        self.line("} else {")
        self.line(f"  scf.yield {zero} : {etype}")
        self.line("}")
        return result

    def begin_if(self, conditions: list[str]) -> bool:
        """Open ``scf.if`` on the conjunction of ``conditions``; False if none."""
        if not conditions:
            return False
        cond = conditions[0]
        for other in conditions[1:]:
            cond = self.op(f"arith.andi {cond}, {other} : i1")
        self.line(f"scf.if {cond} {{")
        self.indent += 2
        return True

    def end_if(self, opened: bool) -> None:
        if opened:
            self.indent -= 2
            self.line("}")


def delinearize_batch(w: KernelWriter, linear: str, batch: tuple[int, ...]) -> list[str]:
    """Batch indices (last fastest) of the linear block index ``linear``."""
    ivs: list[str] = [""] * len(batch)
    rest = linear
    for d in reversed(range(len(batch))):
        if d == 0:
            ivs[d] = rest
        else:
            ivs[d] = w.rem(rest, batch[d])
            rest = w.div(rest, batch[d])
    return ivs


def splice_kernel(spec: MatmulSpec, body: str) -> None:
    """Replace ``spec.op`` by the ops of ``body``, MLIR text in a function of
    ``(%A, %B, %C)`` with the generic's operand types (index constants first)."""
    op = spec.op
    types = [str(v.type) for v in (spec.a, spec.b, spec.c)]
    text = (f"func.func @kernel(%A: {types[0]}, %B: {types[1]}, %C: {types[2]}) {{\n"
            f"{body}\n  return\n}}")
    template = ir.Module.parse(text, op.context)
    function = template.body.operations[0]
    block = function.regions[0].blocks[0]
    for old, new in zip(block.arguments, (spec.a, spec.b, spec.c)):
        old.replace_all_uses_with(new)
    for inner in list(block.operations)[:-1]:  # all but func.return
        inner.operation.move_before(op)
    op.erase()

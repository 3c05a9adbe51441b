"""A lockstep SIMT interpreter for ``gpu.launch`` kernels (a testing aid).

``gpu-emulate-launch-on-cpu`` runs threads one after another, which cannot run
kernels whose threads cooperate (shared memory, barriers, warp-wide
``nvgpu.mma.sync``). This interpreter runs all threads of a block together, one
op at a time, each value an array over the threads (the first axis), so a
barrier holds by construction and a warp's fragments are all at hand for
``nvgpu.mma.sync``, which it evaluates from the PTX fragment layouts of
``mma.sync.m16n8k16`` (f16) and ``m16n8k8`` (tf32). Numerics: f16 ops round to
f16 (numpy), ``math.fma`` and mma products are exact then rounded once, TF32
inputs are not truncated.

It is slow (numpy per op and block) and knows only the ops the matmul kernels
and simple launches use: ``arith`` integer/float basics, ``math.fma``,
``memref.load/store``, ``scf.for/if/yield``, ``vector.from_elements/insert/
extract``, ``gpu.barrier`` (checked to be reached by every thread of the
block), ``nvgpu.mma.sync`` (checked to run on whole warps). Anything else is a
``NotImplementedError``. Reading or writing outside a buffer raises
``IndexError``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from mlir import ir

_DTYPES = {"f16": np.float16, "f32": np.float32, "f64": np.float64, "index": np.int64, "i64": np.int64,
           "i32": np.int32, "i1": np.bool_}
_CMP = {0: np.equal, 1: np.not_equal, 2: np.less, 3: np.less_equal, 4: np.greater, 5: np.greater_equal,
        6: np.less, 7: np.less_equal, 8: np.greater, 9: np.greater_equal}
_BINARY = {"arith.addi": np.add, "arith.subi": np.subtract, "arith.muli": np.multiply,
           "arith.divui": np.floor_divide, "arith.remui": np.remainder, "arith.divsi": np.floor_divide,
           "arith.andi": np.logical_and, "arith.ori": np.logical_or, "arith.addf": np.add,
           "arith.subf": np.subtract, "arith.mulf": np.multiply, "arith.maximumf": np.maximum,
           "arith.minimumf": np.minimum}


def _dtype(t: ir.Type):
    if isinstance(t, (ir.VectorType, ir.MemRefType)):
        t = t.element_type
    try:
        return _DTYPES[str(t)]
    except KeyError:
        raise NotImplementedError(f"type {t}") from None


def _name(op) -> str:
    return op.operation.name


class _Uniform:
    """A value computed on the host: the same in every thread."""

    def __init__(self, value: np.ndarray):
        self.value = value


def _constant_value(op: ir.Operation):
    """The scalar of an arith.constant (a vector constant must be a splat)."""
    attr = op.attributes["value"]
    if isinstance(op.results[0].type, ir.VectorType):
        return ir.DenseElementsAttr(attr).get_splat_value().value
    return attr.value


class _Block:
    """One thread block: the values of its threads, run in lockstep."""

    def __init__(self, threads: int, env: dict):
        self.threads = threads
        self.env = env

    def full(self, value, t: ir.Type) -> np.ndarray:
        shape = tuple(t.shape) if isinstance(t, ir.VectorType) else ()
        return np.full((self.threads,) + shape, value, dtype=_dtype(t))

    def uniform(self, value: ir.Value, mask: np.ndarray) -> int:
        x = self.env[value]
        if not isinstance(x, np.ndarray):
            return int(x)
        active = x[mask]
        if active.size and not np.all(active == active[0]):
            raise NotImplementedError("loop bounds differ across threads")
        return int(active[0]) if active.size else 0

    def run_region(self, block: ir.Block, mask: np.ndarray) -> list:
        """Run ``block``'s ops for the threads in ``mask``; the terminator's operands."""
        for op in block.operations:
            name = _name(op)
            if name in ("scf.yield", "gpu.terminator"):
                return [self.env[v] for v in op.operands]
            self.run_op(op.operation, mask)
        return []

    def run_op(self, op: ir.Operation, mask: np.ndarray) -> None:
        name, env = op.name, self.env
        args = [env[v] for v in op.operands]
        if name == "arith.constant":
            env[op.results[0]] = self.full(_constant_value(op), op.results[0].type)
        elif name in _BINARY:
            env[op.results[0]] = _BINARY[name](args[0], args[1]).astype(_dtype(op.results[0].type))
        elif name == "arith.cmpi":
            predicate = ir.IntegerAttr(op.attributes["predicate"]).value
            env[op.results[0]] = _CMP[predicate](args[0], args[1])
        elif name in ("arith.extf", "arith.truncf", "arith.index_cast"):
            env[op.results[0]] = args[0].astype(_dtype(op.results[0].type))
        elif name == "arith.select":
            env[op.results[0]] = np.where(args[0], args[1], args[2])
        elif name == "math.fma":
            exact = args[0].astype(np.float64) * args[1] + args[2]
            env[op.results[0]] = exact.astype(_dtype(op.results[0].type))
        elif name == "memref.load":
            buffer, index = args[0], [np.broadcast_to(i, mask.shape) for i in args[1:]]
            result = np.zeros(self.threads, dtype=buffer.dtype)
            result[mask] = buffer[tuple(i[mask] for i in index)]
            env[op.results[0]] = result
        elif name == "memref.store":
            value, buffer = args[0], args[1]
            index = [np.broadcast_to(i, mask.shape) for i in args[2:]]
            buffer[tuple(i[mask] for i in index)] = value[mask]
        elif name == "scf.for":
            lb, ub, step = (self.uniform(v, mask) for v in list(op.operands)[:3])
            carried = args[3:]
            body = op.regions[0].blocks[0]
            for iv in range(lb, ub, step):
                env[body.arguments[0]] = np.full(self.threads, iv, dtype=np.int64)
                for arg, value in zip(list(body.arguments)[1:], carried):
                    env[arg] = value
                carried = self.run_region(body, mask)
            for result, value in zip(op.results, carried):
                env[result] = value
        elif name == "scf.if":
            cond = np.broadcast_to(args[0], mask.shape)
            then = self.run_region(op.regions[0].blocks[0], mask & cond)
            other = self.run_region(op.regions[1].blocks[0], mask & ~cond) if len(op.regions[1].blocks) else []
            for result, x, y in zip(op.results, then, other):
                c = cond.reshape(cond.shape + (1,) * (x.ndim - 1))
                env[result] = np.where(c, x, y)
        elif name == "gpu.barrier":
            if not mask.all():
                raise AssertionError("gpu.barrier not reached by every thread of the block")
        elif name == "vector.from_elements":
            shape = tuple(op.results[0].type.shape)
            env[op.results[0]] = np.stack(args, axis=1).reshape((self.threads,) + shape)
        elif name == "vector.insert":
            position = list(ir.DenseI64ArrayAttr(op.attributes["static_position"]))
            result = args[1].copy()
            result[(slice(None),) + tuple(position)] = args[0]
            env[op.results[0]] = result
        elif name == "vector.extract":
            position = list(ir.DenseI64ArrayAttr(op.attributes["static_position"]))
            env[op.results[0]] = args[0][(slice(None),) + tuple(position)]
        elif name == "nvgpu.mma.sync":
            if not mask.all():
                raise AssertionError("nvgpu.mma.sync on a partial warp")
            shape = list(ir.ArrayAttr(op.attributes["mmaShape"]))
            env[op.results[0]] = _mma_sync(*args, k=ir.IntegerAttr(shape[2]).value)
        else:
            raise NotImplementedError(f"the SIMT interpreter does not know '{name}'")


def _mma_sync(a: np.ndarray, b: np.ndarray, c: np.ndarray, k: int) -> np.ndarray:
    """D = A x B + C per warp, from the PTX lane layouts of m16n8k16 (f16,
    two elements per register) and m16n8k8 (tf32, one)."""
    threads = a.shape[0]
    per = a.shape[2]
    half = k // 2
    d = np.zeros_like(c)
    for warp in range(threads // 32):
        A = np.zeros((16, k))
        B = np.zeros((k, 8))
        C = np.zeros((16, 8))
        for lane in range(32):
            t = warp * 32 + lane
            g, tig = lane // 4, lane % 4
            for e in range(per):
                col = per * tig + e
                A[g, col], A[g + 8, col] = a[t, 0, e], a[t, 1, e]
                A[g, col + half], A[g + 8, col + half] = a[t, 2, e], a[t, 3, e]
                B[col, g], B[col + half, g] = b[t, 0, e], b[t, 1, e]
            for e in range(2):
                C[g, 2 * tig + e], C[g + 8, 2 * tig + e] = c[t, 0, e], c[t, 1, e]
        D = A @ B + C
        for lane in range(32):
            t = warp * 32 + lane
            g, tig = lane // 4, lane % 4
            for e in range(2):
                d[t, 0, e], d[t, 1, e] = D[g, 2 * tig + e], D[g + 8, 2 * tig + e]
    return d


def run_launches(function: ir.Operation, arrays: Sequence[np.ndarray]) -> None:
    """Run ``function`` (a ``func.func`` whose body holds only constants and
    ``gpu.launch`` ops) on numpy ``arrays`` bound to its memref arguments, in
    place."""
    block = function.regions[0].blocks[0]
    env: dict = dict(zip(block.arguments, arrays))
    for op in block.operations:
        op = op.operation
        if op.name == "arith.constant":
            env[op.results[0]] = _Uniform(_Block(1, {}).full(_constant_value(op), op.results[0].type)[0])
        elif op.name == "gpu.launch":
            _launch(op, env)
        elif op.name != "func.return":
            raise NotImplementedError(f"the SIMT interpreter runs no host op '{op.name}'")


def _launch(launch: ir.Operation, env: dict) -> None:
    segments = list(ir.DenseI32ArrayAttr(launch.attributes["operandSegmentSizes"]))
    sizes = [int(env[v].value) for v in list(launch.operands)[segments[0]:segments[0] + 6]]
    grid, block_dims = sizes[:3], sizes[3:]
    body = launch.regions[0].blocks[0]
    n_workgroup = ir.IntegerAttr(launch.attributes["workgroup_attributions"]).value \
        if "workgroup_attributions" in launch.attributes else 0
    threads = int(np.prod(block_dims))
    linear = np.arange(threads)
    tx, ty, tz = linear % block_dims[0], linear // block_dims[0] % block_dims[1], \
        linear // (block_dims[0] * block_dims[1])
    mask = np.ones(threads, dtype=bool)
    for bz in range(grid[2]):
        for by in range(grid[1]):
            for bx in range(grid[0]):
                local = {k: np.broadcast_to(v.value, (threads,) + v.value.shape) if isinstance(v, _Uniform) else v
                         for k, v in env.items()}
                ids = [bx, by, bz, tx, ty, tz] + list(grid) + list(block_dims)
                for arg, value in zip(list(body.arguments)[:12], ids):
                    local[arg] = np.broadcast_to(np.asarray(value, dtype=np.int64), (threads,))
                for arg in list(body.arguments)[12:12 + n_workgroup]:
                    t = arg.type
                    local[arg] = np.full(tuple(t.shape), np.nan if _dtype(t) != np.int64 else 0, dtype=_dtype(t))
                _Block(threads, local).run_region(body, mask)

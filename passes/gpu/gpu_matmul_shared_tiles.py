"""gpu-matmul-shared-tiles: map each matmul-like ``linalg.generic`` (on memrefs)
to a ``gpu.launch`` that stages block tiles of A and B in shared memory.

Each block of 16x16 threads computes a 64x64 tile of C (one block per tile,
``blocks.z`` over the batch); the k loop walks 16-wide slices: all threads copy
a 64x16 slice of A and a 16x64 slice of B from global memory into workgroup
memory (``#gpu.address_space<workgroup>`` attributions of the launch), wait at
a ``gpu.barrier``, then each thread accumulates a 4x4 sub-tile in registers
(rows ``ty + 16 i``, columns ``tx + 16 j``: the reads of B and the final writes
of C are contiguous across a warp, A's reads are broadcasts), and waits again
before the next slice. Out-of-range elements are loaded as zero and never
stored; the guards are left out when the sizes divide the tiles. The result is
added to C (the generic's ``C += A x B``).

See ``gpu_matmul_common`` for which generics match; others are left alone
(``gpu-launch-parallel-loops`` maps them). Does not yet: choose tile sizes per
problem, double-buffer the slices, vectorize global loads, or handle
convolutions (their loops are not matmul-like before an im2col).
"""
from __future__ import annotations

from mlir import ir

from polytile.pass_registry import register_pass

from polytile.passes.gpu.matmul_common import KernelWriter, MatmulSpec, delinearize_batch, match_matmul, splice_kernel
from polytile.passes.common.walk import ops_in

THREADS = 16  # threads per block along x and along y
PER_THREAD = 4  # outputs per thread along m and along n
TILE_MN = THREADS * PER_THREAD  # 64
TILE_K = 16
WORKGROUP = "#gpu.address_space<workgroup>"


def _zero(etype: str) -> str:
    return f"arith.constant 0.0 : {etype}"


def kernel_text(spec: MatmulSpec) -> str:
    """The gpu.launch (and its constants) computing ``C += A x B``, as text."""
    w = KernelWriter()
    w.indent = 4
    acc = spec.c_type
    a_smem = f"memref<{TILE_MN}x{TILE_K}x{spec.a_type}, {WORKGROUP}>"
    b_smem = f"memref<{TILE_K}x{TILE_MN}x{spec.b_type}, {WORKGROUP}>"
    grid = (-(-spec.n // TILE_MN), -(-spec.m // TILE_MN), spec.batch_count)
    tA, tB, tC = (str(v.type) for v in (spec.a, spec.b, spec.c))
    guard_m, guard_n, guard_k = spec.m % TILE_MN, spec.n % TILE_MN, spec.k % TILE_K

    header = (f"  gpu.launch blocks(%bx, %by, %bz) in (%gx = {w.index(grid[0])}, %gy = {w.index(grid[1])}, "
              f"%gz = {w.index(grid[2])}) threads(%tx, %ty, %tz) in (%sx = {w.index(THREADS)}, "
              f"%sy = {w.index(THREADS)}, %sz = {w.index(1)}) "
              f"workgroup(%As : {a_smem}, %Bs : {b_smem}) {{")
    batch_ivs = delinearize_batch(w, "%bz", spec.batch)
    m0 = w.mul("%by", TILE_MN)
    n0 = w.mul("%bx", TILE_MN)
    tid = w.add(w.mul("%ty", THREADS), "%tx")
    zero_a = w.op(_zero(spec.a_type), "za")
    zero_b = w.op(_zero(spec.b_type), "zb")
    zero_acc = w.op(_zero(acc), "zc")
    rows = [w.add("%ty", w.index(THREADS * i)) if i else "%ty" for i in range(PER_THREAD)]
    cols = [w.add("%tx", w.index(THREADS * j)) if j else "%tx" for j in range(PER_THREAD)]
    count = PER_THREAD * PER_THREAD
    accs = [f"%acc{i}" for i in range(count)]
    inits = ", ".join(f"{a} = {zero_acc}" for a in accs)
    types = ", ".join([acc] * count)
    result = w.fresh("res")
    w.line(f"{result}:{count} = scf.for %k0 = {w.index(0)} to {w.index(spec.k)} step {w.index(TILE_K)} "
           f"iter_args({inits}) -> ({types}) {{")
    w.indent += 2
    # Copy the slices to shared memory: element e of thread tid is number tid + 256 e.
    threads = THREADS * THREADS
    for e in range(TILE_MN * TILE_K // threads):
        linear = w.add(tid, w.index(threads * e))
        r, c = w.div(linear, TILE_K), w.rem(linear, TILE_K)  # A slice: 64 rows x 16 columns
        gm, gk = w.add(m0, r), w.add("%k0", c)
        conds = ([w.less(gm, spec.m)] if guard_m else []) + ([w.less(gk, spec.k)] if guard_k else [])
        value = w.guarded_load("%A", spec.a_index(batch_ivs, gm, gk), tA, spec.a_type, conds, zero_a)
        w.line(f"memref.store {value}, %As[{r}, {c}] : {a_smem}")
        r, c = w.div(linear, TILE_MN), w.rem(linear, TILE_MN)  # B slice: 16 rows x 64 columns
        gk, gn = w.add("%k0", r), w.add(n0, c)
        conds = ([w.less(gk, spec.k)] if guard_k else []) + ([w.less(gn, spec.n)] if guard_n else [])
        value = w.guarded_load("%B", spec.b_index(batch_ivs, gk, gn), tB, spec.b_type, conds, zero_b)
        w.line(f"memref.store {value}, %Bs[{r}, {c}] : {b_smem}")
    w.line("gpu.barrier")
    inner = [f"%in{i}" for i in range(count)]
    inner_result = w.fresh("part")
    w.line(f"{inner_result}:{count} = scf.for %kk = {w.index(0)} to {w.index(TILE_K)} step {w.index(1)} "
           f"iter_args({', '.join(f'{x} = {a}' for x, a in zip(inner, accs))}) -> ({types}) {{")
    w.indent += 2
    a_vals, b_vals = [], []
    for row in rows:
        v = w.op(f"memref.load %As[{row}, %kk] : {a_smem}")
        a_vals.append(w.op(f"arith.extf {v} : {spec.a_type} to {acc}") if spec.a_extended else v)
    for col in cols:
        v = w.op(f"memref.load %Bs[%kk, {col}] : {b_smem}")
        b_vals.append(w.op(f"arith.extf {v} : {spec.b_type} to {acc}") if spec.b_extended else v)
    updated = []
    for i in range(PER_THREAD):
        for j in range(PER_THREAD):
            updated.append(w.op(f"math.fma {a_vals[i]}, {b_vals[j]}, {inner[i * PER_THREAD + j]} : {acc}"))
    w.line(f"scf.yield {', '.join(updated)} : {types}")
    w.indent -= 2
    w.line("}")
    w.line("gpu.barrier")
    w.line(f"scf.yield {', '.join(f'{inner_result}#{i}' for i in range(count))} : {types}")
    w.indent -= 2
    w.line("}")
    # Epilogue: C += the thread's sub-tile.
    for i in range(PER_THREAD):
        gm = w.add(m0, rows[i])
        for j in range(PER_THREAD):
            gn = w.add(n0, cols[j])
            conds = ([w.less(gm, spec.m)] if guard_m else []) + ([w.less(gn, spec.n)] if guard_n else [])
            opened = w.begin_if(conds)
            index = spec.c_index(batch_ivs, gm, gn)
            old = w.op(f"memref.load %C[{index}] : {tC}")
            new = w.op(f"arith.addf {old}, {result}#{i * PER_THREAD + j} : {acc}")
            w.line(f"memref.store {new}, %C[{index}] : {tC}")
            w.end_if(opened)
    w.line("gpu.terminator")
    body = "\n".join(w.lines)
    return f"{w.constants_text()}\n{header}\n{body}\n  }}"


@register_pass("gpu-matmul-shared-tiles")
def run(root: ir.Operation, options) -> None:
    """Map matmul-like linalg.generic ops on memrefs to shared-memory tiled gpu.launch kernels."""
    for op in ops_in(root, "linalg.generic"):
        spec = match_matmul(op)
        if spec is not None:
            splice_kernel(spec, kernel_text(spec))

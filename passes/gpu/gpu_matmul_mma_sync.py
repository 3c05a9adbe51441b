"""gpu-matmul-mma-sync: map fp16 matmul-like ``linalg.generic`` ops (f16 inputs
extended to an f32 accumulator) to tensor-core kernels built on
``nvgpu.mma.sync`` (PTX ``mma.sync.aligned.m16n8k16``, sm_80 and newer); with
``tf32=true`` also f32 matmuls (``m16n8k8`` on TF32 inputs: about 10 bits of
mantissa per product, accumulation in f32).

Each block of 128 threads (4 warps as 2x2) computes a 64x64 tile of C
(``blocks.z`` over the batch). The k loop walks 32-wide (tf32: 16-wide) slices
of A and B that all threads copy into shared memory (workgroup attributions,
rows padded against bank conflicts; out-of-range elements read as zero),
between two ``gpu.barrier``. Each warp then owns a 32x32 sub-tile as 2x4
accumulators of 16x8 (``vector<2x2xf32>``); for every 16-wide (tf32: 8-wide)
step it gathers its A and B fragments from shared memory in the PTX lane layout
(lane = 4 * group + thread-in-group) and issues 8 ``nvgpu.mma.sync``. At the
end each lane adds its accumulator elements to C (guarded when the sizes do not
divide the tile).

See ``gpu_matmul_common`` for which generics match. Does not yet: use
``ldmatrix``/``cp.async``, double-buffer the slices, vectorize global loads,
bf16 inputs, or f16 accumulation; the chip check (sm_80+) is the pipeline's.
"""
from __future__ import annotations

import dataclasses

from mlir import ir

from polytile.pass_registry import option, register_pass

from polytile.passes.gpu.matmul_common import KernelWriter, MatmulSpec, delinearize_batch, match_matmul, splice_kernel
from polytile.passes.common.walk import ops_in

WARPS_M, WARPS_N = 2, 2
THREADS = 32 * WARPS_M * WARPS_N  # 128
WARP_TILE = 32  # rows and columns of C per warp
TILE_MN = WARP_TILE * WARPS_M  # 64
MMA_M, MMA_N = 16, 8
WORKGROUP = "#gpu.address_space<workgroup>"


@dataclasses.dataclass(frozen=True)
class Options:
    tf32: bool = option(False, "Also run f32 matmuls on tensor cores with TF32 inputs")


@dataclasses.dataclass(frozen=True)
class MmaKind:
    """The PTX shape and operand vectors of one kind of mma.sync."""

    element: str  # input element type
    mma_k: int
    tile_k: int  # k slice staged in shared memory
    pad_a: int  # extra columns per shared row of A and of B
    pad_b: int

    @property
    def per_register(self) -> int:
        """Elements per 32-bit register: 2 f16, 1 tf32."""
        return 2 if self.element == "f16" else 1

    @property
    def attrs(self) -> str:
        extra = ", tf32Enabled" if self.element == "f32" else ""
        return f"{{mmaShape = [{MMA_M}, {MMA_N}, {self.mma_k}]{extra}}}"


F16 = MmaKind("f16", mma_k=16, tile_k=32, pad_a=8, pad_b=8)
TF32 = MmaKind("f32", mma_k=8, tile_k=16, pad_a=4, pad_b=8)


def mma_kind(spec: MatmulSpec, tf32: bool) -> MmaKind | None:
    """The tensor-core kind for ``spec``, or None to leave it to other passes."""
    if spec.c_type != "f32":
        return None
    if spec.a_type == spec.b_type == "f16" and spec.a_extended and spec.b_extended:
        return F16
    if tf32 and spec.a_type == spec.b_type == "f32" and not (spec.a_extended or spec.b_extended):
        return TF32
    return None


def _fragment(w: KernelWriter, smem: str, smem_type: str, kind: MmaKind, coords: list[list[tuple[str, str]]],
              vector_type: str) -> str:
    """A fragment vector (rows = registers) gathered from shared memory at
    ``coords[register][element]``."""
    e = kind.element
    value = w.op(f"arith.constant dense<0.0> : {vector_type}", "frag")
    for reg, elements in enumerate(coords):
        scalars = [w.op(f"memref.load {smem}[{r}, {c}] : {smem_type}") for r, c in elements]
        packed = w.op(f"vector.from_elements {', '.join(scalars)} : vector<{len(scalars)}x{e}>")
        value = w.op(f"vector.insert {packed}, {value} [{reg}] : vector<{len(scalars)}x{e}> into {vector_type}")
    return value


def kernel_text(spec: MatmulSpec, kind: MmaKind) -> str:
    """The gpu.launch (and its constants) computing ``C += A x B`` on tensor cores."""
    w = KernelWriter()
    w.indent = 4
    e, bk, per = kind.element, kind.tile_k, kind.per_register
    a_smem = f"memref<{TILE_MN}x{bk + kind.pad_a}x{e}, {WORKGROUP}>"
    b_smem = f"memref<{bk}x{TILE_MN + kind.pad_b}x{e}, {WORKGROUP}>"
    a_vec = f"vector<4x{per}x{e}>"
    b_vec = f"vector<2x{per}x{e}>"
    c_vec = "vector<2x2xf32>"
    grid = (-(-spec.n // TILE_MN), -(-spec.m // TILE_MN), spec.batch_count)
    tA, tB, tC = (str(v.type) for v in (spec.a, spec.b, spec.c))
    guard_m, guard_n, guard_k = spec.m % TILE_MN, spec.n % TILE_MN, spec.k % bk

    header = (f"  gpu.launch blocks(%bx, %by, %bz) in (%gx = {w.index(grid[0])}, %gy = {w.index(grid[1])}, "
              f"%gz = {w.index(grid[2])}) threads(%tx, %ty, %tz) in (%sx = {w.index(THREADS)}, "
              f"%sy = {w.index(1)}, %sz = {w.index(1)}) "
              f"workgroup(%As : {a_smem}, %Bs : {b_smem}) {{")
    batch_ivs = delinearize_batch(w, "%bz", spec.batch)
    m0 = w.mul("%by", TILE_MN)
    n0 = w.mul("%bx", TILE_MN)
    lane, warp = w.rem("%tx", 32), w.div("%tx", 32)
    group, tig = w.div(lane, 4), w.rem(lane, 4)  # PTX groupID, threadID_in_group
    wm = w.mul(w.div(warp, WARPS_N), WARP_TILE)
    wn = w.mul(w.rem(warp, WARPS_N), WARP_TILE)
    zero = w.op(f"arith.constant 0.0 : {e}", "z")
    tiles = [(mi, ni) for mi in range(WARP_TILE // MMA_M) for ni in range(WARP_TILE // MMA_N)]
    row_base = {mi: w.add(wm, w.index(mi * MMA_M)) for mi in range(WARP_TILE // MMA_M)}
    col_base = {ni: w.add(wn, w.index(ni * MMA_N)) for ni in range(WARP_TILE // MMA_N)}
    acc_zero = w.op(f"arith.constant dense<0.0> : {c_vec}", "zacc")
    accs = [f"%acc{i}" for i in range(len(tiles))]
    types = ", ".join([c_vec] * len(tiles))
    result = w.fresh("res")
    w.line(f"{result}:{len(tiles)} = scf.for %k0 = {w.index(0)} to {w.index(spec.k)} step {w.index(bk)} "
           f"iter_args({', '.join(f'{a} = {acc_zero}' for a in accs)}) -> ({types}) {{")
    w.indent += 2
    for i in range(TILE_MN * bk // THREADS):
        linear = w.add("%tx", w.index(THREADS * i))
        r, c = w.div(linear, bk), w.rem(linear, bk)  # A slice: 64 rows x bk columns
        gm, gk = w.add(m0, r), w.add("%k0", c)
        conds = ([w.less(gm, spec.m)] if guard_m else []) + ([w.less(gk, spec.k)] if guard_k else [])
        value = w.guarded_load("%A", spec.a_index(batch_ivs, gm, gk), tA, e, conds, zero)
        w.line(f"memref.store {value}, %As[{r}, {c}] : {a_smem}")
        r, c = w.div(linear, TILE_MN), w.rem(linear, TILE_MN)  # B slice: bk rows x 64 columns
        gk, gn = w.add("%k0", r), w.add(n0, c)
        conds = ([w.less(gk, spec.k)] if guard_k else []) + ([w.less(gn, spec.n)] if guard_n else [])
        value = w.guarded_load("%B", spec.b_index(batch_ivs, gk, gn), tB, e, conds, zero)
        w.line(f"memref.store {value}, %Bs[{r}, {c}] : {b_smem}")
    w.line("gpu.barrier")
    current = list(accs)
    half = kind.mma_k // 2  # the second half of a fragment's k range
    for ks in range(0, bk, kind.mma_k):
        # Register j of A holds rows group (+8 for odd j), k columns
        # ks + per*tig (+half for j >= 2); B's register j holds k rows
        # ks + per*tig (+half for j = 1), column group.
        k_lo = w.add(w.mul(tig, per), w.index(ks))
        k_hi = w.add(k_lo, w.index(half))
        k_cols = {lo_hi: [w.add(base, w.index(x)) if x else base for x in range(per)]
                  for lo_hi, base in (("lo", k_lo), ("hi", k_hi))}
        a_frags = {}
        for mi, rb in row_base.items():
            r_lo = w.add(rb, group)
            r_hi = w.add(r_lo, w.index(8))
            coords = [[(r, c) for c in k_cols[h]] for r, h in ((r_lo, "lo"), (r_hi, "lo"), (r_lo, "hi"), (r_hi, "hi"))]
            a_frags[mi] = _fragment(w, "%As", a_smem, kind, coords, a_vec)
        b_frags = {}
        for ni, cb in col_base.items():
            col = w.add(cb, group)
            coords = [[(r, col) for r in k_cols[h]] for h in ("lo", "hi")]
            b_frags[ni] = _fragment(w, "%Bs", b_smem, kind, coords, b_vec)
        for t, (mi, ni) in enumerate(tiles):
            current[t] = w.op(f"nvgpu.mma.sync ({a_frags[mi]}, {b_frags[ni]}, {current[t]}) {kind.attrs} : "
                              f"({a_vec}, {b_vec}, {c_vec}) -> {c_vec}")
    w.line("gpu.barrier")
    w.line(f"scf.yield {', '.join(current)} : {types}")
    w.indent -= 2
    w.line("}")
    # Epilogue: element [h][x] of a 16x8 accumulator is row group + 8h, column 2 tig + x.
    col_in = w.mul(tig, 2)
    for t, (mi, ni) in enumerate(tiles):
        for h in range(2):
            gm = w.add(w.add(m0, row_base[mi]), w.add(group, w.index(8 * h)))
            for x in range(2):
                gn = w.add(w.add(n0, col_base[ni]), w.add(col_in, w.index(x)))
                conds = ([w.less(gm, spec.m)] if guard_m else []) + ([w.less(gn, spec.n)] if guard_n else [])
                opened = w.begin_if(conds)
                index = spec.c_index(batch_ivs, gm, gn)
                part = w.op(f"vector.extract {result}#{t}[{h}, {x}] : f32 from {c_vec}")
                old = w.op(f"memref.load %C[{index}] : {tC}")
                new = w.op(f"arith.addf {old}, {part} : f32")
                w.line(f"memref.store {new}, %C[{index}] : {tC}")
                w.end_if(opened)
    w.line("gpu.terminator")
    body = "\n".join(w.lines)
    return f"{w.constants_text()}\n{header}\n{body}\n  }}"


@register_pass("gpu-matmul-mma-sync", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Map fp16 (and with tf32=true f32) matmul-like generics to nvgpu.mma.sync tensor-core kernels."""
    for op in ops_in(root, "linalg.generic"):
        spec = match_matmul(op)
        kind = mma_kind(spec, options.tf32) if spec is not None else None
        if kind is not None:
            splice_kernel(spec, kernel_text(spec, kind))

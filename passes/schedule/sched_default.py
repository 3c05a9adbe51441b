"""sched-default: give every kernel without a schedule the analytical default one.

Runs on tg after `tg-fuse-kernels`. For an f32 matrix-product kernel (anchor
``tg.matmul`` or ``tg.gemm``) it writes the register-blocked schedule of
``shared/reference/cpu-kernels``, sized from the shapes and the host CPU
(``polytile.schedules.host``):

* ``sched.pack`` of operand 1 (B) into column strips of ``nr`` = two vector
  registers (32 floats with AVX-512, 16 with AVX2), or one (or half of one) when
  that divides N and padding N to a wider strip would not be clearly faster; an N
  that no strip divides (e.g. 197 tokens) is padded with zero columns;
* a first tile level of register tiles ``mr x nr`` whose column strips run
  on ``threads`` threads (``sched.parallel``; 0 = all cores);
* an inner level adding the reduction step ``kc`` (4, or 2/1 when K is not a
  multiple of 4), ``mr`` the largest of 8, 7, 6, 4, 3, 2, 1 dividing M whose
  ``mr x nr`` accumulators, ``nr`` loaded vectors and a broadcast fit the vector
  registers (``register_rows``: 8 rows with AVX-512's 32, 6 with AVX2's 16; 7 with
  one reloaded vector when nothing from 4 to 6 divides M); an M with no divisor of 4 or
  more (e.g. 197, per batch too) is padded with zero rows to a taller tile;
* ``sched.fuse consumers`` (bias, activation and residual epilogue in registers;
  not when rows or columns are padded: the epilogue then runs after the product on
  the unpadded result) and ``sched.vectorize``. No ``sched.interchange``: the packed
  tile loops already run column strips outermost (each strip of B stays in cache
  for all row tiles).

For an f32 2-d convolution (groups 1, depthwise, or grouped with stride 1 and
static shapes) it writes a channels-last schedule (``conv_schedule``): weights
packed ``HWCF``, register tiles of output columns x output channels (within one
group), output rows split over the threads. The columns fit the vector registers
(``conv_columns``): a divisor of OW from 4 up, else OW is rounded up to the tile by
the lowering (13 -> 15). With dynamic N, H or W (static channels and weights) the
register tiles are one output column wide, so that no tile is partial.

Other kernels get no schedule yet and keep the plain loop lowering (element-wise
loops are vectorized by LLVM): reductions, element-wise kernels, integer and
16-bit products, strided grouped and 1-d/3-d convolutions. Kernels that already
have a schedule (hand-written, ``--schedule``) are left alone.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from mlir import ir

from polytile.pass_registry import PassError, option, register_pass
from polytile.dialects import op_table
from polytile.passes.common.kernels import anchor_of, kernel_funcs
from polytile.schedules.host import host_cpu, vector_registers

MR_CHOICES = (8, 7, 6, 4, 3, 2, 1)  # 7: 7x7 and 14x14 images (49 and 196 rows)


def register_rows(vectors_per_row: int, vector_bits: int = 0, spill: bool = False) -> int:
    """The most rows of a register tile whose rows are ``vectors_per_row`` vectors each:
    its accumulators, one loaded vector per column and one broadcast operand fit the
    vector registers. With ``spill``, one more row whose loaded vectors LLVM then keeps
    in memory (a few reloads per step: still better than a tile half as tall).
    With AVX2's 16 registers a tile of 8 rows x 2 vectors spilled accumulators on
    every step (mm1024 at 42% of the FMA peak; 63-73% with 6 or 4 rows)."""
    registers = vector_registers(vector_bits)
    free = registers - 2 if spill else registers - 1 - vectors_per_row
    return max(1, free // vectors_per_row)


def tile_rows(extent: int, vectors_per_row: int, vector_bits: int = 0) -> int:
    """The rows of a register tile over ``extent`` rows, one of MR_CHOICES dividing it, so that no tile is partial: the largest that fits the
    registers, or, when that is under 4, the largest that fits with one spilled row
    (e.g. 7 for 7x7 images)."""
    fit = next(r for r in MR_CHOICES if r <= register_rows(vectors_per_row, vector_bits) and extent % r == 0)
    if fit >= 4:
        return fit
    tight = register_rows(vectors_per_row, vector_bits, spill=True)
    return next((r for r in MR_CHOICES if 4 <= r <= tight and extent % r == 0), fit)


from polytile.dialects.tg import DIM_SYMBOLS_ATTR  # noqa: E402  (what dim-bounds matches)


@dataclasses.dataclass(frozen=True)
class Options:
    threads: int = option(0, "Threads per kernel (0: all cores of the host)")
    vector_bits: int = option(0, "Vector register width in bits (0: the host's)")
    dim_bounds: tuple[str, ...] = option((), "Bounds of dynamic dims, name:low:high (e.g. seq:1:512)")


def parse_dim_bounds(entries) -> dict[str, tuple[int, int]]:
    """``("seq:1:512", ...)`` as ``{"seq": (1, 512)}``; ValueError when malformed."""
    bounds = {}
    for entry in entries:
        parts = entry.rsplit(":", 2)
        try:
            name, low, high = parts[0], int(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            raise ValueError(f"a dim bound is name:low:high, got '{entry}'") from None
        if not name or not 0 <= low <= high:
            raise ValueError(f"a dim bound needs a name and 0 <= low <= high, got '{entry}'")
        bounds[name] = (low, high)
    return bounds


def _rows_bound(anchor: ir.Operation, bounds: dict) -> Optional[int]:
    """The most rows (M) a matrix product with dynamic rows can have, from the bounds
    of the dim symbols of A (``tg.dim_symbols``); None when a dim is unbounded."""
    if not bounds or DIM_SYMBOLS_ATTR not in anchor.attributes:
        return None
    symbols = [ir.StringAttr(a).value for a in ir.ArrayAttr(anchor.attributes[DIM_SYMBOLS_ATTR])]
    a = _shape(anchor.operands[0])
    if anchor.name == "tg.gemm":
        rows = [1 if ir.IntegerAttr(anchor.attributes["transA"]).value else 0]
    else:
        rows = list(range(len(a) - 1))
    total = 1
    for i in rows:
        if a[i] != ir.ShapedType.get_dynamic_size():
            total *= a[i]
        elif i < len(symbols) and symbols[i] in bounds:
            total *= bounds[symbols[i]][1]
        else:
            return None
    return total


def _shape(value: ir.Value) -> list[int]:
    return list(ir.RankedTensorType(value.type).shape)


def _matmul_dims(anchor: ir.Operation) -> Optional[tuple[list[int], Optional[int], int, int, Optional[int]]]:
    """(batch dims, M, N, K, rows multiple) of a matmul/gemm anchor of f32, else None.
    M is None when it is dynamic (rows of A that the packed lowering pads to the
    register tile); every other dim must be static: for a matmul with dynamic rows
    or batch dims, B is 2-d (the rows of every batch form one M) and the batch dims
    are returned as 1. The rows multiple is A's static row count when only its batch
    dims are dynamic (M is a multiple of it; sched-verify checks the register tile
    against it), else None."""
    if str(ir.RankedTensorType(anchor.results[0].type).element_type) != "f32":
        return None
    dynamic = ir.ShapedType.get_dynamic_size()
    a, b = (_shape(v) for v in anchor.operands[:2])
    if dynamic in b:
        return None
    if anchor.name == "tg.gemm":
        trans_a = ir.IntegerAttr(anchor.attributes["transA"]).value
        m, k = (a[1], a[0]) if trans_a else (a[0], a[1])
        if k == dynamic or (m == dynamic and trans_a):
            return None
        n = _shape(anchor.results[0])[1]
        return [], None if m == dynamic else m, n, k, None
    if len(a) < 2 or len(b) < 2:
        return None
    batch = _shape(anchor.results[0])[:-2]
    if dynamic in a:
        if a[-1] == dynamic or len(b) != 2:
            return None
        return [1] * len(batch), None, b[-1], a[-1], None if a[-2] == dynamic else a[-2]
    return batch, a[-2], b[-1], a[-1], None


def matmul_schedule(kernel: str, batch: list[int], m: Optional[int], n: int, k: int, threads: int,
                    vector_bits: int = 0, rows_bound: Optional[int] = None,
                    rows_multiple: Optional[int] = None, pad_rows: bool = False,
                    pad_columns: bool = False):
    """The default schedule of a matrix product, or None when no register tile fits.
    A dynamic ``m`` (None; its rows are padded to the register tile) gets the largest
    register tile (the typical size: many rows), or, when ``rows_bound`` (from the
    dim bounds) is below it, the smallest tile that holds them all (less padding).
    When ``m`` is a dynamic multiple of ``rows_multiple`` (a dynamic batch of
    ``rows_multiple`` static rows each), the register tile divides ``rows_multiple``,
    as for a static ``m``: the schedule's tiles are checked against the anchor's static
    row loop, and no row is padded.

    ``pad_rows`` / ``pad_columns``: the packed lowering of the anchor pads a static ``m``
    / ``n`` with zeros to the register tile (``sched_rules.pads_rows`` / ``pads_columns``),
    so a static ``m`` with no divisor of 4 or more rows (e.g. 197 tokens) gets a tall
    tile, and ``n`` gets the column strip of least work (``column_strip``: padded when no
    strip divides it, or when that is clearly faster; without ``pad_columns`` a strip
    dividing ``n`` or None). A schedule that pads the result (or has dynamic rows) has no
    ``sched.fuse``: the epilogue reads the result without its padding, after the product."""
    from polytile.dialects import sched
    lanes = (vector_bits or host_cpu().vector_bits) // 32
    # (no padding of a product narrower than one vector: its strip would be mostly zeros)
    nr = column_strip(n, lanes, pad_columns and n >= lanes)
    if nr is None:
        return None
    vectors = max(1, nr // lanes)
    choices = [r for r in MR_CHOICES if r <= register_rows(vectors, vector_bits)]
    if m is None and rows_multiple is not None:
        mr = tile_rows(rows_multiple, vectors, vector_bits)
    elif m is None:
        mr = min((r for r in choices if rows_bound is not None and r >= rows_bound),
                 default=choices[0])
    else:
        mr = tile_rows(m, vectors, vector_bits)
        if pad_rows and mr < 4 and m > 8:
            mr = padded_rows(m, [r for r in choices if r >= 4], -(-n // nr), threads)
    kc = next(s for s in (4, 2, 1) if k % s == 0)
    nb = len(batch)
    ones = [1] * nb
    # a padded result (dynamic rows are always padded) is a slice of the product: the
    # epilogue reads it after the product, not in the register tile
    padded = n % nr != 0 or m is None or m % mr != 0
    return sched.Schedule(kernel, [
        sched.Pack(operand=1, tiles=(nr,)),
        sched.Tile(sizes=tuple(ones + [mr, nr, 0])),
        sched.Parallel(dims=(nb + 1,), threads=threads),
        sched.Tile(sizes=tuple(ones + [mr, nr, kc])),
        *([] if padded else [sched.Fuse(consumers=True, producers=())]),
        sched.Vectorize(width=lanes),
    ])


#: Time per column of a register tile whose column strip is one vector, or half a vector,
#: relative to a strip of two vectors (fewer accumulators per loaded operand; measured on
#: AVX2: [197, 192] @ [192, 100] took 0.124 ms with strips of 16 columns padded to 112,
#: 0.164 ms with 8 (104), 0.300 ms with 4 (no padding)).
STRIP_COST = {2.0: 1.0, 1.0: 1.4, 0.5: 2.7}
#: A padded strip is taken over a strip dividing N only when it saves this much of the
#: work: padding costs the fused epilogue (it then runs after the product).
PAD_GAIN = 0.85


def column_strip(n: int, lanes: int, pad: bool = False) -> Optional[int]:
    """The column strip ``nr`` of a product with ``n`` columns: two vectors, one or half of
    one (at least 4 columns) dividing ``n``, the widest first; with ``pad`` (the packed
    lowering pads B with zero columns) the strip of least work (``STRIP_COST`` per column
    of ``n`` rounded up to the strip) when no strip divides ``n`` or when that saves
    ``PAD_GAIN`` of the work (e.g. 100 columns: strips of 16 padded to 112 rather than
    strips of 4). None when nothing fits."""
    strips = [w for w in (2 * lanes, lanes, lanes // 2) if w >= 4]
    exact = next((w for w in strips if n % w == 0), None)
    if not pad or n < 1:
        return exact

    def work(w: int) -> float:
        return -(-n // w) * w * STRIP_COST[w / lanes]

    best = min(strips, key=lambda w: (work(w), -w))
    if exact is not None and work(best) > PAD_GAIN * work(exact):
        return exact
    return best


def padded_rows(m: int, tall: list[int], column_strips: int, threads: int) -> int:
    """The register tile rows ``mr`` (one of ``tall``) for ``m`` rows that the packed lowering
    pads with zero rows to a multiple of it (e.g. 197 tokens, which nothing divides): the
    fewest padding rows, then the tallest tile; with several threads and a number of
    ``column_strips`` they do not divide, first a row tile count they divide (the threads
    split the row tiles evenly, else the kernel runs on one thread)."""
    threads = threads or host_cpu().cores
    split = threads > 1 and column_strips % threads != 0

    def cost(r: int):
        tiles = -(-m // r)
        return (split and tiles % threads != 0, tiles * r - m, -r)

    return min(tall, key=cost)


def largest_divisor(extent: int, limit: int) -> int:
    """The largest divisor of ``extent`` not above ``limit``."""
    return next(v for v in range(min(extent, limit), 0, -1) if extent % v == 0)


def conv_schedule(kernel: str, anchor: ir.Operation, threads: int, vector_bits: int = 0):
    """Channels-last register tiles for a 2-d f32 convolution (groups 1, depthwise, or
    grouped with stride 1 and static shapes), or None.

    Loops (n, f, oh, ow, c, kh, kw): ``owb`` output columns x ``fb`` output channels
    accumulate in registers (``fb`` = two vectors, or one, dividing F), the
    reduction steps over one kernel tap and ``cb`` input channels."""
    from polytile.dialects import sched
    from polytile.dialects.sched_rules import conv_shapes
    x, w, out = conv_shapes(anchor, static_only=False)  # NC-spatial order, also for tg.nhwc_conv
    dynamic = ir.ShapedType.get_dynamic_size()
    if str(ir.RankedTensorType(anchor.results[0].type).element_type) != "f32" or len(x) != 4 or \
            dynamic in [x[1]] + w + [out[1]]:
        return None
    if dynamic in x + out:
        # N, H, W known at run time: register tiles of one output column (tiles of a
        # dynamic dim would be partial, and the vectorizer needs static tiles)
        return _conv_tiles(sched, kernel, anchor, x, w, threads, vector_bits, owb=1)
    if anchor.name == "tg.conv" and _pointwise(anchor, x, w, out):
        lanes = (vector_bits or host_cpu().vector_bits) // 32
        return pointwise_conv_schedule(kernel, w[0], w[1], out, threads, lanes)
    return _conv_tiles(sched, kernel, anchor, x, w, threads, vector_bits, owb=None, out_width=out[3])


def _conv_tiles(sched, kernel: str, anchor: ir.Operation, x: list[int], w: list[int], threads: int,
                vector_bits: int, owb: Optional[int], out_width: int = 1):
    """The channels-last schedule with register tiles of ``owb`` output columns x ``fb``
    output channels (None for channels no vector width divides, and for grouped
    convolutions that `grouped_packable` rejects).
    ``owb`` None: the largest divisor of ``out_width`` up to 8 whose tile fits the
    vector registers."""
    group = ir.IntegerAttr(anchor.attributes["group"]).value
    depthwise = group == x[1] and w[1] == 1 and w[0] == x[1]
    if group != 1 and not depthwise and not grouped_packable(anchor, x, w, owb):
        return None
    lanes = (vector_bits or host_cpu().vector_bits) // 32
    f, cg = w[0], w[1]
    # a depthwise tile is one output column: up to four vectors of channels; a grouped
    # one's channels stay within one group
    widths = (4 * lanes, 2 * lanes, lanes, lanes // 2) if depthwise else (2 * lanes, lanes, lanes // 2)
    per_tile = f if group == 1 or depthwise else f // group
    fb = next((v for v in widths if v >= 4 and per_tile % v == 0), None)
    if fb is None:
        return None
    cb = 1 if depthwise else largest_divisor(cg, 16)
    if depthwise:
        # one output column per register tile: its taps are 1-d vector FMAs (wider tiles
        # become 2-d vectors, which lower element by element)
        owb = 1
    elif owb is None:
        owb = conv_columns(out_width, max(1, fb // lanes), vector_bits)
    return sched.Schedule(kernel, [
        sched.Pack(operand=1, tiles=(fb,)),
        sched.Tile(sizes=(1, fb, 1, owb, 0, 0, 0)),
        sched.Parallel(dims=(2,), threads=threads),
        sched.Tile(sizes=(1, fb, 1, owb, cb, 1, 1)),
        sched.Vectorize(width=lanes),
    ])


def grouped_packable(anchor: ir.Operation, x: list[int], w: list[int], owb: Optional[int]) -> bool:
    """Whether a grouped convolution (neither groups 1 nor depthwise) has the channels-last
    packed form (packed.grouped_nhwc_conv): static shapes (``owb`` None) and stride 1
    (its register tiles become a matrix product only when the tap's input columns are
    contiguous; strided grouped convolutions keep the plain loops)."""
    return owb is None and set(_ints(anchor, "strides")) == {1}


def conv_columns(out_width: int, vectors_per_column: int, vector_bits: int = 0) -> int:
    """Output columns of a convolution's register tile (of ``vectors_per_column`` vectors
    of channels each): the largest divisor of ``out_width`` up to 8 that fits the vector
    registers when it is at least 4; otherwise 4 or more columns that fit, with the
    fewest padding columns (the channels-last lowering rounds OW up to the tile: 13 ->
    15 with 5-column tiles, 7 -> 8 with 4); OW itself when under 4."""
    limit = min(8, register_rows(vectors_per_column, vector_bits))
    best = largest_divisor(out_width, limit)
    if best >= 4 or out_width < 4 or limit < 4:
        return best
    return min(range(4, limit + 1), key=lambda r: (-(-out_width // r) * r, -r))


def _ints(anchor: ir.Operation, name: str) -> list[int]:
    return list(ir.DenseI64ArrayAttr(anchor.attributes[name]))


def _pointwise(anchor: ir.Operation, x: list[int], w: list[int], out: list[int]) -> bool:
    """A 1x1, stride-1, unpadded, groups-1 convolution of one image."""
    return x[0] == 1 and w[2:] == [1, 1] and ir.IntegerAttr(anchor.attributes["group"]).value == 1 \
        and set(_ints(anchor, "strides")) == {1} and not any(_ints(anchor, "pads")) \
        and out[2:] == x[2:]


def pointwise_conv_schedule(kernel: str, f: int, c: int, out: list[int], threads: int, lanes: int):
    """A pointwise convolution as the product W[F, C] @ X[C, H*W]: X packed in strips of
    ``nr`` image positions (padded when H*W is not a multiple), ``mr`` output channels."""
    from polytile.dialects import sched
    hw = out[2] * out[3]
    # a strip width dividing H*W avoids padding, which would keep the epilogue out of the tile
    nr = next((w for w in (2 * lanes, lanes) if hw % w == 0), 2 * lanes if hw >= 4 * lanes else lanes)
    mr = tile_rows(f, nr // lanes, lanes * 32)
    kc = next(s for s in (4, 2, 1) if c % s == 0)
    return sched.Schedule(kernel, [
        sched.Pack(operand=0, tiles=(nr,)),
        sched.Tile(sizes=(1, mr, 1, out[3], 0, 0, 0)),
        sched.Parallel(dims=(1,), threads=threads),
        sched.Tile(sizes=(1, mr, 1, out[3], kc, 1, 1)),
        sched.Fuse(consumers=True, producers=()),
        sched.Vectorize(width=lanes),
    ])


#: Below this many flops a kernel runs on one thread: its parallel region's fork and join
#: (microseconds on a quiet machine, a scheduler tick on a loaded one) would cost more than
#: the second thread saves.
MIN_PARALLEL_FLOPS = 1 << 21


def kernel_flops(anchor: ir.Operation) -> Optional[int]:
    """Multiply-adds x 2 of a matmul/gemm/conv anchor with static shapes, else None."""
    from polytile.dialects.sched_rules import kernel_loops_of_anchor
    loops = kernel_loops_of_anchor(anchor)
    if loops is None or any(loop.extent is None for loop in loops):
        return None
    total = 2
    for loop in loops:
        total *= loop.extent
    return total


def default_schedule(kernel_func: ir.Operation, threads: int, vector_bits: int = 0,
                     dim_bounds: Optional[dict] = None):
    """The default schedule of one kernel function, or None (plain lowering);
    ``dim_bounds`` (symbol -> (low, high)) size the tiles of dynamic dims. A kernel of
    fewer than MIN_PARALLEL_FLOPS flops gets one thread."""
    anchor = anchor_of(kernel_func)
    flops = kernel_flops(anchor) if anchor is not None else None
    if flops is not None and flops < MIN_PARALLEL_FLOPS:
        threads = 1
    if anchor is not None and anchor.name in op_table.anchors_with_schedule("conv"):
        name = ir.StringAttr(kernel_func.attributes["sym_name"]).value
        return conv_schedule(name, anchor, threads, vector_bits)
    if anchor is None or anchor.name not in op_table.anchors_with_schedule("matmul"):
        return None
    dims = _matmul_dims(anchor)
    if dims is None:
        return None
    name = ir.StringAttr(kernel_func.attributes["sym_name"]).value
    batch, m, n, k, rows_multiple = dims
    rows_bound = _rows_bound(anchor, dim_bounds) if m is None else None
    # the packed product pads the rows of A and the columns of B to the register tile
    from polytile.dialects.sched_rules import pads_columns, pads_rows
    return matmul_schedule(name, batch, m, n, k, threads, vector_bits, rows_bound, rows_multiple,
                           pad_rows=pads_rows(anchor), pad_columns=pads_columns(anchor))


@register_pass("sched-default", options=Options)
def run(root: ir.Operation, options: Options) -> None:
    """Attach the analytical default schedule to every kernel that has none."""
    from polytile.dialects import sched
    existing = sched.schedules_in(root)
    try:
        bounds = parse_dim_bounds(options.dim_bounds)
    except ValueError as e:
        raise PassError(f"sched-default: {e}", root) from None
    block = root.regions[0].blocks[0]
    for fn in kernel_funcs(root):
        name = ir.StringAttr(fn.attributes["sym_name"]).value
        if name in existing:
            continue
        schedule = default_schedule(fn, options.threads, options.vector_bits, bounds)
        if schedule is not None:
            schedule.build(ir.InsertionPoint(block), loc=fn.location)

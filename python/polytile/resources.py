"""Compile-time resource bounds: the constant-folding budget and the memory check.

Folding budget
--------------
Constant folding (at import, ``importers/onnx/graph.py``, and in the
``tg-fold-constants`` pass) evaluates ops on compile-time constants with numpy.
Without a bound, a legal model (``ConstantOfShape`` to ``[200000, 200000]`` then
``ReduceSum``) would make the compiler allocate the 149 GiB the model only ever
computes at run time. The rule, shared by both places (:func:`fold_allowed`): an
op is folded only when the size of each of its results is known *before* it is
evaluated and is at most ``max(limit_bytes, largest_input_bytes)`` bytes, where
``largest_input_bytes`` is the size of the largest constant input that is held as
real data (a splat, which the IR stores as one element, counts as its one
element). So

* results up to the budget (:data:`DEFAULT_FOLD_LIMIT_BYTES`, 4 MiB) fold;
* a result no larger than a weight it is computed from (Transpose, Cast,
  Reshape, Relu of a weight; a weight times a small constant) folds whatever its
  size: folding weights costs no more memory than the weights themselves, and
  leaving them to run time would slow every inference down;
* anything else (a ``ConstantOfShape``/``Expand``/``Tile``/``Range`` to a big
  shape, a splat expanded by an element-wise op) stays a run-time op. Splats
  stay splats: a ``tg.constant`` splat attribute costs one element whatever its
  shape.

Memory check
------------
:func:`check_memory` runs on the bufferized module (the ``affine`` stage) and
raises :class:`ResourceError` when a buffer the compiled code will hold (an
intermediate result that was not fused away, whether it lives in the workspace
or is allocated on its own, or a model output) or all of them together exceed
the memory available (:func:`available_memory_bytes`), before anything of that
size is allocated (the JIT would otherwise map a workspace global of that size,
and ``CompiledModel.run`` allocate the outputs).
"""
from __future__ import annotations

import os
from typing import Iterable, Optional, Sequence

from polytile.diagnostics import PolytileError

# Constant folding makes results of at most this many bytes (weights excepted, see above).
DEFAULT_FOLD_LIMIT_BYTES = 4 << 20


class ResourceError(PolytileError):
    """The model needs more memory than the machine has (or than polytile allows
    itself at compile time). ``node`` is the ONNX node (or tensor) name behind
    the biggest offender, ``nbytes`` its size and ``available`` the bytes
    available, when known."""

    def __init__(self, message: str, node: Optional[str] = None, nbytes: Optional[int] = None,
                 available: Optional[int] = None, diagnostics=None):
        super().__init__(message, diagnostics)
        self.node = node
        self.nbytes = nbytes
        self.available = available


def format_bytes(n: int) -> str:
    """``160000000000`` -> ``149.0 GiB``."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------
# The folding rule
# ----------------------------------------------------------------------------

def fold_allowed(result_bytes: Iterable[Optional[int]], input_bytes: Iterable[int],
                 limit_bytes: int) -> bool:
    """Whether results of ``result_bytes`` (None: not known before evaluating)
    may be computed at compile time from constant inputs holding
    ``input_bytes`` bytes of data each (see the module docstring)."""
    allowed = max([int(limit_bytes)] + [int(b) for b in input_bytes])
    sizes = list(result_bytes)
    return all(s is not None and s <= allowed for s in sizes)


def check_fold_limit(limit_bytes, what: str = "fold_limit_bytes") -> int:
    """``limit_bytes`` as a non-negative int, else a PolytileError."""
    if isinstance(limit_bytes, bool) or not isinstance(limit_bytes, int) or limit_bytes < 0:
        raise PolytileError(f"{what} must be a non-negative integer (bytes), got {limit_bytes!r}")
    return limit_bytes


# ----------------------------------------------------------------------------
# Memory available
# ----------------------------------------------------------------------------

def _meminfo_available(path: str = "/proc/meminfo") -> Optional[int]:
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    parts = line.split()
                    return int(parts[1]) * 1024 if len(parts) >= 2 else None
    except (OSError, ValueError):
        return None
    return None


def _cgroup_available(root: str = "/sys/fs/cgroup") -> Optional[int]:
    """The room left under this process's cgroup v2 memory limit, if it has one."""
    try:
        with open("/proc/self/cgroup", encoding="ascii") as f:
            lines = f.read().splitlines()
        rel = next((l.split(":", 2)[2] for l in lines if l.startswith("0::")), None)
        if rel is None:
            return None
        folder = os.path.join(root, rel.lstrip("/"))
        with open(os.path.join(folder, "memory.max"), encoding="ascii") as f:
            limit = f.read().strip()
        if limit == "max":
            return None
        with open(os.path.join(folder, "memory.current"), encoding="ascii") as f:
            current = int(f.read().strip())
        return max(int(limit) - current, 0)
    except (OSError, ValueError, StopIteration, IndexError):
        return None


def _physical_memory() -> Optional[int]:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def available_memory_bytes() -> Optional[int]:
    """The bytes of memory this process can still use: ``MemAvailable`` of
    /proc/meminfo (or the physical memory where there is none), lowered to what
    a cgroup v2 memory limit leaves; None when nothing can be read."""
    found = [v for v in (_meminfo_available() or _physical_memory(), _cgroup_available())
             if v is not None]
    return min(found) if found else None


# ----------------------------------------------------------------------------
# The memory check on bufferized IR
# ----------------------------------------------------------------------------

def element_bytes(t) -> Optional[int]:
    from mlir import ir
    if isinstance(t, ir.IndexType):
        return 8
    if isinstance(t, (ir.IntegerType, ir.FloatType)):
        return (t.width + 7) // 8
    if isinstance(t, ir.ComplexType):
        inner = element_bytes(t.element_type)
        return None if inner is None else 2 * inner
    if isinstance(t, ir.VectorType) and t.has_static_shape:
        inner = element_bytes(t.element_type)
        return None if inner is None else _volume(t.shape) * inner
    return None


def _volume(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def shaped_bytes(t) -> Optional[int]:
    """Bytes of a statically shaped memref or tensor type, None otherwise."""
    from mlir import ir
    try:
        st = ir.ShapedType(t)
    except (TypeError, ValueError):
        return None
    if not st.has_rank or not st.has_static_shape:
        return None
    per = element_bytes(st.element_type)
    return None if per is None else _volume(st.shape) * per


def _name_of(loc) -> Optional[str]:
    from polytile.diagnostics import resolve_location
    resolved = resolve_location(loc)
    return resolved.name


_LOOPS = ("scf.for", "scf.parallel", "scf.forall", "scf.while", "affine.for", "affine.parallel",
          "omp.wsloop", "omp.parallel")


def _walk(op, in_loop: bool = False):
    for region in op.regions:
        for block in region.blocks:
            for child in block.operations:
                child = child.operation
                yield child, in_loop
                yield from _walk(child, in_loop or child.name in _LOOPS)


# Ops whose (memref) result is storage the compiled code allocates, and views
# into the workspace (each stands for one intermediate buffer).
_ALLOC_OPS = ("memref.alloc", "memref.alloca", "memref.view")


def held_buffers(module) -> list[tuple[Optional[str], int, str, bool]]:
    """(node name or None, bytes, op name, inside a loop) of each statically
    sized buffer the bufferized ``module`` allocates (``memref.alloc``/``alloca``)
    or carves out of the workspace (``memref.view``)."""
    found = []
    for op, in_loop in _walk(module.operation):
        if op.name not in _ALLOC_OPS:
            continue
        nbytes = shaped_bytes(op.results[0].type)
        if nbytes is None:
            continue
        found.append((_name_of(op.location), nbytes, op.name, in_loop))
    return found


def _workspace_bytes(module) -> int:
    from mlir import ir
    attr = module.operation.attributes
    try:
        return ir.IntegerAttr(attr["polytile.workspace_bytes"]).value
    except (KeyError, ValueError, TypeError):
        return 0


def check_memory(module, outputs: Sequence = (), available: Optional[int] = None) -> None:
    """Raise :class:`ResourceError` when ``module`` (bufferized: the ``affine``
    stage, or any point after ``one-shot-bufferize``) would hold one buffer, or
    buffers in total, larger than ``available`` bytes (default:
    :func:`available_memory_bytes`; no check when that is unknown).

    One buffer: an intermediate result (a ``memref.alloc``/``alloca``, or a
    ``memref.view`` of the workspace: the error names the ONNX node of its
    location) or a model output. ``outputs`` are the model's outputs (objects
    with ``name``, ``shape`` and ``dtype``, as ``TensorInfo``): the caller
    allocates them for every call. In total: the workspace
    (``polytile.workspace_bytes``), the outputs, every allocation outside loops
    and the largest one inside a loop. Constants (weights) are not counted: they
    are held already while compiling. Dynamically sized buffers are not
    counted."""
    import numpy as np

    if available is None:
        available = available_memory_bytes()
    if available is None:
        return
    buffers = held_buffers(module)
    items: list[tuple[str, Optional[str], int]] = []
    for name, nbytes, _, _ in buffers:
        items.append((f"node '{name}': result" if name else "an intermediate result", name, nbytes))
    out_bytes = 0
    for info in outputs:
        if not all(isinstance(d, (int, np.integer)) for d in info.shape):
            continue  # dynamically sized: not counted
        n = int(np.prod(info.shape, dtype=np.int64)) * np.dtype(info.dtype).itemsize
        out_bytes += n
        items.append((f"output '{info.name}': tensor", info.name, n))
    if not items:
        return
    what, node, biggest = max(items, key=lambda item: item[2])
    if biggest > available:
        raise ResourceError(f"{what} of {biggest} bytes ({format_bytes(biggest)}) does not fit in the "
                            f"{format_bytes(available)} of memory available",
                            node=node, nbytes=biggest, available=available)
    workspace = _workspace_bytes(module)
    allocs = [(n, in_loop) for _, n, op, in_loop in buffers if op != "memref.view"]
    other = sum(n for n, in_loop in allocs if not in_loop) + \
        max([n for n, in_loop in allocs if in_loop], default=0)
    total = workspace + out_bytes + other
    if total > available:
        raise ResourceError(f"the compiled model needs {total} bytes ({format_bytes(total)}: workspace "
                            f"{format_bytes(workspace)}, outputs {format_bytes(out_bytes)}, other buffers "
                            f"{format_bytes(other)}; the largest is {what.split(':')[0]}'s, "
                            f"{format_bytes(biggest)}), more than the {format_bytes(available)} of memory "
                            f"available", node=node, nbytes=total, available=available)


# The stage whose IR check_memory reads: bufferized, every buffer a memref.
CHECKED_STAGE = "affine"

"""Per-kernel profile of a compiled model on the CPU.

``profile(model)`` compiles the model twice from one import: once as
``polytile.compile`` does, once with `func-profile-calls` inserted between the
``affine`` and ``llvm`` stages (after `func-outline-loop-nests` has made every
loop nest a call of the entry function). It runs both on the same feeds,
interleaved, and returns per kernel the milliseconds and calls per run and the
share of the instrumented run's time, sorted by time::

    from polytile.profile import profile
    result = profile("model.onnx", repeats=10)
    print(result.table(top=30))

Kernel names are the outlined functions (``polytile_entry_kernel_<n>``); each
row also lists the graph-level kernels (`tg-fuse-kernels` functions such as
``conv_relu_0``) and the ONNX nodes its code comes from (found through the
locations of its call sites and of the ops inside it).
Times are wall-clock per call, read with ``rtclock`` (microsecond resolution),
so the instrumented run is a little slower than the plain one; both are given.
"""
from __future__ import annotations

import ctypes
import dataclasses
import statistics
import time
from typing import Optional

import numpy as np
from mlir import ir
from mlir.runtime import np_to_memref

from polytile import compiler, pipelines
from polytile.context import create_context
from polytile.diagnostics import PolytileError
from polytile.importers.onnx.graph import ModelSource
from polytile.passes.cpu import func_profile_calls
from polytile.runtime.jit import JitFunction
from polytile.targets import driver, get_target
from polytile.targets.cpu import CpuOptions, CpuTarget


@dataclasses.dataclass(frozen=True)
class KernelTime:
    """One kernel (callee of the entry function) in a profile."""

    name: str
    ms_per_run: float
    calls_per_run: float
    share: float  # of Profile.total_ms
    calls: int  # over all profiled runs
    nodes: tuple[str, ...] = ()  # ONNX node names at its call sites, then inside it
    groups: tuple[str, ...] = ()  # the tg-fuse-kernels kernels of those nodes


@dataclasses.dataclass
class Profile:
    """The result of :func:`profile`; ``rows`` are sorted by time, largest first."""

    rows: list[KernelTime]
    total_ms: float  # mean wall time of one instrumented run (seen from Python)
    uninstrumented_ms: float  # mean wall time of one run without instrumentation
    repeats: int
    feeds: dict
    outputs: list[np.ndarray]  # of the last instrumented run

    @property
    def kernels_ms(self) -> float:
        return sum(r.ms_per_run for r in self.rows)

    def table(self, top: int = 30) -> str:
        """The profile as text: the ``top`` kernels, then one "other" line."""
        lines = [f"{'kernel':<34} {'ms/run':>10} {'calls':>6} {'share':>7}  tg kernels (ONNX nodes)"]
        for row in self.rows[:top]:
            lines.append(f"{row.name:<34} {row.ms_per_run:10.3f} {row.calls_per_run:6g} "
                         f"{row.share:7.1%}  {_origin(row)}")
        rest = self.rows[top:]
        if rest:
            ms = sum(r.ms_per_run for r in rest)
            calls = sum(r.calls_per_run for r in rest)
            lines.append(f"{'other (%d kernels)' % len(rest):<34} {ms:10.3f} {calls:6g} "
                         f"{ms / self.total_ms if self.total_ms else 0.0:7.1%}")
        lines.append(f"{'kernels total':<34} {self.kernels_ms:10.3f}")
        lines.append(f"{'outside kernels (entry, call cost)':<34} {self.total_ms - self.kernels_ms:10.3f}")
        lines.append(f"{'run total (instrumented)':<34} {self.total_ms:10.3f}")
        lines.append(f"{'run total (not instrumented)':<34} {self.uninstrumented_ms:10.3f}")
        return "\n".join(lines)


def _short(names: tuple[str, ...], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit} more" if len(names) > limit else "")


def _origin(row: KernelTime) -> str:
    if not row.groups:
        return _short(row.nodes)
    return f"{_short(row.groups, 2)} ({_short(row.nodes)})"


def _tg_kernel_groups(module: ir.Module) -> dict[str, str]:
    """ONNX node name -> the `tg-fuse-kernels` kernel (``tg.kernel`` function) holding it."""
    groups: dict[str, str] = {}
    for op in module.body.operations:
        op = op.operation
        if op.name == "func.func" and "tg.kernel" in op.attributes:
            kernel = ir.StringAttr(op.attributes["sym_name"]).value
            names: list[str] = []
            op.walk(lambda o: (_location_names(o.location, names), ir.WalkResult.ADVANCE)[1],
                    ir.WalkOrder.PRE_ORDER)
            for name in names:
                groups.setdefault(name, kernel)
    return groups


def _location_names(location: ir.Location, out: list[str]) -> None:
    if location.is_a_name():
        if location.name_str not in out:
            out.append(location.name_str)
    elif location.is_a_fused():
        for inner in location.locations:
            _location_names(inner, out)
    elif location.is_a_callsite():
        _location_names(location.callee, out)


def _kernel_nodes(module: ir.Module, entry: str) -> dict[str, tuple[str, ...]]:
    """Callee name -> the ONNX node names on the locations of its call sites in
    ``entry`` (one per site), then on the ops inside it (ops fused into it)."""
    functions = {ir.StringAttr(op.operation.attributes["sym_name"]).value: op.operation
                 for op in module.body.operations if op.operation.name == "func.func"}
    names: dict[str, list[str]] = {}

    def visit_call(op):
        if op.name == "func.call":
            callee = ir.FlatSymbolRefAttr(op.attributes["callee"]).value
            _location_names(op.location, names.setdefault(callee, []))
        return ir.WalkResult.ADVANCE

    if entry in functions:
        functions[entry].walk(visit_call, ir.WalkOrder.PRE_ORDER)
    for callee, found in names.items():
        if callee in functions:
            functions[callee].walk(lambda op: (_location_names(op.location, found),
                                               ir.WalkResult.ADVANCE)[1], ir.WalkOrder.PRE_ORDER)
    return {k: tuple(v) for k, v in names.items()}


def _clone(module: ir.Module) -> ir.Module:
    copy = ir.Module.create()
    attributes = module.operation.attributes
    for i in range(len(attributes)):
        named = attributes[i]
        copy.operation.attributes[named.name] = named.attr
    for op in module.body.operations:
        op.operation.clone(ir.InsertionPoint(copy.body))
    return copy


def _jit(module: ir.Module, options: CpuOptions) -> JitFunction:
    return JitFunction(module, pipelines.ENTRY_POINT, opt_level=options.opt_level,
                       parallel=CpuTarget.parallel(module, options))


def random_feeds(inputs, seed: int = 0) -> dict:
    """Random inputs: standard normal floats, 0/1 booleans, small integers."""
    rng = np.random.default_rng(seed)
    feeds = {}
    for info in inputs:
        if np.issubdtype(info.dtype, np.floating):
            feeds[info.name] = rng.standard_normal(info.shape).astype(info.dtype)
        elif info.dtype == np.bool_:
            feeds[info.name] = rng.integers(0, 2, info.shape).astype(np.bool_)
        else:
            feeds[info.name] = rng.integers(0, 100, info.shape).astype(info.dtype)
    return feeds


def _read_counters(function: JitFunction, n: int) -> tuple[np.ndarray, np.ndarray]:
    seconds = np.zeros(n, np.float64)
    counts = np.zeros(n, np.int64)
    descriptors = [np_to_memref.get_ranked_memref_descriptor(a) for a in (seconds, counts)]
    function.engine.invoke(func_profile_calls.READ_FUNCTION,
                           *[ctypes.pointer(ctypes.pointer(d)) for d in descriptors])
    return seconds, counts


def profile(model: ModelSource, input_shapes: Optional[dict] = None, threads: Optional[int] = None,
            repeats: int = 10, feeds: Optional[dict] = None, opt_level: int = 3,
            **compile_options) -> Profile:
    """Profile ``model`` per kernel over ``repeats`` runs (after one warm-up).

    ``threads`` (None: every core), ``opt_level`` and ``compile_options`` are
    options of the CPU target (``polytile.targets.CpuOptions``, e.g.
    ``polyhedral="tile-sizes=32"``), as in ``polytile.compile``. ``feeds``
    default to random inputs (seed 0).
    """
    if repeats < 1:
        raise PolytileError(f"repeats must be at least 1, got {repeats}")
    target = get_target("cpu")
    options = target.make_options(threads=threads, opt_level=opt_level, **compile_options)
    context = create_context()
    try:
        compilation = driver.import_model(context, model, input_shapes, target, options, loading=True)
        inputs, outputs = compilation.inputs, compilation.outputs
        module = compilation.module
        driver.lower(compilation, "sched")  # kernels are formed on the way to `sched`
        with context, ir.Location.unknown():
            groups = _tg_kernel_groups(module)
        driver.lower(compilation, "affine")
        with context, ir.Location.unknown():
            plain = driver.Compilation(target, options, context, _clone(module), "affine",
                                       compiler.CompileTimes(), True, inputs, outputs)
            nodes = _kernel_nodes(module, pipelines.ENTRY_POINT)
            driver.run_passes(module, [f"func-profile-calls{{entry={pipelines.ENTRY_POINT}}}"])
            callees = [ir.StringAttr(a).value
                       for a in ir.ArrayAttr(module.operation.attributes[func_profile_calls.CALLEES_ATTR])]
        driver.lower(compilation, "llvm")
        driver.lower(plain, "llvm")
        with context:
            instrumented = _jit(module, options)
            uninstrumented = _jit(plain.module, options)
    finally:
        from polytile.dialects.irdl_spec import release_dialects
        release_dialects(context)

    model_runner = compiler.CompiledModel(instrumented, inputs, outputs, compiler.CompileTimes(), lambda: "")
    plain_runner = compiler.CompiledModel(uninstrumented, inputs, outputs, compiler.CompileTimes(), lambda: "")
    feeds = random_feeds(inputs) if feeds is None else feeds
    model_runner.run(feeds)  # warm-up (also checks the feeds)
    plain_runner.run(feeds)
    instrumented.engine.invoke(func_profile_calls.RESET_FUNCTION)
    times, plain_times, results = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        results = model_runner.run(feeds)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        plain_runner.run(feeds)
        plain_times.append(time.perf_counter() - start)
    seconds, counts = _read_counters(instrumented, len(callees))

    total_ms = statistics.fmean(times) * 1e3
    rows = [KernelTime(name=name, ms_per_run=float(s) * 1e3 / repeats, calls_per_run=int(c) / repeats,
                       share=(float(s) * 1e3 / repeats) / total_ms if total_ms else 0.0, calls=int(c),
                       nodes=nodes.get(name, ()),
                       groups=tuple(dict.fromkeys(groups[n] for n in nodes.get(name, ()) if n in groups)))
            for name, s, c in zip(callees, seconds, counts)]
    rows.sort(key=lambda r: r.ms_per_run, reverse=True)
    return Profile(rows=rows, total_ms=total_ms, uninstrumented_ms=statistics.fmean(plain_times) * 1e3,
                   repeats=repeats, feeds=feeds, outputs=results)

"""The ``cpu`` target: stages ``tg -> sched -> linalg -> affine -> llvm`` (the
recipes of ``polytile.pipelines``), loaded by the JIT as a :class:`CompiledModel`."""
from __future__ import annotations

import dataclasses
import time
from typing import Optional

from polytile import pipelines
from polytile.targets.base import target_error, Target, TargetOptions, register_target

THREADS_ATTR = "polytile.threads"  # on the module from the affine -> llvm step: the threads it uses


@dataclasses.dataclass(frozen=True)
class CpuOptions(TargetOptions):
    """Options of the CPU target (besides the shared ones)."""

    threads: Optional[int] = None  # threads the kernels may use (None or 0: every core)
    polyhedral: Optional[str] = None  # affine-polyhedral-schedule options ("" its defaults) for every nest
    # bounds of dynamic input dims by name, {"seq": (1, 512)}: the default scheduler sizes the
    # tiles of dynamic dims from them, and the compiled model refuses feeds outside them
    dim_bounds: Optional[dict] = None


class CpuTarget(Target):
    name = "cpu"
    stages = pipelines.STAGES
    options_type = CpuOptions
    description = ("tg (graph after graph passes), sched (kernels and their schedules), linalg "
                   "(structured ops on tensors), affine (bufferized loops), llvm (LLVM dialect)")

    def check_options(self, options: CpuOptions) -> None:
        super().check_options(options)
        if options.threads is not None and (not isinstance(options.threads, int) or options.threads < 0):
            raise target_error(f"threads must be an integer >= 0, got {options.threads!r}")
        if options.polyhedral is not None and not isinstance(options.polyhedral, str):
            raise target_error(f"polyhedral must be an options string, got {options.polyhedral!r}")
        for name, bound in (options.dim_bounds or {}).items():
            ok = isinstance(name, str) and name and isinstance(bound, (tuple, list)) and len(bound) == 2 and \
                all(isinstance(v, int) for v in bound) and 0 <= bound[0] <= bound[1]
            if not ok:
                raise target_error(f"dim_bounds maps a dim name to (low, high) with 0 <= low <= high, "
                                   f"got {name!r}: {bound!r}")

    def step_passes(self, stage: str, options: CpuOptions) -> list[str]:
        return pipelines.stage_passes(stage, self.next_stage(stage), options.polyhedral, options.threads,
                                      options.dim_bounds)

    hook_stages = ("affine",)

    def before_step(self, compilation, stage: str) -> None:
        from polytile import resources
        if stage == resources.CHECKED_STAGE:
            # Bufferized: a model that cannot fit fails here, before the JIT or a
            # call allocates anything of that size.
            resources.check_memory(compilation.module, compilation.outputs or ())
        if stage == "affine":
            from mlir import ir
            threads = pipelines.resolve_threads(compilation.options.threads)
            compilation.module.operation.attributes[THREADS_ATTR] = ir.IntegerAttr.get(
                ir.IntegerType.get_signless(64), threads)

    @staticmethod
    def parallel(module, options: CpuOptions) -> bool:
        """Whether the LLVM-dialect ``module`` runs kernels on several threads."""
        from mlir import ir
        if THREADS_ATTR in module.operation.attributes:
            return ir.IntegerAttr(module.operation.attributes[THREADS_ATTR]).value > 1
        return pipelines.resolve_threads(options.threads) > 1

    def load(self, compilation):
        from polytile import isolation
        from polytile.compiler import CompiledModel
        from polytile.runtime.jit import JitFunction

        inputs, outputs = compilation.require_io()
        module, times = compilation.module, compilation.times
        if isolation.handing_off():  # in an isolated child: the parent JIT-compiles
            return isolation.hand_off(module, inputs, outputs, times)
        start = time.perf_counter()
        function = JitFunction(module, pipelines.ENTRY_POINT, opt_level=compilation.options.opt_level,
                               parallel=self.parallel(module, compilation.options))
        times.jit_s = time.perf_counter() - start
        # Kept as bytecode (5x faster to write than text), printed on demand.
        model = CompiledModel(function, inputs, outputs, times,
                              isolation.lazy_text(isolation.module_bytecode(module)))
        model.dim_bounds = _checked_bounds(compilation.options.dim_bounds, inputs)
        return model


def _checked_bounds(bounds: Optional[dict], inputs) -> dict:
    """``bounds`` after checking that each names a dynamic input dim."""
    names = {d for info in inputs for d in info.shape if isinstance(d, str)}
    for name in bounds or {}:
        if name not in names:
            raise target_error(f"dim_bounds names '{name}', which is no dynamic dim of the model's inputs "
                               f"({', '.join(sorted(names)) or 'it has none'})")
    return dict(bounds or {})


CPU = register_target(CpuTarget())

"""Compilation targets and the one driver that runs them.

* :mod:`polytile.targets.base`: :class:`Target` (stages, options dataclass,
  per-step recipes, ``emit``, ``load``) and the registry;
* :mod:`polytile.targets.cpu` (``cpu``, :class:`CpuOptions`) and
  :mod:`polytile.targets.cuda` (``cuda``, :class:`~polytile.gpu.pipelines.GpuOptions`);
* :mod:`polytile.targets.driver`: :func:`~polytile.targets.driver.drive`, which
  ``polytile.compile``, the CLIs, the profiler and the isolated child all use.

Importing this package loads no MLIR.
"""
from polytile.targets.base import (Target, TargetOptions, all_targets, get_target, register_target,
                                   target_names)

__all__ = ["CpuOptions", "GpuOptions", "Target", "TargetOptions", "all_targets", "get_target",
           "register_target", "target_names"]


def __getattr__(name: str):
    # Imported on first use: polytile.gpu.pipelines imports polytile.targets.base.
    if name == "CpuOptions":
        from polytile.targets.cpu import CpuOptions
        return CpuOptions
    if name == "GpuOptions":
        from polytile.gpu.pipelines import GpuOptions
        return GpuOptions
    raise AttributeError(f"module 'polytile.targets' has no attribute '{name}'")

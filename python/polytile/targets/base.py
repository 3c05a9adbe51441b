"""What a compilation target is, and the registry of targets.

A :class:`Target` names its stages in order (``tg`` first, the last one is what
:meth:`Target.load` turns into a runnable model), has a frozen options
dataclass (a subclass of :class:`TargetOptions`), gives the passes of each step
from one stage to the next (recipes in ``polytile.pipelines`` and
``polytile.gpu.pipelines``: plain functions returning one pass per line), prints
a stage (:meth:`Target.emit`) and loads a fully lowered module
(:meth:`Target.load`). The driver (``polytile.targets.driver``) runs every target
the same way; a new target (an ahead-of-time deployment target, say) is a
subclass registered with :func:`register_target`.

This module imports no MLIR: ``polytile-compile --help`` lists the stages of
every target from here.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Callable, Optional, Union


def target_error(message: str) -> Exception:
    """A PolytileError (imported here on first use: polytile.diagnostics loads MLIR)."""
    from polytile.diagnostics import PolytileError
    return PolytileError(message)


# A .mlir file (path or text) of sched ops, a dict kernel name -> sched.Schedule,
# or a hook (kernel_name, kernel_func) -> sched.Schedule | None.
ScheduleSource = Union[None, str, "os.PathLike", dict, Callable]

# The pass after which user schedules are attached (kernels exist from then on).
ATTACH_SCHEDULES_AFTER = "tg-fuse-kernels"


@dataclasses.dataclass(frozen=True)
class TargetOptions:
    """Options every target takes."""

    opt_level: int = 3  # LLVM optimization level of the generated code
    fold_limit_bytes: Optional[int] = None  # constant-folding budget per result (None: 4 MiB)
    schedules: ScheduleSource = None  # user schedules, attached after tg-fuse-kernels


class Target:
    """A compilation target; subclasses set the class attributes and implement
    :meth:`step_passes`, :meth:`load` and, where a stage is not printed as its
    MLIR, :meth:`emit`."""

    name: str = ""
    stages: tuple[str, ...] = ()
    options_type: type = TargetOptions
    description: str = ""

    # ---- stages -----------------------------------------------------------
    @property
    def final_stage(self) -> str:
        return self.stages[-1]

    def check_stage(self, stage: str, what: str = "stage") -> str:
        if stage not in self.stages:
            raise target_error(f"unknown {what} '{stage}' for target '{self.name}' "
                                f"(stages: {', '.join(self.stages)})")
        return stage

    def next_stage(self, stage: str) -> str:
        return self.stages[self.stages.index(stage) + 1]

    def check_range(self, start: str, stop: str) -> None:
        """``start`` must come before ``stop`` (both stages of this target)."""
        self.check_stage(start)
        self.check_stage(stop)
        if self.stages.index(start) >= self.stages.index(stop):
            raise target_error(f"stage '{start}' does not come before stage '{stop}' for target "
                                f"'{self.name}' (stages in order: {', '.join(self.stages)})")

    def resumable(self, stage: str) -> bool:
        """Whether :meth:`emit` of ``stage`` prints MLIR that the driver can resume from."""
        return True

    # ---- options ----------------------------------------------------------
    def make_options(self, base: Optional[TargetOptions] = None, **given) -> TargetOptions:
        """The target's options: ``base`` (default: the defaults) with the fields in
        ``given`` replaced. A field this target's options do not have is an error
        naming the option and the target, as is a ``base`` of another target."""
        if base is None:
            base = self.options_type()
        elif not isinstance(base, self.options_type):
            raise target_error(f"options of type {type(base).__name__} given for target '{self.name}', "
                                f"which takes {self.options_type.__name__}")
        fields = {f.name for f in dataclasses.fields(self.options_type)}
        unknown = [name for name in given if name not in fields]
        if unknown:
            raise target_error(f"target '{self.name}' does not support the option"
                                f"{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                                f"(its options: {', '.join(sorted(fields))})")
        options = dataclasses.replace(base, **given) if given else base
        self.check_options(options)
        return options

    def parse_option(self, text: str) -> tuple[str, object]:
        """``key=value`` (a command line's ``--target-option``) as (field name,
        value) of this target's options; only str, int and bool fields (keys in
        kebab-case, bools as true/false)."""
        import typing
        key, eq, value = text.partition("=")
        name = key.strip().replace("-", "_")
        hints = typing.get_type_hints(self.options_type)
        kinds = {str: str, int: int, bool: bool, Optional[int]: int, Optional[str]: str}
        settable = sorted(f.name.replace("_", "-") for f in dataclasses.fields(self.options_type)
                          if hints[f.name] in kinds)
        if not eq or name not in {k.replace("-", "_") for k in settable}:
            raise target_error(f"invalid target option '{text}' for target '{self.name}': expected KEY=VALUE "
                               f"with KEY one of {', '.join(settable)}")
        kind = kinds[hints[name]]
        value = value.strip()
        if kind is bool:
            if value not in ("true", "false"):
                raise target_error(f"target option '{key}' takes true or false, got '{value}'")
            return name, value == "true"
        if kind is int:
            try:
                return name, int(value)
            except ValueError:
                raise target_error(f"target option '{key}' takes an integer, got '{value}'") from None
        return name, value

    def check_options(self, options: TargetOptions) -> None:
        """Raise PolytileError for option values the target cannot honour."""
        if options.fold_limit_bytes is not None:
            from polytile.resources import check_fold_limit
            check_fold_limit(options.fold_limit_bytes)

    # ---- pipelines --------------------------------------------------------
    def step_passes(self, stage: str, options: TargetOptions) -> list[str]:
        """The passes taking IR from ``stage`` to the next stage."""
        raise NotImplementedError

    def passes(self, start: str, stop: str, options: TargetOptions) -> list[str]:
        """The passes taking IR from ``start`` to ``stop`` (the concatenated steps)."""
        self.check_range(start, stop)
        out: list[str] = []
        for stage in self.stages[self.stages.index(start):self.stages.index(stop)]:
            out.extend(self.step_passes(stage, options))
        return out

    # Stages at which before_step looks at the IR (the driver runs the steps
    # between them as one pipeline).
    hook_stages: tuple[str, ...] = ()

    def before_step(self, compilation, stage: str) -> None:
        """Called by the driver with the IR at ``stage`` (one of :attr:`hook_stages`),
        before the step out of it runs (checks, or reading what a later step
        drops). Default: nothing."""

    # ---- results ----------------------------------------------------------
    def check_load(self, options: TargetOptions) -> None:
        """Raise PolytileError, before any work, when a model cannot be loaded
        here (e.g. no GPU driver). Default: nothing to check."""

    def emit(self, compilation, stage: str) -> str:
        """The text of ``stage`` (the IR at that stage): by default its MLIR."""
        return str(compilation.module)

    def load(self, compilation):
        """A runnable model from the IR at :attr:`final_stage`."""
        raise NotImplementedError


_REGISTRY: dict[str, Target] = {}


def register_target(target: Target) -> Target:
    """Add ``target`` to the registry under ``target.name``."""
    if not target.name or not target.stages or target.stages[0] != "tg":
        raise ValueError(f"a target needs a name and stages starting at 'tg': {target!r}")
    if target.name in _REGISTRY:
        raise ValueError(f"target '{target.name}' is already registered")
    _REGISTRY[target.name] = target
    return target


def get_target(name: str) -> Target:
    """The registered target ``name``; PolytileError listing the targets otherwise."""
    _ensure_builtin_targets()
    target = _REGISTRY.get(name)
    if target is None:
        raise target_error(f"target '{name}' is not supported (targets: {', '.join(target_names())})")
    return target


def target_names() -> list[str]:
    _ensure_builtin_targets()
    return list(_REGISTRY)


def all_targets() -> list[Target]:
    _ensure_builtin_targets()
    return list(_REGISTRY.values())


def _ensure_builtin_targets() -> None:
    import polytile.targets.cpu  # noqa: F401  (registers 'cpu')
    import polytile.targets.cuda  # noqa: F401  (registers 'cuda')

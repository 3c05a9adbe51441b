"""``polytile.compile``: ONNX model -> a callable running native code.

The model goes through the named stages of its target (``polytile.targets``;
for the CPU the recipes of ``pipelines.py``): import to tg, graph passes,
kernels and schedules, lowering to linalg, bufferization and loops, LLVM, then
the JIT. ``emit=<stage>`` stops early and returns the text of that stage
instead; ``start=<stage>`` resumes from the IR of a stage. The driver behind it
is ``polytile.targets.driver``; this module holds the user-facing entry point
and the CPU's compiled model.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Optional, Sequence

import numpy as np
from mlir import ir

from polytile.context import create_context
from polytile.diagnostics import PolytileError
from polytile.importers.onnx import TensorInfo
from polytile.importers.onnx.graph import ModelSource
from polytile.targets.base import ScheduleSource, TargetOptions
from polytile.targets.driver import run_passes



class InputError(PolytileError):
    """Feeds handed to a compiled model do not match its inputs."""


@dataclasses.dataclass
class CompileTimes:
    """Seconds spent per step of a compilation."""

    import_s: float = 0.0
    passes_s: float = 0.0
    jit_s: float = 0.0

    @property
    def total_s(self) -> float:
        return self.import_s + self.passes_s + self.jit_s


class ModelIO:
    """What every runnable model has (``CompiledModel``, and a library loaded with
    ``polytile.load``): ``inputs``/``outputs`` (TensorInfo lists), ``dim_bounds`` (dim name
    -> (low, high)), the checks of a ``run``'s feeds, and the choice of outputs by name."""

    inputs: list
    outputs: list
    dim_bounds: dict

    @property
    def input_names(self) -> list[str]:
        return [i.name for i in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [o.name for o in self.outputs]

    def _check_feeds(self, feeds: dict) -> list[np.ndarray]:
        if not isinstance(feeds, dict):
            raise InputError(f"feeds must be a dict of input name -> numpy array, got {type(feeds).__name__}")
        unknown = sorted(set(feeds) - set(self.input_names), key=repr)
        if unknown:
            raise InputError(f"unknown input name(s) {unknown}; the model's inputs are {self.input_names}")
        arrays = []
        for info in self.inputs:
            if info.name not in feeds:
                raise InputError(f"missing input '{info.name}' (shape {_shown(info.shape)}, dtype {info.dtype})")
            value = _as_array(info.name, feeds[info.name])
            if value.dtype != info.dtype:
                raise InputError(f"input '{info.name}' has dtype {value.dtype}, expected {info.dtype}")
            arrays.append(np.require(value, requirements="C"))  # keeps 0-d arrays 0-d
        check_input_shapes(self.inputs, arrays, self.dim_bounds)
        check_input_values(self.inputs, arrays)
        return arrays

    def _select_outputs(self, outputs: list, wanted: Optional[Sequence[str]]) -> list:
        """``outputs`` (in model order), or those named in ``wanted`` in its order;
        InputError for a name the model has no output of."""
        if wanted is None:
            return outputs
        by_name = dict(zip(self.output_names, outputs))
        missing = [n for n in wanted if n not in by_name]
        if missing:
            raise InputError(f"unknown output name(s) {missing}; the model's outputs are {self.output_names}")
        return [by_name[n] for n in wanted]


class CompiledModel(ModelIO):
    """A model compiled for the CPU; ``run(feeds)`` mirrors onnxruntime's
    ``InferenceSession.run(None, feeds)``.

    Thread safety: ``run`` may be called from any number of threads at once, as
    onnxruntime's ``InferenceSession.run`` may. Every call gets its own outputs and
    its own workspace for the intermediates (from a pool that grows to the peak
    number of concurrent calls: each costs ``workspace_bytes`` bytes, kept for
    later calls). The native code runs without the GIL, so calls from several
    Python threads compute in parallel (each also using the ``threads`` the model
    was compiled for).
    """

    def __init__(self, function, inputs: Sequence[TensorInfo], outputs: Sequence[TensorInfo],
                 times: CompileTimes, module_text_fn):
        self._function = function
        # dim name -> (low, high): the dim_bounds the model was compiled with, checked at the door
        self.dim_bounds: dict = {}
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.compile_times = times
        self._module_text_fn = module_text_fn

    @property
    def workspace_bytes(self) -> int:
        """Bytes of intermediate storage one call needs (one such buffer per concurrent call)."""
        return getattr(self._function, "workspace_bytes", 0)

    def _outputs_for(self, arrays: list[np.ndarray]) -> list[np.ndarray]:
        """Fresh output arrays; their dynamic dims come from the compiled shapes entry
        (which says itself which dims are dynamic; a CUDA model's outputs are static)."""
        sizes = self._function.result_dims(arrays) if getattr(self._function, "dynamic_result_dims", None) else {}
        outputs = []
        for r, info in enumerate(self.outputs):
            shape = tuple(sizes.get((r, k), d) for k, d in enumerate(info.shape))
            if not all(isinstance(d, int) for d in shape):
                raise PolytileError(f"output '{info.name}' has dims {_shown(info.shape)} that the compiled "
                                    f"code does not size (this is a bug in polytile)")
            outputs.append(np.empty(shape, dtype=info.dtype))
        return outputs

    def run(self, feeds: dict, output_names: Optional[Sequence[str]] = None) -> list[np.ndarray]:
        """Run on ``feeds`` (name -> array); returns the outputs in model order
        (or those named in ``output_names``)."""
        arrays = self._check_feeds(feeds)
        outputs = self._outputs_for(arrays)
        self._function(arrays + outputs)
        return self._select_outputs(outputs, output_names)

    __call__ = run


def _shown(shape) -> tuple:
    return tuple("?" if d is None else d for d in shape)


def check_input_shapes(inputs: Sequence[TensorInfo], arrays: Sequence[np.ndarray],
                       dim_bounds: Optional[dict] = None) -> None:
    """InputError unless every array has its input's rank and static dims, the dims
    that share a symbol (the model's ``dim_param``) are equal, and each named dim is
    within its ``dim_bounds`` (name -> (low, high)) when given."""
    seen: dict[str, tuple[str, int, int]] = {}
    for info, array in zip(inputs, arrays):
        if array.ndim != len(info.shape):
            raise InputError(f"input '{info.name}' has shape {tuple(array.shape)} (rank {array.ndim}), "
                             f"expected rank {len(info.shape)}: {_shown(info.shape)}")
        for k, (size, declared) in enumerate(zip(array.shape, info.shape)):
            if isinstance(declared, int):
                if size != declared:
                    raise InputError(f"input '{info.name}' has shape {tuple(array.shape)}, expected "
                                     f"{_shown(info.shape)}: dim {k} is {size} but the model requires {declared}")
            elif declared is not None:
                low, high = (dim_bounds or {}).get(declared, (0, size))
                if not low <= size <= high:
                    raise InputError(f"input '{info.name}' dim {k} ('{declared}') is {size}, outside the "
                                     f"bounds [{low}, {high}] the model was compiled with (dim_bounds)")
                first = seen.setdefault(declared, (info.name, k, size))
                if first[2] != size:
                    raise InputError(f"{info.name} dim {k} is {size} but {first[0]} dim {first[1]} is "
                                     f"{first[2]}; the model requires them equal (both are '{declared}')")


def check_input_values(inputs: Sequence[TensorInfo], arrays: Sequence[np.ndarray]) -> None:
    """InputError when an input read as axes or a count holds a value ONNX forbids
    (``importers/onnx/value_rules.py``)."""
    rules = {info.name: info.value_rules for info in inputs if info.value_rules}
    if not rules:
        return
    from polytile.importers.onnx.value_rules import violations
    message = violations(rules, {info.name: a for info, a in zip(inputs, arrays)})
    if message is not None:
        raise InputError(message)


def _as_array(name: str, value) -> np.ndarray:
    """``value`` as a numeric numpy array, or InputError (object arrays, strings, ragged lists)."""
    if not isinstance(value, np.ndarray):
        try:
            value = np.asarray(value)
        except (ValueError, TypeError) as e:
            raise InputError(f"input '{name}' is not an array of numbers ({e})") from None
    if value.dtype.kind not in "biuf" and value.dtype.type.__module__ != "ml_dtypes":  # bf16, float8, int4
        raise InputError(f"input '{name}' has dtype {value.dtype}; feeds must be numeric numpy arrays")
    return value


def lower(module: ir.Module, start: str, stop: str, polyhedral: Optional[str] = None,
          threads: Optional[int] = None, schedules: ScheduleSource = None) -> None:
    """Run the CPU target's stage pipelines from ``start`` to ``stop`` on ``module``
    in place (in its context); ``schedules`` (see :func:`compile`) are attached
    right after the kernels are formed."""
    from polytile.targets import driver, get_target
    target = get_target("cpu")
    options = target.make_options(polyhedral=polyhedral, threads=threads, schedules=schedules)
    target.check_range(start, stop)
    inputs, outputs = driver.read_io(module)
    driver.lower(driver.Compilation(target, options, module.context, module, start, CompileTimes(),
                                    False, inputs, outputs), stop)


def attach_schedules(module: ir.Module, schedules: ScheduleSource) -> None:
    """Attach user schedules to the module's kernels (before the default scheduler runs).

    ``schedules`` is a ``.mlir`` file path or text of ``sched`` ops, a dict
    ``kernel name -> sched.Schedule``, or a callable ``hook(kernel_name, kernel_func)``
    returning a ``sched.Schedule`` or None (None: the default schedule)."""
    from polytile.dialects import sched
    from polytile.passes.common.kernels import kernel_funcs
    if callable(schedules):
        chosen = {}
        for fn in kernel_funcs(module.operation):
            name = ir.StringAttr(fn.attributes["sym_name"]).value
            schedule = schedules(name, fn)
            if schedule is not None:
                chosen[name] = schedule
        schedules = chosen
    elif isinstance(schedules, dict):
        for key, schedule in schedules.items():
            if key != schedule.kernel:
                raise PolytileError(f"schedules['{key}'] is the schedule of kernel '{schedule.kernel}'")
    else:
        looks_like_path = isinstance(schedules, os.PathLike) or (
            isinstance(schedules, str) and "\n" not in schedules and schedules.strip().endswith(".mlir"))
        if looks_like_path and not os.path.isfile(schedules):
            raise PolytileError(f"no such schedule file: {os.fspath(schedules)}")
        schedules = sched.load_schedules(schedules, module.context)
    block = module.body
    for schedule in schedules.values():
        schedule.build(ir.InsertionPoint(block))


def import_to_tg(model: ModelSource, input_shapes: Optional[dict] = None,
                 fold_limit_bytes: Optional[int] = None):
    """Import an ONNX model and run the tg graph passes: the part of a
    compilation every target shares. Returns (context, module, inputs, outputs,
    times) with ``times.import_s`` and ``times.passes_s`` filled in; the caller
    owns the context (``polytile.dialects.irdl_spec.release_dialects`` when done).
    ``fold_limit_bytes`` (None: the default budget) bounds constant folding."""
    from polytile.targets import driver, get_target
    target = get_target("cpu")
    options = target.make_options(fold_limit_bytes=fold_limit_bytes)
    context = create_context()
    c = driver.import_model(context, model, input_shapes, target, options, loading=False)
    return context, c.module, c.inputs, c.outputs, c.times


def compile(model, target: str = "cpu", input_shapes: Optional[dict] = None,
            emit: Optional[str] = None, opt_level: Optional[int] = None, polyhedral: Optional[str] = None,
            threads: Optional[int] = None, schedules: ScheduleSource = None,
            isolate: bool = False, crash_reproducer: Optional[str] = None,
            fold_limit_bytes: Optional[int] = None, options: Optional[TargetOptions] = None,
            start: Optional[str] = None, source_name: Optional[str] = None,
            dim_bounds: Optional[dict] = None):
    """Compile an ONNX model (path, bytes or ModelProto).

    Returns a :class:`CompiledModel`, or with ``emit=<stage>`` the text of that
    stage. Targets (``polytile.targets``): ``"cpu"`` (stages
    ``tg|sched|linalg|affine|llvm``) and ``"cuda"`` (NVIDIA GPUs, stages
    ``tg|sched|linalg|gpu|ptx|llvm``; ``emit="ptx"`` gives PTX assembly).

    ``options`` is the target's options dataclass
    (:class:`polytile.targets.CpuOptions`, :class:`polytile.targets.GpuOptions`);
    the keyword arguments below replace its fields. An option the target cannot
    honour (``threads`` or ``polyhedral`` for cuda) is a :class:`PolytileError`
    naming it. ``opt_level`` (default 3) is LLVM's optimization level.
    ``polyhedral="fusion=smart tile-sizes=32"`` (or ``""`` for the defaults) runs
    `affine-polyhedral-schedule` on the loop nests (cpu). ``threads`` (default:
    every core) bounds the threads kernels use (cpu). ``schedules`` overrides kernel
    schedules: a ``.mlir`` file (or its text) of ``sched`` ops, a dict
    ``kernel -> sched.Schedule`` or a hook ``hook(kernel_name, kernel_func) ->
    Schedule | None``; kernels left out get the default schedule (cpu) or the
    default mapping (cuda); ``emit="sched"`` shows kernels and schedules.
    ``fold_limit_bytes`` is the constant-folding budget per result (default
    ``polytile.resources.DEFAULT_FOLD_LIMIT_BYTES``, 4 MiB): bigger results stay
    run-time ops unless no bigger than a constant input (see ``tg-fold-constants``).
    ``dim_bounds={"seq": (1, 512)}`` bounds dynamic input dims by name (cpu): the
    default scheduler sizes the tiles of dynamic dims from them (e.g. the register
    tile of a product's dynamic rows), and the model refuses feeds outside them.

    ``start=<stage>`` resumes a compilation: ``model`` is then the MLIR text that
    ``emit=<stage>`` printed (possibly edited by hand), lowered from there to
    ``emit`` or to a runnable model (the printed IR carries the model's inputs
    and outputs; see ``polytile.targets.driver``); ``source_name`` names it in
    messages.

    ``isolate=True`` runs the import and every pass in a child process
    (``polytile.isolation``): a crash there (a failed LLVM assertion aborts the
    process) raises :class:`polytile.isolation.CompilerCrash` naming the stage, the
    pass and the signal, with a crash reproducer written to ``crash_reproducer``
    (default: a new temporary file) for ``polytile-opt --run-reproducer``; the
    caller survives. The parent JIT-compiles the LLVM-dialect module the child hands
    back, so the result is the same; the cost is a fork and moving the module as
    bytecode (MobileNet-v2 and BERT: under 2%; a tiny model: +0.1 s; see the
    ``polytile.isolation`` docstring). A schedule hook runs in the
    child: its side effects stay there. The CUDA target isolates ``emit=`` only.
    """
    from polytile.targets import driver, get_target
    given = {name: value for name, value in (("opt_level", opt_level), ("polyhedral", polyhedral),
                                             ("threads", threads), ("schedules", schedules),
                                             ("fold_limit_bytes", fold_limit_bytes),
                                             ("dim_bounds", dim_bounds)) if value is not None}
    target_options = get_target(target).make_options(options, **given)
    if isolate:
        from polytile.isolation import compile_in_child
        return compile_in_child(model, target=target, options=target_options, input_shapes=input_shapes,
                                emit=emit, start=start, source_name=source_name,
                                crash_reproducer=crash_reproducer)
    return driver.drive(model, target, target_options, start=start, emit=emit, input_shapes=input_shapes,
                        source_name=source_name)

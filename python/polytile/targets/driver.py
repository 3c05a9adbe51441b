"""The one compiler driver: every target, every entry point.

``polytile.compile``, ``polytile-compile``, ``polytile-run``, the profiler and
the isolated child of ``isolate=True`` all come here. :func:`drive` imports an
ONNX model (or parses the MLIR of a stage, to resume from it), runs the
target's stage pipelines up to the stage asked for, then prints that stage
(``emit=``) or loads a runnable model, and always releases the compilation's
context (with the model's weights in it) on the way out: success, error or
emit.

The IR keeps what a resumed compilation needs: the import writes the model's
inputs and outputs (names, shapes, dtypes) as the module attributes
``polytile.inputs`` and ``polytile.outputs``, which every pass keeps, so a
module printed at any stage can be loaded as a model again.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Optional

import numpy as np

from polytile.diagnostics import PolytileError
from polytile.targets.base import ATTACH_SCHEDULES_AFTER, Target, TargetOptions, get_target

INPUTS_ATTR = "polytile.inputs"
OUTPUTS_ATTR = "polytile.outputs"


@dataclasses.dataclass
class Compilation:
    """One compilation in progress: its IR (at ``stage``) and what the target
    steps and :meth:`Target.load` need."""

    target: Target
    options: TargetOptions
    context: object  # ir.Context
    module: object  # ir.Module
    stage: str
    times: object  # polytile.compiler.CompileTimes
    loading: bool  # whether the driver will load the result (not print a stage)
    inputs: Optional[list] = None  # TensorInfo, from the import or the module attributes
    outputs: Optional[list] = None
    state: dict = dataclasses.field(default_factory=dict)  # kept by a target between steps

    def require_io(self) -> tuple[list, list]:
        """(inputs, outputs); PolytileError when the IR did not say."""
        if self.inputs is None or self.outputs is None:
            raise PolytileError(f"the module has no '{INPUTS_ATTR}'/'{OUTPUTS_ATTR}' attributes (written "
                                f"by polytile-compile --emit): its inputs and outputs are unknown, so it "
                                f"cannot be loaded as a model")
        return self.inputs, self.outputs


def run_passes(module, passes: list[str]) -> None:
    """Run ``passes`` (pass texts as in a recipe, one pass each) on ``module`` in
    the current context: the one function that runs a recipe."""
    from polytile.pipeline import Pipeline

    pipeline = Pipeline()
    for p in passes:
        pipeline.add(p)
    pipeline.run(module)


# ----------------------------------------------------------------------------
# Inputs and outputs, kept on the module
# ----------------------------------------------------------------------------
def write_io(module, inputs, outputs) -> None:
    """Record the model's inputs and outputs on ``module`` (see the module doc)."""
    from mlir import ir

    def dim(d):
        if isinstance(d, (int, np.integer)):
            return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(d))
        return ir.StringAttr.get("?" if d is None else d)

    def entries(infos):
        return ir.ArrayAttr.get([ir.DictAttr.get({
            "name": ir.StringAttr.get(i.name),
            "shape": ir.ArrayAttr.get([dim(d) for d in i.shape]),
            "dtype": ir.StringAttr.get(np.dtype(i.dtype).name),
            **({"value_rules": ir.ArrayAttr.get([ir.StringAttr.get(r.text()) for r in i.value_rules])}
               if i.value_rules else {})}) for i in infos])

    module.operation.attributes[INPUTS_ATTR] = entries(inputs)
    module.operation.attributes[OUTPUTS_ATTR] = entries(outputs)


def read_io(module) -> tuple[Optional[list], Optional[list]]:
    """The inputs and outputs :func:`write_io` recorded, or (None, None)."""
    from mlir import ir
    from polytile.importers.onnx import TensorInfo, value_rules

    attributes = module.operation.attributes
    if INPUTS_ATTR not in attributes or OUTPUTS_ATTR not in attributes:
        return None, None

    def dim(attr):
        if isinstance(attr, ir.IntegerAttr):
            return attr.value
        value = ir.StringAttr(attr).value
        return None if value == "?" else value

    def infos(name):
        out = []
        try:
            for entry in ir.ArrayAttr(attributes[name]):
                entry = ir.DictAttr(entry)
                shape = entry["shape"]
                dims = tuple(ir.DenseI64ArrayAttr(shape)) if isinstance(shape, ir.DenseI64ArrayAttr) \
                    else tuple(dim(d) for d in ir.ArrayAttr(shape))
                rules = tuple(value_rules.parse(ir.StringAttr(r).value)
                              for r in ir.ArrayAttr(entry["value_rules"])) if "value_rules" in entry else ()
                out.append(TensorInfo(ir.StringAttr(entry["name"]).value, dims,
                                      np.dtype(ir.StringAttr(entry["dtype"]).value), rules))
        except (ValueError, TypeError, KeyError) as e:
            raise PolytileError(f"malformed module attribute '{name}': {e}") from None
        return out

    return infos(INPUTS_ATTR), infos(OUTPUTS_ATTR)


# ----------------------------------------------------------------------------
# Getting IR: import, or parse a stage
# ----------------------------------------------------------------------------
def import_model(context, model, input_shapes, target: Target, options: TargetOptions,
                 loading: bool) -> Compilation:
    """Import an ONNX model into ``context`` and run the tg graph passes (the part
    every target shares): a compilation at stage ``tg``."""
    from mlir import ir
    from polytile import pipelines
    from polytile.compiler import CompileTimes
    from polytile.importers.onnx import import_graph

    times = CompileTimes()
    start = time.perf_counter()
    extra = {} if options.fold_limit_bytes is None else {"fold_limit_bytes": options.fold_limit_bytes}
    module, inputs, outputs = import_graph(model, input_shapes, context, **extra)
    times.import_s = time.perf_counter() - start
    with context, ir.Location.unknown():
        start = time.perf_counter()
        graph_passes = pipelines.tg_graph_passes() if options.fold_limit_bytes is None else \
            pipelines.tg_graph_passes(options.fold_limit_bytes)
        run_passes(module, graph_passes)
        write_io(module, inputs, outputs)
        times.passes_s = time.perf_counter() - start
    return Compilation(target, options, context, module, "tg", times, loading, list(inputs), list(outputs))


def parse_stage(context, text: str, stage: str, target: Target, options: TargetOptions,
                loading: bool, source_name: str = "<input>") -> Compilation:
    """Parse the MLIR ``text`` of ``stage`` (as ``emit=stage`` printed it) into
    ``context``: a compilation resuming at ``stage``."""
    from mlir import ir
    from polytile.api import parse
    from polytile.compiler import CompileTimes
    from polytile.diagnostics import ParseError, VerificationError

    times = CompileTimes()
    start = time.perf_counter()
    try:
        op = parse(text, context, source_name=source_name)
    except (ParseError, VerificationError) as e:
        first = next((d.format() for d in e.diagnostics if d.severity == "error"), None)
        raise PolytileError(f"{source_name} is not valid MLIR of stage '{stage}'"
                            + (f": {first.splitlines()[0]}" if first else "")) from None
    with context, ir.Location.unknown():
        module = ir.Module.create()
        attributes = op.operation.attributes
        for i in range(len(attributes)):
            named = attributes[i]
            module.operation.attributes[named.name] = named.attr
        for child in list(op.regions[0].blocks[0].operations):
            module.body.append(child)
    inputs, outputs = read_io(module)
    times.import_s = time.perf_counter() - start
    return Compilation(target, options, context, module, stage, times, loading, inputs, outputs)


# ----------------------------------------------------------------------------
# Lowering
# ----------------------------------------------------------------------------
def lower(compilation: Compilation, stop: str) -> None:
    """Run the target's steps from the compilation's stage to ``stop`` in place
    (user schedules are attached right after ``tg-fuse-kernels``). Consecutive
    steps run as one pipeline (a crash reproducer then holds the rest of it),
    broken where the target looks at the IR between steps (``hook_stages``)."""
    from mlir import ir

    target, options = compilation.target, compilation.options
    stages = target.stages
    pending: list[str] = []

    def flush() -> None:
        start = time.perf_counter()
        run_passes(compilation.module, pending)
        compilation.times.passes_s += time.perf_counter() - start
        pending.clear()

    with compilation.context, ir.Location.unknown():
        for stage in stages[stages.index(compilation.stage):stages.index(stop)]:
            if stage in target.hook_stages:
                flush()
                target.before_step(compilation, stage)
            passes = target.step_passes(stage, options)
            if options.schedules is not None and ATTACH_SCHEDULES_AFTER in passes:
                cut = passes.index(ATTACH_SCHEDULES_AFTER) + 1
                pending.extend(passes[:cut])
                flush()
                from polytile.compiler import attach_schedules
                attach_schedules(compilation.module, options.schedules)
                passes = passes[cut:]
            pending.extend(passes)
        flush()
    compilation.stage = stop


def attach_stage(target: Target, options: TargetOptions) -> Optional[str]:
    """The stage whose step attaches user schedules (None: the target has none)."""
    for stage in target.stages[:-1]:
        if ATTACH_SCHEDULES_AFTER in target.step_passes(stage, options):
            return stage
    return None


# ----------------------------------------------------------------------------
# The driver
# ----------------------------------------------------------------------------
def check_request(target: Target, options: TargetOptions, start: Optional[str], emit: Optional[str]) -> str:
    """Check a compile request; returns the stage to lower to."""
    stop = target.check_stage(emit) if emit is not None else target.final_stage
    if start is not None:
        target.check_stage(start)
        if not target.resumable(start):
            raise PolytileError(f"stage '{start}' of target '{target.name}' is not printed as MLIR: "
                                f"a compilation cannot resume from it")
        if not (emit is None and start == stop):  # resuming from the last stage only loads
            target.check_range(start, stop)
    if options.schedules is not None:
        where = attach_stage(target, options)
        begin = start or "tg"
        if where is None or target.stages.index(begin) > target.stages.index(where):
            raise PolytileError(f"schedules are attached at the step {where} -> "
                                f"{target.next_stage(where) if where else '?'} of target '{target.name}'; "
                                f"a compilation resumed from stage '{begin}' cannot take them "
                                f"(edit the sched ops of the file instead)")
    return stop


def drive(source, target: str = "cpu", options: Optional[TargetOptions] = None, *,
          start: Optional[str] = None, emit: Optional[str] = None, input_shapes: Optional[dict] = None,
          source_name: Optional[str] = None):
    """Compile ``source`` for ``target`` with ``options`` (the target's options
    dataclass; None: its defaults).

    ``source`` is an ONNX model (path, bytes or ModelProto), or with ``start=``
    the MLIR text of that stage (as ``emit=start`` printed it). Returns the text
    of stage ``emit``, or (``emit=None``) the loaded model of the target."""
    from polytile.context import create_context
    from polytile.dialects.irdl_spec import release_dialects

    target_obj = get_target(target)
    options = target_obj.make_options(options)
    stop = check_request(target_obj, options, start, emit)
    loading = emit is None
    if loading:
        target_obj.check_load(options)
    if start is not None and input_shapes:
        raise PolytileError("input shapes apply to an ONNX model, not to the MLIR of a stage")
    context = create_context()
    try:
        if start is None:
            compilation = import_model(context, source, input_shapes, target_obj, options, loading)
        else:
            if isinstance(source, (bytes, bytearray)):
                source = bytes(source).decode("utf-8", errors="replace")
            if not isinstance(source, str):
                raise PolytileError(f"resuming from stage '{start}' needs MLIR text, got {type(source).__name__}")
            compilation = parse_stage(context, source, start, target_obj, options, loading,
                                      source_name or "<input>")
        lower(compilation, stop)
        from mlir import ir
        with context, ir.Location.unknown():
            if not loading:
                return target_obj.emit(compilation, stop)
            return target_obj.load(compilation)
    finally:
        # The context is private to this compilation: let it (and the model's
        # weights in it) be freed once the result no longer needs it.
        release_dialects(context)


def read_mlir_file(path: str) -> str:
    """The text of an MLIR file for ``drive(start=...)``; PolytileError for a
    file that cannot be read or is not text."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise PolytileError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise PolytileError(f"'{path}' is a directory, expected an MLIR file") from None
    except OSError as e:
        raise PolytileError(f"cannot read '{path}': {e.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PolytileError(f"'{path}' is not MLIR text (it is not UTF-8; an ONNX model is "
                            f"compiled without --from)") from None


"""The `polytile-opt` driver: an mlir-opt work-alike whose pipelines may name
polytile's Python passes next to every upstream pass.

Flow per input buffer (or per ``// -----`` split): parse (with the file name in
locations), verify (MLIR's verifier, then polytile's semantic verifiers), run
the pipeline, print. Diagnostics are collected from the context and printed as
``file:line:col: error: ...`` with the source line, or checked against
``expected-*`` comments with ``--verify-diagnostics``. Every user mistake ends
in a message and exit code 1, never a traceback.

Crash isolation (``--isolate``, the default of the ``polytile-opt`` command;
``--no-isolate`` turns it off; :func:`run` called in-process defaults to off):
everything after reading the input runs in a forked child (``polytile.isolation``).
A child that dies (SIGABRT from an LLVM assertion) becomes one line
``polytile-opt: error: the compiler crashed with SIGABRT in pass '...' (input ...),
in a child process; reproducer: FILE`` and exit code 1. FILE (chosen with
``--mlir-pass-pipeline-crash-reproducer=FILE``, else a new temporary file) holds
the IR before that pass and the pipeline from it on, in MLIR's reproducer format;
``--run-reproducer FILE`` replays it. ``--load-pass-module=M`` imports the Python
module ``M`` first, whose ``@register_pass`` passes then join the pipeline (as
mlir-opt's ``--load-pass-plugin``; e.g. ``polytile.testing_passes``, whose passes
crash on purpose). Measured cost of isolation on the lit tests' inputs: ~2% of a
run (see ``ISOLATE_BY_DEFAULT``).
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import sys
from typing import Optional, TextIO

from mlir import ir

from polytile import __version__, pass_registry, upstream_passes, verify_diagnostics
from polytile.context import create_context
from polytile.diagnostics import (Diagnostic, DiagnosticCollector, PolytileError,
                                  SourceMap)
from polytile.isolation import report_stage
from polytile.pipeline import PassElement, Pipeline, RunOptions, upstream_anchor
from polytile.source import SPLIT_MARKER, SourceError, parse_module, split_buffer
from polytile.verifier import verify_semantics

TOOL = "polytile-opt"

# Whether the polytile-opt command isolates by default: yes, it costs under 10%.
# Measured (2 cores; median of 7 interleaved runs of opt_main.run in a fresh process)
# on four lit inputs (tg-canonicalize.mlir, affine-polyhedral-schedule.mlir,
# convert-tg-to-linalg/nn.mlir, pass-pipeline.mlir): 5.06 s vs 5.15 s in all (+1.9%;
# -17 to +118 ms per input, within the noise), the Python start and imports apart.
ISOLATE_BY_DEFAULT = True


class UsageError(Exception):
    """A bad command line; the message is printed as ``polytile-opt: <message>``."""


@dataclasses.dataclass
class OptOptions:
    input: str = "-"
    output: str = "-"
    pipeline_text: Optional[str] = None
    pass_flags: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    split_input_file: bool = False
    split_marker: str = SPLIT_MARKER
    verify_diagnostics: bool = False
    verify_each: bool = True
    allow_unregistered_dialect: bool = False
    disable_threading: bool = False
    run: RunOptions = dataclasses.field(default_factory=RunOptions)
    list_passes: bool = False
    list_ops: bool = False
    show_help: bool = False
    show_version: bool = False
    isolate: Optional[bool] = None  # None: the caller's default
    crash_reproducer: Optional[str] = None
    run_reproducer: bool = False
    pass_modules: list[str] = dataclasses.field(default_factory=list)
    input_text: Optional[str] = None  # --run-reproducer: the IR without its reproducer entry


_BOOL_FLAGS = {
    "split-input-file": ("split_input_file",),
    "verify-diagnostics": ("verify_diagnostics",),
    "verify-each": ("verify_each",),
    "allow-unregistered-dialect": ("allow_unregistered_dialect",),
    "mlir-disable-threading": ("disable_threading",),
    "mlir-print-ir-after-all": ("run", "print_ir_after_all"),
    "mlir-print-ir-before-all": ("run", "print_ir_before_all"),
    "mlir-print-ir-module-scope": ("run", "print_module_scope"),
    "mlir-print-debuginfo": ("run", "print_debuginfo"),
    "mlir-print-op-generic": ("run", "print_generic"),
    "mlir-timing": ("run", "timing"),
    "list-passes": ("list_passes",),
    "list-ops": ("list_ops",),
    "isolate": ("isolate",),
    "run-reproducer": ("run_reproducer",),
    "help": ("show_help",),
    "h": ("show_help",),
    "version": ("show_version",),
}

HELP = f"""OVERVIEW: polytile modular optimizer driver (an mlir-opt work-alike)

USAGE: {TOOL} [options] <input file>

  <input file> defaults to '-' (standard input).

OPTIONS:
  -o <filename>                  Output filename (default: standard output)
  --pass-pipeline=<pipeline>     A textual pipeline, e.g.
                                 'builtin.module(tg-canonicalize,func.func(cse),tg-dce)';
                                 upstream and polytile passes mix freely
  --<pass-name>[=<options>]      Add one pass (e.g. --cse, --affine-loop-tile='tile-size=32');
                                 passes anchored on an op are nested automatically
  --split-input-file[=<marker>]  Split the input on '// -----' and process each part
  --verify-diagnostics           Check diagnostics against expected-* comments
  --verify-each[=<bool>]         Verify the IR after each pass (default: true)
  --mlir-print-ir-after-all      Print the IR after every pass (to stderr)
  --mlir-print-ir-before-all     Print the IR before every pass (to stderr)
  --mlir-print-ir-module-scope   With IR printing, always print the whole module
  --mlir-timing                  Print pass timing (to stderr)
  --mlir-print-debuginfo         Print locations
  --mlir-print-op-generic        Print every op in generic form
  --mlir-disable-threading       Run passes single-threaded
  --allow-unregistered-dialect   Accept ops of unknown dialects
  --isolate / --no-isolate       Run in a child process, so that a crash (an LLVM
                                 assertion) becomes an error with a reproducer
                                 (default: --isolate)
  --mlir-pass-pipeline-crash-reproducer=<file>
                                 Where a crash writes its reproducer (implies --isolate;
                                 default: a new temporary file)
  --run-reproducer               Run the pipeline stored in the input (a reproducer)
  --load-pass-module=<module>    Import a Python module registering more passes
  --list-passes                  List every pass (upstream and polytile) with its options
  --list-ops                     List every tg op with its facts (family, kernel class,
                                 constant folding, default schedule) from the op table
  --version                      Print the version
  --help                         Print this help
"""


def _set(opts: OptOptions, path: tuple[str, ...], value) -> None:
    target = opts
    for part in path[:-1]:
        target = getattr(target, part)
    setattr(target, path[-1], value)


def _parse_bool(flag: str, value: str) -> bool:
    if value.lower() in ("true", "1", ""):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise UsageError(f"for the --{flag} option: '{value}' is invalid value for boolean argument! Try 0 or 1")


def parse_args(argv: list[str]) -> OptOptions:
    opts = OptOptions()
    positional: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "-" or not arg.startswith("-"):
            positional.append(arg)
            continue
        if arg == "--":
            positional.extend(argv[i:])
            break
        flag, eq, value = arg.lstrip("-").partition("=")
        if flag == "o":
            if not eq:
                if i >= len(argv):
                    raise UsageError("option '-o' requires a value")
                value = argv[i]
                i += 1
            opts.output = value
        elif flag == "pass-pipeline":
            if not eq:
                if i >= len(argv):
                    raise UsageError("option '--pass-pipeline' requires a value")
                value = argv[i]
                i += 1
            opts.pipeline_text = value
        elif flag in ("mlir-pass-pipeline-crash-reproducer", "load-pass-module"):
            if not eq:
                if i >= len(argv):
                    raise UsageError(f"option '--{flag}' requires a value")
                value = argv[i]
                i += 1
            if not value:
                raise UsageError(f"option '--{flag}' requires a value")
            if flag == "load-pass-module":
                opts.pass_modules.append(value)
            else:
                opts.crash_reproducer = value
        elif flag == "no-isolate":
            opts.isolate = False
        elif flag == "split-input-file":
            opts.split_input_file = True
            if eq and value:
                opts.split_marker = value
        elif flag in _BOOL_FLAGS:
            _set(opts, _BOOL_FLAGS[flag], _parse_bool(flag, value) if eq else True)
        else:
            opts.pass_flags.append((flag, value if eq else ""))
    if len(positional) > 1:
        raise UsageError(f"Too many positional arguments specified! Can specify at most 1 "
                         f"positional argument: See: {TOOL} --help")
    if positional:
        opts.input = positional[0]
    if opts.pipeline_text is not None and opts.pass_flags:
        raise UsageError("'--pass-pipeline' option can't be used with individual pass options")
    if opts.run_reproducer and (opts.pipeline_text is not None or opts.pass_flags):
        raise UsageError("'--run-reproducer' runs the reproducer's pipeline: it can't be used with "
                         "'--pass-pipeline' or individual pass options")
    if opts.crash_reproducer is not None:
        if opts.isolate is False:
            raise UsageError("'--mlir-pass-pipeline-crash-reproducer' needs --isolate: a crash is "
                             "caught in a child process")
        opts.isolate = True
    return opts


def load_pass_modules(names: list[str]) -> None:
    """Import each module (its ``@register_pass`` passes register themselves)."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except Exception as e:  # ImportError, or the module's own error
            raise UsageError(f"could not load pass module '{name}': {type(e).__name__}: {e}") from None


def build_pipeline(opts: OptOptions, context: ir.Context) -> Pipeline:
    """The pipeline from ``--pass-pipeline`` or from per-pass flags. Per-pass
    flags that are not passes are reported as unknown arguments; upstream passes
    restricted to an op (e.g. func.func) are nested under it, as mlir-opt does."""
    if opts.pipeline_text is not None:
        pipeline = Pipeline.parse(opts.pipeline_text, verify_each=opts.verify_each)
    else:
        pipeline = Pipeline(verify_each=opts.verify_each)
        for flag, value in opts.pass_flags:
            element = PassElement(flag, value.strip())
            info = pass_registry.lookup(flag)
            if info is not None:
                info.parse_options(element.options)  # report bad options early
                pipeline.elements.append(element)
                continue
            if not upstream_passes.is_upstream_pass(flag, context):
                raise UsageError(f"Unknown command line argument '{'-' if len(flag) == 1 else '--'}{flag}'.  "
                                 f"Try: '{TOOL} --help'")
            anchor = upstream_anchor(str(element), context)
            pipeline.add(f"{anchor}({element})" if anchor else str(element))
    pipeline.build(context)  # report unknown passes, bad options, bad nesting now
    return pipeline


@dataclasses.dataclass
class BufferResult:
    output: Optional[str]  # printed IR, None when processing failed
    diagnostics: list[Diagnostic]


def process_buffer(text: str, name: str, first_line: int, pipeline: Pipeline,
                   opts: OptOptions, context: ir.Context) -> BufferResult:
    where = f"{name}:{first_line}" if opts.split_input_file else name
    with DiagnosticCollector(context) as collector:
        report_stage(f"parsing {where}")
        try:
            module = parse_module(text, name, first_line, context)
        except SourceError as e:
            return BufferResult(None, collector.take() + e.diagnostics)
        report_stage(f"verifying {where}")
        ok = verify_semantics(module)
        if ok:
            report_stage(f"input {where}")
            try:
                pipeline.run(module, opts.run)
            except PolytileError as e:
                collector.diagnostics.extend(e.diagnostics)
                ok = False
        diags = collector.take()
        if not ok:
            return BufferResult(None, diags)
        report_stage(f"printing the output of {where}")
        out = io.StringIO()
        module.print(file=out, enable_debug_info=opts.run.print_debuginfo,
                     print_generic_op_form=opts.run.print_generic, assume_verified=True)
        return BufferResult(out.getvalue(), diags)


def list_passes(out: TextIO, context: ir.Context) -> None:
    out.write("Passes:\n")
    out.write(upstream_passes.listing_text())
    out.write("\npolytile passes:\n")
    for info in pass_registry.all_passes():
        out.write(f"  --{info.argument:<48}-   {info.description}\n")
        for name, type_name, help_text in info.option_help():
            out.write(f"    --{name + '=<' + type_name + '>':<46}- {help_text}\n")


def list_ops(out: TextIO) -> None:
    """The tg op table (``dialects/op_table.py``), one op per line."""
    from polytile.dialects import op_table
    rows = [("op", "family", "kernel class", "folds as", "schedule")]
    for f in op_table.all_ops():
        rows.append((f.full_name, f.family, f.kind, f.fold or "-", f.schedule or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


def run(argv: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO,
        isolate_default: bool = False) -> int:
    """polytile-opt on ``argv``; returns the exit code. ``isolate_default`` applies
    when neither ``--isolate`` nor ``--no-isolate`` is given (the command passes
    :data:`ISOLATE_BY_DEFAULT`)."""
    try:
        opts = parse_args(argv)
        load_pass_modules(opts.pass_modules)
    except UsageError as e:
        stderr.write(f"{TOOL}: {e}\n")
        return 1
    if opts.show_help:
        stdout.write(HELP)
        return 0
    if opts.show_version:
        stdout.write(f"polytile {__version__}\n  {upstream_passes.mlir_version_line()}\n")
        return 0
    if opts.list_passes:
        context = create_context(allow_unregistered_dialects=opts.allow_unregistered_dialect,
                                 multithreading=not opts.disable_threading)
        list_passes(stdout, context)
        return 0
    if opts.list_ops:
        list_ops(stdout)
        return 0

    text, read_error = read_input(opts, stdin)
    if opts.run_reproducer and text is not None:
        try:
            apply_reproducer(opts, text)
        except UsageError as e:
            stderr.write(f"{TOOL}: {e}\n")
            return 1
        text = opts.input_text
    if opts.isolate if opts.isolate is not None else isolate_default:
        return run_isolated(opts, text, read_error, stdout, stderr)
    return process_input(opts, text, read_error, stdout, stderr)


def read_input(opts: OptOptions, stdin: TextIO) -> tuple[Optional[str], Optional[str]]:
    """(text, None), or (None, the message saying why the input cannot be read)."""
    try:
        if opts.input == "-":
            # Bytes decoded strictly: a text stdin would smuggle bad bytes in
            # as surrogates, which MLIR's parser cannot take.
            return (stdin.buffer.read().decode("utf-8") if hasattr(stdin, "buffer") else stdin.read()), None
        with open(opts.input, encoding="utf-8") as f:
            return f.read(), None
    except OSError as e:
        return None, f"could not open input file '{opts.input}': {e.strerror}"
    except UnicodeDecodeError as e:
        return None, f"could not read input file '{opts.input}': invalid UTF-8 at byte {e.start}"


def apply_reproducer(opts: OptOptions, text: str) -> None:
    """``--run-reproducer``: take the pipeline and flags stored in the input (a
    crash reproducer) and drop them from the IR (kept in ``opts.input_text``)."""
    from polytile.isolation import read_reproducer

    try:
        stripped, config = read_reproducer(text)
    except ValueError as e:
        raise UsageError(f"invalid reproducer '{opts.input}': {e}") from None
    if config is None:
        raise UsageError(f"'{opts.input}' is not a reproducer: it has no "
                         f"'{{-# external_resources: {{ mlir_reproducer: ... }} #-}}' entry")
    opts.pipeline_text = config.pipeline
    opts.verify_each = config.verify_each
    opts.disable_threading = opts.disable_threading or config.disable_threading
    opts.input_text = stripped


def process_input(opts: OptOptions, text: Optional[str], read_error: Optional[str],
                  stdout: TextIO, stderr: TextIO, write_output: bool = True) -> int:
    """Build the pipeline, then parse, run and print each buffer of ``text``."""
    report_stage("building the pass pipeline")
    context = create_context(allow_unregistered_dialects=opts.allow_unregistered_dialect,
                             multithreading=not opts.disable_threading)
    try:
        pipeline = build_pipeline(opts, context)
    except UsageError as e:
        stderr.write(f"{TOOL}: {e}\n")
        return 1
    except PolytileError as e:
        stderr.write(f"{TOOL}: {e}\n")
        return 1
    if read_error is not None:
        stderr.write(f"{TOOL}: {read_error}\n")
        return 1

    name = "<stdin>" if opts.input == "-" else opts.input
    sources = SourceMap()
    sources.add(name, text)

    parts = split_buffer(text, opts.split_marker) if opts.split_input_file else [(1, text)]
    outputs: list[str] = []
    failed = False
    for first_line, part in parts:
        result = process_buffer(part, name, first_line, pipeline, opts, context)
        if opts.verify_diagnostics:
            mismatches = verify_diagnostics.check(name, _pad(part, first_line), result.diagnostics, sources)
            for m in mismatches:
                stderr.write(m + "\n")
            failed |= bool(mismatches)
        else:
            for d in result.diagnostics:
                stderr.write(d.format(sources) + "\n")
            failed |= result.output is None
        # mlir-opt leaves a blank line after each printed module.
        outputs.append(result.output + "\n" if result.output is not None else "")

    if not write_output:
        return 1 if failed else 0
    if failed and opts.output != "-":
        _remove_stale_output(opts)
        return 1
    try:
        out = stdout if opts.output == "-" else open(opts.output, "w", encoding="utf-8")
    except OSError as e:
        stderr.write(f"{TOOL}: could not open output file '{opts.output}': {e.strerror}\n")
        return 1
    with out if out is not stdout else contextlib.nullcontext():
        out.write((SPLIT_MARKER + "\n").join(outputs))
    return 1 if failed else 0


def _remove_stale_output(opts: OptOptions) -> None:
    # As mlir-opt: a failed run leaves no output file (a stale one is removed).
    if opts.output != "-" and os.path.isfile(opts.output):
        with contextlib.suppress(OSError):
            os.remove(opts.output)


def run_isolated(opts: OptOptions, text: Optional[str], read_error: Optional[str],
                 stdout: TextIO, stderr: TextIO) -> int:
    """:func:`process_input` in a child process; a crash there is reported as one
    error line with a reproducer, exit code 1."""
    from polytile import isolation

    for stream in (stdout, stderr):
        with contextlib.suppress(Exception):
            stream.flush()

    def body(replay: bool = False):
        # Streams with a file descriptor are written by the child itself (in order
        # with what C++ writes to fd 2); others (StringIO) come back as text.
        out = stdout if not replay and isolation.has_fd(stdout) else io.StringIO()
        err = stderr if not replay and isolation.has_fd(stderr) else io.StringIO()
        code = process_input(opts, text, read_error, out, err, write_output=not replay)
        out.flush()
        err.flush()
        return (code, out.getvalue() if isinstance(out, io.StringIO) else "",
                err.getvalue() if isinstance(err, io.StringIO) else "")

    outcome = isolation.run_in_child(body)
    if outcome.error is not None:
        isolation.raise_child_error(outcome)  # a bug: as it would propagate in-process
    if outcome.has_value:
        code, out_text, err_text = outcome.value
        stdout.write(out_text)
        stderr.write(err_text)
        return code
    crash = isolation.diagnose(outcome, lambda: body(replay=True), reproducer=opts.crash_reproducer,
                               disable_threading=opts.disable_threading,
                               allow_unregistered=opts.allow_unregistered_dialect)
    _remove_stale_output(opts)
    stderr.write(f"{TOOL}: error: {crash}\n")
    return 1


def _pad(text: str, first_line: int) -> str:
    return "\n" * (first_line - 1) + text


def main(argv: Optional[list[str]] = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv, sys.stdin, sys.stdout, sys.stderr,
                   isolate_default=ISOLATE_BY_DEFAULT)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())

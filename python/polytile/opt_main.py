"""The `polytile-opt` driver: an mlir-opt work-alike whose pipelines may name
polytile's Python passes next to every upstream pass.

Flow per input buffer (or per ``// -----`` split): parse (with the file name in
locations), verify (MLIR's verifier, then polytile's semantic verifiers), run
the pipeline, print. Diagnostics are collected from the context and printed as
``file:line:col: error: ...`` with the source line, or checked against
``expected-*`` comments with ``--verify-diagnostics``. Every user mistake ends
in a message and exit code 1, never a traceback.
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
from polytile.pipeline import PassElement, Pipeline, RunOptions, upstream_anchor
from polytile.source import SPLIT_MARKER, SourceError, parse_module, split_buffer
from polytile.verifier import verify_semantics

TOOL = "polytile-opt"


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
    show_help: bool = False
    show_version: bool = False


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
  --list-passes                  List every pass (upstream and polytile) with its options
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
    return opts


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
    with DiagnosticCollector(context) as collector:
        try:
            module = parse_module(text, name, first_line, context)
        except SourceError as e:
            return BufferResult(None, collector.take() + e.diagnostics)
        ok = verify_semantics(module)
        if ok:
            try:
                pipeline.run(module, opts.run)
            except PolytileError as e:
                collector.diagnostics.extend(e.diagnostics)
                ok = False
        diags = collector.take()
        if not ok:
            return BufferResult(None, diags)
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


def run(argv: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        opts = parse_args(argv)
    except UsageError as e:
        stderr.write(f"{TOOL}: {e}\n")
        return 1
    if opts.show_help:
        stdout.write(HELP)
        return 0
    if opts.show_version:
        stdout.write(f"polytile {__version__}\n  {upstream_passes.mlir_version_line()}\n")
        return 0
    context = create_context(allow_unregistered_dialects=opts.allow_unregistered_dialect,
                             multithreading=not opts.disable_threading)
    if opts.list_passes:
        list_passes(stdout, context)
        return 0
    try:
        pipeline = build_pipeline(opts, context)
    except UsageError as e:
        stderr.write(f"{TOOL}: {e}\n")
        return 1
    except PolytileError as e:
        stderr.write(f"{TOOL}: {e}\n")
        return 1

    name = "<stdin>" if opts.input == "-" else opts.input
    try:
        if opts.input == "-":
            # Bytes decoded strictly: a text stdin would smuggle bad bytes in
            # as surrogates, which MLIR's parser cannot take.
            text = stdin.buffer.read().decode("utf-8") if hasattr(stdin, "buffer") else stdin.read()
        else:
            with open(opts.input, encoding="utf-8") as f:
                text = f.read()
    except OSError as e:
        stderr.write(f"{TOOL}: could not open input file '{opts.input}': {e.strerror}\n")
        return 1
    except UnicodeDecodeError as e:
        stderr.write(f"{TOOL}: could not read input file '{opts.input}': "
                     f"invalid UTF-8 at byte {e.start}\n")
        return 1
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

    if failed and opts.output != "-":
        # As mlir-opt: a failed run leaves no output file (a stale one is removed).
        if os.path.isfile(opts.output):
            with contextlib.suppress(OSError):
                os.remove(opts.output)
        return 1
    try:
        out = stdout if opts.output == "-" else open(opts.output, "w", encoding="utf-8")
    except OSError as e:
        stderr.write(f"{TOOL}: could not open output file '{opts.output}': {e.strerror}\n")
        return 1
    with out if out is not stdout else contextlib.nullcontext():
        out.write((SPLIT_MARKER + "\n").join(outputs))
    return 1 if failed else 0


def _pad(text: str, first_line: int) -> str:
    return "\n" * (first_line - 1) + text


def main(argv: Optional[list[str]] = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv, sys.stdin, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())

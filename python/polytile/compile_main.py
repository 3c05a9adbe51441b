"""`polytile-compile`: an ONNX model -> the IR of one pipeline stage.

    polytile-compile model.onnx [--target cpu|cuda] [--emit=STAGE] -o out.mlir \\
        [--input-shape NAME=1x3x224x224 ...]
    polytile-compile --from=STAGE stage.mlir [--emit=LATER_STAGE]
    polytile-compile [--target T] [--from=STAGE] [--emit=STAGE] --print-pipeline
    polytile-compile model.onnx --emit=lib|obj --name=NAME [-o libNAME.so]   (polytile.aot.cli)

The stages are the target's (``polytile.targets``; listed by ``--help``); the
default ``--emit`` is the target's last stage. ``--from=STAGE`` resumes from the
MLIR that ``--emit=STAGE`` wrote (edited by hand or not) and lowers it with the
target's pipelines to ``--emit``. The printed IR is valid input to
``polytile-opt``, and ``--print-pipeline`` prints the ``polytile-opt
--pass-pipeline`` that takes the ``--from`` stage (default ``tg``) to the
``--emit`` stage. ``-`` reads the input from stdin / writes to stdout.

This module also holds what ``polytile-run`` shares with it: ``--input-shape``
parsing, reading a model argument, the isolation options, and :func:`run_tool`,
which turns every error into ``<tool>: error: <message>`` and exit code 1 (never
a traceback, unless ``--debug``).

Crash isolation (``--isolate``, the default of both commands for ``--target cpu``
and for ``--emit`` of any target; ``--no-isolate`` turns it off; ``run()`` called
in-process defaults to off): the import and every pass run in a forked child
(``polytile.compile(..., isolate=True)``, ``polytile.isolation``), so that a crash
(a failed LLVM assertion aborts the process) ends in one line
``<tool>: error: the compiler crashed with SIGABRT in pass '...' (stage ...), in a
child process; reproducer: FILE`` and exit code 1; ``--crash-reproducer FILE``
chooses FILE (default: a new temporary file). Measured cost: see
:data:`ISOLATE_BY_DEFAULT`.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from typing import Callable, Optional, TextIO

TOOL = "polytile-compile"

# Whether polytile-compile and polytile-run isolate by default: yes, it costs under
# 10% of the compile time. Measured on the 2-core development machine (medians of
# 5-7 interleaved compiles, polytile.compile without and with isolation):
# examples/mobilenet_v2.onnx 8.8 s vs 8.3 s wall (noise), 8.16 s vs 8.31 s CPU (+1.8%);
# test/models/bert_encoder.onnx 2.97 s vs 2.98 s (+0.3%); a MatMul+Relu model, first
# compile of a fresh process as in these commands, 0.54 s vs 0.64 s (+0.1 s: the fork
# and copy-on-write; ~4% of the command's 2.5 s). Details: polytile.isolation.
ISOLATE_BY_DEFAULT = True


class UsageError(Exception):
    """A bad command line or a file the tool cannot read or write."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but errors raise :class:`UsageError` (reported like every other
    error, exit code 1) instead of printing usage and exiting with 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        raise UsageError(message)


# --------------------------------------------------------------------------
# Shared by polytile-compile and polytile-run
# --------------------------------------------------------------------------
def parse_input_shape(text: str) -> tuple[str, tuple[int, ...]]:
    """``NAME=1x3x224x224`` -> ("NAME", (1, 3, 224, 224)). The name may itself
    contain '='; the shape is what follows the last one."""
    name, eq, dims = text.rpartition("=")
    example = "expected NAME=DIMxDIMx... with positive integer dims, e.g. input=1x3x224x224"
    if not eq or not name:
        raise UsageError(f"invalid --input-shape '{text}': {example}")
    shape = []
    for part in dims.split("x"):
        part = part.strip()
        if not part.isdigit() or int(part) <= 0:
            raise UsageError(f"invalid --input-shape '{text}': '{part}' is not a positive integer; {example}")
        shape.append(int(part))
    return name, tuple(shape)


def collect_input_shapes(values: Optional[list[str]]) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for text in values or []:
        name, shape = parse_input_shape(text)
        if name in shapes:
            raise UsageError(f"--input-shape given twice for '{name}'")
        shapes[name] = shape
    return shapes


def add_input_shape_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-shape", action="append", metavar="NAME=AxBx...",
                        help="pin the shape of a model input with dynamic dims (repeatable)")


def add_schedule_options(parser: argparse.ArgumentParser) -> None:
    """``--threads N`` (CPU target) and ``--schedule FILE``."""
    parser.add_argument("--threads", type=_non_negative_int, default=None, metavar="N",
                        help="threads the kernels may use (default and 0: every core; --target cpu)")
    parser.add_argument("--schedule", metavar="FILE.mlir",
                        help="sched ops overriding the default schedule of the kernels they name "
                             "(see --emit=sched for the kernels and their default schedules)")
    parser.add_argument("--dim-bound", action="append", metavar="NAME=LOW:HIGH",
                        help="bound a dynamic input dim (repeatable; --target cpu): the default "
                             "schedules size their tiles of dynamic dims from it, and runs outside "
                             "it are refused")


def add_fold_limit_option(parser: argparse.ArgumentParser) -> None:
    """``--fold-limit-bytes N``: the constant-folding budget per result."""
    parser.add_argument("--fold-limit-bytes", type=int_at_least(0), default=None, metavar="N",
                        help="fold constant results up to N bytes (default 4 MiB); bigger ones "
                             "stay run-time ops unless no bigger than a constant input")


def fold_arguments(args: argparse.Namespace) -> dict:
    """polytile.compile keyword arguments of --fold-limit-bytes."""
    return {} if args.fold_limit_bytes is None else {"fold_limit_bytes": args.fold_limit_bytes}


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer not below ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


_non_negative_int = int_at_least(0)


def add_isolation_options(parser: argparse.ArgumentParser) -> None:
    """``--isolate`` / ``--no-isolate`` and ``--crash-reproducer FILE``."""
    parser.add_argument("--isolate", action=argparse.BooleanOptionalAction, default=None,
                        help="import and run the passes in a child process, so that a compiler crash "
                             "becomes an error with a reproducer (default: on for --target cpu)")
    parser.add_argument("--crash-reproducer", metavar="FILE",
                        help="where a crash writes its reproducer (implies --isolate; default: a new "
                             "temporary file); replay it with polytile-opt --run-reproducer FILE")


def isolation_arguments(args: argparse.Namespace, isolate_default: bool, emit: Optional[str]) -> dict:
    """polytile.compile keyword arguments of the isolation options. By default the
    CUDA target isolates ``--emit`` only (its JIT needs the compiling process)."""
    isolate = args.isolate
    if args.crash_reproducer is not None:
        if isolate is False:
            raise UsageError("--crash-reproducer needs --isolate: a crash is caught in a child process")
        isolate = True
    if isolate is None:
        isolate = isolate_default and (args.target == "cpu" or emit is not None)
    return {"isolate": isolate, "crash_reproducer": args.crash_reproducer}


def schedule_arguments(args: argparse.Namespace) -> dict:
    """polytile.compile keyword arguments of the schedule options that were given
    (a target that cannot honour one rejects it, naming it)."""
    if args.schedule and not os.path.isfile(args.schedule):
        raise UsageError(f"no such schedule file: {args.schedule}")
    given = {}
    if args.threads is not None:
        given["threads"] = args.threads
    if args.schedule:
        given["schedules"] = args.schedule
    if args.dim_bound:
        given["dim_bounds"] = parse_dim_bounds(args.dim_bound)
    return given


def parse_dim_bounds(values) -> dict:
    """``--dim-bound NAME=LOW:HIGH`` values as name -> (low, high)."""
    bounds = {}
    for text in values:
        name, sep, rest = text.partition("=")
        low, colon, high = rest.partition(":")
        try:
            bound = (int(low), int(high))
        except ValueError:
            bound = None
        if not sep or not name or not colon or bound is None or not 0 <= bound[0] <= bound[1]:
            raise UsageError(f"--dim-bound '{text}': expected NAME=LOW:HIGH with 0 <= LOW <= HIGH")
        if name in bounds:
            raise UsageError(f"--dim-bound given twice for '{name}'")
        bounds[name] = bound
    return bounds


def add_target_option(parser: argparse.ArgumentParser) -> None:
    """``--target NAME`` and ``--target-option KEY=VALUE``."""
    from polytile.targets import target_names
    names = target_names()
    parser.add_argument("--target", default="cpu", metavar="TARGET",
                        help=f"{' or '.join(names)} (default: cpu)")
    parser.add_argument("--target-option", action="append", metavar="KEY=VALUE",
                        help="set a field of the target's options (repeatable), e.g. chip=sm_80 or "
                             "binary-format=bin for --target cuda")


def target_arguments(args: argparse.Namespace) -> dict:
    """polytile.compile keyword arguments of --target-option: ``options=``."""
    if not args.target_option:
        return {}
    from polytile.targets import get_target
    target = get_target(args.target)
    return {"options": target.make_options(**dict(target.parse_option(t) for t in args.target_option))}


def read_model_argument(path: str, stdin: TextIO):
    """The model argument as polytile.compile takes it: a path, or the bytes of
    stdin for ``-``."""
    if path != "-":
        return path
    data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode("latin-1")
    if not data:
        raise UsageError("no model on standard input")
    return data


def write_text(path: str, text: str, stdout: TextIO) -> None:
    if path == "-":
        stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise UsageError(f"could not write output file '{path}': {e.strerror}") from None


def run_tool(tool: str, body: Callable[[], int], stderr: TextIO, debug: bool) -> int:
    """Run ``body``; report errors as ``<tool>: error: ...`` with exit code 1."""
    from polytile.diagnostics import PolytileError

    try:
        return body()
    except SystemExit as e:  # argparse's --help
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except (UsageError, PolytileError) as e:
        if debug:
            traceback.print_exc(file=stderr)
        stderr.write(f"{tool}: error: {e}\n")
        return 1
    except KeyboardInterrupt:
        stderr.write(f"{tool}: interrupted\n")
        return 130
    except BrokenPipeError:
        return 1
    except Exception as e:  # a bug in polytile, not a user mistake
        if debug:
            traceback.print_exc(file=stderr)
            stderr.write(f"{tool}: internal error: {type(e).__name__}: {_one_line(e)}\n")
        else:
            stderr.write(f"{tool}: internal error: {type(e).__name__}: {_one_line(e)} "
                         f"(this is a bug in polytile; rerun with --debug for the traceback)\n")
        return 1


def _one_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else "(no message)"


def pre_scan_debug(argv: list[str]) -> bool:
    """Whether --debug is on, known before argument parsing can fail."""
    return "--debug" in argv


# --------------------------------------------------------------------------
# polytile-compile
# --------------------------------------------------------------------------
def stages_help() -> str:
    """One line per target: its stages in order (from the target registry)."""
    from polytile.targets import all_targets
    return "\n".join(f"  --target {t.name}: {' -> '.join(t.stages)}\n      {t.description}"
                     for t in all_targets())


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=TOOL, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compile an ONNX model and print the IR of one pipeline stage, or resume from the\n"
                    "IR of a stage (--from) and lower it further.",
        epilog="Stages:\n" + stages_help() + "\n\nEach printed stage is valid polytile-opt input "
               "(except cuda's ptx, which is PTX assembly).")
    parser.add_argument("model", nargs="?",
                        help="the ONNX model, or with --from the .mlir file of that stage "
                             "('-' reads it from standard input)")
    parser.add_argument("--emit", default=None, metavar="STAGE",
                        help="the stage to print (default: the target's last stage, llvm), or lib / obj: "
                             "a shared library / object file with a C API (--name; see polytile.aot)")
    parser.add_argument("--from", dest="start", default=None, metavar="STAGE",
                        help="resume from the IR of STAGE (as --emit=STAGE wrote it, edited or not); "
                             "the input is then that .mlir file")
    parser.add_argument("--split-input-file", action="store_true",
                        help="with --from: compile each '// -----' separated piece of the file on its own "
                             "and print the results separated the same way")
    parser.add_argument("-o", "--output", default="-", metavar="FILE",
                        help="output file (default: '-', standard output)")
    add_input_shape_option(parser)
    add_target_option(parser)
    parser.add_argument("--print-pipeline", action="store_true",
                        help="print the polytile-opt pipeline from the --from stage (default: tg) to the "
                             "--emit stage, and exit")
    parser.add_argument("--time", action="store_true", help="print import and pass times to stderr")
    add_schedule_options(parser)
    add_fold_limit_option(parser)
    add_isolation_options(parser)
    from polytile.aot.cli import add_library_options
    add_library_options(parser)
    parser.add_argument("--debug", action="store_true", help="print tracebacks of errors")
    return parser


def lowering_pipeline(target: str = "cpu", start: str = "tg", stop: Optional[str] = None,
                      options=None) -> str:
    """The textual pipeline (for ``polytile-opt --pass-pipeline``) that takes the
    IR of stage ``start`` to stage ``stop`` (default: the target's last) for
    ``target`` with ``options`` (its options dataclass; None: the defaults)."""
    from polytile.targets import get_target

    t = get_target(target)
    return "builtin.module(" + ",".join(t.passes(start, stop or t.final_stage, t.make_options(options))) + ")"


def _print_pipeline(args: argparse.Namespace, stdout: TextIO) -> int:
    from polytile.targets import get_target

    if args.model is not None:
        raise UsageError("--print-pipeline prints the pipeline and reads no input file")
    target = get_target(args.target)
    options = target.make_options(target_arguments(args).get("options"), **schedule_arguments(args),
                                  **fold_arguments(args))
    if options.schedules is not None:
        raise UsageError("--print-pipeline cannot show --schedule: schedules are attached by the driver "
                         "(after tg-fuse-kernels), not by a pass")
    stdout.write(lowering_pipeline(args.target, args.start or "tg", args.emit, options) + "\n")
    return 0


SPLIT_MARKER = "// -----\n"


def split_input(text: str) -> list[str]:
    """The pieces of ``text`` between lines ``// -----`` (as mlir-opt's
    --split-input-file), each padded with blank lines so that its line numbers
    are those of the file."""
    pieces, current, first = [], [], 0
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.strip() == "// -----":
            pieces.append("\n" * first + "".join(current))
            current, first = [], number + 1
        else:
            current.append(line)
    pieces.append("\n" * first + "".join(current))
    return pieces


def read_stage_argument(path: str, stdin: TextIO) -> tuple[str, str]:
    """(MLIR text, name for messages) of the --from input."""
    from polytile.targets.driver import read_mlir_file

    if path == "-":
        text = stdin.read() if not hasattr(stdin, "buffer") else stdin.buffer.read().decode("utf-8", "replace")
        if not text.strip():
            raise UsageError("no MLIR on standard input")
        return text, "<stdin>"
    return read_mlir_file(path), path


def compile_command(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO,
                    isolate_default: bool = False) -> int:
    from polytile.aot import cli as aot_cli
    if aot_cli.print_dirs(args, stdout):
        return 0
    if args.emit in aot_cli.LIBRARY_EMITS:
        return aot_cli.library_command(args, stdin, stdout, stderr, isolate_default)
    aot_cli.refuse_unused(args)
    if args.print_pipeline:
        return _print_pipeline(args, stdout)
    if args.model is None:
        raise UsageError("the following arguments are required: model")
    from polytile.targets import get_target

    target = get_target(args.target)
    emit = target.check_stage(args.emit or target.final_stage)
    if args.start is not None:
        target.check_stage(args.start)
        if args.input_shape:
            raise UsageError("--input-shape applies to an ONNX model, not to the IR of --from")
        text, name = read_stage_argument(args.model, stdin)
        sources = split_input(text) if args.split_input_file else [text]
        shapes = {}
    else:
        if args.split_input_file:
            raise UsageError("--split-input-file applies to the MLIR of --from, not to an ONNX model")
        sources, name = [read_model_argument(args.model, stdin)], None
        shapes = collect_input_shapes(args.input_shape)
    import polytile

    start = time.perf_counter()
    texts = []
    for source in sources:
        text = polytile.compile(source, target=args.target, input_shapes=shapes or None, emit=emit,
                                start=args.start, source_name=name,
                                **schedule_arguments(args), **fold_arguments(args), **target_arguments(args),
                                **isolation_arguments(args, isolate_default, emit))
        texts.append(text if text.endswith("\n") else text + "\n")
    elapsed = time.perf_counter() - start
    write_text(args.output, SPLIT_MARKER.join(texts), stdout)
    if args.time:
        stderr.write(f"{TOOL}: compiled to {emit} in {elapsed:.3f} s\n")
    return 0


def run(argv: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO,
        isolate_default: bool = False) -> int:
    """polytile-compile on ``argv``; ``isolate_default`` applies without --isolate or
    --no-isolate (the command passes :data:`ISOLATE_BY_DEFAULT`)."""
    debug = pre_scan_debug(argv)

    def body() -> int:
        args = build_parser().parse_args(argv)
        return compile_command(args, stdin, stdout, stderr, isolate_default)

    return run_tool(TOOL, body, stderr, debug)



def main(argv: Optional[list[str]] = None) -> int:
    return run(sys.argv[1:] if argv is None else argv, sys.stdin, sys.stdout, sys.stderr,
               isolate_default=ISOLATE_BY_DEFAULT)


if __name__ == "__main__":
    sys.exit(main())

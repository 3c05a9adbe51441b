"""`polytile-run`: compile an ONNX model, run it, summarize its outputs.

    polytile-run model.onnx [--inputs feeds.npz] [--input-shape NAME=AxB ...] [--dim NAME=SIZE ...]
                 [--check [--rtol R] [--atol A]] [--repeat N] [--seed S]
    polytile-run libNAME.so [--check --reference model.onnx] ...   (a library of --emit=lib)

Inputs come from an ``.npz`` archive (name -> array; dtypes and shapes must
match the model exactly, nothing is cast) or are drawn at random with a fixed
seed: standard-normal floats, small integers in [0, 4), fair random bools.
An input with dynamic dims that ``--inputs`` provides is pinned to the shape of
the given array.

The report lists each output (shape, dtype, min/max/mean), the compile time
split into import / passes / JIT and the median run time over ``--repeat``
runs. ``--check`` compares with onnxruntime: per output the max absolute and
relative error and PASS/FAIL against ``|a - e| <= atol + rtol * |e|``.

Exit codes: 0 success (and every output PASS with --check), 1 an error or a
FAIL, 2 --check could not be done (onnxruntime missing or unable to run the
model).

The compile is isolated in a child process by default (``--isolate`` /
``--no-isolate``, ``--crash-reproducer FILE``: see ``polytile.compile_main``), so a
compiler crash is an error line with exit code 1.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from typing import Optional, TextIO

import numpy as np

from polytile.compile_main import (ISOLATE_BY_DEFAULT, ArgumentParser, UsageError,
                                   add_input_shape_option, add_isolation_options,
                                   add_fold_limit_option, add_schedule_options, add_target_option,
                                   fold_arguments, target_arguments,
                                   int_at_least, isolation_arguments,
                                   schedule_arguments, collect_input_shapes, pre_scan_debug,
                                   read_model_argument, run_tool)
from polytile.testing import compare_arrays

TOOL = "polytile-run"
EXIT_CHECK_UNAVAILABLE = 2


class CheckUnavailable(Exception):
    """--check cannot be done: onnxruntime is missing or cannot run the model."""


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=TOOL, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compile an ONNX model with polytile, run it, and summarize its outputs\n"
                    "(optionally checked against onnxruntime).",
        epilog="Random inputs (without --inputs): standard-normal floats, integers in [0, 4),\n"
               "fair bools, from --seed. --check passes an output when |a - e| <= atol + rtol * |e|\n"
               "everywhere (integers and bools exactly).\n\n"
               "Exit codes: 0 ok (and every output PASS with --check), 1 an error or a FAIL,\n"
               "2 --check could not run onnxruntime (not installed, or it rejects the model).")
    parser.add_argument("model", help="the ONNX model ('-' reads it from standard input)")
    parser.add_argument("--inputs", metavar="FEEDS.npz",
                        help="input values: an .npz archive of input name -> array (default: random)")
    add_input_shape_option(parser)
    parser.add_argument("--dim", action="append", metavar="NAME=SIZE",
                        help="size of the dynamic dim NAME (the model's dim_param, or INPUT:INDEX) "
                             "in the random inputs; the model stays compiled for any size "
                             "(repeatable; default: 1)")
    add_target_option(parser)
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default: 0)")
    parser.add_argument("--repeat", type=_positive_int, default=3, metavar="N",
                        help="run N times and report the median time (default: 3)")
    parser.add_argument("--check", action="store_true", help="compare the outputs with onnxruntime")
    parser.add_argument("--rtol", type=float, default=1e-3, help="relative tolerance of --check (default: 1e-3)")
    parser.add_argument("--atol", type=float, default=1e-4, help="absolute tolerance of --check (default: 1e-4)")
    parser.add_argument("--save-outputs", metavar="OUT.npz", help="write the outputs to an .npz archive")
    parser.add_argument("--reference", metavar="MODEL.onnx",
                        help="when running a library (polytile-compile --emit=lib): the ONNX model it was "
                             "compiled from, which --check runs in onnxruntime")
    add_schedule_options(parser)
    add_fold_limit_option(parser)
    add_isolation_options(parser)
    parser.add_argument("--debug", action="store_true", help="print tracebacks of errors")
    return parser


_positive_int = int_at_least(1)


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------
def load_feeds(path: str) -> dict[str, np.ndarray]:
    """An .npz archive as name -> array; errors are UsageErrors."""
    try:
        with open(path, "rb") as f:
            magic = f.read(6)
    except FileNotFoundError:
        raise UsageError(f"--inputs '{path}': no such file") from None
    except IsADirectoryError:
        raise UsageError(f"--inputs '{path}' is a directory, expected an .npz archive") from None
    except OSError as e:
        raise UsageError(f"--inputs '{path}': {e.strerror}") from None
    if magic == b"\x93NUMPY":
        raise UsageError(f"--inputs '{path}' holds a single array (.npy); expected an .npz archive of "
                         f"input name -> array (numpy.savez)")
    if not magic.startswith(b"PK"):
        raise UsageError(f"--inputs '{path}' is not an .npz archive (numpy.savez writes one)")
    try:
        archive = np.load(path, allow_pickle=False)
    except Exception as e:
        raise UsageError(f"--inputs '{path}' is not a readable .npz archive ({type(e).__name__}: "
                         f"{str(e).strip().splitlines()[0] if str(e).strip() else 'unreadable'})") from None
    with archive:
        try:
            return {name: archive[name] for name in archive.files}
        except Exception as e:
            raise UsageError(f"--inputs '{path}': cannot read array ({type(e).__name__}: {e})") from None


def graph_inputs(model) -> list[tuple[str, list]]:
    """(name, dims) of each non-initializer graph input; a dim is an int or None."""
    initializers = {i.name for i in model.graph.initializer}
    out = []
    for value in model.graph.input:
        if value.name in initializers:
            continue
        dims = []
        tensor_type = value.type.tensor_type
        if tensor_type.HasField("shape"):
            for d in tensor_type.shape.dim:
                dims.append(d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None)
        else:
            dims = None
        out.append((value.name, dims))
    return out


def shapes_from_feeds(model, feeds: dict, pinned: dict) -> dict:
    """Pin dynamic dims of the inputs that --inputs provides to the arrays' shapes.
    Feed names that are not model inputs are reported here, before compiling."""
    inputs = dict(graph_inputs(model))
    unknown = sorted(set(feeds) - set(inputs))
    if unknown:
        raise UsageError(f"--inputs has array(s) {unknown} that are not model inputs; "
                         f"the model's inputs are {list(inputs)}")
    shapes = dict(pinned)
    for name, array in feeds.items():
        dims = inputs[name]
        if name in shapes:
            continue
        if dims is None or (len(dims) == array.ndim and any(d is None for d in dims)):
            shapes[name] = tuple(array.shape)
    return shapes


def parse_dims(values: Optional[list[str]]) -> dict[str, int]:
    """``--dim NAME=SIZE`` values as name -> size."""
    dims: dict[str, int] = {}
    for text in values or []:
        name, eq, size = text.rpartition("=")
        if not eq or not name:
            raise UsageError(f"--dim '{text}': expected NAME=SIZE")
        if not size.isdigit():
            raise UsageError(f"--dim '{text}': '{size}' is not a size (an integer >= 0)")
        if name in dims:
            raise UsageError(f"--dim given twice for '{name}'")
        dims[name] = int(size)
    return dims


def feed_shapes(inputs, dims: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """The shape of each input's random feed: its static dims, and for each dynamic
    dim the size ``dims`` gives its name (default 1). A name in ``dims`` that is
    no dynamic dim of the inputs is a UsageError."""
    names = {d for info in inputs for d in info.shape if isinstance(d, str)}
    unknown = sorted(set(dims) - names)
    if unknown:
        raise UsageError(f"--dim names {unknown}, which are not dynamic dims of the compiled model "
                         f"(its dynamic dims: {sorted(names) or 'none'})")
    return {info.name: tuple(d if isinstance(d, int) else dims.get(d, 1) for d in info.shape)
            for info in inputs}


def random_feeds(inputs, seed: int, dims: Optional[dict[str, int]] = None) -> dict[str, np.ndarray]:
    """Seeded random values: normal floats, integers in [0, 4), fair bools; dynamic
    dims sized as :func:`feed_shapes` says."""
    rng = np.random.default_rng(seed)
    shapes = feed_shapes(inputs, dims or {})
    feeds = {}
    for info in inputs:
        dtype, shape = np.dtype(info.dtype), shapes[info.name]
        if dtype == np.bool_:
            feeds[info.name] = rng.random(shape) < 0.5
        elif np.issubdtype(dtype, np.integer):
            feeds[info.name] = rng.integers(0, 4, size=shape).astype(dtype)
        else:
            feeds[info.name] = rng.standard_normal(shape).astype(dtype)
    return feeds


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def _shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def describe(array: np.ndarray) -> str:
    """``float32[2,3] min -1 max 2.5 mean 0.25`` (stats skipped when empty)."""
    head = f"{array.dtype}{_shape_text(array.shape)}"
    if array.size == 0:
        return head + " (empty)"
    values = array.astype(np.float64) if array.dtype != np.bool_ else array.astype(np.int8)
    return (f"{head}  min {_num(values.min())}  max {_num(values.max())}  "
            f"mean {_num(values.mean())}")


def _num(x) -> str:
    return f"{float(x):.6g}"


def _seconds(s: float) -> str:
    return f"{s * 1e3:.3f} ms" if s < 1 else f"{s:.3f} s"


_IR_VERSION_TOO_NEW = re.compile(r"Unsupported model IR version: (\d+), max supported IR version: (\d+)")


def run_onnxruntime(model, feeds: dict, stdout: TextIO) -> list[np.ndarray]:
    """onnxruntime's outputs for ``model`` (a ModelProto). A model whose IR
    version is newer than onnxruntime reads is retried with the newest version
    it reads (with a note): the op semantics come from the opset, not the IR."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise CheckUnavailable("--check needs onnxruntime, which is not installed "
                               "(pip install onnxruntime)") from None
    data = model.SerializeToString()
    for attempt in range(2):
        try:
            session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
            return session.run(None, feeds)
        except Exception as e:
            message = str(e).strip()
            too_new = _IR_VERSION_TOO_NEW.search(message)
            if attempt == 0 and too_new:
                stdout.write(f"note: onnxruntime reads IR versions up to {too_new.group(2)}; the model "
                             f"(IR version {too_new.group(1)}) is checked as IR version {too_new.group(2)}\n")
                downgraded = type(model)()
                downgraded.CopyFrom(model)
                downgraded.ir_version = int(too_new.group(2))
                data = downgraded.SerializeToString()
                continue
            raise CheckUnavailable(f"onnxruntime cannot run the model: {_ort_message(message)}") from None
    raise AssertionError("unreachable")


def _ort_message(message: str) -> str:
    """onnxruntime's message without its C++ source position."""
    line = message.splitlines()[0] if message else "(no message)"
    return re.sub(r"\S+\.(cc|h|cpp):\d+ [^ ]*\([^)]*\)(\s*const)? ", "", line)


def check_outputs(names, outputs, expected, rtol: float, atol: float, stdout: TextIO) -> bool:
    import onnxruntime as ort

    stdout.write(f"check against onnxruntime {ort.__version__} (rtol {rtol:g}, atol {atol:g}):\n")
    width = max(len(n) for n in names) if names else 0
    all_ok = True
    for name, got, want in zip(names, outputs, expected):
        result = compare_arrays(got, np.asarray(want), rtol, atol)
        verdict = "PASS" if result.ok else "FAIL"
        detail = f"  ({result.reason})" if result.reason else ""
        stdout.write(f"  {name:<{width}}  max abs err {result.max_abs:.3g}  max rel err {result.max_rel:.3g}"
                     f"  {verdict}{detail}\n")
        all_ok &= result.ok
    stdout.write("PASS\n" if all_ok else "FAIL\n")
    return all_ok


def run_command(args: argparse.Namespace, stdin: TextIO, stdout: TextIO,
                isolate_default: bool = False) -> int:
    import polytile
    from polytile.aot import cli as aot_cli
    from polytile.importers.onnx import load_model

    if args.model != "-" and aot_cli.is_library(args.model):
        return aot_cli.run_library(args, stdout)
    if args.reference:
        raise UsageError("--reference applies to a library (polytile-compile --emit=lib); the ONNX model "
                         "itself is the reference of --check")
    pinned = collect_input_shapes(args.input_shape)
    dims = parse_dims(args.dim)
    source = read_model_argument(args.model, stdin)
    given = load_feeds(args.inputs) if args.inputs else {}
    model = load_model(source)
    shapes = shapes_from_feeds(model, given, pinned) if given else pinned
    compiled = polytile.compile(model, target=args.target, input_shapes=shapes or None,
                                **schedule_arguments(args), **fold_arguments(args), **target_arguments(args),
                                **isolation_arguments(args, isolate_default, None))

    feeds = given if args.inputs else random_feeds(compiled.inputs, args.seed, dims)
    times = []
    outputs = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        outputs = compiled.run(feeds)
        times.append(time.perf_counter() - start)

    name = "<stdin>" if args.model == "-" else args.model
    stdout.write(f"model: {name}\n")
    origin = f"from {args.inputs}" if args.inputs else f"random, seed {args.seed}"
    stdout.write(f"inputs ({origin}):\n")
    _write_rows(stdout, [(i.name, describe(np.asarray(feeds[i.name]))) for i in compiled.inputs])
    stdout.write("outputs:\n")
    _write_rows(stdout, [(n, describe(o)) for n, o in zip(compiled.output_names, outputs)])
    t = compiled.compile_times
    stdout.write(f"compile: {_seconds(t.total_s)} (import {_seconds(t.import_s)}, passes "
                 f"{_seconds(t.passes_s)}, JIT {_seconds(t.jit_s)})\n")
    stdout.write(f"run: {_seconds(statistics.median(times))} median of {len(times)} run(s)\n")
    if args.save_outputs:
        _save_outputs(args.save_outputs, compiled.output_names, outputs)
    if not args.check:
        return 0
    expected = run_onnxruntime(model, feeds, stdout)
    return 0 if check_outputs(compiled.output_names, outputs, expected, args.rtol, args.atol, stdout) else 1


def _write_rows(stdout: TextIO, rows) -> None:
    width = max((len(n) for n, _ in rows), default=0)
    for name, text in rows:
        stdout.write(f"  {name:<{width}}  {text}\n")


def _save_outputs(path: str, names, outputs) -> None:
    try:
        np.savez(path, **dict(zip(names, outputs)))
    except OSError as e:
        raise UsageError(f"could not write --save-outputs '{path}': {e.strerror}") from None


def run(argv: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO,
        isolate_default: bool = False) -> int:
    """polytile-run on ``argv``; ``isolate_default`` applies without --isolate or
    --no-isolate (the command passes ISOLATE_BY_DEFAULT, see polytile.compile_main)."""
    debug = pre_scan_debug(argv)

    def body() -> int:
        args = build_parser().parse_args(argv)
        if args.check:
            # Fail early, before compiling, when the reference is missing.
            try:
                import onnxruntime  # noqa: F401
            except ImportError:
                stderr.write(f"{TOOL}: error: --check needs onnxruntime, which is not installed "
                             f"(pip install onnxruntime)\n")
                return EXIT_CHECK_UNAVAILABLE
        try:
            return run_command(args, stdin, stdout, isolate_default)
        except CheckUnavailable as e:
            stderr.write(f"{TOOL}: error: {e}\n")
            return EXIT_CHECK_UNAVAILABLE

    return run_tool(TOOL, body, stderr, debug)


def main(argv: Optional[list[str]] = None) -> int:
    return run(sys.argv[1:] if argv is None else argv, sys.stdin, sys.stdout, sys.stderr,
               isolate_default=ISOLATE_BY_DEFAULT)


if __name__ == "__main__":
    sys.exit(main())

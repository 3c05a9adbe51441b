"""The library options of ``polytile-compile`` (``--emit=lib|obj``) and of ``polytile-run``.

    polytile-compile model.onnx --emit=lib --name=NAME [-o libNAME.so] [--threads N]
        [--weights FILE] [--target-triple T] [--cpu C] [--features F] [--cc CC]
    polytile-compile model.onnx --emit=obj --name=NAME [-o NAME.o] ...
    polytile-compile --print-include-dir      (the folder holding polytile/runtime.h)
    polytile-compile --print-cmake-dir        (the folder holding polytile.cmake, polytileConfig.cmake)

Every library option is refused without ``--emit=lib|obj`` (never ignored), and
``--emit=lib|obj`` refuses what it cannot honour (``--from``, ``--target cuda``,
``--split-input-file``, ``--target-option``).
"""
from __future__ import annotations

import argparse
import time
from typing import TextIO

LIBRARY_EMITS = ("lib", "obj")
_LIBRARY_OPTIONS = ("name", "weights", "target_triple", "cpu", "features", "cc")


def add_library_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("libraries (--emit=lib: a shared library, --emit=obj: an object file; "
                                      "both with NAME.h beside them)")
    group.add_argument("--name", metavar="NAME",
                       help="the C name of the model: its functions are NAME_create, NAME_run, ... (required)")
    group.add_argument("--weights", metavar="FILE",
                       help="write the weights to FILE (put it beside the library) instead of embedding them")
    group.add_argument("--target-triple", metavar="TRIPLE",
                       help="build for another machine, e.g. aarch64-linux-gnu (default: this one)")
    group.add_argument("--cpu", metavar="CPU",
                       help="LLVM CPU name (default: this machine's, as the JIT; 'generic' for another triple)")
    group.add_argument("--features", metavar="+F,-G",
                       help="LLVM target features, e.g. +neon,+fp-armv8")
    group.add_argument("--cc", metavar="CC",
                       help="C compiler and linker for the target (default: cc, or TRIPLE-gcc for another triple)")
    group.add_argument("--print-include-dir", action="store_true",
                       help="print the folder that holds polytile/runtime.h, and exit")
    group.add_argument("--print-cmake-dir", action="store_true",
                       help="print the folder that holds polytile.cmake (find_package(polytile)), and exit")


def print_dirs(args: argparse.Namespace, stdout: TextIO) -> bool:
    """Handle --print-include-dir / --print-cmake-dir; True when one was given."""
    from polytile.aot.build import cmake_dir, include_dir
    if not (args.print_include_dir or args.print_cmake_dir):
        return False
    if args.model is not None:
        from polytile.compile_main import UsageError
        raise UsageError("--print-include-dir and --print-cmake-dir read no input file")
    if args.print_include_dir:
        stdout.write(include_dir() + "\n")
    if args.print_cmake_dir:
        stdout.write(cmake_dir() + "\n")
    return True


def refuse_unused(args: argparse.Namespace) -> None:
    """A UsageError for a library option given without --emit=lib|obj."""
    from polytile.compile_main import UsageError
    for option in _LIBRARY_OPTIONS:
        if getattr(args, option) is not None:
            flag = "--" + option.replace("_", "-")
            raise UsageError(f"{flag} applies to --emit=lib or --emit=obj only")


def library_command(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO,
                    isolate_default: bool) -> int:
    """``polytile-compile --emit=lib|obj``: build the library and its header."""
    from polytile.aot.build import build_library
    from polytile.compile_main import (TOOL, UsageError, collect_input_shapes, fold_arguments, isolation_arguments,
                                       read_model_argument, schedule_arguments)
    from polytile.targets import get_target

    if args.print_pipeline:
        raise UsageError(f"--print-pipeline prints the passes between two IR stages; --emit={args.emit} runs "
                         f"the cpu target's passes to its llvm stage (those of --emit=llvm --print-pipeline, with "
                         f"OpenMP regions sized at run time), then "
                         f"mlir-translate, opt, llc and the C compiler")
    if args.target != "cpu":
        raise UsageError(f"--emit={args.emit} builds CPU libraries; --target {args.target} has none")
    for flag, given in (("--from", args.start), ("--split-input-file", args.split_input_file or None),
                        ("--target-option", args.target_option)):
        if given is not None:
            raise UsageError(f"{flag} cannot be used with --emit={args.emit}")
    if args.model is None:
        raise UsageError("the following arguments are required: model")
    if not args.name:
        raise UsageError(f"--emit={args.emit} needs --name=NAME (the C name of the model)")
    if args.output == "-":
        output = f"lib{args.name}.so" if args.emit == "lib" else f"{args.name}.o"
    else:
        output = args.output
    source = read_model_argument(args.model, stdin)
    options = get_target("cpu").make_options(**schedule_arguments(args), **fold_arguments(args))
    isolation = isolation_arguments(args, isolate_default, args.emit)
    start = time.perf_counter()
    result = build_library(source, args.name, output, kind=args.emit, options=options,
                           input_shapes=collect_input_shapes(args.input_shape) or None,
                           weights_file=args.weights, target_triple=args.target_triple, cpu=args.cpu,
                           features=args.features, cc=args.cc, isolate=isolation["isolate"],
                           crash_reproducer=isolation["crash_reproducer"],
                           model_label=args.model if args.model != "-" else "<stdin>")
    if args.time:
        stderr.write(f"{TOOL}: built {result.output} in {time.perf_counter() - start:.3f} s\n")
    return 0


# --------------------------------------------------------------------------
# polytile-run LIBRARY.so [--check --reference model.onnx]
# --------------------------------------------------------------------------
_COMPILE_ONLY = (("input_shape", "--input-shape"), ("threads", "--threads"), ("schedule", "--schedule"),
                 ("dim_bound", "--dim-bound"), ("fold_limit_bytes", "--fold-limit-bytes"),
                 ("target_option", "--target-option"), ("isolate", "--isolate/--no-isolate"),
                 ("crash_reproducer", "--crash-reproducer"))


def is_library(path: str) -> bool:
    """Whether ``path`` is an ELF file (a model library), not an ONNX model."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def run_library(args: argparse.Namespace, stdout: TextIO) -> int:
    """``polytile-run libNAME.so``: load the library, run it, report; ``--check``
    compares with onnxruntime running ``--reference model.onnx``."""
    import statistics

    import numpy as np

    from polytile.aot.loader import load
    from polytile.compile_main import UsageError
    from polytile import run_main

    for option, flag in _COMPILE_ONLY:
        if getattr(args, option, None) is not None:
            raise UsageError(f"{flag} applies when compiling an ONNX model; '{args.model}' is a compiled library")
    if args.target != "cpu":
        raise UsageError(f"--target {args.target}: '{args.model}' is a compiled CPU library")
    if args.check and not args.reference:
        raise UsageError("--check of a library needs --reference MODEL.onnx (the model it was compiled from)")
    reference = None
    if args.reference:
        from polytile.importers.onnx import load_model
        reference = load_model(args.reference)
    start = time.perf_counter()
    model = load(args.model)
    load_s = time.perf_counter() - start
    inputs = list(model.inputs)
    if reference is not None:  # dim names of the dynamic dims, from the reference model
        from polytile.importers.onnx import TensorInfo
        named = {v.name: [d.dim_param or None for d in v.type.tensor_type.shape.dim] for v in reference.graph.input}
        inputs = [TensorInfo(i.name, tuple(d if d is not None else (named.get(i.name, [None] * len(i.shape))[k]
                                                                   if k < len(named.get(i.name, [])) else None)
                                           for k, d in enumerate(i.shape)), i.dtype) for i in inputs]
    feeds = run_main.load_feeds(args.inputs) if args.inputs else \
        run_main.random_feeds(inputs, args.seed, run_main.parse_dims(args.dim))
    times, outputs = [], None
    for _ in range(args.repeat):
        begin = time.perf_counter()
        outputs = model.run(feeds)
        times.append(time.perf_counter() - begin)
    stdout.write(f"library: {args.model} (model '{model.name}')\n")
    origin = f"from {args.inputs}" if args.inputs else f"random, seed {args.seed}"
    stdout.write(f"inputs ({origin}):\n")
    run_main._write_rows(stdout, [(i.name, run_main.describe(np.asarray(feeds[i.name]))) for i in model.inputs
                                  if i.name in feeds])
    stdout.write("outputs:\n")
    run_main._write_rows(stdout, [(n, run_main.describe(o)) for n, o in zip(model.output_names, outputs)])
    stdout.write(f"load: {run_main._seconds(load_s)}\n")
    stdout.write(f"run: {run_main._seconds(statistics.median(times))} median of {len(times)} run(s)\n")
    if args.save_outputs:
        run_main._save_outputs(args.save_outputs, model.output_names, outputs)
    if not args.check:
        return 0
    expected = run_main.run_onnxruntime(reference, feeds, stdout)
    ok = run_main.check_outputs(model.output_names, outputs, expected, args.rtol, args.atol, stdout)
    return 0 if ok else 1

"""Per-kernel profile of one model: where polytile's time goes.

    python bench/profile_model.py bert --bert-layers 2 [--repeats 10] [--top 30]
    python bench/profile_model.py path/to/model.onnx [--polyhedral "tile-sizes=32"]

The model is a name from ``bench/models.py`` or an ONNX file. Every loop nest of
the compiled model is a kernel function (`func-outline-loop-nests`); each call
is timed (`func-profile-calls`) over ``--repeats`` runs after a warm-up. Prints
the ``--top`` kernels by time (ms per run, calls per run, share of the run, the
ONNX nodes they come from), one line for the rest, and the run time with and
without the instrumentation.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help=f"one of {', '.join(models.MODELS)}, or a .onnx path")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--bert-layers", type=int, default=12)
    parser.add_argument("--polyhedral", default=None,
                        help='run affine-polyhedral-schedule with these options ("" for the defaults)')
    args = parser.parse_args(argv)

    from polytile.diagnostics import PolytileError
    from polytile.profile import profile

    if args.model in models.MODELS:
        model, feeds = models.build(args.model, bert_layers=args.bert_layers)
    elif args.model.endswith(".onnx") and os.path.exists(args.model):
        model, feeds = args.model, None
    else:
        parser.error(f"'{args.model}' is neither a model name ({', '.join(models.MODELS)}) "
                     "nor an existing .onnx file")
    options = {} if args.polyhedral is None else {"polyhedral": args.polyhedral}
    try:
        result = profile(model, threads=args.threads, repeats=args.repeats, feeds=feeds, **options)
    except PolytileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{args.model}: {len(result.rows)} kernels, {result.repeats} runs")
    print(result.table(top=args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m polytile.fuzz`` / ``scripts/fuzz.py``: the fuzzing harness's command line.

    python -m polytile.fuzz --cases 10000 --seed 1 --jobs 2 [--family onnx|ir|sched|feeds|all]
                            [--out DIR] [--timeout S] [--no-minimize] [--json FILE] [-v]
    python -m polytile.fuzz --replay test/fuzz [PATH ...]

Prints a table of counts by family and outcome, then one line per distinct
failure (family, outcome, signature, count, an example message) and the
reproducers written. Exit code: 0 when no case crashed, hung, raised a
traceback or gave a wrong answer; 1 otherwise; 2 on a usage error.
See docs/Fuzzing.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Optional

from polytile.fuzz import driver
from polytile.fuzz.checkout import checkout_root
from polytile.fuzz.execute import BAD, OUTCOMES


def _default_out() -> str:
    root = checkout_root()
    if root is not None:
        return os.path.join(root, "test", "fuzz")
    return "fuzz-reproducers"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="polytile-fuzz", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Outcomes: " + ", ".join(OUTCOMES) + " (see docs/Fuzzing.md).")
    p.add_argument("--cases", type=int, default=1000, help="number of cases (default: 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed: the same seed draws the same cases (default: 0)")
    p.add_argument("--jobs", "-j", type=int, default=2, help="cases run at once (default: 2)")
    p.add_argument("--family", action="append", default=None,
                   help="onnx, ir, sched, feeds or all (default: all; repeatable, or comma-separated)")
    p.add_argument("--out", default=None,
                   help="where reproducers go, as <out>/<family>/<outcome>-<hash>.<ext> "
                        "(default: test/fuzz of the checkout)")
    p.add_argument("--no-save", action="store_true", help="write no reproducers")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per case before it is a hang (default: 30)")
    p.add_argument("--no-minimize", action="store_true", help="save failing cases as they are")
    p.add_argument("--minimize-tests", type=int, default=60,
                   help="test runs spent minimizing each failure (default: 60)")
    p.add_argument("--per-signature", type=int, default=1,
                   help="reproducers kept per distinct failure (default: 1)")
    p.add_argument("--json", metavar="FILE", help="write every case's result as JSON lines")
    p.add_argument("--replay", nargs="+", metavar="PATH",
                   help="replay reproducers (files or folders) instead of drawing cases")
    p.add_argument("-v", "--verbose", action="store_true", help="print every failure as it happens")
    p.add_argument("--debug", action="store_true", help="let the fork server print to stderr")
    return p


def _families(values: Optional[list]) -> list[str]:
    if not values:
        return list(driver.FAMILIES)
    out = []
    for v in values:
        for f in v.split(","):
            f = f.strip()
            if f == "all":
                out.extend(driver.FAMILIES)
            elif f in driver.FAMILIES:
                out.append(f)
            else:
                raise SystemExit(f"polytile-fuzz: error: unknown family '{f}' "
                                 f"(families: {', '.join(driver.FAMILIES)}, all)")
    return list(dict.fromkeys(out))


def _describe(case: dict) -> str:
    bits = [case.get("key", "")]
    if case.get("seed_name"):
        bits.append(f"seed={case['seed_name']}")
    if case.get("mode"):
        bits.append(f"mode={case['mode']}")
    if case.get("origin"):
        bits.append(f"from={case['origin']}")
    return " ".join(b for b in bits if b)


def main(argv: Optional[list] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.cases < 0 or args.jobs < 1 or args.timeout <= 0:
        print("polytile-fuzz: error: --cases must be >= 0, --jobs >= 1, --timeout > 0", file=sys.stderr)
        return 2
    try:
        families = _families(args.family)
    except SystemExit as e:
        print(e, file=sys.stderr)
        return 2
    log = open(args.json, "w") if args.json else None

    def on_result(case, res):
        if log:
            log.write(json.dumps({"case": _describe(case), "family": case["family"],
                                  **{k: v for k, v in res.items() if k != "traceback"}}, default=str) + "\n")
        if args.verbose and res["outcome"] in BAD:
            print(f"{res['outcome']}: {_describe(case)}: {res.get('message', '')}", file=sys.stderr, flush=True)

    if args.replay:
        rows = driver.replay(args.replay, jobs=args.jobs, timeout=args.timeout)
        report = driver.Report([(c, r) for _, c, r in rows], 0.0)
        for path, case, res in rows:
            on_result(case, res)
            mark = "FAIL" if res["outcome"] in BAD else "ok  "
            print(f"{mark} {res['outcome']:<12} {case['key']}  {res.get('message', '')[:160]}")
        print()
        print(report.table())
        if log:
            log.close()
        return 1 if report.bad() else 0

    report = driver.run(cases=args.cases, seed=args.seed, families=families, jobs=args.jobs,
                        timeout=args.timeout, out=None if args.no_save else (args.out or _default_out()),
                        minimize_failures=not args.no_minimize, minimize_tests=args.minimize_tests,
                        per_signature=args.per_signature,
                        progress=lambda line: print(line, file=sys.stderr, flush=True),
                        on_result=on_result, debug=args.debug)
    if log:
        log.close()
    print(f"polytile fuzz: {args.cases} cases, seed {args.seed}, families {','.join(families)}, "
          f"{args.jobs} jobs, {report.seconds:.1f} s")
    print(report.table())
    groups = report.groups()
    if groups:
        print("\nfailures by cause:")
        for family, outcome, signature, members in groups:
            case, res = members[0]
            print(f"  [{len(members)}] {family} {outcome} {signature}")
            print(f"      e.g. {_describe(case)}: {res.get('message', '')[:300]}")
    if report.reproducers:
        print("\nreproducers:")
        for path, case, res in report.reproducers:
            print(f"  {os.path.relpath(path)}  ({res['outcome']}: {res.get('message', '')[:120]})")
    return 1 if report.bad() else 0


if __name__ == "__main__":
    sys.exit(main())

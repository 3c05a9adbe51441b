#!/usr/bin/env python3
"""Fuzz polytile: ``python scripts/fuzz.py --cases 10000 --seed 1 --jobs 2 [--family ...]``.

A thin entry point for ``python -m polytile.fuzz`` (see docs/Fuzzing.md).
"""
import sys

from polytile.fuzz.cli import main

if __name__ == "__main__":
    sys.exit(main())

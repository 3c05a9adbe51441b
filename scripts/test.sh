#!/usr/bin/env bash
# Install polytile into ./.venv and run the whole test suite: lit (FileCheck)
# tests, the ONNX conformance sweep, then pytest. Usage: bash scripts/test.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet '.[test]'
.venv/bin/lit -sv test
# The full ONNX backend node-test sweep (about 2 minutes on 2 cores); fails on
# any wrong answer or crash, reports unsupported tests as skipped.
.venv/bin/polytile-conformance -j 2
# two pytest workers (pytest-xdist) keep the 2-core CI under 30 minutes
.venv/bin/pytest -q -n 2 --durations=25 test/python

#!/usr/bin/env bash
# Install polytile into ./.venv and run the whole test suite: lit (FileCheck)
# tests, then pytest. Usage: bash scripts/test.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet '.[test]'
.venv/bin/lit -sv test
.venv/bin/pytest -q test/python

#!/usr/bin/env bash
# Install polytile into ./.venv and run the whole test suite: lit (FileCheck)
# tests, the ONNX conformance sweep, then pytest. Usage: bash scripts/test.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet '.[test]'
# The cross toolchain and qemu of the aarch64 library test (test_aot_aarch64.py), and
# cmake for the C example: best effort (root with apt-get only); without them those tests skip.
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null \
    || ! command -v cmake >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (export DEBIAN_FRONTEND=noninteractive
     apt-get update -qq && apt-get install -y -qq --no-install-recommends \
       gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user cmake) >/dev/null 2>&1 \
      || echo "note: could not install the aarch64 cross toolchain, qemu-user or cmake; their tests will skip"
  fi
fi
.venv/bin/lit -sv test
# The full ONNX backend node-test sweep (about 2 minutes on 2 cores); fails on
# any wrong answer or crash, reports unsupported tests as skipped.
.venv/bin/polytile-conformance -j 2
# two pytest workers (pytest-xdist) keep the 2-core CI under 30 minutes
.venv/bin/pytest -q -n 2 --durations=25 test/python

"""Cross-compilation: examples/c built for aarch64 (CMake toolchain file
examples/c/aarch64-linux-gnu.cmake: Debian's gcc-aarch64-linux-gnu, polytile's
--target-triple aarch64-linux-gnu through the wheels' LLVM AArch64 backend, one
thread) and run under qemu-aarch64 against onnxruntime. Skips cleanly without the
cross toolchain or qemu (scripts/test.sh installs them where apt-get can)."""
from __future__ import annotations

import subprocess

import pytest

from aot_support import EXAMPLE, example_feeds, have, run_example
from test_aot_cmake import configure_and_build

SYSROOT = "/usr/aarch64-linux-gnu"

pytestmark = pytest.mark.skipif(not have("aarch64-linux-gnu-gcc", "qemu-aarch64", "cmake"),
                                reason="needs aarch64-linux-gnu-gcc (gcc-aarch64-linux-gnu), qemu-aarch64 "
                                       "(qemu-user) and cmake")


def test_aarch64_convnet_under_qemu(tmp_path):
    build, models = configure_and_build(tmp_path, f"-DCMAKE_TOOLCHAIN_FILE={EXAMPLE / 'aarch64-linux-gnu.cmake'}")
    exe = build / "two_models"
    elf = subprocess.run(["readelf", "-h", str(exe)], capture_output=True, text=True).stdout
    assert "AArch64" in elf, elf
    header = (build / "polytile" / "model_b" / "model_b.h").read_text()
    assert "target: aarch64-linux-gnu, cpu generic" in header and "threads: 1" in header
    run_example(["qemu-aarch64", "-L", SYSROOT, str(exe)], tmp_path, models, example_feeds(2), timeout=300)

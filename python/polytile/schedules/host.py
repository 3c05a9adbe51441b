"""What the default scheduler knows of the host CPU: vector width, caches, cores.

Read from ``/proc/cpuinfo`` and ``/sys/devices/system/cpu`` on Linux; other
systems get conservative defaults (128-bit vectors, 32 KiB L1, 1 MiB L2).
"""
from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class HostCPU:
    vector_bits: int
    l1d_bytes: int
    l2_bytes: int
    cores: int
    vector_registers: int = 16

    @property
    def f32_lanes(self) -> int:
        return self.vector_bits // 32


def vector_registers(vector_bits: int = 0) -> int:
    """How many vector registers of ``vector_bits`` (0: the host's width) the target has:
    the host's count for its own width; for another width 32 with 512-bit vectors
    (AVX-512) and 16 otherwise (AVX2/SSE; AArch64's 32 NEON registers are then
    under-used, never over-committed). Register tiles are sized to fit it."""
    host = host_cpu()
    if vector_bits in (0, host.vector_bits):
        return host.vector_registers
    return 32 if vector_bits >= 512 else 16


def _flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _cache_bytes(level: int, default: int) -> int:
    base = Path("/sys/devices/system/cpu/cpu0/cache")
    try:
        for index in sorted(base.glob("index*")):
            if (index / "level").read_text().strip() == str(level) and \
                    (index / "type").read_text().strip() in ("Data", "Unified"):
                text = (index / "size").read_text().strip().upper()
                factor = {"K": 1024, "M": 1024 * 1024}.get(text[-1], 1)
                return int(text.rstrip("KM")) * factor
    except (OSError, ValueError):
        pass
    return default


@functools.lru_cache(maxsize=1)
def host_cpu() -> HostCPU:
    flags = _flags()
    bits = 512 if "avx512f" in flags else 256 if "avx2" in flags else 128
    # x86: 32 zmm registers with AVX-512, 16 ymm/xmm without; AArch64: 32 NEON registers
    registers = 32 if "avx512f" in flags or os.uname().machine in ("aarch64", "arm64") else 16
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return HostCPU(bits, _cache_bytes(1, 32 * 1024), _cache_bytes(2, 1024 * 1024), cores, registers)

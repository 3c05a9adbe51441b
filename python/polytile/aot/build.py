"""Building a model library: ``polytile-compile --emit=lib|obj`` and
:func:`build_library`.

    ONNX --(polytile, lower.py)--> LLVM dialect (+ weights blob)
         --mlir-translate--> LLVM IR --opt -O3--> --llc -O3 -relocation-model=pic--> model.o
    wrapper.c (wrapper.py) + weights.S --cc--> wrapper.o, weights.o
    cc -r model.o wrapper.o weights.o; llvm-objcopy --keep-global-symbol=NAME_... -> NAME.o
    --emit=obj: NAME.o + NAME.h;  --emit=lib: cc -shared NAME.o -lm [-lomp] -> libNAME.so + NAME.h

Every symbol but the ``NAME_*`` functions of the C API is made local in NAME.o,
so models with different names link into one program (their kernels, constants
and ``memrefCopy`` never clash). The LLVM tools are the pinned wheels'; the C
compiler is the system's ``cc`` for the host, ``<triple>-gcc`` (Debian's
``gcc-aarch64-linux-gnu``: ``aarch64-linux-gnu-gcc``) for another target, or
``--cc``. The CPU defaults to the host's (``-mcpu=native``, which is what the
JIT's ExecutionEngine uses: same code, same speed), ``generic`` for another
target. With more than one thread the code calls LLVM's OpenMP runtime; the
``libomp.so`` of the ``cmeel-libomp`` wheel is copied beside the output (and the
shared library finds it through ``RPATH=$ORIGIN``).

Does not yet: OpenMP for a target other than the host's architecture (no
libomp for it here: ``--threads`` above 1 is an error there, the default is 1),
Windows or macOS objects, static archives (``ar rcs libNAME.a NAME.o`` makes one).
"""
from __future__ import annotations

import dataclasses
import os
import platform
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from polytile.diagnostics import PolytileError

NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class BuildError(PolytileError):
    """A library could not be built (bad options, a missing tool, a tool that failed)."""


def include_dir() -> str:
    """The folder holding ``polytile/runtime.h``."""
    return str(Path(__file__).resolve().parent.parent / "include")


def cmake_dir() -> str:
    """The folder holding ``polytile.cmake`` and ``polytileConfig.cmake``."""
    return str(Path(__file__).resolve().parent.parent / "cmake")


def _arch(triple: str) -> str:
    arch = triple.split("-")[0]
    return {"arm64": "aarch64", "amd64": "x86_64"}.get(arch, arch)


def host_triple() -> str:
    machine = platform.machine().lower()
    return f"{_arch(machine)}-unknown-linux-gnu"


def _llvm_tool(name: str) -> str:
    from polytile import toolchain
    return toolchain._tool("llvm", name)


def _mlir_tool(name: str) -> str:
    from polytile import toolchain
    return toolchain._tool("mlir", name)


def host_cpu_name() -> str:
    """The CPU name LLVM detects on this machine (``llc --version``'s Host CPU)."""
    try:
        text = subprocess.run([_llvm_tool("llc"), "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "native"
    match = re.search(r"Host CPU:\s*(\S+)", text)
    return match.group(1) if match else "native"


@dataclasses.dataclass(frozen=True)
class TargetMachine:
    """Where the library will run: triple, CPU, features, and the C compiler for it."""

    triple: str
    cpu: str
    features: str
    cc: str
    native: bool  # the host's architecture (OpenMP available)

    @property
    def llvm_flags(self) -> list[str]:
        flags = [f"-mtriple={self.triple}", f"-mcpu={self.cpu}"]
        if self.features:
            flags.append(f"-mattr={self.features}")
        return flags


def target_machine(triple: Optional[str] = None, cpu: Optional[str] = None, features: Optional[str] = None,
                   cc: Optional[str] = None) -> TargetMachine:
    """Resolve the target options (see the module doc); BuildError for a missing C compiler."""
    host = host_triple()
    triple = triple or host
    if not re.fullmatch(r"[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+){1,3}", triple):
        raise BuildError(f"--target-triple '{triple}' is not a triple such as aarch64-linux-gnu")
    native = _arch(triple) == _arch(host)
    if cpu is None:
        cpu = "native" if native else "generic"
    if cc is None:
        if native:
            cc = "cc"
        else:
            parts = triple.split("-")
            candidates = [f"{triple}-gcc", f"{_arch(triple)}-linux-gnu-gcc"]
            if len(parts) == 4:
                candidates.append(f"{parts[0]}-{parts[2]}-{parts[3]}-gcc")
            candidates = list(dict.fromkeys(candidates))
            cc = next((c for c in candidates if shutil.which(c)), None)
            if cc is None:
                raise BuildError(f"no C compiler for {triple}: looked for {', '.join(candidates)} (on Debian: "
                                 f"apt-get install gcc-{_arch(triple)}-linux-gnu), or pass --cc")
    if shutil.which(cc) is None:
        raise BuildError(f"C compiler '{cc}' not found")
    return TargetMachine(triple, cpu, features or "", cc, native)


def _run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except OSError as e:
        raise BuildError(f"{what}: cannot run {command[0]}: {e.strerror}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        shown = "\n".join(detail[:20])
        raise BuildError(f"{what} failed ({' '.join(command[:1])} exit {result.returncode}):\n{shown}")


@dataclasses.dataclass
class BuildResult:
    output: str  # the .so or .o
    header: str  # NAME.h
    weights: Optional[str]  # the weights file, with weights_file
    runtime: list  # files shipped beside the output (libomp.so)
    threads: int
    machine: TargetMachine


def check_name(name: str) -> str:
    if not name or not NAME_PATTERN.match(name):
        raise BuildError(f"--name '{name}' is not a C identifier (letters, digits and '_', not starting "
                         f"with a digit)")
    return name


def build_library(model, name: str, output: Optional[str] = None, *, kind: str = "lib", options=None,
                  input_shapes: Optional[dict] = None, weights_file: Optional[str] = None,
                  target_triple: Optional[str] = None, cpu: Optional[str] = None,
                  features: Optional[str] = None, cc: Optional[str] = None, isolate: bool = True,
                  crash_reproducer: Optional[str] = None, model_label: str = "") -> BuildResult:
    """Compile ``model`` (path, bytes or ModelProto) into ``output`` (``kind``
    ``"lib"``: a shared library, default ``libNAME.so``; ``"obj"``: a relocatable
    object, default ``NAME.o``) and ``NAME.h`` beside it. ``options`` are the CPU
    target's (:class:`polytile.targets.CpuOptions`: threads, schedules, ...);
    ``weights_file`` writes the weights to that file instead of embedding them."""
    from polytile.aot import lower, wrapper
    from polytile.targets.base import get_target

    if kind not in ("lib", "obj"):
        raise BuildError(f"unknown library kind '{kind}' (lib or obj)")
    check_name(name)
    target = get_target("cpu")
    options = target.make_options(options)
    if target_triple is not None and _arch(target_triple) != _arch(host_triple()):
        if options.threads not in (None, 1):
            raise BuildError(f"--threads {options.threads}: no OpenMP runtime for {target_triple} is available "
                             f"(cmeel-libomp ships the host's only); build it with --threads 1")
        options = dataclasses.replace(options, threads=1)
    machine = target_machine(target_triple, cpu, features, cc)
    output = output or (f"lib{name}.so" if kind == "lib" else f"{name}.o")
    out_dir = Path(output).resolve().parent
    if not out_dir.is_dir():
        raise BuildError(f"output folder '{out_dir}' does not exist")
    header_path = out_dir / f"{name}.h"
    if weights_file is not None:
        weights_path = Path(weights_file).resolve()
        if not weights_path.parent.is_dir():
            raise BuildError(f"--weights folder '{weights_path.parent}' does not exist")

    lowered = lower.lower_model(model, options=options, input_shapes=input_shapes, isolate=isolate,
                                crash_reproducer=crash_reproducer)
    parallel = lowered.threads > 1
    from polytile import toolchain
    libomp = toolchain.libomp() if parallel else None

    with tempfile.TemporaryDirectory(prefix="polytile-aot-") as scratch:
        tmp = Path(scratch)
        (tmp / "model.mlirbc").write_bytes(lowered.bytecode)
        blob = tmp / "weights.bin"
        blob.write_bytes(lowered.weights)
        _run([_mlir_tool("mlir-translate"), "--mlir-to-llvmir", str(tmp / "model.mlirbc"), "-o",
              str(tmp / "model.ll")], "translating the LLVM dialect to LLVM IR")
        _run([_llvm_tool("opt"), "-O3", *machine.llvm_flags, str(tmp / "model.ll"), "-o", str(tmp / "model.bc")],
             "optimizing the LLVM IR")
        _run([_llvm_tool("llc"), "-O3", "-filetype=obj", "-relocation-model=pic", *machine.llvm_flags,
              str(tmp / "model.bc"), "-o", str(tmp / "model.o")], "generating machine code")
        info = {"emit": kind, "model": model_label or "(in memory)",
                "triple": machine.triple,
                "cpu": f"{machine.cpu} ({host_cpu_name()})" if machine.cpu == "native" else machine.cpu,
                "features": machine.features, "libomp": "libomp.so",
                "libomp_shipped": os.path.basename(libomp) if libomp else "",
                "weights_file": os.path.basename(weights_file) if weights_file else ""}
        header_text = wrapper.header(name, lowered, info)
        (tmp / f"{name}.h").write_text(header_text)
        (tmp / "wrapper.c").write_text(wrapper.wrapper_source(
            name, lowered, os.path.basename(weights_file) if weights_file else "",
            str(Path(weights_file).resolve()) if weights_file else ""))
        (tmp / "weights.S").write_text(wrapper.weights_assembly(lowered, str(blob), weights_file is None))
        cflags = ["-O2", "-fPIC", "-fvisibility=hidden", "-fno-strict-aliasing", f"-I{include_dir()}", f"-I{tmp}"]
        _run([machine.cc, *cflags, "-c", str(tmp / "wrapper.c"), "-o", str(tmp / "wrapper.o")],
             "compiling the C wrapper")
        _run([machine.cc, "-c", str(tmp / "weights.S"), "-o", str(tmp / "weights.o")], "assembling the weights")
        combined = tmp / f"{name}.o"
        _run([machine.cc, "-r", "-nostdlib", str(tmp / "model.o"), str(tmp / "wrapper.o"), str(tmp / "weights.o"),
              "-o", str(combined)], "linking the model object")
        _run([_llvm_tool("llvm-objcopy"), *[f"--keep-global-symbol={s}" for s in wrapper.exported_symbols(name)],
              str(combined)], "hiding the model's internal symbols")
        shipped = []
        if libomp:
            beside = out_dir / "libomp.so"
            if not beside.exists() or not os.path.samefile(beside, libomp):
                shutil.copy2(libomp, beside)
            shipped.append(str(beside))
        if kind == "obj":
            shutil.copyfile(combined, output)
        else:
            link = [machine.cc, "-shared", "-o", str(output), str(combined), "-Wl,--exclude-libs,ALL",
                    "-Wl,-z,noexecstack", f"-Wl,-soname,{os.path.basename(output)}"]
            if libomp:
                link += [str(out_dir / "libomp.so"), "-Wl,-rpath,$ORIGIN"]
            link += ["-lm"]
            _run(link, "linking the shared library")
        header_path.write_text(header_text)
        if weights_file is not None:
            shutil.copyfile(blob, weights_file)
    return BuildResult(str(output), str(header_path), weights_file, shipped, lowered.threads, machine)

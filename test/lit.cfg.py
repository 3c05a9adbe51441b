# -*- Python -*-
"""lit configuration for polytile's FileCheck tests.

Run with `lit test/` from an environment where polytile is installed, or through
CMake's `check-polytile` target (which writes lit.site.cfg.py first).
"""
import ctypes
import os
import shutil
import sys

import lit.formats

config.name = "polytile"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs", "python"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.test_exec_root = getattr(config, "polytile_obj_root", None) or os.path.join(
    config.test_source_root, "Output")

python = getattr(config, "python_executable", None) or sys.executable
src_root = getattr(config, "polytile_src_root", None) or os.path.dirname(config.test_source_root)

# The upstream tools come from the pinned wheels, found through the Python that
# runs polytile (its site-packages holds mlir/bin and llvm/bin).
import subprocess  # noqa: E402

site = subprocess.run(
    [python, "-c", "import polytile.toolchain as t; print(t.site_root())"],
    capture_output=True, text=True, check=True).stdout.strip()
llvm_bin = os.path.join(site, "llvm", "bin")
mlir_bin = os.path.join(site, "mlir", "bin")
python_bin = os.path.dirname(python)

polytile_opt = os.path.join(python_bin, "polytile-opt")
if not os.path.exists(polytile_opt):
    polytile_opt = f"{python} -m polytile.opt_main"

config.environment["PATH"] = os.pathsep.join(
    [python_bin, llvm_bin, mlir_bin, config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PYTHONDONTWRITEBYTECODE"] = "1"

config.substitutions.append(("%PYTHON", python))
config.substitutions.append(("%tg_irdl", os.path.join(src_root, "dialects", "tg.irdl.mlir")))
config.substitutions.append(("%src_root", src_root))
for name, path in (("polytile-opt", polytile_opt),
                   ("FileCheck", os.path.join(llvm_bin, "FileCheck")),
                   ("mlir-opt", os.path.join(mlir_bin, "mlir-opt")),
                   ("not", os.path.join(llvm_bin, "not"))):
    # Substitute whole words at the start of a command or after a pipe/space.
    config.substitutions.append((rf"(^|[\s|;(]){name}(?=\s|$)", rf"\g<1>{path}"))


def _has_cuda_driver() -> bool:
    try:
        ctypes.CDLL("libcuda.so.1")
        return True
    except OSError:
        return False


if _has_cuda_driver():
    config.available_features.add("cuda")
if shutil.which("ptxas"):
    config.available_features.add("ptxas")

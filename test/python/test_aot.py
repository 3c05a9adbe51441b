"""Ahead-of-time libraries (polytile-compile --emit=lib|obj, polytile.aot): the C API
from C (two models on two threads, bad inputs, the thread bound), symbol hiding,
polytile.load, polytile-run on a library, --weights, and the CLI's errors.
Compared with onnxruntime. Needs the system C compiler (cc)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading

import numpy as np
import onnx
import pytest

import polytile
from aot_support import (EXAMPLE, build, conv_model, example_feeds, have, mlp_model, onnxruntime_outputs,
                         polytile_compile, run_example)
from polytile.aot.build import include_dir

pytestmark = pytest.mark.skipif(not have("cc"), reason="no C compiler (cc) on PATH")


@pytest.fixture(scope="module")
def libs(tmp_path_factory):
    """model_a (mlp, static) and model_b (convnet, dynamic batch), each --threads 2."""
    work = tmp_path_factory.mktemp("aot")
    models = {"model_a": mlp_model(), "model_b": conv_model()}
    paths = {}
    for name, model in models.items():
        onnx.save(model, work / f"{name}.onnx")
        paths[name] = build(work / f"{name}.onnx", name, work, "--threads", "2")
    return work, models, paths


def _cc(work, source: str, output: str, *libraries) -> str:
    path = work / f"{output}.c"
    path.write_text(source)
    exe = work / output
    subprocess.run(["cc", "-O1", f"-I{include_dir()}", f"-I{work}", str(path), "-o", str(exe),
                    *[str(lib) for lib in libraries], "-Wl,-rpath," + str(work), "-lpthread"], check=True)
    return str(exe)


def test_two_models_two_threads_in_c(libs):
    work, models, paths = libs
    source = (EXAMPLE / "main.c").read_text()
    exe = _cc(work, source, "two_models", paths["model_a"], paths["model_b"])
    out = run_example([exe], work, models, example_feeds())
    assert "model_a Y: dtype 1 shape [8, 32]" in out
    assert "model_b Y: dtype 1 shape [3, 8]" in out


def test_only_the_api_is_exported(libs):
    work, _, paths = libs
    text = subprocess.run(["nm", "-D", "--defined-only", str(paths["model_a"])], capture_output=True, text=True,
                          check=True).stdout
    names = sorted(line.split()[-1] for line in text.splitlines() if line.strip())
    from polytile.aot.wrapper import exported_symbols
    assert names == sorted(exported_symbols("model_a"))
    needed = subprocess.run(["readelf", "-d", str(paths["model_a"])], capture_output=True, text=True).stdout
    libraries = {line.split("[")[1].split("]")[0] for line in needed.splitlines() if "(NEEDED)" in line}
    # glibc (its dynamic loader provides __tls_get_addr), libm, and the OpenMP runtime shipped beside it
    assert {lib for lib in libraries if not lib.startswith("ld-linux")} <= {"libc.so.6", "libm.so.6", "libomp.so"}, \
        libraries
    assert "mlir" not in needed


API_CHECKS = r"""
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <polytile/runtime.h>
#include "model_a.h"
#include "model_b.h"

static int tasks(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/task");
  struct dirent *e;
  while ((e = readdir(d))) if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n;
}

#define REPORT(label, call, s) do { int code = (call); \
  printf("%s|%d|%s\n", label, code, model_a_last_error(s)); } while (0)
#define REPORT_B(label, call, s) do { int code = (call); \
  printf("%s|%d|%s\n", label, code, model_b_last_error(s)); } while (0)

int main(void) {
  static float x[8 * 64], y[8 * 32], z[8 * 32], xb[2 * 3 * 12 * 12];
  int64_t shape[2] = {8, 64}, bad_shape[2] = {4, 64}, yshape[2] = {8, 32}, wrong_yshape[2] = {8, 31};
  int64_t bshape[4] = {2, 3, 12, 12}, neg_bshape[4] = {-1, 3, 12, 12};
  model_a_session *bad = model_a_create(-1);
  printf("create(-1)|%d|%s\n", bad == NULL, model_a_last_error(NULL));
  model_a_session *s = model_a_create(1);
  model_b_session *sb = model_b_create(1);
  pt_tensor in = {x, PT_FLOAT, 2, shape};
  pt_tensor out[2] = {{0}};
  REPORT("null session", model_a_run(NULL, &in, out), NULL);
  REPORT("null inputs", model_a_run(s, NULL, out), s);
  REPORT("null outputs", model_a_run(s, &in, NULL), s);
  pt_tensor t = in; t.dtype = PT_INT64;
  REPORT("dtype", model_a_run(s, &t, out), s);
  t = in; t.rank = 3;
  REPORT("rank", model_a_run(s, &t, out), s);
  t = in; t.shape = NULL;
  REPORT("null shape", model_a_run(s, &t, out), s);
  t = in; t.shape = bad_shape;
  REPORT("static dim", model_a_run(s, &t, out), s);
  t = in; t.data = NULL;
  REPORT("null data", model_a_run(s, &t, out), s);
  pt_tensor tb = {xb, PT_FLOAT, 4, neg_bshape}, outb[1] = {{0}};
  REPORT_B("negative dim", model_b_run(sb, &tb, outb), sb);
  pt_tensor given[2] = {{y, PT_FLOAT, 2, wrong_yshape}, {z, PT_FLOAT, 2, yshape}};
  REPORT("output shape", model_a_run(s, &in, given), s);
  given[0].shape = yshape; given[1].dtype = PT_DOUBLE;
  REPORT("output dtype", model_a_run(s, &in, given), s);
  given[1].dtype = PT_FLOAT;
  REPORT("caller buffers", model_a_run(s, &in, given), s);
  tb.shape = bshape;
  REPORT_B("dynamic ok", model_b_run(sb, &tb, outb), sb);
  printf("dynamic shape|%lld|%lld\n", (long long)outb[0].shape[0], (long long)outb[0].shape[1]);
  /* the thread bound, on the convnet (the mlp's kernels are too small to get threads) */
  printf("tasks before|%d|\n", tasks());
  REPORT_B("one thread", model_b_run(sb, &tb, outb), sb);
  printf("tasks after one|%d|\n", tasks());
  model_b_session *sb2 = model_b_create(2);
  pt_tensor outb2[1] = {{0}};
  REPORT_B("two threads", model_b_run(sb2, &tb, outb2), sb2);
  printf("tasks after two|%d|\n", tasks());
  REPORT_B("one thread again", model_b_run(sb, &tb, outb), sb);
  model_a_destroy(s); model_b_destroy(sb2); model_b_destroy(sb);
  model_a_destroy(NULL);
  return 0;
}
"""


def test_c_api_errors_and_thread_bound(libs):
    work, _, paths = libs
    exe = _cc(work, API_CHECKS, "api_checks", paths["model_a"], paths["model_b"])
    result = subprocess.run([exe], capture_output=True, text=True, timeout=60, env={**os.environ, "KMP_BLOCKTIME": "1"})
    assert result.returncode == 0, result.stderr
    rows = {line.split("|")[0]: line.split("|")[1:] for line in result.stdout.splitlines()}
    assert rows["create(-1)"][0] == "1" and "num_threads" in rows["create(-1)"][1]
    expected = {
        "null session": "session is NULL", "null inputs": "inputs is NULL", "null outputs": "outputs is NULL",
        "dtype": "input 0 'X' has dtype 7 (int64), expected 1 (float32)", "rank": "input 0 'X' has rank 3",
        "null shape": "input 0 'X' has a NULL shape", "static dim": "input 0 'X' dim 0 is 4, the model requires 8",
        "null data": "input 0 'X' has NULL data", "negative dim": "input 0 'X' dim 0 is -1, negative",
        "output shape": "output 0 'Y' dim 1 is 31", "output dtype": "output 1 'Z' has dtype 11",
    }
    for label, message in expected.items():
        code, text = rows[label]
        assert code != "0", label
        assert message in text, (label, text)
    for label in ("caller buffers", "dynamic ok", "one thread", "two threads", "one thread again"):
        assert rows[label][0] == "0", (label, rows[label])
    assert rows["dynamic shape"][:2] == ["2", "8"]
    # num_threads bounds the threads: one session on 1 thread starts no OpenMP worker, on 2 one
    assert rows["tasks after one"][0] == rows["tasks before"][0] == "1"
    assert rows["tasks after two"][0] == "2"


def test_load_matches_compile_and_onnxruntime(libs):
    work, models, paths = libs
    lib_a = polytile.load(paths["model_a"])
    jit_a = polytile.compile(models["model_a"], threads=2)
    assert lib_a.input_names == jit_a.input_names and lib_a.output_names == jit_a.output_names
    assert [(i.shape, i.dtype) for i in lib_a.inputs] == [(i.shape, i.dtype) for i in jit_a.inputs]
    feeds = example_feeds()
    got = lib_a.run(feeds["model_a"])
    for g, j, e in zip(got, jit_a.run(feeds["model_a"]), onnxruntime_outputs(models["model_a"], feeds["model_a"])):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(g, j, rtol=1e-5, atol=1e-6)
    lib_b = polytile.load(str(paths["model_b"]), threads=1)
    assert lib_b.inputs[0].shape == (None, 3, 12, 12) and lib_b.outputs[0].shape == (None, 8)
    # two Python threads at once (two sessions), different batch sizes
    results = {}

    def go(batch):
        x = np.random.default_rng(batch).standard_normal((batch, 3, 12, 12)).astype(np.float32)
        results[batch] = (lib_b.run({"X": x})[0], onnxruntime_outputs(models["model_b"], {"X": x})[0])

    threads = [threading.Thread(target=go, args=(b,)) for b in (1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for batch, (got_b, want_b) in results.items():
        assert got_b.shape == (batch, 8)
        np.testing.assert_allclose(got_b, want_b, rtol=1e-4, atol=1e-5)
    with pytest.raises(polytile.InputError, match="input 'X' has dtype float64"):
        lib_b.run({"X": np.zeros((1, 3, 12, 12))})
    with pytest.raises(polytile.PolytileError, match="no such file"):
        polytile.load(work / "libnothing.so")


def test_polytile_run_checks_a_library(libs):
    work, _, paths = libs
    command = [os.path.join(os.path.dirname(sys.executable), "polytile-run"), str(paths["model_b"]),
               "--check", "--reference", str(work / "model_b.onnx"), "--dim", "N=2"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Y  float32[2,8]" in result.stdout and result.stdout.rstrip().endswith("PASS")
    result = subprocess.run(command[:3], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == ("polytile-run: error: --check of a library needs --reference MODEL.onnx "
                                     "(the model it was compiled from)")


def test_weights_file(tmp_path):
    model = conv_model()
    onnx.save(model, tmp_path / "conv.onnx")
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    lib = build(tmp_path / "conv.onnx", "convw", build_dir, "--threads", "1", "--weights",
                str(build_dir / "convw.weights"))
    assert (build_dir / "convw.weights").stat().st_size >= (8 * 3 * 9 + 8 * 8 * 9) * 4
    # moved elsewhere with its weights: found beside the library
    moved = tmp_path / "moved"
    moved.mkdir()
    for f in ("libconvw.so", "convw.weights"):
        shutil.move(str(build_dir / f), moved / f)
    x = np.random.default_rng(3).standard_normal((2, 3, 12, 12)).astype(np.float32)
    np.testing.assert_allclose(polytile.load(moved / "libconvw.so").run({"X": x})[0],
                               onnxruntime_outputs(model, {"X": x})[0], rtol=1e-4, atol=1e-5)
    os.remove(moved / "convw.weights")
    shutil.copy(moved / "libconvw.so", moved / "libconvw2.so")  # a fresh load: nothing loaded yet
    with pytest.raises(polytile.PolytileError, match="weights file 'convw.weights' not found"):
        polytile.load(moved / "libconvw2.so", name="convw").run({"X": x})


def test_object_file_and_cli_errors(tmp_path):
    onnx.save(mlp_model(), tmp_path / "mlp.onnx")
    obj = build(tmp_path / "mlp.onnx", "objmodel", tmp_path, "--threads", "1", emit="obj")
    text = subprocess.run(["nm", "-g", "--defined-only", str(obj)], capture_output=True, text=True).stdout
    from polytile.aot.wrapper import exported_symbols
    assert sorted(line.split()[-1] for line in text.splitlines()) == sorted(exported_symbols("objmodel"))
    assert (tmp_path / "objmodel.h").exists() and not (tmp_path / "libomp.so").exists()
    model = str(tmp_path / "mlp.onnx")
    for argv, message in [
        ([model, "--emit=lib"], "--emit=lib needs --name=NAME"),
        ([model, "--emit=lib", "--name=2x"], "--name '2x' is not a C identifier"),
        ([model, "--name=x"], "--name applies to --emit=lib or --emit=obj only"),
        ([model, "--emit=llvm", "--weights=w.bin"], "--weights applies to --emit=lib or --emit=obj only"),
        ([model, "--emit=lib", "--name=x", "--target", "cuda"], "--target cuda has none"),
        ([model, "--emit=lib", "--name=x", "--target-triple", "aarch64-linux-gnu", "--threads", "2"],
         "no OpenMP runtime for aarch64-linux-gnu"),
        ([model, "--emit=lib", "--name=x", "--target-triple", "not a triple"], "is not a triple"),
        ([model, "--emit=obj", "--name=x", "-o", str(tmp_path / "none" / "x.o")], "does not exist"),
    ]:
        code, err = polytile_compile(*argv)
        assert code == 1 and err.startswith("polytile-compile: error: ") and message in err, (argv, err)
        assert "Traceback" not in err


def test_strided_copies_and_half_precision(tmp_path):
    """Concat, strided Slice, Pad and Split lower to memref.copy of strided views:
    the wrapper's own memrefCopy (no MLIR runner utils); f16 arithmetic needs
    nothing beyond libc/libm/libgcc either."""
    from onnx import helper
    from onnx_check import make_model
    x = np.random.default_rng(4).standard_normal((4, 6, 8)).astype(np.float32)
    nodes = [helper.make_node("Concat", ["X", "X"], ["C"], axis=1),
             helper.make_node("Slice", ["C", "s", "e", "a", "st"], ["S"]),
             helper.make_node("Pad", ["S", "p"], ["Y"]),
             helper.make_node("Split", ["X"], ["A", "B"], axis=2, num_outputs=2),
             helper.make_node("Cast", ["A"], ["H"], to=10), helper.make_node("Erf", ["H"], ["E"]),
             helper.make_node("Cast", ["E"], ["Z"], to=1)]
    model = make_model(nodes, {"X": x}, ["Y", "Z", "B"],
                       {"s": np.array([1, 1]), "e": np.array([4, 12]), "a": np.array([1, 2]),
                        "st": np.array([2, 3]), "p": np.array([0, 1, 1, 0, 1, 1])}, opset=18)
    onnx.save(model, tmp_path / "copies.onnx")
    lib = build(tmp_path / "copies.onnx", "copies", tmp_path, "--threads", "1")
    text = subprocess.run(["nm", "-u", str(lib)], capture_output=True, text=True).stdout
    assert "memrefCopy" not in text and "mlir" not in text
    got = polytile.load(lib).run({"X": x})
    for g, e in zip(got, onnxruntime_outputs(model, {"X": x})):
        np.testing.assert_allclose(g, e, rtol=2e-3, atol=2e-3)

"""Bounded memory: constant folding has a size budget, no compile step allocates
memory proportional to a tensor the model only computes at run time, and a
model that cannot fit the machine fails with a ResourceError naming the node.

The huge models here compute a 200000 x 200000 f32 tensor (149 GiB); anything
that materialized it would die of MemoryError (or the OOM killer), so the
compiles that must stay small run in a child process under an address-space
limit and report their peak RSS.
"""
from __future__ import annotations

import functools
import io
import json
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import polytile
from polytile import pipelines, resources
from polytile.importers.onnx import graph as onnx_graph
from polytile.resources import ResourceError

from onnx_check import run_onnxruntime

N = 200_000
HUGE_BYTES = N * N * 4  # 160000000000
OPSET = 17


def _model(nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)


def _shape_init(name, dims):
    return helper.make_tensor(name, TensorProto.INT64, [len(dims)], list(dims))


def huge_splat_sum_model():
    """ConstantOfShape to [200000, 200000] of 1.0, then ReduceSum over all axes."""
    value = helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0])
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["big"], name="big_fill", value=value),
             helper.make_node("ReduceSum", ["big"], ["y"], name="sum", keepdims=0)]
    return _model(nodes, [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [])],
                  [_shape_init("shape", [N, N])])


def huge_expand_model():
    """Expand of a graph input to [200000, 200000]: nothing to fold, a real intermediate."""
    nodes = [helper.make_node("Expand", ["x", "shape"], ["big"], name="big_expand"),
             helper.make_node("Cos", ["big"], ["c"], name="big_cos"),
             helper.make_node("ReduceSum", ["c"], ["y"], name="sum", keepdims=0)]
    return _model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [])],
                  [_shape_init("shape", [N, N])])


def _tg(model, **kwargs) -> str:
    return polytile.compile(model, emit="tg", **kwargs)


def _tg_ops(text: str) -> set:
    return set(re.findall(r'"tg\.(\w+)"', text))


# ----------------------------------------------------------------------------
# The huge splat: compiles in little memory, runs
# ----------------------------------------------------------------------------

_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import onnx, numpy as np
    import polytile
    model = onnx.load_from_string(sys.stdin.buffer.read())
    start = time.perf_counter()
    result = {}
    try:
        compiled = polytile.compile(model, threads=1)
        result["compile_s"] = time.perf_counter() - start
        result["outputs"] = [o.tolist() for o in compiled.run({})]
    except polytile.PolytileError as e:
        result["error"] = type(e).__name__ + ": " + str(e)
    result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))
""")

# The child may not map more than this: a 149 GiB numpy array or workspace cannot hide.
CHILD_ADDRESS_SPACE = 16 << 30


def _compile_in_child(model) -> dict:
    def limit():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))

    proc = subprocess.run([sys.executable, "-c", _CHILD], input=model.SerializeToString(),
                          capture_output=True, timeout=300, preexec_fn=limit)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


def test_huge_splat_reduce_compiles_small_and_runs():
    """The 149 GiB ConstantOfShape stays a splat (one element in the IR), and
    ReduceSum of a splat folds in closed form: compiling takes little memory and
    the model runs, with the exact sum (a loop in f32 would stop at 2**24)."""
    result = _compile_in_child(huge_splat_sum_model())
    assert "error" not in result, result
    assert result["outputs"] == [4e10]
    # A compile of a tiny model peaks around 300 MB; nothing near 160 GB may appear.
    assert result["maxrss_kb"] < 1 << 20, result


def test_huge_splat_stays_a_splat_in_tg():
    text = _tg(huge_splat_sum_model())
    assert "200000x200000" not in text  # folded into the scalar
    module, _, _ = onnx_graph.import_graph(huge_splat_sum_model())
    imported = str(module)
    assert "dense<1.000000e+00> : tensor<200000x200000xf32>" in imported
    assert 'loc("big_fill")' in module.operation.get_asm(enable_debug_info=True)


# ----------------------------------------------------------------------------
# ResourceError
# ----------------------------------------------------------------------------

def test_unfoldable_huge_intermediate_is_a_resource_error():
    with pytest.raises(ResourceError) as info:
        polytile.compile(huge_expand_model(), threads=1)
    error = info.value
    assert isinstance(error, polytile.PolytileError)
    assert error.node == "big_expand"
    assert error.nbytes == HUGE_BYTES
    assert error.available is not None and error.available < HUGE_BYTES
    assert re.fullmatch(r"node 'big_expand': result of 160000000000 bytes \(149\.0 GiB\) does not fit "
                        r"in the [\d.]+ [KMGT]iB of memory available", str(error)), str(error)


def test_resource_error_in_a_child_allocates_nothing_big():
    """The error comes before the JIT maps a workspace of that size."""
    result = _compile_in_child(huge_expand_model())
    assert result["error"].startswith("ResourceError: node 'big_expand': result of 160000000000 bytes")
    assert result["maxrss_kb"] < 1 << 20, result


def test_huge_output_is_a_resource_error():
    nodes = [helper.make_node("Expand", ["x", "shape"], ["y"], name="big_out")]
    model = _model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [N, N])],
                   [_shape_init("shape", [N, N])])
    with pytest.raises(ResourceError, match=r"^output 'y': tensor of 160000000000 bytes \(149\.0 GiB\)"):
        polytile.compile(model, threads=1)


@pytest.mark.parametrize("tool", ["run", "compile"])
def test_cli_prints_resource_error_on_one_line(tmp_path, tool):
    from polytile import compile_main, run_main
    path = tmp_path / "big.onnx"
    onnx.save(huge_expand_model(), str(path))
    main = run_main if tool == "run" else compile_main
    stdout, stderr = io.StringIO(), io.StringIO()
    args = [str(path), "--threads", "1"] + (["-o", str(tmp_path / "out.mlir")] if tool == "compile" else [])
    code = main.run(args, io.StringIO(), stdout, stderr)
    assert code == 1
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 1, stderr.getvalue()
    assert lines[0].startswith(f"polytile-{tool}: error: node 'big_expand': result of 160000000000 bytes "
                               f"(149.0 GiB) does not fit in the ")
    assert "internal error" not in lines[0] and "Traceback" not in stderr.getvalue()


def test_check_memory_counts_workspace_and_outputs():
    """check_memory on a small model with a made-up amount of memory: one buffer
    too big, then the total too big, then enough."""
    from mlir import ir
    from polytile.compiler import import_to_tg, lower
    from polytile.dialects.irdl_spec import release_dialects

    nodes = [helper.make_node("Exp", ["x"], ["e"], name="exp"),
             helper.make_node("MatMul", ["e", "e"], ["m"], name="mm"),
             helper.make_node("Exp", ["m"], ["y"], name="exp2")]
    model = _model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 64])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 64])])
    context, module, _, outputs, _ = import_to_tg(model)
    try:
        with context, ir.Location.unknown():
            lower(module, "tg", "affine", None, 1, None)
            held = resources.held_buffers(module)
            assert held and max(n for _, n, _, _ in held) == 64 * 64 * 4
            resources.check_memory(module, outputs, available=1 << 30)
            with pytest.raises(ResourceError, match=r"result of 16384 bytes \(16\.0 KiB\) does not fit "
                                                    r"in the 16\.0 KiB"):
                resources.check_memory(module, outputs, available=(16 << 10) - 1)
            with pytest.raises(ResourceError, match=r"^the compiled model needs \d+ bytes"):
                resources.check_memory(module, outputs, available=(16 << 10) + 8)
    finally:
        release_dialects(context)


def test_available_memory_is_read():
    available = resources.available_memory_bytes()
    assert available is not None and 0 < available
    assert resources.format_bytes(HUGE_BYTES) == "149.0 GiB"
    assert resources.format_bytes(512) == "512 B"


# ----------------------------------------------------------------------------
# The folding budget
# ----------------------------------------------------------------------------

ROWS = 1280  # [1280, 1024] f32 = 5 MiB, over the default 4 MiB budget


def five_mb_model():
    """Expand of a constant row to 5 MiB (a foldable, non-splat result), plus an input."""
    row = onnx.numpy_helper.from_array(np.arange(1024, dtype=np.float32).reshape(1, 1024) / 7, "row")
    nodes = [helper.make_node("Expand", ["row", "shape"], ["big"], name="tile_rows"),
             helper.make_node("Add", ["big", "x"], ["y"], name="add")]
    return _model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [ROWS, 1])],
                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, 1024])],
                  [row, _shape_init("shape", [ROWS, 1024])])


def _check_vs_onnxruntime(model, feeds, compiled):
    expected = run_onnxruntime(model, feeds)
    for got, want in zip(compiled.run(feeds), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_five_mb_result_stays_a_run_time_op_by_default():
    model = five_mb_model()
    assert "expand" in _tg_ops(_tg(model))
    x = np.random.default_rng(0).standard_normal((ROWS, 1)).astype(np.float32)
    _check_vs_onnxruntime(model, {"x": x}, polytile.compile(model, threads=1))


def test_five_mb_result_folds_with_a_bigger_budget():
    model = five_mb_model()
    assert "expand" not in _tg_ops(_tg(model, fold_limit_bytes=8 << 20))
    x = np.random.default_rng(1).standard_normal((ROWS, 1)).astype(np.float32)
    _check_vs_onnxruntime(model, {"x": x}, polytile.compile(model, threads=1, fold_limit_bytes=8 << 20))


def test_importer_budget_argument():
    model = five_mb_model()
    small, _, _ = onnx_graph.import_graph(model)
    big, _, _ = onnx_graph.import_graph(model, fold_limit_bytes=8 << 20)
    assert "tg.expand" in str(small)
    assert "tg.expand" not in str(big)
    with pytest.raises(polytile.PolytileError, match="fold_limit_bytes must be a non-negative integer"):
        onnx_graph.import_graph(model, fold_limit_bytes=-1)


def test_weights_fold_whatever_their_size():
    """A transposed 8 MiB weight is no larger than the weight: it folds with the
    default budget (and even with a budget of 0)."""
    w = np.random.default_rng(2).standard_normal((1024, 2048)).astype(np.float32)
    nodes = [helper.make_node("Transpose", ["W"], ["wt"], name="wt", perm=[1, 0]),
             helper.make_node("MatMul", ["x", "wt"], ["y"], name="mm")]
    model = _model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2048])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 1024])],
                   [onnx.numpy_helper.from_array(w, "W")])
    assert "transpose" not in _tg_ops(_tg(model))
    module, _, _ = onnx_graph.import_graph(model, fold_limit_bytes=0)
    assert "tg.transpose" not in str(module)
    x = np.random.default_rng(3).standard_normal((2, 2048)).astype(np.float32)
    expected = run_onnxruntime(model, {"x": x})[0]
    np.testing.assert_allclose(polytile.compile(model, threads=1).run({"x": x})[0], expected,
                               rtol=1e-4, atol=1e-4)


def test_splat_over_budget_stays_a_splat():
    """A 5 MiB ConstantOfShape is not materialized: a splat tg.constant, and its
    consumer on a run-time input stays a run-time op."""
    value = helper.make_tensor("v", TensorProto.FLOAT, [1], [0.5])
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["c"], name="fill", value=value),
             helper.make_node("Mul", ["c", "x"], ["y"], name="mul")]
    model = _model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [ROWS, 1024])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, 1024])],
                   [_shape_init("shape", [ROWS, 1024])])
    text = _tg(model)
    assert "dense<5.000000e-01> : tensor<1280x1024xf32>" in text
    x = np.random.default_rng(4).standard_normal((ROWS, 1024)).astype(np.float32)
    _check_vs_onnxruntime(model, {"x": x}, polytile.compile(model, threads=1))


def test_range_over_budget_is_a_resource_error():
    """Range has no run-time form: over the budget it is a ResourceError naming
    the node (not a compile-time allocation of any size)."""
    inits = [onnx.numpy_helper.from_array(np.array(v, np.float32), n)
             for n, v in (("start", 0.0), ("limit", 2e6), ("delta", 1.0))]
    nodes = [helper.make_node("Range", ["start", "limit", "delta"], ["r"], name="positions"),
             helper.make_node("Add", ["r", "x"], ["y"], name="add")]
    model = _model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2_000_000])], inits)
    with pytest.raises(ResourceError, match=r"^node 'positions': the Range result of 8000000 bytes "
                                            r"\(7\.6 MiB\) would be computed at compile time.*fold_limit_bytes"):
        onnx_graph.import_graph(model)
    module, _, _ = onnx_graph.import_graph(model, fold_limit_bytes=8 << 20)
    del module


def test_shape_inference_does_not_grow_with_1d_inputs():
    """ONNX's data propagation allocated ~150 bytes per element of a 1-d input
    reaching an Add: importing a [2**27] input took 20 GB. Imported in a child
    with a 4 GiB address-space limit."""
    nodes = [helper.make_node("Add", ["x", "x"], ["y"], name="add")]
    model = _model(nodes, [helper.make_tensor_value_info("x", TensorProto.INT64, [1 << 27])],
                   [helper.make_tensor_value_info("y", TensorProto.INT64, [1 << 27])])
    code = textwrap.dedent("""
        import resource, sys, onnx
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        from polytile.importers.onnx import import_graph
        import_graph(onnx.load_from_string(sys.stdin.buffer.read()))
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """)
    proc = subprocess.run([sys.executable, "-c", code], input=model.SerializeToString(),
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert int(proc.stdout.split()[-1]) < 1 << 20


def test_fold_limit_bytes_reaches_the_importer_and_the_pass(tmp_path):
    """compile(fold_limit_bytes=) and --fold-limit-bytes: a 5 MiB Expand of a constant folds
    with a 8 MiB budget, stays an op with the default one."""
    import subprocess
    import sys
    import onnx
    from onnx import helper, numpy_helper
    import polytile
    shape = np.array([1280, 1024], np.int64)  # 5 MiB of f32
    nodes = [helper.make_node("Expand", ["one", "shape"], ["big"]),
             helper.make_node("Add", ["big", "X"], ["Y"])]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("X", onnx.TensorProto.FLOAT, [1280, 1024])],
        [helper.make_tensor_value_info("Y", onnx.TensorProto.FLOAT, [1280, 1024])],
        [numpy_helper.from_array(np.arange(1024, dtype=np.float32).reshape(1, 1024), "one"),
         numpy_helper.from_array(shape, "shape")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    assert '"tg.expand"' in polytile.compile(model, emit="tg")
    assert '"tg.expand"' not in polytile.compile(model, emit="tg", fold_limit_bytes=8 << 20)
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    tool = os.path.join(os.path.dirname(sys.executable), "polytile-compile")
    out = subprocess.run([tool, str(path), "--emit=tg", "--fold-limit-bytes", str(8 << 20)],
                         capture_output=True, text=True)
    assert out.returncode == 0 and '"tg.expand"' not in out.stdout, out.stderr
    bad = subprocess.run([tool, str(path), "--emit=tg", "--fold-limit-bytes", "-1"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    with pytest.raises(polytile.PolytileError):
        polytile.compile(model, emit="tg", fold_limit_bytes=-1)

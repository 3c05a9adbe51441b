"""The ONNX conformance runner: a small subset of the node tests end to end,
crash/timeout isolation, the constant-inputs retry, comparison and reporting."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from polytile import conformance
from polytile.conformance import Job, compare_arrays

# One representative test per family that polytile supports today; the
# reduce_sum one feeds its `axes` as a graph input (read at run time).
# (The Reshape node tests declare opset 25, which the importer does not accept yet.)
SUBSET = ["test_relu", "test_add", "test_add_bcast", "test_conv_with_strides_padding",
          "test_matmul_2d", "test_softmax_axis_1", "test_reduce_sum_keepdims_example"]


def test_subset_of_node_tests_passes(tmp_path):
    out = tmp_path / "results.json"
    args = [a for name in SUBSET for a in ("-k", f"^{name}$")]
    result = subprocess.run([sys.executable, "-m", "polytile.conformance", *args, "-j", "2", "-v",
                             "--json", str(out)], capture_output=True, text=True, timeout=300)
    data = json.loads(out.read_text())
    outcomes = {r["name"]: (conformance.outcome_label(r), r["message"]) for r in data["results"]}
    expected = {name: ("pass", "") for name in SUBSET}
    assert outcomes == expected
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"{len(SUBSET)} passed, 0 failed"
    assert "per-op summary:" in result.stdout
    assert f"{len(SUBSET)} pass as given" in result.stdout


# --------------------------------------------------------------------------
# Isolation: a crash or a hang is recorded, the other tests still run
# --------------------------------------------------------------------------
def _relu_job(name: str) -> Job:
    x = np.array([[-1.5, 0.0, 2.0]], dtype=np.float32)
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return Job(name, "Relu", model.SerializeToString(), [([x], [np.maximum(x, 0)])], 1e-3, 1e-7)


def faulty_child(job, result_path, log_path):
    """A child entry point that aborts, hangs or raises for some jobs (it runs
    in a child process, imported from this module by name)."""
    if job.name == "crashes":  # as an MLIR assertion does, once the test runs
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, b"some output\npython3: Foo.cpp:12: Assertion `something' failed.\n")
        os.abort()
    if job.name == "hangs":
        time.sleep(600)
    if job.name == "bad_model":
        job.model = b"not a model"
    conformance._child_main(job, result_path, log_path)


def test_crash_and_timeout_are_recorded_without_stopping_the_run():
    names = ["first", "crashes", "hangs", "bad_model", "last"]
    seen = []
    results = conformance.run_jobs([_relu_job(n) for n in names], workers=2, timeout=20,
                                   on_result=lambda r, done, total: seen.append((done, total)),
                                   target=faulty_child)
    by_name = {r["name"]: r for r in results}
    assert sorted(by_name) == sorted(names)
    assert seen[-1] == (5, 5)
    assert by_name["first"]["outcome"] == by_name["last"]["outcome"] == "pass"
    crash = by_name["crashes"]
    assert crash["outcome"] == "error"
    assert crash["message"] == "crashed (signal SIGABRT): python3: Foo.cpp:12: Assertion `something' failed."
    assert by_name["hangs"]["outcome"] == "error"
    assert by_name["hangs"]["message"] == "timeout after 20 s"
    assert by_name["bad_model"]["outcome"] == "error"
    assert by_name["bad_model"]["message"].startswith("internal: DecodeError")
    assert conformance.final_line(results) == "2 passed, 3 failed"


# --------------------------------------------------------------------------
# One test in process: outcomes and the constant-inputs retry
# --------------------------------------------------------------------------
def _job(nodes, inputs, outputs, data, expected, name="t", opset=17, rtol=1e-3, atol=1e-7):
    graph = helper.make_graph(nodes, "g", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    return Job(name, nodes[0].op_type, model.SerializeToString(), [(data, expected)], rtol, atol)


def test_run_job_retries_with_constant_inputs():
    """Range has no run-time form (its result is computed at compile time): its inputs
    are folded into initializers holding the test's values."""
    start, limit, delta = (np.array(v, dtype=np.int64) for v in (1, 10, 3))
    job = _job([helper.make_node("Range", ["start", "limit", "delta"], ["y"])],
               [helper.make_tensor_value_info(n, TensorProto.INT64, []) for n in ("start", "limit", "delta")],
               [helper.make_tensor_value_info("y", TensorProto.INT64, [3])],
               [start, limit, delta], [np.arange(1, 10, 3, dtype=np.int64)], opset=11)
    result = conformance.run_job(job)
    assert result["outcome"] == "pass", result
    assert result["constant_inputs"] == ["start", "limit", "delta"]
    assert conformance.outcome_label(result) == "pass (constant inputs)"


def test_run_job_numerical_mismatch_is_fail():
    x = np.array([-1.0, 2.0], dtype=np.float32)
    job = _job([helper.make_node("Relu", ["x"], ["y"])],
               [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
               [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
               [x], [np.array([0.0, 2.5], dtype=np.float32)])
    result = conformance.run_job(job)
    assert result["outcome"] == "fail"
    assert result["max_abs"] == pytest.approx(0.5)
    assert result["max_rel"] == pytest.approx(0.2)
    assert result["message"] == "output 'y': 1 of 2 values differ"


def test_run_job_unsupported_op():
    job = _job([helper.make_node("Det", ["x"], ["y"])],
               [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])],
               [helper.make_tensor_value_info("y", TensorProto.FLOAT, [])],
               [np.eye(2, dtype=np.float32)], [np.array(1.0, dtype=np.float32)])
    # Det may gain a rule one day; then this checks the pass path instead.
    result = conformance.run_job(job)
    if result["outcome"] != "pass":
        assert result["outcome"] == "unsupported", result
        assert "(Det): op type 'Det' is not supported" in result["message"]


# --------------------------------------------------------------------------
# Comparison and reporting
# --------------------------------------------------------------------------
def test_compare_arrays():
    f = np.array([1.0, np.nan, np.inf, -2.0], dtype=np.float32)
    assert compare_arrays(f.copy(), f, 1e-3, 1e-7).ok
    close = f + np.array([1e-4, 0, 0, 0], dtype=np.float32)
    assert compare_arrays(close, f, 1e-3, 1e-7).ok
    assert not compare_arrays(close, f, 0, 1e-7).ok
    nan_moved = np.array([1.0, 0.0, np.inf, -2.0], dtype=np.float32)
    assert compare_arrays(nan_moved, f, 1e-3, 1e-7).reason == "1 of 4 values differ"
    assert not compare_arrays(-f, f, 1e-3, 1e-7).ok  # -inf vs inf
    c = compare_arrays(f.astype(np.float64), f, 1e-3, 1e-7)
    assert not c.ok and c.reason == "dtype float64, expected float32"
    c = compare_arrays(f.reshape(2, 2), f, 1e-3, 1e-7)
    assert not c.ok and c.reason == "shape (2, 2), expected (4,)"
    i = np.array([1000, 5], dtype=np.int64)
    assert not compare_arrays(i + 1, i, 1e-3, 1e-7).ok  # integers compare exactly
    b = np.array([True, False])
    assert compare_arrays(b.copy(), b, 0, 0).ok and not compare_arrays(~b, b, 0, 0).ok
    assert not compare_arrays([1.0], np.array([1.0]), 0, 0).ok


def _result(name, op, outcome, message="", constant=()):
    return {"name": name, "op": op, "outcome": outcome, "message": message,
            "constant_inputs": list(constant), "max_abs": None, "max_rel": None}


def test_report_and_docs():
    results = [
        _result("test_a", "A", "pass"),
        _result("test_a2", "A", "pass", constant=["shape"]),
        _result("test_b", "B", "pass"),
        _result("test_b2", "B", "fail", "output 'y': 3 of 4 values differ"),
        _result("test_c", "C", "unsupported", "node 'n1' (C): op type 'C' is not supported"),
        _result("test_d", "D", "error", "crashed (signal SIGABRT): boom"),
        _result("test_d2", "D", "error", "crashed (signal SIGABRT): boom"),
    ]
    report = conformance.format_report(results)
    assert report.strip().splitlines()[-1] == "3 passed, 3 failed, 1 skipped"
    assert "  [2] error: crashed (signal SIGABRT): boom" in report
    assert "passed with constant inputs (1;" in report and "test_a2" in report
    assert conformance.final_line(results[:3]) == "3 passed, 0 failed"
    docs = conformance.format_docs(results, "polytile-conformance -j 2 --write-docs x.md", "1.0", False)
    assert "| A | 2 | 2 | 1 | 0 | 0 | 0 | supported |  |" in docs
    assert "| B | 2 | 1 | 0 | 1 | 0 | 0 | partial | output 'y': 3 of 4 values differ |" in docs
    assert "| C | 1 | 0 | 0 | 0 | 0 | 1 | unsupported | op type 'C' is not supported |" in docs
    assert "`polytile-conformance -j 2 --write-docs x.md`" in docs
    assert "4 op types: 1 supported, 1 partial, 2 unsupported." in docs


def test_report_and_docs_with_dynamic_forms():
    """--dynamic results are counted apart: a dyn column, their own totals, the
    headline's count without the constant-input retry first."""
    static = [_result("test_a", "A", "pass"), _result("test_a2", "A", "pass", constant=["shape"]),
              _result("test_b", "B", "pass")]
    dynamic = [dict(_result("test_a", "A", "pass"), dynamic=True),
               dict(_result("test_a2", "A", "error", "boom"), dynamic=True),
               dict(_result("test_b", "B", "fail", "output 'y': wrong"), dynamic=True)]
    results = static + dynamic
    assert conformance.final_line(results) == "3 passed, 0 failed"
    report = conformance.format_report(results)
    assert ("2 pass as given, 3 with constant inputs folded (1 needed it) of 3 tests; dynamic forms: "
            "1 pass, 1 fail, 1 error, 0 unsupported") in report
    assert "dynamic forms: failures by cause:" in report
    assert conformance.outcome_label(dynamic[0]) == "pass [dynamic]"
    docs = conformance.format_docs(results, "polytile-conformance --dynamic", "1.0", False)
    assert "| A | 2 | 2 | 1 | 0 | 0 | 0 | supported | 1 |  |" in docs
    assert "| B | 1 | 1 | 0 | 0 | 0 | 0 | supported | 0 |  |" in docs
    assert "Dynamic forms: 1 passed, 1 failed, 1 with errors, 0 unsupported." in docs


def test_make_dynamic_names_every_dim_but_size_one():
    graph = helper.make_graph([helper.make_node("Add", ["x", "b"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4])],
                              [onnx.numpy_helper.from_array(np.zeros(4, np.float32), "b")])
    model = helper.make_model(graph)
    dynamic = conformance.make_dynamic(model)
    dims = dynamic.graph.input[0].type.tensor_type.shape.dim
    assert [(d.dim_value, d.dim_param) for d in dims] == [(1, ""), (0, "x_1"), (0, "x_2")]
    assert not dynamic.graph.output[0].type.tensor_type.HasField("shape")
    assert model.graph.input[0].type.tensor_type.shape.dim[1].dim_value == 3  # the original is untouched


def test_cause_groups_test_specific_details():
    a = _result("t1", "X", "error", "input 'a' has a dynamic dim 0; pin it with input_shapes={'a': (...)}")
    b = _result("t2", "X", "error", "input 'bb' has a dynamic dim 1; pin it with input_shapes={'bb': (...)}")
    assert conformance.cause(a) == conformance.cause(b)
    c = _result("t3", "X", "unsupported", "node 'n7' (Foo): op type 'Foo' is not supported")
    assert conformance.cause(c) == "node (Foo): op type 'Foo' is not supported"


def test_fold_inputs_makes_initializers():
    graph = helper.make_graph([helper.make_node("Reshape", ["x", "s"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
                               helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2])])
    model = helper.make_model(graph)
    folded = conformance.fold_inputs(model, {"s": np.array([3, 2], dtype=np.int64)})
    assert [i.name for i in folded.graph.input] == ["x"]
    assert onnx.numpy_helper.to_array(folded.graph.initializer[0]).tolist() == [3, 2]
    assert [i.name for i in model.graph.input] == ["x", "s"]  # the original is untouched


def test_docs_command_drops_output_only_options():
    options = {"patterns": ["^test_relu$"], "jobs": 2, "timeout": 60.0, "include_expanded": False}
    assert conformance.docs_command(options, "docs/SupportedOps.md") == \
        "polytile-conformance -k '^test_relu$' -j 2 --write-docs docs/SupportedOps.md"
    assert conformance.docs_command(dict(options, dynamic=True), "x.md") == \
        "polytile-conformance -k '^test_relu$' -j 2 --dynamic --write-docs x.md"


def test_usage_errors(capsys):
    assert conformance.main(["-k", "("]) == 2
    assert "polytile-conformance: error: -k '(' is not a valid regular expression" in capsys.readouterr().err
    assert conformance.main(["-j", "0"]) == 2
    assert conformance.main(["--bogus"]) == 2


def test_named_input_maps_the_error_to_a_graph_input():
    graph = helper.make_graph([helper.make_node("Resize", ["x", "", "scales"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 2, 2]),
                               helper.make_tensor_value_info("scales", TensorProto.FLOAT, [4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph)
    message = "node 'Resize_0' (Resize): the scales (input 2) must be a compile-time constant"
    assert conformance._named_input(model, message) == ["scales"]
    assert conformance._named_input(model, "node 'other' (Resize): x (input 2) must be a compile-time constant") == []
    assert conformance._named_input(model, "op type 'Foo' is not supported") == []

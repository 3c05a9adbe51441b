"""The fuzzing harness (docs/Fuzzing.md): every saved reproducer under
test/fuzz is now ``ok`` or ``clean-error``, a seeded smoke run across all
families finds no crash, traceback, hang or wrong answer, and the harness's
own pieces (case drawing, classification, minimization, reproducer files)
behave.

The smoke draws the same cases every run (``SMOKE_SEED``); it takes one to two
minutes on 2 cores. A failure prints each bad case's key: rerun it with
``python scripts/fuzz.py --cases N --seed 0 -v`` to get a minimized reproducer.
"""
from __future__ import annotations

import base64
import json
import os
import random
import signal

import numpy as np
import onnx
import pytest

from polytile.fuzz import driver, execute, feeds, ir_mut, onnx_mut, seeds

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "test", "fuzz")
SMOKE_CASES = 500
SMOKE_SEED = 0
_ALL = driver.reproducer_paths([CORPUS]) if os.path.isdir(CORPUS) else []
OPEN = os.path.join(CORPUS, "open")  # reported, not fixed yet (see test/fuzz/open/README.md)
REPRODUCERS = [p for p in _ALL if not p.startswith(OPEN + os.sep)]
OPEN_REPRODUCERS = [p for p in _ALL if p.startswith(OPEN + os.sep)]

pytest.importorskip("onnxruntime")


def _describe(case, res):
    return f"{case.get('key')} ({case['family']}): {res['outcome']}: {res.get('message', '')[:300]}"


# --------------------------------------------------------------------------
# Saved reproducers and the smoke run
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def replayed():
    rows = driver.replay(REPRODUCERS, jobs=2, timeout=120) if REPRODUCERS else []
    by_path = {}
    for path, case, res in rows:
        by_path.setdefault(path, []).append((case, res))
    return by_path


@pytest.mark.parametrize("path", REPRODUCERS, ids=[os.path.relpath(p, CORPUS) for p in REPRODUCERS])
def test_reproducer_is_fixed(replayed, path):
    for case, res in replayed[path]:
        assert res["outcome"] in ("ok", "clean-error"), _describe(case, res)


@pytest.mark.parametrize("path", OPEN_REPRODUCERS, ids=[os.path.relpath(p, OPEN) for p in OPEN_REPRODUCERS])
def test_open_reproducer(path):
    """Bugs found and reported, in code others own: expected to fail until
    fixed (then move the file up to test/fuzz/<family>/)."""
    rows = driver.replay([path], jobs=2, timeout=120)
    bad = [(c, r) for _, c, r in rows if r["outcome"] not in ("ok", "clean-error")]
    if bad:
        pytest.xfail("; ".join(_describe(c, r) for c, r in bad))


# Signatures of the bugs of test/fuzz/open (reported to the owners of that
# code): the smoke tolerates them, so that it fails on new bugs only. Remove
# an entry when its reproducer moves out of open/.
# Signatures of bugs reported and not fixed yet (none now: the five of the first runs were fixed).
KNOWN_OPEN: tuple[str, ...] = ()


def _known_open(res) -> bool:
    return any(k in (res.get("signature") or "") for k in KNOWN_OPEN)


def test_smoke():
    report = driver.run(cases=SMOKE_CASES, seed=SMOKE_SEED, jobs=2, timeout=60, out=None)
    counts = report.counts()
    assert set(counts) == set(driver.FAMILIES)
    assert sum(sum(c.values()) for c in counts.values()) == SMOKE_CASES
    bad = [(c, r) for c, r in report.bad() if not _known_open(r)]
    assert not bad, "\n".join([report.table()] + [_describe(c, r) for c, r in bad])
    # Every family reaches a run that works, not only errors.
    for family, c in counts.items():
        assert c["ok"] > 0, f"{family}: no case ran to the end\n{report.table()}"


# --------------------------------------------------------------------------
# The harness itself
# --------------------------------------------------------------------------
def test_cases_are_deterministic():
    for family in driver.FAMILIES:
        a, b = driver.make_case(family, 7, 3), driver.make_case(family, 7, 3)
        assert a == b
        assert driver.make_case(family, 7, 4) != a
    plan = driver.family_plan(20, list(driver.FAMILIES))
    assert plan.count("onnx") == 8 and plan.count("ir") == 6 and plan.count("sched") == 3


def test_seeds_are_valid_models():
    names = [s.name for s in seeds.all_seeds()]
    assert {"mlp", "conv", "attention", "shapes", "reductions", "constshape"} <= set(names)
    for s in seeds.all_seeds():
        onnx.checker.check_model(s.model)


def test_onnx_mutations_replay_and_parse():
    model = seeds.mlp()
    r = random.Random(3)
    for _ in range(50):
        mutations = onnx_mut.draw(r)
        data = onnx_mut.apply(model, mutations)
        assert data == onnx_mut.apply(model, mutations)
        if not any(m["kind"] == "raw" for m in mutations):
            assert onnx_mut.parse(data) is not None


def test_ir_corpus_and_run_lines():
    corpus = ir_mut.corpus()
    assert len(corpus) > 100
    assert all(not item.path.startswith(os.path.join("test", "fuzz")) for item in corpus)
    assert ir_mut.opt_args("polytile-opt %s --split-input-file --tg-dce | FileCheck %s") == [
        "--split-input-file", "--tg-dce"]
    assert ir_mut.opt_args("not polytile-opt %s --x='a=1' 2>&1 | FileCheck %s") == ["--x=a=1"]
    assert ir_mut.opt_args("polytile-opt %s --tg-dce -o %t") == ["--tg-dce"]  # -o dropped
    assert ir_mut.opt_args("polytile-opt %t.once --tg-dce") is None
    assert ir_mut.opt_args("FileCheck %s") is None
    text = '%0 = "tg.relu"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8xf32>\n'
    r = random.Random(0)
    for _ in range(30):
        mutations = ir_mut.draw(r)
        assert ir_mut.apply(text, mutations) == ir_mut.apply(text, mutations)


def test_ddmin_finds_the_culprits():
    budget = driver.Budget(200)
    calls = []

    def fails(items):
        calls.append(items)
        return 3 in items and 11 in items

    assert sorted(driver.ddmin(list(range(16)), fails, budget)) == [3, 11]


def test_finalize_classifies_exit_statuses(tmp_path):
    result, log = str(tmp_path / "r.json"), str(tmp_path / "log")
    with open(log, "w") as f:
        f.write("python: Foo.cpp:12: void f(): Assertion `x' failed.\n")
    killed = driver.finalize(signal.SIGKILL, True, 1.0, result, log, 5)
    assert killed["outcome"] == "hang"
    crashed = driver.finalize(signal.SIGABRT, False, 1.0, result, log, 5)
    assert crashed["outcome"] == "crash" and "Assertion" in crashed["message"]
    execute.write_result(result, execute.result("ok", "partial", partial=True))
    assert driver.finalize(signal.SIGSEGV, False, 1.0, result, log, 5)["outcome"] == "ok"
    execute.write_result(result, execute.result("clean-error", "InputError: x"))
    assert driver.finalize(0, False, 1.0, result, log, 5)["outcome"] == "clean-error"


def test_cli_outcomes():
    assert execute.classify_cli("polytile-run", 0, "PASS\n", "")["outcome"] == "ok"
    assert execute.classify_cli("polytile-run", 1, "", "polytile-run: error: bad\n")["outcome"] == "clean-error"
    assert execute.classify_cli("polytile-run", 1, "", "polytile-run: internal error: KeyError: 'x'\n")[
        "outcome"] == "traceback"
    assert execute.classify_cli("polytile-run", 1, "  Y  max abs err 1  FAIL\nFAIL\n", "")[
        "outcome"] == "wrong-answer"
    assert execute.classify_cli("polytile-run", 2, "", "polytile-run: error: onnxruntime cannot run\n")[
        "outcome"] == "ok"
    assert execute.classify_cli("polytile-opt", 1, "", "in.mlir:1:1: error: x\n")["outcome"] == "clean-error"
    assert execute.classify_cli("polytile-opt", 1, "", "")["outcome"] == "traceback"


class _Info:
    def __init__(self, name, shape, dtype):
        self.name, self.shape, self.dtype = name, shape, np.dtype(dtype)


class _Compiled:
    inputs = [_Info("X", (2, 3), np.float32)]
    output_names = ["Y"]


def test_feed_mutations_know_what_is_invalid():
    base = {"X": np.ones((2, 3), np.float32)}
    cases = [([{"kind": "missing", "input": "X", "seed": 0}], "missing"),
             ([{"kind": "dtype", "input": "X", "seed": 1}], None),
             ([{"kind": "view", "input": "X", "seed": s} for s in range(1)], None),
             ([{"kind": "pylist", "input": "X", "seed": 0}], "dtype"),
             ([{"kind": "container", "input": "X", "seed": 0}], "feeds given as")]
    for mutations, expected in cases:
        fed, ref, names, invalid = feeds.apply(mutations, base, _Compiled())
        if expected is None:
            arr = np.asarray(fed["X"])
            assert (invalid is None) == (arr.dtype == np.float32 and arr.shape == (2, 3))
        else:
            assert invalid is not None and expected in invalid
    for seed in range(30):
        fed, ref, _, invalid = feeds.apply([{"kind": "view", "input": "X", "seed": seed}], base, _Compiled())
        assert invalid is None and fed["X"].shape == (2, 3)
        np.testing.assert_array_equal(ref["X"], np.asarray(fed["X"]))


def test_reproducer_files_round_trip(tmp_path):
    model = seeds.mlp().SerializeToString()
    cases = [
        ({"family": "onnx", "model": model}, "onnx"),
        ({"family": "ir", "text": '"func.func"() : () -> ()\n', "args": ["--tg-dce", "--x=a b"]}, "ir"),
        ({"family": "sched", "model": model, "threads": 2, "feeds_seed": 3,
          "schedules": '%k0 = "sched.kernel"() {name = "x"} : () -> !sched.handle\n'}, "sched"),
        ({"family": "feeds", "model": model, "threads": 1, "feeds_seed": 4,
          "mutations": [{"kind": "nan", "input": "X", "seed": 1}]}, "feeds"),
    ]
    for case, family in cases:
        path = driver.save_reproducer(case, {"outcome": "traceback", "message": "m"}, str(tmp_path))
        assert os.path.basename(os.path.dirname(path)) == family
        assert os.path.basename(path).startswith("traceback-")
        loaded = driver.load_reproducer(path)
        for got in loaded:
            for key, value in case.items():
                if family == "ir" and key == "text":
                    assert got["text"].endswith(value)
                else:
                    assert got[key] == value, key
    assert len(driver.load_reproducer(str(next((tmp_path / "onnx").iterdir())))) == 2
    # What an ONNX case ran with travels in the model: pins as dims, threads and seed as metadata.
    dynamic = seeds.mlp()
    dynamic.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    case = {"family": "onnx", "model": dynamic.SerializeToString(), "threads": 2, "feeds_seed": 9,
            "input_shapes": {"X": (8, 16)}}
    path = driver.save_reproducer(case, {"outcome": "crash", "message": "m"}, str(tmp_path / "pinned"))
    api, cli = driver.load_reproducer(path)
    assert (api["mode"], cli["mode"], api["threads"], api["feeds_seed"]) == ("api", "cli", 2, 9)
    saved = onnx.load_from_string(api["model"])
    assert [d.dim_value for d in saved.graph.input[0].type.tensor_type.shape.dim] == [8, 16]
    doc = json.loads((next((tmp_path / "sched").iterdir())).read_text())
    assert base64.b64decode(doc["model"]) == model


def test_run_finds_and_minimizes_a_planted_bug(tmp_path, monkeypatch):
    """A fake bug (a traceback whenever an IR case's text holds a marker) is
    found, minimized to little more than the marker, and saved."""
    marker = "FUZZ_PLANTED_BUG"
    text = "\n".join(f"// line {i}" for i in range(40)) + f"\n{marker}\n" + "// tail\n" * 10
    case = {"family": "ir", "key": "planted", "text": text, "args": ["--tg-dce"]}
    with driver.Runner(jobs=1, timeout=60) as runner:
        real = runner.run_one(case)
        assert real["outcome"] == "clean-error"  # the marker is a parse error
        sig = real["signature"]

        def fake_run_one(candidate):
            hit = marker in candidate["text"]
            return {"outcome": "traceback" if hit else "ok", "signature": "planted" if hit else "ok",
                    "message": "planted"}

        monkeypatch.setattr(runner, "run_one", fake_run_one)
        small, res = driver.minimize(runner, case, {"outcome": "traceback", "signature": "planted"}, tests=200)
    assert sig
    assert marker in small["text"] and len(small["text"]) < len(marker) + 20
    path = driver.save_reproducer(small, res, str(tmp_path))
    assert path.endswith(".mlir") and "/ir/traceback-" in path

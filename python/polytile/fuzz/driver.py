"""The fuzz driver (parent side: never loads MLIR): draws cases, runs each in a
child of the fork server, classifies, minimizes failures and saves reproducers.

``run(cases=N, seed=S, families=[...])`` is deterministic: case ``i`` of a
family is drawn from ``random.Random(f"{seed}/{family}/{i}")`` whatever the
number of jobs, and the families take turns by weight (:data:`WEIGHTS`).
"""
from __future__ import annotations

import base64
import collections
import dataclasses
import functools
import hashlib
import json
import os
import pickle
import random
import re
import shlex
import signal
import tempfile
import time
from typing import Callable, Iterable, Optional, Sequence

from polytile.fuzz import feeds as feed_mut
from polytile.fuzz import ir_mut, onnx_mut, seeds
from polytile.fuzz.execute import BAD, OUTCOMES, first_line
from polytile.fuzz.server import ForkServer, read_result

FAMILIES = ("onnx", "ir", "sched", "feeds")
WEIGHTS = {"onnx": 0.4, "ir": 0.3, "sched": 0.15, "feeds": 0.15}
CLI_FRACTION = 0.15  # of onnx cases that go through polytile-run instead of the API
EXTENSIONS = {"onnx": ".onnx", "ir": ".mlir", "sched": ".json", "feeds": ".json"}
IR_HEADER = "// FUZZ: polytile-opt"


# --------------------------------------------------------------------------
# Drawing cases
# --------------------------------------------------------------------------
def family_plan(count: int, families: Sequence[str]) -> list[str]:
    """``count`` families taking turns by weight (smooth weighted round robin)."""
    weights = {f: WEIGHTS[f] for f in families}
    credit = {f: 0.0 for f in families}
    total = sum(weights.values())
    plan = []
    for _ in range(count):
        for f in families:
            credit[f] += weights[f]
        best = max(families, key=lambda f: credit[f])
        credit[best] -= total
        plan.append(best)
    return plan


@functools.lru_cache(maxsize=None)
def _seed_bytes(name: str) -> bytes:
    return seeds.seed_named(name).model.SerializeToString()


def _static_dims(dims) -> bool:
    return dims is not None and all(isinstance(d, int) and d > 0 for d in dims)


def _pins(seed: seeds.Seed, data: bytes) -> Optional[dict]:
    """Shapes of the seed's inputs for the mutated model's inputs that have
    dynamic dims (when the ranks agree)."""
    model = onnx_mut.parse(data)
    if model is None:
        return None
    original = {n: d for n, _, d in seeds.input_infos(seed.model)}
    pins = {}
    for name, _, dims in seeds.input_infos(model):
        if dims is not None and not _static_dims(dims) and name in original:
            if _static_dims(original[name]) and len(original[name]) == len(dims):
                pins[name] = tuple(original[name])
    return pins or None


def make_case(family: str, seed: int, index: int) -> dict:
    r = random.Random(f"{seed}/{family}/{index}")
    key = f"{family}-{seed}-{index}"
    if family == "onnx":
        s = seeds.pick(r)
        mutations = onnx_mut.draw(r)
        mode = "cli" if s.cli and r.random() < CLI_FRACTION else "api"
        data = onnx_mut.apply(s.model, mutations)
        pins = _pins(s, data) if r.random() < 0.6 else None
        return {"family": family, "key": key, "mode": mode, "model": data, "seed_name": s.name,
                "mutations": mutations, "threads": r.choice([1, 1, 1, 2]), "feeds_seed": r.randrange(1 << 16),
                "input_shapes": pins}
    if family == "ir":
        corpus = ir_mut.corpus()
        if not corpus:
            raise RuntimeError("no lit tests found for the ir family (run from a polytile checkout)")
        item = r.choice(corpus)
        mutations = ir_mut.draw(r)
        args = list(item.args)
        if "--mlir-disable-threading" not in args and r.random() < 0.8:
            args.append("--mlir-disable-threading")
        return {"family": family, "key": key, "text": ir_mut.apply(item.text, mutations), "args": args,
                "origin": f"{item.path}#{item.part}", "mutations": mutations}
    if family == "sched":
        s = seeds.pick(r, small_only=True)
        return {"family": family, "key": key, "model": _seed_bytes(s.name), "seed_name": s.name,
                "threads": r.choice([1, 1, 2]), "gen_seed": r.randrange(1 << 30),
                "feeds_seed": r.randrange(1 << 16), "schedules": None}
    if family == "feeds":
        s = seeds.pick(r, small_only=True)
        names = [n for n, _, _ in seeds.input_infos(s.model)]
        outputs = [o.name for o in s.model.graph.output]
        return {"family": family, "key": key, "model": _seed_bytes(s.name), "seed_name": s.name,
                "threads": 1, "feeds_seed": r.randrange(1 << 16),
                "mutations": feed_mut.draw(r, names, outputs)}
    raise ValueError(f"unknown family '{family}'")


# --------------------------------------------------------------------------
# Running cases
# --------------------------------------------------------------------------
def _log_summary(path: str) -> str:
    """The most telling line a crashed child left: an assertion, an LLVM
    error, the innermost Python frame of faulthandler's dump, or the last line."""
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip() for l in f.read().splitlines() if l.strip()]
    except OSError:
        return ""
    for line in lines:
        if "Assertion" in line or "LLVM ERROR" in line or "UNREACHABLE" in line or "terminate called" in line:
            return first_line(line.strip(), 400)
    for i, line in enumerate(lines):
        if line.startswith("Fatal Python error") or line.startswith("Current thread"):
            frames = [l.strip() for l in lines[i + 1:] if l.strip().startswith("File ")]
            if frames:
                return f"{first_line(line)} at {frames[0]}"
    return first_line(lines[-1].strip(), 400) if lines else ""


def _crash_signature(signal_name: str, summary: str) -> str:
    text = re.sub(r"0x[0-9a-f]+", "0x?", summary)
    text = re.sub(r"\d+", "N", text)
    return f"crash:{signal_name}:{text[:160]}"


def finalize(status: int, killed: bool, elapsed: float, result_path: str, log_path: str,
             timeout: float) -> dict:
    res = read_result(result_path)
    partial = bool(res and res.get("partial"))
    if killed:
        if partial:
            return {"outcome": "ok", "message": "onnxruntime did not finish in time", "signature": "ok"}
        return {"outcome": "hang", "message": f"no result after {timeout:g} s", "signature": "hang"}
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        if partial:
            return {"outcome": "ok", "message": f"onnxruntime crashed ({name})", "signature": "ok"}
        summary = _log_summary(log_path)
        return {"outcome": "crash", "message": f"{name}" + (f": {summary}" if summary else ""),
                "signature": _crash_signature(name, summary)}
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if res is None or partial or code != 0:
        summary = _log_summary(log_path)
        if code == 3:  # the fuzzer itself failed in the child
            return {"outcome": "traceback", "message": f"fuzzer: {summary}", "signature": "fuzzer-error"}
        return {"outcome": "crash", "message": f"exit code {code} without a result" +
                (f": {summary}" if summary else ""), "signature": f"crash:exit{code}"}
    return res


class Runner:
    """Runs cases through one fork server, ``jobs`` at a time."""

    def __init__(self, jobs: int = 2, timeout: float = 30.0, debug: bool = False):
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self._tmp = tempfile.TemporaryDirectory(prefix="polytile-fuzz-")
        self._server = ForkServer(debug=debug)
        self._count = 0

    def close(self) -> None:
        self._server.close()
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def run(self, cases: Iterable[dict], on_result: Callable[[dict, dict], None] = lambda c, r: None) -> list:
        """[(case, result)] in the order the cases finish."""
        pending = iter(cases)
        running: dict[str, tuple[dict, str, str, str]] = {}
        done = []
        exhausted = False
        while True:
            while not exhausted and len(running) < self.jobs:
                case = next(pending, None)
                if case is None:
                    exhausted = True
                    break
                self._count += 1
                cid = str(self._count)
                base = os.path.join(self._tmp.name, cid)
                paths = (base + ".case", base + ".json", base + ".log")
                with open(paths[0], "wb") as f:
                    pickle.dump(case, f)
                self._server.submit(cid, *paths, timeout=self.timeout)
                running[cid] = (case, *paths)
            if not running:
                break
            for cid, status, killed, elapsed in self._server.poll(1.0):
                case, case_path, result_path, log_path = running.pop(cid)
                res = finalize(status, killed, elapsed, result_path, log_path, self.timeout)
                extra = read_result(result_path + ".extra")
                if extra:  # what the case recorded on its way (e.g. the schedules it drew)
                    for key, value in extra.items():
                        res.setdefault(key, value)
                res["seconds"] = round(elapsed, 3)
                for p in (case_path, result_path, log_path, result_path + ".extra"):
                    try:
                        os.remove(p)
                    except OSError:
                        pass
                done.append((case, res))
                on_result(case, res)
        return done

    def run_one(self, case: dict) -> dict:
        return self.run([case])[0][1]


# --------------------------------------------------------------------------
# Minimizing
# --------------------------------------------------------------------------
class Budget:
    def __init__(self, tests: int):
        self.left = tests

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


def ddmin(items: list, still_fails: Callable[[list], bool], budget: Budget) -> list:
    """Delta debugging: a smaller sublist of ``items`` for which ``still_fails``."""
    n = 2
    while len(items) >= 2 and budget.left > 0:
        chunk = max(1, len(items) // n)
        reduced = False
        for start in range(0, len(items), chunk):
            candidate = items[:start] + items[start + chunk:]
            if not candidate or not budget.spend():
                continue
            if still_fails(candidate):
                items = candidate
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(items), n * 2)
    if len(items) == 1 and budget.left > 0 and budget.spend() and still_fails([]):
        return []
    return items


def minimize(runner: Runner, case: dict, res: dict, tests: int = 60) -> tuple[dict, dict]:
    """A smaller case with the same outcome and signature (and its result)."""
    target = (res["outcome"], res.get("signature"))
    if res["outcome"] == "hang":
        tests = min(tests, 6)
    budget = Budget(tests)
    best = {"case": case, "res": res}

    def same(candidate: dict) -> bool:
        r = runner.run_one(candidate)
        if (r["outcome"], r.get("signature")) == target:
            best["case"], best["res"] = candidate, r
            return True
        return False

    family = case["family"]
    if family == "onnx":
        _minimize_onnx(case, same, budget, best)
    elif family == "ir":
        _minimize_ir(case, same, budget, best)
    elif family == "sched":
        _minimize_sched(case, res, same, budget, best)
    elif family == "feeds":
        muts = ddmin(list(case["mutations"]), lambda sub: same({**case, "mutations": sub}), budget)
        del muts
    return best["case"], best["res"]


def _minimize_onnx(case, same, budget, best):
    name = case.get("seed_name")
    if name and case.get("mutations") is not None:
        try:
            seed_model = seeds.seed_named(name).model
        except KeyError:
            seed_model = None
        if seed_model is not None:
            def with_mutations(sub):
                return {**case, "mutations": sub, "model": onnx_mut.apply(seed_model, sub)}

            ddmin(list(case["mutations"]), lambda sub: same(with_mutations(sub)), budget)
    current = best["case"]
    model = onnx_mut.parse(current["model"])
    if model is None or model.SerializeToString() != current["model"]:
        return  # raw bytes: no structure to cut
    progress = True
    while progress and budget.left > 0:
        progress = False
        for variant in onnx_mut.reduced_variants(model):
            if not budget.spend():
                break
            data = variant.SerializeToString()
            if same({**best["case"], "model": data, "mutations": None}):
                model = variant
                progress = True
                break


def _minimize_ir(case, same, budget, best):
    """Lines first, then tokens of what is left (IR cases are cheap: twice the budget)."""
    lines = case["text"].split("\n")
    ddmin(lines, lambda sub: same({**case, "text": "\n".join(sub)}), Budget(budget.left))
    current = best["case"]
    text = current["text"]
    spans = ir_mut.tokens(text)
    if len(spans) > 600:
        return
    pieces, last = [], 0
    for _, e in spans:
        pieces.append(text[last:e])
        last = e
    tail = text[last:]
    ddmin(pieces, lambda sub: same({**current, "text": "".join(sub) + tail}), Budget(budget.left))


def _minimize_sched(case, res, same, budget, best):
    if case.get("schedules") is None:
        text = res.get("schedules") or ""
        fixed = {**case, "schedules": text, "gen_seed": None}
        if not budget.spend() or not same(fixed):
            return  # the hook's schedules do not reproduce as text: keep the drawn case
    current = best["case"]
    lines = [l for l in current["schedules"].split("\n") if l.strip()]
    ddmin(lines, lambda sub: same({**current, "schedules": "\n".join(sub) + "\n"}), budget)


# --------------------------------------------------------------------------
# Reproducers
# --------------------------------------------------------------------------
def reproducer_text(case: dict, res: dict) -> tuple[str, bytes]:
    """(file extension, content) of a reproducer for ``case``."""
    family = case["family"]
    found = {"outcome": res["outcome"], "message": res.get("message", "")}
    if family == "onnx":
        return ".onnx", _onnx_reproducer(case)
    if family == "ir":
        args = " ".join(shlex.quote(a) for a in case["args"])
        header = (f"{IR_HEADER} {args} %s\n"
                  f"// FUZZ-FOUND: {found['outcome']}: {first_line(found['message'], 200)}\n")
        return ".mlir", (header + case["text"]).encode("utf-8", "surrogateescape")
    doc = {"family": family, "model": base64.b64encode(case["model"]).decode(),
           "threads": case.get("threads", 1), "feeds_seed": case.get("feeds_seed", 0), "found": found}
    if family == "sched":
        if case.get("schedules") is not None:
            doc["schedules"] = case["schedules"]
        else:
            doc["gen_seed"] = case["gen_seed"]
    else:
        doc["mutations"] = case["mutations"]
    return ".json", (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


META_THREADS, META_FEEDS_SEED = "polytile.fuzz.threads", "polytile.fuzz.feeds_seed"


def _onnx_reproducer(case: dict) -> bytes:
    """The model, with what the case ran with baked in when the bytes are a
    well-formed model: pinned input shapes become the inputs' dims, threads and
    the feeds' seed go into metadata_props (read back by load_reproducer)."""
    data = case["model"]
    model = onnx_mut.parse(data)
    if model is None or model.SerializeToString() != data:
        return data  # raw-bytes mutations: keep the bytes as they are
    pins = case.get("input_shapes") or {}
    for value in model.graph.input:
        if value.name in pins and value.type.HasField("tensor_type"):
            dims = value.type.tensor_type.shape.dim
            if len(dims) == len(pins[value.name]):
                for dim, size in zip(dims, pins[value.name]):
                    dim.Clear()
                    dim.dim_value = int(size)
    for key, value, default in ((META_THREADS, case.get("threads", 1), 1),
                                (META_FEEDS_SEED, case.get("feeds_seed", 0), 0)):
        if value != default:
            entry = model.metadata_props.add()
            entry.key, entry.value = key, str(value)
    return model.SerializeToString()


def save_reproducer(case: dict, res: dict, out_dir: str) -> str:
    ext, content = reproducer_text(case, res)
    digest = hashlib.sha1(content if case["family"] != "ir" else case["text"].encode("utf-8", "surrogateescape")
                          + "\0".join(case["args"]).encode()).hexdigest()[:10]
    folder = os.path.join(out_dir, case["family"])
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{res['outcome']}-{digest}{ext}")
    with open(path, "wb") as f:
        f.write(content)
    return path


def load_reproducer(path: str) -> list[dict]:
    """The cases a reproducer file stands for (an .onnx file: through the API
    and through polytile-run)."""
    key = os.path.basename(path)
    if path.endswith(".onnx"):
        with open(path, "rb") as f:
            data = f.read()
        model = onnx_mut.parse(data)
        meta = {p.key: p.value for p in model.metadata_props} if model is not None else {}
        try:
            threads, feeds_seed = int(meta.get(META_THREADS, 1)), int(meta.get(META_FEEDS_SEED, 0))
        except ValueError:
            threads, feeds_seed = 1, 0
        return [{"family": "onnx", "key": key + ":" + mode, "mode": mode, "model": data, "threads": threads,
                 "feeds_seed": feeds_seed, "input_shapes": None} for mode in ("api", "cli")]
    if path.endswith(".mlir"):
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        first = text.split("\n", 1)[0]
        if not first.startswith(IR_HEADER):
            raise ValueError(f"{path}: the first line must be '{IR_HEADER} <flags> %s'")
        args = [a for a in shlex.split(first[len(IR_HEADER):]) if a != "%s"]
        return [{"family": "ir", "key": key, "text": text, "args": args}]
    if path.endswith(".json"):
        with open(path) as f:
            doc = json.load(f)
        case = {"family": doc["family"], "key": key, "model": base64.b64decode(doc["model"]),
                "threads": doc.get("threads", 1), "feeds_seed": doc.get("feeds_seed", 0)}
        if doc["family"] == "sched":
            case["schedules"] = doc.get("schedules")
            case["gen_seed"] = doc.get("gen_seed")
        else:
            case["mutations"] = doc["mutations"]
        return [case]
    raise ValueError(f"{path}: not a reproducer (.onnx, .mlir or .json)")


def reproducer_paths(paths: Sequence[str]) -> list[str]:
    out = []
    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames.sort()
                for name in sorted(filenames):
                    if name.endswith((".onnx", ".mlir", ".json")):
                        out.append(os.path.join(dirpath, name))
        else:
            out.append(p)
    return out


# --------------------------------------------------------------------------
# A whole run
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Report:
    results: list  # [(case, result)]
    seconds: float
    reproducers: list = dataclasses.field(default_factory=list)  # [(path, case, result)]

    def counts(self) -> dict:
        table = collections.defaultdict(collections.Counter)
        for case, res in self.results:
            table[case["family"]][res["outcome"]] += 1
        return table

    def bad(self) -> list:
        return [(c, r) for c, r in self.results if r["outcome"] in BAD]

    def table(self) -> str:
        return format_table(self.counts())

    def groups(self) -> list:
        """[(family, outcome, signature, [(case, result)])], most common first."""
        g = collections.defaultdict(list)
        for case, res in self.bad():
            g[(case["family"], res["outcome"], res.get("signature", ""))].append((case, res))
        return sorted(((f, o, s, members) for (f, o, s), members in g.items()), key=lambda x: -len(x[3]))


def format_table(counts: dict) -> str:
    families = [f for f in FAMILIES if f in counts] + [f for f in counts if f not in FAMILIES]
    width = max([len(f) for f in families] + [6])
    head = f"{'family':<{width}}  {'cases':>6}  " + "  ".join(f"{o:>{max(len(o), 5)}}" for o in OUTCOMES)
    lines = [head, "-" * len(head)]
    total = collections.Counter()
    for f in families:
        c = counts[f]
        total.update(c)
        lines.append(f"{f:<{width}}  {sum(c.values()):>6}  " +
                     "  ".join(f"{c[o]:>{max(len(o), 5)}}" for o in OUTCOMES))
    lines.append("-" * len(head))
    lines.append(f"{'all':<{width}}  {sum(total.values()):>6}  " +
                 "  ".join(f"{total[o]:>{max(len(o), 5)}}" for o in OUTCOMES))
    return "\n".join(lines)


def run(cases: int = 100, seed: int = 0, families: Sequence[str] = FAMILIES, jobs: int = 2,
        timeout: float = 30.0, out: Optional[str] = None, minimize_failures: bool = True,
        minimize_tests: int = 60, per_signature: int = 1, progress: Optional[Callable[[str], None]] = None,
        on_result: Optional[Callable[[dict, dict], None]] = None, debug: bool = False) -> Report:
    """Draw and run ``cases`` cases; minimize and save (under ``out``) up to
    ``per_signature`` reproducers per distinct failure."""
    start = time.monotonic()
    plan = family_plan(cases, list(families))
    index = collections.Counter()
    keyed = []
    for f in plan:
        keyed.append((f, index[f]))
        index[f] += 1
    counter = collections.Counter()
    last = [time.monotonic()]

    def note(case, res):
        counter[res["outcome"]] += 1
        if on_result:
            on_result(case, res)
        n = sum(counter.values())
        if progress and (time.monotonic() - last[0] > 30 or n == cases):
            last[0] = time.monotonic()
            rate = n / max(1e-9, time.monotonic() - start)
            progress(f"[{n}/{cases}] {rate:.1f} cases/s  " +
                     ", ".join(f"{o} {counter[o]}" for o in OUTCOMES if counter[o]))

    with Runner(jobs, timeout, debug) as runner:
        results = runner.run((make_case(f, seed, i) for f, i in keyed), note)
        report = Report(results, 0.0)
        if out is not None:
            for family, outcome, signature, members in report.groups():
                for case, res in members[:per_signature]:
                    if minimize_failures:
                        if progress:
                            progress(f"minimizing {family} {outcome} {signature[:80]}")
                        case, res = minimize(runner, case, res, minimize_tests)
                    path = save_reproducer(case, res, out)
                    report.reproducers.append((path, case, res))
    report.seconds = time.monotonic() - start
    return report


def replay(paths: Sequence[str], jobs: int = 2, timeout: float = 60.0) -> list:
    """[(path, case, result)] for every case of every reproducer under ``paths``."""
    cases = []
    owner = {}
    for p in reproducer_paths(paths):
        for case in load_reproducer(p):
            owner[id(case)] = p
            cases.append(case)
    with Runner(jobs, timeout) as runner:
        done = runner.run(cases)
    return [(owner[id(c)], c, r) for c, r in done]

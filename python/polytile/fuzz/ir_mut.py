"""IR inputs for ``polytile-opt`` and their mutations (parent side, text only).

The corpus is the lit tests of the checkout (``test/**/*.mlir`` with a
``// RUN: polytile-opt %s ...`` line): each RUN line gives the flags (what
follows ``polytile-opt`` up to the first pipe or redirection; lines that need
``%t`` files are skipped, ``-o`` is dropped), each ``// -----`` part of a file
split with ``--split-input-file`` is one input. Tests that need a GPU or ptxas
are left out.

Mutations, at token level (delete, duplicate, swap tokens; change a number;
change an element type such as f32 -> i32; change a shape dim) and at op level
(delete an op, duplicate an op under a fresh result name, swap two operands,
use another SSA value, change an attribute value). Each is a descriptor
``{"kind": ..., "seed": n}`` applied with ``random.Random(seed)``.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import random
import re
import shlex
from typing import Optional

from polytile.fuzz.checkout import checkout_root

SPLIT = re.compile(r"^// -----\s*$", re.M)
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|[%@^#!][\w$.\-]*|0x[0-9a-fA-F]+|-?\d+\.\d*(?:[eE][+-]?\d+)?'
                   r'|-?\d+|[A-Za-z_][\w.$]*|->|::|\S')
ELEMENT_TYPES = ["f32", "f16", "bf16", "f64", "i1", "i8", "i32", "i64", "index", "ui8", "f8E4M3FN", "complex<f32>"]
NUMBERS = ["0", "1", "-1", "2", "3", "7", "8", "64", "1024", "2147483648", "-9223372036854775808",
           "9223372036854775807", "0.5", "-0.0", "1.0e+30", "0x7FC00000", "4294967296"]
SHAPE = re.compile(r"((?:tensor|memref|vector)<)((?:(?:\d+|\?)x)*)")

KINDS = {
    "tok_delete": 2, "tok_duplicate": 1, "tok_swap": 1, "number": 3, "elem_type": 3, "shape": 3,
    "op_delete": 2, "op_duplicate": 1.5, "operand_swap": 1.5, "operand_replace": 2, "attr": 3,
}


@dataclasses.dataclass(frozen=True)
class IRInput:
    path: str  # relative to the checkout
    part: int  # index of the // ----- part (-1: the whole file)
    args: tuple  # polytile-opt flags, without the input file
    text: str


def _root() -> Optional[str]:
    """The checkout this package lives in or runs from, if any."""
    return checkout_root()


def run_lines(text: str) -> list[str]:
    """The RUN lines of a lit test, continuations joined."""
    lines, current = [], ""
    for line in text.splitlines():
        m = re.match(r"\s*//\s*RUN:\s?(.*)$", line)
        if not m:
            continue
        body = m.group(1)
        if body.rstrip().endswith("\\"):
            current += body.rstrip()[:-1] + " "
            continue
        lines.append(current + body)
        current = ""
    return lines


def opt_args(run_line: str) -> Optional[list[str]]:
    """polytile-opt's flags in a RUN line (None when it does not run polytile-opt on %s)."""
    try:
        words = shlex.split(run_line)
    except ValueError:
        return None
    if "polytile-opt" not in words:
        return None
    words = words[words.index("polytile-opt") + 1:]
    args = []
    i = 0
    saw_input = False
    while i < len(words):
        w = words[i]
        if w in ("|", ">", "2>", "2>&1", "&&", ";", "||") or w.startswith(">") or w.startswith("2>"):
            break
        if "%t" in w:
            return None
        if w == "%s":
            saw_input = True
        elif w == "-o":
            i += 1
        elif w.startswith("-o") and len(w) > 2 and not w.startswith("--"):
            pass
        else:
            args.append(w)
        i += 1
    return args if saw_input else None


@functools.lru_cache(maxsize=None)
def corpus(root: Optional[str] = None) -> tuple[IRInput, ...]:
    root = root or _root()
    if root is None:
        return ()
    out = []
    test_dir = os.path.join(root, "test")
    for dirpath, dirnames, filenames in os.walk(test_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in ("Output", "fuzz", "python", "models", "__pycache__"))
        for name in sorted(filenames):
            if not name.endswith(".mlir"):
                continue
            path = os.path.join(dirpath, name)
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"//\s*REQUIRES:", text):
                continue
            rel = os.path.relpath(path, root)
            seen = set()
            for line in run_lines(text):
                args = opt_args(line)
                if args is None or tuple(args) in seen:
                    continue
                if any("format=bin" in a or "format=fatbin" in a for a in args):
                    continue
                seen.add(tuple(args))
                if "--split-input-file" in args:
                    parts = SPLIT.split(text)
                    for i, part in enumerate(parts):
                        if part.strip():
                            out.append(IRInput(rel, i, tuple(args), part))
                else:
                    out.append(IRInput(rel, -1, tuple(args), text))
    return tuple(out)


def draw(rng: random.Random) -> list[dict]:
    count = rng.choice([1, 1, 1, 2, 2, 3])
    kinds = list(KINDS)
    weights = [KINDS[k] for k in kinds]
    return [{"kind": rng.choices(kinds, weights)[0], "seed": rng.randrange(1 << 30)} for _ in range(count)]


def apply(text: str, mutations: list[dict]) -> str:
    for d in mutations:
        try:
            text = _MUTATORS[d["kind"]](text, random.Random(d["seed"]))
        except (ValueError, IndexError):
            pass  # nothing to mutate of that kind
    return text


# --------------------------------------------------------------------------
# Token level
# --------------------------------------------------------------------------
def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token outside comments (expected-* comments included
    as tokens are not: the mutations aim at the IR)."""
    return [(m.start(), m.end()) for m in TOKEN.finditer(text) if not m.group().startswith("//")]


def _replace(text: str, span: tuple[int, int], new: str) -> str:
    return text[:span[0]] + new + text[span[1]:]


def _tok_delete(text, r):
    toks = tokens(text)
    return _replace(text, r.choice(toks), "")


def _tok_duplicate(text, r):
    toks = tokens(text)
    s, e = r.choice(toks)
    return text[:e] + " " + text[s:e] + text[e:]


def _tok_swap(text, r):
    toks = tokens(text)
    i = r.randrange(len(toks))
    j = min(len(toks) - 1, i + r.choice([1, 2, 3, r.randrange(len(toks))]))
    (a0, a1), (b0, b1) = sorted([toks[i], toks[j]])
    if a1 > b0:
        return text
    return text[:a0] + text[b0:b1] + text[a1:b0] + text[a0:a1] + text[b1:]


def _number(text, r):
    nums = [m.span() for m in re.finditer(r"(?<![\w%@#^!.])-?\d+(?:\.\d*(?:[eE][+-]?\d+)?)?(?![\w.])", text)
            if not _in_comment(text, m.start())]
    return _replace(text, r.choice(nums), r.choice(NUMBERS))


def _in_comment(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return "//" in text[line_start:pos]


def _elem_type(text, r):
    pattern = re.compile(r"(?<![\w])(f16|bf16|f32|f64|i1|i8|i16|i32|i64|index)(?![\w])")
    spans = [m.span() for m in pattern.finditer(text) if not _in_comment(text, m.start())]
    return _replace(text, r.choice(spans), r.choice(ELEMENT_TYPES))


def _shape(text, r):
    matches = [m for m in SHAPE.finditer(text) if not _in_comment(text, m.start())]
    m = r.choice(matches)
    dims = [d for d in m.group(2).split("x") if d]
    op = r.randrange(4)
    if op == 0 and dims:
        dims[r.randrange(len(dims))] = r.choice(["0", "1", "2", "3", "5", "?", "16", "1000000"])
    elif op == 1:
        dims.insert(r.randrange(len(dims) + 1), r.choice(["1", "2", "4"]))
    elif op == 2 and dims:
        dims.pop(r.randrange(len(dims)))
    else:
        dims = dims[::-1]
    new = m.group(1) + "".join(d + "x" for d in dims)
    return text[:m.start()] + new + text[m.end():]


# --------------------------------------------------------------------------
# Op level (an op is a line that defines values or calls an op)
# --------------------------------------------------------------------------
OP_LINE = re.compile(r'^\s*(?:%[\w#:, %]+=\s*)?(?:"[\w.]+"|[a-z_]+\.[\w.]+)[\s(<{]', re.M)


def _op_lines(text: str) -> list[tuple[int, int]]:
    out = []
    for m in OP_LINE.finditer(text):
        start = m.start()
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        out.append((start, end))
    return out


def _op_delete(text, r):
    s, e = r.choice(_op_lines(text))
    return text[:s] + text[e + 1:]


def _op_duplicate(text, r):
    s, e = r.choice(_op_lines(text))
    line = text[s:e]
    fresh = f"%fuzz{r.randrange(1000)}"
    line2 = re.sub(r"^(\s*)%[\w#]+(:\d+)?", lambda m: m.group(1) + fresh + (m.group(2) or ""), line, count=1)
    return text[:e] + "\n" + line2 + text[e:]


def _operand_swap(text, r):
    candidates = [m for m in re.finditer(r"\((%[\w#]+), (%[\w#]+)", text) if not _in_comment(text, m.start())]
    m = r.choice(candidates)
    return text[:m.start()] + f"({m.group(2)}, {m.group(1)}" + text[m.end():]


def _operand_replace(text, r):
    uses = [m for m in re.finditer(r"(?<=[(,\s])%[\w#]+(?=[,)\s:])", text)
            if not _in_comment(text, m.start()) and text[m.end():m.end() + 2].strip()[:1] != "="]
    names = sorted({m.group() for m in re.finditer(r"%[\w#]+", text)})
    m = r.choice(uses)
    return text[:m.start()] + r.choice(names + ["%undefined"]) + text[m.end():]


def _attr(text, r):
    dicts = [m for m in re.finditer(r"\{[^{}\n]*\}", text) if not _in_comment(text, m.start())]
    m = r.choice(dicts)
    body = m.group()
    op = r.randrange(5)
    if op == 0:  # a number inside
        nums = list(re.finditer(r"(?<![\w%#.])-?\d+(?![\w.])", body))
        if nums:
            n = r.choice(nums)
            body = body[:n.start()] + r.choice(NUMBERS) + body[n.end():]
    elif op == 1:  # a dense array loses or gains an element
        arrays = list(re.finditer(r"array<i64(?:: ([^>]*))?>", body))
        if arrays:
            a = r.choice(arrays)
            values = [v.strip() for v in (a.group(1) or "").split(",") if v.strip()]
            if values and r.random() < 0.5:
                values.pop(r.randrange(len(values)))
            else:
                values.insert(r.randrange(len(values) + 1), r.choice(["0", "1", "-1", "4", "16"]))
            new = f"array<i64: {', '.join(values)}>" if values else "array<i64>"
            body = body[:a.start()] + new + body[a.end():]
    elif op == 2:  # booleans flip
        body = body.replace("true", "\0").replace("false", "true").replace("\0", "false")
    elif op == 3:  # drop an entry
        entries = _split_entries(body[1:-1])
        if entries:
            entries.pop(r.randrange(len(entries)))
        body = "{" + ", ".join(entries) + "}"
    else:  # add an entry
        entries = _split_entries(body[1:-1])
        entries.append(r.choice(["tg.anchor", "fuzz = 1 : i64", "axis = 7 : i64", "sizes = array<i64: 1>",
                                 'name = "nope"', "value = dense<1.0> : tensor<2xf32>", "keepdims = true"]))
        body = "{" + ", ".join(entries) + "}"
    return text[:m.start()] + body + text[m.end():]


def _split_entries(body: str) -> list[str]:
    out, depth, current = [], 0, ""
    for ch in body:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        out.append(current.strip())
    return out


_MUTATORS = {
    "tok_delete": _tok_delete, "tok_duplicate": _tok_duplicate, "tok_swap": _tok_swap, "number": _number,
    "elem_type": _elem_type, "shape": _shape, "op_delete": _op_delete, "op_duplicate": _op_duplicate,
    "operand_swap": _operand_swap, "operand_replace": _operand_replace, "attr": _attr,
}

"""Pass pipelines that mix upstream MLIR passes and polytile's Python passes.

A textual pipeline (``builtin.module(cse,func.func(tg-dce,canonicalize))``) is
parsed here, not by MLIR, because MLIR's parser cannot name Python passes.
Consecutive upstream passes are handed to ``PassManager.add`` as one textual
piece with their nesting; each Python pass is added as a callable that walks
to the ops it is nested under.

Verification: MLIR verifies the IR after every pass (structure and IRDL).
polytile's semantic verifiers run after parsing and after every Python pass;
upstream passes treat tg ops as opaque and cannot create or retype them, so a
valid tg op stays valid through them.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sys
import tempfile
import time
from typing import Optional, Union

from mlir import ir, passmanager

from polytile import pass_registry
from polytile.diagnostics import (DiagnosticCollector, PassFailure, PassPipelineError)

ROOT_OP = "builtin.module"


@dataclasses.dataclass(frozen=True)
class PassElement:
    """One pass with its options text (as written inside ``{...}``)."""

    name: str
    options: str = ""

    def __str__(self) -> str:
        return f"{self.name}{{{self.options}}}" if self.options else self.name


@dataclasses.dataclass(frozen=True)
class NestElement:
    """``op-name(...)``: passes run on each ``op-name`` op nested in the parent."""

    op_name: str
    children: tuple[Union[PassElement, "NestElement"], ...]

    def __str__(self) -> str:
        return f"{self.op_name}({','.join(str(c) for c in self.children)})"


Element = Union[PassElement, NestElement]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.$-]*")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def error(self, message: str) -> PassPipelineError:
        pointer = " " * self.pos + "^"
        return PassPipelineError(
            f"invalid pass pipeline: {message} at column {self.pos + 1}\n{self.text}\n{pointer}")

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse_list(self, closing: str) -> tuple[Element, ...]:
        items = []
        if self.peek() == closing:
            return ()
        while True:
            items.append(self.parse_element())
            c = self.peek()
            if c == ",":
                self.pos += 1
                continue
            return tuple(items)

    def parse_element(self) -> Element:
        self.skip_ws()
        m = _NAME.match(self.text, self.pos)
        if not m:
            raise self.error("expected a pass or operation name")
        name = m.group(0)
        self.pos = m.end()
        c = self.peek()
        if c == "(":
            self.pos += 1
            children = self.parse_list(")")
            if self.peek() != ")":
                raise self.error("expected ')'")
            self.pos += 1
            return NestElement(name, children)
        if c == "{":
            return PassElement(name, self.parse_braced())
        return PassElement(name)

    def parse_braced(self) -> str:
        start = self.pos + 1
        depth = 0
        quote = None
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return self.text[start:self.pos - 1].strip()
            self.pos += 1
        raise self.error("unbalanced '{'")


def parse_pipeline(text: str) -> tuple[Element, ...]:
    """Parse a textual pipeline into elements (under the implicit module root).

    ``builtin.module(a,b)`` and ``a,b`` mean the same.
    """
    parser = _Parser(text)
    elements = parser.parse_list("")
    if parser.peek():
        raise parser.error(f"unexpected '{parser.peek()}'")
    if len(elements) == 1 and isinstance(elements[0], NestElement) and elements[0].op_name == ROOT_OP:
        return elements[0].children
    for e in elements:
        if isinstance(e, NestElement) and e.op_name == ROOT_OP:
            raise PassPipelineError(f"invalid pass pipeline: '{ROOT_OP}(...)' must be the only top-level element")
    return elements


# ----------------------------------------------------------------------------
# Building a PassManager
# ----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Leaf:
    path: tuple[str, ...]
    element: PassElement


def _leaves(elements, path=()) -> list[_Leaf]:
    out = []
    for e in elements:
        if isinstance(e, NestElement):
            out.extend(_leaves(e.children, path + (e.op_name,)))
        else:
            out.append(_Leaf(path, e))
    return out


def _serialize(leaves: list[_Leaf]) -> str:
    """Textual form of consecutive upstream leaves, re-nesting shared paths."""
    parts: list[str] = []
    i = 0
    while i < len(leaves):
        leaf = leaves[i]
        if not leaf.path:
            parts.append(str(leaf.element))
            i += 1
            continue
        head = leaf.path[0]
        j = i
        while j < len(leaves) and leaves[j].path[:1] == (head,):
            j += 1
        inner = [_Leaf(l.path[1:], l.element) for l in leaves[i:j]]
        parts.append(f"{head}({_serialize(inner)})")
        i = j
    return ",".join(parts)


_RESTRICTED = re.compile(r"restricted to '([^']+)'")


@contextlib.contextmanager
def _native_stderr(captured: list[str]):
    """Capture what C++ code writes straight to file descriptor 2 meanwhile:
    LLVM's option parser reports a bad option value there (``for the --tile-size
    option: 'x' value invalid for uint argument!``), not in the ValueError."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            captured.append(tmp.read().decode(errors="replace"))


def _try_add(pm: passmanager.PassManager, text: str) -> Optional[str]:
    """``pm.add(text)``; the error message (one line per reason) if it fails."""
    captured: list[str] = []
    try:
        with _native_stderr(captured):
            pm.add(text)
        return None
    except ValueError as e:
        message = "".join(captured) + str(e)
    lines = []
    for line in message.splitlines():
        line = line.rstrip().removeprefix(": ")  # LLVM prefixes an empty program name
        line = re.sub(r"MLIR Textual PassPipeline Parser:\d+:\d+: error: ", "", line)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _add_upstream(pm: passmanager.PassManager, text: str) -> None:
    error = _try_add(pm, text)
    if error is not None:
        raise PassPipelineError(f"invalid pass pipeline '{text}': {error}")


def upstream_anchor(pass_text: str, context: ir.Context) -> Optional[str]:
    """The op an upstream pass is restricted to, if it cannot run on the module
    directly (e.g. ``func.func`` for ``affine-loop-tile``); None if it can.
    Raises PassPipelineError for an unknown pass or bad options."""
    error = _try_add(passmanager.PassManager(ROOT_OP, context), pass_text)
    if error is None:
        return None
    m = _RESTRICTED.search(error)
    if m:
        return m.group(1)
    raise PassPipelineError(f"invalid pass pipeline '{pass_text}': {error}")


@dataclasses.dataclass
class RunOptions:
    """How a pipeline runs: IR printing and timing, as mlir-opt's flags."""

    print_ir_before_all: bool = False
    print_ir_after_all: bool = False
    print_module_scope: bool = False
    print_debuginfo: bool = False
    print_generic: bool = False
    timing: bool = False


class Pipeline:
    """An editable list of passes, upstream and polytile's, that can be printed,
    run on a module and timed.

    >>> p = Pipeline.parse("builtin.module(tg-canonicalize,func.func(cse),tg-dce)")
    >>> p.add("canonicalize")
    >>> str(p)
    'builtin.module(tg-canonicalize,func.func(cse),tg-dce,canonicalize)'
    """

    def __init__(self, elements=(), *, verify_each: bool = True):
        self.elements: list[Element] = list(elements)
        self.verify_each = verify_each
        self.last_run_seconds: Optional[float] = None

    @classmethod
    def parse(cls, text: str, **kwargs) -> "Pipeline":
        return cls(parse_pipeline(text), **kwargs)

    def add(self, text: str, **options) -> "Pipeline":
        """Append passes given as pipeline text (``"cse"``, ``"func.func(cse)"``,
        ``"tg-dce"``). Keyword options apply to a single pass (``tile_size=32``)."""
        elements = parse_pipeline(text)
        if options:
            if len(elements) != 1 or not isinstance(elements[0], PassElement):
                raise PassPipelineError("keyword options need a single pass name")
            kv = " ".join(f"{k.replace('_', '-')}={_option_text(v)}" for k, v in options.items())
            elements = (PassElement(elements[0].name, kv),)
        self.elements.extend(elements)
        return self

    def __str__(self) -> str:
        return f"{ROOT_OP}({','.join(str(e) for e in self.elements)})"

    def __repr__(self) -> str:
        return f"Pipeline({str(self)!r})"

    def __len__(self) -> int:
        return len(self.elements)

    def pass_names(self) -> list[str]:
        return [leaf.element.name for leaf in _leaves(self.elements)]

    def build(self, context: ir.Context,
              run_options: Optional[RunOptions] = None) -> passmanager.PassManager:
        """A PassManager for this pipeline; raises PassPipelineError for unknown
        passes, bad options or bad nesting."""
        run_options = run_options or RunOptions()
        pm = passmanager.PassManager(ROOT_OP, context)
        pm.enable_verifier(self.verify_each)
        pending: list[_Leaf] = []

        def flush() -> None:
            if pending:
                _add_upstream(pm, _serialize(pending))
                pending.clear()

        for leaf in _leaves(self.elements):
            info = pass_registry.lookup(leaf.element.name)
            if info is None:
                pending.append(leaf)
                continue
            flush()
            options = info.parse_options(leaf.element.options)
            pm.add(pass_registry.make_callable(info, options, leaf.path, self.verify_each),
                   name=info.name, argument=info.argument, description=info.description)
        flush()
        if run_options.print_ir_before_all or run_options.print_ir_after_all:
            pm.enable_ir_printing(print_before_all=run_options.print_ir_before_all,
                                  print_after_all=run_options.print_ir_after_all,
                                  print_module_scope=run_options.print_module_scope,
                                  enable_debug_info=run_options.print_debuginfo,
                                  print_generic_op_form=run_options.print_generic)
        if run_options.timing:
            pm.enable_timing()
        return pm

    def tail(self, index: int) -> "Pipeline":
        """The pipeline of the passes from the ``index``-th one (in :meth:`pass_names`
        order) on, with their nesting: what a crash reproducer replays."""
        leaves = _leaves(self.elements)[index:]
        elements = parse_pipeline(_serialize(leaves)) if leaves else ()
        return Pipeline(elements, verify_each=self.verify_each)

    def run(self, module: Union[ir.Module, ir.Operation],
            run_options: Optional[RunOptions] = None) -> None:
        """Run in place on ``module``; raises PassFailure carrying the diagnostics.

        Under :func:`observe`, the observer hears of the run; if it asks to (crash
        diagnosis), the passes run one at a time, each announced before it runs."""
        op = module.operation
        observer = _OBSERVERS[-1] if _OBSERVERS else None
        if observer is None:
            self._run_all(op, run_options)
            return
        step = observer.run_started(self, op)
        start = time.perf_counter()
        try:
            if not step:
                self._run_all(op, run_options)
                return
            for index, leaf in enumerate(_leaves(self.elements)):
                observer.before_pass(self, index, op)
                Pipeline(_nested(leaf), verify_each=self.verify_each)._run_all(op, run_options)
        finally:
            self.last_run_seconds = time.perf_counter() - start
            observer.run_finished(self, op)

    def _run_all(self, op: ir.Operation, run_options: Optional[RunOptions]) -> None:
        context = op.context
        pm = self.build(context, run_options)
        with DiagnosticCollector(context) as diags:
            start = time.perf_counter()
            try:
                pm.run(op)
            except ir.MLIRError as e:
                diags.absorb(e)
                errors = diags.take()
                raise PassFailure("pass pipeline failed", errors) from None
            finally:
                self.last_run_seconds = time.perf_counter() - start
                del pm  # prints the timing report, if enabled


def _nested(leaf: _Leaf) -> tuple[Element, ...]:
    element: Element = leaf.element
    for op_name in reversed(leaf.path):
        element = NestElement(op_name, (element,))
    return (element,)


# ----------------------------------------------------------------------------
# Progress hooks (crash isolation, ``polytile.isolation``)
# ----------------------------------------------------------------------------

class PassObserver:
    """Hears of every :meth:`Pipeline.run` while installed with :func:`observe`.

    The default methods do nothing, so an observer costs one call per pipeline
    run unless ``run_started`` asks for the passes one at a time (then each pass
    runs in its own PassManager, announced by ``before_pass``: same results,
    slower, and a timing report per pass)."""

    def run_started(self, pipeline: Pipeline, op: ir.Operation) -> bool:
        """A run begins; return True to run its passes one at a time."""
        return False

    def before_pass(self, pipeline: Pipeline, index: int, op: ir.Operation) -> None:
        """Pass ``index`` (in ``pipeline.pass_names()`` order) is about to run on ``op``."""

    def run_finished(self, pipeline: Pipeline, op: ir.Operation) -> None:
        """The run ended (it may have raised)."""


_OBSERVERS: list[PassObserver] = []


@contextlib.contextmanager
def observe(observer: PassObserver):
    """Install ``observer`` for the pipeline runs of this process meanwhile
    (the innermost one hears of them)."""
    _OBSERVERS.append(observer)
    try:
        yield observer
    finally:
        _OBSERVERS.remove(observer)


def _option_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)

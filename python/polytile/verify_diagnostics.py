"""``--verify-diagnostics``: check emitted diagnostics against ``expected-*`` lines.

Supports, as mlir-opt does: ``expected-error``/``-warning``/``-remark``/``-note``,
the ``-re`` form (``{{regex}}`` blocks inside the text), and the designators
``@+N``, ``@-N``, ``@above``, ``@below``, ``@unknown``. A diagnostic matching
no expectation is reported as ``unexpected <kind>``; an expectation matching no
diagnostic as ``expected <kind> "..." was not produced``.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional

from polytile.diagnostics import Diagnostic, SourceLoc, SourceMap, format_at

_DIRECTIVE = re.compile(
    r"expected-(error|note|remark|warning)(-re)? *(@([+-][0-9]+|above|below|unknown))? *\{\{(.*)\}\}\s*$")


@dataclasses.dataclass
class Expectation:
    kind: str
    text: str
    is_regex: bool
    line: Optional[int]  # None for @unknown
    directive_loc: SourceLoc
    matched: bool = False

    def pattern(self) -> str:
        """The ``-re`` form as a regex: ``{{...}}`` blocks are regexes, the rest literal."""
        pattern = ""
        for i, piece in enumerate(re.split(r"\{\{(.*?)\}\}", self.text)):
            pattern += piece if i % 2 else re.escape(piece)
        return pattern

    def regex_error(self) -> Optional[str]:
        """Why the ``-re`` form's regex is invalid; None if it is fine."""
        if not self.is_regex:
            return None
        try:
            re.compile(self.pattern())
        except re.error as e:
            return str(e)
        return None

    def matches(self, message: str) -> bool:
        if not self.is_regex:
            return self.text in message
        return re.search(self.pattern(), message) is not None


def parse_expectations(name: str, text: str) -> list[Expectation]:
    """The ``expected-*`` directives of a buffer (``name`` is its file name)."""
    found: list[Expectation] = []
    pending_below: list[Expectation] = []
    last_plain_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        m = _DIRECTIVE.search(line)
        if m is None:
            # As in mlir-opt, @above/@below name the nearest line holding no
            # expected-* directive, even a comment or a blank line.
            for e in pending_below:
                e.line = number
            pending_below.clear()
            last_plain_line = number
            continue
        kind, regex, _, designator, body = m.groups()
        loc = SourceLoc(name, number, m.start() + 1)
        e = Expectation(kind, body, bool(regex), number, loc)
        if designator is None:
            pass
        elif designator == "unknown":
            e.line = None
        elif designator == "above":
            e.line = last_plain_line
        elif designator == "below":
            pending_below.append(e)
        else:
            e.line = number + int(designator)
        found.append(e)
    return found


def _flatten(diags: list[Diagnostic]) -> list[Diagnostic]:
    out = []
    for d in diags:
        out.append(d)
        for note in d.notes:
            if not note.message.startswith("see current operation:"):
                out.append(dataclasses.replace(note, severity="note"))
    return out


def check(name: str, text: str, diagnostics: list[Diagnostic],
          sources: SourceMap) -> list[str]:
    """Compare ``diagnostics`` against the buffer's expectations; returns the
    formatted mismatch errors (empty when everything matched)."""
    expectations = []
    errors: list[str] = []
    for e in parse_expectations(name, text):
        invalid = e.regex_error()
        if invalid is None:
            expectations.append(e)
        else:
            errors.append(format_at("error", e.directive_loc, f"invalid regex: {invalid}",
                                    sources, caret_len=len(e.text)))
    for d in _flatten(diagnostics):
        line = d.loc.line if d.loc.file == name else None
        match = next((e for e in expectations if not e.matched and e.kind == d.severity
                      and e.line == line and e.matches(d.message)), None)
        if match is not None:
            match.matched = True
            continue
        errors.append(format_at("error", d.loc, f"unexpected {d.severity}: {d.message}", sources))
    for e in expectations:
        if not e.matched:
            errors.append(format_at("error", e.directive_loc,
                                    f'expected {e.kind} "{e.text}" was not produced',
                                    sources, caret_len=len(e.text)))
    return errors

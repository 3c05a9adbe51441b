"""Diagnostics: capture MLIR diagnostics as plain data, format them like mlir-opt,
and carry them in polytile's typed exceptions.

MLIR hands diagnostics to Python handlers as objects that are only valid during
the callback, so :class:`DiagnosticCollector` copies each one into a
:class:`Diagnostic` record (severity, file/line/col, message, notes).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from mlir import ir

_SEVERITY_NAMES = {
    ir.DiagnosticSeverity.ERROR: "error",
    ir.DiagnosticSeverity.WARNING: "warning",
    ir.DiagnosticSeverity.NOTE: "note",
    ir.DiagnosticSeverity.REMARK: "remark",
}


@dataclasses.dataclass(frozen=True)
class SourceLoc:
    """A resolved source position; ``line``/``col`` are 1-based, 0 if unknown."""

    file: Optional[str]
    line: int = 0
    col: int = 0
    name: Optional[str] = None  # a NameLoc's name (e.g. the ONNX node) when present

    def __str__(self) -> str:
        if self.file is not None:
            return f"{self.file}:{self.line}:{self.col}"
        if self.name is not None:
            return f'loc("{self.name}")'
        return "<unknown>:0"


def resolve_location(loc: ir.Location) -> SourceLoc:
    """Find the most useful file position inside an MLIR location.

    File locations are used directly; name locations keep their name and look
    inside their child; fused and call-site locations use their first file
    location.
    """
    try:
        if loc.is_a_file():
            return SourceLoc(loc.filename, loc.start_line, loc.start_col)
        if loc.is_a_name():
            inner = resolve_location(loc.child_loc)
            return dataclasses.replace(inner, name=loc.name_str)
        if loc.is_a_callsite():
            return resolve_location(loc.callee)
        if loc.is_a_fused():
            for sub in loc.locations:
                resolved = resolve_location(sub)
                if resolved.file is not None or resolved.name is not None:
                    return resolved
    except Exception:  # pragma: no cover - unexpected location kinds
        pass
    return SourceLoc(None)


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One MLIR diagnostic copied out of the C++ world."""

    severity: str  # "error" | "warning" | "note" | "remark"
    loc: SourceLoc
    message: str
    notes: tuple["Diagnostic", ...] = ()

    @classmethod
    def from_mlir(cls, diag: ir.Diagnostic) -> "Diagnostic":
        return cls(
            severity=_SEVERITY_NAMES.get(diag.severity, "error"),
            loc=resolve_location(diag.location),
            message=str(diag.message),
            notes=tuple(cls.from_mlir(n) for n in diag.notes),
        )

    def format(self, sources: Optional["SourceMap"] = None) -> str:
        """``file:line:col: error: message`` plus the source line and a caret, as mlir-opt prints."""
        lines = [_format_one(self.severity, self.loc, self.message, sources)]
        previous = self.loc
        for note in self.notes:
            # As mlir-opt: a note repeats the source line only at a new location.
            lines.append(_format_one("note", note.loc, note.message,
                                     sources if note.loc != previous else None))
            previous = note.loc
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


class SourceMap:
    """Source text by file name, used to show the offending line under a diagnostic."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def add(self, name: str, text: str) -> None:
        self._lines[name] = text.split("\n")

    def line(self, name: Optional[str], line: int) -> Optional[str]:
        lines = self._lines.get(name) if name is not None else None
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]


def _format_one(severity: str, loc: SourceLoc, message: str,
                sources: Optional[SourceMap], caret_len: int = 1) -> str:
    text = f"{loc}: {severity}: {message}"
    src = sources.line(loc.file, loc.line) if sources else None
    if src is not None and loc.col > 0:
        text += "\n" + src + "\n" + " " * (loc.col - 1) + "^" + "~" * max(caret_len - 1, 0)
    return text


def format_at(severity: str, loc: SourceLoc, message: str,
              sources: Optional[SourceMap] = None, caret_len: int = 1) -> str:
    """Format a diagnostic that polytile itself produces at a source position."""
    return _format_one(severity, loc, message, sources, caret_len)


class DiagnosticCollector:
    """Collects every diagnostic emitted in a context while it is attached.

    Use as a context manager: ``with DiagnosticCollector(ctx) as diags: ...``.
    Diagnostics are marked handled so MLIR does not print them itself.
    """

    def __init__(self, context: ir.Context) -> None:
        self.context = context
        self.diagnostics: list[Diagnostic] = []
        self._handler = None

    def _on_diagnostic(self, diag: ir.Diagnostic) -> bool:
        self.diagnostics.append(Diagnostic.from_mlir(diag))
        return True

    def __enter__(self) -> "DiagnosticCollector":
        self._handler = self.context.attach_diagnostic_handler(self._on_diagnostic)
        return self

    def __exit__(self, *exc) -> None:
        if self._handler is not None:
            self._handler.detach()
            self._handler = None

    def take(self) -> list[Diagnostic]:
        out, self.diagnostics = self.diagnostics, []
        return out

    def absorb(self, error: ir.MLIRError) -> None:
        """Add the diagnostics an ``MLIRError`` carries (MLIR's own capture scope
        takes them before our handler sees them)."""
        for d in error.error_diagnostics:
            self.diagnostics.append(Diagnostic.from_mlir(d))


class PolytileError(Exception):
    """Base class of every error polytile raises for a user mistake.

    ``diagnostics`` holds the MLIR-style diagnostics (with locations) behind it.
    """

    def __init__(self, message: str, diagnostics: Optional[list[Diagnostic]] = None):
        self.diagnostics = list(diagnostics or [])
        super().__init__(message)

    def __str__(self) -> str:
        base = super().__str__()
        if not self.diagnostics:
            return base
        return base + "\n" + "\n".join(d.format() for d in self.diagnostics)

    @property
    def location(self) -> Optional[SourceLoc]:
        """The location of the first error, if any."""
        for d in self.diagnostics:
            if d.severity == "error":
                return d.loc
        return self.diagnostics[0].loc if self.diagnostics else None


class ParseError(PolytileError):
    """The input IR (or pipeline text) could not be parsed."""


class VerificationError(PolytileError):
    """The IR failed verification (structural, IRDL, or polytile's semantic rules)."""


class PassPipelineError(PolytileError):
    """A pass pipeline could not be built: unknown pass, bad option, bad nesting."""


class PassFailure(PolytileError):
    """A pass failed while running."""


"""User mistakes end in typed exceptions that carry locations (Python API) or in
a message and exit code 1, never a traceback (polytile-opt)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from mlir import ir

import polytile
from polytile import Pipeline

VALID = """func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "tg.transpose"(%0) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
"""

PARSE_ERROR = """func.func @f() {
  %0 = arith.constant 1 : i32 i32
  return
}
"""

UPSTREAM_VERIFY_ERROR = """func.func @f(%a: i64) -> i32 {
  return %a : i64
}
"""

TG_VERIFY_ERROR = """func.func @f(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
"""


def where(error: polytile.PolytileError) -> tuple:
    loc = error.location
    return (loc.file, loc.line, loc.col)


# ----------------------------------------------------------------------------
# Python API: typed exceptions with locations
# ----------------------------------------------------------------------------

def test_parse_error_has_line_and_column():
    with pytest.raises(polytile.ParseError) as info:
        polytile.parse(PARSE_ERROR, source_name="model.mlir")
    assert isinstance(info.value, polytile.PolytileError)
    assert where(info.value) == ("model.mlir", 2, 30)
    assert "expected operation name in quotes" in str(info.value)
    assert "model.mlir:2:30: error:" in str(info.value)


@pytest.mark.parametrize("text, line, col", [
    # Columns as mlir-opt reports them.
    ("func.func @f( {", 1, 14),  # on line 1 with one top-level op
    ("func.func @a() {\n  return\n}\nfunc.func @b( {", 4, 14),  # several top-level ops
    ("func.func @a() { return } func.func @b( {", 1, 40),  # several, on line 1
])
def test_parse_error_columns_are_exact(text, line, col):
    with pytest.raises(polytile.ParseError) as info:
        polytile.parse(text)
    assert where(info.value) == ("<string>", line, col)


def test_upstream_verifier_error():
    with pytest.raises(polytile.VerificationError) as info:
        polytile.parse(UPSTREAM_VERIFY_ERROR)
    assert where(info.value) == ("<string>", 2, 3)
    assert "doesn't match function result type" in str(info.value)


def test_tg_semantic_error():
    with pytest.raises(polytile.VerificationError) as info:
        polytile.parse(TG_VERIFY_ERROR)
    assert where(info.value) == ("<string>", 2, 8)
    assert "'tg.transpose' op perm [0, 0] is not a permutation of 0..1" in str(info.value)


def test_undefined_symbol_is_a_verification_error():
    text = "func.func @f() {\n  func.call @nowhere() : () -> ()\n  return\n}\n"
    with pytest.raises(polytile.VerificationError) as info:
        polytile.parse(text)
    assert where(info.value) == ("<string>", 2, 3)


def test_verify_after_an_edit():
    module = polytile.parse(VALID)
    polytile.verify(module)  # valid
    transpose = module.regions[0].blocks[0].operations[0].regions[0].blocks[0].operations[0]
    with module.context:
        transpose.attributes["perm"] = ir.DenseI64ArrayAttr.get([0, 0])
    with pytest.raises(polytile.VerificationError, match="is not a permutation") as info:
        polytile.verify(module)
    assert where(info.value) == ("<string>", 2, 8)


def test_pass_failure_at_top_level():
    module = polytile.parse(VALID, source_name="m.mlir")
    with pytest.raises(polytile.PassFailure, match="max-iterations must be at least 1") as info:
        Pipeline.parse("tg-canonicalize{max-iterations=0}").run(module)
    # The implicit module has no place in the text: line 0, as in mlir-opt.
    assert where(info.value) == ("m.mlir", 0, 0)


def test_pass_failure_nested_points_at_the_function():
    module = polytile.parse(VALID, source_name="m.mlir")
    with pytest.raises(polytile.PassFailure) as info:
        Pipeline.parse("func.func(tg-canonicalize{max-iterations=0})").run(module)
    assert where(info.value) == ("m.mlir", 1, 1)


@pytest.mark.parametrize("pipeline, message", [
    ("no-such-pass", "'no-such-pass' does not refer to a registered pass"),
    ("cse,func.func(no-such-pass)", "'no-such-pass' does not refer to a registered pass"),
    ("func.func(affine-loop-tile{tile-size=abc})", "'abc' value invalid for uint argument"),
    ("func.func(affine-loop-tile{no-such-option=1})", "no such option no-such-option"),
    ("affine-loop-tile", "did you intend to nest?"),
    ("tg-canonicalize{max-iterations=abc}", "option 'max-iterations' expects int, got 'abc'"),
    ("tg-canonicalize{no-such-option=1}", "no such option 'no-such-option'"),
])
def test_pass_pipeline_errors(pipeline, message, capfd):
    p = Pipeline.parse(pipeline)
    with pytest.raises(polytile.PassPipelineError) as info:
        p.run(polytile.parse(VALID))
    assert message in str(info.value)
    # Option errors that LLVM writes to stderr end up in the exception instead.
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("text, message", [
    ("builtin.module(cse", "expected ')' at column 19"),
    ("cse)", "unexpected ')' at column 4"),
    ("cse{", "unbalanced '{'"),
    ("builtin.module(cse),cse", "must be the only top-level element"),
])
def test_malformed_pipeline_text(text, message):
    with pytest.raises(polytile.PassPipelineError) as info:
        Pipeline.parse(text)
    assert message in str(info.value)


def test_pipeline_errors_surface_before_running():
    ctx = polytile.create_context()
    with pytest.raises(polytile.PassPipelineError):
        Pipeline.parse("no-such-pass").build(ctx)


# ----------------------------------------------------------------------------
# The CLI: a message and exit code 1 for every user mistake, never a traceback
# ----------------------------------------------------------------------------

def opt(*args: str, stdin: str | bytes = b"") -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "polytile.opt_main", *args], input=data,
                          capture_output=True, timeout=120)


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in [("valid", VALID), ("parse", PARSE_ERROR), ("upstream", UPSTREAM_VERIFY_ERROR),
                       ("tg", TG_VERIFY_ERROR),
                       ("unregistered", 'func.func @f() {\n  "foo.bar"() : () -> ()\n  return\n}\n'),
                       ("expectations", VALID + "// expected-error@+1 {{never produced}}\n"),
                       ("bad-regex", "// expected-error-re@+1 {{perm {{[}}}}\n" + TG_VERIFY_ERROR)]:
        path = tmp_path / f"{name}.mlir"
        path.write_text(text)
        paths[name] = str(path)
    paths["bad-utf8"] = str(tmp_path / "bad.mlir")
    (tmp_path / "bad.mlir").write_bytes(b"\xff\xfe")
    paths["missing"] = str(tmp_path / "missing.mlir")
    paths["no-dir-output"] = str(tmp_path / "no" / "such" / "dir.mlir")
    return paths


CLI_MISTAKES = [
    ("unknown flag", ["{valid}", "--no-such-flag"], "Unknown command line argument '--no-such-flag'"),
    ("two inputs", ["{valid}", "{valid}"], "Too many positional arguments"),
    ("missing input", ["{missing}"], "could not open input file"),
    ("input is a directory", ["/"], "could not open input file '/'"),
    ("invalid utf-8", ["{bad-utf8}"], "invalid UTF-8"),
    ("missing -o value", ["{valid}", "-o"], "option '-o' requires a value"),
    ("unwritable output", ["{valid}", "-o", "{no-dir-output}"], "could not open output file"),
    ("bad boolean", ["{valid}", "--verify-each=maybe"], "invalid value for boolean argument"),
    ("unknown pass in pipeline", ["{valid}", "--pass-pipeline=builtin.module(no-such-pass)"],
     "'no-such-pass' does not refer to a registered pass"),
    ("unknown pass as flag", ["{valid}", "--no-such-pass"], "Unknown command line argument '--no-such-pass'"),
    ("bad upstream option value", ["{valid}", "--affine-loop-tile=tile-size=abc"],
     "for the --tile-size option: 'abc' value invalid for uint argument!"),
    ("bad upstream option name", ["{valid}", "--pass-pipeline=builtin.module(func.func(cse{nope=1}))"],
     "no such option nope"),
    ("bad polytile option value", ["{valid}", "--tg-canonicalize=max-iterations=abc"],
     "option 'max-iterations' expects int, got 'abc'"),
    ("bad polytile option name", ["{valid}", "--pass-pipeline=builtin.module(tg-dce{nope=1})"],
     "no such option 'nope'"),
    ("malformed pipeline", ["{valid}", "--pass-pipeline=builtin.module(cse"], "invalid pass pipeline: expected ')'"),
    ("pipeline and pass flags", ["{valid}", "--pass-pipeline=builtin.module(cse)", "--cse"],
     "'--pass-pipeline' option can't be used with individual pass options"),
    ("parse error", ["{parse}"], "parse.mlir:2:30: error: expected operation name in quotes"),
    ("upstream verifier error", ["{upstream}"], "upstream.mlir:2:3: error: type of return operand 0"),
    ("tg semantic error", ["{tg}"], "tg.mlir:2:8: error: 'tg.transpose' op perm [0, 0] is not a permutation"),
    ("unregistered dialect", ["{unregistered}"], "operation being parsed with an unregistered dialect"),
    ("pass failure", ["{valid}", "--tg-canonicalize=max-iterations=0"], "error: max-iterations must be at least 1"),
    ("unmet expectation", ["{expectations}", "--verify-diagnostics"], 'expected error "never produced" was not produced'),
    ("unexpected diagnostic", ["{tg}", "--verify-diagnostics"], "unexpected error: 'tg.transpose' op perm"),
    ("invalid expectation regex", ["{bad-regex}", "--verify-diagnostics"], "bad-regex.mlir:1:4: error: invalid regex:"),
]


@pytest.mark.parametrize("args, message", [(a, m) for _, a, m in CLI_MISTAKES],
                         ids=[name for name, _, _ in CLI_MISTAKES])
def test_cli_user_mistake(files, args, message):
    result = opt(*(files.get(a.strip("{}"), a) if a.startswith("{") else a for a in args))
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert "Traceback" not in err
    assert message in err


def test_cli_mistake_on_stdin():
    result = opt("-", stdin=PARSE_ERROR)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr.decode()
    assert "<stdin>:2:30: error: expected operation name in quotes" in result.stderr.decode()

    result = opt(stdin=b"\xff\xfe")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr.decode()


def test_cli_success_exits_zero(files):
    result = opt(files["valid"], "--tg-canonicalize", "--tg-dce")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    assert b"tg.transpose" not in result.stdout

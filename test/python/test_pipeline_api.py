"""polytile.Pipeline from Python: parse, print, edit and run pipelines that mix
upstream MLIR passes and polytile's Python passes, including a pass written
in the test itself with @polytile.register_pass."""
from __future__ import annotations

import dataclasses

import pytest
from mlir import ir

import polytile
from polytile import Pipeline, RunOptions
from polytile.pass_registry import option

MIXED = """
func.func @mixed(%x: tensor<2x3xf32>, %a: i32) -> (tensor<2x3xf32>, i32, i32) {
  %t0 = "tg.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %t1 = "tg.transpose"(%t0) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %s0 = arith.addi %a, %a : i32
  %s1 = arith.addi %a, %a : i32
  %c1 = arith.constant 1 : i32
  %m = arith.muli %s1, %c1 : i32
  return %t1, %s0, %m : tensor<2x3xf32>, i32, i32
}
"""

LOOPS = """
func.func @loops(%A: memref<64x64xf32>, %B: memref<64x64xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      %v = affine.load %A[%i, %j] : memref<64x64xf32>
      affine.store %v, %B[%j, %i] : memref<64x64xf32>
    }
  }
  return
}
"""

TWO_FUNCTIONS = """
func.func @first(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
func.func @second(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "tg.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
"""


# ----------------------------------------------------------------------------
# A pass written here, registered under a test-only name
# ----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class RenameOptions:
    suffix: str = option("_renamed", "Appended to every function name")
    only: tuple[str, ...] = option((), "Rename only these functions (all when empty)")


SEEN_ROOTS: list[str] = []


@polytile.register_pass("test-pipeline-api-rename", options=RenameOptions)
def rename_functions(root: ir.Operation, options: RenameOptions) -> None:
    """Append a suffix to function names (a test pass)."""
    SEEN_ROOTS.append(root.name)
    funcs = [root] if root.name == "func.func" else [
        op.operation for op in root.regions[0].blocks[0].operations if op.operation.name == "func.func"]
    for f in funcs:
        name = ir.StringAttr(f.attributes["sym_name"]).value
        if not options.only or name in options.only:
            f.attributes["sym_name"] = ir.StringAttr.get(name + options.suffix, f.context)


@polytile.register_pass("test-pipeline-api-fail")
def always_fail(root: ir.Operation, options) -> None:
    """Fail at the first function (a test pass)."""
    for op in root.regions[0].blocks[0].operations:
        raise polytile.PassError("this pass always fails", op.operation)


@polytile.register_pass("test-pipeline-api-break")
def drop_results(root: ir.Operation, options) -> None:
    """Declare every function as returning nothing, breaking its returns (a test pass)."""
    for op in root.regions[0].blocks[0].operations:
        f = op.operation
        inputs = ir.FunctionType(ir.TypeAttr(f.attributes["function_type"]).value).inputs
        f.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(inputs, [], f.context))


def function_names(module) -> list[str]:
    return [ir.StringAttr(op.operation.attributes["sym_name"]).value
            for op in module.regions[0].blocks[0].operations]


# ----------------------------------------------------------------------------
# Parsing, printing, editing
# ----------------------------------------------------------------------------

def test_parse_and_str_round_trip():
    text = "builtin.module(tg-canonicalize,func.func(cse,canonicalize),tg-dce)"
    p = Pipeline.parse(text)
    assert str(p) == text
    assert len(p) == 3
    assert p.pass_names() == ["tg-canonicalize", "cse", "canonicalize", "tg-dce"]
    assert str(Pipeline.parse(str(p))) == text
    assert repr(p) == f"Pipeline({text!r})"


def test_parse_without_module_root_and_with_options():
    p = Pipeline.parse(" tg-canonicalize{max-iterations=3} , func.func( affine-loop-tile{tile-size=8} )")
    assert str(p) == "builtin.module(tg-canonicalize{max-iterations=3},func.func(affine-loop-tile{tile-size=8}))"


def test_add_text_and_keyword_options():
    p = Pipeline()
    assert p.add("tg-canonicalize") is p  # chains
    p.add("func.func(cse)").add("tg-dce")
    p.add("canonicalize", max_iterations=2, test_convergence=True)
    p.add("tg-canonicalize", max_iterations=5)
    assert str(p) == ("builtin.module(tg-canonicalize,func.func(cse),tg-dce,"
                      "canonicalize{max-iterations=2 test-convergence=true},"
                      "tg-canonicalize{max-iterations=5})")


def test_keyword_options_need_a_single_pass():
    with pytest.raises(polytile.PassPipelineError, match="single pass"):
        Pipeline().add("cse,canonicalize", max_iterations=2)
    with pytest.raises(polytile.PassPipelineError, match="single pass"):
        Pipeline().add("func.func(cse)", max_iterations=2)


# ----------------------------------------------------------------------------
# Running
# ----------------------------------------------------------------------------

def test_run_mixes_upstream_and_python_passes():
    module = polytile.parse(MIXED)
    p = Pipeline.parse("builtin.module(tg-canonicalize,func.func(cse,canonicalize),tg-dce)")
    p.run(module)
    text = str(module)
    assert "tg.transpose" not in text  # tg-canonicalize, then tg-dce
    assert text.count("arith.addi") == 1  # cse
    assert "arith.muli" not in text  # canonicalize
    assert "return %arg0, %0, %0" in text
    assert p.last_run_seconds is not None and p.last_run_seconds >= 0


def test_order_matters():
    module = polytile.parse(MIXED)
    Pipeline.parse("tg-dce,tg-canonicalize").run(module)
    assert "tg.transpose" in str(module)  # nothing was dead when tg-dce ran


def test_upstream_pass_with_options():
    module = polytile.parse(LOOPS)
    Pipeline().add("func.func(affine-loop-tile{tile-size=16})").run(module)
    assert str(module).count("step 16") == 2


def test_pipeline_runs_on_several_modules():
    p = Pipeline.parse("tg-canonicalize,tg-dce")
    for _ in range(2):
        module = polytile.parse(MIXED)
        p.run(module)
        assert "tg.transpose" not in str(module)


def test_run_in_a_shared_context():
    ctx = polytile.create_context()
    first = polytile.parse(MIXED, ctx)
    second = polytile.parse(TWO_FUNCTIONS, ctx)
    p = Pipeline.parse("tg-canonicalize,tg-dce")
    p.run(first)
    p.run(second)
    assert "tg.transpose" not in str(first)
    assert "tg.relu" in str(second)  # live


def test_ir_printing_names_both_kinds_of_pass(capfd):
    module = polytile.parse(MIXED)
    Pipeline.parse("tg-canonicalize,cse,tg-dce").run(module, RunOptions(print_ir_after_all=True))
    err = capfd.readouterr().err
    assert "IR Dump After TgCanonicalize (tg-canonicalize)" in err
    assert "IR Dump After CSE (cse)" in err
    assert "IR Dump After TgDCE (tg-dce)" in err


def test_timing_lists_both_kinds_of_pass(capfd):
    module = polytile.parse(MIXED)
    Pipeline.parse("tg-canonicalize,func.func(canonicalize)").run(module, RunOptions(timing=True))
    err = capfd.readouterr().err
    assert "Execution time report" in err
    assert "TgCanonicalize" in err and "Canonicalizer" in err


# ----------------------------------------------------------------------------
# A custom pass
# ----------------------------------------------------------------------------

def test_custom_pass_runs_from_a_pipeline():
    module = polytile.parse(TWO_FUNCTIONS)
    Pipeline.parse("builtin.module(test-pipeline-api-rename,cse)").run(module)
    assert function_names(module) == ["first_renamed", "second_renamed"]


def test_custom_pass_options_from_text_and_keywords():
    module = polytile.parse(TWO_FUNCTIONS)
    Pipeline.parse("test-pipeline-api-rename{suffix=_v2 only=second}").run(module)
    assert function_names(module) == ["first", "second_v2"]

    module = polytile.parse(TWO_FUNCTIONS)
    p = Pipeline().add("test-pipeline-api-rename", suffix="_v3", only=("first", "second"))
    assert str(p) == "builtin.module(test-pipeline-api-rename{suffix=_v3 only=first,second})"
    p.run(module)
    assert function_names(module) == ["first_v3", "second_v3"]


def test_custom_pass_nested_runs_once_per_function():
    SEEN_ROOTS.clear()
    module = polytile.parse(TWO_FUNCTIONS)
    Pipeline.parse("builtin.module(func.func(test-pipeline-api-rename{suffix=_f}))").run(module)
    assert SEEN_ROOTS == ["func.func", "func.func"]
    assert function_names(module) == ["first_f", "second_f"]


def test_custom_pass_failure_points_at_the_op():
    module = polytile.parse(TWO_FUNCTIONS, source_name="two.mlir")
    with pytest.raises(polytile.PassFailure) as info:
        Pipeline.parse("test-pipeline-api-fail").run(module)
    assert "this pass always fails" in str(info.value)
    assert (info.value.location.file, info.value.location.line, info.value.location.col) == ("two.mlir", 2, 1)


def test_custom_pass_bad_option():
    with pytest.raises(polytile.PassPipelineError, match="no such option 'prefix'"):
        Pipeline.parse("test-pipeline-api-rename{prefix=x}").run(polytile.parse(TWO_FUNCTIONS))


def test_registering_a_name_twice_fails():
    with pytest.raises(ValueError, match="registered twice"):
        polytile.register_pass("test-pipeline-api-rename")(lambda root, options: None)


def test_custom_pass_is_listed():
    from polytile import pass_registry

    info = pass_registry.lookup("test-pipeline-api-rename")
    assert info.description == "Append a suffix to function names (a test pass)."
    assert ("suffix", "str", "Appended to every function name") in info.option_help()
    assert ("only", "list<str>", "Rename only these functions (all when empty)") in info.option_help()


def test_verify_each():
    """MLIR's verifier runs after each pass unless verify_each=False."""
    message = "has 3 operands, but enclosing function"
    module = polytile.parse(MIXED)
    with pytest.raises(polytile.PassFailure, match=message):
        Pipeline.parse("test-pipeline-api-break").run(module)

    module = polytile.parse(MIXED)
    Pipeline.parse("test-pipeline-api-break", verify_each=False).run(module)
    with pytest.raises(polytile.VerificationError, match=message):
        polytile.verify(module)

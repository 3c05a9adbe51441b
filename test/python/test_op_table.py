"""The tg op table (dialects/op_table.py): every op's facts are declared, and every
op-keyed table in the code names real ops."""
from __future__ import annotations

import ast
import os
import re

import onnx
import pytest

from polytile.dialects import op_table, tg

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

IRDL_OPS = set(re.findall(r"irdl\.operation @(\w+)", open(os.path.join(ROOT, "dialects", "tg.irdl.mlir")).read()))


def _lowerings() -> set[str]:
    from polytile.passes.conversion import tg_to_linalg
    return {name.removeprefix("tg.") for name in tg_to_linalg.LOWERINGS}


def test_the_spec_is_the_irdl_file():
    assert set(tg.SPEC.ops) == IRDL_OPS
    assert len(IRDL_OPS) > 100


def test_every_op_has_a_type_rule_lowering_and_kernel_class():
    assert set(tg._TYPE_RULES) == IRDL_OPS
    assert {f.name for f in op_table.all_ops()} == IRDL_OPS
    missing = sorted(IRDL_OPS - _lowerings())
    assert not missing, f"no lowering to linalg: {missing}"
    for facts in op_table.all_ops():
        assert facts.kind in op_table.KERNEL_CLASSES, facts
        assert facts.section is not None, f"tg.{facts.name} is in no section of tg.irdl.mlir"


def test_every_classified_op_exists():
    classified = set().union(*(op_table.ops_of_class(c) for c in op_table.KERNEL_CLASSES))
    assert classified == IRDL_OPS
    assert sum(len(op_table.ops_of_class(c)) for c in op_table.KERNEL_CLASSES) == len(IRDL_OPS)
    assert set(_lowerings()) <= IRDL_OPS


def test_queries():
    conv = op_table.op_info("conv")
    assert conv == op_table.op_info("tg.conv")
    assert (conv.kind, conv.section, conv.family, conv.schedule) == ("contraction", "core", "nn", "conv")
    assert op_table.op_info("arg_max").fold == "ArgMax"
    assert op_table.op_info("matmul").fold == "MatMul"
    assert op_table.op_info("constant").fold is None
    assert op_table.op_info("reshape").splat == op_table.SPLAT_SAME
    assert op_table.kernel_class("tg.transpose") == "opaque"
    assert op_table.kernel_class("arith.addf") is None
    assert op_table.anchors_with_schedule("matmul") == {"tg.matmul", "tg.gemm"}
    assert op_table.anchors_with_schedule() == {"tg.matmul", "tg.gemm", "tg.conv", "tg.nhwc_conv"}
    assert "linalg.conv_2d_nhwc_hwcf" in op_table.linalg_anchors("conv")
    with pytest.raises(KeyError):
        op_table.op_info("argmax")
    with pytest.raises(KeyError):
        op_table.ops_of_class("fancy")


def test_the_declarations_are_checked():
    with pytest.raises(KeyError):
        tg.type_rule("no_such_op", kind="opaque")
    with pytest.raises(ValueError):
        tg.type_rule("relu", kind="fancy")
    with pytest.raises(ValueError):
        tg.type_rule("relu", kind="elementwise", schedule="matmul")
    with pytest.raises(KeyError):  # one type rule (and one set of facts) per op
        tg.type_rule("relu", kind="elementwise")(lambda info: [])


def test_fold_facts_name_onnx_ops():
    """Each folding op is evaluated by an ONNX op type that exists at the opset the
    importer reads (so no fold is silently dead)."""
    from polytile.importers.onnx.opsets import BASE_OPSET
    from polytile.passes.graph import tg_fold_constants
    for facts in op_table.all_ops():
        if facts.fold is None:
            continue
        assert onnx.defs.has(facts.fold), f"tg.{facts.name}: no ONNX op {facts.fold}"
        # at the importer's opset, or at the first opset of a newer op type (Swish, CumProd)
        opset = tg_fold_constants._opset_of(facts.fold)
        assert opset >= BASE_OPSET
        onnx.defs.get_schema(facts.fold, opset)
        assert tg_fold_constants.onnx_op_type(facts.name) == facts.fold
    # the data-dependent ops have `?` results, which no fold can fill: the importer folds them;
    # shape_of only exists for operands with a dynamic dim (else the importer makes a constant)
    # the recurrences and deformable convolution are not folded either (no ONNX op computes
    # one tg op of theirs alone), nor the channels-last convolution (issue 14: no ONNX op)
    assert {f.name for f in op_table.all_ops() if f.fold is None} == {
        "constant", "group_normalization", "non_zero", "compress", "unique", "resize_dynamic", "shape_of",
        "reshape_dynamic", "non_max_suppression", "lstm", "gru", "rnn", "deform_conv", "nhwc_conv"}


def test_fold_tables_name_folded_onnx_ops():
    """The ONNX-keyed tables of tg-fold-constants name ONNX op types some tg op folds with."""
    from polytile.passes.graph import tg_fold_constants as f
    folded = {facts.fold for facts in op_table.all_ops()}
    keys = set(f._ONNX_EXTRA_ATTRIBUTES) | set(f._INPUT_FIXUPS) \
        | {op for op, _ in f._ATTRIBUTE_TRANSLATIONS} | {op for op, _ in f._ONE_ELEMENT_INPUTS}
    assert keys <= folded, sorted(keys - folded)


def test_kernel_classes_keep_the_fusion_of_classified_ops():
    """The ops tg-fuse-kernels classified before the op table keep their class; the 18
    it left unclassified are now declared."""
    before = {
        "contraction": {"conv", "matmul", "gemm"},
        "reduction": {
            "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
            "reduce_l1", "reduce_l2", "reduce_log_sum", "reduce_log_sum_exp",
            "reduce_sum_square", "arg_max", "arg_min", "softmax", "log_softmax",
            "hardmax", "layer_normalization", "rms_normalization",
            "instance_normalization", "group_normalization", "lp_normalization",
            "mean_variance_normalization", "lrn", "cum_sum", "cum_prod", "top_k",
            "max_pool", "global_average_pool", "average_pool", "lp_pool",
            "global_max_pool", "global_lp_pool", "max_pool_with_indices", "batch_normalization"},
        "elementwise": {
            "add", "sub", "mul", "div", "relu", "abs", "neg", "exp", "log", "sqrt", "reciprocal",
            "floor", "ceil", "round", "sign", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
            "cosh", "asinh", "acosh", "atanh", "erf", "sigmoid", "tanh", "softplus", "softsign",
            "is_nan", "is_inf", "not", "bitwise_not", "elu", "selu", "celu", "leaky_relu",
            "hard_sigmoid", "hard_swish", "thresholded_relu", "shrink", "gelu", "mish", "swish",
            "clip", "prelu", "pow", "mod", "bit_shift", "bitwise_and", "bitwise_or", "bitwise_xor",
            "and", "or", "xor", "equal", "greater", "less", "greater_or_equal", "less_or_equal",
            "max", "min", "where", "cast"},
        "free": {"constant", "reshape", "flatten", "identity", "dropout"},
    }
    for cls, names in before.items():
        assert names <= op_table.ops_of_class(cls), (cls, sorted(names - op_table.ops_of_class(cls)))
    # added since, as kernels of their own: the ops whose result sizes depend on the data
    data_dependent = {"non_zero", "compress", "unique", "resize_dynamic"}
    assert data_dependent <= op_table.ops_of_class("opaque")
    # and free ops: the run-time forms of a shape with dynamic dims and of a Reshape to it
    assert {"shape_of", "reshape_dynamic"} <= op_table.ops_of_class("free")
    # and the kernels of issue 13's op families: recurrences, detection, sampling, misc
    issue_13 = {"lstm", "gru", "rnn", "non_max_suppression", "det", "grid_sample", "roi_align", "col2im",
                "max_unpool", "deform_conv"}
    assert issue_13 <= op_table.ops_of_class("opaque")
    assert "bit_cast" in op_table.ops_of_class("elementwise")
    issue_13.add("bit_cast")
    # and issue 14's channels-last convolution, a contraction anchor like tg.conv
    assert op_table.op_info("nhwc_conv").kind == "contraction"
    unclassified = IRDL_OPS - set().union(*before.values()) - data_dependent - {"shape_of", "reshape_dynamic"} \
        - issue_13 - {"nhwc_conv"}
    assert len(unclassified) == 18
    assert op_table.ops_of_class("contraction") - before["contraction"] == {
        "conv_transpose", "einsum", "attention", "attention_with_past", "nhwc_conv"}
    assert op_table.ops_of_class("opaque") == \
        (unclassified - op_table.ops_of_class("contraction")) | data_dependent | (issue_13 - {"bit_cast"})
    from polytile.passes.schedule import tg_fuse_kernels
    for name in IRDL_OPS:
        assert tg_fuse_kernels.classify(f"tg.{name}") == op_table.op_info(name).kind


# ----------------------------------------------------------------------------
# Every op-keyed table in the code names real ops
# ----------------------------------------------------------------------------

def _op_keyed_tables():
    """(where, names) of the op-keyed tables of passes, dialects and the importer."""
    from polytile.dialects import sched_rules
    from polytile.importers.onnx.rules import elementwise, reduction, unary
    from polytile.passes.conversion.tg_to_linalg import unary as unary_lowering
    from polytile.passes.graph import tg_canonicalize, tg_remove_identity
    from polytile.passes.schedule import sched_apply, tg_fuse_kernels
    tables = [
        ("tg_to_linalg.LOWERINGS", _lowerings()),
        ("tg_to_linalg.unary._MATH", set(unary_lowering._MATH)),
        ("importer elementwise._BINARY", {v[0] for v in elementwise._BINARY.values()}),
        ("importer elementwise._VARIADIC", set(elementwise._VARIADIC.values())),
        ("importer unary._PLAIN", {v[0] for v in unary._PLAIN.values()}),
        ("importer unary._WITH_ATTRIBUTES", {v[0] for v in unary._WITH_ATTRIBUTES.values()}),
        ("importer reduction._REDUCTIONS", {v[0] for v in reduction._REDUCTIONS.values()}),
        ("tg_remove_identity._FORWARDING_OPS", set(tg_remove_identity._FORWARDING_OPS)),
        ("tg_canonicalize._RESHAPE_LIKE", set(tg_canonicalize._RESHAPE_LIKE)),
        ("tg_canonicalize._REWRITES", set(tg_canonicalize._REWRITES)),
    ]
    for cls in ("CONTRACTION", "REDUCTION", "ELEMENTWISE", "FREE", "OPAQUE"):
        tables.append((f"tg_fuse_kernels.{cls}", set(getattr(tg_fuse_kernels, cls))))
    for name in ("_GLOBAL_SPATIAL", "_WINDOWED", "_FROM_AXIS_ON"):
        if hasattr(sched_rules, name):
            tables.append((f"sched_rules.{name}", set(getattr(sched_rules, name))))
    tables.append(("sched_apply.CONV_ANCHORS (lowered from)",
                   {f.name for f in op_table.all_ops() if set(f.linalg_anchors) & set(sched_apply.CONV_ANCHORS)}))
    return tables


@pytest.mark.parametrize("where,names", _op_keyed_tables(), ids=lambda x: x if isinstance(x, str) else "")
def test_op_keyed_table_names_real_ops(where, names):
    names = {n.removeprefix("tg.") for n in names}
    assert names, f"{where} is empty"
    assert names <= IRDL_OPS, f"{where} names no tg op: {sorted(names - IRDL_OPS)}"


# Literal tg op names in source: "tg.<op>" strings, node.tg("<op>", ...),
# tg.build("<op>", ...), tg.ops.<op>(...), @lowering("<op>"), @type_rule("<op>", ...).
_LITERALS = [
    re.compile(r"""["']tg\.(\w+)["']"""),
    re.compile(r"""\.tg\(\s*["'](\w+)["']"""),
    re.compile(r"""\bbuild\(\s*["'](\w+)["']"""),
    re.compile(r"""\btg\.ops\.(\w+)\("""),
    re.compile(r"""@lowering\(\s*["'](\w+)["']"""),
    re.compile(r"""\btype_rule\(\s*["'](\w+)["']"""),
]


def _sources():
    for top in ("passes", "dialects", os.path.join("python", "polytile")):
        for folder, _, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if name.endswith(".py"):
                    yield os.path.join(folder, name)


def test_op_names_spelled_in_source_are_real_ops():
    from polytile.dialects import tg
    from polytile.passes.common import kernels
    from polytile.passes.graph import tg_propagate_layouts as layouts
    attributes = {kernels.KERNEL_KIND_ATTR, kernels.ANCHOR_ATTR, tg.DIM_SYMBOLS_ATTR,
                  layouts.LAYOUT_OVERRIDE_ATTR, layouts.COPY_BYTES_ATTR}
    wrong = []
    for path in _sources():
        text = open(path).read()
        for pattern in _LITERALS:
            for match in pattern.finditer(text):
                name = match.group(1)
                if name not in IRDL_OPS and f"tg.{name}" not in attributes:
                    line = text.count("\n", 0, match.start()) + 1
                    wrong.append(f"{os.path.relpath(path, ROOT)}:{line}: {match.group(0)}")
    # tg.build("<name>") in other dialects' modules is not a tg op: only tg's builders count.
    wrong = [w for w in wrong if "build(" not in w or "tg.build(" in w or "/dialects/tg" in w]
    assert not wrong, "\n".join(wrong)


def test_kernel_attribute_names_declared_once():
    """tg.kernel (a kernel function's kind) and sched.kernel (the tag naming the kernel on
    lowered ops) are spelled only in passes/common/kernels.py among the passes."""
    from polytile.passes.common import kernels
    assert kernels.KERNEL_KIND_ATTR == "tg.kernel" and kernels.KERNEL_TAG_ATTR == "sched.kernel"
    offenders = []
    for path in _sources():
        if path.endswith(os.path.join("passes", "common", "kernels.py")) or os.sep + "passes" + os.sep not in path:
            continue
        tree = ast.parse(open(path).read())
        # "sched.kernel" is also an op of the sched dialect: `op.name == "sched.kernel"` is fine.
        op_names = {id(c) for cmp in ast.walk(tree) if isinstance(cmp, ast.Compare)
                    and any(isinstance(e, ast.Attribute) and e.attr == "name" for e in [cmp.left, *cmp.comparators])
                    for c in [cmp.left, *cmp.comparators]}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ("tg.kernel", "tg.anchor", "sched.kernel") \
                    and id(node) not in op_names:
                offenders.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}: {node.value!r}")
    assert not offenders, "\n".join(offenders)

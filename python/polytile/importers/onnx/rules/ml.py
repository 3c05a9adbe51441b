"""Import rules for ops of domain ``ai.onnx.ml``: Binarizer, ArrayFeatureExtractor
and TreeEnsemble (opset 5). No tg op of their own: each is a composition of
existing tg ops.

* Binarizer: ``where(X > threshold, 1, 0)`` in X's type (integer X compares with
  ``floor(threshold)``, the same test for integers).
* ArrayFeatureExtractor: a ``tg.gather`` along the last axis with the indices
  flattened (a 1-d X gives a 1 x k result, as onnxruntime and the reference).
  Numeric X only (strings are not supported); the indices' shape must be static.
* TreeEnsemble: the trees are unrolled at compile time into a chain of
  ``tg.where`` per tree (each interior node a comparison of a feature column,
  ``tg.gather``-ed once per feature, with its split: modes BRANCH_LEQ, LT, GTE,
  GT, EQ, NEQ and MEMBER (set membership, an ``or`` of equalities), a NaN feature
  taking the true branch where ``nodes_missing_value_tracks_true`` says so);
  each leaf is a constant row over the targets holding its weight at its target
  and the aggregate's identity elsewhere; the trees are combined with
  ``tg.add`` (SUM; AVERAGE with the weights divided by the tree count at compile
  time), ``tg.min`` or ``tg.max``. ``nodes_hitrates`` do not change results.
  Not supported yet: post_transform other than NONE (the reference ignores it),
  ensembles of more than ``MAX_TREE_NODES`` nodes (the chain grows with them).
"""
from __future__ import annotations

import math

import numpy as np
from mlir import ir

from polytile.importers.onnx.graph import NodeContext
from polytile.importers.onnx.registry import rule

DOMAIN = "ai.onnx.ml"
# Largest ensemble (interior nodes) unrolled into tg.where chains.
MAX_TREE_NODES = 4096


def _dtype(node: NodeContext, i: int) -> np.dtype:
    from polytile.runtime.jit import numpy_dtype
    return numpy_dtype(node.input_type(i).element_type)


# ----------------------------------------------------------------------------
# Binarizer
# ----------------------------------------------------------------------------

@rule("Binarizer", domain=DOMAIN)
def binarizer(node: NodeContext):
    """``where(X > threshold, 1, 0)`` in X's element type."""
    dtype = _dtype(node, 0)
    threshold = float(node.attr("threshold", 0.0))
    if dtype.kind == "f":
        limit = np.array(threshold, dtype)
    elif dtype.kind in "iu":
        if math.isnan(threshold):
            node.unsupported("a NaN threshold for integer X is not supported")
        info = np.iinfo(dtype)
        limit = np.array(min(max(math.floor(threshold), info.min), info.max), dtype)
        if math.floor(threshold) < info.min:  # every element is greater
            limit = None
    else:
        node.unsupported(f"X of type {dtype} is not supported (numeric types only)")
    x = node.input(0)
    one, zero = node.constant(np.array(1, dtype)), node.constant(np.array(0, dtype))
    if limit is None:
        return [node.tg("add", node.tg("mul", x, zero), one)]
    return [node.tg("where", node.tg("greater", x, node.constant(limit)), one, zero)]


# ----------------------------------------------------------------------------
# ArrayFeatureExtractor
# ----------------------------------------------------------------------------

@rule("ArrayFeatureExtractor", domain=DOMAIN)
def array_feature_extractor(node: NodeContext):
    """``X[..., indices.ravel()]``; a 1-d X gives a 1 x k result."""
    dtype = _dtype(node, 0)
    if dtype.kind not in "fiub":
        node.unsupported(f"X of type {dtype} is not supported (numeric types only)")
    index_dims = node.input_dims(1)
    rank = node.input_rank(0)
    if any(d is None for d in index_dims) and (len(index_dims) != 1 or rank == 1):
        node.unsupported("indices with dynamic dims are not supported yet (but 1-d ones for X of rank >= 2)")
    count = int(np.prod(index_dims, dtype=np.int64)) if None not in index_dims else None
    indices = node.input(1)
    if str(ir.RankedTensorType(indices.type).element_type) != "i64":
        indices = node.tg("cast", indices, to=ir.TypeAttr.get(ir.IntegerType.get_signless(64)))
    if len(index_dims) != 1:
        indices = node.tg("reshape", indices, shape=[count])
    x = node.input(0)
    if rank == 0:
        node.unsupported("a scalar X is not supported")
    y = node.tg("gather", x, indices, axis=rank - 1)
    if rank == 1:
        y = node.tg("reshape", y, shape=[1, count])
    return [y]


# ----------------------------------------------------------------------------
# TreeEnsemble
# ----------------------------------------------------------------------------

_MODES = {0: "less_or_equal", 1: "less", 2: "greater_or_equal", 3: "greater", 4: "equal", 5: "equal"}
_NEGATED = (5,)  # NEQ: not(equal), true for NaN as x != split
_MEMBER = 6
_AGGREGATES = {0: "AVERAGE", 1: "SUM", 2: "MIN", 3: "MAX"}


class _Ensemble:
    """The attributes of one TreeEnsemble node, checked, and the tg values built from them."""

    def __init__(self, node: NodeContext):
        self.node = node
        self.dtype = _dtype(node, 0)
        if self.dtype.kind != "f":
            node.unsupported(f"X of type {self.dtype} is not supported (float types only)")
        if node.input_rank(0) != 2:
            node.unsupported(f"X must be 2-d (N x features), got rank {node.input_rank(0)}")
        self.features = node.input_dims(0)[1]

        def ints(name, default=None):
            v = node.attr(name, default)
            return None if v is None else [int(e) for e in np.asarray(v).reshape(-1)]

        self.splits = np.asarray(node.attr("nodes_splits")).reshape(-1)
        self.feature_ids = ints("nodes_featureids")
        self.modes = ints("nodes_modes")
        self.true_ids, self.false_ids = ints("nodes_truenodeids"), ints("nodes_falsenodeids")
        self.true_leafs, self.false_leafs = ints("nodes_trueleafs"), ints("nodes_falseleafs")
        self.leaf_targets = ints("leaf_targetids")
        self.leaf_weights = np.asarray(node.attr("leaf_weights")).reshape(-1)
        self.roots = ints("tree_roots")
        self.targets = int(node.attr("n_targets", 0) or 0)
        self.missing = ints("nodes_missing_value_tracks_true", [0] * len(self.feature_ids))
        members = node.attr("membership_values", None)
        self.members = None if members is None else np.asarray(members).reshape(-1)
        post = int(node.attr("post_transform", 0))
        if post != 0:
            node.unsupported(f"post_transform {post} is not supported yet (only 0, NONE)")
        aggregate = int(node.attr("aggregate_function", 1))
        if aggregate not in _AGGREGATES:
            node.unsupported(f"aggregate_function {aggregate} is not supported")
        self.aggregate = _AGGREGATES[aggregate]
        self._check()
        self._columns: dict[int, ir.Value] = {}
        self._member_sets = self._split_members()

    def _check(self) -> None:
        node = self.node
        count = len(self.feature_ids)
        lists = {"nodes_splits": len(self.splits), "nodes_modes": len(self.modes),
                 "nodes_truenodeids": len(self.true_ids), "nodes_falsenodeids": len(self.false_ids),
                 "nodes_trueleafs": len(self.true_leafs), "nodes_falseleafs": len(self.false_leafs),
                 "nodes_missing_value_tracks_true": len(self.missing)}
        for name, n in lists.items():
            if n != count:
                node.unsupported(f"attribute '{name}' has {n} entries, expected {count} (one per node)")
        if len(self.leaf_targets) != len(self.leaf_weights):
            node.unsupported("leaf_targetids and leaf_weights must have as many entries")
        if count > MAX_TREE_NODES:
            node.unsupported(f"ensembles of more than {MAX_TREE_NODES} nodes are not supported yet "
                             f"(got {count})")
        if self.targets < 1:
            node.unsupported("attribute 'n_targets' must be positive")
        if any(not 0 <= t < self.targets for t in self.leaf_targets):
            node.unsupported(f"leaf_targetids must be in [0, n_targets={self.targets})")
        if any(m not in _MODES and m != _MEMBER for m in self.modes):
            node.unsupported(f"nodes_modes must be 0..6, got {sorted(set(self.modes))}")
        if self.features is not None and any(not 0 <= f < self.features for f in self.feature_ids):
            node.unsupported(f"nodes_featureids must be in [0, {self.features})")

    def _split_members(self) -> list[list[float]]:
        """The member sets of the MEMBER nodes, in node order (NaN-separated in the attribute)."""
        needed = sum(1 for m in self.modes if m == _MEMBER)
        if not needed:
            return []
        if self.members is None:
            self.node.unsupported("MEMBER nodes need the attribute 'membership_values'")
        sets, current = [], []
        for v in self.members:
            if np.isnan(v):
                sets.append(current)
                current = []
            else:
                current.append(float(v))
        if current:
            sets.append(current)
        if len(sets) != needed:
            self.node.unsupported(f"membership_values holds {len(sets)} sets for {needed} MEMBER nodes")
        return sets

    def column(self, f: int) -> ir.Value:
        if f not in self._columns:
            self._columns[f] = self.node.tg("gather", self.node.input(0),
                                            self.node.constant(np.array([f], np.int64)), axis=1)
        return self._columns[f]

    def condition(self, i: int) -> ir.Value:
        node, x = self.node, self.column(self.feature_ids[i])
        if self.modes[i] == _MEMBER:
            index = sum(1 for m in self.modes[:i] if m == _MEMBER)
            cond = None
            for v in self._member_sets[index]:
                eq = node.tg("equal", x, node.constant(np.array(v, self.dtype)))
                cond = eq if cond is None else node.tg("or", cond, eq)
            if cond is None:  # an empty set: never a member (x < x is always false)
                cond = node.tg("less", x, x)
        else:
            split = node.constant(np.array(self.splits[i], self.dtype))
            cond = node.tg(_MODES[self.modes[i]], x, split)
            if self.modes[i] in _NEGATED:
                cond = node.tg("not", cond)
        if self.missing[i]:
            cond = node.tg("or", cond, node.tg("is_nan", x))
        return cond

    def identity(self) -> float:
        info = np.finfo(self.dtype)
        return {"MIN": float(info.max), "MAX": float(info.min)}.get(self.aggregate, 0.0)

    def leaf(self, i: int) -> ir.Value:
        row = np.full([1, self.targets], self.identity(), self.dtype)
        weight = self.leaf_weights[i]
        if self.aggregate == "AVERAGE":
            weight = weight / len(self.roots)
        row[0, self.leaf_targets[i]] = weight
        return self.node.constant(row)

    def tree(self, root: int) -> ir.Value:
        """The [N or 1, n_targets] value of the tree at ``root`` (a where per node)."""
        if self.true_leafs[root] and self.false_leafs[root] and \
                self.true_ids[root] == self.false_ids[root]:
            return self.leaf(self.true_ids[root])  # a tree that is one leaf
        return self._subtree(root, False, 0)

    def _subtree(self, i: int, is_leaf: bool, depth: int) -> ir.Value:
        if is_leaf:
            if not 0 <= i < len(self.leaf_weights):
                self.node.unsupported(f"leaf index {i} is out of range")
            return self.leaf(i)
        if not 0 <= i < len(self.feature_ids) or depth > len(self.feature_ids):
            self.node.unsupported(f"node index {i} is out of range (or the trees have a cycle)")
        true = self._subtree(self.true_ids[i], bool(self.true_leafs[i]), depth + 1)
        false = self._subtree(self.false_ids[i], bool(self.false_leafs[i]), depth + 1)
        return self.node.tg("where", self.condition(i), true, false)


@rule("TreeEnsemble", domain=DOMAIN, since=5)
def tree_ensemble(node: NodeContext):
    """The trees unrolled into tg.where chains, combined by the aggregate function."""
    ensemble = _Ensemble(node)
    if not ensemble.roots:
        node.unsupported("attribute 'tree_roots' must not be empty")
    combine = {"SUM": "add", "AVERAGE": "add", "MIN": "min", "MAX": "max"}[ensemble.aggregate]
    total = None
    for root in ensemble.roots:
        value = ensemble.tree(root)
        total = value if total is None else node.tg(combine, total, value)
    rows = node.input_dims(0)[0]
    if ir.RankedTensorType(total.type).shape[0] == 1 and rows != 1:  # every tree is one leaf
        if rows is None:
            node.unsupported("an ensemble of single-leaf trees over a dynamic batch is not supported yet")
        total = node.tg("expand", total, shape=[rows, ensemble.targets])
    return [total]

"""Transform-dialect scripts that apply a kernel's schedule to its linalg ops.

`sched-apply` writes one script per scheduled kernel from the kernel's register
tile (the innermost ``sched.tile`` level), its thread distribution
(``sched.parallel``) and whether its epilogue is fused (``sched.fuse``), and runs
it with the transform interpreter on the function holding the kernel. The scripts
follow the recipe of ``shared/reference/cpu-kernels``: an ``scf.forall`` over the
register tiles (the zero fill and the element-wise epilogue fused into it), a
``k`` step loop, vectorization, contraction patterns, and the accumulator tile
hoisted out of the ``k`` loop so it stays in registers. After bufferization
`post_bufferize_script` turns the inner ``scf.forall`` loops into ``scf.for`` and
lowers the vector ops (contractions to outer products, i.e. FMAs).

Each script matches its ops by the ``sched.kernel`` / ``sched.epilogue``
attributes, so kernels are scheduled independently inside one function.
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Sequence

INNER_TILE = "sched.inner_tile"
LAYOUT_ID = "sched.layout_id"
MAX_TILE_LOOPS = 8


def _anys(n: int) -> str:
    return ", ".join(["!transform.any_op"] * n)


def _sizes(values: Sequence[int]) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


@dataclasses.dataclass
class KernelPlan:
    """What a script needs to know of one kernel's IR and schedule.

    ``tile`` / ``threads_tile`` / ``step`` are tile sizes over the anchor's loops:
    the forall tile (one register tile per iteration), an optional outer forall
    distributing tiles over ``threads`` threads, and the ``scf.for`` step tile
    (the reduction step). ``epilogue_tile`` tiles the fused epilogue (then the
    anchor is fused into that loop instead of being tiled itself).
    ``decompose`` is set for convolutions (2-d -> 1-d before vectorizing).
    """

    kernel: str
    anchor_op: str
    tile: list[int]
    step: list[int]
    epilogue_tile: Optional[list[int]] = None
    epilogue_interchange: Optional[list[int]] = None
    threads: int = 1
    thread_dim: int = 0
    decompose: bool = False
    # Outer (serial) tile levels before the register tiles, outermost first, e.g.
    # output-channel blocks of a convolution so that their weights stay in cache, or
    # one level per tile loop to order them as a ``sched.interchange`` says.
    pre_tiles: list[list[int]] = dataclasses.field(default_factory=list)
    # Fold the unit dims of the tiled anchor before vectorizing (a grouped convolution's
    # generic: one group and one tap per step make it a matrix product).
    fold_unit_dims: bool = False
    # Iterator order given to the root (a linalg.generic) before tiling
    # (``transform.structured.interchange``): the tile loops then follow it.
    root_interchange: Optional[list[int]] = None
    # Unroll the innermost reduction step loop by this factor (0: no unrolling).
    unroll: int = 0
    vectorize: bool = True
    # (op name, sched.layout_id of a layout copy, its tile sizes)
    layout_copies: list[tuple[str, str, list[int]]] = dataclasses.field(default_factory=list)


def _match(handle: str, op: str, attr: str, value: str) -> str:
    return (f'    {handle} = transform.structured.match ops{{["{op}"]}} attributes{{{attr} = "{value}"}} '
            f'in %root : (!transform.any_op) -> !transform.any_op\n')


def kernel_script(plan: KernelPlan) -> str:
    """The pre-bufferization script for one kernel (entry ``@__transform_main``)."""
    s = ""
    s += _match("%anchor", plan.anchor_op, "sched.kernel", plan.kernel)
    s += ("    %fill = transform.get_producer_of_operand %anchor[2] : "
          "(!transform.any_op) -> !transform.any_op\n")
    if plan.epilogue_tile is not None:
        s += _match("%epi0", "linalg.generic", "sched.epilogue", plan.kernel)
        root = "%epi0"
        if plan.epilogue_interchange:
            s += (f"    %epi = transform.structured.interchange %epi0 iterator_interchange = "
                  f"{_sizes(plan.epilogue_interchange)} : (!transform.any_op) -> !transform.any_op\n")
            root = "%epi"
        tile = plan.epilogue_tile
    else:
        root, tile = "%anchor", plan.tile
    anchor, fill = "%anchor", "%fill"
    if plan.root_interchange is not None:
        s += (f"    %ri = transform.structured.interchange {root} iterator_interchange = "
              f"{_sizes(plan.root_interchange)} : (!transform.any_op) -> !transform.any_op\n")
        if root == "%anchor":
            anchor = "%ri"
        root = "%ri"
    if plan.threads > 1:
        nt = [0] * len(tile)
        nt[plan.thread_dim] = plan.threads
        s += (f"    %rt, %par = transform.structured.tile_using_forall {root} num_threads {_sizes(nt)} "
              f": (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
        root = "%rt"
        if plan.epilogue_tile is not None:
            s += ("    %pa, %par2 = transform.structured.fuse_into_containing_op %anchor into %par "
                  ": (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
            anchor = "%pa"
        else:
            s += "    %par2 = transform.merge_handles %par : !transform.any_op\n"
        s += ("    %pf, %par3 = transform.structured.fuse_into_containing_op %fill into %par2 "
              ": (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
        fill = "%pf"
    if plan.pre_tiles and plan.epilogue_tile is not None:
        raise ValueError("outer tile levels are not supported with a fused epilogue")
    outer_pre = None
    for j, pre_tile in enumerate(plan.pre_tiles):
        s += (f"    %pre{j}, %preloop{j} = transform.structured.tile_using_forall {root} tile_sizes "
              f"{_sizes(pre_tile)} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
        s += (f"    %prefill{j}, %preloopf{j} = transform.structured.fuse_into_containing_op {fill} into "
              f"%preloop{j} : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
        s += f'    transform.annotate %preloopf{j} "{INNER_TILE}" : !transform.any_op\n'
        root, fill = f"%pre{j}", f"%prefill{j}"
        anchor = root
        outer_pre = outer_pre or f"%preloopf{j}"
    s += (f"    %tiled, %loop = transform.structured.tile_using_forall {root} tile_sizes {_sizes(tile)} "
          f": (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
    if plan.epilogue_tile is not None:
        s += (f"    %at, %loop2 = transform.structured.fuse_into_containing_op {anchor} into %loop "
              ": (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
        anchor, loop = "%at", "%loop2"
    else:
        anchor, loop = "%tiled", "%loop"
    s += (f"    %ft, %loop3 = transform.structured.fuse_into_containing_op {fill} into {loop} "
          ": (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)\n")
    s += f'    transform.annotate %loop3 "{INNER_TILE}" : !transform.any_op\n'
    nsteps = sum(1 for v in plan.step if v)
    if nsteps:
        s += (f"    %ak, %kl:{nsteps} = transform.structured.tile_using_for {anchor} tile_sizes "
              f"{_sizes(plan.step)} : (!transform.any_op) -> ({_anys(nsteps + 1)})\n")
        anchor = "%ak"
    if plan.decompose:
        s += f"    %dec = transform.structured.decompose {anchor} : (!transform.any_op) -> !transform.any_op\n"
        anchor = "%dec"
    if plan.fold_unit_dims:
        if plan.epilogue_tile is not None:
            raise ValueError("folding unit dims is not supported with a fused epilogue")
        s += """    transform.apply_patterns to %loop3 {
      transform.apply_patterns.linalg.fold_unit_extent_dims_via_slices
      transform.apply_patterns.canonicalization
    } : !transform.any_op
"""
        # the folding drops the tags and replaces the fill too: vectorize every linalg op of
        # the register tile (the product and its fill; no epilogue is fused here)
        s += ('    %folded = transform.structured.match interface{LinalgOp} in %loop3 '
              ': (!transform.any_op) -> !transform.any_op\n')
        anchor = "%folded"
    if plan.vectorize:
        s += f"    transform.structured.vectorize {anchor} : !transform.any_op\n"
        if not plan.fold_unit_dims:  # (a folded fill is in %folded)
            s += "    transform.structured.vectorize %ft : !transform.any_op\n"
        if plan.epilogue_tile is not None:
            s += "    transform.structured.vectorize %tiled : !transform.any_op\n"
    for i, (op_name, ident, sizes) in enumerate(plan.layout_copies):
        s += _tile_copy(i, op_name, ident, sizes)
    # Patterns and CSE run on this kernel's loops only: a whole-function scope would
    # make scheduling quadratic in the number of kernels.
    # The vector patterns run on the register-tile forall itself: run on an enclosing
    # forall (threads, or an outer tile level whose unit dims canonicalization drops),
    # the greedy driver rebuilt that forall and left the ops of the inner loops
    # unvisited, so the accumulator was never hoisted out of the reduction loops
    # (3x3 convolutions loaded and stored their 7x16 tile on every step).
    outer = "%par3" if plan.threads > 1 else outer_pre if outer_pre is not None else "%loop3"
    copies = [f"%lcl{i}#0" for i, (_, _, sizes) in enumerate(plan.layout_copies) if any(sizes)]
    s += f"    %f = transform.merge_handles {', '.join(['%loop3'] + copies)} : !transform.any_op\n"
    s += f"    %fo = transform.merge_handles {', '.join([outer] + copies)} : !transform.any_op\n"
    # No `cast_away_vector_leading_one_dim` here: with a reduction step of 1 it turns
    # the lhs read into vector<mr x 1> + broadcast, and MLIR 22's canonicalization
    # folds shape_cast(broadcast(<mr x 1>)) to <nr x mr> into broadcast(<mr x 1>) to
    # <nr x mr>, which is a different value when mr == nr (issue 10: matmuls with
    # odd K and 8x8 register tiles were wrong; test_regressions.py).
    s += """    transform.apply_patterns to %f {
      transform.apply_patterns.vector.reduction_to_contract
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.drop_unit_dims_with_shape_cast
      transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
      transform.apply_patterns.tensor.fold_tensor_subset_ops
      transform.apply_patterns.canonicalization
    } : !transform.any_op
"""
    if nsteps:
        for i in reversed(range(nsteps)):
            # constants made by the scoped canonicalization land inside the loops: LICM first
            s += f"    transform.apply_licm to %kl#{i} : !transform.any_op\n"
            s += f"    transform.loop.hoist_loop_invariant_subsets %kl#{i} : !transform.any_op\n"
    if plan.unroll > 1:
        if not nsteps:
            raise ValueError("no reduction step loop to unroll")
        # the innermost step loop (k of a matrix product, c of a convolution); a trip count
        # that the factor does not divide gets a remainder loop
        s += f"    transform.loop.unroll %kl#{nsteps - 1} {{factor = {plan.unroll}}} : !transform.any_op\n"
    s += """    transform.apply_patterns to %fo { transform.apply_patterns.canonicalization } : !transform.any_op
    transform.apply_cse to %fo : !transform.any_op
"""
    return _wrap(s)


def _tile_copy(i: int, op_name: str, ident: str, sizes: list[int]) -> str:
    """Tile the copy tagged ``ident`` by ``sizes`` (``scf.for`` loops ``%lcl<i>``) and vectorize
    each tile (a vector transpose becomes shuffles)."""
    n = sum(1 for v in sizes if v != 0)
    return (_match(f"%lc{i}", op_name, LAYOUT_ID, ident)
            + f"    %lct{i}, %lcl{i}:{n} = transform.structured.tile_using_for %lc{i} tile_sizes "
              f"{_sizes(sizes)} : (!transform.any_op) -> ({_anys(n + 1)})\n"
            + f"    transform.structured.vectorize %lct{i} : !transform.any_op\n")


def copy_script(op_name: str, ident: str, sizes: list[int]) -> str:
    """The script of a copy kernel on its own (a ``tg.transpose``): its tiles vectorized,
    then the patterns and CSE on its loops."""
    s = _tile_copy(0, op_name, ident, sizes)
    s += """    transform.apply_patterns to %lcl0#0 {
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %lcl0#0 : !transform.any_op
"""
    return _wrap(s)


def iv_count_attr(n: int) -> str:
    """The attribute `sched-lower-vectors` puts on a register-tile forall with ``n`` induction
    variables (canonicalization drops unit dims, so the count is only known then)."""
    return f"{INNER_TILE}_ivs_{n}"


def post_bufferize_script() -> str:
    """Inner tile loops to ``scf.for``, redundant transfers hoisted, vector ops lowered."""
    s = ""
    for n in range(1, MAX_TILE_LOOPS + 1):
        s += (f'    %fin{n} = transform.structured.match ops{{["scf.forall"]}} attributes{{{iv_count_attr(n)}}} '
              f"in %root : (!transform.any_op) -> !transform.any_op\n"
              f"    transform.foreach %fin{n} : !transform.any_op {{\n"
              f"    ^bb0(%one: !transform.any_op):\n"
              f"      %inner{n}:{n} = transform.loop.forall_to_for %one : (!transform.any_op) -> ({_anys(n)})\n"
              f"    }}\n")
    s += f"""    %f = transform.structured.match ops{{["func.func"]}} in %root : (!transform.any_op) -> !transform.any_op
    transform.apply_cse to %f : !transform.any_op
    transform.apply_patterns to %f {{ transform.apply_patterns.canonicalization }} : !transform.any_op
    transform.apply_cse to %f : !transform.any_op
    %f4 = transform.structured.hoist_redundant_vector_transfers %f : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %f4 {{
      transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = "innerparallel"
      transform.apply_patterns.vector.split_transfer_full_partial split_transfer_strategy = "linalg-copy"
      transform.apply_patterns.vector.transfer_to_scf max_transfer_rank = 1 full_unroll = true
      transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1
      transform.apply_patterns.vector.lower_shape_cast
      transform.apply_patterns.vector.lower_transpose lowering_strategy = "shuffle_16x16"
      transform.apply_patterns.vector.lower_outerproduct
      transform.apply_patterns.vector.lower_broadcast
    }} : !transform.any_op
"""
    return _wrap(s)


def _wrap(body: str) -> str:
    return ("module attributes {transform.with_named_sequence} {\n"
            "  transform.named_sequence @__transform_main(%root: !transform.any_op) {\n"
            + body + "    transform.yield\n  }\n}\n")

"""Random schedules for real kernels (child side: needs MLIR).

:class:`Generator` is called as a ``schedules=`` hook of ``polytile.compile``
(kernel name, kernel function) and returns a ``sched.Schedule`` for the
kernel, or None (keep the default schedule). Legal schedules are the default
scheduler's for other thread counts and vector widths, with a random
interchange of the parallel tile loops and unroll of the reduction step loop
(what ``sched-apply`` carries out on packed kernels), or ``sched.polyhedral``
on a plain kernel: they must compile and give onnxruntime's numbers. Perturbed ones change one thing;
random ones are 1-7 steps of any kind in any order with any values (negative
sizes, wrong lengths, out-of-range loops and operands, widths that are not
powers of two, huge numbers, gpu_map on the CPU): they must be refused
cleanly or, if accepted, still give the right numbers.

Everything is drawn from ``random.Random(f"{seed}/{kernel name}")``.
"""
from __future__ import annotations

import random
from typing import Optional

from polytile.dialects import sched
from polytile.dialects.sched import (Fuse, GpuMap, Interchange, Pack, Parallel, Polyhedral, Schedule, Tile,
                                     Unroll, Vectorize)

_POLYHEDRAL_OPTIONS = ["", "fusion=smart tile-sizes=32", "tile-sizes=8", "fusion=max", "tile-sizes=-1",
                       "bogus=1", "fusion=smart tile-sizes=4,4", "tile-sizes=0"]


def _operand_ranks(func) -> list:
    """Ranks of the kernel anchor's operands (-1 where not a ranked tensor)."""
    from mlir import ir

    try:
        anchor = sched.kernel_anchor(func)
    except Exception:  # noqa: BLE001 - sched-verify reports bad kernels
        return []
    ranks = []
    for v in anchor.operands:
        try:
            ranks.append(ir.RankedTensorType(v.type).rank)
        except ValueError:
            ranks.append(-1)
    return ranks


class Generator:
    """Per case, a mode: ``legal`` (every kernel gets a legal schedule, or keeps
    the default one), ``legal-one`` (about a third of the kernels get a legal
    schedule), ``perturbed`` (legal, then one value changed at random) or
    ``random`` (any steps, any values)."""

    MODES = {"legal": 4, "legal-one": 3, "perturbed": 2, "random": 2}

    def __init__(self, seed: int):
        self.seed = seed
        self.mode = random.Random(f"{seed}/mode").choices(list(self.MODES), list(self.MODES.values()))[0]

    def schedule(self, name: str, func) -> Optional[Schedule]:
        r = random.Random(f"{self.seed}/{name}")
        if self.mode == "legal-one" and r.random() > 0.35:
            return None
        if r.random() < 0.1:
            return None
        loops = sched.kernel_iteration_space(func)
        ranks = _operand_ranks(func)
        if self.mode == "random":
            return Schedule(name, self._random_steps(r, loops, len(ranks) or 2))
        steps = self._legal(r, func, loops)
        if steps is None:
            return None
        if self.mode == "perturbed":
            steps = self._perturb(r, steps, loops, ranks)
        return Schedule(name, steps)

    # ----------------------------------------------------------------------
    def _legal(self, r: random.Random, func, loops) -> Optional[list]:
        """A schedule sched-verify accepts and sched-apply carries out (see
        sched_rules and docs/Schedules.md): the default scheduler's schedule of a
        packable contraction kernel, drawn for 1 or 2 threads and a 128-, 256-bit
        or the host's vector width, with its parallel tile loops reordered and its
        reduction step loop unrolled at random; a kernel the default scheduler
        leaves plain gets none, or rarely ``sched.polyhedral`` (the only step applied
        to plain kernels). None: keep the default schedule."""
        from polytile.dialects.sched_rules import verify_schedule
        from polytile.passes.schedule.sched_default import default_schedule

        base = default_schedule(func, r.choice([1, 2]), r.choice([0, 256, 128]))
        if base is None:
            if r.random() < 0.15:
                return [Polyhedral(options=r.choice(["", "fusion=smart tile-sizes=32", "tile-sizes=8"]))]
            return None
        steps = [step for step in base.steps if not isinstance(step, (Interchange, Unroll))]
        optional = []
        if r.random() < 0.5:
            order = list(range(len(loops)))
            parallel = [i for i in order if not loops[i].is_reduction]
            shuffled = r.sample(parallel, len(parallel))
            for position, loop in zip(parallel, shuffled):
                order[position] = loop
            optional.append(Interchange(permutation=tuple(order)))
        if r.random() < 0.4:
            optional.append(Unroll(factor=r.choice([1, 2, 3, 4, 8])))
        candidate = steps + optional
        if verify_schedule(Schedule(base.kernel, candidate), func):
            return steps  # an unroll the kernel has no loop for: the default's steps alone
        return candidate

    def _perturb(self, r: random.Random, steps: list, loops, ranks: list) -> list:
        """One random change: a value out of range, a step dropped, duplicated or moved."""
        steps = list(steps)
        op = r.randrange(4)
        if op == 0 and steps:
            steps.pop(r.randrange(len(steps)))
        elif op == 1 and steps:
            steps.insert(r.randrange(len(steps) + 1), steps[r.randrange(len(steps))])
        elif op == 2 and len(steps) > 1:
            i, j = r.randrange(len(steps)), r.randrange(len(steps))
            steps[i], steps[j] = steps[j], steps[i]
        else:
            steps.extend(self._random_steps(r, loops, len(ranks) or 2)[:1])
        return steps

    def _random_steps(self, r: random.Random, loops, operands: int) -> list:
        n = len(loops)
        steps = []
        for _ in range(r.randint(1, 7)):
            kind = r.choice(["tile", "tile", "interchange", "fuse", "pack", "vectorize", "unroll", "parallel",
                             "gpu_map", "polyhedral"])
            length = r.choice([n, n, n, n - 1, n + 1, 0])
            length = max(0, length)
            if kind == "tile":
                sizes = tuple(r.choice([0, 1, 2, 3, 4, 8, 16, 64, -1, 1 << 40]) for _ in range(length))
                steps.append(Tile(sizes=sizes))
            elif kind == "interchange":
                perm = list(range(length))
                r.shuffle(perm)
                if perm and r.random() < 0.3:
                    perm[0] = r.choice([perm[-1], n + 3, -1])
                steps.append(Interchange(permutation=tuple(perm)))
            elif kind == "fuse":
                producers = tuple(r.choice([0, 1, 2, -1, operands, 5]) for _ in range(r.randint(0, 2)))
                steps.append(Fuse(consumers=r.random() < 0.5, producers=producers))
            elif kind == "pack":
                tiles = tuple(r.choice([1, 4, 16, 0, -2, 3]) for _ in range(r.randint(0, 3)))
                steps.append(Pack(operand=r.choice([0, 1, 2, -1, operands, 9]), tiles=tiles))
            elif kind == "vectorize":
                steps.append(Vectorize(width=r.choice([0, 1, 3, 4, 16, 128, -8, 1 << 20])))
            elif kind == "unroll":
                steps.append(Unroll(factor=r.choice([0, 1, 2, 5, -1, 1 << 20])))
            elif kind == "parallel":
                dims = tuple(r.choice(list(range(n)) + [n, -1]) for _ in range(r.randint(0, 2)))
                steps.append(Parallel(dims=dims, threads=r.choice([0, 1, 2, 3, -1, 1 << 20])))
            elif kind == "gpu_map":
                steps.append(GpuMap(blocks=tuple(r.choice([1, 2, 32, 0]) for _ in range(r.randint(0, 4))),
                                    threads=tuple(r.choice([1, 32, 256, 2048]) for _ in range(r.randint(0, 4)))))
            else:
                steps.append(Polyhedral(options=r.choice(_POLYHEDRAL_OPTIONS)))
        return steps

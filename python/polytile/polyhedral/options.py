"""Options of the polyhedral scheduler (`affine-polyhedral-schedule`): declared here, next
to the scheduler, so that both the pass and the sched dialect's legality rules (a
``sched.polyhedral`` step holds this option text) use them without the dialect importing
a pass module."""
from __future__ import annotations

import dataclasses

from polytile.pass_registry import option


@dataclasses.dataclass(frozen=True)
class Options:
    tile_sizes: tuple[int, ...] = option((32,), "Tile size per band member (last repeats); 0: no tiling")
    fusion: str = option("smart", "Fusion strategy: none, smart or max")
    parallelize: bool = option(True, "Emit affine.parallel for the outermost parallel loop")
    interchange: bool = option(True, "Put the member with unit-stride accesses innermost in each innermost permutable band")
    outer_parallel: bool = option(True, "Make the outermost member of each band parallel where possible (no time skewing of stencils)")
    tile_inner: bool = option(False, "Also tile the innermost member of innermost bands (short inner loops)")
    remarks: bool = option(False, "Report nests left alone on stderr")
    tagged_only: bool = option(False, "Only functions holding ops tagged sched.polyhedral (kernels whose "
                                      "schedule asks for it), each with the options of its tag")

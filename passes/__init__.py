"""polytile's passes, grouped by the stage they work on:

- ``graph/``: tg graph cleanups (folding, CSE, DCE, canonicalization);
- ``schedule/``: kernel formation and the ``sched`` dialect's passes;
- ``conversion/``: lowerings between dialects (tg to linalg, the memref entry point);
- ``cpu/``: the CPU target's loop, memory and math passes;
- ``polyhedral/``: the isl-based dependence analysis and scheduler;
- ``gpu/``: the CUDA target's mapping and kernel passes;
- ``common/``: helpers several passes share (not passes).

Importing this package registers every pass: :func:`register_all` walks the
package and imports each module, whose ``@register_pass`` adds it to the registry.
There is no hand-kept list of passes.
"""
from __future__ import annotations

import importlib
import pkgutil


def register_all() -> list[str]:
    """Import every module under this package (each pass module registers itself);
    returns the module names, in a stable order."""
    names = []
    for info in pkgutil.walk_packages(__path__, prefix=__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
    return names


MODULES = register_all()

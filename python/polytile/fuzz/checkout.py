"""Finding the polytile checkout the fuzzer draws its corpus from.

The ``ir`` family mutates the lit tests under ``test/`` and some ``onnx`` seeds
are the checkout's example models. An editable install finds the checkout next
to this package; a regular install (as CI does, ``pip install .``) finds it as
the current directory or one of its parents. Without a checkout the corpus is
empty and the caller says so.
"""

from __future__ import annotations

import functools
import os
from typing import Optional


def _is_checkout(path: str) -> bool:
    return (os.path.isfile(os.path.join(path, "test", "lit.cfg.py"))
            and os.path.isdir(os.path.join(path, "python", "polytile")))


@functools.lru_cache(maxsize=None)
def checkout_root(start: Optional[str] = None) -> Optional[str]:
    """The polytile checkout: beside this package, else ``start`` (default: cwd) or a parent of it."""
    here = os.path.dirname(os.path.abspath(__file__))
    beside = os.path.normpath(os.path.join(here, "..", "..", ".."))
    if _is_checkout(beside):
        return beside
    path = os.path.abspath(start or os.getcwd())
    while True:
        if _is_checkout(path):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent

"""polytile's dialects: IRDL definitions plus typed builders and semantic verifiers.

Each dialect module here exposes ``load(context)``, ``verify_op(op)`` and
``SPEC`` (what its ``<name>.irdl.mlir`` file defines).
"""
from mlir.dialects._ods_common import _cext

# The bindings look up OpView classes by importing `<prefix>.<dialect>`; with
# this prefix `tg` resolves to polytile.dialects.tg instead of failing (and
# retrying) an import of mlir.dialects.tg on every op access.
if __name__ not in _cext.globals.dialect_search_modules:
    _cext.globals.append_dialect_search_prefix(__name__)

from . import sched, tg  # noqa: E402

DIALECTS = {"tg": tg, "sched": sched}

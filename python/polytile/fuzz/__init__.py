"""polytile's fuzzing harness (``python -m polytile.fuzz``, ``scripts/fuzz.py``).

Four mutation families, each case in its own child of a preloaded fork server
(:mod:`polytile.fuzz.server`) with a timeout:

* ``onnx``: mutated seed models (:mod:`.seeds`, :mod:`.onnx_mut`) through
  ``polytile.compile`` + ``run`` and, for a fraction, ``polytile-run --check``;
* ``ir``: mutated lit-test inputs through ``polytile-opt`` with their RUN
  line's flags (:mod:`.ir_mut`);
* ``sched``: random schedules for the seed models' kernels (:mod:`.sched_gen`);
* ``feeds``: compiled seed models run on mutated feeds (:mod:`.feeds`).

Outcomes: ``ok``, ``clean-error``, ``traceback``, ``crash``, ``hang``,
``wrong-answer`` (:mod:`.execute`). Failures are minimized by delta debugging
and saved as reproducers under ``test/fuzz/<family>/<outcome>-<hash>.<ext>``
(:mod:`.driver`); ``test/python/test_fuzz.py`` replays them. See
docs/Fuzzing.md.

Only onnx and numpy are loaded in the calling process: MLIR, polytile's
compiler and onnxruntime live in the fork server and its children.
"""
from polytile.fuzz.execute import BAD, OUTCOMES  # noqa: F401

FAMILIES = ("onnx", "ir", "sched", "feeds")


def run(*args, **kwargs):
    """:func:`polytile.fuzz.driver.run`."""
    from polytile.fuzz import driver

    return driver.run(*args, **kwargs)


def replay(*args, **kwargs):
    """:func:`polytile.fuzz.driver.replay`."""
    from polytile.fuzz import driver

    return driver.replay(*args, **kwargs)

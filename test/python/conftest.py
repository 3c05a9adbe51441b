"""pytest setup: make the shared helpers in this directory (onnx_check) importable, and
register the Hypothesis profiles of the shape sweeps (docs/Testing.md):

* ``ci`` (loaded by default): derandomized, so every run tests the same cases; sized so
  that ``test_sweeps.py`` runs a few hundred cases in a few minutes on 2 cores;
* ``long`` (``pytest --hypothesis-profile=long``): ten times the cases, fresh random ones
  each run.
"""
import os
import sys

from hypothesis import HealthCheck, Phase, settings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

CI_EXAMPLES = 50

# No explain phase: it reruns a failing case hundreds of times (each a compile).
_common = dict(deadline=None, print_blob=True, database=None,
               suppress_health_check=[HealthCheck.too_slow],
               phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])
settings.register_profile("ci", max_examples=CI_EXAMPLES, derandomize=True, **_common)
settings.register_profile("long", max_examples=10 * CI_EXAMPLES, derandomize=False, **_common)
# The hypothesis plugin loads --hypothesis-profile after this file is imported (when it is
# an initial conftest); only choose the default when no profile was loaded yet.
if settings.get_current_profile_name() == "default":
    settings.load_profile("ci")

"""Hypothesis settings profiles for the property suite.

``HYPOTHESIS_PROFILE`` picks one: ``dev`` (the default), ``ci`` (the default when ``CI`` is
set: derandomised, so a CI run is reproducible, and no example database), ``thorough``
(many more examples, for a manual soak).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=300, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Modest example counts keep the suite fast, and derandomize makes every run try
# the same examples (CI is deterministic); no deadline (spaCy's first call is
# slow); no example database written into the working tree.
# KG_HYPOTHESIS=explore tries many more, different examples each run.
_COMMON = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("kg", max_examples=30, derandomize=True, **_COMMON)
settings.register_profile("explore", max_examples=500, **_COMMON)
settings.load_profile(os.environ.get("KG_HYPOTHESIS", "kg"))

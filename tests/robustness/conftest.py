from __future__ import annotations

from hypothesis import HealthCheck, settings

# Modest example counts keep the suite fast; no deadline (spaCy's first call is slow);
# no example database written into the working tree.
settings.register_profile(
    "kg", max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
settings.load_profile("kg")

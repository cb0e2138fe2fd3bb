"""How many examples a property test generates: hypothesis's profile, and `examples` for a test that sets its own.

`make test-fast` loads the `fast` profile (HYPOTHESIS_PROFILE=fast). A test that asks for more examples than the
default with `@settings(max_examples=examples(N))` gets its N in the full suite and the profile's number in the fast
loop (a decorator's own `max_examples` would otherwise override the profile).
"""

from __future__ import annotations

import os

from hypothesis import settings

FAST_EXAMPLES = 15
settings.register_profile("fast", max_examples=FAST_EXAMPLES)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """`count` in the full suite; at most FAST_EXAMPLES under the fast profile."""
    return min(count, FAST_EXAMPLES) if PROFILE == "fast" else count

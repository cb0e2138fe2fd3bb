"""The role-category taxonomy: slugs and names, read from a TOML file users can replace."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

BUNDLED_TAXONOMY = Path(__file__).parent / "data" / "taxonomy.toml"
FALLBACK_SLUG = "other"
# A slug goes into URL paths: lowercase words joined by single hyphens. The API's schema states the same rule.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX_CHARS = 60


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    name: str


def load_taxonomy(path: Path | None = None) -> tuple[Category, ...]:
    """The categories in file order; the bundled taxonomy when `path` is None. ValueError on a bad file."""
    source = path or BUNDLED_TAXONOMY
    document = tomllib.loads(source.read_text(encoding="utf-8"))
    categories = tuple(Category(slug=str(c["slug"]), name=str(c["name"])) for c in document.get("category", []))
    slugs = [c.slug for c in categories]
    for slug in slugs:
        if len(slug) > SLUG_MAX_CHARS or not re.fullmatch(SLUG_PATTERN, slug):
            raise ValueError(
                f"{source}: category slug {slug[:80]!r} must be lowercase letters and digits in words joined by "
                f"single hyphens, at most {SLUG_MAX_CHARS} characters"
            )
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{source}: duplicate category slug")
    if FALLBACK_SLUG not in slugs:
        raise ValueError(f"{source}: the taxonomy must contain the fallback category {FALLBACK_SLUG!r}")
    return categories

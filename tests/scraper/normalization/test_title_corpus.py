"""The labelled title corpus (tests/fixtures/labelled/titles.tsv, >= 500 real titles): every row, and its size."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.taxonomy import load_taxonomy
from scraper.normalization.title import classify_title

CORPUS = Path(__file__).parents[2] / "fixtures" / "labelled" / "titles.tsv"
ROWS = [
    tuple(line.split("\t"))
    for line in CORPUS.read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


def test_the_corpus_is_large_and_labelled_with_taxonomy_slugs() -> None:
    slugs = {category.slug for category in load_taxonomy()}
    assert len(ROWS) >= 500
    assert all(len(row) == 3 and row[1] in slugs and row[2] for row in ROWS)
    assert len({row[0] for row in ROWS}) == len(ROWS)  # no title twice


@pytest.mark.parametrize(("title", "slug", "source"), ROWS, ids=[row[0] for row in ROWS])
def test_corpus_title(title: str, slug: str, source: str) -> None:
    assert classify_title(title).slug == slug, source

"""Accuracy on the labelled sets of real strings: salaries read exactly, absurd salaries flagged, false flags, titles.

Run `python bench/labelled.py` (add `--misses` to list every miss). Reads tests/fixtures/labelled/salaries.tsv and
titles.tsv. Salaries go the whole way a posting goes: normalize_posting then validate_posting, so the flags are
the ones a stored posting carries. Prints figures only; no assertion (the corpus tests hold the floors).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.records import RawPosting
from scraper.normalization.posting import NormalizationContext, normalize_posting
from scraper.normalization.salary import parse_salary
from scraper.normalization.title import classify_title
from scraper.validation.posting import validate_posting

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "labelled"
NOW = datetime(2026, 12, 4, tzinfo=UTC)


@dataclass(frozen=True)
class SalaryRow:
    text: str
    expected: tuple[float | None, float | None, str | None, str | None] | None  # None: amounts not judged
    states_salary: bool
    absurd: bool


def _rows(name: str) -> list[list[str]]:
    lines = (LABELLED / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def salary_rows() -> list[SalaryRow]:
    rows = []
    for text, low, high, currency, period, absurd, _source in _rows("salaries.tsv"):
        judged = "?" not in (low, high, currency, period)
        expected = (
            (float(low) if low else None, float(high) if high else None, currency or None, period or None)
            if judged
            else None
        )
        states = not judged or bool(low or high)
        rows.append(SalaryRow(text, expected, states, absurd == "yes"))
    return rows


def title_rows() -> list[tuple[str, str]]:
    return [(title, slug) for title, slug, _source in _rows("titles.tsv")]


def _read(text: str) -> tuple[float | None, float | None, str | None, str | None]:
    salary = parse_salary(text)
    if salary is None:
        return (None, None, None, None)
    period = salary.period.value if salary.period is not None else None
    return (salary.min, salary.max, salary.currency, period)


def _salary_flags(text: str, context: NormalizationContext) -> list[str]:
    raw = RawPosting(source="bench", external_id="1", url="https://example.com/1", title="Engineer", salary_text=text)
    posting = validate_posting(normalize_posting(raw, context), rates=context.rates, now=NOW)
    return [flag.code for flag in posting.flags if flag.code.startswith("salary_")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every string the normalizer gets wrong")
    args = parser.parse_args()
    context = NormalizationContext(now=NOW)
    misses: list[str] = []

    rows = salary_rows()
    judged = [row for row in rows if row.expected is not None]
    exact = 0
    for row in judged:
        got = _read(row.text)
        if got == row.expected:
            exact += 1
        else:
            misses.append(f"salary  {row.text!r}: got {got}, expected {row.expected}")
    absurd = [row for row in rows if row.absurd]
    flagged = 0
    for row in absurd:
        if _salary_flags(row.text, context):
            flagged += 1
        else:
            misses.append(f"absurd  {row.text!r}: not flagged")
    normal = [row for row in rows if not row.absurd and row.states_salary]
    false_flags = 0
    for row in normal:
        codes = _salary_flags(row.text, context)
        if codes:
            false_flags += 1
            misses.append(f"flagged {row.text!r}: {codes}")
    titles = title_rows()
    right = 0
    for title, slug in titles:
        got_slug = classify_title(title).slug
        if got_slug == slug:
            right += 1
        else:
            misses.append(f"title   {title!r}: got {got_slug}, expected {slug}")

    print(f"salaries read exactly   {exact}/{len(judged)} = {100 * exact / len(judged):.1f}%")
    print(f"absurd salaries flagged {flagged}/{len(absurd)}")
    print(f"false salary flags      {false_flags}/{len(normal)} = {100 * false_flags / len(normal):.1f}%")
    print(f"titles classified       {right}/{len(titles)} = {100 * right / len(titles):.1f}%")
    if args.misses:
        print()
        print("\n".join(misses))


if __name__ == "__main__":
    main()

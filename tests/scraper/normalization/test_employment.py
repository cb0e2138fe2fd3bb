"""Employment-type text -> the closed set, in order, de-duplicated."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import EmploymentType
from scraper.normalization.employment import parse_employment_types

FT, PT, CONTRACT, FREELANCE, TEMP, INTERN = (
    EmploymentType.FULL_TIME,
    EmploymentType.PART_TIME,
    EmploymentType.CONTRACT,
    EmploymentType.FREELANCE,
    EmploymentType.TEMPORARY,
    EmploymentType.INTERNSHIP,
)

CASES: list[tuple[str, tuple[EmploymentType, ...]]] = [
    # aijobs.net featured cards: the whole badge line, seniority and salary included
    ("Full Time Freelance Contract Senior-level / Expert USD 60K - 120K", (FT, FREELANCE, CONTRACT)),
    ("Full Time Senior-level / Expert USD 1111111K - 1111111K", (FT,)),
    ("Full Time Freelance Contract", (FT, FREELANCE, CONTRACT)),
    ("Full Time", (FT,)),
    ("Part Time", (PT,)),
    # spellings
    ("Full-time", (FT,)),
    ("Full-Time", (FT,)),
    ("full_time", (FT,)),
    ("Fulltime", (FT,)),
    ("Full-Time / Part-Time", (FT, PT)),
    ("Contractor", (CONTRACT,)),
    ("Contract-to-hire", (CONTRACT,)),
    ("Temp", (TEMP,)),
    ("Internship", (INTERN,)),
    ("Freelance", (FREELANCE,)),
    # schema.org
    ("FULL_TIME", (FT,)),
    ("PART_TIME", (PT,)),
    ("CONTRACTOR", (CONTRACT,)),
    ("TEMPORARY", (TEMP,)),
    ("INTERN", (INTERN,)),
    ("PER_DIEM", (TEMP,)),
    ("VOLUNTEER", ()),
    ("OTHER", ()),
    # Ashby
    ("FullTime", (FT,)),
    ("PartTime", (PT,)),
    ("Intern", (INTERN,)),
    ("Contract", (CONTRACT,)),
    ("Temporary", (TEMP,)),
    # Remotive / Workable / SmartRecruiters
    ("full_time", (FT,)),
    ("freelance", (FREELANCE,)),
    ("Permanent", (FT,)),
    ("Permanent, Part-time", (PT,)),
    # German, French, Spanish
    ("Vollzeit", (FT,)),
    ("Teilzeit", (PT,)),
    ("Festanstellung, Vollzeit", (FT,)),
    ("Praktikum", (INTERN,)),
    ("Werkstudent", (INTERN,)),
    ("Befristet", (TEMP,)),
    ("CDI", (FT,)),
    ("CDD", (TEMP,)),
    ("Temps plein", (FT,)),
    ("Temps partiel", (PT,)),
    ("Stage", (INTERN,)),
    ("Tiempo completo", (FT,)),
    ("Prácticas", (INTERN,)),
    # nothing named
    ("", ()),
    ("Competitive", ()),
    ("International", ()),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text or "<empty>" for text, _ in CASES])
def test_parse_employment_types(text: str, expected: tuple[EmploymentType, ...]) -> None:
    assert parse_employment_types(text) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["FULL_TIME", "CONTRACTOR"], (FT, CONTRACT)),
        (["Contract", "Full-time", "contract"], (CONTRACT, FT)),
        ([], ()),
    ],
    ids=["schema-list", "order-kept-deduplicated", "empty-list"],
)
def test_lists(items: list[str], expected: tuple[EmploymentType, ...]) -> None:
    assert parse_employment_types(items) == expected


def test_none() -> None:
    assert parse_employment_types(None) == ()


@given(st.one_of(st.text(max_size=300), st.lists(st.text(max_size=40), max_size=5)))
def test_never_raises(text: str | list[str]) -> None:
    found = parse_employment_types(text)
    assert len(found) == len(set(found))


@pytest.mark.parametrize("text", ["1" * 10_000 + "!", "full " * 200_000], ids=["digits", "one-mb"])
@pytest.mark.timeout(10)  # linear-time parsing; a catastrophic regex fails here instead of hanging
def test_adversarial_input_is_read_in_bounded_time(text: str) -> None:
    assert parse_employment_types(text) in ((), (FT,))

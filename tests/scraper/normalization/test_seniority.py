"""Seniority: a stated level first, else the title, with the basis it came from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import Seniority
from scraper.normalization.seniority import parse_seniority

INTERN, JUNIOR, MID, SENIOR, LEAD, PRINCIPAL, EXECUTIVE = tuple(Seniority)

STATED: list[tuple[str, Seniority | None]] = [
    ("Senior-level / Expert", SENIOR),
    ("Full Time Freelance Contract Senior-level / Expert USD 60K - 120K", SENIOR),  # the featured card's line
    ("Senior-level", SENIOR),
    ("Entry-level", JUNIOR),
    ("Mid-level", MID),
    ("Mid-Market", None),  # a customer segment, not a level
    ("Executive-level", EXECUTIVE),
    ("Intermediate", MID),
    ("Expert", SENIOR),
    ("Junior", JUNIOR),
    ("Director", EXECUTIVE),
    ("Internship", INTERN),
    ("Associate", JUNIOR),
    ("entry_level", JUNIOR),
    ("Mid-Senior Level", SENIOR),  # LinkedIn's experienced individual contributor (a band: the title may refine it)
    ("Not Applicable", None),
    ("", None),
]

TITLES: list[tuple[str, Seniority | None]] = [
    ("Data Engineer", None),
    ("Lead Developer (AI)", LEAD),
    ("Founding AI Engineer, Agents", None),
    ("Sr. Data Engineer", SENIOR),
    ("Senior Software Engineer, Backend", SENIOR),
    ("SENIOR DATA ENGINEER", SENIOR),
    ("Staff LLM Inference Engineer", PRINCIPAL),
    ("Principal Data Scientist", PRINCIPAL),
    ("Distinguished Engineer", PRINCIPAL),
    ("Senior Staff Engineer", PRINCIPAL),
    ("Tech Lead, Platform", LEAD),
    ("ML Research Scientist (m/f/d) & Tech Lead", LEAD),
    ("Head of Data", EXECUTIVE),
    ("VP of Engineering", EXECUTIVE),
    ("Director of Data Science", EXECUTIVE),
    ("Associate Director, Data", EXECUTIVE),
    ("Chief Technology Officer", EXECUTIVE),
    ("CTO", EXECUTIVE),
    ("Junior Data Analyst", JUNIOR),
    ("Jr. Developer", JUNIOR),
    ("Entry Level Data Analyst", JUNIOR),
    ("New Grad Software Engineer", JUNIOR),
    ("Mid-Level Backend Engineer", MID),
    # customer segments, not levels (issue 13.4)
    ("Account Executive, Mid-Market", None),
    ("Mid-Market Account Executive", None),
    ("Account Executive, Mid-Size Business", None),
    ("Senior Account Executive, Mid-Market", SENIOR),
    ("Software Engineer I", JUNIOR),
    ("Software Engineer II", MID),
    ("Data Scientist III", SENIOR),
    ("Software Engineer 2", MID),
    ("ML Engineer (L5)", SENIOR),
    ("Software Engineer, L4", MID),
    ("E6 Software Engineer", PRINCIPAL),
    ("Machine Learning Intern", INTERN),
    ("Research Intern", INTERN),
    ("Graduate Intern, Data", INTERN),
    ("Werkstudent Data Science (m/w/d)", INTERN),
    ("Praktikant Data Analytics", INTERN),
    ("Junior Data Engineer (m/w/d)", JUNIOR),
    ("Stagiaire Data Scientist", INTERN),
    ("Becario de Datos", INTERN),
    ("Mid/Senior Data Engineer", None),
    ("Internal Tools Engineer", None),
    ("AI Engineer", None),
    ("Staff Accountant", None),
    ("", None),
]


# SmartRecruiters' `experienceLevel` {id, label}: LinkedIn's scale, every value the API documents.
SMARTRECRUITERS: list[tuple[str, str, Seniority | None]] = [
    ("internship", "Internship", INTERN),
    ("entry_level", "Entry Level", JUNIOR),
    ("associate", "Associate", JUNIOR),
    ("mid_senior_level", "Mid-Senior Level", SENIOR),
    ("director", "Director", EXECUTIVE),
    ("executive", "Executive", EXECUTIVE),
    ("not_applicable", "Not Applicable", None),
]


@pytest.mark.parametrize(
    ("level_id", "label", "level"), SMARTRECRUITERS, ids=[label for _, label, _ in SMARTRECRUITERS]
)
def test_smartrecruiters_experience_levels(level_id: str, label: str, level: Seniority | None) -> None:
    expected = (level, "stated" if level else None)
    assert (parse_seniority(label, "Data Engineer"), parse_seniority(level_id, "Data Engineer")) == (expected, expected)


@pytest.mark.parametrize(("stated", "level"), STATED, ids=[s or "<empty>" for s, _ in STATED])
def test_stated_level(stated: str, level: Seniority | None) -> None:
    assert parse_seniority(stated, None) == (level, "stated" if level else None)


@pytest.mark.parametrize(("title", "level"), TITLES, ids=[t or "<empty>" for t, _ in TITLES])
def test_level_from_title(title: str, level: Seniority | None) -> None:
    assert parse_seniority(None, title) == (level, "title" if level else None)


@pytest.mark.parametrize(
    ("stated", "title", "expected"),
    [
        ("Senior-level / Expert", "Data Engineer", (SENIOR, "stated")),
        ("Entry-level", "Senior Data Engineer", (JUNIOR, "stated")),  # the stated field wins
        ("Not Applicable", "Senior Data Scientist", (SENIOR, "title")),
        ("Mid-Senior Level", "Staff Engineer", (PRINCIPAL, "title")),
        ("Mid-Senior Level", "Junior Data Engineer", (JUNIOR, "title")),
        ("Mid-Senior Level", "Mid-level Data Engineer", (MID, "title")),
        ("Mid-Senior Level", "Store Analytics Manager", (SENIOR, "stated")),
        ("mid_senior_level", None, (SENIOR, "stated")),
        (None, None, (None, None)),
    ],
    ids=[
        "stated",
        "stated-over-title",
        "not-applicable-falls-back",
        "band-refined-by-title-staff",
        "band-refined-by-title-junior",
        "band-refined-by-title-mid",
        "band-when-title-names-no-level",
        "band-without-title",
        "nothing",
    ],
)
def test_stated_first_then_title(stated: str | None, title: str | None, expected: tuple[object, object]) -> None:
    assert parse_seniority(stated, title) == expected


@given(st.none() | st.text(max_size=200), st.none() | st.text(max_size=200))
def test_never_raises(stated: str | None, title: str | None) -> None:
    level, basis = parse_seniority(stated, title)
    assert (level is None) == (basis is None)


@pytest.mark.parametrize(
    "text", ["1" * 10_000 + "!", "senior " * 150_000, "I " * 100_000], ids=["digits", "one-mb", "romans"]
)
@pytest.mark.timeout(10)  # linear-time parsing; a catastrophic regex fails here instead of hanging
def test_adversarial_input_is_read_in_bounded_time(text: str) -> None:
    parse_seniority(text, text)

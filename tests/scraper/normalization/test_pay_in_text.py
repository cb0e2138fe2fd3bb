"""Salaries stated only in a description: pay sentences from real postings are read, other money never is."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.normalization.pay_in_text import PAY_CUE, PERIOD_CUE, salary_in_text
from tests.properties import examples

# (description as boards send it, (min, max, currency, period)) -- the pay sentences are real strings (issue 13)
FOUND = [
    (
        "<p>The estimated salary range for this position is $60,000 - $97,000/year.</p>",
        (60_000, 97_000, "USD", "year"),
    ),
    (
        "<p>The United States base range for this position is $67,172 - $95,960 plus equity. "
        "This range may be inclusive of several career levels.</p>",
        (67_172, 95_960, "USD", "year"),
    ),
    ("<p><strong>Pay:</strong></p><p>$45 - $55 per hour</p>", (45, 55, "USD", "hour")),  # label and figure apart
    ("<h3>Compensation</h3><ul><li>€70,000 – €85,000 gross per year</li></ul>", (70_000, 85_000, "EUR", "year")),
    ("<div>Salary: £45,000 - £55,000 per annum + benefits</div>", (45_000, 55_000, "GBP", "year")),
    ("Build pipelines.\nSalary: $140k–$170k.\nRemote.", (140_000, 170_000, "USD", "year")),  # WWR, plain text
    ("<li>Base pay range: $180,000 - $220,000 USD</li>", (180_000, 220_000, "USD", "year")),
    ("<p>We pay $120,000 - $150,000 per year, depending on experience.</p>", (120_000, 150_000, "USD", "year")),
    ("<li>$120,000 - $150,000 per year</li>", (120_000, 150_000, "USD", "year")),  # a range with its period
    ("<p>Gehalt: 65.000 € - 80.000 € brutto/Jahr</p>", (65_000, 80_000, "EUR", "year")),
]

NOT_FOUND = [
    "<li>€1,500 yearly learning budget</li>",
    "<p>We raised a $2M seed round led by great investors.</p>",
    "<p>250,000 customers rely on us every day.</p>",
    "<p>Compensation: competitive. We raised $40M in our Series B.</p>",
    "<p>Salary: DOE</p>",
    "<p>Competitive salary and a 4-day week.</p>",
    "<p>$5,000 home office stipend per year</p>",
    "<p>Our customers saved $3 million last year.</p>",
    "<ul><li>401(k) with 4% match</li><li>Unlimited PTO</li></ul>",
    "<p>Salary: 120,000 - 150,000</p>",  # no currency: not taken from a description
    "",
]


@pytest.mark.parametrize(("text", "expected"), FOUND, ids=[t[:50] for t, _ in FOUND])
def test_pay_sentences_are_read(text: str, expected: tuple[float, float, str, str]) -> None:
    salary = salary_in_text(text)
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period.value if salary.period else None) == expected


@pytest.mark.parametrize("text", NOT_FOUND, ids=[t[:50] or "<empty>" for t in NOT_FOUND])
def test_other_money_is_never_pay(text: str) -> None:
    assert salary_in_text(text) is None


_WORDS = [
    "team",
    "we",
    "build",
    "customers",
    "budget",
    "seed",
    "round",
    "remote",
    "benefits",
    "and",
    "the",
    "equity",
    "learning",
    "raised",
    "users",
    "growth",
    "<p>",
    "</p>",
    "<li>",
    ".",
    ",",
    ":",
    "-",
    "–",
    "+",
    "\n",
]
_MONEY = st.builds(
    lambda sym, n, k: f"{sym}{n:,}{k}",
    st.sampled_from(["$", "€", "£", "USD ", "EUR ", "CN¥", "R$", "A$", ""]),
    st.integers(min_value=0, max_value=10_000_000),
    st.sampled_from(["", "K", "k", "M"]),
)
_TEXT = st.lists(st.one_of(st.sampled_from(_WORDS), _MONEY), max_size=60).map(" ".join)


@settings(max_examples=examples(300), deadline=None)
@given(_TEXT)
def test_never_an_amount_from_a_text_without_a_pay_cue(text: str) -> None:
    assert not PAY_CUE.search(text) and not PERIOD_CUE.search(text)
    assert salary_in_text(text) is None


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=2_000))
def test_never_raises(text: str) -> None:
    salary_in_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "salary " * 150_000,  # a cue in every sentence: only MAX_TRIES are parsed
        "Salary: $1 - $2 per year. " * 40_000,
        "<p>" * 250_000,
        "$" + "9" * 1_000_000,
        "pay:\n" * 200_000,
    ],
    ids=["cue-flood", "pay-sentences", "tags", "digits", "labels"],
)
def test_megabyte_descriptions_complete(text: str) -> None:
    # bench/normalize.py times these; here they must simply finish and answer
    result = salary_in_text(text)
    assert result is None or result.currency is not None


def test_the_cues_are_words_not_substrings() -> None:
    assert not re.search(PAY_CUE, "paypal repayment")

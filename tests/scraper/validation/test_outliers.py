"""Robust outliers by median and MAD on log annual USD, only with enough samples."""

from __future__ import annotations

import doctest
import math

import pytest

from scraper.validation import outliers
from scraper.validation.outliers import OUTLIER_CODE, outlier_flag, outlier_ids

# 30 data-engineer midpoints between 90k and 180k USD, spread evenly.
TYPICAL = {i: 90_000.0 + 3_000 * i for i in range(30)}


def test_typical_category_has_no_outliers() -> None:
    assert outlier_ids(TYPICAL) == set()


@pytest.mark.parametrize(
    ("value", "is_outlier"),
    [
        (1_111_111_000.0, True),  # the aijobs placeholder card
        (5_000_000.0, True),
        (1_000.0, True),
        (12_000.0, True),
        (60_000.0, False),
        (250_000.0, False),
        (300_000.0, False),
    ],
    ids=lambda v: str(v),
)
def test_one_extra_value(value: float, is_outlier: bool) -> None:
    values = {**TYPICAL, 999: value}
    assert (999 in outlier_ids(values)) is is_outlier
    assert outlier_ids(values) <= {999}


def test_too_few_samples_flag_nothing() -> None:
    few = {i: 100_000.0 + i for i in range(19)}
    assert outlier_ids({**few, 99: 1e9}, min_samples=21) == set()
    assert outlier_ids({**few, 99: 1e9}) == {99}  # 20 values: enough by default


def test_threshold_is_adjustable() -> None:
    values = {**TYPICAL, 999: 300_000.0}
    assert 999 not in outlier_ids(values)
    assert 999 in outlier_ids(values, threshold=1.0)


def test_values_that_cannot_be_logged_are_ignored() -> None:
    values = {**TYPICAL, 997: 0.0, 998: -5.0, 999: math.nan, 1000: math.inf}
    assert outlier_ids(values) == set()


def test_identical_values_with_a_few_different() -> None:
    # More than half equal makes MAD zero; the mean-deviation fallback still finds the far one only.
    values = {i: 120_000.0 for i in range(25)}
    values.update({100: 125_000.0, 101: 118_000.0, 102: 50_000_000.0})
    assert outlier_ids(values) == {102}


def test_all_identical_values_have_no_outliers() -> None:
    assert outlier_ids({i: 100_000.0 for i in range(50)}) == set()


def test_outlier_flag() -> None:
    flag = outlier_flag(1_111_111_000.0, 120_000.0)
    assert flag.code == OUTLIER_CODE == "salary_outlier"
    assert flag.message == "annual midpoint 1.1 billion USD is 9,259 times the median of 120,000 USD in its category"
    low = outlier_flag(9_000.0, 120_000.0)
    assert low.message == "annual midpoint 9,000 USD is 13.3 times below the median of 120,000 USD in its category"


def test_docstring_examples() -> None:
    results = doctest.testmod(outliers, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0

"""A zero or negative structured salary, the whole way a posting goes: a real payload of each format that states
amounts, parsed by its source, normalized and validated. Where the format's 0 is a zero, the posting keeps no
salary figures and carries `salary_not_positive` with its reason; where the format's 0 means "not given"
(Lever's undisclosed range, RemoteOK), it states no salary and no flag. Elsewhere a 0 beside a positive bound is
the open end of a range, and a salary of nothing but zeros is a zero (scraper/normalization/stated/_shared.py).

Workable, SmartRecruiters, Workday, Personio and BambooHR state no structured amounts (pay in text only:
docs/FORMATS.md section 9), so they have no row here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from models.flags import SALARY_NOT_POSITIVE, is_salary_flag
from models.records import NormalizedPosting, RawPosting
from scraper.config import SourceConfig
from scraper.fetching import Page
from scraper.normalization.posting import NormalizationContext, normalize_posting
from scraper.sources import build_source
from scraper.validation.posting import validate_posting

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sources"
NOW = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)

Edit = Callable[[Any], None]


@dataclass(frozen=True)
class Format:
    kind: str
    fixture: str
    page_url: str
    options: dict[str, Any]
    posting: str  # the external id of the posting whose salary is edited

    def read(self, edit: Edit) -> NormalizedPosting:
        """The edited posting as it is stored: parsed by its source, normalized, validated."""
        path = FIXTURES / self.fixture
        if path.suffix == ".json":
            document = json.loads(path.read_text(encoding="utf-8"))
            edit(document)
            content = json.dumps(document).encode()
        else:
            content = _edit_jsonld(path.read_text(encoding="utf-8"), edit).encode()
        config = SourceConfig(name="board", kind=self.kind, url=self.page_url, every_seconds=3600, options=self.options)
        page = Page(url=self.page_url, status=200, headers={}, content=content, fetched_at=NOW)
        found = [raw for raw in build_source(config).parse(page) if isinstance(raw, RawPosting)]
        [raw] = [raw for raw in found if raw.external_id == self.posting]
        context = NormalizationContext(now=NOW)
        return validate_posting(normalize_posting(raw, context), rates=context.rates, now=NOW)


def _edit_jsonld(html: str, edit: Edit) -> str:
    match = re.search(r'(<script type="application/ld\+json">)(.*?)(</script>)', html, re.DOTALL)
    assert match is not None
    document = json.loads(match.group(2))
    edit(document)
    return html[: match.start(2)] + json.dumps(document) + html[match.end(2) :]


GREENHOUSE_API = "https://boards-api.greenhouse.io/v1/boards/quantaforge/jobs?content=true&pay_transparency=true"
GREENHOUSE = Format("greenhouse", "greenhouse/board.json", GREENHOUSE_API, {}, "7301122")
GREENHOUSE_HOURLY = Format("greenhouse", "greenhouse/board.json", GREENHOUSE_API, {}, "7302001")
LEVER = Format(
    "lever",
    "lever/postings.json",
    "https://api.lever.co/v0/postings/nimbusai",
    {},
    "3f0c2a8e-6d1b-4c7a-9e55-0b7d1a2c9f10",
)
ASHBY = Format(
    "ashby",
    "ashby/board.json",
    "https://api.ashbyhq.com/posting-api/job-board/LumenLabs",
    {},
    "5b8e2f4a-1c3d-4e6f-9a0b-2c4d6e8f0a1b",
)
REMOTEOK = Format("json-api", "json-api/remoteok.json", "https://remoteok.com/api", {"preset": "remoteok"}, "1140021")
RECRUITEE = Format(
    "recruitee", "recruitee/offers.json", "https://orbital.recruitee.com", {"board": "orbital"}, "2620732"
)
JSONLD = Format("jsonld", "jsonld/clean.html", "https://careers.example/jobs/88", {}, "PE-2026-14")


def job(document: Any, key: str, external_id: str) -> dict[str, Any]:
    items = document[key] if key else document
    return next(item for item in items if isinstance(item, dict) and str(item.get("id")) == external_id)


def greenhouse_ranges(*ranges: tuple[Any, Any]) -> Edit:
    def edit(document: Any) -> None:
        job(document, "jobs", "7301122")["pay_input_ranges"] = [
            {"min_cents": low, "max_cents": high, "currency_type": "USD", "title": f"Zone {n} Annual Salary"}
            for n, (low, high) in enumerate(ranges, start=1)
        ]

    return edit


def greenhouse_metadata(low: Any, high: Any) -> Edit:
    def edit(document: Any) -> None:
        hourly = job(document, "jobs", "7302001")
        hourly["pay_input_ranges"] = []
        for entry in hourly["metadata"]:
            if entry["value_type"] == "currency_range":
                entry["value"].update(min_value=low, max_value=high)

    return edit


def amounts(find: Callable[[Any], dict[str, Any]], low_key: str, high_key: str) -> Callable[[Any, Any], Edit]:
    """Edits setting the two amounts of the salary object `find` picks out of a payload."""

    def amounts_of(low: Any, high: Any) -> Edit:
        return lambda document: find(document).update({low_key: low, high_key: high})

    return amounts_of


lever_range = amounts(lambda d: job(d, "", LEVER.posting)["salaryRange"], "min", "max")
# the Salary component; equity stays as found
ashby_salary = amounts(
    lambda d: job(d, "jobs", ASHBY.posting)["compensation"]["summaryComponents"][0], "minValue", "maxValue"
)
remoteok_salary = amounts(lambda d: job(d, "", REMOTEOK.posting), "salary_min", "salary_max")
recruitee_salary = amounts(lambda d: job(d, "offers", RECRUITEE.posting)["salary"], "min", "max")
jsonld_salary = amounts(lambda d: d["baseSalary"]["value"], "minValue", "maxValue")


FLAGGED = "flagged"  # no salary figures, a salary_not_positive flag naming the figure
NOT_STATED = "not stated"  # no salary and no salary flag: the format's 0 means "not given"

CASES = [
    (GREENHOUSE, greenhouse_ranges((0, 0)), FLAGGED, "minimum 0 "),
    (GREENHOUSE, greenhouse_ranges((9000000, 0)), (90000.0, None), ""),  # the open end of the range
    (GREENHOUSE, greenhouse_ranges((-500000, 12000000)), FLAGGED, "minimum -5,000 "),
    (GREENHOUSE, greenhouse_ranges((0, 0), (0, 0)), FLAGGED, "minimum 0 "),
    (GREENHOUSE, greenhouse_ranges((0, 0), (9000000, 12000000)), (90000.0, 120000.0), ""),  # a zone of 0 is left out
    (GREENHOUSE_HOURLY, greenhouse_metadata("0.0", "0.0"), FLAGGED, "minimum 0 "),
    (GREENHOUSE_HOURLY, greenhouse_metadata("-38.0", "45.5"), FLAGGED, "minimum -38 "),
    (LEVER, lever_range(0, 0), NOT_STATED, ""),
    (LEVER, lever_range(-150000, 195000), FLAGGED, "minimum -150,000 "),
    (ASHBY, ashby_salary(0, 0), FLAGGED, "minimum 0 "),
    (ASHBY, ashby_salary(0, 240000), (None, 240000.0), ""),  # the open end of the range
    (ASHBY, ashby_salary(-180000, 240000), FLAGGED, "minimum -180,000 "),
    (REMOTEOK, remoteok_salary(0, 0), NOT_STATED, ""),
    (REMOTEOK, remoteok_salary(-1, 0), FLAGGED, "minimum -1 "),
    (RECRUITEE, recruitee_salary("0", "0"), FLAGGED, "minimum 0 "),
    (RECRUITEE, recruitee_salary(None, None), NOT_STATED, ""),
    (JSONLD, jsonld_salary(0, 0), FLAGGED, "minimum 0 "),
    (JSONLD, jsonld_salary(0, 78000), (None, 78000.0), ""),
    (JSONLD, jsonld_salary("-62000", 78000), FLAGGED, "minimum -62,000 "),
]
IDS = [
    "greenhouse 0-0",
    "greenhouse 90000-0",
    "greenhouse -5000-120000",
    "greenhouse two zones of 0",
    "greenhouse a zone of 0 and a paid zone",
    "greenhouse metadata 0.0-0.0",
    "greenhouse metadata -38.0-45.5",
    "lever 0-0 (undisclosed)",
    "lever -150000-195000",
    "ashby 0-0",
    "ashby 0-240000",
    "ashby -180000-240000",
    "remoteok 0-0 (not given)",
    "remoteok -1-0",
    "recruitee '0'-'0'",
    "recruitee null-null",
    "jsonld 0-0",
    "jsonld 0-78000",
    "jsonld '-62000'-78000",
]


@pytest.mark.parametrize(("fmt", "edit", "expected", "reason"), CASES, ids=IDS)
def test_a_stated_zero_or_negative_salary(fmt: Format, edit: Edit, expected: Any, reason: str) -> None:
    posting = fmt.read(edit)
    salary_flags = [flag for flag in posting.flags if is_salary_flag(flag.code)]
    if expected == FLAGGED:
        assert posting.salary is None
        assert [flag.code for flag in salary_flags] == [SALARY_NOT_POSITIVE]
        assert salary_flags[0].message.startswith(reason)
        assert "states no pay" in salary_flags[0].message
    elif expected == NOT_STATED:
        assert (posting.salary, salary_flags) == (None, [])
    else:
        assert posting.salary is not None
        assert ((posting.salary.min, posting.salary.max), salary_flags) == (expected, [])


@pytest.mark.parametrize("fmt", [GREENHOUSE, LEVER, ASHBY, REMOTEOK, RECRUITEE, JSONLD], ids=lambda f: f.fixture)
def test_the_unedited_payload_states_a_positive_salary(fmt: Format) -> None:
    """The rows above edit a posting that states pay as found: the edit alone makes the difference."""
    posting = fmt.read(lambda document: None)
    assert posting.salary is not None
    assert all(bound is None or bound > 0 for bound in (posting.salary.min, posting.salary.max))
    assert not [flag for flag in posting.flags if is_salary_flag(flag.code)]

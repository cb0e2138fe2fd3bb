"""The one posting definition (NormalizedPosting's `stored` metadata) and what models/posting.py derives from it:
the table's columns, the stored values, the API record and the tracked changes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from models.enums import ChangeField, EmploymentType, Period, PeriodBasis, RemoteMode, Seniority
from models.posting import (
    COLUMN_NAMES,
    HASHED_COLUMN_NAMES,
    POSTING_COLUMNS,
    RECORD_FIELDS,
    changes,
    record_values,
    stored_values,
)
from models.records import Flag, Location, NormalizedPosting, Salary
from models.schemas import PostingDetailOut, PostingOut
from models.tables import Posting

SALARY = Salary(60_000, 120_000, "USD", Period.YEAR, PeriodBasis.STATED, "USD 60K - 120K", 60_000, 120_000)


def posting(**changes: Any) -> NormalizedPosting:
    fields: dict[str, Any] = {
        "source": "aijobs",
        "external_id": "310245",
        "url": "https://aijobs.example/job/310245/",
        "title": "Data Engineer",
        "title_raw": "Featured Data Engineer",
        "featured": True,
        "company": "Lemon.io",
        "category": "data-engineer",
        "location": Location("Remote: Europe, Canada", RemoteMode.REMOTE, ("CA",), ("EUROPE",), ()),
        "employment_types": (EmploymentType.FULL_TIME, EmploymentType.CONTRACT),
        "seniority": Seniority.SENIOR,
        "tags": ("Python", "PyTorch"),
        "salary": SALARY,
        "flags": (Flag("salary_implausible", "annual maximum beyond any real salary"),),
        "posted_at": datetime(2023, 12, 6, tzinfo=UTC),
        "description_html": "<p>Build pipelines.</p>",
        "apply_url": "https://lemon.example/apply",
        "fingerprint": "f" * 64,
        "payload": {"id": 310245},
    }
    return NormalizedPosting(**{**fields, **changes})


def test_the_table_has_a_column_for_every_field_of_the_definition() -> None:
    table = Posting.__table__
    for column in POSTING_COLUMNS:
        assert column.name in table.c, column.name
        assert type(table.c[column.name].type) is type(column.spec.type), column.name
        assert table.c[column.name].nullable is column.nullable, column.name
    assert {"source", "external_id"} | set(COLUMN_NAMES) <= set(table.c.keys())


def test_the_api_serves_every_field_the_definition_says_it_serves() -> None:
    for field in RECORD_FIELDS:
        if field.spec.api == "record":
            assert field.name in PostingOut.model_fields, field.name
        elif field.spec.api == "detail":
            assert field.name in PostingDetailOut.model_fields and field.name not in PostingOut.model_fields
        else:
            assert field.name not in PostingDetailOut.model_fields, field.name


def test_the_record_of_a_posting_is_the_contract() -> None:
    """DESIGN.md section 5: the keys in their order, raw values beside their parse, unknown as null."""
    record = PostingOut.from_normalized(posting()).model_dump(mode="json")
    contract = [
        "id", "source", "sources", "external_id", "url", "title", "title_raw", "featured", "company", "category",
        "location", "employment_types", "seniority", "tags", "salary", "flags", "posted_at", "first_seen",
        "last_seen", "closed_at",
    ]  # fmt: skip
    # every key of the contract, in its order; a field added to the definition may come in between
    assert [key for key in record if key in contract] == contract
    assert record["closed_at"] is None and list(record)[-3:] == ["first_seen", "last_seen", "closed_at"]
    assert record["location"] == {
        "raw": "Remote: Europe, Canada",
        "remote": "remote",
        "countries": ["CA"],
        "regions": ["EUROPE"],
        "cities": [],
    }
    assert record["salary"] == {
        "raw": "USD 60K - 120K",
        "min": 60000.0,
        "max": 120000.0,
        "currency": "USD",
        "period": "year",
        "period_basis": "stated",
        "annual_usd_min": 60000.0,
        "annual_usd_max": 120000.0,
        "origin": None,  # set by normalization; this record is built by hand
    }
    assert (record["id"], record["sources"], record["first_seen"], record["posted_at"]) == (
        None,
        ["aijobs"],
        None,
        "2023-12-06T00:00:00Z",
    )
    assert record["flags"] == [{"code": "salary_implausible", "message": "annual maximum beyond any real salary"}]
    assert PostingOut.from_normalized(posting(salary=None)).salary is None


def test_a_row_reads_back_as_the_record_it_was_stored_from() -> None:
    stored = {"source": "aijobs", "external_id": "310245", **stored_values(posting())}
    record = record_values(stored, detail=True)
    assert (
        record["description_html"] == "<p>Build pipelines.</p>" and record["apply_url"] == "https://lemon.example/apply"
    )
    assert record["employment_types"] == ["full-time", "contract"]
    assert "payload" not in record and "fingerprint" not in record


def test_values_outside_a_vocabulary_are_not_served() -> None:
    """A writer bug must not fail a page: unknown enum values read as null, unknown list items are dropped."""
    stored = {"source": "s", "external_id": "1", **stored_values(posting())}
    stored.update(remote="sometimes", seniority="wizard", employment_types=["full-time", "gig"])
    record = record_values(stored)
    served = (record["location"]["remote"], record["seniority"], record["employment_types"])
    assert served == (None, None, ["full-time"])


def test_every_stored_string_goes_through_the_text_policy() -> None:
    dirty = posting(
        title="Data\ud83d Engineer\x00",
        location=Location("Berlin\x85", None, (), (), ("Berlin\ud83d",)),
        tags=("Py\x00thon",),
        flags=(Flag("code", "bad\ud83d"),),
        description_html="<p>x\ud83d</p>",
        payload={"k\ud83d": ["v\x00", 1]},
    )
    values = stored_values(dirty)
    assert (values["title"], values["location_raw"], values["cities"], values["tags"]) == (
        "Data Engineer",
        "Berlin",
        ["Berlin"],
        ["Python"],
    )
    assert values["flags"] == [{"code": "code", "message": "bad"}]
    assert (values["description_html"], values["payload"]) == ("<p>x</p>", {"k": ["v", 1]})


def test_payload_and_bookkeeping_do_not_count_in_the_hash() -> None:
    assert "payload" not in HASHED_COLUMN_NAMES
    assert {"title", "salary_min", "flags", "posted_at", "description_html"} <= set(HASHED_COLUMN_NAMES)


def _row(**changes: Any) -> dict[str, Any]:
    return stored_values(posting(**changes))


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        pytest.param({"title": "ML Engineer"}, [ChangeField.TITLE], id="title"),
        pytest.param({"company": None}, [ChangeField.COMPANY], id="company gone"),
        pytest.param(
            {"salary": dataclasses.replace(SALARY, raw="$60,000 - $120,000")}, [], id="same salary, other text"
        ),
        pytest.param({"salary": dataclasses.replace(SALARY, max=130_000)}, [ChangeField.SALARY], id="salary max"),
        pytest.param({"salary": None}, [ChangeField.SALARY], id="salary gone"),
        pytest.param(
            {"employment_types": (EmploymentType.CONTRACT, EmploymentType.FULL_TIME)}, [], id="types reordered"
        ),
        pytest.param({"employment_types": ()}, [ChangeField.EMPLOYMENT_TYPES], id="types gone"),
        pytest.param(
            {"location": Location("Remote: Europe, Canada", RemoteMode.REMOTE, ("CA", "GB"), ("EUROPE",), ())},
            [ChangeField.LOCATION],
            id="country added",
        ),
        pytest.param({"tags": ("Rust",), "featured": False}, [], id="untracked fields"),
    ],
)
def test_changes(new: dict[str, Any], expected: list[ChangeField]) -> None:
    assert [field for field, _, _ in changes(_row(), _row(**new))] == expected


def test_a_change_carries_the_whole_value_of_its_field() -> None:
    ((field, old, new),) = changes(_row(), _row(salary=None))
    assert field is ChangeField.SALARY and new is None
    assert old == {"raw": "USD 60K - 120K", "min": 60000, "max": 120000, "currency": "USD", "period": "year"}

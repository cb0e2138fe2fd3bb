"""Every ATS posting names its company: the slug-to-name rule and where the slug is found."""

from __future__ import annotations

from typing import Any

import pytest

from scraper.config import SourceConfig
from scraper.errors import SourceConfigError
from scraper.sources._company import board_in_url, company_name, readable_slug


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("orbital", "Orbital"),
        ("acme-labs", "Acme Labs"),
        ("acme_labs", "Acme Labs"),
        ("LumenLabs", "LumenLabs"),
        ("nimbus.ai", "Nimbus Ai"),
        ("  acme--labs ", "Acme Labs"),
        ("acme/External_Careers", "Acme"),
        ("3m", "3m"),
        ("---", "---"),
    ],
    ids=lambda value: str(value),
)
def test_readable_slug(slug: str, name: str) -> None:
    assert readable_slug(slug) == name


@pytest.mark.parametrize(
    ("url", "board"),
    [
        ("https://api.lever.co/v0/postings/acme", "acme"),
        ("https://api.lever.co/v0/postings/acme/?mode=json", "acme"),
        ("https://api.lever.co/v0/postings/Acme%20Labs", "Acme Labs"),
        ("https://api.lever.co/v0/postings/", None),
        ("https://api.lever.co/v1/postings/acme", None),
    ],
    ids=["plain", "trailing-slash", "quoted", "no-board", "other-path"],
)
def test_board_in_url(url: str, board: str | None) -> None:
    assert board_in_url(url, "/v0/postings/{board}") == board


def config(url: str = "https://mirror.example/acme/jobs.json", **options: Any) -> SourceConfig:
    # ashby: a kind whose board is optional when `url` is the full endpoint
    return SourceConfig(name="acme-careers", kind="ashby", url=url, every_seconds=3600, options=options)


@pytest.mark.parametrize(
    ("options", "stated", "name"),
    [
        ({"board": "acme", "company": "ACME Corp."}, "Acme B.V.", "ACME Corp."),
        ({"board": "acme"}, "Acme B.V.", "Acme B.V."),
        ({"board": "acme-labs"}, None, "Acme Labs"),
        ({}, None, "Acme Careers"),
    ],
    ids=["company-key-wins", "api-name", "board-slug", "source-name"],
)
def test_company_name_precedence(options: dict[str, Any], stated: str | None, name: str) -> None:
    assert company_name(config(**options), stated) == name


def test_company_name_reads_the_board_from_a_full_endpoint() -> None:
    source = config("https://api.ashbyhq.com/posting-api/job-board/lumen-labs")
    assert company_name(source, endpoint_path="/posting-api/job-board/{board}") == "Lumen Labs"


def test_a_blank_company_key_is_refused() -> None:
    with pytest.raises(SourceConfigError, match="key 'company' must be a non-empty string"):
        company_name(config(board="acme", company=" "))

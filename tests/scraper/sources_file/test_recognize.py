"""Careers-URL recognition: every URL shape of every supported ATS, feeds, and pages that embed a board."""

from __future__ import annotations

import pytest

from scraper.sources_file.recognize import Recognized, embedded_sources, recognize_url

GH = "https://boards-api.greenhouse.io"

SHAPES = [
    ("https://boards.greenhouse.io/anthropic", Recognized("greenhouse", GH, "anthropic")),
    ("https://boards.greenhouse.io/anthropic/jobs/4020305008", Recognized("greenhouse", GH, "anthropic")),
    ("https://job-boards.greenhouse.io/databricks", Recognized("greenhouse", GH, "databricks")),
    ("https://job-boards.greenhouse.io/databricks/jobs/7841?gh_src=x", Recognized("greenhouse", GH, "databricks")),
    ("https://boards.greenhouse.io/embed/job_board?for=acme", Recognized("greenhouse", GH, "acme")),
    ("https://boards.greenhouse.io/embed/job_board/js?for=acme", Recognized("greenhouse", GH, "acme")),
    ("https://boards.greenhouse.io/embed/job_app?for=acme&token=123", Recognized("greenhouse", GH, "acme")),
    ("https://job-boards.greenhouse.io/embed/job_board?for=acme", Recognized("greenhouse", GH, "acme")),
    ("https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true", Recognized("greenhouse", GH, "acme")),
    ("//boards.greenhouse.io/embed/job_board/js?for=acme", Recognized("greenhouse", GH, "acme")),
    ("https://boards.greenhouse.io/embed/job_board", None),
    ("https://jobs.lever.co/mistral", Recognized("lever", "https://api.lever.co", "mistral")),
    (
        "https://jobs.lever.co/mistral/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab/apply",
        Recognized("lever", "https://api.lever.co", "mistral"),
    ),
    ("https://jobs.eu.lever.co/acme", Recognized("lever", "https://api.eu.lever.co", "acme")),
    ("https://api.lever.co/v0/postings/acme?mode=json", Recognized("lever", "https://api.lever.co", "acme")),
    ("https://jobs.ashbyhq.com/openai", Recognized("ashby", "https://api.ashbyhq.com", "openai")),
    ("https://jobs.ashbyhq.com/Acme%20Labs/abc-123", Recognized("ashby", "https://api.ashbyhq.com", "Acme Labs")),
    (
        "https://api.ashbyhq.com/posting-api/job-board/openai?includeCompensation=true",
        Recognized("ashby", "https://api.ashbyhq.com", "openai"),
    ),
    ("https://apply.workable.com/huggingface/", Recognized("workable", "https://apply.workable.com", "huggingface")),
    ("https://apply.workable.com/acme/j/A1B2C3D4E5/", Recognized("workable", "https://apply.workable.com", "acme")),
    (
        "https://apply.workable.com/api/v1/widget/accounts/acme?details=true",
        Recognized("workable", "https://apply.workable.com", "acme"),
    ),
    (
        "https://apply.workable.com/api/v3/accounts/acme/jobs",
        Recognized("workable", "https://apply.workable.com", "acme"),
    ),
    ("https://apply.workable.com/j/A1B2C3D4E5", None),
    (
        "https://careers.smartrecruiters.com/Visa",
        Recognized("smartrecruiters", "https://api.smartrecruiters.com", "Visa"),
    ),
    (
        "https://jobs.smartrecruiters.com/Helixa/744000201111222-senior-data-scientist",
        Recognized("smartrecruiters", "https://api.smartrecruiters.com", "Helixa"),
    ),
    (
        "https://api.smartrecruiters.com/v1/companies/Helixa/postings?limit=100",
        Recognized("smartrecruiters", "https://api.smartrecruiters.com", "Helixa"),
    ),
    ("https://acme.recruitee.com/", Recognized("recruitee", "https://acme.recruitee.com", "acme")),
    ("https://acme.recruitee.com/o/data-engineer", Recognized("recruitee", "https://acme.recruitee.com", "acme")),
    ("https://acme.recruitee.com/api/offers/", Recognized("recruitee", "https://acme.recruitee.com", "acme")),
    ("https://www.recruitee.com/", None),
    ("https://acme.jobs.personio.de/", Recognized("personio", "https://acme.jobs.personio.de", "acme")),
    (
        "https://acme.jobs.personio.com/job/123?language=en",
        Recognized("personio", "https://acme.jobs.personio.com", "acme"),
    ),
    ("https://acme.jobs.personio.de/xml", Recognized("personio", "https://acme.jobs.personio.de", "acme")),
    (
        "https://acme.wd5.myworkdayjobs.com/en-US/External",
        Recognized("workday", "https://acme.wd5.myworkdayjobs.com", "acme/External"),
    ),
    (
        "https://acme.wd1.myworkdayjobs.com/External_Careers",
        Recognized("workday", "https://acme.wd1.myworkdayjobs.com", "acme/External_Careers"),
    ),
    (
        "https://acme.wd5.myworkdayjobs.com/de-DE/External/job/Berlin/Data-Engineer_R-12345",
        Recognized("workday", "https://acme.wd5.myworkdayjobs.com", "acme/External"),
    ),
    (
        "https://acme.wd3.myworkdayjobs.com/fr/Careers",
        Recognized("workday", "https://acme.wd3.myworkdayjobs.com", "acme/Careers"),
    ),
    (
        "https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs",
        Recognized("workday", "https://acme.wd5.myworkdayjobs.com", "acme/External"),
    ),
    (
        "https://wd3.myworkdaysite.com/en-US/recruiting/acme/Careers",
        Recognized("workday", "https://wd3.myworkdaysite.com", "acme/Careers"),
    ),
    ("https://acme.wd5.myworkdayjobs.com/", None),
    ("https://acme.bamboohr.com/careers", Recognized("bamboohr", "https://acme.bamboohr.com", "acme")),
    ("https://acme.bamboohr.com/jobs/", Recognized("bamboohr", "https://acme.bamboohr.com", "acme")),
    ("https://acme.bamboohr.com/careers/42/detail", Recognized("bamboohr", "https://acme.bamboohr.com", "acme")),
    (
        "https://weworkremotely.com/categories/remote-programming-jobs.rss",
        Recognized("rss", "https://weworkremotely.com/categories/remote-programming-jobs.rss"),
    ),
    ("https://example.org/jobs/feed/", Recognized("rss", "https://example.org/jobs/feed/")),
    ("https://example.org/careers/atom.xml", Recognized("rss", "https://example.org/careers/atom.xml")),
    ("https://example.org/jobs?format=rss", Recognized("rss", "https://example.org/jobs?format=rss")),
    ("https://example.org/careers", None),
    ("ftp://boards.greenhouse.io/acme", None),
    ("not a url", None),
]


@pytest.mark.parametrize(("url", "expected"), SHAPES, ids=[url for url, _ in SHAPES])
def test_recognizes_every_url_shape(url: str, expected: Recognized | None) -> None:
    assert recognize_url(url) == expected


@pytest.mark.parametrize(
    ("found", "name"),
    [
        (Recognized("greenhouse", GH, "anthropic"), "anthropic-greenhouse"),
        (Recognized("ashby", "https://api.ashbyhq.com", "Acme Labs"), "acme-labs-ashby"),
        (Recognized("workday", "https://acme.wd5.myworkdayjobs.com", "acme/External"), "acme-workday"),
        (Recognized("rss", "https://weworkremotely.com/remote-jobs.rss"), "weworkremotely-rss"),
        (Recognized("jsonld", "https://careers.example.co.uk/jobs"), "example-jsonld"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.url,
)
def test_suggested_name(found: Recognized, name: str) -> None:
    assert found.suggested_name() == name


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<div id="grnhse_app"></div><script src="https://boards.greenhouse.io/embed/job_board/js?for=acme"></script>',
            Recognized("greenhouse", GH, "acme"),
        ),
        (
            '<iframe src="https://boards.greenhouse.io/embed/job_board?for=acme&amp;b=https%3A%2F%2Facme.example"></iframe>',
            Recognized("greenhouse", GH, "acme"),
        ),
        (
            '<a href="https://jobs.lever.co/acme/1">One</a><a href="https://jobs.lever.co/acme/2">Two</a>'
            '<a href="https://jobs.lever.co/partner">Partner</a>',
            Recognized("lever", "https://api.lever.co", "acme"),
        ),
        (
            '<script>window.config = {"careers":"https:\\/\\/jobs.ashbyhq.com\\/acme"}</script>',
            Recognized("ashby", "https://api.ashbyhq.com", "acme"),
        ),
        (
            '<script src="https://acme.recruitee.com/widget.js"></script>',
            Recognized("recruitee", "https://acme.recruitee.com", "acme"),
        ),
        ('<a href="https://acme.example/blog/feed.rss">Blog</a><a href="/jobs">Jobs</a>', None),
    ],
    ids=["greenhouse-script", "greenhouse-iframe", "lever-links", "ashby-inline-json", "recruitee-widget", "none"],
)
def test_embedded_sources(html: str, expected: Recognized | None) -> None:
    found = embedded_sources("https://acme.example/careers", html)
    assert (found[0] if found else None) == expected

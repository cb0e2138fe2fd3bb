"""Parse throughput per source kind on realistic 50-posting pages; prints figures, asserts nothing.

featured-html is also timed with BeautifulSoup's html.parser and with lxml without a strainer, the same extraction,
to check the choice DESIGN.md section 8 describes. Run: .venv/bin/python bench/parse.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from scraper.fetching import Page
from scraper.sources.featured_html import parse_featured_html
from scraper.sources.jsonld import parse_jsonld_page
from scraper.sources.rss import parse_feed

ROOT = Path(__file__).resolve().parents[1]
LISTING = ROOT / "tests" / "fixtures" / "sources" / "featured_html" / "listing_50.html"
NOW = datetime(2026, 9, 25, tzinfo=UTC)


def page(content: bytes, url: str, content_type: str) -> Page:
    return Page(url=url, status=200, headers={"content-type": content_type}, content=content, fetched_at=NOW)


def jsonld_page(count: int = 50) -> Page:
    """A career listing page with `count` JobPostings in one @graph, plus the page chrome such pages carry."""
    postings = [
        {
            "@type": "JobPosting",
            "title": f"Machine Learning Engineer {index}",
            "description": "<p>Train and ship models.</p><ul>"
            + "<li>Work on retrieval &amp; ranking</li>" * 12
            + "</ul>",
            "identifier": {"@type": "PropertyValue", "name": "Acme", "value": f"ML-{index}"},
            "datePosted": "2026-09-10",
            "validThrough": "2026-12-10T23:59:00Z",
            "employmentType": ["FULL_TIME", "CONTRACTOR"],
            "hiringOrganization": {"@id": "https://acme.example/#org"},
            "jobLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": "Berlin",
                    "addressRegion": "BE",
                    "addressCountry": "DE",
                },
            },
            "baseSalary": {
                "@type": "MonetaryAmount",
                "currency": "EUR",
                "value": {
                    "@type": "QuantitativeValue",
                    "minValue": 70000 + index,
                    "maxValue": 90000,
                    "unitText": "YEAR",
                },
            },
            "url": f"https://acme.example/careers/{index}",
        }
        for index in range(count)
    ]
    graph = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "Organization", "@id": "https://acme.example/#org", "name": "Acme"}, *postings],
    }
    chrome = "".join(
        f'<li class="nav-item"><a href="/team/{n}">Team {n}</a><p>About our team {n}.</p></li>' for n in range(400)
    )
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Careers at Acme</title>'
        f'<script type="application/ld+json">{json.dumps(graph)}</script></head>'
        f"<body><nav><ul>{chrome}</ul></nav><main><h1>Open roles</h1></main></body></html>"
    )
    return page(html.encode(), "https://acme.example/careers/", "text/html; charset=utf-8")


def rss_page(count: int = 50) -> Page:
    """A We Work Remotely style feed of `count` items."""
    items = "".join(
        f"""<item><media:content url="https://wwr.example/logos/{index}.png" type="image/png"/>
<title>Company {index}: Senior Backend Engineer {index}</title><region>Anywhere in the World</region>
<country>🇩🇪 Germany and 🇺🇸 United States of America</country><state></state><skills>Go, PostgreSQL, and Kafka</skills>
<category>Back-End Programming</category><type>Full-Time</type>
<description>{"&lt;p&gt;Build event pipelines &amp;amp; APIs for our platform.&lt;/p&gt;" * 10}</description>
<pubDate>Mon, 21 Sep 2026 14:02:11 +0000</pubDate><expires_at>Wed, 21 Oct 2026 14:02:11 +0000</expires_at>
<guid>https://weworkremotely.com/remote-jobs/company-{index}-senior-backend-engineer</guid>
<link>https://weworkremotely.com/remote-jobs/company-{index}-senior-backend-engineer</link></item>"""
        for index in range(count)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss">'
        f"<channel><title>We Work Remotely</title>{items}</channel></rss>"
    )
    return page(xml.encode(), "https://weworkremotely.com/remote-jobs.rss", "application/rss+xml")


def pages_per_second(parse: Callable[[], int], seconds: float, expected: int) -> float:
    """The median of five rounds of about seconds/5 each, after one warm-up parse that checks the count."""
    found = parse()
    if found != expected:
        raise SystemExit(f"the benchmark page parsed to {found} postings, not {expected}")
    rates = []
    for _ in range(5):
        count, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds / 5:
            parse()
            count += 1
        rates.append(count / elapsed)
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement (default 2)")
    args = parser.parse_args()

    listing = page(LISTING.read_bytes(), "https://aijobs.net/", "text/html; charset=utf-8")
    jsonld, rss = jsonld_page(), rss_page()
    rows = [
        (
            "featured-html  lxml + function strainer (used)",
            lambda: len(list(parse_featured_html(listing, "b"))),
            listing,
        ),
        (
            "featured-html  lxml, no strainer",
            lambda: len(list(parse_featured_html(listing, "b", strain=False))),
            listing,
        ),
        (
            "featured-html  html.parser, no strainer",
            lambda: len(list(parse_featured_html(listing, "b", parser="html.parser", strain=False))),
            listing,
        ),
        ("jsonld         50 JobPostings in @graph", lambda: len(list(parse_jsonld_page(jsonld, "b"))), jsonld),
        ("rss            50 WWR items", lambda: len(list(parse_feed(rss, "b"))), rss),
    ]
    results = {}
    print(f"{'kind / setup':<50} {'KB':>6} {'pages/s':>9} {'ms/page':>8}")
    for label, parse, sample in rows:
        rate = pages_per_second(parse, args.seconds, expected=50)
        results[label] = rate
        print(f"{label:<50} {len(sample.content) / 1024:>6.0f} {rate:>9.1f} {1000 / rate:>8.2f}")
    strained = results[rows[0][0]]
    print(
        f"\nlxml + strainer vs html.parser: {strained / results[rows[2][0]]:.2f}x (DESIGN.md section 8 expects >= 1.5x)"
    )
    print("\nJSON API kinds (bench/parse_api.py):")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import parse_api

    sys.argv = [sys.argv[0], "--seconds", str(args.seconds / 2)]
    parse_api.main()


if __name__ == "__main__":
    main()

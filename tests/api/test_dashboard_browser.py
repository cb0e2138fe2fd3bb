"""The dashboard in a real headless browser (Debian's chromium driven by Playwright) over both backends:
pages load without console errors, charts show one mark per datum, links, filters and paging work, and
nothing overflows a phone's width.

Skipped when /usr/bin/chromium or Playwright is missing, except under CI=true, where that fails.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine

from api.app import create_app
from models.settings import Settings
from tests.api.conftest import add_posting, add_run, add_source

pytestmark = pytest.mark.slow  # a real browser against a real server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright
except ImportError:  # checked by the `browser` fixture
    sync_playwright = None  # type: ignore[assignment]

SALARIES = [50_000.0, 60_000.0, 75_000.0, 90_000.0, 120_000.0, 200_000.0]  # nine 20k histogram buckets
UNSALARIED = 21  # 6 + 21 + the flagged one = 28 data engineers: two pages of 25
WEEKS_BACK = 2  # salaried postings first seen 2 weeks ago: quartiles in 3 weekly buckets


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is absent (apt-get install chromium)")
    if sync_playwright is None:
        missing.append('Playwright for Python is absent (pip install "playwright>=1.45,<2")')
    if missing:
        reason = "; ".join(missing)
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: the browser tests must run)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def seed(db: Engine) -> dict[str, int]:
    add_source(db, "alpha")
    add_source(db, "beta", kind="greenhouse")
    add_run(db, "alpha", "succeeded")
    add_run(db, "beta", "failed", error="ConnectError: name resolution failed")
    since = datetime.now(UTC) - timedelta(weeks=WEEKS_BACK)
    ids: dict[str, int] = {}
    for i, amount in enumerate(SALARIES):
        ids[f"salaried{i}"] = add_posting(
            db,
            title=f"Salaried Engineer {i}",
            annual_usd_mid=amount,
            first_seen=since + timedelta(minutes=i),
            remote="onsite" if i >= 4 else "remote",
            countries=["DE"] if i >= 4 else ["US"],
        )
    for i in range(UNSALARIED):
        add_posting(db, title=f"Data Engineer {i:02d}", first_seen=since + timedelta(hours=1, minutes=i))
    for amount in (100_000.0, 110_000.0, 120_000.0, 130_000.0, 140_000.0):
        add_posting(
            db, category="machine-learning-engineer", title="ML Engineer", annual_usd_mid=amount, first_seen=since
        )
    ids["flagged"] = add_posting(
        db,
        title='<b>Bold</b> "Outlier"',
        annual_usd_mid=1.1e9,
        salary_flagged=True,
        flagged=True,
        flags=[{"code": "salary_implausible", "message": "annual maximum 1.1 billion USD is beyond any real salary"}],
        first_seen=since - timedelta(days=1),
    )
    return ids


@pytest.fixture
def served(committing_engine: Engine) -> Iterator[tuple[str, dict[str, int]]]:
    """The app under uvicorn in a thread on a free 127.0.0.1 port over the seeded database: (base URL, ids)."""
    ids = seed(committing_engine)
    url = committing_engine.url.render_as_string(hide_password=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(database_url=url, rate_limit="off"), version_ttl_seconds=0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", ids
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@dataclass
class Problems:
    """Everything a page should not cause: console errors, uncaught exceptions, failed or 4xx/5xx requests."""

    seen: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning"):
                self.seen.append(f"console {message.type}: {message.text}")

        def response(answer: Response) -> None:
            if answer.status >= 400:
                self.seen.append(f"{answer.status} {answer.url}")

        def failed(request: Request) -> None:
            self.seen.append(f"request failed: {request.url} {request.failure}")

        page.on("console", console)
        page.on("pageerror", lambda error: self.seen.append(f"page error: {error}"))
        page.on("response", response)
        page.on("requestfailed", failed)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def test_every_page_loads_without_console_errors(served: tuple[str, dict[str, int]], page: Page) -> None:
    base, ids = served
    problems = Problems()
    problems.watch(page)
    for path in ("/", "/categories/data-engineer", "/outliers", "/sources", f"/jobs/{ids['flagged']}"):
        answer = page.goto(base + path)
        assert answer is not None and answer.status == 200, path
        assert page.locator("h1").first.is_visible(), path
        # the stylesheet applied: the header is the dark navy of dashboard.css
        background = page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor")
        assert background == "rgb(20, 33, 61)", path
    assert problems.seen == []


def test_charts_show_one_mark_per_datum(served: tuple[str, dict[str, int]], page: Page) -> None:
    base, _ids = served
    page.goto(base + "/")
    assert page.locator("svg.range-bar rect.range").count() == 2  # data engineers and ML engineers
    assert page.locator("svg.range-bar .median").count() == 2
    assert page.locator("svg.range-axis text").count() >= 3
    box = page.locator("svg.range-bar rect.range").first.bounding_box()
    assert box is not None and box["width"] > 5 and box["height"] > 5  # drawn, not just present

    page.goto(base + "/categories/data-engineer")
    bars = page.locator("svg.histogram rect.bar")
    assert bars.count() == 9
    assert sum(int(bars.nth(i).get_attribute("data-count") or 0) for i in range(9)) == len(SALARIES)
    assert page.locator("svg.history circle.p50").count() == WEEKS_BACK + 1
    assert page.locator("svg.history circle.point").count() == 3 * (WEEKS_BACK + 1)
    labels = page.locator("svg.histogram").text_content() or ""
    assert "Annual salary, USD" in labels and "Postings" in labels and "$100k" in labels
    # rendered heights follow the counts: 60k-80k holds two salaries, 40k-60k one, 80k-100k none
    heights = {}
    for i in range(9):
        box = bars.nth(i).bounding_box()
        heights[int(bars.nth(i).get_attribute("data-count") or 0)] = box["height"] if box else 0.0
    assert heights[2] > heights[1] > 5 and heights[0] < 1


def test_links_filters_and_paging_work(served: tuple[str, dict[str, int]], page: Page) -> None:
    base, ids = served
    page.goto(base + "/")
    page.get_by_role("link", name="Data Engineer", exact=True).first.click()
    page.wait_for_url("**/categories/data-engineer")
    jobs = page.locator("li.job")
    assert jobs.count() == 25

    page.get_by_role("link", name="Older →").click()
    page.wait_for_url("**cursor=**")
    assert jobs.count() == len(SALARIES) + UNSALARIED + 1 - 25  # and the flagged one

    page.goto(base + "/categories/data-engineer")
    page.select_option("select[name=remote]", "onsite")
    page.fill("input[name=country]", "de")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**remote=onsite**")
    assert "country=de" in page.url
    assert jobs.count() == 2
    assert page.locator("select[name=remote]").input_value() == "onsite"  # the form keeps what was asked
    assert page.locator("input[name=country]").input_value() == "DE"

    page.fill("input[name=country]", "")
    page.fill("input[name=min_salary]", "150k")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**min_salary=150k**")
    assert page.locator("a.job-title").all_inner_texts() == ["Salaried Engineer 5"]

    page.locator("a.job-title").first.click()
    page.wait_for_url(f"**/jobs/{ids['salaried5']}")
    assert page.locator("h1").inner_text() == "Salaried Engineer 5"


def test_outliers_show_escaped_titles_and_reasons(served: tuple[str, dict[str, int]], page: Page) -> None:
    base, ids = served
    page.goto(base + "/")
    page.get_by_role("link", name="Outliers", exact=True).click()
    page.wait_for_url("**/outliers")
    assert page.locator("a.job-title").all_inner_texts() == ['<b>Bold</b> "Outlier"']  # the markup as text
    assert page.locator("li.job b").count() == 0
    assert "Implausible salary." in page.locator("ul.flags").inner_text()
    page.locator("a.job-title").click()
    page.wait_for_url(f"**/jobs/{ids['flagged']}")


def test_sources_health_marks_the_failed_run_red(served: tuple[str, dict[str, int]], page: Page) -> None:
    base, _ids = served
    page.goto(base + "/")
    failed = page.locator("ul.health .status-failed")
    assert failed.count() == 1
    color = failed.evaluate("element => getComputedStyle(element).backgroundColor")
    assert color == "rgb(214, 69, 69)"


@pytest.mark.parametrize("path", ["/", "/categories/data-engineer", "/outliers", "/sources", "/jobs/1"], ids=str)
def test_pages_fit_a_phone(served: tuple[str, dict[str, int]], browser: Browser, path: str) -> None:
    base, ids = served
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(base + path.replace("/jobs/1", f"/jobs/{ids['salaried0']}"))
        overflow: Any = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    finally:
        context.close()

"""The demo's sample boards: what each round lists, the HTTP server, and every board read by its real adapter."""

from __future__ import annotations

import math
import socket
import ssl
import struct
import threading
import time
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from models.records import RawPosting, Salary
from scraper.config import SourceConfig, parse_sources
from scraper.demo import DemoBoard, board_state, demo_sources_toml
from scraper.demo.catalogue import BOARDS, ROTATION_FIRST_ID, DemoJob, Pay, load_catalogue, parse_catalogue
from scraper.demo.market import load_market
from scraper.demo.renderers.featured import featured_salary, relative_age
from scraper.demo.routing import Response
from scraper.demo.site import lever_id
from scraper.errors import ParseError
from scraper.fetching import Fetcher, FetchPolicy
from scraper.normalization.stated import read_stated_salary
from scraper.normalization.title import classify_title
from scraper.sources import REGISTRY, build_source
from scraper.validation.posting import validate_posting

SOURCE_BOARD = {board.source: board.key for board in load_catalogue().boards}
# Each test's board is a new server, so each request below opens a new connection, but all share one TLS context:
# httpx would build one for every call (30 ms of CPU), though these URLs are plain http://.
TLS = ssl.create_default_context()


# --- board_state: what each round lists ----------------------------------------------------------------------------


def salary_of(round_: int, board: str, job_id: str) -> Pay | None:
    job = board_state(round_).find(board, lambda job: job.id == job_id)
    assert job is not None, f"{board} {job_id} is not listed in round {round_}"
    return job.salary


@pytest.mark.parametrize(
    ("board", "job_id", "opens"),
    [
        ("featured", "410240", 1),  # the absurd USD 1111111K posting
        ("featured", "410247", 1),
        ("featured", "410254", 2),
        ("greenhouse", "7400113", 1),
        ("greenhouse", "7400114", 2),  # the 99999999900-cent range
        ("lever", "labeling-contractor", 2),
        ("jsonld", "HH-2026-035", 1),
        ("rss", "wwr-demo-5109", 1),
        ("featured", str(ROTATION_FIRST_ID + 4), 4),
        ("featured", str(ROTATION_FIRST_ID + 9), 9),
    ],
    ids=lambda v: str(v),
)
def test_a_posting_appears_in_its_round(board: str, job_id: str, opens: int) -> None:
    assert job_id not in board_state(opens - 1).ids(board)
    assert job_id in board_state(opens).ids(board)
    assert job_id in board_state(opens + 1).ids(board)


@pytest.mark.parametrize(
    ("board", "job_id", "closes"),
    [
        ("featured", "410191", 1),
        ("featured", "410212", 2),
        ("greenhouse", "7400105", 2),
        ("lever", "ml-engineer-sim", 1),
        ("jsonld", "HH-2026-020", 2),
        ("rss", "wwr-demo-5103", 1),
        ("featured", str(ROTATION_FIRST_ID + 4), 8),
    ],
    ids=lambda v: str(v),
)
def test_a_posting_goes_and_stays_gone(board: str, job_id: str, closes: int) -> None:
    assert job_id in board_state(closes - 1).ids(board)
    # Gone for at least two rounds, so the pipeline's two missed runs close it.
    for round_ in (closes, closes + 1, closes + 2):
        assert job_id not in board_state(round_).ids(board)


@pytest.mark.parametrize(
    ("board", "job_id", "changes", "before", "after"),
    [
        ("greenhouse", "7400101", 1, Pay("USD", 165000, 205000, "year"), Pay("USD", 175000, 220000, "year")),
        ("featured", "410226", 2, Pay("EUR", 65000, 80000, "year"), Pay("EUR", 72000, 88000, "year")),
        ("lever", "cv-engineer", 2, Pay("EUR", 78000, 96000, "year"), Pay("EUR", 84000, 102000, "year")),
        ("jsonld", "HH-2026-018", 3, Pay("USD", 150000, 185000, "year"), Pay("USD", 160000, 195000, "year")),
    ],
    ids=lambda v: str(v),
)
def test_a_salary_changes(board: str, job_id: str, changes: int, before: Pay, after: Pay) -> None:
    assert salary_of(changes - 1, board, job_id) == before
    assert salary_of(changes, board, job_id) == after
    assert salary_of(changes + 3, board, job_id) == after


def test_absurd_salaries_show_up_in_rounds_one_and_two() -> None:
    def absurd(round_: int) -> set[str]:
        state = board_state(round_)
        return {job.id for board in BOARDS for job in state.boards[board] if job.salary and job.salary.max >= 10**8}

    assert absurd(0) == set()
    assert absurd(1) == {"410240"}
    assert absurd(2) == {"410240", "7400114"}


@pytest.mark.parametrize("round_", range(1, 4))
def test_each_scripted_round_opens_closes_and_reprices(round_: int) -> None:
    before, after = board_state(round_ - 1), board_state(round_)
    new = gone = repriced = 0
    for board in BOARDS:
        old = {job.id: job for job in before.boards[board]}
        now = {job.id: job for job in after.boards[board]}
        new += len(now.keys() - old.keys())
        gone += len(old.keys() - now.keys())
        repriced += sum(1 for key in now.keys() & old.keys() if now[key].salary != old[key].salary)
    assert (new > 0, gone > 0, repriced > 0) == (True, True, True)


@pytest.mark.parametrize("round_", [8, 9, 20, 1000])
def test_late_rounds_keep_rotating(round_: int) -> None:
    before, after = set(board_state(round_ - 1).ids("featured")), set(board_state(round_).ids("featured"))
    assert after - before == {str(ROTATION_FIRST_ID + round_)}
    assert before - after == {str(ROTATION_FIRST_ID + round_ - 4)}


@pytest.mark.parametrize("round_", [0, 1, 2, 3, 4, 8, 50])
def test_every_board_lists_ten_to_twenty_five_postings(round_: int) -> None:
    state = board_state(round_)
    assert {board: 8 <= len(state.boards[board]) <= 25 for board in BOARDS} == dict.fromkeys(BOARDS, True)


def test_board_state_is_deterministic_and_refuses_rounds_before_the_past() -> None:
    assert board_state(3) == board_state(3)
    assert board_state(-25) == board_state(-25, load_catalogue())
    with pytest.raises(ValueError, match="round"):
        board_state(-26)


def test_the_scripted_boards_have_no_past() -> None:
    assert {board: board_state(-1).boards[board] for board in BOARDS} == dict.fromkeys(BOARDS, ())


def test_the_catalogue_covers_many_role_categories() -> None:
    jobs = load_catalogue().jobs + load_catalogue().rotation
    categories = {classify_title(job.title).slug for job in jobs}
    assert len(categories - {"other"}) >= 15, sorted(categories)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"job": [{"board": "monster", "id": "1", "title": "T", "company": "C", "location": "L"}]}, "board"),
        (
            {"job": [{"board": "rss", "id": "1", "title": "T", "company": "C", "location": "L", "salary": [1]}]},
            "salary",
        ),
        (
            {"job": [{"board": "rss", "id": "1", "title": "T", "company": "C", "location": "L", "level": "guru"}]},
            "level",
        ),
        ({"job": [{"board": "rss", "id": "1", "title": "T", "company": "C", "location": "L"}] * 2}, "twice"),
    ],
    ids=["unknown board", "bad salary", "unknown level", "duplicate id"],
)
def test_a_malformed_catalogue_is_refused(document: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_catalogue(document)


@pytest.mark.parametrize(
    ("pay", "text"),
    [
        (Pay("USD", 1111111000, 1111111000, "year"), "USD 1111111K - 1111111K"),
        (Pay("EUR", 65000, 80000, "year"), "EUR 65K - 80K"),
        (Pay("USD", 90, 120, "hour"), "USD 90 - 120 per hour"),
        (Pay("PLN", 9000, 12000, "month"), "PLN 9K - 12K per month"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_featured_salary(pay: Pay, text: str) -> None:
    assert featured_salary(pay) == text


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (timedelta(minutes=5), "1h ago"),
        (timedelta(hours=5), "5h ago"),
        (timedelta(days=1, hours=3), "yesterday"),
        (timedelta(days=6), "6d ago"),
        (timedelta(days=16), "2w ago"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_relative_age(age: timedelta, text: str) -> None:
    assert relative_age(age) == text


# --- the sources file -----------------------------------------------------------------------------------------------


def demo_configs(url: str, every: str = "1m") -> list[SourceConfig]:
    return parse_sources(
        tomllib.loads(demo_sources_toml(url, every=every)), REGISTRY, origin="demo", min_every_seconds=1
    )


def test_the_sources_file_names_one_source_per_board() -> None:
    configs = demo_configs("http://127.0.0.1:8123/", every="30s")
    assert sorted(SOURCE_BOARD[config.name] for config in configs) == sorted(b.key for b in load_catalogue().boards)
    assert len(configs) >= 28 and {c.kind for c in configs} >= {"featured-html", "greenhouse", "lever", "ashby", "rss"}
    assert {
        (c.every_seconds, c.allow_private_network, c.obey_robots, c.options["min_delay_seconds"]) for c in configs
    } == {(30, True, True, 0)}
    assert all(config.url.startswith("http://127.0.0.1:8123") and "//" not in config.url[7:] for config in configs)


def test_the_sources_file_refuses_a_bad_interval() -> None:
    with pytest.raises(ValueError, match="interval"):
        demo_sources_toml("http://127.0.0.1:8123", every="soon")


# --- the server -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[DemoBoard]:
    with DemoBoard(round_seconds=math.inf) as started:
        yield started


@pytest.fixture
def board(served: DemoBoard) -> DemoBoard:
    """The module's board, back at round 0: the round is all a test changes of it (`advance`, `replay`). One server
    for the module, not one a test: stopping a board waits out its 0.05 s poll (a second of the fast loop). A test
    of the dates of a replayed week starts its own board, as they count from the board's start."""
    served.replay(None)
    return served


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/robots.txt", 200, "text/plain"),
        ("/", 200, "text/html"),
        ("/?page=2", 200, "text/html"),
        ("/?page=x", 404, "text/html"),
        ("/v1/boards/quillstone/jobs?content=true&pay_transparency=true", 200, "application/json"),
        ("/v1/boards/nobody/jobs", 404, "application/json"),
        ("/v0/postings/ferrovia?mode=json&skip=0&limit=10", 200, "application/json"),
        ("/v0/postings/nobody?mode=json", 404, "application/json"),
        ("/careers/", 200, "text/html"),
        ("/remote-jobs.rss", 200, "application/rss+xml"),
        ("/nowhere", 404, "text/html"),
    ],
    ids=lambda v: str(v),
)
def test_the_server_answers(board: DemoBoard, path: str, status: int, content_type: str) -> None:
    response = httpx.get(board.url + path, verify=TLS)
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (status, content_type)


def test_the_round_follows_the_clock_and_advance() -> None:
    ticks = [100.0]
    demo = DemoBoard(round_seconds=30.0, clock=lambda: ticks[0])
    assert demo.round == 0
    ticks[0] = 159.9
    assert demo.round == 1
    ticks[0] = 160.0
    assert demo.round == 2
    assert demo.advance() == 3
    assert demo.advance(2) == 5


def test_an_open_posting_has_a_page_and_a_gone_one_does_not(board: DemoBoard) -> None:
    open_url = "/job/machine-learning-engineer-search-410212/"
    assert httpx.get(board.url + open_url, verify=TLS).status_code == 200
    board.advance(2)
    assert httpx.get(board.url + open_url, verify=TLS).status_code == 404


def test_the_server_stops() -> None:
    with DemoBoard(round_seconds=math.inf) as board:
        url = board.url
        board.stop()
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/robots.txt", timeout=2, verify=TLS)


# --- every board read by its real adapter ---------------------------------------------------------------------------


def expected_ids(job: DemoJob) -> str:
    return lever_id(job) if load_catalogue().board(job.board).kind in ("lever", "ashby") else job.id


def scrape(board: DemoBoard, boards: tuple[str, ...] = BOARDS) -> dict[str, list[RawPosting | ParseError]]:
    """Each demo source of `boards` (the scripted ones by default): fetch and parse through a real Fetcher."""
    found: dict[str, list[RawPosting | ParseError]] = {}
    for config in demo_configs(board.url):
        if SOURCE_BOARD[config.name] not in boards:
            continue
        source = build_source(config)
        policy = FetchPolicy(allow_private_network=True, min_delay_seconds=0)
        with Fetcher(policy) as fetcher:
            found[SOURCE_BOARD[config.name]] = [item for page in source.fetch(fetcher) for item in source.parse(page)]
    return found


@pytest.mark.parametrize("round_", [0, 1, 2, 3, 4, 8])
def test_each_board_parses_with_its_adapter(board: DemoBoard, round_: int) -> None:
    board.advance(round_)
    found = scrape(board)
    state = board_state(round_)
    errors = [item for items in found.values() for item in items if isinstance(item, ParseError)]
    assert errors == []
    got = {
        name: sorted(item.external_id or "" for item in items if isinstance(item, RawPosting))
        for name, items in found.items()
    }
    assert got == {name: sorted(expected_ids(job) for job in state.boards[name]) for name in BOARDS}


def stated(posting: RawPosting) -> Salary | None:
    return read_stated_salary(posting.salary_format, posting.salary_data)


def test_adapters_read_what_the_boards_state(board: DemoBoard) -> None:
    board.advance(1)
    found = {
        name: {item.external_id: item for item in items if isinstance(item, RawPosting)}
        for name, items in scrape(board).items()
    }
    featured = found["featured"]
    assert (featured["410240"].salary_text, featured["410233"].featured, featured["410226"].featured) == (
        "USD 1111111K - 1111111K",
        True,
        False,
    )
    salary = stated(found["greenhouse"]["7400101"])
    assert salary is not None and (salary.min, salary.max, salary.currency) == (175000, 220000, "USD")
    lever = found["lever"][lever_id(next(j for j in board_state(1).boards["lever"] if j.id == "mlops"))]
    assert lever.company == "Ferrovia Robotics" and (salary := stated(lever)) is not None and salary.currency == "EUR"
    careers = found["jsonld"]["HH-2026-031"]
    assert careers.company == "Halcyon Health" and (salary := stated(careers)) is not None and salary.min == 125000
    rss = found["rss"]["wwr-demo-5101"]
    assert (rss.company, rss.title, rss.tags) == (
        "Lumenfold",
        "Senior Backend Engineer (Go)",
        ("Go", "PostgreSQL", "Kafka"),
    )
    every_url = [item.url for items in found.values() for item in items.values()]
    with httpx.Client(verify=TLS) as client:
        assert {client.get(url).status_code for url in every_url if url} == {200}


# --- and through the normalizer -------------------------------------------------------------------------------------


def test_normalized_postings_flag_the_absurd_salaries_only(board: DemoBoard) -> None:
    posting = pytest.importorskip("scraper.normalization.posting")
    board.advance(2)
    context = posting.NormalizationContext(now=datetime.now(UTC))
    normalized = [
        validate_posting(posting.normalize_posting(item, context), rates=context.rates, now=context.now)
        for items in scrape(board).values()
        for item in items
        if isinstance(item, RawPosting)
    ]
    implausible = {p.external_id for p in normalized if any(f.code == "salary_implausible" for f in p.flags)}
    assert implausible == {"410240", "7400114"}
    salary_flagged = {p.external_id for p in normalized if any(f.code.startswith("salary_") for f in p.flags)}
    assert salary_flagged == implausible
    assert len({p.category for p in normalized} - {"other"}) >= 12
    assert {p.salary.currency for p in normalized if p.salary} >= {"USD", "EUR", "GBP", "CAD", "CHF", "PLN", "INR"}


def test_the_cross_listed_posting_shares_a_fingerprint(board: DemoBoard) -> None:
    """Ferrovia's robotics role is on the Lever site and the remote feed: the dashboard shows it once, two sources."""
    posting = pytest.importorskip("scraper.normalization.posting")
    context = posting.NormalizationContext(now=datetime.now(UTC))
    found = scrape(board)
    prints = {
        name: {
            posting.normalize_posting(item, context).fingerprint
            for item in items
            if isinstance(item, RawPosting) and item.title == "Senior Robotics Software Engineer"
        }
        for name, items in found.items()
    }
    assert len(prints["lever"]) == 1 and prints["lever"] == prints["rss"]


# --- the generated boards and their past ----------------------------------------------------------------------------

GENERATED = tuple(b.key for b in load_catalogue().boards if b.key not in BOARDS)

# The tests below fetch and parse all 25 generated boards over loopback (about 7 s each): end to end, so `slow`.


@pytest.mark.slow
@pytest.mark.parametrize("round_", [-25, -7, 0])
def test_every_generated_board_parses_with_its_adapter(board: DemoBoard, round_: int) -> None:
    board.replay(round_)
    found = scrape(board, GENERATED)
    errors = [item for items in found.values() for item in items if isinstance(item, ParseError)]
    assert errors == []
    got = {
        name: sorted(item.external_id or "" for item in items if isinstance(item, RawPosting))
        for name, items in found.items()
    }
    state = board_state(round_)
    assert got == {name: sorted(expected_ids(job) for job in state.boards[name]) for name in GENERATED}


@pytest.mark.slow
def test_a_replayed_week_is_dated_in_that_week() -> None:
    # Its own board: the dates of a replayed week count from the board's start.
    with DemoBoard(round_seconds=math.inf) as board:
        board.replay(-10)
        week = board.moment()
        assert timedelta(weeks=10) - timedelta(seconds=5) <= datetime.now(UTC) - week <= timedelta(weeks=10, seconds=5)
        posting = pytest.importorskip("scraper.normalization.posting")
        context = posting.NormalizationContext(now=week)
        normalized = [
            validate_posting(posting.normalize_posting(item, context), rates=context.rates, now=week)
            for items in scrape(board, GENERATED).values()
            for item in items
            if isinstance(item, RawPosting)
        ]
        assert all(p.posted_at is not None and p.posted_at <= week for p in normalized)
        notes = {flag.code for p in normalized for flag in p.flags if not flag.code.startswith("salary_")}
        assert notes == set()
        board.replay(None)
        assert board.round == 0


@pytest.mark.slow
def test_the_generated_boards_state_every_category_and_a_few_absurd_salaries(board: DemoBoard) -> None:
    posting = pytest.importorskip("scraper.normalization.posting")
    context = posting.NormalizationContext(now=datetime.now(UTC))
    normalized = [
        validate_posting(posting.normalize_posting(item, context), rates=context.rates, now=context.now)
        for items in scrape(board, GENERATED).values()
        for item in items
        if isinstance(item, RawPosting)
    ]
    salaried = {p.category for p in normalized if p.salary and not any(f.code.startswith("salary_") for f in p.flags)}
    assert len(salaried - {"other"}) == 19
    implausible = [p for p in normalized if any(f.code == "salary_implausible" for f in p.flags)]
    assert len(implausible) == load_market().absurd


class _HeldBoard(DemoBoard):
    """A demo board whose answers wait until `release` is set, once `asked` says a request arrived."""

    def __init__(self) -> None:
        super().__init__(round_seconds=math.inf)
        self.asked = threading.Event()
        self.release = threading.Event()

    def respond(self, target: str) -> Response:
        self.asked.set()
        self.release.wait(5)
        return super().respond(target)


def test_a_scraper_that_hangs_up_mid_answer_is_no_error(capsys: pytest.CaptureFixture[str]) -> None:
    # A run stopped at shutdown closes its connection while the board answers: no traceback on the demo's output.
    with _HeldBoard() as board:
        host, port = urlsplit(board.url).hostname, urlsplit(board.url).port
        client = socket.create_connection((host, port))
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: demo\r\n\r\n")
        assert board.asked.wait(5)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        client.close()
        time.sleep(0.1)
        board.release.set()
        with httpx.Client() as after:  # the board still answers the next scraper
            assert after.get(f"{board.url}/", timeout=5).status_code == 200
    assert "Traceback" not in capsys.readouterr().err

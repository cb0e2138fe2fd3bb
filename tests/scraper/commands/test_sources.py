"""`jobfeed sources add|import|remove|enable|disable` against a local fixture server (no network)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from scraper.cli import main
from scraper.config import BUNDLED_SOURCES, load_sources
from scraper.fetching import fetcher as fetcher_module

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
MINE = """\
# My own sources file: this comment must survive every edit.

[[source]]
name = "wwr"   # We Work Remotely
kind = "rss"
url = "https://weworkremotely.com/categories/remote-programming-jobs.rss"
every = "1h"
"""


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def server(fixture_server: Any) -> Any:
    """The ATS APIs at their standard paths (reached through --api-base) and some careers pages."""
    fixture_server.serve("/robots.txt", "text/plain", "User-agent: *\nAllow: /\n")
    return fixture_server


@pytest.fixture(autouse=True)
def retry_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands retry a page that fails once, after a random backoff of up to a second: the retry is theirs to
    make, the wait is not what these tests look at."""
    monkeypatch.setattr(fetcher_module, "backoff_delay", lambda attempt, **_: 0.0)


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("JOBFEED_SOURCES", raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "sources.toml"
    path.write_text(MINE, encoding="utf-8")
    return path


def serve_board(server: Any, kind: str, board: str) -> None:
    paths = {
        "greenhouse": ("/v1/boards/{}/jobs", "greenhouse/board.json"),
        "lever": ("/v0/postings/{}", "lever/postings.json"),
        "ashby": ("/posting-api/job-board/{}", "ashby/board.json"),
    }
    path, name = paths[kind]
    server.serve(path.format(board), "application/json", fixture(name))


def run(*args: str) -> int:
    return main(list(args))


LOCAL = ("--allow-private-network", "--delay", "0")


def test_add_an_ats_url_checks_it_and_appends_a_commented_table(server: Any, sources: Path, capsys: Any) -> None:
    serve_board(server, "lever", "mistral")
    code = run(
        "sources", "add", "https://jobs.lever.co/mistral", "--company", "Mistral AI", "--api-base", server.url, *LOCAL
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == f"added mistral-lever (lever mistral) to {sources}\n"
    text = sources.read_text(encoding="utf-8")
    assert text.startswith(
        MINE + "\n# Mistral AI: added from https://jobs.lever.co/mistral by `jobfeed sources add` on "
    )
    assert text.endswith(
        f'[[source]]\nname = "mistral-lever"\nkind = "lever"\nurl = "{server.url}"\nboard = "mistral"\n'
        'company = "Mistral AI"\nevery = "6h"\nallow_private_network = true\n'
    )
    assert [c.name for c in load_sources(sources)] == ["wwr", "mistral-lever"]
    assert any(path.startswith("/v0/postings/mistral") for path in server.requests)  # the check read it

    again = run("sources", "add", "https://jobs.lever.co/mistral/some-job-id", "--api-base", server.url, *LOCAL)
    assert again == 0
    assert capsys.readouterr().out == f"already there: mistral-lever (lever mistral) in {sources}\n"


def test_add_finds_the_board_a_careers_page_embeds(server: Any, sources: Path, capsys: Any) -> None:
    server.serve(
        "/careers",
        "text/html",
        '<html><body><div id="grnhse_app"></div>'
        '<script src="https://boards.greenhouse.io/embed/job_board/js?for=quantaforge"></script></body></html>',
    )
    serve_board(server, "greenhouse", "quantaforge")
    code = run("sources", "add", f"{server.url}/careers", "--print", "--api-base", server.url, *LOCAL)
    out, err = capsys.readouterr()
    assert code == 0, err
    table = tomllib.loads(out)["source"][0]
    assert table == {
        "name": "quantaforge-greenhouse",
        "kind": "greenhouse",
        "url": server.url,
        "board": "quantaforge",
        "every": "6h",
        "allow_private_network": True,
    }
    assert sources.read_text(encoding="utf-8") == MINE  # --print leaves the file alone
    assert "/robots.txt" in server.requests  # the page was fetched politely


def test_add_a_page_with_json_ld_postings(server: Any, sources: Path, capsys: Any) -> None:
    server.serve("/jobs/platform", "text/html", fixture("jsonld/clean.html"))
    code = run("sources", "add", f"{server.url}/jobs/platform", "--name", "keelson", "--every", "1d", *LOCAL)
    assert code == 0, capsys.readouterr().err
    [_, added] = load_sources(sources)
    assert (added.name, added.kind, added.url, added.every) == (
        "keelson",
        "jsonld",
        f"{server.url}/jobs/platform",
        "1d",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("https://example.invalid/careers", "--no-check"), "could not read the page"),
        (("{base}/nothing",), "not a careers URL of a supported ATS, and the page embeds no known board"),
        (("https://boards.greenhouse.io/gone", "--api-base", "{base}"), "the check failed: "),
        (("https://boards.greenhouse.io/x", "--name", "Bad Name", "--no-check"), "--name 'Bad Name': a source name"),
        (("https://jobs.lever.co/wwr", "--name", "wwr", "--no-check"), "a source named 'wwr' is there already"),
        (("https://boards.greenhouse.io/x", "--every", "10s", "--no-check"), "key 'every' = '10s' is shorter"),
    ],
    ids=["unreachable", "unrecognized", "check-fails", "bad-name", "name-taken", "bad-every"],
)
def test_add_refuses_with_one_line(
    server: Any, sources: Path, capsys: Any, args: tuple[str, ...], message: str
) -> None:
    server.serve("/nothing", "text/html", "<html><body><a href='/about'>About us</a></body></html>")
    code = run("sources", "add", *(arg.format(base=server.url) for arg in args), *LOCAL)
    err = capsys.readouterr().err
    assert code == 2
    [line] = [line for line in err.splitlines() if not line.startswith("checking ")]  # one line, after progress
    assert line.startswith("jobfeed: ") and message in line, err
    assert sources.read_text(encoding="utf-8") == MINE


def test_editing_the_bundled_list_is_refused_and_init_copies_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("JOBFEED_SOURCES", raising=False)
    monkeypatch.chdir(tmp_path)
    assert run("--sources", str(BUNDLED_SOURCES), "sources", "disable", "remoteok") == 2
    assert "is the bundled list inside the jobfeed package" in capsys.readouterr().err
    assert run("sources", "disable", "remoteok") == 2
    err = capsys.readouterr().err
    assert "there is no ./sources.toml to edit" in err and "--init" in err
    assert not (tmp_path / "sources.toml").exists()
    assert run("sources", "disable", "remoteok", "--init") == 0
    copied = (tmp_path / "sources.toml").read_text(encoding="utf-8")
    assert copied == BUNDLED_SOURCES.read_text(encoding="utf-8").replace(
        'name = "remoteok"\n', 'name = "remoteok"\nenabled = false\n', 1
    )


def test_remove_enable_disable(sources: Path, capsys: Any) -> None:
    assert run("sources", "add", "https://jobs.ashbyhq.com/openai", "--no-check", "--company", "OpenAI") == 0
    assert run("sources", "disable", "wwr") == 0
    assert 'name = "wwr"   # We Work Remotely\nenabled = false\n' in sources.read_text(encoding="utf-8")
    assert run("sources", "enable", "wwr") == 0
    assert run("sources", "remove", "openai-ashby") == 0
    assert sources.read_text(encoding="utf-8") == MINE.replace("Remotely\n", "Remotely\nenabled = true\n")
    capsys.readouterr()
    assert run("sources", "remove", "nope") == 2
    assert capsys.readouterr().err == f"jobfeed: {sources}: no source named 'nope' (sources: wwr)\n"
    assert run("sources", "remove", "wwr") == 2  # the only source


def test_import_a_hundred_rows(server: Any, sources: Path, tmp_path: Path, capsys: Any) -> None:
    rows: list[tuple[str, str, str]] = []  # (company, url, the status expected)
    for i in range(15):
        serve_board(server, "greenhouse", f"gh{i}")
        rows.append((f"Green {i}", f"https://boards.greenhouse.io/gh{i}", "added"))
    for i in range(10):
        serve_board(server, "lever", f"lv{i}")
        rows.append((f"Lever {i}", f"https://jobs.lever.co/lv{i}", "added"))
    for i in range(10):
        serve_board(server, "ashby", f"ab{i}")
        rows.append((f"Ashby {i}", f"https://jobs.ashbyhq.com/ab{i}", "added"))
    for i in range(10):
        serve_board(server, "greenhouse", f"emb{i}")
        server.serve(
            f"/careers/gh-{i}", "text/html", f'<iframe src="https://boards.greenhouse.io/embed/job_board?for=emb{i}">'
        )
        rows.append((f"Embedded {i}", f"{server.url}/careers/gh-{i}", "added"))
    for i in range(5):
        serve_board(server, "lever", f"lvemb{i}")
        links = "".join(f'<a href="https://jobs.lever.co/lvemb{i}/{n}">Job {n}</a>' for n in range(3))
        server.serve(f"/careers/lv-{i}", "text/html", f"<ul>{links}</ul>")
        rows.append((f"Linked {i}", f"{server.url}/careers/lv-{i}", "added"))
    for i in range(10):
        server.serve(f"/careers/ld-{i}", "text/html", fixture("jsonld/clean.html"))
        rows.append((f"Keelson {i}", f"{server.url}/careers/ld-{i}", "added"))
    for i in range(10):
        server.serve(f"/feeds/{i}.rss", "application/rss+xml", fixture("rss/wwr.xml"))
        rows.append((f"Feed {i}", f"{server.url}/feeds/{i}.rss", "added"))
    for i in range(10):
        rows.append((f"Again {i}", f"https://job-boards.greenhouse.io/gh{i}/jobs/4{i}", "already there"))
    for i in range(10):
        server.serve(f"/careers/none-{i}", "text/html", "<html><body><h1>We are not hiring</h1></body></html>")
        rows.append((f"Nobody {i}", f"{server.url}/careers/none-{i}", "not recognized"))
    for i in range(10):
        rows.append((f"Gone {i}", f"https://boards.greenhouse.io/gone{i}", "failed check"))
    assert len(rows) == 100
    csv_path = tmp_path / "companies.csv"
    csv_path.write_text("company,url\n" + "".join(f"{c},{u}\n" for c, u, _ in rows), encoding="utf-8")

    code = run("sources", "import", str(csv_path), "--api-base", server.url, *LOCAL)
    out, err = capsys.readouterr()
    assert code == 1  # some rows were not added
    report = out.splitlines()
    assert len(report) == 100
    for line, (company, _, status) in zip(report, rows, strict=True):
        assert line.startswith(f"{status:15} {company} "), line
    assert "[1/100] Green 0" in err and "[100/100] Gone 9" in err
    assert err.rstrip().endswith("100 rows: 70 added, 10 already there, 10 not recognized, 10 failed check")

    configs = load_sources(sources)
    assert len(configs) == 71
    assert sources.read_text(encoding="utf-8").startswith(MINE)
    by_name = {config.name: config for config in configs}
    assert by_name["green-3-greenhouse"].options == {"board": "gh3", "company": "Green 3"}
    assert by_name["embedded-2-greenhouse"].options["board"] == "emb2"
    assert by_name["keelson-4-jsonld"].url == f"{server.url}/careers/ld-4"
    assert by_name["feed-1-rss"].kind == "rss"

    # A second import adds nothing: every recognized row is already there.
    assert run("sources", "import", str(csv_path), "--api-base", server.url, "--no-check", *LOCAL) == 1
    out, err = capsys.readouterr()
    assert err.rstrip().endswith("100 rows: 10 added, 80 already there, 10 not recognized, 0 failed check")


@pytest.mark.parametrize("command", ["add", "import", "remove", "enable", "disable"])
def test_every_subcommand_has_help(command: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sources", command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: jobfeed sources {command}") and "--init" in out


def test_bare_sources_still_lists(sources: Path, tmp_path: Path, capsys: Any) -> None:
    assert run("--database-url", f"sqlite:///{tmp_path / 'db.sqlite'}", "sources") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split()[:4] == ["wwr", "rss", "1h", "yes"]

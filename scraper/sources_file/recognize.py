"""Careers-URL recognition: which kind, board and API endpoint a careers page or ATS URL stands for.

Pure functions over URL strings and page text; fetching a page to look inside it is `discover.py`'s job.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

# Hosts of the ATS kinds that are the company's own subdomain: never a company's board.
RESERVED_LABELS = frozenset({"www", "api", "app", "help", "support", "status", "blog", "careers", "jobs", "docs"})
WORKDAY_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2,4})?$")
FEED_PATH = re.compile(r"(?:\.rss|\.atom|/feed/?|/rss/?|/atom/?|/(?:rss|atom|feed|jobs)\.xml)$", re.IGNORECASE)
URL_IN_TEXT = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:/[^\s"'<>()\\]*)?""")


@dataclass(frozen=True, slots=True)
class Recognized:
    """A source as a careers URL describes it: `url` is what the sources file's `url` key gets."""

    kind: str
    url: str
    board: str | None = None

    def suggested_name(self) -> str:
        """A sources-file name: "<board>-<kind>" for ATS boards, "<site>-<kind>" for feeds and pages.

        >>> Recognized("workday", "https://acme.wd5.myworkdayjobs.com", "acme/External").suggested_name()
        'acme-workday'
        >>> Recognized("rss", "https://weworkremotely.com/remote-jobs.rss").suggested_name()
        'weworkremotely-rss'
        """
        stem = self.board.split("/")[0] if self.board else site_label(self.url)
        return slug(f"{stem}-{self.kind}")


def slug(text: str) -> str:
    """Lowercase a-z, 0-9 and single dashes (the sources file's name rule).

    >>> slug("Acme Labs (EU)_greenhouse")
    'acme-labs-eu-greenhouse'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "source"


def site_label(url: str) -> str:
    """The distinctive label of a URL's host: "jobs.example.co.uk" -> "example"."""
    labels = [label for label in (urlsplit(url).hostname or "").split(".") if label]
    labels = [label for label in labels if label not in RESERVED_LABELS] or labels
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in {"co", "com", "org", "net", "ac"}:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else "source")


def _segments(path: str) -> list[str]:
    return [unquote(part) for part in path.split("/") if part]


def recognize_url(url: str) -> Recognized | None:
    """The source a careers or ATS URL stands for, from its shape alone; None when it is no known shape.

    >>> recognize_url("https://boards.greenhouse.io/embed/job_board?for=acme")
    Recognized(kind='greenhouse', url='https://boards-api.greenhouse.io', board='acme')
    >>> recognize_url("https://acme.wd5.myworkdayjobs.com/en-US/External/job/Berlin/Engineer_R1")
    Recognized(kind='workday', url='https://acme.wd5.myworkdayjobs.com', board='acme/External')
    """
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    path = _segments(parts.path)
    query = parse_qs(parts.query)
    for recognize in _RECOGNIZERS:
        found = recognize(host, path, query)
        if found is not None:
            return found
    if FEED_PATH.search(parts.path) or query.get("format", [""])[0].lower() in ("rss", "atom"):
        return Recognized("rss", text)
    return None


def _board(path: list[str], at: int = 0) -> str | None:
    board = path[at] if len(path) > at else None
    return board if board and not board.startswith("?") else None


def _greenhouse(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    if host in ("boards.greenhouse.io", "job-boards.greenhouse.io", "boards-api.greenhouse.io"):
        if query.get("for"):  # the embed: /embed/job_board?for=acme, /embed/job_board/js?for=acme, /embed/job_app
            board: str | None = query["for"][0]
        elif path[:2] == ["v1", "boards"]:
            board = _board(path, 2)
        elif path and path[0] in ("embed", "v1"):
            board = None
        else:
            board = _board(path)
        if board:
            return Recognized("greenhouse", "https://boards-api.greenhouse.io", board)
    return None


def _lever(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    api = {"jobs.lever.co": "https://api.lever.co", "jobs.eu.lever.co": "https://api.eu.lever.co"}
    if host in api and (board := _board(path)):
        return Recognized("lever", api[host], board)
    if host in ("api.lever.co", "api.eu.lever.co") and path[:2] == ["v0", "postings"] and (board := _board(path, 2)):
        return Recognized("lever", f"https://{host}", board)
    return None


def _ashby(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    if host == "jobs.ashbyhq.com" and (board := _board(path)) and board != "api":
        return Recognized("ashby", "https://api.ashbyhq.com", board)
    if host == "api.ashbyhq.com" and path[:2] == ["posting-api", "job-board"] and (board := _board(path, 2)):
        return Recognized("ashby", "https://api.ashbyhq.com", board)
    return None


def _workable(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    if host != "apply.workable.com" or not path:
        return None
    if path[0] == "api":  # /api/v1/widget/accounts/{slug}, /api/v3/accounts/{slug}/jobs
        board = path[path.index("accounts") + 1] if "accounts" in path[:-1] else None
    else:
        board = path[0] if path[0] not in ("j", "careers") else None
    return Recognized("workable", "https://apply.workable.com", board) if board else None


def _smartrecruiters(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    if host in ("careers.smartrecruiters.com", "jobs.smartrecruiters.com") and (board := _board(path)):
        if board.lower() in ("oneclick-ui", "sr-jobs", "ni"):
            return None
        return Recognized("smartrecruiters", "https://api.smartrecruiters.com", board)
    if host == "api.smartrecruiters.com" and path[:2] == ["v1", "companies"] and (board := _board(path, 2)):
        return Recognized("smartrecruiters", "https://api.smartrecruiters.com", board)
    return None


def _subdomain(host: str, suffix: str) -> str | None:
    if not host.endswith(suffix):
        return None
    label = host[: -len(suffix)]
    return label if label and "." not in label and label not in RESERVED_LABELS else None


def _recruitee(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    board = _subdomain(host, ".recruitee.com")
    return Recognized("recruitee", f"https://{host}", board) if board else None


def _personio(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    board = _subdomain(host, ".jobs.personio.de") or _subdomain(host, ".jobs.personio.com")
    return Recognized("personio", f"https://{host}", board) if board else None


def _bamboohr(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    board = _subdomain(host, ".bamboohr.com")
    return Recognized("bamboohr", f"https://{host}", board) if board else None


def _workday(host: str, path: list[str], query: dict[str, list[str]]) -> Recognized | None:
    if host.endswith(".myworkdayjobs.com"):
        # https://{tenant}.wd5.myworkdayjobs.com/[en-US/]{site}[/job/...]; the CXS API: /wday/cxs/{tenant}/{site}/jobs
        tenant = host.split(".")[0]
        if path[:2] == ["wday", "cxs"] and len(path) >= 4:
            return Recognized("workday", f"https://{host}", f"{path[2]}/{path[3]}")
        rest = path[1:] if path and WORKDAY_LOCALE.match(path[0]) else path
        if rest and tenant not in RESERVED_LABELS:
            return Recognized("workday", f"https://{host}", f"{tenant}/{rest[0]}")
    if host.endswith(".myworkdaysite.com"):
        # https://wd3.myworkdaysite.com/[en-US/]recruiting/{tenant}/{site}
        rest = path[1:] if path and WORKDAY_LOCALE.match(path[0]) else path
        if len(rest) >= 3 and rest[0] == "recruiting":
            return Recognized("workday", f"https://{host}", f"{rest[1]}/{rest[2]}")
    return None


_RECOGNIZERS = (
    _greenhouse,
    _lever,
    _ashby,
    _workable,
    _smartrecruiters,
    _recruitee,
    _personio,
    _bamboohr,
    _workday,
)


def embedded_sources(page_url: str, html: str) -> list[Recognized]:
    """The ATS boards a careers page embeds (links, iframes, scripts, URLs in inline code), most cited first.

    Feeds are left out: a page's feed links are more often its blog than its jobs.

    >>> page = '<script src="https://boards.greenhouse.io/embed/job_board/js?for=acme"></script>'
    >>> embedded_sources("https://acme.example/careers", page)[0].board
    'acme'
    """
    counts: Counter[Recognized] = Counter()
    for match in URL_IN_TEXT.finditer(html.replace("&amp;", "&").replace("\\/", "/")):
        found = recognize_url(match.group(0))
        if found is not None and found.kind != "rss":
            counts[found] += 1
    own = recognize_url(page_url)
    if own is not None and own.kind != "rss":
        counts[own] += 1
    # most_common keeps first-seen order among equals (Counter preserves insertion order).
    return [found for found, _ in counts.most_common()]

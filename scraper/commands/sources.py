"""`jobfeed sources add|import|remove|enable|disable`: the sources file edited from the command line.

Recognition is scraper.sources_file (recognize, discover), the check one dry run (scraper.pipeline), the
edit scraper.sources_file.edit. Bare `jobfeed sources` (the listing) stays in scraper/cli.py.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from models.settings import Settings
from scraper.config import BUNDLED_SOURCES, SourceConfig, parse_sources
from scraper.errors import FetchError, SourceConfigError
from scraper.sources_file.edit import append_source, check, remove_source, set_enabled, write_sources
from scraper.sources_file.recognize import Recognized, slug
from scraper.sources_file.schema import KIND_OPTIONS

if TYPE_CHECKING:  # imported where used: `jobfeed --help` should not load httpx and the normalizer
    from scraper.fetching import Fetcher
    from scraper.fetching.throttle import HostThrottle
    from scraper.normalization.posting import NormalizationContext

T = TypeVar("T")
Handler = Callable[[argparse.Namespace, Settings], int]
DEFAULT_EVERY = {"rss": "1h", "jsonld": "6h"}  # an ATS board: every 6h (boards change daily, not hourly)


class CommandError(Exception):
    """A problem the user can fix: one line, exit status 2 (scraper.cli turns it into its UsageError)."""


# --- which file ---------------------------------------------------------------------------------------------------


def editable_path(settings: Settings, *, init: bool, cwd: Path | None = None) -> Path:
    """The sources file to edit: --sources / JOBFEED_SOURCES / ./sources.toml; never the bundled list.

    With `init` (or a yes on a terminal) a missing ./sources.toml starts as a copy of the bundled list.
    """
    local = (cwd or Path.cwd()) / "sources.toml"
    path = settings.sources or local
    if path.resolve() == BUNDLED_SOURCES.resolve():
        raise CommandError(
            f"{path} is the bundled list inside the jobfeed package; edits there are lost on upgrade: "
            "create ./sources.toml (run with --init to start it as a copy) and edit that"
        )
    if settings.sources is None and not local.exists():
        if init or _confirm(f"there is no ./sources.toml; start it as a copy of the bundled list ({BUNDLED_SOURCES})?"):
            shutil.copyfile(BUNDLED_SOURCES, local)
            print(f"created {local} from the bundled list", file=sys.stderr)
        else:
            raise CommandError(
                f"there is no ./sources.toml to edit, and the bundled list ({BUNDLED_SOURCES}) is part of the "
                "package: create ./sources.toml (run again with --init to start it as a copy of the bundled list) "
                "or point --sources / JOBFEED_SOURCES at your file"
            )
    return path


def _confirm(question: str) -> bool:
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def read_text(path: Path, *, missing_ok: bool) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return ""
        raise CommandError(f"{path}: sources file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read: {exc}") from None


# --- one URL to one table -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    every: str | None
    allow_private_network: bool
    api_base: str | None
    delay_seconds: float
    check: bool


def with_base(url: str, base: str | None) -> str:
    """`url` with the scheme and host of `base` (a mirror or a test server), path and query kept."""
    if base is None:
        return url
    new = urlsplit(base)
    old = urlsplit(url)
    return urlunsplit((new.scheme, new.netloc, old.path, old.query, ""))


def source_table(found: Recognized, name: str, company: str | None, options: Options) -> dict[str, Any]:
    url = found.url if found.kind in ("rss", "jsonld") else with_base(found.url, options.api_base)
    table: dict[str, Any] = {"name": name, "kind": found.kind, "url": url}
    if found.board is not None:
        table["board"] = found.board
    if company and "company" in KIND_OPTIONS[found.kind].model_fields:
        table["company"] = company
    table["every"] = options.every or DEFAULT_EVERY.get(found.kind, "6h")
    if options.allow_private_network:
        table["allow_private_network"] = True
    return table


def existing_match(configs: Sequence[SourceConfig], found: Recognized) -> SourceConfig | None:
    """A configured source reading the same board (same kind, same board) or the same feed or page."""
    for config in configs:
        if config.kind != found.kind:
            continue
        board = config.options.get("board")
        if found.board is not None and isinstance(board, str) and board.lower() == found.board.lower():
            return config
        if found.board is None and config.url.rstrip("/") == found.url.rstrip("/"):
            return config
    return None


def free_name(wanted: str, taken: set[str]) -> str:
    name, number = wanted, 2
    while name in taken:
        name, number = f"{wanted}-{number}", number + 1
    return name


class Checker:
    """Dry runs of new sources, sharing one per-host throttle (many boards share an API host) and one
    normalization context (rates and title rules read once, not per row)."""

    def __init__(self, options: Options) -> None:
        from scraper.fetching.throttle import HostThrottle

        self.options = options
        self.throttle = HostThrottle()
        self._context: NormalizationContext | None = None

    def check(self, table: dict[str, Any]) -> str | None:
        """One dry run of the source; None when it read postings, else why not (one line)."""
        from scraper.normalization.posting import NormalizationContext

        self._context = self._context or NormalizationContext()
        return check_source(table, self.options, self.throttle, self._context)


def check_source(
    table: dict[str, Any], options: Options, throttle: HostThrottle, context: NormalizationContext
) -> str | None:
    """One dry run of the source; None when it read postings, else why not (one line)."""
    from scraper.pipeline import dry_run
    from scraper.sources import REGISTRY

    [config] = parse_sources({"source": [table]}, REGISTRY, origin="the new source")
    config = replace(config, options={**config.options, "min_delay_seconds": options.delay_seconds})
    result = dry_run(config, lambda posting: None, throttle=throttle, context=context)
    if result.status.value == "failed":
        return result.error or "the dry run failed"
    if result.counts.fetched + result.counts.rejected == 0:  # expired postings still show a working source
        return "the dry run read no postings"
    return None


# --- commands -----------------------------------------------------------------------------------------------------


def _options(args: argparse.Namespace) -> Options:
    return Options(
        every=args.every,
        allow_private_network=args.allow_private_network,
        api_base=args.api_base,
        delay_seconds=args.delay,
        check=not args.no_check,
    )


def _fetcher(options: Options, throttle: HostThrottle) -> Fetcher:
    from scraper.fetching import Fetcher, FetchPolicy

    # One retry: a careers page that does not answer is reported, not waited for through a run's full backoff.
    policy = FetchPolicy(
        allow_private_network=options.allow_private_network, min_delay_seconds=options.delay_seconds, max_retries=1
    )
    return Fetcher(policy, throttle=throttle)


def _recognize(url: str, fetcher: Fetcher) -> Recognized:
    from scraper.sources import REGISTRY
    from scraper.sources_file.discover import discover

    try:
        found = discover(url, fetcher)
    except FetchError as exc:
        raise CommandError(f"{url}: could not read the page: {exc}") from None
    if found is None:
        raise CommandError(
            f"{url}: not a careers URL of a supported ATS, and the page embeds no known board, feed "
            "or schema.org JobPosting"
        )
    if found.kind not in REGISTRY:
        raise CommandError(f"{url}: a {found.kind} board ({found.board}), but this jobfeed has no {found.kind} adapter")
    return found


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    options = _options(args)
    path = None if args.print else editable_path(settings, init=args.init)
    text = read_text(path, missing_ok=True) if path else ""
    configs = _load(text, path)
    checker = Checker(options)
    with _fetcher(options, checker.throttle) as fetcher:
        found = _recognize(args.url, fetcher)
    if (same := existing_match(configs, found)) is not None and path is not None:
        print(f"already there: {same.name} ({same.kind} {same.options.get('board') or same.url}) in {path}")
        return 0
    name = args.name or found.suggested_name()
    if slug(name) != name:
        raise CommandError(f"--name {name!r}: a source name is lowercase a-z, 0-9 and '-' (e.g. {slug(name)!r})")
    if name in {config.name for config in configs}:
        raise CommandError(f"{path}: a source named {name!r} is there already (a different one): choose --name")
    table = source_table(found, name, args.company, options)
    if options.check:
        print(f"checking {name} ({found.kind}) with one dry run ...", file=sys.stderr, flush=True)
        problem = checker.check(table)
        if problem is not None:
            raise CommandError(f"{args.url}: the check failed: {problem} (--no-check adds it anyway)")
    comment = _comment(args.company or found.board, args.url)
    if path is None:
        print(append_source("", table, "the new source", comment=comment), end="")
        return 0
    write_sources(path, _edit(lambda: append_source(text, table, str(path), comment=comment)))
    print(f"added {name} ({found.kind}{' ' + found.board if found.board else ''}) to {path}")
    return 0


def _comment(label: str | None, url: str) -> str:
    day = datetime.now(UTC).date().isoformat()
    return (f"{label}: " if label else "") + f"added from {url} by `jobfeed sources add` on {day}"


def _load(text: str, path: Path | None) -> list[SourceConfig]:
    if not text.strip():
        return []
    return _edit(lambda: check(text, str(path)))


def _edit(edit: Callable[[], T]) -> T:
    try:
        return edit()
    except SourceConfigError as exc:
        raise CommandError(str(exc)) from None


def cmd_toggle(args: argparse.Namespace, settings: Settings) -> int:
    path = editable_path(settings, init=args.init)
    text = read_text(path, missing_ok=False)
    action = args.sources_command
    if action == "remove":
        result = _edit(lambda: remove_source(text, args.name, str(path)))
    else:
        result = _edit(lambda: set_enabled(text, args.name, action == "enable", str(path)))
    if result != text:
        write_sources(path, result)
    done = {"remove": "removed", "enable": "enabled", "disable": "disabled"}[action]
    print(f"{done} {args.name} in {path}")
    return 0


def read_rows(path: Path) -> list[tuple[str, str]]:
    """(company, url) rows of a CSV with columns company,url (a header row is optional); blank rows skipped."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CommandError(f"{path}: cannot read the CSV: {exc}") from None
    if rows and [cell.strip().lower() for cell in rows[0][:2]] == ["company", "url"]:
        rows = rows[1:]
    bad = next((number for number, row in enumerate(rows, start=1) if len(row) < 2 or not row[1].strip()), None)
    if bad is not None:
        raise CommandError(f"{path}: row {bad} has no url (columns: company,url)")
    return [(row[0].strip(), row[1].strip()) for row in rows]


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    options = _options(args)
    rows = read_rows(Path(args.file))
    path = editable_path(settings, init=args.init)
    text = read_text(path, missing_ok=True)
    configs = _load(text, path)
    checker = Checker(options)
    report: list[tuple[str, str, str]] = []
    tty = sys.stderr.isatty()
    with _fetcher(options, checker.throttle) as fetcher:
        for number, (company, url) in enumerate(rows, start=1):
            line = f"[{number}/{len(rows)}] {company or url}"
            print(f"\r{line[:100]:100}" if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)
            status, detail, text, configs = _import_row(company, url, text, configs, path, checker, fetcher)
            report.append((status, company, detail))
    if tty:
        print(file=sys.stderr)
    width = max((len(company) for _, company, _ in report), default=7)
    for status, company, detail in report:
        print(f"{status:15} {company:{width}}  {detail}")
    totals = Counter(status for status, _, _ in report)
    order = ("added", "already there", "not recognized", "failed check")
    print(f"{len(report)} rows: " + ", ".join(f"{totals[status]} {status}" for status in order), file=sys.stderr)
    return 0 if totals["not recognized"] + totals["failed check"] == 0 else 1


def _import_row(
    company: str,
    url: str,
    text: str,
    configs: list[SourceConfig],
    path: Path,
    checker: Checker,
    fetcher: Fetcher,
) -> tuple[str, str, str, list[SourceConfig]]:
    try:
        found = _recognize(url, fetcher)
    except CommandError as exc:
        return "not recognized", str(exc), text, configs
    if (same := existing_match(configs, found)) is not None:
        return "already there", f"as {same.name}", text, configs
    stem = slug(f"{company}-{found.kind}") if company else found.suggested_name()
    name = free_name(stem, {config.name for config in configs})
    table = source_table(found, name, company or None, checker.options)
    if checker.options.check and (problem := checker.check(table)) is not None:
        return "failed check", f"{found.kind} {found.board or found.url}: {problem}", text, configs
    try:
        text = append_source(text, table, str(path), comment=_comment(company or found.board, url))
    except SourceConfigError as exc:
        return "failed check", str(exc), text, configs
    write_sources(path, text)
    configs = [*configs, *parse_sources({"source": [table]}, origin=str(path))]
    return "added", f"as {name} ({found.kind}{' ' + found.board if found.board else ''})", text, configs


# --- registration -------------------------------------------------------------------------------------------------


def _one_line_errors(handler: Handler) -> Handler:
    """A CommandError is one line on stderr and exit status 2, as every other jobfeed error."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return handler(args, settings)
        except CommandError as exc:
            print(f"jobfeed: {exc}", file=sys.stderr)
            return 2

    return run


def register(sources: argparse.ArgumentParser) -> None:
    """The subcommands of `jobfeed sources` (which alone still lists the sources)."""
    commands = sources.add_subparsers(dest="sources_command", metavar="COMMAND")
    editing = argparse.ArgumentParser(add_help=False)
    editing.add_argument(
        "--init", action="store_true", help="start ./sources.toml as a copy of the bundled list when it is missing"
    )
    finding = argparse.ArgumentParser(add_help=False)
    finding.add_argument("--every", help="how often to read it (default: 6h for a board, 1h for a feed)")
    finding.add_argument("--no-check", action="store_true", help="add without reading it once first (a dry run)")
    finding.add_argument(
        "--allow-private-network",
        action="store_true",
        help="let it reach loopback/private addresses (a local mirror); written into the source too",
    )
    finding.add_argument("--api-base", help="use this host instead of the ATS's public API host (a mirror)")
    finding.add_argument(
        "--delay", type=float, default=1.0, help="seconds between requests to one host while looking (default 1)"
    )

    def add(name: str, handler: Handler, text: str, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text, parents=parents)
        sub.set_defaults(handler=_one_line_errors(handler))
        return sub

    adding = add(
        "add",
        cmd_add,
        "add a source from a careers URL (any supported ATS, a feed, or a page that embeds one)",
        [editing, finding],
    )
    adding.add_argument("url", metavar="URL", help="e.g. https://jobs.lever.co/acme or https://acme.example/careers")
    adding.add_argument("--name", help="the source's name (default: <board>-<kind>)")
    adding.add_argument("--company", help="the company name its postings carry (ATS kinds)")
    adding.add_argument("--print", action="store_true", help="print the [[source]] table instead of adding it")
    importing = add(
        "import", cmd_import, "add a source for each row of a CSV file with columns company,url", [editing, finding]
    )
    importing.add_argument("file", metavar="FILE.csv", help="CSV with columns company,url (a header row is optional)")
    for action, text in (
        ("remove", "remove a source from the sources file"),
        ("enable", "enable a source (enabled = true)"),
        ("disable", "disable a source (enabled = false), keeping it in the file"),
    ):
        add(action, cmd_toggle, text, [editing]).add_argument("name", metavar="NAME", help="the source's name")

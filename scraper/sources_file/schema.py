"""The sources file's schema: every [[source]] key of every kind as a pydantic model that refuses unknown keys.

It owns what a table may say and the one-line message for what it may not; `scraper.config` turns a checked
table into a SourceConfig, and each adapter reads its kind's options model (`GreenhouseOptions.of(config)`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from models.interval import UNIT_SECONDS, format_interval
from scraper.errors import SourceConfigError

if TYPE_CHECKING:
    from scraper.config import SourceConfig

NAME_RE = re.compile(r"^[a-z0-9-]+$")
INTERVAL_RE = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
URL_RE = re.compile(r"^https?://[^/\s?#]+")
MIN_EVERY_SECONDS = 60  # faster than a minute is hammering a board, not following it (DESIGN.md section 9)
MAX_EVERY_SECONDS = 30 * 86400  # slower than a month and the postings are gone before they are read

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Positive = Annotated[int, Field(ge=1)]
NonNegativeInt = Annotated[int, Field(ge=0)]
NonNegative = Annotated[float, Field(ge=0)]


def parse_interval(text: str) -> int:
    """Seconds in an interval written as "15m", "2h", "1d" (or "30s"); ValueError otherwise.

    >>> parse_interval("2h")
    7200
    """
    match = INTERVAL_RE.match(text) if isinstance(text, str) else None
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"interval {text!r} is not a positive number followed by s, m, h or d (e.g. 15m, 2h, 1d)")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def is_bare_host(url: str) -> bool:
    """True for a URL with no path beyond "/" and no query: a board source then builds its standard endpoint."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


class _Table(BaseModel):
    # TOML values are typed already: strict, so "yes" is not true and "5" is not 5.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CommonKeys(_Table):
    """Keys every kind takes (DESIGN.md section 4), including the network numbers a source may set for itself."""

    name: str
    kind: str
    url: str
    every: str = "1h"
    enabled: bool = True
    allow_private_network: bool = False
    obey_robots: bool = True
    user_agent: Text | None = None
    min_delay_seconds: NonNegative | None = None
    max_retries: NonNegativeInt | None = None
    backoff_base_seconds: NonNegative | None = None
    deadline_seconds: NonNegative | None = None
    max_body_bytes: NonNegativeInt | None = None
    suspect_repeats: Positive | None = None  # runs of a suspect size before it is the new normal (pipeline)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_RE.match(value):
            raise ValueError(f"must be lowercase a-z, 0-9 and '-', got {value!r}")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not URL_RE.match(value):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value

    @field_validator("every")
    @classmethod
    def _every(cls, value: str, info: Any) -> str:
        try:
            seconds = parse_interval(value)
        except ValueError:
            raise ValueError(f"must be a number and a unit s, m, h or d (15m, 2h, 1d), got {value!r}") from None
        low = (info.context or {}).get("min_every_seconds", MIN_EVERY_SECONDS)
        if seconds < low:
            raise ValueError(f"= {value!r} is shorter than the minimum of {format_interval(low)}")
        if seconds > MAX_EVERY_SECONDS:
            raise ValueError(f"= {value!r} is longer than the maximum of {format_interval(MAX_EVERY_SECONDS)}")
        return value.strip()


POLICY_KEYS = ("min_delay_seconds", "max_retries", "backoff_base_seconds", "deadline_seconds", "max_body_bytes")
# Common keys that stay in SourceConfig.options for the code that reads them there (fetcher, pipeline).
OPTION_KEYS = (*POLICY_KEYS, "suspect_repeats")
COMMON_KEYS = frozenset(CommonKeys.model_fields)


class KindOptions(_Table):
    """The kind-specific keys of a source; each kind's model is what its adapter reads."""

    # Greenhouse, Lever and Ashby build their endpoint from `board` when `url` is a bare host.
    board_builds_endpoint: ClassVar[bool] = False

    @classmethod
    def of(cls, config: SourceConfig) -> Self:
        """The options of a SourceConfig, checked; SourceConfigError naming the source and the key."""
        # A None value (a config built in code) is an unset key, as TOML, which has no null, would have it.
        table = {key: value for key, value in config.options.items() if key not in OPTION_KEYS and value is not None}
        try:
            options = cls.model_validate(table)
        except ValidationError as exc:
            raise SourceConfigError(f"source {config.name!r}: {describe_error(exc, config.kind)}") from None
        if options.board_builds_endpoint and getattr(options, "board", None) is None and is_bare_host(config.url):
            raise SourceConfigError(f"source {config.name!r}: {board_required(config.url)}")
        return options


def board_required(url: str) -> str:
    return (
        f"key 'board' is required when 'url' is a bare host ({url}); "
        'set board = "<token>" or give the full endpoint in url'
    )


class GreenhouseOptions(KindOptions):
    """`board` (the board token), `company` (for jobs with no `company_name`), `allow_empty`."""

    board_builds_endpoint: ClassVar[bool] = True
    board: Text | None = None
    company: Text | None = None
    allow_empty: bool = False


class AshbyOptions(GreenhouseOptions):
    """`board` (case-sensitive), `company` (Ashby names none), `allow_empty`."""


class LeverOptions(GreenhouseOptions):
    """`board`, `company` (Lever names none), `page_size`, `max_pages`, `allow_empty`."""

    page_size: Positive = 100
    max_pages: Positive = 20


class AtsOptions(KindOptions):
    """The ATS kinds of the second round (DESIGN.md section 9): `board` always, `company`, `max_pages`, and
    `allow_empty` as for the other boards (a board listing nothing is an error unless true)."""

    board: Text
    company: Text | None = None
    max_pages: Positive | None = None
    allow_empty: bool = False


class WorkdayOptions(AtsOptions):
    """`board` is "tenant/site", as in https://{tenant}.wd5.myworkdayjobs.com/{site}."""

    @field_validator("board")
    @classmethod
    def _tenant_site(cls, value: str) -> str:
        if not re.fullmatch(r"[^/\s]+/[^/\s]+", value):
            raise ValueError(f'must be "tenant/site" (e.g. "acme/External"), got {value!r}')
        return value


SELECTOR_KEYS = (
    "card_selector",
    "title_selector",
    "company_selector",
    "location_selector",
    "salary_selector",
    "link_selector",
)


class FeaturedHtmlOptions(KindOptions):
    """Listing pages (`max_pages`, `page_param`) and, for other boards' cards, CSS selectors."""

    max_pages: Positive = 5
    page_param: Text = "page"
    card_selector: Text | None = None
    title_selector: Text | None = None
    company_selector: Text | None = None
    location_selector: Text | None = None
    salary_selector: Text | None = None
    link_selector: Text | None = None

    @model_validator(mode="after")
    def _card_first(self) -> Self:
        if self.card_selector is None and any(getattr(self, key) for key in SELECTOR_KEYS):
            raise ValueError("key 'card_selector' is required when other selectors are set (it says what a card is)")
        return self

    @property
    def selectors(self) -> dict[str, str]:
        found = {key: getattr(self, key) for key in SELECTOR_KEYS}
        return {key: value for key, value in found.items() if value is not None}


class JsonLdOptions(KindOptions):
    """`follow`: a CSS selector of detail links on a listing page; `max_pages`: the listing plus details."""

    follow: Text | None = None
    max_pages: Positive = 25


class RssOptions(KindOptions):
    """`title_separator` splits "Company: Title" ("" disables); `remote`: the marker every item gets."""

    title_separator: str = ": "
    remote: Text | None = None


JSON_TEXT_FIELDS = (
    "external_id",
    "url",
    "title",
    "company",
    "remote",
    "employment_type",
    "seniority",
    "salary_text",
    "posted_at",
    "description_html",
    "apply_url",
    "category_hint",
)
JSON_LIST_FIELDS = ("locations", "tags")
JSON_SALARY_FIELDS = ("salary_min", "salary_max")
JSON_FIELDS = JSON_TEXT_FIELDS + JSON_LIST_FIELDS + JSON_SALARY_FIELDS
PresetName = Literal["remoteok", "remotive"]
PeriodName = Literal["hour", "day", "week", "month", "year"]


class JsonApiOptions(KindOptions):
    """A JSON list endpoint read through a field mapping (see JsonApiSource); a preset fills what is unset."""

    preset: PresetName | None = None
    items: Text | None = None
    skip_first: bool | None = None
    fields: dict[str, Any] | None = None
    salary_currency: Text | None = None
    salary_period: PeriodName | None = None
    company: Text | None = None
    remote: Text | None = None
    allow_empty: bool | None = None

    @field_validator("fields")
    @classmethod
    def _paths(cls, value: dict[str, Any] | None) -> dict[str, str | list[str]] | None:
        for name, spec in (value or {}).items():
            if name not in JSON_FIELDS:
                raise ValueError(f"key 'fields.{name}' is not one of {', '.join(JSON_FIELDS)}")
            specs = [spec] if isinstance(spec, str) else spec
            if not isinstance(specs, list) or not specs or not all(isinstance(s, str) and s.strip() for s in specs):
                raise ValueError(f"key 'fields.{name}' must be a path or a list of paths, got {spec!r}")
        return value

    @model_validator(mode="after")
    def _title(self) -> Self:
        if self.preset is None and self.fields is None:
            raise ValueError("key 'fields' is required (a table of field = \"path\"), or set a preset")
        if self.preset is None and "title" not in (self.fields or {}):
            raise ValueError("key 'fields.title' is required (where each item's title is)")
        return self


# The one table of kinds: a kind the file may name, and the keys it takes beyond the common ones.
KIND_OPTIONS: dict[str, type[KindOptions]] = {
    "featured-html": FeaturedHtmlOptions,
    "jsonld": JsonLdOptions,
    "greenhouse": GreenhouseOptions,
    "lever": LeverOptions,
    "ashby": AshbyOptions,
    "rss": RssOptions,
    "json-api": JsonApiOptions,
    "workable": AtsOptions,
    "smartrecruiters": AtsOptions,
    "recruitee": AtsOptions,
    "personio": AtsOptions,
    "workday": WorkdayOptions,
    "bamboohr": AtsOptions,
}


# --- checking a table ------------------------------------------------------------------------------------------


def check_table(
    entry: Any, origin: str, index: int, known_kinds: Iterable[str], *, min_every_seconds: int = MIN_EVERY_SECONDS
) -> tuple[CommonKeys, KindOptions]:
    """The `index`th [[source]] table of `origin` checked against its kind's schema.

    SourceConfigError "origin: source 'name': key 'x' problem" (or "source #3" while the name is unusable).
    """
    label = f"{origin}: source #{index}"
    if not isinstance(entry, Mapping):
        raise SourceConfigError(f"{label}: must be a table ([[source]]), got {type(entry).__name__}")
    name = entry.get("name")
    if isinstance(name, str) and NAME_RE.match(name):
        label = f"{origin}: source {name!r}"
    kinds = sorted(set(known_kinds) & set(KIND_OPTIONS))
    kind = entry.get("kind")
    if kind is None:
        raise SourceConfigError(f"{label}: key 'kind' is missing (one of {', '.join(kinds)})")
    if kind not in kinds:
        raise SourceConfigError(f"{label}: key 'kind' = {kind!r} is not one of {', '.join(kinds)}{_hint(kind, kinds)}")
    model = KIND_OPTIONS[kind]
    common = {key: value for key, value in entry.items() if key in COMMON_KEYS}
    specific = {key: value for key, value in entry.items() if key not in COMMON_KEYS}
    allowed = sorted(COMMON_KEYS | set(model.model_fields))
    unknown = [key for key in specific if key not in model.model_fields]
    if unknown:
        key = unknown[0]
        raise SourceConfigError(f"{label}: key {key!r} is not a key of a {kind} source{_hint(key, allowed, True)}")
    try:
        keys = CommonKeys.model_validate(common, context={"min_every_seconds": min_every_seconds})
        options = model.model_validate(specific)
    except ValidationError as exc:
        raise SourceConfigError(f"{label}: {describe_error(exc, kind)}") from None
    if options.board_builds_endpoint and getattr(options, "board", None) is None and is_bare_host(keys.url):
        raise SourceConfigError(f"{label}: {board_required(keys.url)}")
    return keys, options


def describe_error(exc: ValidationError, kind: str) -> str:
    """The first problem of a ValidationError as "key 'x' <problem>", in words a person can act on."""
    errors = sorted(exc.errors(), key=lambda error: error["type"] != "extra_forbidden")
    error = errors[0]
    key = ".".join(str(part) for part in error["loc"])
    problem = _problem(error, kind)
    # A whole-table check names its own key ("key 'card_selector' is required when ...").
    return problem if not key or problem.startswith("key ") else f"key {key!r} {problem}"


_QUOTED = re.compile(r"'([^']*)'")


def _problem(error: ErrorDetails, kind: str) -> str:
    kind_of, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    got = f", got {value!r}"
    words = {
        "missing": f"is missing (a {kind} source needs it)",
        "extra_forbidden": f"is not a key of a {kind} source",
        "bool_type": "must be true or false" + got,
        "int_type": "must be an integer" + got,
        "float_type": "must be a number" + got,
        "string_type": "must be a string" + got,
        "string_too_short": "must be a non-empty string" + got,
        "dict_type": "must be a table" + got,
        "list_type": "must be a list" + got,
        "greater_than_equal": (
            "must be a positive integer" if ctx.get("ge") == 1 else f"must be {ctx.get('ge')} or more"
        )
        + got,
        "literal_error": f"must be one of {', '.join(_QUOTED.findall(str(ctx.get('expected'))))}" + got,
    }
    if kind_of == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind_of == "union_tag_invalid" or kind_of not in words:
        return f"{error['msg'][:1].lower()}{error['msg'][1:]}" + got
    return words[kind_of]


def _hint(word: str, choices: Iterable[str], list_all: bool = False) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (keys: {', '.join(choices)})" if list_all else ""

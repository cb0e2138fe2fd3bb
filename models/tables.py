"""SQLAlchemy 2 tables: sources, postings, posting_changes, scrape_runs, host_budgets.

Shapes only. Enums are stored as strings; timestamps are timezone-aware UTC; lists and objects are JSON
(JSONB on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from models.posting import POSTING_COLUMNS
from models.types import BigId, JsonValue, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# What a constraint's `info` names when one backend enforces it otherwise than as declared.
ENFORCED_ON = "enforced_on"
# postings.source -> sources.name: a foreign key on SQLite; on PostgreSQL the same rule is kept by triggers that
# check an insert once per statement (migration fb1c2b55fb18: the per-row check was a fifth of a first scrape).
POSTING_SOURCE_KEY = ForeignKeyConstraint(
    ["source"],
    ["sources.name"],
    ondelete="CASCADE",
    name="fk_postings_source_sources",
    info={ENFORCED_ON: {"sqlite": "foreign key", "postgresql": "triggers"}},
).ddl_if(dialect="sqlite")


def declared_in(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """Alembic's `include_object` for comparing these models with a `dialect` database: a constraint kept by
    triggers there (see `ENFORCED_ON`) is not looked for among its declared constraints."""

    def include(item: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        enforced: dict[str, str] = getattr(item, "info", {}).get(ENFORCED_ON, {})
        return reflected or enforced.get(dialect, "foreign key") != "triggers"

    return include


class Source(Base):
    """A configured source, mirrored from the sources file at start; also carries run requests and HTTP validators."""

    __tablename__ = "sources"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(Text)
    every_seconds: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    options: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
    # url -> {"etag": ..., "last_modified": ...} remembered for conditional GETs between runs
    http_validators: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
    # set by POST /api/v1/sources/{name}/run, cleared by the scheduler when it claims the run
    run_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# The API's full-text expression: queries repeat it for PostgreSQL to use the index; written as
# PostgreSQL prints it back so that the models-vs-migrations comparison sees no difference.
POSTING_SEARCH_VECTOR = "to_tsvector('simple'::regconfig, (title || ' '::text) || COALESCE(company, ''::text))"
# When a posting was posted, as salary statistics' `since` reads it (the key of an index: written alike)
POSTED = "COALESCE(posted_at, first_seen)"


class Posting(Base):
    """One posting as one source lists it; cross-source duplicates share a fingerprint."""

    __tablename__ = "postings"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        POSTING_SOURCE_KEY,
        # newest-first keyset pagination, overall and per category
        Index("ix_postings_open_newest", "closed_at", "first_seen", "id"),
        Index("ix_postings_category_newest", "category", "closed_at", "first_seen", "id"),
        # API: a page of a category's open jobs; the filters pages combine with a category are read from the
        # index (an index-only scan picks the page's ids), so only the page's own rows are fetched from the heap
        Index(
            "ix_postings_open_category_page",
            "category",
            "first_seen",
            "id",
            postgresql_include=["countries", "seniority", "remote"],
            postgresql_where=text("closed_at IS NULL AND duplicate_of IS NULL"),
            sqlite_where=text("closed_at IS NULL AND duplicate_of IS NULL"),
        ),
        Index("ix_postings_fingerprint", "fingerprint"),
        # cross-source dedup looks each batch's apply URLs up; most postings have none
        Index(
            "ix_postings_apply_url",
            "apply_url",
            postgresql_where=text("apply_url IS NOT NULL"),
            sqlite_where=text("apply_url IS NOT NULL"),
        ),
        Index("ix_postings_company", "company"),
        Index("ix_postings_annual_usd_mid", "annual_usd_mid"),
        Index("ix_postings_posted_at", "posted_at"),
        # API: newest first with closed postings included, and the sources of a job's duplicates
        Index("ix_postings_first_seen_id", "first_seen", "id"),
        Index("ix_postings_duplicate_of", "duplicate_of"),
        # salary summaries' upkeep: a category's salaried postings read from the index alone (PostgreSQL: no
        # heap), each seniority x remote cell in value order
        Index(
            "ix_postings_salary_cells",
            "category",
            "seniority",
            "remote",
            "annual_usd_mid",
            postgresql_include=["countries", "salary_flagged", "first_seen", "closed_at"],
            postgresql_where=text("annual_usd_mid IS NOT NULL AND duplicate_of IS NULL"),
            sqlite_where=text("annual_usd_mid IS NOT NULL AND duplicate_of IS NULL"),
        ),
        # API: salary statistics with `since`, read from the index alone (one range per category); PostgreSQL only
        Index(
            "ix_postings_open_salaries_posted",
            "category",
            text(POSTED),
            postgresql_include=[
                "seniority",
                "remote",
                "countries",
                "salary_flagged",
                "annual_usd_mid",
                "posted_at",
                "first_seen",
            ],
            postgresql_where=text("annual_usd_mid IS NOT NULL AND duplicate_of IS NULL AND closed_at IS NULL"),
        ).ddl_if(dialect="postgresql"),
        # API: `q` over title and company; PostgreSQL only (SQLite filters with LIKE)
        Index(
            "ix_postings_search",
            text(POSTING_SEARCH_VECTOR),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(300))
    # One column per field of the posting definition (NormalizedPosting in models/records.py).
    for _column in POSTING_COLUMNS:
        vars()[_column.name] = mapped_column(
            _column.spec.type, nullable=_column.nullable, default=list if _column.is_list else None
        )
    del _column
    # Derived from the record by storage: the one value salary statistics use (midpoint of the annual USD
    # range, or the one stated bound), and whether any finding (a salary one) is among `flags`.
    annual_usd_mid: Mapped[float | None] = mapped_column(Float)
    salary_flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # consecutive complete runs of its source that did not list it; closed at the threshold
    missed_runs: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # the posting that represents this job in the API when several sources list it; None: itself
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="SET NULL"))
    # hash of the normalized content; equal hash means nothing to rewrite but last_seen
    content_hash: Mapped[str] = mapped_column(String(64))

    if TYPE_CHECKING:
        # For the type checker only: the generated columns that code names as attributes.
        url: Mapped[str]
        apply_url: Mapped[str | None]
        title: Mapped[str]
        title_raw: Mapped[str]
        featured: Mapped[bool | None]
        company: Mapped[str | None]
        category: Mapped[str]
        location_raw: Mapped[str | None]
        remote: Mapped[str | None]
        countries: Mapped[list[str]]
        regions: Mapped[list[str]]
        cities: Mapped[list[str]]
        employment_types: Mapped[list[str]]
        seniority: Mapped[str | None]
        tags: Mapped[list[str]]
        salary_raw: Mapped[str | None]
        salary_min: Mapped[float | None]
        salary_max: Mapped[float | None]
        salary_currency: Mapped[str | None]
        salary_period: Mapped[str | None]
        salary_period_basis: Mapped[str | None]
        annual_usd_min: Mapped[float | None]
        annual_usd_max: Mapped[float | None]
        flags: Mapped[list[dict[str, str]]]
        posted_at: Mapped[datetime | None]
        description_html: Mapped[str | None]
        fingerprint: Mapped[str]
        payload: Mapped[Any]


class PostingChange(Base):
    """What changed in a posting and when: salary, title, location, company, employment types, closed/reopened."""

    __tablename__ = "posting_changes"
    __table_args__ = (Index("ix_posting_changes_posting_id_changed_at", "posting_id", "changed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scrape_runs.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(30))
    old: Mapped[Any] = mapped_column(JsonValue, nullable=True)
    new: Mapped[Any] = mapped_column(JsonValue, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScrapeRun(Base):
    """One run of one source: its claim (source, scheduled_for), lease, status, counts and HTTP figures."""

    __tablename__ = "scrape_runs"
    __table_args__ = (
        # the claim of a scheduled slot: two schedulers cannot both insert it
        UniqueConstraint("source", "scheduled_for"),
        Index("ix_scrape_runs_source_started_at", "source", "started_at"),
        Index("ix_scrape_runs_status", "status"),
        # API: the data version (newest finished run) is read on every cache check
        Index("ix_scrape_runs_finished_at", "finished_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(ForeignKey("sources.name", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(20), default="manual")  # schedule | manual | api | replay (demo)
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner: Mapped[str | None] = mapped_column(String(200))  # host:pid of the process running it
    status: Mapped[str] = mapped_column(String(20), default="running")
    suspect: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    pages: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    fetched: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    new: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    updated: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    unchanged: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    closed: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    reopened: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    flagged: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rejected: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # {"flagged_by_code": {...}, "rejected_by_reason": {...}}
    details: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
    http: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
    error: Mapped[str | None] = mapped_column(Text)  # a short public message; the detail is in the log
    # status `deferred`: the host asked (Retry-After over the cap) not to be fetched before this time
    deferred_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def counts(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "fetched": self.fetched,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "closed": self.closed,
            "reopened": self.reopened,
            "flagged": self.flagged,
            "rejected": self.rejected,
            **(self.details or {}),
        }


class HostBudget(Base):
    """One host's shared politeness budget (PostgreSQL deployments): slot -1 holds the next request start,
    slots 0..N-1 are the in-flight places, each held by one process until it releases it or `held_until`."""

    __tablename__ = "host_budgets"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    next_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_by: Mapped[str | None] = mapped_column(String(200))
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The columns a models.salary_stats.SalaryRow is read from, in its order.
SALARY_ROW_COLUMNS = (
    Posting.seniority,
    Posting.remote,
    Posting.countries,
    Posting.salary_flagged,
    Posting.annual_usd_mid,
    Posting.first_seen,
    Posting.closed_at,
)


class SalarySummary(Base):
    """Salary statistics of one group of a category's open postings, kept up to date by the pipeline.

    `seniority`, `country` and `remote` hold one value, "" where the posting does not say, or "*" for
    every value (a roll-up); `histogram` maps bin index to count (bins of models.salary_stats).
    """

    __tablename__ = "salary_summaries"

    category: Mapped[str] = mapped_column(String(60), primary_key=True)
    seniority: Mapped[str] = mapped_column(String(20), primary_key=True)
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    remote: Mapped[str] = mapped_column(String(10), primary_key=True)
    include_flagged: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    excluded_flagged: Mapped[int] = mapped_column(Integer)
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    p10: Mapped[float | None] = mapped_column(Float)
    p25: Mapped[float | None] = mapped_column(Float)
    p50: Mapped[float | None] = mapped_column(Float)
    p75: Mapped[float | None] = mapped_column(Float)
    p90: Mapped[float | None] = mapped_column(Float)
    histogram: Mapped[dict[str, int]] = mapped_column(JsonValue, default=dict)


class SalaryHistoryPoint(Base):
    """Quartiles of one category's salaries over the postings open during one week or month."""

    __tablename__ = "salary_history_points"

    category: Mapped[str] = mapped_column(String(60), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(10), primary_key=True)  # week | month
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    include_flagged: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    p25: Mapped[float | None] = mapped_column(Float)
    p50: Mapped[float | None] = mapped_column(Float)
    p75: Mapped[float | None] = mapped_column(Float)


class SummaryState(Base):
    """A category whose summaries exist, and as of when (history buckets after it equal the open postings)."""

    __tablename__ = "summary_states"

    category: Mapped[str] = mapped_column(String(60), primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SummaryDirty(Base):
    """Postings of one category whose salary-relevant columns changed since its summaries were computed: their
    seniority, remote mode and countries (the cells they count in) and the earliest moment the change reaches
    back to (the history buckets from it on). A mark with all four null stands for the whole category.

    Written by database triggers on `postings` (migrations 20261204_1015, 20261204_1400), one statement per
    write statement on PostgreSQL; consumed by the summaries' upkeep: append-only rows, so concurrent writers
    never wait on each other here.
    """

    __tablename__ = "summary_dirty"
    __table_args__ = (Index("ix_summary_dirty_category", "category"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    category: Mapped[str] = mapped_column(String(60))
    seniority: Mapped[str | None] = mapped_column(String(20))
    remote: Mapped[str | None] = mapped_column(String(10))
    countries: Mapped[list[str] | None] = mapped_column(JsonValue)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SalaryPeriod(Base):
    """The salaries of one summary cell (as SalarySummary's keys) of a category's open postings posted in one span:
    a week (`weeks` 1; Monday, UTC, of `coalesce(posted_at, first_seen)`) or a block of weeks (models.salary_periods),
    from `start`; unflagged and flagged, each ascending and packed as little-endian doubles
    (models.sorted_union.pack_values). What `/salaries?since=` reads for the spans after `since` (the days before
    the first are read live). Kept by the summaries' upkeep for the weeks salary_period_dirty marks (and their
    blocks). Packed, 390,000 values read in 8-15 ms where float8[] took 23-35 ms (binary protocol; 111-245 ms as
    text), load ~2.5, 2026-12-04.
    """

    __tablename__ = "salary_periods"

    category: Mapped[str] = mapped_column(String(60), primary_key=True)
    seniority: Mapped[str] = mapped_column(String(20), primary_key=True)
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    remote: Mapped[str] = mapped_column(String(10), primary_key=True)
    weeks: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    clean: Mapped[bytes] = mapped_column(LargeBinary)
    flagged: Mapped[bytes] = mapped_column(LargeBinary)


class SalaryPeriodDirty(Base):
    """A week of a category whose open salaried postings changed since its salary periods were computed (any of
    the columns that put a posting in a cell or a week, or its value). Written by triggers on `postings`
    (migration 20261204_1900), consumed by the summaries' upkeep; append-only, like summary_dirty."""

    __tablename__ = "salary_period_dirty"
    __table_args__ = (Index("ix_salary_period_dirty_category", "category"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    category: Mapped[str] = mapped_column(String(60))
    week: Mapped[date] = mapped_column(Date)


class CategoryCount(Base):
    """Open, non-duplicate postings per category, kept exact by triggers on `postings` in the writing
    transaction itself (migration 20261204_1400): what `/api/v1/categories` serves without counting."""

    __tablename__ = "category_counts"

    category: Mapped[str] = mapped_column(String(60), primary_key=True)
    open_jobs: Mapped[int] = mapped_column(Integer, default=0)


class SavedSearch(Base):
    """A saved /jobs filter with its own feeds and, optionally, a webhook told of each new match."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    filters: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    # "whsec_" + base64: shown once when the search is created, kept to sign deliveries
    webhook_secret: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchMatch(Base):
    """A posting already announced to a saved search: the key that keeps a search from hearing of it twice."""

    __tablename__ = "search_matches"

    search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """The outbox: one webhook message per (saved search, run) that landed postings new to the search.

    Written in the transaction that records the matches, sent later by the scheduler/worker side; a row
    survives any process dying between the two. `status`: pending, delivered, failed.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("search_id", "run_id"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    webhook_id: Mapped[str] = mapped_column(String(40), unique=True)  # Standard Webhooks `webhook-id`
    search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scrape_runs.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    postings: Mapped[list[int]] = mapped_column(JsonValue, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a sender's claim: another sender takes the row over once it has passed (the first one died)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

"""Every database query of the API, read-only but for `request_run` (the one row the API writes).

One module per resource; this package re-exports what routers use as `queries.<name>`. Must not import
`scraper`; the salary statistic follows DESIGN.md section 7.
"""

from api.queries.categories import list_categories, open_jobs_by_category
from api.queries.dashboard import (
    ChangeRow,
    Listing,
    SourceHealth,
    count_flagged,
    posting_history,
    posting_listings,
    posting_payload,
    source_health,
)
from api.queries.postings import get_posting, list_postings, posting_page_json, postings_with_descriptions
from api.queries.salaries import SalaryScope, live_salary_history, live_salary_stats
from api.queries.sources import (
    RunRequest,
    database_ok,
    last_run_statuses,
    list_sources,
    newest_run_ids,
    newest_runs,
    request_run,
    source_names,
)
from api.queries.summaries import salary_breakdown, salary_history, salary_stats, summarized
from api.queries.version import data_version
from models.filters import as_utc, json_array_has, posting_conditions
from models.salary_stats import (
    HISTOGRAM_TOP_USD,
    HISTOGRAM_WIDTH_USD,
    MIN_GROUP_FOR_QUANTILES,
    QUANTILES,
    Bucket,
    bucket_start,
    bucket_starts,
    next_bucket,
    percentile_cont,
)

__all__ = [
    "HISTOGRAM_TOP_USD",
    "HISTOGRAM_WIDTH_USD",
    "MIN_GROUP_FOR_QUANTILES",
    "QUANTILES",
    "Bucket",
    "ChangeRow",
    "Listing",
    "RunRequest",
    "SalaryScope",
    "SourceHealth",
    "as_utc",
    "bucket_start",
    "bucket_starts",
    "count_flagged",
    "data_version",
    "database_ok",
    "get_posting",
    "json_array_has",
    "last_run_statuses",
    "list_categories",
    "list_postings",
    "list_sources",
    "live_salary_history",
    "live_salary_stats",
    "newest_run_ids",
    "newest_runs",
    "next_bucket",
    "open_jobs_by_category",
    "percentile_cont",
    "posting_conditions",
    "posting_history",
    "posting_listings",
    "posting_page_json",
    "posting_payload",
    "postings_with_descriptions",
    "request_run",
    "salary_breakdown",
    "salary_history",
    "salary_stats",
    "source_health",
    "source_names",
    "summarized",
]

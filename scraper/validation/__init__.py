"""Validation: findings as flags on a posting, never a drop (STYLE.md principle 7)."""

from scraper.validation.outliers import outlier_ids
from scraper.validation.posting import posting_flags, validate_posting
from scraper.validation.salary import salary_flags

__all__ = ["outlier_ids", "posting_flags", "salary_flags", "validate_posting"]

"""Closed vocabularies of the posting record (DESIGN.md section 5), stored as strings."""

from __future__ import annotations

from enum import StrEnum


class RemoteMode(StrEnum):
    REMOTE = "remote"
    HYBRID = "hybrid"
    ONSITE = "onsite"


class EmploymentType(StrEnum):
    FULL_TIME = "full-time"
    PART_TIME = "part-time"
    CONTRACT = "contract"
    FREELANCE = "freelance"
    TEMPORARY = "temporary"
    INTERNSHIP = "internship"


class Seniority(StrEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    PRINCIPAL = "principal"
    EXECUTIVE = "executive"


class Period(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class SalaryOrigin(StrEnum):
    """Where a salary was read: a structured value the source states, or free text (salary field, description)."""

    STRUCTURED = "structured"
    TEXT = "text"


class PeriodBasis(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    ABANDONED = "abandoned"
    CANCELLED = "cancelled"  # stopped by the user (Ctrl-C) before it finished
    DEFERRED = "deferred"  # the host asked to be left alone until `deferred_until` (Retry-After over the cap)
    MISSED = "missed"  # a slot that could not run (downtime, the previous run still going); never silence
    QUEUED = "queued"  # a slot claimed and handed to the task queue, not started yet


class ChangeField(StrEnum):
    SALARY = "salary"
    TITLE = "title"
    LOCATION = "location"
    COMPANY = "company"
    EMPLOYMENT_TYPES = "employment_types"
    CLOSED = "closed"
    REOPENED = "reopened"

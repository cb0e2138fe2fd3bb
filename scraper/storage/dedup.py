"""Cross-source dedup: which open postings are one job, and which of them represents it (`duplicate_of`).

Runs inside the writer's transaction (upsert, closing); reads and re-points `postings.duplicate_of` only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, String, Text, bindparam, select, text, update

from models.records import BOARD_FINGERPRINT_PREFIX
from models.tables import Posting
from scraper.storage._sql import among, chunks, json_keys
from scraper.storage._transaction import is_postgres


@dataclass(frozen=True, slots=True)
class _Member:
    """An open posting as the dedup pass sees it."""

    id: int
    source: str
    fingerprint_key: str | None
    apply_url: str | None
    first_seen: datetime
    duplicate_of: int | None


def linkable(fingerprint: str, company: str | None) -> bool:
    """Whether a fingerprint may link postings: with a company, or a board key (title, location, salary and date
    on one board). Without a company any other fingerprint is title and location alone, which would join
    unrelated employers' "Data Engineer, Remote"."""
    return company is not None or fingerprint.startswith(BOARD_FINGERPRINT_PREFIX)


def dedup_keys(row: dict[str, Any]) -> tuple[str | None, str | None]:
    return (row["fingerprint"] if linkable(row["fingerprint"], row["company"]) else None), row["apply_url"]


def add_keys(row: dict[str, Any], fingerprints: set[str], urls: set[str]) -> None:
    fingerprint, apply_url = dedup_keys(row)
    if fingerprint is not None:
        fingerprints.add(fingerprint)
    if apply_url is not None:
        urls.add(apply_url)


def repoint_duplicates(connection: Connection, fingerprints: set[str], apply_urls: set[str], ids: set[int]) -> int:
    """Recompute `duplicate_of` for every open posting linked to these keys or pointing at these ids.

    Open postings of *different* sources sharing a linkable fingerprint (`linkable`) or a non-null apply URL
    are one job; linked transitively, they form a group whose representative is its oldest member
    (first_seen, then id), with `duplicate_of` NULL; every other member points at it. A posting alone,
    or only with postings of its own source, points nowhere. Returns the number of rows re-pointed.
    """
    members: dict[int, _Member] = {}
    done_fingerprints: set[str] = set()
    done_urls: set[str] = set()
    fingerprint_front, url_front, id_front = set(fingerprints), set(apply_urls), set(ids)
    while fingerprint_front or url_front or id_front:
        found = _open_linked(connection, fingerprint_front, url_front, id_front)
        done_fingerprints |= fingerprint_front
        done_urls |= url_front
        fingerprint_front, url_front, id_front = set(), set(), set()
        for posting_id, source, fingerprint, company, apply_url, first_seen, duplicate_of in found:
            if posting_id in members:
                continue
            key = fingerprint if linkable(fingerprint, company) else None
            members[posting_id] = _Member(posting_id, source, key, apply_url, first_seen, duplicate_of)
            if key is not None and key not in done_fingerprints:
                fingerprint_front.add(key)
            if apply_url is not None and apply_url not in done_urls:
                url_front.add(apply_url)
    updates = [
        {"posting_id": member_id, "target": target}
        for member_id, target in _representatives(members).items()
        if members[member_id].duplicate_of != target
    ]
    if updates:
        statement = (
            update(Posting).where(Posting.id == bindparam("posting_id")).values(duplicate_of=bindparam("target"))
        )
        connection.execute(statement, updates, execution_options={"synchronize_session": False})
    return len(updates)


_LINKED_COLUMNS = (
    Posting.id,
    Posting.source,
    Posting.fingerprint,
    Posting.company,
    Posting.apply_url,
    Posting.first_seen,
    Posting.duplicate_of,
)


def _pg_open_by(column: str, key_type: str, condition: str = "") -> str:
    # One index probe per key (see _PG_STORED); the conditions stay outside the fenced subquery so that no
    # other index (closed_at's) competes with the key's.
    names = ", ".join(column.name for column in _LINKED_COLUMNS)
    return f"""
        SELECT {", ".join(f"p.{column.name}" for column in _LINKED_COLUMNS)}
        FROM json_array_elements_text(CAST(:{column} AS json)) AS k (key)
        CROSS JOIN LATERAL (
            SELECT {names}, closed_at FROM postings WHERE {column} = CAST(k.key AS {key_type}) OFFSET 0
        ) AS p
        WHERE p.closed_at IS NULL{condition}
    """


# One round trip; UNION sends a posting found by both its fingerprint and its apply URL once.
_PG_OPEN_LINKED = text(
    " UNION ".join(
        (
            _pg_open_by(
                "fingerprint",
                "varchar",
                f" AND (p.company IS NOT NULL OR p.fingerprint LIKE '{BOARD_FINGERPRINT_PREFIX}%')",
            ),
            _pg_open_by("apply_url", "text"),
            _pg_open_by("duplicate_of", "bigint"),
        )
    )
).columns(*_LINKED_COLUMNS)


def _open_linked(connection: Connection, fingerprints: set[str], apply_urls: set[str], ids: set[int]) -> list[Any]:
    """The open postings with one of these linkable fingerprints, apply URLs, or `duplicate_of` ids."""
    if is_postgres(connection):
        keys = {
            "fingerprint": json_keys(fingerprints),
            "apply_url": json_keys(apply_urls),
            "duplicate_of": json_keys(ids),
        }
        return list(connection.execute(_PG_OPEN_LINKED, keys))
    conditions = [
        *(
            among(connection, Posting.fingerprint, chunk, String)
            & (Posting.company.is_not(None) | Posting.fingerprint.startswith(BOARD_FINGERPRINT_PREFIX, autoescape=True))
            for chunk in chunks(fingerprints)
        ),
        *(among(connection, Posting.apply_url, chunk, Text) for chunk in chunks(apply_urls)),
        *(among(connection, Posting.duplicate_of, chunk, BigInteger) for chunk in chunks(ids)),
    ]
    found: list[Any] = []
    for condition in conditions:
        found.extend(connection.execute(select(*_LINKED_COLUMNS).where(Posting.closed_at.is_(None), condition)))
    return found


def stored_keys(connection: Connection, fingerprints: set[str], apply_urls: set[str]) -> tuple[set[str], set[str]]:
    """Which of these dedup keys of new postings an open posting already stored has; call it before the
    batch is written.

    Only those need the dedup pass. Once the batch is written, a key no stored open posting had is held by
    rows of this batch alone (new ones, or rewritten ones whose keys are in the pass already): one source,
    and a group of one source links nothing (`_representatives`). On a first scrape that spares reading
    back every posting just written, twice (by fingerprint and by apply URL), and grouping them in Python.
    """
    if not fingerprints and not apply_urls:
        return set(), set()
    found = _open_linked(connection, fingerprints, apply_urls, set())
    shared_fingerprints = {row.fingerprint for row in found if linkable(row.fingerprint, row.company)} & fingerprints
    return shared_fingerprints, {row.apply_url for row in found} & apply_urls


def _representatives(members: dict[int, _Member]) -> dict[int, int | None]:
    parent = {member_id: member_id for member_id in members}

    def root(member_id: int) -> int:
        while parent[member_id] != member_id:
            parent[member_id] = parent[parent[member_id]]
            member_id = parent[member_id]
        return member_id

    groups: defaultdict[tuple[str, str], list[_Member]] = defaultdict(list)
    for member in members.values():
        if member.fingerprint_key is not None:
            groups[("fingerprint", member.fingerprint_key)].append(member)
        if member.apply_url is not None:
            groups[("apply_url", member.apply_url)].append(member)
    for group in groups.values():
        if len({member.source for member in group}) < 2:
            continue
        first = root(group[0].id)
        for member in group[1:]:
            parent[root(member.id)] = first
    components: defaultdict[int, list[_Member]] = defaultdict(list)
    for member in members.values():
        components[root(member.id)].append(member)
    target: dict[int, int | None] = {}
    for component in components.values():
        representative = min(component, key=lambda member: (member.first_seen, member.id))
        for member in component:
            target[member.id] = None if member is representative or len(component) == 1 else representative.id
    return target

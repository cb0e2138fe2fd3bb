"""What follows from the one posting definition (`NormalizedPosting` and its `stored` metadata): the columns,
the stored values of a record, the API record of a row, and the changes the history tracks.

Pure: no I/O. The table (models/tables.py), storage and the API's schemas and queries all read it from here.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from models.enums import ChangeField
from models.records import STORED, Location, NormalizedPosting, Salary, Stored
from models.text import clean_json, strip_controls


@dataclass(frozen=True, slots=True)
class PostingColumn:
    """One content column of `postings`: where its value sits in the record and how it is stored and served."""

    name: str
    field: str  # the record field's name (in its composite, for `composite`)
    composite: str | None  # "location", "salary", or None for a field of the record itself
    spec: Stored
    annotation: Any  # the record field's type (`tuple[str, ...]`, `RemoteMode | None`)
    nullable: bool

    @property
    def is_list(self) -> bool:
        return typing.get_origin(self.annotation) is tuple


@dataclass(frozen=True, slots=True)
class RecordField:
    """One field of the API record: a column, or a composite made of columns."""

    name: str
    spec: Stored
    annotation: Any
    columns: tuple[PostingColumn, ...]  # one for a plain field; the composite's, in API order

    @property
    def composite(self) -> bool:
        return self.spec.type is None and not self.spec.key


def optional_part(annotation: Any) -> tuple[Any, bool]:
    """`X | None` -> (X, True); `X` -> (X, False).

    >>> optional_part(int | None)
    (<class 'int'>, True)
    """
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [member for member in typing.get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return members[0], True
    return annotation, annotation is Any


def _spec(item: dataclasses.Field[Any]) -> Stored | None:
    spec = item.metadata.get(STORED)
    return spec if isinstance(spec, Stored) else None


def _record_fields() -> tuple[RecordField, ...]:
    hints = typing.get_type_hints(NormalizedPosting)
    found: list[RecordField] = []
    for item in dataclasses.fields(NormalizedPosting):
        spec = _spec(item)
        if spec is None:
            continue
        annotation = hints[item.name]
        if spec.key:
            found.append(RecordField(item.name, spec, annotation, ()))
            continue
        if spec.type is not None:
            _, nullable = optional_part(annotation)
            column = PostingColumn(spec.column or item.name, item.name, None, spec, annotation, nullable)
            found.append(RecordField(item.name, spec, annotation, (column,)))
            continue
        kind, optional = optional_part(annotation)
        columns: list[PostingColumn] = []
        sub_hints = typing.get_type_hints(kind)
        for sub in dataclasses.fields(kind):
            sub_spec = _spec(sub)
            if sub_spec is None:
                continue
            sub_annotation = sub_hints[sub.name]
            _, nullable = optional_part(sub_annotation)
            name = sub_spec.column or sub.name
            columns.append(PostingColumn(name, sub.name, item.name, sub_spec, sub_annotation, nullable or optional))
        columns.sort(key=lambda column: not column.spec.api_first)
        found.append(RecordField(item.name, spec, annotation, tuple(columns)))
    return tuple(found)


RECORD_FIELDS = _record_fields()
# Every content column, in record order (the table declares the key, `source` and `external_id`, itself).
POSTING_COLUMNS: tuple[PostingColumn, ...] = tuple(column for field in RECORD_FIELDS for column in field.columns)
COLUMN_NAMES = tuple(column.name for column in POSTING_COLUMNS)
# The columns of every API record, the detail's extra ones, and those whose change rewrites the row.
RECORD_COLUMN_NAMES = tuple(c.name for f in RECORD_FIELDS if f.spec.api == "record" for c in f.columns)
DETAIL_COLUMN_NAMES = tuple(c.name for f in RECORD_FIELDS if f.spec.api == "detail" for c in f.columns)
HASHED_COLUMN_NAMES = tuple(column.name for column in POSTING_COLUMNS if column.spec.hashed)
# where a hashed value may be a timestamp (only a column of that type, or of any type, holds one)
_HASHED_TIMES = tuple(
    position
    for position, column in enumerate(c for c in POSTING_COLUMNS if c.spec.hashed)
    if optional_part(column.annotation)[0] in (datetime, Any)
)
TRACKED: dict[ChangeField, tuple[PostingColumn, ...]] = {}
for _column in POSTING_COLUMNS:
    if _column.spec.tracked is not None:
        TRACKED[_column.spec.tracked] = (*TRACKED.get(_column.spec.tracked, ()), _column)
TRACKED_COLUMN_NAMES = tuple(column.name for group in TRACKED.values() for column in group)
JSON_COLUMN_NAMES = frozenset(c.name for c in POSTING_COLUMNS if c.is_list or c.annotation is Any)


# ------------------------------------------------------------------------------------------ record -> row


def stored_value(value: Any) -> Any:
    """A record value as its column holds it: enums as their value, tuples as lists, findings as objects,
    every string through the text policy (models/text.py).

    >>> from models.enums import RemoteMode
    >>> stored_value((RemoteMode.REMOTE, "Berlin\\x00"))
    ['remote', 'Berlin']
    """
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return [stored_value(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: stored_value(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, dict):
        return clean_json(value)
    return value


def _store_text(value: Any) -> Any:
    return strip_controls(value) if value.__class__ is str else stored_value(value)


def _store_plain(value: Any) -> Any:
    return value if value is None or value.__class__ in _PLAIN else stored_value(value)


def _store_enum(value: Any) -> Any:
    return value._value_ if isinstance(value, Enum) else stored_value(value)


def _store_texts(value: Any) -> Any:
    if value.__class__ is not tuple:
        return stored_value(value)
    return [strip_controls(item) if item.__class__ is str else stored_value(item) for item in value]


def _store_enums(value: Any) -> Any:
    if value.__class__ is not tuple:
        return stored_value(value)
    return [item._value_ if isinstance(item, Enum) else stored_value(item) for item in value]


_PLAIN = frozenset({bool, int, float, datetime})


def _storer(column: PostingColumn) -> Callable[[Any], Any]:
    """`stored_value` narrowed to the column's declared type (a value of another type takes the general way):
    row building runs once per posting and column, and the general way's type tests cost most of it."""
    if column.annotation is Any:
        return clean_json
    kind, _ = optional_part(column.annotation)
    item = typing.get_args(kind)[0] if column.is_list else kind
    is_enum = isinstance(item, type) and issubclass(item, Enum)
    if column.is_list:
        return _store_enums if is_enum else _store_texts if item is str else stored_value
    return _store_enum if is_enum else _store_text if kind is str else _store_plain if kind in _PLAIN else stored_value


def _getter(column: PostingColumn) -> Callable[[NormalizedPosting], Any]:
    if column.composite is None:
        return operator.attrgetter(column.field)
    composite, name = column.composite, column.field

    def get(posting: NormalizedPosting) -> Any:
        part = getattr(posting, composite)
        return None if part is None else getattr(part, name)

    return get


_STORERS = tuple((column.name, _getter(column), _storer(column)) for column in POSTING_COLUMNS)


def stored_values(posting: NormalizedPosting) -> dict[str, Any]:
    """Every content column's value for one record (the key, `source` and `external_id`, not included)."""
    return {name: store(get(posting)) for name, get, store in _STORERS}


def hashed_content(values: Mapping[str, Any]) -> list[Any]:
    """What `content_hash` covers, in a stable order; a timestamp counts by its date only."""
    content = [values[name] for name in HASHED_COLUMN_NAMES]
    for position in _HASHED_TIMES:
        value = content[position]
        if isinstance(value, datetime):
            content[position] = value.date().isoformat()
    return content


# ------------------------------------------------------------------------------------------ row -> API


def _server(annotation: Any) -> Callable[[Any], Any] | None:
    """How a column's value is served by the API record: lists as lists, values outside a closed vocabulary
    (a writer bug) dropped rather than failing the page; None when the value is served as stored. Decided
    once per column, since every posting of every page and feed goes through it."""
    kind, _ = optional_part(annotation)
    if typing.get_origin(kind) is tuple:
        (item_kind, *_) = typing.get_args(kind)
        if isinstance(item_kind, type) and issubclass(item_kind, Enum):
            members = frozenset(member.value for member in item_kind)
            return lambda value: [item for item in value or () if item in members]
        if dataclasses.is_dataclass(item_kind):
            names = tuple(item.name for item in dataclasses.fields(item_kind))
            return lambda value: [
                {name: item.get(name) for name in names} for item in value or () if isinstance(item, dict)
            ]
        return lambda value: list(value or ())
    if isinstance(kind, type) and issubclass(kind, Enum):
        allowed = frozenset(member.value for member in kind)
        return lambda value: value if value in allowed else None
    return None


Reader = Callable[[Mapping[Any, Any]], Any]


def _reader(field: RecordField) -> Reader:
    """How one field of the API record is read from a row: a key, a column, or a composite of columns."""
    if field.spec.key:
        return operator.itemgetter(field.name)
    if not field.composite:
        (column,) = field.columns
        serve = _server(column.annotation)
        if serve is None:
            return operator.itemgetter(column.name)
        name = column.name
        return lambda row: serve(row[name])
    names = tuple(column.name for column in field.columns)
    parts = tuple((column.field, _server(column.annotation)) for column in field.columns)
    _, optional = optional_part(field.annotation)

    def composite(row: Mapping[Any, Any]) -> dict[str, Any] | None:
        values = [row[name] for name in names]
        if optional and values.count(None) == len(values):
            return None
        return {
            part: value if serve is None else serve(value) for (part, serve), value in zip(parts, values, strict=True)
        }

    return composite


_RECORD_READERS = tuple((field.name, _reader(field)) for field in RECORD_FIELDS if field.spec.api == "record")
_DETAIL_READERS = tuple((field.name, _reader(field)) for field in RECORD_FIELDS if field.spec.api is not None)


def record_values(row: Mapping[Any, Any], *, detail: bool = False) -> dict[str, Any]:
    """The posting-record part of an API record from a row with the record's columns (and `source`,
    `external_id`); the detail's fields too when `detail`. Composites are objects; an optional composite
    whose columns are all null is null (a posting that states no salary)."""
    return {name: get(row) for name, get in (_DETAIL_READERS if detail else _RECORD_READERS)}


# ------------------------------------------------------------------------------------------ history


_OPTIONAL_COMPOSITES = frozenset(f.name for f in RECORD_FIELDS if f.composite and optional_part(f.annotation)[1])


def _tracked_value(field: ChangeField, values: Mapping[str, Any]) -> Any:
    columns = TRACKED[field]
    if len(columns) == 1 and columns[0].composite is None:
        value = values[columns[0].name]
        return list(value or []) if columns[0].is_list else value
    part = {c.field: list(values[c.name] or []) if c.is_list else values[c.name] for c in columns}
    empty = all(item is None for item in part.values())
    return None if empty and columns[0].composite in _OPTIONAL_COMPOSITES else part


def _meaning(field: ChangeField, value: Any) -> Any:
    columns = TRACKED[field]
    if isinstance(value, dict):
        return {c.field: value[c.field] for c in columns if c.spec.compared}
    # a list alone is a set of values: the same employment types in another order are no change
    return sorted(value) if isinstance(value, list) else value


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[tuple[ChangeField, Any, Any]]:
    """(field, old value, new value) for every tracked field whose meaning changed between two rows.

    A composite's value is an object of its tracked columns (null for an optional composite with none);
    columns marked `compared=False` ride along in the value but do not make a change by themselves.
    """
    for field in TRACKED:
        old_value, new_value = _tracked_value(field, old), _tracked_value(field, new)
        if _meaning(field, old_value) != _meaning(field, new_value):
            yield field, old_value, new_value


__all__ = [
    "COLUMN_NAMES",
    "DETAIL_COLUMN_NAMES",
    "HASHED_COLUMN_NAMES",
    "JSON_COLUMN_NAMES",
    "POSTING_COLUMNS",
    "RECORD_COLUMN_NAMES",
    "RECORD_FIELDS",
    "TRACKED",
    "TRACKED_COLUMN_NAMES",
    "Location",
    "PostingColumn",
    "RecordField",
    "Salary",
    "changes",
    "hashed_content",
    "record_values",
    "stored_value",
    "stored_values",
]

"""Grouped read statements whose SQL is compiled once per process for each set of arguments.

Why: after a write, the regional dashboard runs six grouped statements. PostgreSQL answers them in about
7 ms at demo scale 10; Django took about as long again to build those querysets (filters, annotations
with FILTER clauses) and compile them to SQL, identical every time for the same period and provinces.
A function decorated with `@compiled_once` builds a values() or values_list() queryset from its
arguments alone; calling it returns the rows as a list (dicts or tuples, as the queryset would yield).
The first call with given arguments builds and compiles the queryset and keeps its SQL, parameters and
the converters Django applies to each column (Decimal on SQLite, for instance); later calls run the kept
SQL and convert its rows the same way. Only SQL text is kept, never rows: every call reads the data.

The builder must depend on its arguments only (no clock, no settings, no database reads) and they must
be hashable: sets as frozensets, dates and numbers as themselves. What it returns is checked: a values()
or values_list() queryset (model instances would need more than converted columns).
"""

import functools
from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import QuerySet, ValuesIterable, ValuesListIterable

CACHE_SIZE = 256  # per builder: a key is a period, a view and a set of provinces; a few dozen are in use


class _Compiled(NamedTuple):
    alias: str  # the database the queryset reads
    sql: str | None  # None: the statement can match no row (an empty IN list)
    params: tuple
    converters: list  # [(position, (converter, …), expression)]
    names: tuple[str, ...] | None  # the dicts' keys; None for tuples
    width: int | None  # the selected columns, when the SQL adds more (distinct() ordered by another column)


def _compile(queryset: QuerySet) -> _Compiled:
    iterable = queryset._iterable_class
    if iterable not in (ValuesIterable, ValuesListIterable):
        raise TypeError(f"compiled_once needs a values() or values_list() queryset, not {iterable.__name__}")
    query = queryset.query
    if query.select_for_update:
        raise TypeError("compiled_once reads; it does not lock rows")
    compiler = query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled(queryset.db, None, (), [], (), None)
    # As Django's own iterables: the selected columns, their converters, and the dicts' names.
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise TypeError("compiled_once does not read composite primary keys")
    converters = [(pos, convs, expression) for pos, (convs, expression) in compiler.get_converters(fields).items()]
    names = None
    if iterable is ValuesIterable:
        names = tuple(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
    width = compiler.col_count if compiler.has_extra_select else None  # as execute_sql cuts them off
    return _Compiled(queryset.db, sql, tuple(params), converters, names, width)


def compiled_once(build: Callable[..., QuerySet]) -> Callable[..., list]:
    """`build(*args)` → a values()/values_list() queryset; the decorated function → its rows, as a list."""

    @functools.lru_cache(maxsize=CACHE_SIZE)
    def statement(*args) -> _Compiled:
        return _compile(build(*args))

    @functools.wraps(build)
    def rows(*args) -> list:
        compiled = statement(*args)
        if compiled.sql is None:
            return []
        connection = connections[compiled.alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params)
            fetched = cursor.fetchall()
        if compiled.width is not None:
            fetched = [row[: compiled.width] for row in fetched]
        if compiled.converters:
            fetched = [_converted(row, compiled.converters, connection) for row in fetched]
        if compiled.names is None:
            return [tuple(row) for row in fetched]
        return [dict(zip(compiled.names, row, strict=True)) for row in fetched]

    rows.cache_clear = statement.cache_clear
    rows.cache_info = statement.cache_info
    return rows


def _converted(row, converters, connection) -> list:
    row = list(row)
    for pos, convs, expression in converters:
        value = row[pos]
        for converter in convs:
            value = converter(value, expression, connection)
        row[pos] = value
    return row

"""Cached figures and the data version that makes them stale.

The dashboards' figures are computed from many rows (plans, money entries, progress, registrations, the
provinces and their merger, the stored periods). Instead of tracking which write touches which figure,
every service that writes such rows calls `bump()`: one number in the cache, the data version, goes up
when the write's transaction commits. `cached(key_parts, compute)` keys a value by that version (and by
the caller's parts: period, view, scope, day), so the next request after a write finds no entry and
computes the figures again; entries of old versions are never read again and expire on their own.

Why on commit, not at the call: a request that reads the version between the bump and the commit would
compute figures without the write and store them under the new version, where they would stay. After the
commit, a request that read the old version can only store fresh figures under a key nobody reads any
more. A rolled-back write registers a callback that never runs, so it bumps nothing. Until its commit, a
transaction that wrote reads its own figures fresh (`writes_pending`): read-your-writes, and nothing it
cannot yet see lands in the shared cache.

Besides the dashboards' figures, the project lists' row count and total row are cached the same way,
keyed by the list's own SQL (`query_key`, `CountCachedPaginator`): the scope's provinces are in the SQL.

With REDIS_URL the cache (and so the version) is shared by every process; `incr` is atomic in Redis. When
the version is missing (first use, or evicted), it starts again from the clock in microseconds, above any
version used before, so an old entry can never be mistaken for a current one.

This module sits in khuyencong, below nothing: the apps' services (provinces up to reports) call it.
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import transaction
from django.utils import translation
from django.utils.functional import cached_property

VERSION_KEY = "figures:data-version"
T = TypeVar("T")


# Inside `one_version()` (every request: khuyencong.middleware.OneDataVersionMiddleware) the version read
# first is kept for the rest of the request, so all its cached values belong to one version. Without it, a
# page that cached its count under the old version and then its rendered rows under the new one (another
# process's write committed in between) stored figures from before the write under the version after it.
_pinning: ContextVar[bool] = ContextVar("figures_version_pinning", default=False)
_pinned: ContextVar[int | None] = ContextVar("figures_version_pinned", default=None)


def version() -> int:
    """The current data version (created from the clock when missing); inside `one_version()`, the one read
    first in it, until a write of its own commits."""
    if not _pinning.get():
        return _read_version()
    value = _pinned.get()
    if value is None:
        value = _read_version()
        _pinned.set(value)
    return value


def _read_version(name: str = VERSION_KEY) -> int:
    value = cache.get(name)
    if value is None:
        cache.add(name, time.time_ns() // 1000, timeout=None)
        value = cache.get(name)
    return int(value)


@contextmanager
def one_version():
    """Every cached value read or stored within belongs to the data version read first (see `_pinning`)."""
    pinning, pinned = _pinning.set(True), _pinned.set(None)
    try:
        yield
    finally:
        _pinned.reset(pinned)
        _pinning.reset(pinning)


def _increment() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing (evicted, or never read): a fresh version is already above every old one
        _read_version()


class _Bump:
    """The on-commit callback of one transaction's bump; `done` once it ran (a test may run it early)."""

    done = False

    def __call__(self) -> None:
        self.done = True
        _increment()
        _pinned.set(None)  # a request whose own write committed reads the new version from now on


def _pending(connection) -> list[_Bump]:
    return [func for _sids, func, _robust in connection.run_on_commit if isinstance(func, _Bump) and not func.done]


def bump(*, using: str | None = None) -> None:
    """The figures change when the current transaction commits (at once outside a transaction).

    Not twice for one transaction: when a bump is already registered at this level or an enclosing one (its
    savepoints all still open), it runs on the same commit, so this one is left out. An import that calls
    bump() once at the top of its transaction writes its 5,000 rows through the services with one callback.
    """
    _register(_Bump, using)


def _register(kind: type[_Bump], using: str | None) -> None:
    """On commit, a bump of this kind, unless one is registered already (see bump)."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        open_savepoints = set(connection.savepoint_ids)
        for sids, func, _robust in connection.run_on_commit:
            if isinstance(func, kind) and not func.done and sids <= open_savepoints:
                return
    transaction.on_commit(kind(), using=using)


def is_bump(callback) -> bool:
    """Whether an on-commit callback is a bump (tests that count the tasks a service queues leave it out)."""
    return isinstance(callback, _Bump)


def writes_pending(*, using: str | None = None) -> bool:
    """Whether the current transaction wrote figures it has not committed yet: it must read them itself, not
    figures cached without them (and must not cache what it reads, which others cannot see yet)."""
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and bool(_pending(connection))


# ---- reference data ------------------------------------------------------------------------------------
# The calendar's rules and stored periods, the provinces and their regions change a few times a year, yet
# almost every page reads some of them. Under the data version, every officer's entry made the next page read
# them again; under a version of their own, only writes of those rows do. Those models bump it from a signal
# (`ReferenceBumps` in periods/apps.py and provinces/apps.py: every save and delete, the admin's and the
# commands' too; QuerySet.update and bulk_create send no signal, and a test keeps them off these models),
# and a reference bump moves the data version as well: the figures are computed from them.

REFERENCE_VERSION_KEY = "reference:data-version"


class _ReferenceBump(_Bump):
    def __call__(self) -> None:
        super().__call__()
        try:
            cache.incr(REFERENCE_VERSION_KEY)
        except ValueError:
            _read_version(REFERENCE_VERSION_KEY)


def bump_reference(*, using: str | None = None) -> None:
    """Reference data (and so the figures) change when the current transaction commits; once a transaction."""
    _register(_ReferenceBump, using)


def reference_cached(key_parts: Iterable, compute: Callable[[], T], *, seconds: int | None = None) -> T:
    """compute() over reference data only, or its value stored at the reference version in the active
    language (always compute() inside a transaction that wrote reference rows it has not committed yet)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(isinstance(f, _ReferenceBump) for f in _pending(connection)):
        return compute()
    parts = [str(part) for part in key_parts]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    version, language = _read_version(REFERENCE_VERSION_KEY), translation.get_language()
    return _stored(f"reference:{settings.KC_RELEASE}:r{version}:{language}:{parts[0]}:{digest}", compute, seconds)


def _stored(cache_key: str, compute: Callable[[], T], seconds: int | None) -> T:
    """The value under the key, or compute() stored there (FIGURES_CACHE_SECONDS unless `seconds`)."""
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.FIGURES_CACHE_SECONDS if seconds is None else seconds)
    return value


class ReferenceBumps:
    """Connects the bump to every save and delete of the given models (call from an AppConfig.ready)."""

    def __init__(self, *models):
        from django.db.models.signals import post_delete, post_save

        for model in models:
            # weak=False: nothing else holds this receiver.
            post_save.connect(self, sender=model, weak=False, dispatch_uid=f"reference-save-{model._meta.label}")
            post_delete.connect(self, sender=model, weak=False, dispatch_uid=f"reference-delete-{model._meta.label}")

    def __call__(self, sender, using=None, **kwargs) -> None:
        bump_reference(using=using)


def key(key_parts: Iterable) -> str:
    """The cache key of a value at the current data version, in the active language (labels are translated
    when figures are built), for this release of the code (settings.KC_RELEASE)."""
    parts = [str(part) for part in key_parts]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return (
        f"figures:{settings.KC_RELEASE}:v{version()}:{translation.get_language()}:{parts[0] if parts else ''}:{digest}"
    )


def cached(key_parts: Iterable, compute: Callable[[], T], *, seconds: int | None = None) -> T:
    """compute(), or its value stored for the same parts at the current data version; always compute() (and
    store nothing) inside a transaction whose own writes are not committed yet (`writes_pending`). `seconds`:
    how long an entry may take memory (FIGURES_CACHE_SECONDS by default; a version's entries are dead once
    it moves on, so large per-query values — rendered pages — are kept shorter)."""
    if writes_pending():
        return compute()
    return _stored(key(key_parts), compute, seconds)


class BumpsDataVersion:
    """For a ModelAdmin of rows the figures read (plans, entries, provinces…): edits in the admin bump too."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump()


def query_key(queryset, *, ordered: bool = False) -> list:
    """A queryset's own SQL and parameters, as key parts: the same filters in the same scope (the scope's
    provinces are in the SQL) on the same data version give the same rows. `ordered`: the order and any slice
    are kept (the same rows in the same order: a page, a section's first items); left out by default, as
    counts and sums do not depend on them."""
    try:
        sql, params = (queryset if ordered else queryset.order_by()).query.sql_with_params()
    except EmptyResultSet:  # a scope that matches nothing (`none()`, an empty id list): no SQL, no row
        return ["no rows", queryset.model._meta.label]
    return [sql, *params]


def page_key(page) -> list:
    """A page of a list as key parts: its slice's own SQL (scope, filters, order, money window, offset)."""
    return ["page", *query_key(page.object_list, ordered=True), page.number]


class CountCachedPaginator(Paginator):
    """Django's paginator with the row count cached by data version under the list's SQL: counting every
    project in scope grows with the data, the page of 50 rows does not."""

    @cached_property
    def count(self) -> int:
        if not hasattr(self.object_list, "query"):
            return super().count
        return cached(["list-count", *query_key(self.object_list)], lambda: Paginator.count.func(self))

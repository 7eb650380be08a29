"""Reads of reference data, and the doors every app goes through:

- the merger door: `province_on` (the province a province is on a date, following the successor chain to
  its end), `province_for_plan_year` / `provinces_of_plan_year` (the province a plan year's project is
  recorded under: the one that existed at the end of the plan year), `successor_among` (the same walk
  over provinces already read), `province_family_ids` (a province and everything merged into it,
  transitively);
- the read door for scope: `scope_for_user` (and `province_ids_in_scope`, `provinces_in_scope_for`);
- the write door for scope: `require_in_scope`, which every service calls before changing a province's data.

The scope has a commune level below the province: a collaborator account (cộng tác viên) reaches only its own
communes (`commune_ids_in_scope`), so it sees nothing province-wide, and a queryset reaches it only when the
caller names the commune field (`scope_for_user(..., commune_field=...)`).
"""

import datetime
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong import cachekeys
from khuyencong.text import vi_order
from provinces.models import Province, RegionMembership, Unit, User

SOUTHERN_REGION = "southern"


def province_ids_in_scope(*, user: User) -> set[int] | None:
    """Province ids whose working data this user may see and change; None means every province.

    A provincial account reaches its unit's province and the provinces merged into it in 2025, so an
    officer of today's Tây Ninh works on projects approved under old Tây Ninh and Long An.
    """
    if not user.is_authenticated:
        return set()
    if user.sees_all_provinces:
        return None
    if user.is_collaborator:  # commune level only: no province's data as a whole
        return set()
    if user.unit is None or user.unit.province_id is None:
        return set()
    return province_family_ids(province_id=user.unit.province_id)


_remembered: ContextVar[dict | None] = ContextVar("merger_graph_remembered", default=None)


@contextmanager
def families_remembered() -> Iterator[None]:
    """Within this block the merger's graph is read once: for a read-only page whose sections each narrow to
    the user's scope (the home page asked for the same family six times). Outside, each call reads it from
    the cache, or from the database inside a transaction that wrote provinces."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _merger_graph() -> dict[int, tuple[int | None, datetime.date | None]]:
    """Every province's successor and last day: id → (successor id, valid_to). The merger as data, one query
    over the provinces (fifty-odd rows), cached as reference data (provinces/apps.py bumps it on any save or
    delete of a province): the scope of every provincial request is read from it."""
    remembered = _remembered.get()
    if remembered is not None and "graph" in remembered:
        return remembered["graph"]

    def read() -> dict:
        rows = Province.objects.order_by().values_list("pk", "successor_id", "valid_to")
        return {pk: (successor, end) for pk, successor, end in rows}

    graph = cachekeys.reference_cached(["merger-graph"], read)
    if remembered is not None:
        remembered["graph"] = graph
    return graph


def province_family_ids(*, province_id: int) -> set[int]:
    """A province and every province merged into it (their predecessors, transitively)."""
    graph = _merger_graph()
    ids = {province_id}
    frontier = {province_id}
    while frontier:  # predecessors of predecessors too, should a province merge twice
        frontier = {pk for pk, (successor, _end) in graph.items() if successor in frontier} - ids
        ids |= frontier
    return ids


def province_on(province: Province, *, on: datetime.date | None = None) -> Province:
    """The province a province is on a date (today by default): a province that no longer exists then is
    followed to its successor, and so on to the end of the chain (A→B→C gives C)."""
    on = on or timezone.localdate()
    seen = {province.pk}
    while province.successor_id and not (province.valid_to and province.valid_to >= on):
        province = province.successor
        if province.pk in seen:  # a cycle in reference data must not hang a request
            break
        seen.add(province.pk)
    return province


def plan_year_end(year: int) -> datetime.date:
    """The day a plan year's province is read on: its last day."""
    return datetime.date(year, 12, 31)


def province_for_plan_year(province: Province, *, year: int, today: datetime.date | None = None) -> Province:
    """The province a project of a plan year is recorded under (at approval): its own if it still existed at
    the end of the plan year (a 2023 Sóc Trăng project stays Sóc Trăng, even entered in 2026), else the
    successor it had become by then (a 2026 draft of Long An belongs to today's Tây Ninh). Never a province
    that does not exist yet: read on the plan year's end or today, whichever comes first."""
    return province_on(province, on=min(plan_year_end(year), today or timezone.localdate()))


def provinces_of_plan_year(queryset: QuerySet[Province], *, year: int) -> QuerySet[Province]:
    """The provinces of a queryset that a project of the plan year may be recorded under: those that existed
    at the end of the plan year (the 20 former southern provinces for 2023, the 9 merged ones for 2025)."""
    day = plan_year_end(year)
    return queryset.filter(valid_from__lte=day).exclude(valid_to__lt=day)


def successor_chain_ids(*, province_id: int) -> set[int]:
    """A province and every province it became, following successors to the end of the chain (old Long An →
    today's Tây Ninh): whose people decide for a project recorded under it."""
    ids, current = {province_id}, province_id
    graph = _merger_graph()
    while (current := graph.get(current, (None, None))[0]) is not None and current not in ids:
        ids.add(current)
    return ids


def today_family_ids(*, province_id: int) -> set[int]:
    """The province as it is today with every province merged into it, asked from any member of the family:
    old Long An, old Tây Ninh and today's Tây Ninh give the same set. What a merger-aware rule reads when a
    grant, a report or an exception made for one of them holds for all of them."""
    graph, today, current = _merger_graph(), timezone.localdate(), province_id
    seen = {current}
    while True:  # province_on over the graph: followed to its successor while it no longer exists today
        successor, end = graph.get(current, (None, None))
        if not successor or (end and end >= today) or successor in seen:
            break
        current = successor
        seen.add(current)
    return province_family_ids(province_id=current) | {province_id}


def successor_among(province_id: int, successor_of: Mapping[int, int | None], keys: Collection[int]) -> int | None:
    """Over provinces already read (`successor_of`: id → successor id): the province itself if it is one of
    `keys`, else its nearest successor that is, following the chain to its end; None if none is."""
    current, seen = province_id, set()
    while current is not None and current not in seen:
        if current in keys:
            return current
        seen.add(current)
        current = successor_of.get(current)
    return None


def scope_allows(scope: set[int] | None, province_id: int | None) -> bool:
    """The write rule over a scope already read (`province_ids_in_scope`), for checks of many rows at once."""
    return scope is None or (province_id is not None and province_id in scope)


def commune_ids_in_scope(*, user: User) -> set[int] | None:
    """The communes a collaborator account works in; None for every other account (its scope is provinces)."""
    if not user.is_authenticated or not user.is_collaborator:
        return None
    return set(user.communes.values_list("pk", flat=True))


def require_in_scope(
    *, user: User, province_id: int | None, message: str | None = None, commune_id: int | None = None
) -> None:
    """The write door: refuse (PermissionDenied) a change to working data of a province outside the
    user's scope. Ministry staff reach every province; None (regional data) is outside every province's.
    A collaborator reaches a row only through its commune (`commune_id`), and only its own communes."""
    communes = commune_ids_in_scope(user=user)
    if communes is not None:
        allowed = commune_id is not None and commune_id in communes
    else:
        allowed = scope_allows(province_ids_in_scope(user=user), province_id)
    if not allowed:
        raise PermissionDenied(message or _("You can only work on your own province's data."))


def scope_for_user(
    queryset: QuerySet, *, user: User, province_field: str = "province", commune_field: str | None = None
) -> QuerySet:
    """Narrow any queryset of working data to what this user may see: the scoping rule, in one place.
    `commune_field` names the rows' commune: without it a collaborator account sees none of the rows."""
    communes = commune_ids_in_scope(user=user)
    if communes is not None:
        if commune_field is None:
            return queryset.none()
        return queryset.filter(**{f"{commune_field}__in": communes}).distinct()
    ids = province_ids_in_scope(user=user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{province_field}__in": ids})


def user_province(*, user: User) -> Province | None:
    """The province the account works for, or None for ministry staff and administrators."""
    if not user.is_authenticated or user.unit is None or user.is_collaborator:
        return None
    return user.unit.province


def region_memberships(*, region_code: str = SOUTHERN_REGION) -> list[RegionMembership]:
    """Every membership of the region, before and after the reorganisation, with its province and that
    province's successor. Cached as reference data (khuyencong.cachekeys.reference_cached; provinces/apps.py
    bumps it on any save or delete of provinces, regions and memberships)."""

    def read() -> list[RegionMembership]:
        return list(
            RegionMembership.objects.filter(region__code=region_code).select_related("province", "province__successor")
        )

    return cachekeys.reference_cached(["region-memberships", region_code], read)


def provinces_in_region_on(*, day: datetime.date, region_code: str = SOUTHERN_REGION) -> QuerySet[Province]:
    """Provinces that belonged to the region on a day: the 20 before the reorganisation, the 9 after."""
    memberships = RegionMembership.objects.filter(region__code=region_code, valid_from__lte=day).exclude(
        valid_to__lt=day
    )
    return Province.objects.filter(region_memberships__in=memberships).order_by("code").distinct()


def province_history(*, region_code: str = SOUTHERN_REGION) -> QuerySet[Province]:
    """Every province that has belonged to the region, with successors and predecessors loaded."""
    return (
        Province.objects.filter(region_memberships__region__code=region_code)
        .select_related("successor")
        .prefetch_related(Prefetch("predecessors", queryset=Province.objects.order_by(vi_order("name"))))
        .order_by("-code_set", vi_order("name"))
        .distinct()
    )


def units_with_names() -> QuerySet[Unit]:
    return Unit.objects.select_related("province").prefetch_related("names")


def provinces_in_scope_for(*, user: User) -> QuerySet[Province]:
    """Provinces whose working data the user reaches (every province for ministry staff)."""
    return scope_for_user(Province.objects.select_related("successor"), user=user, province_field="pk")

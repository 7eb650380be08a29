"""Reads of reference data, and the one scoping rule every view, export and API endpoint goes through."""

import datetime

from django.db.models import Prefetch, QuerySet

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
    if user.unit is None or user.unit.province_id is None:
        return set()
    return province_family_ids(province_id=user.unit.province_id)


def province_family_ids(*, province_id: int) -> set[int]:
    """A province and every province merged into it (their predecessors, transitively)."""
    ids = {province_id}
    frontier = {province_id}
    while frontier:  # predecessors of predecessors too, should a province merge twice
        frontier = set(Province.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def scope_for_user(queryset: QuerySet, *, user: User, province_field: str = "province") -> QuerySet:
    """Narrow any queryset of working data to what this user may see: the scoping rule, in one place."""
    ids = province_ids_in_scope(user=user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{province_field}__in": ids})


def user_province(*, user: User) -> Province | None:
    """The province the account works for, or None for ministry staff and administrators."""
    if not user.is_authenticated or user.unit is None:
        return None
    return user.unit.province


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
        .prefetch_related(Prefetch("predecessors", queryset=Province.objects.order_by("name")))
        .order_by("-code_set", "name")
        .distinct()
    )


def units_with_names() -> QuerySet[Unit]:
    return Unit.objects.select_related("province").prefetch_related("names")


def provinces_in_scope_for(*, user: User) -> QuerySet[Province]:
    """Provinces whose working data the user reaches (every province for ministry staff)."""
    return scope_for_user(Province.objects.select_related("successor"), user=user, province_field="pk")

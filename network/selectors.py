"""Reads of the collaborator network, always through the scope door (with its commune level)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from khuyencong.text import vi_order
from network.models import Collaborator, Meeting, Need
from projects.models import Beneficiary
from provinces import selectors as province_selectors
from provinces.models import Commune, Province, User


def active_on(day: datetime.date, prefix: str = "") -> Q:
    """A collaborator at work on a day: active, and the day inside the contract."""
    return Q(**{f"{prefix}status": Collaborator.Status.ACTIVE, f"{prefix}contract_start__lte": day}) & (
        Q(**{f"{prefix}contract_end__isnull": True}) | Q(**{f"{prefix}contract_end__gte": day})
    )


def collaborators_for(*, user: User) -> QuerySet[Collaborator]:
    queryset = Collaborator.objects.select_related("province").prefetch_related(
        Prefetch("communes", queryset=Commune.objects.order_by(vi_order("name")))
    )
    return province_selectors.scope_for_user(queryset, user=user, commune_field="communes")


def collaborator_get_for(*, user: User, pk: int) -> Collaborator:
    try:
        return collaborators_for(user=user).get(pk=pk)
    except Collaborator.DoesNotExist:
        raise Http404 from None


def establishments_for(*, user: User) -> QuerySet[Beneficiary]:
    """The communes' rural industrial establishments (the beneficiary registry, by commune)."""
    queryset = Beneficiary.objects.filter(commune__isnull=False).select_related("commune__province")
    return province_selectors.scope_for_user(
        queryset, user=user, province_field="commune__province", commune_field="commune"
    )


def establishment_get_for(*, user: User, pk: int) -> Beneficiary:
    try:
        return establishments_for(user=user).get(pk=pk)
    except Beneficiary.DoesNotExist:
        raise Http404 from None


def needs_for(*, user: User) -> QuerySet[Need]:
    queryset = Need.objects.select_related("commune", "province", "collaborator", "project", "establishment")
    return province_selectors.scope_for_user(queryset, user=user, commune_field="commune")


def need_get_for(*, user: User, pk: int) -> Need:
    try:
        return needs_for(user=user).get(pk=pk)
    except Need.DoesNotExist:
        raise Http404 from None


def meetings_for(*, user: User) -> QuerySet[Meeting]:
    queryset = Meeting.objects.select_related("province").prefetch_related("attendees")
    return province_selectors.scope_for_user(queryset, user=user, commune_field="attendees__communes")


def communes_for(*, user: User) -> QuerySet[Commune]:
    """Today's communes in the user's scope (a collaborator: its own)."""
    return province_selectors.scope_for_user(Commune.objects.select_related("province"), user=user, commune_field="pk")


@dataclass
class Coverage:
    """One province's coverage on a day: communes with an active collaborator, and those without."""

    province: Province
    communes: int
    covered: int
    uncovered_communes: list[Commune] = field(default_factory=list)

    @property
    def uncovered(self) -> int:
        return self.communes - self.covered

    @property
    def share(self):
        """Communes with a collaborator, as a percentage (None for a province without communes)."""
        from khuyencong import numbers

        return numbers.rate(self.covered, self.communes)


def coverage(*, user: User, day: datetime.date | None = None) -> list[Coverage]:
    """Per today's province in scope: communes, and how many have a collaborator at work on `day`.
    One query whatever the number of provinces and communes."""
    day = day or timezone.localdate()
    provinces = province_selectors.scope_for_user(
        Province.objects.filter(communes__isnull=False).distinct(), user=user, province_field="pk"
    )
    covered_q = Q(pk__in=Collaborator.objects.filter(active_on(day)).values("communes"))
    rows = (
        Province.objects.filter(pk__in=provinces.values("pk"))
        .annotate(
            commune_count=Count("communes", distinct=True),
            covered_count=Count("communes", filter=Q(communes__in=Commune.objects.filter(covered_q)), distinct=True),
        )
        .order_by(vi_order("name"))
    )
    return [Coverage(p, p.commune_count, p.covered_count) for p in rows]


def province_coverage(*, user: User, province_pk: int, day: datetime.date | None = None) -> Coverage:
    """One province's coverage with its communes without a collaborator listed (a fixed number of queries)."""
    day = day or timezone.localdate()
    found = [row for row in coverage(user=user, day=day) if row.province.pk == province_pk]
    if not found:
        raise Http404
    row = found[0]
    active = Collaborator.objects.filter(active_on(day)).values("communes")
    row.uncovered_communes = list(
        Commune.objects.filter(province_id=province_pk).exclude(pk__in=active).order_by(vi_order("name"))
    )
    return row

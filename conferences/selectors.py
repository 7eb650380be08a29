"""Reads for the conference pages, dossier and services, with the permission scope applied here.

Conferences themselves are regional events every signed-in account may read; delegates and follow-up
are working data of a province and always pass through provinces.selectors.scope_for_user.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from conferences.models import (
    CoChair,
    Conclusion,
    ConclusionFollowUp,
    Conference,
    Delegate,
    Document,
    Participation,
    Recognition,
)
from khuyencong.text import vi_order, vi_sort_key
from provinces import selectors as province_selectors
from provinces.models import Province, User


def conference_day(conference: Conference) -> datetime.date:
    """The day that fixes which provinces existed: the conference date, or the year's end when not yet set."""
    return conference.date or datetime.date(conference.year, 12, 31)


def conference_list(*, region_code: str = province_selectors.SOUTHERN_REGION) -> QuerySet[Conference]:
    """The series, newest first, with hosts (and what they became in 2025) and the organiser's dated names."""
    return (
        Conference.objects.filter(region__code=region_code)
        .select_related("host_province__successor", "next_host", "organiser")
        .prefetch_related("organiser__names")
        .order_by("-year")
    )


def conference_get(*, pk: int) -> Conference:
    """One conference with everything its page shows about itself (readable by every signed-in account)."""
    qs = Conference.objects.select_related(
        "region", "host_province__successor", "next_host", "organiser", "closed_by"
    ).prefetch_related(
        "organiser__names",
        Prefetch("co_organisers", queryset=province_selectors.units_with_names()),
        Prefetch("co_chairs", queryset=CoChair.objects.select_related("unit").prefetch_related("unit__names")),
        "quoted_figures",
        Prefetch("recognitions", queryset=Recognition.objects.select_related("unit", "province")),
    )
    return get_object_or_404(qs, pk=pk)


def conference_provinces(*, conference: Conference) -> QuerySet[Province]:
    """Provinces of the conference's region on its day: the 20 before the 2025 reorganisation, the 9 after."""
    return province_selectors.provinces_in_region_on(day=conference_day(conference), region_code=conference.region.code)


@dataclass
class HostingRow:
    province: Province  # a province of today
    years: list[tuple[int, Province]] = field(default_factory=list)  # (year, host as it was)

    @property
    def last_year(self) -> int | None:
        return max((y for y, _ in self.years), default=None)


def hosting_history(
    *, region_code: str = province_selectors.SOUTHERN_REGION, conferences: list[Conference] | None = None
) -> list[HostingRow]:
    """Who hosted when, rolled up to today's provinces: Hậu Giang's 2023 counts for today's Cần Thơ.

    Pass the already-read `conference_list` to save reading it twice.
    """
    today = timezone.localdate()
    rows = {
        p.pk: HostingRow(province=p)
        for p in province_selectors.provinces_in_region_on(day=today, region_code=region_code)
    }
    for conference in conferences if conferences is not None else conference_list(region_code=region_code):
        now = province_selectors.province_on(conference.host_province, on=today)
        rows.setdefault(now.pk, HostingRow(province=now)).years.append((conference.year, conference.host_province))
    return sorted(rows.values(), key=lambda r: (-(r.last_year or 0), vi_sort_key(r.province.name)))


def host_candidates(*, conference: Conference) -> list[HostingRow]:
    """Provinces that may host next year's conference, those that have not hosted recently first.

    Hosting by a province merged in 2025 counts for the province it became.
    """
    next_day = datetime.date(conference.year + 1, 12, 31)
    region_code = conference.region.code
    candidates = {
        p.pk: HostingRow(province=p)
        for p in province_selectors.provinces_in_region_on(day=next_day, region_code=region_code).select_related(
            "successor"
        )
    }
    for past in conference_list(region_code=region_code).filter(year__lte=conference.year):
        host = past.host_province
        for pk in {host.pk, province_selectors.province_on(host, on=next_day).pk}:
            if pk in candidates:
                candidates[pk].years.append((past.year, host))
    return sorted(candidates.values(), key=lambda r: (r.last_year or 0, vi_sort_key(r.province.name)))


# Delegates ----------------------------------------------------------------------------------------------


def registration_province_get(*, user: User, conference: Conference, province_pk: int) -> Province:
    """The province whose delegates this user may register: in scope and existing on the conference day.

    404 for any other province, including a province merged away before the conference (its delegates
    register under the province it became).
    """
    qs = province_selectors.scope_for_user(conference_provinces(conference=conference), user=user, province_field="pk")
    return get_object_or_404(qs, pk=province_pk)


def registration_provinces_for(*, user: User, conference: Conference) -> QuerySet[Province]:
    """Provinces whose registration page the user may open for this conference."""
    return province_selectors.scope_for_user(
        conference_provinces(conference=conference), user=user, province_field="pk"
    )


def delegates_for(*, user: User, conference: Conference, province: Province | None = None) -> QuerySet[Delegate]:
    qs = (
        Delegate.objects.filter(conference=conference)
        .select_related("province", "unit")
        .prefetch_related("unit__names")
    )
    if province is not None:
        qs = qs.filter(province=province)
    return province_selectors.scope_for_user(qs, user=user)


def delegate_get_for(*, user: User, pk: int) -> Delegate:
    qs = province_selectors.scope_for_user(Delegate.objects.select_related("conference", "province"), user=user)
    return get_object_or_404(qs, pk=pk)


def delegate_counts(*, user: User, conference: Conference) -> list[tuple[Province, int]]:
    """Registered delegates per province in the user's scope, provinces without delegates shown as 0."""
    counts = dict(
        province_selectors.scope_for_user(Delegate.objects.filter(conference=conference), user=user)
        .values_list("province")
        .annotate(n=Count("pk"))
        .values_list("province", "n")
    )
    provinces = registration_provinces_for(user=user, conference=conference)
    return [(p, counts.get(p.pk, 0)) for p in provinces]


def participations(*, conference: Conference) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(conference=conference)
        .select_related("province", "unit")
        .prefetch_related("unit__names")
        .order_by(vi_order("province__name"))
    )


# Documents ----------------------------------------------------------------------------------------------


def documents(*, conference: Conference) -> QuerySet[Document]:
    """Agenda, summary report and discussion papers: shared with every signed-in account of the portal."""
    return Document.objects.filter(conference=conference).select_related("province")


def document_get_for(*, user: User, pk: int) -> Document:
    if not user.is_authenticated:
        raise Http404
    doc = get_object_or_404(Document.objects.select_related("conference"), pk=pk)
    if not doc.file:
        raise Http404
    return doc


def paper_provinces_for(*, user: User, conference: Conference) -> QuerySet[Province]:
    """Provinces this user may upload a discussion paper for."""
    return registration_provinces_for(user=user, conference=conference)


# Conclusions and follow-up ------------------------------------------------------------------------------


def conclusions(*, conference: Conference) -> QuerySet[Conclusion]:
    return Conclusion.objects.filter(conference=conference).prefetch_related("provinces").order_by("number")


def conclusion_targets(*, conclusion: Conclusion, region_provinces: list[Province]) -> list[Province]:
    """Provinces a conclusion asks to act: all of the region on the conference day, or the named ones."""
    if conclusion.for_all_provinces:
        return region_provinces
    named = {p.pk for p in conclusion.provinces.all()}
    return [p for p in region_provinces if p.pk in named]


@dataclass
class FollowUpCell:
    province: Province
    follow_up: ConclusionFollowUp | None
    applies: bool

    @property
    def status(self) -> str:
        return self.follow_up.status if self.follow_up else ConclusionFollowUp.Status.NOT_STARTED


@dataclass
class FollowUpMatrix:
    provinces: list[Province]
    rows: list[tuple[Conclusion, list[FollowUpCell]]]

    def done_count(self, conclusion_pk: int) -> int:
        return sum(1 for c, cells in self.rows if c.pk == conclusion_pk for cell in cells if cell.status == "done")


def followup_matrix(*, user: User, conference: Conference) -> FollowUpMatrix:
    """Conclusions × provinces in the user's scope: ministry staff see the region, an officer their province(s).

    Queries: provinces of the region, conclusions, their named provinces, follow-ups (4, whatever the size).
    """
    provinces = list(
        province_selectors.scope_for_user(conference_provinces(conference=conference), user=user, province_field="pk")
    )
    items = list(conclusions(conference=conference))
    follow_ups = province_selectors.scope_for_user(
        ConclusionFollowUp.objects.filter(conclusion__conference=conference).select_related("updated_by"), user=user
    )
    by_key = {(f.conclusion_id, f.province_id): f for f in follow_ups}
    rows = []
    for conclusion in items:
        targets = {p.pk for p in conclusion_targets(conclusion=conclusion, region_provinces=provinces)}
        cells = [FollowUpCell(p, by_key.get((conclusion.pk, p.pk)), p.pk in targets) for p in provinces]
        rows.append((conclusion, cells))
    return FollowUpMatrix(provinces=provinces, rows=rows)


def followup_target_get(*, user: User, conclusion_pk: int, province_pk: int) -> tuple[Conclusion, Province]:
    """The (conclusion, province) pair a user may report on: 404 unless the province is in scope and targeted."""
    conclusion = get_object_or_404(
        Conclusion.objects.select_related("conference__region").prefetch_related("provinces"), pk=conclusion_pk
    )
    provinces = list(
        province_selectors.scope_for_user(
            conference_provinces(conference=conclusion.conference), user=user, province_field="pk"
        )
    )
    targets = conclusion_targets(conclusion=conclusion, region_provinces=provinces)
    for province in targets:
        if province.pk == province_pk:
            return conclusion, province
    raise Http404


def followup_get(*, conclusion: Conclusion, province: Province) -> ConclusionFollowUp | None:
    return ConclusionFollowUp.objects.filter(conclusion=conclusion, province=province).first()


def followup_evidence_get_for(*, user: User, pk: int) -> ConclusionFollowUp:
    qs = province_selectors.scope_for_user(ConclusionFollowUp.objects.exclude(evidence=""), user=user)
    return get_object_or_404(qs, pk=pk)

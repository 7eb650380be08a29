"""Reads of the selection rounds, each through the scoping rule (provinces.selectors) and products.access."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Case, Count, Max, Min, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from khuyencong.text import vi_order, vi_sort_key
from products import access, rules
from products.models import (
    Certificate,
    Complaint,
    CouncilMember,
    Criterion,
    Entry,
    Judge,
    Level,
    ProductGroup,
    Round,
    RoundBlock,
    ScoreSheet,
)
from provinces.models import Province, User
from provinces.selectors import province_family_ids, province_ids_in_scope

TWO_PLACES = Decimal("0.01")


def rounds_for(*, user: User) -> QuerySet[Round]:
    """Rounds the user may open: ministry staff all; a province its own local rounds and every regional and
    national round (it sends entries there); a judge the rounds they judge."""
    base = Round.objects.select_related("province", "region", "host_province", "organiser", "commune")
    if not user.is_authenticated:
        return base.none()
    ids = province_ids_in_scope(user=user)
    if ids is None:
        return base
    visible = Q(judges__user=user)
    if user.is_provincial:
        visible |= Q(province__in=ids) | Q(level__in=[Level.REGION, Level.NATIONAL])
    return base.filter(visible).distinct()


def round_get(*, user: User, pk: int) -> Round:
    return get_object_or_404(rounds_for(user=user), pk=pk)


def council_of(*, round_: Round):
    """The council, chair first, then vice-chairs, then members."""
    order = Case(*(When(role=r, then=i) for i, r in enumerate(CouncilMember.Role.values)))
    return round_.council.order_by(order, "pk")


def panel_of(*, round_: Round):
    """The judging panel, head judge first, then the deputy, then the judges."""
    order = Case(*(When(role=r, then=i) for i, r in enumerate(Judge.Role.values)))
    return round_.judges.select_related("user").order_by(order, "pk")


def judge_of(*, user: User, round_: Round) -> Judge | None:
    if not user.is_authenticated:
        return None
    return Judge.objects.filter(round=round_, user=user).first()


def entries_for(*, user: User, round_: Round) -> QuerySet[Entry]:
    """Entries of a round the user may read: organisers and judges all of them, a province its own."""
    base = Entry.objects.filter(round=round_).select_related("province", "beneficiary", "round")
    if access.manages(user, round_) or judge_of(user=user, round_=round_) is not None:
        return base
    ids = province_ids_in_scope(user=user)
    return base if ids is None else base.filter(province__in=ids)


def entries_in_scope(*, user: User) -> QuerySet[Entry]:
    """Every entry the user may read, across rounds (the API's list): a province's own entries, and all
    entries of the rounds the user judges."""
    base = Entry.objects.select_related("round", "province", "beneficiary").prefetch_related("certificate")
    if not user.is_authenticated:
        return base.none()
    ids = province_ids_in_scope(user=user)
    if ids is None:
        return base
    return base.filter(Q(province__in=ids) | Q(round__judges__user=user)).distinct()


def entry_get(*, user: User, pk: int) -> Entry:
    entry = get_object_or_404(Entry.objects.select_related("round"), pk=pk)
    if not rounds_for(user=user).filter(pk=entry.round_id).exists():
        raise Http404
    return get_object_or_404(entries_for(user=user, round_=entry.round), pk=pk)


def blocks_with_criteria(*, round_: Round) -> list[RoundBlock]:
    return list(
        RoundBlock.objects.filter(round=round_).prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
        )
    )


def dossier_missing(*, entry: Entry, min_photos: int) -> list[str]:
    """What the dossier still lacks (kind codes; "photo" once per missing photo)."""
    kinds = [f.kind for f in entry.files.all()]
    missing = [kind for kind in ("form", "registration", "description") if kind not in kinds]
    missing += ["photo"] * max(0, min_photos - kinds.count("photo"))
    return missing


# Scoring -------------------------------------------------------------------------------------------------


def own_sheet(*, judge: Judge, entry: Entry) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(judge=judge, entry=entry).prefetch_related("marks").first()


def others_sheets_for(*, user: User, entry: Entry) -> list[ScoreSheet] | None:
    """Other judges' submitted sheets of an entry, or None while the user may not see them: a judge sees
    nobody else's marks until their own sheet for the entry is submitted."""
    judge = judge_of(user=user, round_=entry.round)
    if judge is None:
        return None
    own = ScoreSheet.objects.filter(judge=judge, entry=entry, submitted_at__isnull=False).exists()
    if not own:
        return None
    return list(
        ScoreSheet.objects.filter(entry=entry, submitted_at__isnull=False)
        .exclude(judge=judge)
        .select_related("judge__user")
        .prefetch_related("marks")
    )


@dataclass
class SummaryRow:
    entry: Entry
    sheets: int
    mean: Decimal | None
    low: Decimal | None
    high: Decimal | None
    reaches_threshold: bool
    wide_spread: bool

    @property
    def spread(self) -> Decimal | None:
        return None if self.low is None else self.high - self.low


@dataclass
class Summary:
    round: Round
    judges: int
    threshold: Decimal
    disagreement_points: Decimal
    rows: list[SummaryRow] = field(default_factory=list)
    hidden: int = 0  # entries whose figures the head judge sees once their own sheet is in

    @property
    def complete(self) -> int:
        return sum(1 for r in self.rows if r.sheets == self.judges)

    @property
    def qualifying(self) -> int:
        return sum(1 for r in self.rows if r.reaches_threshold)


def can_see_summary(*, user: User, round_: Round) -> bool:
    judge = judge_of(user=user, round_=round_)
    return access.manages(user, round_) or (judge is not None and judge.role == Judge.Role.HEAD)


def score_summary(*, user: User, round_: Round) -> Summary:
    """The head judge's summary (biên bản tổng hợp): per eligible entry the number of submitted sheets, the
    mean of the judges' totals, the lowest and highest total, whether the mean reaches the threshold and
    whether the judges disagree widely. Averaged in the database: a fixed number of queries.

    A judge (the head judge, or an organiser who also sits on the panel) sees an entry's figures only once
    their own sheet for it is in."""
    if not can_see_summary(user=user, round_=round_):
        raise Http404
    figures = {
        row["entry"]: row
        for row in ScoreSheet.objects.filter(entry__round=round_, submitted_at__isnull=False)
        .values("entry")
        .annotate(n=Count("id"), mean=Avg("total"), low=Min("total"), high=Max("total"))
    }
    judge = judge_of(user=user, round_=round_)
    withheld: set[int] = set()
    if judge is not None:  # organisers who also judge follow the judges' rule
        submitted = set(
            ScoreSheet.objects.filter(judge=judge, submitted_at__isnull=False).values_list("entry_id", flat=True)
        )
        withheld = {pk for pk in figures if pk not in submitted}
    summary = Summary(
        round=round_,
        judges=Judge.objects.filter(round=round_).count(),
        threshold=round_.threshold,
        disagreement_points=round_.rule.disagreement_points,
    )
    entries = (
        Entry.objects.filter(round=round_, status=Entry.Status.ELIGIBLE)
        .select_related("province", "beneficiary")
        .order_by("code")
    )
    for entry in entries:
        row = figures.get(entry.pk)
        if row is None or entry.pk in withheld:
            summary.hidden += entry.pk in withheld
            summary.rows.append(SummaryRow(entry, row["n"] if row else 0, None, None, None, False, False))
            continue
        mean = Decimal(row["mean"]).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        spread = row["high"] - row["low"]
        summary.rows.append(
            SummaryRow(
                entry=entry,
                sheets=row["n"],
                mean=mean,
                low=row["low"],
                high=row["high"],
                reaches_threshold=row["n"] == summary.judges and mean >= round_.threshold,
                wide_spread=spread > summary.disagreement_points,
            )
        )
    return summary


def judge_progress(*, judge: Judge) -> dict[int, ScoreSheet]:
    """The judge's own sheets in their round, by entry id."""
    return {s.entry_id: s for s in ScoreSheet.objects.filter(judge=judge)}


# Recognition, complaints, follow-up ----------------------------------------------------------------------


def recognised_public(*, round_: Round) -> QuerySet[Certificate]:
    """The public list of a round's recognised products (danh sách sản phẩm được công nhận)."""
    return (
        Certificate.objects.filter(entry__round=round_)
        .select_related("entry__beneficiary", "entry__province", "recognition")
        .order_by("serial")
    )


def certificate_get(*, user: User, pk: int) -> Certificate:
    cert = get_object_or_404(Certificate.objects.select_related("entry__round", "recognition"), pk=pk)
    entry_get(user=user, pk=cert.entry_id)  # 404 outside the scope
    return cert


def complaint_deadline(*, round_: Round) -> datetime.date | None:
    if round_.results_on is None:
        return None
    return rules.add_working_days(round_.results_on, round_.rule.complaint_working_days)


def complaints_for(*, user: User, round_: Round) -> QuerySet[Complaint]:
    qs = Complaint.objects.filter(round=round_).select_related("entry")
    if access.manages(user, round_):
        return qs
    ids = province_ids_in_scope(user=user)
    return qs if ids is None else qs.filter(entry__province__in=ids)


def certificates_of(*, beneficiary_id: int, user: User) -> QuerySet[Certificate]:
    """An establishment's certificates in the user's scope, newest first (for its page)."""
    qs = Certificate.objects.filter(entry__beneficiary_id=beneficiary_id).select_related(
        "entry__round", "entry__province"
    )
    ids = province_ids_in_scope(user=user)
    qs = qs if ids is None else qs.filter(entry__province__in=ids)
    return qs.order_by("-issued_on")


def certified_in_scope(*, user: User) -> QuerySet[Certificate]:
    qs = Certificate.objects.select_related("entry__round", "entry__province", "entry__beneficiary").prefetch_related(
        "annual_reports"
    )
    ids = province_ids_in_scope(user=user)
    return qs if ids is None else qs.filter(entry__province__in=ids)


# Figures -------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    name: str
    entries: int = 0
    recognised: int = 0

    @property
    def share(self) -> Decimal | None:
        return None if not self.entries else Decimal(self.recognised * 100) / Decimal(self.entries)


def round_figures(*, user: User, round_: Round) -> dict:
    """Entries and recognised per province and per group of a round (provinces in the user's scope)."""
    entries = entries_for(user=user, round_=round_)
    per_province, per_group = {}, {}
    rows = entries.values("province_id", "province__name", "group").annotate(
        n=Count("id"), recognised=Count("id", filter=Q(recognised=True))
    )
    total = Tally(name="")
    for row in rows:
        p = per_province.setdefault(row["province_id"], Tally(row["province__name"]))
        g = per_group.setdefault(row["group"], Tally(str(ProductGroup(row["group"]).label)))
        for tally in (p, g, total):
            tally.entries += row["n"]
            tally.recognised += row["recognised"]
    return {
        "provinces": sorted(per_province.values(), key=lambda t: vi_sort_key(t.name)),
        "groups": [per_group[g] for g in ProductGroup.values if g in per_group],
        "total": total,
    }


def conference_quote(*, region_id: int, year: int) -> dict | None:
    """The regional round of a conference's region and year, with its headline figures (for the conference
    page): regional figures every signed-in account reads."""
    round_ = (
        Round.objects.filter(level=Level.REGION, region_id=region_id, year=year)
        .annotate(
            n=Count("entries", distinct=True),
            recognised_n=Count("entries", filter=Q(entries__recognised=True), distinct=True),
            provinces=Count("entries__province", distinct=True),
        )
        .first()
    )  # one query, with or without a round
    if round_ is None:
        return None
    tally = Tally(round_.title, round_.n, round_.recognised_n)
    return {"round": round_, "tally": tally, "provinces": round_.provinces}


@dataclass
class HistoryRow:
    round: Round
    by_province: dict[int, Tally]
    total: Tally


def province_history(*, user: User, province: Province) -> list[HistoryRow]:
    """A province's entries and recognitions in every round, with the provinces merged into it counted under
    it (rolled up like the project dashboards): Cần Thơ's history includes Hậu Giang's and Sóc Trăng's."""
    family = province_family_ids(province_id=province.pk)
    scope = province_ids_in_scope(user=user)
    if scope is not None and province.pk not in scope:
        raise Http404
    rows = (
        Entry.objects.filter(province__in=family)
        .values("round_id", "province_id", "province__name")
        .annotate(n=Count("id"), recognised=Count("id", filter=Q(recognised=True)))
    )
    grouped: dict[int, dict[int, Tally]] = defaultdict(dict)
    for row in rows:
        grouped[row["round_id"]][row["province_id"]] = Tally(row["province__name"], row["n"], row["recognised"])
    history = []
    for round_ in Round.objects.filter(pk__in=grouped).select_related("province", "region").order_by("year", "level"):
        by_province = grouped[round_.pk]
        total = Tally(province.name, sum(t.entries for t in by_province.values()))
        total.recognised = sum(t.recognised for t in by_province.values())
        history.append(HistoryRow(round_, by_province, total))
    return history


def provinces_with_history(*, user: User) -> QuerySet[Province]:
    """Today's provinces in scope that have entries under themselves or a province merged into them."""
    qs = Province.objects.filter(valid_to__isnull=True).order_by(vi_order("name"))
    ids = province_ids_in_scope(user=user)
    return qs if ids is None else qs.filter(pk__in=ids)

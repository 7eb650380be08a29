"""Every read of projects, always through the user's scope; selectors own their joins (no N+1)."""

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    DecimalField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong import cachekeys
from khuyencong.text import fold, vi_order
from periods import selectors as period_selectors
from projects.models import (
    Beneficiary,
    FundRollup,
    MoneyEntry,
    MoneyRollup,
    ProgressUpdate,
    Project,
    ProjectAdjustment,
    ProjectDecision,
    ProjectTransition,
)
from projects.rules import ACTIVE_STATUSES
from provinces import selectors as province_selectors
from provinces.models import Commune, User

MONEY = DecimalField(max_digits=19, decimal_places=0)


class IdAmong(Func):
    """`id = ANY(ARRAY(subquery))` on PostgreSQL: the subquery runs once, before the scan (an InitPlan), so
    `province IN … OR id among the partners' projects` is two index scans joined (BitmapOr). Written as
    `EXISTS` or `id IN (subquery)` beside an OR, it made PostgreSQL read every project to count a
    province's list. Other databases (the embedded SQLite default) get the plain `IN`."""

    arg_joiner = " = ANY(ARRAY"
    template = "(%(expressions)s))"
    output_field = BooleanField()

    def __init__(self, subquery: QuerySet):
        super().__init__(F("pk"), Subquery(subquery))

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" IN ", template="(%(expressions)s)", **extra_context)


def project_list_for(*, user: User) -> QuerySet[Project]:
    """The read door: projects this user may see. All for ministry staff; otherwise their province's (and
    its predecessors'), plus the projects that name their province a partner (liên kết vùng), read-only."""
    queryset = Project.objects.select_related("province", "activity", "implementing_unit")
    ids = province_selectors.province_ids_in_scope(user=user)
    if ids is None:
        return queryset
    if not ids:  # no province (a collaborator): nothing, and an empty IN would leave IdAmong no subquery
        return queryset.none()
    partner = Project.partner_provinces.through.objects.filter(province_id__in=ids).values("project_id")
    return queryset.filter(Q(province_id__in=ids) | IdAmong(partner))


def project_change_list_for(*, user: User) -> QuerySet[Project]:
    """The write door: projects this user may change, their own province's only (partners read, never write)."""
    queryset = Project.objects.select_related("province", "activity", "implementing_unit")
    return province_selectors.scope_for_user(queryset, user=user)


def project_get_for(*, user: User, pk: int) -> Project:
    """The one door to a single project to read: 404 for anything outside the user's scope."""
    try:
        return project_list_for(user=user).get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404 from None


def project_get_for_change(*, user: User, pk: int) -> Project:
    """The one door to a single project to change: 404 for a partner province's officer as for any other."""
    try:
        return project_change_list_for(user=user).get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404 from None


def may_change(*, user: User, project: Project) -> bool:
    """Whether the project is in the user's write scope (the page hides what a partner may not do)."""
    ids = province_selectors.province_ids_in_scope(user=user)
    return ids is None or project.province_id in ids


def project_detail_for(*, user: User, pk: int) -> Project:
    """A project with everything its page shows, loaded in a fixed number of queries."""
    # The commune joined and each step's or adjustment's author selected with it: a query fewer each than
    # prefetching them on their own.
    queryset = (
        project_list_for(user=user)
        .select_related("commune")
        .prefetch_related(
            Prefetch("beneficiaries", queryset=Beneficiary.objects.select_related("commune")),
            "partner_provinces",
            Prefetch("decisions", queryset=ProjectDecision.objects.select_related("attachment", "recorded_by")),
            Prefetch("money_entries", queryset=MoneyEntry.objects.select_related("created_by", "corrects")),
            Prefetch("progress_updates", queryset=ProgressUpdate.objects.select_related("period", "updated_by")),
            "attachments",
            Prefetch("transitions", queryset=ProjectTransition.objects.select_related("by")),
            Prefetch("adjustments", queryset=ProjectAdjustment.objects.select_related("requested_by")),
        )
    )
    try:
        return queryset.get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404 from None


def money_of(project: Project) -> dict:
    """A project's advanced, disbursed and settled totals to date, summed from its prefetched money entries
    (project_detail_for): the figures with_money() annotates, without a second query for them."""
    totals = {kind: Decimal(0) for kind in MoneyEntry.Kind.values}
    for entry in project.money_entries.all():
        totals[entry.kind] += entry.amount
    return {
        "advanced": totals[MoneyEntry.Kind.ADVANCE],
        "disbursed": totals[MoneyEntry.Kind.DISBURSEMENT],
        "settled": totals[MoneyEntry.Kind.SETTLEMENT],
    }


def search(queryset: QuerySet[Project], text: str) -> QuerySet[Project]:
    """Diacritic- and case-insensitive search on code, title, beneficiaries, province and location."""
    words = fold(text).split()
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def late_filter(day: datetime.date | None = None) -> Q:
    """Projects past their end date and still running."""
    return Q(status__in=ACTIVE_STATUSES, end_date__lt=day or timezone.localdate())


def money_sum(kind: str, *, until: datetime.date | None = None, since: datetime.date | None = None) -> Coalesce:
    """A subquery: a project's total of one kind of money entry in a date window (both ends inclusive)."""
    entries = MoneyEntry.objects.filter(project=OuterRef("pk"), kind=kind)
    if until:
        entries = entries.filter(date__lte=until)
    if since:
        entries = entries.filter(date__gte=since)
    total = entries.order_by().values("project").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


def with_money(
    queryset: QuerySet[Project], *, until: datetime.date | None = None, since: datetime.date | None = None
) -> QuerySet[Project]:
    """Annotate advanced, disbursed and settled totals dated in a window (from `since`, up to `until`; all
    money to date when not given)."""
    return queryset.annotate(
        advanced=money_sum(MoneyEntry.Kind.ADVANCE, until=until, since=since),
        disbursed=money_sum(MoneyEntry.Kind.DISBURSEMENT, until=until, since=since),
        settled=money_sum(MoneyEntry.Kind.SETTLEMENT, until=until, since=since),
    )


def list_totals(
    queryset: QuerySet[Project],
    *,
    until: datetime.date | None = None,
    since: datetime.date | None = None,
    user: User | None = None,
    key_filters: dict | None = None,
) -> dict:
    """The total row of a project list: state support and money disbursed in the window over every
    project of the list (not only the page), in two queries whatever the number of projects; cached by data
    version under the list's SQL (the sums read every project in scope, so they grow with the data).

    `key_filters` (ProjectFilter.key_filters) says the list is `user`'s scope narrowed by the money
    roll-up's key alone: then all money to date is summed from the roll-up, a few hundred rows, instead of
    every entry of every project (`_rollup_disbursed` says when it may)."""
    return cachekeys.cached(
        ["list-totals", *cachekeys.query_key(queryset), since, until],
        lambda: _list_totals(queryset, until=until, since=since, user=user, key_filters=key_filters),
    )


def _list_totals(
    queryset: QuerySet[Project],
    *,
    until: datetime.date | None,
    since: datetime.date | None,
    user: User | None = None,
    key_filters: dict | None = None,
) -> dict:
    support = queryset.order_by().aggregate(total=Sum("approved_support"))["total"] or Decimal(0)
    disbursed = None
    if since is None and until is None:
        disbursed = _rollup_disbursed(user=user, key_filters=key_filters)
    if disbursed is None:
        entries = MoneyEntry.objects.filter(
            project__in=queryset.order_by().values("pk"), kind=MoneyEntry.Kind.DISBURSEMENT
        )
        if until:
            entries = entries.filter(date__lte=until)
        if since:
            entries = entries.filter(date__gte=since)
        disbursed = entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return {"support": support, "disbursed": disbursed, "since": since, "until": until}


def _rollup_disbursed(*, user: User | None, key_filters: dict | None) -> Decimal | None:
    """All money disbursed to date on the projects of the user's scope that match the roll-up key filters, or
    None when it cannot say (no key filters: a search, a status, a money window…). Every province's projects
    are summed from the roll-up. An officer's list is whole provinces (theirs and those merged into it) plus
    the other provinces' projects that name one of them a partner: the provinces from the roll-up, those
    partner projects (a few) from their entries."""
    if user is None or key_filters is None:
        return None
    ids = province_selectors.province_ids_in_scope(user=user)
    if ids is not None and not ids:
        return None
    filters = dict(key_filters)
    # By fund unless an activity content is chosen: the same sums, a sixth of the rows (projects/rollup.py).
    table = MoneyRollup if "activity_id" in filters else FundRollup
    rollup = table.objects.filter(kind=MoneyEntry.Kind.DISBURSEMENT)
    if ids is None:
        return rollup.filter(**filters).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    chosen = filters.pop("province_id__in", None)
    provinces = ids if chosen is None else ids & set(chosen)
    total = rollup.filter(province_id__in=provinces, **filters).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if chosen is None:  # a chosen province is one of the scope's: the partners' projects are not among its own
        partner = Project.partner_provinces.through.objects.filter(province_id__in=ids).values("project_id")
        entries = MoneyEntry.objects.filter(
            kind=MoneyEntry.Kind.DISBURSEMENT,
            project_id__in=partner,
            **{f"project__{name}": value for name, value in filters.items()},
        ).exclude(project__province_id__in=ids)
        total += entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return total


def money_total(project: Project, kind: str, *, until: datetime.date | None = None) -> Decimal:
    """A project's total of one kind of money entry (up to a date): the one sum the services' checks use
    (approved support, advance ceiling), so every rule counts the same entries."""
    entries = MoneyEntry.objects.filter(project_id=project.pk, kind=kind)
    if until:
        entries = entries.filter(date__lte=until)
    return entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def disbursed_by(project: Project, day: datetime.date) -> Decimal:
    """The amount disbursed on a project up to and including a cut-off date."""
    total = project.money_entries.filter(kind=MoneyEntry.Kind.DISBURSEMENT, date__lte=day).aggregate(t=Sum("amount"))[
        "t"
    ]
    return total or Decimal(0)


def due_in_period(queryset: QuerySet[Project], *, period) -> QuerySet[Project]:
    """Projects asked for progress in a period (đề án phải báo cáo trong kỳ): approved and running (not finished,
    cancelled or rejected) and started by the period's cut-off. A project starting in 2027 is not asked in Q4/2026."""
    return queryset.filter(status__in=ACTIVE_STATUSES, start_date__lte=period.ends_on)


def reported_in_period(period) -> Exists:
    """Whether a project has its progress row for the period: one EXISTS over one row of the period. An
    exclude() across the progress relation tested the kind, the year and the number on different rows, so a
    project with a Q4/2025 row and any 2026 row passed for having reported Q4/2026."""
    return Exists(ProgressUpdate.objects.filter(period_selectors.same_period(period), project_id=OuterRef("pk")))


def this_period_rows(*, user: User, period) -> QuerySet[Project]:
    """The officer's active projects with this period's progress row (if any) and money in the window."""
    progress = ProgressUpdate.objects.filter(period_selectors.same_period(period))
    return (
        with_money(due_in_period(project_change_list_for(user=user), period=period), until=period.ends_on)
        .annotate(
            disbursed_in_period=money_sum(MoneyEntry.Kind.DISBURSEMENT, since=period.starts_on, until=period.ends_on)
        )
        .prefetch_related(Prefetch("progress_updates", queryset=progress, to_attr="period_progress"))
        .order_by("end_date", "code")
    )


def this_period_missing_count(*, user: User, period) -> int:
    """How many of the officer's active projects have no progress row for the period yet; cached by data
    version under the count's SQL (scope and period are in it; progress is written through services that bump)."""
    missing = due_in_period(project_change_list_for(user=user), period=period).exclude(reported_in_period(period))
    return cachekeys.cached(["missing-progress", *cachekeys.query_key(missing)], missing.count)


def history_for(project: Project) -> list[dict]:
    """Every recorded change to a project, its money entries and progress: who, when, field, old → new."""
    changes = []
    sources = [
        (project.history.select_related("history_user").order_by("history_date"), project.code),
        (
            MoneyEntry.history.filter(project_id=project.pk).select_related("history_user").order_by("history_date"),
            None,
        ),
        (
            ProgressUpdate.history.filter(project_id=project.pk)
            .select_related("history_user")
            .order_by("history_date"),
            None,
        ),
    ]
    for records, _label in sources:
        previous_by_id = {}
        for record in records:
            previous = previous_by_id.get(record.id)
            entry = {
                "when": record.history_date,
                "who": record.history_user,
                "what": record.instance._meta.verbose_name,
                "type": record.history_type,
                "object": str(record.instance),
                "fields": [],
            }
            if previous is not None:
                delta = record.diff_against(previous)
                entry["fields"] = [
                    (change.field, change.old, change.new) for change in delta.changes if change.field != "version"
                ]
            previous_by_id[record.id] = record
            changes.append(entry)
    return sorted(changes, key=lambda entry: entry["when"], reverse=True)


# National-plan registration: the one definition of the headline -------------------------------------------


@dataclass(frozen=True)
class RegistrationHeadline:
    """ "05/20 tỉnh đã đăng ký kế hoạch khuyến công quốc gia năm 2023 (04 đúng hạn, 01 muộn)".

    `opened`: the provinces the ministry opened the registration to (one NationalPlanRegistration row each,
    made by `services.registration_open`), within the caller's provinces; registered = on time + late."""

    plan_year: int
    opened: int
    on_time: int
    late: int
    deadline: datetime.date | None

    @property
    def registered(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.opened - self.registered

    def _numbers(self) -> dict:
        return {
            "registered": f"{self.registered:02d}",
            "opened": f"{self.opened:02d}",
            "year": self.plan_year,
            "on_time": f"{self.on_time:02d}",
            "late": f"{self.late:02d}",
        }

    @property
    def short(self) -> str:
        """The same counts for a table cell: "05/20 (04 đúng hạn, 01 muộn)"."""
        return _("%(registered)s/%(opened)s (%(on_time)s on time, %(late)s late)") % self._numbers()

    @property
    def text(self) -> str:
        return (
            _(
                "%(registered)s/%(opened)s provinces registered for the %(year)s national extension plan "
                "(%(on_time)s on time, %(late)s late)"
            )
            % self._numbers()
        )

    def __str__(self) -> str:
        return self.text


def registration_headline_of(
    *, plan_year: int, rows: Iterable[tuple[str, datetime.date]]
) -> RegistrationHeadline | None:
    """The headline over registration rows already read (status, deadline), one per province the registration
    was opened to; None when there is none (the registration of that year was never opened)."""
    from projects.models import NationalPlanRegistration

    rows = list(rows)
    if not rows:
        return None
    statuses = [status for status, _deadline in rows]
    return RegistrationHeadline(
        plan_year=plan_year,
        opened=len(rows),
        on_time=statuses.count(NationalPlanRegistration.Status.REGISTERED),
        late=statuses.count(NationalPlanRegistration.Status.LATE),
        deadline=max(deadline for _status, deadline in rows),
    )


def registration_headline(*, plan_year: int, province_ids: Collection[int] | None) -> RegistrationHeadline | None:
    """The registration headline of a plan year over a set of provinces (None: every province). One query."""
    from projects.models import NationalPlanRegistration

    queryset = NationalPlanRegistration.objects.filter(plan_year=plan_year)
    if province_ids is not None:
        queryset = queryset.filter(province_id__in=list(province_ids))
    return registration_headline_of(plan_year=plan_year, rows=queryset.values_list("status", "deadline"))


def registrations_for(*, user: User, plan_year: int) -> QuerySet:
    """The national-plan registrations of a plan year that the user may see, by province."""
    from projects.models import NationalPlanRegistration

    queryset = NationalPlanRegistration.objects.filter(plan_year=plan_year).select_related("province")
    return province_selectors.scope_for_user(queryset, user=user).order_by(vi_order("province__name"))


def registration_years() -> list[int]:
    from projects.models import NationalPlanRegistration

    return list(NationalPlanRegistration.objects.order_by("-plan_year").values_list("plan_year", flat=True).distinct())


# Establishments (cơ sở thụ hưởng) -----------------------------------------------------------------------


def establishment_list_for(*, user: User) -> QuerySet[Beneficiary]:
    """Establishments this user may see: those in a commune of their provinces, or on one of their projects."""
    queryset = Beneficiary.objects.select_related("commune__province")
    communes = province_selectors.commune_ids_in_scope(user=user)
    if communes is not None:  # a collaborator account: the establishments of its own communes only
        return queryset.filter(commune_id__in=communes)
    ids = province_selectors.province_ids_in_scope(user=user)
    if ids is None:
        return queryset
    on_project = Project.beneficiaries.through.objects.filter(
        beneficiary_id=OuterRef("pk"), project__province_id__in=ids
    )
    return queryset.filter(Q(commune__province_id__in=ids) | Exists(on_project))


def establishment_get_for(*, user: User, pk: int) -> Beneficiary:
    try:
        return establishment_list_for(user=user).get(pk=pk)
    except (Beneficiary.DoesNotExist, ValueError):
        raise Http404 from None


def establishment_search(queryset: QuerySet[Beneficiary], text: str) -> QuerySet[Beneficiary]:
    """Every word found, ignoring diacritics and case, in the name, the tax code or the commune's name:
    "dan lat" finds "Hợp tác xã đan lát Tân Phú"."""
    words = fold(text).split()
    communes = [(pk, fold(name)) for pk, name in Commune.objects.values_list("pk", "name")] if words else []
    for word in words:
        digits = word.replace("-", "")
        # Commune names are reference data (a few thousand): folded here, as SQLite and PostgreSQL both can.
        commune_ids = [pk for pk, folded in communes if word in folded]
        condition = Q(name_folded__contains=word) | Q(commune_id__in=commune_ids)
        if digits.isdigit():
            condition |= Q(tax_code__startswith=digits[:10]) | Q(tax_code__contains=word)
        queryset = queryset.filter(condition)
    return queryset.order_by(vi_order("name"), "pk")


def timeline_for(project: Project) -> list[dict]:
    """The project's life in date order: each step of the cycle and each decision or document recorded."""
    from django.utils import timezone as tz

    events = [{"date": tz.localdate(t.at), "at": t.at, "transition": t} for t in project.transitions.all()] + [
        {"date": d.date, "at": d.recorded_at, "decision": d} for d in project.decisions.all()
    ]
    return sorted(events, key=lambda event: (event["date"], event["at"]))


def project_import_get_for(*, user: User, pk: int):
    """A background project import: only its author sees it (its errors quote their file)."""
    from projects.models import ProjectImport

    queryset = province_selectors.scope_for_user(ProjectImport.objects.all(), user=user)
    try:
        return queryset.get(pk=pk, created_by=user)
    except (ProjectImport.DoesNotExist, ValueError):
        raise Http404 from None


def grid_import_get_for(*, user: User, pk: int):
    """A background period import: only its author sees it (it holds their province's working data)."""
    from projects.models import GridImport

    queryset = province_selectors.scope_for_user(GridImport.objects.select_related("period"), user=user)
    try:
        return queryset.get(pk=pk, created_by=user)
    except (GridImport.DoesNotExist, ValueError):
        raise Http404 from None

"""Every read of projects, always through the user's scope; selectors own their joins (no N+1)."""

import datetime
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from khuyencong.text import fold
from periods import selectors as period_selectors
from projects.models import MoneyEntry, ProgressUpdate, Project
from projects.rules import ACTIVE_STATUSES
from provinces import selectors as province_selectors
from provinces.models import User

MONEY = DecimalField(max_digits=19, decimal_places=0)


def project_list_for(*, user: User) -> QuerySet[Project]:
    """Projects this user may see: all for ministry staff, their province's (and predecessors') otherwise."""
    queryset = Project.objects.select_related("province", "activity", "implementing_unit")
    return province_selectors.scope_for_user(queryset, user=user)


def project_get_for(*, user: User, pk: int) -> Project:
    """The one door to a single project: 404 for anything outside the user's scope."""
    try:
        return project_list_for(user=user).get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404 from None


def project_detail_for(*, user: User, pk: int) -> Project:
    """A project with everything its page shows, loaded in a fixed number of queries."""
    queryset = project_list_for(user=user).prefetch_related(
        "beneficiaries",
        Prefetch("money_entries", queryset=MoneyEntry.objects.select_related("created_by", "corrects")),
        Prefetch("progress_updates", queryset=ProgressUpdate.objects.select_related("period", "updated_by")),
        "attachments",
        "transitions__by",
        "adjustments__requested_by",
    )
    try:
        return queryset.get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404 from None


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


def with_money(queryset: QuerySet[Project], *, until: datetime.date | None = None) -> QuerySet[Project]:
    """Annotate advanced, disbursed and settled totals up to a date (today when not given)."""
    return queryset.annotate(
        advanced=money_sum(MoneyEntry.Kind.ADVANCE, until=until),
        disbursed=money_sum(MoneyEntry.Kind.DISBURSEMENT, until=until),
        settled=money_sum(MoneyEntry.Kind.SETTLEMENT, until=until),
    )


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


def this_period_rows(*, user: User, period) -> QuerySet[Project]:
    """The officer's active projects with this period's progress row (if any) and money in the window."""
    progress = ProgressUpdate.objects.filter(period_selectors.same_period(period))
    return (
        with_money(due_in_period(project_list_for(user=user), period=period), until=period.ends_on)
        .annotate(
            disbursed_in_period=money_sum(MoneyEntry.Kind.DISBURSEMENT, since=period.starts_on, until=period.ends_on)
        )
        .prefetch_related(Prefetch("progress_updates", queryset=progress, to_attr="period_progress"))
        .order_by("end_date", "code")
    )


def this_period_missing_count(*, user: User, period) -> int:
    """How many of the officer's active projects have no progress row for the period yet."""
    return (
        due_in_period(project_list_for(user=user), period=period)
        .exclude(period_selectors.same_period(period, "progress_updates__period"))
        .count()
    )


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


def registrations_for(*, user: User, plan_year: int) -> QuerySet:
    """The national-plan registrations of a plan year that the user may see, by province."""
    from projects.models import NationalPlanRegistration

    queryset = NationalPlanRegistration.objects.filter(plan_year=plan_year).select_related("province")
    return province_selectors.scope_for_user(queryset, user=user).order_by("province__name")


def registration_years() -> list[int]:
    from projects.models import NationalPlanRegistration

    return list(NationalPlanRegistration.objects.order_by("-plan_year").values_list("plan_year", flat=True).distinct())


def grid_import_get_for(*, user: User, pk: int):
    """A background period import: only its author sees it (it holds their province's working data)."""
    from projects.models import GridImport

    queryset = province_selectors.scope_for_user(GridImport.objects.select_related("period"), user=user)
    try:
        return queryset.get(pk=pk, created_by=user)
    except (GridImport.DoesNotExist, ValueError):
        raise Http404 from None

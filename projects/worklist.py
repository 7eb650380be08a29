"""Reads for the home work lists: projects waiting for someone, decisions to know of. Scoped like every
read; two queries per section (the first items and the total) whatever the number of projects, none while
the data version stands."""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong import cachekeys
from notices.worklist import LIMIT, Item, Section
from projects.models import Fund, NationalPlanRegistration, Project, ProjectAdjustment, ProjectTransition, Status
from projects.selectors import project_change_list_for
from provinces import selectors as province_selectors
from provinces.models import User

AWAITING = [Status.REGISTERED, Status.APPRAISED]
RECENT = datetime.timedelta(days=30)  # decisions stay on the home page this long (from midnight)


def _section(key: str, title: str, queryset: QuerySet, to_item, more_url: str = "") -> Section:
    """A section's first items and total, cached by data version under its query's SQL (the user's scope,
    the fund, the statuses and the day the window starts are in it): the rows it reads (projects, their
    transitions and adjustments, registrations, provinces) are all written through services that bump."""

    def compute() -> Section:
        items = [to_item(row) for row in queryset[:LIMIT]]
        total = len(items) if len(items) < LIMIT else queryset.count()
        return Section(key=key, title=title, items=items, total=total, more_url=more_url)

    return cachekeys.cached(["worklist", key, *cachekeys.query_key(queryset, ordered=True)], compute)


def _recent_since() -> datetime.datetime:
    """The start of the window of recent decisions: midnight 30 days ago, so the window moves once a day
    (and a cached section stays right all day)."""
    day = timezone.localdate() - RECENT
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _project_item(project: Project, detail: str = "", comment: str = "") -> Item:
    return Item(
        title=f"{project.code} · {project.title}",
        url=reverse("projects:detail", args=[project.pk]),
        deadline=None,
        detail=detail or project.province.name,
        comment=comment,
    )


def awaiting_decision(*, user: User) -> list[Section]:
    """Projects and adjustments this user decides: local fund for a province's approver, national fund
    for ministry staff (projects.rules.is_approver_for)."""
    fund = Fund.LOCAL if user.role == User.Role.APPROVER else Fund.NATIONAL
    projects = (  # the write scope: a partner province reads another's project but never decides it
        project_change_list_for(user=user)
        .filter(fund=fund, status__in=AWAITING)
        .select_related("province")
        .order_by("updated_at", "pk")
    )
    adjustments = (
        province_selectors.scope_for_user(
            ProjectAdjustment.objects.filter(decision=ProjectAdjustment.Decision.PENDING, project__fund=fund),
            user=user,
            province_field="project__province",
        )
        .select_related("project__province")
        .order_by("requested_at")
    )
    list_url = reverse("projects:list")
    return [
        _section(
            "projects_awaiting",
            _("Projects awaiting your decision"),
            projects,
            lambda p: _project_item(p, detail=f"{p.province.name} · {p.get_status_display()}"),
            f"{list_url}?status=registered&status=appraised&fund={fund}",
        ),
        _section(
            "adjustments_awaiting",
            _("Adjustments awaiting your decision"),
            adjustments,
            lambda a: _project_item(a.project, detail=", ".join(a.changes), comment=a.reason),
        ),
    ]


def decided_for_province(*, user: User) -> list[Section]:
    """What the province's officers must know of: projects refused (with the reason) and adjustments decided
    in the last 30 days."""
    last_reason = ProjectTransition.objects.filter(project=OuterRef("pk"), action="reject").order_by("-at", "-pk")
    refused = (  # the province's own: a partner province cannot correct and submit another's project
        project_change_list_for(user=user)
        .filter(status=Status.REJECTED)
        .annotate(refusal=Subquery(last_reason.values("reason")[:1]))
        .select_related("province")
        .order_by("-updated_at", "-pk")
    )
    since = _recent_since()
    decided = (
        province_selectors.scope_for_user(
            ProjectAdjustment.objects.filter(decided_at__gte=since), user=user, province_field="project__province"
        )
        .select_related("project__province")
        .order_by("-decided_at")
    )
    return [
        _section(
            "projects_refused",
            _("Projects refused: correct and submit again"),
            refused,
            lambda p: _project_item(p, comment=p.refusal or ""),
            f"{reverse('projects:list')}?status=rejected",
        ),
        _section(
            "adjustments_decided",
            _("Adjustments decided in the last 30 days"),
            decided,
            lambda a: _project_item(a.project, detail=a.get_decision_display()),
        ),
    ]


def registration_open(*, user: User) -> Section:
    """National-plan registrations the approver's province has not made yet, with their deadline."""
    rows = (
        province_selectors.scope_for_user(
            NationalPlanRegistration.objects.filter(
                status=NationalPlanRegistration.Status.NOT_REGISTERED,
                deadline__gte=timezone.localdate() - RECENT,
            ),
            user=user,
        )
        .select_related("province")
        .order_by("deadline")
    )

    def item(row: NationalPlanRegistration) -> Item:
        return Item(
            title=_("National plan %(year)s: register your national-fund projects") % {"year": row.plan_year},
            url=f"{reverse('projects:registrations')}?year={row.plan_year}",
            deadline=row.deadline,
            detail=row.province.name,
        )

    return _section("registration_open", _("National plan registration"), rows, item)

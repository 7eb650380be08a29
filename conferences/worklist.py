"""Reads for the ministry's home work list: conference conclusions past their due date that some target
province has not reported done. Two queries whatever the number of conclusions and provinces."""

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import Conclusion, ConclusionFollowUp
from notices.worklist import LIMIT, Item, Section
from provinces.models import RegionMembership


def followup_overdue() -> Section:
    """A conclusion for all provinces targets the region's members on the conference day (as
    conferences.selectors.conclusion_targets does); one for named provinces, those."""
    members = (
        RegionMembership.objects.filter(
            region=OuterRef("conference__region"), valid_from__lte=OuterRef("conference__date")
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("conference__date")))
        .values("region")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Conclusion.objects.filter(due_date__lt=timezone.localdate(), conference__date__isnull=False)
        .select_related("conference")
        .annotate(
            done=Count("follow_ups", filter=Q(follow_ups__status=ConclusionFollowUp.Status.DONE), distinct=True),
            named=Count("provinces", distinct=True),
            members=Coalesce(Subquery(members, output_field=IntegerField()), 0),
        )
        .annotate(targets=Case(When(for_all_provinces=True, then=F("members")), default=F("named")))
        .filter(done__lt=F("targets"))
        .order_by("due_date", "conference__year", "number")
    )
    items = [
        Item(
            title=_("Conference %(year)s, conclusion %(n)s") % {"year": row.conference.year, "n": row.number},
            url=reverse("conferences:detail", args=[row.conference_id]),
            deadline=row.due_date,
            detail=_("%(done)s of %(targets)s provinces report it done") % {"done": row.done, "targets": row.targets},
            comment=row.text[:200],
        )
        for row in rows[:LIMIT]
    ]
    total = len(items) if len(items) < LIMIT else rows.count()
    return Section(key="followup_overdue", title=_("Conference follow-up overdue"), items=items, total=total)

"""The portal's main pages, as each role reaches them, over the demo data: shared by the layout, the
accessibility and the language tests, so a page added here is checked by all of them.
"""

from django.urls import reverse
from django.utils import timezone

from conferences import services as conference_services
from conferences.models import Conference
from projects import demo
from projects import selectors as project_selectors
from projects.models import Project
from provinces.models import CodeSet, Province, User
from reports import services as report_services
from reports.models import Report

OFFICER, APPROVER, MINISTRY, ADMIN = "tayninh.canbo", "tayninh.lanhdao", "bo.khuyencong", "admin"


def portal_seed() -> None:
    """Demo data at scale 1, the conference history, and one period's reports with a history: Tây Ninh's
    generated, submitted and returned for correction, and the regional report generated."""
    demo.demo_seed(scale=1, seed=1)
    conference_services.conferences_load()
    # The period model is reached through the report (it moves between apps; the field stays).
    period_model = Report._meta.get_field("period").related_model
    period = period_model.objects.filter(ends_on__lt=timezone.localdate()).order_by("-ends_on").first()
    tayninh = Province.objects.get(code=80, code_set=CodeSet.CODES_2025)
    for province in (tayninh, None):
        report = Report.objects.create(period=period, province=province)
        report_services.report_request_generation(report_id=report.pk)
        report_services.report_generate(report_id=report.pk)
    report = Report.objects.get(period=period, province=tayninh)
    report_services.report_submit(report=report, by=User.objects.get(username=APPROVER))
    report_services.report_review(
        report=report, by=User.objects.get(username=MINISTRY), accept=False, comment="Bổ sung số liệu quý."
    )


def main_pages() -> list[tuple[str | None, str]]:
    """(user name or None for a visitor, path) of every main page, for the roles that use it."""
    tayninh = Province.objects.get(code=80, code_set=CodeSet.CODES_2025)
    officer = User.objects.get(username=OFFICER)
    in_scope = project_selectors.project_list_for(user=officer).order_by("pk")
    project = in_scope.filter(status=Project.Status.IN_PROGRESS).first() or in_scope.first()
    draft = in_scope.filter(status=Project.Status.PROPOSED).first() or project
    conference = Conference.objects.order_by("-year").first()
    report = Report.objects.filter(province=tayninh).order_by("pk").first()
    regional = Report.objects.filter(province__isnull=True).order_by("pk").first()
    year = timezone.localdate().year
    pages = [
        (None, reverse("login")),
        (None, reverse("password_reset")),
    ]
    for user in (OFFICER, APPROVER, MINISTRY):
        pages += [
            (user, reverse("home")),
            (user, reverse("projects:list")),
            (user, reverse("projects:list") + f"?year={year}&order=-code"),
            (user, reverse("projects:detail", args=[project.pk])),
            (user, reverse("projects:history", args=[project.pk])),
            (user, reverse("projects:registrations")),
            (user, reverse("reports:list")),
            (user, reverse("reports:detail", args=[report.pk])),
            (user, reverse("reports:exceptions")),
            (user, reverse("reports:province_dashboard", args=[tayninh.pk])),
            (user, reverse("conferences:list")),
            (user, reverse("conferences:detail", args=[conference.pk])),
            (user, reverse("provinces:list")),
            (user, reverse("account:profile")),
            (user, reverse("account:password_change")),
            (user, reverse("api:tokens")),
            (user, reverse("notices:list")),
            (user, reverse("products:list")),
            (user, reverse("products:figures")),
            (user, reverse("products:certified")),
            (user, reverse("network:coverage")),
            (user, reverse("network:province", args=[tayninh.pk])),
            (user, reverse("evaluation:list") + f"?year={year}"),
        ]
    pages += [
        (OFFICER, reverse("network:collaborator_new", args=[tayninh.pk])),
        (OFFICER, reverse("products:round_create")),
        (OFFICER, reverse("projects:create")),
        (OFFICER, reverse("projects:edit", args=[draft.pk])),
        (OFFICER, reverse("projects:import")),
        (OFFICER, reverse("projects:this_period")),
        (OFFICER, reverse("conferences:delegates", args=[conference.pk, tayninh.pk])),
        (MINISTRY, reverse("reports:regional_dashboard")),
        (MINISTRY, reverse("reports:detail", args=[regional.pk])),
        (ADMIN, reverse("admin:index")),
        (ADMIN, reverse("admin:projects_project_changelist")),
        (ADMIN, reverse("admin:projects_project_change", args=[project.pk])),
        (ADMIN, reverse("admin:conferences_conference_change", args=[conference.pk])),
    ]
    return pages

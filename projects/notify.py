"""Who is told what about projects: approvals needed and decisions. Called from projects.services inside
their transactions (one line each); each event reaches each person once."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from notices import recipients
from notices import services as notices
from projects.models import Fund, Project, ProjectAdjustment, ProjectTransition
from provinces.models import User


def _deciders(project: Project):
    """Local fund: the province's approvers; national fund: ministry staff (projects.rules.is_approver_for)."""
    if project.fund == Fund.LOCAL:
        return recipients.province_staff(province_id=project.province_id, roles=(User.Role.APPROVER,))
    return recipients.ministry_staff()


def _editors(project: Project):
    return recipients.province_staff(province_id=project.province_id, roles=(User.Role.OFFICER,))


MESSAGES = {
    "submit": gettext_noop("Project %(code)s awaits your decision"),
    "approve": gettext_noop("Project %(code)s was approved"),
    "reject": gettext_noop("Project %(code)s was refused"),
    "cancel": gettext_noop("Project %(code)s was cancelled"),
}


@notices.in_portal_language
def project_transitioned(*, project: Project, transition: ProjectTransition) -> None:
    """Submission asks the decider to act; approval, refusal and cancellation tell the province's officers."""
    if transition.action not in MESSAGES:
        return
    people = _deciders(project) if transition.action == "submit" else [project.created_by, *_editors(project)]
    notices.notify(
        recipients=people,
        kind=f"projects.project.{transition.action}",
        message=MESSAGES[transition.action],
        params={"code": project.code},
        comment=transition.reason,
        event_key=f"projects.transition:{transition.pk}",
        target_url=reverse("projects:detail", args=[project.pk]),
        target_label=f"{project.code} {project.title}",
        exclude=transition.by,
    )


@notices.in_portal_language
def adjustment_requested(*, adjustment: ProjectAdjustment) -> None:
    project = adjustment.project
    notices.notify(
        recipients=_deciders(project),
        kind="projects.adjustment.requested",
        message=gettext_noop("An adjustment of project %(code)s awaits your decision"),
        params={"code": project.code},
        comment=adjustment.reason,
        event_key=f"projects.adjustment.requested:{adjustment.pk}",
        target_url=reverse("projects:detail", args=[project.pk]),
        target_label=f"{project.code} {project.title}",
        exclude=adjustment.requested_by,
    )


@notices.in_portal_language
def adjustment_decided(*, adjustment: ProjectAdjustment, reason: str = "") -> None:
    project = adjustment.project
    approved = adjustment.decision == ProjectAdjustment.Decision.APPROVED
    notices.notify(
        recipients=[adjustment.requested_by, *_editors(project)],
        kind="projects.adjustment.approved" if approved else "projects.adjustment.rejected",
        message=gettext_noop("The adjustment of project %(code)s was approved")
        if approved
        else gettext_noop("The adjustment of project %(code)s was refused"),
        params={"code": project.code},
        comment=reason,
        event_key=f"projects.adjustment.decided:{adjustment.pk}",
        target_url=reverse("projects:detail", args=[project.pk]),
        target_label=f"{project.code} {project.title}",
        exclude=adjustment.decided_by,
    )

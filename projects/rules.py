"""Who may do what to a project: the life-cycle table and the role rules, in one place."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from projects.models import Fund, Project, Status
from provinces.models import User


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    actor: str  # "editor" (officer or approver of the province), "approver" (by fund), "reviewer" (as approver)
    needs_reason: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            "submit", _("Submit for registration"), (Status.PROPOSED, Status.REJECTED), Status.REGISTERED, "editor"
        ),
        Transition("appraise", _("Record appraisal"), (Status.REGISTERED,), Status.APPRAISED, "approver"),
        Transition("approve", _("Approve"), (Status.REGISTERED, Status.APPRAISED), Status.APPROVED, "approver"),
        Transition("reject", _("Reject"), (Status.REGISTERED, Status.APPRAISED), Status.REJECTED, "approver", True),
        Transition("start", _("Start (contract signed)"), (Status.APPROVED,), Status.IN_PROGRESS, "editor"),
        Transition("accept", _("Record acceptance"), (Status.IN_PROGRESS,), Status.ACCEPTED, "editor"),
        Transition("close", _("Close the contract"), (Status.ACCEPTED,), Status.CLOSED, "editor"),
        Transition("settle", _("Record settlement"), (Status.CLOSED,), Status.SETTLED, "approver"),
        Transition("finish", _("Mark as done"), (Status.SETTLED,), Status.DONE, "editor"),
        Transition(
            "cancel",
            _("Cancel the project"),
            (Status.PROPOSED, Status.REGISTERED, Status.APPRAISED, Status.APPROVED, Status.IN_PROGRESS),
            Status.CANCELLED,
            "approver",
            True,
        ),
    ]
}

# ---- status groups: the one definition every app, page and template uses ---------------------------------
# Before approval: proposed, registered, appraised, or rejected (and resubmittable).
NOT_YET_APPROVED = frozenset({Status.PROPOSED, Status.REGISTERED, Status.APPRAISED, Status.REJECTED})
# Approved and not cancelled or rejected: its support counts as allocated (the API's ?approved=true).
APPROVED_OR_LATER = frozenset(
    {Status.APPROVED, Status.IN_PROGRESS, Status.ADJUSTING, Status.ACCEPTED, Status.CLOSED, Status.SETTLED, Status.DONE}
)
# Running (đang thực hiện): progress is reported each period, and it is late once past its end date.
ACTIVE_STATUSES = frozenset({Status.APPROVED, Status.IN_PROGRESS, Status.ADJUSTING})
# Money (advances, disbursements, settlements) may be recorded.
MONEY_STATUSES = frozenset(
    {Status.APPROVED, Status.IN_PROGRESS, Status.ADJUSTING, Status.ACCEPTED, Status.CLOSED, Status.SETTLED}
)
# Figures are edited freely before approval; after it, an adjustment awaits the approver.
EDITABLE_STATUSES = NOT_YET_APPROVED
ADJUSTABLE_STATUSES = frozenset({Status.APPROVED, Status.IN_PROGRESS})
# National-fund projects that count towards a province's registration for the national plan.
REGISTERED_FOR_PLAN = frozenset({Status.REGISTERED, Status.APPRAISED, Status.APPROVED})


def is_late_on(project: Project, day) -> bool:
    """Behind schedule: still running past its end date (the same rule as selectors.late_filter)."""
    return project.status in ACTIVE_STATUSES and project.end_date < day


def status_groups() -> dict[str, frozenset]:
    """The groups as template context: templates test `project.status in adjustable_statuses`, never a literal."""
    return {
        "not_yet_approved_statuses": NOT_YET_APPROVED,
        "approved_or_later_statuses": APPROVED_OR_LATER,
        "active_statuses": ACTIVE_STATUSES,
        "money_statuses": MONEY_STATUSES,
        "adjustable_statuses": ADJUSTABLE_STATUSES,
    }


# Fields fixed by the approval: changing them afterwards needs a reason and a new approval.
APPROVED_FIELDS = ["approved_support", "counterpart", "other_sources", "start_date", "end_date"]


def is_editor(user: User) -> bool:
    """Officers and approvers of a province enter its data (the scope is checked by the selectors)."""
    return user.is_provincial


def may_correct_money(user: User, *, after_submission: bool) -> bool:
    """A wrong money entry is corrected by the province's staff while its period's report is not submitted;
    once the report is submitted, by the province's approver only."""
    if after_submission:
        return user.role == User.Role.APPROVER
    return is_editor(user)


def is_approver_for(user: User, project: Project) -> bool:
    """Local fund: the province's approver. National fund: ministry staff (administrators as well)."""
    if project.fund == Fund.LOCAL:
        return user.role == User.Role.APPROVER
    return user.role in {User.Role.MINISTRY, User.Role.ADMINISTRATOR}


def may(user: User, transition: Transition, project: Project) -> bool:
    if transition.actor == "editor":
        return is_editor(user)
    return is_approver_for(user, project)


def allowed_transitions(user: User, project: Project) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if project.status in t.sources and may(user, t, project)]

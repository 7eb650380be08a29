"""Every write to projects: atomic, validated, recorded in the history with the person who made it.

Errors are ValidationError (message per field, in the active language), PermissionDenied for a role
that may not act, and StaleEdit when someone else saved the record since it was loaded.
"""

import datetime
import hashlib
import unicodedata
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong import cachekeys, filetypes, numbers
from khuyencong.concurrency import StaleEdit  # noqa: F401 - pages and the API catch services.StaleEdit
from khuyencong.text import fold
from periods import services as period_services
from projects import ceilings, entry_periods, money, notify, rules, selectors, tax_codes
from projects.models import (
    Attachment,
    Beneficiary,
    Fund,
    MoneyEntry,
    NationalPlanRegistration,
    Programme,
    ProgressUpdate,
    Project,
    ProjectAdjustment,
    ProjectDecision,
    ProjectTransition,
    Status,
    SupportCeiling,
)
from provinces import selectors as province_selectors
from provinces.models import ActivityContent, Commune, Province, User

PROJECT_FIELDS = [
    "title",
    "province",
    "implementing_unit",
    "plan_year",
    "fund",
    "activity",
    "location",
    "commune",
    "former_commune_name",
    "start_date",
    "end_date",
    "is_pilot",
    "is_group",
    "is_inter_provincial",
    "approved_support",
    "counterpart",
    "other_sources",
]


def _save(instance, *, by: User, **kwargs) -> None:
    instance._history_user = by  # simple-history records who, also outside a request (tasks, imports)
    instance.save(**kwargs)


def _as_money(value, field: str) -> Decimal:
    """Whole đồng from a number or from text typed the Vietnamese way (khuyencong.numbers); never a float."""
    if isinstance(value, float):
        raise ValidationError({field: _("Enter a whole amount in đồng.")})
    try:
        amount = numbers.parse_amount(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    if amount is None:
        raise ValidationError({field: _("Enter a whole amount in đồng.")})
    return amount


def _check_in_scope(user: User, province: Province) -> None:
    province_selectors.require_in_scope(
        user=user, province_id=province.pk, message=_("You can only work on your own province's projects.")
    )


# The columns' limits, in words each door (form, import, API) shows the same way.
TEXT_LIMITS = {
    "code": gettext_lazy("The code is longer than %(n)s characters."),
    "title": gettext_lazy("The title is longer than %(n)s characters."),
    "location": gettext_lazy("The location is longer than %(n)s characters."),
    "former_commune_name": gettext_lazy("The former commune name is longer than %(n)s characters."),
}


def validate_project_data(
    data: dict, *, on: datetime.date | None = None, advanced: Decimal = Decimal(0), partners=None
) -> None:
    """The rules a project must satisfy, whatever door it came through (form, import, API).

    `on`: the day whose support ceilings apply (the approval day of an approved project, else today);
    `advanced`: advances already recorded, held against the advance ceiling; `partners`: partner provinces.
    """
    errors: dict[str, str] = {}
    for field, message in TEXT_LIMITS.items():
        limit = Project._meta.get_field(field).max_length
        if len(data.get(field) or "") > limit:
            errors[field] = message % {"n": limit}
    for field in ("approved_support", "counterpart", "other_sources"):
        if data.get(field) is not None:
            try:
                data[field] = _as_money(data[field], field)
            except ValidationError as error:
                errors.update(error.message_dict)
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        errors["end_date"] = _("The end date cannot be before the start date.")
    year = data.get("plan_year")
    if year is not None:
        programme = Programme.objects.filter(start_year__lte=year, end_year__gte=year).first()
        if programme is None:
            errors["plan_year"] = _("Plan year %(year)s is outside every extension programme.") % {"year": year}
    activity: ActivityContent | None = data.get("activity")
    if activity and year and not _activity_valid_in(activity, year):
        errors["activity"] = _("This activity content is not in force in %(year)s.") % {"year": year}
    unit, province = data.get("implementing_unit"), data.get("province")
    # a unit of the province, or of the province it is today (a merged province's projects go to its successor's)
    if (
        unit
        and province
        and unit.province_id not in (province.pk, province.successor_id, None)
        and unit.province_id != province_selectors.province_on(province).pk
    ):
        errors["implementing_unit"] = _("The implementing unit belongs to another province.")
    commune: Commune | None = data.get("commune")
    # communes are today's: those of the province, or of the province it has become
    if commune and province and commune.province_id not in (province.pk, province_selectors.province_on(province).pk):
        errors["commune"] = _("This commune is not in %(province)s.") % {"province": province.name}
    if partners and province:
        own = province_selectors.province_family_ids(province_id=province_selectors.province_on(province).pk)
        if any(partner.pk in own for partner in partners):
            errors["partner_provinces"] = _("A partner province must be another province than the project's own.")
        elif not data.get("is_inter_provincial"):
            errors["partner_provinces"] = _("Tick “inter-provincial or regional” for a project with partner provinces.")
    if errors:
        raise ValidationError(errors)
    if activity and province and data.get("fund") and data.get("approved_support") is not None:
        support = data["approved_support"]
        ceilings.check(
            fund=data["fund"],
            province=province,
            activity=activity,
            support=support,
            total_cost=support + (data.get("counterpart") or 0) + (data.get("other_sources") or 0),
            on=on or timezone.localdate(),
            advanced=advanced,
        )


def _activity_valid_in(activity: ActivityContent, year: int) -> bool:
    starts, ends = activity.valid_from.year, activity.valid_to.year if activity.valid_to else 9999
    return starts <= year <= ends


def _refresh_search_text(project: Project) -> None:
    names = " ".join(b.name + " " + b.tax_code for b in project.beneficiaries.all()) if project.pk else ""
    project.search_text = fold(f"{project.code} {project.title} {names} {project.province.name} {project.location}")


def _next_code(province: Province, year: int) -> str:
    prefix = f"DA-{province.code:02d}{str(province.code_set)[2:]}-{year}-"
    taken = Project.objects.filter(code__startswith=prefix).count()
    while True:
        taken += 1
        code = f"{prefix}{taken:03d}"
        if not Project.objects.filter(code=code).exists():
            return code


@transaction.atomic
def project_create(
    *,
    by: User,
    data: dict,
    beneficiaries: list[Beneficiary] | None = None,
    code: str = "",
    partner_provinces: list[Province] | None = None,
) -> Project:
    """Draft a project (status proposed) for a province in the author's scope."""
    cachekeys.bump()  # the dashboards' figures move
    if not (rules.is_editor(by) or by.sees_all_provinces):
        raise PermissionDenied(_("Your role cannot create projects."))
    data = {key: data.get(key) for key in PROJECT_FIELDS if key in data}
    if data.get("former_commune_name") is None:
        data.pop("former_commune_name", None)
    _check_in_scope(by, data["province"])
    checked = {**data, "code": code} if code else data  # the code's limit is checked with the rest
    validate_project_data(checked, partners=partner_provinces)
    data = {key: checked[key] for key in data}
    if code and Project.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another project already has the code %(code)s.") % {"code": code}})
    project = Project(**data, code=code or _next_code(data["province"], data["plan_year"]), created_by=by)
    _refresh_search_text(project)
    _save(project, by=by)
    if partner_provinces:
        project.partner_provinces.set(partner_provinces)
    if beneficiaries:
        project.beneficiaries.set(beneficiaries)
        _refresh_search_text(project)
        Project.objects.filter(pk=project.pk).update(search_text=project.search_text)
    return project


def _ceiling_day(project: Project) -> datetime.date:
    """The ceilings of the approval day bind an approved project; a draft meets today's."""
    return timezone.localdate(project.approved_at) if project.approved_at else timezone.localdate()


def _locked(project: Project, expected_version: int | None) -> Project:
    current = Project.objects.select_for_update().select_related("province").get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit(_diff_against(current, project))
    return current


def _diff_against(current: Project, loaded: Project) -> dict[str, tuple[str, str]]:
    """What the other person changed: the fields where the stored row differs from what was loaded."""
    changed = {}
    for field in PROJECT_FIELDS + ["status"]:
        mine, theirs = (
            getattr(loaded, f"{field}_id", getattr(loaded, field)),
            getattr(current, f"{field}_id", getattr(current, field)),
        )
        if mine != theirs:
            changed[field] = (str(mine), str(theirs))
    return changed


@transaction.atomic
def project_update(
    *,
    project: Project,
    by: User,
    data: dict,
    expected_version: int,
    reason: str = "",
    beneficiaries: list[Beneficiary] | None = None,
    partner_provinces: list[Province] | None = None,
) -> Project:
    """Edit a project. Before approval fields change directly; after approval, changing approved
    figures or dates needs a reason and becomes an adjustment awaiting approval (status `adjusting`).
    Refused with StaleEdit when the project changed since `expected_version` was read.
    `beneficiaries` and `partner_provinces`: None leaves them as they are."""
    cachekeys.bump()  # the dashboards' figures move
    if not rules.is_editor(by):
        raise PermissionDenied(_("Only provincial officers edit projects."))
    _check_in_scope(by, project.province)
    current = _locked(project, expected_version)
    data = {key: value for key, value in data.items() if key in PROJECT_FIELDS}
    if data.get("former_commune_name") is None:
        data.pop("former_commune_name", None)
    merged = {field: getattr(current, field) for field in PROJECT_FIELDS} | data
    partners = list(current.partner_provinces.all()) if partner_provinces is None else partner_provinces
    validate_project_data(
        merged,
        on=_ceiling_day(current),
        advanced=selectors.money_total(current, MoneyEntry.Kind.ADVANCE),
        partners=partners,
    )
    data = {key: merged[key] for key in data}
    if "province" in data and data["province"] != current.province:
        _check_in_scope(by, data["province"])
    approved_changes = {
        field: [str(getattr(current, field)), str(data[field])]
        for field in rules.APPROVED_FIELDS
        if field in data and data[field] != getattr(current, field)
    }
    if current.status in rules.EDITABLE_STATUSES:
        direct = data
    elif current.status in rules.ADJUSTABLE_STATUSES:
        direct = {
            key: value
            for key, value in data.items()
            if key not in rules.APPROVED_FIELDS and key not in ("province", "fund", "plan_year")
        }
        if approved_changes:
            if not reason.strip():
                raise ValidationError({"reason": _("Changing an approved project's figures or dates needs a reason.")})
            _adjustment_request(current, by=by, changes=approved_changes, reason=reason)
    else:
        raise ValidationError(
            _("A project that is %(status)s can no longer be edited.") % {"status": current.get_status_display()}
        )
    for key, value in direct.items():
        setattr(current, key, value)
    if partner_provinces is not None:
        current.partner_provinces.set(partner_provinces)
    if beneficiaries is not None:
        current.beneficiaries.set(beneficiaries)
    current.version += 1
    _refresh_search_text(current)
    _save(current, by=by)
    return current


def _adjustment_request(project: Project, *, by: User, changes: dict, reason: str) -> ProjectAdjustment:
    if project.adjustments.filter(decision=ProjectAdjustment.Decision.PENDING).exists():
        raise ValidationError(_("An adjustment of this project is already awaiting approval."))
    adjustment = ProjectAdjustment.objects.create(project=project, changes=changes, reason=reason, requested_by=by)
    ProjectTransition.objects.create(
        project=project, action="adjust", from_status=project.status, to_status=Status.ADJUSTING, reason=reason, by=by
    )
    project.status_before_adjustment = project.status
    project.status = Status.ADJUSTING
    notify.adjustment_requested(adjustment=adjustment)
    return adjustment


@transaction.atomic
def adjustment_decide(*, adjustment: ProjectAdjustment, by: User, approve: bool, reason: str = "") -> Project:
    """Approve (apply old → new) or reject a pending adjustment; the project returns to its status."""
    cachekeys.bump()  # the dashboards' figures move
    project = _locked(adjustment.project, None)
    if not rules.is_approver_for(by, project):
        raise PermissionDenied(_("Your role cannot decide on this project's adjustments."))
    _check_in_scope(by, project.province)
    adjustment = ProjectAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.decision != ProjectAdjustment.Decision.PENDING:
        raise ValidationError(_("This adjustment has already been decided."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Please give the reason for refusing the adjustment.")})
    if approve:
        for field, (_old, new) in adjustment.changes.items():
            value = datetime.date.fromisoformat(new) if field.endswith("_date") else Decimal(new)
            setattr(project, field, value)
        validate_project_data(
            {field: getattr(project, field) for field in PROJECT_FIELDS},
            on=_ceiling_day(project),
            advanced=selectors.money_total(project, MoneyEntry.Kind.ADVANCE),
        )
        _check_recorded_money(project, project.approved_support)
    adjustment.decision = ProjectAdjustment.Decision.APPROVED if approve else ProjectAdjustment.Decision.REJECTED
    adjustment.decided_by, adjustment.decided_at = by, timezone.now()
    adjustment.save()
    target = project.status_before_adjustment or Status.IN_PROGRESS
    ProjectTransition.objects.create(
        project=project,
        action="adjustment_approved" if approve else "adjustment_rejected",
        from_status=project.status,
        to_status=target,
        reason=reason,
        by=by,
    )
    project.status, project.status_before_adjustment = target, ""
    project.version += 1
    _save(project, by=by)
    notify.adjustment_decided(adjustment=adjustment, reason=reason)
    return project


# The document each step of the life cycle is decided by (number, date, signer, file), when given.
DECISION_OF_ACTION = {
    "approve": ProjectDecision.Kind.APPROVAL,
    "start": ProjectDecision.Kind.CONTRACT,
    "accept": ProjectDecision.Kind.ACCEPTANCE,
    "close": ProjectDecision.Kind.LIQUIDATION,
    "settle": ProjectDecision.Kind.SETTLEMENT,
}


@transaction.atomic
def project_transition(
    *,
    project: Project,
    action: str,
    by: User,
    reason: str = "",
    expected_version: int | None = None,
    decision: dict | None = None,
) -> Project:
    """Move a project along its life cycle, if the action is allowed from its status for this role.

    `decision`: the document of the step (number, date, signer, uploaded_file), recorded with it; the
    approval is checked against the support ceilings in force on the day."""
    cachekeys.bump()  # the dashboards' figures move
    transition = rules.TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(_("Unknown action."))
    project = _locked(project, expected_version)
    _check_in_scope(by, project.province)
    if project.status not in transition.sources:
        raise ValidationError(
            _("A project that is %(status)s cannot be moved with “%(action)s”.")
            % {"status": project.get_status_display(), "action": transition.label}
        )
    if not rules.may(by, transition, project):
        raise PermissionDenied(_("Your role cannot do “%(action)s” on this project.") % {"action": transition.label})
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    if action == "approve":
        validate_project_data(
            {field: getattr(project, field) for field in PROJECT_FIELDS},
            on=timezone.localdate(),
            advanced=selectors.money_total(project, MoneyEntry.Kind.ADVANCE),
        )
        project.approved_at = timezone.now()
        # The province of the plan year: history entered late stays history (a 2023 Sóc Trăng project keeps
        # Sóc Trăng); only a province that had ceased to exist before the plan year's end moves to its successor
        # (a 2026 draft of Long An belongs to today's Tây Ninh).
        project.province = province_selectors.province_for_plan_year(project.province, year=project.plan_year)
    done = ProjectTransition.objects.create(
        project=project, action=action, from_status=project.status, to_status=transition.target, reason=reason, by=by
    )
    if decision and any(decision.get(key) for key in ("number", "date", "signer", "uploaded_file")):
        if action not in DECISION_OF_ACTION:
            raise ValidationError(_("“%(action)s” is not decided by a document.") % {"action": transition.label})
        _decision_create(project=project, by=by, kind=DECISION_OF_ACTION[action], **decision)
    project.status = transition.target
    project.version += 1
    _save(project, by=by)
    notify.project_transitioned(project=project, transition=done)
    return project


def _check_recorded_money(project: Project, ceiling: Decimal) -> None:
    """The approved support caps each kind of money entry on its own (projects/money.py)."""
    for kind in money.CEILING_KINDS:
        total = selectors.money_total(project, kind)
        if total > ceiling:
            raise ValidationError(money.ceiling_message(kind=kind, total=total, support=ceiling))


@transaction.atomic
def money_entry_add(
    *, project: Project, by: User, kind: str, amount, date: datetime.date, note: str = "", entry_key: str = ""
) -> MoneyEntry:
    """Record an advance, disbursement or settlement. Each kind's total (corrections included) stays within
    approved support. `entry_key` makes a resent save idempotent: the same key on the project returns the entry
    it recorded the first time."""
    cachekeys.bump()  # the dashboards' figures move
    if not rules.is_editor(by):
        raise PermissionDenied(_("Only provincial officers record spending."))
    project = _locked(project, None)  # serialises concurrent entries on the same project
    _check_in_scope(by, project.province)
    entry_key = (entry_key or "")[:64]
    if entry_key:
        already = MoneyEntry.objects.filter(project=project, entry_key=entry_key).first()
        if already is not None:
            return already
    if project.status not in rules.MONEY_STATUSES:
        raise ValidationError(_("Money can be recorded only on an approved project."))
    if kind not in MoneyEntry.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of money entry.")})
    amount = _as_money(amount, "amount")
    if amount == 0:
        raise ValidationError({"amount": _("The amount must be greater than zero.")})
    if date is None:
        raise ValidationError({"date": _("Enter a date as dd/mm/yyyy, for example 31/10/2026.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    total = selectors.money_total(project, kind) + amount
    if total > project.approved_support:  # each kind on its own (projects/money.py: CEILING_KINDS)
        raise ValidationError(
            {"amount": money.ceiling_message(kind=kind, total=total, support=project.approved_support)}
        )
    if kind == MoneyEntry.Kind.SETTLEMENT and total > selectors.money_total(project, MoneyEntry.Kind.DISBURSEMENT):
        raise ValidationError({"amount": _("The settlement cannot exceed what has been disbursed.")})
    if kind == MoneyEntry.Kind.ADVANCE:
        ceilings.check(
            fund=project.fund,
            province=project.province,
            activity=project.activity,
            support=project.approved_support,
            total_cost=project.total_cost,
            on=_ceiling_day(project),
            advanced=total,
            support_field="amount",
            advance_field="amount",
        )
    entry = MoneyEntry(
        project=project, kind=kind, amount=amount, date=date, note=note, entry_key=entry_key, created_by=by
    )
    _save(entry, by=by)
    return entry


def money_correction_needs_approver(entry: MoneyEntry) -> object | None:
    """The submitted periodic report whose window holds the entry's date, if any: from then on only the
    province's approver corrects it (the officer could before)."""
    return entry_periods.submitted_report_covering(province_id=entry.project.province_id, day=entry.date)


@transaction.atomic
def money_entry_correct(*, entry: MoneyEntry, by: User, reason: str, amount=None) -> MoneyEntry:
    """Reverse a wrong money entry, wholly (no amount) or in part, by a correcting entry: negative, of the same
    kind and date (so the period it fell in is corrected), linked to it, with the reason. The entry itself is
    never changed. Before the period's report is submitted the officer or the approver corrects; afterwards
    only the approver."""
    cachekeys.bump()  # the dashboards' figures move
    if not rules.is_editor(by):
        raise PermissionDenied(_("Only the province's staff correct its money entries."))
    project = _locked(entry.project, None)
    _check_in_scope(by, project.province)
    entry = MoneyEntry.objects.select_for_update().get(pk=entry.pk, project=project)
    if entry.is_correction:
        raise ValidationError(_("A correction cannot itself be corrected; correct the original entry again."))
    report = money_correction_needs_approver(entry)
    if not rules.may_correct_money(by, after_submission=report is not None):
        raise PermissionDenied(
            _(
                "The report for %(period)s was submitted on %(date)s: only the approver may now correct "
                "money entries of that period."
            )
            % {"period": report.period.label, "date": timezone.localtime(report.submitted_at).strftime("%d/%m/%Y")}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is corrected.")})
    remaining = entry.amount + (entry.corrections.aggregate(total=Sum("amount"))["total"] or Decimal(0))
    if remaining <= 0:
        raise ValidationError(_("This entry has already been reversed in full."))
    amount = remaining if amount in (None, "") else _as_money(amount, "amount")
    if amount == 0:
        raise ValidationError({"amount": _("The amount must be greater than zero.")})
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _("At most %(remaining)s of this entry is left to correct.")
                % {"remaining": numbers.format_vnd(remaining)}
            }
        )
    if entry.kind == MoneyEntry.Kind.DISBURSEMENT:
        disbursed_after = selectors.money_total(project, MoneyEntry.Kind.DISBURSEMENT) - amount
        if selectors.money_total(project, MoneyEntry.Kind.SETTLEMENT) > disbursed_after:
            raise ValidationError({"amount": _("The settlement cannot exceed what has been disbursed.")})
    correction = MoneyEntry(
        project=project,
        kind=entry.kind,
        amount=-amount,
        date=entry.date,
        note=_("Correction of the entry of %(date)s") % {"date": entry.date.strftime("%d/%m/%Y")},
        corrects=entry,
        reason=reason,
        created_by=by,
    )
    _save(correction, by=by)
    return correction


@transaction.atomic
def progress_save(
    *,
    project: Project,
    period,
    by: User,
    completion_percent,
    narrative: str = "",
    difficulties: str = "",
    expected_version: int | None = None,
) -> ProgressUpdate:
    """Create or update the period's progress row. expected_version: the row's version when loaded
    (None for a new row); a mismatch raises StaleEdit so nobody overwrites someone else's entry."""
    cachekeys.bump()  # the dashboards' figures move
    if not rules.is_editor(by):
        raise PermissionDenied(_("Only provincial officers enter progress."))
    _check_in_scope(by, project.province)
    try:
        percent = numbers.parse_percent(completion_percent)
    except ValidationError as error:
        raise ValidationError({"completion_percent": error.messages}) from None
    if percent is None:
        raise ValidationError({"completion_percent": _("Enter a percentage from 0 to 100, for example 37,5.")})
    state = entry_periods.state_of(period, province_id=project.province_id)
    if not state.is_open:
        raise ValidationError(
            _("Data entry for %(period)s closed on %(date)s.")
            % {"period": period.label, "date": period.entry_closes_on.strftime("%d/%m/%Y")}
        )
    period = period_services.period_stored(period)
    row = ProgressUpdate.objects.select_for_update().filter(project=project, period=period).first()
    if row is None:
        if expected_version not in (None, 0):
            raise StaleEdit({})
        row = ProgressUpdate(project=project, period=period, updated_by=by, completion_percent=percent)
    elif expected_version is not None and row.version != expected_version:
        raise StaleEdit(
            {
                "completion_percent": (str(completion_percent), str(row.completion_percent)),
                "narrative": (narrative, row.narrative),
            }
        )
    else:
        row.version += 1
    row.completion_percent, row.narrative, row.difficulties, row.updated_by = percent, narrative, difficulties, by
    _save(row, by=by)
    return row


# checked by content (khuyencong.filetypes); macro-enabled office files are refused by name
ATTACHMENT_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx", "odt", "ods")
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def attachment_add(
    *,
    project: Project,
    by: User,
    uploaded_file,
    kind: str,
    progress_update: ProgressUpdate | None = None,
    check_role: bool = True,
) -> Attachment:
    """Store a PDF, image, Word, Excel or OpenDocument file checked by its content and size.
    check_role=False: the caller (a decision's record) has checked who may act."""
    cachekeys.bump()  # the API's project rows list the attachments of decisions
    if check_role and not rules.is_editor(by):
        raise PermissionDenied(_("Only provincial officers upload files."))
    _check_in_scope(by, project.province)
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}}
        )
    if uploaded_file.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    kind_found = filetypes.detect(uploaded_file)
    if kind_found == filetypes.MACRO:
        raise ValidationError(
            {"file": _("Files with macros (.docm, .xlsm) are not accepted: save it as .docx or .xlsx.")}
        )
    if kind_found not in ATTACHMENT_KINDS:
        raise ValidationError(
            {
                "file": _(
                    "Only PDF, JPEG, PNG, Word (.docx), Excel (.xlsx) and OpenDocument (.odt, .ods) files are "
                    "accepted; this file is none of them."
                )
            }
        )
    extension, content_type = filetypes.KINDS[kind_found]
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    attachment = Attachment(
        project=project,
        progress_update=progress_update,
        kind=kind,
        original_name=uploaded_file.name[:255],
        content_type=content_type,
        extension=extension,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    attachment.file.save(uploaded_file.name, uploaded_file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def beneficiary_match_or_create(
    *, name: str, kind: str, tax_code: str = "", commune=None, address: str = ""
) -> Beneficiary:
    """One record per establishment: matched by tax code when it has one, else by folded name and commune."""
    tax_code = (tax_code or "").strip().replace(" ", "")
    folded = fold(name)[:255]
    if tax_code:
        beneficiary, _created = Beneficiary.objects.get_or_create(
            tax_code=tax_code,
            defaults={"name": name, "name_folded": folded, "kind": kind, "commune": commune, "address": address},
        )
        return beneficiary
    match = Beneficiary.objects.filter(tax_code="", name_folded=folded, commune=commune, kind=kind).first()
    if match:
        return match
    return Beneficiary.objects.create(name=name, name_folded=folded, kind=kind, commune=commune, address=address)


@transaction.atomic
def programmes_load() -> int:
    """The extension programmes as reference data (idempotent)."""
    cachekeys.bump()  # the dashboards' figures move
    rows = [
        ("2021-2025", "Chương trình khuyến công quốc gia giai đoạn 2021–2025", "1881/QĐ-TTg", 2021, 2025),
        ("2026-2030", "Chương trình khuyến công quốc gia giai đoạn 2026–2030", "2646/QĐ-BCT (23/9/2025)", 2026, 2030),
    ]
    for code, name, decision, start, end in rows:
        Programme.objects.update_or_create(
            code=code, defaults={"name": name, "decision": decision, "start_year": start, "end_year": end}
        )
    return Programme.objects.count()


@transaction.atomic
def period_entry_save(
    *,
    project: Project,
    period,
    by: User,
    completion_percent=None,
    narrative: str = "",
    difficulties: str = "",
    expected_version: int | None = None,
    with_progress: bool = True,
    disbursement=None,
    disbursement_date: datetime.date | None = None,
    entry_key: str = "",
) -> tuple[ProgressUpdate | None, MoneyEntry | None]:
    """One row of the period's entry grid: the progress (unless `with_progress` is off) and, if an amount is
    given, a disbursement, saved together or not at all. A disbursement without a date is dated today, or the
    period's cut-off for a period already past; it must fall within the period's data window."""
    cachekeys.bump()  # the dashboards' figures move
    row = entry = None
    if with_progress:
        row = progress_save(
            project=project,
            period=period,
            by=by,
            completion_percent=completion_percent,
            narrative=narrative,
            difficulties=difficulties,
            expected_version=expected_version,
        )
    if disbursement not in (None, ""):
        if not with_progress and not entry_periods.state_of(period, province_id=project.province_id).is_open:
            raise ValidationError(
                _("Data entry for %(period)s closed on %(date)s.")
                % {"period": period.label, "date": period.entry_closes_on.strftime("%d/%m/%Y")}
            )
        day = disbursement_date or min(timezone.localdate(), period.ends_on)
        if not period.starts_on <= day <= period.ends_on:
            raise ValidationError(
                {
                    "date": _("The date must fall in the period's data window, %(start)s – %(end)s.")
                    % {"start": period.starts_on.strftime("%d/%m/%Y"), "end": period.ends_on.strftime("%d/%m/%Y")}
                }
            )
        entry = money_entry_add(
            project=project,
            by=by,
            kind=MoneyEntry.Kind.DISBURSEMENT,
            amount=disbursement,
            date=day,
            note=_("Entered with the progress of %(period)s") % {"period": period.label},
            entry_key=entry_key,
        )
    return row, entry


@transaction.atomic
def registration_open(*, plan_year: int, deadline: datetime.date, by: User) -> int:
    """Ministry staff open next year's national-plan registration: one row per province of the region on
    the deadline, not registered yet. Idempotent; a later call moves the deadline. Returns the row count."""
    cachekeys.bump()  # the dashboards' figures move
    if not by.sees_all_provinces:
        raise PermissionDenied(_("Only ministry staff open the national plan registration."))
    if not Programme.objects.filter(start_year__lte=plan_year, end_year__gte=plan_year).exists():
        raise ValidationError(
            {"plan_year": _("Plan year %(year)s is outside every extension programme.") % {"year": plan_year}}
        )
    provinces = province_selectors.provinces_in_region_on(day=deadline)
    for province in provinces:
        NationalPlanRegistration.objects.update_or_create(
            province=province, plan_year=plan_year, defaults={"deadline": deadline}
        )
    return provinces.count()


@transaction.atomic
def registration_submit(*, province: Province, plan_year: int, by: User) -> NationalPlanRegistration:
    """The provincial approver registers the province's national-fund projects for the plan year: their
    number and requested support are taken from the projects registered for that year. After the
    deadline the registration is recorded as late."""
    cachekeys.bump()  # the dashboards' figures move
    if by.role != User.Role.APPROVER:
        raise PermissionDenied(_("Only the provincial approver registers the national plan."))
    _check_in_scope(by, province)
    registration = (
        NationalPlanRegistration.objects.select_for_update().filter(province=province, plan_year=plan_year).first()
    )
    if registration is None:
        raise ValidationError(_("The ministry has not opened registration for %(year)s.") % {"year": plan_year})
    projects = Project.objects.filter(
        province_id__in=province_selectors.province_family_ids(province_id=province.pk),
        plan_year=plan_year,
        fund=Fund.NATIONAL,
        status__in=rules.REGISTERED_FOR_PLAN,
    )
    totals = projects.aggregate(n=Count("id"), support=Sum("approved_support"))
    if not totals["n"]:
        raise ValidationError(
            _("Submit at least one national-fund project for %(year)s before registering.") % {"year": plan_year}
        )
    now = timezone.now()
    late = timezone.localtime(now).date() > registration.deadline
    registration.status = NationalPlanRegistration.Status.LATE if late else NationalPlanRegistration.Status.REGISTERED
    registration.registered_at = now
    registration.project_count, registration.requested_amount = totals["n"], totals["support"] or Decimal(0)
    registration.save()
    return registration


# Establishments (cơ sở thụ hưởng) -----------------------------------------------------------------------


@transaction.atomic
def establishment_create(
    *,
    by: User,
    name: str,
    kind: str,
    commune: Commune,
    tax_code: str = "",
    address: str = "",
    women_owned: bool = False,
    ethnic_minority_owned: bool = False,
) -> Beneficiary:
    """Add an establishment to the registry, in a commune of the author's provinces; its tax code, if given,
    must pass its check digit and belong to no other record."""
    if not (rules.is_editor(by) or by.sees_all_provinces):
        raise PermissionDenied(_("Your role cannot add establishments."))
    errors: dict[str, str] = {}
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        errors["name"] = _("Enter the establishment's name.")
    if kind not in Beneficiary.Kind.values:
        errors["kind"] = _("Choose the kind of establishment.")
    if commune is None:
        errors["commune"] = _("Choose the establishment's commune.")
    else:
        _check_in_scope(by, commune.province)
    try:
        tax_code = tax_codes.normalise(tax_code)
    except ValidationError as error:
        errors["tax_code"] = error.messages[0]
    else:
        other = Beneficiary.objects.filter(tax_code=tax_code).first() if tax_code else None
        if other is not None:
            errors["tax_code"] = _(
                "The tax code %(code)s is already registered to %(name)s: choose it from the list."
            ) % {
                "code": tax_code,
                "name": other.name,
            }
    if errors:
        raise ValidationError(errors)
    return Beneficiary.objects.create(
        name=name[:255],
        name_folded=fold(name)[:255],
        kind=kind,
        tax_code=tax_code,
        commune=commune,
        address=unicodedata.normalize("NFC", (address or "").strip())[:255],
        women_owned=bool(women_owned),
        ethnic_minority_owned=bool(ethnic_minority_owned),
    )


# Decisions and documents of the life cycle -------------------------------------------------------------


def _decision_create(
    *, project: Project, by: User, kind: str, number: str = "", date=None, signer: str = "", uploaded_file=None
) -> ProjectDecision:
    errors: dict[str, str] = {}
    number = unicodedata.normalize("NFC", (number or "").strip())
    if kind not in ProjectDecision.Kind.values:
        errors["kind"] = _("Unknown kind of decision.")
    if not number:
        errors["number"] = _("Enter the document's number.")
    elif len(number) > 60:
        errors["number"] = _("The number is longer than 60 characters.")
    elif project.decisions.filter(kind=kind, number=number).exists():
        errors["number"] = _("This project already has a document of this kind numbered %(number)s.") % {
            "number": number
        }
    if date is None:
        errors["date"] = _("Enter the document's date.")
    elif date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    attachment = None
    if uploaded_file is not None:
        attachment = attachment_add(
            project=project, by=by, uploaded_file=uploaded_file, kind=Attachment.Kind.DECISION, check_role=False
        )
    signer = unicodedata.normalize("NFC", (signer or "").strip())[:255]
    return ProjectDecision.objects.create(
        project=project, kind=kind, number=number, date=date, signer=signer, attachment=attachment, recorded_by=by
    )


@transaction.atomic
def decision_record(
    *, project: Project, by: User, kind: str, number: str, date, signer: str = "", uploaded_file=None
) -> ProjectDecision:
    """Record a decision or document of the project (approval, contract or assignment, acceptance,
    liquidation, settlement) with its number, date, signer and file. The province's officers and approvers
    record them, and whoever approves the project's fund."""
    cachekeys.bump()  # the API's project rows list the decisions
    if not (rules.is_editor(by) or rules.is_approver_for(by, project)):
        raise PermissionDenied(_("Your role cannot record this project's decisions."))
    project = _locked(project, None)
    _check_in_scope(by, project.province)
    return _decision_create(
        project=project, by=by, kind=kind, number=number, date=date, signer=signer, uploaded_file=uploaded_file
    )


# Support ceilings --------------------------------------------------------------------------------------

NATIONAL_BASIS = "Thông tư 28/2018/TT-BCT, sửa đổi bởi Thông tư 64/2024/TT-BCT"
# (activity, case, max share %, max amount VND, max advances % of support). Figures of the domain notes
# (typical-products.md, "Support ceilings"); those it does not confirm are left out: no row, no check.
NATIONAL_CEILINGS = [
    ("KC02", "", Decimal(30), Decimal(1_000_000_000), Decimal(70)),
    ("KC03", "máy móc thiết bị", Decimal(50), Decimal(300_000_000), Decimal(70)),
    ("KC03", "dây chuyền công nghệ", Decimal(50), Decimal(450_000_000), Decimal(70)),
    ("KC06", "cấp khu vực", None, Decimal(200_000_000), Decimal(70)),
    ("KC06", "cấp quốc gia", None, Decimal(400_000_000), Decimal(70)),
    ("KC10", "hạ tầng cụm công nghiệp", None, Decimal(6_000_000_000), Decimal(70)),
]
# Circular 28/2018/TT-BCT took effect on 12/11/2018; the amending circular's own date is not confirmed in
# our sources, so the amended figures are dated from the base circular (see the note on each row).
NATIONAL_VALID_FROM = datetime.date(2018, 11, 12)


@transaction.atomic
def ceilings_load() -> int:
    """The known national-fund ceilings as reference data (idempotent)."""
    activities = {a.code: a for a in ActivityContent.objects.filter(code__in={row[0] for row in NATIONAL_CEILINGS})}
    for code, variant, share, amount, advance in NATIONAL_CEILINGS:
        if code not in activities:
            continue
        SupportCeiling.objects.update_or_create(
            fund=Fund.NATIONAL,
            province=None,
            activity=activities[code],
            variant=variant,
            valid_from=NATIONAL_VALID_FROM,
            defaults={
                "legal_basis": NATIONAL_BASIS,
                "max_share": share,
                "max_amount": amount,
                "max_advance_share": advance,
                "note": "Ngày hiệu lực của mức sửa đổi cần đối chiếu với Thông tư 64/2024/TT-BCT.",
            },
        )
    return SupportCeiling.objects.filter(fund=Fund.NATIONAL).count()


@transaction.atomic
def ceiling_create(
    *,
    by: User,
    activity: ActivityContent,
    legal_basis: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    max_share=None,
    max_amount=None,
    max_advance_share=None,
    variant: str = "",
    note: str = "",
) -> SupportCeiling:
    """A province's approver enters a People's Council resolution's ceiling for the local fund of their
    province (ministry staff: the national fund's)."""
    if by.role == User.Role.APPROVER:
        fund, province = Fund.LOCAL, by.unit.province
    elif by.sees_all_provinces:
        fund, province = Fund.NATIONAL, None
    else:
        raise PermissionDenied(_("Only the province's approver enters its support ceilings."))
    errors: dict[str, str] = {}
    legal_basis = unicodedata.normalize("NFC", (legal_basis or "").strip())
    if not legal_basis:
        errors["legal_basis"] = _("Cite the resolution or circular that sets the ceiling.")
    if valid_to and valid_to < valid_from:
        errors["valid_to"] = _("The end date cannot be before the start date.")
    for field, value in (("max_share", max_share), ("max_advance_share", max_advance_share)):
        if value is not None and not Decimal(0) < Decimal(value) <= Decimal(100):
            errors[field] = _("Enter a percentage above 0 and at most 100.")
    if max_amount is not None:
        try:
            max_amount = _as_money(max_amount, "max_amount")
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            if max_amount == 0:
                errors["max_amount"] = _("The amount must be greater than zero.")
    if max_share is None and max_amount is None and max_advance_share is None:
        errors["max_amount"] = _("Enter at least one limit.")
    duplicate = SupportCeiling.objects.filter(
        fund=fund, province=province, activity=activity, variant=variant, valid_from=valid_from
    )
    if duplicate.exists():
        errors["valid_from"] = _("A ceiling for this activity from this date is already recorded.")
    if errors:
        raise ValidationError(errors)
    ceiling = SupportCeiling(
        fund=fund,
        province=province,
        activity=activity,
        variant=variant,
        legal_basis=legal_basis,
        valid_from=valid_from,
        valid_to=valid_to,
        max_share=max_share,
        max_amount=max_amount,
        max_advance_share=max_advance_share,
        note=note,
        entered_by=by,
    )
    ceiling.save()
    return ceiling

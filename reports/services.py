"""Writes of periodic reports: the sweep, generation, the submit/review workflow, exceptions, reminders.

Generation is safe to run twice or on two workers at once: a worker claims a report with a conditional
UPDATE (queued → running) and files are written under new content-addressed names before the row points
to them, so a worker killed half-way leaves the previous files in place and the row says what to redo.
"""

import datetime
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.concurrency import StaleEdit
from periods import selectors as period_selectors
from periods import services as period_services
from periods.models import ReportingPeriod
from provinces import selectors as province_selectors
from provinces.models import User
from reports import documents, notify, snapshot
from reports.models import Report, ReportEvent

G = Report.Generation


logger = logging.getLogger(__name__)


def _queue(report_ids: list[int]) -> None:
    """Send generation tasks once the surrounding transaction has committed."""
    from reports import tasks

    for report_id in report_ids:
        transaction.on_commit(lambda pk=report_id: tasks.report_generate.delay(pk))


# ---- the sweep ---------------------------------------------------------------------------------------


def _due_periods(today: datetime.date) -> list[ReportingPeriod]:
    """Periods of the configured kinds whose cut-off has passed within the look-back window."""
    since = today - datetime.timedelta(days=settings.REPORTS_LOOKBACK_DAYS)
    windows = period_selectors.calendar().cut_between(settings.REPORTS_PERIOD_KINDS, since, today)
    return [period_services.period_get_or_create(kind=w.kind, year=w.year, number=w.number) for w in windows]


def _ensure(period: ReportingPeriod, province_id: int | None) -> tuple[Report, bool]:
    """The first version of a report, created once even when two sweeps race (the unique constraint decides)."""
    existing = Report.objects.filter(period=period, province_id=province_id).order_by("-version").first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return Report.objects.create(period=period, province_id=province_id), True
    except IntegrityError:
        return Report.objects.get(period=period, province_id=province_id, version=1), False


def reports_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Make sure every due period has each province's draft and the regional report, generated.

    Idempotent and self-healing: it creates only what is missing, queues what was never generated, and
    re-queues what is stuck in `queued` or `running` longer than the task's hard time limit.
    """
    today = today or timezone.localdate()
    created, to_queue = 0, []
    for period in _due_periods(today):
        provinces = province_selectors.provinces_in_region_on(day=period.ends_on).values_list("pk", flat=True)
        for province_id in [*provinces, None]:
            report, was_created = _ensure(period, province_id)
            created += was_created
            if report.generation == G.IDLE:
                to_queue.append(report.pk)
    stale = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_STUCK_AFTER_SECONDS)
    stuck = Report.objects.filter(
        Q(generation=G.QUEUED, queued_at__lt=stale) | Q(generation=G.RUNNING, started_at__lt=stale)
    ).values_list("pk", flat=True)
    requeued = 0
    with transaction.atomic():
        for report_id in [*to_queue, *stuck]:
            requeued += report_request_generation(report_id=report_id, force=True)
    return {"created": created, "queued": requeued}


# ---- generation --------------------------------------------------------------------------------------


def report_request_generation(*, report_id: int, force: bool = False) -> bool:
    """Mark a report queued and send the task after commit. A frozen report with its files is final."""
    report = Report.objects.get(pk=report_id)
    if report.is_frozen and report.generation == G.READY:
        return False
    allowed = [G.IDLE, G.READY, G.FAILED] + ([G.QUEUED, G.RUNNING] if force else [])
    changed = Report.objects.filter(pk=report_id, generation__in=allowed).update(
        generation=G.QUEUED, queued_at=timezone.now(), error=""
    )
    if changed:
        _queue([report_id])
    return bool(changed)


def report_generate(*, report_id: int) -> bool:
    """Render the PDF and xlsx of a queued report; returns False when another worker has it or it is done.

    Drafts get a fresh snapshot of today's figures; a submitted report keeps its frozen one.
    """
    claimed = Report.objects.filter(pk=report_id, generation=G.QUEUED).update(
        generation=G.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False
    report = Report.objects.select_related("period", "province", "submitted_by").get(pk=report_id)
    try:
        if not report.is_frozen:
            report.snapshot = snapshot.build(report)
            report.snapshot_at = timezone.now()
        pdf_bytes, pages = documents.report_pdf(report)
        xlsx_bytes = documents.report_xlsx(report)
    except Exception as error:
        Report.objects.filter(pk=report_id, generation=G.RUNNING).update(
            generation=G.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    pdf_sha, xlsx_sha = hashlib.sha256(pdf_bytes).hexdigest(), hashlib.sha256(xlsx_bytes).hexdigest()
    stem = f"{report.period.year}/{report.pk}-v{report.version}"
    pdf_name = _store(report.pdf.storage, f"reports/{stem}-{pdf_sha[:12]}.pdf", pdf_bytes)
    xlsx_name = _store(report.xlsx.storage, f"reports/{stem}-{xlsx_sha[:12]}.xlsx", xlsx_bytes)
    fields = {
        "generation": G.READY,
        "generated_at": timezone.now(),
        "pdf": pdf_name,
        "pdf_sha256": pdf_sha,
        "pdf_pages": pages,
        "xlsx": xlsx_name,
        "xlsx_sha256": xlsx_sha,
        "error": "",
    }
    if not report.is_frozen:
        fields.update(snapshot=report.snapshot, snapshot_at=report.snapshot_at)
    with transaction.atomic():
        # status=report.status: a draft submitted meanwhile keeps its own frozen snapshot, not this one
        updated = Report.objects.filter(pk=report_id, generation=G.RUNNING, status=report.status).update(**fields)
        if updated:
            ReportEvent.objects.create(report_id=report_id, action="generated")
    if updated:
        # Operators see each report produced in the worker's log (make run starts it at INFO).
        logger.info("report %s generated: %s, %s pages, pdf sha256 %s", report_id, report, pages, pdf_sha[:12])
    return bool(updated)


def report_retry_later(*, report_id: int, error: str) -> None:
    """A transient failure: back to the queue (the task retries it), the error kept for staff to see."""
    Report.objects.filter(pk=report_id, generation__in=[G.RUNNING, G.FAILED]).update(
        generation=G.QUEUED, queued_at=timezone.now(), error=error[:2000]
    )


def _store(storage, name: str, content: bytes) -> str:
    """Write a file so that it is either whole under its name or not there: on local storage through a
    temporary file and an atomic rename (a worker killed mid-write leaves no half file under the name)."""
    if not isinstance(storage, FileSystemStorage):
        return storage.save(name, ContentFile(content))
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".part-", delete=False) as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)  # same name, same content: a second render of the same bytes is harmless
    return name


def report_mark_failed(*, report_id: int, error: str) -> None:
    Report.objects.filter(pk=report_id).exclude(generation=G.READY).update(generation=G.FAILED, error=error[:2000])


# ---- workflow ----------------------------------------------------------------------------------------


def _check_province(user: User, report: Report) -> None:
    if report.is_regional:  # the regional report is the ministry's own: no province writes to it
        raise PermissionDenied(_("This report belongs to another province."))
    province_selectors.require_in_scope(
        user=user, province_id=report.province_id, message=_("This report belongs to another province.")
    )


NARRATIVE_FIELDS = ("achievements", "difficulties", "proposals")


def _check_author(user: User, report: Report) -> None:
    """A province's report is written by its own staff; the regional report by ministry staff."""
    if report.is_regional:
        if user.role != User.Role.MINISTRY:
            raise PermissionDenied(_("Only ministry staff write the regional report."))
        return
    if not user.is_provincial:
        raise PermissionDenied(_("Only the province writes its report."))
    _check_province(user, report)


def _signer(user: User) -> dict:
    signature = user.signature()
    if signature is None:
        raise ValidationError(
            _("Your profile has no full name or position for the signature block; ask an administrator to add them.")
        )
    return signature


def _document_number(report: Report, on: datetime.datetime) -> int:
    """The issuer's next report number of the year (số văn bản): its reports issued this year, plus one."""
    year = timezone.localtime(on).year
    issued = Report.objects.filter(province_id=report.province_id, submitted_at__year=year).exclude(pk=report.pk)
    return issued.count() + 1


@transaction.atomic
def report_narrative_save(*, report: Report, by: User, expected_version: int, **texts: str) -> Report:
    """Officers and approvers write their province's draft; ministry staff the regional one (version-checked)."""
    _check_author(by, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_frozen:
        raise ValidationError(_("A submitted report cannot be changed; a correction is a new version."))
    if report.edit_version != expected_version:
        # Reports keep no narrative history: `changes` lists the fields sent whose stored text differs.
        raise StaleEdit(
            {
                field: (texts[field], getattr(report, field))
                for field in NARRATIVE_FIELDS
                if field in texts and texts[field].strip() != getattr(report, field)
            }
        )
    for field in NARRATIVE_FIELDS:
        if field in texts:
            setattr(report, field, texts[field].strip())
    report.edit_version += 1
    report.save(update_fields=["achievements", "difficulties", "proposals", "edit_version"])
    return report


@transaction.atomic
def report_submit(*, report: Report, by: User) -> Report:
    """The provincial approver submits their province's report; ministry staff issue the regional one.

    The figures are frozen now, with the signer's block and the document's number, and the PDF is rendered
    from them: the signed document never changes afterwards (a correction is a new version).
    """
    if report.is_regional:
        if by.role != User.Role.MINISTRY:
            raise PermissionDenied(_("Only ministry staff issue the regional report."))
    else:
        if by.role != User.Role.APPROVER:
            raise PermissionDenied(_("Only the provincial approver submits the report."))
        _check_province(by, report)
    signer = _signer(by)
    # Only the report's row: the regional report has no province, and PostgreSQL refuses FOR UPDATE on an outer join.
    report = Report.objects.select_for_update(of=("self",)).select_related("period", "province").get(pk=report.pk)
    if report.status != Report.Status.DRAFT:
        raise ValidationError(_("This report has already been submitted."))
    now = timezone.now()
    report.snapshot = snapshot.build(report)
    report.snapshot["signer"] = signer
    report.snapshot["number"] = _document_number(report, now)
    report.snapshot_at = report.submitted_at = now
    report.submitted_by = by
    report.status = Report.Status.SUBMITTED
    report.generation = G.QUEUED
    report.queued_at = timezone.now()
    report.save()
    ReportEvent.objects.create(report=report, action="submitted", by=by)
    _queue([report.pk])
    notify.report_submitted(report=report)
    return report


@transaction.atomic
def report_review(*, report: Report, by: User, accept: bool, comment: str = "") -> Report:
    """Ministry staff accept a submitted report, or return it with comments (a new draft version follows)."""
    if not by.sees_all_provinces:
        raise PermissionDenied(_("Only ministry staff review reports."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_regional:
        raise ValidationError(_("The regional report is issued by the ministry; it is not reviewed."))
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say what must be corrected.")})
    report.status = Report.Status.ACCEPTED if accept else Report.Status.RETURNED
    report.reviewed_by, report.reviewed_at, report.review_comment = by, timezone.now(), comment.strip()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    ReportEvent.objects.create(report=report, action="accepted" if accept else "returned", comment=comment, by=by)
    notify.report_reviewed(report=report)
    if not accept:
        Report.objects.create(
            period=report.period,
            province=report.province,
            version=report.version + 1,
            achievements=report.achievements,
            difficulties=report.difficulties,
            proposals=report.proposals,
        )
    return report


@transaction.atomic
def report_new_version(*, report: Report, by: User) -> Report:
    """Ministry staff start a new version of an issued regional report: a draft with today's figures and
    the previous text, to be issued in its turn. The issued version stays as it was signed."""
    if by.role != User.Role.MINISTRY:
        raise PermissionDenied(_("Only ministry staff issue the regional report."))
    if not report.is_regional:
        raise ValidationError(_("A province's report gets a new version when the ministry returns it."))
    latest = Report.objects.select_for_update().filter(period=report.period, province=None).order_by("-version")[0]
    if latest.pk != report.pk or not report.is_frozen:
        raise ValidationError(_("A newer version of this report already exists."))
    draft = Report.objects.create(
        period=report.period,
        province=None,
        version=report.version + 1,
        achievements=report.achievements,
        difficulties=report.difficulties,
        proposals=report.proposals,
    )
    ReportEvent.objects.create(report=report, action="new_version", by=by, comment=f"v{draft.version}")
    report_request_generation(report_id=draft.pk)
    return draft


# ---- reminders (entry open/closed and its exceptions live in periods) ------------------------------


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Deadline reminders and the escalation of very late reports, on the schedule held as data."""
    return notify.reminders_send(today=today)

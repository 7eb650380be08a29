"""Writes for the regional conference. Every change is atomic and recorded by django-simple-history with
the acting user (the audit trail); permission is checked here as well as in the views' selectors."""

import datetime
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from conferences import figures, selectors, uploads
from conferences.models import (
    CoChair,
    Conclusion,
    ConclusionFollowUp,
    Conference,
    Delegate,
    Document,
    Participation,
    QuotedFigure,
    Recognition,
    from_roman,
)
from provinces import selectors as province_selectors
from provinces.models import Province, Region, Unit, User

DATA_DIR = Path(__file__).resolve().parent / "data"


def _save(instance: models.Model, *, by: User | None) -> None:
    instance._history_user = by  # read by simple_history: who made the change
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance.save()


def _local(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


# Handover ------------------------------------------------------------------------------------------------


def _same_place(a: Province, b: Province) -> bool:
    """The same host across the 2025 reorganisation: both are the same province today (the merger door)."""
    return a.pk == b.pk or province_selectors.province_on(a).pk == province_selectors.province_on(b).pk


@transaction.atomic
def conference_close(
    *, conference: Conference, next_host: Province, by: User, now: datetime.datetime | None = None
) -> Conference:
    """Close a conference and record the province that hosts next year's; create next year's shell if absent.

    Ministry staff only. Idempotent: the same host again changes nothing. Refused: a second, different
    host for a year that has one (one host per year per region).
    """
    if not by.sees_all_provinces:
        raise PermissionDenied(_("Only ministry staff close a conference."))
    conference = (
        Conference.objects.select_for_update(of=("self",)).select_related("region", "next_host").get(pk=conference.pk)
    )
    next_year = conference.year + 1
    if conference.is_closed and conference.next_host_id == next_host.pk:
        return conference
    if conference.next_host_id and not conference.handover_inferred and conference.next_host_id != next_host.pk:
        raise ValidationError(
            _("Hosting was already handed to %(province)s at this conference.") % {"province": conference.next_host}
        )
    region_code = conference.region.code
    # as the province will be at next year's conference, or as it is at this close (before a merger)
    days = (datetime.date(next_year, 12, 31), selectors.conference_day(conference))
    if not any(
        province_selectors.provinces_in_region_on(day=day, region_code=region_code).filter(pk=next_host.pk).exists()
        for day in days
    ):
        raise ValidationError(
            _("%(province)s is not a province of the region in %(year)s.") % {"province": next_host, "year": next_year}
        )
    existing = (
        Conference.objects.select_for_update(of=("self",))
        .select_related("host_province")
        .filter(region=conference.region, year=next_year)
        .first()
    )
    if existing is not None and not _same_place(existing.host_province, next_host):
        raise ValidationError(
            _("%(year)s already has a host: %(province)s. A region has one host per year.")
            % {"year": next_year, "province": existing.host_province}
        )
    conference.next_host = next_host
    conference.handover_inferred = False
    conference.status = Conference.Status.CLOSED
    conference.closed_at = now or timezone.now()
    conference.closed_by = by
    _save(conference, by=by)
    if existing is None:
        taken = Conference.objects.filter(region=conference.region, number=conference.number + 1).exists()
        number = conference.number + 1
        if taken:
            number = (Conference.objects.filter(region=conference.region).aggregate(n=models.Max("number"))["n"]) + 1
        shell = Conference(
            region=conference.region,
            year=next_year,
            number=number,
            number_inferred=True,  # a year may be skipped (2021 was): the next number is a guess until confirmed
            title=conference.title,
            host_province=next_host,
            organiser=conference.organiser,
        )
        _save(shell, by=by)
    return conference


@transaction.atomic
def registration_deadline_set(*, conference: Conference, deadline: datetime.datetime | None, by: User) -> Conference:
    """Ministry staff set (or clear) the delegate registration deadline."""
    if not by.sees_all_provinces:
        raise PermissionDenied(_("Only ministry staff set the registration deadline."))
    conference.registration_deadline = deadline
    _save(conference, by=by)
    return conference


# Delegates -----------------------------------------------------------------------------------------------


def _check_province_for(*, user: User, conference: Conference, province: Province) -> None:
    if not user.is_provincial:
        raise PermissionDenied(_("Delegates are registered by their province's officers."))
    try:
        selectors.registration_province_get(user=user, conference=conference, province_pk=province.pk)
    except Http404 as exc:
        raise PermissionDenied(_("You can only register delegates of your own province.")) from exc


def registration_check_open(*, conference: Conference, now: datetime.datetime | None = None) -> None:
    """Raise ValidationError with the reason when delegates can no longer be registered or withdrawn."""
    now = now or timezone.now()
    if conference.is_closed:
        raise ValidationError(_("The conference is closed: delegates can no longer be registered."), code="closed")
    if conference.registration_deadline and now > conference.registration_deadline:
        raise ValidationError(
            _("Delegate registration closed at %(deadline)s.") % {"deadline": _local(conference.registration_deadline)},
            code="deadline",
        )
    if conference.date and timezone.localdate(now) > conference.date:
        raise ValidationError(_("The conference has already taken place."), code="past")


@transaction.atomic
def delegate_register(
    *,
    conference: Conference,
    province: Province,
    full_name: str,
    position: str,
    unit: Unit | None = None,
    organisation: str = "",
    phone: str = "",
    email: str = "",
    by: User,
    now: datetime.datetime | None = None,
) -> Delegate:
    """Register one delegate of the user's province before the deadline; the province then counts as taking part."""
    _check_province_for(user=by, conference=conference, province=province)
    registration_check_open(conference=conference, now=now)
    full_name = " ".join(unicodedata.normalize("NFC", full_name).split())
    position, organisation = position.strip(), organisation.strip()
    registered = Delegate.objects.filter(conference=conference, province=province).values_list("full_name", flat=True)
    if same := next((name for name in registered if name.casefold() == full_name.casefold()), None):
        raise ValidationError({"full_name": _("%(name)s is already registered for this conference.") % {"name": same}})
    if unit is not None and unit.province_id != province.pk:
        raise ValidationError({"unit": _("The unit must belong to the delegate's province.")})
    if unit is None and not organisation:
        raise ValidationError({"organisation": _("Give the delegate's unit or organisation.")})
    delegate = Delegate(
        conference=conference,
        province=province,
        full_name=full_name,
        position=position,
        unit=unit,
        organisation=organisation if unit is None else "",
        phone=" ".join(phone.split()),
        email=email.strip(),
        registered_by=by,
    )
    _save(delegate, by=by)
    Participation.objects.get_or_create(conference=conference, province=province, unit=None)
    return delegate


@transaction.atomic
def delegate_withdraw(*, delegate: Delegate, by: User, now: datetime.datetime | None = None) -> None:
    """Remove a registered delegate of the user's province, while registration is open."""
    _check_province_for(user=by, conference=delegate.conference, province=delegate.province)
    registration_check_open(conference=delegate.conference, now=now)
    delegate._history_user = by
    delegate.delete()


# Documents -----------------------------------------------------------------------------------------------


def _accept_file(file: UploadedFile) -> tuple[str, str, str]:
    """Check an upload and rename it to its detected type; returns (original name, content type, new ext)."""
    extension, content_type = uploads.upload_check(file)
    original = Path(file.name or "").name[:255]
    file.name = f"upload{extension}"
    return original, content_type, extension


@transaction.atomic
def document_upload(
    *,
    conference: Conference,
    kind: str,
    title: str,
    file: UploadedFile,
    province: Province | None = None,
    by: User,
) -> Document:
    """Attach a document: a province's discussion paper (its officers, or ministry staff), or the ministry's
    summary report or agenda (ministry staff only)."""
    if kind == Document.Kind.DISCUSSION_PAPER:
        if province is None:
            raise ValidationError({"province": _("A discussion paper belongs to a province.")})
        province_selectors.require_in_scope(
            user=by, province_id=province.pk, message=_("You can only upload papers of your own province.")
        )
    elif not by.sees_all_provinces:
        raise PermissionDenied(_("Only ministry staff upload the summary report and the agenda."))
    else:
        province = None
    original, content_type, _ext = _accept_file(file)
    doc = Document(
        conference=conference,
        kind=kind,
        title=title.strip(),
        province=province,
        file=file,
        original_name=original,
        content_type=content_type,
        uploaded_by=by,
    )
    _save(doc, by=by)
    return doc


# Conclusions ---------------------------------------------------------------------------------------------


@transaction.atomic
def followup_report(
    *,
    conclusion: Conclusion,
    province: Province,
    status: str,
    note: str = "",
    evidence: UploadedFile | None = None,
    by: User,
) -> ConclusionFollowUp:
    """A province reports what it has done on a conclusion: one row per (conclusion, province), updated in place.

    Only officers and approvers of that province (or of the province it merged into) may report.
    """
    if not by.is_provincial:
        raise PermissionDenied(_("Follow-up is reported by the province concerned."))
    try:
        selectors.followup_target_get(user=by, conclusion_pk=conclusion.pk, province_pk=province.pk)
    except Http404 as exc:
        raise PermissionDenied(_("You can only report follow-up for your own province.")) from exc
    if status not in ConclusionFollowUp.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    follow_up = ConclusionFollowUp.objects.select_for_update().filter(
        conclusion=conclusion, province=province
    ).first() or ConclusionFollowUp(conclusion=conclusion, province=province)
    follow_up.status = status
    follow_up.note = note.strip()
    follow_up.updated_by = by
    if evidence is not None:
        original, content_type, _ext = _accept_file(evidence)
        follow_up.evidence = evidence
        follow_up.evidence_name = original
        follow_up.evidence_content_type = content_type
    _save(follow_up, by=by)
    return follow_up


# Figures -------------------------------------------------------------------------------------------------


@transaction.atomic
def conference_figures_capture(*, conference: Conference, by: User) -> Conference:
    """Freeze the regional figures at the conference date, from the reports app (see conferences.figures)."""
    if not by.sees_all_provinces:
        raise PermissionDenied
    day = selectors.conference_day(conference)
    data = figures.regional_figures_on(region_code=conference.region.code, day=day)
    if data is None:
        raise ValidationError(_("Regional figures are not available yet: periodic reports do not provide them."))
    conference.regional_figures = data
    conference.regional_figures_as_of = day
    _save(conference, by=by)
    return conference


# Known history -------------------------------------------------------------------------------------------


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """update_or_create that writes only when something differs, so repeated loads add no history rows."""
    instance = model.objects.filter(**lookup).first()
    created = instance is None
    if created:
        instance = model(**lookup)
    changed = created
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            differs = getattr(instance, field.attname) != (value.pk if value is not None else None)
        else:
            differs = getattr(instance, name) != value
        if differs:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.save()
    return instance, created


def _province(ref: dict | None) -> Province | None:
    return None if ref is None else Province.objects.get(code=ref["code"], code_set=ref["code_set"])


@transaction.atomic
def conferences_load(*, path: Path | None = None) -> dict[str, int]:
    """Load the known history of the regional conference (conferences/data/southern.json); idempotent.

    Needs the reference data (provinces.services.reference_load). Only facts from the file are written:
    details entered in the portal later (deadline, handover recorded at a close, delegates) are kept.
    """
    data = json.loads((path or DATA_DIR / "southern.json").read_text(encoding="utf-8"))
    try:
        region = Region.objects.get(code=data["region"])
        organiser = Unit.objects.get(code=data["organiser"])
    except (Region.DoesNotExist, Unit.DoesNotExist) as exc:
        raise RuntimeError("Load the reference data first: manage.py load_reference") from exc
    for row in data["conferences"]:
        date = datetime.date.fromisoformat(row["date"]) if row.get("date") else None
        values = {
            "number": from_roman(row["number"]),
            "number_inferred": row["number_inferred"],
            "title": data["title"],
            "host_province": _province(row["host"]),
            "venue": row.get("venue", ""),
            "place": row.get("place", ""),
            "date": date,
            "organiser": organiser,
            "discussion_summary": row.get("discussion_summary", ""),
            "note": row.get("note", ""),
            "status": Conference.Status.CLOSED,  # every conference in the file has been held
        }
        if "next_host" in row:
            values |= {
                "next_host": _province(row["next_host"]),
                "handover_inferred": row["handover_inferred"],
                "handover_note": row.get("handover_note", ""),
            }
        conference, _created = _upsert(Conference, {"region": region, "year": row["year"]}, values)
        conference.co_organisers.add(*Unit.objects.filter(code__in=row.get("co_organisers", [])))
        for order, chair in enumerate(row.get("co_chairs", []), start=1):
            unit = Unit.objects.get(code=chair["unit"]) if chair.get("unit") else None
            _upsert(
                CoChair,
                {"conference": conference, "order": order},
                {"full_name": chair["full_name"], "position": chair["position"], "unit": unit},
            )
        if row.get("participants") and date:
            for province in selectors.conference_provinces(conference=conference):
                Participation.objects.get_or_create(conference=conference, province=province, unit=None)
        for doc in row.get("documents", []):
            _upsert(Document, {"conference": conference, "kind": doc["kind"], "title": doc["title"]}, {})
        for order, fig in enumerate(row.get("quoted_figures", []), start=1):
            _upsert(
                QuotedFigure,
                {"conference": conference, "order": order},
                {
                    "label": fig["label"],
                    "period": fig["period"],
                    "value": Decimal(fig["value"]),
                    "out_of": Decimal(fig["out_of"]) if fig.get("out_of") else None,
                    "measure": fig["measure"],
                    "source": row["figures_source"],
                },
            )
        for number, item in enumerate(row.get("conclusions", []), start=1):
            _upsert(
                Conclusion,
                {"conference": conference, "number": number},
                {"text": item["text"], "note": item.get("note", ""), "for_all_provinces": True},
            )
        for item in row.get("recognitions", []):
            _upsert(
                Recognition,
                {"conference": conference, "citation": item["citation"], "full_name": item.get("full_name", "")},
                {"note": item.get("note", "")},
            )
    return {
        "conferences": Conference.objects.filter(region=region).count(),
        "conclusions": Conclusion.objects.filter(conference__region=region).count(),
        "participations": Participation.objects.filter(conference__region=region).count(),
        "quoted_figures": QuotedFigure.objects.filter(conference__region=region).count(),
        "co_chairs": CoChair.objects.filter(conference__region=region).count(),
        "documents": Document.objects.filter(conference__region=region).count(),
        "recognitions": Recognition.objects.filter(conference__region=region).count(),
    }

"""Writes of the selection rounds. Every rule of the circular that a later text may change is read from the
round's SelectionRule (products/data/rules.json), never written here as a number."""

import datetime
import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong import filetypes
from khuyencong.text import nfc_rows
from products import access, rules
from products.models import (
    LEVEL_FUND,
    AnnualReport,
    Certificate,
    Complaint,
    CouncilMember,
    CouncilSize,
    Criterion,
    DossierFile,
    Entry,
    Judge,
    Level,
    Mark,
    ProductGroup,
    Promotion,
    PublicHoliday,
    Recognition,
    Round,
    RoundBlock,
    RuleBlock,
    ScoreSheet,
    SelectionRule,
    next_level,
)
from projects.models import Beneficiary
from provinces.models import User
from provinces.selectors import province_family_ids

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.json"
MAX_DOSSIER_BYTES = 20 * 1024 * 1024
PHOTO_KINDS = ("jpeg", "png")
PAPER_KINDS = ("pdf", "docx", "jpeg", "png")


def points_text(value: Decimal) -> str:
    """40.00 → "40", 7.50 → "7,5" (Vietnamese decimal comma) for messages."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    text = f"{value.normalize():f}"
    return text.replace(".", ",") if (translation.get_language() or "vi") == "vi" else text


def _require_manager(user: User, round_: Round) -> None:
    if not access.manages(user, round_):
        raise PermissionDenied(_("Only the round's organisers may do this."))


def _check_version(obj, expected: int | None) -> None:
    if expected is not None and expected != obj.version:
        raise ValidationError(
            _("Someone else changed this in the meantime. Reload the page and try again."), code="stale"
        )


# Reference data ------------------------------------------------------------------------------------------


@transaction.atomic
def rules_load(path: Path = RULES_FILE) -> tuple[int, int]:
    """Load the selection rules and public holidays; running it again changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for item in data["rules"]:
        rule, _created = SelectionRule.objects.update_or_create(
            valid_from=datetime.date.fromisoformat(item["valid_from"]),
            defaults={
                "legal_basis": item["legal_basis"],
                "valid_to": datetime.date.fromisoformat(item["valid_to"]) if item["valid_to"] else None,
                "threshold": Decimal(item["threshold"]),
                "certificate_years": item["certificate_years"],
                "complaint_working_days": item["complaint_working_days"],
                "resolution_working_days": item["resolution_working_days"],
                "min_photos": item["min_photos"],
                "panel_must_be_odd": item["panel_must_be_odd"],
                "disagreement_points": Decimal(item["disagreement_points"]),
                "annual_report_due_days": item.get("annual_report_due_days", 31),
                "note": item.get("note", ""),
            },
        )
        for order, block in enumerate(item["blocks"], start=1):
            RuleBlock.objects.update_or_create(
                rule=rule,
                code=block["code"],
                defaults={
                    "order": order,
                    "name_vi": block["name_vi"],
                    "name_en": block["name_en"],
                    "max_points": Decimal(block["max_points"]),
                },
            )
        for size in item["council_sizes"]:
            CouncilSize.objects.update_or_create(
                rule=rule,
                level=size["level"],
                defaults={"council_sizes": size["sizes"], "note": size.get("note", "")},
            )
    for day, name in data["holidays"]:
        PublicHoliday.objects.update_or_create(day=datetime.date.fromisoformat(day), defaults={"name": name})
    return len(data["rules"]), len(data["holidays"])


# Rounds --------------------------------------------------------------------------------------------------


@transaction.atomic
def round_create(*, by: User, data: dict) -> Round:
    """Set up a round: the rule in force on the first judging day gives the score sheet and the threshold
    (both may be refined for the round before judging starts)."""
    round_ = Round(**data)
    if not access.manages(by, round_):
        raise PermissionDenied(_("Only the round's organisers may do this."))
    rule = rules.rule_in_force(round_.judging_starts)
    if rule is None:
        raise ValidationError({"judging_starts": _("No selection rule is in force on this day.")})
    round_.rule = rule
    if round_.threshold is None:
        round_.threshold = rule.threshold
    errors = {}
    if round_.level == Level.COMMUNE and round_.commune and round_.commune.province_id != round_.province_id:
        errors["commune"] = _("The commune is not in the round's province.")
    if round_.project is not None:
        if round_.project.fund != LEVEL_FUND[round_.level]:
            errors["project"] = _(
                "Commune and province rounds are paid from the local fund, regional and national rounds from the "
                "national fund; this project's fund does not fit the level."
            )
        elif round_.is_local and round_.project.province_id not in province_family_ids(province_id=round_.province_id):
            errors["project"] = _("The project belongs to another province.")
    if round_.feeds is not None and round_.feeds.level != next_level(round_.level):
        errors["feeds"] = _("A round sends its entries only to a round of the next level.")
    if round_.registration_deadline > round_.judging_starts:
        errors["registration_deadline"] = _("Registration must close before judging starts.")
    if errors:
        raise ValidationError(errors)
    round_.full_clean(exclude=["rule", "title"] if not round_.title else ["rule"])
    round_.save()
    for block in rule.blocks.all():
        round_block = RoundBlock.objects.create(
            round=round_,
            order=block.order,
            code=block.code,
            name_vi=block.name_vi,
            name_en=block.name_en,
            max_points=block.max_points,
        )
        Criterion.objects.create(
            block=round_block, order=1, name_vi=block.name_vi, name_en=block.name_en, max_points=block.max_points
        )
    return round_


def _before_judging(round_: Round) -> None:
    if round_.status != Round.Status.REGISTRATION or ScoreSheet.objects.filter(entry__round=round_).exists():
        raise ValidationError(_("The score sheet and threshold are fixed once judging has started."))


@transaction.atomic
def rubric_refine(*, round_: Round, block_code: str, bands: list[dict], by: User) -> RoundBlock:
    """Split a block into point bands for this round (set by the head judge, approved by the chair); the
    bands' maxima must add up to the block's maximum."""
    _require_manager(by, round_)
    _before_judging(round_)
    block = RoundBlock.objects.filter(round=round_, code=block_code).first()
    if block is None:
        raise ValidationError({"block": _("This round's score sheet has no such block.")})
    if not bands:
        raise ValidationError({"bands": _("Give at least one band.")})
    try:
        maxima = [Decimal(str(b["max_points"])) for b in bands]
    except (InvalidOperation, KeyError):
        raise ValidationError({"bands": _("Each band needs a maximum in points.")}) from None
    if any(m <= 0 for m in maxima) or any(not str(b.get("name_vi", "")).strip() for b in bands):
        raise ValidationError({"bands": _("Each band needs a name and a maximum above zero.")})
    if sum(maxima) != block.max_points:
        raise ValidationError(
            {
                "bands": _("The bands add up to %(sum)s points; the block has %(max)s.")
                % {"sum": points_text(sum(maxima)), "max": points_text(block.max_points)}
            }
        )
    block.criteria.all().delete()
    for order, (band, maximum) in enumerate(zip(bands, maxima, strict=True), start=1):
        Criterion.objects.create(
            block=block,
            order=order,
            name_vi=band["name_vi"].strip(),
            name_en=str(band.get("name_en", "")).strip(),
            max_points=maximum,
        )
    return block


def threshold_set(*, round_: Round, threshold: Decimal, by: User) -> Round:
    _require_manager(by, round_)
    _before_judging(round_)
    total = sum(b.max_points for b in round_.blocks.all())
    if not 0 < threshold <= total:
        raise ValidationError(
            {"threshold": _("The threshold must be above 0 and at most %(max)s.") % {"max": points_text(total)}}
        )
    Round.objects.filter(pk=round_.pk).update(threshold=threshold, version=F("version") + 1)
    round_.refresh_from_db()
    return round_


def council_member_add(
    *, round_: Round, role: str, full_name: str, position: str = "", user: User | None = None, by: User
) -> CouncilMember:
    _require_manager(by, round_)
    if role == CouncilMember.Role.CHAIR and round_.council.filter(role=role).exists():
        raise ValidationError({"role": _("The council already has a chair.")})
    member = CouncilMember(round=round_, role=role, full_name=full_name.strip(), position=position.strip(), user=user)
    member.full_clean()
    member.save()
    return member


def judge_add(*, round_: Round, user: User, role: str, by: User) -> Judge:
    _require_manager(by, round_)
    if round_.judges.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already on the panel.")})
    if role == Judge.Role.HEAD and round_.judges.filter(role=role).exists():
        raise ValidationError({"role": _("The panel already has a head judge.")})
    judge = Judge(round=round_, user=user, role=role)
    judge.full_clean()
    judge.save()
    return judge


@transaction.atomic
def judging_open(*, round_: Round, by: User) -> Round:
    """Close registration and start judging, once the council and panel meet the rule's sizes."""
    _require_manager(by, round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != Round.Status.REGISTRATION:
        raise ValidationError(_("Judging has already started."))
    rule = round_.rule
    size = rule.council_sizes.filter(level=round_.level).first()
    members = round_.council.count()
    problems = []
    if size is not None and members not in size.council_sizes:
        problems.append(
            _("The council has %(n)s members; at this level it must have %(sizes)s.")
            % {"sizes": _(" or ").join(str(s) for s in size.council_sizes), "n": members}
        )
    if not round_.council.filter(role=CouncilMember.Role.CHAIR).exists():
        problems.append(_("The council has no chair."))
    judges = round_.judges.count()
    if rule.panel_must_be_odd and judges % 2 == 0:
        problems.append(_("The judging panel must have an odd number of judges; it has %(n)s.") % {"n": judges})
    if size is not None and judges < size.panel_min:
        problems.append(_("The judging panel needs at least %(n)s judges.") % {"n": size.panel_min})
    if not round_.judges.filter(role=Judge.Role.HEAD).exists():
        problems.append(_("The judging panel has no head judge."))
    if not round_.entries.filter(status=Entry.Status.ELIGIBLE).exists():
        problems.append(_("No entry has been found eligible yet."))
    if round_.entries.filter(status=Entry.Status.REGISTERED).exists():
        problems.append(_("Some entries have not been screened yet."))
    if problems:
        raise ValidationError(problems)
    round_.status = Round.Status.JUDGING
    round_.version += 1
    round_.save(update_fields=["status", "version"])
    return round_


# Entries and dossiers ------------------------------------------------------------------------------------


def _next_code(round_: Round) -> str:
    count = Entry.objects.filter(round=round_).count()
    while True:
        count += 1
        code = f"{count:03d}"
        if not Entry.objects.filter(round=round_, code=code).exists():
            return code


@transaction.atomic
def entry_create(
    *,
    round_: Round,
    province,
    product_name: str,
    group: str,
    by: User,
    beneficiary: Beneficiary | None = None,
    new_beneficiary: dict | None = None,
    is_set: bool = False,
    set_items: str = "",
    description: str = "",
    received_on: datetime.date | None = None,
) -> Entry:
    """Register a product or set of an establishment from the registry (or a new one) in a local round.
    Regional and national rounds take entries only as a batch from the level below (promotion_file)."""
    if not access.files_for(by, province.pk):
        raise PermissionDenied(_("You may file entries only for your own province."))
    if not round_.is_local:
        raise ValidationError(_("Entries reach a regional or national round only from the level below."))
    if province.pk not in province_family_ids(province_id=round_.province_id):
        raise ValidationError({"province": _("The establishment must be in the round's province.")})
    if round_.status != Round.Status.REGISTRATION:
        raise ValidationError(_("Registration for this round is closed."))
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": _("A dossier cannot be received in the future.")})
    if received_on > round_.registration_deadline:
        raise ValidationError(
            {
                "received_on": _("The registration deadline was %(day)s.")
                % {"day": round_.registration_deadline.strftime("%d/%m/%Y")}
            }
        )
    if group not in ProductGroup.values:
        raise ValidationError({"group": _("Choose one of the four product groups.")})
    if not product_name.strip():
        raise ValidationError({"product_name": _("Name the product.")})
    if is_set and not set_items.strip():
        raise ValidationError({"set_items": _("List the items of the set.")})
    if beneficiary is None:
        if not new_beneficiary or not new_beneficiary.get("name", "").strip():
            raise ValidationError({"beneficiary": _("Choose an establishment from the registry or name a new one.")})
        from projects import services as project_services

        beneficiary = project_services.beneficiary_match_or_create(**new_beneficiary)
    entry = Entry(
        round=round_,
        province=province,
        beneficiary=beneficiary,
        code=_next_code(round_),
        product_name=product_name.strip(),
        is_set=is_set,
        set_items=set_items.strip() if is_set else "",
        group=group,
        description=description.strip(),
        received_on=received_on,
        created_by=by,
    )
    entry.full_clean(exclude=["lower_certificate", "promotion", "source_entry"])
    entry.save()
    return entry


def _check_file(uploaded_file, accepted: tuple[str, ...]) -> tuple[str, str, str]:
    if uploaded_file.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if uploaded_file.size > MAX_DOSSIER_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    kind = filetypes.detect(uploaded_file)
    if kind not in accepted:
        if accepted == PHOTO_KINDS:
            raise ValidationError({"file": _("A photo must be a JPEG or PNG image; this file is neither.")})
        raise ValidationError({"file": _("Only PDF, DOCX, JPEG or PNG files are accepted; this file is none of them.")})
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    extension, content_type = filetypes.KINDS[kind]
    return extension, content_type, digest.hexdigest()


def dossier_file_add(*, entry: Entry, kind: str, uploaded_file, by: User) -> DossierFile:
    """Add a paper to the dossier, its type told by its content (khuyencong/filetypes.py)."""
    if not access.files_for(by, entry.province_id):
        raise PermissionDenied(_("You may file entries only for your own province."))
    if kind not in DossierFile.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    if entry.status != Entry.Status.REGISTERED:
        raise ValidationError(_("The dossier is closed once the entry has been screened."))
    _ext, content_type, sha = _check_file(uploaded_file, PHOTO_KINDS if kind == DossierFile.Kind.PHOTO else PAPER_KINDS)
    row = DossierFile(
        entry=entry,
        kind=kind,
        original_name=uploaded_file.name[:255],
        content_type=content_type,
        size=uploaded_file.size,
        sha256=sha,
        uploaded_by=by,
    )
    row.file.save(uploaded_file.name, uploaded_file, save=False)
    row.save()
    return row


@transaction.atomic
def entry_screen(*, entry: Entry, eligible: bool, reason: str = "", by: User, expected_version: int | None = None):
    """Screening (thẩm định hồ sơ): eligible needs a complete dossier; a refusal needs its reason."""
    entry = Entry.objects.select_for_update().select_related("round__rule").get(pk=entry.pk)
    _require_manager(by, entry.round)
    _check_version(entry, expected_version)
    if entry.round.status != Round.Status.REGISTRATION:
        raise ValidationError(_("Entries are screened before judging starts."))
    if eligible:
        from products.selectors import dossier_missing

        missing = dossier_missing(entry=entry, min_photos=entry.round.rule.min_photos)
        if missing:
            labels = sorted({str(DossierFile.Kind(kind).label) for kind in missing})
            photos = missing.count("photo")
            message = _("The dossier is incomplete: %(items)s.") % {"items": ", ".join(labels)}
            if photos:
                message += " " + _("%(n)s more photo(s) needed.") % {"n": photos}
            raise ValidationError(message)
        entry.status, entry.refusal_reason = Entry.Status.ELIGIBLE, ""
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the entry is not eligible.")})
        entry.status, entry.refusal_reason = Entry.Status.INELIGIBLE, reason.strip()
    entry.version += 1
    entry.save(update_fields=["status", "refusal_reason", "version"])
    return entry


# Scoring -------------------------------------------------------------------------------------------------


def _points(value, criterion: Criterion) -> Decimal:
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError({f"c{criterion.pk}": _("Give the points as a number.")}) from None
    if not points.is_finite() or points < 0:
        raise ValidationError({f"c{criterion.pk}": _("Points cannot be negative.")})
    if points > criterion.max_points:
        raise ValidationError(
            {
                f"c{criterion.pk}": _("At most %(max)s points for this criterion.")
                % {"max": points_text(criterion.max_points)}
            }
        )
    if points != points.quantize(Decimal("0.01")):
        raise ValidationError({f"c{criterion.pk}": _("At most two decimals.")})
    return points


@transaction.atomic
def sheet_save(
    *, entry: Entry, by: User, points: dict, comment: str = "", submit: bool = False, expected_version=None
) -> ScoreSheet:
    """A judge's own marks for one entry, saved as a draft or submitted (then final). Points above a
    criterion's maximum, negative or missing on submission are refused; nothing is half-saved."""
    judge = Judge.objects.filter(round_id=entry.round_id, user=by).first()
    if judge is None:
        raise PermissionDenied(_("Only the round's judges score its entries."))
    entry = Entry.objects.select_related("round").get(pk=entry.pk)
    if entry.round.status != Round.Status.JUDGING:
        raise ValidationError(_("The round is not being judged."))
    if entry.status != Entry.Status.ELIGIBLE:
        raise ValidationError(_("Only eligible entries are scored."))
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(entry=entry, judge=judge)
    if sheet.submitted_at is not None:
        raise ValidationError(_("You have already submitted this sheet; it can no longer be changed."))
    _check_version(sheet, expected_version)
    criteria = list(Criterion.objects.filter(block__round_id=entry.round_id))
    errors, cleaned = {}, {}
    for criterion in criteria:
        raw = points.get(criterion.pk, points.get(str(criterion.pk)))
        if raw in (None, ""):
            if submit:
                errors[f"c{criterion.pk}"] = [_("Give points for every criterion before submitting.")]
            continue
        try:
            cleaned[criterion.pk] = _points(raw, criterion)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    unknown = {str(k) for k in points} - {str(c.pk) for c in criteria}
    if unknown:
        errors["points"] = [_("Points for a criterion this round does not have.")]
    if errors:
        raise ValidationError(errors)
    Mark.objects.filter(sheet=sheet).exclude(criterion_id__in=cleaned).delete()
    for criterion_id, value in cleaned.items():
        Mark.objects.update_or_create(sheet=sheet, criterion_id=criterion_id, defaults={"points": value})
    sheet.comment = comment.strip()
    sheet.version += 1
    if submit:
        sheet.total = sum(cleaned.values(), Decimal(0))
        sheet.submitted_at = timezone.now()
    sheet.save()
    return sheet


# The council's decisions ---------------------------------------------------------------------------------


@transaction.atomic
def council_select(
    *, round_: Round, count: int, recognised: list[int], promoted: list[int], by: User, expected_version=None
) -> Round:
    """The council's choice: how many entries it recognises (its own number) and which, and which of those go
    up a level. Every judge's sheet must be in; reaching the threshold is necessary, not sufficient."""
    from products.selectors import score_summary

    _require_manager(by, round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    _check_version(round_, expected_version)
    if round_.status != Round.Status.JUDGING:
        raise ValidationError(_("The council selects once judging is under way and before recognition."))
    summary = score_summary(user=by, round_=round_)
    by_id = {row.entry.pk: row for row in summary.rows}
    if summary.complete != len(summary.rows):
        raise ValidationError(
            _("%(n)s entries still miss a judge's sheet.") % {"n": len(summary.rows) - summary.complete}
        )
    recognised, promoted = set(recognised), set(promoted)
    errors = []
    if count < 0 or count != len(recognised):
        errors.append(
            _("The council decided to recognise %(count)s entries but %(n)s are ticked.")
            % {"count": count, "n": len(recognised)}
        )
    for pk in sorted(recognised | promoted):
        row = by_id.get(pk)
        if row is None:
            errors.append(_("An entry ticked is not an eligible entry of this round."))
        elif not row.reaches_threshold:
            errors.append(
                _("%(code)s has a mean of %(mean)s, below the threshold of %(t)s.")
                % {"code": row.entry.code, "mean": points_text(row.mean), "t": points_text(round_.threshold)}
            )
    if not promoted <= recognised:
        errors.append(_("Only recognised entries can go up a level."))
    if promoted and next_level(round_.level) is None:
        errors.append(_("The national round is the last level."))
    if errors:
        raise ValidationError(errors)
    entries = Entry.objects.filter(round=round_)
    entries.update(recognised=False, promoted=False)
    entries.filter(pk__in=recognised).update(recognised=True)
    entries.filter(pk__in=promoted).update(promoted=True)
    round_.recognised_count = count
    round_.status = Round.Status.DECIDED
    round_.version += 1
    round_.save(update_fields=["recognised_count", "status", "version"])
    return round_


@transaction.atomic
def recognition_issue(
    *, round_: Round, number: str, signed_on: datetime.date, signer_name: str, signer_position: str, by: User
) -> Recognition:
    """The competent head's decision: numbered certificates for the recognised entries, valid from the issue
    date to 31 December of the rule's last year; the decision date is the results notice (complaints run
    from it)."""
    _require_manager(by, round_)
    round_ = Round.objects.select_for_update().select_related("rule").get(pk=round_.pk)
    if round_.status != Round.Status.DECIDED:
        raise ValidationError(_("The council has not decided yet, or the results are already recognised."))
    errors = {}
    if not number.strip():
        errors["number"] = _("Give the decision number.")
    if not signer_name.strip():
        errors["signer_name"] = _("Name the signer.")
    if signed_on < round_.judging_starts:
        errors["signed_on"] = _("The decision cannot predate judging.")
    if errors:
        raise ValidationError(errors)
    recognition = Recognition.objects.create(
        round=round_,
        number=number.strip(),
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_position=signer_position.strip(),
        recorded_by=by,
    )
    valid_until = rules.certificate_valid_until(issued_on=signed_on, years=round_.rule.certificate_years)
    level_code = {"commune": "X", "province": "T", "region": "KV", "national": "QG"}[round_.level]
    certificates = [
        Certificate(
            recognition=recognition,
            entry=entry,
            serial=serial,
            number=f"{serial:03d}/{round_.year}/{level_code}{round_.pk}",
            issued_on=signed_on,
            valid_until=valid_until,
        )
        for serial, entry in enumerate(Entry.objects.filter(round=round_, recognised=True).order_by("code"), start=1)
    ]
    Certificate.objects.bulk_create(nfc_rows(certificates))
    round_.results_on = signed_on
    round_.status = Round.Status.RECOGNISED
    round_.version += 1
    round_.save(update_fields=["results_on", "status", "version"])
    return recognition


# Promotion -----------------------------------------------------------------------------------------------


@transaction.atomic
def promotion_file(
    *,
    from_round: Round,
    to_round: Round,
    entries: list[Entry],
    letter_number: str,
    letter_date: datetime.date,
    letter_file,
    filed_on: datetime.date,
    by: User,
) -> Promotion:
    """Send a batch up a level with the covering letter: each entry chosen to go up and holding a
    certificate of the lower round that is still valid on the day the batch is filed. The dossier papers
    are reused (the same stored files), as the 2018 amendment allows."""
    _require_manager(by, from_round)
    errors = []
    if to_round.level != next_level(from_round.level):
        errors.append(_("Entries go up only to a round of the next level."))
    if to_round.status != Round.Status.REGISTRATION:
        errors.append(_("The next-level round no longer takes entries."))
    if not entries:
        errors.append(_("The batch has no entries."))
    if not letter_number.strip():
        errors.append(_("Give the covering letter's number."))
    for entry in entries:
        cert = Certificate.objects.filter(entry=entry).first()
        if entry.round_id != from_round.pk or not entry.promoted:
            errors.append(_("%(code)s was not chosen to go up from this round.") % {"code": entry.code})
        elif cert is None or not cert.valid_on(filed_on):
            errors.append(
                _("%(code)s has no certificate of this round valid on %(day)s.")
                % {"code": entry.code, "day": filed_on.strftime("%d/%m/%Y")}
            )
        elif Entry.objects.filter(source_entry=entry).exists():
            errors.append(_("%(code)s has already been sent up.") % {"code": entry.code})
    if errors:
        raise ValidationError(errors)
    _ext, content_type, _sha = _check_file(letter_file, ("pdf", "docx"))
    promotion = Promotion(
        from_round=from_round,
        to_round=to_round,
        letter_number=letter_number.strip(),
        letter_date=letter_date,
        filed_on=filed_on,
        letter_content_type=content_type,
        filed_by=by,
    )
    promotion.letter.save(letter_file.name, letter_file, save=False)
    promotion.save()
    for entry in entries:
        copy = Entry.objects.create(
            round=to_round,
            province=entry.province,
            beneficiary=entry.beneficiary,
            code=_next_code(to_round),
            product_name=entry.product_name,
            is_set=entry.is_set,
            set_items=entry.set_items,
            group=entry.group,
            description=entry.description,
            received_on=filed_on,
            source_entry=entry,
            lower_certificate=entry.certificate,
            promotion=promotion,
            created_by=by,
        )
        DossierFile.objects.bulk_create(
            [
                DossierFile(
                    entry=copy,
                    kind=f.kind,
                    file=f.file.name,
                    original_name=f.original_name,
                    content_type=f.content_type,
                    size=f.size,
                    sha256=f.sha256,
                    uploaded_by=f.uploaded_by,
                )
                for f in entry.files.all()
            ]
        )
    return promotion


# Complaints and revocation -------------------------------------------------------------------------------


def complaint_file(
    *, round_: Round, complainant: str, received_on: datetime.date, text: str, by: User, entry: Entry | None = None
) -> Complaint:
    """Record a complaint received within the window after the results notice (working days)."""
    _require_manager(by, round_)
    if round_.results_on is None:
        raise ValidationError(_("The results have not been notified yet."))
    deadline = rules.add_working_days(round_.results_on, round_.rule.complaint_working_days)
    errors = {}
    if received_on < round_.results_on:
        errors["received_on"] = _("A complaint cannot predate the results.")
    elif received_on > deadline:
        errors["received_on"] = _("The complaint window closed on %(day)s.") % {"day": deadline.strftime("%d/%m/%Y")}
    if not complainant.strip():
        errors["complainant"] = _("Name who complains.")
    if not text.strip():
        errors["text"] = _("Write what the complaint is about.")
    if entry is not None and entry.round_id != round_.pk:
        errors["entry"] = _("The entry is not in this round.")
    if errors:
        raise ValidationError(errors)
    return Complaint.objects.create(
        round=round_,
        entry=entry,
        complainant=complainant.strip(),
        received_on=received_on,
        text=text.strip(),
        resolve_by=rules.add_working_days(received_on, round_.rule.resolution_working_days),
        recorded_by=by,
    )


def complaint_resolve(
    *, complaint: Complaint, outcome: str, resolution: str, resolved_on: datetime.date, by: User
) -> Complaint:
    _require_manager(by, complaint.round)
    errors = {}
    if complaint.resolved_on is not None:
        raise ValidationError(_("This complaint has already been resolved."))
    if outcome not in Complaint.Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if not resolution.strip():
        errors["resolution"] = _("Write the resolution.")
    if resolved_on < complaint.received_on:
        errors["resolved_on"] = _("The resolution cannot predate the complaint.")
    if errors:
        raise ValidationError(errors)
    complaint.outcome, complaint.resolution, complaint.resolved_on = outcome, resolution.strip(), resolved_on
    complaint.save(update_fields=["outcome", "resolution", "resolved_on"])
    return complaint


def certificate_revoke(*, certificate: Certificate, reason: str, revoked_on: datetime.date, by: User) -> Certificate:
    _require_manager(by, certificate.entry.round)
    if certificate.revoked_on is not None:
        raise ValidationError(_("The certificate has already been revoked."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if revoked_on < certificate.issued_on:
        raise ValidationError({"revoked_on": _("A certificate cannot be revoked before it was issued.")})
    certificate.revoked_on, certificate.revocation_reason = revoked_on, reason.strip()
    certificate.save(update_fields=["revoked_on", "revocation_reason"])
    return certificate


# Follow-up -----------------------------------------------------------------------------------------------


def annual_report_record(
    *,
    certificate: Certificate,
    year: int,
    business_situation: str,
    by: User,
    support_received: str = "",
    support_amount: Decimal = Decimal(0),
    revenue: Decimal | None = None,
) -> AnnualReport:
    """A certified establishment's yearly report, entered by its province's officers."""
    if not access.files_for(by, certificate.entry.province_id):
        raise PermissionDenied(_("You may record reports only for your own province."))
    errors = {}
    if not certificate.issued_on.year <= year <= certificate.valid_until.year:
        errors["year"] = _("The certificate was not valid in that year.")
    if not business_situation.strip():
        errors["business_situation"] = _("Describe the business situation.")
    if support_amount < 0 or (revenue is not None and revenue < 0):
        errors["support_amount"] = _("Amounts cannot be negative.")
    if AnnualReport.objects.filter(certificate=certificate, year=year).exists():
        errors["year"] = _("The report for this year is already recorded.")
    if errors:
        raise ValidationError(errors)
    return AnnualReport.objects.create(
        certificate=certificate,
        year=year,
        support_received=support_received.strip(),
        support_amount=support_amount,
        revenue=revenue,
        business_situation=business_situation.strip(),
        recorded_by=by,
    )

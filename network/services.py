"""Writes to the collaborator network: each checks the write door (with its commune level) first."""

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from network.models import Collaborator, Meeting, Need
from projects import services as project_services
from projects.models import Beneficiary, Project
from provinces import selectors as province_selectors
from provinces.models import Commune, Province, User


def nfc(text: str) -> str:
    """Text is stored composed (NFC), whatever the keyboard sent."""
    return unicodedata.normalize("NFC", text or "")


def _require_editor(by: User) -> None:
    """Contracts and meetings are the centre's work: provincial officers and approvers, or ministry staff."""
    if not (by.is_provincial or by.sees_all_provinces):
        raise PermissionDenied(_("Your role cannot change the collaborator network."))


def _fee(value) -> Decimal:
    try:
        fee = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise ValidationError({"monthly_fee": _("Enter an amount in dong.")}) from None
    if fee < 0 or fee != fee.to_integral_value():
        raise ValidationError({"monthly_fee": _("The fee is a whole, non-negative number of dong.")})
    return fee


def _contract_errors(
    *, province: Province, full_name: str, communes, contract_start, contract_end, account: User | None
) -> dict:
    """What is wrong with a contract's terms, by field: the same checks when it is made and when it is changed."""
    errors = {}
    if not nfc(full_name or "").strip():
        errors["full_name"] = _("Enter the collaborator's name.")
    if not communes:
        errors["communes"] = _("Choose at least one commune.")
    elif any(c.province_id != province.pk for c in communes):
        errors["communes"] = _("Every commune must belong to the province.")
    if contract_start and contract_end and contract_end < contract_start:
        errors["contract_end"] = _("The contract cannot end before it starts.")
    if account is not None and not account.is_collaborator:
        errors["account"] = _("Only a collaborator account can be linked.")
    return errors


@transaction.atomic
def collaborator_create(
    *,
    by: User,
    province: Province,
    full_name: str,
    communes: list[Commune],
    contract_start: datetime.date,
    contract_end: datetime.date | None = None,
    monthly_fee=0,
    position: str = "",
    phone: str = "",
    account: User | None = None,
) -> Collaborator:
    _require_editor(by)
    province_selectors.require_in_scope(user=by, province_id=province.pk)
    communes = list(communes)
    errors = _contract_errors(
        province=province,
        full_name=full_name,
        communes=communes,
        contract_start=contract_start,
        contract_end=contract_end,
        account=account,
    )
    if errors:
        raise ValidationError(errors)
    collaborator = Collaborator.objects.create(
        province=province,
        full_name=nfc(full_name).strip(),
        position=nfc(position).strip(),
        phone=phone.strip(),
        contract_start=contract_start,
        contract_end=contract_end,
        monthly_fee=_fee(monthly_fee),
        account=account,
    )
    collaborator.communes.set(communes)
    if account is not None:  # the account's scope is the contract's communes, set in one place
        account.communes.set(communes)
    return collaborator


@transaction.atomic
def collaborator_update(
    *,
    by: User,
    collaborator: Collaborator,
    expected_version: int,
    full_name: str,
    communes: list[Commune],
    contract_start: datetime.date,
    contract_end: datetime.date | None = None,
    monthly_fee=0,
    position: str = "",
    phone: str = "",
    status: str = Collaborator.Status.ACTIVE,
) -> Collaborator:
    """Change a contract's terms (communes, dates, fee, status). Refused when someone saved it since the form
    was opened, so two officers never overwrite each other; a linked account follows the contract's communes."""
    _require_editor(by)
    province_selectors.require_in_scope(user=by, province_id=collaborator.province_id)
    current = (
        Collaborator.objects.select_for_update(of=("self",))
        .select_related("province", "account")
        .get(pk=collaborator.pk)
    )
    if current.version != expected_version:
        raise ValidationError({"version": _("Someone else changed this collaborator; reload the page.")})
    communes = list(communes)
    errors = _contract_errors(
        province=current.province,
        full_name=full_name,
        communes=communes,
        contract_start=contract_start,
        contract_end=contract_end,
        account=None,
    )
    if status not in Collaborator.Status.values:
        errors["status"] = _("Unknown status.")
    if errors:
        raise ValidationError(errors)
    current.full_name = nfc(full_name).strip()
    current.position = nfc(position).strip()
    current.phone = phone.strip()
    current.contract_start = contract_start
    current.contract_end = contract_end
    current.monthly_fee = _fee(monthly_fee)
    current.status = status
    current.version += 1
    current.save()
    current.communes.set(communes)
    if current.account_id:
        # A running contract reaches its communes; one no longer running reaches nothing.
        current.account.communes.set(communes if status == Collaborator.Status.ACTIVE else [])
    return current


@transaction.atomic
def collaborator_set_status(
    *, by: User, collaborator: Collaborator, status: str, expected_version: int
) -> Collaborator:
    _require_editor(by)
    province_selectors.require_in_scope(user=by, province_id=collaborator.province_id)
    if status not in Collaborator.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    current = Collaborator.objects.select_for_update().get(pk=collaborator.pk)
    if current.version != expected_version:
        raise ValidationError({"version": _("Someone else changed this collaborator; reload the page.")})
    current.status = status
    current.version += 1
    current.save(update_fields=["status", "version"])
    if current.account_id and status != Collaborator.Status.ACTIVE:
        current.account.communes.clear()  # a contract no longer running reaches nothing
    return current


@transaction.atomic
def meeting_record(
    *, by: User, province: Province, held_on: datetime.date, attendees: list[Collaborator], notes: str = ""
) -> Meeting:
    _require_editor(by)
    province_selectors.require_in_scope(user=by, province_id=province.pk)
    if any(c.province_id != province.pk for c in attendees):
        raise ValidationError({"attendees": _("Every attendee must be a collaborator of the province.")})
    meeting = Meeting.objects.create(province=province, held_on=held_on, notes=nfc(notes).strip(), created_by=by)
    meeting.attendees.set(attendees)
    return meeting


def need_record(
    *,
    by: User,
    commune: Commune,
    description: str,
    gathered_on: datetime.date,
    collaborator: Collaborator | None = None,
    establishment: Beneficiary | None = None,
) -> Need:
    """Record a need or difficulty; a collaborator may record one in its own communes."""
    province_selectors.require_in_scope(user=by, province_id=commune.province_id, commune_id=commune.pk)
    errors = {}
    if not nfc(description or "").strip():
        errors["description"] = _("Describe the need or difficulty.")
    if collaborator is not None and collaborator.province_id != commune.province_id:
        errors["collaborator"] = _("The collaborator works in another province.")
    if establishment is not None and establishment.commune_id != commune.pk:
        errors["establishment"] = _("The establishment is in another commune.")
    if errors:
        raise ValidationError(errors)
    if collaborator is None and by.is_collaborator:
        collaborator = getattr(by, "collaborator_profile", None)
    return Need.objects.create(
        province_id=commune.province_id,
        commune=commune,
        collaborator=collaborator,
        establishment=establishment,
        gathered_on=gathered_on,
        description=nfc(description).strip(),
        created_by=by,
    )


@transaction.atomic
def need_propose_project(*, by: User, need: Need, data: dict) -> Project:
    """Turn a need into a proposed project (đề án, status proposed) and link both ways: the need points at
    the project, the project lists it among its `network_needs`. The project service checks role and scope."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.project_id is not None:
        raise ValidationError({"need": _("This need has already become a proposed project.")})
    province_selectors.require_in_scope(user=by, province_id=need.province_id)
    beneficiaries = [need.establishment] if need.establishment_id else None
    project = project_services.project_create(
        by=by, data={**data, "province": need.province, "commune": need.commune}, beneficiaries=beneficiaries
    )
    need.project = project
    need.status = Need.Status.PROPOSED
    need.save(update_fields=["project", "status"])
    return project

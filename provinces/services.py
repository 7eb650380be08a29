"""Writes of reference data. `reference_load` is idempotent: run it any number of times."""

import datetime
import json
from pathlib import Path

from django.db import transaction

from khuyencong import cachekeys
from khuyencong.text import nfc_rows
from provinces.models import (
    ActivityContent,
    CodeSet,
    Commune,
    Province,
    Region,
    RegionMembership,
    Unit,
    UnitName,
    User,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
RECORDS_START = datetime.date(2004, 1, 1)  # start of the 2004 code set: the portal's earliest records


def _read(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def reference_load() -> dict[str, int]:
    """Load provinces, region memberships, communes, units and activity contents; returns row counts."""
    provinces = _load_provinces()
    _load_units(provinces)
    _load_activity_contents()
    _load_communes(provinces)
    cachekeys.bump()  # provinces, the merger and region memberships: every dashboard's rows
    return {
        "provinces": Province.objects.count(),
        "memberships": RegionMembership.objects.count(),
        "communes": Commune.objects.count(),
        "units": Unit.objects.count(),
        "activity_contents": ActivityContent.objects.count(),
    }


def _load_provinces() -> list[Province]:
    data = _read("provinces.json")
    cutover = datetime.date.fromisoformat(data["reorganisation_effective"])
    last_old_day = cutover - datetime.timedelta(days=1)
    region, _ = Region.objects.update_or_create(
        code="southern",
        defaults={"name": "Khu vực phía Nam", "name_en": "Southern region"},
    )
    new_by_code = {}
    for row in data["new_provinces"]:
        province, _ = Province.objects.update_or_create(
            code=row["code"],
            code_set=CodeSet.CODES_2025,
            defaults={"name": row["name"], "kind": row["kind"], "valid_from": cutover, "valid_to": None},
        )
        new_by_code[row["code"]] = province
        inferred = "note" in row  # the merged Lâm Đồng's regional grouping is not confirmed
        RegionMembership.objects.update_or_create(
            region=region,
            province=province,
            valid_from=cutover,
            defaults={"valid_to": None, "is_inferred": inferred, "note": row.get("note", "")},
        )
    old = []
    for row in data["old_provinces"]:
        province, _ = Province.objects.update_or_create(
            code=row["code"],
            code_set=CodeSet.CODES_2004,
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "subregion": row["subregion"],
                "valid_from": RECORDS_START,
                "valid_to": last_old_day,
                "successor": new_by_code[row["successor_code"]],
            },
        )
        old.append(province)
        inferred = row["code"] == 60  # Bình Thuận's membership is inferred from the 2024 product round
        RegionMembership.objects.update_or_create(
            region=region,
            province=province,
            valid_from=RECORDS_START,
            defaults={"valid_to": last_old_day, "is_inferred": inferred},
        )
    return old + list(new_by_code.values())


def _provincial_unit_names(province: Province) -> dict[str, str]:
    return {
        Unit.Kind.DEPARTMENT_OF_INDUSTRY_AND_TRADE: f"Sở Công Thương {province.name}",
        Unit.Kind.EXTENSION_CENTRE: f"Trung tâm Khuyến công {province.name}",
    }


def _load_units(provinces: list[Province]) -> None:
    ministry = _read("units.json")["ministry"]
    unit, _ = Unit.objects.update_or_create(
        code=ministry["code"],
        defaults={
            "kind": Unit.Kind.MINISTRY_DEPARTMENT,
            "province": None,
            "valid_from": datetime.date.fromisoformat(ministry["valid_from"]),
        },
    )
    for name in ministry["names"]:
        UnitName.objects.update_or_create(
            unit=unit,
            valid_from=datetime.date.fromisoformat(name["valid_from"]),
            defaults={"name": name["name"], "name_en": name["name_en"]},
        )
    for province in provinces:
        for kind, name in _provincial_unit_names(province).items():
            unit, _ = Unit.objects.update_or_create(
                code=unit_code(province, kind),
                defaults={
                    "kind": kind,
                    "province": province,
                    "valid_from": province.valid_from,
                    "valid_to": province.valid_to,
                },
            )
            UnitName.objects.update_or_create(unit=unit, valid_from=province.valid_from, defaults={"name": name})


def unit_code(province: Province, kind: str) -> str:
    """Stable natural key of a provincial unit, e.g. `doit-80-2025` (codes repeat across code sets)."""
    return f"{kind}-{province.code}-{province.code_set}"


def _load_activity_contents() -> None:
    for row in _read("activity_contents.json")["contents"]:
        ActivityContent.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "heading": row["heading"],
                "legal_basis": row["legal_basis"],
                "valid_from": datetime.date.fromisoformat(row["valid_from"]),
                "valid_to": None,
            },
        )


def _load_communes(provinces: list[Province]) -> None:
    from vietnam_provinces import Ward

    current = {p.code: p for p in provinces if p.code_set == CodeSet.CODES_2025}
    rows = [
        Commune(
            code=int(ward.code),
            name=ward.name,
            division_type=str(getattr(ward.division_type, "value", ward.division_type)),
            province=current[int(ward.province_code)],
        )
        for code in current
        for ward in Ward.iter_by_province(code)
    ]
    Commune.objects.bulk_create(
        nfc_rows(rows),
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "division_type", "province"],
        batch_size=500,
    )


DEMO_PASSWORD = "demo-khuyencong-2026"
DEMO_ACCOUNTS = [
    # username, full name, role, (province code in the 2025 set, unit kind) or None
    ("admin", "Quản trị hệ thống", "admin", None),
    ("bo.khuyencong", "Nguyễn Thị Minh", "ministry", None),
    ("tayninh.canbo", "Trần Văn An", "officer", (80, Unit.Kind.EXTENSION_CENTRE)),
    ("tayninh.lanhdao", "Lê Thị Bình", "approver", (80, Unit.Kind.DEPARTMENT_OF_INDUSTRY_AND_TRADE)),
    ("cantho.canbo", "Phạm Văn Cường", "officer", (92, Unit.Kind.EXTENSION_CENTRE)),
    ("cantho.lanhdao", "Võ Thị Dung", "approver", (92, Unit.Kind.DEPARTMENT_OF_INDUSTRY_AND_TRADE)),
]

# The signers' profiles (position, authority, the head's position): what the signature blocks print
DEMO_SIGNERS = {
    "bo.khuyencong": ("Phó Cục trưởng", User.Authority.DEPUTY, "Cục trưởng"),
    "tayninh.lanhdao": ("Phó Giám đốc", User.Authority.DEPUTY, "Giám đốc"),
    "cantho.lanhdao": ("Giám đốc", User.Authority.HEAD, ""),
}


@transaction.atomic
def demo_accounts_create() -> list[User]:
    """Create or refresh the demo accounts listed in the README (idempotent; never in production)."""
    from django.conf import settings

    if settings.PRODUCTION:
        raise RuntimeError("Demo accounts are not created in production mode.")
    ministry = Unit.objects.get(kind=Unit.Kind.MINISTRY_DEPARTMENT)
    users = []
    for username, full_name, role, place in DEMO_ACCOUNTS:
        if place:
            code, kind = place
            unit = Unit.objects.get(kind=kind, province__code=code, province__code_set=CodeSet.CODES_2025)
        else:
            unit = ministry if role == User.Role.MINISTRY else None
        job_title, authority, head_title = DEMO_SIGNERS.get(username, ("", User.Authority.HEAD, ""))
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                # Vietnamese names read family name first: the whole name goes in first_name, so that
                # get_full_name() ("first last") shows it in the right order.
                "first_name": full_name,
                "last_name": "",
                "role": role,
                "unit": unit,
                "is_staff": role == User.Role.ADMINISTRATOR,
                "is_superuser": role == User.Role.ADMINISTRATOR,
                "email": f"{username}@example.invalid",
                "job_title": job_title,
                "signing_authority": authority,
                "head_title": head_title,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        users.append(user)
    return users

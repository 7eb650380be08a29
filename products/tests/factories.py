"""Builders of selection rounds through the services, for the tests and the benchmark."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from products import services
from products.models import CouncilMember, Judge, Round
from projects import services as project_services
from provinces.models import CodeSet, Province, Region, Unit, User

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def province(code: int, code_set: int = CodeSet.CODES_2025) -> Province:
    return Province.objects.get(code=code, code_set=code_set)


def centre(prov: Province) -> Unit:
    return Unit.objects.get(kind=Unit.Kind.EXTENSION_CENTRE, province=prov)


def make_user(username: str, prov: Province | None = None, role: str = "officer") -> User:
    unit = centre(prov) if prov is not None else Unit.objects.get(kind=Unit.Kind.MINISTRY_DEPARTMENT)
    user = User.objects.create_user(username=username, password="correct-horse-battery", role=role, unit=unit)
    user.first_name = username
    user.save(update_fields=["first_name"])
    return user


def make_round(*, by: User, level: str = "province", prov: Province | None = None, year: int = 2026, **extra) -> Round:
    start = extra.pop("judging_starts", datetime.date(year, 9, 1))
    data = {
        "level": level,
        "year": year,
        "title": extra.pop("title", f"Bình chọn sản phẩm CNNT tiêu biểu {level} {year}"),
        "organiser": extra.pop("organiser", None) or (centre(prov) if prov else Unit.objects.get(kind="ministry")),
        "registration_deadline": extra.pop("registration_deadline", start - datetime.timedelta(days=10)),
        "judging_starts": start,
        "judging_ends": extra.pop("judging_ends", start + datetime.timedelta(days=2)),
        "threshold": extra.pop("threshold", None),
        **extra,
    }
    if level in ("province", "commune"):
        data["province"] = prov
    if level == "region":
        data["region"] = Region.objects.get(code="southern")
    return services.round_create(by=by, data=data)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def make_entry(
    *,
    round_: Round,
    by: User,
    prov: Province | None = None,
    name: str = "Bánh tráng",
    photos: int = 3,
    group: str = "food",
    screen: bool = True,
    screener: User | None = None,
):
    prov = prov or round_.province
    beneficiary = project_services.beneficiary_match_or_create(name=f"Cơ sở {name}", kind="household")
    entry = services.entry_create(
        round_=round_,
        province=prov,
        beneficiary=beneficiary,
        product_name=name,
        group=group,
        by=by,
        received_on=min(round_.registration_deadline, timezone.localdate()),
    )
    for kind, content, filename in (
        ("form", PDF, "don.pdf"),
        ("registration", PDF, "gpkd.pdf"),
        ("description", PDF, "mota.pdf"),
    ):
        services.dossier_file_add(entry=entry, kind=kind, uploaded_file=upload(filename, content), by=by)
    for index in range(photos):
        services.dossier_file_add(entry=entry, kind="photo", uploaded_file=upload(f"anh{index}.png", PNG), by=by)
    if screen:
        entry = services.entry_screen(entry=entry, eligible=True, by=screener or by)
    return entry


def seat(*, round_: Round, by: User, judges: list[User], council: int | None = None) -> list[Judge]:
    """A council of the smallest allowed size (or `council`) and a panel: the first judge is the head."""
    size = council or round_.rule.council_sizes.get(level=round_.level).council_sizes[0]
    for index in range(size):
        role = CouncilMember.Role.CHAIR if index == 0 else CouncilMember.Role.MEMBER
        services.council_member_add(round_=round_, role=role, full_name=f"Thành viên {index + 1}", by=by)
    seated = []
    for index, user in enumerate(judges):
        role = Judge.Role.HEAD if index == 0 else Judge.Role.MEMBER
        seated.append(services.judge_add(round_=round_, user=user, role=role, by=by))
    return seated


def marks_for(round_: Round, *totals_per_block) -> dict:
    """{criterion id: points} giving each block (in order) the points listed."""
    criteria = [c for b in round_.blocks.prefetch_related("criteria").order_by("order") for c in b.criteria.all()]
    return {c.pk: Decimal(str(p)) for c, p in zip(criteria, totals_per_block, strict=True)}


def workbook(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def marked_round(*, officer: User, marker: str) -> dict:
    """A recognised Tây Ninh round whose title, entry, file, certificate and complaint carry `marker`, and a
    regional round without it (for khuyencong/tests/test_url_walk.py)."""
    services.rules_load()
    prov = officer.unit.province
    judges = [make_user(f"walk.judge{i}", prov) for i in range(3)]
    round_ = make_round(by=officer, prov=prov, title=f"Bình chọn {marker}")
    entry = make_entry(round_=round_, by=officer, name=f"Sản phẩm {marker}")
    seat(round_=round_, by=officer, judges=judges)
    services.judging_open(round_=round_, by=officer)
    for judge in judges:
        services.sheet_save(entry=entry, by=judge, points=marks_for(round_, 35, 35, 8, 8), submit=True)
    services.council_select(round_=round_, count=1, recognised=[entry.pk], promoted=[], by=officer)
    services.recognition_issue(
        round_=round_,
        number=f"1/QĐ-{marker}",
        signed_on=datetime.date(2026, 9, 10),
        signer_name=marker,
        signer_position="Chủ tịch",
        by=officer,
    )
    round_.refresh_from_db()
    complaint = services.complaint_file(
        round_=round_, complainant=marker, received_on=datetime.date(2026, 9, 11), text=marker, by=officer
    )
    ministry = User.objects.filter(role="ministry").first()
    regional = make_round(by=ministry, level="region", year=2026, title="Bình chọn khu vực phía Nam 2026")
    entry.refresh_from_db()
    return {
        "product_round": round_,
        "product_entry": entry,
        "product_file": entry.files.first(),
        "product_certificate": entry.certificate,
        "product_complaint": complaint,
        "product_establishment": entry.beneficiary,
        "product_region_round": regional,
    }


def big_round(*, by: User, prov: Province, entries: int, judges: int, year: int = 2026) -> Round:
    """A judged round of any size, bulk-built (for query counts and the benchmark): every judge has
    submitted a sheet for every eligible entry."""
    import random

    from products.models import Criterion, Entry, Judge, Mark, ScoreSheet

    rng = random.Random(entries * 100 + judges)
    round_ = make_round(by=by, prov=prov, year=year)
    users = [make_user(f"big{year}.{entries}.{i}", prov) for i in range(judges)]
    seated = Judge.objects.bulk_create(
        [Judge(round=round_, user=u, role="head" if i == 0 else "member") for i, u in enumerate(users)]
    )
    beneficiary = project_services.beneficiary_match_or_create(name=f"Cơ sở lớn {year}", kind="household")
    made = Entry.objects.bulk_create(
        [
            Entry(
                round=round_,
                province=prov,
                beneficiary=beneficiary,
                code=f"{i + 1:04d}",
                product_name=f"Sản phẩm {i + 1}",
                group="food",
                received_on=round_.registration_deadline,
                status="eligible",
                created_by=by,
            )
            for i in range(entries)
        ]
    )
    Round.objects.filter(pk=round_.pk).update(status="judging")
    criteria = list(Criterion.objects.filter(block__round=round_))
    now = timezone.now()
    sheets, marks = [], []
    for entry in made:
        for judge in seated:
            points = [Decimal(rng.randint(0, int(c.max_points))) for c in criteria]
            sheets.append(ScoreSheet(entry=entry, judge=judge, total=sum(points), submitted_at=now))
            marks.append(points)
    sheets = ScoreSheet.objects.bulk_create(sheets, batch_size=2000)
    Mark.objects.bulk_create(
        [
            Mark(sheet=s, criterion=c, points=p)
            for s, pts in zip(sheets, marks, strict=True)
            for c, p in zip(criteria, pts, strict=True)
        ],
        batch_size=5000,
    )
    round_.refresh_from_db()
    return round_

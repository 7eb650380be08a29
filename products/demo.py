"""Demo data for the selection: the 2022 southern regional round at its real size (364 entries from the 20
provinces, 200 recognised) fed by the 20 provincial rounds of 2022, and a 2026 Tây Ninh round being judged.

Rounds, screening, the council's selection, recognition and promotion go through the services, so their
rules hold on the demo too; entries, dossier rows and marks are bulk-created for speed (each dossier points
at the same three small demo files). Demo rows are titled "[Demo] …"; running again replaces them.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from products import services
from products.models import (
    Certificate,
    Complaint,
    CouncilMember,
    Criterion,
    DossierFile,
    Entry,
    Judge,
    Mark,
    ProductGroup,
    Promotion,
    Recognition,
    Round,
    ScoreSheet,
)
from projects.models import Beneficiary
from provinces import services as province_services
from provinces.models import CodeSet, Province, Region, Unit, User
from provinces.selectors import provinces_in_region_on

DEMO = "[Demo] "
REGIONAL_ENTRIES, REGIONAL_RECOGNISED = 364, 200  # the 2022 southern round (domain notes)
PRODUCTS = {
    "handicraft": ["Mây tre đan", "Gốm mỹ nghệ", "Chiếu cói", "Đồ gỗ mỹ nghệ", "Lục bình đan", "Tranh sơn mài"],
    "food": ["Bánh tráng phơi sương", "Muối tôm", "Nước mắm", "Kẹo dừa", "Mật ong", "Trà mãng cầu", "Khô cá lóc"],
    "machinery": ["Máy sấy nông sản", "Máy bóc vỏ hạt điều", "Lò đốt trấu", "Máy xay xát lúa"],
    "other": ["Phân hữu cơ vi sinh", "Xà bông thiên nhiên", "Tinh dầu sả"],
}
GROUP_WEIGHTS = [3, 6, 1, 1]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% demo\ntrailer<<>>\n%%EOF\n"


def _purge() -> None:
    rounds = Round.objects.filter(title__startswith=DEMO)
    Complaint.objects.filter(round__in=rounds).delete()
    # An entry sent up points at the certificate of the level below: the upper levels go first.
    for level in ("national", "region", "province", "commune"):
        at_level = rounds.filter(level=level)
        Certificate.objects.filter(entry__round__in=at_level).delete()
        ScoreSheet.objects.filter(entry__round__in=at_level).delete()
        Entry.objects.filter(round__in=at_level).delete()
    Promotion.objects.filter(from_round__in=rounds).delete()
    Recognition.objects.filter(round__in=rounds).delete()
    Judge.objects.filter(round__in=rounds).delete()
    rounds.delete()
    Beneficiary.objects.filter(name__startswith=DEMO, projects__isnull=True, product_entries__isnull=True).delete()


def _judges(count: int) -> list[User]:
    """Demo expert accounts (demo.giamkhao01…), officers of today's southern provinces, demo password."""
    units = list(
        Unit.objects.filter(kind=Unit.Kind.EXTENSION_CENTRE, province__code_set=CodeSet.CODES_2025)
        .filter(province__region_memberships__region__code="southern")
        .order_by("province__code")
        .distinct()
    )
    users = []
    for index in range(1, count + 1):
        user, created = User.objects.update_or_create(
            username=f"demo.giamkhao{index:02d}",
            defaults={"first_name": f"Giám khảo {index:02d}", "role": "officer", "unit": units[index % len(units)]},
        )
        if created:
            user.set_password(province_services.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    return users


def _seat(round_: Round, by: User, council: int, judges: list[User]) -> None:
    CouncilMember.objects.bulk_create(
        [
            CouncilMember(
                round=round_,
                role=CouncilMember.Role.CHAIR if i == 0 else CouncilMember.Role.VICE_CHAIR if i == 1 else "member",
                full_name=f"Thành viên hội đồng {i + 1:02d}",
            )
            for i in range(council)
        ]
    )
    for index, user in enumerate(judges):
        role = Judge.Role.HEAD if index == 0 else Judge.Role.DEPUTY if index == 1 else Judge.Role.MEMBER
        services.judge_add(round_=round_, user=user, role=role, by=by)


class Builder:
    def __init__(self, seed: int, by: User):
        self.rng = random.Random(seed)
        self.by = by
        self.files = {}
        for kind, content, name in (("pdf", PDF, "demo/ho-so.pdf"), ("png", PNG, "demo/anh.png")):
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(content))
            self.files[kind] = (name, len(content))

    def entries(self, round_: Round, province: Province, count: int, start: int = 1) -> list[Entry]:
        rows = []
        for index in range(count):
            group = self.rng.choices(ProductGroup.values, weights=GROUP_WEIGHTS)[0]
            product = self.rng.choice(PRODUCTS[group])
            beneficiary = Beneficiary.objects.create(
                name=f"{DEMO}Cơ sở {product.lower()} {province.name} {start + index:02d}",
                kind=self.rng.choice(Beneficiary.Kind.values),
            )
            rows.append(
                Entry(
                    round=round_,
                    province=province,
                    beneficiary=beneficiary,
                    code=f"{start + index:03d}",
                    product_name=f"{product} {province.name}",
                    group=group,
                    received_on=round_.registration_deadline,
                    created_by=self.by,
                )
            )
        made = Entry.objects.bulk_create(rows)
        dossier = [("form", "pdf"), ("registration", "pdf"), ("description", "pdf")] + [("photo", "png")] * 3
        DossierFile.objects.bulk_create(
            [
                DossierFile(
                    entry=entry,
                    kind=kind,
                    file=self.files[ext][0],
                    original_name=self.files[ext][0].rsplit("/", 1)[1],
                    content_type="application/pdf" if ext == "pdf" else "image/png",
                    size=self.files[ext][1],
                    sha256="0" * 64,
                    uploaded_by=self.by,
                )
                for entry in made
                for kind, ext in dossier
            ]
        )
        return made

    def score(self, round_: Round, qualities: dict[int, float], judges: list[Judge], submit_all: bool = True):
        """Each judge's marks around the entry's quality, per criterion, within the criterion's maximum."""
        criteria = list(Criterion.objects.filter(block__round=round_).order_by("block__order", "order"))
        total_max = sum(float(c.max_points) for c in criteria)
        sheets, marks = [], []
        for entry_id, quality in qualities.items():
            for judge in judges:
                if not submit_all and self.rng.random() < 0.5:
                    continue
                own = max(0.0, min(total_max, quality + self.rng.uniform(-4, 4)))
                points = [
                    Decimal(min(float(c.max_points), round(own * float(c.max_points) / total_max * 2) / 2))
                    for c in criteria
                ]
                sheets.append(
                    ScoreSheet(entry_id=entry_id, judge=judge, total=sum(points), submitted_at=round_.judging_ends_at)
                )
                marks.append(points)
        made = ScoreSheet.objects.bulk_create(sheets)
        Mark.objects.bulk_create(
            [
                Mark(sheet=sheet, criterion=c, points=p)
                for sheet, points in zip(made, marks, strict=True)
                for c, p in zip(criteria, points, strict=True)
            ]
        )

    def screen_all(self, round_: Round) -> None:
        for entry in Entry.objects.filter(round=round_).prefetch_related("files"):
            services.entry_screen(entry=entry, eligible=True, by=self.by)

    def means(self, round_: Round) -> list[tuple[Decimal, int]]:
        from products.selectors import score_summary

        rows = score_summary(user=self.by, round_=round_).rows
        return sorted(((r.mean, r.entry.pk) for r in rows if r.reaches_threshold), reverse=True)


def _qualities(rng: random.Random, entries: list[Entry], good: int) -> dict[int, float]:
    """The first `good` entries (in a shuffled order) score well clear of 70, the others below it."""
    order = entries[:]
    rng.shuffle(order)
    return {e.pk: rng.uniform(75, 93) if i < good else rng.uniform(50, 66) for i, e in enumerate(order)}


def _allocate(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    counts = [minimum] * parts
    for _ in range(total - minimum * parts):
        counts[rng.randrange(parts)] += 1
    return counts


def demo_present() -> bool:
    return Round.objects.filter(title__startswith=DEMO, level="region", year=2022, status="recognised").exists()


@transaction.atomic
def demo_seed(seed: int = 1) -> dict[str, int]:
    if settings.PRODUCTION:
        raise RuntimeError("Demo data is not loaded in production mode.")
    services.rules_load()
    _purge()
    by = User.objects.filter(role=User.Role.MINISTRY).order_by("pk").first()
    if by is None:
        raise RuntimeError("Load the demo accounts first (python manage.py seed_demo).")
    builder = Builder(seed, by)
    rng = builder.rng
    ministry = Unit.objects.get(kind=Unit.Kind.MINISTRY_DEPARTMENT)
    provinces = list(provinces_in_region_on(day=datetime.date(2022, 6, 1)))
    host = next(p for p in provinces if p.code == 72)  # Tây Ninh hosted the 2022 southern round
    judges = _judges(15)

    regional = services.round_create(
        by=by,
        data={
            "level": "region",
            "year": 2022,
            "title": f"{DEMO}Bình chọn sản phẩm CNNT tiêu biểu khu vực phía Nam năm 2022",
            "region": Region.objects.get(code="southern"),
            "host_province": host,
            "organiser": ministry,
            "registration_deadline": datetime.date(2022, 8, 31),
            "judging_starts": datetime.date(2022, 9, 20),
            "judging_ends": datetime.date(2022, 9, 22),
            "threshold": None,
        },
    )
    sent = _allocate(rng, REGIONAL_ENTRIES, len(provinces), 8)
    for province, count in zip(provinces, sent, strict=True):
        centre = Unit.objects.filter(kind=Unit.Kind.EXTENSION_CENTRE, province=province).first()
        provincial = services.round_create(
            by=by,
            data={
                "level": "province",
                "year": 2022,
                "title": f"{DEMO}Bình chọn sản phẩm CNNT tiêu biểu {province.name} năm 2022",
                "province": province,
                "organiser": centre or ministry,
                "registration_deadline": datetime.date(2022, 5, 31),
                "judging_starts": datetime.date(2022, 6, 15),
                "judging_ends": datetime.date(2022, 6, 17),
                "feeds": regional,
                "threshold": None,
            },
        )
        provincial.judging_ends_at = datetime.datetime(2022, 6, 17, 16, tzinfo=datetime.UTC)
        extra_recognised, extra = rng.randint(0, 3), rng.randint(3, 12)
        entries = builder.entries(provincial, province, count + extra)
        builder.screen_all(provincial)
        _seat(provincial, by, 7, rng.sample(judges, 5))
        services.judging_open(round_=provincial, by=by)
        builder.score(provincial, _qualities(rng, entries, count + extra_recognised), list(provincial.judges.all()))
        ranked = [pk for _mean, pk in builder.means(provincial)]
        chosen = ranked[: count + extra_recognised]
        services.council_select(round_=provincial, count=len(chosen), recognised=chosen, promoted=ranked[:count], by=by)
        services.recognition_issue(
            round_=provincial,
            number=f"DEMO-{province.code}/QĐ-UBND",
            signed_on=datetime.date(2022, 6, 30),
            signer_name="Người ký (dữ liệu demo)",
            signer_position="Phó Chủ tịch Ủy ban nhân dân",
            by=by,
        )
        services.promotion_file(
            from_round=provincial,
            to_round=regional,
            entries=list(Entry.objects.filter(round=provincial, promoted=True).select_related("certificate")),
            letter_number=f"DEMO-{province.code}/SCT",
            letter_date=datetime.date(2022, 8, 10),
            letter_file=ContentFile(PDF, name="cong-van.pdf"),
            filed_on=datetime.date(2022, 8, 15),
            by=by,
        )
    regional.refresh_from_db()
    regional.judging_ends_at = datetime.datetime(2022, 9, 22, 16, tzinfo=datetime.UTC)
    builder.screen_all(regional)
    _seat(regional, by, 11, judges[:9])
    services.judging_open(round_=regional, by=by)
    regional_entries = list(Entry.objects.filter(round=regional))
    builder.score(regional, _qualities(rng, regional_entries, REGIONAL_RECOGNISED + 30), list(regional.judges.all()))
    ranked = [pk for _mean, pk in builder.means(regional)]
    chosen = ranked[:REGIONAL_RECOGNISED]
    services.council_select(round_=regional, count=len(chosen), recognised=chosen, promoted=[], by=by)
    services.recognition_issue(
        round_=regional,
        number="DEMO-KV2022/QĐ-CTĐP",
        signed_on=datetime.date(2022, 10, 13),
        signer_name="Người ký (dữ liệu demo)",
        signer_position="Cục trưởng",
        by=by,
    )

    # Today's Tây Ninh: a round under way, for trying the judges' pages (demo.giamkhao01 is the head judge).
    tay_ninh = Province.objects.get(code=80, code_set=CodeSet.CODES_2025)
    current = services.round_create(
        by=by,
        data={
            "level": "province",
            "year": 2026,
            "title": f"{DEMO}Bình chọn sản phẩm CNNT tiêu biểu Tây Ninh năm 2026",
            "province": tay_ninh,
            "organiser": Unit.objects.get(kind=Unit.Kind.EXTENSION_CENTRE, province=tay_ninh),
            "registration_deadline": datetime.date(2026, 10, 31),
            "judging_starts": datetime.date(2026, 11, 20),
            "judging_ends": datetime.date(2026, 12, 20),
            "threshold": None,
        },
    )
    current.judging_ends_at = datetime.datetime(2026, 11, 25, 9, tzinfo=datetime.UTC)
    entries = builder.entries(current, tay_ninh, 12)
    builder.screen_all(current)
    _seat(current, by, 7, judges[:5])
    services.judging_open(round_=current, by=by)
    head, *others = list(current.judges.order_by("pk"))
    builder.score(current, {e.pk: rng.uniform(55, 90) for e in entries[4:]}, others)
    return {
        "rounds": Round.objects.filter(title__startswith=DEMO).count(),
        "entries": Entry.objects.filter(round__title__startswith=DEMO).count(),
        "regional entries": Entry.objects.filter(round=regional).count(),
        "regional recognised": Certificate.objects.filter(entry__round=regional).count(),
        "sheets": ScoreSheet.objects.filter(entry__round__title__startswith=DEMO).count(),
    }

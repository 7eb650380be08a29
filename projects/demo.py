"""Demo data for the portal: `demo_seed(scale, seed)` fills 2021 → today with plausible, clearly marked rows.

Deterministic for a given (scale, seed, today): everything random comes from one `random.Random(seed)`.
Idempotent by replacement: every run first deletes the previous demo rows (projects whose code starts
with `DEMO-` and everything hanging off them, plans noted `DEMO_NOTE`, beneficiaries whose address
ends with `DEMO_MARK`), then writes afresh. National-plan registrations carry no marker field, so they
are created only where a province has none for that year (never overwriting real ones).

Rows are written with bulk_create (seeding, not user writes: no history rows), but they respect the
model constraints and the service rules: money of each kind stays within the approved support,
settlements within disbursements, no money dated after today, activities in force in their year, and
a project belongs to the province as it was on its approval day (the 20 old provinces before
2025-07-01, the 9 merged ones from then on).
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from khuyencong import cachekeys
from khuyencong.text import fold
from periods import selectors as period_selectors
from periods import services as period_services
from periods.models import PeriodKind
from projects import rollup
from projects import services as project_services
from projects.models import (
    Attachment,
    Beneficiary,
    Fund,
    MoneyEntry,
    NationalPlanRegistration,
    Plan,
    ProgressUpdate,
    Project,
    ProjectAdjustment,
    ProjectTransition,
    Status,
)
from provinces import services as province_services
from provinces.models import ActivityContent, CodeSet, Commune, Province, Unit, User

CODE_PREFIX = "DEMO-"
TITLE_PREFIX = "[Demo] "
DEMO_NOTE = "Dữ liệu demo (seed_demo)"
DEMO_MARK = " · dữ liệu demo"
FIRST_YEAR = 2021
MERGER = datetime.date(2025, 7, 1)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MILLION = 1_000_000

# (min, max) state support in millions of VND per activity (domain README, "Sizes"), and title stems.
ACTIVITIES = {
    "KC01": ((30, 300), ["Đào tạo nghề {p}", "Truyền nghề {p} cho lao động nông thôn"]),
    "KC02": ((100, 1000), ["Xây dựng mô hình trình diễn kỹ thuật sản xuất {p}"]),
    "KC03": ((100, 1000), ["Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất {p}"]),
    "KC04": ((100, 600), ["Hỗ trợ áp dụng sản xuất sạch hơn tại cơ sở sản xuất {p}"]),
    "KC05": ((100, 600), ["Hỗ trợ xử lý ô nhiễm môi trường tại cơ sở sản xuất {p}"]),
    "KC06": ((50, 300), ["Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh"]),
    "KC07": ((200, 2000), ["Tổ chức hội chợ hàng công nghiệp nông thôn", "Hỗ trợ cơ sở tham gia hội chợ triển lãm"]),
    "KC08": ((100, 500), ["Hỗ trợ xây dựng phòng trưng bày giới thiệu sản phẩm {p}"]),
    "KC09": ((50, 300), ["Hỗ trợ đăng ký nhãn hiệu, xây dựng thương hiệu sản phẩm {p}"]),
    "KC10": ((100, 500), ["Hỗ trợ liên kết chuỗi giá trị sản phẩm {p}"]),
    "KC11": ((30, 200), ["Nâng cao năng lực quản lý cho cơ sở công nghiệp nông thôn"]),
    "KC12": ((30, 200), ["Tư vấn phát triển sản xuất cho cơ sở sản xuất {p}"]),
    "KC13": ((20, 200), ["Xây dựng chương trình truyền hình về khuyến công", "Xuất bản bản tin khuyến công"]),
    "KC14": ((50, 300), ["Tập huấn nâng cao năng lực cán bộ khuyến công"]),
    "KC16": ((100, 800), ["Hỗ trợ chuyển đổi số cho cơ sở sản xuất {p}"]),
    "KC17": ((100, 800), ["Hỗ trợ sản xuất bền vững cho cơ sở sản xuất {p}"]),
    "KC18": ((30, 200), ["Hỗ trợ nghệ nhân truyền nghề {p}"]),
}
LOCAL_WEIGHTS = {"KC01": 24, "KC03": 26, "KC02": 10, "KC13": 9, "KC07": 5, "KC06": 4, "KC09": 5, "KC12": 5}
LOCAL_WEIGHTS |= {"KC11": 3, "KC10": 2, "KC04": 2, "KC05": 2, "KC14": 2, "KC08": 1}
NEW_ACTIVITIES = {"KC16": 4, "KC17": 3, "KC18": 2}  # Decree 235/2025, in force 2025-10-15: plan years ≥ 2026
NATIONAL_WEIGHTS = {"KC02": 4, "KC03": 4, "KC07": 2, "KC10": 1, "KC06": 1}
PRODUCTS = [
    "bánh tráng",
    "bánh phồng",
    "nước mắm",
    "chiếu cói",
    "đan lát lục bình",
    "gốm",
    "mộc gia dụng",
    "dệt thổ cẩm",
    "kẹo dừa",
    "trái cây sấy",
    "gạo hữu cơ",
    "nông sản sấy",
    "hàng thủ công mỹ nghệ",
    "cơ khí nông nghiệp",
    "chế biến thủy sản",
    "bánh pía",
    "thạch dừa",
    "nhang",
    "muối tôm",
    "tre trúc",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi", "Đỗ", "Ngô", "Lâm"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Tâm"]
GIVEN += ["Thảo", "Trung", "Tuấn", "Vân", "Yến", "Sơn", "Hoa", "Phát", "Lộc", "Nhân"]
TRADE_NAMES = ["Minh Phát", "Thành Đạt", "Hưng Thịnh", "Phú Quý", "Tân Tiến", "Đại Phong", "Kim Ngân", "Hòa Bình"]
NARRATIVES = [
    "Đang triển khai theo kế hoạch.",
    "Đã ký hợp đồng, đang mua sắm thiết bị.",
    "Đã tổ chức lớp học, học viên tham gia đầy đủ.",
    "Thiết bị đã lắp đặt, đang chạy thử.",
    "Đang hoàn thiện hồ sơ nghiệm thu.",
]
DIFFICULTIES = [
    "",
    "",
    "",
    "Cơ sở chậm bố trí vốn đối ứng.",
    "Giá thiết bị tăng so với dự toán.",
    "Thời tiết mưa kéo dài.",
]
# Headline figures the 2022 conference heard (domain README); the seeder steers the money dates to them.
TARGET_RATES = [
    (2021, PeriodKind.YEAR, 1, Decimal("50.0")),
    (2022, PeriodKind.NINE_MONTHS, 1, Decimal("37.6")),
]
REGISTERED_ON_TIME_FOR = {2023: 4}  # "04/20 tỉnh đã đăng ký kế hoạch khuyến công quốc gia năm 2023"


@dataclass
class _Money:
    kind: str
    amount: int
    date: datetime.date


@dataclass
class _Draft:
    project: Project
    territory: Province  # the old province whose ground this is (for the calibration by region)
    beneficiaries: list[Beneficiary] = field(default_factory=list)
    money: list[_Money] = field(default_factory=list)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _support(rng: random.Random, code: str) -> int:
    low, high = ACTIVITIES[code][0]
    # Skewed towards the low end: machinery averages about 100-200 million although the cap is 1 billion.
    value = low + (high - low) * rng.random() ** 3
    return int(round(value)) * MILLION


def _meet_share_ceiling(project: Project, code: str) -> None:
    """Raise a national project's counterpart until its support is within the circular's share of the cost
    (no random draw: the same seed still gives the same rows). Amounts above a ceiling are left as drawn."""
    shares = [
        share
        for activity, _case, share, _amount, _advance in project_services.NATIONAL_CEILINGS
        if activity == code and share is not None
    ]
    if not shares:
        return
    share = max(shares)
    needed = project.approved_support * (100 - share) / share - project.other_sources
    if project.counterpart < needed:
        project.counterpart = Decimal(-(-int(needed) // MILLION) * MILLION)  # whole millions, rounded up


@transaction.atomic
def demo_clear() -> dict[str, int]:
    """Delete every demo row (see module docstring). Raw deletes: no history rows, no per-row signals (the
    caller rebuilds the money roll-up: `rollup.suspended()`)."""
    cachekeys.bump()
    demo_projects = Project.objects.filter(code__startswith=CODE_PREFIX)
    counts = {}
    for model in (ProgressUpdate, MoneyEntry, ProjectTransition, ProjectAdjustment, Attachment):
        qs = model.objects.filter(project__code__startswith=CODE_PREFIX)
        counts[model._meta.model_name] = qs._raw_delete(qs.db)
    through = Project.beneficiaries.through.objects.filter(project__code__startswith=CODE_PREFIX)
    through._raw_delete(through.db)
    counts["project"] = demo_projects._raw_delete(demo_projects.db)
    orphans = Beneficiary.objects.filter(address__endswith=DEMO_MARK).filter(projects__isnull=True)
    counts["beneficiary"] = orphans._raw_delete(orphans.db)
    plans = Plan.objects.filter(note=DEMO_NOTE)
    counts["plan"] = plans._raw_delete(plans.db)
    return counts


def demo_seed(scale: int = 1, seed: int = 1, *, today: datetime.date | None = None) -> dict[str, int]:
    """Load reference data, demo accounts and demo projects for 2021 → today; returns row counts.

    Never in production (demo_accounts_create refuses). Safe to run again: previous demo rows are replaced.
    """
    today = today or timezone.localdate()
    province_services.reference_load()
    project_services.programmes_load()
    accounts = {u.username: u for u in province_services.demo_accounts_create()}
    with transaction.atomic(), rollup.suspended():  # bulk writes: the money roll-up is rebuilt once at the end
        cachekeys.bump()  # bulk writes: no service call bumps for them
        demo_clear()
        return _Seeder(scale=scale, seed=seed, today=today, author=accounts["bo.khuyencong"]).run()


class _Seeder:
    def __init__(self, *, scale: int, seed: int, today: datetime.date, author: User):
        self.rng = random.Random(seed)
        self.scale, self.today, self.author = scale, today, author
        self.old = list(
            Province.objects.filter(code_set=CodeSet.CODES_2004, region_memberships__region__code="southern")
        )
        self.old.sort(key=lambda p: p.code)
        self.new = {p.pk: p for p in Province.objects.filter(code_set=CodeSet.CODES_2025)}
        self.centres = {u.province_id: u for u in Unit.objects.filter(kind=Unit.Kind.EXTENSION_CENTRE)}
        self.activities = {a.code: a for a in ActivityContent.objects.all()}
        communes = defaultdict(list)
        for commune in Commune.objects.filter(province__in=list(self.new)).order_by("code"):
            communes[commune.province_id].append(commune)
        self.communes = communes
        self.drafts: list[_Draft] = []
        self.serial = 0
        self.taken_tax_codes = set(
            Beneficiary.objects.filter(tax_code__startswith="99").values_list("tax_code", flat=True)
        )

    def run(self) -> dict[str, int]:
        pools = {p.pk: self._beneficiary_pool(p) for p in self.old}
        last_year = self.today.year
        for year in range(FIRST_YEAR, last_year + 1):
            for territory in self.old:
                n_local = self.rng.randint(10, 13) * self.scale
                n_national = self.rng.randint(0, 2) * self.scale
                for fund, count in ((Fund.LOCAL, n_local), (Fund.NATIONAL, n_national)):
                    for _ in range(count):
                        self._project(territory, year, fund, pools[territory.pk])
        self._calibrate()
        projects = Project.objects.bulk_create([d.project for d in self.drafts], batch_size=1000)
        for draft, project in zip(self.drafts, projects, strict=True):
            draft.project = project
        through = Project.beneficiaries.through
        links = [through(project_id=d.project.pk, beneficiary_id=b.pk) for d in self.drafts for b in d.beneficiaries]
        through.objects.bulk_create(links, batch_size=2000)
        entries = [
            MoneyEntry(
                project=d.project,
                kind=m.kind,
                amount=Decimal(m.amount),
                date=m.date,
                note=DEMO_NOTE,
                created_by=self.author,
            )
            for d in self.drafts
            for m in d.money
        ]
        MoneyEntry.objects.bulk_create(entries, batch_size=2000)
        progress = self._progress()
        ProgressUpdate.objects.bulk_create(progress, batch_size=2000)
        plans = self._plans()
        Plan.objects.bulk_create(plans, batch_size=1000, ignore_conflicts=True)
        registrations = self._registrations()
        NationalPlanRegistration.objects.bulk_create(registrations, ignore_conflicts=True)
        return {
            "projects": len(projects),
            "money_entries": len(entries),
            "progress_updates": len(progress),
            "plans": len(plans),
            "registrations": len(registrations),
            "beneficiaries": sum(len(p) for p in pools.values()),
        }

    # ---- beneficiaries -------------------------------------------------------------------------------
    def _beneficiary_pool(self, territory: Province) -> list[Beneficiary]:
        communes = self.communes.get(territory.successor_id) or [None]
        rows = []
        for _ in range(8 * self.scale):
            kind = self.rng.choices(list(Beneficiary.Kind.values), weights=[3, 3, 6, 1, 1])[0]
            product = self.rng.choice(PRODUCTS)
            commune = self.rng.choice(communes)
            place = commune.name if commune else territory.name
            name = {
                Beneficiary.Kind.ENTERPRISE: f"Công ty TNHH {self.rng.choice(TRADE_NAMES)} {place}",
                Beneficiary.Kind.COOPERATIVE: f"Hợp tác xã {product} {place}",
                Beneficiary.Kind.HOUSEHOLD: f"Cơ sở {product} {_person(self.rng)}",
                Beneficiary.Kind.CRAFT_VILLAGE: f"Làng nghề {product} {place}",
                Beneficiary.Kind.ARTISAN: f"Nghệ nhân {_person(self.rng)}",
            }[kind]
            has_tax_code = kind in (Beneficiary.Kind.ENTERPRISE, Beneficiary.Kind.COOPERATIVE)
            self.serial += 1
            while f"99{self.serial:08d}" in self.taken_tax_codes:
                self.serial += 1
            rows.append(
                Beneficiary(
                    name=name,
                    name_folded=fold(name)[:255],
                    kind=kind,
                    tax_code=f"99{self.serial:08d}" if has_tax_code else "",
                    commune=commune,
                    address=f"{place}, {territory.name}{DEMO_MARK}",
                )
            )
        return Beneficiary.objects.bulk_create(rows, batch_size=1000)

    # ---- projects and their money -----------------------------------------------------------------------
    def _project(self, territory: Province, year: int, fund: str, pool: list[Beneficiary]) -> None:
        rng = self.rng
        if fund == Fund.NATIONAL:
            approved_on = _day_between(rng, datetime.date(year, 2, 1), datetime.date(year, 4, 30))
            code = _weighted(rng, NATIONAL_WEIGHTS)
        else:
            latest = datetime.date(year, 9, 30) if year == MERGER.year else datetime.date(year, 5, 31)
            approved_on = _day_between(rng, datetime.date(year, 1, 15), latest)
            weights = LOCAL_WEIGHTS | (NEW_ACTIVITIES if year > MERGER.year else {})
            code = _weighted(rng, weights)
        if approved_on > self.today:
            return
        province = territory if approved_on < MERGER else self.new[territory.successor_id]
        support = _support(rng, code)
        start = approved_on + datetime.timedelta(days=rng.randint(10, 40))
        year_end = datetime.date(year, 12, 10)
        end = min(start + datetime.timedelta(days=rng.randint(120, 270)), year_end)
        if rng.random() < 0.08:  # extended into the next year (gia hạn)
            end = datetime.date(year + 1, 3, rng.randint(1, 28))
        roll = rng.random()
        status = self._status(roll, start, end)
        approved = status not in (Status.REJECTED,)
        beneficiaries = rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 1, 2, 3])))
        product = rng.choice(PRODUCTS)
        title = TITLE_PREFIX + rng.choice(ACTIVITIES[code][1]).format(p=product)
        if beneficiaries and "{p}" in " ".join(ACTIVITIES[code][1]):
            title += f" tại {beneficiaries[0].name}"
        communes = self.communes.get(territory.successor_id) or [None]
        commune = rng.choice(communes) if province.code_set == CodeSet.CODES_2025 else None
        location = f"{commune.name}, {province.name}" if commune else province.name
        self.serial += 1
        project_code = f"{CODE_PREFIX}{province.code:02d}{str(province.code_set)[2:]}-{year}-{self.serial:06d}"
        names = " ".join(f"{b.name} {b.tax_code}" for b in beneficiaries)
        project = Project(
            code=project_code,
            title=title[:500],
            province=province,
            implementing_unit=self.centres[province.pk],
            plan_year=year,
            fund=fund,
            activity=self.activities[code],
            location=location,
            commune=commune,
            start_date=start,
            end_date=end,
            is_pilot=rng.random() < 0.05,
            is_group=rng.random() < 0.1,
            approved_support=Decimal(support),
            counterpart=Decimal(int(support * rng.uniform(0.5, 2.5)) // MILLION * MILLION),
            status=status,
            approved_at=datetime.datetime.combine(approved_on, datetime.time(9, 0), tzinfo=TZ) if approved else None,
            search_text=fold(f"{project_code} {title} {names} {province.name} {location}"),
            created_by=self.author,
        )
        if fund == Fund.NATIONAL:
            _meet_share_ceiling(project, code)
        draft = _Draft(project=project, territory=territory, beneficiaries=beneficiaries)
        draft.money = self._money(status, support, start, end)
        self.drafts.append(draft)

    def _status(self, roll: float, start: datetime.date, end: datetime.date) -> str:
        if roll < 0.04:
            return Status.REJECTED
        if roll < 0.07:
            return Status.CANCELLED
        days_over = (self.today - end).days
        if start > self.today:
            return Status.APPROVED
        if days_over < 0:
            return Status.IN_PROGRESS
        if days_over < 60:
            return Status.ACCEPTED if roll < 0.6 else Status.IN_PROGRESS  # the rest is late
        if days_over < 240:
            return [Status.ACCEPTED, Status.CLOSED, Status.SETTLED, Status.IN_PROGRESS][int(roll * 40) % 4]
        return Status.DONE if roll < 0.93 else Status.SETTLED

    def _money(self, status: str, support: int, start: datetime.date, end: datetime.date) -> list[_Money]:
        rng, today = self.rng, self.today
        if status in (Status.REJECTED, Status.CANCELLED, Status.APPROVED) or start > today:
            return []
        done = status in (Status.CLOSED, Status.SETTLED, Status.DONE)
        if done:
            share = rng.uniform(0.93, 1.0)
        elif status == Status.ACCEPTED:
            share = rng.uniform(0.8, 1.0)
        else:
            elapsed = (min(today, end) - start).days / max(1, (end - start).days)
            share = max(0.0, min(0.95, elapsed * rng.uniform(0.3, 1.0)))
        disbursed = int(support * share) // 1000 * 1000
        money = [_Money(MoneyEntry.Kind.ADVANCE, int(support * rng.uniform(0.3, 0.5)) // 1000 * 1000, start)]
        last = min(today, end + datetime.timedelta(days=45))
        pieces = rng.choice([1, 2, 2, 3])
        if disbursed >= pieces * 1000:
            cuts = sorted(rng.sample(range(1, disbursed // 1000), k=pieces - 1)) if pieces > 1 else []
            bounds = [0, *cuts, disbursed // 1000]
            for low, high in zip(bounds, bounds[1:], strict=False):
                day = _day_between(rng, start + datetime.timedelta(days=20), last)
                money.append(_Money(MoneyEntry.Kind.DISBURSEMENT, (high - low) * 1000, min(day, today)))
        if status in (Status.SETTLED, Status.DONE) and disbursed:
            day = min(today, end + datetime.timedelta(days=rng.randint(60, 120)))
            money.append(_Money(MoneyEntry.Kind.SETTLEMENT, disbursed, day))
        return [m for m in money if m.amount > 0]

    def _calibrate(self) -> None:
        """Steer the money dates so the region's headline rates read as the 2022 conference heard them.

        Only dates move (entries cross the cut-off, one is split): totals per project stay the same.
        """
        plans = self._plan_amounts()
        cal = period_selectors.calendar()
        for year, kind, number, target in TARGET_RATES:
            if year > self.today.year:
                continue
            starts_on, cutoff = period_selectors.window(kind, year, number, cal=cal)
            planned = sum(a for (_p, y, _f), a in plans.items() if y == year)
            goal = int(Decimal(planned) * target / 100)
            inside = [
                (d, m)
                for d in self.drafts
                if d.project.plan_year == year
                for m in d.money
                if m.kind == MoneyEntry.Kind.DISBURSEMENT and starts_on <= m.date <= cutoff
            ]
            excess = sum(m.amount for _d, m in inside) - goal
            self.rng.shuffle(inside)
            for draft, money in inside:
                if excess <= 0:
                    break
                later = _day_between(
                    self.rng, cutoff + datetime.timedelta(days=5), cutoff + datetime.timedelta(days=75)
                )
                later = min(later, self.today)
                if later <= cutoff:
                    break
                if money.amount <= excess:
                    money.date, excess = later, excess - money.amount
                else:
                    money.amount -= excess
                    draft.money.append(_Money(MoneyEntry.Kind.DISBURSEMENT, excess, later))
                    excess = 0
                self._settle_after_disbursements(draft)

    def _settle_after_disbursements(self, draft: _Draft) -> None:
        paid = [m.date for m in draft.money if m.kind == MoneyEntry.Kind.DISBURSEMENT]
        for money in draft.money:
            if money.kind == MoneyEntry.Kind.SETTLEMENT and paid and money.date <= max(paid):
                money.date = min(self.today, max(paid) + datetime.timedelta(days=20))

    # ---- plans, progress, registrations -------------------------------------------------------------
    def _plan_amounts(self) -> dict[tuple[int, int, str], int]:
        """Per (province, year, fund): the approved projects' support plus a little unallocated reserve."""
        if hasattr(self, "_plans_cache"):
            return self._plans_cache
        sums: dict[tuple[int, int, str], int] = defaultdict(int)
        for draft in self.drafts:
            p = draft.project
            if p.status != Status.REJECTED:
                sums[(p.province_id, p.plan_year, p.fund)] += int(p.approved_support)
        rng = random.Random(len(sums))
        self._plans_cache = {
            key: (amount + int(amount * rng.uniform(0, 0.08)) // (10 * MILLION) * 10 * MILLION)
            for key, amount in sorted(sums.items())
        }
        return self._plans_cache

    def _plans(self) -> list[Plan]:
        return [
            Plan(province_id=pk, year=year, fund=fund, planned_amount=Decimal(amount), note=DEMO_NOTE)
            for (pk, year, fund), amount in self._plan_amounts().items()
        ]

    def _progress(self) -> list[ProgressUpdate]:
        quarters = []
        cal = period_selectors.calendar()
        for year in range(FIRST_YEAR, self.today.year + 1):
            for number in range(1, 5):
                if cal.window(PeriodKind.QUARTER, year, number).ends_on < self.today:
                    quarters.append(
                        period_services.period_get_or_create(kind=PeriodKind.QUARTER, year=year, number=number)
                    )
        rows = []
        reporting = {Status.IN_PROGRESS, Status.ACCEPTED, Status.CLOSED, Status.SETTLED, Status.DONE}
        for draft in self.drafts:
            p = draft.project
            if p.status not in reporting:
                continue
            span = max(1, (p.end_date - p.start_date).days)
            for period in quarters:
                if period.ends_on < p.start_date or period.starts_on > p.end_date:
                    continue
                if self.rng.random() < 0.1:  # a missed update: "no progress this period"
                    continue
                percent = min(100, max(0, round(100 * (period.ends_on - p.start_date).days / span)))
                if p.status == Status.IN_PROGRESS:
                    percent = min(percent, 90)
                rows.append(
                    ProgressUpdate(
                        project=p,
                        period=period,
                        completion_percent=percent,
                        narrative=self.rng.choice(NARRATIVES),
                        difficulties=self.rng.choice(DIFFICULTIES),
                        updated_by=self.author,
                    )
                )
        return rows

    def _registrations(self) -> list[NationalPlanRegistration]:
        rows = []
        existing = set(NationalPlanRegistration.objects.values_list("province_id", "plan_year"))
        for plan_year in range(FIRST_YEAR + 1, self.today.year + 2):
            deadline = datetime.date(plan_year - 1, 9, 30)
            if deadline > self.today:
                continue
            provinces = self.old if deadline < MERGER else sorted(self.new.values(), key=lambda p: p.code)
            on_time_count = REGISTERED_ON_TIME_FOR.get(plan_year)
            order = list(provinces)
            self.rng.shuffle(order)
            if on_time_count is None:
                on_time_count = round(len(order) * self.rng.uniform(0.6, 0.9))
            for index, province in enumerate(order):
                if (province.pk, plan_year) in existing:
                    continue
                if index < on_time_count:
                    status, day = NationalPlanRegistration.Status.REGISTERED, deadline - datetime.timedelta(days=9)
                elif index < on_time_count + (len(order) - on_time_count) * 3 // 4:
                    status = NationalPlanRegistration.Status.LATE
                    day = min(self.today, deadline + datetime.timedelta(days=self.rng.randint(15, 60)))
                else:
                    status, day = NationalPlanRegistration.Status.NOT_REGISTERED, None
                count = self.rng.randint(1, 5) if day else 0
                rows.append(
                    NationalPlanRegistration(
                        province=province,
                        plan_year=plan_year,
                        deadline=deadline,
                        status=status,
                        registered_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=TZ) if day else None,
                        project_count=count,
                        requested_amount=Decimal(count * self.rng.randint(3, 9) * 100 * MILLION),
                    )
                )
        return rows


def demo_rows() -> Q:
    """Filter for demo projects (their code prefix)."""
    return Q(code__startswith=CODE_PREFIX)

"""Small factories that build projects through the services, so history and rules stay true."""

import datetime
from decimal import Decimal

from projects import services
from projects.models import Fund, Plan, Project
from provinces.models import ActivityContent, Province, Unit, User


def province(code: int, code_set: int = 2025) -> Province:
    return Province.objects.get(code=code, code_set=code_set)


def centre_of(prov: Province) -> Unit:
    return Unit.objects.get(kind=Unit.Kind.EXTENSION_CENTRE, province=prov)


def make_project(
    *,
    by: User,
    prov: Province | None = None,
    fund: str = Fund.LOCAL,
    year: int = 2026,
    support: int = 100_000_000,
    title: str = "Hỗ trợ máy sấy nông sản",
    activity: str = "KC03",
    start: datetime.date = datetime.date(2026, 2, 1),
    end: datetime.date = datetime.date(2026, 10, 31),
    **extra,
) -> Project:
    prov = prov or by.unit.province
    data = {
        "title": title,
        "province": prov,
        "implementing_unit": centre_of(prov),
        "plan_year": year,
        "fund": fund,
        "activity": ActivityContent.objects.get(code=activity),
        "start_date": start,
        "end_date": end,
        "approved_support": Decimal(support),
        "counterpart": Decimal(extra.pop("counterpart", 50_000_000)),
        "other_sources": Decimal(0),
        **extra,
    }
    return services.project_create(by=by, data=data)


def approve(project: Project, *, officer: User, approver: User, start: bool = True) -> Project:
    """Take a draft through submit → approve (→ start): the approver must fit the project's fund."""
    project = services.project_transition(project=project, action="submit", by=officer)
    project = services.project_transition(project=project, action="approve", by=approver)
    if start:
        project = services.project_transition(project=project, action="start", by=officer)
    return project


def make_plan(prov: Province, year: int, fund: str, amount: int) -> Plan:
    return Plan.objects.create(province=prov, year=year, fund=fund, planned_amount=Decimal(amount))

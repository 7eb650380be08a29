"""History entered late stays history (issue 21).

Worked by hand: a 2023 project of Hậu Giang recorded at the time (disbursed 200 M in 2023), and a 2023 project
of Sóc Trăng entered today through the form by Cần Thơ's officer and approved by Cần Thơ's approver
(disbursed 100 M, dated 2023). Sóc Trăng existed at the end of 2023, so the project keeps Sóc Trăng. The 2023
region total is then 300 M disbursed "as they were" (Hậu Giang 200 + Sóc Trăng 100) and 300 M in "today's
provinces", where both roll up to today's Cần Thơ only.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import services
from projects.models import MoneyEntry, Project
from projects.tests import factories
from provinces.models import ActivityContent, Province, Unit
from reports import figures
from reports.tests.conftest import make_project

pytestmark = pytest.mark.django_db
M = Decimal(1_000_000)
TODAY = datetime.date(2026, 11, 28)


def test_a_back_filled_pre_merger_project_keeps_its_province_in_both_views(
    client, cantho_officer, cantho_approver, ministry_staff
):
    soc_trang = Province.objects.get(code=94, code_set=2004)
    hau_giang = Province.objects.get(code=93, code_set=2004)
    can_tho = cantho_officer.unit.province
    make_project(
        "HG-2023", hau_giang, 2023, "local", 200, money=[(MoneyEntry.Kind.DISBURSEMENT, 200, datetime.date(2023, 6, 1))]
    )

    client.force_login(cantho_officer)
    # the form offers the provinces in the officer's scope that existed at the end of the plan year
    offered_2023 = client.get(reverse("projects:create"), {"plan_year": 2023}).context["form"].fields["province"]
    assert {p.name for p in offered_2023.queryset} == {"Sóc Trăng", "Hậu Giang", "Thành phố Cần Thơ"}
    assert can_tho not in offered_2023.queryset and soc_trang in offered_2023.queryset
    offered_2026 = client.get(reverse("projects:create")).context["form"].fields["province"].queryset
    assert list(offered_2026) == [can_tho]
    form = {
        "title": "Hỗ trợ máy sấy lúa (nhập bổ sung)",
        "province": soc_trang.pk,
        "implementing_unit": cantho_officer.unit.pk,
        "plan_year": 2023,
        "fund": "local",
        "activity": ActivityContent.objects.get(code="KC03").pk,
        "start_date": "01/03/2023",
        "end_date": "30/11/2023",
        "approved_support": "100.000.000",
        "counterpart": "50.000.000",
        "other_sources": "0",
    }
    # today's Cần Thơ is not a province of 2023: refused with a message saying what to choose
    html = client.post(reverse("projects:create"), form | {"province": can_tho.pk}).content.decode()
    assert "tỉnh cũ" in html and Project.objects.filter(plan_year=2023, title__startswith="Hỗ trợ").count() == 0
    assert client.post(reverse("projects:create"), form).status_code == 302
    project = Project.objects.get(title="Hỗ trợ máy sấy lúa (nhập bổ sung)")
    assert project.province == soc_trang
    project = factories.approve(project, officer=cantho_officer, approver=cantho_approver)
    assert project.province == soc_trang  # approval keeps the province of the plan year
    services.money_entry_add(
        project=project,
        by=cantho_officer,
        kind=MoneyEntry.Kind.DISBURSEMENT,
        amount=100 * M,
        date=datetime.date(2023, 9, 1),
    )

    as_they_were = figures.regional_figures(year=2023, kind="year", rollup=False, user=ministry_staff, today=TODAY)
    today = figures.regional_figures(year=2023, kind="year", rollup=True, user=ministry_staff, today=TODAY)
    assert as_they_were.total.total.now.disbursed == today.total.total.now.disbursed == 300 * M
    rows = {r.province: r for r in as_they_were.rows}
    assert rows[soc_trang].total.now.disbursed == 100 * M and rows[hau_giang].total.now.disbursed == 200 * M
    assert can_tho not in rows  # today's Cần Thơ did not exist in 2023
    rolled = next(r for r in today.rows if r.province == can_tho)
    assert rolled.total.now.disbursed == 300 * M and {"Sóc Trăng", "Hậu Giang"} <= set(rolled.merged)
    assert Unit.objects.filter(pk=cantho_officer.unit.pk).exists()

"""The province dashboard's attention lists show the first ten projects and say how many there are in all; the
periodic report keeps its longer list."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Status
from reports import figures
from reports.tests.conftest import make_project, prov

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_projects(tayninh_officer):
    tay_ninh = prov(80, 2025)
    for n in range(12):
        make_project(
            f"QH-{n:02}", tay_ninh, 2026, "local", 100, status=Status.IN_PROGRESS, end=datetime.date(2026, 3, 1)
        )
    return tay_ninh


def test_a_long_list_shows_ten_with_the_full_count_and_a_link(client, tayninh_officer, overdue_projects):
    client.force_login(tayninh_officer)
    response = client.get(reverse("reports:province_dashboard", args=[overdue_projects.pk]), {"year": 2026})
    assert response.status_code == 200
    (key, _heading, items, total, more), *_rest = response.context["attention"]
    assert (key, len(items), total) == ("overdue", 10, 12)
    html = response.content.decode()
    assert "(12) — hiển thị 10 đề án đầu tiên, <a" in html
    assert f'href="{more}"' in html.replace("&amp;", "&")
    assert "late=1" in more and f"province={overdue_projects.pk}" in more
    following = client.get(more)
    assert following.context["page"].paginator.count == 12


def test_the_report_keeps_every_project_up_to_fifty(tayninh_officer, overdue_projects):
    dashboard = figures.province_figures(province=overdue_projects, year=2026, kind="year", user=tayninh_officer)
    assert len(dashboard.attention["overdue"]) == 12
    assert dashboard.attention_counts["overdue"] == 12

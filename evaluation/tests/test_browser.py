"""Ministry staff open the implementation record, sort it by the reporting figure, and follow a figure to its rows."""

import datetime
import os

import pytest
from django.test import Client
from django.utils import timezone

from evaluation import services as evaluation_services
from network.tests import factories as network_factories
from periods import services as period_services
from projects import services as project_services
from projects.models import ProgressUpdate, ProjectTransition
from projects.tests import factories
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _session(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def _shoot(page, name):
    """Screenshots for a person to look at, when KC_SCREENSHOTS names a folder (not part of the assertion)."""
    folder = os.environ.get("KC_SCREENSHOTS")
    if folder:
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})


def test_ministry_sorts_the_record_by_reports_and_opens_the_rows(
    page, live_server, ministry_staff, tayninh_officer, tayninh_approver, cantho_officer, cantho_approver
):
    # Tây Ninh: one project accepted on time, progress entered, one report of two on time → high score.
    # Cần Thơ: one project behind schedule, no progress, both reports on time → low score, best at reporting.
    # The measures come from a data migration; an earlier transactional test's flush removes them.
    evaluation_services.measures_load()
    q1, q2 = (period_services.period_get_or_create(kind="quarter", year=2026, number=n) for n in (1, 2))
    tn_project = factories.approve(
        factories.make_project(by=tayninh_officer, end=datetime.date(2026, 10, 31)),
        officer=tayninh_officer,
        approver=tayninh_approver,
    )
    project_services.project_transition(project=tn_project, action="accept", by=tayninh_officer)
    ProjectTransition.objects.filter(project=tn_project, action="accept").update(at=_at(datetime.date(2026, 10, 20)))
    for quarter in (q1, q2):
        ProgressUpdate.objects.create(
            project=tn_project, period=quarter, completion_percent=60, updated_by=tayninh_officer
        )
    factories.approve(
        factories.make_project(by=cantho_officer, end=datetime.date(2026, 9, 30)),
        officer=cantho_officer,
        approver=cantho_approver,
    )
    tn, ct = tn_project.province, cantho_officer.unit.province
    Report.objects.create(period=q1, province=tn, status="submitted", snapshot={}, submitted_at=_at(q1.deadline))
    for quarter in (q1, q2):
        Report.objects.create(
            period=quarter, province=ct, status="submitted", snapshot={}, submitted_at=_at(quarter.deadline)
        )
    collaborator_communes = network_factories.communes_of(tn, 3)
    network_factories.make_collaborator(by=tayninh_officer, communes=collaborator_communes)

    page.context.add_cookies([_session(ministry_staff, live_server)])
    page.goto(f"{live_server.url}/record/?year=2026")
    assert "không phải xếp hạng chính thức" in page.locator("main").inner_text()
    names = page.locator("#record tbody th")
    assert names.nth(0).inner_text() == "Tây Ninh"  # by score first
    _shoot(page, "record")

    page.get_by_role("link", name="Báo cáo định kỳ đúng hạn").click()
    page.wait_for_url("**sort=reports_on_time**")
    assert names.nth(0).inner_text() == "Thành phố Cần Thơ"
    assert names.nth(1).inner_text() == "Tây Ninh"

    page.locator("#record tbody tr").nth(0).locator('a[data-figure="reports_on_time"]').click()
    assert "Báo cáo định kỳ đúng hạn: Thành phố Cần Thơ, 2026" in page.locator("h1").inner_text()
    assert page.locator("#rows tbody tr").count() == 2
    assert "Đạt 2 trên 2" in page.locator("#figure-total").inner_text()
    _shoot(page, "record-rows")

    page.goto(f"{live_server.url}/network/")
    assert page.locator("#coverage tbody tr", has_text="Tây Ninh").locator("td").nth(1).inner_text() == "3"
    _shoot(page, "coverage")
    page.goto(f"{live_server.url}/network/provinces/{tn.pk}/")
    _shoot(page, "coverage-province")

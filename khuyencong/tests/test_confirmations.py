"""In a real Chromium: "Phê duyệt" and "Rút đăng ký" ask first, and nothing happens when the user says no;
the reason boxes of "Không duyệt" and "Hủy đề án" are found by their own labels."""

import datetime

import pytest
from django.utils import timezone

from conferences import services as conference_services
from conferences.models import Conference, Delegate
from khuyencong.tests.test_accessibility import sign_in_as
from projects import services as project_services
from projects.models import Project, Status
from projects.tests import factories
from provinces import services as province_services
from provinces.models import CodeSet, Province, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def accounts():
    province_services.reference_load()
    project_services.programmes_load()
    province_services.demo_accounts_create()
    return {u.username: u for u in User.objects.all()}


def answer_dialogs(page, answers: list[str]) -> list[str]:
    """Answer the next confirm dialogs in order ("accept"/"dismiss"); returns the questions asked."""
    asked = []

    def on_dialog(dialog):
        asked.append(dialog.message)
        dialog.accept() if answers.pop(0) == "accept" else dialog.dismiss()

    page.on("dialog", on_dialog)
    return asked


def test_approve_asks_first_and_the_reasons_are_labelled(page, live_server, accounts):
    officer, approver = accounts["tayninh.canbo"], accounts["tayninh.lanhdao"]
    project = factories.make_project(by=officer)
    project_services.project_transition(project=project, action="submit", by=officer)
    sign_in_as(page, live_server, approver.username)
    page.goto(f"{live_server.url}/projects/{project.pk}/")

    assert page.get_by_label("Lý do không duyệt").is_visible()
    assert page.get_by_label("Lý do hủy đề án").is_visible()

    asked = answer_dialogs(page, ["dismiss", "accept"])
    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    page.wait_for_load_state()
    assert asked and asked[0].startswith("Phê duyệt đề án này?")
    assert Project.objects.get(pk=project.pk).status == Status.REGISTERED  # "no" changed nothing

    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    page.wait_for_url(f"**/projects/{project.pk}/")
    assert page.locator("#project-status").inner_text() == "đã phê duyệt"
    assert len(asked) == 2


def test_withdrawing_a_delegate_asks_first(page, live_server, accounts):
    ministry, officer = accounts["bo.khuyencong"], accounts["tayninh.canbo"]
    conference_services.conferences_load()
    tay_ninh = Province.objects.get(code=80, code_set=CodeSet.CODES_2025)
    c2025 = Conference.objects.get(region__code="southern", year=2025)
    conference_services.conference_close(conference=c2025, next_host=tay_ninh, by=ministry)
    conference = Conference.objects.get(region__code="southern", year=2026)
    conference_services.registration_deadline_set(
        conference=conference, deadline=timezone.now() + datetime.timedelta(days=10), by=ministry
    )
    conference_services.delegate_register(
        conference=conference,
        province=tay_ninh,
        full_name="Đặng Thu Hà",
        position="Chuyên viên",
        unit=officer.unit,
        by=officer,
    )
    sign_in_as(page, live_server, officer.username)
    page.goto(f"{live_server.url}/conferences/{conference.pk}/delegates/{tay_ninh.pk}/")

    asked = answer_dialogs(page, ["dismiss", "accept"])
    withdraw = page.get_by_role("button", name="Rút đăng ký của Đặng Thu Hà")
    withdraw.click()
    page.wait_for_load_state()
    assert asked == ["Rút Đặng Thu Hà khỏi hội nghị? Đăng ký sẽ bị xóa."]
    assert Delegate.objects.filter(full_name="Đặng Thu Hà").exists()

    withdraw.click()
    page.locator(".messages").wait_for()
    assert not Delegate.objects.filter(full_name="Đặng Thu Hà").exists()
    assert len(asked) == 2

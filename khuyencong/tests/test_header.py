"""The page header while a session still owes its second factor: the code page shows no menu and no
notices (whose count, fetched by htmx, would otherwise be redirected to the code page and nest a whole
page in the header, again and again), and the count never swaps in anything but the count."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from khuyencong.tests.totp import code_for

PASSWORD = "correct-horse-battery"  # conftest's personas


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


@pytest.mark.django_db
def test_the_code_page_of_an_unverified_session_has_no_menu_and_no_notice_count(client, ministry_staff):
    device = TOTPDevice.objects.create(user=ministry_staff, name="phone", confirmed=True)
    sign_in(client, "ministry")
    html = client.get(reverse("account:otp_verify")).content.decode()
    assert 'name="code"' in html
    assert reverse("notices:count") not in html
    assert 'aria-label="Trình đơn chính"' not in html
    assert reverse("logout") in html  # signing out stays possible
    response = client.post(reverse("account:otp_verify"), {"code": code_for(device), "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'aria-label="Trình đơn chính"' in html and reverse("notices:count") in html


@pytest.mark.django_db
def test_first_enrolment_page_has_no_menu_but_an_officer_enrolling_by_choice_keeps_it(
    client, ministry_staff, tayninh_officer
):
    sign_in(client, "ministry")
    html = client.get(reverse("account:otp_setup")).content.decode()
    assert "<svg" in html and 'aria-label="Trình đơn chính"' not in html and reverse("notices:count") not in html
    client.logout()
    sign_in(client, "tn.officer")  # owes nothing: the menu stays while they set up a device
    html = client.get(reverse("account:otp_setup")).content.decode()
    assert 'aria-label="Trình đơn chính"' in html and reverse("notices:count") in html


@pytest.mark.django_db
def test_the_notice_count_keeps_only_the_count_from_what_it_receives(client, tayninh_officer):
    sign_in(client, "tn.officer")
    html = client.get("/").content.decode()
    pattern = r"<span hx-get=\"" + re.escape(reverse("notices:count")) + r"\"[^>]*>"
    (span,) = re.findall(pattern, html)
    assert 'hx-select="#unread-count"' in span
    count = client.get(reverse("notices:count")).content.decode()
    assert 'id="unread-count"' in count  # what hx-select keeps


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ministry_staff_see_one_code_form_and_land_on_the_home_page(page, live_server, ministry_staff):
    device = TOTPDevice.objects.create(user=ministry_staff, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("ministry")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/account/otp/verify/?next=/")
    page.wait_for_load_state("networkidle")
    assert page.locator("header.top").count() == 1
    assert page.locator("input[name=code]").count() == 1
    page.locator("input[name=code]").fill(code_for(device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("header.top").count() == 1
    assert page.locator("#unread-count").count() == 1

"""Journeys in a real Chromium (Debian's, driven by Playwright) against the live test server."""

import pytest

from provinces import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_officer_signs_in_and_sees_their_province(page, live_server):
    services.reference_load()
    services.demo_accounts_create()
    sign_in(page, live_server, "tayninh.canbo", services.DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".province-name").inner_text() == "Tây Ninh"
    assert "Long An" in page.content()  # the province merged into Tây Ninh in 2025
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Your province").is_visible()

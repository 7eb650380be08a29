"""Error pages speak the portal's language: a wrong address, a refused action, an expired form and an
unreadable request each get a Vietnamese page (Django's own are English), with the way back home."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_wrong_address_gets_the_portals_page_in_vietnamese(client, tayninh_officer):
    client.force_login(tayninh_officer)
    response = client.get("/projects/999999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="vi">' in html and "Không tìm thấy trang" in html and "Not Found" not in html
    assert 'aria-label="Trình đơn chính"' in html  # the menu stays, to go on from there


def test_a_refused_action_says_why_in_vietnamese(client, ministry_staff):
    client.force_login(ministry_staff)
    response = client.get(reverse("projects:create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Không có quyền thực hiện" in html and "403 Forbidden" not in html
    assert "Your role" not in html  # the service's reason, translated


def test_an_expired_form_gets_a_vietnamese_page():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in html and "CSRF verification failed" not in html


def test_an_unreadable_request_gets_a_vietnamese_page(client):
    response = client.get("/", HTTP_HOST="not-this-portal.example")
    assert response.status_code == 400
    assert "Không đọc được yêu cầu" in response.content.decode()

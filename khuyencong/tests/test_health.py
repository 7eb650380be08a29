from unittest import mock

from django.db.utils import OperationalError
from django.urls import reverse


def test_healthz_reports_database_and_broker(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "embedded"}


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "down", "broker": response.json()["broker"]}


def test_healthz_reports_a_broker_that_does_not_answer(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get(reverse("healthz")).json()["broker"] == "down"


def test_pages_answer_a_clear_503_while_the_database_is_down_and_recover(tayninh_officer):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(tayninh_officer)
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get(reverse("projects:list"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Hệ thống tạm thời gián đoạn" in response.content.decode()
    assert client.get(reverse("projects:list")).status_code == 200  # back as soon as the database is


def test_other_errors_get_the_plain_500_page(tayninh_officer, monkeypatch):
    from django.test import Client

    from projects import views

    monkeypatch.setattr(views.selectors, "with_money", lambda queryset: 1 / 0)
    client = Client(raise_request_exception=False)
    client.force_login(tayninh_officer)
    response = client.get(reverse("projects:list"))
    assert response.status_code == 500 and "Đã xảy ra lỗi" in response.content.decode()

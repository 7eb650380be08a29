"""The one error format: malformed JSON, wrong types, unknown fields, unknown addresses, methods, tokens."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from provinces import api_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


@pytest.fixture
def officer_client(tayninh_officer):
    _token, raw = api_tokens.api_token_issue(user=tayninh_officer, by=tayninh_officer, name="t", days=1, can_write=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def error_of(response):
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= {"status", "code", "message_vi", "message_en", "fields"}
    assert body["error"]["status"] == response.status_code
    return body["error"]


def test_malformed_json_is_a_400_in_both_languages(officer_client):
    response = officer_client.generic("POST", "/api/v1/projects/", '{"title": ', content_type="application/json")
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "parse_error"
    assert error["message_en"] == "The request body is not valid JSON."
    assert error["message_vi"] == "Nội dung yêu cầu không phải JSON hợp lệ."


def test_wrong_types_and_unknown_fields_are_keyed_by_field(officer_client):
    response = officer_client.post(
        "/api/v1/projects/", {"plan_year": [], "start_date": 5, "nonsense": 1, "fund": 3}, format="json"
    )
    fields = error_of(response)["fields"]
    assert response.status_code == 400
    assert {"plan_year", "start_date", "nonsense", "fund"} <= set(fields)
    assert fields["nonsense"] == [{"code": "unknown", "vi": fields["nonsense"][0]["vi"], "en": "Unknown field."}]
    not_an_object = officer_client.post("/api/v1/projects/", [1, 2], format="json")
    assert not_an_object.status_code == 400 and "non_field_errors" in error_of(not_an_object)["fields"]


def test_other_media_types_methods_and_addresses(officer_client):
    form = officer_client.post("/api/v1/projects/", {"title": "x"})  # multipart form: JSON only
    assert form.status_code == 415 and error_of(form)["code"] == "unsupported_media_type"
    put = officer_client.put("/api/v1/projects/1/", {}, format="json")
    assert put.status_code in (404, 405)
    error_of(put)
    assert officer_client.delete("/api/v1/provinces/1/").status_code == 405
    for url in ("/api/v1/nothing/", "/api/v1/projects/99999999999999999999999/", "/api/v2/"):
        response = officer_client.get(url)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_tokens_bad_expired_revoked(tayninh_officer):
    client = APIClient()
    for header in ("Bearer", "Bearer kc_nope_nope", "Bearer a b"):
        response = client.get("/api/v1/provinces/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401 and error_of(response)["code"] == "authentication_failed"
    token, raw = api_tokens.api_token_issue(user=tayninh_officer, by=tayninh_officer, name="t", days=1)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/provinces/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    token.expires_at = timezone.now()
    token.save()
    assert client.get("/api/v1/provinces/").status_code == 401
    token.expires_at = timezone.now() + timezone.timedelta(days=1)
    token.save()
    api_tokens.api_token_revoke(token=token, by=tayninh_officer)
    assert client.get("/api/v1/provinces/").status_code == 401


def test_throttling_answers_429_in_the_format(settings, tayninh_officer):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_anon": "2/minute", "api_user": "2/minute"},
    }
    _token, raw = api_tokens.api_token_issue(user=tayninh_officer, by=tayninh_officer, name="t", days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    statuses = [client.get("/api/v1/provinces/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    error = error_of(client.get("/api/v1/provinces/"))
    assert error["code"] == "throttled" and error["retry_after"] > 0

"""API v1 reference data (readable by every account, never anonymous) and API tokens: page, command, admin."""

import io
from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from provinces import api_tokens
from provinces.models import ApiToken, Province

pytestmark = pytest.mark.django_db

REFERENCE = ["/api/v1/provinces/", "/api/v1/communes/", "/api/v1/units/", "/api/v1/activity-contents/"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def bearer(user, **kwargs):
    _token, raw = api_tokens.api_token_issue(user=user, by=user, name="t", days=1, **kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.mark.parametrize("url", REFERENCE)
@pytest.mark.parametrize(
    "role", ["anonymous", "ministry_staff", "tayninh_officer", "tayninh_approver", "cantho_officer"]
)
def test_reference_data_matrix(request, role, url, django_assert_max_num_queries):
    client = APIClient() if role == "anonymous" else bearer(request.getfixturevalue(role))
    if role == "anonymous":
        response = client.get(url)
        assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
        return
    client.get(url)  # the token's last use is written once a minute
    # token + user; count; page; one prefetch (predecessors, unit names)
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200 and response.json()["count"] > 0
    first = response.json()["results"][0]
    assert client.get(f"{url}{first['id']}/").json() == first


def test_provinces_carry_validity_and_successors(tayninh_officer):
    client = bearer(tayninh_officer)
    old = client.get("/api/v1/provinces/", {"code_set": 2004, "search": "Long An"}).json()["results"]
    [long_an] = old
    today = client.get(f"/api/v1/provinces/{long_an['successor']}/").json()
    assert long_an["valid_to"] == "2025-06-30" and long_an["is_current"] is False
    assert today["name"] == "Tây Ninh" and today["is_current"] and long_an["id"] in today["predecessors"]
    current = client.get("/api/v1/provinces/", {"current": "true", "page_size": 500}).json()
    assert current["count"] == Province.objects.filter(valid_to__isnull=True).count()


def test_token_page_issues_once_and_revokes(client, tayninh_officer, cantho_officer):
    client.force_login(tayninh_officer)
    response = client.post(reverse("api:tokens"), {"name": "Hệ thống báo cáo tỉnh", "days": 30})
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=tayninh_officer)
    assert secret.startswith(f"kc_{token.prefix}_") and secret not in token.token_hash and not token.can_write
    assert secret not in client.get(reverse("api:tokens")).content.decode()  # shown once
    client.force_login(cantho_officer)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404  # not theirs
    client.force_login(tayninh_officer)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/provinces/").status_code == 401


def test_token_page_refuses_bad_input(client, tayninh_officer):
    client.force_login(tayninh_officer)
    response = client.post(reverse("api:tokens"), {"name": "", "days": 4000})
    assert response.status_code == 200 and response.context["secret"] is None
    assert set(response.context["form"].errors) == {"name", "days"} and not ApiToken.objects.exists()


def test_command_issues_a_write_token(tayninh_officer):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "tn.officer", "--days", "7", "--write", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = api_tokens.token_lookup(secret)
    assert token.user == tayninh_officer and token.can_write and "shown once" in err.getvalue()


def test_only_administrators_issue_for_others(tayninh_officer, administrator):
    with pytest.raises(PermissionDenied):
        api_tokens.api_token_issue(user=administrator, by=tayninh_officer, name="x", days=1)
    token, _raw = api_tokens.api_token_issue(user=tayninh_officer, by=administrator, name="x", days=1)
    assert token.user == tayninh_officer


def test_admin_revokes(rf, administrator, tayninh_officer):
    from django.contrib import admin

    from provinces.admin import ApiTokenAdmin

    token, _raw = api_tokens.api_token_issue(user=tayninh_officer, by=tayninh_officer, name="x", days=1)
    request = rf.post("/admin/provinces/apitoken/")
    request.user = administrator
    model_admin = ApiTokenAdmin(ApiToken, admin.site)
    with patch.object(model_admin, "message_user"):
        model_admin.revoke(request, ApiToken.objects.all())
    token.refresh_from_db()
    assert token.revoked_at is not None and not model_admin.has_add_permission(request)

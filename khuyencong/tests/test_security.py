"""Security settings and sign-in hardening: CSP, clickjacking, login lockout, passwords, session expiry, the
second factor for ministry staff and administrators, and API throttling."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time
from rest_framework.test import APIClient

from khuyencong import security
from khuyencong.tests.totp import code_for
from provinces import api_tokens

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # conftest's personas


def sign_in(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


# Content-Security-Policy and clickjacking -----------------------------------------------------------------


def test_pages_carry_a_strict_policy_and_refuse_framing(client, tayninh_officer):
    anonymous = client.get(reverse("login"))
    client.force_login(tayninh_officer)
    for response in (anonymous, client.get(reverse("home")), client.get(reverse("projects:list"))):
        assert response.status_code == 200
        policy = directives(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_api_documentation_relaxes_styles_only(client):
    for name in ("api:docs", "api:redoc"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], name
        assert "'unsafe-inline'" in policy["style-src"]
        html = response.content.decode()
        assert "<script>" not in html and "fonts.googleapis.com" not in html  # every script is a file
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


# Login throttle (django-axes) ----------------------------------------------------------------------------


def test_five_failures_lock_the_user_at_that_address_until_the_cool_off(client, tayninh_officer, cantho_officer):
    for _ in range(4):
        assert sign_in(client, "tn.officer", "wrong-password-1").status_code == 200
    locked = sign_in(client, "tn.officer", "wrong-password-1")
    assert locked.status_code == 429
    assert "Tạm khoá đăng nhập" in locked.content.decode()  # Vietnamese lockout page
    assert "15 phút" in locked.content.decode()
    # The right password is refused too, while the lock lasts.
    assert sign_in(client, "tn.officer").status_code == 429
    assert "_auth_user_id" not in client.session
    # Another user from the same address, and the same user from another address, are unaffected.
    assert sign_in(client, "ct.officer").status_code == 302
    client.logout()
    assert sign_in(client, "tn.officer", address="10.0.0.2").status_code == 302
    client.logout()
    with freeze_time(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)):
        response = sign_in(client, "tn.officer")
        assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_lockout_does_not_stop_the_users_api_token(client, tayninh_officer):
    cache.clear()
    _token, raw = api_tokens.api_token_issue(user=tayninh_officer, by=tayninh_officer, name="t", days=1)
    for _ in range(5):
        sign_in(client, "tn.officer", "wrong-password-1")
    assert sign_in(client, "tn.officer").status_code == 429
    api = APIClient(REMOTE_ADDR="10.0.0.1")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/provinces/").status_code == 200


def test_client_address_behind_a_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2")
    assert security.client_ip(request) == "10.0.0.9"
    settings.KC_PROXY_COUNT = 1
    assert security.client_ip(request) == "198.51.100.2"


# Passwords and sessions ---------------------------------------------------------------------------------


def test_passwords_need_twelve_characters_and_must_not_be_common(client, tayninh_officer):
    with pytest.raises(ValidationError) as short:
        validate_password("Ng4n-qua!")
    assert "password_too_short" in {error.code for error in short.value.error_list}
    with pytest.raises(ValidationError) as common:
        validate_password("administrator")
    assert "password_too_common" in {error.code for error in common.value.error_list}
    validate_password("Trang-Bang-banh-trang-2026")

    client.force_login(tayninh_officer)
    url = reverse("account:password_change")
    refused = client.post(url, {"old_password": PASSWORD, "new_password1": "ngan-qua", "new_password2": "ngan-qua"})
    assert refused.status_code == 200 and refused.context["form"].errors["new_password2"]
    good = "Trang-Bang-banh-trang-2026"
    response = client.post(url, {"old_password": PASSWORD, "new_password1": good, "new_password2": good})
    assert response.status_code == 302
    tayninh_officer.refresh_from_db()
    assert tayninh_officer.check_password(good)
    assert client.get(reverse("home")).status_code == 200  # this session stays signed in


def test_a_session_expires_after_inactivity_but_not_while_used(client, settings, tayninh_officer):
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with freeze_time(start):
        assert sign_in(client, "tn.officer").status_code == 302
    with freeze_time(start + age - datetime.timedelta(minutes=5)):
        assert client.get(reverse("home")).status_code == 200  # still active: the clock restarts
    with freeze_time(start + 2 * age - datetime.timedelta(minutes=10)):
        assert client.get(reverse("home")).status_code == 200
    with freeze_time(start + 3 * age):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Second factor (TOTP) ------------------------------------------------------------------------------------


def test_ministry_staff_enrol_on_first_sign_in_then_reach_the_dashboard(client, ministry_staff):
    dashboard = reverse("reports:regional_dashboard")
    response = sign_in(client, "ministry")
    assert response.status_code == 302
    # Every page sends them to enrolment until they have given a code.
    response = client.get(dashboard)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:otp_setup"))
    setup = client.get(response["Location"])
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=ministry_staff, confirmed=False)
    assert setup.context["secret"].replace(" ", "") in device.config_url
    assert "<svg" in setup.content.decode()
    wrong = client.post(reverse("account:otp_setup"), {"code": "000000", "next": dashboard})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get(dashboard).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp backs off after a wrong code
    confirmed = client.post(reverse("account:otp_setup"), {"code": code_for(device), "next": dashboard})
    assert confirmed.status_code == 302 and confirmed["Location"] == dashboard
    assert client.get(dashboard).status_code == 200
    assert TOTPDevice.objects.get(user=ministry_staff).confirmed


def test_ministry_staff_with_a_device_give_its_code_after_the_password(client, ministry_staff):
    device = TOTPDevice.objects.create(user=ministry_staff, name="phone", confirmed=True)
    dashboard = reverse("reports:regional_dashboard")
    sign_in(client, "ministry")
    response = client.get(dashboard)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:otp_verify"))
    # A password alone cannot enrol a new device over the existing one.
    swap = client.get(reverse("account:otp_setup"))
    assert swap.status_code == 302 and swap["Location"].startswith(reverse("account:otp_verify"))
    assert client.post(reverse("account:otp_verify"), {"code": "123456", "next": dashboard}).status_code == 200
    assert client.get(dashboard).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above started django-otp's back-off
    response = client.post(reverse("account:otp_verify"), {"code": code_for(device), "next": dashboard})
    assert response.status_code == 302 and response["Location"] == dashboard
    assert client.get(dashboard).status_code == 200
    # The verification belongs to the session: a new sign-in asks again.
    client.logout()
    sign_in(client, "ministry")
    assert client.get(dashboard).status_code == 302


def test_administrators_need_the_code_for_the_admin_too(client, administrator):
    TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    sign_in(client, "root")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:otp_verify"))


def test_officers_go_straight_in_and_may_enrol_from_their_profile(client, tayninh_officer):
    response = sign_in(client, "tn.officer")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("reports:province_dashboard", args=[tayninh_officer.unit.province_id])).status_code == 200
    profile = client.get(reverse("account:profile"))
    html = profile.content.decode()
    assert "cán bộ khuyến công tỉnh" in html and "Trung tâm Khuyến công Tây Ninh" in html
    client.get(reverse("account:otp_setup"))
    device = TOTPDevice.objects.get(user=tayninh_officer)
    assert client.post(reverse("account:otp_setup"), {"code": code_for(device)}).status_code == 302
    # Once enrolled, the officer too is asked for the code at the next sign-in.
    client.logout()
    sign_in(client, "tn.officer")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:otp_verify"))


def test_the_api_refuses_an_unverified_session_but_not_a_token(client, ministry_staff):
    TOTPDevice.objects.create(user=ministry_staff, name="phone", confirmed=True)
    sign_in(client, "ministry")
    response = client.get("/api/v1/provinces/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "otp_required"
    assert response.json()["error"]["message_vi"]
    tokens_page = client.get(reverse("api:tokens"))  # an HTML page under /api/: redirected like any page
    assert tokens_page.status_code == 302 and tokens_page["Location"].startswith(reverse("account:otp_verify"))
    _token, raw = api_tokens.api_token_issue(user=ministry_staff, by=ministry_staff, name="t", days=1)
    cache.clear()
    assert client.get("/api/v1/provinces/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_unverified_users_still_reach_sign_out_health_and_language(client, ministry_staff):
    sign_in(client, "ministry")
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# API throttling -------------------------------------------------------------------------------------------


def test_api_throttle_answers_429_with_retry_after(settings, tayninh_officer):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_anon": "2/minute", "api_user": "2/minute"},
    }
    _token, raw = api_tokens.api_token_issue(user=tayninh_officer, by=tayninh_officer, name="t", days=1)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    responses = [api.get("/api/v1/provinces/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    cache.clear()


def test_anonymous_and_guessed_tokens_are_throttled_too(settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_anon": "3/minute", "api_user": "100/minute"},
    }
    anonymous = [APIClient().get("/api/v1/provinces/").status_code for _ in range(4)]
    assert anonymous == [401, 401, 401, 429]
    cache.clear()
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Bearer kc_00000000_guess")
    responses = [guesser.get("/api/v1/provinces/") for _ in range(4)]
    assert [r.status_code for r in responses] == [401, 401, 401, 429]
    assert int(responses[-1]["Retry-After"]) > 0 and responses[-1].json()["error"]["status"] == 429
    cache.clear()

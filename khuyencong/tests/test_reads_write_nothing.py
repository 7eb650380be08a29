"""Reading a page never writes: a GET of every URL pattern, as each kind of user, leaves the row count of
every model unchanged (the reporting calendar in particular: periods are created by the sweep and the
services, never by a page being viewed)."""

import pytest
from django.apps import apps
from django.urls import reverse

from khuyencong.tests.test_url_walk import tayninh_data, urls_to_visit  # noqa: F401 - tayninh_data is a fixture

pytestmark = pytest.mark.django_db
# The one page whose GET writes, by design: enrolling an authenticator creates one pending (unconfirmed)
# TOTP device, reused until confirmed, because its secret must live on the server between showing the QR
# code and checking the code typed. Checked separately below: a second visit creates nothing more.
WRITES_BY_DESIGN = {"account:otp_setup"}


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {label: (before[label], after[label]) for label in before if before[label] != after[label]}


@pytest.mark.parametrize("who", ["tayninh_officer", "ministry_staff"])
def test_a_get_of_every_page_creates_no_row(client, request, who, tayninh_data):  # noqa: F811
    user = request.getfixturevalue(who)
    client.force_login(user)
    client.get(reverse("home"))  # the session's first touches (login bookkeeping) happen before counting
    extra = [
        # periods never generated: the pages show them from the rules, unsaved
        reverse("reports:list") + "?year=2030&kind=quarter&number=2",
        reverse("reports:list") + "?year=2031&kind=year",
        reverse("reports:regional_dashboard") + "?year=2026&period=q4",
    ]
    before = _row_counts()
    visited = 0
    for name, url, _scoped in urls_to_visit(tayninh_data):
        if name in WRITES_BY_DESIGN:
            continue
        client.get(url)
        visited += 1
    for url in extra:
        assert client.get(url, follow=True).status_code == 200, url
    assert visited > 80
    assert _changed(before, _row_counts()) == {}


def test_the_enrolment_page_creates_its_pending_device_once(client, tayninh_officer):
    client.force_login(tayninh_officer)
    client.get(reverse("account:otp_setup"))
    before = _row_counts()
    client.get(reverse("account:otp_setup"))
    assert _changed(before, _row_counts()) == {}

"""Hosting: one host per year per region, the next host recorded at the close."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conferences import selectors, services
from conferences.models import Conference

from .conftest import conference_of, province


def test_one_conference_per_region_and_year(history):
    existing = conference_of(2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conference.objects.create(
            region=existing.region,
            year=2024,
            number=99,
            title="x",
            host_province=province(91),
            organiser=existing.organiser,
        )


def test_close_records_next_host_and_creates_next_years_shell(history, ministry_staff):
    c2025 = conference_of(2025)
    services.conference_close(conference=c2025, next_host=province(96), by=ministry_staff)
    c2025.refresh_from_db()
    assert c2025.is_closed and c2025.next_host == province(96) and c2025.closed_by == ministry_staff
    shell = conference_of(2026)
    assert (shell.host_province, shell.number, shell.roman, shell.number_inferred) == (province(96), 16, "XVI", True)
    assert shell.organiser == c2025.organiser
    assert c2025.history.first().history_user == ministry_staff  # the audit trail names who closed it


def test_close_is_idempotent(history, ministry_staff):
    c2025 = conference_of(2025)
    services.conference_close(conference=c2025, next_host=province(96), by=ministry_staff)
    closed_at = conference_of(2025).closed_at
    services.conference_close(conference=c2025, next_host=province(96), by=ministry_staff)
    assert Conference.objects.filter(year=2026).count() == 1
    assert conference_of(2025).closed_at == closed_at


def test_a_second_different_host_for_the_same_year_is_refused(history, ministry_staff):
    c2025 = conference_of(2025)
    services.conference_close(conference=c2025, next_host=province(96), by=ministry_staff)
    with pytest.raises(ValidationError, match="Cà Mau"):
        services.conference_close(conference=c2025, next_host=province(92), by=ministry_staff)
    # 2024 → 2025: the year already has a host (new Tây Ninh); An Giang cannot be recorded
    with pytest.raises(ValidationError, match="một nơi đăng cai"):
        services.conference_close(conference=conference_of(2024), next_host=province(91), by=ministry_staff)
    assert conference_of(2026).host_province == province(96)


def test_handover_across_the_merger_matches_the_province_it_became(history, ministry_staff):
    """In 2024 hosting went to a pre-merger province; next year's host is today's Tây Ninh: the same place."""
    services.conference_close(conference=conference_of(2024), next_host=province(80, 2004), by=ministry_staff)
    assert conference_of(2024).next_host == province(80, 2004)  # Long An, now part of Tây Ninh
    assert Conference.objects.filter(year=2025).count() == 1


def test_only_ministry_staff_close_and_the_form_offers_non_hosts_first(
    client, history, tayninh_approver, ministry_staff
):
    c2025 = conference_of(2025)
    url = reverse("conferences:close", args=[c2025.pk])
    client.force_login(tayninh_approver)
    assert client.post(url, {"next_host": province(96).pk}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.conference_close(conference=c2025, next_host=province(96), by=tayninh_approver)
    client.force_login(ministry_staff)
    page = client.get(url).content.decode()
    names = [row.province.name for row in selectors.host_candidates(conference=c2025)]
    assert names[-3:] == ["Thành phố Cần Thơ", "An Giang", "Tây Ninh"]  # hosted 2023 (as Hậu Giang), 2024, 2025
    assert page.index("Cà Mau") < page.index("An Giang (lần đăng cai gần nhất: 2024)")
    response = client.post(url, {"next_host": province(96).pk})
    assert response.status_code == 302
    assert conference_of(2025).next_host == province(96)


def test_hosting_history_rolls_up_to_todays_provinces(history):
    rows = {row.province.name: [y for y, _ in row.years] for row in selectors.hosting_history()}
    assert rows["Tây Ninh"] == [2025, 2022]
    assert rows["Thành phố Cần Thơ"] == [2023]
    assert rows["An Giang"] == [2024]
    assert rows["Cà Mau"] == []

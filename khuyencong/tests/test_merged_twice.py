"""One merger door: a province merged twice (A → old Tây Ninh → today's Tây Ninh) rolls up to today's
Tây Ninh everywhere — scope (reads and writes), approval, the dashboards' figures, conference hosting."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from conferences import selectors as conference_selectors
from conferences.models import Conference
from projects import selectors as project_selectors
from projects.models import Project
from projects.tests import factories
from provinces import selectors as province_selectors
from provinces.models import CodeSet, Province, Region, RegionMembership, Unit
from reports import figures

D = datetime.date


@pytest.fixture
def merged_twice(reference_data):
    """A: a 2004-code province that merged into old Tây Ninh in 2020; old Tây Ninh merged into today's in 2025."""
    old_tay_ninh = Province.objects.get(code=72, code_set=CodeSet.CODES_2004)
    today_tay_ninh = Province.objects.get(code=80, code_set=CodeSet.CODES_2025)
    assert old_tay_ninh.successor_id == today_tay_ninh.pk
    a = Province.objects.create(
        code=97,
        code_set=CodeSet.CODES_2004,
        name="Tỉnh Thử Nghiệm",
        kind="province",
        valid_from=D(2004, 1, 1),
        valid_to=D(2019, 12, 31),
        successor=old_tay_ninh,
    )
    southern = Region.objects.get(code=province_selectors.SOUTHERN_REGION)
    RegionMembership.objects.create(region=southern, province=a, valid_from=D(2004, 1, 1), valid_to=D(2019, 12, 31))
    return a, old_tay_ninh, today_tay_ninh


def _draft_in(province: Province, *, by) -> Project:
    """A draft recorded under a former province (as imported drafts from before a merger are)."""
    project = factories.make_project(by=by)
    Project.objects.filter(pk=project.pk).update(province=province)
    project.refresh_from_db()
    return project


def test_the_door_follows_the_chain_to_its_end(merged_twice):
    a, old, today = merged_twice
    assert province_selectors.province_on(a, on=D(2026, 1, 1)) == today
    assert province_selectors.province_on(a, on=D(2022, 1, 1)) == old  # on a date, the province then
    assert province_selectors.province_on(a, on=D(2019, 6, 1)) == a
    assert {a.pk, old.pk} <= province_selectors.province_family_ids(province_id=today.pk)
    assert province_selectors.successor_among(a.pk, {a.pk: old.pk, old.pk: today.pk}, {today.pk}) == today.pk


def test_scope_reads_and_writes_reach_the_twice_merged_province(merged_twice, tayninh_officer, cantho_officer):
    a, _old, _today = merged_twice
    assert a.pk in province_selectors.province_ids_in_scope(user=tayninh_officer)
    province_selectors.require_in_scope(user=tayninh_officer, province_id=a.pk)
    with pytest.raises(PermissionDenied):
        province_selectors.require_in_scope(user=cantho_officer, province_id=a.pk)


def test_approval_moves_a_draft_of_the_twice_merged_province_to_today(merged_twice, tayninh_officer, tayninh_approver):
    a, old, today = merged_twice
    project = _draft_in(a, by=tayninh_officer)
    assert project in project_selectors.project_list_for(user=tayninh_officer)
    project = factories.approve(project, officer=tayninh_officer, approver=tayninh_approver, start=False)
    assert project.province == today
    # a 2022 project of A (gone since 2019) goes to the province A had become by the end of 2022: old Tây Ninh
    project = _draft_in(a, by=tayninh_officer)
    Project.objects.filter(pk=project.pk).update(plan_year=2022, start_date=D(2022, 2, 1), end_date=D(2022, 10, 31))
    project.refresh_from_db()
    project = factories.approve(project, officer=tayninh_officer, approver=tayninh_approver, start=False)
    assert project.province == old
    assert province_selectors.province_for_plan_year(a, year=2019) == a
    # a 2025 project of old Tây Ninh (gone 30/06/2025): today's Tây Ninh, but never before that province existed
    assert province_selectors.province_for_plan_year(old, year=2025, today=D(2026, 1, 5)) == today
    assert province_selectors.province_for_plan_year(old, year=2025, today=D(2025, 3, 1)) == old


def test_figures_roll_the_twice_merged_province_into_today(merged_twice, ministry_staff, tayninh_officer):
    a, _old, today = merged_twice
    _draft_in(a, by=tayninh_officer)
    dashboard = figures.regional_figures(year=2026, kind="year", user=ministry_staff, rollup=True, today=D(2026, 11, 1))
    row = next(r for r in dashboard.rows if r.province == today)
    assert a.name in row.merged
    provincial = figures.province_figures(province=today, year=2026, kind="year", user=ministry_staff)
    assert a in [r.province for r in provincial.rows]


def test_conference_hosting_counts_for_today(merged_twice, ministry_staff):
    a, _old, today = merged_twice
    southern = Region.objects.get(code=province_selectors.SOUTHERN_REGION)
    organiser = Unit.objects.filter(kind=Unit.Kind.MINISTRY_DEPARTMENT).first()
    Conference.objects.create(
        region=southern, year=2015, number=1, title="Hội nghị thử", host_province=a, organiser=organiser
    )
    rows = conference_selectors.hosting_history(region_code=southern.code)
    row = next(r for r in rows if r.province == today)
    assert (2015, a) in row.years


def test_the_conference_api_filters_hosts_through_the_family(merged_twice, ministry_staff, client):
    a, _old, today = merged_twice
    southern = Region.objects.get(code=province_selectors.SOUTHERN_REGION)
    organiser = Unit.objects.filter(kind=Unit.Kind.MINISTRY_DEPARTMENT).first()
    conference = Conference.objects.create(
        region=southern, year=2015, number=1, title="Hội nghị thử", host_province=a, organiser=organiser
    )
    client.force_login(ministry_staff)
    response = client.get("/api/v1/conferences/", {"host_province": today.pk})
    assert response.status_code == 200
    assert conference.pk in [c["id"] for c in response.json()["results"]]

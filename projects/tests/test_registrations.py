import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from freezegun import freeze_time

from projects import services
from projects.models import Fund, NationalPlanRegistration
from projects.tests import factories

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2026, 9, 30)


def submitted_national_project(officer):
    project = factories.make_project(
        by=officer,
        fund=Fund.NATIONAL,
        year=2027,
        start=datetime.date(2027, 3, 1),
        end=datetime.date(2027, 10, 1),
        support=300_000_000,
    )
    return services.project_transition(project=project, action="submit", by=officer)


def test_ministry_opens_registration_for_every_province_of_the_region(ministry_staff, tayninh_approver):
    with pytest.raises(PermissionDenied):
        services.registration_open(plan_year=2027, deadline=DEADLINE, by=tayninh_approver)
    assert services.registration_open(plan_year=2027, deadline=DEADLINE, by=ministry_staff) == 9
    assert services.registration_open(plan_year=2027, deadline=DEADLINE, by=ministry_staff) == 9  # idempotent
    assert NationalPlanRegistration.objects.filter(plan_year=2027, status="none").count() == 9
    with pytest.raises(ValidationError):
        services.registration_open(plan_year=2040, deadline=DEADLINE, by=ministry_staff)


def test_approver_registers_on_time_or_late_with_the_submitted_projects(
    ministry_staff, tayninh_officer, tayninh_approver, cantho_officer, cantho_approver
):
    services.registration_open(plan_year=2027, deadline=DEADLINE, by=ministry_staff)
    with pytest.raises(ValidationError):  # nothing submitted yet
        services.registration_submit(province=tayninh_approver.unit.province, plan_year=2027, by=tayninh_approver)
    submitted_national_project(tayninh_officer)
    submitted_national_project(tayninh_officer)
    with pytest.raises(PermissionDenied):
        services.registration_submit(province=tayninh_approver.unit.province, plan_year=2027, by=tayninh_officer)
    with pytest.raises(PermissionDenied):
        services.registration_submit(province=tayninh_approver.unit.province, plan_year=2027, by=cantho_approver)
    with freeze_time("2026-09-20"):
        on_time = services.registration_submit(
            province=tayninh_approver.unit.province, plan_year=2027, by=tayninh_approver
        )
    assert (on_time.status, on_time.project_count, on_time.requested_amount) == ("registered", 2, 600_000_000)
    submitted_national_project(cantho_officer)
    with freeze_time("2026-10-02"):
        late = services.registration_submit(province=cantho_approver.unit.province, plan_year=2027, by=cantho_approver)
    assert late.status == "late"


def test_registration_page_shows_who_registered(
    client, ministry_staff, tayninh_officer, tayninh_approver, django_assert_max_num_queries
):
    services.registration_open(plan_year=2027, deadline=DEADLINE, by=ministry_staff)
    submitted_national_project(tayninh_officer)
    client.force_login(tayninh_approver)
    with freeze_time("2026-09-20"):
        response = client.post(reverse("projects:registrations") + "?year=2027", follow=True)
    assert "Đã ghi nhận đăng ký" in response.content.decode()
    client.force_login(ministry_staff)
    # session, user, years, registrations with provinces, province successors, session touch (+ savepoint);
    # the implementation record beside them: projects, two period lists, plans, registrations, measures
    with django_assert_max_num_queries(15):
        html = client.get(reverse("projects:registrations"), {"year": 2027}).content.decode()
    assert "01/09 tỉnh đã đăng ký kế hoạch khuyến công quốc gia năm 2027" in html
    client.force_login(tayninh_officer)
    rows = client.get(reverse("projects:registrations"), {"year": 2027}).context["rows"]
    assert [r.province.name for r in rows] == ["Tây Ninh"]

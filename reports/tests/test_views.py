import datetime
import re

from django.urls import reverse

from periods import services as period_services
from projects import demo
from provinces import selectors as province_selectors
from reports.models import Report


def test_ministry_sees_the_regional_dashboard_provinces_are_sent_to_their_own(
    client, ministry_staff, tayninh_officer, cantho_officer
):
    url = reverse("reports:regional_dashboard")
    client.force_login(tayninh_officer)
    response = client.get(url, {"year": 2025})
    own = reverse("reports:province_dashboard", args=[tayninh_officer.unit.province_id])
    assert response.status_code == 302 and response["Location"].startswith(own)
    client.force_login(ministry_staff)
    assert client.get(url).status_code == 200


def test_officer_reaches_only_own_province_and_its_former_provinces(client, tayninh_officer, cantho_officer, hand_data):
    client.force_login(cantho_officer)
    assert client.get(reverse("reports:province_dashboard", args=[hand_data["tn_new"].pk])).status_code == 404
    assert client.get(reverse("reports:province_dashboard", args=[hand_data["tn_old"].pk])).status_code == 404
    client.force_login(tayninh_officer)
    response = client.get(reverse("reports:province_dashboard", args=[hand_data["tn_new"].pk]), {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert "T-P4" in html  # overdue: in progress past 31/10/2025
    assert "Long An" in html  # the former province merged into Tây Ninh keeps its row
    assert client.get(reverse("reports:province_dashboard", args=[hand_data["la"].pk])).status_code == 200


def test_zero_plan_shows_a_dash_not_a_crash(client, ministry_staff, reference_data):
    client.force_login(ministry_staff)
    response = client.get(reverse("reports:regional_dashboard"), {"year": 2023, "period": "q2", "view": "asis"})
    assert response.status_code == 200 and "—" in response.content.decode()
    assert client.get(reverse("reports:regional_dashboard"), {"year": "x", "period": "zz"}).status_code == 200


def test_query_count_does_not_grow_with_data(
    client, ministry_staff, hand_data, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Queries: session, user, memberships, reporting periods, plans, money, projects by status,
    registrations, region count, activity support, activity money (+ nav's unit), and for who has reported:
    the stored period, the region's provinces, their reports (17 in all, whatever the data size)."""
    client.force_login(ministry_staff)
    url = reverse("reports:regional_dashboard")
    params = {"year": 2025, "period": "nine", "view": "today"}
    with django_assert_max_num_queries(17):
        response = client.get(url, params)
    assert response.status_code == 200
    before = response.context["d"].total.projects
    with django_capture_on_commit_callbacks(execute=True):  # committed: the cached figures are stale
        demo.demo_seed(scale=1, seed=3, today=datetime.date(2026, 11, 28))  # about 1,500 more projects
    nine = period_services.period_get_or_create(kind="nine", year=2025)  # and every province's report for the period
    for province in province_selectors.provinces_in_region_on(day=nine.ends_on):
        Report.objects.create(period=nine, province=province)
    client.force_login(ministry_staff)
    for view in ("today", "asis"):  # cold (the seed bumped the data version): the figures' queries run
        with django_assert_max_num_queries(17):
            response = client.get(url, params | {"view": view})
        assert response.status_code == 200 and response.context["d"].total.projects > before
    province = reverse("reports:province_dashboard", args=[hand_data["tn_new"].pk])
    with django_assert_max_num_queries(20):
        assert client.get(province, params).status_code == 200


def test_tile_map_keeps_former_and_todays_provinces_apart():
    from reports import charts

    tiles = [charts.Tile(92, 2004, "Thành phố Cần Thơ", None), charts.Tile(92, 2025, "Thành phố Cần Thơ", None)]
    svg = str(charts.tile_map(tiles, title="t", desc="d"))
    positions = re.findall(r'<rect x="(\d+)" y="(\d+)" width="120"', svg)
    assert len(positions) == 2 and positions[0] != positions[1]

"""API v1: rounds and entries in scope; screening and a judge's sheet through the services."""

import datetime

import pytest

from products.tests import factories
from products.tests.test_scoring import judged_round, recognised_round

pytestmark = pytest.mark.django_db


def test_rounds_and_entries_in_scope_with_results_once_decided(
    client, selection_rules, tayninh_officer, cantho_officer, tay_ninh, judges
):
    round_, (one, _two) = recognised_round(tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2026, 9, 10))
    client.force_login(tayninh_officer)
    listed = client.get("/api/v1/product-rounds/").json()
    assert [r["id"] for r in listed["results"]] == [round_.pk] and listed["results"][0]["recognised"] == 1
    detail = client.get(f"/api/v1/product-rounds/{round_.pk}/").json()
    assert [c["max_points"] for c in detail["criteria"]] == ["40.00", "40.00", "10.00", "10.00"]
    assert detail["figures_by_province"][0]["entries"] == 2
    entry = client.get(f"/api/v1/product-entries/{one.pk}/").json()
    assert entry["mean"] == "80.00" and entry["certificate"]["valid_until"] == "2028-12-31"
    client.force_login(cantho_officer)
    assert client.get("/api/v1/product-rounds/").json()["count"] == 0
    assert client.get("/api/v1/product-entries/").json()["count"] == 0


def test_a_judge_posts_a_sheet_and_an_over_maximum_is_a_structured_error(
    client, selection_rules, tayninh_officer, tay_ninh, judges
):
    round_, (one, _two) = judged_round(tayninh_officer, tay_ninh, judges)
    client.force_login(judges[1])
    during = client.get(f"/api/v1/product-entries/{one.pk}/").json()
    assert during["mean"] is None  # no figures while judging
    marks = {str(pk): str(v) for pk, v in factories.marks_for(round_, 41, 30, 5, 5).items()}
    refused = client.post(
        f"/api/v1/product-entries/{one.pk}/sheet/", {"points": marks, "submit": True}, content_type="application/json"
    )
    body = refused.json()["error"]
    assert refused.status_code == 400 and any("40" in item["vi"] for items in body["fields"].values() for item in items)
    marks = {str(pk): str(v) for pk, v in factories.marks_for(round_, 35, 30, 5, 5).items()}
    done = client.post(
        f"/api/v1/product-entries/{one.pk}/sheet/", {"points": marks, "submit": True}, content_type="application/json"
    )
    assert done.status_code == 201 and done.json() == {"submitted": True, "total": "75.00"}


def test_screening_through_the_api_refuses_a_stale_version(client, selection_rules, tayninh_officer, tay_ninh):
    round_ = factories.make_round(by=tayninh_officer, prov=tay_ninh)
    entry = factories.make_entry(round_=round_, by=tayninh_officer, screen=False)
    client.force_login(tayninh_officer)
    url = f"/api/v1/product-entries/{entry.pk}/screen/"
    ok = client.post(url, {"eligible": True, "version": entry.version}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "eligible"
    stale = client.post(
        url, {"eligible": False, "reason": "x", "version": entry.version}, content_type="application/json"
    )
    assert stale.status_code == 400 and "tải lại" in str(stale.json())

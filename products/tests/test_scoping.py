"""Officers reach their province's rounds and entries; judges only the rounds they judge; ministry all."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from products import selectors, services
from products.tests import factories
from products.tests.test_scoring import judged_round, recognised_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def tayninh_round(selection_rules, tayninh_officer, tay_ninh, judges):
    return recognised_round(tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2026, 9, 10))


def test_an_officer_of_another_province_gets_404_everywhere(client, cantho_officer, tayninh_round):
    round_, (entry, _other) = tayninh_round
    client.force_login(cantho_officer)
    cert = entry.certificate
    urls = [
        f"/products/{round_.pk}/",
        f"/products/{round_.pk}/setup/",
        f"/products/{round_.pk}/summary/",
        f"/products/{round_.pk}/export.xlsx",
        f"/products/{round_.pk}/complaints/",
        f"/products/{round_.pk}/promote/",
        f"/products/entries/{entry.pk}/",
        f"/products/entries/{entry.pk}/score/",
        f"/products/files/{entry.files.first().pk}/",
        f"/products/certificates/{cert.pk}/pdf/",
        f"/products/certificates/{cert.pk}/revoke/",
        f"/products/certificates/{cert.pk}/report/",
        f"/products/establishments/{entry.beneficiary_id}/",
        f"/products/history/{round_.province_id}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code in (404, 405), url
    assert entry.product_name not in client.get("/products/").content.decode()
    assert client.get(f"/api/v1/product-rounds/{round_.pk}/").status_code == 404
    assert client.get(f"/api/v1/product-entries/{entry.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.entry_screen(entry=_other, eligible=False, reason="x", by=cantho_officer)


def test_the_owner_and_the_ministry_see_the_round(client, tayninh_officer, ministry_staff, tayninh_round):
    round_, (entry, _other) = tayninh_round
    for user in (tayninh_officer, ministry_staff):
        client.force_login(user)
        page = client.get(f"/products/{round_.pk}/").content.decode()
        assert entry.product_name in page
        assert client.get(f"/products/certificates/{entry.certificate.pk}/pdf/").status_code == 200


def test_a_judge_sees_only_the_rounds_they_judge(
    selection_rules, tayninh_officer, cantho_officer, tay_ninh, reference_data
):
    """A Cần Thơ expert on a Tây Ninh panel reads that round and scores it, and no other Tây Ninh round."""
    outsider = factories.make_user("ct.expert", factories.province(92))
    insiders = [factories.make_user(f"tn.judge{i}", tay_ninh) for i in range(2)]
    judged, (entry, _other) = judged_round(tayninh_officer, tay_ninh, [*insiders, outsider])
    other_round = factories.make_round(by=tayninh_officer, prov=tay_ninh, year=2027)
    visible = set(selectors.rounds_for(user=outsider).values_list("pk", flat=True))
    assert judged.pk in visible and other_round.pk not in visible
    assert selectors.entries_for(user=outsider, round_=judged).count() == 2
    assert judged.pk not in set(selectors.rounds_for(user=cantho_officer).values_list("pk", flat=True))
    services.sheet_save(entry=entry, by=outsider, points=factories.marks_for(judged, 30, 30, 5, 5), submit=True)
    with pytest.raises(PermissionDenied):
        services.entry_screen(entry=entry, eligible=False, reason="x", by=outsider)


def test_the_new_round_form_offers_only_rounds_and_projects_in_scope(
    client, selection_rules, tayninh_officer, cantho_officer, tay_ninh
):
    from projects.tests import factories as project_factories

    factories.make_round(by=tayninh_officer, prov=tay_ninh, year=2027, title="Đợt riêng của Tây Ninh 2027")
    project = project_factories.make_project(by=tayninh_officer, title="Đề án bình chọn riêng của Tây Ninh")
    client.force_login(cantho_officer)
    page = client.get("/products/new/").content.decode()
    assert "Đợt riêng của Tây Ninh 2027" not in page and project.title not in page
    client.force_login(tayninh_officer)
    page = client.get("/products/new/").content.decode()
    assert "Đợt riêng của Tây Ninh 2027" in page and project.title in page

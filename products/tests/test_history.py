"""Figures per round, province and group; a province's history across the 2025 merger."""

import datetime

import pytest

from products import selectors
from products.models import Entry, ProductGroup
from products.tests import factories

pytestmark = pytest.mark.django_db


def _entries(round_, prov, by, n, recognised):
    rows = []
    for index in range(n):
        beneficiary = factories.project_services.beneficiary_match_or_create(
            name=f"Cơ sở {prov.name} {round_.year} {index}", kind="household"
        )
        rows.append(
            Entry(
                round=round_,
                province=prov,
                beneficiary=beneficiary,
                code=f"{prov.code}-{index:03d}",
                product_name=f"Sản phẩm {index}",
                group="food" if index % 2 else "handicraft",
                received_on=round_.registration_deadline,
                status="eligible",
                recognised=index < recognised,
                created_by=by,
            )
        )
    Entry.objects.bulk_create(rows)


def test_cantho_history_counts_hau_giang_and_soc_trang_before_the_merger(
    selection_rules, ministry_staff, cantho_officer
):
    old_can_tho, hau_giang, soc_trang = (factories.province(c, 2004) for c in (92, 93, 94))
    new_can_tho = factories.province(92)
    r2022 = factories.make_round(
        by=ministry_staff, level="region", year=2022, judging_starts=datetime.date(2022, 10, 10)
    )
    r2026 = factories.make_round(by=ministry_staff, level="region", year=2026)
    _entries(r2022, old_can_tho, ministry_staff, 10, 6)
    _entries(r2022, hau_giang, ministry_staff, 8, 4)
    _entries(r2022, soc_trang, ministry_staff, 2, 0)
    _entries(r2022, factories.province(72, 2004), ministry_staff, 30, 30)  # old Tây Ninh: not Cần Thơ's
    _entries(r2026, new_can_tho, ministry_staff, 5, 5)
    history = selectors.province_history(user=cantho_officer, province=new_can_tho)
    assert [row.round for row in history] == [r2022, r2026]
    first, second = history
    assert (first.total.entries, first.total.recognised) == (20, 10)  # 10 + 8 + 2 entries, 6 + 4 recognised
    assert first.total.share == 50
    assert sorted(t.name for t in first.by_province.values()) == ["Hậu Giang", "Sóc Trăng", "Thành phố Cần Thơ"]
    assert (second.total.entries, second.total.recognised) == (5, 5)
    # Per round, province and group: Cần Thơ's officer sees its three former provinces only.
    figures = selectors.round_figures(user=cantho_officer, round_=r2022)
    assert [t.name for t in figures["provinces"]] == ["Hậu Giang", "Sóc Trăng", "Thành phố Cần Thơ"]
    assert figures["total"].entries == 20
    handicraft, food = str(ProductGroup.HANDICRAFT.label), str(ProductGroup.FOOD.label)
    # Even indexes are handicrafts: Cần Thơ 0,2,4,6,8 (3 recognised: 0,2,4), Hậu Giang 0,2,4,6 (2: 0,2), Sóc Trăng 0.
    assert {t.name: (t.entries, t.recognised) for t in figures["groups"]} == {handicraft: (10, 5), food: (10, 5)}
    # Ministry staff see the whole region: 50 entries, 40 recognised = 80%.
    total = selectors.round_figures(user=ministry_staff, round_=r2022)["total"]
    assert (total.entries, total.recognised, total.share) == (50, 40, 80)
    # And the conference page's quote is the same figure.
    quote = selectors.conference_quote(region_id=r2022.region_id, year=2022)
    assert quote["tally"].entries == 50 and quote["tally"].recognised == 40 and quote["provinces"] == 4


def test_the_history_page_is_scoped(client, selection_rules, ministry_staff, cantho_officer, tayninh_officer):
    r2022 = factories.make_round(
        by=ministry_staff, level="region", year=2022, judging_starts=datetime.date(2022, 10, 10)
    )
    _entries(r2022, factories.province(93, 2004), ministry_staff, 3, 2)
    client.force_login(cantho_officer)
    page = client.get(f"/products/history/{factories.province(92).pk}/").content.decode()
    assert "Hậu Giang" in page and r2022.title in page
    client.force_login(tayninh_officer)
    assert client.get(f"/products/history/{factories.province(92).pk}/").status_code == 404

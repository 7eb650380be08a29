"""The money vocabulary (projects/money.py) is the one definition: the figures count exactly the kinds it says,
the ceiling names the kinds it counts, and both dashboards explain the words beside the figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from projects import money, selectors, services
from projects.models import MoneyEntry, Project
from projects.tests import factories
from reports import figures

pytestmark = pytest.mark.django_db
M = Decimal(1_000_000)
# One amount per kind, so any sum tells which kinds it holds: advance 1 M, disbursement 10 M, settlement 4 M.
AMOUNTS = {MoneyEntry.Kind.ADVANCE: 1 * M, MoneyEntry.Kind.DISBURSEMENT: 10 * M, MoneyEntry.Kind.SETTLEMENT: 4 * M}


def test_the_vocabulary_covers_every_kind_and_says_which_count():
    assert {term.word for term in money.VOCABULARY} == {"tạm ứng", "giải ngân", "thanh toán", "quyết toán"}
    assert {term.recorded_as for term in money.VOCABULARY} == set(MoneyEntry.Kind.values)
    assert money.PAYMENT.recorded_as == MoneyEntry.Kind.DISBURSEMENT  # not a kind of its own
    assert sorted(money.RATE_KINDS) == [MoneyEntry.Kind.DISBURSEMENT]
    assert set(money.CEILING_KINDS) == set(MoneyEntry.Kind.values)


@pytest.fixture
def one_of_each_kind(tayninh_officer, tayninh_approver):
    """A 2026 project of Tây Ninh, plan 100 M, with one entry of each kind dated 1/3/2026."""
    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    factories.make_plan(tayninh_officer.unit.province, 2026, "local", 100 * M)
    for kind in (MoneyEntry.Kind.ADVANCE, MoneyEntry.Kind.DISBURSEMENT, MoneyEntry.Kind.SETTLEMENT):
        services.money_entry_add(
            project=project, by=tayninh_officer, kind=kind, amount=AMOUNTS[kind], date=datetime.date(2026, 3, 1)
        )
    return project


def test_the_rate_counts_exactly_the_kinds_the_vocabulary_says(one_of_each_kind, ministry_staff):
    expected = sum(AMOUNTS[kind] for kind in money.RATE_KINDS)
    assert expected == 10 * M  # worked by hand: only the disbursement
    d = figures.regional_figures(
        year=2026, kind="year", rollup=True, user=ministry_staff, today=datetime.date(2026, 12, 20)
    )
    assert d.total.total.now.disbursed == expected and d.total.total.now.rate == Decimal(10)
    assert sum(a.figures.disbursed for a in d.by_activity) == expected
    annotated = selectors.with_money(Project.objects.filter(pk=one_of_each_kind.pk)).get()
    assert (annotated.advanced, annotated.disbursed, annotated.settled) == (1 * M, 10 * M, 4 * M)
    assert selectors.disbursed_by(one_of_each_kind, datetime.date(2026, 12, 31)) == expected


def test_the_ceiling_names_the_kind_it_counted_and_the_kinds_it_caps(one_of_each_kind, tayninh_officer):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.money_entry_add(
            project=one_of_each_kind,
            by=tayninh_officer,
            kind=MoneyEntry.Kind.DISBURSEMENT,
            amount=95 * M,
            date=datetime.date(2026, 4, 1),
        )
    message = " ".join(refused.value.message_dict["amount"])
    assert "giải ngân (kể cả thanh toán)" in message and "105.000.000 đ" in message and "100.000.000 đ" in message
    assert "tạm ứng, giải ngân (kể cả thanh toán), quyết toán" in message  # the kinds capped, each on its own
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.money_entry_add(
            project=one_of_each_kind,
            by=tayninh_officer,
            kind=MoneyEntry.Kind.ADVANCE,
            amount=100 * M,
            date=datetime.date(2026, 4, 1),
        )
    message = " ".join(refused.value.message_dict["amount"])
    assert "advances (tạm ứng)" in message and "settlements (quyết toán)" in message


def test_both_dashboards_explain_the_money_words_once(client, one_of_each_kind, ministry_staff):
    client.force_login(ministry_staff)
    pages = [
        client.get(reverse("reports:regional_dashboard"), {"year": 2026, "period": "year"}),
        client.get(
            reverse("reports:province_dashboard", args=[one_of_each_kind.province_id]), {"year": 2026, "period": "year"}
        ),
    ]
    for response in pages:
        html = response.content.decode()
        assert html.count('id="money-note"') == 1
        for word in ("Tạm ứng", "Giải ngân", "Thanh toán", "Quyết toán"):
            assert f"<dt>{word}" in html
        assert "chỉ loại này được tính vào tỷ lệ thực hiện" in html

"""Correcting money: a wrong entry is reversed by a negative entry linked to it, with a reason; entries are never
edited or deleted. The officer corrects until the period's report is submitted, the approver afterwards."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from periods import services as periods  # period_get_or_create
from periods.models import PeriodKind
from projects import selectors, services
from projects.models import MoneyEntry
from projects.tests import factories
from projects.tests.test_api import client_for, error_of
from reports.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_on_the_day")]
M = 1_000_000


@pytest.fixture
def _on_the_day():
    with freeze_time("2026-11-20 09:00:00+07:00"):
        yield


@pytest.fixture
def project(tayninh_officer, tayninh_approver):
    return factories.approve(
        factories.make_project(by=tayninh_officer, support=100 * M), officer=tayninh_officer, approver=tayninh_approver
    )


def _disburse(project, by, amount, day):
    return services.money_entry_add(project=project, by=by, kind="disbursement", amount=amount, date=day)


def _disbursed(project, user) -> Decimal:
    return selectors.with_money(selectors.project_list_for(user=user).filter(pk=project.pk)).get().disbursed


def test_a_correction_reverses_part_of_an_entry_and_the_ceiling_counts_it(project, tayninh_officer):
    wrong = _disburse(project, tayninh_officer, 80 * M, datetime.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="vượt kinh phí hỗ trợ được duyệt"):
        _disburse(project, tayninh_officer, 70 * M, datetime.date(2026, 11, 2))
    correction = services.money_entry_correct(
        entry=wrong, by=tayninh_officer, amount="50.000.000", reason="Gõ nhầm 80 triệu, đúng là 30 triệu"
    )
    assert (correction.amount, correction.kind, correction.date) == (-50 * M, "disbursement", wrong.date)
    assert correction.corrects == wrong and correction.reason.startswith("Gõ nhầm")
    wrong.refresh_from_db()
    assert wrong.amount == 80 * M  # the original is untouched
    assert _disbursed(project, tayninh_officer) == 30 * M
    _disburse(project, tayninh_officer, 70 * M, datetime.date(2026, 11, 2))  # 30 + 70 = the ceiling
    assert _disbursed(project, tayninh_officer) == 100 * M
    with pytest.raises(ValidationError, match="vượt kinh phí"):
        _disburse(project, tayninh_officer, 1, datetime.date(2026, 11, 2))


def test_what_a_correction_refuses(project, tayninh_officer, cantho_officer):
    entry = _disburse(project, tayninh_officer, 20 * M, datetime.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="Hãy ghi lý do"):
        services.money_entry_correct(entry=entry, by=tayninh_officer, reason="  ")
    with pytest.raises(ValidationError, match="Chỉ còn tối đa 20.000.000 đ"):
        services.money_entry_correct(entry=entry, by=tayninh_officer, amount=25 * M, reason="Sai")
    with pytest.raises(PermissionDenied):
        services.money_entry_correct(entry=entry, by=cantho_officer, reason="Không phải của tôi")
    whole = services.money_entry_correct(entry=entry, by=tayninh_officer, reason="Nhập trùng")
    assert whole.amount == -20 * M
    with pytest.raises(ValidationError, match="đã được điều chỉnh hết"):
        services.money_entry_correct(entry=entry, by=tayninh_officer, reason="Lần nữa")
    with pytest.raises(ValidationError, match="không thể tự điều chỉnh"):
        services.money_entry_correct(entry=whole, by=tayninh_officer, reason="Điều chỉnh lại")
    assert MoneyEntry.objects.filter(project=project).count() == 2


def test_after_the_report_is_submitted_only_the_approver_corrects(project, tayninh_officer, tayninh_approver):
    q3 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=3)  # 15/06 – 14/09/2026
    in_q3 = _disburse(project, tayninh_officer, 40 * M, datetime.date(2026, 7, 1))
    in_q4 = _disburse(project, tayninh_officer, 10 * M, datetime.date(2026, 10, 1))
    report = Report.objects.create(period=q3, province=tayninh_officer.unit.province)
    # before submission the officer may
    services.money_entry_correct(entry=in_q3, by=tayninh_officer, amount=5 * M, reason="Thừa 5 triệu")
    Report.objects.filter(pk=report.pk).update(status="submitted", snapshot={}, submitted_at=timezone.now())
    with pytest.raises(PermissionDenied, match="chỉ người phê duyệt"):
        services.money_entry_correct(entry=in_q3, by=tayninh_officer, amount=5 * M, reason="Thừa thêm 5 triệu")
    services.money_entry_correct(entry=in_q3, by=tayninh_approver, amount=5 * M, reason="Thừa thêm 5 triệu")
    services.money_entry_correct(entry=in_q4, by=tayninh_officer, reason="Q4 chưa nộp báo cáo")  # still open
    assert in_q3.corrections.count() == 2 and _disbursed(project, tayninh_officer) == 30 * M


def test_the_database_refuses_a_correction_without_reason_or_a_negative_original(project, tayninh_officer):
    entry = _disburse(project, tayninh_officer, 10 * M, datetime.date(2026, 10, 1))
    common = {"project": project, "kind": "disbursement", "date": entry.date, "created_by": tayninh_officer}
    for bad in ({"amount": -M}, {"amount": -M, "corrects": entry}, {"amount": M, "corrects": entry, "reason": "x"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            MoneyEntry.objects.create(**common, **bad)


def test_both_entries_show_in_the_history_and_on_the_page(client, project, tayninh_officer):
    entry = _disburse(project, tayninh_officer, 15 * M, datetime.date(2026, 10, 1))
    client.force_login(tayninh_officer)
    response = client.post(
        reverse("projects:money_correct", args=[project.pk, entry.pk]),
        {"amount": "5 000 000", "reason": "Hóa đơn ghi nhầm"},
    )
    assert response.status_code == 302
    correction = entry.corrections.get()
    assert correction.amount == -5 * M
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "-5.000.000 đ" in html and "15.000.000 đ" in html and "Hóa đơn ghi nhầm" in html
    assert '<dd id="disbursed">10.000.000 đ</dd>' in html
    history = client.get(reverse("projects:history", args=[project.pk])).content.decode()
    assert history.count("giải ngân") >= 2 and "-5000000" in history


def test_api_posts_a_correction_and_the_totals_move(project, tayninh_officer, tayninh_approver, cantho_officer):
    entry = _disburse(project, tayninh_officer, 60 * M, datetime.date(2026, 10, 1))
    url = f"/api/v1/projects/{project.pk}/money-entries/{entry.pk}/correction/"
    assert client_for(cantho_officer).post(url, {"reason": "x"}, format="json").status_code == 404
    refused = client_for(tayninh_officer).post(url, {"amount": 61 * M, "reason": "Sai"}, format="json")
    assert refused.status_code == 400 and "amount" in error_of(refused)["fields"]
    response = client_for(tayninh_officer).post(url, {"amount": "20000000", "reason": "Gõ thừa"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["corrects"], body["reason"]) == ("-20000000", entry.pk, "Gõ thừa")
    detail = client_for(tayninh_approver).get(f"/api/v1/projects/{project.pk}/").json()
    assert detail["disbursed"] == "40000000"
    assert [e["amount"] for e in detail["money_entries"]] == ["60000000", "-20000000"]
